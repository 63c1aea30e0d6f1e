/*
 * test_stacks.c - small task stacks and cf_on_loop_stack: 10,000 tasks suspended on
 * sub-page stacks, deep calls from a tiny stack through the loop's, suspension refused
 * there, and an overflow caught by the canary (in a child process: it aborts).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cofetch/cofetch.h"
#include "support.h"

/* Small enough for a slab in every build (x2 unoptimised, x3 with ASan: 3 KiB). */
enum { SMALL = 512, N = 10000 };

static int run(cf_task_fn *fn, void *arg)
{
    return cf_loop_run(t_loop, fn, arg, NULL);
}

/* ---- many tasks suspended on small stacks ---- */

struct napper {
    uintptr_t where; /* an address on the task's stack */
    size_t i;
};

static int small_napper(void *arg, void **res)
{
    struct napper *n = arg;
    volatile char here = 0;
    n->where = (uintptr_t)&here;
    if (cf_sleep(0.05) != 0)
        return CF_EIO;
    *res = (void *)(n->i * 3 + here);
    return 0;
}

static int crowd_main(void *arg, void **res)
{
    struct napper *n = arg;
    cf_task **t = calloc(N, sizeof *t);
    void **results = calloc(N, sizeof *results);
    size_t near = 0;
    (void)res;

    assert_non_null(t);
    assert_non_null(results);
    for (size_t i = 0; i < N; i++) {
        n[i].i = i;
        assert_int_equal(cf_spawn(&t[i], small_napper, &n[i]), 0);
        assert_int_equal(cf_task_set_stack_size(t[i], SMALL), 0);
    }
    assert_int_equal(cf_gather(t, N, 0, results, NULL), 0);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal((uintptr_t)results[i], i * 3);
        cf_task_unref(t[i]);
    }
    /* All were suspended at once, so no two shared a stack; most stacks share a page
     * with the one carved next to them. */
    for (size_t i = 1; i < N; i++) {
        uintptr_t d =
            n[i].where > n[i - 1].where ? n[i].where - n[i - 1].where : n[i - 1].where - n[i].where;
        assert_true(d > 0);
        near += d < 4096;
    }
    assert_true(near > N / 2);
    free(t);
    free(results);
    return 0;
}

static void many_on_small_stacks(void **state)
{
    struct napper *n = calloc(N, sizeof *n);
    long rss0 = t_peak_rss_kib();
    (void)state;

    assert_non_null(n);
    assert_int_equal(run(crowd_main, n), 0);
    print_message("    10,000 tasks suspended on %d-byte stacks: peak RSS +%ld KiB\n", SMALL,
                  t_peak_rss_kib() - rss0);
    free(n);
}

/* ---- cf_on_loop_stack ---- */

/* Uses ~64 KiB of stack: far more than a small stack has. */
__attribute__((noinline)) static int deep(int level)
{
    volatile char buf[1024];
    memset((char *)buf, level, sizeof buf);
    if (level == 0)
        return buf[0];
    return deep(level - 1) + buf[sizeof buf - 1];
}

struct probe {
    uintptr_t task_local;
    uintptr_t loop_local;
    int sum;
    int sleep_rc;
    int nested;
    cf_task *current;
};

static int nested_fn(void *arg)
{
    struct probe *p = arg;
    volatile char here = 0;
    p->nested = (uintptr_t)&here < p->loop_local && p->loop_local - (uintptr_t)&here < 65536;
    return 7;
}

static int probe_on_loop(void *arg)
{
    struct probe *p = arg;
    volatile char here = 0;
    p->loop_local = (uintptr_t)&here;
    p->current = cf_task_current();
    p->sleep_rc = cf_sleep(0.01);
    p->sum = deep(64);
    return cf_on_loop_stack(nested_fn, p) + 35; /* already there: a plain call */
}

static int tiny_task(void *arg, void **res)
{
    struct probe *p = arg;
    volatile char here = 0;
    int rc;
    (void)res;

    p->task_local = (uintptr_t)&here;
    rc = CF_ON_LOOP(probe, p); /* probe_on_loop(p) on the loop's stack */
    if (rc != 42)
        return CF_EIO;
    /* The task's own stack is intact and it still suspends and resumes. */
    if (cf_sleep(0.01) != 0 || cf_task_current() == NULL)
        return CF_EIO;
    return here;
}

static int tiny_main(void *arg, void **res)
{
    cf_task *t;
    (void)res;
    assert_int_equal(cf_spawn(&t, tiny_task, arg), 0);
    assert_int_equal(cf_task_set_stack_size(t, 0), CF_EINVAL);
    assert_int_equal(cf_task_set_stack_size(t, SMALL), 0);
    assert_int_equal(cf_task_await(t, NULL), 0);
    /* Too late once it ran. */
    assert_int_equal(cf_task_set_stack_size(t, SMALL), CF_ESTATE);
    cf_task_unref(t);
    return 0;
}

static void loop_stack_for_deep_calls(void **state)
{
    struct probe p = {0};
    uintptr_t d;
    (void)state;

    assert_int_equal(run(tiny_main, &p), 0);
    assert_int_equal(p.sum, 64 * 65 / 2);
    assert_int_equal(p.sleep_rc, CF_ENOTASK); /* no suspending on the loop's stack */
    assert_null(p.current);
    assert_true(p.nested);
    d = p.task_local > p.loop_local ? p.task_local - p.loop_local : p.loop_local - p.task_local;
    assert_true(d > 65536); /* a different stack altogether */
}

static int plus_one(void *arg)
{
    return *(int *)arg + 1;
}

static void loop_stack_outside_a_task(void **state)
{
    int v = 41;
    (void)state;
    assert_int_equal(cf_on_loop_stack(plus_one, &v), 42);
    assert_int_equal(cf_task_set_stack_size(NULL, 512), CF_EINVAL);
}

/* ---- an overflow is caught ---- */

static int overflowing(void *arg, void **res)
{
    (void)arg;
    (void)res;
    deep(16); /* 16 KiB on a 512-byte stack: through the canary into the slab below */
    return cf_yield();
}

static int overflow_main(void *arg, void **res)
{
    cf_task *t;
    (void)arg;
    (void)res;
    cf_spawn(&t, overflowing, NULL);
    cf_task_set_name(t, "greedy");
    cf_task_set_stack_size(t, SMALL);
    return cf_task_await(t, NULL);
}

static void overflow_aborts(void **state)
{
    int fds[2], status;
    char msg[512] = "";
    ssize_t n;
    pid_t pid;
    (void)state;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        cf_loop *loop;
        dup2(fds[1], 2);
        if (cf_loop_new(&loop, NULL) != 0)
            _exit(3);
        cf_loop_run(loop, overflow_main, NULL, NULL);
        _exit(4); /* not reached: the canary check aborts */
    }
    close(fds[1]);
    n = read(fds[0], msg, sizeof msg - 1);
    msg[n > 0 ? n : 0] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_non_null(strstr(msg, "task 'greedy' overflowed its"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(many_on_small_stacks, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(loop_stack_for_deep_calls, t_loop_setup, t_loop_teardown),
        cmocka_unit_test(loop_stack_outside_a_task),
        cmocka_unit_test(overflow_aborts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

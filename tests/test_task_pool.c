/*
 * test_task_pool.c - task structs reused through the loop's pool: a reference held
 * past the task's end and past cf_loop_free, one struct reused many times with nothing
 * of its previous task left in it (result, name, cancellation, stack size, deadline
 * timer), cancellation of a reused task, and (AddressSanitizer builds) a released
 * task's use reported as an error.
 */
#include <setjmp.h>
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
#include "internal.h"
#include "support.h"

#if defined(__SANITIZE_ADDRESS__)
#define T_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define T_ASAN 1
#endif
#endif

static int give_arg(void *arg, void **res)
{
    *res = arg;
    return 0;
}

static int fail_with(void *arg, void **res)
{
    (void)res;
    return (int)(intptr_t)arg;
}

static int sleep_long(void *arg, void **res)
{
    (void)arg;
    (void)res;
    return cf_sleep(30);
}

/* ---- a reference held past the task's end and past the loop ---- */

struct held {
    cf_task *done;  /* finished with a result while the loop ran */
    cf_task *stuck; /* suspended where nothing wakes it: reaped by cf_loop_free */
};

static int stuck_forever(void *arg, void **res)
{
    (void)arg;
    (void)res;
    cf_task_suspend_shielded(NULL, NULL); /* no waker, and cancellation cannot end it */
    return 0;
}

static int held_main(void *arg, void **res)
{
    struct held *h = arg;
    (void)res;
    assert_int_equal(cf_spawn(&h->done, give_arg, (void *)"kept"), 0);
    cf_task_set_name(h->done, "kept");
    assert_int_equal(cf_task_await(h->done, NULL), 0);
    assert_int_equal(cf_spawn(&h->stuck, stuck_forever, NULL), 0);
    return cf_yield(); /* the stuck task starts and suspends */
}

static void test_ref_outlives_loop(void **state)
{
    struct held h = {NULL, NULL};
    cf_loop *loop;
    void *result = NULL;
    (void)state;

    assert_int_equal(cf_loop_new(&loop, NULL), 0);
    assert_int_equal(cf_loop_run(loop, held_main, &h, NULL), 0);
    assert_false(cf_task_done(h.stuck)); /* the run could not finish it */
    cf_loop_free(loop);

    /* Both references still read their tasks; LSan checks that the last unref frees
     * each struct and, with the last one, the loop's. */
    assert_true(cf_task_done(h.done));
    assert_int_equal(cf_task_result(h.done, &result), 0);
    assert_string_equal((const char *)result, "kept");
    assert_string_equal(cf_task_name(h.done), "kept");
    cf_task_cancel(h.done); /* finished: a no-op */
    assert_true(cf_task_done(h.stuck));
    assert_int_equal(cf_task_result(h.stuck, NULL), CF_ECANCELED);
    cf_task_unref(h.done);
    assert_int_equal(cf_task_result(cf_task_ref(h.stuck), NULL), CF_ECANCELED);
    cf_task_unref(h.stuck);
    cf_task_unref(h.stuck);
}

/* A reference held past cf_loop_free is of the freed loop: another loop's task that
 * awaits it is told so. */
static int await_foreign(void *arg, void **res)
{
    (void)res;
    return cf_task_await(arg, NULL);
}

static void test_ref_outlives_loop_other_loop(void **state)
{
    cf_loop *a, *b;
    cf_task *t;
    (void)state;

    assert_int_equal(cf_loop_new(&a, NULL), 0);
    assert_int_equal(cf_loop_spawn(a, &t, give_arg, NULL), 0);
    cf_loop_free(a); /* t never ran */
    assert_true(cf_task_done(t));
    assert_int_equal(cf_task_result(t, NULL), CF_ECANCELED);
    assert_int_equal(cf_loop_new(&b, NULL), 0);
    assert_int_equal(cf_loop_run(b, await_foreign, t, NULL), CF_ELOOP);
    cf_loop_free(b);
    cf_task_unref(t);
}

/* ---- one struct reused many times ---- */

enum { ROUNDS = 10000 };

struct reuse {
    cf_task *first;
    unsigned same; /* spawns that got the first round's struct back */
};

static int reuse_main(void *arg, void **res)
{
    struct reuse *r = arg;
    (void)res;

    for (unsigned i = 0; i < ROUNDS; i++) {
        cf_task *t;
        void *out = NULL;
        int fails = i % 3 == 1;

        assert_int_equal(cf_spawn(&t, fails ? fail_with : give_arg,
                                  fails ? (void *)(intptr_t)CF_EIO : (void *)(uintptr_t)i),
                         0);
        if (i == 0)
            r->first = t;
        if (t == r->first)
            r->same++;
        /* Nothing of the previous task is left: not done, not cancelled, no name, the
         * loop's stacks. */
        assert_false(cf_task_done(t));
        assert_false(cf_task_cancelled(t));
        assert_string_equal(cf_task_name(t), "");
        assert_int_equal(t->stack_class, 0);
        assert_int_equal(cf_task_result(t, NULL), CF_ESTATE);
        switch (i % 4) {
        case 0: cf_task_set_name(t, "named"); break;
        case 1: assert_int_equal(cf_task_set_stack_size(t, 1024), 0); break;
        case 2: cf_task_cancel(t); break; /* before it starts: it never runs */
        default: break;
        }
        int rc = cf_task_await(t, &out);
        if (i % 4 == 2) {
            assert_int_equal(rc, CF_ECANCELED);
            assert_null(out);
        } else if (fails) {
            assert_int_equal(rc, CF_EIO);
            assert_null(out);
        } else {
            assert_int_equal(rc, 0);
            assert_int_equal((uintptr_t)out, i);
        }
        cf_task_unref(t);
    }
    return 0;
}

static void test_reused_many_times(void **state)
{
    struct reuse r = {NULL, 0};
    (void)state;
    assert_int_equal(cf_loop_run(t_loop, reuse_main, &r, NULL), 0);
    /* One task at a time: every spawn reuses the struct the previous one released. */
    assert_int_equal(r.same, ROUNDS);
}

/* ---- cancellation and deadlines of reused tasks ---- */

static int nap(void *arg, void **res)
{
    (void)arg;
    (void)res;
    return cf_sleep(0.01);
}

static int wait_briefly(void *arg, void **res)
{
    (void)res;
    return cf_task_wait_for(arg, 0.001, NULL);
}

static int cancel_reused_main(void *arg, void **res)
{
    cf_task *first = NULL;
    unsigned reused = 0;
    (void)arg;
    (void)res;

    for (unsigned i = 0; i < 200; i++) {
        cf_task *sleeper, *waiter;

        assert_int_equal(cf_spawn(&sleeper, sleep_long, NULL), 0);
        if (i == 0)
            first = sleeper;
        reused += sleeper == first;
        if (i % 2 == 0) {
            /* Cancelled while it sleeps on its deadline timer. */
            assert_int_equal(cf_yield(), 0);
            assert_false(cf_task_done(sleeper));
            cf_task_cancel(sleeper);
            assert_int_equal(cf_task_await(sleeper, NULL), CF_ECANCELED);
        } else {
            /* Another task waits for it with a deadline: that task's timer fires, and
             * it cancels the sleeper and waits until it has finished. */
            assert_int_equal(cf_spawn(&waiter, wait_briefly, sleeper), 0);
            assert_int_equal(cf_task_await(waiter, NULL), CF_ETIMEDOUT);
            assert_true(cf_task_done(sleeper));
            assert_int_equal(cf_task_result(sleeper, NULL), CF_ECANCELED);
            cf_task_unref(waiter);
        }
        assert_false(sleeper->timer_armed);
        cf_task_unref(sleeper);
    }
    assert_true(reused >= 100);
    /* And a reused struct's timer still ends a plain sleep. */
    cf_task *napper;
    double t0 = cf_loop_time();
    assert_int_equal(cf_spawn(&napper, nap, NULL), 0);
    assert_ptr_equal(napper, first);
    assert_int_equal(cf_task_await(napper, NULL), 0);
    assert_true(cf_loop_time() - t0 >= 0.009);
    cf_task_unref(napper);
    return 0;
}

static void test_cancel_reused(void **state)
{
    (void)state;
    assert_int_equal(cf_loop_run(t_loop, cancel_reused_main, NULL, NULL), 0);
}

/* More tasks at once than the pool keeps: the rest are freed (LSan checks), and the
 * loop still spawns. */
static int wide_main(void *arg, void **res)
{
    size_t n = (size_t)(uintptr_t)arg;
    cf_task **t = calloc(n, sizeof *t);
    (void)res;

    assert_non_null(t);
    for (int round = 0; round < 2; round++) {
        for (size_t i = 0; i < n; i++)
            assert_int_equal(cf_spawn(&t[i], give_arg, (void *)(uintptr_t)i), 0);
        assert_int_equal(cf_gather(t, n, 0, NULL, NULL), 0);
        for (size_t i = 0; i < n; i++)
            cf_task_unref(t[i]);
    }
    free(t);
    return 0;
}

static void test_pool_overflow(void **state)
{
    (void)state;
    assert_int_equal(cf_loop_run(t_loop, wide_main, (void *)(uintptr_t)10000, NULL), 0);
    assert_true(t_loop->ntask_pool > 0);
    assert_true(t_loop->ntask_pool < 10000);
}

/* ---- a released task used again: reported by AddressSanitizer ---- */

/* Runs `use` in a child process and returns what it wrote to stderr; *status gets its
 * wait status. */
static char *in_child(void (*use)(void), int *status)
{
    static char buf[16384];
    int fds[2];
    size_t len = 0;
    ssize_t n;
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        use();
        _exit(0); /* not reported: the parent fails the test */
    }
    close(fds[1]);
    while (len < sizeof buf - 1 && (n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, status, 0), pid);
    return buf;
}

static void use_pooled(void)
{
    cf_loop *loop;
    cf_task *t;

    if (cf_loop_new(&loop, NULL) != 0 || cf_loop_spawn(loop, &t, give_arg, NULL) != 0)
        return;
    cf_task_unref(t);   /* the loop still holds it */
    cf_loop_free(loop); /* the loop's reference goes: back to the pool, then freed */
    (void)cf_task_done(t);
}

static int spawn_and_release(void *arg, void **res)
{
    cf_task *t;
    (void)arg;
    (void)res;
    if (cf_spawn(&t, give_arg, NULL) != 0 || cf_task_await(t, NULL) != 0)
        return CF_EIO;
    cf_task_unref(t); /* the last reference: t goes to the pool */
    return cf_task_done(t) ? 0 : CF_EIO;
}

static void use_released(void)
{
    cf_loop *loop;
    if (cf_loop_new(&loop, NULL) != 0)
        return;
    (void)cf_loop_run(loop, spawn_and_release, NULL, NULL);
}

static void test_use_after_release_reported(void **state)
{
    int status;
    char *err;
    (void)state;
#ifndef T_ASAN
    skip(); /* only AddressSanitizer builds can see it */
#endif
    err = in_child(use_released, &status);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    assert_non_null(strstr(err, "use-after-poison"));

    err = in_child(use_pooled, &status);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 0);
    assert_non_null(strstr(err, "heap-use-after-free"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ref_outlives_loop),
        cmocka_unit_test(test_ref_outlives_loop_other_loop),
        cmocka_unit_test_setup_teardown(test_reused_many_times, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_reused, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_pool_overflow, t_loop_setup, t_loop_teardown),
        cmocka_unit_test(test_use_after_release_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

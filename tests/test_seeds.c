/*
 * test_seeds.c - the seeds' asyncio examples, written in C with the cofetch runtime.
 * Each asserts the order of events and the timing (with generous tolerance: the
 * machine is shared and noisy).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cofetch/cofetch.h"
#include "support.h"

/* ---- async def count(): print("One"); await asyncio.sleep(0.1); print("Two") ---- */

static struct t_log log_;

static int count(void *arg, void **res)
{
    (void)arg;
    (void)res;
    t_log_add(&log_, "One");
    int rc = cf_sleep(0.1);
    t_log_add(&log_, "Two");
    return rc;
}

static int count_main(void *arg, void **res)
{
    cf_task *t[2];
    (void)arg;
    (void)res;
    for (int i = 0; i < 2; i++)
        assert_int_equal(cf_spawn(&t[i], count, NULL), 0);
    int rc = cf_gather(t, 2, 0, NULL, NULL);
    cf_task_unref(t[0]);
    cf_task_unref(t[1]);
    return rc;
}

static void test_count_gathered_twice(void **state)
{
    (void)state;
    memset(&log_, 0, sizeof log_);
    double t0 = t_now();
    assert_int_equal(cf_loop_run(t_loop, count_main, NULL, NULL), 0);
    double dt = t_now() - t0;
    assert_string_equal(log_.buf, "One One Two Two");
    assert_true(dt >= 0.09 && dt < 0.6); /* one sleep, not two */
}

/* ---- gather(a(), b(), c()) with 0.2 / 0.1 / 0.3 s ---- */

static int sleeper(void *arg, void **res)
{
    const char *name = arg;
    double delay = name[0] == 'a' ? 0.2 : name[0] == 'b' ? 0.1 : 0.3;
    t_log_add(&log_, "%s:started", name);
    int rc = cf_sleep(delay);
    if (rc)
        return rc;
    t_log_add(&log_, "%s:finished", name);
    *res = (void *)name;
    return 0;
}

static int abc_main(void *arg, void **res)
{
    static const char *names[] = {"a", "b", "c"};
    cf_task *t[3];
    void *results[3];
    int errors[3];
    (void)arg;
    (void)res;
    for (int i = 0; i < 3; i++)
        assert_int_equal(cf_spawn(&t[i], sleeper, (void *)names[i]), 0);
    assert_int_equal(cf_gather(t, 3, 0, results, errors), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(errors[i], 0);
        assert_string_equal(results[i], names[i]); /* input order, not finish order */
        cf_task_unref(t[i]);
    }
    return 0;
}

static void test_gather_abc(void **state)
{
    (void)state;
    memset(&log_, 0, sizeof log_);
    double t0 = t_now();
    assert_int_equal(cf_loop_run(t_loop, abc_main, NULL, NULL), 0);
    double dt = t_now() - t0;
    assert_string_equal(log_.buf, "a:started b:started c:started "
                                  "b:finished a:finished c:finished");
    assert_true(dt >= 0.29 && dt < 0.8); /* ~max(0.2, 0.1, 0.3), not the sum 0.6 */
}

/* ---- chaining: task_1 adds 2, task_2 doubles; chain(n) for n in [1, 2, 3] ---- */

static double jitter(unsigned *seed)
{
    return 0.02 + (double)(rand_r(seed) % 80) / 1000.0; /* 0.02 .. 0.10 s */
}

static unsigned chain_seed = 42;

static int task_1(intptr_t n, intptr_t *out)
{
    t_log_add(&log_, "t1(%ld)", (long)n);
    int rc = cf_sleep(jitter(&chain_seed));
    *out = n + 2;
    return rc;
}

static int task_2(intptr_t n, intptr_t *out)
{
    t_log_add(&log_, "t2(%ld)", (long)n);
    int rc = cf_sleep(jitter(&chain_seed));
    *out = n * 2;
    return rc;
}

static int chain(void *arg, void **res)
{
    intptr_t n = (intptr_t)arg, p1, p2;
    int rc = task_1(n, &p1);
    if (rc == 0)
        rc = task_2(p1, &p2);
    if (rc == 0)
        *res = (void *)p2;
    return rc;
}

static int chain_main(void *arg, void **res)
{
    cf_task *t[3];
    void *results[3];
    (void)arg;
    (void)res;
    for (intptr_t i = 0; i < 3; i++)
        assert_int_equal(cf_spawn(&t[i], chain, (void *)(i + 1)), 0);
    assert_int_equal(cf_gather(t, 3, 0, results, NULL), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal((intptr_t)results[i], (i + 1 + 2) * 2); /* 1 => 6, 2 => 8, 3 => 10 */
        cf_task_unref(t[i]);
    }
    return 0;
}

static void test_chain(void **state)
{
    (void)state;
    memset(&log_, 0, sizeof log_);
    double t0 = t_now();
    assert_int_equal(cf_loop_run(t_loop, chain_main, NULL, NULL), 0);
    double dt = t_now() - t0;
    /* All three chains start their first step before any second step runs. */
    assert_non_null(strstr(log_.buf, "t1(1) t1(2) t1(3)"));
    assert_non_null(strstr(log_.buf, "t2(3)"));
    assert_non_null(strstr(log_.buf, "t2(4)"));
    assert_non_null(strstr(log_.buf, "t2(5)"));
    assert_true(dt < 0.2 * 2 + 0.3); /* chains overlap: at most two steps of 0.1 s each */
}

/* ---- three workers drain 20 random sleeps from a queue; join; cancel ---- */

struct work {
    cf_queue *q;
    double slept[3];
    int items[3];
};

struct worker_arg {
    struct work *w;
    int id;
};

static int worker(void *arg, void **res)
{
    struct worker_arg *a = arg;
    (void)res;
    for (;;) {
        void *item;
        int rc = cf_queue_get(a->w->q, &item);
        if (rc)
            return rc;
        double s = (double)(intptr_t)item / 1000.0;
        rc = cf_sleep(s);
        if (rc)
            return rc;
        a->w->slept[a->id] += s;
        a->w->items[a->id]++;
        cf_queue_task_done(a->w->q);
    }
}

static int queue_main(void *arg, void **res)
{
    struct work *w = arg;
    struct worker_arg wa[3];
    cf_task *t[3];
    int errors[3];
    unsigned seed = 7;
    double total = 0;
    (void)res;

    assert_int_equal(cf_queue_new(&w->q, 0), 0);
    for (int i = 0; i < 20; i++) {
        intptr_t ms = 5 + rand_r(&seed) % 96; /* 0.005 .. 0.100 s */
        total += (double)ms / 1000.0;
        assert_int_equal(cf_queue_put_nowait(w->q, (void *)ms), 0);
    }
    for (int i = 0; i < 3; i++) {
        wa[i] = (struct worker_arg){w, i};
        assert_int_equal(cf_spawn(&t[i], worker, &wa[i]), 0);
    }
    double t0 = t_now();
    assert_int_equal(cf_queue_join(w->q), 0);
    double dt = t_now() - t0;
    for (int i = 0; i < 3; i++)
        cf_task_cancel(t[i]);
    assert_int_equal(cf_gather(t, 3, CF_GATHER_RETURN_EXCEPTIONS, NULL, errors), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(errors[i], CF_ECANCELED);
        assert_true(w->items[i] > 0); /* every worker took a share */
        cf_task_unref(t[i]);
    }
    assert_int_equal(w->items[0] + w->items[1] + w->items[2], 20);
    assert_int_equal(cf_queue_unfinished(w->q), 0);
    /* Three workers in parallel: about a third of the total, well under all of it. */
    assert_true(dt >= total / 3 - 0.02);
    assert_true(dt < total * 0.75);
    cf_queue_free(w->q);
    return 0;
}

static void test_queue_workers(void **state)
{
    struct work w;
    (void)state;
    memset(&w, 0, sizeof w);
    assert_int_equal(cf_loop_run(t_loop, queue_main, &w, NULL), 0);
}

/* ---- a future set after a delay by another task ---- */

static int set_after(void *arg, void **res)
{
    (void)res;
    int rc = cf_sleep(0.1);
    if (rc)
        return rc;
    return cf_future_set_result(arg, "... world");
}

static int future_main(void *arg, void **res)
{
    cf_future *f;
    void *v = NULL;
    (void)arg;
    (void)res;
    assert_int_equal(cf_future_new(&f), 0);
    assert_int_equal(cf_spawn(NULL, set_after, f), 0);
    t_log_add(&log_, "hello");
    double t0 = t_now();
    assert_int_equal(cf_future_await(f, &v), 0);
    assert_true(t_now() - t0 >= 0.09);
    t_log_add(&log_, "%s", (const char *)v);
    assert_true(cf_future_done(f));
    cf_future_free(f);
    return 0;
}

static void test_future_set_later(void **state)
{
    (void)state;
    memset(&log_, 0, sizeof log_);
    assert_int_equal(cf_loop_run(t_loop, future_main, NULL, NULL), 0);
    assert_string_equal(log_.buf, "hello ... world");
}

/* ---- create_task vs plain await: sum vs max ---- */

static int long_running(void *arg, void **res)
{
    (void)res;
    return cf_sleep((double)(intptr_t)arg / 100.0);
}

static int plain_await_main(void *arg, void **res)
{
    (void)arg;
    (void)res;
    /* "await long_running_task(x)" three times: each call runs to its end. */
    void *dummy;
    assert_int_equal(long_running((void *)(intptr_t)10, &dummy), 0);
    assert_int_equal(long_running((void *)(intptr_t)20, &dummy), 0);
    assert_int_equal(long_running((void *)(intptr_t)15, &dummy), 0);
    return 0;
}

static int create_task_main(void *arg, void **res)
{
    cf_task *t[3];
    static const intptr_t cs[] = {10, 20, 15};
    (void)arg;
    (void)res;
    for (int i = 0; i < 3; i++)
        assert_int_equal(cf_spawn(&t[i], long_running, (void *)cs[i]), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(cf_task_await(t[i], NULL), 0);
        cf_task_unref(t[i]);
    }
    return 0;
}

static void test_create_task_vs_await(void **state)
{
    (void)state;
    double t0 = t_now();
    assert_int_equal(cf_loop_run(t_loop, plain_await_main, NULL, NULL), 0);
    double sync = t_now() - t0;
    t0 = t_now();
    assert_int_equal(cf_loop_run(t_loop, create_task_main, NULL, NULL), 0);
    double async = t_now() - t0;
    assert_true(sync >= 0.44);                  /* sum: 0.10 + 0.20 + 0.15 */
    assert_true(async >= 0.19 && async < 0.40); /* max: 0.20 */
    assert_true(async < sync);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_count_gathered_twice, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_gather_abc, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_chain, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_queue_workers, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_future_set_later, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_create_task_vs_await, t_loop_setup, t_loop_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

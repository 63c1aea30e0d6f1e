/*
 * test_core.c - edge cases of the runtime: cancellation at every suspension point,
 * gather's two modes, futures set twice, timeouts, queue close, call_soon/later,
 * deadlock detection, and 100,000 tasks with bounded memory.
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

/* Run fn as the main task and return its code. */
static int run(cf_task_fn *fn, void *arg)
{
    return cf_loop_run(t_loop, fn, arg, NULL);
}

/* ---- cancellation at each suspension point ---- */

struct victim {
    int kind;
    cf_queue *q;
    cf_future *f;
    cf_sem *sem;
    int rc;    /* what the suspension point returned */
    int after; /* what a later suspension point returned */
    int reached;
};

enum { V_SLEEP, V_GET, V_PUT, V_FUTURE, V_GATHER, V_SEM, V_JOIN, V_AWAIT };

static int sleep_long(void *arg, void **res)
{
    (void)arg;
    (void)res;
    return cf_sleep(30);
}

static int victim(void *arg, void **res)
{
    struct victim *v = arg;
    void *item;
    cf_task *child;
    (void)res;

    v->reached = 1;
    switch (v->kind) {
    case V_SLEEP: v->rc = cf_sleep(30); break;
    case V_GET: v->rc = cf_queue_get(v->q, &item); break;
    case V_PUT: v->rc = cf_queue_put(v->q, "x"); break; /* the queue is full */
    case V_FUTURE: v->rc = cf_future_await(v->f, &item); break;
    case V_SEM: v->rc = cf_sem_acquire(v->sem); break;
    case V_JOIN: v->rc = cf_queue_join(v->q); break;
    case V_AWAIT:
    case V_GATHER:
        cf_spawn(&child, sleep_long, NULL);
        v->rc =
            v->kind == V_AWAIT ? cf_task_await(child, NULL) : cf_gather(&child, 1, 0, NULL, NULL);
        /* gather cancels and waits for its children; a plain await does not. */
        if (v->kind == V_GATHER)
            assert_true(cf_task_done(child));
        else
            cf_task_cancel(child);
        cf_task_unref(child);
        break;
    }
    v->after = cf_sleep(0.01); /* sticky: later suspension points fail too */
    return v->rc;
}

static int cancel_main(void *arg, void **res)
{
    struct victim *v = arg;
    cf_task *t;
    (void)res;

    assert_int_equal(cf_queue_new(&v->q, 1), 0);
    assert_int_equal(cf_future_new(&v->f), 0);
    assert_int_equal(cf_sem_new(&v->sem, 0), 0);
    if (v->kind == V_PUT || v->kind == V_JOIN)
        assert_int_equal(cf_queue_put_nowait(v->q, "full"), 0);
    assert_int_equal(cf_spawn(&t, victim, v), 0);
    assert_int_equal(cf_sleep(0.05), 0);
    assert_true(v->reached);
    assert_false(cf_task_done(t));
    double t0 = t_now();
    cf_task_cancel(t);
    int rc = cf_task_await(t, NULL);
    assert_true(t_now() - t0 < 0.5); /* promptly */
    assert_int_equal(rc, CF_ECANCELED);
    assert_int_equal(v->rc, CF_ECANCELED);
    assert_int_equal(v->after, CF_ECANCELED);
    cf_task_cancel(t); /* cancelling a finished task is a no-op */
    assert_int_equal(cf_task_await(t, NULL), CF_ECANCELED);
    cf_task_unref(t);
    /* The primitives are intact: nobody is left waiting on them. */
    assert_int_equal(cf_sem_value(v->sem), 0);
    cf_sem_release(v->sem);
    assert_int_equal(cf_sem_value(v->sem), 1);
    cf_queue_free(v->q);
    cf_future_free(v->f);
    cf_sem_free(v->sem);
    return 0;
}

static void test_cancel_everywhere(void **state)
{
    (void)state;
    for (int kind = V_SLEEP; kind <= V_AWAIT; kind++) {
        struct victim v;
        memset(&v, 0, sizeof v);
        v.kind = kind;
        assert_int_equal(run(cancel_main, &v), 0);
    }
}

static int never_runs_body(void *arg, void **res)
{
    (void)res;
    *(int *)arg = 1;
    return 0;
}

static int cancel_before_start_main(void *arg, void **res)
{
    int ran = 0;
    cf_task *t;
    (void)arg;
    (void)res;
    assert_int_equal(cf_spawn(&t, never_runs_body, &ran), 0);
    cf_task_cancel(t);
    assert_int_equal(cf_task_await(t, NULL), CF_ECANCELED);
    assert_int_equal(ran, 0);
    cf_task_unref(t);
    return 0;
}

static void test_cancel_before_start(void **state)
{
    (void)state;
    assert_int_equal(run(cancel_before_start_main, NULL), 0);
}

/* A task that swallows its cancellation and completes is not reported cancelled. */
static int swallow(void *arg, void **res)
{
    (void)arg;
    int rc = cf_sleep(30);
    *res = (void *)(intptr_t)(rc == CF_ECANCELED ? 7 : 0);
    return 0;
}

static int swallow_main(void *arg, void **res)
{
    cf_task *t;
    void *r = NULL;
    (void)arg;
    (void)res;
    cf_spawn(&t, swallow, NULL);
    cf_sleep(0.01);
    cf_task_cancel(t);
    assert_int_equal(cf_task_await(t, &r), 0);
    assert_int_equal((intptr_t)r, 7);
    cf_task_unref(t);
    return 0;
}

static void test_cancel_swallowed(void **state)
{
    (void)state;
    assert_int_equal(run(swallow_main, NULL), 0);
}

/* ---- gather ---- */

static int gather_empty_main(void *arg, void **res)
{
    (void)arg;
    (void)res;
    assert_int_equal(cf_gather(NULL, 0, 0, NULL, NULL), 0);
    assert_int_equal(cf_gather(NULL, 0, CF_GATHER_RETURN_EXCEPTIONS, NULL, NULL), 0);
    return 0;
}

static void test_gather_empty(void **state)
{
    (void)state;
    assert_int_equal(run(gather_empty_main, NULL), 0);
}

/* A bad task after good ones: refused, and the good ones are left as they were, with
 * no waiter of the failed call (on its stack, gone) still hooked on them. */
static int gather_bad_main(void *arg, void **res)
{
    cf_loop *other = arg;
    cf_task *t[40], *foreign;
    void *got = NULL;
    (void)res;

    for (int i = 0; i < 40; i++)
        assert_int_equal(cf_spawn(&t[i], sleep_long, NULL), 0);
    assert_int_equal(cf_loop_spawn(other, &foreign, sleep_long, NULL), 0);
    for (size_t n = 2; n <= 40; n += 38) { /* waiters on the stack, then malloc'd */
        cf_task *saved = t[n - 1];
        t[n - 1] = NULL;
        assert_int_equal(cf_gather(t, n, 0, NULL, NULL), CF_EINVAL);
        t[n - 1] = cf_task_current();
        assert_int_equal(cf_gather(t, n, 0, NULL, NULL), CF_EINVAL);
        t[n - 1] = foreign;
        assert_int_equal(cf_gather(t, n, 0, NULL, NULL), CF_ELOOP);
        t[n - 1] = saved;
    }
    assert_int_equal(cf_yield(), 0); /* each starts and sleeps */
    for (int i = 0; i < 40; i++) {
        assert_false(cf_task_done(t[i]));
        cf_task_cancel(t[i]); /* wakes whoever waits on it: only the await below */
        assert_int_equal(cf_task_await(t[i], &got), CF_ECANCELED);
        cf_task_unref(t[i]);
    }
    cf_task_unref(foreign);
    return 0;
}

static void test_gather_bad_task(void **state)
{
    cf_loop *other;
    (void)state;
    assert_int_equal(cf_loop_new(&other, NULL), 0);
    assert_int_equal(run(gather_bad_main, other), 0);
    cf_loop_free(other);
}

struct step {
    double delay;
    int fail; /* error to return after the delay, or 0 */
};

static int stepper(void *arg, void **res)
{
    struct step *s = arg;
    int rc = cf_sleep(s->delay);
    if (rc)
        return rc;
    *res = s;
    return s->fail;
}

static int gather_error_main(void *arg, void **res)
{
    int collect = *(int *)arg;
    struct step steps[3] = {{0.3, 0}, {0.05, CF_EIO}, {0.02, 0}};
    cf_task *t[3];
    void *results[3];
    int errors[3];
    (void)res;

    for (int i = 0; i < 3; i++)
        cf_spawn(&t[i], stepper, &steps[i]);
    double t0 = t_now();
    int rc = cf_gather(t, 3, collect ? CF_GATHER_RETURN_EXCEPTIONS : 0, results, errors);
    double dt = t_now() - t0;
    if (collect) {
        assert_int_equal(rc, 0);
        assert_int_equal(errors[0], 0);
        assert_ptr_equal(results[0], &steps[0]);
        assert_int_equal(errors[1], CF_EIO);
        assert_null(results[1]);
        assert_int_equal(errors[2], 0);
        assert_ptr_equal(results[2], &steps[2]);
        assert_true(dt >= 0.29); /* waited for all */
    } else {
        assert_int_equal(rc, CF_EIO);
        assert_int_equal(errors[0], CF_ECANCELED); /* the slow one was cancelled */
        assert_int_equal(errors[1], CF_EIO);
        assert_int_equal(errors[2], 0);
        assert_true(dt < 0.25); /* did not wait for the slow one to sleep out */
    }
    for (int i = 0; i < 3; i++) {
        assert_true(cf_task_done(t[i]));
        cf_task_unref(t[i]);
    }
    return 0;
}

static void test_gather_error_both_modes(void **state)
{
    (void)state;
    int collect = 0;
    assert_int_equal(run(gather_error_main, &collect), 0);
    collect = 1;
    assert_int_equal(run(gather_error_main, &collect), 0);
}

/* ---- futures ---- */

static int future_twice_main(void *arg, void **res)
{
    cf_future *f;
    void *v = NULL;
    (void)arg;
    (void)res;
    cf_future_new(&f);
    assert_int_equal(cf_future_result(f, &v), CF_ESTATE);
    assert_int_equal(cf_future_set_result(f, "first"), 0);
    assert_int_equal(cf_future_set_result(f, "second"), CF_ESTATE);
    assert_int_equal(cf_future_set_error(f, CF_EIO), CF_ESTATE);
    assert_int_equal(cf_future_cancel(f), 0);
    assert_int_equal(cf_future_await(f, &v), 0);
    assert_string_equal(v, "first");
    cf_future_free(f);

    cf_future_new(&f);
    assert_int_equal(cf_future_set_error(f, 5), CF_EINVAL);
    assert_int_equal(cf_future_set_error(f, CF_EIO), 0);
    assert_int_equal(cf_future_await(f, &v), CF_EIO);
    cf_future_free(f);
    return 0;
}

static void test_future_set_twice(void **state)
{
    (void)state;
    assert_int_equal(run(future_twice_main, NULL), 0);
}

struct fan {
    cf_future *f;
    int seen;
};

static int future_waiter(void *arg, void **res)
{
    struct fan *fan = arg;
    void *v;
    (void)res;
    int rc = cf_future_await(fan->f, &v);
    if (rc == 0 && strcmp(v, "go") == 0)
        fan->seen++;
    return rc;
}

static int future_many_main(void *arg, void **res)
{
    struct fan fan = {NULL, 0};
    cf_task *t[5];
    (void)arg;
    (void)res;
    cf_future_new(&fan.f);
    for (int i = 0; i < 5; i++)
        cf_spawn(&t[i], future_waiter, &fan);
    cf_sleep(0.01);
    assert_int_equal(fan.seen, 0);
    cf_future_set_result(fan.f, "go");
    assert_int_equal(cf_gather(t, 5, 0, NULL, NULL), 0);
    assert_int_equal(fan.seen, 5);
    for (int i = 0; i < 5; i++)
        cf_task_unref(t[i]);
    cf_future_free(fan.f);
    return 0;
}

static void test_future_many_awaiters(void **state)
{
    (void)state;
    assert_int_equal(run(future_many_main, NULL), 0);
}

/* ---- wait_for ---- */

static int wait_for_main(void *arg, void **res)
{
    cf_task *t;
    cf_future *f;
    void *v;
    (void)arg;
    (void)res;

    /* A task that outlives its timeout is cancelled and waited for. */
    cf_spawn(&t, sleep_long, NULL);
    double t0 = t_now();
    assert_int_equal(cf_task_wait_for(t, 0.05, NULL), CF_ETIMEDOUT);
    assert_true(t_now() - t0 < 0.5);
    assert_true(cf_task_done(t));
    assert_int_equal(cf_task_result(t, NULL), CF_ECANCELED);
    cf_task_unref(t);

    /* One that finishes in time returns its result. */
    struct step quick = {0.01, 0};
    cf_spawn(&t, stepper, &quick);
    assert_int_equal(cf_task_wait_for(t, 1.0, &v), 0);
    assert_ptr_equal(v, &quick);
    cf_task_unref(t);

    /* A future that is not set in time is cancelled. */
    cf_future_new(&f);
    assert_int_equal(cf_future_wait_for(f, 0.05, &v), CF_ETIMEDOUT);
    assert_true(cf_future_done(f));
    assert_int_equal(cf_future_result(f, NULL), CF_ECANCELED);
    cf_future_free(f);
    return 0;
}

static void test_wait_for(void **state)
{
    (void)state;
    assert_int_equal(run(wait_for_main, NULL), 0);
}

/* A cancel and a deadline at the same moment: the cancel wins. */
struct race {
    cf_future *f;
    int rc;
};

static int racer(void *arg, void **res)
{
    struct race *r = arg;
    (void)res;
    r->rc = cf_future_wait_for(r->f, 0.05, NULL);
    return r->rc;
}

static void cancel_cb(void *arg)
{
    cf_task_cancel(arg);
}

static int race_main(void *arg, void **res)
{
    struct race r;
    cf_task *t;
    (void)arg;
    (void)res;
    cf_future_new(&r.f);
    cf_spawn(&t, racer, &r);
    assert_int_equal(cf_sleep(0.01), 0); /* the racer now waits, deadline in ~0.05 s */
    cf_loop_call_later(cf_loop_current(), 0.045, cancel_cb, t, NULL);
    /* Hold the CPU past both: the racer's deadline timer and the cancel then fire in
     * the same loop iteration, deadline first, before the racer gets to run. */
    double until = t_now() + 0.1;
    while (t_now() < until)
        ;
    cf_task_await(t, NULL);
    assert_int_equal(r.rc, CF_ECANCELED);
    cf_task_unref(t);
    cf_future_free(r.f);
    return 0;
}

static void test_cancel_wins_over_deadline(void **state)
{
    (void)state;
    assert_int_equal(run(race_main, NULL), 0);
}

/* ---- queue: FIFO, bounded put, close ---- */

static int producer(void *arg, void **res)
{
    cf_queue *q = arg;
    (void)res;
    for (intptr_t i = 1; i <= 10; i++) {
        int rc = cf_queue_put(q, (void *)i);
        if (rc)
            return rc;
    }
    cf_queue_close(q);
    return 0;
}

static int consumer(void *arg, void **res)
{
    cf_queue *q = arg;
    intptr_t sum = 0, expect = 1;
    for (;;) {
        void *item;
        int rc = cf_queue_get(q, &item);
        if (rc == CF_ECLOSED)
            break;
        if (rc)
            return rc;
        assert_int_equal((intptr_t)item, expect++); /* FIFO */
        assert_true(cf_queue_size(q) <= 2);         /* bounded */
        sum += (intptr_t)item;
        cf_queue_task_done(q);
        cf_yield();
    }
    *res = (void *)sum;
    return 0;
}

static int queue_close_main(void *arg, void **res)
{
    cf_queue *q;
    cf_task *t[2];
    void *results[2];
    (void)arg;
    (void)res;
    cf_queue_new(&q, 2);
    cf_spawn(&t[0], producer, q);
    cf_spawn(&t[1], consumer, q);
    assert_int_equal(cf_gather(t, 2, 0, results, NULL), 0);
    assert_int_equal((intptr_t)results[1], 55);
    assert_int_equal(cf_queue_put(q, "late"), CF_ECLOSED);
    assert_int_equal(cf_queue_put_nowait(q, "late"), CF_ECLOSED);
    void *item;
    assert_int_equal(cf_queue_get_nowait(q, &item), CF_ECLOSED);
    assert_int_equal(cf_queue_join(q), 0);
    assert_int_equal(cf_queue_task_done(q), CF_ESTATE);
    cf_task_unref(t[0]);
    cf_task_unref(t[1]);
    cf_queue_free(q);
    return 0;
}

static void test_queue_close(void **state)
{
    (void)state;
    assert_int_equal(run(queue_close_main, NULL), 0);
}

static int queue_timeout_main(void *arg, void **res)
{
    cf_queue *q;
    void *item;
    (void)arg;
    (void)res;
    cf_queue_new(&q, 1);
    double t0 = t_now();
    assert_int_equal(cf_queue_get_timeout(q, &item, 0.05), CF_ETIMEDOUT);
    assert_true(t_now() - t0 >= 0.045);
    assert_int_equal(cf_queue_put_nowait(q, "a"), 0);
    assert_int_equal(cf_queue_put_nowait(q, "b"), CF_EAGAIN);
    assert_int_equal(cf_queue_put_timeout(q, "b", 0.05), CF_ETIMEDOUT);
    assert_int_equal(cf_queue_size(q), 1);
    assert_int_equal(cf_queue_get_timeout(q, &item, 0.05), 0);
    assert_string_equal(item, "a");
    cf_queue_free(q);
    return 0;
}

static void test_queue_timeouts(void **state)
{
    (void)state;
    assert_int_equal(run(queue_timeout_main, NULL), 0);
}

/* ---- semaphore bounds concurrency ---- */

struct bounded {
    cf_sem *sem;
    int inside, max_inside;
};

static int bounded_worker(void *arg, void **res)
{
    struct bounded *b = arg;
    (void)res;
    int rc = cf_sem_acquire(b->sem);
    if (rc)
        return rc;
    b->inside++;
    if (b->inside > b->max_inside)
        b->max_inside = b->inside;
    rc = cf_sleep(0.01);
    b->inside--;
    cf_sem_release(b->sem);
    return rc;
}

static int sem_main(void *arg, void **res)
{
    struct bounded b = {NULL, 0, 0};
    cf_task *t[20];
    (void)arg;
    (void)res;
    cf_sem_new(&b.sem, 3);
    for (int i = 0; i < 20; i++)
        cf_spawn(&t[i], bounded_worker, &b);
    assert_int_equal(cf_gather(t, 20, 0, NULL, NULL), 0);
    assert_int_equal(b.max_inside, 3);
    assert_int_equal(cf_sem_value(b.sem), 3);
    for (int i = 0; i < 20; i++)
        cf_task_unref(t[i]);
    cf_sem_free(b.sem);
    return 0;
}

static void test_semaphore(void **state)
{
    (void)state;
    assert_int_equal(run(sem_main, NULL), 0);
}

/* ---- loop: call_soon / call_later ordering, deadlock, stop, results ---- */

static struct t_log log_;

static void logcb(void *arg)
{
    t_log_add(&log_, "%s", (const char *)arg);
}

static int calls_main(void *arg, void **res)
{
    cf_loop *l = cf_loop_current();
    cf_handle *h;
    (void)arg;
    (void)res;
    cf_loop_call_later(l, 0.04, logcb, "later2", NULL);
    cf_loop_call_later(l, 0.02, logcb, "later1", NULL);
    cf_loop_call_later(l, 0.03, logcb, "cancelled", &h);
    cf_loop_call_later(l, 60, logcb, "never", NULL); /* still pending at cf_loop_free */
    cf_loop_call_soon(l, logcb, "soon1", NULL);
    cf_loop_call_soon(l, logcb, "soon2", NULL);
    cf_handle_cancel(h);
    assert_int_equal(cf_sleep(0.06), 0);
    *res = "done";
    return 0;
}

static void test_call_soon_later(void **state)
{
    void *res = NULL;
    (void)state;
    memset(&log_, 0, sizeof log_);
    assert_int_equal(cf_loop_run(t_loop, calls_main, NULL, &res), 0);
    assert_string_equal(res, "done");
    assert_string_equal(log_.buf, "soon1 soon2 later1 later2");
}

static int deadlock_main(void *arg, void **res)
{
    cf_future *f = arg;
    (void)res;
    return cf_future_await(f, NULL); /* nobody will ever set it */
}

static void test_deadlock_detected(void **state)
{
    cf_future *f;
    (void)state;
    cf_future_new(&f);
    assert_int_equal(run(deadlock_main, f), CF_EDEADLK);
    cf_future_free(f);
}

static void stop_cb(void *arg)
{
    cf_loop_stop(arg);
}

static int stop_main(void *arg, void **res)
{
    (void)arg;
    (void)res;
    cf_spawn(NULL, sleep_long, NULL); /* left over: cancelled at the end */
    cf_loop_call_later(cf_loop_current(), 0.02, stop_cb, cf_loop_current(), NULL);
    return cf_sleep(30);
}

static void test_stop(void **state)
{
    (void)state;
    double t0 = t_now();
    assert_int_equal(run(stop_main, NULL), CF_ESTOPPED);
    assert_true(t_now() - t0 < 1.0);
}

static void test_not_in_task(void **state)
{
    (void)state;
    assert_int_equal(cf_sleep(0.1), CF_ENOTASK);
    assert_int_equal(cf_yield(), CF_ENOTASK);
    assert_int_equal(cf_spawn(NULL, sleep_long, NULL), CF_ENOTASK);
    assert_null(cf_task_current());
    assert_string_equal(cf_strerror(CF_ECANCELED), "cancelled");
    assert_string_equal(cf_strerror(12345), "unknown error");
}

/* ---- scale: 100,000 tasks, and 10,000 suspended at once ---- */

static int trivial(void *arg, void **res)
{
    *res = arg;
    return 0;
}

static int napper(void *arg, void **res)
{
    *res = arg;
    return cf_sleep(0.05);
}

static int many_main(void *arg, void **res)
{
    size_t n = (size_t)(uintptr_t)arg;
    int suspend = n <= 10000;
    cf_task **t = calloc(n, sizeof *t);
    void **results = calloc(n, sizeof *results);
    (void)res;
    assert_non_null(t);
    assert_non_null(results);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(cf_spawn(&t[i], suspend ? napper : trivial, (void *)(uintptr_t)i), 0);
    assert_int_equal(cf_gather(t, n, 0, results, NULL), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal((uintptr_t)results[i], i);
        cf_task_unref(t[i]);
    }
    free(t);
    free(results);
    return 0;
}

static void test_many_tasks(void **state)
{
    (void)state;
    long rss0 = t_peak_rss_kib();
    double t0 = t_now();
    assert_int_equal(run(many_main, (void *)(uintptr_t)100000), 0);
    double dt = t_now() - t0;
    long rss1 = t_peak_rss_kib();
    print_message("    100,000 tasks spawned+gathered: %.3f s, peak RSS %ld KiB (+%ld)\n", dt, rss1,
                  rss1 - rss0);
    /* Tasks that never suspend share one stack: growth is task structs, not stacks.
     * (Generous bound: sanitizer builds inflate every allocation.) */
    assert_true(rss1 - rss0 < 200 * 1024);

    t0 = t_now();
    assert_int_equal(run(many_main, (void *)(uintptr_t)10000), 0);
    dt = t_now() - t0;
    long rss2 = t_peak_rss_kib();
    print_message("    10,000 tasks suspended at once: %.3f s, peak RSS %ld KiB (+%ld)\n", dt, rss2,
                  rss2 - rss1);
    assert_true(dt < 30.0); /* generous: also under valgrind */
}

/* Layers keep per-loop state under keys of their own; none sees another's. */
static void test_loop_locals(void **state)
{
    static const char key_a, key_b, keys[CF_LOOP_LOCALS];
    int x, y;
    (void)state;

    assert_null(cf_loop_local(t_loop, &key_a));
    assert_int_equal(cf_loop_set_local(t_loop, &key_a, &x), 0);
    assert_int_equal(cf_loop_set_local(t_loop, &key_b, &y), 0);
    assert_ptr_equal(cf_loop_local(t_loop, &key_a), &x);
    assert_ptr_equal(cf_loop_local(t_loop, &key_b), &y);
    assert_int_equal(cf_loop_set_local(t_loop, &key_a, &y), 0); /* replaced */
    assert_ptr_equal(cf_loop_local(t_loop, &key_a), &y);
    assert_int_equal(cf_loop_set_local(t_loop, &key_a, NULL), 0); /* removed */
    assert_null(cf_loop_local(t_loop, &key_a));
    /* key_b and CF_LOOP_LOCALS - 1 more fill the table; one more key does not fit. */
    for (size_t i = 0; i + 1 < CF_LOOP_LOCALS; i++)
        assert_int_equal(cf_loop_set_local(t_loop, &keys[i], &x), 0);
    assert_int_equal(cf_loop_set_local(t_loop, &keys[CF_LOOP_LOCALS - 1], &x), CF_ENOMEM);
    assert_int_equal(cf_loop_set_local(t_loop, &key_b, NULL), 0);
    assert_int_equal(cf_loop_set_local(t_loop, &keys[CF_LOOP_LOCALS - 1], &x), 0);
    assert_ptr_equal(cf_loop_local(t_loop, &keys[CF_LOOP_LOCALS - 1]), &x);
    assert_int_equal(cf_loop_set_local(t_loop, NULL, &x), CF_EINVAL);
    assert_int_equal(cf_loop_set_local(NULL, &key_a, &x), CF_EINVAL);
    assert_null(cf_loop_local(NULL, &key_a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cancel_everywhere, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_before_start, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_swallowed, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_gather_empty, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_gather_bad_task, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_gather_error_both_modes, t_loop_setup,
                                        t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_future_set_twice, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_future_many_awaiters, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_wait_for, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_wins_over_deadline, t_loop_setup,
                                        t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_queue_close, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_queue_timeouts, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_semaphore, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_call_soon_later, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_deadlock_detected, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_stop, t_loop_setup, t_loop_teardown),
        cmocka_unit_test(test_not_in_task),
        cmocka_unit_test_setup_teardown(test_many_tasks, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_loop_locals, t_loop_setup, t_loop_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

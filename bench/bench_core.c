/*
 * bench_core.c - micro-benchmarks of the runtime; the first two are mirrored by
 * bench_core.py and by ../shared/bench/peers/neco/bench_neco.c:
 *   spawn: spawn + await N trivial tasks (in batches of 1,000, gathered)
 *   switch: N switches between two tasks ping-ponging through two queues
 *   event: N hand-offs between two tasks through two events (set -> the waiter runs)
 *   lock: N hand-offs of one lock between two tasks (release -> the waiter holds it)
 *   to_thread: N / 50 round trips of an empty call through a one-thread pool
 * usage: bench_core [N [NAME]]   (N default 1,000,000; NAME one of spawn, switch, event,
 * lock, to_thread: only that one, for counting its instructions under callgrind).
 * Prints microseconds per operation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cofetch/cofetch.h"

enum { BATCH = 1000 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int trivial(void *arg, void **res)
{
    *res = arg;
    return 0;
}

static int spawn_main(void *arg, void **res)
{
    long n = *(long *)arg;
    cf_task *t[BATCH];
    (void)res;
    for (long done = 0; done < n; done += BATCH) {
        for (int i = 0; i < BATCH; i++)
            if (cf_spawn(&t[i], trivial, (void *)(intptr_t)i) != 0)
                return CF_ENOMEM;
        int rc = cf_gather(t, BATCH, 0, NULL, NULL);
        for (int i = 0; i < BATCH; i++)
            cf_task_unref(t[i]);
        if (rc)
            return rc;
    }
    return 0;
}

struct pingpong {
    cf_queue *ping, *pong;
    long rounds;
};

static int ponger(void *arg, void **res)
{
    struct pingpong *p = arg;
    void *item;
    (void)res;
    for (long i = 0; i < p->rounds; i++) {
        int rc = cf_queue_get(p->ping, &item);
        if (rc == 0)
            rc = cf_queue_put(p->pong, item);
        if (rc)
            return rc;
    }
    return 0;
}

static int switch_main(void *arg, void **res)
{
    struct pingpong *p = arg;
    cf_task *t;
    void *item;
    (void)res;
    cf_spawn(&t, ponger, p);
    for (long i = 0; i < p->rounds; i++) {
        int rc = cf_queue_put(p->ping, (void *)(intptr_t)i);
        if (rc == 0)
            rc = cf_queue_get(p->pong, &item);
        if (rc)
            return rc;
    }
    int rc = cf_task_await(t, NULL);
    cf_task_unref(t);
    return rc;
}

struct events {
    cf_event *a, *b;
    long rounds;
};

/* Waits on `a`, then passes the turn back by setting `b`. */
static int event_partner(void *arg, void **res)
{
    struct events *e = arg;
    (void)res;
    for (long i = 0; i < e->rounds; i++) {
        int rc = cf_event_wait(e->a);
        if (rc)
            return rc;
        cf_event_clear(e->a);
        cf_event_set(e->b);
    }
    return 0;
}

static int event_main(void *arg, void **res)
{
    struct events *e = arg;
    cf_task *t;
    (void)res;
    cf_spawn(&t, event_partner, e);
    for (long i = 0; i < e->rounds; i++) {
        cf_event_set(e->a);
        int rc = cf_event_wait(e->b);
        if (rc)
            return rc;
        cf_event_clear(e->b);
    }
    int rc = cf_task_await(t, NULL);
    cf_task_unref(t);
    return rc;
}

struct locks {
    cf_lock *lock;
    long rounds;
};

/* The lock ping-pongs: each task releases it to the other, which is waiting in
 * acquire, then waits in acquire itself until it is handed back. */
static int lock_first(void *arg, void **res)
{
    struct locks *l = arg;
    int rc = cf_lock_acquire(l->lock);
    (void)res;
    if (rc == 0)
        rc = cf_yield(); /* the other task starts and waits for the lock */
    for (long i = 0; i < l->rounds && rc == 0; i++) {
        cf_lock_release(l->lock);
        rc = cf_lock_acquire(l->lock);
    }
    cf_lock_release(l->lock);
    return rc;
}

static int lock_second(void *arg, void **res)
{
    struct locks *l = arg;
    (void)res;
    for (long i = 0; i < l->rounds; i++) {
        int rc = cf_lock_acquire(l->lock);
        if (rc)
            return rc;
        cf_lock_release(l->lock);
    }
    return 0;
}

static int lock_main(void *arg, void **res)
{
    cf_task *t[2];
    (void)res;
    cf_spawn(&t[0], lock_first, arg);
    cf_spawn(&t[1], lock_second, arg);
    int rc = cf_gather(t, 2, 0, NULL, NULL);
    cf_task_unref(t[0]);
    cf_task_unref(t[1]);
    return rc;
}

static int empty_call(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static int thread_main(void *arg, void **res)
{
    long n = *(long *)arg;
    (void)res;
    for (long i = 0; i < n; i++) {
        int rc = cf_to_thread(empty_call, NULL, NULL);
        if (rc)
            return rc;
    }
    return 0;
}

static const char *only;

static int wanted(const char *name)
{
    return !only || strcmp(only, name) == 0;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    cf_loop *loop;
    double t0, s;

    only = argc > 2 ? argv[2] : NULL;
    if (n < BATCH)
        n = BATCH;
    if (cf_loop_new(&loop, NULL) != 0)
        return 1;
    if (wanted("spawn")) {
        t0 = now();
        if (cf_loop_run(loop, spawn_main, &n, NULL) != 0)
            return 1;
        s = now() - t0;
        printf("cofetch  spawn+await: %ld tasks in %.3f s = %.3f us/task\n", n, s,
               s * 1e6 / (double)n);
    }

    if (wanted("switch")) {
        struct pingpong p = {NULL, NULL, n / 2}; /* each round trip is two switches */
        cf_queue_new(&p.ping, 1);
        cf_queue_new(&p.pong, 1);
        t0 = now();
        if (cf_loop_run(loop, switch_main, &p, NULL) != 0)
            return 1;
        s = now() - t0;
        cf_queue_free(p.ping);
        cf_queue_free(p.pong);
        printf("cofetch  switch:      %ld switches in %.3f s = %.3f us/switch\n", p.rounds * 2, s,
               s * 1e6 / (double)(p.rounds * 2));
    }

    if (wanted("event")) {
        struct events ev = {NULL, NULL, n / 2};
        cf_event_new(&ev.a);
        cf_event_new(&ev.b);
        t0 = now();
        if (cf_loop_run(loop, event_main, &ev, NULL) != 0)
            return 1;
        s = now() - t0;
        cf_event_free(ev.a);
        cf_event_free(ev.b);
        printf("cofetch  event:       %ld set->waiter hand-offs in %.3f s = %.3f us/hand-off\n",
               ev.rounds * 2, s, s * 1e6 / (double)(ev.rounds * 2));
    }

    if (wanted("lock")) {
        struct locks lk = {NULL, n / 2};
        cf_lock_new(&lk.lock);
        t0 = now();
        if (cf_loop_run(loop, lock_main, &lk, NULL) != 0)
            return 1;
        s = now() - t0;
        cf_lock_free(lk.lock);
        printf("cofetch  lock:        %ld release->waiter hand-offs in %.3f s = %.3f "
               "us/hand-off\n",
               lk.rounds * 2, s, s * 1e6 / (double)(lk.rounds * 2));
    }

    if (wanted("to_thread")) {
        cf_pool *pool;
        long calls = n / 50;
        if (cf_pool_new(&pool, loop, 1) != 0)
            return 1;
        t0 = now();
        if (cf_loop_run(loop, thread_main, &calls, NULL) != 0)
            return 1;
        s = now() - t0;
        cf_pool_free(pool);
        printf("cofetch  to_thread:   %ld round trips in %.3f s = %.3f us/round trip\n", calls, s,
               s * 1e6 / (double)calls);
    }
    cf_loop_free(loop);
    return 0;
}

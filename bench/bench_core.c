/*
 * bench_core.c - micro-benchmarks of the runtime, mirrored by bench_core.py:
 *   spawn: spawn + await N trivial tasks (in batches of 1,000, gathered)
 *   switch: N switches between two tasks ping-ponging through two queues
 * usage: bench_core [N]   (default 1,000,000). Prints microseconds per task and switch.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    cf_loop *loop;
    struct pingpong p;
    double t0, spawn_s, switch_s;

    if (n < BATCH)
        n = BATCH;
    if (cf_loop_new(&loop, NULL) != 0)
        return 1;
    t0 = now();
    if (cf_loop_run(loop, spawn_main, &n, NULL) != 0)
        return 1;
    spawn_s = now() - t0;

    cf_queue_new(&p.ping, 1);
    cf_queue_new(&p.pong, 1);
    p.rounds = n / 2; /* each round trip is two switches */
    t0 = now();
    if (cf_loop_run(loop, switch_main, &p, NULL) != 0)
        return 1;
    switch_s = now() - t0;
    cf_queue_free(p.ping);
    cf_queue_free(p.pong);
    cf_loop_free(loop);

    printf("cofetch  spawn+await: %ld tasks in %.3f s = %.3f us/task\n", n, spawn_s,
           spawn_s * 1e6 / (double)n);
    printf("cofetch  switch:      %ld switches in %.3f s = %.3f us/switch\n", p.rounds * 2,
           switch_s, switch_s * 1e6 / (double)(p.rounds * 2));
    return 0;
}

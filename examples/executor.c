/* executor.c - run_in_executor / to_thread: blocking calls on a pool of threads while
 * the loop keeps running tasks.
 *
 *   def blocking(n): time.sleep(0.3); return n * n
 *   async def main():
 *       results = await asyncio.gather(*(asyncio.to_thread(blocking, n) for n in range(4)),
 *                                      ticker())
 *
 * Four 0.3 s blocking calls on four threads take about 0.3 s, and a ticker task keeps
 * ticking on the loop meanwhile. Exits non-zero if it did not. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cofetch/cofetch.h>

static int blocking(void *arg, void **result)
{
    struct timespec ts = {0, 300 * 1000 * 1000};
    intptr_t n = (intptr_t)arg;
    nanosleep(&ts, NULL); /* would stall every task if it ran on the loop */
    *result = (void *)(n * n);
    return 0;
}

static int call(void *arg, void **result)
{
    return cf_to_thread(blocking, arg, result);
}

static int ticker(void *arg, void **result)
{
    int *ticks = arg;
    (void)result;
    for (int i = 0; i < 5; i++) {
        if (cf_sleep(0.05) != 0)
            break;
        ++*ticks;
        printf("tick %d\n", *ticks);
    }
    return 0;
}

static int main_task(void *arg, void **result)
{
    cf_task *t[5] = {NULL};
    void *res[5];
    int ticks = 0, rc = 0;
    (void)arg;
    (void)result;

    double t0 = cf_loop_time();
    for (intptr_t i = 0; i < 4 && rc == 0; i++)
        rc = cf_spawn(&t[i], call, (void *)i);
    if (rc == 0)
        rc = cf_spawn(&t[4], ticker, &ticks);
    if (rc == 0)
        rc = cf_gather(t, 5, 0, res, NULL);
    double dt = cf_loop_time() - t0;
    for (int i = 0; i < 5; i++)
        cf_task_unref(t[i]);
    if (rc)
        return rc;
    printf("squares %ld %ld %ld %ld in %.2f s, %d ticks meanwhile\n", (long)(intptr_t)res[0],
           (long)(intptr_t)res[1], (long)(intptr_t)res[2], (long)(intptr_t)res[3], dt, ticks);
    return ticks == 5 ? 0 : CF_ESTATE;
}

int main(void)
{
    cf_loop *loop;
    cf_pool *pool = NULL;
    int rc = cf_loop_new(&loop, NULL);
    if (rc == 0)
        rc = cf_pool_new(&pool, loop, 4); /* the loop's default pool: cf_to_thread's */
    if (rc == 0)
        rc = cf_loop_run(loop, main_task, NULL, NULL);
    cf_pool_free(pool);
    cf_loop_free(loop);
    if (rc)
        fprintf(stderr, "executor: %s\n", cf_strerror(rc));
    return rc != 0;
}

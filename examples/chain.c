/* chain.c - the seeds' chained coroutines: task_2 needs task_1's result, and the
 * chains run side by side.
 *
 *   async def chain(n):
 *       p1 = await task_1(n)
 *       p2 = await task_2(p1)
 *   await asyncio.gather(*(chain(n) for n in args))
 *
 * (Sleeps are a tenth of the seeds'.) */
#include <stdint.h>
#include <stdio.h>

#include <cofetch/cofetch.h>

static int task_1(intptr_t n, intptr_t *out)
{
    double i = 0.1 * (double)(n % 3 + 1);
    printf("Task 1 with %ld is sleeping for %.1f seconds.\n", (long)n, i);
    int rc = cf_sleep(i);
    *out = n * 10;
    printf("Returning task 1 result, which is %ld\n", (long)*out);
    return rc;
}

static int task_2(intptr_t n, intptr_t *out)
{
    double i = 0.1 * (double)(n % 2 + 1);
    printf("Task 2 with %ld is sleeping for %.1f seconds.\n", (long)n, i);
    int rc = cf_sleep(i);
    *out = n * 2;
    printf("Returning task 2 result, which is %ld\n", (long)*out);
    return rc;
}

static int chain(void *arg, void **result)
{
    intptr_t n = (intptr_t)arg, p1 = 0, p2 = 0;
    double t0 = cf_loop_time();
    int rc = task_1(n, &p1);
    if (rc == 0)
        rc = task_2(p1, &p2);
    printf("Chained result for %ld => %ld (took %0.2f seconds).\n", (long)n, (long)p2,
           cf_loop_time() - t0);
    *result = (void *)p2;
    return rc;
}

static int main_task(void *arg, void **result)
{
    cf_task *t[3] = {NULL, NULL, NULL};
    void *res[3];
    int rc = 0;
    (void)arg;
    (void)result;
    for (intptr_t i = 0; i < 3 && rc == 0; i++)
        rc = cf_spawn(&t[i], chain, (void *)(i + 1));
    if (rc == 0)
        rc = cf_gather(t, 3, 0, res, NULL);
    for (int i = 0; i < 3; i++)
        cf_task_unref(t[i]);
    if (rc == 0)
        printf("Results: %ld %ld %ld\n", (long)(intptr_t)res[0], (long)(intptr_t)res[1],
               (long)(intptr_t)res[2]);
    return rc;
}

int main(void)
{
    cf_loop *loop;
    int rc = cf_loop_new(&loop, NULL);
    if (rc == 0)
        rc = cf_loop_run(loop, main_task, NULL, NULL);
    cf_loop_free(loop);
    if (rc)
        fprintf(stderr, "chain: %s\n", cf_strerror(rc));
    return rc != 0;
}

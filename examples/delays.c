/* delays.c - the seeds' three delays, one after another and then gathered:
 *
 *   async def long_running_task(t):
 *       print(f"Begin sleep for {t}"); await asyncio.sleep(t); print(f"Awake from {t}")
 *   await asyncio.gather(create_task(long_running_task(2)), ...(10), ...(5))
 *
 * Sequentially the time is the sum of the delays; gathered it is the longest one.
 * (Delays are tenths of the seeds': 0.2, 1.0 and 0.5 s.) Exits non-zero if the
 * gathered run did not beat the sequential one. */
#include <stdint.h>
#include <stdio.h>

#include <cofetch/cofetch.h>

static const double delays[] = {0.2, 1.0, 0.5};

static int long_running_task(void *arg, void **result)
{
    double s = *(const double *)arg;
    (void)result;
    printf("Begin sleep for %g\n", s);
    int rc = cf_sleep(s);
    printf("Awake from %g\n", s);
    return rc;
}

static int main_task(void *arg, void **result)
{
    cf_task *t[3] = {NULL, NULL, NULL};
    double t0, seq, gathered;
    int rc = 0;
    (void)arg;
    (void)result;

    t0 = cf_loop_time();
    for (int i = 0; i < 3 && rc == 0; i++) /* await each before starting the next */
        rc = long_running_task((void *)&delays[i], NULL);
    seq = cf_loop_time() - t0;
    printf("Sequential execution time: %0.2f seconds.\n", seq);

    t0 = cf_loop_time();
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = cf_spawn(&t[i], long_running_task, (void *)&delays[i]);
    if (rc == 0)
        rc = cf_gather(t, 3, 0, NULL, NULL);
    gathered = cf_loop_time() - t0;
    printf("Gathered execution time: %0.2f seconds.\n", gathered);
    for (int i = 0; i < 3; i++)
        cf_task_unref(t[i]);
    return rc ? rc : gathered < seq ? 0 : CF_ESTATE;
}

int main(void)
{
    cf_loop *loop;
    int rc = cf_loop_new(&loop, NULL);
    if (rc == 0)
        rc = cf_loop_run(loop, main_task, NULL, NULL);
    cf_loop_free(loop);
    if (rc)
        fprintf(stderr, "delays: %s\n", cf_strerror(rc));
    return rc != 0;
}

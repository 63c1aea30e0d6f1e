/* workers.c - the seeds' worker queue: two tasks take numbers from one queue and
 * total them, each yielding to the other while it "works".
 *
 *   async def task(name, work_queue):
 *       while not work_queue.empty():
 *           count = await work_queue.get()
 *           total = 0
 *           for x in range(count):
 *               print(f"Task {name} running"); total += 1; await asyncio.sleep(0.01)
 *           print(f"Task {name} total: {total}")
 *
 * Here the producer closes the queue, so each worker ends on CF_ECLOSED instead of
 * polling empty(). */
#include <stdint.h>
#include <stdio.h>

#include <cofetch/cofetch.h>

struct worker {
    const char *name;
    cf_queue *q;
    long total;
};

static int worker(void *arg, void **result)
{
    struct worker *w = arg;
    void *item;
    int rc;
    (void)result;

    while ((rc = cf_queue_get(w->q, &item)) == 0) {
        long count = (long)(intptr_t)item, total = 0;
        for (long x = 0; x < count; x++) {
            printf("Task %s running\n", w->name);
            total++;
            if ((rc = cf_sleep(0.01)) != 0)
                return rc;
        }
        printf("Task %s total: %ld\n", w->name, total);
        w->total += total;
        cf_queue_task_done(w->q);
    }
    if (rc == CF_ECLOSED)
        printf("Task %s has nothing to do\n", w->name);
    return rc == CF_ECLOSED ? 0 : rc;
}

static int main_task(void *arg, void **result)
{
    static const long work[] = {15, 10, 5, 2};
    struct worker w[2] = {{"One", NULL, 0}, {"Two", NULL, 0}};
    cf_task *t[2] = {NULL, NULL};
    cf_queue *q;
    int rc;
    (void)arg;
    (void)result;

    if ((rc = cf_queue_new(&q, 0)) != 0)
        return rc;
    for (int i = 0; i < 4; i++)
        cf_queue_put_nowait(q, (void *)(intptr_t)work[i]);
    cf_queue_close(q); /* everything is in: workers drain it, then stop */
    for (int i = 0; i < 2 && rc == 0; i++) {
        w[i].q = q;
        rc = cf_spawn(&t[i], worker, &w[i]);
    }
    if (rc == 0)
        rc = cf_gather(t, 2, 0, NULL, NULL);
    for (int i = 0; i < 2; i++)
        cf_task_unref(t[i]);
    cf_queue_free(q);
    printf("Totals: One %ld, Two %ld\n", w[0].total, w[1].total);
    return rc ? rc : w[0].total + w[1].total == 32 ? 0 : CF_ESTATE;
}

int main(void)
{
    cf_loop *loop;
    int rc = cf_loop_new(&loop, NULL);
    if (rc == 0)
        rc = cf_loop_run(loop, main_task, NULL, NULL);
    cf_loop_free(loop);
    if (rc)
        fprintf(stderr, "workers: %s\n", cf_strerror(rc));
    return rc != 0;
}

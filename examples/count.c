/* count.c - the seeds' first program: count() gathered twice.
 *
 *   async def count():                        prints: One One Two Two
 *       print("One"); await asyncio.sleep(1); print("Two")
 *   async def main():
 *       await asyncio.gather(count(), count())
 *
 * Build: cc count.c $(pkg-config --cflags --libs cofetch)  (the sleep is 0.1 s here) */
#include <stdio.h>

#include <cofetch/cofetch.h>

static int count(void *arg, void **result)
{
    (void)arg;
    (void)result;
    puts("One");
    int rc = cf_sleep(0.1); /* the other count runs meanwhile */
    puts("Two");
    return rc;
}

static int main_task(void *arg, void **result)
{
    cf_task *t[2] = {NULL, NULL};
    int rc;
    (void)arg;
    (void)result;
    if ((rc = cf_spawn(&t[0], count, NULL)) == 0 && (rc = cf_spawn(&t[1], count, NULL)) == 0)
        rc = cf_gather(t, 2, 0, NULL, NULL);
    cf_task_unref(t[0]);
    cf_task_unref(t[1]);
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
        fprintf(stderr, "count: %s\n", cf_strerror(rc));
    return rc != 0;
}

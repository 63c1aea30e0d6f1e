/* future.c - a future set from a callback, as in the seeds:
 *
 *   def callback(fut): fut.set_result("done by the callback")
 *   async def main():
 *       fut = loop.create_future()
 *       loop.call_later(0.1, callback, fut)
 *       print(await fut)
 */
#include <stdio.h>

#include <cofetch/cofetch.h>

static void callback(void *arg)
{
    cf_future *fut = arg;
    puts("Calling event handler");
    cf_future_set_result(fut, "done by the callback");
}

static int main_task(void *arg, void **result)
{
    cf_future *fut;
    void *value = NULL;
    int rc;
    (void)arg;
    (void)result;

    if ((rc = cf_future_new(&fut)) != 0)
        return rc;
    rc = cf_loop_call_later(cf_loop_current(), 0.1, callback, fut, NULL);
    if (rc == 0) {
        puts("Awaiting the future");
        rc = cf_future_await(fut, &value);
    }
    if (rc == 0)
        printf("Future result: %s\n", (const char *)value);
    cf_future_free(fut);
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
        fprintf(stderr, "future: %s\n", cf_strerror(rc));
    return rc != 0;
}

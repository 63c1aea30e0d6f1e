/* hello.c - the smallest client of the installed libcofetch: a loop, a client, two
 * tasks gathered; built by tests/test_library.sh against a DESTDIR install. */
#include <stdio.h>

#include <cofetch/cofetch.h>
#include <cofetch/fetch.h>

static int greet(void *arg, void **result)
{
    int rc = cf_sleep(0.01);
    printf("hello from a task: %s\n", (const char *)arg);
    *result = arg;
    return rc;
}

static int main_task(void *arg, void **result)
{
    cf_task *t[2] = {NULL, NULL};
    void *res[2];
    int rc = cf_spawn(&t[0], greet, "one");
    if (rc == 0)
        rc = cf_spawn(&t[1], greet, "two");
    if (rc == 0)
        rc = cf_gather(t, 2, 0, res, NULL);
    cf_task_unref(t[0]);
    cf_task_unref(t[1]);
    (void)arg;
    (void)result;
    return rc;
}

int main(void)
{
    cf_loop *loop = NULL;
    cf_client *client = NULL;
    int rc = cf_loop_new(&loop, NULL);
    if (rc == 0)
        rc = cf_client_new(&client, loop, NULL);
    if (rc == 0)
        rc = cf_loop_run(loop, main_task, NULL, NULL);
    if (rc != 0)
        fprintf(stderr, "hello: %s\n", cf_strerror(rc));
    cf_client_free(client);
    cf_loop_free(loop);
    return rc != 0;
}

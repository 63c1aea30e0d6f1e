/* fetcher.c - a small concurrent fetcher: every URL at once (at most 8 in flight),
 * one line per URL in input order, and the wall time beside the sum of the fetches.
 *
 *   fetcher URL...        or   fetcher BASE   (BASE: a `cofetch --serve` URL; a demo
 *                                             list of its /delay and /bytes paths)
 *
 * Exits 1 if any fetch failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cofetch/cofetch.h>
#include <cofetch/fetch.h>

struct job {
    const char *url;
    struct cf_response resp;
};

static int fetch(void *arg, void **result)
{
    struct job *j = arg;
    struct cf_request req;
    (void)result;
    cf_request_init(&req, j->url);
    return cf_fetch(&req, &j->resp); /* suspends this task only */
}

struct batch {
    struct job *jobs;
    int n;
};

static int main_task(void *arg, void **result)
{
    struct batch *b = arg;
    cf_task **t = calloc((size_t)b->n, sizeof *t);
    int *err = calloc((size_t)b->n, sizeof *err);
    double sum = 0, t0 = cf_loop_time();
    int rc = t && err ? 0 : CF_ENOMEM, failed = 0;
    (void)result;

    for (int i = 0; i < b->n && rc == 0; i++)
        rc = cf_spawn(&t[i], fetch, &b->jobs[i]);
    if (rc == 0)
        rc = cf_gather(t, (size_t)b->n, CF_GATHER_RETURN_EXCEPTIONS, NULL, err);
    for (int i = 0; rc == 0 && i < b->n; i++) {
        struct cf_response *r = &b->jobs[i].resp;
        sum += r->t.total;
        failed += err[i] != 0;
        printf("%3ld %8lld %6.3fs  %s%s%s\n", r->status, r->bytes, r->t.total, b->jobs[i].url,
               err[i] ? "  " : "", err[i] ? r->error : "");
    }
    if (rc == 0)
        printf("%d fetched, %d failed in %.3f s (sum of fetch times %.3f s)\n", b->n - failed,
               failed, cf_loop_time() - t0, sum);
    for (int i = 0; t && i < b->n; i++)
        cf_task_unref(t[i]);
    free(t);
    free(err);
    return rc ? rc : failed ? CF_ENET : 0;
}

int main(int argc, char **argv)
{
    static const char *demo[] = {"/delay?s=0.3", "/delay?s=0.2", "/bytes?n=100000", "/delay?s=0.1",
                                 "/status/404"};
    struct cf_client_opts opts = {.max_in_flight = 8};
    struct batch b = {NULL, 0};
    cf_loop *loop = NULL;
    cf_client *client = NULL;
    char urls[5][256];
    int rc;

    if (argc < 2) {
        fprintf(stderr, "usage: fetcher URL... | fetcher BASE\n");
        return 2;
    }
    b.n = argc == 2 ? 5 : argc - 1;
    b.jobs = calloc((size_t)b.n, sizeof *b.jobs);
    if (!b.jobs)
        return 1;
    for (int i = 0; i < b.n; i++) {
        if (argc == 2) {
            snprintf(urls[i], sizeof urls[i], "%s%s", argv[1], demo[i]);
            b.jobs[i].url = urls[i];
        } else {
            b.jobs[i].url = argv[i + 1];
        }
    }
    rc = cf_loop_new(&loop, NULL);
    if (rc == 0)
        rc = cf_client_new(&client, loop, &opts);
    if (rc == 0)
        rc = cf_loop_run(loop, main_task, &b, NULL);
    for (int i = 0; i < b.n; i++)
        cf_response_free(&b.jobs[i].resp);
    free(b.jobs);
    cf_client_free(client);
    cf_loop_free(loop);
    /* The demo list has one 404 on purpose: there, success is exactly that. */
    if (argc == 2 && rc == CF_ENET)
        return 0;
    if (rc)
        fprintf(stderr, "fetcher: %s\n", cf_strerror(rc));
    return rc != 0;
}

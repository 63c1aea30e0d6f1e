/* crawler.c - follow links with a task group and a semaphore per host.
 *
 *   crawler URL [MAX_PAGES]      or   crawler BASE (a `cofetch --serve` URL: starts at
 *                                     pages of its /echo and /next, which name others)
 *
 * Each page is one task of one cf_taskgroup: it waits for its host's semaphore (two
 * fetches per host at once), fetches, finds every http:// and https:// URL in the body
 * and spawns a task for each one not seen before, up to MAX_PAGES (default 50). The
 * group awaits them all; a fetch error is printed, not fatal (asyncio: a TaskGroup
 * whose tasks catch their own errors). */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cofetch/cofetch.h>
#include <cofetch/fetch.h>

enum { MAX_HOSTS = 16, PER_HOST = 2 };

struct host {
    char name[128];
    cf_sem *sem;
};

struct crawl {
    cf_taskgroup *group;
    struct host hosts[MAX_HOSTS];
    int nhosts;
    char **seen;
    int nseen, max;
    int fetched, failed;
};

static struct crawl C;

/* The host:port part of url, or "" */
static void host_of(const char *url, char *out, size_t size)
{
    const char *p = strstr(url, "://");
    size_t n;
    p = p ? p + 3 : url;
    n = strcspn(p, "/?#");
    snprintf(out, size, "%.*s", (int)n, p);
}

static cf_sem *host_sem(const char *url)
{
    char name[128];
    host_of(url, name, sizeof name);
    for (int i = 0; i < C.nhosts; i++)
        if (strcmp(C.hosts[i].name, name) == 0)
            return C.hosts[i].sem;
    if (C.nhosts == MAX_HOSTS || cf_sem_new(&C.hosts[C.nhosts].sem, PER_HOST) != 0)
        return NULL;
    snprintf(C.hosts[C.nhosts].name, sizeof C.hosts[C.nhosts].name, "%s", name);
    return C.hosts[C.nhosts++].sem;
}

static int page(void *arg, void **result);

/* Spawn a task for url unless it was seen or the budget is spent. */
static void visit(const char *url, size_t len)
{
    char *copy;
    for (int i = 0; i < C.nseen; i++)
        if (strlen(C.seen[i]) == len && strncmp(C.seen[i], url, len) == 0)
            return;
    if (C.nseen == C.max || !(copy = strndup(url, len)))
        return;
    C.seen[C.nseen++] = copy;
    if (cf_taskgroup_spawn(C.group, NULL, page, copy) != 0)
        C.nseen--, free(copy);
}

static void follow_links(const char *body)
{
    const char *p = body;
    while ((p = strstr(p, "http")) != NULL) {
        if (strncmp(p, "http://", 7) == 0 || strncmp(p, "https://", 8) == 0) {
            size_t n = strcspn(p, " \t\r\n\"'<>\\");
            visit(p, n);
            p += n;
        } else {
            p += 4;
        }
    }
}

static int page(void *arg, void **result)
{
    const char *url = arg;
    struct cf_request req;
    struct cf_response resp = {0};
    cf_sem *sem = host_sem(url);
    int rc;
    (void)result;

    if (!sem)
        return CF_ENOMEM;
    if ((rc = cf_sem_acquire(sem)) != 0)
        return rc;
    cf_request_init(&req, url);
    rc = cf_fetch(&req, &resp);
    cf_sem_release(sem);
    if (rc == 0) {
        C.fetched++;
        printf("%3ld %7zu  %s\n", resp.status, resp.body_len, url);
        if (resp.body)
            follow_links(resp.body);
    } else {
        C.failed++;
        printf("ERR          %s  %s\n", url, resp.error);
    }
    cf_response_free(&resp);
    return rc == CF_ECANCELED ? rc : 0; /* a broken link does not end the crawl */
}

static int main_task(void *arg, void **result)
{
    const char *const *start = arg;
    int rc;
    (void)result;

    if ((rc = cf_taskgroup_new(&C.group)) != 0)
        return rc;
    for (int i = 0; start[i]; i++)
        visit(start[i], strlen(start[i]));
    rc = cf_taskgroup_wait(C.group);
    cf_taskgroup_free(C.group);
    printf("%d pages fetched, %d failed, %d hosts\n", C.fetched, C.failed, C.nhosts);
    return rc;
}

int main(int argc, char **argv)
{
    char a[512], b[512];
    const char *start[3] = {NULL, NULL, NULL};
    cf_loop *loop = NULL;
    cf_client *client = NULL;
    int rc, demo;

    if (argc < 2) {
        fprintf(stderr, "usage: crawler URL [MAX_PAGES] | crawler BASE\n");
        return 2;
    }
    /* A bare base URL of the demo server: pages that link to further pages. */
    demo = argc == 2 && strchr(argv[1] + strlen("http://"), '/') == NULL;
    if (demo) {
        snprintf(a, sizeof a, "%s/echo?see=%s/next?n=5", argv[1], argv[1]);
        snprintf(b, sizeof b, "%s/next?n=7", argv[1]);
        start[0] = a;
        start[1] = b;
    } else {
        start[0] = argv[1];
    }
    C.max = argc > 2 ? atoi(argv[2]) : 50;
    if (C.max < 1 || !(C.seen = calloc((size_t)C.max, sizeof *C.seen)))
        return 2;
    rc = cf_loop_new(&loop, NULL);
    if (rc == 0)
        rc = cf_client_new(&client, loop, NULL);
    if (rc == 0)
        rc = cf_loop_run(loop, main_task, start, NULL);
    for (int i = 0; i < C.nhosts; i++)
        cf_sem_free(C.hosts[i].sem);
    for (int i = 0; i < C.nseen; i++)
        free(C.seen[i]);
    free(C.seen);
    cf_client_free(client);
    cf_loop_free(loop);
    if (rc)
        fprintf(stderr, "crawler: %s\n", cf_strerror(rc));
    /* The demo: two start pages, three pages they lead to; all must have been reached. */
    if (rc == 0 && demo && (C.fetched < 5 || C.failed))
        return 1;
    return rc != 0;
}

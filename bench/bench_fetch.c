/*
 * bench_fetch.c - fetch every URL of a list through cf_fetch, at most J in flight.
 *
 *   bench_fetch LIST J [--sink discard|memory] [--buffer BYTES] [--mode window|all|workers]
 *
 * --stats prints percentiles of connect time, total time and end time.
 *
 * Modes (how the number of live tasks is bounded):
 *   window   (default) the main task spawns one task per URL as a slot frees (a
 *            semaphore of J permits), and gathers them all at the end: at most J
 *            tasks hold a stack at any time.
 *   all      spawn one task per URL up front, gather them; the client's
 *            max_in_flight = J bounds the transfers. Every task that has started and
 *            waits for a slot holds a stack.
 *   workers  J long-lived tasks pull the next URL from a shared index.
 *
 * Bodies are discarded (or kept in memory with --sink memory, then freed). Prints
 * wall time, URLs, ok count (code 0 and HTTP 2xx/3xx) and peak RSS to stderr.
 * J = 0 means "all of them at once".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "cofetch/error.h"
#include "cofetch/fetch.h"
#include "cofetch/loop.h"
#include "cofetch/sem.h"
#include "cofetch/task.h"

enum mode { MODE_WINDOW, MODE_ALL, MODE_WORKERS };

struct bench {
    char **urls;
    size_t n;
    size_t j;
    enum cf_sink sink;
    enum mode mode;
    long buffer;
    size_t next;   /* workers: next URL index */
    size_t ok;     /* completed with code 0 and status < 400 */
    size_t failed; /* anything else */
    int first_err;
    int stats;       /* --stats: collect per-fetch timings */
    double *connect; /* per URL: connect time (s) */
    double *total;   /* per URL: total time (s) */
    double *endt;    /* per URL: end since the client's epoch (s) */
    cf_sem *window;
};

struct job {
    struct bench *b;
    size_t i;
};

static void fetch_one(struct bench *b, size_t i)
{
    struct cf_request req;
    struct cf_response resp;
    int rc;

    cf_request_init(&req, b->urls[i]);
    req.sink = b->sink;
    rc = cf_fetch(&req, &resp);
    if (b->stats) {
        b->connect[i] = resp.t.connect;
        b->total[i] = resp.t.total;
        b->endt[i] = resp.end;
    }
    if (rc == 0 && resp.status >= 200 && resp.status < 400) {
        b->ok++;
    } else {
        if (!b->failed++ && !b->first_err)
            fprintf(stderr, "bench_fetch: %s: %s (status %ld)\n", b->urls[i], resp.error,
                    resp.status);
        b->first_err = rc;
    }
    cf_response_free(&resp);
}

static int one_task(void *arg, void **result)
{
    struct job *jb = arg;

    (void)result;
    fetch_one(jb->b, jb->i);
    if (jb->b->window)
        cf_sem_release(jb->b->window);
    return 0;
}

static int worker_task(void *arg, void **result)
{
    struct bench *b = arg;

    (void)result;
    while (b->next < b->n)
        fetch_one(b, b->next++);
    return 0;
}

static int gather_all(cf_task **tasks, size_t n)
{
    int rc = cf_gather(tasks, n, CF_GATHER_RETURN_EXCEPTIONS, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        cf_task_unref(tasks[i]);
    return rc;
}

static int main_task(void *arg, void **result)
{
    struct bench *b = arg;
    size_t ntasks = b->mode == MODE_WORKERS ? b->j : b->n;
    cf_task **tasks = calloc(ntasks ? ntasks : 1, sizeof *tasks);
    struct job *jobs = b->mode == MODE_WORKERS ? NULL : calloc(b->n ? b->n : 1, sizeof *jobs);
    size_t spawned = 0;
    int rc = 0;

    (void)result;
    if (!tasks || (b->mode != MODE_WORKERS && !jobs)) {
        free(tasks);
        free(jobs);
        return CF_ENOMEM;
    }
    if (b->mode == MODE_WINDOW && cf_sem_new(&b->window, b->j) != 0) {
        free(tasks);
        free(jobs);
        return CF_ENOMEM;
    }
    for (size_t i = 0; i < ntasks; i++) {
        if (b->mode == MODE_WORKERS) {
            rc = cf_spawn(&tasks[i], worker_task, b);
        } else {
            if (b->window && (rc = cf_sem_acquire(b->window)) != 0)
                break;
            jobs[i].b = b;
            jobs[i].i = i;
            rc = cf_spawn(&tasks[i], one_task, &jobs[i]);
        }
        if (rc)
            break;
        spawned++;
    }
    if (gather_all(tasks, spawned) && !rc)
        rc = CF_EIO;
    cf_sem_free(b->window);
    b->window = NULL;
    free(tasks);
    free(jobs);
    return rc;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        return NULL;
    do {
        if (cap - n < 65536) {
            char *p = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void print_stats(const char *what, double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    fprintf(stderr, "%-8s p50 %.3f  p90 %.3f  p99 %.3f  max %.3f s\n", what, v[n / 2],
            v[n * 9 / 10], v[n * 99 / 100], v[n - 1]);
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_fetch LIST J [--sink discard|memory] [--buffer BYTES] "
                    "[--mode window|all|workers] [--stats]\n");
    return 2;
}

int main(int argc, char **argv)
{
    struct bench b = {0};
    struct cf_client_opts copts = {0};
    cf_loop *loop = NULL;
    cf_client *client = NULL;
    char *text, *p;
    size_t len = 0, cap = 0;
    struct rusage ru;
    double t0, t1, t2, t3;
    int rc;

    if (argc < 3)
        return usage();
    b.j = strtoul(argv[2], NULL, 10);
    b.sink = CF_SINK_DISCARD;
    b.mode = MODE_WINDOW;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--sink") == 0 && i + 1 < argc) {
            const char *s = argv[++i];
            if (strcmp(s, "discard") == 0)
                b.sink = CF_SINK_DISCARD;
            else if (strcmp(s, "memory") == 0)
                b.sink = CF_SINK_MEMORY;
            else
                return usage();
        } else if (strcmp(argv[i], "--stats") == 0) {
            b.stats = 1;
        } else if (strcmp(argv[i], "--buffer") == 0 && i + 1 < argc) {
            b.buffer = strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--mode") == 0 && i + 1 < argc) {
            const char *s = argv[++i];
            if (strcmp(s, "window") == 0)
                b.mode = MODE_WINDOW;
            else if (strcmp(s, "all") == 0)
                b.mode = MODE_ALL;
            else if (strcmp(s, "workers") == 0)
                b.mode = MODE_WORKERS;
            else
                return usage();
        } else {
            return usage();
        }
    }

    text = read_file(argv[1], &len);
    if (!text) {
        perror(argv[1]);
        return 1;
    }
    for (p = text; *p;) {
        char *eol = strchr(p, '\n');
        if (eol)
            *eol = '\0';
        if (eol && eol > p && eol[-1] == '\r')
            eol[-1] = '\0';
        if (*p) {
            if (b.n == cap) {
                char **g = realloc(b.urls, (cap = cap ? cap * 2 : 1024) * sizeof *g);
                if (!g)
                    return 1;
                b.urls = g;
            }
            b.urls[b.n++] = p;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    if (b.j == 0 || b.j > b.n)
        b.j = b.n ? b.n : 1;

    if (b.stats) {
        b.connect = calloc(b.n + 1, sizeof(double));
        b.total = calloc(b.n + 1, sizeof(double));
        b.endt = calloc(b.n + 1, sizeof(double));
        if (!b.connect || !b.total || !b.endt)
            return 1;
    }
    copts.buffer_size = b.buffer;
    if (b.mode == MODE_ALL)
        copts.max_in_flight = b.j;
    if (cf_loop_new(&loop, NULL) != 0 || cf_client_new(&client, loop, &copts) != 0) {
        fprintf(stderr, "bench_fetch: cannot create the loop or client\n");
        return 1;
    }
    t0 = cf_loop_time();
    rc = cf_loop_run(loop, main_task, &b, NULL);
    t1 = cf_loop_time();
    cf_client_free(client);
    t2 = cf_loop_time();
    cf_loop_free(loop);
    t3 = cf_loop_time();

    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr, "teardown: client %.3f s, loop %.3f s\n", t2 - t1, t3 - t2);
    fprintf(stderr,
            "wall %.3f s  urls %zu  ok %zu  failed %zu  in-flight %zu  peak RSS %ld KiB%s\n",
            t1 - t0, b.n, b.ok, b.failed, b.j, ru.ru_maxrss, rc ? "  (run failed)" : "");
    if (b.stats && b.n) {
        print_stats("connect", b.connect, b.n);
        print_stats("total", b.total, b.n);
        print_stats("end", b.endt, b.n);
    }
    free(b.connect);
    free(b.total);
    free(b.endt);
    free(b.urls);
    free(text);
    return rc || b.ok != b.n ? 1 : 0;
}

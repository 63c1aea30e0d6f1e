/*
 * demo.c - --demo: the seeds' examples on real network I/O against the embedded
 * loopback server (no internet needed), and --serve: that server in the foreground.
 *
 *   1. three fetches of 0.5 s, 0.8 s and 0.2 s: --sync, then gathered (timing tables
 *      side by side: about 1.5 s against 0.8 s);
 *   2. three workers draining 20 random delays from a queue (a Gantt chart);
 *   3. a chain of two dependent fetches for three items (/next gives the next URL).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "cofetch/error.h"
#include "server/server.h"
#include "cofetch/task.h"
#include "run/demo.h"
#include "run/mode.h"
#include "run/mode_ordered.h"
#include "run/mode_queue.h"
#include "run/run.h"
#include "run/signals.h"
#include "run/template.h"

struct demo {
    const struct config *cfg;
    cf_loop *loop;
    cf_server *srv;
    struct output out;
    unsigned long failed;
    struct htmlreport *hr; /* --report */
};

enum { DEMO_QUEUE_N = 20 };

/* Runs `n` URLs under cfg, keeping a timeline; records go to out (or nowhere). */
static int demo_run(struct demo *d, const struct config *cfg, char **urls, size_t n,
                    struct output *out, struct timeline *tl, double *wall)
{
    struct item *items = calloc(n, sizeof *items);
    struct input *in = NULL;
    struct run run;
    int rc = CF_ENOMEM;

    if (!items)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (item_set(&items[i], urls[i], strlen(urls[i])))
            goto out;
        items[i].src = "demo";
        items[i].lineno = i + 1;
    }
    rc = input_open_items(&in, cfg, items, n);
    if (rc)
        goto out;
    timeline_init(tl, (cfg->mode->flags & MODE_STEPS) != 0);
    rc = run_init(&run, cfg, cfg->parallel, in, out, NULL, tl);
    run.hr = d->hr;
    htmlreport_run(d->hr, cfg->sync ? "--sync" : mode_label(cfg), cfg->sync);
    if (rc == 0)
        rc = run_mode(&run);
    run_free(&run);
    htmlreport_run_end(d->hr, run.wall);
    *wall = run.wall;
    d->failed += run.stats.failed;
out:
    input_free(in);
    for (size_t i = 0; i < n; i++)
        item_free(&items[i]);
    free(items);
    return rc;
}

static void print_block(const char *text)
{
    fputs(text, stdout);
    fflush(stdout);
}

static int part_gather(struct demo *d)
{
    static const double delays[3] = {0.5, 0.8, 0.2};
    struct config cfg = *d->cfg;
    struct timeline tl[2];
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    char buf[3][160], *urls[3];
    double wall[2] = {0, 0};
    int rc;

    for (int i = 0; i < 3; i++) {
        snprintf(buf[i], sizeof buf[i], "%s/delay?s=%.1f", cf_server_url(d->srv), delays[i]);
        urls[i] = buf[i];
    }
    print_block("== 1. Three fetches of 0.5 s, 0.8 s and 0.2 s: one at a time, then gathered\n"
                "   (asyncio.gather: every task starts at once; the batch takes as long as the\n"
                "   slowest fetch, not the sum)\n\n");
    cfg.sync = 1;
    cfg.mode = &mode_gather;
    rc = demo_run(d, &cfg, urls, 3, NULL, &tl[0], &wall[0]);
    cfg.sync = 0;
    if (rc == 0)
        rc = demo_run(d, &cfg, urls, 3, NULL, &tl[1], &wall[1]);
    if (rc == 0) {
        char t0[64], t1[64];
        snprintf(t0, sizeof t0, "--sync: %.2f s", wall[0]);
        snprintf(t1, sizeof t1, "--mode gather: %.2f s", wall[1]);
        timeline_table(&tl[0], t0, &a);
        timeline_table(&tl[1], t1, &b);
        side_by_side(stdout, sb_cstr(&a), sb_cstr(&b), 6);
        printf("\nspeedup %.1fx\n\n", wall[1] > 0 ? wall[0] / wall[1] : 0);
        fflush(stdout);
    }
    timeline_free(&tl[0]);
    timeline_free(&tl[1]);
    sb_free(&a);
    sb_free(&b);
    return rc;
}

static int part_queue(struct demo *d)
{
    struct config cfg = *d->cfg;
    struct timeline tl;
    struct strbuf g = STRBUF_INIT;
    char buf[DEMO_QUEUE_N][160], *urls[DEMO_QUEUE_N];
    unsigned seed = (unsigned)time(NULL);
    double sum = 0, wall = 0;
    int rc;

    for (int i = 0; i < DEMO_QUEUE_N; i++) {
        double s = 0.05 + (double)(rand_r(&seed) % 30) / 100.0;
        sum += s;
        snprintf(buf[i], sizeof buf[i], "%s/delay?s=%.2f", cf_server_url(d->srv), s);
        urls[i] = buf[i];
    }
    printf("== 2. Three workers drain a queue of %d random delays (%.2f s in all)\n"
           "   (asyncio.Queue: each worker takes the next URL when it is free)\n\n",
           DEMO_QUEUE_N, sum);
    fflush(stdout);
    cfg.mode = &mode_queue;
    cfg.parallel = 3;
    rc = demo_run(d, &cfg, urls, DEMO_QUEUE_N, NULL, &tl, &wall);
    if (rc == 0) {
        timeline_gantt(&tl, 80, 0, &g);
        print_block(sb_cstr(&g));
        printf("\n%d fetches by 3 workers in %.2f s (%.2f s of delays: %.1fx)\n\n", DEMO_QUEUE_N,
               wall, sum, wall > 0 ? sum / wall : 0);
        fflush(stdout);
    }
    timeline_free(&tl);
    sb_free(&g);
    return rc;
}

static int part_chain(struct demo *d)
{
    struct config cfg = *d->cfg;
    struct timeline tl;
    struct strbuf t = STRBUF_INIT;
    struct tmpl *then = NULL;
    /* Seconds of step 1 (the server's /next answers after s=) and of step 2 (the
     * /delay?s= URL that /next names with then=). */
    static const double steps[3][2] = {{0.4, 0.2}, {0.2, 0.5}, {0.3, 0.3}};
    char buf[3][160], *urls[3], err[128];
    double wall = 0, sum = 0;
    int rc;

    for (int i = 0; i < 3; i++) {
        snprintf(buf[i], sizeof buf[i], "%s/next?s=%g&then=%g", cf_server_url(d->srv), steps[i][0],
                 steps[i][1]);
        urls[i] = buf[i];
        sum += steps[i][0] + steps[i][1];
    }
    rc = tmpl_compile("{body}", &then, err, sizeof err);
    if (rc)
        return rc;
    print_block("== 3. Three chains of two dependent fetches: the first body names the next URL\n"
                "   (await in sequence inside a task; the chains run concurrently)\n"
                "   cofetch --then '{body}' URL...\n\n");
    cfg.mode = &mode_chain;
    cfg.thens = &then;
    cfg.nthens = 1;
    d->out.chain = 1;
    rc = demo_run(d, &cfg, urls, 3, &d->out, &tl, &wall);
    output_flush(&d->out);
    if (rc == 0) {
        timeline_table(&tl, NULL, &t);
        printf("\n");
        print_block(sb_cstr(&t));
        printf("\n3 chains in %.2f s (%.2f s of steps: each chain waits for its own steps,\n"
               "not for the other chains)\n",
               wall, sum);
        fflush(stdout);
    }
    timeline_free(&tl);
    sb_free(&t);
    tmpl_free(then);
    return rc;
}

static int demo_task(void *arg, void **result)
{
    struct demo *d = arg;
    int rc;
    (void)result;

    printf("cofetch --demo: a loopback server at %s, no internet needed\n\n",
           cf_server_url(d->srv));
    fflush(stdout);
    rc = part_gather(d);
    if (rc == 0)
        rc = part_queue(d);
    if (rc == 0)
        rc = part_chain(d);
    return rc;
}

static int start(cf_loop **loop, cf_server **srv, int port, int quiet)
{
    struct cf_server_opts so = {.port = port, .quiet = quiet};
    int rc = cf_loop_new(loop, NULL);
    if (rc == 0)
        rc = cf_server_start(cf_loop_base(*loop), &so, srv);
    if (rc)
        fprintf(stderr, "cofetch: cannot start the server: %s\n", cf_strerror(rc));
    return rc;
}

int demo_main(const struct config *given)
{
    struct config cfg = *given; /* the demo's own records are default lines */
    struct demo d = {.cfg = &cfg};
    cf_client *client = NULL;
    int rc;

    cfg.format = OUT_TEXT;
    if (cfg.report) {
        char why[128];
        if (htmlreport_open(&d.hr, cfg.report, why, sizeof why)) {
            fprintf(stderr, "cofetch: --report %s: cannot create it: %s\n", cfg.report, why);
            return EXIT_IO;
        }
    }
    rc = start(&d.loop, &d.srv, 0, 1);
    if (rc == 0)
        rc = cf_client_new(&client, d.loop, NULL);
    if (rc == 0) {
        output_init(&d.out, STDOUT_FILENO, &cfg, d.loop);
        rc = cf_loop_run(d.loop, demo_task, &d, NULL);
        output_close(&d.out);
    }
    if (rc)
        fprintf(stderr, "cofetch: demo failed: %s\n", cf_strerror(rc));
    if (d.hr) {
        int err;
        htmlreport_close(d.hr, &err);
        if (err) {
            fprintf(stderr, "cofetch: --report %s: cannot write it: %s\n", cfg.report,
                    strerror(err));
            rc = rc ? rc : CF_EIO;
        }
        if (!rc)
            printf("cofetch --demo: the report is in %s\n", cfg.report);
    }
    cf_client_free(client);
    cf_server_free(d.srv);
    cf_loop_free(d.loop);
    return rc ? EXIT_FAILED : d.failed ? EXIT_FAILED : EXIT_OK;
}

static void stop_loop(void *ctx)
{
    cf_loop_stop(ctx);
}

static int serve_task(void *arg, void **result)
{
    (void)arg;
    (void)result;
    for (;;) {
        int rc = cf_sleep(3600);
        if (rc)
            return rc;
    }
}

int serve_main(const struct config *cfg)
{
    cf_loop *loop = NULL;
    cf_server *srv = NULL;
    struct signals sig = {0};
    int rc = start(&loop, &srv, cfg->serve_port, 0);

    if (rc == 0)
        rc = signals_install(&sig, cf_loop_base(loop), stop_loop, loop);
    if (rc == 0) {
        printf("serving on %s (Ctrl-C to stop)\n", cf_server_url(srv));
        fflush(stdout);
        rc = cf_loop_run(loop, serve_task, NULL, NULL);
        if (rc == CF_ESTOPPED || rc == CF_ECANCELED)
            rc = 0;
    }
    signals_remove(&sig);
    cf_server_free(srv);
    cf_loop_free(loop);
    return rc ? EXIT_FAILED : EXIT_OK;
}

/*
 * batch.c - a batch run from start to exit code: the loop and client, signals, the
 * run (or, with --compare, the --sync run and then the concurrent one), the summary
 * and timeline, the exit code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "app.h"
#include "journal.h"
#include "options.h"
#include "progress.h"
#include "run.h"
#include "signals.h"

struct app {
    struct config *cfg;
    struct config sync_cfg; /* --compare: a shallow copy with sync set (not freed) */
    cf_loop *loop;
    cf_client *client;
    struct output out;
    struct outdir od;
    int have_od;
    struct input *in;
    struct run runs[2];
    struct timeline tls[2];
    int nruns;
    struct run *active;
    cf_task *preload;
    int interrupted;
    struct signals sig;
    struct progress prog;
    int show_summary;
    int show_progress;
    int input_failed;
    struct item *items; /* --compare: the input, read once */
    size_t nitems;
    struct journal *journal; /* --journal */
    cf_handle *jtimer;       /* writes the journal every second */
};

/* The output, then the journal entries that describe it: the journal never claims a line
 * whose record did not reach stdout. */
static void flush_journal(struct app *app)
{
    if (!app->journal)
        return;
    output_flush(&app->out);
    journal_flush(app->journal);
}

static void journal_tick(void *arg)
{
    struct app *app = arg;
    app->jtimer = NULL;
    flush_journal(app);
    cf_loop_call_later(app->loop, 1.0, journal_tick, app, &app->jtimer);
}

static int journal_skip_item(void *ctx, const struct item *it)
{
    return journal_skip(ctx, it->src, it->lineno, it->url.buf, it->url.len);
}

/* The second Ctrl-C exits at once: keep what the journal has. */
static void on_last_signal(void *ctx)
{
    flush_journal(ctx);
}

static void on_interrupt(void *ctx)
{
    struct app *app = ctx;
    app->interrupted = 1;
    if (app->preload)
        cf_task_cancel(app->preload);
    if (app->active)
        run_stop(app->active, STOP_INTERRUPT);
}

static void on_broken(void *ctx)
{
    struct app *app = ctx;
    if (app->active)
        run_stop(app->active, STOP_OUTPUT);
}

static void one_run(struct app *app, const struct config *cfg, struct input *in, int write)
{
    struct run *run = &app->runs[app->nruns];
    struct timeline *tl = NULL;

    if (cfg->timeline) {
        tl = &app->tls[app->nruns];
        timeline_init(tl, cfg->mode == MODE_CHAIN);
    }
    app->nruns++;
    run_init(run, cfg, in, write ? &app->out : NULL, app->have_od ? &app->od : NULL, tl);
    if (write)
        run->journal = app->journal;
    if (app->interrupted)
        run->stop = STOP_INTERRUPT;
    app->active = run;
    if (app->show_progress)
        progress_start(&app->prog, app->loop, run,
                       cfg->ninputs == 0 && cfg->nurls ? (unsigned long)cfg->nurls : 0);
    run_batch(run);
    if (app->show_progress)
        progress_stop(&app->prog);
    app->active = NULL;
    if (input_failed(in))
        app->input_failed = 1;
}

/* --compare reads the input once, in a task a signal can cancel. */
static int preload_task(void *arg, void **result)
{
    struct app *app = arg;
    size_t cap = 0;
    (void)result;

    for (;;) {
        if (app->nitems == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct item *p = realloc(app->items, ncap * sizeof *p);
            if (!p)
                return CF_ENOMEM;
            app->items = p;
            cap = ncap;
        }
        memset(&app->items[app->nitems], 0, sizeof app->items[0]);
        int rc = input_next(app->in, &app->items[app->nitems]);
        if (rc) {
            item_free(&app->items[app->nitems]);
            return rc == CF_EOF ? 0 : rc;
        }
        app->nitems++;
    }
}

static int main_runs(struct app *app);

static int main_task(void *arg, void **result)
{
    struct app *app = arg;
    int rc;
    (void)result;

    if (app->journal)
        cf_loop_call_later(app->loop, 1.0, journal_tick, app, &app->jtimer);
    rc = main_runs(app);
    if (app->jtimer)
        cf_handle_cancel(app->jtimer);
    app->jtimer = NULL;
    return rc;
}

static int main_runs(struct app *app)
{
    struct input *again = NULL;
    int rc;

    if (!app->cfg->compare) {
        one_run(app, app->cfg, app->in, 1);
        return 0;
    }
    rc = cf_spawn(&app->preload, preload_task, app);
    if (rc)
        return rc;
    rc = cf_task_await(app->preload, NULL);
    cf_task_unref(app->preload);
    app->preload = NULL;
    if (input_failed(app->in))
        app->input_failed = 1;
    if (rc && rc != CF_ECANCELED)
        return rc;
    app->sync_cfg = *app->cfg;
    app->sync_cfg.sync = 1;
    for (int i = 0; i < 2 && !app->interrupted; i++) {
        rc = input_open_items(&again, app->cfg, app->items, app->nitems);
        if (rc)
            return rc;
        one_run(app, i == 0 ? &app->sync_cfg : app->cfg, again, i == 1);
        input_free(again);
        again = NULL;
    }
    return 0;
}

static const char *mode_name(const struct config *cfg)
{
    if (cfg->sync)
        return "sync";
    return cfg->mode == MODE_QUEUE ? "queue" : cfg->mode == MODE_CHAIN ? "chain" : "gather";
}

/* The Gantt chart's width: COLUMNS when set (to 20 or more), else the width of the
 * terminal on stderr (where the chart goes), else 80. */
static int terminal_width(void)
{
    const char *cols = getenv("COLUMNS");
    struct winsize ws;

    if (cols && atoi(cols) >= 20)
        return atoi(cols);
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

static void report(struct app *app)
{
    const struct config *cfg = app->cfg;
    int width = terminal_width();

    if (cfg->timeline && app->nruns) {
        struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
        if (app->nruns == 2) {
            timeline_table(&app->tls[0], "--sync", &a);
            timeline_table(&app->tls[1], mode_name(cfg), &b);
            side_by_side(stderr, sb_cstr(&a), sb_cstr(&b), 4);
        } else {
            timeline_table(&app->tls[0], NULL, &a);
            fputs(sb_cstr(&a), stderr);
        }
        for (int i = 0; i < app->nruns; i++) {
            sb_reset(&b);
            timeline_gantt(&app->tls[i], width, &b);
            if (app->nruns == 2)
                fprintf(stderr, "\n%s:\n", i == 0 ? "--sync" : mode_name(cfg));
            else
                fputc('\n', stderr);
            fputs(sb_cstr(&b), stderr);
        }
        sb_free(&a);
        sb_free(&b);
    }
    if (!app->show_summary)
        return;
    if (app->nruns == 2) {
        summary_print(stderr, &app->runs[0].stats, app->runs[0].wall, "--sync");
        summary_print(stderr, &app->runs[1].stats, app->runs[1].wall, mode_name(cfg));
        summary_compare(stderr, &app->runs[0].stats, app->runs[0].wall, &app->runs[1].stats,
                        app->runs[1].wall, mode_name(cfg));
    } else if (app->nruns == 1) {
        summary_print(stderr, &app->runs[0].stats, app->runs[0].wall, NULL);
    }
    if (app->interrupted)
        fprintf(stderr, "cofetch: interrupted\n");
}

/* -j N needs about N sockets (and N files with -o, N spill files with --body), plus some
 * slack for connections being replaced and resolver threads' socketpairs (one in eight);
 * more than RLIMIT_NOFILE allows would fail fetches with EMFILE. Raise the soft limit
 * towards the hard one; if that is not enough, lower -j (and the connections kept) to
 * fit, with a warning. */
static void fit_open_files(struct config *cfg, struct cf_client_opts *copts)
{
    const long reserve = 32 + (long)cfg->ninputs; /* stdio, loop, libcurl, journal, -o dir */
    const long per = 1 + (cfg->outdir ? 1 : 0) + (cfg->format == OUT_BODY ? 1 : 0);
    long want = cfg->parallel, need, allowed;
    struct rlimit rl;

    if (cfg->sync)
        return;
    if (want == 0)
        want = CLI_UNLIMITED_WINDOW;
    need = reserve + want * per + want / 8;
    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY ||
        (rlim_t)need <= rl.rlim_cur)
        return;
    if (rl.rlim_cur < rl.rlim_max) {
        struct rlimit nl = rl;
        nl.rlim_cur =
            rl.rlim_max == RLIM_INFINITY || (rlim_t)need < rl.rlim_max ? (rlim_t)need : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &nl) == 0)
            rl = nl;
        if (rl.rlim_cur == RLIM_INFINITY || (rlim_t)need <= rl.rlim_cur)
            return;
    }
    allowed = ((long)rl.rlim_cur - reserve) * 8 / (8 * per + 1);
    if (allowed < 1)
        allowed = 1;
    fprintf(stderr,
            "cofetch: warning: -j %ld needs about %ld open files, but the limit (ulimit -n) is "
            "%ld: running at most %ld at once\n",
            cfg->parallel, need, (long)rl.rlim_cur, allowed);
    cfg->parallel = allowed;
    copts->max_total_connections = allowed;
}

static int exit_code(const struct app *app)
{
    unsigned long failed = 0;

    if (app->interrupted)
        return EXIT_INTERRUPT;
    if (app->input_failed)
        return EXIT_INPUT;
    for (int i = 0; i < app->nruns; i++) {
        failed += app->runs[i].stats.failed;
        /* A closed stdout ends the run quietly: what it cancelled is no failure. */
        if (app->runs[i].stop == STOP_OUTPUT)
            failed -= app->runs[i].cancelled;
    }
    return failed ? EXIT_FAILED : EXIT_OK;
}

int batch_main(struct config *cfg)
{
    struct app app;
    struct cf_client_opts copts = {0};
    int rc, code = EXIT_FAILED;
    unsigned long skipped;

    memset(&app, 0, sizeof app);
    app.cfg = cfg;
    app.od.dirfd = -1;
    {
        const char *nc = getenv("NO_COLOR");
        cfg->color = cfg->format == OUT_TEXT && isatty(STDOUT_FILENO) && !(nc && *nc);
    }
    app.show_summary =
        cfg->summary == 1 || (cfg->summary == -1 && !cfg->silent && isatty(STDERR_FILENO));
    app.show_progress = !cfg->silent && isatty(STDERR_FILENO);

    rc = input_open(&app.in, cfg, 0);
    if (rc == CF_EINVAL) {
        fprintf(stderr, "cofetch: no URLs: give them as arguments, with -i FILE, or on stdin\n"
                        "cofetch: try 'cofetch --help' for more information\n");
        return EXIT_USAGE;
    }
    if (rc)
        return rc == CF_EIO ? EXIT_INPUT : EXIT_FAILED;
    if (cfg->journal) {
        rc = journal_open(&app.journal, cfg->journal, cfg->retry_failed);
        if (rc) {
            code = rc == CF_EIO ? EXIT_INPUT : EXIT_FAILED;
            goto out;
        }
        input_set_skip(app.in, journal_skip_item, app.journal);
    }
    fit_open_files(cfg, &copts);
    if (cfg->outdir) {
        if (outdir_open(&app.od, cfg->outdir, cfg->no_clobber)) {
            code = EXIT_INPUT;
            goto out;
        }
        app.have_od = 1;
    }
    if (cf_loop_new(&app.loop, NULL))
        goto out;
    copts.max_host_connections = cfg->per_host;
    copts.rate = cfg->rate;
    if (cf_client_new(app.loop, &copts, &app.client))
        goto out;
    if (signals_install(&app.sig, cf_loop_base(app.loop), on_interrupt, &app))
        goto out;
    output_init(&app.out, STDOUT_FILENO, cfg, app.loop);
    app.out.on_broken = on_broken;
    app.out.ctx = &app;
    app.sig.on_last = on_last_signal;

    rc = cf_loop_run(app.loop, main_task, &app, NULL);
    output_close(&app.out);
    skipped = journal_skipped(app.journal);
    journal_close(app.journal); /* after the output it describes */
    app.journal = NULL;
    if (skipped && !cfg->silent)
        fprintf(stderr, "cofetch: --journal: skipped %lu line%s already done\n", skipped,
                skipped == 1 ? "" : "s");
    if (rc && rc != CF_ECANCELED)
        fprintf(stderr, "cofetch: %s\n", cf_strerror(rc));
    report(&app);
    code = rc && rc != CF_ECANCELED ? EXIT_FAILED : exit_code(&app);
out:
    signals_remove(&app.sig);
    cf_client_free(app.client);
    cf_loop_free(app.loop);
    for (int i = 0; i < 2; i++)
        timeline_free(&app.tls[i]);
    for (size_t i = 0; i < app.nitems; i++)
        item_free(&app.items[i]);
    free(app.items);
    if (app.have_od)
        outdir_close(&app.od);
    journal_close(app.journal);
    input_free(app.in);
    return code;
}

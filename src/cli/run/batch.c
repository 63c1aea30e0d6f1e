/*
 * batch.c - a batch from start to exit code: the input, journal, -o directory, loop,
 * client, signals and stdout set up; the run (or, with --compare, the --sync run and
 * then the concurrent one); the report on stderr; the exit code.
 *
 * The configuration is read-only here: what the batch decides for itself (the -j that
 * fits the open-files limit, colour) lives in struct batch and is handed to the runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/exitcode.h"
#include "cofetch/error.h"
#include "cofetch/task.h"
#include "cofetch/thread.h"
#include "input/journal.h"
#include "output/report.h"
#include "run/batch.h"
#include "run/mode.h"
#include "run/openfiles.h"
#include "run/progress.h"
#include "run/rows.h"
#include "run/run.h"
#include "run/signals.h"

/* Worker threads for the -o files and the journal's appends: a slow disk holds up this
 * many files at once; the fetches that write no file, or write elsewhere, go on. */
enum { FILE_THREADS = 4 };

struct batch {
    const struct config *cfg;
    struct config sync_cfg; /* --compare: a shallow copy of cfg with sync set (not freed) */
    long parallel;          /* the effective -j (openfiles_fit) */
    cf_loop *loop;
    cf_client *client;
    struct output out;
    struct outdir od;
    int have_od;
    int dump_fd; /* -D FILE (owned), -1, or 1 for "-" */
    struct input *in;
    cf_pool *pool;           /* the -o files' writes and ends (output/outdir.h) */
    struct journal *journal; /* --journal */
    struct rows rows;        /* --colsep */
    struct har *har;         /* --har */
    struct har_req har_req;
    struct htmlreport *hr; /* --report */
    struct item *items;    /* --compare: the input, read once */
    size_t nitems;
    struct run runs[2];
    struct timeline tls[2];
    int nruns;
    struct run *active;
    cf_task *reader; /* --compare: reading the input */
    struct signals sig;
    struct progress prog;
    long total;     /* the progress bar's total: progress_total(), -1 unknown */
    char phase[48]; /* the progress bar's phase under --compare */
    int show_summary;
    int show_progress;
    int interrupted;
    int input_failed;   /* an input source could not be read */
    int journal_failed; /* a write to the journal failed */
    char failed[64];    /* what could not be done, when the batch stopped on an error */
};

/* The second Ctrl-C exits at once: what is buffered is written first, and the journal
 * entries of the records that got out. */
static void on_last_signal(void *ctx)
{
    struct batch *b = ctx;
    progress_clear(&b->prog);
    output_flush(&b->out);
    journal_settle(b->journal);
    har_flush(b->har);
}

static void before_write(void *ctx)
{
    struct batch *b = ctx;
    progress_clear(&b->prog);
}

/* After each write to stdout: the journal entries of the records it holds. */
static void on_written(void *ctx, uint64_t written)
{
    struct batch *b = ctx;
    journal_flush(b->journal, written);
}

static void on_interrupt(void *ctx)
{
    struct batch *b = ctx;
    b->interrupted = 1;
    if (b->reader)
        cf_task_cancel(b->reader);
    if (b->active)
        run_stop(b->active, STOP_INTERRUPT);
}

static void on_broken(void *ctx)
{
    struct batch *b = ctx;
    if (b->active)
        run_stop(b->active, STOP_OUTPUT);
}

/* One run of in under cfg; write: its records go to stdout (and the journal). */
static int one_run(struct batch *b, const struct config *cfg, struct input *in, int write)
{
    struct run *run = &b->runs[b->nruns];
    struct timeline *tl = NULL;
    int rc;

    if (cfg->timeline) {
        tl = &b->tls[b->nruns];
        timeline_init(tl, (cfg->mode->flags & MODE_STEPS) != 0);
    }
    b->nruns++;
    rc =
        run_init(run, cfg, b->parallel, in, write ? &b->out : NULL, b->have_od ? &b->od : NULL, tl);
    if (rc) {
        run_free(run);
        snprintf(b->failed, sizeof b->failed, "cannot start %s mode", mode_label(cfg));
        return rc;
    }
    if (write) {
        run->journal = b->journal;
        run->dump_fd = b->dump_fd;
    }
    run->har = b->har;
    run->hr = b->hr;
    htmlreport_run(b->hr, b->cfg->compare && b->nruns == 1 ? "--sync" : mode_label(cfg),
                   b->cfg->compare && b->nruns == 1);
    run->prog = b->show_progress ? &b->prog : NULL;
    if (b->interrupted)
        run->stop = STOP_INTERRUPT;
    b->active = run;
    har_page(b->har, b->cfg->compare && b->nruns == 1 ? "--sync" : mode_label(cfg));
    if (b->cfg->compare)
        snprintf(b->phase, sizeof b->phase, "%s %d/2", b->nruns == 1 ? "--sync" : mode_label(cfg),
                 b->nruns);
    if (b->show_progress)
        progress_start(&b->prog, b->loop, run, b->cfg->compare ? (long)b->nitems : b->total,
                       b->cfg->compare ? b->phase : NULL);
    rc = run_mode(run);
    run_free(run);
    har_page_end(b->har, run->wall);
    htmlreport_run_end(b->hr, run->wall);
    if (b->show_progress)
        progress_stop(&b->prog);
    b->active = NULL;
    if (input_failed(in))
        b->input_failed = 1;
    if (rc)
        snprintf(b->failed, sizeof b->failed, "cannot start %s mode", mode_label(cfg));
    return rc;
}

/* --compare reads the input once, in a task a signal can cancel. */
static int read_task(void *arg, void **result)
{
    struct batch *b = arg;
    (void)result;
    return input_read_all(b->in, &b->items, &b->nitems);
}

/* --compare: the input once, then a --sync run and a concurrent one over it. */
static int compare(struct batch *b)
{
    int rc;

    rc = cf_spawn(&b->reader, read_task, b);
    if (rc == 0)
        rc = cf_task_await(b->reader, NULL);
    cf_task_unref(b->reader);
    b->reader = NULL;
    if (input_failed(b->in))
        b->input_failed = 1;
    if (rc && rc != CF_ECANCELED) {
        snprintf(b->failed, sizeof b->failed, "reading the input");
        return rc;
    }
    b->sync_cfg = *b->cfg;
    b->sync_cfg.sync = 1;
    for (int i = 0; i < 2 && !b->interrupted; i++) {
        struct input *again = NULL;
        rc = input_open_items(&again, b->cfg, b->items, b->nitems);
        if (rc == 0 && b->cfg->colsep)
            input_set_rows(again, rows_expand, &b->rows);
        if (rc == 0)
            rc = one_run(b, i == 0 ? &b->sync_cfg : b->cfg, again, i == 1);
        else
            snprintf(b->failed, sizeof b->failed, "reading the input");
        input_free(again);
        if (rc)
            return rc;
    }
    return 0;
}

static int main_task(void *arg, void **result)
{
    struct batch *b = arg;
    (void)result;
    return b->cfg->compare ? compare(b) : one_run(b, b->cfg, b->in, 1);
}

static void report(const struct batch *b)
{
    struct report_run runs[2];

    for (int i = 0; i < b->nruns; i++) {
        runs[i] = (struct report_run){
            .label = b->nruns == 2 && i == 0 ? "--sync" : mode_label(b->cfg),
            .stats = &b->runs[i].stats,
            .wall = b->runs[i].wall,
            .tl = b->cfg->timeline ? &b->tls[i] : NULL,
        };
    }
    report_print(stderr, runs, b->nruns, b->show_summary, b->interrupted);
}

/* Writes the rest of --har and closes it: 0, or -1 (said on stderr) when a write failed. */
static int close_har(struct batch *b)
{
    int err;

    if (!b->har)
        return 0;
    har_close(b->har, &err);
    b->har = NULL;
    if (!err)
        return 0;
    fprintf(stderr, "cofetch: --har %s: cannot write it: %s\n", b->cfg->har, strerror(err));
    return -1;
}

/* Writes --report's page and closes it: 0, or -1 (said on stderr) when that failed. */
static int close_report(struct batch *b)
{
    int err;

    if (!b->hr)
        return 0;
    htmlreport_close(b->hr, &err);
    b->hr = NULL;
    if (!err)
        return 0;
    fprintf(stderr, "cofetch: --report %s: cannot write it: %s\n", b->cfg->report, strerror(err));
    return -1;
}

static int exit_code(const struct batch *b)
{
    unsigned long failed = 0;

    if (b->interrupted)
        return EXIT_INTERRUPT;
    if (b->input_failed || b->out.error || b->journal_failed)
        return EXIT_IO;
    for (int i = 0; i < b->nruns; i++)
        if (b->runs[i].dump_errno)
            return EXIT_IO;
    for (int i = 0; i < b->nruns; i++) {
        failed += b->runs[i].stats.failed;
        /* A closed stdout ends the run quietly: what it cancelled is no failure. */
        if (b->runs[i].stop == STOP_OUTPUT)
            failed -= b->runs[i].cancelled;
    }
    return failed ? EXIT_FAILED : EXIT_OK;
}

static int journal_skip_item(void *ctx, const struct item *it)
{
    return journal_skip(ctx, it->ident);
}

/* The input and the journal: 0, or the exit code. */
static int open_input(struct batch *b)
{
    const struct config *cfg = b->cfg;
    int rc = input_open(&b->in, cfg, 0);

    if (rc == CF_EINVAL) {
        fprintf(stderr, "cofetch: no URLs: give them as arguments, with -i FILE, or on stdin\n"
                        "cofetch: try 'cofetch --help' for more information\n");
        return EXIT_USAGE;
    }
    if (rc)
        return rc == CF_EIO ? EXIT_IO : EXIT_FAILED;
    rows_init(&b->rows, cfg);
    if (cfg->colsep)
        input_set_rows(b->in, rows_expand, &b->rows);
    if (cfg->journal) {
        rc = journal_open(&b->journal, cfg->journal, cfg->retry_failed);
        if (rc)
            return rc == CF_EIO ? EXIT_IO : EXIT_FAILED;
        input_set_skip(b->in, journal_skip_item, b->journal);
    }
    return 0;
}

/* The loop, its client, the signals and stdout: 0 or CF_ENOMEM / CF_EIO. */
static int open_loop(struct batch *b)
{
    const struct config *cfg = b->cfg;
    const char *nc = getenv("NO_COLOR");
    struct cf_client_opts copts = {
        .max_host_connections = cfg->per_host,
        .rate = cfg->rate,
        /* -j lowered to fit the open-files limit: connections too */
        .max_total_connections = b->parallel != cfg->parallel ? b->parallel : 0,
        .cookie_file = cfg->cookie_file,
        .cookie_jar = cfg->cookie_jar,
    };
    int rc;

    rc = cf_loop_new(&b->loop, NULL);
    if (rc == 0)
        rc = cf_client_new(&b->client, b->loop, &copts);
    if (rc == 0)
        rc = signals_install(&b->sig, cf_loop_base(b->loop), on_interrupt, b);
    /* No threads to be had (a process limit): the files are written here, as before. */
    if (rc == 0 && (b->have_od || b->journal) &&
        cf_pool_new(&b->pool, b->loop, FILE_THREADS) == 0) {
        b->od.pool = b->have_od ? b->pool : NULL;
        journal_use_pool(b->journal, b->pool);
    }
    if (rc)
        return rc;
    b->sig.on_last = on_last_signal;
    output_init(&b->out, STDOUT_FILENO, cfg, b->loop);
    b->out.color = cfg->format == OUT_TEXT && isatty(STDOUT_FILENO) && !(nc && *nc);
    b->out.chain = (cfg->mode->flags & MODE_STEPS) != 0;
    b->out.on_broken = on_broken;
    if (b->journal)
        b->out.on_written = on_written;
    if (b->show_progress && isatty(STDOUT_FILENO))
        b->out.before_write = before_write;
    b->out.ctx = b;
    return 0;
}

int batch_main(const struct config *cfg)
{
    struct batch b = {.cfg = cfg, .od = {.dirfd = -1}, .dump_fd = -1};
    unsigned long skipped, unknown;
    int rc, code;

    b.show_summary =
        cfg->summary == 1 || (cfg->summary == -1 && !cfg->silent && isatty(STDERR_FILENO));
    b.show_progress = !cfg->silent && isatty(STDERR_FILENO);
    b.total = b.show_progress && !cfg->compare ? progress_total(cfg) : -1;
    code = open_input(&b);
    if (code)
        goto out;
    b.parallel = openfiles_fit(cfg);
    if (cfg->outdir || cfg->some_outputs) {
        code = EXIT_IO;
        if (outdir_open(&b.od, cfg->outdir, cfg->no_clobber, cfg->create_dirs))
            goto out;
        b.have_od = 1;
    }
    if (cfg->dump_header) { /* as curl: made empty once, then each fetch's headers added */
        code = EXIT_IO;
        b.dump_fd = strcmp(cfg->dump_header, "-") == 0
                        ? STDOUT_FILENO
                        : open(cfg->dump_header, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (b.dump_fd < 0) {
            fprintf(stderr, "cofetch: -D: cannot create %s: %s\n", cfg->dump_header,
                    strerror(errno));
            goto out;
        }
    }
    if (cfg->har) {
        char why[128];
        code = EXIT_IO;
        b.har_req = (struct har_req){cfg->method   ? cfg->method
                                     : cfg->nforms ? "POST"
                                                   : NULL,
                                     cfg->headers, cfg->data ? cfg->data_len : 0};
        if (har_open(&b.har, cfg->har, &b.har_req, why, sizeof why)) {
            fprintf(stderr, "cofetch: --har %s: cannot create it: %s\n", cfg->har, why);
            goto out;
        }
    }
    if (cfg->report) {
        char why[128];
        code = EXIT_IO;
        if (htmlreport_open(&b.hr, cfg->report, why, sizeof why)) {
            fprintf(stderr, "cofetch: --report %s: cannot create it: %s\n", cfg->report, why);
            goto out;
        }
    }
    code = EXIT_FAILED;
    rc = open_loop(&b);
    if (rc) {
        fprintf(stderr, "cofetch: cannot set up the loop: %s\n", cf_strerror(rc));
        goto out;
    }
    rc = cf_loop_run(b.loop, main_task, &b, NULL);
    output_close(&b.out);
    skipped = journal_skipped(b.journal);
    journal_settle(b.journal); /* the appends still on their way, and their errors */
    b.journal_failed = journal_failed(b.journal);
    journal_close(b.journal); /* after the output it describes */
    b.journal = NULL;
    if (skipped && !cfg->silent)
        fprintf(stderr, "cofetch: --journal: skipped %lu line%s already done\n", skipped,
                skipped == 1 ? "" : "s");
    if (rc && rc != CF_ECANCELED)
        fprintf(stderr, "cofetch: %s%s%s\n", b.failed, b.failed[0] ? ": " : "", cf_strerror(rc));
    for (int i = 0; i < b.nruns; i++)
        if (b.runs[i].dump_errno)
            fprintf(stderr, "cofetch: -D: writing %s: %s\n", cfg->dump_header,
                    strerror(b.runs[i].dump_errno));
    report(&b);
    unknown = input_unknown_keys(b.in);
    if (unknown && b.show_summary)
        fprintf(stderr, "request lines: %lu unknown key%s ignored\n", unknown,
                unknown == 1 ? "" : "s");
    code = rc && rc != CF_ECANCELED ? EXIT_FAILED : exit_code(&b);
    if (code == EXIT_OK && input_lines(b.in) == 0) {
        /* An empty list asked for nothing: say so rather than succeed at it. */
        fprintf(stderr, "cofetch: no URLs: the input held only blank lines and comments\n");
        code = EXIT_USAGE;
    }
    if ((close_har(&b) | close_report(&b)) && code == EXIT_OK)
        code = EXIT_IO;
out:
    close_har(&b);
    close_report(&b);
    signals_remove(&b.sig);
    if (cf_client_close(b.client) != 0) { /* the cookie jar */
        fprintf(stderr, "cofetch: --cookie-jar: cannot write %s\n", cfg->cookie_jar);
        if (code < EXIT_IO)
            code = EXIT_IO;
    }
    b.od.pool = NULL;
    cf_pool_free(b.pool); /* every task has ended: nothing awaits it */
    cf_loop_free(b.loop);
    for (int i = 0; i < 2; i++)
        timeline_free(&b.tls[i]);
    for (size_t i = 0; i < b.nitems; i++)
        item_free(&b.items[i]);
    free(b.items);
    if (b.have_od)
        outdir_close(&b.od);
    if (b.dump_fd > STDOUT_FILENO)
        close(b.dump_fd);
    journal_close(b.journal);
    input_free(b.in);
    rows_free(&b.rows);
    return code;
}

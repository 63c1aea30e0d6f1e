/*
 * run.h - one run of a batch: the state every mode shares.
 *
 * A run reads its input, fetches under one mode, and hands each finished record to
 * run_finish() (finish order, statistics, timeline, -v, --fail-fast) and, when it is its
 * turn to be written, to run_write() (stdout in the chosen format). run_stop() ends a
 * run early: no more input is taken, what is in flight is cancelled, and every item
 * already taken still gets a record ("cancelled").
 *
 *   run_init / run_free
 *   run_batch      run the mode the config asks for (from a task; may suspend)
 *   run_finish     account one finished record        (never suspends)
 *   run_write      write one record to the output     (never suspends)
 *   run_stop       stop taking input, cancel in-flight (never suspends)
 */
#ifndef CLI_RUN_H
#define CLI_RUN_H

#include "cofetch/cofetch.h"
#include "cofetch/fetch.h"
#include "config.h"
#include "input.h"
#include "outdir.h"
#include "output.h"
#include "record.h"
#include "summary.h"
#include "timeline.h"

/* -j 0 (no limit) still keeps a window of lines in memory: this many at most, in
 * flight or finished and waiting for an earlier one. Well above what one machine's
 * open files and task stacks carry at once (tasks.h: about 32,000 suspended). */
#define CLI_UNLIMITED_WINDOW 16384

enum stop_reason { STOP_NONE, STOP_INTERRUPT, STOP_FAIL_FAST, STOP_OUTPUT };

struct run {
    const struct config *cfg;
    struct input *in;
    struct output *out;  /* NULL: records are not written (--demo) */
    struct outdir *od;   /* NULL: bodies are not saved */
    struct timeline *tl; /* NULL: no timeline kept */
    struct stats stats;
    enum mode mode;
    long parallel;           /* effective: 1 with --sync */
    int chain;               /* records carry a step */
    double t0;               /* cf_loop_time() when the run began */
    double wall;             /* seconds, once run_batch() returned */
    unsigned long order;     /* records finished so far */
    unsigned long inflight;  /* fetches in progress */
    unsigned long cancelled; /* records that ended with CF_ECANCELED */
    enum stop_reason stop;
    struct cf_request req; /* the request every fetch starts from */
    /* The mode's way to cancel what it runs (set by the mode while it runs). */
    void (*cancel)(void *engine);
    /* --body: whether r may write its body to stdout now, as it arrives (NULL: never). */
    int (*may_stream)(void *engine, const struct rec *r);
    void *engine;
    struct journal *journal; /* --journal: lines finished are appended (NULL: none) */
};

void run_init(struct run *run, const struct config *cfg, struct input *in, struct output *out,
              struct outdir *od, struct timeline *tl);
void run_free(struct run *run);

/* Run the whole batch in the config's mode. May suspend. 0 or CF_ENOMEM. */
int run_batch(struct run *run);

/* Seconds since the run began. */
double run_now(const struct run *run);

void run_finish(struct run *run, struct rec *r);
void run_write(struct run *run, const struct rec *r);
void run_stop(struct run *run, enum stop_reason why);

/* Fetch url into r (step and item fields already set), saving or keeping the body as the
 * run asks; keep_head: keep the first bytes of the body for a next chain step. Calls
 * run_finish(). May suspend. Returns r->code. (transfer.c) */
int transfer(struct run *run, struct rec *r, const char *url, int keep_head);

/* Writes the output buffer, then the journal entries that describe it. */
void run_flush(struct run *run);

/* Fill r's item fields from it. */
void rec_from_item(struct rec *r, const struct item *it);

/* The modes (mode_ordered.c: gather, chain, --sync; mode_queue.c: queue). May suspend. */
int mode_ordered(struct run *run);
int mode_queue(struct run *run);

#endif

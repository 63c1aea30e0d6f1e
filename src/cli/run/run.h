/*
 * run.h - one run of a batch: the state every mode shares.
 *
 * A run reads its input, fetches under one mode (run/mode.h), and hands each finished
 * record to run_finish() (finish order, statistics, timeline, -v, --fail-fast) and, when
 * it is its turn to be written, to run_write() (stdout in the chosen format, then the
 * journal). run_stop() ends a run early: no more input is taken, what is in flight is
 * cancelled, and every line already taken still gets a record ("cancelled").
 *
 *   run_init       a run of cfg's mode over in
 *   run_free       release what run_init allocated
 *   run_request    the request a fetch of an option group starts from
 *   run_mode       run the batch in its mode, from a task (may suspend)
 *   run_finish     account one finished record        (never suspends)
 *   run_write      write one record to the output, and its line to the journal once
 *                  the record is out (never suspends)
 *   run_stop       stop taking input, cancel in-flight (never suspends)
 *   run_now        seconds since the run began
 *   rec_from_item  a record's input fields from its line
 *
 * Ownership: the run borrows cfg, in, out, od, tl and journal; they outlive it.
 */
#ifndef CLI_RUN_H
#define CLI_RUN_H

#include "base/config.h"
#include "base/record.h"
#include "cofetch/fetch.h"
#include "cofetch/loop.h"
#include "input/input.h"
#include "input/journal.h"
#include "output/har.h"
#include "output/htmlreport.h"
#include "output/outdir.h"
#include "output/output.h"
#include "output/summary.h"
#include "output/timeline.h"
#include "run/reorder.h"

enum stop_reason { STOP_NONE, STOP_INTERRUPT, STOP_FAIL_FAST, STOP_OUTPUT };

struct run {
    const struct config *cfg;
    const struct mode *mode;
    struct input *in;
    struct output *out;      /* NULL: records are not written (--demo) */
    struct outdir *od;       /* NULL: bodies are not saved */
    struct timeline *tl;     /* NULL: no timeline kept */
    struct journal *journal; /* --journal: lines whose records are out (NULL: none) */
    int dump_fd;             /* -D: where each finished fetch's headers go (-1: nowhere,
                                1: stdout, through out; not owned) */
    int dump_errno;          /* the first failed write to it */
    struct har *har;         /* --har: every finished record goes there (NULL: none) */
    struct htmlreport *hr;   /* --report: every finished record goes there (NULL: none) */
    struct progress *prog;   /* erased before a message on stderr (NULL: none) */
    struct stats stats;
    long parallel;           /* the effective -j: 1 with --sync */
    int chain;               /* records carry a step */
    double t0;               /* cf_loop_time() when the run began */
    double wall;             /* seconds, once run_mode() returned */
    unsigned long order;     /* records finished so far */
    unsigned long inflight;  /* fetches in progress */
    unsigned long cancelled; /* records that ended with CF_ECANCELED */
    enum stop_reason stop;
    struct cf_request req;    /* the request every fetch of the first group starts from */
    struct cf_request *greqs; /* --next: the later groups' (owned; ngroups - 1 of them) */
    /* Set by the mode while it runs: */
    void (*cancel)(void *engine); /* cancel what it runs */
    /* --body: whether r may write its body to stdout now, as it arrives (NULL: never). */
    int (*may_stream)(void *engine, const struct rec *r);
    void *engine;
};

/* parallel: the -j to run at (the batch may have lowered cfg's to fit the open-files
 * limit); --sync makes it 1. 0, or CF_ENOMEM (run_free is still to be called). */
int run_init(struct run *run, const struct config *cfg, long parallel, struct input *in,
             struct output *out, struct outdir *od, struct timeline *tl);
void run_free(struct run *run);

/* The request of group's fetches (a record's group; NULL: the first group's). */
const struct cf_request *run_request(const struct run *run, const struct config *group);

/* Runs the whole batch in the run's mode (the mode's own return: 0, or CF_ENOMEM when it
 * could not start). From a task; may suspend. */
int run_mode(struct run *run);

double run_now(const struct run *run);
void run_finish(struct run *run, struct rec *r);
void run_write(struct run *run, const struct rec *r);
/* Whether the line whose last record is `last` gets no record at all: with --journal, a
 * line cut off by Ctrl-C is redone by the next run, so this one writes nothing of it. */
int run_drops_line(const struct run *run, const struct rec *last);
/* A line's records recs[0..n) as run_write() would write them, into scratch, and the
 * journal entry they complete: *e, to be written later by run_write_entry() (the
 * ordered modes keep finished lines this way: run/reorder.h). 0 or CF_ENOMEM. */
int run_entry(struct run *run, const struct rec *recs, int n, struct strbuf *scratch,
              struct reorder_entry *e);
void run_write_entry(struct run *run, const struct reorder_entry *e);
void run_stop(struct run *run, enum stop_reason why);

/* Fill r's input fields (its line, source, numbers) from it. */
void rec_from_item(struct rec *r, const struct item *it);

#endif

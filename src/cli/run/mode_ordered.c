/*
 * mode_ordered.c - gather and chain (and --sync, which is gather with -j 1): records
 * written in input order.
 *
 * A reader task takes input lines into a ring of slots; each line gets a task (a chain
 * of one fetch in gather mode, 1 + --then steps in chain mode) once one of the -j
 * permits is free. A finished slot is written as soon as every slot before it has
 * been: the ring is the bounded window (window_size(): 4 x -j, at least 256). The reader
 * waits for a free slot, so at most that many lines are in memory (fetching, or
 * finished and waiting for an earlier, slower one), whatever the input length; a slow
 * head of line holds the reader, by design.
 *
 * A slot's task runs on a small stack (SLOT_STACK): slot_task calls only cf_fetch and
 * CF_ON_LOOP; everything else it needs runs in the *_on_loop functions beside it, on
 * the loop's stack (task.h; tests/check_layout.sh holds slot_task to it).
 *
 * Stopping (SIGINT, --fail-fast, closed stdout): the reader and the slots' tasks are
 * cancelled; a fetch in flight ends with CF_ECANCELED, and a slot whose task never
 * started is given a "cancelled" record, so every line taken still yields a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "cofetch/sem.h"
#include "cofetch/task.h"
#include "run/fetch_rec.h"
#include "run/mode.h"
#include "run/mode_ordered.h"
#include "run/run.h"
#include "run/template.h"

struct slot {
    struct item item;
    struct rec *recs; /* 1 + nthens, allocated when the slot is first used */
    int nrec;         /* records filled */
    int done;
    cf_task *task;
    struct ordered *o;
};

struct ordered {
    struct run *run;
    struct slot *ring;
    size_t cap;
    int steps; /* records per slot */
    unsigned long head, tail;
    cf_sem *window;   /* free slots */
    cf_sem *inflight; /* -j permits; NULL: no limit but the window */
    cf_task *reader;
};

/* A slot task's stack (cf_task_set_stack_size): enough for its frames and cf_fetch's
 * while it waits (CF_STACK_HWM=ON measures them); everything deeper runs on the loop's
 * stack. */
enum { SLOT_STACK = 1536 };

static size_t window_size(long parallel)
{
    if (parallel <= 0)
        return CLI_UNLIMITED_WINDOW;
    return parallel * 4 < 256 ? 256 : (size_t)parallel * 4;
}

/* Write every finished slot at the head, in order. Never suspends. */
static void flush(struct ordered *o)
{
    while (o->head < o->tail) {
        struct slot *s = &o->ring[o->head % o->cap];
        if (!s->done)
            break;
        for (int i = 0; i < s->nrec; i++) {
            run_write(o->run, &s->recs[i]);
            rec_clear(&s->recs[i]);
        }
        s->nrec = 0;
        s->done = 0;
        cf_task_unref(s->task);
        s->task = NULL;
        o->head++;
        cf_sem_release(o->window);
    }
}

/* A slot that ends without a fetch: its next record is an error. */
static void slot_fail(struct ordered *o, struct slot *s, int code, const char *why)
{
    struct rec *r = &s->recs[s->nrec++];
    rec_from_item(r, &s->item);
    r->step = s->nrec - 1;
    r->start = r->end = run_now(o->run);
    rec_fail(r, code, "%s", why);
    run_finish(o->run, r);
    s->done = 1;
}

static const char *header_of(void *ctx, const char *name)
{
    return cf_response_header(ctx, name);
}

/* Step i > 0: the URL from --then template i-1 and the previous record. */
static int step_url(struct ordered *o, struct slot *s, int i, struct rec *r)
{
    struct rec *prev = &s->recs[i - 1];
    struct tmpl_vals v = {
        .url = prev->url,
        .effective_url = prev->resp.effective_url,
        .status = prev->resp.status,
        .body = prev->body.buf,
        .body_len = prev->body.len,
        .line = s->item.url.buf,
        .header = header_of,
        .header_ctx = &prev->resp,
    };
    char err[256];
    int rc;

    sb_reset(&r->urlbuf);
    rc = tmpl_expand(o->run->cfg->thens[i - 1], &v, &r->urlbuf, err, sizeof err);
    if (rc == 0) /* "/next" from a Location: against the URL that gave it */
        rc = tmpl_resolve(&r->urlbuf,
                          prev->resp.effective_url ? prev->resp.effective_url : prev->url, err,
                          sizeof err);
    if (rc) {
        r->url = sb_cstr(&r->urlbuf);
        r->url_len = r->urlbuf.len;
        r->start = r->end = run_now(o->run);
        rec_fail(r, rc, "step %d: %s", i, err);
        run_finish(o->run, r);
    }
    return rc;
}

/* One step of a slot's chain, on the slot task's stack. */
struct slot_step {
    struct slot *s;
    int i;               /* the step: 0 is the input line's URL */
    struct fetch_rec fr; /* its fetch */
    int rc;              /* what cf_fetch returned */
};

/* The step's record, its URL (step i > 0: from its template) and its request. 0 to
 * fetch; 1 when the step already failed (its record is final). */
static int step_begin_on_loop(void *arg)
{
    struct slot_step *st = arg;
    struct slot *s = st->s;
    struct rec *r = &s->recs[st->i];
    const char *url = s->item.url.buf;

    rec_from_item(r, &s->item);
    r->step = st->i;
    s->nrec = st->i + 1;
    if (st->i > 0) {
        if (step_url(s->o, s, st->i, r))
            return 1;
        url = sb_cstr(&r->urlbuf);
    }
    return fetch_rec_begin(&st->fr, s->o->run, r, url, st->i + 1 < s->o->steps) != 0;
}

/* The step's record is final. 1 when it failed: the chain ends there. */
static int step_end_on_loop(void *arg)
{
    struct slot_step *st = arg;
    return fetch_rec_end(&st->fr, st->rc) != 0;
}

/* The slot is done: its permit back, and it (with whatever follows it) written when it
 * is the head. */
static int slot_end_on_loop(void *arg)
{
    struct slot *s = arg;
    struct ordered *o = s->o;

    s->done = 1;
    if (o->inflight)
        cf_sem_release(o->inflight);
    flush(o);
    return 0;
}

/* A slot's task: the chain of its line, step by step. On a small stack: see the top. */
static int slot_task(void *arg, void **result)
{
    struct slot_step st = {.s = arg};
    (void)result;

    for (st.i = 0; st.i < st.s->o->steps; st.i++) {
        if (CF_ON_LOOP(step_begin, &st))
            break;
        st.rc = cf_fetch(&st.fr.req, &st.s->recs[st.i].resp);
        if (CF_ON_LOOP(step_end, &st))
            break;
    }
    CF_ON_LOOP(slot_end, st.s);
    return 0;
}

static int reader_task(void *arg, void **result)
{
    struct ordered *o = arg;
    struct run *run = o->run;
    (void)result;

    while (run->stop == STOP_NONE) {
        struct slot *s;
        int rc = cf_sem_acquire(o->window);
        if (rc)
            break;
        s = &o->ring[o->tail % o->cap];
        /* Slots are set up as the window fills (the ring is calloc'd, its pages untouched
         * until then): -j 0 on a short list stays small. */
        s->o = o;
        if (!s->recs && !(s->recs = calloc((size_t)o->steps, sizeof *s->recs)))
            rc = CF_ENOMEM;
        else
            rc = input_next(run->in, &s->item);
        if (rc) {
            if (rc == CF_ENOMEM)
                fprintf(stderr, "cofetch: out of memory after %lu lines; reading no more\n",
                        o->tail);
            cf_sem_release(o->window);
            break;
        }
        o->tail++;
        s->nrec = 0;
        s->done = 0;
        if (s->item.bad) {
            char why[320];
            snprintf(why, sizeof why, "%s:%lu: %s", s->item.src, s->item.lineno,
                     item_why(&s->item));
            slot_fail(o, s, CF_EURL, why);
            flush(o);
            continue;
        }
        if (o->inflight && cf_sem_acquire(o->inflight)) {
            slot_fail(o, s, CF_ECANCELED, "cancelled before it started");
            flush(o);
            break;
        }
        if (cf_spawn(&s->task, slot_task, s) == 0) {
            cf_task_set_stack_size(s->task, SLOT_STACK);
        } else {
            slot_fail(o, s, CF_ENOMEM, "cannot start a task");
            if (o->inflight)
                cf_sem_release(o->inflight);
            flush(o);
        }
    }
    return 0;
}

static void cancel_all(void *engine)
{
    struct ordered *o = engine;
    if (o->reader)
        cf_task_cancel(o->reader);
    for (unsigned long i = o->head; i < o->tail; i++) {
        struct slot *s = &o->ring[i % o->cap];
        if (s->task)
            cf_task_cancel(s->task);
    }
}

/* --body: a record may stream its body to stdout when its slot is the next to be
 * written and every earlier record of the slot streamed too (nothing of the slot is
 * waiting in memory to be written before it). */
static int may_stream(void *engine, const struct rec *r)
{
    struct ordered *o = engine;
    struct slot *s;

    if (o->head >= o->tail)
        return 0;
    s = &o->ring[o->head % o->cap];
    if (r < s->recs || r >= s->recs + o->steps)
        return 0;
    for (const struct rec *p = s->recs; p < r; p++)
        if (!p->streamed)
            return 0;
    return 1;
}

/* After the reader: wait for every slot in order; fill the ones whose task never ran. */
static void drain(struct ordered *o)
{
    while (o->head < o->tail) {
        struct slot *s = &o->ring[o->head % o->cap];
        if (!s->done && s->task && !cf_task_done(s->task)) {
            /* Its own flush may write the slot and drop s->task: hold a reference. */
            cf_task *t = cf_task_ref(s->task);
            cf_task_await(t, NULL);
            cf_task_unref(t);
            continue;
        }
        if (!s->done)
            slot_fail(o, s, CF_ECANCELED, "cancelled before it started");
        flush(o);
    }
}

static int ordered_run(struct run *run)
{
    struct ordered o = {.run = run};
    int rc = CF_ENOMEM;

    o.steps = 1 + (run->mode->flags & MODE_STEPS ? (int)run->cfg->nthens : 0);
    o.cap = window_size(run->parallel);
    o.ring = calloc(o.cap, sizeof *o.ring);
    if (!o.ring)
        return CF_ENOMEM;
    if (cf_sem_new(&o.window, o.cap))
        goto out;
    if (run->parallel > 0 && cf_sem_new(&o.inflight, (size_t)run->parallel))
        goto out;
    if (cf_spawn(&o.reader, reader_task, &o))
        goto out;
    run->cancel = cancel_all;
    run->may_stream = may_stream;
    run->engine = &o;
    if (run->stop != STOP_NONE)
        cancel_all(&o);
    cf_task_await(o.reader, NULL);
    drain(&o);
    run->cancel = NULL;
    run->may_stream = NULL;
    run->engine = NULL;
    rc = 0;
out:
    cf_task_unref(o.reader);
    cf_sem_free(o.inflight);
    cf_sem_free(o.window);
    for (size_t i = 0; i < o.cap; i++) {
        if (!o.ring[i].recs) /* never used (and never touched: leave its pages alone) */
            continue;
        for (int j = 0; j < o.steps; j++)
            rec_free(&o.ring[i].recs[j]);
        free(o.ring[i].recs);
        item_free(&o.ring[i].item);
    }
    free(o.ring);
    return rc;
}

const struct mode mode_gather = {.name = "gather", .flags = MODE_IN_ORDER, .run = ordered_run};
const struct mode mode_chain = {
    .name = "chain", .flags = MODE_IN_ORDER | MODE_STEPS, .run = ordered_run};

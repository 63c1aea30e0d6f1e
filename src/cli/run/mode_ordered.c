/*
 * mode_ordered.c - gather and chain (and --sync, which is gather with -j 1): records
 * written in input order.
 *
 * A reader task takes input lines, numbering them (SEQ), each into a slot from a pool of
 * window_size() (4 x -j, at least 256); each line gets a task (a chain of one fetch in
 * gather mode, 1 + --then steps in chain mode) once one of the -j permits is free. A
 * finished line is written at once when every earlier line has been; otherwise its
 * records are formatted and kept out of the slot (run/reorder.h: memory, then a
 * temporary file) and the slot goes back to work, so a slow line ahead never stops the
 * fetching behind it. When a line is written, the kept lines after it follow. At most
 * ORDERED_AHEAD lines are taken and not yet written: past that the reader waits, which
 * bounds memory and disk whatever the input length. With --body a finished line waits
 * in its slot instead (its body may be large and is streamed or kept by the slot): there
 * the slots bound how far fetching runs ahead of writing.
 *
 * A slot's task runs on a small stack (SLOT_STACK): slot_task calls only cf_fetch,
 * cf_task_suspend (the wait for a step's -o file: run/fetch_rec.h), cf_task_current
 * and CF_ON_LOOP; everything else it needs runs in the *_on_loop functions beside it,
 * on the loop's stack (task.h; tests/check_layout.sh holds slot_task to it).
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
#include "run/reorder.h"
#include "run/run.h"
#include "run/template.h"

struct slot {
    struct item item;
    struct rec *recs; /* 1 + nthens, allocated when the slot is first used */
    int nrec;         /* records filled */
    int busy;         /* holds a line */
    int done;         /* its records are final */
    uint64_t seq;     /* the line's number */
    cf_task *task;
    struct ordered *o;
    struct slot *next_free;
};

struct ordered {
    struct run *run;
    struct slot *pool;
    size_t cap, fresh;     /* slots; those handed out at least once */
    struct slot *free;     /* slots given back */
    struct slot **by_seq;  /* a line in a slot, at SEQ % ORDERED_AHEAD */
    struct reorder *kept;  /* finished lines out of their slots */
    int keep;              /* whether a finished line may leave its slot */
    struct strbuf scratch; /* a line's records, formatted to be kept */
    int steps;             /* records per slot */
    uint64_t next, tail;   /* the line to write next; lines taken */
    cf_sem *window;        /* free slots */
    cf_sem *ahead;         /* lines that may be taken before `next` is written */
    cf_sem *inflight;      /* -j permits; NULL: no limit but the window */
    cf_task *reader;
};

/* Lines taken and not yet written, at most: 24 bytes of place each in the reorder store
 * and 8 here, calloc'd (touched only as far as a run reaches). */
enum { ORDERED_AHEAD = 65536 };

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

/* A free slot (the window's permit taken); slots are set up as they are first handed
 * out (the pool is calloc'd, its pages untouched until then: -j 0 on a short list stays
 * small). NULL when out of memory. */
static struct slot *slot_take(struct ordered *o)
{
    struct slot *s = o->free;

    if (s) {
        o->free = s->next_free;
    } else {
        s = &o->pool[o->fresh];
        s->o = o;
        if (!s->recs && !(s->recs = calloc((size_t)o->steps, sizeof *s->recs)))
            return NULL;
        o->fresh++;
    }
    s->busy = 1;
    s->done = 0;
    s->nrec = 0;
    return s;
}

/* The slot's line is written or kept: the slot goes back to the pool. */
static void slot_give(struct ordered *o, struct slot *s)
{
    for (int i = 0; i < s->nrec; i++)
        rec_clear(&s->recs[i]);
    s->nrec = 0;
    s->busy = 0;
    s->done = 0;
    o->by_seq[s->seq % ORDERED_AHEAD] = NULL;
    cf_task_unref(s->task);
    s->task = NULL;
    s->next_free = o->free;
    o->free = s;
    cf_sem_release(o->window);
}

static void write_kept(void *ctx, const struct reorder_entry *e)
{
    run_write_entry(ctx, e);
}

/* Write line `next` and every finished line after it, in order. Never suspends. */
static void advance(struct ordered *o)
{
    for (;;) {
        struct slot *s = o->by_seq[o->next % ORDERED_AHEAD];
        if (s && s->seq == o->next && s->done) {
            if (!run_drops_line(o->run, &s->recs[s->nrec - 1]))
                for (int i = 0; i < s->nrec; i++)
                    run_write(o->run, &s->recs[i]);
            slot_give(o, s);
        } else if (o->kept && reorder_has(o->kept, o->next)) {
            reorder_take(o->kept, o->next, write_kept, o->run);
        } else {
            return;
        }
        o->next++;
        cf_sem_release(o->ahead);
    }
}

/* A slot's line is finished: written now if its turn has come (and what waits after it),
 * else kept out of the slot, or, when it cannot be, left in it until its turn. */
static void slot_done(struct ordered *o, struct slot *s)
{
    struct reorder_entry e;

    s->done = 1;
    if (s->seq == o->next) {
        advance(o);
        return;
    }
    if (!o->keep || run_entry(o->run, s->recs, s->nrec, &o->scratch, &e) ||
        reorder_put(o->kept, s->seq, &e))
        return;
    slot_give(o, s);
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
    const struct reqline *rq = s->item.is_req ? s->item.rq : NULL;

    rec_from_item(r, &s->item);
    r->step = st->i;
    s->nrec = st->i + 1;
    if (st->i > 0) { /* a request line's keys are its first step's */
        if (step_url(s->o, s, st->i, r))
            return 1;
        rq = NULL;
    }
    return fetch_rec_begin(&st->fr, s->o->run, r, st->i > 0 ? sb_cstr(&r->urlbuf) : r->url,
                           st->i + 1 < s->o->steps, rq) != 0;
}

/* step_end: the step's file's end runs on the pool (then step_saved). */
enum { STEP_WAIT = 2 };

/* The step's record is final: 0, or 1 when it failed (the chain ends there); or
 * STEP_WAIT. */
static int step_end_on_loop(void *arg)
{
    struct slot_step *st = arg;
    int rc = fetch_rec_end(&st->fr, st->rc);
    return rc == FETCH_REC_WAIT ? STEP_WAIT : rc != 0;
}

/* After the wait for the step's file (st->rc: the wait's result). As step_end. */
static int step_saved_on_loop(void *arg)
{
    struct slot_step *st = arg;
    return fetch_rec_saved(&st->fr, st->rc) != 0;
}

/* The slot is done: its permit back, and its line written or kept (slot_done). */
static int slot_end_on_loop(void *arg)
{
    struct slot *s = arg;
    struct ordered *o = s->o;

    if (o->inflight)
        cf_sem_release(o->inflight);
    slot_done(o, s);
    return 0;
}

/* A slot's task: the chain of its line, step by step. On a small stack: see the top. */
static int slot_task(void *arg, void **result)
{
    struct slot_step st = {.s = arg};
    int rc;
    (void)result;

    for (st.i = 0; st.i < st.s->o->steps; st.i++) {
        if (CF_ON_LOOP(step_begin, &st))
            break;
        st.fr.task = cf_task_current();
        st.rc = cf_fetch(&st.fr.req, &st.s->recs[st.i].resp);
        rc = CF_ON_LOOP(step_end, &st);
        if (rc == STEP_WAIT) {
            st.rc = cf_task_suspend(-1, fetch_rec_unwait, st.fr.save);
            rc = CF_ON_LOOP(step_saved, &st);
        }
        if (rc)
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
        int rc = cf_sem_acquire(o->ahead);
        if (rc)
            break;
        rc = cf_sem_acquire(o->window);
        if (rc) {
            cf_sem_release(o->ahead);
            break;
        }
        s = slot_take(o);
        rc = s ? input_next(run->in, &s->item) : CF_ENOMEM;
        if (rc) {
            if (rc == CF_ENOMEM)
                fprintf(stderr, "cofetch: out of memory after %llu lines; reading no more\n",
                        (unsigned long long)o->tail);
            if (s) {
                s->busy = 0;
                s->next_free = o->free;
                o->free = s;
            }
            cf_sem_release(o->window);
            cf_sem_release(o->ahead);
            break;
        }
        s->seq = o->tail++;
        o->by_seq[s->seq % ORDERED_AHEAD] = s;
        if (s->item.bad) {
            char why[320];
            snprintf(why, sizeof why, "%s:%lu: %s", s->item.src, s->item.lineno,
                     item_why(&s->item));
            slot_fail(o, s, s->item.is_req ? CF_EINVAL : CF_EURL, why);
            slot_done(o, s);
            continue;
        }
        if (o->inflight && cf_sem_acquire(o->inflight)) {
            slot_fail(o, s, CF_ECANCELED, "cancelled before it started");
            slot_done(o, s);
            break;
        }
        if (cf_spawn(&s->task, slot_task, s) == 0) {
            cf_task_set_stack_size(s->task, SLOT_STACK);
        } else {
            slot_fail(o, s, CF_ENOMEM, "cannot start a task");
            if (o->inflight)
                cf_sem_release(o->inflight);
            slot_done(o, s);
        }
    }
    return 0;
}

static void cancel_all(void *engine)
{
    struct ordered *o = engine;
    if (o->reader)
        cf_task_cancel(o->reader);
    for (size_t i = 0; i < o->fresh; i++)
        if (o->pool[i].busy && o->pool[i].task)
            cf_task_cancel(o->pool[i].task);
}

/* --body: a record may stream its body to stdout when its slot is the next to be
 * written and every earlier record of the slot streamed too (nothing of the slot is
 * waiting in memory to be written before it). */
static int may_stream(void *engine, const struct rec *r)
{
    struct ordered *o = engine;
    struct slot *s = o->by_seq[o->next % ORDERED_AHEAD];

    if (!s || s->seq != o->next || r < s->recs || r >= s->recs + o->steps)
        return 0;
    for (const struct rec *p = s->recs; p < r; p++)
        if (!p->streamed)
            return 0;
    return 1;
}

/* After the reader: wait for every slot's task; give a record to each line whose task
 * never ran; then everything taken is written. */
static void drain(struct ordered *o)
{
    /* The reader is done: no slot is taken again, so one pass sees every task. */
    for (size_t i = 0; i < o->fresh; i++) {
        struct slot *s = &o->pool[i];
        if (s->busy && !s->done && s->task && !cf_task_done(s->task)) {
            /* Its own end may write the slot and drop s->task: hold a reference. */
            cf_task *t = cf_task_ref(s->task);
            cf_task_await(t, NULL);
            cf_task_unref(t);
        }
    }
    for (uint64_t seq = o->next; seq < o->tail; seq++) {
        struct slot *s = o->by_seq[seq % ORDERED_AHEAD];
        if (s && s->seq == seq && !s->done) {
            slot_fail(o, s, CF_ECANCELED, "cancelled before it started");
            slot_done(o, s);
        }
    }
    advance(o);
}

static int ordered_run(struct run *run)
{
    struct ordered o = {.run = run};
    int rc = CF_ENOMEM;

    o.steps = 1 + (run->mode->flags & MODE_STEPS ? (int)run->cfg->nthens : 0);
    o.cap = window_size(run->parallel);
    o.keep = run->out && run->cfg->format != OUT_BODY;
    o.pool = calloc(o.cap, sizeof *o.pool);
    o.by_seq = calloc(ORDERED_AHEAD, sizeof *o.by_seq);
    if (!o.pool || !o.by_seq)
        goto out;
    if (o.keep && reorder_new(&o.kept, ORDERED_AHEAD))
        goto out;
    if (cf_sem_new(&o.window, o.cap) || cf_sem_new(&o.ahead, ORDERED_AHEAD))
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
    cf_sem_free(o.ahead);
    cf_sem_free(o.window);
    reorder_free(o.kept);
    sb_free(&o.scratch);
    for (size_t i = 0; i < o.fresh; i++) {
        for (int j = 0; j < o.steps; j++)
            rec_free(&o.pool[i].recs[j]);
        free(o.pool[i].recs);
        item_free(&o.pool[i].item);
    }
    free(o.pool);
    free(o.by_seq);
    return rc;
}

const struct mode mode_gather = {.name = "gather", .flags = MODE_IN_ORDER, .run = ordered_run};
const struct mode mode_chain = {
    .name = "chain", .flags = MODE_IN_ORDER | MODE_STEPS, .run = ordered_run};

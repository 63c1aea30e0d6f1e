/*
 * mode_queue.c - the worker queue: -j workers take URLs from a bounded cf_queue that a
 * reader task fills; records are written in completion order.
 *
 * Items come from a fixed pool of capacity + workers + 1 (the queue's, one per worker
 * busy with one, and the reader's): the reader waits in cf_queue_put while the queue is
 * full, so reading pauses and memory does not depend on the input length.
 *
 * Stopping: the reader and the workers are cancelled; a worker in a fetch writes its
 * "cancelled" record; items still queued are drained and each gets one too.
 */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/queue.h"
#include "cofetch/task.h"
#include "run/fetch_rec.h"
#include "run/mode.h"
#include "run/mode_queue.h"
#include "run/run.h"

struct qitem {
    struct item item;
    struct qitem *next; /* free list */
};

struct qmode {
    struct run *run;
    cf_queue *q;
    struct qitem *pool, *free;
    size_t npool;
    cf_task *reader;
    cf_task **workers;
    size_t nworkers;
    struct rec reader_rec; /* records the reader writes itself (bad lines, cancelled) */
};

static struct qitem *take(struct qmode *m)
{
    struct qitem *it = m->free;
    if (it)
        m->free = it->next;
    return it;
}

static void give(struct qmode *m, struct qitem *it)
{
    it->next = m->free;
    m->free = it;
}

/* A record without a fetch, written at once. */
static void fail_now(struct qmode *m, struct rec *r, const struct item *it, int code,
                     const char *why)
{
    rec_from_item(r, it);
    r->start = r->end = run_now(m->run);
    rec_fail(r, code, "%s", why);
    run_finish(m->run, r);
    run_write(m->run, r);
    rec_clear(r);
}

static int reader_task(void *arg, void **result)
{
    struct qmode *m = arg;
    struct run *run = m->run;
    (void)result;

    while (run->stop == STOP_NONE) {
        struct qitem *it = take(m);
        int rc = input_next(run->in, &it->item);
        if (rc) {
            give(m, it);
            break;
        }
        if (it->item.bad) {
            char why[320];
            snprintf(why, sizeof why, "%s:%lu: %s", it->item.src, it->item.lineno,
                     item_why(&it->item));
            fail_now(m, &m->reader_rec, &it->item, it->item.is_req ? CF_EINVAL : CF_EURL, why);
            give(m, it);
            continue;
        }
        if (cf_queue_put(m->q, it)) {
            fail_now(m, &m->reader_rec, &it->item, CF_ECANCELED, "cancelled before it started");
            give(m, it);
            break;
        }
    }
    cf_queue_close(m->q);
    return 0;
}

static int worker_task(void *arg, void **result)
{
    struct qmode *m = arg;
    struct fetch_rec fr;
    struct rec r;
    void *p;
    (void)result;

    rec_init(&r);
    while (cf_queue_get(m->q, &p) == 0) {
        struct qitem *it = p;
        rec_from_item(&r, &it->item);
        if (fetch_rec_begin(&fr, m->run, &r, r.url, 0, it->item.is_req ? it->item.rq : NULL) == 0) {
            fr.task = cf_task_current();
            if (fetch_rec_end(&fr, cf_fetch(&fr.req, &r.resp)) == FETCH_REC_WAIT)
                fetch_rec_saved(&fr, cf_task_suspend(-1, fetch_rec_unwait, fr.save));
        }
        run_write(m->run, &r);
        rec_clear(&r);
        give(m, it);
        cf_queue_task_done(m->q);
    }
    rec_free(&r);
    return 0;
}

static void cancel_all(void *engine)
{
    struct qmode *m = engine;
    cf_task_cancel(m->reader);
    for (size_t i = 0; i < m->nworkers; i++)
        cf_task_cancel(m->workers[i]);
}

static int queue_run(struct run *run)
{
    struct qmode m = {.run = run};
    size_t cap = (size_t)run->parallel * 2 < 16 ? 16 : (size_t)run->parallel * 2;
    int rc = CF_ENOMEM;
    void *p;

    m.nworkers = (size_t)run->parallel;
    m.npool = cap + m.nworkers + 1;
    m.pool = calloc(m.npool, sizeof *m.pool);
    m.workers = calloc(m.nworkers, sizeof *m.workers);
    rec_init(&m.reader_rec);
    if (!m.pool || !m.workers || cf_queue_new(&m.q, cap))
        goto out;
    for (size_t i = 0; i < m.npool; i++)
        give(&m, &m.pool[i]);
    if (cf_spawn(&m.reader, reader_task, &m))
        goto out;
    for (size_t i = 0; i < m.nworkers; i++)
        if (cf_spawn(&m.workers[i], worker_task, &m))
            goto out;
    run->cancel = cancel_all;
    run->engine = &m;
    if (run->stop != STOP_NONE)
        cancel_all(&m);
    cf_task_await(m.reader, NULL);
    for (size_t i = 0; i < m.nworkers; i++)
        cf_task_await(m.workers[i], NULL);
    /* Items left when the workers were stopped. */
    while (cf_queue_get_nowait(m.q, &p) == 0) {
        struct qitem *it = p;
        fail_now(&m, &m.reader_rec, &it->item, CF_ECANCELED, "cancelled before it started");
        give(&m, it);
    }
    run->cancel = NULL;
    run->engine = NULL;
    rc = 0;
out:
    if (rc) {
        /* Could not start: stop whatever did start. */
        if (m.reader)
            cf_task_cancel(m.reader);
        if (m.q)
            cf_queue_close(m.q);
        for (size_t i = 0; i < m.nworkers && m.workers; i++)
            if (m.workers[i]) {
                cf_task_cancel(m.workers[i]);
                cf_task_await(m.workers[i], NULL);
            }
        if (m.reader)
            cf_task_await(m.reader, NULL);
    }
    cf_task_unref(m.reader);
    for (size_t i = 0; i < m.nworkers && m.workers; i++)
        cf_task_unref(m.workers[i]);
    free(m.workers);
    cf_queue_free(m.q);
    for (size_t i = 0; i < m.npool && m.pool; i++)
        item_free(&m.pool[i].item);
    free(m.pool);
    rec_free(&m.reader_rec);
    return rc;
}

const struct mode mode_queue = {.name = "queue", .flags = MODE_WORKERS, .run = queue_run};

/*
 * blockwrite.c - a body's chunks gathered into block-aligned writes, on the loop or on
 * a thread pool.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/monotime.h"
#include "cofetch/error.h"
#include "output/blockwrite.h"
#include "base/writefull.h"

void bw_init(struct blockwriter *w, int fd, struct bw_budget *budget)
{
    memset(w, 0, sizeof *w);
    w->fd = fd;
    w->budget = budget;
}

void bw_use_pool(struct blockwriter *w, cf_pool *pool, int *slow, void (*on_idle)(void *ctx),
                 void *ctx)
{
    w->pool = pool;
    w->slow = slow;
    w->on_idle = on_idle;
    w->ctx = ctx;
}

int bw_busy(const struct blockwriter *w)
{
    return w->busy;
}

static int bw_put(struct blockwriter *w, const char *p, size_t len)
{
    int err = write_full(w->fd, p, len);

    if (!err)
        w->off += len;
    return err;
}

static int take_buffer(struct blockwriter *w)
{
    if (w->budget->held > BW_BUDGET - BW_BLOCK)
        return 0;
    w->buf = malloc(BW_BLOCK);
    if (!w->buf)
        return 0;
    w->cap = BW_BLOCK;
    w->budget->held += BW_BLOCK;
    return 1;
}

/* ---- on a pool ---- */

/* A buffer of at least need bytes into *buf, *cap: the spare when it is big enough,
 * else one from the budget. 0 when the budget is spent. */
static int next_buffer(struct blockwriter *w, size_t need, char **buf, size_t *cap)
{
    size_t size = need > BW_BLOCK ? need : BW_BLOCK;

    if (w->spare && w->spare_cap >= size) {
        *buf = w->spare;
        *cap = w->spare_cap;
        w->spare = NULL;
        return 1;
    }
    if (w->spare) {
        free(w->spare);
        w->budget->held -= w->spare_cap;
        w->spare = NULL;
    }
    if (w->budget->held + size > BW_BUDGET || !(*buf = malloc(size)))
        return 0;
    *cap = size;
    w->budget->held += size;
    return 1;
}

/* On a worker: the loop leaves w->err alone while w is busy. */
static int write_flight(void *arg, void **result)
{
    struct blockwriter *w = arg;
    double t0 = mono_secs();
    int err = write_full(w->fd, w->flight, w->flight_len);

    w->flight_secs = mono_secs() - t0;
    (void)result;
    if (err)
        w->err = err;
    return err ? CF_EIO : 0;
}

static void flight_done(void *arg, void *result, int code)
{
    struct blockwriter *w = arg;

    (void)result;
    w->busy = 0;
    if (code && !w->err)
        w->err = ECANCELED; /* the pool went first: never written */
    else if (!code)
        *w->slow = w->flight_secs > BW_FAST_WRITE;
    if (w->spare) { /* two free buffers: one is enough */
        free(w->flight);
        w->budget->held -= w->flight_cap;
    } else {
        w->spare = w->flight;
        w->spare_cap = w->flight_cap;
    }
    w->flight = NULL;
    w->on_idle(w->ctx);
}

/* The full buffer to a worker (w not busy); the buffer next (NULL: none) in its place.
 * 0 or an errno value. */
static int send_buffer(struct blockwriter *w, char *next, size_t next_cap)
{
    int err;

    w->flight = w->buf;
    w->flight_len = w->len;
    w->flight_cap = w->cap;
    w->buf = next;
    w->cap = next ? next_cap : 0;
    w->len = 0;
    w->off += w->flight_len;
    if (cf_pool_submit(w->pool, write_flight, w, flight_done) == 0) {
        w->busy = w->pooled = 1;
        return 0;
    }
    /* No job to be had: written here, then. */
    err = write_full(w->fd, w->flight, w->flight_len);
    if (w->spare) {
        free(w->flight);
        w->budget->held -= w->flight_cap;
    } else {
        w->spare = w->flight;
        w->spare_cap = w->flight_cap;
    }
    w->flight = NULL;
    return err;
}

static int pool_write(struct blockwriter *w, const char *p, size_t len)
{
    char *next = NULL;
    size_t room, next_cap = 0;
    int err;

    if (w->err)
        return w->err;
    if (!w->buf) {
        if (w->busy && !w->spare)
            return BW_PAUSE;
        if (!next_buffer(w, len, &w->buf, &w->cap))
            return w->busy ? BW_PAUSE : bw_put(w, p, len); /* the budget is spent */
    }
    /* Fill the buffer to its block's end; once full it goes to a worker. */
    room = w->cap - (size_t)((w->off + w->len) % w->cap);
    if (len < room) {
        memcpy(w->buf + w->len, p, len);
        w->len += len;
        return 0;
    }
    if (w->busy)
        return BW_PAUSE; /* no buffer for the rest until the write in flight ends */
    if (len > room && !next_buffer(w, len - room, &next, &next_cap)) {
        /* The budget is spent: this block and the chunk written here, nothing in flight. */
        err = bw_put(w, w->buf, w->len);
        w->len = 0;
        return err ? err : bw_put(w, p, len);
    }
    memcpy(w->buf + w->len, p, room);
    w->len += room;
    if ((err = send_buffer(w, next, next_cap)) != 0)
        return err;
    if (len > room) {
        memcpy(w->buf, p + room, len - room);
        w->len = len - room;
    }
    return 0;
}

/* ---- on the loop ---- */

static int loop_write(struct blockwriter *w, const char *p, size_t len);

int bw_write(struct blockwriter *w, const void *data, size_t len)
{
    const char *p = data;

    /* While the disk is fast the loop writes (no copy, no hand-off); the first write
     * slower than BW_FAST_WRITE sends every writer's blocks to the pool, until a block
     * there is fast again. A writer with a block in flight stays on the pool: one
     * writer's writes are never in flight on two threads. */
    if (w->pool && (*w->slow || w->busy || w->err))
        return pool_write(w, p, len);
    if (w->pool) {
        double t0 = mono_secs();
        int err = loop_write(w, p, len);
        if (mono_secs() - t0 > BW_FAST_WRITE)
            *w->slow = 1;
        return err;
    }
    return loop_write(w, p, len);
}

/* The loop's own writes: a first chunk as it comes, then block-aligned writes. */
static int loop_write(struct blockwriter *w, const char *p, size_t len)
{
    /* The first chunk, or no buffer to be had: as it comes. */
    if (!w->buf && (w->off == 0 || !take_buffer(w)))
        return bw_put(w, p, len);
    while (len) {
        size_t room = BW_BLOCK - (size_t)((w->off + w->len) % BW_BLOCK);
        size_t n = len < room ? len : room;
        int err = 0;

        if (w->len == 0 && n == BW_BLOCK) {
            err = bw_put(w, p, n); /* a whole aligned block: no copy */
        } else {
            memcpy(w->buf + w->len, p, n);
            w->len += n;
            if (n == room) {
                err = bw_put(w, w->buf, w->len);
                w->len = 0;
            }
        }
        if (err)
            return err;
        p += n;
        len -= n;
    }
    return 0;
}

void bw_drop(struct blockwriter *w)
{
    if (w->buf) {
        free(w->buf);
        w->budget->held -= w->cap;
    }
    if (w->spare) {
        free(w->spare);
        w->budget->held -= w->spare_cap;
    }
    w->buf = w->spare = NULL;
    w->len = w->cap = w->spare_cap = 0;
}

int bw_write_rest(struct blockwriter *w)
{
    int err = w->err;

    if (!err && w->len) {
        err = bw_put(w, w->buf, w->len);
        w->len = 0;
    }
    return err;
}

int bw_flush(struct blockwriter *w)
{
    int err = bw_write_rest(w);

    bw_drop(w);
    return err;
}

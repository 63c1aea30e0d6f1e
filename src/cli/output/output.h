/*
 * output.h - stdout: one buffer, flushed at record boundaries.
 *
 * Records are formatted into one buffer (default lines, JSON Lines, -w, or bodies) and
 * written with write(2) once it holds 64 KiB, or on the next loop iteration after a
 * record was added (so a streaming consumer sees each record promptly, and a million
 * records cost a few thousand writes). After each flush on_written learns how many
 * bytes stdout has taken in all (--journal: the lines whose records are out).
 *
 * A write that fails marks the output broken and calls on_broken: the run then stops.
 * EPIPE (the reader went away, e.g. `| head`) stops it quietly; any other error (a full
 * disk, a closed descriptor) is kept in error and reported once on stderr,
 * "cofetch: writing to stdout: REASON". What a failed write took of a record is not
 * counted as written.
 */
#ifndef CLI_OUTPUT_H
#define CLI_OUTPUT_H

#include <stdint.h>

#include "base/config.h"
#include "base/record.h"
#include "base/strbuf.h"
#include "cofetch/loop.h"

struct output {
    int fd;
    enum out_format format;
    const struct writeout *writeout;
    int color;        /* colour the default lines (0 after output_init: the caller decides) */
    int chain;        /* records carry a chain step (0 after output_init: the caller decides) */
    int json_headers; /* --jsonl-headers */
    int broken;
    int error;        /* errno of the write that failed, other than EPIPE (0: none) */
    uint64_t written; /* bytes stdout has taken */
    cf_loop *loop;
    cf_handle *pending;        /* the scheduled flush */
    cf_handle *broken_pending; /* on_broken, deferred from output_direct() */
    int direct;                /* in output_direct(): defer on_broken to the loop */
    struct strbuf buf;
    void (*on_broken)(void *ctx);
    /* After each flush that wrote what it had (NULL: none). Set, it also makes every
     * record schedule a flush, so a streamed body's record is followed by one too. */
    void (*on_written)(void *ctx, uint64_t written);
    /* Before each write to fd (NULL: none): the progress bar erases itself. */
    void (*before_write)(void *ctx);
    void *ctx;
};

void output_init(struct output *o, int fd, const struct config *cfg, cf_loop *loop);
/* Adds one record. Never suspends. */
void output_record(struct output *o, const struct rec *r);
/* Appends r as output_record() would, to sb instead (default lines, JSON, -w; not
 * --body: CF_EINVAL). 0 or CF_ENOMEM. */
int output_format(const struct output *o, struct strbuf *sb, const struct rec *r);
/* Adds bytes output_format() made earlier, as output_record() adds a record. */
void output_raw(struct output *o, const void *data, size_t len);
/* --body: writes what is buffered, then len bytes of data, at once (blocking write): a
 * body streamed to stdout as it arrives. 0, or -1 once the output is broken. Called from
 * a body sink, inside libcurl's callback: on_broken is then deferred to the loop (it
 * cancels fetches, which must not happen inside a libcurl callback). */
int output_direct(struct output *o, const void *data, size_t len);
/* The count of bytes stdout will have taken once what is buffered is written: a record's
 * end, right after output_record(). */
static inline uint64_t output_end(const struct output *o)
{
    return o->written + o->buf.len;
}
/* Writes what is buffered now (blocking write). */
void output_flush(struct output *o);
/* Flushes and cancels the scheduled flush. */
void output_close(struct output *o);

#endif

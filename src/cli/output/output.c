/*
 * output.c - the stdout buffer and its flushing; format dispatch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/writefull.h"
#include "cofetch/error.h"
#include "output/json.h"
#include "output/output.h"
#include "output/text.h"
#include "output/writeout.h"

enum { FLUSH_AT = 64 * 1024 };

void output_init(struct output *o, int fd, const struct config *cfg, cf_loop *loop)
{
    memset(o, 0, sizeof *o);
    o->fd = fd;
    o->format = cfg->format;
    o->writeout = cfg->writeout;
    o->json_headers = cfg->jsonl_headers;
    o->loop = loop;
}

static void broken_cb(void *arg)
{
    struct output *o = arg;
    o->broken_pending = NULL;
    if (o->on_broken)
        o->on_broken(o->ctx);
}

static void write_all(struct output *o, const char *p, size_t len)
{
    int err;

    if (o->broken)
        return;
    if (o->before_write)
        o->before_write(o->ctx);
    err = write_full(o->fd, p, len);
    if (err == 0) {
        o->written += len;
        return;
    }
    o->broken = 1;
    if (err != EPIPE) { /* EPIPE: the reader went away; the run stops quietly */
        o->error = err;
        fprintf(stderr, "cofetch: writing to stdout: %s\n", strerror(err));
    }
    if (o->direct && o->loop)
        cf_loop_call_soon(o->loop, broken_cb, o, &o->broken_pending);
    else if (o->on_broken)
        o->on_broken(o->ctx);
}

void output_flush(struct output *o)
{
    if (o->buf.len)
        write_all(o, o->buf.buf, o->buf.len);
    sb_reset(&o->buf);
    if (!o->broken && o->on_written)
        o->on_written(o->ctx, o->written);
}

int output_direct(struct output *o, const void *data, size_t len)
{
    o->direct = 1;
    output_flush(o);
    write_all(o, data, len);
    o->direct = 0;
    return o->broken ? -1 : 0;
}

/* --body: the part of a body that was spilled to a temporary file. The buffer is not
 * on the stack: this runs on a queue worker's (64 KiB), which it would overflow. */
static void copy_spill(struct output *o, int fd)
{
    enum { CHUNK = 65536 };
    char small[1024];
    char *buf = malloc(CHUNK);
    size_t size = buf ? CHUNK : sizeof small;
    off_t pos = 0;

    if (!buf)
        buf = small;
    output_flush(o);
    while (!o->broken) {
        ssize_t n = pread(fd, buf, size, pos);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        write_all(o, buf, (size_t)n);
        pos += n;
    }
    if (buf != small)
        free(buf);
}

static void flush_cb(void *arg)
{
    struct output *o = arg;
    o->pending = NULL;
    output_flush(o);
}

int output_format(const struct output *o, struct strbuf *sb, const struct rec *r)
{
    int rc;

    switch (o->format) {
    case OUT_TEXT: return output_text_line(sb, r, o->color, o->chain);
    case OUT_JSON:
        rc = json_record(sb, r, (o->chain ? JSON_CHAIN : 0) | (o->json_headers ? JSON_HEADERS : 0));
        return rc ? rc : sb_addc(sb, '\n');
    case OUT_WRITEOUT: { /* --next: each group's own -w; nothing for a group without */
        const struct writeout *w = r->group ? r->group->writeout : o->writeout;
        return w ? writeout_render(w, r, o->chain, sb) : 0;
    }
    case OUT_BODY: break;
    }
    return CF_EINVAL;
}

/* After a record was added to the buffer: written at FLUSH_AT, else soon. */
static void added(struct output *o)
{
    if (o->buf.len >= FLUSH_AT || !o->loop)
        output_flush(o);
    else if (!o->pending && (o->buf.len || o->on_written))
        cf_loop_call_soon(o->loop, flush_cb, o, &o->pending);
}

void output_record(struct output *o, const struct rec *r)
{
    if (o->broken)
        return;
    /* Out of memory: the record is lost from stdout but counted in the summary. */
    if (o->format != OUT_BODY) {
        (void)output_format(o, &o->buf, r);
    } else if (r->code == 0 && !r->streamed) {
        (void)sb_add(&o->buf, r->body.buf, r->body.len);
        if (r->has_body_fd)
            copy_spill(o, r->body_fd);
    }
    added(o);
}

void output_raw(struct output *o, const void *data, size_t len)
{
    if (o->broken)
        return;
    (void)sb_add(&o->buf, data, len);
    added(o);
}

void output_close(struct output *o)
{
    if (o->pending)
        cf_handle_cancel(o->pending);
    o->pending = NULL;
    if (o->broken_pending)
        cf_handle_cancel(o->broken_pending);
    o->broken_pending = NULL;
    output_flush(o);
    sb_free(&o->buf);
}

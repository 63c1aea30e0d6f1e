/*
 * output.c - the stdout buffer and its flushing; format dispatch.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "output.h"
#include "writeout.h"

enum { FLUSH_AT = 64 * 1024 };

void output_init(struct output *o, int fd, const struct config *cfg, cf_loop *loop)
{
    memset(o, 0, sizeof *o);
    o->fd = fd;
    o->format = cfg->format;
    o->writeout = cfg->writeout;
    o->color = cfg->color;
    o->chain = cfg->mode == MODE_CHAIN;
    o->loop = loop;
}

void output_flush(struct output *o)
{
    size_t off = 0;

    while (off < o->buf.len && !o->broken) {
        ssize_t n = write(o->fd, o->buf.buf + off, o->buf.len - off);
        if (n > 0) {
            off += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            /* EPIPE or any other failure: stop writing, quietly. */
            o->broken = 1;
            if (o->on_broken)
                o->on_broken(o->ctx);
        }
    }
    sb_reset(&o->buf);
}

static void flush_cb(void *arg)
{
    struct output *o = arg;
    o->pending = NULL;
    output_flush(o);
}

void output_record(struct output *o, const struct rec *r)
{
    int rc = 0;

    if (o->broken)
        return;
    switch (o->format) {
    case OUT_TEXT: rc = output_text_line(&o->buf, r, o->color, o->chain); break;
    case OUT_JSON:
        rc = json_record(&o->buf, r, o->chain);
        rc = rc ? rc : sb_addc(&o->buf, '\n');
        break;
    case OUT_WRITEOUT: rc = writeout_render(o->writeout, r, o->chain, &o->buf); break;
    case OUT_BODY:
        if (r->code == 0)
            rc = sb_add(&o->buf, r->body.buf, r->body.len);
        break;
    }
    (void)rc; /* out of memory: the record is lost from stdout but counted in the summary */
    if (o->buf.len >= FLUSH_AT || !o->loop)
        output_flush(o);
    else if (!o->pending && o->buf.len)
        cf_loop_call_soon(o->loop, flush_cb, o, &o->pending);
}

void output_close(struct output *o)
{
    if (o->pending)
        cf_handle_cancel(o->pending);
    o->pending = NULL;
    output_flush(o);
    sb_free(&o->buf);
}

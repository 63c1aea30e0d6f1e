/*
 * blockwrite.c - a body's chunks gathered into block-aligned writes.
 */
#include <stdlib.h>
#include <string.h>

#include "output/blockwrite.h"
#include "base/writefull.h"

void bw_init(struct blockwriter *w, int fd, struct bw_budget *budget)
{
    w->fd = fd;
    w->buf = NULL;
    w->len = 0;
    w->off = 0;
    w->budget = budget;
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
    w->budget->held += BW_BLOCK;
    return 1;
}

int bw_write(struct blockwriter *w, const void *data, size_t len)
{
    const char *p = data;

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
        w->budget->held -= BW_BLOCK;
    }
    w->buf = NULL;
    w->len = 0;
}

int bw_flush(struct blockwriter *w)
{
    int err = w->len ? bw_put(w, w->buf, w->len) : 0;

    bw_drop(w);
    return err;
}

/*
 * reorder.c - finished lines kept until their turn: in memory, then in a temporary file.
 *
 * A kept line is one blob: a header, the line's text, its record bytes. A place per line
 * (SEQ modulo lines) says where the blob is: a malloc'd block, or a range of the file,
 * which grows at its end; a range read back is given back to the file system (a hole
 * punched), and the file is emptied whenever no line in it is left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/tmpfile.h"
#include "cofetch/error.h"
#include "run/reorder.h"

struct blob_head {
    int journal, ok;
    uint64_t ident;
    const char *src;
    unsigned long lineno;
    size_t url_len, len;
};

enum where { NOWHERE, IN_MEMORY, IN_FILE };

struct place {
    unsigned char where;
    uint64_t seq;
    size_t size; /* of the blob */
    void *mem;   /* IN_MEMORY */
    off_t off;   /* IN_FILE */
};

struct reorder {
    struct place *places;
    size_t lines, count;
    size_t mem_used;
    int fd; /* the temporary file, -1 until needed */
    off_t end;
    size_t in_file;  /* lines there */
    uint64_t filled; /* bytes written there and not given back */
    char *scratch;   /* a blob read back */
    size_t scratch_cap;
};

int reorder_new(struct reorder **out, size_t lines)
{
    struct reorder *ro = calloc(1, sizeof *ro);

    if (!ro || !(ro->places = calloc(lines, sizeof *ro->places))) {
        free(ro);
        return CF_ENOMEM;
    }
    ro->lines = lines;
    ro->fd = -1;
    *out = ro;
    return 0;
}

void reorder_free(struct reorder *ro)
{
    if (!ro)
        return;
    for (size_t i = 0; i < ro->lines; i++)
        if (ro->places[i].where == IN_MEMORY)
            free(ro->places[i].mem);
    free(ro->places);
    free(ro->scratch);
    if (ro->fd >= 0)
        close(ro->fd);
    free(ro);
}

int reorder_put(struct reorder *ro, uint64_t seq, const struct reorder_entry *e)
{
    struct place *p = &ro->places[seq % ro->lines];
    struct blob_head h = {e->journal, e->ok, e->ident, e->src, e->lineno, e->url_len, e->len};
    struct iovec parts[3] = {
        {&h, sizeof h}, {(void *)e->url, e->url_len}, {(void *)e->bytes, e->len}};
    size_t size = sizeof h + e->url_len + e->len;

    if (p->where != NOWHERE)
        return CF_EINVAL;
    if (ro->mem_used + size <= REORDER_MEM) {
        char *b = malloc(size), *at = b;
        if (!b)
            return CF_ENOMEM;
        for (int i = 0; i < 3; i++) {
            memcpy(at, parts[i].iov_base, parts[i].iov_len);
            at += parts[i].iov_len;
        }
        *p = (struct place){.where = IN_MEMORY, .seq = seq, .size = size, .mem = b};
        ro->mem_used += size;
        ro->count++;
        return 0;
    }
    /* Past the memory budget: straight to the file's end, in one write. */
    if (ro->fd < 0 && (ro->fd = tmpfile_open()) < 0)
        return CF_EIO;
    if (pwritev(ro->fd, parts, 3, ro->end) != (ssize_t)size)
        return CF_EIO;
    *p = (struct place){.where = IN_FILE, .seq = seq, .size = size, .off = ro->end};
    ro->end += (off_t)size;
    ro->in_file++;
    ro->filled += size;
    ro->count++;
    return 0;
}

int reorder_has(const struct reorder *ro, uint64_t seq)
{
    const struct place *p = &ro->places[seq % ro->lines];
    return p->where != NOWHERE && p->seq == seq;
}

/* The blob of a line in the file, read into scratch. */
static char *read_back(struct reorder *ro, const struct place *p)
{
    if (p->size > ro->scratch_cap) {
        char *s = realloc(ro->scratch, p->size);
        if (!s)
            return NULL;
        ro->scratch = s;
        ro->scratch_cap = p->size;
    }
    for (size_t got = 0; got < p->size;) {
        ssize_t n = pread(ro->fd, ro->scratch + got, p->size - got, p->off + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        got += (size_t)n;
    }
    return ro->scratch;
}

int reorder_take(struct reorder *ro, uint64_t seq,
                 void (*fn)(void *ctx, const struct reorder_entry *e), void *ctx)
{
    struct place *p = &ro->places[seq % ro->lines];
    struct blob_head h;
    struct reorder_entry e;
    char *b;
    int rc = 0;

    if (p->where == NOWHERE || p->seq != seq)
        return CF_EINVAL;
    b = p->where == IN_MEMORY ? p->mem : read_back(ro, p);
    if (b) {
        memcpy(&h, b, sizeof h);
        e = (struct reorder_entry){.bytes = b + sizeof h + h.url_len,
                                   .len = h.len,
                                   .journal = h.journal,
                                   .ok = h.ok,
                                   .ident = h.ident,
                                   .src = h.src,
                                   .lineno = h.lineno,
                                   .url = b + sizeof h,
                                   .url_len = h.url_len};
    } else {
        /* Unreadable: the line's records are lost from stdout; it is not journaled. */
        rc = errno == ENOMEM ? CF_ENOMEM : CF_EIO;
        e = (struct reorder_entry){.bytes = "", .url = ""};
    }
    fn(ctx, &e);
    if (p->where == IN_MEMORY) {
        free(p->mem);
        ro->mem_used -= p->size;
    } else {
        ro->in_file--;
        ro->filled -= p->size;
        if (ro->in_file == 0) {
            if (ftruncate(ro->fd, 0) == 0) /* else the file only grows: still correct */
                ro->end = 0;
        } else {
            fallocate(ro->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, p->off, (off_t)p->size);
        }
    }
    *p = (struct place){.where = NOWHERE};
    ro->count--;
    return rc;
}

size_t reorder_count(const struct reorder *ro)
{
    return ro->count;
}

uint64_t reorder_spilled(const struct reorder *ro)
{
    return ro->filled;
}

/*
 * lines.c - read lines from a descriptor without blocking the loop.
 *
 * Input is read in blocks into one buffer; lines are returned in place. A pipe, socket
 * or terminal is read only after libevent says it is readable, and then with a single
 * read(), which cannot block. A regular file is read directly (epoll cannot watch one,
 * and reading it does not wait on anyone); so that a long file (or /dev/zero) cannot
 * keep the loop from everything else, a task reading one yields to the loop after every
 * YIELD_EVERY bytes, where a cancel (Ctrl-C) reaches it. The descriptor's flags are not
 * changed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "cofetch/io.h"
#include "internal.h"

enum { DEFAULT_MAX_LINE = 64 * 1024, SLACK = 16 * 1024, YIELD_EVERY = 1024 * 1024 };

struct cf_lines {
    int fd;
    int pollable; /* 1: wait with libevent; 0: read directly */
    int eof;
    int skipping; /* discarding the rest of an over-long line */
    size_t max_line;
    char *buf;
    size_t cap, start, end;
    size_t unyielded; /* bytes read directly since the loop last ran */
    unsigned long lineno;
};

int cf_lines_new(cf_lines **out, int fd, size_t max_line)
{
    cf_lines *r;

    if (fd < 0)
        return CF_EINVAL;
    r = calloc(1, sizeof *r);
    if (!r)
        return CF_ENOMEM;
    r->fd = fd;
    r->max_line = max_line ? max_line : DEFAULT_MAX_LINE;
    r->cap = r->max_line + SLACK;
    r->buf = malloc(r->cap);
    if (!r->buf) {
        free(r);
        return CF_ENOMEM;
    }
    r->pollable = cf_fd_pollable(fd);
    *out = r;
    return 0;
}

void cf_lines_free(cf_lines *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

unsigned long cf_lines_lineno(const cf_lines *r)
{
    return r->lineno;
}

/* Read one block into the buffer (after compacting it). 0, or CF_E*. */
static int fill(cf_lines *r)
{
    ssize_t n;
    int rc;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    for (;;) {
        if (r->pollable) {
            rc = cf_fd_wait(r->fd, CF_FD_READ, -1);
            if (rc)
                return rc;
        }
        /* Keep one byte free for the terminating NUL of a last, unterminated line. */
        n = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
        if (n > 0) {
            r->end += (size_t)n;
            if (!r->pollable && (r->unyielded += (size_t)n) >= YIELD_EVERY && cf_task_current()) {
                r->unyielded = 0;
                return cf_yield();
            }
            return 0;
        }
        if (n == 0) {
            r->eof = 1;
            return 0;
        }
        if (errno == EINTR)
            continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (r->pollable == 0)
                r->pollable = 1; /* a non-blocking descriptor after all */
            continue;
        }
        return CF_EIO;
    }
}

static const char *take(cf_lines *r, size_t len, size_t consumed, size_t *outlen)
{
    char *line = r->buf + r->start;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    line[len] = '\0';
    r->start += consumed;
    r->lineno++;
    *outlen = len;
    return line;
}

int cf_lines_next(cf_lines *r, const char **line, size_t *len)
{
    int rc;

    if (!cf_task_current() && r->pollable)
        return CF_ENOTASK;
    for (;;) {
        char *p = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (r->skipping) {
            if (p) {
                r->start = (size_t)(p - r->buf) + 1;
                r->skipping = 0;
                continue;
            }
            r->start = r->end; /* discard and keep reading */
        } else if (p) {
            size_t n = (size_t)(p - (r->buf + r->start));
            if (n <= r->max_line) {
                *line = take(r, n, n + 1, len);
                return 0;
            }
        }
        if (!r->skipping && r->end - r->start > r->max_line) {
            /* Over-long: report its head once, then discard up to its newline. */
            char *head = r->buf + r->start;
            head[r->max_line] = '\0';
            r->lineno++;
            *line = head;
            *len = r->max_line;
            if (p) {
                r->start = (size_t)(p - r->buf) + 1;
            } else {
                r->start = r->end;
                r->skipping = !r->eof;
            }
            return CF_ETOOLONG;
        }
        if (r->eof) {
            if (r->start < r->end && !r->skipping) {
                *line = take(r, r->end - r->start, r->end - r->start, len);
                return 0;
            }
            r->start = r->end;
            return CF_EOF;
        }
        rc = fill(r);
        if (rc)
            return rc;
    }
}

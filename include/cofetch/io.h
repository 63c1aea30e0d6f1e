/*
 * cofetch/io.h - waiting on file descriptors and reading lines without blocking the loop.
 *
 * cf_fd_wait suspends the calling task until a descriptor is readable or writable.
 * A cf_lines reader returns one line at a time from a descriptor: pipes, sockets and
 * terminals are watched with libevent, so a slow producer (stdin from a pipe) never
 * blocks the loop; regular files (which epoll cannot watch) and other descriptors
 * epoll refuses are read directly, and a task reading one lets the loop run after each
 * MiB (a cancel then reaches it). The descriptor's flags are left as they are.
 *
 *   cf_fd_wait               may suspend
 *   cf_lines_new / _free     never suspend
 *   cf_lines_next            may suspend
 *   cf_lines_lineno          number of the line last returned (1-based)
 */
#ifndef COFETCH_IO_H
#define COFETCH_IO_H

#include <stddef.h>

#include "cofetch/export.h"

CF_API_BEGIN

enum { CF_FD_READ = 1, CF_FD_WRITE = 2 };

/* Suspend until fd is ready for `what` (CF_FD_READ and/or CF_FD_WRITE) or `timeout`
 * seconds pass (negative: no timeout). May suspend. Returns 0 when ready.
 * Errors: CF_ETIMEDOUT, CF_ECANCELED, CF_EIO (libevent cannot watch fd), CF_ENOTASK. */
int cf_fd_wait(int fd, int what, double timeout);

typedef struct cf_lines cf_lines;

/* A reader of lines from fd (not owned: the caller closes it after cf_lines_free).
 * max_line is the longest line accepted, without its newline (0 = 64 KiB).
 * Errors: CF_ENOMEM, CF_EINVAL. */
int cf_lines_new(cf_lines **out, int fd, size_t max_line);
void cf_lines_free(cf_lines *r);

/* Next line, without its "\n" (and without a "\r" before it). *line points into the
 * reader's buffer: valid until the next call, NUL-terminated, and *len is its length
 * (the line may itself contain NUL bytes: check len). A last line without a newline
 * is returned as a line. May suspend.
 * Errors: CF_EOF at end of input (every later call too); CF_ETOOLONG for a line
 * longer than max_line: the whole line is skipped, *line holds its first max_line
 * bytes, *len is max_line, and cf_lines_lineno() names it; the next call goes on
 * with the following line. CF_EIO (read error; errno is kept), CF_ECANCELED,
 * CF_ENOTASK. */
int cf_lines_next(cf_lines *r, const char **line, size_t *len);

/* 1-based number of the line last returned (or skipped as too long). */
unsigned long cf_lines_lineno(const cf_lines *r);

CF_API_END

#endif

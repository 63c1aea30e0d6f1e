/*
 * input.h - where URLs come from: arguments, -i files, stdin, or a list in memory.
 *
 * input_next() hands out one item per line that is neither blank nor a comment and
 * belongs to this --shard. An item is either a URL that passed the checks, or a bad
 * line (item.bad) with the reason, which the caller turns into an error record:
 * nothing is dropped silently. Descriptors are read with the runtime's cf_lines, so a
 * pipe is consumed as it arrives and input_next() suspends (in a task) while it waits.
 *
 * What a line must be, and which --shard it belongs to: linecheck.h; a line that starts
 * with '{' is a request line (input/request.h), which --shard places by its identity.
 */
#ifndef CLI_INPUT_H
#define CLI_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "base/config.h"
#include "base/strbuf.h"
#include "input/request.h"

/* One input line, in storage the caller reuses (see item_set). */
struct item {
    struct strbuf url;          /* the trimmed line (owned, reused; NUL-terminated once set) */
    struct reqline *rq;         /* a request line's request (owned, reused), or NULL */
    int is_req;                 /* 1: the line is a request line, rq holds it (when not bad) */
    int is_row;                 /* 1: a --colsep line: input_set_rows' function made rq from it */
    uint64_t ident;             /* the request's identity (request.h; a URL line: FNV-1a of it) */
    const char *src;            /* source name: "args", "-" or a file name (static) */
    unsigned long lineno;       /* 1-based, within src */
    unsigned long urlnum;       /* 0-based index among all items handed out */
    const struct config *group; /* the option group the line is fetched with (NULL: the
                                   input's cfg) */
    unsigned long gnum;         /* 0-based index among the items of its group */
    int bad;                    /* 1: why holds the reason; url the offending text */
    struct strbuf why;          /* allocated only for a bad line (owned): item_why() */
};

/* Why a bad line is bad ("" for a good one). */
const char *item_why(const struct item *it);
/* The URL to fetch: a request line's url, else the line. */
const char *item_url(const struct item *it);

struct input;

/* Opens every source of cfg, group after group (--next: each group's URL arguments, then
 * its -i files), or stdin when there is none and stdin is not a terminal (use_stdin
 * forces it). An -i file that cannot be opened prints
 * "cofetch: cannot read FILE: reason" to stderr and returns CF_EIO (exit 3).
 * Errors: CF_EIO, CF_ENOMEM, CF_EINVAL (no input at all: caller prints usage). */
int input_open(struct input **out, const struct config *cfg, int use_stdin);

/* A source of items already read and checked (--compare reads its input once and runs
 * it twice; --demo builds its own). items are borrowed and must outlive the input. */
int input_open_items(struct input **out, const struct config *cfg, const struct item *items,
                     size_t n);

/* The next item. May suspend. 0, CF_EOF, CF_ECANCELED, CF_EIO (a read failed; the message
 * is printed and input_failed() becomes true), CF_ENOMEM. */
int input_next(struct input *in, struct item *it);

/* Reads in to its end into a new array: *items holds *n items (on an error too: what was
 * read so far), which the caller frees with item_free() each, then free(). May suspend.
 * 0, CF_ECANCELED, CF_ENOMEM. (--compare reads its input once, then runs it twice.) */
int input_read_all(struct input *in, struct item **items, size_t *n);

/* Lines for which skip_line(ctx, it) returns non-zero are not handed out at all (--journal:
 * lines already done). it is complete (url, src, lineno, bad) when skip_line sees it. */
void input_set_skip(struct input *in, int (*skip_line)(void *ctx, const struct item *it),
                    void *ctx);

/* --colsep: a line that is not a request line is a row of fields, which row(ctx, it)
 * turns into it->rq (allocating it when NULL) before its identity, --shard and the skip
 * are decided: 0; 1, the line is bad (it->why says why); or CF_ENOMEM. */
void input_set_rows(struct input *in, int (*row)(void *ctx, struct item *it), void *ctx);

/* Keys of request lines that were not known (and ignored), all told; each distinct one
 * was warned about once on stderr. */
unsigned long input_unknown_keys(const struct input *in);

/* The lines read that were not blank or comments, whether handed out or not (--shard,
 * --journal): 0 after the whole input means it held no URL at all. */
unsigned long input_lines(const struct input *in);

/* Whether a source failed to read (exit code 3). */
int input_failed(const struct input *in);
void input_free(struct input *in);

/* Copy a line into it->url, reusing its buffer. */
int item_set(struct item *it, const char *s, size_t len);
void item_free(struct item *it);

#endif

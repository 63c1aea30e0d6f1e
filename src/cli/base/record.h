/*
 * record.h - one result record: what one fetch (or one bad input line) produced.
 *
 * A record borrows its URL and source name from the input item it belongs to, and owns
 * the response (effective URL, headers, attempts) and the kept body until rec_clear().
 * Records live in reusable storage (an ordered-mode slot, a queue-mode worker), so a
 * record's buffers are allocated once and reused; the error message and the saved file's
 * name are allocated only when there is one, which keeps a record of a successful fetch
 * small (the window of gather -j 0 holds 16,384 of them).
 */
#ifndef CLI_RECORD_H
#define CLI_RECORD_H

#include <stdint.h>

#include "cofetch/fetch.h"
#include "base/strbuf.h"

struct config;

struct rec {
    const char *url; /* the URL fetched, or the offending text of a bad line */
    size_t url_len;
    const char *line_url; /* the input line's text (the URL of step 0) */
    size_t line_len;
    const char *echo; /* a request line's id, meta and tag as JSON members, ",\"id\":.."
                         (borrowed from its item; NULL: none) */
    size_t echo_len;
    const char *src;            /* where the line came from: "args", "-" (stdin) or a file name */
    unsigned long lineno;       /* 1-based line (or argument) number in src */
    unsigned long urlnum;       /* 0-based index of the line in the whole input (curl's urlnum) */
    const struct config *group; /* its line's option group (--next; NULL: the run's cfg) */
    unsigned long gnum;         /* 0-based index of the line within its group */
    uint64_t ident;             /* the line's request identity (--journal's key) */
    int step;                   /* chain step: 0 is the input URL, 1.. the --then templates */
    int done;                   /* finished: the fields below are final */
    int code;                   /* 0 or CF_E* */
    struct strbuf err;          /* what went wrong (allocated on the first failure): rec_error() */
    double start, end;          /* seconds since the run began */
    unsigned long order;        /* finish order, 1-based */
    struct cf_response resp;
    struct strbuf body;   /* the body, when kept (--body, or a chain's next step) */
    struct strbuf urlbuf; /* a chain step's URL, built from its template */
    struct strbuf requrl; /* -G: the URL fetched, the data in its query */
    int body_fd;          /* --body: the body past BODY_MEM_MAX, in an unlinked temporary
                             file (-1 or 0 when none: see rec_init; owned) */
    int has_body_fd;
    int streamed;         /* --body: the body went to stdout as it arrived */
    int skipped;          /* -o --no-clobber: its file was there already: not fetched */
    int body_member;      /* --jsonl-body: the record carries body (kept whole) */
    int body_is_json;     /* ... and the response said its type is JSON */
    const char *saved_as; /* -o: the file name it was saved under (in saved), or NULL */
    struct strbuf saved;
};

void rec_init(struct rec *r);
/* Release what the record owns (keeps reusable buffers) and zero its results. */
void rec_clear(struct rec *r);
/* Release everything. */
void rec_free(struct rec *r);

/* An error record without a fetch (bad line, template failure, cancelled before start). */
void rec_fail(struct rec *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static inline double rec_time(const struct rec *r)
{
    return r->end - r->start;
}

/* The error message: "" on success. */
static inline const char *rec_error(const struct rec *r)
{
    return r->err.len ? r->err.buf : "";
}

/* "1.1", "2", "3" or "" */
const char *rec_http_version(const struct rec *r);
/* The exit code of one record, as curl's for its URL: 0 on success, else the fetch's
 * CURLcode (cf_response.curl_code), or for a failure of the record's own (a bad line, a
 * write error) the CURLcode curl gives for the same (cf_curl_code). */
int rec_exitcode(const struct rec *r);

#endif

/*
 * fetch_rec.h - one fetch into one record.
 *
 * fetch_rec_begin() fills the request (the run's, with the URL and a body sink) and the
 * record's start; the caller then runs cf_fetch(&fr->req, &r->resp); fetch_rec_end()
 * makes the record final (times, error text, the -o file committed or removed) and
 * hands it to run_finish(). The body sink keeps the body (--body), the head a chain's
 * next step needs, or nothing, and saves it under -o.
 *
 * With a thread pool for the files (the output directory's pool) the -o file's end
 * runs on a worker: fetch_rec_end() then answers FETCH_REC_WAIT, and the caller, the
 * task in fr->task (cf_task_current() is NULL on the loop's stack), waits for it with
 * cf_task_suspend(-1, fetch_rec_unwait, fr->save) and passes what that returned to
 * fetch_rec_saved(), which makes the record final. So a record that names a file is out only once
 * the file is complete and in place.
 *
 * The calls go deep (files, formatting): on a small task stack they are made through
 * CF_ON_LOOP (run/mode_ordered.c). None suspends. The struct lives as long as the
 * fetch (the caller's stack will do); it borrows run and r.
 */
#ifndef CLI_FETCH_REC_H
#define CLI_FETCH_REC_H

#include "base/record.h"
#include "cofetch/fetch.h"
#include "cofetch/task.h"
#include "input/request.h"
#include "output/outdir.h"
#include "run/run.h"

struct fetch_sink {
    struct run *run;
    struct rec *rec;
    int fail;    /* -f: a body of a response >= 400 is dropped */
    int decided; /* --body: whether to stream was decided at the first chunk */
    int keep_all;
    int keep_head;
    long long keep_cap;   /* --jsonl-body: keep the whole body, up to this many bytes */
    int too_big;          /* ... and it was bigger */
    int include;          /* --include, -I: the header blocks go first, where the body goes */
    int started;          /* something went where the body goes */
    struct outfile *file; /* -o (owned, from begin to end) */
    int write_errno;
    long long wait_max;  /* --body: most bytes kept while waiting its turn ... */
    long long wait_room; /* ... and what is left of them */
    int wait_over;       /* --body: a waiting body passed its cap */
};

struct save;

struct fetch_rec {
    struct run *run;
    struct rec *rec;
    struct cf_request req;
    struct fetch_sink sink;
    void *mime;        /* -F: the form of the attempt in flight (owned), or NULL */
    struct save *save; /* the -o file's (sink.file in it), owned from begin to end */
    cf_task *task;     /* the fetching task, set by the caller after fetch_rec_begin */
    int rc;            /* FETCH_REC_WAIT: the record's code once the file is done */
};

/* fetch_rec_end: the -o file's end is on the thread pool; wait, then fetch_rec_saved. */
enum { FETCH_REC_WAIT = 1 };

/* Sets fr up to fetch url into r (r's step and input fields already set); keep_head:
 * keep the first bytes of the body for a chain's next step; rq: a request line's
 * request, whose method, headers, body, timeout and retry replace the run's (NULL:
 * none; borrowed for the fetch). 0; or, when r is already
 * final and handed to run_finish(), so that there is nothing to fetch: 1 (-o
 * --no-clobber and the file exists: r->skipped) or an error (the -o file could not be
 * created, CF_ENOMEM). */
int fetch_rec_begin(struct fetch_rec *fr, struct run *run, struct rec *r, const char *url,
                    int keep_head, const struct reqline *rq);

/* After cf_fetch() returned rc: r is final and handed to run_finish(). Returns r->code,
 * or FETCH_REC_WAIT (see the top). */
int fetch_rec_end(struct fetch_rec *fr, int rc);
/* After the wait for the file's end, with cf_task_suspend's result (0, or CF_ECANCELED:
 * the record says so and the file's end cleans up after itself). Returns r->code. */
int fetch_rec_saved(struct fetch_rec *fr, int woken);
/* The on_cancel of that wait (its ctx: fr->save). */
void fetch_rec_unwait(void *ctx);

#endif

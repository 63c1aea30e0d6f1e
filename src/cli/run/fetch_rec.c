/*
 * fetch_rec.c - one fetch into one record: the request from the run's, the body's sink
 * (kept, saved under -o, or counted), timings relative to the run.
 *
 * Memory stays bounded whatever the body size: without --body a body is counted (and
 * saved under -o) as it arrives; a chain keeps only the head of a body its next step
 * needs (KEEP_HEAD). With --body a body is written to stdout as it arrives when the
 * record is next in line on stdout (the mode says so: run->may_stream); otherwise the
 * first BODY_MEM_MAX bytes are kept in memory and the rest in an unlinked temporary file
 * (in $TMPDIR, else /tmp) until the record's turn comes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/tmpfile.h"
#include "base/writefull.h"
#include "cofetch/error.h"
#include "run/fetch_rec.h"
#include "run/template.h"

/* A chain keeps this much of a body for {body} (its first line, at most 8 KiB, trimmed). */
enum { KEEP_HEAD = 2 * TMPL_BODY_MAX };
/* --body: bytes of a body kept in memory before the rest goes to a temporary file. */
enum { BODY_MEM_MAX = 256 * 1024 };

/* --body: stream it, or keep it (memory, then the temporary file). 0 or 1 (abort). */
static int keep_body(struct fetch_sink *s, const void *data, size_t len)
{
    struct rec *r = s->rec;
    struct run *run = s->run;

    if (!s->decided) {
        s->decided = 1;
        r->streamed = run->out && run->may_stream && run->may_stream(run->engine, r);
    }
    if (r->streamed) {
        output_direct(run->out, data, len); /* a broken stdout stops the run */
        return 0;
    }
    if (!r->has_body_fd && r->body.len + len <= BODY_MEM_MAX) {
        if (sb_add(&r->body, data, len)) {
            s->write_errno = ENOMEM;
            return 1;
        }
        return 0;
    }
    if (!r->has_body_fd) {
        r->body_fd = tmpfile_open();
        if (r->body_fd < 0) {
            s->write_errno = errno ? errno : EIO;
            return 1;
        }
        r->has_body_fd = 1;
    }
    s->write_errno = write_full(r->body_fd, data, len);
    return s->write_errno != 0;
}

/* Where the body goes: the -o file, --body's stdout or memory, and unless these are
 * --include's headers (head 0), a chain's head for {body}. */
static int deliver(struct fetch_sink *s, const void *data, size_t len, int head)
{
    s->started = 1;
    if (s->file) {
        int err = outdir_write(s->file, data, len);
        if (err) {
            s->write_errno = err;
            return 1;
        }
    }
    if (s->keep_all)
        return keep_body(s, data, len);
    else if (head && s->keep_head && s->rec->body.len < KEEP_HEAD) {
        size_t room = KEEP_HEAD - s->rec->body.len;
        if (sb_add(&s->rec->body, data, len < room ? len : room)) {
            s->write_errno = ENOMEM;
            return 1;
        }
    }
    return 0;
}

/* --include: the header blocks so far (every response's: all_headers), before the body. */
static int deliver_headers(struct fetch_sink *s)
{
    const struct cf_response *resp = &s->rec->resp;
    return resp->headers && resp->headers_len ? deliver(s, resp->headers, resp->headers_len, 0) : 0;
}

static int sink_write(void *ctx, const void *data, size_t len)
{
    struct fetch_sink *s = ctx;

    if (s->fail && s->rec->resp.status >= 400)
        return 0; /* -f: the body of a failed response goes nowhere, as in curl */
    if (s->include && !s->started && deliver_headers(s))
        return 1;
    return deliver(s, data, len, 1);
}

/* r names the file its body is in (-o). */
static void set_saved(struct rec *r, const char *name)
{
    sb_reset(&r->saved);
    if (sb_adds(&r->saved, name) == 0)
        r->saved_as = r->saved.buf;
}

/* r ends without a fetch, with code: final now. Returns code. */
static int finish_now(struct run *run, struct rec *r, int code)
{
    r->start = r->end = run_now(run);
    r->code = code;
    r->done = 1;
    run_finish(run, r);
    return code;
}

int fetch_rec_begin(struct fetch_rec *fr, struct run *run, struct rec *r, const char *url,
                    int keep_head)
{
    int rc;

    *fr = (struct fetch_rec){
        .run = run,
        .rec = r,
        .req = run->req,
        .sink = {.run = run,
                 .rec = r,
                 .fail = run->cfg->fail,
                 .keep_all = run->cfg->format == OUT_BODY,
                 .keep_head = keep_head,
                 .include = run->cfg->include},
    };
    r->url = url;
    r->url_len = strlen(url);
    fr->req.url = url;
    fr->req.sink = CF_SINK_CALLBACK;
    fr->req.sink_fn = sink_write;
    fr->req.sink_ctx = &fr->sink;
    sb_reset(&r->body);
    if (run->od && run->od->no_clobber) {
        char name[OUTDIR_NAME_MAX + 1];
        if (outdir_exists(run->od, url, name)) { /* kept: a record that says so, no fetch */
            r->skipped = 1;
            set_saved(r, name);
            finish_now(run, r, 0);
            return 1;
        }
    }
    if (run->od) {
        struct outfile *file = calloc(1, sizeof *file);
        if (!file) {
            rc = CF_ENOMEM;
        } else {
            file->fd = -1;
            rc = outdir_begin(run->od, r->url, file, &r->err);
        }
        if (rc) {
            free(file);
            return finish_now(run, r, rc);
        }
        fr->sink.file = file;
    }
    run->inflight++;
    r->start = run_now(run);
    return 0;
}

int fetch_rec_end(struct fetch_rec *fr, int rc)
{
    struct run *run = fr->run;
    struct rec *r = fr->rec;
    struct fetch_sink *sink = &fr->sink;

    if (rc == 0 && sink->include && !sink->started && deliver_headers(sink))
        rc = CF_EIO; /* a response without a body (HEAD, 204): its headers alone */
    r->end = run_now(run);
    run->inflight--;
    if (sink->write_errno && rc != CF_ECANCELED) {
        rc = sink->write_errno == ENOMEM ? CF_ENOMEM : CF_EIO;
        sb_reset(&r->err);
        sb_addf(&r->err, "%s the body: %s", sink->file ? "saving" : "keeping",
                strerror(sink->write_errno));
    } else if (rc) {
        sb_reset(&r->err);
        sb_adds(&r->err, r->resp.error && r->resp.error[0] ? r->resp.error : cf_strerror(rc));
    }
    if (sink->file) {
        if (rc == 0) {
            int kept = outdir_commit(run->od, sink->file, &r->err);
            if (kept < 0)
                rc = kept;
            set_saved(r, sink->file->name);
        } else {
            outdir_abort(run->od, sink->file);
        }
        free(sink->file);
        sink->file = NULL;
    }
    r->code = rc;
    r->done = 1;
    run_finish(run, r);
    return rc;
}

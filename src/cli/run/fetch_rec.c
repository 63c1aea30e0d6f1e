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

#include <curl/curl.h>

#include "base/tmpfile.h"
#include "base/writefull.h"
#include "cofetch/error.h"
#include "cofetch/task.h"
#include "output/json_body.h"
#include "run/curlopts.h"
#include "run/fetch_rec.h"
#include "run/template.h"

/* A chain keeps this much of a body for {body} (its first line, at most 8 KiB, trimmed). */
enum { KEEP_HEAD = 2 * TMPL_BODY_MAX };
/* --body: bytes of a body kept in memory before the rest goes to a temporary file. */
enum { BODY_MEM_MAX = 256 * 1024 };
/* --body: most bytes of a body kept while it waits its turn (memory and file), unless
 * --max-filesize allows more; past it the record fails rather than fill the disk. */
#define BODY_WAIT_MAX (1LL << 30)
/* --jsonl-body without --max-filesize: the largest body a record takes. */
#define JSONL_BODY_MAX (16LL << 20)

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
    if ((long long)len > s->wait_room) {
        s->wait_over = 1;
        return 1;
    }
    s->wait_room -= (long long)len;
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
    if (s->file) {
        int err = outdir_write(s->file, data, len);
        if (err == BW_PAUSE)
            return CF_SINK_PAUSE; /* nothing taken: the chunk comes again */
        if (err) {
            s->write_errno = err;
            return 1;
        }
    }
    s->started = 1;
    if (s->keep_cap) { /* --jsonl-body */
        if ((long long)(s->rec->body.len + len) > s->keep_cap) {
            s->too_big = 1;
            return 1;
        }
        if (sb_add(&s->rec->body, data, len)) {
            s->write_errno = ENOMEM;
            return 1;
        }
        return 0;
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
    if (s->include && !s->started) {
        int rc = deliver_headers(s);
        if (rc)
            return rc;
    }
    return deliver(s, data, len, 1);
}

/* An -o file on its way. On the heap, apart from the record: on a thread pool the file's
 * end may outlast a task cancelled while it waited (the end then frees it). */
struct save {
    struct outfile file;
    struct cf_response *resp; /* the fetch's, resumed when a refused chunk may come */
    cf_task *waiter;          /* the task waiting for the end */
    int orphan;               /* that task was cancelled: nobody waits */
};

static void save_ready(void *ctx)
{
    struct save *sv = ctx;
    cf_fetch_resume(sv->resp);
}

static void save_ended(void *ctx)
{
    struct save *sv = ctx;

    if (sv->orphan)
        free(sv);
    else if (sv->waiter)
        cf_task_wake(sv->waiter, 0);
}

void fetch_rec_unwait(void *ctx)
{
    struct save *sv = ctx;
    sv->orphan = 1;
    sv->waiter = NULL;
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

/* A request line's keys over the run's request. */
static void apply_line(struct cf_request *req, const struct reqline *rq)
{
    if (rq->method.len)
        req->method = rq->method.buf;
    req->headers = rq->hdrv;
    if (rq->has_body) {
        req->body = rq->body.len ? rq->body.buf : "";
        req->body_len = rq->body.len;
    }
    if (rq->has_timeout)
        req->timeout = rq->timeout;
    if (rq->has_retry)
        req->retries = rq->retry;
}

/* The option group r is fetched with (--next): its per-transfer options. */
static const struct config *group_of(const struct run *run, const struct rec *r)
{
    return r->group ? r->group : run->cfg;
}

/* Where r's body is saved, relative to the run's directory, into name (cap bytes): 1,
 * 0 for nowhere, or a CF_E* code (r->err says why). A line's first fetch takes the -o
 * or -O paired with its URL (curl's order: the Nth of its group for the Nth URL of the
 * group), or -O with --remote-name-all; with --output-dir alone (in no group an -o, -O or
 * --remote-name-all) every fetch gets its URL's derived name. */
static int target(const struct run *run, struct rec *r, const char *url, char *name, size_t cap)
{
    const struct config *cfg = group_of(run, r);
    int remote = cfg->remote_name_all && r->step == 0;

    if (r->step == 0 && r->gnum < cfg->noutputs) {
        const char *file = cfg->outputs[r->gnum].file;
        if (file) {
            snprintf(name, cap, "%s", file);
            return 1;
        }
        remote = 1;
    }
    if (remote) {
        if (outdir_remote_name(url, name, cap) == 0)
            return 1;
        sb_reset(&r->err);
        sb_adds(&r->err, "-O: remote file name has no length (the URL's path ends in '/')");
        return CF_EIO;
    }
    if (run->cfg->outdir && !run->cfg->some_outputs) {
        outdir_name(url, name);
        return 1;
    }
    return 0;
}

/* -G: url with the data appended to its query, by libcurl's URL API, in r->requrl.
 * Returns the URL to fetch (url itself when libcurl cannot parse it: it fails there). */
static const char *with_query(struct rec *r, const char *url, const char *query)
{
    CURLU *u = curl_url();
    char *full = NULL;
    const char *out = url;

    if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_QUERY, query, CURLU_APPENDQUERY) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK) {
        sb_reset(&r->requrl);
        if (sb_adds(&r->requrl, full) == 0)
            out = r->requrl.buf;
    }
    curl_free(full);
    curl_url_cleanup(u);
    return out;
}

/* -o, -O, --output-dir: the file r's body goes in (fr->sink.file), if any. 0: fetch it;
 * else r is finished: 1 (--no-clobber kept the file) or a CF_E* code. Apart from
 * fetch_rec_begin, so that the name's buffer is on the stack only when bodies are saved. */
static __attribute__((noinline)) int save_begin(struct fetch_rec *fr, struct run *run,
                                                struct rec *r, const char *url)
{
    char name[sizeof((struct outfile *)0)->name];
    struct save *sv;
    struct outfile *file;
    const struct config *g = group_of(run, r);
    int rc = target(run, r, url, name, sizeof name);

    if (rc <= 0)
        return rc < 0 ? finish_now(run, r, rc) : 0;
    if (run->od->no_clobber && outdir_file_exists(run->od, name)) {
        r->skipped = 1; /* kept: a record that says so, no fetch */
        set_saved(r, name);
        finish_now(run, r, 0);
        return 1;
    }
    sv = calloc(1, sizeof *sv);
    file = sv ? &sv->file : NULL;
    if (!sv) {
        rc = CF_ENOMEM;
    } else if (g->resume_auto || g->resume_from) { /* -C: appended to */
        long long size = 0;
        file->fd = -1;
        rc = outdir_begin_append(run->od, name, file, &size, &r->err);
        if (g->resume_auto)
            fr->req.resume_from = size;
    } else {
        file->fd = -1;
        rc = outdir_begin_file(run->od, name, file, &r->err);
    }
    if (rc) {
        free(sv);
        return finish_now(run, r, rc);
    }
    sv->resp = &r->resp;
    file->on_ready = save_ready;
    file->on_end = save_ended;
    file->ctx = sv;
    fr->save = sv;
    fr->sink.file = file;
    return 0;
}

/* The easy hook of a fetch with a -F form: the group's curl options, then a new mime
 * for this attempt (the last attempt's handle was reset: its mime is free to go). */
static int form_hook(void *ctx, void *easy)
{
    struct fetch_rec *fr = ctx;
    const struct config *g = group_of(fr->run, fr->rec);
    int rc = g->curlopts ? curlopts_apply((void *)g, easy) : 0;

    curlopts_form_free(fr->mime);
    fr->mime = NULL;
    return rc ? rc : curlopts_form(g, easy, &fr->mime);
}

int fetch_rec_begin(struct fetch_rec *fr, struct run *run, struct rec *r, const char *url,
                    int keep_head, const struct reqline *rq)
{
    const struct config *g = group_of(run, r);
    const struct cf_request *req = run_request(run, r->group);
    int rc;

    *fr = (struct fetch_rec){
        .run = run,
        .rec = r,
        .req = *req,
        .sink = {.run = run,
                 .rec = r,
                 .fail = g->fail,
                 .keep_all = run->cfg->format == OUT_BODY,
                 .keep_head = keep_head,
                 .wait_max = req->max_body > BODY_WAIT_MAX ? req->max_body : BODY_WAIT_MAX,
                 .include = g->include},
    };
    fr->sink.wait_room = fr->sink.wait_max;
    if (run->cfg->jsonl_body) {
        fr->sink.keep_cap = g->max_filesize ? g->max_filesize : JSONL_BODY_MAX;
        r->body_member = 1;
    }
    r->url = url;
    r->url_len = strlen(url);
    fr->req.url = g->query ? with_query(r, url, g->query) : url;
    if (rq)
        apply_line(&fr->req, rq);
    if (g->nforms) {
        fr->req.easy_fn = form_hook;
        fr->req.easy_ctx = fr;
    }
    fr->req.sink = CF_SINK_CALLBACK;
    fr->req.sink_fn = sink_write;
    fr->req.sink_ctx = &fr->sink;
    sb_reset(&r->body);
    if (run->od && (rc = save_begin(fr, run, r, url)) != 0)
        return rc;
    run->inflight++;
    r->start = run_now(run);
    return 0;
}

/* --etag-save: the response's ETag and a newline, or nothing when it has none, as curl
 * writes it. 0 or an errno value. */
static int save_etag(const char *path, struct cf_response *resp)
{
    const char *tag = cf_response_header(resp, "ETag");
    FILE *f = fopen(path, "w");
    int err = 0;

    if (!f)
        return errno;
    if (tag && fprintf(f, "%s\n", tag) < 0)
        err = errno ? errno : EIO;
    if (fclose(f) != 0 && !err)
        err = errno;
    return err;
}

static int final(struct fetch_rec *fr, int rc);

int fetch_rec_end(struct fetch_rec *fr, int rc)
{
    struct run *run = fr->run;
    struct rec *r = fr->rec;
    struct fetch_sink *sink = &fr->sink;

    if (rc == 0 && sink->include && !sink->started && deliver_headers(sink))
        rc = CF_EIO; /* a response without a body (HEAD, 204): its headers alone */
    curlopts_form_free(fr->mime);
    fr->mime = NULL;
    r->end = run_now(run);
    run->inflight--;
    if (sink->wait_over && rc != CF_ECANCELED) {
        rc = CF_ETOOBIG;
        sb_reset(&r->err);
        sb_addf(&r->err,
                "the body passed %lld bytes while waiting its turn to be written "
                "(--max-filesize allows more)",
                sink->wait_max);
    } else if (sink->too_big && rc != CF_ECANCELED) {
        rc = CF_ETOOBIG;
        sb_reset(&r->err);
        sb_addf(&r->err, "--jsonl-body: the body is larger than %lld bytes (%s)", sink->keep_cap,
                group_of(run, r)->max_filesize ? "--max-filesize"
                                               : "the default cap; raise it with --max-filesize");
    } else if (sink->write_errno && rc != CF_ECANCELED) {
        rc = sink->write_errno == ENOMEM ? CF_ENOMEM : CF_EIO;
        sb_reset(&r->err);
        sb_addf(&r->err, "%s the body: %s", sink->file ? "saving" : "keeping",
                strerror(sink->write_errno));
    } else if (rc) {
        sb_reset(&r->err);
        sb_adds(&r->err, r->resp.error && r->resp.error[0] ? r->resp.error : cf_strerror(rc));
    }
    const char *etag_save = group_of(run, r)->etag_save;
    if (rc == 0 && etag_save && (rc = save_etag(etag_save, &r->resp))) {
        sb_reset(&r->err);
        sb_addf(&r->err, "--etag-save: writing %s: %s", etag_save, strerror(rc));
        rc = CF_EIO;
    }
    if (sink->file && run->od->pool) {
        fr->save->waiter = fr->task;
        fr->rc = rc;
        if (outdir_end(run->od, sink->file, rc == 0) == 0)
            return FETCH_REC_WAIT;
        return fetch_rec_saved(fr, 0);
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
        free(fr->save);
        fr->save = NULL;
        sink->file = NULL;
    }
    return final(fr, rc);
}

int fetch_rec_saved(struct fetch_rec *fr, int woken)
{
    struct run *run = fr->run;
    struct rec *r = fr->rec;
    int rc = fr->rc;

    if (woken) { /* cancelled (before or during the wait): the file's end frees it */
        fr->save->orphan = 1;
        fr->save->waiter = NULL;
        rc = woken;
        sb_reset(&r->err);
        sb_adds(&r->err, cf_strerror(rc));
    } else {
        if (rc == 0) {
            int kept = outdir_end_result(run->od, fr->sink.file, &r->err);
            if (kept < 0)
                rc = kept;
            set_saved(r, fr->sink.file->name);
        }
        free(fr->save);
    }
    fr->save = NULL;
    fr->sink.file = NULL;
    return final(fr, rc);
}

/* r is final with rc: to run_finish. */
static int final(struct fetch_rec *fr, int rc)
{
    struct run *run = fr->run;
    struct rec *r = fr->rec;

    if (r->body_member && rc == 0)
        r->body_is_json = json_body_type_is_json(cf_response_header(&r->resp, "Content-Type"));
    r->code = rc;
    r->done = 1;
    run_finish(run, r);
    return rc;
}

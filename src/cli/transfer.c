/*
 * transfer.c - one fetch into one record: the request from the options, the body sink
 * (kept, saved under -o, or counted), timings relative to the run.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "run.h"
#include "template.h"

/* A chain keeps this much of a body for {body} (its first line, at most 8 KiB, trimmed). */
enum { KEEP_HEAD = 2 * TMPL_BODY_MAX };

struct sink {
    struct rec *rec;
    int keep_all;
    int keep_head;
    struct outfile *file;
    int write_errno;
};

static int sink_write(void *ctx, const void *data, size_t len)
{
    struct sink *s = ctx;
    const char *p = data;

    if (s->file) {
        size_t off = 0;
        while (off < len) {
            ssize_t n = write(s->file->fd, p + off, len - off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                s->write_errno = n < 0 ? errno : EIO;
                return 1;
            }
            off += (size_t)n;
        }
    }
    if (s->keep_all) {
        if (sb_add(&s->rec->body, data, len)) {
            s->write_errno = ENOMEM;
            return 1;
        }
    } else if (s->keep_head && s->rec->body.len < KEEP_HEAD) {
        size_t room = KEEP_HEAD - s->rec->body.len;
        if (sb_add(&s->rec->body, data, len < room ? len : room)) {
            s->write_errno = ENOMEM;
            return 1;
        }
    }
    return 0;
}

int transfer(struct run *run, struct rec *r, const char *url, int keep_head)
{
    struct cf_request req = run->req;
    struct outfile file = {.fd = -1};
    struct sink sink = {r, run->cfg->format == OUT_BODY, keep_head, NULL, 0};
    int rc;

    r->url = url;
    r->url_len = strlen(url);
    sb_reset(&r->body);
    req.url = url;
    req.sink = CF_SINK_CALLBACK;
    req.sink_fn = sink_write;
    req.sink_ctx = &sink;
    if (run->od) {
        rc = outdir_begin(run->od, url, &file, r->error, sizeof r->error);
        if (rc) {
            r->start = r->end = run_now(run);
            r->code = rc;
            r->done = 1;
            run_finish(run, r);
            return rc;
        }
        sink.file = &file;
    }
    run->inflight++;
    r->start = run_now(run);
    rc = cf_fetch(&req, &r->resp);
    r->end = run_now(run);
    run->inflight--;
    if (sink.write_errno && rc != CF_ECANCELED) {
        rc = sink.write_errno == ENOMEM ? CF_ENOMEM : CF_EIO;
        snprintf(r->error, sizeof r->error, "saving the body: %s", strerror(sink.write_errno));
    } else if (rc) {
        snprintf(r->error, sizeof r->error, "%s",
                 r->resp.error[0] ? r->resp.error : cf_strerror(rc));
    }
    if (run->od) {
        if (rc == 0) {
            int kept = outdir_commit(run->od, &file, r->error, sizeof r->error);
            if (kept < 0)
                rc = kept;
            snprintf(r->saved_name, sizeof r->saved_name, "%s", file.name);
            r->saved_as = r->saved_name;
        } else {
            outdir_abort(run->od, &file);
        }
    }
    r->code = rc;
    r->done = 1;
    run_finish(run, r);
    return rc;
}

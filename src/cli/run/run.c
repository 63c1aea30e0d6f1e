/*
 * run.c - the state of one run and what every mode does with a finished record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/writefull.h"
#include "cofetch/error.h"
#include "run/curlopts.h"
#include "output/writeout.h"
#include "run/mode.h"
#include "run/progress.h"
#include "run/run.h"

/* The request of group cfg's fetches; main: the first group, whose global options apply. */
static void request_from_config(struct cf_request *req, const struct config *cfg,
                                const struct config *main)
{
    int want = writeout_wants_info(cfg->writeout); /* 1: curl's other variables, 2: certs */

    cf_request_init(req, NULL);
    req->method = cfg->method;
    req->headers = cfg->headers;
    if (cfg->data) {
        req->body = cfg->data;
        req->body_len = cfg->data_len;
    }
    req->follow = cfg->location;
    req->max_redirects = cfg->max_redirs;
    if (cfg->connect_timeout > 0)
        req->connect_timeout = cfg->connect_timeout;
    req->timeout = cfg->max_time;
    req->low_speed_limit = cfg->speed_limit;
    req->low_speed_time = cfg->speed_time;
    req->insecure = cfg->insecure;
    req->cafile = cfg->cacert;
    req->capath = cfg->capath;
    req->http_version = cfg->http_version;
    req->compressed = cfg->compressed;
    if (cfg->user_agent)
        req->user_agent = cfg->user_agent;
    req->max_body = cfg->max_filesize;
    req->protocols = main->protos;
    req->fail_on_http_error = cfg->fail;
    req->retries = cfg->retry;
    req->retry_delay = cfg->retry_delay;
    req->retry_all_errors = cfg->retry_all_errors;
    req->retry_max_time = cfg->retry_max_time;
    req->resume_from = cfg->resume_from;
    if (cfg->curlopts) {
        req->easy_fn = curlopts_apply;
        req->easy_ctx = (void *)cfg;
    }
    req->want_info = want > 0;
    req->want_certs = want > 1;
    req->all_headers = main->dump_header != NULL || cfg->include;
}

const struct cf_request *run_request(const struct run *run, const struct config *group)
{
    return group && group->gidx ? &run->greqs[group->gidx - 1] : &run->req;
}

int run_init(struct run *run, const struct config *cfg, long parallel, struct input *in,
             struct output *out, struct outdir *od, struct timeline *tl)
{
    memset(run, 0, sizeof *run);
    run->cfg = cfg;
    run->mode = cfg->mode;
    run->in = in;
    run->out = out;
    run->od = od;
    run->tl = tl;
    run->chain = (cfg->mode->flags & MODE_STEPS) != 0;
    run->parallel = cfg->sync ? 1 : parallel;
    stats_init(&run->stats);
    request_from_config(&run->req, cfg, cfg);
    run->dump_fd = -1;
    if (cfg->ngroups > 1) {
        run->greqs = calloc(cfg->ngroups - 1, sizeof *run->greqs);
        if (!run->greqs)
            return CF_ENOMEM;
        for (const struct config *g = cfg->next; g; g = g->next)
            request_from_config(&run->greqs[g->gidx - 1], g, cfg);
    }
    return 0;
}

void run_free(struct run *run)
{
    free(run->greqs);
    run->greqs = NULL;
}

/* -D: the fetch's header blocks (each response's, redirects too), as curl writes them:
 * one after another in the order fetches finish. */
static void dump_headers(struct run *run, const struct rec *r)
{
    const struct cf_response *resp = &r->resp;

    if (run->dump_fd < 0 || !resp->headers || resp->headers_len == 0)
        return;
    if (run->dump_fd == STDOUT_FILENO) {
        if (run->out)
            output_raw(run->out, resp->headers, resp->headers_len);
    } else if (!run->dump_errno) {
        run->dump_errno = write_full(run->dump_fd, resp->headers, resp->headers_len);
    }
}

double run_now(const struct run *run)
{
    return cf_loop_time() - run->t0;
}

void rec_from_item(struct rec *r, const struct item *it)
{
    r->url = item_url(it);
    r->url_len = strlen(r->url);
    r->echo = it->is_req && it->rq && it->rq->echo.len ? it->rq->echo.buf : NULL;
    r->echo_len = r->echo ? it->rq->echo.len : 0;
    r->line_url = it->url.buf;
    r->line_len = it->url.len;
    r->src = it->src;
    r->lineno = it->lineno;
    r->urlnum = it->urlnum;
    r->group = it->group;
    r->gnum = it->gnum;
    r->ident = it->ident;
}

static void verbose(const struct run *run, const struct rec *r)
{
    const struct cf_timings *t = &r->resp.t;
    progress_clear(run->prog);
    fprintf(stderr, "* %s:%lu", r->src ? r->src : "?", r->lineno);
    if (run->chain)
        fprintf(stderr, " step %d", r->step);
    fprintf(stderr, " %.*s: ", (int)(r->url_len > 200 ? 200 : r->url_len), r->url);
    if (r->code)
        fprintf(stderr, "error: %s", rec_error(r));
    else
        fprintf(stderr, "HTTP/%s %ld, %lld bytes", rec_http_version(r), r->resp.status,
                r->resp.bytes);
    fprintf(stderr,
            "\n*   %.3f s (queue %.3f, dns %.3f, connect %.3f, tls %.3f, ttfb %.3f, total %.3f), "
            "attempts %d, redirects %ld, finish #%lu\n",
            rec_time(r), t->queue, t->dns, t->connect, t->tls, t->ttfb, t->total, r->resp.attempts,
            r->resp.redirects, r->order);
    if (r->resp.effective_url && strcmp(r->resp.effective_url, r->url) != 0)
        fprintf(stderr, "*   effective URL %s\n", r->resp.effective_url);
}

/* r was cancelled because the run was interrupted (SIGINT, SIGTERM, SIGHUP). */
static int interrupted(const struct run *run, const struct rec *r)
{
    return r->code == CF_ECANCELED && run->stop == STOP_INTERRUPT;
}

void run_finish(struct run *run, struct rec *r)
{
    int ok = r->code == 0;

    r->order = ++run->order;
    if (r->code == CF_ECANCELED)
        run->cancelled++;
    if (interrupted(run, r)) {
        /* Cut off by Ctrl-C: no failure of the fetch's own, counted apart. */
        sb_reset(&r->err);
        sb_adds(&r->err, "interrupted");
        run->stats.interrupted++;
    } else {
        stats_add(&run->stats, rec_time(r), ok, r->resp.bytes);
    }
    dump_headers(run, r);
    if (run->tl) {
        struct tl_row row = {r->urlnum + 1, r->step, ok, r->start, r->end, r->order};
        timeline_add(run->tl, &row);
    }
    har_add(run->har, r);
    htmlreport_add(run->hr, r);
    if (run->cfg->verbose)
        verbose(run, r);
    /* Records of --body and -w may not show the error: say it on stderr, as curl does
     * (without -s, or with -S). */
    if (!ok && r->code != CF_ECANCELED && !run->cfg->verbose &&
        (run->cfg->show_error || (!run->cfg->silent && (run->cfg->format == OUT_BODY ||
                                                        run->cfg->format == OUT_WRITEOUT)))) {
        progress_clear(run->prog);
        fprintf(stderr, "cofetch: %s:%lu %.*s: %s\n", r->src ? r->src : "?", r->lineno,
                (int)(r->url_len > 2000 ? 2000 : r->url_len), r->url, rec_error(r));
    }
    if (!ok && run->cfg->fail_fast && r->code != CF_ECANCELED && run->stop == STOP_NONE) {
        progress_clear(run->prog);
        fprintf(stderr, "cofetch: --fail-fast: %s:%lu %.*s failed: %s; cancelling the rest\n",
                r->src ? r->src : "?", r->lineno, (int)(r->url_len > 200 ? 200 : r->url_len),
                r->url, rec_error(r));
        run_stop(run, STOP_FAIL_FAST);
    }
}

/* Whether r is its line's last record, so that the line is done once r is out: a fetch
 * or bad line, or the last step of a chain (the last there is, or the one that failed).
 * Cancelled lines are left out: a rerun does them again. */
static int completes_line(const struct run *run, const struct rec *r)
{
    return r->code != CF_ECANCELED && (!run->chain || r->code || r->step == (int)run->cfg->nthens);
}

/* The line is out up to `end` bytes of stdout: journal it. */
static void journal_line(struct run *run, uint64_t end, int ok, uint64_t ident, const char *src,
                         unsigned long lineno, const char *url, size_t len)
{
    journal_add(run->journal, end, ok, ident, src, lineno, url, len);
    if (end <= run->out->written) /* that write happened already (a full buffer) */
        journal_flush(run->journal, run->out->written);
}

int run_drops_line(const struct run *run, const struct rec *last)
{
    return run->journal && interrupted(run, last);
}

void run_write(struct run *run, const struct rec *r)
{
    if (!run->out || run_drops_line(run, r))
        return;
    output_record(run->out, r);
    if (run->journal && completes_line(run, r))
        journal_line(run, output_end(run->out), r->code == 0, r->ident, r->src, r->lineno,
                     r->line_url, r->line_len);
}

int run_entry(struct run *run, const struct rec *recs, int n, struct strbuf *scratch,
              struct reorder_entry *e)
{
    const struct rec *last = &recs[n - 1];

    sb_reset(scratch);
    for (int i = 0; i < n && !run_drops_line(run, last); i++)
        if (output_format(run->out, scratch, &recs[i]))
            return CF_ENOMEM;
    *e = (struct reorder_entry){
        .bytes = sb_cstr(scratch),
        .len = scratch->len,
        .journal = run->journal && completes_line(run, last) && !run_drops_line(run, last),
        .ok = last->code == 0,
        .ident = last->ident,
        .src = last->src,
        .lineno = last->lineno,
        .url = last->line_url,
        .url_len = last->line_len,
    };
    return 0;
}

void run_write_entry(struct run *run, const struct reorder_entry *e)
{
    if (!run->out)
        return;
    output_raw(run->out, e->bytes, e->len);
    if (e->journal)
        journal_line(run, output_end(run->out), e->ok, e->ident, e->src, e->lineno, e->url,
                     e->url_len);
}

void run_stop(struct run *run, enum stop_reason why)
{
    if (run->stop != STOP_NONE)
        return;
    run->stop = why;
    if (run->cancel)
        run->cancel(run->engine);
}

int run_mode(struct run *run)
{
    int rc;

    run->t0 = cf_loop_time();
    rc = run->mode->run(run);
    run->wall = run_now(run);
    if (run->out)
        output_flush(run->out);
    return rc;
}

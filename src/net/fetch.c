/*
 * fetch.c - cf_fetch: one request from a task, start to end.
 *
 *   for each attempt:
 *     wait for the host's rate turn, a transfer slot, the global rate turn (queue time)
 *     take a pooled easy handle, set the request's options, run it in the multi
 *     (suspending until it ends), read the result back, give the handle back
 *     release the slot; if the failure is transient and attempts remain, back off
 *     (cf_sleep: cancellable) and go again
 *
 * Per fetch, the bookkeeping (struct cf_xfer, curl's error buffer) lives on the task's
 * stack; the response's buffers are the only allocations (and one for the attempts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "cofetch/task.h"
#include "net.h"

/* Everything a transfer waits for before it starts; the time spent goes to *queued.
 * On success the caller holds a slot (when the client has a limit). */
static int wait_turn(cf_client *c, const char *url, double *queued)
{
    struct cf_host_rate *host;
    double t0 = cf_loop_time();
    int rc;

    rc = cf_ratelimit_host_wait(&c->rate, url, &host);
    if (rc == 0 && c->slots)
        rc = cf_sem_acquire(c->slots);
    if (rc == 0) {
        rc = cf_ratelimit_wait(&c->rate, host);
        if (rc && c->slots)
            cf_sem_release(c->slots);
    }
    *queued += cf_loop_time() - t0;
    return rc;
}

static void describe_failure(struct cf_xfer *x, int code)
{
    struct cf_response *resp = x->resp;
    char detail[96];

    if (code == CF_ECANCELED) {
        cf_error_set(resp, code, NULL);
    } else if (code == CF_EHTTP) {
        snprintf(detail, sizeof detail, "HTTP %ld", resp->status);
        cf_error_set(resp, code, detail);
    } else if (code == CF_ETOOBIG) {
        snprintf(detail, sizeof detail, "body exceeds %lld bytes", x->max_body);
        cf_error_set(resp, code, detail);
    } else if (x->sink_err) {
        cf_error_set(resp, code, "the body's sink failed");
    } else {
        cf_error_set(resp, code, x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result));
    }
}

/* One attempt, holding a slot: set up on the loop's stack, wait on the task's, read the
 * result back on the loop's (libcurl and formatting go deep; a fetching task's stack may
 * be small: cf_task_set_stack_size). */
struct step {
    cf_client *c;
    struct cf_xfer *x;
    struct cf_attempt *a;
    int rc;
};

static int attempt_begin(void *arg)
{
    struct step *st = arg;
    struct cf_xfer *x = st->x;

    st->a->start = cf_client_now(st->c);
    x->easy = cf_easy_get(&st->c->pool);
    if (!x->easy) {
        cf_error_set(x->resp, CF_ENOMEM, NULL);
        return CF_ENOMEM;
    }
    cf_response_begin_attempt(x);
    return cf_request_apply(x);
}

static int attempt_end(void *arg)
{
    struct step *st = arg;
    struct cf_xfer *x = st->x;
    const struct cf_request *req = x->req;
    struct cf_response *resp = x->resp;
    struct cf_attempt *a = st->a;
    int rc = st->rc, crc;

    if (!x->easy) /* attempt_begin found none */
        return rc;
    if (rc == 0) {
        rc = x->sink_err ? x->sink_err
                         : cf_error_from_transfer(x->result, x->easy, x->errbuf, sizeof x->errbuf);
        crc = cf_response_collect(x);
        if (rc == 0)
            rc = crc;
        if (rc == 0 && req->fail_on_http_error && resp->status >= 400)
            rc = CF_EHTTP;
    }
    a->total = cf_client_now(st->c) - a->start;
    a->code = rc;
    a->status = resp->status;
    if (rc == CF_EURL || rc == CF_EINVAL)
        cf_error_set(resp, rc, x->errbuf[0] ? x->errbuf : req->url);
    else if (rc)
        describe_failure(x, rc);
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    cf_easy_put(&st->c->pool, x->easy);
    x->easy = NULL;
    return rc;
}

/* The transfer was stopped before libcurl resent it on another kept connection (multi.c):
 * the same request again, on a fresh connection. Nothing was heard, so nothing to undo
 * but the stop's error text. */
static int attempt_fresh(void *arg)
{
    struct step *st = arg;
    struct cf_xfer *x = st->x;

    x->fresh = 1;
    x->errbuf[0] = '\0';
    cf_response_begin_attempt(x);
    return 0;
}

static int attempt(cf_client *c, struct cf_xfer *x, struct cf_attempt *a)
{
    struct step st = {c, x, a, 0};

    x->fresh = 0;
    st.rc = cf_on_loop_stack(attempt_begin, &st);
    if (st.rc == 0)
        st.rc = cf_multi_perform(c, x);
    if (st.rc == 0 && x->stale) {
        cf_on_loop_stack(attempt_fresh, &st);
        st.rc = cf_multi_perform(c, x);
    }
    return cf_on_loop_stack(attempt_end, &st);
}

/* The fetch's state between its suspensions; the bookkeeping runs on the loop's stack. */
struct fetch {
    cf_client *c;
    const struct cf_request *req;
    struct cf_response *resp;
    struct cf_xfer *x;
    int max_attempts;
    int rc;
    double wait;        /* before the next attempt */
    const char *detail; /* fetch_fail: what to add to the error's text */
};

static int finish(struct cf_response *resp, int code, const char *detail)
{
    resp->code = code;
    if (detail || code == 0 || !resp->error)
        cf_error_set(resp, code, detail);
    return code;
}

/* The fetch ends with f->rc, described by f->detail (if any). */
static int fetch_fail(void *arg)
{
    struct fetch *f = arg;
    cf_error_set(f->resp, f->rc, f->detail);
    return 0;
}

static int fetch_start(void *arg)
{
    struct fetch *f = arg;
    f->resp->attempt = calloc((size_t)f->max_attempts, sizeof *f->resp->attempt);
    return f->resp->attempt ? 0 : finish(f->resp, CF_ENOMEM, NULL);
}

/* After an attempt that ended with f->rc: 1 to try again after f->wait seconds. */
static int fetch_again(void *arg)
{
    struct fetch *f = arg;
    struct cf_response *resp = f->resp;
    struct cf_attempt *a = &resp->attempt[resp->attempts];

    if (resp->attempts++ == 0)
        resp->start = a->start;
    resp->end = a->start + a->total;
    if (!f->x->may_retry || f->x->delivered || !cf_retry_transient(f->req, f->rc, resp->status))
        return 0;
    f->wait = cf_retry_backoff(f->c, f->req, resp->attempts + 1, cf_retry_after(resp));
    if (f->wait < 0)
        return 0;
    a->wait = f->wait;
    return 1;
}

static int fetch_finish(void *arg)
{
    struct fetch *f = arg;
    int rc = f->rc;

    if (rc == 0 && f->req->sink == CF_SINK_MEMORY && !f->resp->body) {
        f->resp->body = calloc(1, 1);
        if (!f->resp->body)
            rc = CF_ENOMEM;
    }
    return finish(f->resp, rc, rc ? NULL : "");
}

int cf_fetch(const struct cf_request *req, struct cf_response *resp)
{
    cf_client *c = cf_client_current();
    struct cf_xfer x;
    struct fetch f = {c, req, resp, &x, 0, CF_EINVAL, 0, NULL};
    int rc;

    if (!resp)
        return CF_EINVAL;
    memset(resp, 0, sizeof *resp);
    if (!req || !req->url)
        f.detail = "no URL";
    else if (!cf_task_current())
        return finish(resp, CF_ENOTASK, NULL);
    else if (!c)
        f.detail = "no client on this loop (cf_client_new)";
    if (f.detail) {
        cf_on_loop_stack(fetch_fail, &f);
        resp->code = f.rc;
        return f.rc;
    }
    f.max_attempts = 1 + (req->retries > 0 ? req->retries : 0);
    rc = cf_on_loop_stack(fetch_start, &f);
    if (rc)
        return rc;

    memset(&x, 0, sizeof x);
    x.client = c;
    x.req = req;
    x.resp = resp;
    for (;;) {
        f.rc = wait_turn(c, req->url, &resp->t.queue);
        if (f.rc) {
            f.detail = f.rc == CF_EURL ? req->url : NULL;
            cf_on_loop_stack(fetch_fail, &f);
            break;
        }
        x.may_retry = resp->attempts + 1 < f.max_attempts;
        f.rc = attempt(c, &x, &resp->attempt[resp->attempts]);
        if (c->slots)
            cf_sem_release(c->slots);
        if (!cf_on_loop_stack(fetch_again, &f))
            break;
        if (cf_sleep(f.wait) != 0) {
            f.rc = CF_ECANCELED;
            cf_on_loop_stack(fetch_fail, &f);
            break;
        }
    }
    return cf_on_loop_stack(fetch_finish, &f);
}

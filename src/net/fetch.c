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

/* One attempt, holding a slot. Returns its CF_E* result and fills *a. */
static int attempt(cf_client *c, struct cf_xfer *x, struct cf_attempt *a)
{
    const struct cf_request *req = x->req;
    struct cf_response *resp = x->resp;
    int rc, crc;

    a->start = cf_client_now(c);
    x->easy = cf_easy_get(&c->pool);
    if (!x->easy) {
        cf_error_set(resp, CF_ENOMEM, NULL);
        return CF_ENOMEM;
    }
    cf_response_begin_attempt(x);
    rc = cf_request_apply(x);
    if (rc == 0)
        rc = cf_multi_perform(c, x);
    if (rc == 0) {
        rc = x->sink_err ? x->sink_err
                         : cf_error_from_transfer(x->result, x->easy, x->errbuf, sizeof x->errbuf);
        crc = cf_response_collect(x);
        if (rc == 0)
            rc = crc;
        if (rc == 0 && req->fail_on_http_error && resp->status >= 400)
            rc = CF_EHTTP;
    }
    a->total = cf_client_now(c) - a->start;
    a->code = rc;
    a->status = resp->status;
    if (rc == CF_EURL || rc == CF_EINVAL)
        cf_error_set(resp, rc, x->errbuf[0] ? x->errbuf : req->url);
    else if (rc)
        describe_failure(x, rc);
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    cf_easy_put(&c->pool, x->easy);
    x->easy = NULL;
    return rc;
}

static int finish(struct cf_response *resp, int code, const char *detail)
{
    resp->code = code;
    if (detail || code == 0)
        cf_error_set(resp, code, detail);
    return code;
}

int cf_fetch(const struct cf_request *req, struct cf_response *resp)
{
    cf_client *c = cf_client_current();
    struct cf_xfer x;
    int max_attempts, rc;

    if (!resp)
        return CF_EINVAL;
    memset(resp, 0, sizeof *resp);
    if (!req || !req->url)
        return finish(resp, CF_EINVAL, "no URL");
    if (!cf_task_current())
        return finish(resp, CF_ENOTASK, NULL);
    if (!c)
        return finish(resp, CF_EINVAL, "no client on this loop (cf_client_new)");
    max_attempts = 1 + (req->retries > 0 ? req->retries : 0);
    resp->attempt = calloc((size_t)max_attempts, sizeof *resp->attempt);
    if (!resp->attempt)
        return finish(resp, CF_ENOMEM, NULL);

    memset(&x, 0, sizeof x);
    x.client = c;
    x.req = req;
    x.resp = resp;
    for (;;) {
        struct cf_attempt *a = &resp->attempt[resp->attempts];
        double wait;

        rc = wait_turn(c, req->url, &resp->t.queue);
        if (rc) {
            cf_error_set(resp, rc, rc == CF_EURL ? req->url : NULL);
            break;
        }
        x.may_retry = resp->attempts + 1 < max_attempts;
        rc = attempt(c, &x, a);
        if (c->slots)
            cf_sem_release(c->slots);
        if (resp->attempts++ == 0)
            resp->start = a->start;
        resp->end = a->start + a->total;
        if (!x.may_retry || x.delivered || !cf_retry_transient(req, rc, resp->status))
            break;
        wait = cf_retry_backoff(c, req, resp->attempts + 1, cf_retry_after(resp));
        if (wait < 0)
            break;
        a->wait = wait;
        if (cf_sleep(wait) != 0) {
            rc = CF_ECANCELED;
            cf_error_set(resp, rc, NULL);
            break;
        }
    }
    if (rc == 0 && req->sink == CF_SINK_MEMORY && !resp->body) {
        resp->body = calloc(1, 1);
        if (!resp->body)
            rc = CF_ENOMEM;
    }
    return finish(resp, rc, rc ? NULL : "");
}

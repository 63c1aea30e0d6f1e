/*
 * fetch.c - cf_fetch: one request from a task, start to end.
 *
 * Which stack runs what. A fetching task may have a small stack (the CLI's have 1,536
 * bytes: cf_task_set_stack_size), too small for libcurl, stdio or the response's
 * bookkeeping. So the code of the network layer that runs on a task's stack is all in
 * this file, and it only waits: every function here whose name does not end in _on_loop
 * runs on the task's stack and calls nothing but cf_sleep, cf_sem_acquire,
 * cf_sem_release, cf_task_suspend, cf_task_current, cf_task_cancelled, cf_loop_time,
 * memset, CF_ON_LOOP and the other task-side functions of this file. Everything else
 * happens in a `static int NAME_on_loop(void *arg)` function, reached only as
 * CF_ON_LOOP(NAME, &state), which runs it on the loop's stack; the other files of
 * src/net run only there.
 *
 *   for each attempt:
 *     wait for the host's rate turn, a transfer slot, the global rate turn (queue time)
 *     set up a pooled easy handle, run it in the multi (suspended until it ends), read
 *     the result back; release the slot
 *     if the failure is transient and attempts remain, back off (cancellable), go again
 *
 * The fetch's state (struct fetch, the attempt's struct cf_xfer in it) lives on the
 * task's stack; the response's buffers and its attempts array are the only allocations.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "cofetch/fetch.h"
#include "cofetch/sem.h"
#include "cofetch/task.h"
#include "client.h"
#include "errors.h"
#include "multi.h"
#include "ratelimit.h"
#include "retry.h"
#include "xfer.h"

/* A fetch from its start to its end. */
struct fetch {
    const struct cf_request *req;
    struct cf_response *resp;
    cf_client *c;
    struct cf_host_rate *host; /* the URL's host, when a per-host limit is set */
    cf_sem *host_slots;        /* its transfer slots, when max_host_connections is set */
    double turn;               /* when the turn reserved last comes (cf_loop_time) */
    double wait;               /* the backoff before the next attempt */
    int max_attempts;
    int rc;           /* the fetch's result so far */
    int last;         /* fetch_again said no: rc is the last attempt's, described */
    struct cf_xfer x; /* the attempt */
};

/* ---- the loop's side: everything but waiting ---- */

/* The checks, the client, the attempts array. Non-zero: the fetch ends with f->rc. */
static int fetch_begin_on_loop(void *arg)
{
    struct fetch *f = arg;
    struct cf_response *resp = f->resp;

    if (!resp)
        return f->rc = CF_EINVAL;
    memset(resp, 0, sizeof *resp);
    f->c = cf_client_current();
    if (!f->req || !f->req->url)
        f->rc = cf_error_final(resp, CF_EINVAL, "no URL");
    else if (!f->x.task)
        f->rc = cf_error_final(resp, CF_ENOTASK, NULL);
    else if (!f->c)
        f->rc = cf_error_final(resp, CF_EINVAL, "no client on this loop (cf_client_new)");
    if (f->rc)
        return f->rc;
    f->max_attempts = 1 + (f->req->retries > 0 ? f->req->retries : 0);
    resp->attempt = calloc((size_t)f->max_attempts, sizeof *resp->attempt);
    if (!resp->attempt)
        return f->rc = cf_error_final(resp, CF_ENOMEM, NULL);
    f->x.client = f->c;
    return 0;
}

/* The host's turn: f->host and f->turn (f->host NULL: no per-host limit). */
static int host_turn_on_loop(void *arg)
{
    struct fetch *f = arg;
    int rc = cf_ratelimit_host_reserve(&f->c->rate, f->req->url, &f->host, &f->turn);
    f->host_slots = cf_ratelimit_host_slots(f->host);
    return rc;
}

static int host_turn_back_on_loop(void *arg)
{
    struct fetch *f = arg;
    cf_ratelimit_host_unreserve(&f->c->rate, f->host, f->turn);
    return 0;
}

/* Holding a slot: the global turn and the host's spacing, in f->turn. */
static int global_turn_on_loop(void *arg)
{
    struct fetch *f = arg;
    f->turn = cf_ratelimit_reserve(&f->c->rate, f->host);
    return 0;
}

static int global_turn_back_on_loop(void *arg)
{
    struct fetch *f = arg;
    cf_ratelimit_unreserve(&f->c->rate, f->turn);
    return 0;
}

static int attempt_begin_on_loop(void *arg)
{
    struct fetch *f = arg;

    f->x.may_retry = f->resp->attempts + 1 < f->max_attempts;
    return cf_xfer_begin(&f->x, &f->resp->attempt[f->resp->attempts]);
}

static int transfer_add_on_loop(void *arg)
{
    struct fetch *f = arg;
    return cf_multi_add(f->c, &f->x);
}

static int transfer_remove_on_loop(void *arg)
{
    struct fetch *f = arg;
    cf_multi_remove(f->c, &f->x);
    return 0;
}

static int attempt_fresh_on_loop(void *arg)
{
    struct fetch *f = arg;
    cf_xfer_refresh(&f->x);
    return 0;
}

/* The attempt ended with f->rc: its outcome, as the attempt's code. */
static int attempt_end_on_loop(void *arg)
{
    struct fetch *f = arg;
    return cf_xfer_end(&f->x, &f->resp->attempt[f->resp->attempts], f->rc);
}

/* Count the attempt that ended with f->rc. 1: try again after f->wait seconds. */
static int fetch_again_on_loop(void *arg)
{
    struct fetch *f = arg;
    struct cf_response *resp = f->resp;
    struct cf_attempt *a = &resp->attempt[resp->attempts];

    if (resp->attempts++ == 0)
        resp->start = a->start;
    resp->end = a->start + a->total;
    f->wait = -1;
    if (f->x.may_retry && !f->x.delivered && cf_retry_transient(f->req, f->rc, resp->status))
        f->wait = cf_retry_backoff(f->c, f->req, resp->attempts + 1, cf_retry_after(resp));
    if (f->req->retry_max_time > 0 && resp->end - resp->start >= f->req->retry_max_time)
        f->wait = -1;
    f->last = f->wait < 0;
    if (!f->last)
        a->wait = f->wait;
    return !f->last;
}

/* The fetch ends with f->rc: the response's code and text. */
static int fetch_end_on_loop(void *arg)
{
    struct fetch *f = arg;
    struct cf_response *resp = f->resp;
    int rc = f->rc;

    if (rc && !f->last) { /* a turn not had or a backoff cut short: not described yet */
        cf_error_set(resp, rc, rc == CF_EURL ? f->req->url : NULL);
        resp->curl_code = cf_curl_code(rc);
    }
    if (rc == 0 && f->req->sink == CF_SINK_MEMORY && !resp->body) {
        resp->body = calloc(1, 1);
        if (!resp->body)
            rc = CF_ENOMEM;
    }
    return cf_error_final(resp, rc, rc ? NULL : "");
}

/* ---- the task's side: waiting ---- */

static int sleep_until(double at)
{
    double now = cf_loop_time();
    return at > now ? cf_sleep(at - now) : 0;
}

/* Everything a transfer waits for before it starts: its host's turn (holding nothing, so
 * one slow host does not hold slots other hosts could use), a transfer slot (FIFO), the
 * global turn and the host's spacing. The time goes to resp->t.queue. On success the task
 * holds a slot (when the client has a limit); on failure nothing. */
static int wait_turn(struct fetch *f)
{
    double t0 = cf_loop_time();
    int rc = CF_ON_LOOP(host_turn, f);

    if (rc == 0 && f->host) {
        rc = sleep_until(f->turn);
        if (rc)
            CF_ON_LOOP(host_turn_back, f);
    }
    if (f->host_slots) { /* the host's slot, then the client's: held while set */
        cf_sem *host_slots = f->host_slots;
        f->host_slots = NULL;
        if (rc == 0 && (rc = cf_sem_acquire(host_slots)) == 0)
            f->host_slots = host_slots;
    }
    if (rc == 0 && f->c->slots)
        rc = cf_sem_acquire(f->c->slots);
    if (rc == 0) {
        CF_ON_LOOP(global_turn, f);
        rc = sleep_until(f->turn);
        if (rc) {
            CF_ON_LOOP(global_turn_back, f);
            if (f->c->slots)
                cf_sem_release(f->c->slots);
        }
    }
    if (rc && f->host_slots) {
        cf_sem_release(f->host_slots);
        f->host_slots = NULL;
    }
    f->resp->t.queue += cf_loop_time() - t0;
    return rc;
}

/* Run the attempt's transfer in the multi until it ends (libcurl's result then in
 * f->x.result). Returns 0, CF_ECANCELED (the transfer is out of the multi), or an error
 * from adding it. */
static int transfer(struct fetch *f)
{
    struct cf_xfer *x = &f->x;
    int rc;

    x->cancelled = 0;
    x->result = CURLE_OK;
    if (cf_task_cancelled(x->task))
        return CF_ECANCELED;
    rc = CF_ON_LOOP(transfer_add, f);
    if (rc == 0) {
        rc = cf_task_suspend(-1, cf_multi_cancel, x);
        if (x->in_multi) /* cancelled while libcurl was calling us, or before suspending */
            CF_ON_LOOP(transfer_remove, f);
    }
    return rc;
}

/* One attempt, holding a slot. A transfer stopped before libcurl resent it on another
 * kept connection (x.stale: connections.c) runs once more, on a fresh connection. */
static int attempt(struct fetch *f)
{
    f->rc = CF_ON_LOOP(attempt_begin, f);
    if (f->rc == 0)
        f->rc = transfer(f);
    if (f->rc == 0 && f->x.stale) {
        CF_ON_LOOP(attempt_fresh, f);
        f->rc = transfer(f);
    }
    return CF_ON_LOOP(attempt_end, f);
}

int cf_fetch(const struct cf_request *req, struct cf_response *resp)
{
    struct fetch f = {
        .req = req, .resp = resp, .x = {.req = req, .resp = resp, .task = cf_task_current()}};

    if (CF_ON_LOOP(fetch_begin, &f))
        return f.rc;
    for (;;) {
        f.rc = wait_turn(&f);
        if (f.rc)
            break;
        f.rc = attempt(&f);
        if (f.c->slots)
            cf_sem_release(f.c->slots);
        if (f.host_slots)
            cf_sem_release(f.host_slots);
        if (!CF_ON_LOOP(fetch_again, &f))
            break;
        if (cf_sleep(f.wait) != 0) {
            f.rc = CF_ECANCELED;
            break;
        }
    }
    return CF_ON_LOOP(fetch_end, &f);
}

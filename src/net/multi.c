/*
 * multi.c - one CURLM per client, driven by the loop's libevent base: curl's hiperfifo
 * recipe. libcurl says which sockets to watch (on_socket, CURLMOPT_SOCKETFUNCTION) and
 * when to call it back (on_timer, CURLMOPT_TIMERFUNCTION: one timer); libevent calls
 * on_event or on_timeout, which call curl_multi_socket_action (drive) and then resolve
 * the finished transfers (reap), each waking the task suspended in cf_fetch. Everything
 * here runs on the loop's stack: a fetching task adds its transfer and suspends through
 * fetch.c's _on_loop steps.
 *
 * What else libcurl needs told has a file of its own: sockets.c (the sockets watched,
 * an idle connection's kept registered), connections.c (which connection a transfer may
 * use, how many are kept), watchdog.c (stalled HTTP/2 transfers kicked), slices.c (a
 * transfer that takes too much in one call paused until the others have run).
 *
 * Callbacks never exit or abort: a failure is kept in client->error (the first one)
 * and reported through libcurl's return codes.
 *
 * Cancellation: a task cancelled while its transfer runs has its easy handle removed
 * from the multi at once (libcurl closes a connection whose transfer is removed before
 * it ended, unless the connection is multiplexed, where only the stream is reset; so a
 * half-read connection is never reused). If the cancel arrives while libcurl is calling
 * us (a body callback cancelled a task), removing the handle there is not allowed: the
 * transfer is only marked, its callbacks stop it, and the task removes the handle when
 * it resumes, which is always after socket_action has returned.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <stddef.h>

#include "cofetch/error.h"
#include "cofetch/task.h"
#include "client.h"
#include "connections.h"
#include "errors.h"
#include "multi.h"
#include "response.h"
#include "slices.h"
#include "sockets.h"
#include "watchdog.h"
#include "xfer.h"

static void keep_error(cf_client *c, int code)
{
    if (!c->error)
        c->error = code;
}

/* ---- finished transfers ---- */

static void xfer_remove(cf_client *c, struct cf_xfer *x)
{
    curl_multi_remove_handle(c->multi, x->easy);
    x->in_multi = 0;
    x->sink_paused = 0;
    if (x->resp->priv)
        x->resp->priv->xfer = NULL;
    c->recv_bytes -= (size_t)x->recv_buf;
    if (--c->in_flight == 0)
        cf_watchdog_stop(c);
    cf_conns_removed(x);
    cf_slice_stop(x);
}

/* Resolve every finished transfer: remove it, then wake its task. The message is not
 * touched after the handle is removed. */
static void reap(cf_client *c)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
        struct cf_xfer *x = NULL;
        CURLcode result = msg->data.result;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        xfer_remove(c, x);
        x->result = result;
        if (!x->cancelled)
            cf_task_wake(x->task, 0);
    }
}

void cf_multi_drive(cf_client *c, curl_socket_t fd, int action)
{
    CURLMcode rc;

    c->in_action++;
    c->actions++;
    rc = curl_multi_socket_action(c->multi, fd, action, &c->running);
    c->in_action--;
    if (rc != CURLM_OK)
        keep_error(c, cf_error_from_multi(rc));
    reap(c);
    if (c->running <= 0)
        evtimer_del(c->timer);
}

/* ---- libevent -> libcurl ---- */

static void on_event(evutil_socket_t fd, short what, void *arg)
{
    struct cf_sock *s = arg;
    int action =
        ((what & EV_READ) ? CURL_CSELECT_IN : 0) | ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);

    if (cf_sock_stirred(s)) /* an idle connection's: not libcurl's business yet */
        return;
    cf_multi_drive(s->client, fd, action); /* s may be gone now */
}

static void on_timeout(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    cf_multi_drive(arg, CURL_SOCKET_TIMEOUT, 0);
}

/* ---- libcurl -> libevent ---- */

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
    cf_client *c = userp;
    struct cf_sock *s = sockp ? sockp : cf_sock_find(c, fd);
    short events = 0;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (s)
            cf_sock_unwatch(c, s);
        return 0;
    }
    if (!s && !(s = cf_sock_new(c, fd))) {
        keep_error(c, CF_ENOMEM);
        return -1;
    }
    if (!s->watched) {
        cf_sock_watch(c, s);
        curl_multi_assign(c->multi, fd, s);
    }
    if (what & CURL_POLL_IN)
        events |= EV_READ;
    if (what & CURL_POLL_OUT)
        events |= EV_WRITE;
    cf_sock_listen(s, events);
    return 0;
}

/* -1: delete the timer. Anything else (0 too) is scheduled, never acted on here. */
static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    cf_client *c = userp;

    (void)multi;
    if (timeout_ms < 0) {
        evtimer_del(c->timer);
    } else {
        struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        evtimer_add(c->timer, &tv);
    }
    return 0;
}

/* ---- setup ---- */

int cf_multi_init(cf_client *c, const struct cf_client_opts *opts)
{
    CURLM *m = NULL;

    c->timer = evtimer_new(cf_loop_base(c->loop), on_timeout, c);
    if (c->timer && cf_watchdog_init(c) == 0)
        m = curl_multi_init();
    if (!m) {
        if (c->timer)
            event_free(c->timer);
        c->timer = NULL;
        cf_watchdog_free(c);
        return CF_ENOMEM;
    }
    c->multi = m;
    cf_sockets_init(c, on_event);
    cf_conns_init(c, opts);
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, c);
    curl_multi_setopt(m, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    /* max_host_connections is kept by ratelimit.c before a transfer is added (a wait
     * libcurl would count in the transfer's timeout), so libcurl needs no limit here. */
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, opts->max_total_connections);
    return 0;
}

void cf_multi_cleanup(cf_client *c)
{
    if (c->multi)
        curl_multi_cleanup(c->multi); /* closes connections; may call on_socket */
    c->multi = NULL;
    cf_sockets_free(c);
    if (c->timer)
        event_free(c->timer);
    c->timer = NULL;
    cf_watchdog_free(c);
}

/* ---- a transfer ---- */

int cf_multi_add(cf_client *c, struct cf_xfer *x)
{
    CURLMcode mrc;

    struct cf_response_priv *priv = cf_response_priv(x->resp);

    if (!priv)
        return CF_ENOMEM;
    priv->xfer = x;
    x->sink_paused = 0;
    curl_easy_setopt(x->easy, CURLOPT_PRIVATE, (void *)x);
    cf_conns_prepare(x);
    mrc = curl_multi_add_handle(c->multi, x->easy);
    if (mrc != CURLM_OK) {
        priv->xfer = NULL;
        return cf_error_from_multi(mrc);
    }
    x->in_multi = 1;
    c->recv_bytes += (size_t)x->recv_buf;
    c->in_flight++;
    cf_conns_peak(c);
    if (c->in_flight == 1)
        cf_watchdog_start(c);
    return 0;
}

void cf_multi_remove(cf_client *c, struct cf_xfer *x)
{
    xfer_remove(c, x);
}

void cf_multi_cancel(void *ctx)
{
    struct cf_xfer *x = ctx;

    x->cancelled = 1;
    if (x->in_multi && !x->client->in_action)
        xfer_remove(x->client, x);
}

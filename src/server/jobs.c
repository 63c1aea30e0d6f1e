/*
 * jobs.c - replies that outlive the request callback: /delay (a timer), /bytes and /gzip (a body
 * streamed as the connection drains), /drip (a byte per timer tick) and /reset (a close
 * once the partial reply has left). It calls only params.c and reply.c.
 *
 * Ownership: a job holds its request until it calls job_release(), after which it answers
 * the request with the final evhttp call (which may complete it and even free the
 * connection synchronously, so nothing of the job may be touched after). If the connection
 * dies first, the close callback calls srv_job_abort() instead.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "gzip.h"
#include "jobs.h"
#include "params.h"
#include "reply.h"
#include "types.h"

/* Bytes of /bytes handed to libevent at a time; the next piece goes when they have left. */
#define STREAM_CHUNK (128 * 1024)
/* /reset checks this often whether its partial reply has been written out. */
#define RESET_POLL_US 2000
#define RESET_LENGTH  "1000"

struct srv_job {
    struct srv_conn *conn;
    struct evhttp_request *req;
    struct event *timer; /* NULL for a streamed body */
    struct event *watch; /* the peer's close, where the backend reports it; or NULL */
    uint64_t total;      /* body bytes to send (bytes, drip) */
    uint64_t sent;       /* body bytes handed to libevent so far */
    double secs;         /* delay */
    int rst;             /* reset: abortive close */
    struct srv_gzip *gz; /* gzip: the member being made (owned) */
    char text[256];      /* delay: the body to answer with ("" = "slept S") */
};

static void job_drop_connection(struct srv_job *job, int abortive);

static void on_peer_closed(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    job_drop_connection(arg, 0);
}

/*
 * A job for req on conn, with a timer calling cb when cb is not NULL (persistent when
 * persist). NULL when out of memory, and the caller answers 500 itself.
 */
static struct srv_job *job_new(struct srv_conn *conn, struct evhttp_request *req,
                               event_callback_fn cb, int persist)
{
    struct event_base *base = conn->srv->base;
    struct srv_job *job;
    evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn->evcon));

    /* libevent reads no next request before this reply ends, so this cannot happen. */
    if (conn->job != NULL)
        return NULL;
    job = calloc(1, sizeof(*job));
    if (job == NULL)
        return NULL;
    if (cb != NULL) {
        job->timer = event_new(base, -1, persist ? EV_PERSIST : 0, cb, job);
        if (job->timer == NULL)
            goto fail;
    }
    /*
     * libevent reads nothing from a connection while its reply is pending, so by itself it
     * notices a client that left only when it next writes (for a /delay: at the end). Watch
     * for the peer's close where the backend can (epoll's EPOLLRDHUP). A client that
     * half-closes after its request is taken as gone too.
     */
    if (fd >= 0 && (event_base_get_features(base) & EV_FEATURE_EARLY_CLOSE)) {
        job->watch = event_new(base, fd, EV_CLOSED, on_peer_closed, job);
        if (job->watch == NULL || event_add(job->watch, NULL) != 0)
            goto fail;
    }
    job->conn = conn;
    job->req = req;
    conn->job = job;
    return job;

fail:
    if (job->watch != NULL)
        event_free(job->watch);
    if (job->timer != NULL)
        event_free(job->timer);
    free(job);
    return NULL;
}

/* Frees the job and returns its request, which the caller now answers or drops. */
static struct evhttp_request *job_release(struct srv_job *job)
{
    struct evhttp_request *req = job->req;

    job->conn->job = NULL;
    free(job->gz);
    if (job->watch != NULL)
        event_free(job->watch);
    if (job->timer != NULL)
        event_free(job->timer);
    free(job);
    return req;
}

void srv_job_abort(struct srv_job *job)
{
    struct evhttp_request *req = job_release(job);

    /*
     * On a network error libevent unlinks a request the user has not finished from the
     * connection and leaves it to us (evhttp_connection_incoming_fail); otherwise the
     * request is still queued on the connection, which frees it after this callback.
     */
    if (evhttp_request_get_connection(req) == NULL)
        evhttp_request_free(req);
}

/* Drops the connection of job without a (further) reply. */
static void job_drop_connection(struct srv_job *job, int abortive)
{
    struct evhttp_connection *evcon = job->conn->evcon;

    job_release(job);
    if (abortive) {
        /*
         * evhttp_connection_free() does shutdown(SHUT_WR) before close(), which sends a FIN
         * even with SO_LINGER 0. On Linux, connect() to AF_UNSPEC aborts the connection with
         * a RST first; linger 0 still makes close() abortive where that is not supported.
         */
        struct linger lg = {.l_onoff = 1, .l_linger = 0};
        struct sockaddr unspec = {.sa_family = AF_UNSPEC};
        evutil_socket_t fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
        if (fd >= 0) {
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
            connect(fd, &unspec, sizeof(unspec));
        }
    }
    /* The request is still queued on the connection, which frees it. */
    evhttp_connection_free(evcon);
}

/* Starts a reply whose body is sent piecewise with a known length (so not chunked). */
static void reply_start_sized(struct evhttp_request *req, uint64_t length, const char *type)
{
    struct evkeyvalq *hdrs = evhttp_request_get_output_headers(req);
    char num[24];

    snprintf(num, sizeof(num), "%llu", (unsigned long long)length);
    evhttp_add_header(hdrs, "Content-Length", num);
    evhttp_add_header(hdrs, "Content-Type", type);
    evhttp_send_reply_start(req, 200, NULL);
}

/* ---- /delay ---- */

static void delay_fire(evutil_socket_t fd, short what, void *arg)
{
    struct srv_job *job = arg;
    double secs = job->secs;

    (void)fd, (void)what;
    if (job->text[0] != '\0') {
        char text[sizeof job->text];
        memcpy(text, job->text, sizeof text);
        srv_reply_text(job_release(job), 200, "%s", text);
    } else {
        srv_reply_text(job_release(job), 200, "slept %g\n", secs);
    }
}

void srv_job_start_delay(struct srv_conn *conn, struct evhttp_request *req, double secs,
                         const char *text)
{
    struct srv_job *job = job_new(conn, req, delay_fire, 0);
    struct timeval tv = srv_secs_timeval(secs);

    if (job == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    job->secs = secs;
    snprintf(job->text, sizeof job->text, "%s", text ? text : "");
    event_add(job->timer, &tv);
}

/* ---- /bytes ---- */

static void stream_more(struct srv_job *job);

/* evhttp calls this when the connection's output buffer has drained. */
static void stream_drained(struct evhttp_connection *evcon, void *arg)
{
    (void)evcon;
    stream_more(arg);
}

/* The next piece of a /gzip member into buf, up to STREAM_CHUNK bytes: *len is set to
 * its size. 0 or -1. */
static int add_gzip(struct evbuffer *buf, struct srv_gzip *gz, size_t *len)
{
    struct evbuffer_iovec v;

    if (evbuffer_reserve_space(buf, STREAM_CHUNK, &v, 1) < 1)
        return -1;
    v.iov_len = srv_gzip_next(gz, v.iov_base, v.iov_len < STREAM_CHUNK ? v.iov_len : STREAM_CHUNK);
    *len = v.iov_len;
    return evbuffer_commit_space(buf, &v, 1);
}

static void stream_more(struct srv_job *job)
{
    uint64_t left = job->total - job->sent;
    size_t len = left < STREAM_CHUNK ? (size_t)left : STREAM_CHUNK;
    struct evbuffer *buf = evbuffer_new();

    if (buf == NULL ||
        (job->gz ? add_gzip(buf, job->gz, &len) : srv_add_pattern(buf, job->sent, len)) != 0 ||
        (job->gz && len == 0 && job->sent < job->total)) {
        if (buf != NULL)
            evbuffer_free(buf);
        job_drop_connection(job, 0);
        return;
    }
    job->sent += len;
    if (job->sent < job->total) {
        evhttp_send_reply_chunk_with_cb(job->req, buf, stream_drained, job);
    } else {
        struct evhttp_request *req = job_release(job);
        evhttp_send_reply_chunk(req, buf);
        evhttp_send_reply_end(req);
    }
    evbuffer_free(buf);
}

/* A job for an n-byte pattern body (bytes, drip) with its head sent; NULL, with a 500
 * sent, when out of memory. */
static struct srv_job *job_start_sized(struct srv_conn *conn, struct evhttp_request *req,
                                       uint64_t n, event_callback_fn cb, int persist)
{
    struct srv_job *job = job_new(conn, req, cb, persist);

    if (job == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return NULL;
    }
    job->total = n;
    reply_start_sized(req, n, "application/octet-stream");
    return job;
}

void srv_job_start_bytes(struct srv_conn *conn, struct evhttp_request *req, uint64_t n)
{
    struct srv_job *job;

    if (n <= STREAM_CHUNK) {
        struct evbuffer *buf = evbuffer_new();
        if (buf == NULL || srv_add_pattern(buf, 0, (size_t)n) != 0) {
            evhttp_send_reply(req, 500, NULL, NULL);
        } else {
            evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
                              "application/octet-stream");
            evhttp_send_reply(req, 200, NULL, buf);
        }
        if (buf != NULL)
            evbuffer_free(buf);
        return;
    }
    job = job_start_sized(conn, req, n, NULL, 0);
    if (job != NULL)
        stream_more(job);
}

/* ---- /gzip ---- */

void srv_job_start_gzip(struct srv_conn *conn, struct evhttp_request *req, uint64_t n)
{
    struct srv_job *job = job_new(conn, req, NULL, 0);

    if (job == NULL || (job->gz = malloc(sizeof *job->gz)) == NULL) {
        if (job != NULL)
            job_release(job);
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    srv_gzip_init(job->gz, n);
    job->total = srv_gzip_size(n);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Encoding", "gzip");
    reply_start_sized(req, job->total, "application/octet-stream");
    stream_more(job);
}

/* ---- /drip ---- */

static void drip_tick(evutil_socket_t fd, short what, void *arg)
{
    struct srv_job *job = arg;
    struct evbuffer *buf = evbuffer_new();

    (void)fd, (void)what;
    if (buf == NULL || srv_add_pattern(buf, job->sent, 1) != 0) {
        if (buf != NULL)
            evbuffer_free(buf);
        job_drop_connection(job, 0);
        return;
    }
    if (++job->sent < job->total) {
        evhttp_send_reply_chunk(job->req, buf);
    } else {
        struct evhttp_request *req = job_release(job);
        evhttp_send_reply_chunk(req, buf);
        evhttp_send_reply_end(req);
    }
    evbuffer_free(buf);
}

void srv_job_start_drip(struct srv_conn *conn, struct evhttp_request *req, uint64_t n,
                        double interval)
{
    struct srv_job *job;
    struct timeval tv = srv_secs_timeval(interval);

    if (n == 0) {
        evhttp_send_reply(req, 200, NULL, NULL);
        return;
    }
    job = job_start_sized(conn, req, n, drip_tick, 1);
    if (job != NULL)
        event_add(job->timer, &tv);
}

/* ---- /reset ---- */

/*
 * Polls until everything queued on the connection has been written, then closes it:
 * freeing an evhttp connection discards unsent output, and evhttp has no "drained"
 * callback for a reply without body bytes.
 */
static void reset_poll(evutil_socket_t fd, short what, void *arg)
{
    struct srv_job *job = arg;
    struct bufferevent *bev = evhttp_connection_get_bufferevent(job->conn->evcon);

    (void)fd, (void)what;
    if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        job_drop_connection(job, job->rst);
}

void srv_job_start_reset(struct srv_conn *conn, struct evhttp_request *req, unsigned sent,
                         int before, int rst)
{
    const struct timeval tv = {.tv_sec = 0, .tv_usec = RESET_POLL_US};
    struct srv_job *job = job_new(conn, req, reset_poll, 1);
    struct evbuffer *buf;

    if (job == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    job->rst = rst;
    if (!before) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Length", RESET_LENGTH);
        evhttp_send_reply_start(req, 200, NULL);
        buf = evbuffer_new();
        if (buf != NULL && srv_add_pattern(buf, 0, sent) == 0)
            evhttp_send_reply_chunk(req, buf);
        if (buf != NULL)
            evbuffer_free(buf);
    }
    event_add(job->timer, &tv);
}

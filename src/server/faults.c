/*
 * faults.c - the fault endpoints: replies a client must survive (a stall, a truncated or
 * short body, a malformed status line or header, a huge advertised body, a redirect loop,
 * oversized headers). It calls only params.c and reply.c.
 *
 * /loop and /bigheaders are well-formed and go through evhttp. The others need bytes that
 * evhttp will not write (a bad status line, a header without a colon, a chunked body without
 * its end) or a connection held in a state evhttp has no name for, so they take the
 * connection over: the fault replaces the callbacks of the connection's bufferevent with its
 * own (evhttp then sees no further event on it: no stale write-done callback of an earlier
 * reply on a kept-alive connection can fire), writes raw bytes into its output, and ends by
 * freeing the evhttp connection, which frees the request still queued on it and closes the
 * socket. If the server is freed first, the close callback calls srv_fault_abort().
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>

#include "faults.h"
#include "params.h"
#include "reply.h"
#include "types.h"

#define MAX_STALL_S       3600.0
#define MAX_CHUNKS        1000
#define MAX_CHUNK_SIZE    16384
#define DEFAULT_CHUNKS    3
#define DEFAULT_CHUNK     100
#define MAX_CLAIM         (UINT64_C(10) << 30)
#define MAX_SHORT_SEND    (UINT64_C(1) << 20)
#define HUGE_LENGTH       (UINT64_C(10) << 30)
#define HUGE_PIECE        4096
#define HUGE_TICK_US      100000
#define HUGE_MAX_QUEUED   (64 * 1024)
#define MAX_BIGHEADERS_KB 1024
/* A fault whose client stops reading is dropped after this long without progress. */
#define WRITE_TIMEOUT_S 120

struct srv_fault {
    struct srv_conn *conn;
    struct bufferevent *bev;
    struct event *timer; /* stall: the end; huge: the pace; else NULL */
    uint64_t total;      /* huge: the advertised length */
    uint64_t sent;       /* huge: body bytes queued so far */
    int closing;         /* close once the output has drained */
};

static void fault_close(struct srv_fault *f)
{
    struct evhttp_connection *evcon = f->conn->evcon;

    srv_fault_abort(f);
    /* Frees the bufferevent (and its callbacks with it) and the request queued on evcon. */
    evhttp_connection_free(evcon);
}

void srv_fault_abort(struct srv_fault *f)
{
    f->conn->fault = NULL;
    if (f->timer != NULL)
        event_free(f->timer);
    free(f);
}

/* Whatever the client sends now is read and dropped; its EOF ends the fault. */
static void on_read(struct bufferevent *bev, void *arg)
{
    struct evbuffer *in = bufferevent_get_input(bev);

    (void)arg;
    evbuffer_drain(in, evbuffer_get_length(in));
}

static void on_written(struct bufferevent *bev, void *arg)
{
    struct srv_fault *f = arg;

    if (f->closing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        fault_close(f);
}

/* EOF (the client left), an error or a write timeout. */
static void on_event(struct bufferevent *bev, short what, void *arg)
{
    (void)bev, (void)what;
    fault_close(arg);
}

/*
 * Takes the connection of req over, with a timer calling cb (persistent when persist) when
 * cb is not NULL. NULL when out of memory; the request is then still evhttp's to answer.
 */
static struct srv_fault *fault_new(struct srv_conn *conn, event_callback_fn cb, int persist)
{
    struct bufferevent *bev = evhttp_connection_get_bufferevent(conn->evcon);
    const struct timeval wto = {.tv_sec = WRITE_TIMEOUT_S, .tv_usec = 0};
    struct srv_fault *f;

    if (bev == NULL || conn->job != NULL || conn->fault != NULL)
        return NULL;
    f = calloc(1, sizeof(*f));
    if (f == NULL)
        return NULL;
    if (cb != NULL) {
        f->timer = event_new(conn->srv->base, -1, persist ? EV_PERSIST : 0, cb, f);
        if (f->timer == NULL) {
            free(f);
            return NULL;
        }
    }
    f->conn = conn;
    f->bev = bev;
    conn->fault = f;
    bufferevent_setcb(bev, on_read, on_written, on_event, f);
    /* No read timeout (a stall is ours to end); a client that stops reading is dropped. */
    bufferevent_set_timeouts(bev, NULL, &wto);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
    return f;
}

/*
 * Takes the connection over, writes the printf-formatted head and then body (moved out of
 * the caller's buffer; NULL for none), and closes the connection once they are out.
 */
static void raw_reply(struct srv_conn *conn, struct evhttp_request *req, struct evbuffer *body,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void raw_reply(struct srv_conn *conn, struct evhttp_request *req, struct evbuffer *body,
                      const char *fmt, ...)
{
    struct srv_fault *f = fault_new(conn, NULL, 0);
    struct evbuffer *out;
    va_list ap;
    int rc;

    if (f == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    out = bufferevent_get_output(f->bev);
    va_start(ap, fmt);
    rc = evbuffer_add_vprintf(out, fmt, ap);
    va_end(ap);
    if (rc < 0 || (body != NULL && evbuffer_add_buffer(out, body) != 0)) {
        fault_close(f);
        return;
    }
    f->closing = 1;
}

/* ---- /stall ---- */

static void stall_end(evutil_socket_t fd, short what, void *arg)
{
    (void)fd, (void)what;
    fault_close(arg);
}

static void handle_stall(struct srv_conn *conn, struct evhttp_request *req,
                         const struct evkeyvalq *q)
{
    struct srv_fault *f;
    double s;
    struct timeval tv;

    if (srv_parse_secs(evhttp_find_header(q, "s"), MAX_STALL_S, &s) != 0) {
        srv_reply_text(req, 400, "bad parameter: s must be seconds in [0, 3600]\n");
        return;
    }
    f = fault_new(conn, stall_end, 0);
    if (f == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    tv = srv_secs_timeval(s);
    event_add(f->timer, &tv);
}

/* ---- /chunked ---- */

static void handle_chunked(struct srv_conn *conn, struct evhttp_request *req,
                           const struct evkeyvalq *q)
{
    uint64_t n, size;
    struct evbuffer *body;

    if (srv_opt_u64(q, "n", DEFAULT_CHUNKS, MAX_CHUNKS, &n) != 0) {
        srv_reply_text(req, 400, "bad parameter: n must be an integer in [0, 1000]\n");
        return;
    }
    if (srv_opt_u64(q, "size", DEFAULT_CHUNK, MAX_CHUNK_SIZE, &size) != 0 || size == 0) {
        srv_reply_text(req, 400, "bad parameter: size must be an integer in [1, 16384]\n");
        return;
    }
    body = evbuffer_new();
    if (body == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    for (uint64_t i = 0; i < n; i++) {
        evbuffer_add_printf(body, "%llx\r\n", (unsigned long long)size);
        srv_add_pattern(body, i * size, (size_t)size);
        evbuffer_add(body, "\r\n", 2);
    }
    if (!srv_flag(q, "truncate"))
        evbuffer_add(body, "0\r\n\r\n", 5);
    raw_reply(conn, req, body,
              "HTTP/1.1 200 OK\r\n"
              "Content-Type: application/octet-stream\r\n"
              "Transfer-Encoding: chunked\r\n"
              "Connection: close\r\n"
              "\r\n");
    evbuffer_free(body);
}

/* ---- /short ---- */

static void handle_short(struct srv_conn *conn, struct evhttp_request *req,
                         const struct evkeyvalq *q)
{
    uint64_t claim, send;
    struct evbuffer *body;

    if (srv_parse_u64(evhttp_find_header(q, "claim"), MAX_CLAIM, &claim) != 0) {
        srv_reply_text(req, 400, "bad parameter: claim must be an integer in [0, 10737418240]\n");
        return;
    }
    if (srv_parse_u64(evhttp_find_header(q, "send"), MAX_SHORT_SEND, &send) != 0 || send > claim) {
        srv_reply_text(req, 400,
                       "bad parameter: send must be an integer in [0, min(claim, "
                       "1048576)]\n");
        return;
    }
    body = evbuffer_new();
    if (body == NULL || srv_add_pattern(body, 0, (size_t)send) != 0) {
        if (body != NULL)
            evbuffer_free(body);
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    raw_reply(conn, req, body,
              "HTTP/1.1 200 OK\r\n"
              "Content-Type: application/octet-stream\r\n"
              "Content-Length: %llu\r\n"
              "Connection: close\r\n"
              "\r\n",
              (unsigned long long)claim);
    evbuffer_free(body);
}

/* ---- /malformed ---- */

/* Each reply is complete and says Connection: close; the fault is in the bytes named. */
static const struct {
    const char *what;
    const char *raw;
    size_t len; /* the raw text holds a NUL */
} malformed[] = {
#define M(what, text)                                                                              \
    {                                                                                              \
        what, text, sizeof(text) - 1                                                               \
    }
    M("status", "HTTP/1.1 abc\r\n"
                "Content-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbad\n"),
    M("junk", "this is not HTTP\r\n\r\nbad\n"),
    M("nocolon", "HTTP/1.1 200 OK\r\n"
                 "Content-Type: text/plain\r\nThis header line has no colon\r\n"
                 "Content-Length: 4\r\nConnection: close\r\n\r\nbad\n"),
    M("nul", "HTTP/1.1 200 OK\r\n"
             "Content-Type: text/plain\r\nX-Nul: a\0b\r\n"
             "Content-Length: 4\r\nConnection: close\r\n\r\nbad\n"),
    M("cr", "HTTP/1.1 200 OK\r\n"
            "Content-Type: text/plain\r\nX-Cr: a\rb\r\n"
            "Content-Length: 4\r\nConnection: close\r\n\r\nbad\n"),
    M("header", "HTTP/1.1 200 OK\r\n"
                "Content-Type: text/plain\r\nThis header line has no colon\r\n"
                "X-Nul: a\0b\r\nX-Cr: a\rb\r\n"
                "Content-Length: 4\r\nConnection: close\r\n\r\nbad\n"),
    M("length",
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/plain\r\nContent-Length: four\r\nConnection: close\r\n\r\nbad\n"),
#undef M
};

static void handle_malformed(struct srv_conn *conn, struct evhttp_request *req,
                             const struct evkeyvalq *q)
{
    const char *what = evhttp_find_header(q, "what");

    for (size_t i = 0; what != NULL && i < sizeof(malformed) / sizeof(malformed[0]); i++) {
        if (strcmp(what, malformed[i].what) == 0) {
            struct evbuffer *body = evbuffer_new();
            if (body == NULL || evbuffer_add(body, malformed[i].raw, malformed[i].len) != 0)
                evhttp_send_reply(req, 500, NULL, NULL);
            else
                raw_reply(conn, req, body, "%s", "");
            if (body != NULL)
                evbuffer_free(body);
            return;
        }
    }
    srv_reply_text(req, 400,
                   "bad parameter: what must be status, junk, header, nocolon, nul, cr or "
                   "length\n");
}

/* ---- /huge ---- */

static void huge_tick(evutil_socket_t fd, short what, void *arg)
{
    struct srv_fault *f = arg;
    struct evbuffer *out = bufferevent_get_output(f->bev);
    uint64_t left = f->total - f->sent;
    size_t len = left < HUGE_PIECE ? (size_t)left : HUGE_PIECE;

    (void)fd, (void)what;
    /* A client that does not read is not fed more. */
    if (evbuffer_get_length(out) >= HUGE_MAX_QUEUED)
        return;
    if (srv_add_pattern(out, f->sent, len) != 0) {
        fault_close(f);
        return;
    }
    f->sent += len;
    if (f->sent == f->total) {
        event_del(f->timer);
        f->closing = 1;
    }
}

static void handle_huge(struct srv_conn *conn, struct evhttp_request *req)
{
    const struct timeval tv = {.tv_sec = 0, .tv_usec = HUGE_TICK_US};
    struct srv_fault *f = fault_new(conn, huge_tick, 1);

    if (f == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    f->total = HUGE_LENGTH;
    if (evbuffer_add_printf(bufferevent_get_output(f->bev),
                            "HTTP/1.1 200 OK\r\n"
                            "Content-Type: application/octet-stream\r\n"
                            "Content-Length: %llu\r\n"
                            "Connection: close\r\n"
                            "\r\n",
                            (unsigned long long)f->total) < 0) {
        fault_close(f);
        return;
    }
    event_add(f->timer, &tv);
}

/* ---- /loop, /bigheaders: well-formed, through evhttp ---- */

static void handle_loop(struct evhttp_request *req)
{
    evhttp_add_header(evhttp_request_get_output_headers(req), "Location", "/loop");
    srv_reply_text(req, 302, "redirect to /loop\n");
}

static void handle_bigheaders(struct evhttp_request *req, const struct evkeyvalq *q)
{
    struct evkeyvalq *hdrs = evhttp_request_get_output_headers(req);
    uint64_t kb;
    char name[32], *value;

    if (srv_parse_u64(evhttp_find_header(q, "kb"), MAX_BIGHEADERS_KB, &kb) != 0 || kb == 0) {
        srv_reply_text(req, 400, "bad parameter: kb must be an integer in [1, 1024]\n");
        return;
    }
    /* The longest value: one header of kb KiB. */
    value = malloc((size_t)kb * 1024 + 1);
    if (value == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    if (srv_flag(q, "one")) {
        /* "X-Big: " + value + CRLF = kb KiB. */
        size_t len = (size_t)kb * 1024 - 9;
        for (size_t i = 0; i < len; i++)
            value[i] = (char)('a' + i % 26);
        value[len] = '\0';
        evhttp_add_header(hdrs, "X-Big", value);
    } else {
        /* kb lines "X-Big-NNNN: <value>\r\n" of 1 KiB each. */
        for (uint64_t i = 0; i < kb; i++) {
            size_t len = 1024 - 14;
            snprintf(name, sizeof(name), "X-Big-%04u", (unsigned)i);
            for (size_t j = 0; j < len; j++)
                value[j] = (char)('a' + (i + j) % 26);
            value[len] = '\0';
            evhttp_add_header(hdrs, name, value);
        }
    }
    free(value);
    srv_reply_text(req, 200, "bigheaders %llu\n", (unsigned long long)kb);
}

void srv_fault_dispatch(struct srv_conn *conn, struct evhttp_request *req, enum srv_route route,
                        const struct evkeyvalq *q)
{
    switch (route) {
    case SRV_ROUTE_STALL: handle_stall(conn, req, q); break;
    case SRV_ROUTE_CHUNKED: handle_chunked(conn, req, q); break;
    case SRV_ROUTE_SHORT: handle_short(conn, req, q); break;
    case SRV_ROUTE_MALFORMED: handle_malformed(conn, req, q); break;
    case SRV_ROUTE_HUGE: handle_huge(conn, req); break;
    case SRV_ROUTE_LOOP: handle_loop(req); break;
    case SRV_ROUTE_BIGHEADERS: handle_bigheaders(req, q); break;
    default: srv_reply_text(req, 404, "not found\n"); break;
    }
}

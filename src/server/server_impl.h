/*
 * server_impl.h - private structures shared by the files of src/server.
 *
 * Lifetimes: the cf_server owns the evhttp, the TLS context, the per-connection records and
 * the /retry table. A conn record lives from the first request on a libevent connection to
 * libevent's close callback for it. A job (a reply that is still in progress: a timer, a
 * drip, a streamed body, a pending reset) belongs to exactly one conn, which holds at most
 * one, since libevent reads no further request on a connection until the reply is done.
 */
#ifndef CF_SERVER_IMPL_H
#define CF_SERVER_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cofetch/server.h"

/* The routes, in the order of srv_route_names; SRV_ROUTE_NONE counts requests matching none. */
enum srv_route {
    SRV_ROUTE_DELAY,
    SRV_ROUTE_BYTES,
    SRV_ROUTE_STATUS,
    SRV_ROUTE_REDIRECT,
    SRV_ROUTE_DRIP,
    SRV_ROUTE_RESET,
    SRV_ROUTE_HEADERS,
    SRV_ROUTE_NEXT,
    SRV_ROUTE_RETRY,
    SRV_ROUTE_COUNT,
    SRV_ROUTE_STALL, /* the fault endpoints (faults.c) */
    SRV_ROUTE_CHUNKED,
    SRV_ROUTE_SHORT,
    SRV_ROUTE_MALFORMED,
    SRV_ROUTE_HUGE,
    SRV_ROUTE_LOOP,
    SRV_ROUTE_BIGHEADERS,
    SRV_ROUTE_NONE,
    SRV_ROUTE_N
};

#define SRV_CONN_BUCKETS  1024
#define SRV_RETRY_BUCKETS 64

struct srv_job;
struct srv_fault;
struct srv_retry;

struct srv_conn {
    struct srv_conn *next; /* hash chain in cf_server.conns */
    struct evhttp_connection *evcon;
    cf_server *srv;
    struct srv_job *job;     /* the reply in progress on this connection, or NULL */
    struct srv_fault *fault; /* a fault reply that has taken the connection over, or NULL */
};

struct cf_server {
    struct event_base *base;
    struct evhttp *http;
    void *tls_ctx; /* SSL_CTX *, NULL when serving plain HTTP */
    int port;
    int quiet;
    char url[80];
    struct cf_server_stats stats;
    unsigned long route_counts[SRV_ROUTE_N];
    struct srv_conn *conns[SRV_CONN_BUCKETS];
    struct srv_retry *retries[SRV_RETRY_BUCKETS];
};

/* routes.c: answers one request; q holds the decoded query parameters. */
void srv_route_dispatch(cf_server *srv, struct srv_conn *conn, struct evhttp_request *req,
                        enum srv_route route, const struct evkeyvalq *q);
/* Which route serves path (the raw path of the request URI). */
enum srv_route srv_route_find(const char *path);
/*
 * jobs.c: replies that outlive the request callback. Each srv_job_start_* takes the request
 * over, or answers it at once (500 when out of memory). Parameters are already validated.
 */
/* Answer 200 after secs seconds with text (NULL: "slept S\n"; copied, < 256 bytes). */
void srv_job_start_delay(struct srv_conn *conn, struct evhttp_request *req, double secs,
                         const char *text);
void srv_job_start_bytes(struct srv_conn *conn, struct evhttp_request *req, uint64_t n);
void srv_job_start_drip(struct srv_conn *conn, struct evhttp_request *req, uint64_t n,
                        double interval);
void srv_job_start_reset(struct srv_conn *conn, struct evhttp_request *req, unsigned sent,
                         int before, int rst);
/*
 * The connection is going away (libevent's close callback): stop the job's timers and
 * free it, and free its request if libevent already let go of it.
 */
void srv_job_abort(struct srv_job *job);

/*
 * faults.c: the fault endpoints. srv_fault_dispatch answers one of the SRV_ROUTE_STALL ..
 * SRV_ROUTE_BIGHEADERS requests; the raw ones take the connection over (conn->fault) until
 * they close it. srv_fault_abort: the connection is going away (libevent's close callback),
 * stop and free the fault; libevent frees its request with the connection.
 */
void srv_fault_dispatch(struct srv_conn *conn, struct evhttp_request *req, enum srv_route route,
                        const struct evkeyvalq *q);
void srv_fault_abort(struct srv_fault *f);

/* tls.c */
int srv_tls_setup(cf_server *srv, const char *cert, const char *key);
void srv_tls_free(cf_server *srv);

#endif

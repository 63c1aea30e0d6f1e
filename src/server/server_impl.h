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

#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cofetch/server.h"

/* The routes, in the order of cf_route_names; CF_ROUTE_NONE counts requests matching none. */
enum cf_route {
    CF_ROUTE_DELAY,
    CF_ROUTE_BYTES,
    CF_ROUTE_STATUS,
    CF_ROUTE_REDIRECT,
    CF_ROUTE_DRIP,
    CF_ROUTE_RESET,
    CF_ROUTE_HEADERS,
    CF_ROUTE_NEXT,
    CF_ROUTE_RETRY,
    CF_ROUTE_COUNT,
    CF_ROUTE_NONE,
    CF_ROUTE_N
};

extern const char *const cf_route_names[CF_ROUTE_N];

#define CF_CONN_BUCKETS  1024
#define CF_RETRY_BUCKETS 64

struct cf_job;

struct cf_conn {
    struct cf_conn *next; /* hash chain in cf_server.conns */
    struct evhttp_connection *evcon;
    cf_server *srv;
    struct cf_job *job; /* the reply in progress on this connection, or NULL */
};

struct cf_retry {
    struct cf_retry *next;
    unsigned long seen; /* requests seen for this id */
    char id[];
};

struct cf_server {
    struct event_base *base;
    struct evhttp *http;
    void *tls_ctx; /* SSL_CTX *, NULL when serving plain HTTP */
    int port;
    int quiet;
    char url[80];
    struct cf_server_stats stats;
    unsigned long route_counts[CF_ROUTE_N];
    struct cf_conn *conns[CF_CONN_BUCKETS];
    struct cf_retry *retries[CF_RETRY_BUCKETS];
};

/* routes.c: answers one request; q holds the decoded query parameters. */
void cf_route_dispatch(cf_server *srv, struct cf_conn *conn, struct evhttp_request *req,
                       enum cf_route route, const struct evkeyvalq *q);
/* Which route serves path (the raw path of the request URI). */
enum cf_route cf_route_find(const char *path);
/* Frees the /retry table. */
void cf_retry_free_all(cf_server *srv);
/* Sends a text/plain reply whose body is printf(fmt, ...). */
void cf_reply_text(struct evhttp_request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * jobs.c: replies that outlive the request callback. Each cf_job_start_* takes the request
 * over, or answers it at once (500 when out of memory). Parameters are already validated.
 */
void cf_job_start_delay(struct cf_conn *conn, struct evhttp_request *req, double secs);
void cf_job_start_bytes(struct cf_conn *conn, struct evhttp_request *req, uint64_t n);
void cf_job_start_drip(struct cf_conn *conn, struct evhttp_request *req, uint64_t n,
                       double interval);
void cf_job_start_reset(struct cf_conn *conn, struct evhttp_request *req, unsigned sent, int before,
                        int rst);
/*
 * The connection is going away (libevent's close callback): stop the job's timers and
 * free it, and free its request if libevent already let go of it.
 */
void cf_job_abort(struct cf_job *job);
/* tls.c */
int cf_tls_setup(cf_server *srv, const char *cert, const char *key);
void cf_tls_free(cf_server *srv);

#endif

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
    CF_ROUTE_STALL, /* the fault endpoints (faults.c) */
    CF_ROUTE_CHUNKED,
    CF_ROUTE_SHORT,
    CF_ROUTE_MALFORMED,
    CF_ROUTE_HUGE,
    CF_ROUTE_LOOP,
    CF_ROUTE_BIGHEADERS,
    CF_ROUTE_NONE,
    CF_ROUTE_N
};

extern const char *const cf_route_names[CF_ROUTE_N];

#define CF_CONN_BUCKETS  1024
#define CF_RETRY_BUCKETS 64

struct cf_job;
struct cf_fault;
struct evbuffer;

struct cf_conn {
    struct cf_conn *next; /* hash chain in cf_server.conns */
    struct evhttp_connection *evcon;
    cf_server *srv;
    struct cf_job *job;     /* the reply in progress on this connection, or NULL */
    struct cf_fault *fault; /* a fault reply that has taken the connection over, or NULL */
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
/*
 * Query parameter parsing, 0 or -1 when the value is malformed or out of range: a decimal
 * integer in [0, max]; plain decimal seconds in [0, max]; an optional integer (absent gives
 * dflt). cf_flag: present and not "0".
 */
int cf_parse_u64(const char *s, uint64_t max, uint64_t *out);
int cf_parse_secs(const char *s, double max, double *out);
/* secs (>= 0) as a timeval, rounded to the microsecond. */
struct timeval cf_secs_timeval(double secs);
int cf_opt_u64(const struct evkeyvalq *q, const char *key, uint64_t dflt, uint64_t max,
               uint64_t *out);
int cf_flag(const struct evkeyvalq *q, const char *key);
/* Sends a text/plain reply whose body is printf(fmt, ...). */
void cf_reply_text(struct evhttp_request *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * jobs.c: replies that outlive the request callback. Each cf_job_start_* takes the request
 * over, or answers it at once (500 when out of memory). Parameters are already validated.
 */
/* Answer 200 after secs seconds with text (NULL: "slept S\n"; copied, < 256 bytes). */
void cf_job_start_delay(struct cf_conn *conn, struct evhttp_request *req, double secs,
                        const char *text);
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
/* Appends len bytes of the body pattern ('a' + i % 26) starting at body offset off. */
int cf_add_pattern(struct evbuffer *buf, uint64_t off, size_t len);

/*
 * faults.c: the fault endpoints. cf_fault_dispatch answers one of the CF_ROUTE_STALL ..
 * CF_ROUTE_BIGHEADERS requests; the raw ones take the connection over (conn->fault) until
 * they close it. cf_fault_abort: the connection is going away (libevent's close callback),
 * stop and free the fault; libevent frees its request with the connection.
 */
void cf_fault_dispatch(struct cf_conn *conn, struct evhttp_request *req, enum cf_route route,
                       const struct evkeyvalq *q);
void cf_fault_abort(struct cf_fault *f);

/* tls.c */
int cf_tls_setup(cf_server *srv, const char *cert, const char *key);
void cf_tls_free(cf_server *srv);

#endif

/*
 * types.h - the types shared by the files of src/server: the route numbers, the connection
 * record and the server itself. Nothing here is a function; each file's functions are in
 * its own header.
 *
 * Lifetimes: the cf_server owns the evhttp, the TLS context, the per-connection records and
 * the /retry table. A conn record lives from the first request on a libevent connection to
 * libevent's close callback for it. A job (a reply that is still in progress: a timer, a
 * drip, a streamed body, a pending reset) belongs to exactly one conn, which holds at most
 * one, since libevent reads no further request on a connection until the reply is done.
 */
#ifndef SRV_TYPES_H
#define SRV_TYPES_H

#include "server.h"

struct event_base;
struct evhttp;
struct evhttp_connection;

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
    SRV_ROUTE_GZIP,
    SRV_ROUTE_ECHO,
    SRV_ROUTE_SETCOOKIE,
    SRV_ROUTE_ETAG,
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

struct srv_job;   /* jobs.c */
struct srv_fault; /* faults.c */
struct srv_retry; /* retry.c */

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
    struct cf_server_stats stats;            /* changed only by stats.c */
    unsigned long route_counts[SRV_ROUTE_N]; /* changed only by stats.c */
    struct srv_conn *conns[SRV_CONN_BUCKETS];
    struct srv_retry *retries[SRV_RETRY_BUCKETS]; /* retry.c's */
};

#endif

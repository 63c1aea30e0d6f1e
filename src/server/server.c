/*
 * server.c - the life of a loopback server: start and free, the listening socket, the
 * per-connection records, and the request entry point, which finds a request's route,
 * counts it and hands it to routes.c. It is the top of src/server: it calls down into
 * routes.c, stats.c, retry.c, tls.c and reply.c, and into jobs.c and faults.c only to stop
 * a connection's reply when libevent closes the connection; no file of src/server calls it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "cofetch/error.h"
#include "server.h"
#include "faults.h"
#include "jobs.h"
#include "reply.h"
#include "retry.h"
#include "params.h"
#include "routes.h"
#include "stats.h"
#include "tls.h"
#include "types.h"

/* Tests open a thousand connections at once; the kernel caps this at somaxconn. */
#define LISTEN_BACKLOG 4096
/* Idle keep-alive connections (and stalled writes) are dropped after this many seconds. */
#define IDLE_TIMEOUT_S 120

static size_t conn_bucket(const struct evhttp_connection *evcon)
{
    uintptr_t h = (uintptr_t)evcon >> 4;
    h ^= h >> 17;
    h *= UINT64_C(0x9e3779b97f4a7c15);
    return (size_t)(h >> 32) % SRV_CONN_BUCKETS;
}

/*
 * libevent's close callback: the connection is being freed. Requests still queued on it
 * are freed by libevent right after this returns.
 */
static void on_conn_close(struct evhttp_connection *evcon, void *arg)
{
    struct srv_conn *conn = arg;
    cf_server *srv = conn->srv;

    if (conn->job != NULL)
        srv_job_abort(conn->job);
    if (conn->fault != NULL)
        srv_fault_abort(conn->fault);
    for (struct srv_conn **pp = &srv->conns[conn_bucket(evcon)]; *pp != NULL; pp = &(*pp)->next) {
        if (*pp == conn) {
            *pp = conn->next;
            break;
        }
    }
    srv_stats_conn_closed(srv);
    free(conn);
}

/*
 * The record of evcon, created on its first request. libevent 2.1 has no callback for a new
 * connection (evhttp_set_newreqcb came in 2.2), so the first request is where we see it.
 */
static struct srv_conn *conn_get(cf_server *srv, struct evhttp_connection *evcon)
{
    size_t b = conn_bucket(evcon);
    struct srv_conn *conn;

    for (conn = srv->conns[b]; conn != NULL; conn = conn->next) {
        if (conn->evcon == evcon)
            return conn;
    }
    conn = calloc(1, sizeof(*conn));
    if (conn == NULL)
        return NULL;
    conn->evcon = evcon;
    conn->srv = srv;
    conn->next = srv->conns[b];
    srv->conns[b] = conn;
    evhttp_connection_set_closecb(evcon, on_conn_close, conn);
    srv_stats_conn_opened(srv);
    return conn;
}

static void on_request(struct evhttp_request *req, void *arg)
{
    cf_server *srv = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    const char *path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
    const char *query = uri != NULL ? evhttp_uri_get_query(uri) : NULL;
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    struct evkeyvalq q;
    enum srv_route route;
    struct srv_conn *conn;

    if (!srv->quiet)
        fprintf(stderr, "cf_server: %s %s\n", srv_method_name(evhttp_request_get_command(req)),
                evhttp_request_get_uri(req));
    route = srv_route_find(path != NULL ? path : "");
    srv_stats_request(srv, route);

    conn = evcon != NULL ? conn_get(srv, evcon) : NULL;
    if (conn == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    if (evhttp_parse_query_str(query != NULL ? query : "", &q) != 0) {
        srv_reply_text(req, 400, "malformed query string\n");
        return;
    }
    srv_route_dispatch(srv, conn, req, route, &q);
    evhttp_clear_headers(&q);
}

/* Makes the listening socket for addr:port; the backlog is ours, not evhttp's 128. */
static int listen_on(cf_server *srv, const char *addr, int port, const char *scheme)
{
    struct sockaddr_storage ss;
    socklen_t len;
    struct evconnlistener *lev;
    char host[INET6_ADDRSTRLEN];
    const unsigned flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC | LEV_OPT_REUSEABLE;

    memset(&ss, 0, sizeof(ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        len = sizeof(*sin);
    } else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        len = sizeof(*sin6);
    } else {
        return CF_EINVAL;
    }

    lev = evconnlistener_new_bind(srv->base, NULL, NULL, flags, LISTEN_BACKLOG,
                                  (struct sockaddr *)&ss, (int)len);
    if (lev == NULL)
        return errno == ENOMEM ? CF_ENOMEM : CF_EIO;
    /* evhttp owns the listener from here: evhttp_free() frees it. */
    if (evhttp_bind_listener(srv->http, lev) == NULL) {
        evconnlistener_free(lev);
        return CF_ENOMEM;
    }

    len = sizeof(ss);
    if (getsockname(evconnlistener_get_fd(lev), (struct sockaddr *)&ss, &len) != 0)
        return CF_EIO;
    if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)&ss;
        srv->port = ntohs(sin6->sin6_port);
        inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host));
        snprintf(srv->url, sizeof(srv->url), "%s://[%s]:%d", scheme, host, srv->port);
    } else {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)&ss;
        srv->port = ntohs(sin->sin_port);
        inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host));
        snprintf(srv->url, sizeof(srv->url), "%s://%s:%d", scheme, host, srv->port);
    }
    return 0;
}

/* libevent writes with writev(), so a peer that hung up raises SIGPIPE on the next write. */
static void ignore_sigpipe(void)
{
    struct sigaction sa;

    if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
        sa.sa_handler = SIG_IGN;
        sigaction(SIGPIPE, &sa, NULL);
    }
}

int cf_server_start(struct event_base *base, const struct cf_server_opts *opts, cf_server **out)
{
    static const struct cf_server_opts defaults = {0};
    cf_server *srv = NULL;
    int tls, err;

    if (out != NULL)
        *out = NULL;
    if (opts == NULL)
        opts = &defaults;
    tls = opts->tls_cert != NULL || opts->tls_key != NULL;
    if (base == NULL || out == NULL || opts->port < 0 || opts->port > 65535)
        return CF_EINVAL;
    if (tls && (opts->tls_cert == NULL || opts->tls_key == NULL))
        return CF_EINVAL;

    srv = calloc(1, sizeof(*srv));
    if (srv == NULL)
        return CF_ENOMEM;
    srv->base = base;
    srv->quiet = opts->quiet;
    srv->http = evhttp_new(base);
    if (srv->http == NULL) {
        err = CF_ENOMEM;
        goto fail;
    }
    evhttp_set_gencb(srv->http, on_request, srv);
    evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                              EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                              EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    evhttp_set_max_headers_size(srv->http, 64 * 1024);
    evhttp_set_max_body_size(srv->http, 1024 * 1024);
    evhttp_set_timeout(srv->http, IDLE_TIMEOUT_S);
    evhttp_set_default_content_type(srv->http, "text/plain");

    if (tls) {
        err = srv_tls_setup(srv, opts->tls_cert, opts->tls_key);
        if (err != 0)
            goto fail;
    }
    err = listen_on(srv, opts->addr != NULL ? opts->addr : "127.0.0.1", opts->port,
                    tls ? "https" : "http");
    if (err != 0)
        goto fail;

    ignore_sigpipe();
    *out = srv;
    return 0;

fail:
    cf_server_free(srv);
    return err;
}

int cf_server_port(const cf_server *s)
{
    return s->port;
}

const char *cf_server_url(const cf_server *s)
{
    return s->url;
}

void cf_server_stats(const cf_server *s, struct cf_server_stats *out)
{
    srv_stats_get(s, out);
}

unsigned long cf_server_count_path(const cf_server *s, const char *path)
{
    return srv_stats_path(s, path);
}

void cf_server_reset_stats(cf_server *s)
{
    srv_stats_reset(s);
}

void cf_server_free(cf_server *s)
{
    if (s == NULL)
        return;
    /*
     * evhttp_free() closes the listener and frees every connection; our close callback
     * runs for each, which stops its job and frees its record, so the table is empty after.
     */
    if (s->http != NULL)
        evhttp_free(s->http);
    for (size_t b = 0; b < SRV_CONN_BUCKETS; b++) {
        while (s->conns[b] != NULL) {
            struct srv_conn *conn = s->conns[b];
            s->conns[b] = conn->next;
            free(conn);
        }
    }
    srv_retry_free_all(s);
    srv_tls_free(s);
    free(s);
}

/*
 * connections.c - which connection a transfer may use, and how many libcurl keeps: three
 * workarounds, each under its macro (curl_compat.h says for which libcurl).
 *
 * The reuse policy (CF_CURL_CONN_WALKS). Before it connects, a transfer walks every
 * connection to its host looking for an idle one, and removing a transfer whose
 * connection was kept walks the whole connection cache: quadratic with thousands of
 * connections open. So the sockets libcurl opens and closes through us and the transfers
 * that hold a connection are counted; a transfer that can only use a connection of its
 * own (HTTP/1) when none is idle is told so (FRESH_CONNECT: no walk), and once as many
 * sockets are open (or transfers in flight, which is what the sockets will be once
 * libcurl gets to them) as libcurl would keep (4 x the peak in flight, at most
 * CF_KEEP_CONNS) a plain-http transfer's connection is not kept after it (FORBID_REUSE):
 * keeping one into a full cache makes libcurl walk the whole cache for the oldest to
 * close, on every transfer when each host is new (20,000 host names). Below that,
 * libcurl reuses as usual. The policy is off when
 * connection limits are set (a transfer waiting for a connection slot must be free to
 * take the next idle one).
 *
 * Keeping connections (CF_CURL_MAXCONNECTS_NOW). libcurl keeps at most 4 x the transfers
 * in the multi at that moment and closes the oldest idle ones past that; the count dips
 * whenever finished transfers are removed before their tasks add the next ones.
 * CURLMOPT_MAXCONNECTS follows 4 x the peak in flight instead.
 *
 * A kept connection the server has closed (CF_CURL_STALE_RESEND). libcurl notices when
 * the request on it gets no reply at all and resends it on another connection, which may
 * be another kept one, up to five times: a URL whose server drops every request would be
 * sent six times and fail with a misleading error. One dead kept connection is enough:
 * when a transfer gets ready to send a second time at the same redirect, with nothing
 * heard and no socket opened since (such a resend on a kept connection), on_prereq stops
 * it (x->stale) and fetch.c runs the attempt again on a fresh connection, where the
 * server's answer (or its silence) is the result.
 */
#include <curl/curl.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "connections.h"
#include "curl_compat.h"
#include "sockets.h"
#include "xfer.h"

/* What libcurl tells us of a transfer's connections, for the workarounds here and for
 * sockets.c's table: the sockets it opens and closes, and (7.80.0:
 * CURLOPT_PREREQFUNCTION) each time it is about to send on one. */
#define CF_CONN_CALLBACKS (CF_CURL_CONN_WALKS || CF_CURL_STALE_RESEND || CF_CURL_IDLE_POLL_REMOVE)
#define CF_CONN_PREREQ    (CF_CONN_CALLBACKS && LIBCURL_VERSION_NUM >= 0x075000)

void cf_conns_init(cf_client *c, const struct cf_client_opts *opts)
{
    c->conns.policy = opts->max_host_connections == 0 && opts->max_total_connections == 0;
}

#if CF_CONN_CALLBACKS

/* x holds a connection from now on (counted once). */
static void xfer_attach(struct cf_xfer *x)
{
    if (!x->attached) {
        x->attached = 1;
        x->client->conns.attached++;
    }
}

/* A transfer's new connection (what libcurl would do itself, counted). */
static curl_socket_t on_open_socket(void *ctx, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct cf_xfer *x = ctx;
    curl_socket_t fd;

    (void)purpose;
    fd = socket(addr->family, addr->socktype, addr->protocol);
    if (fd != CURL_SOCKET_BAD) {
        x->opened = 1;
        x->client->conns.sockets++;
        xfer_attach(x);
        cf_sock_opened(x->client, fd);
    }
    return fd;
}

/* Any connection's socket, whichever transfer (or the multi) closes it. */
static int on_close_socket(void *ctx, curl_socket_t fd)
{
    cf_client *c = ctx;

    c->conns.sockets--;
    cf_sock_closed(c, fd);
    return close(fd);
}

#endif

#if CF_CURL_STALE_RESEND
/* Ready to send a second time at the same redirect with nothing heard and no socket
 * opened since: libcurl resending on another kept connection after one died. Such a
 * transfer is stopped (x->stale); otherwise what it did since is forgotten. */
static int stop_resend(struct cf_xfer *x)
{
    long redirects = 0;

    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
    if (!x->fresh && redirects == x->ready_redirects && !x->heard && !x->opened) {
        x->stale = 1;
        return 1;
    }
    x->ready_redirects = redirects;
    x->heard = x->opened = 0;
    return 0;
}
#endif

#if CF_CONN_PREREQ
/* Connected (a new connection or a reused one), about to send the request. Without this
 * a transfer on a reused connection would look as if it held none. */
static int on_prereq(void *ctx, char *ip, char *local_ip, int port, int local_port)
{
    struct cf_xfer *x = ctx;

    (void)ip;
    (void)local_ip;
    (void)port;
    (void)local_port;
    xfer_attach(x);
#if CF_CURL_STALE_RESEND
    if (stop_resend(x))
        return CURL_PREREQFUNC_ABORT;
#endif
    return CURL_PREREQFUNC_OK;
}
#endif

#if CF_CURL_CONN_WALKS
/* With this many sockets open, a new plain-http connection is closed after its
 * transfer instead of being kept (the reuse policy). */
#define CF_KEEP_CONNS 1024

static int is_scheme(const char *url, const char *scheme, size_t len)
{
    return strncasecmp(url, scheme, len) == 0;
}

/* Open sockets past which a new plain-http connection is not kept: CF_KEEP_CONNS, or
 * fewer when libcurl keeps fewer. A connection kept into a full cache makes libcurl walk
 * all of it for the oldest to close (CF_CURL_CONN_WALKS), once per transfer when every
 * host is new; a cache that is full keeps what it has instead. */
static long keep_limit(const cf_client *c)
{
    long keep = CF_KEEP_CONNS;
#if CF_CURL_MAXCONNECTS_NOW
    if (c->conns.peak > 0 && 4 * (long)c->conns.peak < keep)
        keep = 4 * (long)c->conns.peak;
#endif
    return keep;
}

/* Whether x may look for an idle connection and keep its own (see the top). */
static void reuse_policy(cf_client *c, struct cf_xfer *x)
{
    const struct cf_request *r = x->req;
    int http = is_scheme(r->url, "http:", 5);
    int h1 = (http && r->http_version != CF_HTTP_2) ||
             (is_scheme(r->url, "https:", 6) && r->http_version == CF_HTTP_1_1);
    /* Tasks add transfers in batches before libcurl opens any socket for them, so the
     * sockets open lag behind: count every transfer in flight as one that will be. */
    long open = c->conns.sockets > (long)c->in_flight ? c->conns.sockets : (long)c->in_flight;

    if (!c->conns.policy || !h1)
        return;
    if (http && open >= keep_limit(c))
        curl_easy_setopt(x->easy, CURLOPT_FORBID_REUSE, 1L);
    if (c->conns.sockets <= c->conns.attached) /* none can be idle: no need to look */
        curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, 1L);
}
#endif

void cf_conns_prepare(struct cf_xfer *x)
{
    x->attached = 0;
    x->ready_redirects = -1;
    x->heard = x->opened = x->stale = 0;
#if CF_CONN_CALLBACKS
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, (void *)x);
    curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETDATA, (void *)x->client);
#endif
#if CF_CONN_PREREQ
    curl_easy_setopt(x->easy, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(x->easy, CURLOPT_PREREQDATA, (void *)x);
#endif
    if (x->fresh) /* the re-run of a stopped resend */
        curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, 1L);
#if CF_CURL_CONN_WALKS
    else
        reuse_policy(x->client, x);
#endif
}

void cf_conns_peak(cf_client *c)
{
#if CF_CURL_MAXCONNECTS_NOW
    if (c->in_flight > c->conns.peak) {
        c->conns.peak = c->in_flight;
        curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 4 * (long)c->conns.peak);
    }
#else
    (void)c;
#endif
}

void cf_conns_removed(struct cf_xfer *x)
{
    if (x->attached) {
        x->attached = 0;
        x->client->conns.attached--;
    }
}

/*
 * connections.c - which connection a transfer may use, and how many libcurl keeps.
 *
 * The reuse policy. Before it connects, a transfer walks every connection to its host
 * looking for an idle one, and removing a transfer whose connection was kept walks the
 * whole connection cache: quadratic with thousands of connections open. So the sockets
 * libcurl opens and closes through us and the transfers that hold a connection are
 * counted; a transfer that can only use a connection of its own (HTTP/1) when none is
 * idle is told so (FRESH_CONNECT: no walk), and past CF_KEEP_CONNS open sockets (or
 * transfers in flight, which is what the sockets will be once libcurl gets to them) such
 * a new plain-http connection is not kept after its transfer (FORBID_REUSE: no cache
 * walk, no pile of idle sockets). Below that, and whenever a connection may be idle,
 * libcurl reuses as usual. The policy is off when connection limits are set (a transfer
 * waiting for a connection slot must be free to take the next idle one).
 *
 * Keeping connections. libcurl keeps at most 4 x the transfers in the multi at that
 * moment and closes the oldest idle ones past that; the count dips whenever finished
 * transfers are removed before their tasks add the next ones. CURLMOPT_MAXCONNECTS
 * follows 4 x the peak in flight instead.
 *
 * A kept connection the server has closed. libcurl notices when the request on it gets
 * no reply at all and resends it on another connection, which may be another kept one,
 * up to five times: a URL whose server drops every request would be sent six times and
 * fail with a misleading error. One dead kept connection is enough: when a transfer gets
 * ready to send a second time at the same redirect, with nothing heard and no socket
 * opened since (such a resend on a kept connection), on_prereq stops it (x->stale) and
 * fetch.c runs the attempt again on a fresh connection, where the server's answer (or
 * its silence) is the result.
 */
#include <curl/curl.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "connections.h"
#include "sockets.h"
#include "xfer.h"

/* With this many sockets open, a new plain-http connection is closed after its
 * transfer instead of being kept (the reuse policy). */
#define CF_KEEP_CONNS 1024

void cf_conns_init(cf_client *c, const struct cf_client_opts *opts)
{
    c->conns.policy = opts->max_host_connections == 0 && opts->max_total_connections == 0;
}

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

#if LIBCURL_VERSION_NUM >= 0x075000
/* Connected (a new connection or a reused one), about to send the request. A second
 * time at the same redirect with nothing heard and no socket opened since is libcurl
 * resending on another kept connection after one died: stop it (see the top). */
static int on_prereq(void *ctx, char *ip, char *local_ip, int port, int local_port)
{
    struct cf_xfer *x = ctx;
    long redirects = 0;

    (void)ip;
    (void)local_ip;
    (void)port;
    (void)local_port;
    xfer_attach(x);
    curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_COUNT, &redirects);
    if (!x->fresh && redirects == x->ready_redirects && !x->heard && !x->opened) {
        x->stale = 1;
        return CURL_PREREQFUNC_ABORT;
    }
    x->ready_redirects = redirects;
    x->heard = x->opened = 0;
    return CURL_PREREQFUNC_OK;
}
#endif

static int is_scheme(const char *url, const char *scheme, size_t len)
{
    return strncasecmp(url, scheme, len) == 0;
}

void cf_conns_prepare(cf_client *c, struct cf_xfer *x)
{
    const struct cf_request *r = x->req;
    int http = is_scheme(r->url, "http:", 5);
    int h1 = (http && r->http_version != CF_HTTP_2) ||
             (is_scheme(r->url, "https:", 6) && r->http_version == CF_HTTP_1_1);

    x->attached = 0;
    x->ready_redirects = -1;
    x->heard = x->opened = x->stale = 0;
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
    curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, (void *)x);
    curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
    curl_easy_setopt(x->easy, CURLOPT_CLOSESOCKETDATA, (void *)c);
#if LIBCURL_VERSION_NUM >= 0x075000 /* 7.80: without it a reused connection looks idle */
    curl_easy_setopt(x->easy, CURLOPT_PREREQFUNCTION, on_prereq);
    curl_easy_setopt(x->easy, CURLOPT_PREREQDATA, (void *)x);
#endif
    if (x->fresh) {
        curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, 1L);
        return;
    }
    if (!c->conns.policy || !h1 || c->conns.sockets > c->conns.attached)
        return; /* a connection may be idle: let libcurl look */
    curl_easy_setopt(x->easy, CURLOPT_FRESH_CONNECT, 1L);
    /* Tasks add transfers in batches before libcurl opens any socket for them, so the
     * sockets open lag behind: count every transfer in flight as one that will be. */
    if (http && (c->conns.sockets > (long)c->in_flight ? c->conns.sockets : (long)c->in_flight) >=
                    CF_KEEP_CONNS)
        curl_easy_setopt(x->easy, CURLOPT_FORBID_REUSE, 1L);
}

void cf_conns_peak(cf_client *c)
{
    if (c->in_flight > c->conns.peak) {
        c->conns.peak = c->in_flight;
        curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 4 * (long)c->conns.peak);
    }
}

void cf_conns_removed(cf_client *c, struct cf_xfer *x)
{
    if (x->attached) {
        x->attached = 0;
        c->conns.attached--;
    }
}

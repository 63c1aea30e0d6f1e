/*
 * tls.c - HTTPS: one SSL_CTX per server, and a bufferevent factory that evhttp calls for
 * each accepted connection so that the connection speaks TLS (server side of the handshake).
 * Built as stubs that refuse TLS when libevent_openssl was not found (no CF_HAVE_TLS_SERVER).
 */
#include <stddef.h>

#include "cofetch/error.h"
#include "tls.h"
#include "types.h"

#ifdef CF_HAVE_TLS_SERVER

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/http.h>

static struct bufferevent *tls_bevcb(struct event_base *base, void *arg)
{
    cf_server *srv = arg;
    SSL *ssl = SSL_new(srv->tls_ctx);
    struct bufferevent *bev;

    if (ssl == NULL)
        return NULL; /* evhttp falls back to a plain bufferevent; the handshake then fails */
    /* evhttp sets the socket later; BEV_OPT_CLOSE_ON_FREE makes the bufferevent own ssl. */
    bev = bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING,
                                         BEV_OPT_CLOSE_ON_FREE);
    if (bev == NULL)
        SSL_free(ssl);
    return bev;
}

int srv_tls_setup(cf_server *srv, const char *cert, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL)
        return CF_ENOMEM;
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        /* Leave no stale error behind for the next OpenSSL user of this thread. */
        ERR_clear_error();
        SSL_CTX_free(ctx);
        return CF_ETLS;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    srv->tls_ctx = ctx;
    evhttp_set_bevcb(srv->http, tls_bevcb, srv);
    return 0;
}

void srv_tls_free(cf_server *srv)
{
    /* Connections hold their own references to the context; this drops ours. */
    SSL_CTX_free(srv->tls_ctx);
    srv->tls_ctx = NULL;
}

#else

int srv_tls_setup(cf_server *srv, const char *cert, const char *key)
{
    (void)srv, (void)cert, (void)key;
    return CF_ETLS;
}

void srv_tls_free(cf_server *srv)
{
    (void)srv;
}

#endif

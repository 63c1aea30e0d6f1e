/*
 * tls.h - serving HTTPS.
 */
#ifndef SRV_TLS_H
#define SRV_TLS_H

#include "server.h"

/*
 * Loads the PEM certificate chain and key into the server's TLS context and makes evhttp
 * wrap each accepted connection in TLS. 0, CF_ENOMEM, or CF_ETLS (a file does not load, or
 * built without TLS server support).
 */
int srv_tls_setup(cf_server *srv, const char *cert, const char *key);
/* Drops the server's TLS context, if any. */
void srv_tls_free(cf_server *srv);

#endif

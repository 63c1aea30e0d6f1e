/*
 * castore.h - a CA bundle read once per client and decoded certificate by certificate,
 * when a handshake asks for an issuer, as OpenSSL's hashed-directory lookup does.
 *
 * OpenSSL 3.0 decodes every certificate's public key as it loads a bundle: 1.6 M
 * instructions each, 240 M for the system's 145, paid by every process before its first
 * https fetch. This store reads the PEM blocks and their subject names instead, and
 * decodes a certificate only when a chain needs an issuer of that name; what it decoded
 * stays in the store for the client's life. Verification is OpenSSL's own over the same
 * certificates, with the flags libcurl puts on its store.
 *
 * Only for bundles of plain certificates ("CERTIFICATE", "TRUSTED CERTIFICATE",
 * "X509 CERTIFICATE" blocks) and a libcurl built with OpenSSL; any other file is left
 * to libcurl (cf_castore_for returns NULL). All on the loop's thread.
 */
#ifndef CF_NET_CASTORE_H
#define CF_NET_CASTORE_H

#include <curl/curl.h>

struct cf_castore;
struct cf_client;

/* The client's store for the bundle at path, read on first use; NULL when this store
 * cannot serve that file (not readable, other blocks in it, no OpenSSL): the caller then
 * hands the file to libcurl, which reports what is wrong with it. Owned by the client. */
struct cf_castore *cf_castore_for(struct cf_client *c, const char *path);

/* Sets what a transfer needs to verify with s: no CA file or directory for libcurl to
 * load, and s put into each SSL_CTX through CURLOPT_SSL_CTX_FUNCTION. 0, or -1 when
 * libcurl refuses the callback (the caller then sets CURLOPT_CAINFO as usual). */
int cf_castore_apply(struct cf_castore *s, CURL *easy);

/* Every store of the client (cf_client_free). */
void cf_castore_free_all(struct cf_client *c);

#endif

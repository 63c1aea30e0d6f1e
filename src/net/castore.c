/*
 * castore.c - a CA bundle read once per client and decoded per issuer on demand (see
 * castore.h for why).
 *
 * The store is an X509_STORE with one lookup of our own, as OpenSSL's hashed directory
 * is one: when verification needs the certificates of a subject name that the store
 * does not hold yet, OpenSSL asks the lookup, which decodes every certificate of the
 * bundle with that subject, adds them all to the store and returns one. From then on
 * OpenSSL finds them in the store as if it had loaded the whole file. libcurl (7.88)
 * sets its verification flags on whatever store the SSL_CTX has when it sets up
 * verification, which is after CURLOPT_SSL_CTX_FUNCTION, so ours gets libcurl's own.
 */
#include <stdlib.h>
#include <string.h>

#include "castore.h"
#include "client.h"

#if CF_HAVE_OPENSSL

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

struct cert {
    X509_NAME *subject;
    unsigned char *der; /* the block's bytes until decoded (OPENSSL_malloc'd) */
    long len;
    int trusted; /* "TRUSTED CERTIFICATE": a certificate with trust settings */
    X509 *x;     /* decoded (and in the store), or NULL */
};

struct cf_castore {
    struct cf_castore *next;
    char *path;
    int usable; /* 0: a file left to libcurl */
    struct cert *certs;
    size_t n;
    X509_LOOKUP_METHOD *method;
    X509_STORE *store;
};

/* The subject of a DER certificate, found by walking its outer fields (RFC 5280:
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL,
 * serialNumber, signature, issuer, validity, subject, ... }, ... }). NULL if the
 * bytes are not shaped so. */
static X509_NAME *subject_of(const unsigned char *der, long len)
{
    const unsigned char *p = der, *end, *at;
    long l;
    int tag, cls, r, field = 0;

    r = ASN1_get_object(&p, &l, &tag, &cls, len);
    if ((r & 0x80) || r == 0x21 || tag != V_ASN1_SEQUENCE)
        return NULL;
    r = ASN1_get_object(&p, &l, &tag, &cls, der + len - p);
    if ((r & 0x80) || r == 0x21 || tag != V_ASN1_SEQUENCE)
        return NULL;
    end = p + l;
    while (p < end) {
        at = p;
        r = ASN1_get_object(&p, &l, &tag, &cls, end - p);
        if ((r & 0x80) || r == 0x21)
            return NULL;
        if (field == 0 && cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0) {
            p += l; /* the version */
            continue;
        }
        if (field == 4) {
            const unsigned char *q = at;
            return d2i_X509_NAME(NULL, &q, (long)(p - at) + l);
        }
        p += l;
        field++;
    }
    return NULL;
}

/* X509_LOOKUP get_by_subject: decode and add to the store every certificate with this
 * subject; ret borrows one of them (the store holds them), as OpenSSL's own lookups
 * return theirs. 1 when the bundle has one, else 0. */
static int by_subject(X509_LOOKUP *lu, X509_LOOKUP_TYPE type, const X509_NAME *name,
                      X509_OBJECT *ret)
{
    struct cf_castore *s = X509_LOOKUP_get_method_data(lu);
    X509 *found = NULL;

    if (type != X509_LU_X509 || !s)
        return 0;
    for (size_t i = 0; i < s->n; i++) {
        struct cert *c = &s->certs[i];
        if (X509_NAME_cmp(c->subject, name) != 0)
            continue;
        if (c->der) { /* first asked for: decode it, once */
            const unsigned char *p = c->der;
            c->x = c->trusted ? d2i_X509_AUX(NULL, &p, c->len) : d2i_X509(NULL, &p, c->len);
            if (c->x && !X509_STORE_add_cert(s->store, c->x)) {
                X509_free(c->x);
                c->x = NULL;
            }
            OPENSSL_free(c->der);
            c->der = NULL;
        }
        if (c->x && !found)
            found = c->x;
    }
    if (!found || !X509_OBJECT_set1_X509(ret, found))
        return 0;
    X509_free(found); /* the reference set1 took: ret borrows it */
    return 1;
}

static void store_clear(struct cf_castore *s)
{
    X509_STORE_free(s->store); /* before its lookup's method */
    X509_LOOKUP_meth_free(s->method);
    for (size_t i = 0; i < s->n; i++) {
        X509_NAME_free(s->certs[i].subject);
        OPENSSL_free(s->certs[i].der);
        X509_free(s->certs[i].x);
    }
    free(s->certs);
    s->store = NULL;
    s->method = NULL;
    s->certs = NULL;
    s->n = 0;
}

/* Read the bundle's blocks: 0, or -1 when this store cannot serve the file. */
static int store_read(struct cf_castore *s)
{
    BIO *in = BIO_new_file(s->path, "r");
    size_t cap = 0;
    int rc = -1;

    if (!in)
        goto done;
    for (;;) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long len = 0;
        struct cert *c;

        if (!PEM_read_bio(in, &name, &header, &der, &len)) {
            unsigned long e = ERR_peek_last_error();
            /* The end of the file, after at least one certificate; else a bad block. */
            if (s->n > 0 && ERR_GET_LIB(e) == ERR_LIB_PEM &&
                ERR_GET_REASON(e) == PEM_R_NO_START_LINE)
                rc = 0;
            break;
        }
        if (s->n == cap) {
            size_t ncap = cap ? 2 * cap : 256;
            struct cert *more = realloc(s->certs, ncap * sizeof *more);
            if (!more)
                goto block_fail;
            s->certs = more;
            cap = ncap;
        }
        c = &s->certs[s->n];
        memset(c, 0, sizeof *c);
        c->trusted = strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
        /* Only certificates, unencrypted; a CRL or a key is libcurl's to load. */
        if (header[0] || (!c->trusted && strcmp(name, PEM_STRING_X509) != 0 &&
                          strcmp(name, PEM_STRING_X509_OLD) != 0))
            goto block_fail;
        c->subject = subject_of(der, len);
        if (!c->subject)
            goto block_fail;
        c->der = der;
        c->len = len;
        s->n++;
        OPENSSL_free(name);
        OPENSSL_free(header);
        continue;
    block_fail:
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
        break;
    }
done:
    ERR_clear_error();
    BIO_free(in);
    return rc;
}

static int store_open(struct cf_castore *s)
{
    X509_LOOKUP *lu;
    const char *ssl = curl_version_info(CURLVERSION_NOW)->ssl_version;

    /* Only a libcurl on OpenSSL hands us an SSL_CTX. */
    if (!ssl || strncmp(ssl, "OpenSSL/", 8) != 0 || store_read(s) != 0)
        return -1;
    s->method = X509_LOOKUP_meth_new("cofetch CA bundle");
    s->store = X509_STORE_new();
    if (!s->method || !s->store || !X509_LOOKUP_meth_set_get_by_subject(s->method, by_subject))
        return -1;
    lu = X509_STORE_add_lookup(s->store, s->method);
    if (!lu || !X509_LOOKUP_set_method_data(lu, s))
        return -1;
    return 0;
}

struct cf_castore *cf_castore_for(struct cf_client *c, const char *path)
{
    struct cf_castore *s;

    for (s = c->castores; s; s = s->next)
        if (strcmp(s->path, path) == 0)
            return s->usable ? s : NULL;
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->path = strdup(path);
    if (!s->path) {
        free(s);
        return NULL;
    }
    s->usable = store_open(s) == 0;
    if (!s->usable)
        store_clear(s); /* remembered as "libcurl's", not read again */
    s->next = c->castores;
    c->castores = s;
    return s->usable ? s : NULL;
}

/* CURLOPT_SSL_CTX_FUNCTION: the SSL_CTX libcurl just made verifies with our store. */
static CURLcode put_store(CURL *e, void *ssl_ctx, void *arg)
{
    struct cf_castore *s = arg;

    (void)e;
    SSL_CTX_set1_cert_store(ssl_ctx, s->store);
    return CURLE_OK;
}

int cf_castore_apply(struct cf_castore *s, CURL *e)
{
    if (curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, put_store) != CURLE_OK)
        return -1;
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, s);
    /* No CA file for libcurl to load. But libcurl reuses a connection, or resumes a TLS
     * session (which verifies nothing), only for a transfer whose CA file and directory
     * names match the connection's: with none at all, a request verified against one
     * bundle could get a connection made under another. So the bundle's own path is
     * the CA "directory": it keys connections and sessions as CURLOPT_CAINFO would,
     * and the directory lookup OpenSSL adds for it finds nothing (no "<hash>.0" under
     * a file). */
    curl_easy_setopt(e, CURLOPT_CAINFO, NULL);
    curl_easy_setopt(e, CURLOPT_CAPATH, s->path);
    return 0;
}

void cf_castore_free_all(struct cf_client *c)
{
    while (c->castores) {
        struct cf_castore *s = c->castores;
        c->castores = s->next;
        store_clear(s);
        free(s->path);
        free(s);
    }
}

#else /* no OpenSSL to build with: every bundle is libcurl's to load */

struct cf_castore *cf_castore_for(struct cf_client *c, const char *path)
{
    (void)c;
    (void)path;
    return NULL;
}

int cf_castore_apply(struct cf_castore *s, CURL *e)
{
    (void)s;
    (void)e;
    return -1;
}

void cf_castore_free_all(struct cf_client *c)
{
    (void)c;
}

#endif

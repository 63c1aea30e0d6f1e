/*
 * response.h - header and body callbacks, the result read back (response.c).
 */
#ifndef CF_NET_RESPONSE_H
#define CF_NET_RESPONSE_H

#include <stddef.h>

struct cf_xfer;
struct cf_response;

/* What a cf_response holds that only the library reads; allocated when first needed. */
struct cf_response_priv {
    char *header_index;   /* cf_response_header's index of the headers */
    char *error;          /* the error's text, when allocated (cf_error_set) */
    struct cf_xfer *xfer; /* the transfer filling it, while in the multi (cf_fetch_resume) */
};

/* resp->priv, allocated if it is not yet; NULL when out of memory. */
struct cf_response_priv *cf_response_priv(struct cf_response *resp);

/* CURLOPT_HEADERFUNCTION and CURLOPT_WRITEFUNCTION, with the cf_xfer as their data. */
size_t cf_response_on_header(char *data, size_t size, size_t n, void *ctx);
size_t cf_response_on_body(char *data, size_t size, size_t n, void *ctx);
/* Before an attempt's transfer: what an earlier attempt left is emptied. */
void cf_response_begin_attempt(struct cf_xfer *x);
/* After a completed attempt: status, URL, version, timings from the easy handle. */
int cf_response_collect(struct cf_xfer *x);

#endif

/*
 * request.h - a request's options on an easy handle (request.c).
 */
#ifndef CF_NET_REQUEST_H
#define CF_NET_REQUEST_H

struct cf_xfer;

/* Receive buffers (when the client leaves their size to us): powers of two from
 * RECV_MIN to RECV_MAX bytes, never more than RECV_BUDGET in flight above RECV_MIN.
 * curl_mem.c keeps RECV_BUDGET / RECV_MAX slots of them for reuse. */
enum { RECV_BUDGET = 4 * 1024 * 1024, RECV_MIN = 1024, RECV_MAX = 64 * 1024 };

/* Set every option of x->req on x->easy (a fresh or reset handle). Errors: CF_EINVAL
 * (an option libcurl refuses, e.g. an unknown protocol name), CF_EURL, CF_ENOMEM. */
int cf_request_apply(struct cf_xfer *x);

#endif

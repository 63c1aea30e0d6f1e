/*
 * cofetch/error.h - error codes shared by every cofetch call.
 *
 * Every call that can fail returns 0 on success or one of the negative CF_E* codes
 * below. Codes are stable; cf_strerror() turns one into a short English phrase.
 */
#ifndef COFETCH_ERROR_H
#define COFETCH_ERROR_H

#include "cofetch/export.h"

CF_API_BEGIN

enum cf_error {
    CF_OK = 0,
    CF_ENOMEM = -1,    /* out of memory (any allocating call) */
    CF_EINVAL = -2,    /* invalid argument */
    CF_ECANCELED = -3, /* the task was cancelled (every suspension point) */
    CF_ETIMEDOUT = -4, /* a deadline passed (wait_for, *_timeout, fetch timeouts) */
    CF_ECLOSED = -5,   /* the queue was closed (queue get/put) */
    CF_ESTATE = -6,    /* wrong state: future already set, result of a pending future */
    CF_EOF = -7,       /* end of input (line reader) */
    CF_ETOOLONG = -8,  /* a line was longer than the reader's limit; it was skipped */
    CF_EIO = -9,       /* read/write error from the operating system */
    CF_EAGAIN = -10,   /* *_nowait calls: the queue is full or empty */
    CF_ENOTASK = -11,  /* a suspending call made outside a task */
    CF_EDEADLK = -12,  /* the main task can never finish: nothing left to wake it */
    CF_ESTOPPED = -13, /* cf_loop_stop() ended the run before the main task finished */
    CF_EBUSY = -14,    /* freeing a primitive tasks still wait on, a task group with
                          tasks still running, a thread pool with calls in flight */
    CF_ELOOP = -15,    /* awaiting a task (or primitive) of another loop */
    /* Network layer (cofetch/fetch.h). */
    CF_EURL = -20,       /* malformed URL */
    CF_EPROTO = -21,     /* protocol not allowed (only http/https by default) */
    CF_EDNS = -22,       /* host name could not be resolved */
    CF_ECONNECT = -23,   /* could not connect (refused, unreachable) */
    CF_ETLS = -24,       /* TLS handshake or certificate verification failed */
    CF_ESEND = -25,      /* error sending the request */
    CF_ERECV = -26,      /* connection failed while receiving (reset, truncated body) */
    CF_EHTTP = -27,      /* HTTP status >= 400 where the request asked to fail on it */
    CF_ETOOBIG = -28,    /* body larger than the allowed maximum */
    CF_EREDIRECTS = -29, /* too many redirects */
    CF_EBADRESP = -30,   /* malformed response from the server */
    CF_ENET = -31,       /* any other transfer error (see the response's message) */
};

/* Short English description of a CF_E* code; never NULL, static storage. */
const char *cf_strerror(int err);

CF_API_END

#endif

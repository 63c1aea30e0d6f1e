/*
 * xfer.h - struct cf_xfer, one transfer attempt of a fetch: xfer.c sets it up on a pooled
 * easy handle and reads it back. It lives on the fetching task's stack (in fetch.c's
 * struct fetch, no allocation) and travels as CURLOPT_PRIVATE while its easy handle is
 * in the multi.
 */
#ifndef CF_NET_XFER_H
#define CF_NET_XFER_H

#include <curl/curl.h>
#include <stddef.h>

#include "cofetch/fetch.h"

struct cf_xfer {
    cf_client *client;
    cf_task *task;
    CURL *easy;
    const struct cf_request *req;
    struct cf_response *resp;
    size_t body_cap;            /* allocated bytes of resp->body */
    size_t headers_cap;         /* allocated bytes of resp->headers */
    long long max_body;         /* effective cap (0 = none) */
    struct curl_slist *headers; /* request headers given to libcurl (owned) */
    int sink_err;               /* why a body/header callback stopped the transfer (CF_E*) */
    int discard;                /* body of a response that will be retried: not delivered */
    int may_retry;              /* another attempt is allowed (decides `discard`) */
    int delivered;              /* body bytes went to an fd/callback sink */
    int sink_paused;            /* the sink answered CF_SINK_PAUSE: cf_fetch_resume goes on */
    int status_checked;         /* the first body byte has looked at the status */
    int in_multi;               /* the easy handle is in client->multi */
    int cancelled;              /* on_cancel ran: the task will not read the result */
    int attached;               /* holds a connection (connections.c counts it) */
    CURLcode result;            /* libcurl's result once done */
    long recv_buf;              /* CURLOPT_BUFFERSIZE of this attempt */
    /* libcurl's resend after a dead kept connection (connections.c): what the transfer did
     * since it last got ready to send, and whether this attempt runs on a fresh one. */
    long ready_redirects; /* CURLINFO_REDIRECT_COUNT when last ready (-1: not yet) */
    int opened;           /* it opened a socket since */
    int heard;            /* a header arrived since */
    int stale;            /* a retry on another kept connection was stopped: run fresh */
    int fresh;            /* this attempt runs with FRESH_CONNECT after a stale retry */
    /* slices.c: body bytes taken in the call into libcurl numbered slice_at, and the
     * unpause pending when it went past its slice. */
    unsigned long slice_at;
    size_t slice_bytes;
    cf_handle *unpause;
    char errbuf[CURL_ERROR_SIZE];
};

/* Set up an attempt of x->req: a pooled easy handle with the request's options; its start
 * goes to a->start. Errors: CF_ENOMEM (no handle, described), cf_request_apply's. */
int cf_xfer_begin(struct cf_xfer *x, struct cf_attempt *a);
/* The transfer was stopped before libcurl resent it on another kept connection
 * (connections.c): ready for the same request again, on a fresh connection (FRESH_CONNECT).
 * Nothing was heard, so there is nothing to undo but the stop's error text. */
void cf_xfer_refresh(struct cf_xfer *x);
/* The attempt ended with rc (0: the transfer completed, libcurl's result in x->result):
 * read the outcome back into the response and *a, describe a failure, give the handle
 * back. Returns the attempt's code. */
int cf_xfer_end(struct cf_xfer *x, struct cf_attempt *a, int rc);

#endif

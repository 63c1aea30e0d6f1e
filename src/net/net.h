/*
 * net.h - the network layer's private structures and the seams between its files.
 *
 * Lifetimes (one struct per lifetime, as in curl's hiperfifo):
 *   struct cf_client   one per loop: the multi handle, its timer, the easy pool,
 *                      the limits. Lives from cf_client_new to cf_client_free.
 *   struct cf_xfer     one per cf_fetch call, on the calling task's stack (no
 *                      allocation): travels as CURLOPT_PRIVATE while its easy handle
 *                      is in the multi.
 *   struct cf_sock     one per socket libcurl asks us to watch (multi.c): attached with
 *                      curl_multi_assign; a connection's socket lives until it is
 *                      closed, others are freed on CURL_POLL_REMOVE.
 *
 * Nothing here is thread-safe: everything runs on the loop's thread.
 */
#ifndef CF_NET_H
#define CF_NET_H

#include <curl/curl.h>
#include <stddef.h>

#include "cofetch/fetch.h"
#include "cofetch/sem.h"

struct event;

/* ---- rate limits (ratelimit.c) ---- */
struct cf_host_rate;
struct cf_ratelimit {
    double interval;             /* seconds between starts, all hosts (0 = off) */
    double next;                 /* earliest start for the next reservation */
    double host_interval;        /* seconds between starts per host (0 = off) */
    struct cf_host_rate **hosts; /* open hash table of hosts, by name */
    size_t nhosts, cap;
};

/* ---- easy handle pool (easy_pool.c) ---- */
struct cf_easy_pool {
    CURL **free; /* reset handles ready for use */
    size_t n, cap;
};

struct cf_client {
    cf_loop *loop;
    CURLM *multi;
    struct event *timer;    /* libcurl's one timeout */
    struct event *watchdog; /* kicks stalled transfers (multi.c), while any is in flight */
    unsigned long actions;  /* curl_multi_socket_action calls, for the watchdog */
    unsigned long watched;  /* ... as the watchdog last saw it */
    unsigned long quiet;    /* watchdog periods in a row without a call */
    struct cf_sock *socks;  /* the sockets libcurl watches now */
    int in_action;          /* depth of curl_multi_socket_action calls */
    int running;            /* transfers libcurl reports running */
    int error;              /* first CURLMcode failure seen in a callback (as CF_E*) */
    size_t in_flight;       /* transfers in the multi */
    size_t peak_in_flight;  /* the most there have been (sets CURLMOPT_MAXCONNECTS) */
    size_t recv_bytes;      /* their receive buffers' bytes (request.c) */
    cf_sem *slots;          /* max_in_flight permits, or NULL */
    struct cf_easy_pool pool;
    struct cf_ratelimit rate;
    double epoch;
    unsigned long long rng; /* xorshift state for retry jitter */
    long buffer_size;       /* CURLOPT_BUFFERSIZE for every transfer (0 = curl's) */
    int env_proxy;          /* the environment names a proxy, as of cf_client_new */
    /* Connection accounting (multi.c), to spare libcurl 7.x its per-transfer scans of
     * the whole connection cache when thousands of connections are open. */
    int conn_policy; /* whether the policy applies (no connection limits set) */
    long sockets;    /* sockets libcurl has open through us (busy or idle) */
    long attached;   /* transfers in the multi holding a connection */
    /* By descriptor, the sockets opened through us, watched or idle (multi.c). */
    struct cf_sock **sock_at;
    size_t sock_cap;
};

/* One transfer attempt of a fetch, owned by the fetching task (on its stack). */
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
    int status_checked;         /* the first body byte has looked at the status */
    int in_multi;               /* the easy handle is in client->multi */
    int cancelled;              /* on_cancel ran: the task will not read the result */
    int attached;               /* holds a connection: counted in client->attached */
    CURLcode result;            /* libcurl's result once done */
    long recv_buf;              /* CURLOPT_BUFFERSIZE of this attempt */
    /* libcurl's dead-connection retry (multi.c, on_prereq): what the transfer did since it
     * last got ready to send, and whether this attempt went to a fresh connection. */
    long ready_redirects; /* CURLINFO_REDIRECT_COUNT when last ready (-1: not yet) */
    int opened;           /* it opened a socket since */
    int heard;            /* a header arrived since */
    int stale;            /* a retry on another kept connection was stopped: run fresh */
    int fresh;            /* this attempt runs with FRESH_CONNECT after a stale retry */
    char errbuf[CURL_ERROR_SIZE];
};

/* ---- client.c ---- */
cf_client *cf_client_current(void);
double cf_client_now(const cf_client *c); /* seconds since the client's epoch */
double cf_client_random(cf_client *c);    /* uniform in [0, 1) */

/* ---- multi.c: the CURLM driven by libevent ---- */
int cf_multi_init(cf_client *c, const struct cf_client_opts *opts);
void cf_multi_cleanup(cf_client *c);
/* Add x->easy to the multi (then suspend the task with cf_multi_cancel; x->result holds
 * libcurl's result once it is woken with 0). Errors: from adding the handle. */
int cf_multi_add(cf_client *c, struct cf_xfer *x);
/* Take x->easy out of the multi: a transfer still in it when its task resumes (it was
 * cancelled while libcurl was calling us, or before suspending). */
void cf_multi_remove(cf_client *c, struct cf_xfer *x);
/* The cf_cancel_fn for cf_task_suspend(..., x): x's task is cancelled; the transfer is
 * removed at once unless libcurl is calling us, and no callback touches x afterwards. */
void cf_multi_cancel(void *ctx);

/* ---- curl_mem.c: libcurl's allocator, receive buffers kept for reuse ---- */
/* curl_global_init with our allocator (once per process, before any other libcurl call). */
CURLcode cf_curl_global_init(void);
/* A client starts using libcurl / is done with it; the last one out empties the cache. */
void cf_curl_mem_hold(void);
void cf_curl_mem_release(void);

/* ---- easy_pool.c ---- */
CURL *cf_easy_get(struct cf_easy_pool *p);
void cf_easy_put(struct cf_easy_pool *p, CURL *easy);
void cf_easy_pool_free(struct cf_easy_pool *p);

/* ---- xfer.c: one transfer attempt ---- */
/* Set up an attempt of x->req: a pooled easy handle with the request's options; its start
 * goes to a->start. Errors: CF_ENOMEM (no handle, described), cf_request_apply's. */
int cf_xfer_begin(struct cf_xfer *x, struct cf_attempt *a);
/* The transfer was stopped before libcurl resent it on another kept connection
 * (multi.c): ready for the same request again, on a fresh connection (FRESH_CONNECT).
 * Nothing was heard, so there is nothing to undo but the stop's error text. */
void cf_xfer_refresh(struct cf_xfer *x);
/* The attempt ended with rc (0: the transfer completed, libcurl's result in x->result):
 * read the outcome back into the response and *a, describe a failure, give the handle
 * back. Returns the attempt's code. */
int cf_xfer_end(struct cf_xfer *x, struct cf_attempt *a, int rc);

/* ---- request.c: a request's options on an easy handle ---- */
/* Receive buffers (when the client leaves their size to us): powers of two from
 * RECV_MIN to RECV_MAX bytes, never more than RECV_BUDGET in flight above RECV_MIN.
 * curl_mem.c keeps RECV_BUDGET / RECV_MAX slots of them for reuse. */
enum { RECV_BUDGET = 4 * 1024 * 1024, RECV_MIN = 1024, RECV_MAX = 64 * 1024 };

int cf_request_apply(struct cf_xfer *x);

/* ---- response.c: header and body callbacks, the result read back ---- */
size_t cf_response_on_header(char *data, size_t size, size_t n, void *ctx);
size_t cf_response_on_body(char *data, size_t size, size_t n, void *ctx);
void cf_response_begin_attempt(struct cf_xfer *x);
/* After a completed attempt: status, URL, version, timings from the easy handle. */
int cf_response_collect(struct cf_xfer *x);

/* ---- errors.c: the one CURLcode -> CF_E* boundary ---- */
int cf_error_from_curl(CURLcode rc);
/* cf_error_from_curl, refined with what the finished transfer saw (see errors.c);
 * may write a detail into an empty errbuf. */
int cf_error_from_transfer(CURLcode rc, CURL *easy, char *errbuf, size_t errlen);
int cf_error_from_multi(CURLMcode rc);
/* resp->error = "<what failed>: <detail>" (at most CF_ERROR_MAX bytes), "<what failed>"
 * without a detail, "" for code 0. */
enum { CF_ERROR_MAX = 255 };
void cf_error_set(struct cf_response *resp, int code, const char *detail);
/* The fetch ends with code: resp->code, and resp->error through cf_error_set unless a
 * failure already described it (detail NULL and resp->error set). Returns code. */
int cf_error_final(struct cf_response *resp, int code, const char *detail);

/* ---- retry.c ---- */
/* Whether an attempt that ended with (code, status) is worth another try. */
int cf_retry_transient(const struct cf_request *req, int code, long status);
/* Seconds to wait before attempt number `next` (2, 3, ...); honours retry_after
 * (seconds, < 0 = none) as a minimum. Returns < 0 when the server asks for longer
 * than we are willing to wait (then do not retry). */
double cf_retry_backoff(cf_client *c, const struct cf_request *req, int next, double retry_after);
/* Retry-After of the last response in seconds, or -1 if absent/unparseable. */
double cf_retry_after(struct cf_response *resp);

/* ---- ratelimit.c ---- */
int cf_ratelimit_init(struct cf_ratelimit *r, double rate, double rate_per_host);
void cf_ratelimit_free(struct cf_ratelimit *r);
/* Before taking a transfer slot: reserve the turn of url's host; *host its entry and *at
 * when the turn comes (cf_loop_time), or *host = NULL when per-host limiting is off.
 * Errors: CF_ENOMEM, CF_EURL (no host in the URL). */
int cf_ratelimit_host_reserve(struct cf_ratelimit *r, const char *url, struct cf_host_rate **host,
                              double *at);
/* The waiter for the host turn at `at` gave up: the turn is given back if it was the last
 * one reserved. */
void cf_ratelimit_host_unreserve(struct cf_ratelimit *r, struct cf_host_rate *host, double at);
/* Holding a slot, right before the transfer starts: reserve the global turn and the host's
 * spacing against its last actual start (the slot wait may have bunched a host's requests
 * up); returns when it comes (cf_loop_time). */
double cf_ratelimit_reserve(struct cf_ratelimit *r, struct cf_host_rate *host);
/* The waiter for the global turn at `at` gave up: given back if it was the last one. */
void cf_ratelimit_unreserve(struct cf_ratelimit *r, double at);

#endif

/*
 * client.h - struct cf_client, one per loop: the multi handle, its timer, the easy pool,
 * the limits. client.c owns it, from cf_client_new to cf_client_free; cf_fetch finds it
 * through the loop's CF_SLOT_NET. Nothing here is thread-safe: everything runs on the
 * loop's thread.
 */
#ifndef CF_NET_CLIENT_H
#define CF_NET_CLIENT_H

#include <curl/curl.h>
#include <stddef.h>

#include "cofetch/fetch.h"
#include "cofetch/sem.h"
#include "easy_pool.h"
#include "ratelimit.h"

struct event;

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

/* The client of the loop running on this thread, or NULL. */
cf_client *cf_client_current(void);
double cf_client_now(const cf_client *c); /* seconds since the client's epoch */
double cf_client_random(cf_client *c);    /* uniform in [0, 1) */

#endif

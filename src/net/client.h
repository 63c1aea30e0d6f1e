/*
 * client.h - struct cf_client, one per loop: the multi handle, its timer, the easy pool,
 * the limits. client.c owns it, from cf_client_new to cf_client_free; cf_fetch finds it
 * through the loop's locals. Nothing here is thread-safe: everything runs on the
 * loop's thread.
 */
#ifndef CF_NET_CLIENT_H
#define CF_NET_CLIENT_H

#include <curl/curl.h>
#include <stddef.h>

#include "cofetch/fetch.h"
#include "cofetch/sem.h"
#include "connections.h"
#include "cookies.h"
#include "easy_pool.h"
#include "ratelimit.h"
#include "sockets.h"
#include "watchdog.h"

struct event;

struct cf_client {
    cf_loop *loop;
    /* The multi handle on the loop (multi.c). */
    CURLM *multi;
    struct event *timer;         /* libcurl's one timeout */
    unsigned long actions;       /* curl_multi_socket_action calls (watchdog.c looks at them) */
    int in_action;               /* depth of curl_multi_socket_action calls */
    int running;                 /* transfers libcurl reports running */
    int error;                   /* first CURLMcode failure seen in a callback (as CF_E*) */
    size_t in_flight;            /* transfers in the multi */
    struct cf_sockets sockets;   /* the sockets libcurl has us watch (sockets.c) */
    struct cf_conns conns;       /* connection reuse (connections.c) */
    struct cf_watchdog watchdog; /* stalled HTTP/2 transfers (watchdog.c) */
    /* Requests (request.c). */
    size_t recv_bytes; /* receive buffers of the transfers in flight, bytes */
    long buffer_size;  /* CURLOPT_BUFFERSIZE for every transfer (0: request.c picks) */
    int env_proxy;     /* the environment names a proxy, as of cf_client_new */
    double dns_pruned; /* cf_client_now() when libcurl was last let prune its DNS cache */
    /* libcurl's default CA bundle when it is a readable file (as of cf_client_new), else
     * NULL: then its default CA directory is not used (request.c). */
    char *default_ca_file;
    struct cf_castore *castores; /* the CA bundles read so far (castore.c) */
    struct cf_cookies cookies;   /* the cookie engine, when asked for (cookies.c) */
    /* Limits (fetch.c waits for them). */
    cf_sem *slots; /* max_in_flight permits, or NULL */
    struct cf_ratelimit rate;
    struct cf_easy_pool pool;
    double epoch;
    unsigned long long rng; /* xorshift state for retry jitter */
};

/* The client of the loop running on this thread, or NULL. */
cf_client *cf_client_current(void);
double cf_client_now(const cf_client *c); /* seconds since the client's epoch */
double cf_client_random(cf_client *c);    /* uniform in [0, 1) */

#endif

/*
 * sockets.h - the sockets libcurl has us watch (sockets.c): struct cf_sock, one per
 * socket, attached with curl_multi_assign. A connection's socket lives until it is
 * closed; others are freed on CURL_POLL_REMOVE.
 */
#ifndef CF_NET_SOCKETS_H
#define CF_NET_SOCKETS_H

#include <curl/curl.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <stddef.h>

#include "cofetch/fetch.h"

struct cf_sock {
    struct cf_sock *next, **pprev; /* client->sockets.watched, while libcurl watches it */
    cf_client *client;
    curl_socket_t fd;
    short events;          /* EV_READ/EV_WRITE registered with libevent (0: none) */
    unsigned char watched; /* libcurl wants to hear about it */
    unsigned char ours;    /* in the table: opened and closed through us */
    struct event ev;
};

/* The client's sockets. */
struct cf_sockets {
    struct cf_sock *watched;    /* the sockets libcurl watches now */
    struct cf_sock **at;        /* by descriptor: the sockets opened through us */
    size_t cap;                 /* entries of `at` */
    event_callback_fn on_event; /* what libevent calls when one is ready (multi.c) */
};

void cf_sockets_init(cf_client *c, event_callback_fn on_event);
/* Forget every socket (after curl_multi_cleanup). */
void cf_sockets_free(cf_client *c);

/* A socket opened through us with descriptor fd, or NULL. */
struct cf_sock *cf_sock_find(cf_client *c, curl_socket_t fd);
/* A socket libcurl asks us to watch that is not one of ours. NULL: out of memory. */
struct cf_sock *cf_sock_new(cf_client *c, curl_socket_t fd);
/* libcurl watches s from now on / no longer (CURL_POLL_REMOVE): a connection's socket
 * stays registered, found again by descriptor; any other is freed. */
void cf_sock_watch(cf_client *c, struct cf_sock *s);
void cf_sock_unwatch(cf_client *c, struct cf_sock *s);
/* Listen for exactly `events` (EV_READ, EV_WRITE) on s (0: none). */
void cf_sock_listen(struct cf_sock *s, short events);
/* An event on s, which libcurl does not watch: an idle connection's socket stirred (the
 * server closed it). It stops listening until libcurl asks again; libcurl finds out
 * itself when it next looks at the connection. Returns 0 for a watched socket. */
int cf_sock_stirred(struct cf_sock *s);
/* A connection's socket was opened / is being closed through us (connections.c). */
void cf_sock_opened(cf_client *c, curl_socket_t fd);
void cf_sock_closed(cf_client *c, curl_socket_t fd);

#endif

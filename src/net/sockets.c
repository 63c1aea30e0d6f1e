/*
 * sockets.c - the sockets libcurl has us watch, and the table that keeps an idle
 * connection's socket registered (CF_CURL_IDLE_POLL_REMOVE).
 *
 * A socket libcurl opened and closes through us (connections.c: cf_sock_opened,
 * cf_sock_closed) stays registered with libevent while its connection is idle, found
 * again by descriptor when the next transfer reuses it, and leaves epoll when it is
 * closed or when it stirs while idle (cf_sock_stirred). libcurl tells us to stop
 * watching a connection's socket when its transfer ends and to watch it again for the
 * next one, usually for the same event: this spares the two epoll_ctl calls per request.
 * Other sockets (a resolver's wake-up pipe) come and go with libcurl's calls, as in
 * hiperfifo.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <event2/event_struct.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "curl_compat.h"
#include "sockets.h"

void cf_sockets_init(cf_client *c, event_callback_fn on_event)
{
    c->sockets.on_event = on_event;
}

static struct cf_sock *sock_new(cf_client *c, curl_socket_t fd, int ours)
{
    struct cf_sockets *t = &c->sockets;
    struct cf_sock *s;

    if (ours && (size_t)fd >= t->cap) {
        size_t cap = t->cap ? t->cap : 64;
        struct cf_sock **grown;

        while (cap <= (size_t)fd)
            cap *= 2;
        grown = realloc(t->at, cap * sizeof *grown);
        if (!grown)
            return NULL;
        memset(grown + t->cap, 0, (cap - t->cap) * sizeof *grown);
        t->at = grown;
        t->cap = cap;
    }
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->client = c;
    s->fd = fd;
    s->ours = (unsigned char)ours;
    if (ours)
        t->at[fd] = s;
    return s;
}

struct cf_sock *cf_sock_new(cf_client *c, curl_socket_t fd)
{
    return sock_new(c, fd, 0);
}

void cf_sock_watch(cf_client *c, struct cf_sock *s)
{
    s->watched = 1;
    s->next = c->sockets.watched;
    s->pprev = &c->sockets.watched;
    if (c->sockets.watched)
        c->sockets.watched->pprev = &s->next;
    c->sockets.watched = s;
}

static void unlink_watched(struct cf_sock *s)
{
    s->watched = 0;
    *s->pprev = s->next;
    if (s->next)
        s->next->pprev = s->pprev;
}

/* Forget s; its socket is closed or about to be. */
static void sock_free(cf_client *c, struct cf_sock *s)
{
    if (s->events)
        event_del(&s->ev);
    if (s->watched)
        unlink_watched(s);
    if (s->ours)
        c->sockets.at[s->fd] = NULL;
    free(s);
}

void cf_sock_unwatch(cf_client *c, struct cf_sock *s)
{
    if (s->ours) {
        if (s->watched)
            unlink_watched(s); /* still registered: the connection may be reused */
    } else {
        sock_free(c, s);
    }
}

void cf_sock_listen(struct cf_sock *s, short events)
{
    cf_client *c = s->client;

    if (s->events == events)
        return;
    if (s->events)
        event_del(&s->ev);
    s->events = events;
    if (events) {
        event_assign(&s->ev, cf_loop_base(c->loop), s->fd, events | EV_PERSIST, c->sockets.on_event,
                     s);
        event_add(&s->ev, NULL);
    }
}

int cf_sock_stirred(struct cf_sock *s)
{
    if (s->watched)
        return 0;
    cf_sock_listen(s, 0);
    return 1;
}

/* ---- the table (CF_CURL_IDLE_POLL_REMOVE) ---- */

#if CF_CURL_IDLE_POLL_REMOVE

struct cf_sock *cf_sock_find(cf_client *c, curl_socket_t fd)
{
    return fd >= 0 && (size_t)fd < c->sockets.cap ? c->sockets.at[fd] : NULL;
}

void cf_sock_opened(cf_client *c, curl_socket_t fd)
{
    sock_new(c, fd, 1); /* out of memory: watched like any other socket */
}

void cf_sock_closed(cf_client *c, curl_socket_t fd)
{
    struct cf_sock *s = cf_sock_find(c, fd);

    if (s && s->watched) { /* libcurl did not say CURL_POLL_REMOVE: it may yet */
        cf_sock_listen(s, 0);
        s->ours = 0;
        c->sockets.at[fd] = NULL;
    } else if (s) {
        sock_free(c, s);
    }
}

#else /* every socket comes and goes with libcurl's calls */

struct cf_sock *cf_sock_find(cf_client *c, curl_socket_t fd)
{
    (void)c;
    (void)fd;
    return NULL;
}

void cf_sock_opened(cf_client *c, curl_socket_t fd)
{
    (void)c;
    (void)fd;
}

void cf_sock_closed(cf_client *c, curl_socket_t fd)
{
    (void)c;
    (void)fd;
}

#endif

void cf_sockets_free(cf_client *c)
{
    struct cf_sockets *t = &c->sockets;

    for (size_t fd = 0; fd < t->cap; fd++)
        if (t->at[fd])
            sock_free(c, t->at[fd]);
    while (t->watched)
        sock_free(c, t->watched);
    free(t->at);
    t->at = NULL;
    t->cap = 0;
}

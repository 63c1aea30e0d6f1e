/*
 * watchdog.c - kicks HTTP/2 transfers libcurl leaves unrun (CF_CURL_H2_STALL; without
 * it, the functions here do nothing).
 *
 * libcurl can leave a multiplexed HTTP/2 transfer unrun once its last bytes (or
 * END_STREAM) were read from the socket while libcurl read for another stream: the bytes
 * are in its buffers, so no socket event comes, and no timer is set. Telling libcurl the
 * socket is readable makes each transfer on it read, from libcurl's buffers first (as
 * curl_easy_pause does on unpause); socket_action(fd, 0) or curl_multi_perform do not.
 *
 * So while transfers are in flight, a timer looks every CF_WATCHDOG seconds whether
 * libcurl was called at all, and after 1, 2, 4, 8... quiet periods in a row it kicks
 * every watched socket with CURL_CSELECT_IN; a transfer with nothing to read gets EAGAIN
 * and waits on. Nothing is done while traffic flows; a long quiet wait costs one call per
 * open socket per doubling period.
 */
#include <curl/curl.h>
#include <event2/event.h>
#include <stdlib.h>

#include "cofetch/error.h"
#include "client.h"
#include "curl_compat.h"
#include "multi.h"
#include "sockets.h"
#include "watchdog.h"

#if CF_CURL_H2_STALL

/* Seconds without a call into libcurl, with transfers in flight, before a kick. */
#define CF_WATCHDOG 0.2

static void on_watchdog(evutil_socket_t fd, short what, void *arg)
{
    cf_client *c = arg;
    struct cf_watchdog *w = &c->watchdog;
    curl_socket_t *fds;
    size_t n = 0, i = 0;

    (void)fd;
    (void)what;
    if (c->actions != w->watched) { /* traffic since the last look */
        w->watched = c->actions;
        w->quiet = 0;
        return;
    }
    w->quiet++;
    if (w->quiet & (w->quiet - 1))
        return; /* kick after 1, 2, 4, 8... quiet periods */
    for (struct cf_sock *s = c->sockets.watched; s; s = s->next)
        n++;
    /* Copy the descriptors first: a kick may close sockets and free their cf_sock. A
     * descriptor libcurl has forgotten meanwhile is ignored by socket_action. */
    fds = n ? malloc(n * sizeof *fds) : NULL;
    if (fds) {
        for (struct cf_sock *s = c->sockets.watched; s && i < n; s = s->next)
            fds[i++] = s->fd;
        for (i = 0; i < n; i++)
            cf_multi_drive(c, fds[i], CURL_CSELECT_IN);
        free(fds);
    }
    w->watched = c->actions; /* the kick itself is not traffic */
}

int cf_watchdog_init(cf_client *c)
{
    c->watchdog.ev = event_new(cf_loop_base(c->loop), -1, EV_PERSIST, on_watchdog, c);
    return c->watchdog.ev ? 0 : CF_ENOMEM;
}

void cf_watchdog_free(cf_client *c)
{
    if (c->watchdog.ev)
        event_free(c->watchdog.ev);
    c->watchdog.ev = NULL;
}

void cf_watchdog_start(cf_client *c)
{
    struct timeval tv = {0, (long)(CF_WATCHDOG * 1e6)};

    c->watchdog.watched = c->actions;
    c->watchdog.quiet = 0;
    event_add(c->watchdog.ev, &tv);
}

void cf_watchdog_stop(cf_client *c)
{
    event_del(c->watchdog.ev);
}

#else /* libcurl runs such transfers itself */

int cf_watchdog_init(cf_client *c)
{
    (void)c;
    return 0;
}

void cf_watchdog_free(cf_client *c)
{
    (void)c;
}

void cf_watchdog_start(cf_client *c)
{
    (void)c;
}

void cf_watchdog_stop(cf_client *c)
{
    (void)c;
}

#endif

/*
 * watchdog.h - kicking HTTP/2 transfers libcurl leaves unrun (watchdog.c).
 */
#ifndef CF_NET_WATCHDOG_H
#define CF_NET_WATCHDOG_H

#include "cofetch/fetch.h"

struct event;

struct cf_watchdog {
    struct event *ev;      /* every CF_WATCHDOG seconds while transfers are in flight */
    unsigned long watched; /* client->actions as the watchdog last saw it */
    unsigned long quiet;   /* periods in a row without a call into libcurl */
};

/* Errors: CF_ENOMEM. */
int cf_watchdog_init(cf_client *c);
void cf_watchdog_free(cf_client *c);
/* The first transfer is in flight / the last one has left. */
void cf_watchdog_start(cf_client *c);
void cf_watchdog_stop(cf_client *c);

#endif

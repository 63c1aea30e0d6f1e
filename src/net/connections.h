/*
 * connections.h - which connection a transfer may use, and how many libcurl keeps
 * (connections.c).
 */
#ifndef CF_NET_CONNECTIONS_H
#define CF_NET_CONNECTIONS_H

#include <stddef.h>

#include "cofetch/fetch.h"

struct cf_xfer;

struct cf_conns {
    int policy;    /* the reuse policy applies (no connection limits set) */
    long sockets;  /* sockets libcurl has open through us (busy or idle) */
    long attached; /* transfers in the multi holding a connection */
    size_t peak;   /* the most transfers there have been in the multi at once */
};

void cf_conns_init(cf_client *c, const struct cf_client_opts *opts);
/* Before x->easy is added to the multi: the callbacks that tell us about its connections,
 * and whether it may look for an idle one and keep its own. */
void cf_conns_prepare(struct cf_xfer *x);
/* After a transfer was added (client->in_flight counts it): keep connections for the
 * peak in flight. */
void cf_conns_peak(cf_client *c);
/* x left the multi. */
void cf_conns_removed(struct cf_xfer *x);

#endif

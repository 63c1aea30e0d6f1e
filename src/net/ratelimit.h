/*
 * ratelimit.h - request rates, all hosts and per host (ratelimit.c); the client holds
 * one struct cf_ratelimit.
 */
#ifndef CF_NET_RATELIMIT_H
#define CF_NET_RATELIMIT_H

#include <stddef.h>

#include "cofetch/sem.h"

struct cf_host_rate;

struct cf_ratelimit {
    double interval;             /* seconds between starts, all hosts (0 = off) */
    double next;                 /* earliest start for the next reservation */
    double host_interval;        /* seconds between starts per host (0 = off) */
    size_t host_slots;           /* transfers per host at once (0 = no limit) */
    struct cf_host_rate **hosts; /* open hash table of hosts, by name */
    size_t nhosts, cap;
};

int cf_ratelimit_init(struct cf_ratelimit *r, double rate, double rate_per_host, size_t host_slots);
void cf_ratelimit_free(struct cf_ratelimit *r);
/* Before taking a transfer slot: reserve the turn of url's host; *host its entry and *at
 * when the turn comes (cf_loop_time), or *host = NULL when no per-host limit is set.
 * Errors: CF_ENOMEM, CF_EURL (no host in the URL). */
int cf_ratelimit_host_reserve(struct cf_ratelimit *r, const char *url, struct cf_host_rate **host,
                              double *at);
/* The host's transfer slots (host_slots permits), or NULL when there is no such limit. */
cf_sem *cf_ratelimit_host_slots(const struct cf_host_rate *host);
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

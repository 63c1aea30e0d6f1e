/*
 * ratelimit.c - request rates: one schedule for all hosts, one per host.
 *
 * Each limit spreads starts evenly, one every 1/rate seconds, with no burst beyond one
 * (a token bucket of depth 1, kept as "the earliest time the next start may happen").
 * Waiters reserve their turn in arrival order (the functions here, on the loop's stack)
 * and sleep until it comes (fetch.c, on the task's), so the order is FIFO and nothing
 * blocks the loop. A waiter cancelled before its turn gives it back when it was the last
 * one reserved; otherwise that turn passes unused.
 *
 * How it combines with max_in_flight (fetch.c): a fetch first waits for its host's turn
 * (holding nothing, so one slow host does not hold slots other hosts could use), then
 * for a transfer slot, then for the global turn, and, for its host, for the spacing
 * against the host's last actual start (the slot wait may have bunched them up).
 * All of it counts as the response's queue time.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "cofetch/loop.h"
#include "ratelimit.h"

struct cf_host_rate {
    double next;   /* earliest reservation for the next request to this host */
    double last;   /* start of the last request to this host (-inf: none) */
    cf_sem *slots; /* transfers to this host at once (NULL: no limit) */
    char name[];
};

int cf_ratelimit_init(struct cf_ratelimit *r, double rate, double rate_per_host, size_t host_slots)
{
    memset(r, 0, sizeof *r);
    r->interval = rate > 0 ? 1.0 / rate : 0;
    r->host_interval = rate_per_host > 0 ? 1.0 / rate_per_host : 0;
    r->host_slots = host_slots;
    return 0;
}

void cf_ratelimit_free(struct cf_ratelimit *r)
{
    for (size_t i = 0; i < r->cap; i++) {
        if (r->hosts[i])
            cf_sem_free(r->hosts[i]->slots);
        free(r->hosts[i]);
    }
    free(r->hosts);
    memset(r, 0, sizeof *r);
}

static double later(double a, double b)
{
    return a > b ? a : b;
}

/* ---- hosts: an open-addressing table keyed by host name ---- */

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ull;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ull;
    return h;
}

static int grow(struct cf_ratelimit *r)
{
    size_t cap = r->cap ? r->cap * 2 : 16;
    struct cf_host_rate **t = calloc(cap, sizeof *t);

    if (!t)
        return CF_ENOMEM;
    for (size_t i = 0; i < r->cap; i++) {
        struct cf_host_rate *h = r->hosts[i];
        if (h) {
            size_t j = hash(h->name) & (cap - 1);
            while (t[j])
                j = (j + 1) & (cap - 1);
            t[j] = h;
        }
    }
    free(r->hosts);
    r->hosts = t;
    r->cap = cap;
    return 0;
}

static struct cf_host_rate *host_get(struct cf_ratelimit *r, const char *name)
{
    struct cf_host_rate *h;
    size_t len = strlen(name), i;

    if ((r->nhosts + 1) * 2 > r->cap && grow(r))
        return NULL;
    for (i = hash(name) & (r->cap - 1); r->hosts[i]; i = (i + 1) & (r->cap - 1))
        if (strcmp(r->hosts[i]->name, name) == 0)
            return r->hosts[i];
    h = malloc(sizeof *h + len + 1);
    if (!h)
        return NULL;
    h->next = 0;
    h->last = -1e300;
    h->slots = NULL;
    if (r->host_slots && cf_sem_new(&h->slots, r->host_slots)) {
        free(h);
        return NULL;
    }
    memcpy(h->name, name, len + 1);
    r->hosts[i] = h;
    r->nhosts++;
    return h;
}

/* The host's entry for a URL. */
static int host_lookup(struct cf_ratelimit *r, const char *url, struct cf_host_rate **host)
{
    CURLU *u = curl_url();
    char *name = NULL;
    int rc = CF_EURL;

    if (!u)
        return CF_ENOMEM;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &name, 0) == CURLUE_OK) {
        rc = 0;
        *host = host_get(r, name);
        if (!*host)
            rc = CF_ENOMEM;
    }
    curl_free(name);
    curl_url_cleanup(u);
    return rc;
}

int cf_ratelimit_host_reserve(struct cf_ratelimit *r, const char *url, struct cf_host_rate **host,
                              double *at)
{
    int rc;

    *host = NULL;
    if (r->host_interval <= 0 && r->host_slots == 0)
        return 0;
    rc = host_lookup(r, url, host);
    if (rc == 0) {
        *at = later(cf_loop_time(), (*host)->next);
        if (r->host_interval > 0)
            (*host)->next = *at + r->host_interval;
    }
    return rc;
}

cf_sem *cf_ratelimit_host_slots(const struct cf_host_rate *host)
{
    return host ? host->slots : NULL;
}

void cf_ratelimit_host_unreserve(struct cf_ratelimit *r, struct cf_host_rate *host, double at)
{
    if (r->host_interval > 0 && host->next == at + r->host_interval)
        host->next = at;
}

double cf_ratelimit_reserve(struct cf_ratelimit *r, struct cf_host_rate *host)
{
    double at = cf_loop_time();

    if (r->interval > 0)
        at = later(at, r->next);
    if (host)
        at = later(at, host->last + r->host_interval);
    if (r->interval > 0)
        r->next = at + r->interval;
    if (host)
        host->last = at;
    return at;
}

void cf_ratelimit_unreserve(struct cf_ratelimit *r, double at)
{
    if (r->interval > 0 && r->next == at + r->interval)
        r->next = at;
}

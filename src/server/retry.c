/*
 * retry.c - the /retry table of a server: one entry per id, made on its first request and
 * never dropped before cf_server_free(), so an id keeps its count for the server's life.
 * routes.c counts requests in it; server.c frees it with the server.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "retry.h"
#include "types.h"

struct srv_retry {
    struct srv_retry *next;
    unsigned long seen; /* requests seen for this id */
    char id[];
};

static size_t retry_bucket(const char *id)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)id; *p != '\0'; p++)
        h = (h ^ *p) * 16777619u;
    return h % SRV_RETRY_BUCKETS;
}

static struct srv_retry *retry_get(cf_server *srv, const char *id)
{
    struct srv_retry **head = &srv->retries[retry_bucket(id)];
    struct srv_retry *r;
    size_t len = strlen(id);

    for (r = *head; r != NULL; r = r->next) {
        if (strcmp(r->id, id) == 0)
            return r;
    }
    r = calloc(1, sizeof(*r) + len + 1);
    if (r == NULL)
        return NULL;
    memcpy(r->id, id, len + 1);
    r->next = *head;
    *head = r;
    return r;
}

void srv_retry_free_all(cf_server *srv)
{
    for (size_t b = 0; b < SRV_RETRY_BUCKETS; b++) {
        while (srv->retries[b] != NULL) {
            struct srv_retry *r = srv->retries[b];
            srv->retries[b] = r->next;
            free(r);
        }
    }
}

int srv_retry_hit(cf_server *srv, const char *id, unsigned long *earlier)
{
    struct srv_retry *r = retry_get(srv, id);

    if (r == NULL)
        return CF_ENOMEM;
    *earlier = r->seen++;
    return 0;
}

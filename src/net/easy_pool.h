/*
 * easy_pool.h - easy handles kept for reuse (easy_pool.c); the client holds one pool.
 */
#ifndef CF_NET_EASY_POOL_H
#define CF_NET_EASY_POOL_H

#include <curl/curl.h>
#include <stddef.h>

struct cf_easy_pool {
    CURL **free; /* reset handles ready for use */
    size_t n, cap;
};

CURL *cf_easy_get(struct cf_easy_pool *p);
void cf_easy_put(struct cf_easy_pool *p, CURL *easy);
void cf_easy_pool_free(struct cf_easy_pool *p);

#endif

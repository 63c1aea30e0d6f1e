/*
 * easy_pool.c - easy handles kept for reuse. A fetch takes one, sets its options and
 * gives it back reset (curl_easy_reset keeps the handle's allocations, and the multi
 * keeps the connections and DNS cache): no curl_easy_init per fetch once the pool has
 * grown to the peak number of transfers in flight. The pool owns what it holds.
 */
#include <curl/curl.h>
#include <stdlib.h>

#include "easy_pool.h"

/* A fresh or reset handle, or NULL when out of memory. The caller owns it. */
CURL *cf_easy_get(struct cf_easy_pool *p)
{
    if (p->n > 0)
        return p->free[--p->n];
    return curl_easy_init();
}

/* Reset easy and keep it; it is freed when the pool cannot grow. */
void cf_easy_put(struct cf_easy_pool *p, CURL *easy)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        CURL **grown = realloc(p->free, cap * sizeof *grown);
        if (!grown) {
            curl_easy_cleanup(easy);
            return;
        }
        p->free = grown;
        p->cap = cap;
    }
    curl_easy_reset(easy);
    /* reset clears NOSIGNAL: without it curl_easy_cleanup swaps SIGPIPE's handler
     * with three system calls per handle when the pool is freed. */
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    p->free[p->n++] = easy;
}

void cf_easy_pool_free(struct cf_easy_pool *p)
{
    while (p->n > 0)
        curl_easy_cleanup(p->free[--p->n]);
    free(p->free);
    p->free = NULL;
    p->cap = 0;
}

/*
 * curl_mem.c - libcurl's allocator (curl_global_init_mem): the C library's, with the
 * receive buffers kept for reuse.
 *
 * libcurl 7.88 mallocs a transfer's receive buffer (CURLOPT_BUFFERSIZE + 1 bytes, up to
 * 64 KiB) when the transfer starts and frees it when it ends: one large malloc/free pair
 * per request. glibc serves each from wherever a big enough free chunk is, so over a
 * long run the buffers wander over the heap; every new place costs the page the
 * response lands in, and peak RSS climbs with the length of the run, not the work in
 * flight (1,000,000 requests at 64 in flight: 12.3 -> 15 MB as the buffers touched
 * more of a 5.4 MB heap). libcurl 8 lends transfers one buffer of the multi's instead.
 *
 * Here a freed block whose usable size is a receive buffer's (2^k + 1 bytes for 1 KiB
 * <= 2^k <= 64 KiB) goes on a LIFO list for its size, up to CACHE_BYTES in all, and
 * the next malloc of that size takes it back: the same few buffers serve every
 * transfer, at the same addresses. Everything else is malloc/free/realloc/calloc/strdup
 * as they are. A block on a list is still malloc's, and the lists are emptied when the
 * last client goes (cf_curl_mem_release).
 *
 * libcurl calls these from its resolver threads too, and several loops may run clients
 * in threads of their own: the lists are under a mutex (uncontended in the common case,
 * and taken only for the buffer sizes).
 */
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

enum {
    MIN_SHIFT = 10, /* 1 KiB: libcurl's smallest buffer */
    MAX_SHIFT = 16, /* 64 KiB: request.c's largest */
    NCLASS = MAX_SHIFT - MIN_SHIFT + 1,
    CACHE_BYTES = 4 * 1024 * 1024, /* request.c's RECV_BUDGET: what buffers in flight may hold */
};

struct block {
    struct block *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct block *cache[NCLASS];
static size_t cached; /* bytes on the lists */

#define BUF_SIZE(k) (((size_t)1 << ((k) + MIN_SHIFT)) + 1)

/* The class of a request of n bytes, or -1. */
static int class_of_request(size_t n)
{
    size_t pow = n - 1;

    if (n < BUF_SIZE(0) || n > BUF_SIZE(NCLASS - 1) || (pow & (pow - 1)) != 0)
        return -1;
    return __builtin_ctzl(pow) - MIN_SHIFT;
}

/* The class a block of `usable` bytes serves (malloc rounds a request up a little). */
static int class_of_block(size_t usable)
{
    if (usable < BUF_SIZE(0) || usable >= BUF_SIZE(NCLASS - 1) + 16)
        return -1;
    for (int k = NCLASS - 1; k >= 0; k--)
        if (usable >= BUF_SIZE(k))
            return usable < BUF_SIZE(k) + 16 ? k : -1;
    return -1;
}

static void *mem_malloc(size_t n)
{
    int k = class_of_request(n);

    if (k >= 0) {
        struct block *b;
        pthread_mutex_lock(&lock);
        b = cache[k];
        if (b) {
            cache[k] = b->next;
            cached -= BUF_SIZE(k);
        }
        pthread_mutex_unlock(&lock);
        if (b)
            return b;
    }
    return malloc(n);
}

static void mem_free(void *p)
{
    int k;

    if (!p)
        return;
    k = class_of_block(malloc_usable_size(p));
    if (k >= 0) {
        size_t size = BUF_SIZE(k);
        struct block *b = p;
        int kept = 0;
        pthread_mutex_lock(&lock);
        if (cached + size <= CACHE_BYTES) {
            b->next = cache[k];
            cache[k] = b;
            cached += size;
            kept = 1;
        }
        pthread_mutex_unlock(&lock);
        if (kept)
            return;
    }
    free(p);
}

static void *mem_realloc(void *p, size_t n)
{
    return realloc(p, n);
}

static char *mem_strdup(const char *s)
{
    return strdup(s);
}

static void *mem_calloc(size_t n, size_t size)
{
    return calloc(n, size);
}

CURLcode cf_curl_global_init(void)
{
    return curl_global_init_mem(CURL_GLOBAL_DEFAULT, mem_malloc, mem_free, mem_realloc, mem_strdup,
                                mem_calloc);
}

static unsigned users; /* clients alive (cf_curl_mem_hold) */

void cf_curl_mem_hold(void)
{
    pthread_mutex_lock(&lock);
    users++;
    pthread_mutex_unlock(&lock);
}

void cf_curl_mem_release(void)
{
    struct block *all[NCLASS];

    pthread_mutex_lock(&lock);
    if (users > 0 && --users > 0) {
        pthread_mutex_unlock(&lock);
        return;
    }
    memcpy(all, cache, sizeof all);
    memset(cache, 0, sizeof cache);
    cached = 0;
    pthread_mutex_unlock(&lock);
    for (int k = 0; k < NCLASS; k++)
        while (all[k]) {
            struct block *b = all[k];
            all[k] = b->next;
            free(b);
        }
}

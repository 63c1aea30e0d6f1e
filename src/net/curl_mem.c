/*
 * curl_mem.c - libcurl's allocator (curl_global_init_mem): the C library's, with the
 * receive buffers served from a few slots that are used again and again
 * (CF_CURL_RECV_BUFFER_PER_TRANSFER; without it, libcurl's own allocator).
 *
 * libcurl before 8.7.0 mallocs a transfer's receive buffer (CURLOPT_BUFFERSIZE + 1
 * bytes) when the transfer starts and frees it when it ends. glibc serves each from
 * wherever a big enough chunk is free, so over a long run the buffers wander over the
 * heap and peak RSS grows with the length of the run, not with the work in flight.
 *
 * Here a request for a receive buffer's size (2^k + 1 bytes, RECV_MIN <= 2^k <=
 * RECV_MAX) takes a slot of one block of NSLOTS slots (malloc'd once, when first needed;
 * pages are only touched as responses land), the most recently freed first: the same
 * few slots serve every transfer, at the same addresses. When all are taken, or for any
 * other size, it is malloc. free tells a slot by its address, so other frees cost two
 * compares; realloc of a slot moves it to malloc. The block is given back when the last
 * client goes and no slot is taken (cf_curl_mem_release).
 *
 * libcurl calls these from its resolver threads too, and several loops may run clients
 * in threads of their own: the slots are under a mutex, taken only for slot sizes.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "curl_compat.h"
#include "curl_mem.h"
#include "request.h"

#if CF_CURL_RECV_BUFFER_PER_TRANSFER

enum {
    MIN_SIZE = RECV_MIN + 1, /* libcurl asks for a buffer's size + 1 */
    MAX_SIZE = RECV_MAX + 1,
    SLOT = RECV_MAX + 64,            /* holds the largest (and keeps 64-byte alignment) */
    NSLOTS = RECV_BUDGET / RECV_MAX, /* 64: what the budget lets be in flight */
};
_Static_assert(NSLOTS <= 256, "slot numbers are kept in unsigned chars");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *block;                     /* NSLOTS slots, or NULL (read unlocked: atomically) */
static unsigned char free_slot[NSLOTS]; /* stack of free slot numbers */
static unsigned nfree;
static unsigned users; /* clients alive (cf_curl_mem_hold) */

static int is_buffer_size(size_t n)
{
    size_t pow = n - 1;
    return n >= MIN_SIZE && n <= MAX_SIZE && (pow & (pow - 1)) == 0;
}

/* The slot p is in, or -1 when p is not one: two compares, since most of what libcurl
 * frees is not a buffer. */
static inline int slot_of(const void *p)
{
    const char *b = __atomic_load_n(&block, __ATOMIC_ACQUIRE);
    uintptr_t off = (uintptr_t)p - (uintptr_t)b;

    if (!p || !b || off >= (uintptr_t)NSLOTS * SLOT)
        return -1;
    return (int)(off / SLOT);
}

static void *slot_take(void)
{
    void *p = NULL;

    pthread_mutex_lock(&lock);
    if (!block) {
        char *b = malloc((size_t)NSLOTS * SLOT);
        if (b) {
            for (unsigned i = 0; i < NSLOTS; i++)
                free_slot[i] = (unsigned char)(NSLOTS - 1 - i);
            nfree = NSLOTS;
            __atomic_store_n(&block, b, __ATOMIC_RELEASE);
        }
    }
    if (block && nfree > 0)
        p = block + (size_t)free_slot[--nfree] * SLOT;
    pthread_mutex_unlock(&lock);
    return p;
}

static void slot_give(int slot)
{
    pthread_mutex_lock(&lock);
    free_slot[nfree++] = (unsigned char)slot;
    pthread_mutex_unlock(&lock);
}

static void *mem_malloc(size_t n)
{
    void *p = is_buffer_size(n) ? slot_take() : NULL;
    return p ? p : malloc(n);
}

static void mem_free(void *p)
{
    int slot;

    if (!p)
        return;
    slot = slot_of(p);
    if (slot >= 0)
        slot_give(slot);
    else
        free(p);
}

static void *mem_realloc(void *p, size_t n)
{
    int slot = slot_of(p);
    void *q;

    if (slot < 0)
        return realloc(p, n);
    q = malloc(n ? n : 1);
    if (q) {
        memcpy(q, p, n < MAX_SIZE ? n : MAX_SIZE);
        slot_give(slot);
    }
    return q;
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

void cf_curl_mem_hold(void)
{
    pthread_mutex_lock(&lock);
    users++;
    pthread_mutex_unlock(&lock);
}

void cf_curl_mem_release(void)
{
    char *b = NULL;

    pthread_mutex_lock(&lock);
    if (users > 0)
        users--;
    if (users == 0 && block && nfree == NSLOTS) {
        b = block;
        __atomic_store_n(&block, NULL, __ATOMIC_RELEASE);
        nfree = 0;
    }
    pthread_mutex_unlock(&lock);
    free(b);
}

#else /* libcurl lends transfers the multi's buffer: its own allocator will do */

CURLcode cf_curl_global_init(void)
{
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

void cf_curl_mem_hold(void) {}

void cf_curl_mem_release(void) {}

#endif

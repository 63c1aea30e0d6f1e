/*
 * client.c - the client's lifecycle: one per loop, found by cf_fetch through the loop's
 * the loop (cf_loop_local, keyed by client_key); its clock and its random numbers.
 *
 * curl_global_init runs once per process (pthread_once) the first time a client is
 * created, with curl_mem.c's allocator, and is never undone: curl_global_cleanup is
 * not thread-safe and other threads (other loops) may still use libcurl, so the process
 * exit releases it.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "cofetch/loop.h"
#include "cofetch/sem.h"
#include "castore.h"
#include "client.h"
#include "curl_mem.h"
#include "easy_pool.h"
#include "multi.h"
#include "ratelimit.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_rc = cf_curl_global_init(); /* curl_mem.c: receive buffers kept for reuse */
}

/* Whether the environment names a proxy: a variable called *_proxy in any case, other
 * than no_proxy. When none does, every transfer is told "no proxy" (request.c), which
 * spares libcurl its getenv calls per transfer (up to five, each a scan of environ);
 * when one does, libcurl reads them as curl does. */
static int env_names_proxy(void)
{
    extern char **environ;

    for (char **e = environ; e && *e; e++) {
        size_t n = strcspn(*e, "=");
        if (n >= 6 && strncasecmp(*e + n - 6, "_proxy", 6) == 0 &&
            !(n == 8 && strncasecmp(*e, "no_proxy", 8) == 0))
            return 1;
    }
    return 0;
}

const char *cf_curl_version(void)
{
    return curl_version_info(CURLVERSION_NOW)->version;
}

/* libcurl's built-in CA bundle (CURLINFO_CAINFO, 7.84) if it is a file we can read, as
 * a copy the caller frees; else NULL. */
static char *default_ca_file_readable(void)
{
    char *copy = NULL;
#if LIBCURL_VERSION_NUM >= 0x075400
    CURL *e = curl_easy_init();
    char *path = NULL;

    if (e && curl_easy_getinfo(e, CURLINFO_CAINFO, &path) == CURLE_OK && path &&
        access(path, R_OK) == 0)
        copy = strdup(path);
    curl_easy_cleanup(e);
#endif
    return copy;
}

/* The key of the loop's client among the loop's locals. */
static const char client_key;

int cf_client_new(cf_client **out, cf_loop *loop, const struct cf_client_opts *opts)
{
    static const struct cf_client_opts defaults = {0};
    cf_client *c;
    int rc;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    if (!loop || cf_loop_local(loop, &client_key))
        return CF_EINVAL;
    pthread_once(&global_once, global_init);
    if (global_rc != CURLE_OK)
        return CF_ENOMEM;
    if (!opts)
        opts = &defaults;
    if (opts->rate < 0 || opts->rate_per_host < 0 || opts->max_host_connections < 0 ||
        opts->max_total_connections < 0)
        return CF_EINVAL;

    c = calloc(1, sizeof *c);
    if (!c)
        return CF_ENOMEM;
    c->loop = loop;
    c->epoch = opts->epoch > 0 ? opts->epoch : cf_loop_time();
    c->rng = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32) ^
             (unsigned long long)(uintptr_t)c;
    c->rng |= 1;
    c->buffer_size = opts->buffer_size;
    c->env_proxy = env_names_proxy();
    c->default_ca_file = default_ca_file_readable();
    rc = CF_ENOMEM;
    if (opts->max_in_flight && cf_sem_new(&c->slots, opts->max_in_flight) != 0)
        goto fail;
    rc = cf_ratelimit_init(&c->rate, opts->rate, opts->rate_per_host,
                           opts->max_host_connections > 0 ? (size_t)opts->max_host_connections : 0);
    if (rc)
        goto fail;
    rc = cf_cookies_init(&c->cookies, opts);
    if (rc)
        goto fail;
    rc = cf_multi_init(c, opts);
    if (rc)
        goto fail;
    rc = cf_loop_set_local(loop, &client_key, c);
    if (rc)
        goto fail_multi;
    cf_curl_mem_hold();
    *out = c;
    return 0;
fail_multi:
    cf_multi_cleanup(c);
fail:
    cf_cookies_free(&c->cookies);
    cf_ratelimit_free(&c->rate);
    cf_sem_free(c->slots);
    free(c->default_ca_file);
    free(c);
    return rc;
}

void cf_client_free(cf_client *c)
{
    if (!c)
        return;
    if (cf_loop_local(c->loop, &client_key) == c)
        cf_loop_set_local(c->loop, &client_key, NULL);
    cf_multi_cleanup(c);
    cf_easy_pool_free(&c->pool);
    cf_cookies_free(&c->cookies); /* after the pool: no handle uses it now */
    cf_ratelimit_free(&c->rate);
    cf_sem_free(c->slots);
    cf_castore_free_all(c);
    free(c->default_ca_file);
    free(c);
    cf_curl_mem_release();
}

int cf_client_close(cf_client *c)
{
    int rc;

    if (!c)
        return 0;
    rc = cf_cookies_save(&c->cookies);
    cf_client_free(c);
    return rc;
}

cf_client *cf_client_current(void)
{
    cf_loop *loop = cf_loop_current();
    return cf_loop_local(loop, &client_key);
}

double cf_client_now(const cf_client *c)
{
    return cf_loop_time() - c->epoch;
}

double cf_client_random(cf_client *c)
{
    /* xorshift64*: jitter needs spread, not secrecy. */
    unsigned long long x = c->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    return (double)((x * 0x2545F4914F6CDD1DULL) >> 11) * (1.0 / 9007199254740992.0);
}

/*
 * request.c - a cf_request's defaults, and its translation into easy-handle options.
 *
 * Safe by default: only http and https, for redirects too (so a list of URLs can never
 * read file:// or talk to gopher://), TLS verification on, a body cap for memory sinks.
 */
#include <curl/curl.h>
#include <string.h>
#include <strings.h>

#include "cofetch/error.h"
#include "castore.h"
#include "client.h"
#include "curl_compat.h"
#include "errors.h"
#include "request.h"
#include "response.h"
#include "xfer.h"

#ifndef CF_VERSION
#error "CF_VERSION comes from CMakeLists.txt (project VERSION)"
#endif

enum { DEFAULT_MAX_BODY = 64 * 1024 * 1024 };
/* A compressed body's decoded size with no max_body: past it, a gzip bomb fails. */
#define CF_DECODED_MAX (1024LL * 1024 * 1024)

/* Receive buffers when the client leaves their size to us: transfers in flight share
 * RECV_BUDGET. A transfer gets the largest power of two between RECV_MIN (libcurl's
 * minimum) and RECV_MAX that fits both its share of the budget and what the transfers
 * already in flight leave of it: 64 KiB up to 64 in flight, 16 KiB at 256, 1 KiB past
 * 2,048, and never more than RECV_BUDGET in buffers above RECV_MIN, however the count
 * ramps up. Few transfers read big bodies in few calls; many waiting transfers hold
 * little. Powers of two keep a pooled handle's buffer from being reallocated for every
 * small change in the count. */
static long recv_buffer_size(const cf_client *c)
{
    size_t share = RECV_BUDGET / (c->in_flight + 1);
    size_t left = c->recv_bytes < RECV_BUDGET ? RECV_BUDGET - c->recv_bytes : 0;
    long size = RECV_MAX;

    if (c->buffer_size > 0)
        return c->buffer_size;
    if (left < share)
        share = left;
    while (size > RECV_MIN && (size_t)size > share)
        size /= 2;
    return size;
}

void cf_request_init(struct cf_request *req, const char *url)
{
    memset(req, 0, sizeof *req);
    req->url = url;
    req->follow = 1;
    req->max_redirects = 10;
    req->connect_timeout = 30;
    req->retry_delay = 1;
    req->sink = CF_SINK_MEMORY;
    req->sink_fd = -1;
}

/* Whole units, rounded up (no libm: the library links without it). */
static long round_up(double v)
{
    long n = (long)v;
    return (double)n < v ? n + 1 : n;
}

static long to_ms(double seconds)
{
    return seconds > 0 ? round_up(seconds * 1000.0) : 0;
}

static int method_and_body(CURL *e, const struct cf_request *r)
{
    const char *m = r->method;
    CURLcode rc = CURLE_OK;

    if (r->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
        rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
    }
    if (!m || (strcmp(m, "GET") == 0 && !r->body) || (strcmp(m, "POST") == 0 && r->body))
        return cf_error_from_curl(rc);
    if (strcmp(m, "HEAD") == 0)
        return cf_error_from_curl(curl_easy_setopt(e, CURLOPT_NOBODY, 1L));
    return cf_error_from_curl(curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m));
}

static int add_headers(struct cf_xfer *x)
{
    const char *const *h;

    for (h = x->req->headers; h && *h; h++) {
        struct curl_slist *l = curl_slist_append(x->headers, *h);
        if (!l)
            return CF_ENOMEM;
        x->headers = l;
    }
    if (x->headers)
        curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
    return 0;
}

#if CF_CURL_DNS_PRUNE_WALKS
/* libcurl's default life of a DNS cache entry, seconds, and how often it may prune. */
#define DNS_CACHE_S     60L
#define DNS_PRUNE_EVERY 1.0

/* The cache timeout for the next transfer: libcurl's own for one transfer a second, so
 * that it prunes then; "forever" for the others, which makes it skip the walk. Entries
 * live 60 to 61 s instead of 60. */
static long dns_cache_timeout(cf_client *c)
{
    double now = cf_client_now(c);

    if (now - c->dns_pruned < DNS_PRUNE_EVERY)
        return -1L;
    c->dns_pruned = now;
    return DNS_CACHE_S;
}
#endif

static long http_version(enum cf_http_version v)
{
    switch (v) {
    case CF_HTTP_1_1: return CURL_HTTP_VERSION_1_1;
    case CF_HTTP_2: return CURL_HTTP_VERSION_2_0;
    case CF_HTTP_ANY: break;
    }
    return CURL_HTTP_VERSION_2TLS;
}

/* Set every option of x->req on x->easy (a fresh or reset handle). Errors: CF_EINVAL
 * (an option libcurl refuses, e.g. an unknown protocol name), CF_EURL, CF_ENOMEM. */
/* CA certificates. A bundle (given, or libcurl's default file when it exists) is read
 * once per client into a store that decodes a certificate only when a chain needs it
 * (castore.c), for an https URL (a redirect from http to https has libcurl load it),
 * when nothing else may touch the TLS set-up: no proxy (its connection
 * would get the same store, where libcurl verifies a proxy with its own default) and no
 * easy_fn (it may set any TLS option). Otherwise libcurl loads the bundle: it keeps the
 * store for the multi's other transfers (7.87 and later) but only when no CA directory
 * is set, and Debian's libcurl sets one by default, so with a bundle the directory is
 * dropped. A directory the caller names is searched on every new connection. */
static void ca_options(struct cf_xfer *x)
{
    const struct cf_request *r = x->req;
    CURL *e = x->easy;
    const char *bundle = r->cafile ? r->cafile : x->client->default_ca_file;
    struct cf_castore *s;

    if (!r->insecure && !r->capath && bundle && !r->easy_fn && !x->client->env_proxy &&
        strncasecmp(r->url, "https:", 6) == 0 && (s = cf_castore_for(x->client, bundle)) &&
        cf_castore_apply(s, e) == 0)
        return;
    if (r->cafile)
        curl_easy_setopt(e, CURLOPT_CAINFO, r->cafile);
    if (r->capath)
        curl_easy_setopt(e, CURLOPT_CAPATH, r->capath);
    else if (bundle)
        curl_easy_setopt(e, CURLOPT_CAPATH, NULL);
}

int cf_request_apply(struct cf_xfer *x)
{
    const struct cf_request *r = x->req;
    const char *protocols = r->protocols ? r->protocols : "http,https";
    CURL *e = x->easy;
    int rc;

    x->errbuf[0] = '\0';
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protocols) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, protocols) != CURLE_OK)
        return CF_EINVAL;
    if (curl_easy_setopt(e, CURLOPT_URL, r->url) != CURLE_OK)
        return CF_EURL;
    rc = method_and_body(e, r);
    if (rc == 0)
        rc = add_headers(x);
    if (rc)
        return rc;

    if (!x->client->env_proxy) { /* what libcurl would find in the environment */
        curl_easy_setopt(e, CURLOPT_PROXY, "");
        curl_easy_setopt(e, CURLOPT_NOPROXY, "");
    }
#if CF_CURL_DNS_PRUNE_WALKS
    curl_easy_setopt(e, CURLOPT_DNS_CACHE_TIMEOUT, dns_cache_timeout(x->client));
#endif
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r->follow ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, r->max_redirects);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, to_ms(r->connect_timeout));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, to_ms(r->timeout));
    /* A peer that vanished without a word (a cable, a crash) is found out by keepalive. */
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(e, CURLOPT_TCP_KEEPINTVL, 15L);
    if (r->low_speed_limit > 0 && r->low_speed_time > 0) {
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, r->low_speed_limit);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, round_up(r->low_speed_time));
    }
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, r->insecure ? 0L : 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, r->insecure ? 0L : 2L);
    ca_options(x);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, http_version(r->http_version));
    /* Wait for a connection that may multiplex rather than open another (h2 only). */
    if (r->http_version != CF_HTTP_1_1 && strncmp(r->url, "https:", 6) == 0)
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    if (r->compressed)
        curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_USERAGENT, r->user_agent ? r->user_agent : "cofetch/" CF_VERSION);

    x->max_body = r->max_body > 0             ? r->max_body
                  : r->sink == CF_SINK_MEMORY ? DEFAULT_MAX_BODY
                  : r->compressed             ? CF_DECODED_MAX
                                              : 0;
    if (x->max_body > 0)
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_body);
    x->recv_buf = recv_buffer_size(x->client);
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, x->recv_buf);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, cf_response_on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, (void *)x);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, cf_response_on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)x);
    curl_easy_setopt(e, CURLOPT_VERBOSE, r->verbose ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_CERTINFO, r->want_certs ? 1L : 0L);
    if (r->resume_from > 0)
        curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)r->resume_from);
    cf_cookies_use(&x->client->cookies, e);
    return r->easy_fn ? r->easy_fn(r->easy_ctx, e) : 0;
}

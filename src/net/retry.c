/*
 * retry.c - when another attempt is worth it, and how long to wait first.
 *
 * Transient: a failed connect (nothing was sent), HTTP 429 and 503 (the server asks to
 * come back); for an idempotent method (RFC 9110: not POST or PATCH, say) also a timeout
 * and, with retry_all_5xx, every other 5xx, which may follow a request the server acted
 * on. With retry_all_errors every failure is (-f's HTTP errors too) but a cancel.
 * The wait before attempt k (k = 2, 3, ...) is exponential with
 * "equal jitter": d = retry_delay * 2^(k-2), capped at CF_RETRY_MAX_BACKOFF (30 s),
 * then a uniform pick in [d/2, d]. A Retry-After header (seconds or HTTP-date) is a
 * minimum on top of that; one asking for more than CF_RETRY_MAX_AFTER (300 s) is taken
 * as "not now": the fetch returns that response instead of waiting.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "cofetch/error.h"
#include "client.h"
#include "retry.h"

#define CF_RETRY_MAX_BACKOFF 30.0
#define CF_RETRY_MAX_AFTER   300.0

/* RFC 9110 9.2.2: a request that may be sent twice with the effect of once. */
static int idempotent(const struct cf_request *req)
{
    static const char *const safe[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"};
    const char *m = req->method ? req->method : req->body ? "POST" : "GET";

    for (size_t i = 0; i < sizeof safe / sizeof safe[0]; i++)
        if (strcasecmp(m, safe[i]) == 0)
            return 1;
    return 0;
}

int cf_retry_transient(const struct cf_request *req, int code, long status)
{
    if (req->retry_all_errors && code != CF_ECANCELED &&
        (code != 0 || (req->fail_on_http_error && status >= 400)))
        return 1;            /* a status that -f makes a failure: known before the body arrives */
    if (code == CF_ECONNECT) /* nothing was sent */
        return 1;
    if (code == CF_ETIMEDOUT)
        return idempotent(req); /* a POST may have been received and acted on */
    if (code != 0 && code != CF_EHTTP)
        return 0;
    if (status == 429 || status == 503) /* "not now": the server says to come back */
        return 1;
    return req->retry_all_5xx && status >= 500 && status <= 599 && idempotent(req);
}

double cf_retry_backoff(cf_client *c, const struct cf_request *req, int next, double retry_after)
{
    double d = req->retry_delay > 0 ? req->retry_delay : 0;
    int i;

    if (retry_after > CF_RETRY_MAX_AFTER)
        return -1;
    for (i = 2; i < next && d < CF_RETRY_MAX_BACKOFF; i++)
        d *= 2;
    if (d > CF_RETRY_MAX_BACKOFF)
        d = CF_RETRY_MAX_BACKOFF;
    d = d / 2 + cf_client_random(c) * d / 2;
    return retry_after > d ? retry_after : d;
}

double cf_retry_after(struct cf_response *resp)
{
    const char *v = cf_response_header(resp, "Retry-After");
    char *end;
    double secs;

    if (!v || !*v)
        return -1;
    secs = strtod(v, &end);
    if (end != v && *end == '\0')
        return secs >= 0 ? secs : -1;
    {
        time_t when = curl_getdate(v, NULL);
        if (when == (time_t)-1)
            return -1;
        secs = difftime(when, time(NULL));
        return secs > 0 ? secs : 0;
    }
}

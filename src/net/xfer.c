/*
 * xfer.c - one transfer attempt of a fetch (struct cf_xfer): set up on a pooled easy
 * handle with the request's options, and read back into the response when it has ended,
 * its failure described, the handle given back. Runs on the loop's stack (fetch.c's
 * _on_loop steps); the struct itself lives on the fetching task's stack.
 */
#include <curl/curl.h>
#include <stdio.h>

#include "cofetch/error.h"
#include "client.h"
#include "easy_pool.h"
#include "errors.h"
#include "request.h"
#include "response.h"
#include "xfer.h"

int cf_xfer_begin(struct cf_xfer *x, struct cf_attempt *a)
{
    x->fresh = 0;
    a->start = cf_client_now(x->client);
    x->easy = cf_easy_get(&x->client->pool);
    if (!x->easy) {
        cf_error_set(x->resp, CF_ENOMEM, NULL);
        return CF_ENOMEM;
    }
    cf_response_begin_attempt(x);
    return cf_request_apply(x);
}

void cf_xfer_refresh(struct cf_xfer *x)
{
    x->fresh = 1;
    x->errbuf[0] = '\0';
    cf_response_begin_attempt(x);
}

static void describe_failure(struct cf_xfer *x, int code)
{
    struct cf_response *resp = x->resp;
    char detail[96];

    if (code == CF_ECANCELED) {
        cf_error_set(resp, code, NULL);
    } else if (code == CF_EHTTP) {
        snprintf(detail, sizeof detail, "HTTP %ld", resp->status);
        cf_error_set(resp, code, detail);
    } else if (code == CF_ETOOBIG) {
        snprintf(detail, sizeof detail, "body exceeds %lld bytes%s", x->max_body,
                 x->req->compressed && x->req->max_body <= 0 && x->req->sink != CF_SINK_MEMORY
                     ? " (decoded: the cap for compressed bodies)"
                     : "");
        cf_error_set(resp, code, detail);
    } else if (x->sink_err) {
        cf_error_set(resp, code, "the body's sink failed");
    } else {
        cf_error_set(resp, code, x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result));
    }
}

int cf_xfer_end(struct cf_xfer *x, struct cf_attempt *a, int rc)
{
    const struct cf_request *req = x->req;
    struct cf_response *resp = x->resp;
    int crc;

    if (!x->easy) /* cf_xfer_begin found none */
        return rc;
    if (rc == 0) {
        rc = x->sink_err ? x->sink_err
                         : cf_error_from_transfer(x->result, x->easy, x->errbuf, sizeof x->errbuf);
        crc = cf_response_collect(x);
        if (rc == 0)
            rc = crc;
        if (rc == 0 && req->fail_on_http_error && resp->status >= 400)
            rc = CF_EHTTP;
    }
    a->total = cf_client_now(x->client) - a->start;
    a->code = rc;
    a->status = resp->status;
    if (rc == CF_EURL || rc == CF_EINVAL)
        cf_error_set(resp, rc, x->errbuf[0] ? x->errbuf : req->url);
    else if (rc)
        describe_failure(x, rc);
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    cf_cookies_unuse(&x->client->cookies, x->easy);
    cf_easy_put(&x->client->pool, x->easy);
    x->easy = NULL;
    return rc;
}

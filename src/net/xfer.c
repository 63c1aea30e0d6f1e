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

/* The CURLcode curl would report for the attempt that ended with code: libcurl's own
 * result, but where cofetch stopped the transfer (a callback, -f, a cancel, a setup
 * failure: x->result is then CURLE_OK) what curl reports for the same. */
static int curl_code(const struct cf_xfer *x, int code)
{
    if (code == 0)
        return CURLE_OK;
    if (x->sink_err && code == x->sink_err)
        return code == CF_ETOOBIG || code == CF_ECANCELED || code == CF_ENOMEM ? cf_curl_code(code)
                                                                               : CURLE_WRITE_ERROR;
    if (code == CF_EHTTP || x->result == CURLE_OK)
        return cf_curl_code(code);
    return (int)x->result;
}

/* resp->error: libcurl's message where libcurl failed the transfer, as curl prints it. */
static void describe_failure(struct cf_xfer *x, int code)
{
    struct cf_response *resp = x->resp;
    char detail[128];

    if (code == CF_ECANCELED) {
        cf_error_set(resp, code, NULL);
    } else if (code == CF_EHTTP) {
        snprintf(detail, sizeof detail, "The requested URL returned error: %ld", resp->status);
        cf_error_set_curl(resp, code, detail);
    } else if (code == CF_ETOOBIG && x->sink_err) {
        /* past the cap as the body came, where curl 7.88 checks only Content-Length */
        snprintf(detail, sizeof detail, "%s (body exceeds %lld bytes%s)",
                 curl_easy_strerror(CURLE_FILESIZE_EXCEEDED), x->max_body,
                 x->req->compressed && x->req->max_body <= 0 && x->req->sink != CF_SINK_MEMORY
                     ? ", decoded: the cap for compressed bodies"
                     : "");
        cf_error_set_curl(resp, code, detail);
    } else if (x->sink_err) {
        cf_error_set(resp, code, "the body's sink failed");
    } else if (x->result != CURLE_OK) {
        cf_error_set_curl(resp, code, x->errbuf[0] ? x->errbuf : curl_easy_strerror(x->result));
    } else {
        cf_error_set(resp, code, x->errbuf[0] ? x->errbuf : NULL);
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
    } else {
        x->result = CURLE_OK; /* not libcurl's result: a setup failure or a cancel */
    }
    a->total = cf_client_now(x->client) - a->start;
    a->code = rc;
    a->status = resp->status;
    a->curl_code = resp->curl_code = curl_code(x, rc);
    if ((rc == CF_EURL || rc == CF_EINVAL) && !x->errbuf[0])
        cf_error_set(resp, rc, req->url);
    else if (rc)
        describe_failure(x, rc);
    curl_slist_free_all(x->headers);
    x->headers = NULL;
    cf_cookies_unuse(&x->client->cookies, x->easy);
    cf_easy_put(&x->client->pool, x->easy);
    x->easy = NULL;
    return rc;
}

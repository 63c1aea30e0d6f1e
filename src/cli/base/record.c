/*
 * record.c - one result record.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "base/record.h"

void rec_init(struct rec *r)
{
    memset(r, 0, sizeof *r);
}

void rec_clear(struct rec *r)
{
    struct strbuf body = r->body, urlbuf = r->urlbuf, err = r->err, saved = r->saved,
                  requrl = r->requrl;

    cf_response_free(&r->resp);
    if (r->has_body_fd)
        close(r->body_fd);
    sb_reset(&body);
    sb_reset(&urlbuf);
    sb_reset(&err);
    sb_reset(&saved);
    sb_reset(&requrl);
    memset(r, 0, sizeof *r);
    r->body = body;
    r->urlbuf = urlbuf;
    r->err = err;
    r->saved = saved;
    r->requrl = requrl;
}

void rec_free(struct rec *r)
{
    cf_response_free(&r->resp);
    if (r->has_body_fd)
        close(r->body_fd);
    r->has_body_fd = 0;
    sb_free(&r->body);
    sb_free(&r->urlbuf);
    sb_free(&r->err);
    sb_free(&r->saved);
    sb_free(&r->requrl);
}

void rec_fail(struct rec *r, int code, const char *fmt, ...)
{
    va_list ap;

    r->code = code;
    sb_reset(&r->err);
    va_start(ap, fmt);
    sb_vaddf(&r->err, fmt, ap); /* out of memory: the code stands without its message */
    va_end(ap);
    r->done = 1;
}

const char *rec_http_version(const struct rec *r)
{
    switch (r->resp.http_version) {
    case 10: return "1.0";
    case 11: return "1.1";
    case 20: return "2";
    case 30: return "3";
    default: return "";
    }
}

int rec_exitcode(const struct rec *r)
{
    if (r->code == 0)
        return 0;
    if (r->code == r->resp.code && r->resp.curl_code)
        return r->resp.curl_code;
    return cf_curl_code(r->code);
}

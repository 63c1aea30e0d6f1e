/*
 * response.c - what comes back: the header block of the last response, the body into
 * its sink, and what libcurl measured (status, URL, version, timings).
 *
 * The callbacks run on the loop's stack inside curl_multi_socket_action. They stop the
 * transfer (return 0) on a cancelled fetch, a body over the cap, or a sink failure,
 * and leave the reason in x->sink_err. The response owns every buffer; buffers are
 * kept across retries of one fetch and grown by doubling.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client.h"
#include "cofetch/error.h"
#include "response.h"
#include "retry.h"
#include "slices.h"
#include "xfer.h"

enum { HEADERS_MIN = 1024, BODY_MIN = 4096 };

/* Make room for `need` bytes plus a NUL in *buf (capacity *cap). */
static int reserve(char **buf, size_t *cap, size_t need, size_t min)
{
    size_t n = *cap ? *cap : min;
    char *p;

    if (need < *cap)
        return 0;
    while (n <= need)
        n *= 2;
    p = realloc(*buf, n);
    if (!p)
        return CF_ENOMEM;
    *buf = p;
    *cap = n;
    return 0;
}

void cf_response_begin_attempt(struct cf_xfer *x)
{
    struct cf_response *resp = x->resp;

    resp->body_len = 0;
    resp->bytes = 0;
    resp->size_download = 0;
    resp->headers_len = 0;
    resp->headers_last = 0;
    if (resp->body)
        resp->body[0] = '\0';
    if (resp->headers)
        resp->headers[0] = '\0';
    if (resp->priv) {
        free(resp->priv->header_index);
        resp->priv->header_index = NULL;
    }
    x->sink_err = 0;
    x->discard = 0;
    x->status_checked = 0;
}

size_t cf_response_on_header(char *data, size_t size, size_t n, void *ctx)
{
    struct cf_xfer *x = ctx;
    struct cf_response *resp = x->resp;
    size_t len = size * n;

    if (x->cancelled)
        return 0;
    x->heard = 1;
    if (len >= 5 && memcmp(data, "HTTP/", 5) == 0) { /* a new response (redirect, 1xx) */
        if (!x->req->all_headers)
            resp->headers_len = 0; /* keep the last only */
        resp->headers_last = resp->headers_len;
    }
    if (reserve(&resp->headers, &x->headers_cap, resp->headers_len + len, HEADERS_MIN)) {
        x->sink_err = CF_ENOMEM;
        return 0;
    }
    memcpy(resp->headers + resp->headers_len, data, len);
    resp->headers_len += len;
    resp->headers[resp->headers_len] = '\0';
    return len;
}

static int write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return CF_EIO;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int to_memory(struct cf_xfer *x, const char *data, size_t len)
{
    struct cf_response *resp = x->resp;

    if (x->body_cap == 0) {
        /* Size the first buffer from Content-Length when it is known. */
        curl_off_t cl = -1;
        curl_easy_getinfo(x->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
        if (cl > 0 && (x->max_body == 0 || cl <= x->max_body) &&
            reserve(&resp->body, &x->body_cap, (size_t)cl, BODY_MIN))
            return CF_ENOMEM;
    }
    if (reserve(&resp->body, &x->body_cap, resp->body_len + len, BODY_MIN))
        return CF_ENOMEM;
    memcpy(resp->body + resp->body_len, data, len);
    resp->body_len += len;
    resp->body[resp->body_len] = '\0';
    return 0;
}

size_t cf_response_on_body(char *data, size_t size, size_t n, void *ctx)
{
    struct cf_xfer *x = ctx;
    const struct cf_request *req = x->req;
    struct cf_response *resp = x->resp;
    size_t len = size * n;
    int rc = 0;

    if (x->cancelled)
        return 0;
    if (cf_slice_over(x, len))
        return CURL_WRITEFUNC_PAUSE;
    if (!x->status_checked) {
        /* The body of a response we will retry is not delivered to the sink. */
        long status = 0;
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
        x->status_checked = 1;
        resp->status = status; /* known from here on: a sink may look (final at the end) */
        x->discard = x->may_retry && cf_retry_transient(req, 0, status);
        if (req->fail_on_http_error && status >= 400)
            x->discard = 1; /* as curl -f: a failed response's body is neither counted
                               nor delivered */
    }
    if (x->discard)
        return len;
    if (x->max_body > 0 && resp->bytes + (long long)len > x->max_body) {
        x->sink_err = CF_ETOOBIG;
        return 0;
    }
    resp->bytes += (long long)len;
    switch (req->sink) {
    case CF_SINK_MEMORY: rc = to_memory(x, data, len); break;
    case CF_SINK_DISCARD: break;
    case CF_SINK_FD:
        x->delivered = 1;
        rc = write_all(req->sink_fd, data, len);
        break;
    case CF_SINK_CALLBACK:
        rc = req->sink_fn ? req->sink_fn(req->sink_ctx, data, len) : 0;
        if (rc == CF_SINK_PAUSE) {
            x->sink_paused = 1; /* not taken: libcurl hands it over again */
            resp->bytes -= (long long)len;
            return CURL_WRITEFUNC_PAUSE;
        }
        x->delivered = 1;
        if (rc > 0)
            rc = CF_EIO;
        break;
    }
    if (rc) {
        x->sink_err = rc;
        return 0;
    }
    x->sink_paused = 0;
    return len;
}

int cf_fetch_resume(struct cf_response *resp)
{
    struct cf_xfer *x;

    if (!resp)
        return CF_EINVAL;
    x = resp->priv ? resp->priv->xfer : NULL;
    if (!x || !x->in_multi || !x->sink_paused)
        return 0;
    x->sink_paused = 0;
    /* libcurl calls the body callback from in here with what it kept. */
    x->client->in_action++;
    curl_easy_pause(x->easy, CURLPAUSE_CONT);
    x->client->in_action--;
    return 0;
}

static double us(CURL *e, CURLINFO what)
{
    curl_off_t v = 0;
    curl_easy_getinfo(e, what, &v);
    return (double)v * 1e-6;
}

static void info_free(struct cf_info *i)
{
    if (!i)
        return;
    free(i->content_type);
    free(i->redirect_url);
    free(i->referer);
    free(i->ftp_entry_path);
    free(i->certs);
    memset(i, 0, sizeof *i);
}

/* A string libcurl owns into buf (cut to fit). */
static void copy_str(CURL *e, CURLINFO what, char *buf, size_t size)
{
    char *s = NULL;
    curl_easy_getinfo(e, what, &s);
    snprintf(buf, size, "%s", s ? s : "");
}

static int dup_str(CURL *e, CURLINFO what, char **out)
{
    char *s = NULL;
    curl_easy_getinfo(e, what, &s);
    *out = s ? strdup(s) : NULL;
    return s && !*out ? CF_ENOMEM : 0;
}

static long long off(CURL *e, CURLINFO what)
{
    curl_off_t v = 0;
    curl_easy_getinfo(e, what, &v);
    return (long long)v;
}

/* The chain libcurl extracted (CURLOPT_CERTINFO), as curl's %{certs}: each entry a line,
 * but the PEM ("Cert:" entry) as it is. */
static int collect_certs(CURL *e, struct cf_info *i)
{
    struct curl_certinfo *ci = NULL;
    size_t len = 0, at = 0;

    if (curl_easy_getinfo(e, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci)
        return 0;
    i->num_certs = ci->num_of_certs;
    for (int k = 0; k < ci->num_of_certs; k++)
        for (struct curl_slist *l = ci->certinfo[k]; l; l = l->next)
            len += strlen(l->data) + 1;
    if (!(i->certs = malloc(len + 1)))
        return CF_ENOMEM;
    for (int k = 0; k < ci->num_of_certs; k++)
        for (struct curl_slist *l = ci->certinfo[k]; l; l = l->next) {
            int pem = strncmp(l->data, "Cert:", 5) == 0;
            const char *d = pem ? l->data + 5 : l->data;
            size_t n = strlen(d);
            memcpy(i->certs + at, d, n);
            at += n;
            if (!pem)
                i->certs[at++] = '\n';
        }
    i->certs[at] = '\0';
    return 0;
}

/* The request asked for curl's other -w variables: resp->info. */
static int collect_info(struct cf_xfer *x)
{
    struct cf_response *resp = x->resp;
    struct cf_info *i = resp->info;
    CURL *e = x->easy;
    int rc = 0;

    if (!i && !(i = resp->info = calloc(1, sizeof *i)))
        return CF_ENOMEM;
    info_free(i);
    copy_str(e, CURLINFO_PRIMARY_IP, i->remote_ip, sizeof i->remote_ip);
    copy_str(e, CURLINFO_LOCAL_IP, i->local_ip, sizeof i->local_ip);
    copy_str(e, CURLINFO_SCHEME, i->scheme, sizeof i->scheme);
    copy_str(e, CURLINFO_EFFECTIVE_METHOD, i->method, sizeof i->method);
    curl_easy_getinfo(e, CURLINFO_PRIMARY_PORT, &i->remote_port);
    curl_easy_getinfo(e, CURLINFO_LOCAL_PORT, &i->local_port);
    curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &i->num_connects);
    curl_easy_getinfo(e, CURLINFO_HEADER_SIZE, &i->size_header);
    curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &i->size_request);
    curl_easy_getinfo(e, CURLINFO_SSL_VERIFYRESULT, &i->ssl_verify_result);
    curl_easy_getinfo(e, CURLINFO_PROXY_SSL_VERIFYRESULT, &i->proxy_ssl_verify_result);
    curl_easy_getinfo(e, CURLINFO_HTTP_CONNECTCODE, &i->http_connect);
    i->size_upload = off(e, CURLINFO_SIZE_UPLOAD_T);
    i->speed_download = off(e, CURLINFO_SPEED_DOWNLOAD_T);
    i->speed_upload = off(e, CURLINFO_SPEED_UPLOAD_T);
    i->pretransfer = us(e, CURLINFO_PRETRANSFER_TIME_T);
    i->redirect = us(e, CURLINFO_REDIRECT_TIME_T);
    rc |= dup_str(e, CURLINFO_CONTENT_TYPE, &i->content_type);
    rc |= dup_str(e, CURLINFO_REDIRECT_URL, &i->redirect_url);
    rc |= dup_str(e, CURLINFO_REFERER, &i->referer);
    rc |= dup_str(e, CURLINFO_FTP_ENTRY_PATH, &i->ftp_entry_path);
    if (x->req->want_certs)
        rc |= collect_certs(e, i);
    return rc ? CF_ENOMEM : 0;
}

int cf_response_collect(struct cf_xfer *x)
{
    struct cf_response *resp = x->resp;
    CURL *e = x->easy;
    char *url = NULL;
    long version = 0;

    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_easy_getinfo(e, CURLINFO_REDIRECT_COUNT, &resp->redirects);
    curl_easy_getinfo(e, CURLINFO_LOCAL_PORT, &resp->local_port);
    curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
    switch (version) {
    case CURL_HTTP_VERSION_1_0: resp->http_version = 10; break;
    case CURL_HTTP_VERSION_1_1: resp->http_version = 11; break;
    case CURL_HTTP_VERSION_2_0: resp->http_version = 20; break;
    case CURL_HTTP_VERSION_3: resp->http_version = 30; break;
    default: resp->http_version = 0; break;
    }
    resp->t.dns = us(e, CURLINFO_NAMELOOKUP_TIME_T);
    resp->t.connect = us(e, CURLINFO_CONNECT_TIME_T);
    resp->t.tls = us(e, CURLINFO_APPCONNECT_TIME_T);
    resp->t.ttfb = us(e, CURLINFO_STARTTRANSFER_TIME_T);
    resp->t.total = us(e, CURLINFO_TOTAL_TIME_T);
    if (x->req->fail_on_http_error && resp->status >= 400) {
        resp->size_download = 0;
    } else {
        curl_off_t size = 0;
        curl_easy_getinfo(e, CURLINFO_SIZE_DOWNLOAD_T, &size);
        resp->size_download = size;
    }

    free(resp->effective_url);
    resp->effective_url = NULL;
    curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &url);
    if (url && !(resp->effective_url = strdup(url)))
        return CF_ENOMEM;
    return x->req->want_info ? collect_info(x) : 0;
}

/* The header block as "name\0value\0" pairs, then an empty name. */
static char *index_headers(const char *raw, size_t len)
{
    char *idx = malloc(len + 2);
    const char *line = raw, *end = raw + len;
    char *out = idx;

    if (!idx)
        return NULL;
    while (line < end) {
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        const char *stop = eol ? eol : end;
        const char *colon = memchr(line, ':', (size_t)(stop - line));

        if (colon && colon > line && memcmp(line, "HTTP/", 5) != 0) {
            const char *v = colon + 1, *ve = stop;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            memcpy(out, line, (size_t)(colon - line));
            out += colon - line;
            *out++ = '\0';
            memcpy(out, v, (size_t)(ve - v));
            out += ve - v;
            *out++ = '\0';
        }
        line = eol ? eol + 1 : end;
    }
    *out = '\0';
    return idx;
}

struct cf_response_priv *cf_response_priv(struct cf_response *resp)
{
    if (!resp->priv)
        resp->priv = calloc(1, sizeof *resp->priv);
    return resp->priv;
}

const char *cf_response_header(struct cf_response *resp, const char *name)
{
    struct cf_response_priv *priv;
    const char *p;

    if (!resp || !name || !resp->headers || !(priv = cf_response_priv(resp)))
        return NULL;
    if (!priv->header_index &&
        !(priv->header_index = index_headers(resp->headers + resp->headers_last,
                                             resp->headers_len - resp->headers_last)))
        return NULL;
    for (p = priv->header_index; *p;) {
        const char *value = p + strlen(p) + 1;
        if (strcasecmp(p, name) == 0)
            return value;
        p = value + strlen(value) + 1;
    }
    return NULL;
}

void cf_response_free(struct cf_response *resp)
{
    if (!resp)
        return;
    free(resp->effective_url);
    free(resp->body);
    free(resp->attempt);
    info_free(resp->info);
    free(resp->info);
    free(resp->headers);
    if (resp->priv) {
        free(resp->priv->header_index);
        free(resp->priv->error);
        free(resp->priv);
    }
    memset(resp, 0, sizeof *resp);
}

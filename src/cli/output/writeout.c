/*
 * writeout.c - compile a -w format once, render it per record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cofetch/error.h"

#include "output/json.h"
#include "output/respheaders.h"
#include "output/writeout.h"

enum var {
    V_TEXT,
    V_HEADER, /* %header{name}: the name is a range of the text buffer */
    V_CERTS,
    V_CONTENT_TYPE,
    V_ERRORMSG,
    V_ERROR_KIND,
    V_EXITCODE,
    V_FILENAME,
    V_FTP_ENTRY_PATH,
    V_HEADER_JSON,
    V_HTTP_CODE,
    V_HTTP_CONNECT,
    V_HTTP_VERSION,
    V_INPUT,
    V_CURL_JSON,
    V_RECORD,
    V_LINE,
    V_LOCAL_IP,
    V_LOCAL_PORT,
    V_METHOD,
    V_NUM_CERTS,
    V_NUM_CONNECTS,
    V_NUM_HEADERS,
    V_NUM_REDIRECTS,
    V_NUM_RETRIES,
    V_ONERROR,
    V_ORDER,
    V_PROXY_SSL_VERIFY_RESULT,
    V_REDIRECT_URL,
    V_REFERER,
    V_REMOTE_IP,
    V_REMOTE_PORT,
    V_SCHEME,
    V_SIZE_DOWNLOAD,
    V_SIZE_HEADER,
    V_SIZE_REQUEST,
    V_SIZE_UPLOAD,
    V_SPEED_DOWNLOAD,
    V_SPEED_UPLOAD,
    V_SSL_VERIFY_RESULT,
    V_STDERR,
    V_STDOUT,
    V_STEP,
    V_TIME_APPCONNECT,
    V_TIME_CONNECT,
    V_TIME_END,
    V_TIME_NAMELOOKUP,
    V_TIME_PRETRANSFER,
    V_TIME_REDIRECT,
    V_TIME_START,
    V_TIME_STARTTRANSFER,
    V_TIME_TOTAL,
    V_URL,
    V_URL_EFFECTIVE,
    V_URLNUM,
};

/* info: the variable reads struct cf_info, which a fetch fills only when asked (2: with
 * the certificates too). */
static const struct {
    const char *name;
    enum var var;
    int info;
} vars[] = {
    {"certs", V_CERTS, 2},
    {"content_type", V_CONTENT_TYPE, 1},
    {"error_kind", V_ERROR_KIND, 0},
    {"errormsg", V_ERRORMSG, 0},
    {"exitcode", V_EXITCODE, 0},
    {"filename_effective", V_FILENAME, 0},
    {"ftp_entry_path", V_FTP_ENTRY_PATH, 1},
    {"header_json", V_HEADER_JSON, 0},
    {"http_code", V_HTTP_CODE, 0},
    {"http_connect", V_HTTP_CONNECT, 1},
    {"http_version", V_HTTP_VERSION, 0},
    {"input", V_INPUT, 0},
    {"json", V_CURL_JSON, 2},
    {"line", V_LINE, 0},
    {"local_ip", V_LOCAL_IP, 1},
    {"local_port", V_LOCAL_PORT, 1},
    {"method", V_METHOD, 1},
    {"num_certs", V_NUM_CERTS, 2},
    {"num_connects", V_NUM_CONNECTS, 1},
    {"num_headers", V_NUM_HEADERS, 0},
    {"num_redirects", V_NUM_REDIRECTS, 0},
    {"num_retries", V_NUM_RETRIES, 0},
    {"onerror", V_ONERROR, 0},
    {"order", V_ORDER, 0},
    {"proxy_ssl_verify_result", V_PROXY_SSL_VERIFY_RESULT, 1},
    {"record", V_RECORD, 0},
    {"redirect_url", V_REDIRECT_URL, 1},
    {"referer", V_REFERER, 1},
    {"remote_ip", V_REMOTE_IP, 1},
    {"remote_port", V_REMOTE_PORT, 1},
    {"response_code", V_HTTP_CODE, 0},
    {"scheme", V_SCHEME, 1},
    {"size_download", V_SIZE_DOWNLOAD, 0},
    {"size_header", V_SIZE_HEADER, 1},
    {"size_request", V_SIZE_REQUEST, 1},
    {"size_upload", V_SIZE_UPLOAD, 1},
    {"speed_download", V_SPEED_DOWNLOAD, 1},
    {"speed_upload", V_SPEED_UPLOAD, 1},
    {"ssl_verify_result", V_SSL_VERIFY_RESULT, 1},
    {"stderr", V_STDERR, 0},
    {"stdout", V_STDOUT, 0},
    {"step", V_STEP, 0},
    {"time_appconnect", V_TIME_APPCONNECT, 0},
    {"time_connect", V_TIME_CONNECT, 0},
    {"time_end", V_TIME_END, 0},
    {"time_namelookup", V_TIME_NAMELOOKUP, 0},
    {"time_pretransfer", V_TIME_PRETRANSFER, 1},
    {"time_redirect", V_TIME_REDIRECT, 1},
    {"time_start", V_TIME_START, 0},
    {"time_starttransfer", V_TIME_STARTTRANSFER, 0},
    {"time_total", V_TIME_TOTAL, 0},
    {"url", V_URL, 0},
    {"url_effective", V_URL_EFFECTIVE, 0},
    {"urlnum", V_URLNUM, 0},
};

struct wo_part {
    enum var var;
    size_t off, len; /* V_TEXT: a range of the text buffer */
};

struct writeout {
    struct wo_part *parts;
    size_t n;
    struct strbuf text;
    int wants_info; /* a variable reads struct cf_info: 1, 2 with the certificates */
};

static int wo_add(struct writeout *w, enum var var, size_t off, size_t len)
{
    struct wo_part *p = realloc(w->parts, (w->n + 1) * sizeof *p);
    if (!p)
        return CF_ENOMEM;
    w->parts = p;
    p[w->n++] = (struct wo_part){var, off, len};
    return 0;
}

/* Literal bytes go to the text buffer; consecutive ones share one part. */
static int wo_add_text(struct writeout *w, const char *s, size_t len)
{
    struct wo_part *last = w->n ? &w->parts[w->n - 1] : NULL;
    size_t off = w->text.len;

    if (sb_add(&w->text, s, len))
        return CF_ENOMEM;
    if (last && last->var == V_TEXT && last->off + last->len == off) {
        last->len += len;
        return 0;
    }
    return wo_add(w, V_TEXT, off, len);
}

static int wo_lookup(struct writeout *w, const char *name, size_t len, enum var *out)
{
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0) {
            *out = vars[i].var;
            if (vars[i].info > w->wants_info)
                w->wants_info = vars[i].info;
            return 0;
        }
    return CF_EINVAL;
}

/* %header{name}: the name goes to the text buffer, in a part of its own. */
static int wo_add_header(struct writeout *w, const char *name, size_t len)
{
    size_t off = w->text.len;
    return sb_add(&w->text, name, len) ? CF_ENOMEM : wo_add(w, V_HEADER, off, len);
}

int writeout_compile(const char *f, struct writeout **out, FILE *warn)
{
    struct writeout *w = calloc(1, sizeof *w);
    int rc = 0;

    if (!w)
        return CF_ENOMEM;
    while (*f && rc == 0) {
        if (f[0] == '%' && f[1] == '%') {
            rc = wo_add_text(w, "%", 1);
            f += 2;
        } else if (f[0] == '%' && f[1] == '{') {
            const char *end = strchr(f + 2, '}');
            enum var v;
            if (!end) { /* as curl: the rest is text */
                rc = wo_add_text(w, f, strlen(f));
                f += strlen(f);
            } else if (wo_lookup(w, f + 2, (size_t)(end - f - 2), &v)) {
                if (warn) /* as curl: a warning, and the variable gives nothing */
                    fprintf(warn, "cofetch: unknown --write-out variable: '%.*s'\n",
                            (int)(end - f - 2), f + 2);
                f = end + 1;
            } else {
                rc = wo_add(w, v, 0, 0);
                f = end + 1;
            }
        } else if (strncmp(f, "%header{", 8) == 0 && strchr(f + 8, '}')) {
            const char *end = strchr(f + 8, '}');
            rc = wo_add_header(w, f + 8, (size_t)(end - f - 8));
            f = end + 1;
        } else if (f[0] == '\\' && (f[1] == 'n' || f[1] == 't' || f[1] == 'r' || f[1] == '\\')) {
            char c = f[1] == 'n' ? '\n' : f[1] == 't' ? '\t' : f[1] == 'r' ? '\r' : '\\';
            rc = wo_add_text(w, &c, 1);
            f += 2;
        } else {
            size_t n = 1 + strcspn(f + 1, "%\\");
            rc = wo_add_text(w, f, n);
            f += n;
        }
    }
    if (rc) {
        writeout_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void writeout_free(struct writeout *w)
{
    if (!w)
        return;
    free(w->parts);
    sb_free(&w->text);
    free(w);
}

int writeout_wants_info(const struct writeout *w)
{
    return w ? w->wants_info : 0;
}

static int wo_secs(struct strbuf *out, double v)
{
    return sb_addf(out, "%.6f", v < 0 ? 0.0 : v);
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

/* A variable of struct cf_info; a record without one (no fetch ran, or no transfer)
 * gives what curl gives for a transfer that did not start: "" or 0. */
static int wo_info(struct strbuf *out, enum var var, const struct cf_info *i)
{
    static const struct cf_info none;

    if (!i)
        i = &none;
    switch (var) {
    case V_CERTS: return sb_adds(out, str_or_empty(i->certs));
    case V_CONTENT_TYPE: return sb_adds(out, str_or_empty(i->content_type));
    case V_FTP_ENTRY_PATH: return sb_adds(out, str_or_empty(i->ftp_entry_path));
    case V_NUM_CERTS: return sb_addf(out, "%ld", i->num_certs);
    case V_HTTP_CONNECT: return sb_addf(out, "%03ld", i->http_connect);
    case V_LOCAL_IP: return sb_adds(out, i->local_ip);
    case V_LOCAL_PORT: return sb_addf(out, "%ld", i->local_port);
    case V_METHOD: return sb_adds(out, i->method);
    case V_NUM_CONNECTS: return sb_addf(out, "%ld", i->num_connects);
    case V_PROXY_SSL_VERIFY_RESULT: return sb_addf(out, "%ld", i->proxy_ssl_verify_result);
    case V_REDIRECT_URL: return sb_adds(out, str_or_empty(i->redirect_url));
    case V_REFERER: return sb_adds(out, str_or_empty(i->referer));
    case V_REMOTE_IP: return sb_adds(out, i->remote_ip);
    case V_REMOTE_PORT: return sb_addf(out, "%ld", i->remote_port);
    case V_SCHEME: return sb_adds(out, i->scheme);
    case V_SIZE_HEADER: return sb_addf(out, "%ld", i->size_header);
    case V_SIZE_REQUEST: return sb_addf(out, "%ld", i->size_request);
    case V_SIZE_UPLOAD: return sb_addf(out, "%lld", i->size_upload);
    case V_SPEED_DOWNLOAD: return sb_addf(out, "%lld", i->speed_download);
    case V_SPEED_UPLOAD: return sb_addf(out, "%lld", i->speed_upload);
    case V_SSL_VERIFY_RESULT: return sb_addf(out, "%ld", i->ssl_verify_result);
    case V_TIME_PRETRANSFER: return wo_secs(out, i->pretransfer);
    case V_TIME_REDIRECT: return wo_secs(out, i->redirect);
    default: return 0;
    }
}

static int curl_json(struct strbuf *out, const struct writeout *w, const struct rec *r, int chain);

/* The record's own variables: into out (stdout's text, or stderr's after %{stderr}). */
static int wo_var(struct strbuf *out, const struct writeout *w, const struct wo_part *p,
                  const struct rec *r, int chain)
{
    const struct cf_response *resp = &r->resp;

    switch (p->var) {
    case V_TEXT: return sb_add(out, w->text.buf + p->off, p->len);
    case V_HEADER: return rh_value(out, resp, w->text.buf + p->off, p->len);
    case V_ERRORMSG: return sb_adds(out, r->code ? rec_error(r) : "");
    case V_ERROR_KIND: return sb_adds(out, r->code ? cf_strerror(r->code) : "");
    case V_EXITCODE: return sb_addf(out, "%d", rec_exitcode(r));
    case V_FILENAME: return sb_adds(out, r->saved_as ? r->saved_as : "");
    case V_HEADER_JSON: return rh_json(out, resp, 1);
    case V_HTTP_CODE: return sb_addf(out, "%03ld", resp->status);
    case V_HTTP_VERSION: /* curl's: 1, 1.1, 2, 3 or 0 */
        return sb_adds(out, resp->http_version == 10 ? "1"
                            : resp->http_version     ? rec_http_version(r)
                                                     : "0");
    case V_INPUT: return sb_adds(out, r->src ? r->src : "");
    case V_RECORD: return json_record(out, r, chain ? JSON_CHAIN : 0);
    case V_CURL_JSON: return curl_json(out, w, r, chain);
    case V_LINE: return sb_addf(out, "%lu", r->lineno);
    case V_NUM_HEADERS: return sb_addf(out, "%ld", rh_count(resp));
    case V_NUM_REDIRECTS: return sb_addf(out, "%ld", resp->redirects);
    case V_NUM_RETRIES: return sb_addf(out, "%d", resp->attempts > 0 ? resp->attempts - 1 : 0);
    case V_ORDER: return sb_addf(out, "%lu", r->order);
    case V_SIZE_DOWNLOAD: return sb_addf(out, "%lld", resp->size_download);
    case V_STEP: return sb_addf(out, "%d", r->step);
    case V_TIME_APPCONNECT: return wo_secs(out, resp->t.tls);
    case V_TIME_CONNECT: return wo_secs(out, resp->t.connect);
    case V_TIME_END: return wo_secs(out, r->end);
    case V_TIME_NAMELOOKUP: return wo_secs(out, resp->t.dns);
    case V_TIME_START: return wo_secs(out, r->start);
    case V_TIME_STARTTRANSFER: return wo_secs(out, resp->t.ttfb);
    case V_TIME_TOTAL: return wo_secs(out, rec_time(r) - resp->t.queue);
    case V_URL: return sb_add(out, r->url, r->url_len);
    case V_URL_EFFECTIVE: /* as curl: the input, when there is no URL after it */
        return resp->effective_url ? sb_adds(out, resp->effective_url)
                                   : sb_add(out, r->url, r->url_len);
    case V_URLNUM: return sb_addf(out, "%lu", r->urlnum);
    default: return wo_info(out, p->var, resp->info);
    }
}

/* A number as JSON takes it: "200", "000" -> "0", "0.000123" as it is. */
static const char *num_text(const char *s)
{
    while (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
        s++;
    return s;
}

/* curl's %{json}: every variable of curl 7.88's, in its order, typed as curl types them
 * (N a number, S a string, Z a string or null when empty), then curl_version. */
static int curl_json(struct strbuf *out, const struct writeout *w, const struct rec *r, int chain)
{
    static const struct {
        const char *name;
        enum var var;
        char type;
    } keys[] = {
        {"certs", V_CERTS, 'S'},
        {"content_type", V_CONTENT_TYPE, 'Z'},
        {"errormsg", V_ERRORMSG, 'Z'},
        {"exitcode", V_EXITCODE, 'N'},
        {"filename_effective", V_FILENAME, 'Z'},
        {"ftp_entry_path", V_FTP_ENTRY_PATH, 'Z'},
        {"http_code", V_HTTP_CODE, 'N'},
        {"http_connect", V_HTTP_CONNECT, 'N'},
        {"http_version", V_HTTP_VERSION, 'S'},
        {"local_ip", V_LOCAL_IP, 'S'},
        {"local_port", V_LOCAL_PORT, 'N'},
        {"method", V_METHOD, 'S'},
        {"num_certs", V_NUM_CERTS, 'N'},
        {"num_connects", V_NUM_CONNECTS, 'N'},
        {"num_headers", V_NUM_HEADERS, 'N'},
        {"num_redirects", V_NUM_REDIRECTS, 'N'},
        {"proxy_ssl_verify_result", V_PROXY_SSL_VERIFY_RESULT, 'N'},
        {"redirect_url", V_REDIRECT_URL, 'Z'},
        {"referer", V_REFERER, 'Z'},
        {"remote_ip", V_REMOTE_IP, 'S'},
        {"remote_port", V_REMOTE_PORT, 'N'},
        {"response_code", V_HTTP_CODE, 'N'},
        {"scheme", V_SCHEME, 'Z'},
        {"size_download", V_SIZE_DOWNLOAD, 'N'},
        {"size_header", V_SIZE_HEADER, 'N'},
        {"size_request", V_SIZE_REQUEST, 'N'},
        {"size_upload", V_SIZE_UPLOAD, 'N'},
        {"speed_download", V_SPEED_DOWNLOAD, 'N'},
        {"speed_upload", V_SPEED_UPLOAD, 'N'},
        {"ssl_verify_result", V_SSL_VERIFY_RESULT, 'N'},
        {"time_appconnect", V_TIME_APPCONNECT, 'N'},
        {"time_connect", V_TIME_CONNECT, 'N'},
        {"time_namelookup", V_TIME_NAMELOOKUP, 'N'},
        {"time_pretransfer", V_TIME_PRETRANSFER, 'N'},
        {"time_redirect", V_TIME_REDIRECT, 'N'},
        {"time_starttransfer", V_TIME_STARTTRANSFER, 'N'},
        {"time_total", V_TIME_TOTAL, 'N'},
        {"url", V_URL, 'S'},
        {"url_effective", V_URL_EFFECTIVE, 'S'},
        {"urlnum", V_URLNUM, 'N'},
    };
    struct strbuf v = STRBUF_INIT;
    const char *ver = curl_version();
    int rc = sb_addc(out, '{');

    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && rc == 0; i++) {
        struct wo_part p = {.var = keys[i].var};
        sb_reset(&v);
        rc = wo_var(&v, w, &p, r, chain);
        rc |= sb_addc(out, '"') | sb_adds(out, keys[i].name) | sb_adds(out, "\":");
        if (keys[i].type == 'N') /* curl's numbers: %{http_code}'s padding is text only */
            rc |= sb_adds(out, v.len ? num_text(v.buf) : "0");
        else if (keys[i].type == 'Z' && v.len == 0)
            rc |= sb_adds(out, "null");
        else
            rc |= json_str(out, v.len ? v.buf : "", v.len);
        rc |= sb_addc(out, ',');
    }
    rc |= sb_adds(out, "\"curl_version\":");
    rc |= json_str(out, ver, strlen(ver));
    rc |= sb_addc(out, '}');
    sb_free(&v);
    return rc;
}

int writeout_render(const struct writeout *w, const struct rec *r, int chain, struct strbuf *out)
{
    struct strbuf err = STRBUF_INIT;
    struct strbuf *to = out;
    int rc = 0;

    for (size_t i = 0; i < w->n && rc == 0; i++) {
        const struct wo_part *p = &w->parts[i];
        if (p->var == V_ONERROR) { /* as curl: the rest only for a failed fetch */
            if (r->code == 0)
                break;
        } else if (p->var == V_STDERR || p->var == V_STDOUT) {
            to = p->var == V_STDERR ? &err : out;
        } else {
            rc = wo_var(to, w, p, r, chain);
        }
    }
    if (err.len) /* at once: stderr is not buffered with the records */
        fwrite(err.buf, 1, err.len, stderr);
    sb_free(&err);
    return rc;
}

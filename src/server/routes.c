/*
 * routes.c - one request to its endpoint. The replies that are sent at once are made here;
 * replies that take time (delay, drip, big bodies, reset) are handed to jobs.c with their
 * parameters already validated, and the fault endpoints (broken or hostile replies) to
 * faults.c, which reads its own. It calls only down: into jobs.c, faults.c, params.c,
 * reply.c, stats.c and retry.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "routes.h"
#include "faults.h"
#include "jobs.h"
#include "params.h"
#include "reply.h"
#include "retry.h"
#include "stats.h"
#include "types.h"

#define MAX_DELAY_S      3600.0
#define MAX_BYTES        (UINT64_C(10) << 30)
#define MAX_DRIP_BYTES   (UINT64_C(1) << 20)
#define MAX_DRIP_S       60.0
#define MAX_REDIRECTS    1000
#define MAX_RETRY_FAIL   1000000
#define MAX_RETRY_AFTER  86400
#define MAX_RETRY_ID_LEN 256
#define RESET_LENGTH     1000

enum srv_route srv_route_find(const char *path)
{
    /* "/status/CODE" is the only route with a path parameter. */
    if (strcmp(path, "/status") == 0 || strncmp(path, "/status/", 8) == 0)
        return SRV_ROUTE_STATUS;
    for (int r = 0; r < SRV_ROUTE_NONE; r++) {
        if (strcmp(path, srv_route_names[r]) == 0)
            return (enum srv_route)r;
    }
    return SRV_ROUTE_NONE;
}

/* ---- JSON ---- */

static void json_string(struct evbuffer *out, const char *s)
{
    evbuffer_add(out, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            evbuffer_add_printf(out, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            /* Header bytes are ISO-8859-1; escaping keeps the output valid UTF-8 JSON. */
            evbuffer_add_printf(out, "\\u%04x", *p);
        else
            evbuffer_add(out, p, 1);
    }
    evbuffer_add(out, "\"", 1);
}

static void reply_json(struct evhttp_request *req, struct evbuffer *body)
{
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evhttp_send_reply(req, 200, NULL, body);
}

/* ---- handlers ---- */

static void handle_delay(struct srv_conn *conn, struct evhttp_request *req,
                         const struct evkeyvalq *q)
{
    double s;

    if (srv_parse_secs(evhttp_find_header(q, "s"), MAX_DELAY_S, &s) != 0) {
        srv_reply_text(req, 400, "bad parameter: s must be seconds in [0, 3600]\n");
        return;
    }
    srv_job_start_delay(conn, req, s, NULL);
}

/* A "Range: bytes=A-[B]" request for an n-byte /bytes body (up to 1 MiB): 206 with
 * those bytes, or 416 when A is past the end. 1 when it answered, 0 (no such header, or
 * another form): the whole body. */
static int bytes_range(struct evhttp_request *req, uint64_t n)
{
    const char *r = evhttp_find_header(evhttp_request_get_input_headers(req), "Range");
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);
    unsigned long long a, b = n ? n - 1 : 0;
    char cr[80];
    int end = 0;
    struct evbuffer *buf;

    if (!r || (sscanf(r, "bytes=%llu-%n", &a, &end) != 1 || end == 0))
        return 0;
    if (r[end] && (sscanf(r + end, "%llu", &b) != 1 || b < a))
        return 0;
    if (a >= n) {
        snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)n);
        evhttp_add_header(out, "Content-Range", cr);
        srv_reply_text(req, 416, "range not satisfiable\n");
        return 1;
    }
    if (b >= n)
        b = n - 1;
    buf = evbuffer_new();
    if (!buf || srv_add_pattern(buf, a, (size_t)(b - a + 1)) != 0) {
        evhttp_send_reply(req, 500, NULL, NULL);
    } else {
        snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", a, b, (unsigned long long)n);
        evhttp_add_header(out, "Content-Range", cr);
        evhttp_add_header(out, "Content-Type", "application/octet-stream");
        evhttp_send_reply(req, 206, "Partial Content", buf);
    }
    if (buf)
        evbuffer_free(buf);
    return 1;
}

static void handle_bytes(struct srv_conn *conn, struct evhttp_request *req,
                         const struct evkeyvalq *q)
{
    uint64_t n;

    if (srv_parse_u64(evhttp_find_header(q, "n"), MAX_BYTES, &n) != 0) {
        srv_reply_text(req, 400, "bad parameter: n must be an integer in [0, 10737418240]\n");
        return;
    }
    if (n <= 1024 * 1024 && bytes_range(req, n))
        return;
    srv_job_start_bytes(conn, req, n);
}

/* /gzip?n=N: up to 1 TiB of zeros, some 65 MB on the wire per 10 GiB. */
#define MAX_GZIP (1ULL << 40)

static void handle_gzip(struct srv_conn *conn, struct evhttp_request *req,
                        const struct evkeyvalq *q)
{
    uint64_t n;

    if (srv_parse_u64(evhttp_find_header(q, "n"), MAX_GZIP, &n) != 0) {
        srv_reply_text(req, 400, "bad parameter: n must be an integer in [0, 1099511627776]\n");
        return;
    }
    srv_job_start_gzip(conn, req, n);
}

static void handle_status(struct evhttp_request *req, const struct evkeyvalq *q)
{
    const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
    const char *code_s = strlen(path) > 8 ? path + 8 : NULL;
    struct evkeyvalq *hdrs = evhttp_request_get_output_headers(req);
    uint64_t code, after;
    char num[24];

    if (srv_parse_u64(code_s, 599, &code) != 0 || code < 100 || strlen(code_s) != 3) {
        srv_reply_text(req, 400, "bad status code: use /status/CODE with CODE in [100, 599]\n");
        return;
    }
    if (srv_opt_u64(q, "retry_after", UINT64_MAX, MAX_RETRY_AFTER, &after) != 0) {
        srv_reply_text(req, 400, "bad parameter: retry_after must be an integer in [0, 86400]\n");
        return;
    }
    if (after != UINT64_MAX) {
        snprintf(num, sizeof(num), "%llu", (unsigned long long)after);
        evhttp_add_header(hdrs, "Retry-After", num);
    }
    /* These must not have a body; libevent would send one if we gave it. */
    if (code < 200 || code == 204 || code == 304) {
        evhttp_send_reply(req, (int)code, NULL, NULL);
        return;
    }
    srv_reply_text(req, (int)code, "status %d\n", (int)code);
}

static void handle_redirect(struct evhttp_request *req, const struct evkeyvalq *q)
{
    struct evkeyvalq *hdrs = evhttp_request_get_output_headers(req);
    const char *to = evhttp_find_header(q, "to");
    uint64_t n;
    char *enc = NULL, *loc = NULL;

    if (srv_parse_u64(evhttp_find_header(q, "n"), MAX_REDIRECTS, &n) != 0) {
        srv_reply_text(req, 400, "bad parameter: n must be an integer in [0, 1000]\n");
        return;
    }
    if (n == 0 && to == NULL) {
        srv_reply_text(req, 200, "done\n");
        return;
    }
    if (n == 0) {
        /* evhttp_add_header refuses values with CR or LF: no header injection. */
        if (evhttp_add_header(hdrs, "Location", to) != 0) {
            srv_reply_text(req, 400, "bad parameter: to must not contain line breaks\n");
            return;
        }
        srv_reply_text(req, 302, "redirect to %s\n", to);
        return;
    }
    if (to != NULL && (enc = evhttp_uriencode(to, -1, 0)) == NULL)
        goto oom;
    if (asprintf(&loc, "/redirect?n=%llu%s%s", (unsigned long long)(n - 1),
                 enc != NULL ? "&to=" : "", enc != NULL ? enc : "") < 0) {
        loc = NULL;
        goto oom;
    }
    evhttp_add_header(hdrs, "Location", loc);
    srv_reply_text(req, 302, "redirect to %s\n", loc);
    free(loc);
    free(enc);
    return;
oom:
    free(enc);
    evhttp_send_reply(req, 500, NULL, NULL);
}

static void handle_drip(struct srv_conn *conn, struct evhttp_request *req,
                        const struct evkeyvalq *q)
{
    uint64_t n;
    double interval;

    if (srv_parse_u64(evhttp_find_header(q, "n"), MAX_DRIP_BYTES, &n) != 0) {
        srv_reply_text(req, 400, "bad parameter: n must be an integer in [0, 1048576]\n");
        return;
    }
    if (srv_parse_secs(evhttp_find_header(q, "interval"), MAX_DRIP_S, &interval) != 0) {
        srv_reply_text(req, 400, "bad parameter: interval must be seconds in [0, 60]\n");
        return;
    }
    srv_job_start_drip(conn, req, n, interval);
}

static void handle_reset(struct srv_conn *conn, struct evhttp_request *req,
                         const struct evkeyvalq *q)
{
    uint64_t n;

    if (srv_opt_u64(q, "n", RESET_LENGTH / 2, RESET_LENGTH - 1, &n) != 0) {
        srv_reply_text(req, 400, "bad parameter: n must be an integer in [0, 999]\n");
        return;
    }
    srv_job_start_reset(conn, req, (unsigned)n, srv_flag(q, "before"), srv_flag(q, "rst"));
}

static void handle_headers(struct evhttp_request *req)
{
    struct evbuffer *body = evbuffer_new();
    const struct evkeyval *h;
    const char *sep = "";

    if (body == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    evbuffer_add(body, "{", 1);
    /* keyvalq_struct.h gives the TAILQ layout but not the macros to walk it. */
    for (h = evhttp_request_get_input_headers(req)->tqh_first; h != NULL; h = h->next.tqe_next) {
        evbuffer_add_printf(body, "%s", sep);
        json_string(body, h->key);
        evbuffer_add(body, ":", 1);
        json_string(body, h->value);
        sep = ",";
    }
    evbuffer_add(body, "}\n", 2);
    reply_json(req, body);
    evbuffer_free(body);
}

/* /etag?v=TAG: 200 "etag\n" with ETag: TAG, or 304 when If-None-Match is TAG. */
static void handle_etag(struct evhttp_request *req, const struct evkeyvalq *q)
{
    const char *v = evhttp_find_header(q, "v");
    const char *inm = evhttp_find_header(evhttp_request_get_input_headers(req), "If-None-Match");

    if (!v) {
        srv_reply_text(req, 400, "bad parameter: v is the ETag\n");
        return;
    }
    evhttp_add_header(evhttp_request_get_output_headers(req), "ETag", v);
    if (inm && strcmp(inm, v) == 0)
        evhttp_send_reply(req, 304, "Not Modified", NULL);
    else
        srv_reply_text(req, 200, "etag\n");
}

/* /setcookie?c=COOKIE: 200 "ok\n" with a Set-Cookie: COOKIE header (one per c). */
static void handle_setcookie(struct evhttp_request *req, const struct evkeyvalq *q)
{
    struct evkeyvalq *out = evhttp_request_get_output_headers(req);

    for (const struct evkeyval *h = q->tqh_first; h != NULL; h = h->next.tqe_next)
        if (strcmp(h->key, "c") == 0)
            evhttp_add_header(out, "Set-Cookie", h->value);
    srv_reply_text(req, 200, "ok\n");
}

/* /echo: the request as the server saw it, one JSON object: method, uri (as sent), headers
 * (an array of [name, value] pairs in arrival order), body (bytes >= 0x80 and control bytes
 * as \u00XX, so a byte string round-trips) and body_len. */
static void handle_echo(struct evhttp_request *req)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    struct evbuffer *body = evbuffer_new();
    const struct evkeyval *h;
    const char *sep = "";
    size_t len = in != NULL ? evbuffer_get_length(in) : 0;
    char *bytes;

    if (body == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    evbuffer_add_printf(
        body, "{\"method\":\"%s\",\"uri\":", srv_method_name(evhttp_request_get_command(req)));
    json_string(body, evhttp_request_get_uri(req));
    evbuffer_add_printf(body, ",\"headers\":[");
    for (h = evhttp_request_get_input_headers(req)->tqh_first; h != NULL; h = h->next.tqe_next) {
        evbuffer_add_printf(body, "%s[", sep);
        json_string(body, h->key);
        evbuffer_add(body, ",", 1);
        json_string(body, h->value);
        evbuffer_add(body, "]", 1);
        sep = ",";
    }
    evbuffer_add_printf(body, "],\"body_len\":%zu,\"body\":", len);
    /* The body may hold NUL bytes: escape it byte by byte. */
    bytes = len > 0 ? (char *)evbuffer_pullup(in, -1) : NULL;
    evbuffer_add(body, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c == '"' || c == '\\')
            evbuffer_add_printf(body, "\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            evbuffer_add_printf(body, "\\u%04x", c);
        else
            evbuffer_add(body, &c, 1);
    }
    evbuffer_add(body, "\"}\n", 3);
    reply_json(req, body);
    evbuffer_free(body);
}

/* /next?n=N[&s=S][&then=T]: after S seconds (default 0), a body naming the next URL:
 * <url>/delay?s=T when `then` is given, else <url>/bytes?n=N. */
static void handle_next(cf_server *srv, struct srv_conn *conn, struct evhttp_request *req,
                        const struct evkeyvalq *q)
{
    const char *then = evhttp_find_header(q, "then");
    uint64_t n = 0;
    double s = 0, t = 0;
    char text[256];

    if (!then && srv_parse_u64(evhttp_find_header(q, "n"), MAX_BYTES, &n) != 0) {
        srv_reply_text(req, 400, "bad parameter: n must be an integer in [0, 10737418240]\n");
        return;
    }
    const char *delay = evhttp_find_header(q, "s");
    if ((delay && srv_parse_secs(delay, MAX_DELAY_S, &s) != 0) ||
        (then && srv_parse_secs(then, MAX_DELAY_S, &t) != 0)) {
        srv_reply_text(req, 400, "bad parameter: s and then must be seconds in [0, 3600]\n");
        return;
    }
    if (then)
        snprintf(text, sizeof text, "%s/delay?s=%g\n", srv->url, t);
    else
        snprintf(text, sizeof text, "%s/bytes?n=%llu\n", srv->url, (unsigned long long)n);
    if (s > 0)
        srv_job_start_delay(conn, req, s, text);
    else
        srv_reply_text(req, 200, "%s", text);
}

static void handle_retry(cf_server *srv, struct evhttp_request *req, const struct evkeyvalq *q)
{
    const char *id = evhttp_find_header(q, "id");
    uint64_t fail, after;
    unsigned long earlier;
    char num[24];

    if (srv_parse_u64(evhttp_find_header(q, "fail"), MAX_RETRY_FAIL, &fail) != 0) {
        srv_reply_text(req, 400, "bad parameter: fail must be an integer in [0, 1000000]\n");
        return;
    }
    if (srv_opt_u64(q, "after", 1, MAX_RETRY_AFTER, &after) != 0) {
        srv_reply_text(req, 400, "bad parameter: after must be an integer in [0, 86400]\n");
        return;
    }
    if (id == NULL)
        id = "";
    if (strlen(id) > MAX_RETRY_ID_LEN) {
        srv_reply_text(req, 400, "bad parameter: id is longer than 256 bytes\n");
        return;
    }
    if (srv_retry_hit(srv, id, &earlier) != 0) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    if (earlier < fail) {
        snprintf(num, sizeof(num), "%llu", (unsigned long long)after);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", num);
        srv_reply_text(req, 503, "retry %lu of %llu\n", earlier + 1, (unsigned long long)fail);
        return;
    }
    srv_reply_text(req, 200, "ok after %llu\n", (unsigned long long)fail);
}

static void handle_count(cf_server *srv, struct evhttp_request *req, const struct evkeyvalq *q)
{
    struct evbuffer *body = evbuffer_new();

    if (body == NULL) {
        evhttp_send_reply(req, 500, NULL, NULL);
        return;
    }
    srv_stats_json(srv, body);
    if (srv_flag(q, "reset"))
        srv_stats_reset(srv);
    reply_json(req, body);
    evbuffer_free(body);
}

void srv_route_dispatch(cf_server *srv, struct srv_conn *conn, struct evhttp_request *req,
                        enum srv_route route, const struct evkeyvalq *q)
{
    const char *idle = evhttp_find_header(q, "idle");

    if (idle) { /* any route: how long the connection may then wait for a request */
        double s;
        struct timeval tv;

        if (srv_parse_secs(idle, MAX_DELAY_S, &s) != 0 || s <= 0) {
            srv_reply_text(req, 400, "bad parameter: idle must be seconds in (0, 3600]\n");
            return;
        }
        tv = srv_secs_timeval(s);
        evhttp_connection_set_timeout_tv(evhttp_request_get_connection(req), &tv);
    }
    switch (route) {
    case SRV_ROUTE_DELAY: handle_delay(conn, req, q); break;
    case SRV_ROUTE_BYTES: handle_bytes(conn, req, q); break;
    case SRV_ROUTE_GZIP: handle_gzip(conn, req, q); break;
    case SRV_ROUTE_STATUS: handle_status(req, q); break;
    case SRV_ROUTE_REDIRECT: handle_redirect(req, q); break;
    case SRV_ROUTE_DRIP: handle_drip(conn, req, q); break;
    case SRV_ROUTE_RESET: handle_reset(conn, req, q); break;
    case SRV_ROUTE_HEADERS: handle_headers(req); break;
    case SRV_ROUTE_ECHO: handle_echo(req); break;
    case SRV_ROUTE_SETCOOKIE: handle_setcookie(req, q); break;
    case SRV_ROUTE_ETAG: handle_etag(req, q); break;
    case SRV_ROUTE_NEXT: handle_next(srv, conn, req, q); break;
    case SRV_ROUTE_RETRY: handle_retry(srv, req, q); break;
    case SRV_ROUTE_COUNT: handle_count(srv, req, q); break;
    case SRV_ROUTE_STALL:
    case SRV_ROUTE_CHUNKED:
    case SRV_ROUTE_SHORT:
    case SRV_ROUTE_MALFORMED:
    case SRV_ROUTE_HUGE:
    case SRV_ROUTE_LOOP:
    case SRV_ROUTE_BIGHEADERS: srv_fault_dispatch(conn, req, route, q); break;
    case SRV_ROUTE_NONE:
    case SRV_ROUTE_N: srv_reply_text(req, 404, "not found\n"); break;
    }
}

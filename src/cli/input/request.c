/*
 * request.c - a request line (JSON) into a struct reqline, with libjansson.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "base/base64.h"
#include "base/hash.h"
#include "cofetch/error.h"
#include "cofetch/task.h"
#include "input/request.h"

enum { HEADERS_MAX = 256, FILE_PIECE = 64 * 1024 };

void reqline_reset(struct reqline *rq)
{
    for (size_t i = 0; i < rq->nheaders; i++)
        free(rq->headers[i]);
    rq->nheaders = 0;
    sb_reset(&rq->url);
    sb_reset(&rq->method);
    sb_reset(&rq->body);
    sb_reset(&rq->body_file);
    sb_reset(&rq->echo);
    sb_reset(&rq->id);
    rq->has_body = rq->json = rq->has_timeout = rq->has_retry = 0;
    rq->timeout = 0;
    rq->retry = 0;
}

void reqline_free(struct reqline *rq)
{
    reqline_reset(rq);
    free(rq->headers);
    free(rq->hdrv);
    sb_free(&rq->url);
    sb_free(&rq->method);
    sb_free(&rq->body);
    sb_free(&rq->body_file);
    sb_free(&rq->echo);
    sb_free(&rq->id);
    memset(rq, 0, sizeof *rq);
}

/* parse_key's results besides 0 and CF_ENOMEM. */
enum { BAD = 1, UNKNOWN = 2 };

/* A bad key: BAD, why says so. */
static int bad(struct strbuf *why, const char *key, const char *what)
{
    sb_reset(why);
    sb_addf(why, "key \"%s\": %s", key, what);
    return BAD;
}

static int add_header(struct reqline *rq, const char *name, size_t nlen, const char *val,
                      size_t vlen)
{
    char *h;

    if (rq->nheaders == rq->capheaders) {
        size_t cap = rq->capheaders ? rq->capheaders * 2 : 8;
        char **p = realloc(rq->headers, cap * sizeof *p);
        if (!p)
            return CF_ENOMEM;
        rq->headers = p;
        rq->capheaders = cap;
    }
    h = malloc(nlen + vlen + 3);
    if (!h)
        return CF_ENOMEM;
    memcpy(h, name, nlen);
    memcpy(h + nlen, ": ", 2);
    memcpy(h + nlen + 2, val, vlen);
    h[nlen + vlen + 2] = '\0';
    rq->headers[rq->nheaders++] = h;
    return 0;
}

/* A header's name: an HTTP token (RFC 9110 tchar); a value: no CR, LF or NUL. */
static int token_ok(const char *s, size_t len)
{
    if (len == 0)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", c))
            return 0;
    }
    return 1;
}

static int value_ok(const char *s, size_t len)
{
    return !memchr(s, '\r', len) && !memchr(s, '\n', len) && !memchr(s, '\0', len);
}

static int header_value(struct reqline *rq, const char *name, json_t *v, struct strbuf *why)
{
    if (!json_is_string(v))
        return bad(why, "header", "each value must be a string or an array of strings");
    if (!value_ok(json_string_value(v), json_string_length(v)))
        return bad(why, "header", "a value holds CR, LF or NUL");
    if (rq->nheaders >= HEADERS_MAX)
        return bad(why, "header", "more than 256 headers");
    return add_header(rq, name, strlen(name), json_string_value(v), json_string_length(v));
}

static int parse_headers(struct reqline *rq, json_t *h, struct strbuf *why)
{
    const char *name;
    json_t *v;
    size_t i;
    int rc;

    if (json_is_array(h)) { /* ["Name: value", ...] */
        json_array_foreach(h, i, v)
        {
            const char *s, *colon;
            size_t len, nlen;
            if (!json_is_string(v))
                return bad(why, "header", "an array of \"Name: value\" strings expected");
            s = json_string_value(v);
            len = json_string_length(v);
            colon = memchr(s, ':', len);
            nlen = colon ? (size_t)(colon - s) : 0;
            if (!colon || !token_ok(s, nlen))
                return bad(why, "header", "\"Name: value\" expected");
            if (!value_ok(s, len))
                return bad(why, "header", "a value holds CR, LF or NUL");
            if (rq->nheaders >= HEADERS_MAX)
                return bad(why, "header", "more than 256 headers");
            colon++;
            while (colon < s + len && (*colon == ' ' || *colon == '\t'))
                colon++;
            if ((rc = add_header(rq, s, nlen, colon, len - (size_t)(colon - s))))
                return rc;
        }
        return 0;
    }
    if (!json_is_object(h))
        return bad(why, "header", "an object of name: [values] expected");
    json_object_foreach(h, name, v)
    {
        if (!token_ok(name, strlen(name)))
            return bad(why, "header", "a name is not an HTTP token");
        if (json_is_array(v)) {
            json_t *e;
            json_array_foreach(v, i, e) if ((rc = header_value(rq, name, e, why))) return rc;
        } else if ((rc = header_value(rq, name, v, why))) {
            return rc;
        }
    }
    return 0;
}

int reqline_add_header(struct reqline *rq, const char *h, size_t len, struct strbuf *why)
{
    const char *colon = memchr(h, ':', len), *v;

    sb_reset(why);
    if (!colon || !token_ok(h, (size_t)(colon - h))) {
        sb_addf(why, "header '%.*s': \"Name: value\" expected", (int)(len > 80 ? 80 : len), h);
        return BAD;
    }
    if (!value_ok(h, len)) {
        sb_addf(why, "header '%.*s': a value holds CR, LF or NUL", (int)(colon - h), h);
        return BAD;
    }
    if (rq->nheaders >= HEADERS_MAX) {
        sb_adds(why, "more than 256 headers");
        return BAD;
    }
    for (v = colon + 1; v < h + len && (*v == ' ' || *v == '\t');)
        v++;
    return add_header(rq, h, (size_t)(colon - h), v, len - (size_t)(v - h));
}

/* Appends ,"key":<compact JSON of v> to rq->echo (and the id to rq->id). */
static int echo(struct reqline *rq, const char *key, json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    int rc;

    if (!s)
        return CF_ENOMEM;
    rc = sb_addf(&rq->echo, ",\"%s\":%s", key, s);
    free(s);
    if (rc == 0 && strcmp(key, "id") == 0) {
        s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
        rc = s ? sb_adds(&rq->id, s) : CF_ENOMEM;
        free(s);
    }
    return rc;
}

static int set_body(struct reqline *rq, const char *key, const char **body_key, struct strbuf *why)
{
    if (*body_key) {
        sb_reset(why);
        sb_addf(why,
                "key \"%s\": only one of body, body_b64, body_file and json (\"%s\" given too)",
                key, *body_key);
        return BAD;
    }
    *body_key = key;
    rq->has_body = 1;
    return 0;
}

static int parse_key(struct reqline *rq, const char *key, json_t *v, int flags,
                     const char **body_key, struct strbuf *why)
{
    int rc;

    if (strcmp(key, "url") == 0) {
        if (!json_is_string(v))
            return bad(why, key, "a string expected");
        if (json_string_length(v) == 0)
            return bad(why, key, "is empty");
        if (memchr(json_string_value(v), '\0', json_string_length(v)))
            return bad(why, key, "holds a NUL byte");
        return sb_add(&rq->url, json_string_value(v), json_string_length(v));
    }
    if (strcmp(key, "method") == 0) {
        if (!json_is_string(v))
            return bad(why, key, "a string expected");
        if (!token_ok(json_string_value(v), json_string_length(v)))
            return bad(why, key, "not an HTTP method (a token such as GET or POST)");
        return sb_add(&rq->method, json_string_value(v), json_string_length(v));
    }
    if (strcmp(key, "header") == 0)
        return parse_headers(rq, v, why);
    if (strcmp(key, "body") == 0 || strcmp(key, "body_b64") == 0) {
        int b64 = key[4] == '_' || (flags & REQ_VEGETA);
        if (!json_is_string(v))
            return bad(why, key, "a string expected");
        if ((rc = set_body(rq, key, body_key, why)))
            return rc;
        if (!b64)
            return sb_add(&rq->body, json_string_value(v), json_string_length(v));
        rc = b64_decode(&rq->body, json_string_value(v), json_string_length(v));
        if (rc == CF_EINVAL)
            return bad(why, key, "not base64");
        return rc;
    }
    if (strcmp(key, "body_file") == 0) {
        if (!json_is_string(v) || json_string_length(v) == 0)
            return bad(why, key, "a path expected");
        if (memchr(json_string_value(v), '\0', json_string_length(v)))
            return bad(why, key, "holds a NUL byte");
        if ((rc = set_body(rq, key, body_key, why)))
            return rc;
        return sb_add(&rq->body_file, json_string_value(v), json_string_length(v));
    }
    if (strcmp(key, "json") == 0) {
        char *s;
        if ((rc = set_body(rq, key, body_key, why)))
            return rc;
        s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        rc = s ? sb_adds(&rq->body, s) : CF_ENOMEM;
        free(s);
        rq->json = 1;
        return rc;
    }
    if (strcmp(key, "timeout") == 0) {
        double t = json_number_value(v);
        if (!json_is_number(v) || t < 0 || t > 1e7)
            return bad(why, key, "a number of seconds (0 to 1e7) expected");
        rq->timeout = t;
        rq->has_timeout = 1;
        return 0;
    }
    if (strcmp(key, "retry") == 0) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000)
            return bad(why, key, "an integer from 0 to 1000 expected");
        rq->retry = (int)json_integer_value(v);
        rq->has_retry = 1;
        return 0;
    }
    if (strcmp(key, "id") == 0 || strcmp(key, "meta") == 0)
        return echo(rq, key, v);
    if (strcmp(key, "tag") == 0) {
        if (!json_is_string(v))
            return bad(why, key, "a string expected");
        return echo(rq, key, v);
    }
    return UNKNOWN;
}

/* A bad line's id, meta and tag (a string), for its error record. BAD or CF_ENOMEM. */
static int echo_identity(struct reqline *rq, json_t *root)
{
    static const char *const keys[] = {"id", "meta", "tag"};

    sb_reset(&rq->echo);
    sb_reset(&rq->id);
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(root, keys[i]);
        if (v && (i < 2 || json_is_string(v)) && echo(rq, keys[i], v))
            return CF_ENOMEM;
    }
    return BAD;
}

int reqline_parse(struct reqline *rq, const char *line, size_t len, int flags, struct strbuf *why,
                  void (*unknown)(void *ctx, const char *key), void *ctx)
{
    json_error_t err;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
    const char *key, *body_key = NULL;
    json_t *v;
    int rc = 0;

    reqline_reset(rq);
    if (!root) {
        sb_reset(why);
        sb_addf(why, "not valid JSON: %s at column %d", err.text, err.column);
        return BAD;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        sb_reset(why);
        sb_adds(why, "a request line must be a JSON object");
        return BAD;
    }
    json_object_foreach(root, key, v)
    {
        rc = parse_key(rq, key, v, flags, &body_key, why);
        if (rc == UNKNOWN) {
            if (unknown)
                unknown(ctx, key);
            rc = 0;
        }
        if (rc)
            break;
    }
    if (rc == 0 && rq->url.len == 0)
        rc = bad(why, "url", "missing (a request line needs one)");
    if (rc == BAD) /* the error record still carries what identifies the line */
        rc = echo_identity(rq, root);
    json_decref(root);
    if (rc == CF_ENOMEM) {
        sb_reset(why);
        sb_adds(why, "out of memory");
    }
    return rc;
}

/* Whether the "Name: value" line h is named name (nlen bytes, case-insensitive). */
static int named(const char *h, const char *name, size_t nlen)
{
    return strncasecmp(h, name, nlen) == 0 && (h[nlen] == ':' || h[nlen] == ';');
}

/* Whether the line has a header named name[0..nlen). */
static int line_has(const struct reqline *rq, const char *name, size_t nlen)
{
    for (size_t i = 0; i < rq->nheaders; i++)
        if (named(rq->headers[i], name, nlen))
            return 1;
    return 0;
}

int reqline_merge_headers(struct reqline *rq, const char *const *base)
{
    static const char *const json_hdrs[] = {"Content-Type: application/json",
                                            "Accept: application/json"};
    size_t nbase = 0, n = 0;

    while (base && base[nbase])
        nbase++;
    if (rq->caphdrv < rq->nheaders + 2 + nbase + 1) {
        size_t cap = rq->nheaders + 2 + nbase + 1;
        const char **p = realloc(rq->hdrv, cap * sizeof *p);
        if (!p)
            return CF_ENOMEM;
        rq->hdrv = p;
        rq->caphdrv = cap;
    }
    for (size_t i = 0; i < rq->nheaders; i++)
        rq->hdrv[n++] = rq->headers[i];
    for (size_t i = 0; rq->json && i < 2; i++)
        if (!line_has(rq, json_hdrs[i], strcspn(json_hdrs[i], ":")))
            rq->hdrv[n++] = json_hdrs[i];
    for (size_t i = 0; i < nbase; i++) {
        size_t nlen = strcspn(base[i], ":;");
        if (!line_has(rq, base[i], nlen) &&
            !(rq->json && ((nlen == 12 && strncasecmp(base[i], "Content-Type", 12) == 0) ||
                           (nlen == 6 && strncasecmp(base[i], "Accept", 6) == 0))))
            rq->hdrv[n++] = base[i];
    }
    rq->hdrv[n] = NULL;
    return 0;
}

int reqline_read_body_file(struct reqline *rq, size_t max, struct strbuf *why)
{
    const char *path = sb_cstr(&rq->body_file);
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    int rc = -1;

    sb_reset(why);
    if (fd < 0) {
        sb_addf(why, "key \"body_file\": cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        sb_addf(why, "key \"body_file\": %s is not a regular file", path);
        goto out;
    }
    if ((unsigned long long)st.st_size > max) {
        sb_addf(why, "key \"body_file\": %s is larger than %zu bytes", path, max);
        goto out;
    }
    sb_reset(&rq->body);
    for (;;) {
        ssize_t n;
        if (sb_reserve(&rq->body, FILE_PIECE)) {
            sb_adds(why, "key \"body_file\": out of memory");
            goto out;
        }
        n = read(fd, rq->body.buf + rq->body.len, FILE_PIECE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            sb_addf(why, "key \"body_file\": reading %s: %s", path, strerror(errno));
            goto out;
        }
        if (n == 0)
            break;
        rq->body.len += (size_t)n;
        rq->body.buf[rq->body.len] = '\0';
        if (rq->body.len > max) {
            sb_addf(why, "key \"body_file\": %s is larger than %zu bytes", path, max);
            goto out;
        }
        if (cf_task_current())
            cf_yield();
    }
    rc = 0;
out:
    close(fd);
    return rc;
}

uint64_t reqline_identity(const struct reqline *rq)
{
    const char *m;
    uint64_t h;

    if (rq->id.len)
        return fnv1a64(rq->id.buf, rq->id.len);
    m = rq->method.len ? rq->method.buf : rq->has_body ? "POST" : "GET";
    h = fnv1a64(m, strlen(m));
    h = fnv1a64_more(h, " ", 1);
    h = fnv1a64_more(h, rq->url.buf, rq->url.len);
    h = fnv1a64_more(h, "\n", 1);
    if (rq->body_file.len) /* identified by its path: a line already done is not read */
        return fnv1a64_more(fnv1a64_more(h, "@", 1), rq->body_file.buf, rq->body_file.len);
    return rq->has_body ? fnv1a64_more(h, rq->body.buf, rq->body.len) : h;
}

/*
 * template.c - compile and expand --then templates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/scheme.h"
#include "cofetch/error.h"
#include "run/template.h"

enum part_kind { P_TEXT, P_URL, P_EFFECTIVE_URL, P_STATUS, P_BODY, P_HEADER, P_LINE, P_FIELD };

struct part {
    enum part_kind kind;
    char *text; /* literal text, or the header name */
    size_t len; /* its length; P_FIELD: the field's number, from 1 */
};

struct tmpl {
    struct part *parts;
    size_t n;
    int verbatim; /* values never percent-encoded (tmpl_compile_line) */
};

/* {N}: a field number from 1 (at most 9 digits). 0 if name is not one. */
static size_t field_number(const char *name, size_t len)
{
    size_t n = 0;

    if (len == 0 || len > 9 || name[0] == '0')
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        n = n * 10 + (size_t)(name[i] - '0');
    }
    return n;
}

static const struct {
    const char *name;
    enum part_kind kind;
} placeholders[] = {
    {"body", P_BODY}, {"effective_url", P_EFFECTIVE_URL}, {"line", P_LINE}, {"status", P_STATUS},
    {"url", P_URL},
};

static int add_part(struct tmpl *t, enum part_kind kind, const char *text, size_t len)
{
    struct part *p = realloc(t->parts, (t->n + 1) * sizeof *p);
    if (!p)
        return CF_ENOMEM;
    t->parts = p;
    p = &t->parts[t->n];
    p->kind = kind;
    p->len = len;
    p->text = NULL;
    if (text) {
        p->text = malloc(len + 1);
        if (!p->text)
            return CF_ENOMEM;
        memcpy(p->text, text, len);
        p->text[len] = '\0';
    }
    t->n++;
    return 0;
}

/* Appends literal text, merging with a preceding literal. */
static int add_text(struct tmpl *t, const char *s, size_t len)
{
    struct part *last = t->n ? &t->parts[t->n - 1] : NULL;
    char *p;

    if (!last || last->kind != P_TEXT)
        return add_part(t, P_TEXT, s, len);
    p = realloc(last->text, last->len + len + 1);
    if (!p)
        return CF_ENOMEM;
    memcpy(p + last->len, s, len);
    last->len += len;
    p[last->len] = '\0';
    last->text = p;
    return 0;
}

static int add_placeholder(struct tmpl *t, const char *name, size_t len, char *err, size_t errlen)
{
    size_t field = field_number(name, len);

    if (field) {
        int rc = add_part(t, P_FIELD, NULL, 0);
        if (rc == 0)
            t->parts[t->n - 1].len = field;
        return rc;
    }
    if (len > 7 && memcmp(name, "header:", 7) == 0)
        return add_part(t, P_HEADER, name + 7, len - 7);
    for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
        if (strlen(placeholders[i].name) == len && memcmp(placeholders[i].name, name, len) == 0)
            return add_part(t, placeholders[i].kind, NULL, 0);
    snprintf(err, errlen,
             "unknown placeholder {%.*s} (use {url}, {effective_url}, {status}, "
             "{body}, {header:NAME}, {line} or a field {1}, {2}, ...)",
             (int)(len > 64 ? 64 : len), name);
    return CF_EINVAL;
}

int tmpl_compile(const char *text, struct tmpl **out, char *err, size_t errlen)
{
    struct tmpl *t = calloc(1, sizeof *t);
    const char *s = text;
    int rc = 0;

    if (!t)
        return CF_ENOMEM;
    while (*s && rc == 0) {
        if ((s[0] == '{' && s[1] == '{') || (s[0] == '}' && s[1] == '}')) {
            rc = add_text(t, s, 1);
            s += 2;
        } else if (*s == '{') {
            const char *end = strchr(s, '}');
            if (!end) {
                snprintf(err, errlen, "unclosed '{' at offset %zu", (size_t)(s - text));
                rc = CF_EINVAL;
                break;
            }
            rc = add_placeholder(t, s + 1, (size_t)(end - s - 1), err, errlen);
            s = end + 1;
        } else if (*s == '}') {
            snprintf(err, errlen, "unmatched '}' at offset %zu (write '}}' for a brace)",
                     (size_t)(s - text));
            rc = CF_EINVAL;
        } else {
            size_t n = strcspn(s, "{}");
            rc = add_text(t, s, n);
            s += n;
        }
    }
    if (rc == 0 && t->n == 0) {
        snprintf(err, errlen, "empty template");
        rc = CF_EINVAL;
    }
    if (rc) {
        tmpl_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int tmpl_compile_line(const char *text, struct tmpl **out)
{
    struct tmpl *t = calloc(1, sizeof *t);
    const char *s = text;
    int rc = 0;

    if (!t)
        return CF_ENOMEM;
    t->verbatim = 1;
    while (*s && rc == 0) {
        const char *open = strchr(s, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        size_t name_len = close ? (size_t)(close - open - 1) : 0;
        size_t field = close ? field_number(open + 1, name_len) : 0;

        if (!close) {
            rc = add_text(t, s, strlen(s));
            break;
        }
        if (field || (name_len == 4 && memcmp(open + 1, "line", 4) == 0)) {
            if (open > s)
                rc = add_text(t, s, (size_t)(open - s));
            if (rc == 0)
                rc = add_part(t, field ? P_FIELD : P_LINE, NULL, 0);
            if (rc == 0 && field)
                t->parts[t->n - 1].len = field;
            s = close + 1;
        } else { /* not a placeholder: the '{' is text */
            rc = add_text(t, s, (size_t)(open + 1 - s));
            s = open + 1;
        }
    }
    if (rc) {
        tmpl_free(t);
        return rc;
    }
    *out = t;
    return 0;
}

int tmpl_has_fields(const struct tmpl *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->parts[i].kind == P_FIELD || t->parts[i].kind == P_LINE)
            return 1;
    return 0;
}

void tmpl_free(struct tmpl *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->parts[i].text);
    free(t->parts);
    free(t);
}

int pct_encode(struct strbuf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";

    if (sb_reserve(out, len * 3))
        return CF_ENOMEM;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out->buf[out->len++] = (char)c;
        } else {
            out->buf[out->len++] = '%';
            out->buf[out->len++] = hex[c >> 4];
            out->buf[out->len++] = hex[c & 15];
        }
    }
    out->buf[out->len] = '\0';
    return 0;
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* The first line of a body, blanks trimmed, whatever its length. */
static const char *first_line(const char *body, size_t body_len, size_t *len)
{
    const char *end;
    size_t n;

    if (!body)
        body_len = 0;
    end = body_len ? memchr(body, '\n', body_len) : NULL;
    n = end ? (size_t)(end - body) : body_len;
    while (n && is_blank(*body)) {
        body++;
        n--;
    }
    while (n && is_blank(body[n - 1]))
        n--;
    *len = n;
    return n ? body : "";
}

const char *body_first_line(const char *body, size_t body_len, size_t *len)
{
    const char *line = first_line(body, body_len, len);
    if (*len > TMPL_BODY_MAX)
        *len = TMPL_BODY_MAX;
    return line;
}

int tmpl_resolve(struct strbuf *url, const char *base, char *err, size_t errlen)
{
    CURLU *u;
    CURLUcode uc;
    char *out = NULL;
    int rc = 0;

    if (scheme_len(sb_cstr(url)) || !base)
        return 0;
    u = curl_url();
    if (!u)
        return CF_ENOMEM;
    uc = curl_url_set(u, CURLUPART_URL, base, 0);
    if (uc == CURLUE_OK)
        uc = curl_url_set(u, CURLUPART_URL, sb_cstr(url), 0);
    if (uc == CURLUE_OK)
        uc = curl_url_get(u, CURLUPART_URL, &out, 0);
    if (uc != CURLUE_OK) {
        snprintf(err, errlen, "'%.100s' relative to %.100s: %s", sb_cstr(url), base,
                 curl_url_strerror(uc));
        rc = CF_EINVAL;
    } else {
        sb_reset(url);
        rc = sb_adds(url, out);
    }
    curl_free(out);
    curl_url_cleanup(u);
    return rc;
}

int tmpl_expand(const struct tmpl *t, const struct tmpl_vals *v, struct strbuf *out, char *err,
                size_t errlen)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct part *p = &t->parts[i];
        const char *val = NULL;
        size_t len = 0;
        char num[32];
        int rc;

        switch (p->kind) {
        case P_TEXT:
            rc = sb_add(out, p->text, p->len);
            if (rc)
                return rc;
            continue;
        case P_URL: val = v->url; break;
        case P_EFFECTIVE_URL: val = v->effective_url ? v->effective_url : v->url; break;
        case P_STATUS:
            snprintf(num, sizeof num, "%ld", v->status);
            val = num;
            break;
        case P_BODY:
            val = first_line(v->body, v->body_len, &len);
            if (len == 0) {
                snprintf(err, errlen, "{body}: the previous response has an empty first line");
                return CF_EINVAL;
            }
            if (len > TMPL_BODY_MAX) { /* not cut short: a cut URL is another URL */
                snprintf(err, errlen,
                         "{body}: the first line of the previous response is longer than %d "
                         "bytes",
                         TMPL_BODY_MAX);
                return CF_EINVAL;
            }
            break;
        case P_HEADER:
            val = v->header ? v->header(v->header_ctx, p->text) : NULL;
            if (!val) {
                snprintf(err, errlen, "{header:%s}: no such header in the previous response",
                         p->text);
                return CF_EINVAL;
            }
            break;
        case P_LINE: val = v->line; break;
        case P_FIELD:
            if (p->len > v->nfields) {
                snprintf(err, errlen, "{%zu}: the line has %zu field%s", p->len, v->nfields,
                         v->nfields == 1 ? "" : "s");
                return CF_EINVAL;
            }
            val = v->fields[p->len - 1];
            len = v->field_lens[p->len - 1];
            break;
        }
        if (!val)
            val = "";
        if (p->kind != P_BODY && p->kind != P_FIELD)
            len = strlen(val);
        rc = i == 0 || t->verbatim ? sb_add(out, val, len) : pct_encode(out, val, len);
        if (rc)
            return rc;
    }
    return 0;
}

/*
 * respheaders.c - a response's header block read as curl's -w reads it.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "cofetch/error.h"
#include "output/json.h"
#include "output/respheaders.h"

struct hdr {
    const char *name, *value;
    size_t nlen, vlen;
};

/* The next "Name: value" line at or after *p (status and blank lines skipped). */
static int next(const char **p, const char *end, struct hdr *h)
{
    while (*p < end) {
        const char *line = *p;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        const char *stop = eol ? eol : end;
        const char *colon = memchr(line, ':', (size_t)(stop - line));

        *p = eol ? eol + 1 : end;
        if (!colon || colon == line || (stop - line >= 5 && memcmp(line, "HTTP/", 5) == 0) ||
            *line == ' ' || *line == '\t')
            continue;
        h->name = line;
        h->nlen = (size_t)(colon - line);
        h->value = colon + 1;
        while (h->value < stop && (*h->value == ' ' || *h->value == '\t'))
            h->value++;
        while (stop > h->value && (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t'))
            stop--;
        h->vlen = (size_t)(stop - h->value);
        return 1;
    }
    return 0;
}

/* The last response's header block, as libcurl's header API gives it: none when the
 * fetch ended on too many redirects (the headers then belong to a request not made). */
static const char *block(const struct cf_response *resp, const char **end)
{
    if (!resp->headers || resp->curl_code == 47 /* CURLE_TOO_MANY_REDIRECTS */) {
        *end = NULL;
        return NULL;
    }
    *end = resp->headers + resp->headers_len;
    return resp->headers + resp->headers_last;
}

static int same(const struct hdr *h, const char *name, size_t len)
{
    return h->nlen == len && strncasecmp(h->name, name, len) == 0;
}

long rh_count(const struct cf_response *resp)
{
    const char *p = resp->headers ? resp->headers + resp->headers_last : NULL;
    const char *end = p ? resp->headers + resp->headers_len : NULL;
    struct hdr h;
    long n = 0;

    while (p && next(&p, end, &h))
        n++;
    return n;
}

int rh_value(struct strbuf *out, const struct cf_response *resp, const char *name, size_t len)
{
    const char *end, *p = block(resp, &end);
    struct hdr h;
    int first = 1, rc = 0;

    while (p && rc == 0 && next(&p, end, &h)) {
        if (!same(&h, name, len))
            continue;
        if (!first)
            rc = sb_add(out, ", ", 2);
        if (rc == 0)
            rc = sb_add(out, h.value, h.vlen);
        first = 0;
    }
    return rc;
}

static int lower_name(struct strbuf *out, const struct hdr *h)
{
    size_t start = out->len;
    int rc = json_str(out, h->name, h->nlen);

    for (size_t i = start; rc == 0 && i < out->len; i++)
        out->buf[i] = (char)tolower((unsigned char)out->buf[i]);
    return rc;
}

int rh_json(struct strbuf *out, const struct cf_response *resp, int pretty)
{
    const char *end, *p = block(resp, &end);
    struct hdr h;
    int rc = sb_addc(out, '{'), members = 0;

    while (p && rc == 0 && next(&p, end, &h)) {
        const char *q = resp->headers + resp->headers_last; /* block()'s start */
        struct hdr o;
        int seen = 0;

        while (q < h.name && next(&q, h.name, &o)) /* was this name's member made already? */
            if (o.name < h.name && same(&o, h.name, h.nlen)) {
                seen = 1;
                break;
            }
        if (seen)
            continue;
        if (members++)
            rc |= sb_adds(out, pretty ? ",\n" : ",");
        rc |= lower_name(out, &h);
        rc |= sb_add(out, ":[", 2);
        q = h.name;
        for (int values = 0; rc == 0 && next(&q, end, &o);) {
            if (!same(&o, h.name, h.nlen))
                continue;
            if (values++)
                rc |= sb_addc(out, ',');
            rc |= json_str(out, o.value, o.vlen);
        }
        rc |= sb_addc(out, ']');
    }
    if (rc == 0)
        rc = sb_adds(out, pretty ? "\n}" : "}");
    return rc ? CF_ENOMEM : 0;
}

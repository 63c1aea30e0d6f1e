/*
 * json.c - JSON escaping and the record object of --jsonl and %{json}.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cofetch/error.h"
#include "output/json.h"
#include "output/json_body.h"
#include "output/respheaders.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not valid. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned c = s[0];
    size_t n;
    unsigned cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    if (len < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

int json_utf8_ok(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;

    for (size_t i = 0, n; i < len; i += n) {
        if (s[i] < 0x80) {
            n = 1;
            continue;
        }
        n = utf8_seq(s + i, len - i);
        if (!n)
            return 0;
    }
    return 1;
}

/* Whether none of the 8 bytes in w needs escaping: each is printable ASCII (0x20..0x7f)
 * and neither '"' nor '\\'. A byte is zero in w ^ x exactly where it equals x; the
 * "has a zero byte" and "has a byte below 0x20" tests are exact as to any byte. */
static int plain8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

    return (((w - ones * 0x20) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b) | w) & high ? 0 : 1;
}

/* Copies to p the bytes of s that need no escaping, a word at a time, up to the first
 * word that holds one that does: how many were copied (len: all of them). */
static size_t plain_run(const unsigned char *s, size_t len, char *p)
{
    size_t i = 0;
    uint64_t w;

    if (len < 8) {
        uint32_t a, b;
        if (len < 4)
            return 0;
        memcpy(&a, s, 4); /* the first four and the last four, overlapping */
        memcpy(&b, s + len - 4, 4);
        if (!plain8(a | (uint64_t)b << 32))
            return 0;
        memcpy(p, &a, 4);
        memcpy(p + len - 4, &b, 4);
        return len;
    }
    for (; i + 8 <= len; i += 8) {
        memcpy(&w, s + i, 8);
        if (!plain8(w))
            return i;
        memcpy(p + i, &w, 8);
    }
    if (i < len) { /* the last eight, overlapping what was copied */
        memcpy(&w, s + len - 8, 8);
        if (!plain8(w))
            return i;
        memcpy(p + len - 8, &w, 8);
    }
    return len;
}

char *json_esc(char *p, const char *str, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)str;
    size_t i = plain_run(s, len, p), slow = 0;

    p += i;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        /* Eight bytes at a time while none needs escaping (most URLs and headers); a
         * window that does goes byte by byte. */
        if (i >= slow) {
            uint64_t w;
            if (len - i >= 8 && (memcpy(&w, s + i, 8), plain8(w))) {
                memcpy(p, &w, 8);
                p += 8;
                i += 8;
                continue;
            }
            slow = i + 8;
        }
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *p++ = (char)c;
            i++;
            continue;
        }
        if (c < 0x80) {
            *p++ = '\\';
            switch (c) {
            case '"':
            case '\\': *p++ = (char)c; break;
            case '\n': *p++ = 'n'; break;
            case '\r': *p++ = 'r'; break;
            case '\t': *p++ = 't'; break;
            case '\b': *p++ = 'b'; break;
            case '\f': *p++ = 'f'; break;
            default:
                *p++ = 'u';
                *p++ = '0';
                *p++ = '0';
                *p++ = hex[c >> 4];
                *p++ = hex[c & 15];
            }
            i++;
            continue;
        }
        n = utf8_seq(s + i, len - i);
        if (n) {
            memcpy(p, s + i, n);
            p += n;
            i += n;
        } else {
            memcpy(p, "\\ufffd", 6);
            p += 6;
            i++;
        }
    }
    return p;
}

int json_str(struct strbuf *out, const char *s, size_t len)
{
    char *p;

    /* Worst case: every byte becomes \ufffd (6 bytes). */
    if (out->cap - out->len <= len * 6 + 2 && sb_reserve(out, len * 6 + 2))
        return CF_ENOMEM;
    p = out->buf + out->len;
    *p++ = '"';
    p = json_esc(p, s, len);
    *p++ = '"';
    out->len = (size_t)(p - out->buf);
    out->buf[out->len] = '\0';
    return 0;
}

int json_secs(struct strbuf *out, double secs)
{
    return sb_addf(out, "%.6f", isfinite(secs) && secs > 0 ? secs : 0.0);
}

static int field_str(struct strbuf *out, const char *name, const char *s)
{
    int rc = sb_addf(out, ",\"%s\":", name);
    if (rc)
        return rc;
    return s ? json_str(out, s, strlen(s)) : sb_adds(out, "null");
}

static int field_secs(struct strbuf *out, const char *name, double v, int first)
{
    int rc = sb_addf(out, "%s\"%s\":", first ? "" : ",", name);
    return rc ? rc : json_secs(out, v);
}

int json_record(struct strbuf *out, const struct rec *r, int flags)
{
    int chain = flags & JSON_CHAIN;
    const struct cf_timings *t = &r->resp.t;
    int rc = 0;

    rc |= sb_adds(out, "{\"url\":");
    rc |= json_str(out, r->url, r->url_len);
    rc |= field_str(out, "input", r->src);
    rc |= sb_addf(out, ",\"line\":%lu,\"urlnum\":%lu", r->lineno, r->urlnum);
    if (r->echo)
        rc |= sb_add(out, r->echo, r->echo_len);
    if (chain)
        rc |= sb_addf(out, ",\"step\":%d", r->step);
    rc |=
        sb_addf(out, ",\"ok\":%s,\"status\":%ld", r->code == 0 ? "true" : "false", r->resp.status);
    rc |= field_str(out, "error", r->code ? rec_error(r) : NULL);
    rc |= field_str(out, "code", r->code ? cf_strerror(r->code) : NULL);
    rc |= sb_addf(out, ",\"exitcode\":%d", rec_exitcode(r));
    rc |= sb_addf(out, ",\"bytes\":%lld", r->resp.bytes);
    rc |= field_secs(out, "time", rec_time(r), 0);
    rc |= field_secs(out, "start", r->start, 0);
    rc |= field_secs(out, "end", r->end, 0);
    rc |= sb_addf(out, ",\"order\":%lu,\"attempts\":%d", r->order, r->resp.attempts);
    rc |= field_str(out, "effective_url", r->resp.effective_url);
    rc |= field_str(out, "http_version", r->resp.http_version ? rec_http_version(r) : NULL);
    rc |= sb_addf(out, ",\"redirects\":%ld", r->resp.redirects);
    if (r->saved_as)
        rc |= field_str(out, "file", r->saved_as);
    if (r->skipped)
        rc |= field_str(out, "skipped", "exists");
    if (r->body_member && r->code == 0)
        rc |= json_body_member(out, r);
    rc |= sb_adds(out, ",\"timings\":{");
    rc |= field_secs(out, "queue", t->queue, 1);
    rc |= field_secs(out, "dns", t->dns, 0);
    rc |= field_secs(out, "connect", t->connect, 0);
    rc |= field_secs(out, "tls", t->tls, 0);
    rc |= field_secs(out, "ttfb", t->ttfb, 0);
    rc |= field_secs(out, "total", t->total, 0);
    rc |= sb_adds(out, "}");
    if (flags & JSON_HEADERS) {
        rc |= sb_adds(out, ",\"headers\":");
        rc |= rh_json(out, &r->resp, 0);
    }
    rc |= sb_adds(out, "}");
    return rc ? CF_ENOMEM : 0;
}

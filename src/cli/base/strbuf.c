/*
 * strbuf.c - a growable byte buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "base/strbuf.h"

int sb_reserve(struct strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    size_t cap = sb->cap ? sb->cap : 64;
    char *p;

    if (need <= sb->cap)
        return 0;
    while (cap < need)
        cap *= 2;
    p = realloc(sb->buf, cap);
    if (!p)
        return CF_ENOMEM;
    sb->buf = p;
    sb->cap = cap;
    return 0;
}

int sb_add(struct strbuf *sb, const void *data, size_t len)
{
    if (sb->cap - sb->len <= len && sb_reserve(sb, len))
        return CF_ENOMEM;
    if (len)
        memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
    return 0;
}

int sb_adds(struct strbuf *sb, const char *s)
{
    return sb_add(sb, s, strlen(s));
}

int sb_addc(struct strbuf *sb, char c)
{
    return sb_add(sb, &c, 1);
}

/* v's digits, written backwards ending at end: their start. */
static char *digits(char *end, unsigned long long u)
{
    do
        *--end = (char)('0' + u % 10);
    while (u /= 10);
    return end;
}

/* The text ending at tmp + NUM_END appended: a copy of a fixed NUM_END bytes (from
 * inside tmp, which is twice that) into room made for them, so no memcpy call. */
enum { NUM_END = 32 };
static int add_num(struct strbuf *sb, const char *tmp, const char *p)
{
    size_t n = (size_t)(tmp + NUM_END - p);

    if (sb->cap - sb->len <= NUM_END && sb_reserve(sb, NUM_END))
        return CF_ENOMEM;
    memcpy(sb->buf + sb->len, p, NUM_END);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return 0;
}

int sb_addll(struct strbuf *sb, long long v)
{
    char tmp[2 * NUM_END] = {0}, *p;

    p = digits(tmp + NUM_END, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
    if (v < 0)
        *--p = '-';
    return add_num(sb, tmp, p);
}

int sb_addmilli(struct strbuf *sb, long long v)
{
    unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    char tmp[2 * NUM_END] = {0}, *p = tmp + NUM_END - 4;

    p[0] = '.';
    p[1] = (char)('0' + a / 100 % 10);
    p[2] = (char)('0' + a / 10 % 10);
    p[3] = (char)('0' + a % 10);
    p = digits(p, a / 1000);
    if (v < 0)
        *--p = '-';
    return add_num(sb, tmp, p);
}

int sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(sb->buf ? sb->buf + sb->len : NULL, sb->buf ? sb->cap - sb->len : 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return CF_EINVAL;
    if (sb->buf && (size_t)n < sb->cap - sb->len) {
        sb->len += (size_t)n;
        return 0;
    }
    if (sb_reserve(sb, (size_t)n))
        return CF_ENOMEM;
    vsnprintf(sb->buf + sb->len, sb->cap - sb->len, fmt, ap);
    sb->len += (size_t)n;
    return 0;
}

int sb_addf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = sb_vaddf(sb, fmt, ap);
    va_end(ap);
    return rc;
}

const char *sb_cstr(struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

void sb_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void sb_free(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

/*
 * base64.c - standard base64 with padding.
 */
#include "base/base64.h"
#include "cofetch/error.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_encode(struct strbuf *out, const void *data, size_t len)
{
    const unsigned char *s = data;
    char *p;

    if (sb_reserve(out, (len + 2) / 3 * 4 + 1))
        return CF_ENOMEM;
    p = out->buf + out->len;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < len)
            v |= s[i + 2];
        *p++ = alphabet[v >> 18];
        *p++ = alphabet[(v >> 12) & 63];
        *p++ = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
        *p++ = i + 2 < len ? alphabet[v & 63] : '=';
    }
    out->len = (size_t)(p - out->buf);
    out->buf[out->len] = '\0';
    return 0;
}

/* The value of a base64 character, or -1. */
static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int b64_decode(struct strbuf *out, const char *s, size_t len)
{
    size_t start = out->len;
    char *p;

    if (len % 4)
        return CF_EINVAL;
    if (sb_reserve(out, len / 4 * 3 + 1))
        return CF_ENOMEM;
    p = out->buf + out->len;
    for (size_t i = 0; i < len; i += 4) {
        int last = i + 4 == len;
        int pad = last && s[i + 3] == '=' ? (s[i + 2] == '=' ? 2 : 1) : 0;
        unsigned v = 0;
        for (int k = 0; k < 4; k++) {
            int d = k >= 4 - pad ? 0 : b64_value((unsigned char)s[i + k]);
            if (d < 0) {
                out->len = start;
                if (out->buf)
                    out->buf[start] = '\0';
                return CF_EINVAL;
            }
            v = v << 6 | (unsigned)d;
        }
        *p++ = (char)(v >> 16);
        if (pad < 2)
            *p++ = (char)((v >> 8) & 255);
        if (pad < 1)
            *p++ = (char)(v & 255);
    }
    out->len = (size_t)(p - out->buf);
    out->buf[out->len] = '\0';
    return 0;
}

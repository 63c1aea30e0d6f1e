/*
 * strbuf.h - a growable byte buffer, the one string builder of the command.
 *
 * Buffers are reused: sb_reset() keeps the allocation, so per-record formatting
 * allocates only until the buffer has grown to its working size. Appends report
 * CF_ENOMEM; the buffer is left as it was before the failed append.
 */
#ifndef CLI_STRBUF_H
#define CLI_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct strbuf {
    char *buf; /* NUL-terminated whenever len > 0 or after sb_cstr() */
    size_t len;
    size_t cap;
};

#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

int sb_reserve(struct strbuf *sb, size_t extra);
int sb_add(struct strbuf *sb, const void *data, size_t len);
int sb_adds(struct strbuf *sb, const char *s);
int sb_addc(struct strbuf *sb, char c);
/* v in decimal; v / 1000 with three decimals ("12.034", "-0.500"): printf's %lld and
 * %lld.%03lld without printf, for output written per fetch. */
int sb_addll(struct strbuf *sb, long long v);
int sb_addmilli(struct strbuf *sb, long long v);
/* sb_add with the room checked inline, for output written piece by piece per fetch;
 * SB_LIT appends a string literal (its length known when compiled). */
static inline int sb_put(struct strbuf *sb, const char *s, size_t n)
{
    if (sb->cap - sb->len <= n) {
        int rc = sb_reserve(sb, n);
        if (rc)
            return rc;
    }
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
    return 0;
}
#define SB_LIT(sb, lit) sb_put((sb), "" lit, sizeof(lit) - 1)
int sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/* The contents as a C string ("" for an empty buffer that never allocated). */
const char *sb_cstr(struct strbuf *sb);
void sb_reset(struct strbuf *sb);
void sb_free(struct strbuf *sb);

#endif

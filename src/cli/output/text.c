/*
 * text.c - the default output: one aligned line per fetch.
 *
 *   200      1234  0.512s  http://example.com/
 *   ERR         0  0.001s  http://127.0.0.1:1/  connect: Connection refused
 *
 * Control bytes in a URL or message are shown as \xNN, so a hostile line cannot drive
 * the terminal. Colour (status by class) only when asked for (a terminal, no NO_COLOR).
 */
#include <stdio.h>
#include <string.h>

#include "output/text.h"

static const char *status_color(const struct rec *r)
{
    if (r->code)
        return "\033[31m";
    if (r->resp.status >= 400)
        return "\033[31m";
    if (r->resp.status >= 300)
        return "\033[33m";
    return "\033[32m";
}

/* s with control bytes shown as \xNN; the bytes between them go in one piece. */
static int add_safe(struct strbuf *sb, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    int rc = 0;

    for (size_t i = 0; i < len && rc == 0; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            rc = sb_add(sb, s + run, i - run);
            rc = rc ? rc : sb_add(sb, esc, 4);
            run = i + 1;
        }
    }
    return rc ? rc : sb_add(sb, s + run, len - run);
}

/* n in decimal, padded on the left with `pad` to `width`. */
static char *put_uint(char *p, unsigned long long n, int width, char pad)
{
    char digits[24];
    int len = 0;

    do
        digits[len++] = (char)('0' + n % 10);
    while ((n /= 10) > 0);
    while (width-- > len)
        *p++ = pad;
    while (len > 0)
        *p++ = digits[--len];
    return p;
}

/* The columns: status (between the colour's codes, which may be ""), bytes, seconds, as
 * "%s%-3s%s %9lld %7.3fs  " would print them, by hand: they are written once per fetch,
 * and printf's machinery was a tenth of a fast batch's own work. Values the columns were
 * not made for take printf. */
static int add_columns(struct strbuf *sb, const char *pre, const char *status, const char *post,
                       long long bytes, double secs)
{
    size_t npre = strlen(pre), nstatus = strlen(status), npost = strlen(post);
    char line[96], *p = line;
    unsigned long long ms;

    if (bytes < 0 || !(secs >= 0 && secs < 1e6) || nstatus != 3 || npre + npost > 32)
        return sb_addf(sb, "%s%-3s%s %9lld %7.3fs  ", pre, status, post, bytes, secs);
    ms = (unsigned long long)(secs * 1000.0 + 0.5);
    memcpy(p, pre, npre);
    p += npre;
    memcpy(p, status, 3);
    p += 3;
    memcpy(p, post, npost);
    p += npost;
    *p++ = ' ';
    p = put_uint(p, (unsigned long long)bytes, 9, ' ');
    *p++ = ' ';
    p = put_uint(p, ms / 1000, 3, ' ');
    *p++ = '.';
    p = put_uint(p, ms % 1000, 3, '0');
    memcpy(p, "s  ", 3);
    return sb_add(sb, line, (size_t)(p + 3 - line));
}

int output_text_line(struct strbuf *sb, const struct rec *r, int color, int chain)
{
    char status[24] = "ERR";
    int rc;

    if (r->skipped)
        memcpy(status, "---", 4);
    else if (r->code == 0 && r->resp.status >= 0 && r->resp.status <= 999)
        *put_uint(status, (unsigned long long)r->resp.status, 3, '0') = '\0';
    else if (r->code == 0)
        snprintf(status, sizeof status, "%03ld", r->resp.status);
    rc = add_columns(sb, color ? status_color(r) : "", status, color ? "\033[0m" : "",
                     r->resp.bytes, rec_time(r));
    if (rc == 0 && chain && r->step > 0)
        rc = sb_addf(sb, "%*s-> ", 2 * (r->step - 1), "");
    if (rc == 0)
        rc = add_safe(sb, r->url, r->url_len);
    if (rc == 0 && r->code) {
        rc = sb_adds(sb, "  ");
        if (rc == 0)
            rc = add_safe(sb, rec_error(r), strlen(rec_error(r)));
    } else if (rc == 0 && r->skipped) {
        rc = sb_adds(sb, "  kept, not fetched: ");
        if (rc == 0)
            rc = add_safe(sb, r->saved_as, strlen(r->saved_as));
        if (rc == 0)
            rc = sb_adds(sb, " exists (--no-clobber)");
    }
    return rc ? rc : sb_addc(sb, '\n');
}

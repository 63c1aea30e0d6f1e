/*
 * output_text.c - the default output: one aligned line per fetch.
 *
 *   200      1234  0.512s  http://example.com/
 *   ERR         0  0.001s  http://127.0.0.1:1/  connect: Connection refused
 *
 * Control bytes in a URL or message are shown as \xNN, so a hostile line cannot drive
 * the terminal. Colour (status by class) only when asked for (a terminal, no NO_COLOR).
 */
#include <stdio.h>
#include <string.h>

#include "output.h"

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

static int add_safe(struct strbuf *sb, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    int rc = 0;

    for (size_t i = 0; i < len && rc == 0; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) {
            char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
            rc = sb_add(sb, esc, 4);
        } else {
            rc = sb_addc(sb, (char)c);
        }
    }
    return rc;
}

int output_text_line(struct strbuf *sb, const struct rec *r, int color, int chain)
{
    char status[8];
    int rc;

    if (r->code)
        snprintf(status, sizeof status, "ERR");
    else
        snprintf(status, sizeof status, "%03ld", r->resp.status);
    rc = sb_addf(sb, "%s%-3s%s %9lld %7.3fs  ", color ? status_color(r) : "", status,
                 color ? "\033[0m" : "", r->resp.bytes, rec_time(r));
    if (rc == 0 && chain && r->step > 0)
        rc = sb_addf(sb, "%*s-> ", 2 * (r->step - 1), "");
    if (rc == 0)
        rc = add_safe(sb, r->url, r->url_len);
    if (rc == 0 && r->code) {
        rc = sb_adds(sb, "  ");
        if (rc == 0)
            rc = add_safe(sb, rec_error(r), strlen(rec_error(r)));
    }
    return rc ? rc : sb_addc(sb, '\n');
}

/*
 * linecheck.c - what makes an input line a URL to fetch: trimming, skipping, the --shard
 * it belongs to, and the URL check (a plain http(s) URL by hand, anything else with
 * libcurl's URL parser).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "base/hash.h"
#include "input/linecheck.h"

const char *line_trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' || *s == '\f')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\v' ||
                 s[n - 1] == '\f'))
        n--;
    *len = n;
    return s;
}

int line_skipped(const char *s, size_t len)
{
    return len == 0 || s[0] == '#';
}

int shard_take(const char *s, size_t len, unsigned long k, unsigned long n)
{
    return n == 0 || fnv1a64(s, len) % n == k - 1;
}

int proto_allowed(const char *protos, const char *scheme, size_t len)
{
    const char *p = protos;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == len && strncasecmp(p, scheme, len) == 0)
            return 1;
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int url_plain(const char *s, size_t len, size_t *scheme_len)
{
    size_t i, host, port;
    unsigned long n = 0;

    if (len > 8 && strncasecmp(s, "https://", 8) == 0)
        *scheme_len = 5;
    else if (len > 7 && strncasecmp(s, "http://", 7) == 0)
        *scheme_len = 4;
    else
        return 0;
    /* host: letters, digits, dots and dashes, from a letter or digit to one */
    for (i = host = *scheme_len + 3; i < len && (is_alnum(s[i]) || s[i] == '.' || s[i] == '-');)
        i++;
    if (i == host || !is_alnum(s[host]) || !is_alnum(s[i - 1]))
        return 0;
    if (i < len && s[i] == ':') { /* port: 1..65535, no leading zero */
        for (port = ++i; i < len && s[i] >= '0' && s[i] <= '9' && i - port < 5; i++)
            n = n * 10 + (unsigned long)(s[i] - '0');
        if (i == port || s[port] == '0' || n > 65535)
            return 0;
    }
    if (i < len && s[i] != '/')
        return 0;
    for (; i < len; i++) /* path, query, fragment: printable ASCII */
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

int line_check(const char *s, size_t len, const char *protos, char *why, size_t whylen)
{
    CURLU *u;
    CURLUcode uc;
    char *scheme = NULL;
    size_t n;
    int rc = -1;

    if (len > LINE_MAX_BYTES) {
        snprintf(why, whylen, "line longer than %d bytes", LINE_MAX_BYTES);
        return -1;
    }
    if (memchr(s, '\0', len)) {
        snprintf(why, whylen, "line contains a NUL byte");
        return -1;
    }
    if (url_plain(s, len, &n)) { /* most lines: no need for libcurl's parser */
        if (proto_allowed(protos, s, n))
            return 0;
        snprintf(why, whylen, "scheme '%s' not allowed (--proto: %s)", n == 5 ? "https" : "http",
                 protos);
        return -1;
    }
    u = curl_url();
    if (!u) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    /* No "scheme://": libcurl guesses it as curl does (http, or ftp for "ftp.host"...). */
    uc = curl_url_set(u, CURLUPART_URL, s, CURLU_GUESS_SCHEME);
    if (uc) {
        snprintf(why, whylen, "not a URL (%s)", curl_url_strerror(uc));
        goto out;
    }
    if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) || !scheme) {
        snprintf(why, whylen, "not a URL (no scheme)");
        goto out;
    }
    if (!proto_allowed(protos, scheme, strlen(scheme))) {
        snprintf(why, whylen, "scheme '%s' not allowed (--proto: %s)", scheme, protos);
        goto out;
    }
    rc = 0;
out:
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

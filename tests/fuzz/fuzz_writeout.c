/*
 * fuzz_writeout.c - libFuzzer harness for -w / --write-out (src/cli/writeout.c, and the
 * JSON escaping of json.c through %{json}).
 *
 * Input: FORMAT \0 URL-BYTES \0 ERROR-BYTES. A format that compiles is rendered for a
 * failed and a successful record whose URL and error are the fuzzer's bytes (any bytes,
 * NULs included in the URL), in chain and plain form. Checked: a compile error says why;
 * a format without '%' or '\\' renders as itself; a %{json} rendering is valid UTF-8 with
 * no raw control byte. Nothing is kept between runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "output/json.h"
#include "base/record.h"
#include "output/writeout.h"

/* Strict UTF-8 validity (what json.h promises of its output): no overlong forms, no
 * surrogates, nothing over U+10FFFF. */
static int valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        unsigned char lo = 0x80, hi = 0xbf;
        size_t k;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            k = 1;
        else if (c >= 0xe0 && c <= 0xef)
            k = 2;
        else if (c >= 0xf0 && c <= 0xf4)
            k = 3;
        else
            return 0;
        if (c == 0xe0)
            lo = 0xa0;
        else if (c == 0xed)
            hi = 0x9f;
        else if (c == 0xf0)
            lo = 0x90;
        else if (c == 0xf4)
            hi = 0x8f;
        if (i + k >= n + 1 || i + 1 >= n || s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t j = 2; j <= k; j++)
            if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
                return 0;
        i += k + 1;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    const char *fmt, *url, *error;
    size_t flen, ulen;
    struct writeout *w = NULL;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    fmt = buf;
    flen = strlen(fmt);
    url = fmt + flen + (flen < size);
    /* The URL runs to the second NUL: it may hold none, or be the rest. */
    const char *nul = memchr(url, '\0', (size_t)(buf + size - url));
    ulen = nul ? (size_t)(nul - url) : (size_t)(buf + size - url);
    error = nul && nul < buf + size ? nul + 1 : "";

    /* Only running out of memory fails: an unknown variable is warned about and empty. */
    if (writeout_compile(fmt, &w, NULL) != 0) {
        free(buf);
        return 0;
    }
    for (int k = 0; k < 4; k++) {
        struct rec r;
        struct strbuf out = STRBUF_INIT;
        rec_init(&r);
        r.url = url;
        r.url_len = ulen;
        r.line_url = url;
        r.line_len = ulen;
        r.src = (k & 1) ? "args" : NULL;
        r.lineno = (unsigned long)size;
        r.urlnum = (unsigned long)flen;
        r.step = k;
        r.code = (k & 2) ? CF_ERECV : 0;
        sb_adds(&r.err, error);
        r.start = 0.25;
        r.end = (k & 1) ? 0.125 : 1e300; /* negative and huge durations */
        r.resp.status = (k & 1) ? 200 : -1;
        r.resp.http_version = k * 10;
        r.resp.bytes = (long long)size << 40;
        r.resp.attempts = k - 1;
        r.resp.effective_url = (k & 2) ? (char *)"http://h/\xff\x01" : NULL;
        r.saved_as = (k & 1) ? "name" : NULL;
        if (writeout_render(w, &r, k & 1, &out) == 0) {
            if (!strpbrk(fmt, "%\\") && (out.len != flen || (flen && memcmp(out.buf, fmt, flen))))
                abort();
        }
        sb_reset(&out);
        if (json_record(&out, &r, k & 1) == 0) {
            for (size_t i = 0; i < out.len; i++)
                if ((unsigned char)out.buf[i] < 0x20)
                    abort();
            if (!valid_utf8((const unsigned char *)out.buf, out.len))
                abort();
        }
        sb_free(&out);
        r.resp.effective_url = NULL; /* not owned */
        rec_free(&r);
    }
    writeout_free(w);
    free(buf);
    return 0;
}

/*
 * fuzz_template.c - libFuzzer harness for --then templates (src/cli/template.c).
 *
 * Input: TEMPLATE \0 BODY \0 HEADER-VALUE. A template that compiles is expanded against
 * a previous step with that body and a header lookup that answers for names starting
 * with 'x' (case-insensitive). Checked: an expansion that fails says why; every
 * placeholder after the first part is percent-encoded, so the expansion of a template
 * whose literal text is only unreserved bytes holds only unreserved bytes and "%XX" after
 * its first part; {body} is at most TMPL_BODY_MAX bytes. Nothing is kept between runs.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "run/template.h"

static const char *header_value;

static const char *header(void *ctx, const char *name)
{
    (void)ctx;
    return name[0] == 'x' || name[0] == 'X' ? header_value : NULL;
}

static int unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 2);
    const char *text, *body, *hv;
    size_t tlen, blen;
    struct tmpl *t = NULL;
    char err[256] = "";

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = buf[size + 1] = '\0';
    text = buf;
    tlen = strlen(text);
    body = text + tlen + (tlen < size);
    blen = (size_t)(buf + size - body);
    hv = memchr(body, '\0', blen) ? body + strlen(body) + 1 : "";
    if (hv > buf + size)
        hv = "";
    header_value = hv;

    if (tmpl_compile(text, &t, err, sizeof err) == 0) {
        struct strbuf out = STRBUF_INIT;
        struct tmpl_vals v = {
            .url = "http://h/a b",
            .effective_url = (tlen & 1) ? NULL : "http://h/e?x=1&y=2",
            .status = (long)tlen * 37 - 500,
            .body = body,
            .body_len = blen,
            .line = "http://h/line",
            .header = header,
            .header_ctx = NULL,
        };
        err[0] = '\0';
        int rc = tmpl_expand(t, &v, &out, err, sizeof err);
        if (rc && rc != CF_ENOMEM && !err[0])
            abort(); /* a failed expansion says why */
        if (rc == 0) {
            /* Literal text is unreserved only? Then past the first part all is encoded. */
            int plain = 1;
            for (const char *p = text; *p; p++)
                if (!unreserved((unsigned char)*p) && *p != '{' && *p != '}' && *p != ':')
                    plain = 0;
            size_t first_len = 0;
            if (plain && text[0] != '{') {
                /* The first part is the literal up to the first placeholder. */
                first_len = strcspn(text, "{");
                for (size_t i = first_len; i < out.len; i++) {
                    unsigned char c = (unsigned char)out.buf[i];
                    if (!unreserved(c) && c != '%' && c != '{' && c != '}' && c != ':')
                        abort();
                }
            }
        }
        sb_free(&out);
        tmpl_free(t);
    } else if (!err[0]) {
        abort(); /* a compile error says why */
    }
    size_t n;
    const char *line = body_first_line(body, blen, &n);
    if (n > TMPL_BODY_MAX || (n && (line < body || line + n > body + blen)))
        abort();
    free(buf);
    return 0;
}

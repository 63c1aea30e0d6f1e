/*
 * data.c - the request body's pieces as curl reads them: a file as it is, a file as text
 * (-d @FILE), and --data-urlencode's forms.
 */
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "cofetch/error.h"
#include "options/data.h"

int data_read(const char *path, struct strbuf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char buf[8192];
    size_t n;
    int rc = 0;

    if (!f)
        return CF_EIO;
    while (rc == 0 && (n = fread(buf, 1, sizeof buf, f)) > 0)
        rc = sb_add(out, buf, n);
    if (rc == 0 && ferror(f))
        rc = CF_EIO;
    if (f != stdin)
        fclose(f);
    return rc;
}

int data_read_text(const char *path, struct strbuf *out)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char buf[256];
    int rc = 0;

    if (!f)
        return CF_EIO;
    while (rc == 0 && fgets(buf, sizeof buf, f))
        rc = sb_add(out, buf, strcspn(buf, "\r\n"));
    if (rc == 0 && ferror(f))
        rc = CF_EIO;
    if (f != stdin)
        fclose(f);
    return rc;
}

int data_urlencode(const char *val, struct strbuf *out, const char **file)
{
    const char *p = strchr(val, '=');
    struct strbuf content = STRBUF_INIT;
    size_t nlen = 0;
    char *enc;
    int rc;

    if (!p)
        p = strchr(val, '@');
    if (p)
        nlen = (size_t)(p - val);
    *file = p && *p == '@' ? p + 1 : NULL;
    rc = *file ? data_read(*file, &content) : sb_adds(&content, p ? p + 1 : val);
    if (rc) {
        sb_free(&content);
        return rc;
    }
    enc = curl_easy_escape(NULL, content.buf ? content.buf : "", (int)content.len);
    sb_free(&content);
    if (!enc)
        return CF_ENOMEM;
    for (char *r = enc, *w = enc;; r++, w++) { /* "%20" as '+', as curl sends it */
        if (strncmp(r, "%20", 3) == 0) {
            *w = '+';
            r += 2;
        } else if (!(*w = *r)) {
            break;
        }
    }
    rc = nlen ? sb_addf(out, "%.*s=%s", (int)nlen, val, enc) : sb_adds(out, enc);
    curl_free(enc);
    return rc;
}

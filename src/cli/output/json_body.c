/*
 * json_body.c - a response body in its JSON record: a JSON value, a string or base64.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "base/base64.h"
#include "cofetch/error.h"
#include "output/json.h"
#include "output/json_body.h"

int json_body_type_is_json(const char *ct)
{
    size_t n;

    if (!ct)
        return 0;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    n = strcspn(ct, "; \t");
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return 1;
    return n > 5 && strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* The body as a JSON value, when it parses: 0 done, 1 not JSON, CF_ENOMEM. */
static int as_json(struct strbuf *out, const char *body, size_t len)
{
    json_error_t err;
    json_t *v = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
    char *s;
    int rc;

    if (!v)
        return 1;
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref(v);
    if (!s)
        return CF_ENOMEM;
    rc = sb_addf(out, ",\"body\":%s", s);
    free(s);
    return rc;
}

int json_body_member(struct strbuf *out, const struct rec *r)
{
    const char *body = r->body.len ? r->body.buf : "";
    size_t len = r->body.len;
    int rc;

    if (r->body_is_json && (rc = as_json(out, body, len)) <= 0)
        return rc;
    if (json_utf8_ok(body, len)) {
        rc = sb_adds(out, ",\"body\":");
        return rc ? rc : json_str(out, body, len);
    }
    rc = sb_adds(out, ",\"body_b64\":\"");
    if (rc == 0)
        rc = b64_encode(out, body, len);
    return rc ? rc : sb_addc(out, '"');
}

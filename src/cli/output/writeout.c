/*
 * writeout.c - compile a -w format once, render it per record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "output/json.h"
#include "output/writeout.h"

enum var {
    V_TEXT,
    V_ERRORMSG,
    V_ERROR_KIND,
    V_EXITCODE,
    V_FILENAME,
    V_HTTP_CODE,
    V_HTTP_VERSION,
    V_INPUT,
    V_JSON,
    V_LINE,
    V_NUM_REDIRECTS,
    V_NUM_RETRIES,
    V_ORDER,
    V_SIZE_DOWNLOAD,
    V_STEP,
    V_TIME_APPCONNECT,
    V_TIME_CONNECT,
    V_TIME_END,
    V_TIME_NAMELOOKUP,
    V_TIME_START,
    V_TIME_STARTTRANSFER,
    V_TIME_TOTAL,
    V_URL,
    V_URL_EFFECTIVE,
    V_URLNUM,
};

static const struct {
    const char *name;
    enum var var;
} vars[] = {
    {"error_kind", V_ERROR_KIND},
    {"errormsg", V_ERRORMSG},
    {"exitcode", V_EXITCODE},
    {"filename_effective", V_FILENAME},
    {"http_code", V_HTTP_CODE},
    {"http_version", V_HTTP_VERSION},
    {"input", V_INPUT},
    {"json", V_JSON},
    {"line", V_LINE},
    {"num_redirects", V_NUM_REDIRECTS},
    {"num_retries", V_NUM_RETRIES},
    {"order", V_ORDER},
    {"response_code", V_HTTP_CODE},
    {"size_download", V_SIZE_DOWNLOAD},
    {"step", V_STEP},
    {"time_appconnect", V_TIME_APPCONNECT},
    {"time_connect", V_TIME_CONNECT},
    {"time_end", V_TIME_END},
    {"time_namelookup", V_TIME_NAMELOOKUP},
    {"time_start", V_TIME_START},
    {"time_starttransfer", V_TIME_STARTTRANSFER},
    {"time_total", V_TIME_TOTAL},
    {"url", V_URL},
    {"url_effective", V_URL_EFFECTIVE},
    {"urlnum", V_URLNUM},
};

struct wo_part {
    enum var var;
    size_t off, len; /* V_TEXT: a range of the text buffer */
};

struct writeout {
    struct wo_part *parts;
    size_t n;
    struct strbuf text;
};

static int wo_add(struct writeout *w, enum var var, size_t off, size_t len)
{
    struct wo_part *p = realloc(w->parts, (w->n + 1) * sizeof *p);
    if (!p)
        return CF_ENOMEM;
    w->parts = p;
    p[w->n++] = (struct wo_part){var, off, len};
    return 0;
}

/* Literal bytes go to the text buffer; consecutive ones share one part. */
static int wo_add_text(struct writeout *w, const char *s, size_t len)
{
    struct wo_part *last = w->n ? &w->parts[w->n - 1] : NULL;
    size_t off = w->text.len;

    if (sb_add(&w->text, s, len))
        return CF_ENOMEM;
    if (last && last->var == V_TEXT && last->off + last->len == off) {
        last->len += len;
        return 0;
    }
    return wo_add(w, V_TEXT, off, len);
}

static int wo_lookup(const char *name, size_t len, enum var *out)
{
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (strlen(vars[i].name) == len && memcmp(vars[i].name, name, len) == 0) {
            *out = vars[i].var;
            return 0;
        }
    return CF_EINVAL;
}

int writeout_compile(const char *f, struct writeout **out, FILE *warn)
{
    struct writeout *w = calloc(1, sizeof *w);
    int rc = 0;

    if (!w)
        return CF_ENOMEM;
    while (*f && rc == 0) {
        if (f[0] == '%' && f[1] == '%') {
            rc = wo_add_text(w, "%", 1);
            f += 2;
        } else if (f[0] == '%' && f[1] == '{') {
            const char *end = strchr(f + 2, '}');
            enum var v;
            if (!end) { /* as curl: the rest is text */
                rc = wo_add_text(w, f, strlen(f));
                f += strlen(f);
            } else if (wo_lookup(f + 2, (size_t)(end - f - 2), &v)) {
                if (warn) /* as curl: a warning, and the variable gives nothing */
                    fprintf(warn, "cofetch: unknown --write-out variable: '%.*s'\n",
                            (int)(end - f - 2), f + 2);
                f = end + 1;
            } else {
                rc = wo_add(w, v, 0, 0);
                f = end + 1;
            }
        } else if (f[0] == '\\' && (f[1] == 'n' || f[1] == 't' || f[1] == 'r' || f[1] == '\\')) {
            char c = f[1] == 'n' ? '\n' : f[1] == 't' ? '\t' : f[1] == 'r' ? '\r' : '\\';
            rc = wo_add_text(w, &c, 1);
            f += 2;
        } else {
            size_t n = 1 + strcspn(f + 1, "%\\");
            rc = wo_add_text(w, f, n);
            f += n;
        }
    }
    if (rc) {
        writeout_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void writeout_free(struct writeout *w)
{
    if (!w)
        return;
    free(w->parts);
    sb_free(&w->text);
    free(w);
}

static int wo_secs(struct strbuf *out, double v)
{
    return sb_addf(out, "%.6f", v < 0 ? 0.0 : v);
}

int writeout_render(const struct writeout *w, const struct rec *r, int chain, struct strbuf *out)
{
    const struct cf_response *resp = &r->resp;
    int rc = 0;

    for (size_t i = 0; i < w->n && rc == 0; i++) {
        const struct wo_part *p = &w->parts[i];
        switch (p->var) {
        case V_TEXT: rc = sb_add(out, w->text.buf + p->off, p->len); break;
        case V_ERRORMSG: rc = sb_adds(out, r->code ? rec_error(r) : ""); break;
        case V_ERROR_KIND: rc = sb_adds(out, r->code ? cf_strerror(r->code) : ""); break;
        case V_EXITCODE: rc = sb_addf(out, "%d", rec_exitcode(r)); break;
        case V_FILENAME: rc = sb_adds(out, r->saved_as ? r->saved_as : ""); break;
        case V_HTTP_CODE: rc = sb_addf(out, "%03ld", resp->status); break;
        case V_HTTP_VERSION:
            rc = sb_adds(out, resp->http_version ? rec_http_version(r) : "0");
            break;
        case V_INPUT: rc = sb_adds(out, r->src ? r->src : ""); break;
        case V_JSON: rc = json_record(out, r, chain); break;
        case V_LINE: rc = sb_addf(out, "%lu", r->lineno); break;
        case V_NUM_REDIRECTS: rc = sb_addf(out, "%ld", resp->redirects); break;
        case V_NUM_RETRIES:
            rc = sb_addf(out, "%d", resp->attempts > 0 ? resp->attempts - 1 : 0);
            break;
        case V_ORDER: rc = sb_addf(out, "%lu", r->order); break;
        case V_SIZE_DOWNLOAD: rc = sb_addf(out, "%lld", resp->size_download); break;
        case V_STEP: rc = sb_addf(out, "%d", r->step); break;
        case V_TIME_APPCONNECT: rc = wo_secs(out, resp->t.tls); break;
        case V_TIME_CONNECT: rc = wo_secs(out, resp->t.connect); break;
        case V_TIME_END: rc = wo_secs(out, r->end); break;
        case V_TIME_NAMELOOKUP: rc = wo_secs(out, resp->t.dns); break;
        case V_TIME_START: rc = wo_secs(out, r->start); break;
        case V_TIME_STARTTRANSFER: rc = wo_secs(out, resp->t.ttfb); break;
        case V_TIME_TOTAL: rc = wo_secs(out, rec_time(r) - resp->t.queue); break;
        case V_URL: rc = sb_add(out, r->url, r->url_len); break;
        case V_URL_EFFECTIVE:
            rc = resp->effective_url ? sb_adds(out, resp->effective_url)
                                     : sb_add(out, r->url, r->url_len); /* as curl: the input */
            break;
        case V_URLNUM: rc = sb_addf(out, "%lu", r->urlnum); break;
        }
    }
    return rc;
}

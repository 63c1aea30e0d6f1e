/*
 * rows.c - --colsep: a row of fields into a request.
 */
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "input/linecheck.h"
#include "input/request.h"
#include "run/rows.h"
#include "run/template.h"

void rows_init(struct rows *r, const struct config *cfg)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
}

void rows_free(struct rows *r)
{
    free(r->fields);
    free(r->lens);
    sb_free(&r->scratch);
    memset(r, 0, sizeof *r);
}

/* Splits line[0..len) on sep into r->fields: 0 or CF_ENOMEM. */
static int split(struct rows *r, const char *line, size_t len, size_t *n)
{
    const char *sep = r->cfg->colsep, *p = line, *end = line + len;
    size_t seplen = strlen(sep);

    *n = 0;
    for (;;) {
        const char *at = seplen ? memmem(p, (size_t)(end - p), sep, seplen) : NULL;
        const char *stop = at ? at : end;
        if (*n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 16;
            const char **f = realloc(r->fields, cap * sizeof *f);
            size_t *l = f ? realloc(r->lens, cap * sizeof *l) : NULL;
            if (f)
                r->fields = f;
            if (!f || !l)
                return CF_ENOMEM;
            r->lens = l;
            r->cap = cap;
        }
        r->fields[*n] = p;
        r->lens[(*n)++] = (size_t)(stop - p);
        if (!at)
            return 0;
        p = at + seplen;
    }
}

/* t expanded over the row into out (reset first). 0, 1 (why), CF_ENOMEM. */
static int expand(const struct tmpl *t, const struct tmpl_vals *v, struct strbuf *out,
                  const char *what, struct strbuf *why)
{
    char err[256];
    int rc;

    sb_reset(out);
    rc = tmpl_expand(t, v, out, err, sizeof err);
    if (rc == CF_EINVAL) {
        sb_reset(why);
        sb_addf(why, "%s: %s", what, err);
        return 1;
    }
    return rc;
}

int rows_expand(void *ctx, struct item *it)
{
    struct rows *r = ctx;
    const struct config *cfg = r->cfg;
    struct reqline *rq = it->rq;
    struct tmpl_vals v = {.line = it->url.buf};
    char why[192];
    size_t n;
    int rc;

    if (!rq && !(rq = it->rq = calloc(1, sizeof *rq)))
        return CF_ENOMEM;
    reqline_reset(rq);
    if (split(r, it->url.buf, it->url.len, &n))
        return CF_ENOMEM;
    v.fields = r->fields;
    v.field_lens = r->lens;
    v.nfields = n;
    if (cfg->url_tmpl) {
        if ((rc = expand(cfg->url_tmpl, &v, &rq->url, "the URL template", &it->why)))
            return rc;
    } else if (sb_add(&rq->url, r->fields[0], r->lens[0])) {
        return CF_ENOMEM;
    }
    if (line_check(sb_cstr(&rq->url), rq->url.len, cfg->protos, why, sizeof why)) {
        sb_reset(&it->why);
        sb_addf(&it->why, "%s: %s", cfg->url_tmpl ? "the built URL" : "field 1", why);
        return 1;
    }
    if (cfg->data_tmpl) {
        if ((rc = expand(cfg->data_tmpl, &v, &rq->body, "--data", &it->why)))
            return rc;
        rq->has_body = 1;
    }
    for (size_t i = 0; i < cfg->nheaders; i++) {
        if ((rc = expand(cfg->header_tmpls[i], &v, &r->scratch, "--header", &it->why)))
            return rc;
        if ((rc = reqline_add_header(rq, r->scratch.buf ? r->scratch.buf : "", r->scratch.len,
                                     &it->why)))
            return rc;
    }
    return reqline_merge_headers(rq, NULL);
}

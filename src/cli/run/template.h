/*
 * template.h - --then templates: the next URL of a chain, built from the previous step.
 *
 * Placeholders: {url} {effective_url} {status} {body} {header:NAME} {line}, and {1}, {2},
 * ... the input line's fields (--colsep); "{{" and "}}" are literal braces. {body} is the first
 * line of the previous body, trimmed: a line over 8 KiB is an error of the step, never cut short.
 * {line} is the input line's text. A placeholder at the very start of a template is inserted
 * verbatim (it supplies the URL itself, e.g. "{body}" or "{effective_url}/more"); anywhere else its
 * value is percent-encoded (RFC 3986: all but A-Z a-z 0-9 - . _ ~), so it cannot change the
 * structure of the URL around it.
 *
 *   tmpl_compile   parse once, at option time (syntax errors are usage errors)
 *   tmpl_compile_line  the lenient form for --colsep's URL, -d and -H: only {N} and
 *                  {line} are placeholders, any other brace is text (a JSON body stays
 *                  as it is); with it nothing is percent-encoded but a URL's fields
 *                  (the caller says: see tmpl_compile_line)
 *   tmpl_expand    build one URL (a missing header is an error of that step)
 *   tmpl_resolve   a relative reference (a Location of "/next") against the previous URL
 *   tmpl_free
 */
#ifndef CLI_TEMPLATE_H
#define CLI_TEMPLATE_H

#include <stddef.h>

#include "base/strbuf.h"

enum { TMPL_BODY_MAX = 8 * 1024 };

struct tmpl;

/* What the previous step left for the next one. */
struct tmpl_vals {
    const char *url;
    const char *effective_url;
    long status;
    const char *body; /* raw head of the body (may be longer than its first line) */
    size_t body_len;
    const char *line; /* the input line */
    /* A response header by name, or NULL. */
    const char *(*header)(void *ctx, const char *name);
    void *header_ctx;
    const char *const *fields; /* the line's fields (--colsep), fields[i] field_lens[i] long */
    const size_t *field_lens;
    size_t nfields;
};

/* 0, or CF_EINVAL with a reason in err; CF_ENOMEM. */
int tmpl_compile(const char *text, struct tmpl **out, char *err, size_t errlen);
/* Appends the expansion to out. 0, CF_EINVAL (reason in err), CF_ENOMEM. */
int tmpl_expand(const struct tmpl *t, const struct tmpl_vals *v, struct strbuf *out, char *err,
                size_t errlen);
void tmpl_free(struct tmpl *t);

/* The lenient form (see the top): never fails but for CF_ENOMEM. Its values are inserted
 * verbatim, wherever they are (for a URL, the caller percent-encodes what it needs). */
int tmpl_compile_line(const char *text, struct tmpl **out);
/* Whether t has a {N} or {line}. */
int tmpl_has_fields(const struct tmpl *t);

/* A built URL without a scheme is a relative reference: resolved against base (RFC 3986,
 * with libcurl's URL parser) in place. 0 (also when it has a scheme, or base is NULL),
 * CF_EINVAL (reason in err), CF_ENOMEM. */
int tmpl_resolve(struct strbuf *url, const char *base, char *err, size_t errlen);

/* Percent-encode len bytes of s onto out (RFC 3986 unreserved bytes kept). */
int pct_encode(struct strbuf *out, const char *s, size_t len);
/* The first line of a body, blanks trimmed, at most TMPL_BODY_MAX bytes of it: sets *len. */
const char *body_first_line(const char *body, size_t body_len, size_t *len);

#endif

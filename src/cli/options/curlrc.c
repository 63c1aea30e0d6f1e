/*
 * curlrc.c - curl's config file syntax, as curl's own parser reads it (curlrc.h): the
 * option, the separators, a quoted or plain value, comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options/curlrc.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A quoted value from s (after the opening quote) into out: 0, or -1 without the closing
 * quote. */
static int unquote(const char *s, char *out)
{
    for (; *s && *s != '"'; s++) {
        char c = *s;
        if (c == '\\' && s[1]) {
            switch (*++s) {
            case 't': c = '\t'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 'v': c = '\v'; break;
            default: c = *s; break;
            }
        }
        *out++ = c;
    }
    *out = '\0';
    return *s == '"' ? 0 : -1;
}

/* One line (NUL-terminated, modified): 0 (nothing or done), fn's result, or -1. */
static int one_line(char *line, unsigned long lineno, curlrc_fn *fn, void *ctx, char *why,
                    size_t whylen)
{
    char *opt, *value = NULL, *quoted = NULL, *named = NULL;
    int dashed, rc;

    while (is_space(*line))
        line++;
    if (*line == '\0' || *line == '#')
        return 0;
    opt = line;
    dashed = *opt == '-';
    while (*line && !is_space(*line) && (dashed || (*line != '=' && *line != ':')))
        line++;
    if (*line)
        *line++ = '\0';
    while (*line && (is_space(*line) || (!dashed && (*line == '=' || *line == ':'))))
        line++;
    if (*line == '"') {
        quoted = malloc(strlen(line));
        if (!quoted) {
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        if (unquote(line + 1, quoted) != 0) {
            snprintf(why, whylen, "the value of %s has no closing quote", opt);
            free(quoted);
            return -1;
        }
        value = quoted;
    } else if (*line) {
        value = line;
        while (*line && !is_space(*line))
            line++;
        *line = '\0';
    }
    if (!dashed) {
        named = malloc(strlen(opt) + 3);
        if (!named) {
            free(quoted);
            snprintf(why, whylen, "out of memory");
            return -1;
        }
        sprintf(named, "--%s", opt);
        opt = named;
    }
    rc = fn(ctx, lineno, opt, value);
    free(named);
    free(quoted);
    return rc;
}

int curlrc_read(FILE *f, curlrc_fn *fn, void *ctx, unsigned long *lineno, char *why, size_t whylen)
{
    char *line = NULL;
    size_t cap = 0;
    int rc = 0;

    *lineno = 0;
    why[0] = '\0';
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        ++*lineno;
        rc = one_line(line, *lineno, fn, ctx, why, whylen);
    }
    if (rc == 0 && ferror(f)) {
        *lineno = 0;
        rc = -1;
    }
    free(line);
    return rc;
}

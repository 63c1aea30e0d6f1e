/*
 * form.c - curl's -F syntax, read into a form field (see form.h for the rules).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options/form.h"

/* The word at *p: a quoted string (its escapes undone) or the text up to ';' or the end.
 * *p moves past it. NULL when out of memory. */
static char *word(const char **p)
{
    const char *s = *p;
    char *out = malloc(strlen(s) + 1), *o = out;

    if (!out)
        return NULL;
    if (*s == '"') {
        const char *q = s + 1;
        /* Only a quote closed before ';' or the end makes a quoted word, as in curl. */
        for (; *q && *q != '"'; q++)
            if (*q == '\\' && q[1])
                q++;
        if (*q == '"' && (q[1] == ';' || q[1] == '\0')) {
            for (s++; s < q; s++) {
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
                *o++ = *s;
            }
            *o = '\0';
            *p = q + 1;
            return out;
        }
    }
    while (*s && *s != ';')
        *o++ = *s++;
    *o = '\0';
    *p = s;
    return out;
}

void form_field_free(struct form_field *f)
{
    free(f->name);
    free(f->value);
    free(f->type);
    free(f->filename);
    free(f->header);
    memset(f, 0, sizeof *f);
}

static int param(struct form_field *f, const char **p, char *err, size_t errlen)
{
    static const char *const keys[] = {"type=", "filename=", "headers="};
    char **slot[] = {&f->type, &f->filename, &f->header};
    const char *s = *p;

    while (*s == ' ' || *s == '\t')
        s++;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t n = strlen(keys[i]);
        if (strncmp(s, keys[i], n) == 0) {
            char *v;
            s += n;
            v = word(&s);
            if (!v) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            free(*slot[i]);
            *slot[i] = v;
            *p = s;
            return 0;
        }
    }
    {
        const char *end = strchr(s, ';');
        int len = end ? (int)(end - s) : (int)strlen(s);
        if (len)
            fprintf(stderr, "cofetch: warning: -F: skip unknown form field: %.*s\n", len, s);
        *p = s + len;
    }
    return 0;
}

int form_parse(const char *arg, int literal, struct form_field *f, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '='), *p;

    memset(f, 0, sizeof *f);
    if (!eq) {
        snprintf(err, errlen, "'%s' is not NAME=CONTENT", arg);
        return -1;
    }
    f->name = strndup(arg, (size_t)(eq - arg));
    p = eq + 1;
    if (literal) {
        f->kind = FORM_TEXT;
        f->value = strdup(p);
    } else {
        f->kind = *p == '@' ? FORM_FILE : *p == '<' ? FORM_FILE_TEXT : FORM_TEXT;
        if (f->kind != FORM_TEXT)
            p++;
        f->value = word(&p);
        while (f->value && *p == ';') {
            p++;
            if (param(f, &p, err, errlen)) {
                form_field_free(f);
                return -1;
            }
        }
    }
    if (!f->name || !f->value) {
        snprintf(err, errlen, "out of memory");
        form_field_free(f);
        return -1;
    }
    /* Checked now, so that nothing is fetched before the whole command line is good. */
    if (f->kind != FORM_TEXT && strcmp(f->value, "-") != 0 && access(f->value, R_OK) != 0) {
        snprintf(err, errlen, "cannot read '%s'", f->value);
        form_field_free(f);
        return -1;
    }
    if (f->kind != FORM_TEXT && strcmp(f->value, "-") == 0) {
        snprintf(err, errlen,
                 "'-' (stdin) as a form file is not supported: stdin is the "
                 "URL list's");
        form_field_free(f);
        return -1;
    }
    return 0;
}

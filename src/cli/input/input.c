/*
 * input.c - URL sources (arguments, files, stdin, a list in memory) read into items.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "cofetch/io.h"
#include "input/input.h"
#include "input/linecheck.h"

enum src_kind { SRC_ARGS, SRC_FD, SRC_ITEMS };

struct source {
    enum src_kind kind;
    const char *name;
    /* SRC_ARGS / SRC_ITEMS */
    const char *const *lines;
    const struct item *items;
    size_t n, pos;
    /* SRC_FD */
    int fd;
    int close_fd;
    cf_lines *reader;
};

struct input {
    struct source *src;
    size_t nsrc, cur;
    unsigned long shard_k, shard_n;
    const char *protos;
    unsigned long next_urlnum;
    int failed;
    int (*skip_line)(void *ctx, const struct item *it); /* lines already done (--journal) */
    void *skip_ctx;
};

int item_set(struct item *it, const char *s, size_t len)
{
    sb_reset(&it->url);
    return sb_add(&it->url, s, len);
}

const char *item_why(const struct item *it)
{
    return it->why.len ? it->why.buf : "";
}

void item_free(struct item *it)
{
    sb_free(&it->url);
    sb_free(&it->why);
    memset(it, 0, sizeof *it);
}

static struct source *add_source(struct input *in)
{
    struct source *s = realloc(in->src, (in->nsrc + 1) * sizeof *s);
    if (!s)
        return NULL;
    in->src = s;
    s = &in->src[in->nsrc++];
    memset(s, 0, sizeof *s);
    s->fd = -1;
    return s;
}

static int add_fd(struct input *in, const char *name, int fd, int close_fd)
{
    struct source *s = add_source(in);
    if (!s)
        return CF_ENOMEM;
    s->kind = SRC_FD;
    s->name = name;
    s->fd = fd;
    s->close_fd = close_fd;
    /* One byte over the limit, so an over-long line is told from one at the limit. */
    return cf_lines_new(&s->reader, fd, LINE_MAX_BYTES);
}

static struct input *input_new(const struct config *cfg)
{
    struct input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->shard_k = cfg->shard_k;
    in->shard_n = cfg->shard_n;
    in->protos = cfg->protos;
    return in;
}

int input_open(struct input **out, const struct config *cfg, int use_stdin)
{
    struct input *in = input_new(cfg);
    int rc = 0;

    if (!in)
        return CF_ENOMEM;
    if (cfg->nurls) {
        struct source *s = add_source(in);
        if (!s) {
            rc = CF_ENOMEM;
            goto fail;
        }
        s->kind = SRC_ARGS;
        s->name = "args";
        s->lines = cfg->urls;
        s->n = cfg->nurls;
    }
    for (size_t i = 0; i < cfg->ninputs; i++) {
        const char *path = cfg->inputs[i];
        if (strcmp(path, "-") == 0) {
            rc = add_fd(in, "-", STDIN_FILENO, 0);
        } else {
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                fprintf(stderr, "cofetch: cannot read %s: %s\n", path, strerror(errno));
                rc = CF_EIO;
                goto fail;
            }
            rc = add_fd(in, path, fd, 1);
            if (rc)
                close(fd);
        }
        if (rc)
            goto fail;
    }
    if (in->nsrc == 0) {
        if (!use_stdin && isatty(STDIN_FILENO)) {
            rc = CF_EINVAL;
            goto fail;
        }
        rc = add_fd(in, "-", STDIN_FILENO, 0);
        if (rc)
            goto fail;
    }
    *out = in;
    return 0;
fail:
    input_free(in);
    return rc;
}

int input_open_items(struct input **out, const struct config *cfg, const struct item *items,
                     size_t n)
{
    struct input *in = input_new(cfg);
    struct source *s;

    if (!in || !(s = add_source(in))) {
        input_free(in);
        return CF_ENOMEM;
    }
    s->kind = SRC_ITEMS;
    s->name = "items";
    s->items = items;
    s->n = n;
    *out = in;
    return 0;
}

/* The next item of an item source: copied as it was read the first time. */
static int next_item(struct input *in, struct source *s, struct item *it)
{
    const struct item *src = &s->items[s->pos++];

    if (item_set(it, src->url.buf, src->url.len))
        return CF_ENOMEM;
    it->src = src->src;
    it->lineno = src->lineno;
    it->bad = src->bad;
    sb_reset(&it->why);
    if (src->bad && sb_adds(&it->why, item_why(src)))
        return CF_ENOMEM;
    it->urlnum = in->next_urlnum++;
    return 0;
}

/* The next raw line of source s: 0, CF_EOF, CF_ETOOLONG (head in *line), or an error. */
static int source_next(struct source *s, const char **line, size_t *len, unsigned long *lineno)
{
    int rc;

    if (s->kind != SRC_FD) {
        if (s->pos >= s->n)
            return CF_EOF;
        *line = s->lines[s->pos++];
        *len = strlen(*line);
        *lineno = s->pos;
        return *len > LINE_MAX_BYTES ? CF_ETOOLONG : 0;
    }
    rc = cf_lines_next(s->reader, line, len);
    *lineno = cf_lines_lineno(s->reader);
    return rc;
}

int input_next(struct input *in, struct item *it)
{
    while (in->cur < in->nsrc) {
        struct source *s = &in->src[in->cur];
        const char *line = NULL;
        size_t len = 0;
        unsigned long lineno = 0;
        int rc = s->kind == SRC_ITEMS ? (s->pos < s->n ? 0 : CF_EOF)
                                      : source_next(s, &line, &len, &lineno);

        if (s->kind == SRC_ITEMS && s->pos < s->n)
            return next_item(in, s, it);
        if (rc == CF_EOF) {
            in->cur++;
            continue;
        }
        if (rc == CF_EIO) {
            fprintf(stderr, "cofetch: reading %s: %s\n", s->name, strerror(errno));
            in->failed = 1;
            in->cur++;
            continue;
        }
        if (rc && rc != CF_ETOOLONG)
            return rc;
        line = line_trim(line, &len);
        if (rc == 0 && line_skipped(line, len))
            continue;
        if (!shard_take(line, len, in->shard_k, in->shard_n))
            continue;
        it->src = s->name;
        it->lineno = lineno;
        it->bad = 0;
        sb_reset(&it->why);
        if (rc == CF_ETOOLONG) {
            /* Keep a head of the offending text: enough to find it. */
            if (item_set(it, line, len > 80 ? 80 : len) ||
                sb_addf(&it->why, "line longer than %d bytes", LINE_MAX_BYTES))
                return CF_ENOMEM;
            it->bad = 1;
        } else {
            char why[192];
            if (item_set(it, line, len))
                return CF_ENOMEM;
            /* The copy is NUL-terminated right after the trimmed text. */
            it->bad = line_check(it->url.buf, it->url.len, in->protos, why, sizeof why) != 0;
            if (it->bad && sb_adds(&it->why, why))
                return CF_ENOMEM;
        }
        if (in->skip_line && in->skip_line(in->skip_ctx, it))
            continue;
        it->urlnum = in->next_urlnum++;
        return 0;
    }
    return CF_EOF;
}

void input_set_skip(struct input *in, int (*skip_line)(void *ctx, const struct item *it), void *ctx)
{
    in->skip_line = skip_line;
    in->skip_ctx = ctx;
}

int input_failed(const struct input *in)
{
    return in->failed;
}

void input_free(struct input *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->nsrc; i++) {
        struct source *s = &in->src[i];
        cf_lines_free(s->reader);
        if (s->close_fd && s->fd >= 0)
            close(s->fd);
    }
    free(in->src);
    free(in);
}

int input_read_all(struct input *in, struct item **items, size_t *n)
{
    size_t cap = 0;

    *items = NULL;
    *n = 0;
    for (;;) {
        int rc;
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct item *p = realloc(*items, ncap * sizeof *p);
            if (!p)
                return CF_ENOMEM;
            *items = p;
            cap = ncap;
        }
        memset(&(*items)[*n], 0, sizeof **items);
        rc = input_next(in, &(*items)[*n]);
        if (rc) {
            item_free(&(*items)[*n]);
            return rc == CF_EOF ? 0 : rc;
        }
        (*n)++;
    }
}

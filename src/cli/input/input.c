/*
 * input.c - URL sources (arguments, files, stdin, a list in memory) read into items.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/hash.h"
#include "cofetch/error.h"
#include "cofetch/io.h"
#include "input/input.h"
#include "input/linecheck.h"
#include "input/request.h"

/* A request line's body_file is read up to this size. */
enum { BODY_FILE_MAX = 64 << 20 };
/* Distinct unknown keys warned about (those past it are counted, not named). */
enum { UNKNOWN_NAMED = 64 };

enum src_kind { SRC_ARGS, SRC_FD, SRC_ITEMS };

struct source {
    enum src_kind kind;
    const char *name;
    const struct config *group; /* the option group of its lines */
    unsigned long base;         /* SRC_ARGS: the URL arguments of the groups before */
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
    unsigned long lines;        /* every line that is not blank or a comment, wherever it went */
    const struct config *group; /* the group of the last item handed out ... */
    unsigned long next_gnum;    /* ... and the number its next item gets */
    int failed;
    int (*skip_line)(void *ctx, const struct item *it); /* lines already done (--journal) */
    void *skip_ctx;
    int (*row)(void *ctx, struct item *it); /* --colsep: a row into a request */
    void *row_ctx;
    int req_flags;                /* reqline_parse's: REQ_VEGETA */
    unsigned long unknown_keys;   /* unknown keys of request lines, all told */
    char *unknown[UNKNOWN_NAMED]; /* the distinct ones warned about (owned) */
    size_t nunknown;
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

const char *item_url(const struct item *it)
{
    return it->is_req && !it->bad ? sb_cstr(&it->rq->url) : it->url.buf;
}

void item_free(struct item *it)
{
    if (it->rq) {
        reqline_free(it->rq);
        free(it->rq);
    }
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

static int add_fd(struct input *in, const char *name, int fd, int close_fd,
                  const struct config *group)
{
    struct source *s = add_source(in);
    if (!s)
        return CF_ENOMEM;
    s->kind = SRC_FD;
    s->name = name;
    s->group = group;
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
    in->req_flags = cfg->input_vegeta ? REQ_VEGETA : 0;
    return in;
}

int input_open(struct input **out, const struct config *cfg, int use_stdin)
{
    struct input *in = input_new(cfg);
    unsigned long nargs = 0;
    int rc = 0;

    if (!in)
        return CF_ENOMEM;
    for (const struct config *g = cfg; g; g = g->next) {
        if (g->nurls) {
            struct source *s = add_source(in);
            if (!s) {
                rc = CF_ENOMEM;
                goto fail;
            }
            s->kind = SRC_ARGS;
            s->name = "args";
            s->group = g;
            s->base = nargs;
            s->lines = g->urls;
            s->n = g->nurls;
            nargs += g->nurls;
        }
        for (size_t i = 0; i < g->ninputs; i++) {
            const char *path = g->inputs[i];
            if (strcmp(path, "-") == 0) {
                rc = add_fd(in, "-", STDIN_FILENO, 0, g);
            } else {
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                    fprintf(stderr, "cofetch: cannot read %s: %s\n", path, strerror(errno));
                    rc = CF_EIO;
                    goto fail;
                }
                rc = add_fd(in, path, fd, 1, g);
                if (rc)
                    close(fd);
            }
            if (rc)
                goto fail;
        }
    }
    if (in->nsrc == 0) {
        if (!use_stdin && isatty(STDIN_FILENO)) {
            rc = CF_EINVAL;
            goto fail;
        }
        rc = add_fd(in, "-", STDIN_FILENO, 0, cfg);
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
    s->group = cfg;
    s->items = items;
    s->n = n;
    *out = in;
    return 0;
}

static void unknown_key(void *ctx, const char *key)
{
    struct input *in = ctx;

    in->unknown_keys++;
    for (size_t i = 0; i < in->nunknown; i++)
        if (strcmp(in->unknown[i], key) == 0)
            return;
    if (in->nunknown < UNKNOWN_NAMED && (in->unknown[in->nunknown] = strdup(key))) {
        in->nunknown++;
        fprintf(stderr, "cofetch: request lines: unknown key \"%s\" ignored\n", key);
    }
}

/* it->url holds a request line: parse it into it->rq and check its URL. 0; 1 when the
 * line is bad (it->why says why); or CF_ENOMEM. count: report unknown keys. */
static int request_line(struct input *in, struct item *it, int count)
{
    struct reqline *rq = it->rq;
    char why[192];
    int rc;

    if (!rq && !(rq = it->rq = calloc(1, sizeof *rq)))
        return CF_ENOMEM;
    it->is_req = 1;
    rc = reqline_parse(rq, it->url.buf, it->url.len, in->req_flags, &it->why,
                       count ? unknown_key : NULL, in);
    if (rc == CF_ENOMEM)
        return rc;
    if (rc)
        return 1;
    if (line_check(rq->url.buf, rq->url.len, in->protos, why, sizeof why)) {
        sb_reset(&it->why);
        return sb_addf(&it->why, "key \"url\": %s", why) ? CF_ENOMEM : 1;
    }
    return reqline_merge_headers(rq, it->group->headers);
}

/* A request line's body_file into its body: 0, or 1 (bad: it->why says why). */
static int read_body_file(struct item *it)
{
    return reqline_read_body_file(it->rq, BODY_FILE_MAX, &it->why) ? 1 : 0;
}

/* The next item of an item source: copied as it was read the first time. */
static int next_item(struct input *in, struct source *s, struct item *it)
{
    const struct item *src = &s->items[s->pos++];

    if (item_set(it, src->url.buf, src->url.len))
        return CF_ENOMEM;
    it->src = src->src;
    it->lineno = src->lineno;
    it->group = src->group ? src->group : s->group;
    it->gnum = src->gnum;
    it->bad = src->bad;
    it->is_req = src->is_req;
    it->is_row = src->is_row;
    it->ident = src->ident;
    sb_reset(&it->why);
    if (src->bad && sb_adds(&it->why, item_why(src)))
        return CF_ENOMEM;
    if (src->is_row && !src->bad && in->row) {
        int rc = in->row(in->row_ctx, it);
        if (rc < 0)
            return rc;
        it->bad = rc;
    } else if (src->is_req && !src->bad) { /* parsed again: it parsed the first time */
        int rc = request_line(in, it, 0);
        if (rc < 0)
            return rc;
        if (rc || (it->rq->body_file.len && read_body_file(it)))
            it->bad = 1; /* a body_file gone since: the line says so */
    }
    it->urlnum = in->next_urlnum++;
    return 0;
}

/* Numbers it within its group: the items of one group are handed out one after another. */
static void number(struct input *in, struct item *it)
{
    if (it->group != in->group) {
        in->group = it->group;
        in->next_gnum = 0;
    }
    it->gnum = in->next_gnum++;
    it->urlnum = in->next_urlnum++;
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
        *lineno = s->base + s->pos;
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

        if (s->kind == SRC_ITEMS && s->pos < s->n) {
            in->lines++;
            return next_item(in, s, it);
        }
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
        in->lines++;
        it->src = s->name;
        it->lineno = lineno;
        it->group = s->group;
        it->bad = 0;
        it->is_req = 0;
        it->is_row = 0;
        it->ident = fnv1a64(line, len);
        sb_reset(&it->why);
        if (rc == CF_ETOOLONG) {
            if (!shard_take(line, len, in->shard_k, in->shard_n))
                continue;
            /* Keep a head of the offending text: enough to find it. */
            if (item_set(it, line, len > 80 ? 80 : len) ||
                sb_addf(&it->why, "line longer than %d bytes", LINE_MAX_BYTES))
                return CF_ENOMEM;
            it->bad = 1;
        } else if (line[0] == '{') {
            /* A request line: its shard is its identity's (a bad one's: its text's). */
            if (item_set(it, line, len))
                return CF_ENOMEM;
            rc = request_line(in, it, 1);
            if (rc < 0)
                return rc;
            it->bad = rc;
            if (!it->bad)
                it->ident = reqline_identity(it->rq);
            if (in->shard_n && it->ident % in->shard_n != in->shard_k - 1)
                continue;
        } else if (in->row) {
            /* A row of fields: its request is built from the templates. */
            if (item_set(it, line, len))
                return CF_ENOMEM;
            rc = in->row(in->row_ctx, it);
            if (rc < 0)
                return rc;
            it->is_req = it->is_row = 1;
            it->bad = rc;
            if (!it->bad)
                it->ident = reqline_identity(it->rq);
            if (in->shard_n && it->ident % in->shard_n != in->shard_k - 1)
                continue;
        } else {
            char why[192];
            if (!shard_take(line, len, in->shard_k, in->shard_n))
                continue;
            if (item_set(it, line, len))
                return CF_ENOMEM;
            /* The copy is NUL-terminated right after the trimmed text. */
            it->bad = line_check(it->url.buf, it->url.len, in->protos, why, sizeof why) != 0;
            if (it->bad && sb_adds(&it->why, why))
                return CF_ENOMEM;
        }
        if (it->group && it->group->gidx) { /* --next: the same line in another group is
                                                another request */
            char tag[32];
            int n = snprintf(tag, sizeof tag, "\n--next %u", it->group->gidx);
            it->ident = fnv1a64_more(it->ident, tag, (size_t)n);
        }
        if (in->skip_line && in->skip_line(in->skip_ctx, it))
            continue;
        if (it->is_req && !it->bad && it->rq->body_file.len)
            it->bad = read_body_file(it);
        number(in, it);
        return 0;
    }
    return CF_EOF;
}

void input_set_skip(struct input *in, int (*skip_line)(void *ctx, const struct item *it), void *ctx)
{
    in->skip_line = skip_line;
    in->skip_ctx = ctx;
}

void input_set_rows(struct input *in, int (*row)(void *ctx, struct item *it), void *ctx)
{
    in->row = row;
    in->row_ctx = ctx;
}

unsigned long input_unknown_keys(const struct input *in)
{
    return in->unknown_keys;
}

unsigned long input_lines(const struct input *in)
{
    return in->lines;
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
    for (size_t i = 0; i < in->nunknown; i++)
        free(in->unknown[i]);
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

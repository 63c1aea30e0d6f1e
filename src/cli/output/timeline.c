/*
 * timeline.c - the timing table and the Gantt chart.
 */
#include <stdlib.h>
#include <string.h>

#include "output/timeline.h"

void timeline_init(struct timeline *tl, int chain)
{
    memset(tl, 0, sizeof *tl);
    tl->chain = chain;
}

void timeline_add(struct timeline *tl, const struct tl_row *row)
{
    if (tl->n == tl->cap) {
        size_t cap = tl->cap ? tl->cap * 2 : 64;
        struct tl_row *p;
        if (tl->n >= TIMELINE_MAX || !(p = realloc(tl->rows, cap * sizeof *p))) {
            tl->dropped++;
            return;
        }
        tl->rows = p;
        tl->cap = cap;
    }
    tl->rows[tl->n++] = *row;
}

void timeline_free(struct timeline *tl)
{
    free(tl->rows);
    memset(tl, 0, sizeof *tl);
}

/* Rows sorted by call (input position), then step. */
static int by_call(const void *a, const void *b)
{
    const struct tl_row *x = a, *y = b;
    if (x->call != y->call)
        return x->call < y->call ? -1 : 1;
    return x->step - y->step;
}

static struct tl_row *sorted(const struct timeline *tl)
{
    struct tl_row *rows = malloc((tl->n ? tl->n : 1) * sizeof *rows);
    if (!rows)
        return NULL;
    if (tl->n)
        memcpy(rows, tl->rows, tl->n * sizeof *rows);
    qsort(rows, tl->n, sizeof *rows, by_call);
    return rows;
}

static void label(const struct timeline *tl, const struct tl_row *r, char *buf, size_t cap)
{
    if (tl->chain)
        snprintf(buf, cap, "%lu.%d", r->call, r->step);
    else
        snprintf(buf, cap, "%lu", r->call);
}

int timeline_table(const struct timeline *tl, const char *title, struct strbuf *out)
{
    struct tl_row *rows = sorted(tl);
    int rc = 0;

    if (!rows)
        return -1;
    if (title)
        rc |= sb_addf(out, "%s\n", title);
    rc |= sb_adds(out, "call  | start   | finish  | finish order\n");
    rc |= sb_adds(out, "------|---------|---------|-------------\n");
    for (size_t i = 0; i < tl->n; i++) {
        char call[32];
        label(tl, &rows[i], call, sizeof call);
        rc |= sb_addf(out, "%-5s | %6.2fs | %6.2fs | %lu%s\n", call, rows[i].start, rows[i].end,
                      rows[i].order, rows[i].ok ? "" : " (failed)");
    }
    if (tl->dropped)
        rc |= sb_addf(out, "(%lu more not shown)\n", tl->dropped);
    free(rows);
    return rc ? -1 : 0;
}

void gantt_cols(double start, double end, double span, int cols, int *c0, int *c1)
{
    double scale = span > 0 ? cols / span : 0;
    int a, b;

    if (cols < 1)
        cols = 1;
    if (start < 0)
        start = 0;
    if (end < start)
        end = start;
    a = (int)(start * scale);
    b = (int)(end * scale + 0.5);
    if (a >= cols)
        a = cols - 1;
    if (b > cols)
        b = cols;
    if (b <= a)
        b = a + 1;
    *c0 = a;
    *c1 = b;
}

double timeline_span(const struct timeline *tl)
{
    double span = 0;

    for (size_t i = 0; i < tl->n; i++)
        if (tl->rows[i].end > span)
            span = tl->rows[i].end;
    return span;
}

int timeline_gantt(const struct timeline *tl, int width, double span, struct strbuf *out)
{
    struct tl_row *rows = sorted(tl);
    int cols, rc = 0;
    const int labelw = 6;

    if (!rows)
        return -1;
    if (span <= 0)
        span = timeline_span(tl);
    /* "call  |" + bar + "| 12.34s" */
    cols = width - labelw - 2 - 9;
    if (cols < 10)
        cols = 10;
    for (size_t i = 0; i < tl->n; i++) {
        char call[32];
        int c0, c1;
        label(tl, &rows[i], call, sizeof call);
        gantt_cols(rows[i].start, rows[i].end, span, cols, &c0, &c1);
        rc |= sb_addf(out, "%-*.*s|", labelw, labelw, call);
        for (int c = 0; c < cols; c++)
            rc |= sb_addc(out, c < c0 || c >= c1 ? ' ' : rows[i].ok ? '=' : 'x');
        rc |= sb_addf(out, "| %.2fs\n", rows[i].end);
    }
    rc |= sb_addf(out, "%-*s0s%*s%.2fs\n", labelw + 1, "", cols - 4, "", span);
    free(rows);
    return rc ? -1 : 0;
}

void side_by_side(FILE *f, const char *left, const char *right, int gap)
{
    size_t lw = 0;

    for (const char *p = left; *p;) {
        size_t n = strcspn(p, "\n");
        if (n > lw)
            lw = n;
        p += n + (p[n] == '\n');
    }
    while (*left || *right) {
        size_t ln = strcspn(left, "\n"), rn = strcspn(right, "\n");
        fprintf(f, "%.*s%*s%.*s\n", (int)ln, left, (int)(lw - ln) + gap, "", (int)rn, right);
        left += ln + (left[ln] == '\n');
        right += rn + (right[rn] == '\n');
    }
}

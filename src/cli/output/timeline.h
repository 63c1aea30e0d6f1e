/*
 * timeline.h - --timeline: the seeds' table (call | start | finish | finish order) and a
 * text Gantt chart that shows which fetches overlapped.
 *
 * Rows are kept for the first TIMELINE_MAX records (the table says when it stops);
 * everything is printed after the run.
 */
#ifndef CLI_TIMELINE_H
#define CLI_TIMELINE_H

#include <stddef.h>
#include <stdio.h>

#include "base/strbuf.h"

enum { TIMELINE_MAX = 10000 };

struct tl_row {
    unsigned long call; /* 1-based input position */
    int step;
    int ok;
    double start, end;
    unsigned long order;
};

struct timeline {
    struct tl_row *rows;
    size_t n, cap;
    unsigned long dropped;
    int chain; /* label calls "N.step" */
};

void timeline_init(struct timeline *tl, int chain);
void timeline_add(struct timeline *tl, const struct tl_row *row);
void timeline_free(struct timeline *tl);

/* Appends the table, one "\n"-terminated line per row (title line first). */
int timeline_table(const struct timeline *tl, const char *title, struct strbuf *out);
/* Appends the Gantt chart, at most `width` columns wide, on a time axis of [0, span]
 * seconds; span <= 0 takes the timeline's own (timeline_span), so charts that are to be
 * compared pass the largest span of them all. */
int timeline_gantt(const struct timeline *tl, int width, double span, struct strbuf *out);
/* The latest end of any row (0 when empty). */
double timeline_span(const struct timeline *tl);

/* Columns [*c0, *c1) of a bar for [start, end] on a span of [0, span] drawn in `cols`
 * columns: every bar has at least one column and stays inside the chart (pure). */
void gantt_cols(double start, double end, double span, int cols, int *c0, int *c1);

/* Prints two blocks of lines side by side (for --demo and --compare). */
void side_by_side(FILE *f, const char *left, const char *right, int gap);

#endif

/*
 * report.h - what a batch prints on stderr once it is over: the --timeline tables and
 * Gantt charts, then the summaries (under --compare: both runs and the speedup), then
 * a line if it was interrupted.
 */
#ifndef CLI_REPORT_H
#define CLI_REPORT_H

#include <stdio.h>

#include "output/summary.h"
#include "output/timeline.h"

/* One run as the report shows it. */
struct report_run {
    const char *label; /* "--sync", "gather", ... (a lone run is not labelled) */
    const struct stats *stats;
    double wall;               /* seconds */
    const struct timeline *tl; /* NULL: no timeline kept */
};

/* Prints the report of n runs (1, or 2 under --compare: the --sync run first) to f: the
 * timelines of the runs that kept one, and the summaries when summary is set. */
void report_print(FILE *f, const struct report_run *runs, int n, int summary, int interrupted);

/* The Gantt chart's width: COLUMNS when set (to 20 or more), else the width of the
 * terminal on stderr (where the chart goes), else 80. */
int report_width(void);

#endif

/*
 * report.c - the timelines and summaries printed after a batch.
 */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "output/report.h"

int report_width(void)
{
    const char *cols = getenv("COLUMNS");
    struct winsize ws;

    if (cols && atoi(cols) >= 20)
        return atoi(cols);
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

static void timelines(FILE *f, const struct report_run *runs, int n)
{
    struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    int width = report_width();
    double span = 0;

    if (n == 2) {
        timeline_table(runs[0].tl, runs[0].label, &a);
        timeline_table(runs[1].tl, runs[1].label, &b);
        side_by_side(f, sb_cstr(&a), sb_cstr(&b), 4);
    } else {
        timeline_table(runs[0].tl, NULL, &a);
        fputs(sb_cstr(&a), f);
    }
    /* One time axis for every chart, so the runs compare at a glance. */
    for (int i = 0; i < n; i++)
        if (timeline_span(runs[i].tl) > span)
            span = timeline_span(runs[i].tl);
    for (int i = 0; i < n; i++) {
        sb_reset(&b);
        timeline_gantt(runs[i].tl, width, span, &b);
        if (n == 2)
            fprintf(f, "\n%s:\n", runs[i].label);
        else
            fputc('\n', f);
        fputs(sb_cstr(&b), f);
    }
    sb_free(&a);
    sb_free(&b);
}

void report_print(FILE *f, const struct report_run *runs, int n, int summary, int interrupted)
{
    int kept = n > 0;

    for (int i = 0; i < n; i++)
        kept = kept && runs[i].tl;
    if (kept)
        timelines(f, runs, n);
    if (!summary)
        return;
    if (n == 2) {
        summary_print(f, runs[0].stats, runs[0].wall, runs[0].label);
        summary_print(f, runs[1].stats, runs[1].wall, runs[1].label);
        summary_compare(f, runs[0].stats, runs[0].wall, runs[1].stats, runs[1].wall, runs[1].label);
    } else if (n == 1) {
        summary_print(f, runs[0].stats, runs[0].wall, NULL);
    }
    if (interrupted)
        fprintf(f, "cofetch: interrupted\n");
}

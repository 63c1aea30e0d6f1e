/*
 * progress.h - the live progress bar on stderr while a batch runs (only on a terminal:
 * the batch decides), redrawn by a loop timer four times a second from the first second
 * on, and erased at the end:
 *
 *   gather 2/2  [=========>          ]  48%  480/1000 done, 3 failed, 50 in flight, 96.0/s, 1.2
 * MiB, ETA 5s
 *
 * The phase ("--sync 1/2", then the mode's "2/2") only under --compare; the bar, the
 * percentage and the ETA only when the total is known (progress_total). It fits the
 * terminal's width, read at every redraw, so a resized terminal (SIGWINCH) gets a line
 * of its new width at the next redraw: on a narrow one bytes, rate and ETA go first,
 * then the bar, then the line is cut. progress_clear() erases it before anything else
 * is written to the terminal (a record on stdout, a message on stderr); the next redraw
 * brings it back.
 *
 *   progress_total  the count of URLs the input will give, counted up front (-1: unknown)
 *   progress_start  start drawing for a run; progress_stop: stop and erase
 *   progress_clear  erase the line now, if it is shown (p may be NULL)
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include "base/config.h"
#include "cofetch/loop.h"

struct run;

struct progress {
    cf_loop *loop;
    const struct run *run;
    cf_handle *timer;
    long total;        /* -1: unknown */
    const char *phase; /* "--sync 1/2", or NULL */
    int shown;
};

/* URL arguments plus the lines of the -i files that are regular files (blank lines and
 * '#' comments skipped, as the input does); -1 when a source cannot be counted (stdin, a
 * pipe) or the count would not be the number of records (--then, --shard, --journal). */
long progress_total(const struct config *cfg);
void progress_start(struct progress *p, cf_loop *loop, const struct run *run, long total,
                    const char *phase);
void progress_stop(struct progress *p);
void progress_clear(struct progress *p);

#endif

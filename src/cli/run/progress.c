/*
 * progress.c - the progress line, redrawn by a loop timer.
 */
#include <stdio.h>

#include "run/progress.h"
#include "run/run.h"

static const double PERIOD = 0.25;
static const double FIRST_AFTER = 1.0;

static void tick(void *arg)
{
    struct progress *p = arg;
    const struct run *run = p->run;
    double t = run_now(run);
    double rate = t > 0 ? (double)run->order / t : 0;

    p->timer = NULL;
    if (t >= FIRST_AFTER) {
        fprintf(stderr, "\r\033[K%lu", run->order);
        if (p->total)
            fprintf(stderr, "/%lu", p->total);
        fprintf(stderr, " done, %lu in flight, %.1f/s", run->inflight, rate);
        if (p->total && rate > 0 && p->total > run->order)
            fprintf(stderr, ", ETA %.0fs", (double)(p->total - run->order) / rate);
        p->shown = 1;
    }
    cf_loop_call_later(p->loop, PERIOD, tick, p, &p->timer);
}

void progress_start(struct progress *p, cf_loop *loop, const struct run *run, unsigned long total)
{
    p->loop = loop;
    p->run = run;
    p->total = total;
    p->shown = 0;
    cf_loop_call_later(loop, PERIOD, tick, p, &p->timer);
}

void progress_stop(struct progress *p)
{
    if (p->timer)
        cf_handle_cancel(p->timer);
    p->timer = NULL;
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = 0;
}

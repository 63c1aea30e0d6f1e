/*
 * progress.h - a one-line progress report on stderr while a batch runs: done / total
 * (total shown only when known: URL arguments alone), in flight, rate, ETA. It appears
 * only after the first second and is erased at the end.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include "cofetch/loop.h"

struct run;

struct progress {
    cf_loop *loop;
    const struct run *run;
    cf_handle *timer;
    unsigned long total; /* 0: unknown */
    int shown;
};

void progress_start(struct progress *p, cf_loop *loop, const struct run *run, unsigned long total);
void progress_stop(struct progress *p);

#endif

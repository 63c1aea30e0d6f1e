/*
 * mode.h - the modes: how a run turns its input lines into fetches and records.
 *
 * A mode is a value: its name (--mode NAME, and the label of its summary), what it
 * promises (flags), and the function that runs a whole batch. Each mode is defined in a
 * file of its own (mode_ordered.c: gather and chain; mode_queue.c: queue); the table in
 * mode.c lists them. A new mode is one new file and one row of that table.
 *
 *   mode_find      the mode called NAME, or NULL
 *   mode_default   gather
 *   mode_label     "sync" under --sync, else the mode's name
 */
#ifndef CLI_MODE_H
#define CLI_MODE_H

#include "base/config.h"

struct run;

/* -j 0 (no limit) still keeps a window of lines in memory: this many at most, in flight
 * or finished and waiting for an earlier one. Well above what one machine's open files
 * and task stacks carry at once (task.h: about 32,000 suspended). */
#define CLI_UNLIMITED_WINDOW 16384

enum {
    MODE_IN_ORDER = 1u << 0, /* records are written in input order */
    MODE_STEPS = 1u << 1,    /* a line is a chain of 1 + --then steps (--then needs it) */
    MODE_WORKERS = 1u << 2,  /* -j counts workers, so it cannot be 0 (no limit) */
};

struct mode {
    const char *name;
    unsigned flags;
    /* Runs the batch: takes the run's input to its end (or until run_stop), hands every
     * record to run_finish() and run_write(), and returns once each has been. May
     * suspend. 0, or CF_ENOMEM when the mode could not start (nothing was fetched). */
    int (*run)(struct run *run);
};

const struct mode *mode_find(const char *name);
const struct mode *mode_default(void);
const char *mode_label(const struct config *cfg);

#endif

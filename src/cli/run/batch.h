/*
 * batch.h - fetch the input in the chosen mode: the command's main job.
 */
#ifndef CLI_BATCH_H
#define CLI_BATCH_H

#include "base/config.h"

/* Runs the batch cfg describes, prints its report, and returns the exit code
 * (base/exitcode.h). */
int batch_main(const struct config *cfg);

#endif

/*
 * demo.h - the embedded loopback server's two uses on the command line:
 *
 *   demo_main    --demo: the seeds' examples on real network I/O against it
 *   serve_main   --serve [PORT]: the server in the foreground
 *
 * Each returns the exit code (base/exitcode.h).
 */
#ifndef CLI_DEMO_H
#define CLI_DEMO_H

#include "base/config.h"

int demo_main(const struct config *cfg);
int serve_main(const struct config *cfg);

#endif

/*
 * app.h - the three things the command can do besides --help and --version:
 *
 *   batch_main   fetch the input in the chosen mode (batch.c)
 *   demo_main    --demo: the seeds on the embedded loopback server (demo.c)
 *   serve_main   --serve [PORT]: that server in the foreground (demo.c)
 *
 * Each returns the process exit code.
 */
#ifndef CLI_APP_H
#define CLI_APP_H

#include "config.h"

int batch_main(struct config *cfg);
int demo_main(struct config *cfg);
int serve_main(struct config *cfg);

#endif

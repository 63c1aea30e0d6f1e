/*
 * exitcode.h - the command's exit codes, as --help and the man page document them.
 */
#ifndef CLI_EXITCODE_H
#define CLI_EXITCODE_H

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,      /* at least one fetch failed, or the batch could not run */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_INPUT = 3,       /* an input file could not be read */
    EXIT_INTERRUPT = 130, /* SIGINT or SIGTERM */
};

#endif

/*
 * exitcode.h - the command's exit codes, as --help and the man page document them.
 */
#ifndef CLI_EXITCODE_H
#define CLI_EXITCODE_H

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,      /* at least one fetch failed, or the batch could not run */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_IO = 3,          /* a file could not be read or written: input, stdout, journal, -o */
    EXIT_INTERRUPT = 130, /* SIGINT, SIGTERM or SIGHUP */
};

#endif

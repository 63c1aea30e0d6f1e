/*
 * options.h - the command line: one sorted option table, one switch case per option.
 *
 *   options_parse   argv -> struct config; a usage error prints one line and a hint
 *   options_help    the --help text (grouped; lists every long option)
 *   options_each    walk the table (tests check that --help names every option)
 */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdio.h>

#include "config.h"

/* Exit codes, as --help documents them. */
enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1,      /* at least one fetch failed */
    EXIT_USAGE = 2,       /* bad command line */
    EXIT_INPUT = 3,       /* an input file could not be read */
    EXIT_INTERRUPT = 130, /* SIGINT or SIGTERM */
};

/* Parse argv into cfg (which must be config_init()ed). Returns 0, or EXIT_USAGE after
 * printing "cofetch: <problem>" and a hint to err. */
int options_parse(struct config *cfg, int argc, char **argv, FILE *err);

void options_help(FILE *out);

/* Calls fn for each option of the table, in order. */
void options_each(void (*fn)(void *ctx, const char *lname, char sname), void *ctx);

#endif

/*
 * options.h - the command line: one sorted option table, one switch case per option.
 *
 *   config_init     a config with every default
 *   options_parse   argv -> struct config; a usage error prints one line and a hint
 *   options_help    the --help text (grouped; lists every long option)
 *   options_each    walk the table (tests check that --help names every option)
 *   config_free     release what options_parse allocated (templates, -w, headers, -d)
 */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <stdio.h>

#include "base/config.h"

void config_init(struct config *cfg);
void config_free(struct config *cfg);

/* Parse argv into cfg (which must be config_init()ed). Returns 0, or EXIT_USAGE (exitcode.h) after
 * printing "cofetch: <problem>" and a hint to err. */
int options_parse(struct config *cfg, int argc, char **argv, FILE *err);

void options_help(FILE *out);

/* Calls fn for each option of the table, in order. */
void options_each(void (*fn)(void *ctx, const char *lname, char sname), void *ctx);

#endif

/*
 * curlrc.h - curl's config file syntax (-K FILE), read line by line into an option and
 * its value, which the caller applies as if they were on the command line.
 *
 * A line is "OPTION", "OPTION VALUE", "OPTION = VALUE" or "OPTION: VALUE": OPTION with
 * its dashes ("--silent", "-s") or without ("silent", a long option); without dashes '='
 * and ':' separate it from the value too. A VALUE in double quotes may hold spaces and
 * the escapes \\ \" \t \n \r \v (any other \X is X); unquoted, it ends at the first space.
 * Blank lines and lines whose first non-blank byte is '#' are skipped.
 */
#ifndef CLI_CURLRC_H
#define CLI_CURLRC_H

#include <stdio.h>

/* Called per option line: opt as written ("-s", "--silent", or "silent" made "--silent"),
 * value or NULL. 0 to go on, anything else stops the reading and is returned. */
typedef int curlrc_fn(void *ctx, unsigned long lineno, const char *opt, const char *value);

/* Reads f to its end, calling fn per option line. Returns 0, fn's non-zero result, or -1
 * with *lineno at a line that cannot be read (an unterminated quote: why says so) or at
 * 0 when reading failed. */
int curlrc_read(FILE *f, curlrc_fn *fn, void *ctx, unsigned long *lineno, char *why, size_t whylen);

#endif

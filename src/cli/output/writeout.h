/*
 * writeout.h - -w / --write-out: curl's format strings, applied to one record.
 *
 * Variables (curl's names and meanings where they apply): %{url} %{url_effective}
 * %{http_code} (alias %{response_code}) %{http_version} %{time_total} %{time_namelookup}
 * %{time_connect} %{time_appconnect} %{time_starttransfer} %{size_download}
 * %{num_redirects} %{num_retries} %{errormsg} %{exitcode} %{urlnum} %{json}
 * and cofetch's own %{line} %{input} %{step} %{order} %{time_start} %{time_end}
 * %{filename_effective} %{error_kind}. Escapes: \n \t \r \\ and %%. An unknown variable is warned
 * about, as in curl. "@FILE" reads the format from FILE ("@-": stdin), as curl does.
 */
#ifndef CLI_WRITEOUT_H
#define CLI_WRITEOUT_H

#include <stddef.h>
#include <stdio.h>

#include "base/record.h"
#include "base/strbuf.h"

struct writeout;

/* Compile a format: 0 or CF_ENOMEM. As in curl, an unknown variable is warned about on
 * warn (when not NULL: "cofetch: unknown --write-out variable: 'NAME'") and gives
 * nothing, and a "%{" without its "}" is text. */
int writeout_compile(const char *format, struct writeout **out, FILE *warn);
int writeout_render(const struct writeout *w, const struct rec *r, int chain, struct strbuf *out);
void writeout_free(struct writeout *w);

#endif

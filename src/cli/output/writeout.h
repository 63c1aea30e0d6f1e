/*
 * writeout.h - -w / --write-out: curl's format strings, applied to one record.
 *
 * Variables (curl's names and meanings where they apply): %{url} %{url_effective}
 * %{http_code} (alias %{response_code}) %{http_version} %{time_total} %{time_namelookup}
 * %{time_connect} %{time_appconnect} %{time_starttransfer} %{size_download}
 * %{num_redirects} %{num_retries} %{errormsg} %{exitcode} %{urlnum} %{json}
 * and cofetch's own %{line} %{input} %{step} %{order} %{time_start} %{time_end}
 * %{filename_effective}. Escapes: \n \t \r \\ and %%. An unknown variable is a usage
 * error. "@FILE" reads the format from FILE ("@-": stdin), as curl does.
 */
#ifndef CLI_WRITEOUT_H
#define CLI_WRITEOUT_H

#include <stddef.h>

#include "base/record.h"
#include "base/strbuf.h"

struct writeout;

/* 0, CF_EINVAL (reason in err), CF_ENOMEM. */
int writeout_compile(const char *format, struct writeout **out, char *err, size_t errlen);
int writeout_render(const struct writeout *w, const struct rec *r, int chain, struct strbuf *out);
void writeout_free(struct writeout *w);

#endif

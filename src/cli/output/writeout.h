/*
 * writeout.h - -w / --write-out: curl's format strings, applied to one record.
 *
 * Every variable curl 7.88 has for HTTP, with its name, format and meaning (the man page
 * lists them), %header{name}, %{onerror} (the rest only for a failed fetch), %{stderr}
 * and %{stdout}; and cofetch's own %{line} %{input} %{step} %{order} %{time_start}
 * %{time_end} %{num_retries} %{error_kind} %{record} (the --jsonl record). %{json} is
 * curl's: every variable, typed, in one object.
 * Escapes: \n \t \r \\ and %%. "@FILE" reads the format from FILE ("@-": stdin), as
 * curl does. The variables read from libcurl only for -w (content_type, remote_ip, ...)
 * are asked of a fetch only when the format names one (writeout_wants_info).
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
/* 1 when a variable of the format needs the fetch's struct cf_info (cf_request.want_info),
 * 2 when it needs the certificates too (want_certs), else 0. */
int writeout_wants_info(const struct writeout *w);
/* Appends the record's text to out (what follows %{stderr} goes to stderr at once).
 * 0 or CF_ENOMEM. */
int writeout_render(const struct writeout *w, const struct rec *r, int chain, struct strbuf *out);
void writeout_free(struct writeout *w);

#endif

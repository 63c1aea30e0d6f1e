/*
 * respheaders.h - a response's headers as curl's -w shows them: one header's value
 * (%header{name}), their count (%{num_headers}), and the JSON object of %{header_json}
 * and of the JSON records' "headers" (respheaders.c).
 *
 * All read resp->headers, the header block of the last response (after redirects; as
 * in curl, rh_value and rh_json find none after too many redirects), and allocate
 * nothing but what they append to out. Names compare case-insensitively.
 */
#ifndef CLI_RESPHEADERS_H
#define CLI_RESPHEADERS_H

#include <stddef.h>

#include "cofetch/fetch.h"
#include "base/strbuf.h"

/* The number of header lines (the status line not counted). */
long rh_count(const struct cf_response *resp);
/* Appends the value of every header named name (len bytes), joined by ", " as curl
 * does, or nothing. 0 or CF_ENOMEM. */
int rh_value(struct strbuf *out, const struct cf_response *resp, const char *name, size_t len);
/* Appends {"name":["value",...],...}: names lowercased, in the order they first came,
 * each with its values in order; pretty puts each member on its own line and the
 * closing brace on one more, as curl's %{header_json} does. 0 or CF_ENOMEM. */
int rh_json(struct strbuf *out, const struct cf_response *resp, int pretty);

#endif

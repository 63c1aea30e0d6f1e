/*
 * json.h - JSON string escaping and the JSON form of a record.
 *
 * Strings are escaped per RFC 8259: '"', '\\' and control bytes are escaped (\n, \t ...,
 * others as \u00XX); valid UTF-8 passes through unchanged; every byte that is not part of
 * valid UTF-8 (stray continuation bytes, truncated or overlong sequences, surrogates,
 * code points over U+10FFFF) becomes U+FFFD, written as \ufffd. The output is always
 * valid UTF-8 and valid JSON.
 */
#ifndef CLI_JSON_H
#define CLI_JSON_H

#include <stddef.h>

#include "base/record.h"
#include "base/strbuf.h"

/* Appends "..." (quotes included). */
int json_str(struct strbuf *out, const char *s, size_t len);
/* Writes s escaped (no quotes) at p, which has room for 6 * len bytes: the end. */
char *json_esc(char *p, const char *s, size_t len);
/* Whether s[0..len) is valid UTF-8 (as json_str judges it). */
int json_utf8_ok(const char *s, size_t len);
/* Appends a JSON number for a time in seconds (microsecond precision); a negative or
 * non-finite time (which no JSON number can hold) is written as 0. */
int json_secs(struct strbuf *out, double secs);
/* Appends the record as one JSON object, without a newline. flags: JSON_CHAIN includes
 * "step", JSON_HEADERS the "headers" object (--jsonl-headers). A request line's id, meta
 * and tag are echoed; with r->body_member the body follows (output/json_body.h). */
enum { JSON_CHAIN = 1, JSON_HEADERS = 2 };
int json_record(struct strbuf *out, const struct rec *r, int flags);

#endif

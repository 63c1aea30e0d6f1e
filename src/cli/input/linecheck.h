/*
 * linecheck.h - what makes an input line a URL to fetch (pure functions, unit-tested).
 *
 * A line is trimmed of blanks; an empty line or one starting with '#' is skipped; a line
 * belongs to shard K of N (K is 1-based) when FNV-1a-64(trimmed line) % N == K - 1, so N
 * runs with K = 1..N partition any list; what is left must be a URL whose scheme --proto
 * allows, else the line is bad (an error record, never dropped).
 */
#ifndef CLI_LINECHECK_H
#define CLI_LINECHECK_H

#include <stddef.h>

/* The longest line taken as a URL; a longer one is a bad line. */
enum { LINE_MAX_BYTES = 64 * 1024 };

/* Trim blanks; returns the start and sets *len. */
const char *line_trim(const char *s, size_t *len);
/* Whether a trimmed line is skipped (empty or a comment). */
int line_skipped(const char *s, size_t len);
/* Whether a trimmed line belongs to shard k (1-based) of n. */
int shard_take(const char *s, size_t len, unsigned long k, unsigned long n);
/* Whether scheme (length len) is in a comma-separated list (case-insensitive). */
int proto_allowed(const char *protos, const char *scheme, size_t len);
/* Whether s is an http(s) URL of the plainest shape, scheme://host[:port][/...] with a host of
 * letters, digits, dots and dashes and printable ASCII after it: one that libcurl's parser
 * certainly accepts (test_cli_input checks it against curl_url_set). *scheme_len is then
 * set. */
int url_plain(const char *s, size_t len, size_t *scheme_len);
/* Checks a trimmed line (s[len] must be NUL): 0, or -1 with a reason in why. protos as in struct
 * config. A line that is not url_plain is parsed with curl_url. */
int line_check(const char *s, size_t len, const char *protos, char *why, size_t whylen);

#endif

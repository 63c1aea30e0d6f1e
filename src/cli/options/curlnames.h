/*
 * curlnames.h - whether a name is one of curl's options (curl 7.88), for the message
 * that says a curl option is not supported here rather than unknown.
 */
#ifndef CLI_CURLNAMES_H
#define CLI_CURLNAMES_H

#include <stddef.h>

/* Whether the first len bytes of name (without "--") are a long option of curl, or
 * "no-" and one. */
int curl_long_option(const char *name, size_t len);

/* curl's long options that start with the first len bytes of prefix, in strcmp order:
 * how many there are, and the first cap of them in out[] (curl takes any prefix that
 * names one option alone). */
size_t curl_long_prefixed(const char *prefix, size_t len, const char **out, size_t cap);

/* Whether c is a short option of curl. */
int curl_short_option(char c);

#endif

/*
 * scheme.h - the scheme at the start of a URL (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" /
 * "-" / "." ) ":"), in ASCII whatever the locale.
 */
#ifndef CLI_SCHEME_H
#define CLI_SCHEME_H

#include <stddef.h>

/* The length of s's scheme (without its ':'), or 0 when s does not start with one. */
size_t scheme_len(const char *s);

#endif

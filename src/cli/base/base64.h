/*
 * base64.h - standard base64 (RFC 4648, section 4, with '=' padding), both ways.
 *
 * For request lines' body_b64 (and vegeta's body) and for records' body_b64.
 * Neither call allocates but through the strbuf it appends to.
 */
#ifndef CLI_BASE64_H
#define CLI_BASE64_H

#include <stddef.h>

#include "base/strbuf.h"

/* Appends the encoding of data[0..len) to out. 0 or CF_ENOMEM. */
int b64_encode(struct strbuf *out, const void *data, size_t len);

/* Appends the bytes s[0..len) encodes to out. Strict: the alphabet A-Z a-z 0-9 + /, a
 * length that is a multiple of 4, '=' only as the last one or two characters; no
 * whitespace. 0, CF_EINVAL (not base64; out as it was) or CF_ENOMEM. */
int b64_decode(struct strbuf *out, const char *s, size_t len);

#endif

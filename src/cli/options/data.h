/*
 * data.h - the request body's pieces as curl reads them (-d, --data-binary,
 * --data-urlencode, --json, -w @FILE). Each appends to out; "-" as a path is stdin.
 */
#ifndef CLI_DATA_H
#define CLI_DATA_H

#include "base/strbuf.h"

/* The whole file, byte for byte. 0, CF_EIO or CF_ENOMEM. */
int data_read(const char *path, struct strbuf *out);

/* -d @FILE as curl reads it (its file2string): pieces of at most 255 bytes up to a
 * newline, each cut at its first CR or LF, and at a NUL. 0, CF_EIO or CF_ENOMEM. */
int data_read_text(const char *path, struct strbuf *out);

/* --data-urlencode VALUE as curl reads it: "NAME=CONTENT" (the first '='), else
 * "NAME@FILE" (the first '@'; *file is then FILE, else NULL), else CONTENT; an empty
 * NAME sends only the encoded content. The content is encoded with libcurl's
 * curl_easy_escape, a space as '+'. 0, CF_EIO or CF_ENOMEM. */
int data_urlencode(const char *val, struct strbuf *out, const char **file);

#endif

/*
 * errors.h - the one CURLcode -> CF_E* boundary, and the response's error text
 * (errors.c).
 */
#ifndef CF_NET_ERRORS_H
#define CF_NET_ERRORS_H

#include <curl/curl.h>
#include <stddef.h>

#include "cofetch/fetch.h"

int cf_error_from_curl(CURLcode rc);
/* cf_error_from_curl, refined with what the finished transfer saw (see errors.c);
 * may write a detail into an empty errbuf. */
int cf_error_from_transfer(CURLcode rc, CURL *easy, char *errbuf, size_t errlen);
int cf_error_from_multi(CURLMcode rc);
/* resp->error = "<what failed>: <detail>" (at most CF_ERROR_MAX bytes), "<what failed>"
 * without a detail, "" for code 0. */
enum { CF_ERROR_MAX = 255 };
void cf_error_set(struct cf_response *resp, int code, const char *detail);
/* resp->error = text as it is (libcurl's message), or cf_strerror(code) without one. */
void cf_error_set_curl(struct cf_response *resp, int code, const char *text);
/* The fetch ends with code: resp->code, and resp->error through cf_error_set unless a
 * failure already described it (detail NULL and resp->error set). Returns code. */
int cf_error_final(struct cf_response *resp, int code, const char *detail);

#endif

/*
 * retry.h - when another attempt is worth it, and how long to wait first (retry.c).
 */
#ifndef CF_NET_RETRY_H
#define CF_NET_RETRY_H

#include "cofetch/fetch.h"

/* Whether an attempt that ended with (code, status) is worth another try. */
int cf_retry_transient(const struct cf_request *req, int code, long status);
/* Seconds to wait before attempt number `next` (2, 3, ...); honours retry_after
 * (seconds, < 0 = none) as a minimum. Returns < 0 when the server asks for longer
 * than we are willing to wait (then do not retry). */
double cf_retry_backoff(cf_client *c, const struct cf_request *req, int next, double retry_after);
/* Retry-After of the last response in seconds, or -1 if absent/unparseable. */
double cf_retry_after(struct cf_response *resp);

#endif

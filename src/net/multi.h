/*
 * multi.h - the client's CURLM, driven by the loop's libevent base (multi.c).
 */
#ifndef CF_NET_MULTI_H
#define CF_NET_MULTI_H

#include <curl/curl.h>

#include "cofetch/fetch.h"

struct cf_xfer;

int cf_multi_init(cf_client *c, const struct cf_client_opts *opts);
void cf_multi_cleanup(cf_client *c);
/* curl_multi_socket_action(fd, action), then every finished transfer resolved. */
void cf_multi_drive(cf_client *c, curl_socket_t fd, int action);
/* Add x->easy to the multi (then suspend the task with cf_multi_cancel; x->result holds
 * libcurl's result once it is woken with 0). Errors: from adding the handle. */
int cf_multi_add(cf_client *c, struct cf_xfer *x);
/* Take x->easy out of the multi: a transfer still in it when its task resumes (it was
 * cancelled while libcurl was calling us, or before suspending). */
void cf_multi_remove(cf_client *c, struct cf_xfer *x);
/* The cf_cancel_fn for cf_task_suspend(..., x): x's task is cancelled; the transfer is
 * removed at once unless libcurl is calling us, and no callback touches x afterwards. */
void cf_multi_cancel(void *ctx);

#endif

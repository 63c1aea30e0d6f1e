/*
 * curlopts.h - the curl options that libcurl does for cofetch, set on each attempt's
 * easy handle through the request's hook (cf_request.easy_fn, cofetch/fetch.h).
 */
#ifndef CLI_CURLOPTS_H
#define CLI_CURLOPTS_H

/* A cf_easy_fn: ctx is the batch's const struct config. Sets the proxy, credentials,
 * cookies to send, --resolve and --connect-to lists, referer, rate limit, address family,
 * interface, client certificate, range and time condition that the command line gave.
 * Returns 0, or CF_EINVAL when libcurl refuses one (it is not built with it). */
int curlopts_apply(void *ctx, void *easy);

struct config;

/* -F: g's form fields as a new mime post on easy (a CURL *), set with CURLOPT_MIMEPOST;
 * *mime is the mime, which the caller frees with curlopts_form_free() once the handle is
 * done with it (reset or the fetch over). A file is read by libcurl as it sends it.
 * 0, CF_ENOMEM, or CF_EIO (a file libcurl cannot open). */
int curlopts_form(const struct config *g, void *easy, void **mime);
void curlopts_form_free(void *mime);

#endif

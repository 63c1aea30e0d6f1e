/*
 * cookies.h - the client's cookie engine: one CURLSH sharing CURL_LOCK_DATA_COOKIE that
 * every easy handle of the client uses, loaded from a file at the start and written to a
 * jar at the end (curl's -b FILE and -c FILE, for a whole batch).
 */
#ifndef CF_NET_COOKIES_H
#define CF_NET_COOKIES_H

#include <curl/curl.h>

#include "cofetch/fetch.h"

struct cf_cookies {
    CURLSH *share; /* NULL: no cookie engine */
    char *jar;     /* written by cf_cookies_free (owned), or NULL */
};

/* Starts the engine when opts asks for one (cookies, cookie_file or cookie_jar), and
 * reads cookie_file into it. 0 or CF_ENOMEM. */
int cf_cookies_init(struct cf_cookies *k, const struct cf_client_opts *opts);

/* Puts e on the engine (a no-op without one). */
void cf_cookies_use(const struct cf_cookies *k, CURL *e);

/* Takes e off the engine before it goes back to the pool. */
void cf_cookies_unuse(const struct cf_cookies *k, CURL *e);

/* Writes the jar, if any. 0, or CF_EIO when it could not be written. */
int cf_cookies_save(struct cf_cookies *k);

/* Ends the engine, once no easy handle uses it (after the pool is freed). */
void cf_cookies_free(struct cf_cookies *k);

#endif

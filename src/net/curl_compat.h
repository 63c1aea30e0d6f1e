/*
 * curl_compat.h - the libcurl behaviours this layer works around, and for which versions.
 *
 * One macro per workaround, true when the libcurl we build against needs it: its
 * LIBCURL_VERSION_NUM is below the first release known to have changed the behaviour, or
 * below CF_CURL_NOT_FIXED where no change is known, so that an untested newer libcurl
 * keeps the workaround until someone measures it without. The code of each workaround is
 * under its macro in the file named: moving the bound, or deleting the macro with that
 * code, is the whole change. All of them are on with Debian 12's libcurl 7.88.1.
 */
#ifndef CF_NET_CURL_COMPAT_H
#define CF_NET_CURL_COMPAT_H

#include <curl/curl.h>

/* The bound of a workaround no libcurl release is known to make unnecessary. */
#define CF_CURL_NOT_FIXED 0x7fffffff

/* watchdog.c: a multiplexed HTTP/2 transfer whose last bytes libcurl read while reading
 * for another stream is not run again (no socket event, no timer). Measured on 7.88.1;
 * no upstream fix known. */
#define CF_CURL_H2_STALL (LIBCURL_VERSION_NUM < CF_CURL_NOT_FIXED)

/* sockets.c's table: CURL_POLL_REMOVE for a kept connection's socket when its transfer
 * ends, CURL_POLL_IN again when the next one reuses it, two epoll_ctl calls a request
 * (the behaviour: https://github.com/curl/curl/issues/9799). Measured on 7.88.1; no
 * upstream fix known (keeping idle connections polled was proposed in
 * https://github.com/curl/curl/pull/22049, not known to be released). */
#define CF_CURL_IDLE_POLL_REMOVE (LIBCURL_VERSION_NUM < CF_CURL_NOT_FIXED)

/* connections.c's reuse policy: finding an idle connection walks every connection to the
 * host, removing a transfer walks the whole cache; quadratic with thousands open.
 * Measured on 7.88.1; no upstream fix known (later releases' connection pool still walks
 * the host's connections, and the whole pool in curl_multi_remove_handle). */
#define CF_CURL_CONN_WALKS (LIBCURL_VERSION_NUM < CF_CURL_NOT_FIXED)

/* connections.c's MAXCONNECTS: the cache keeps 4 x the transfers in the multi at the
 * moment (the documented default: curl's docs/libcurl/opts/CURLMOPT_MAXCONNECTS.md), so
 * kept connections close whenever the count dips. Measured on 7.88.1; no upstream change
 * known. */
#define CF_CURL_MAXCONNECTS_NOW (LIBCURL_VERSION_NUM < CF_CURL_NOT_FIXED)

/* connections.c's stop of a resend: a request on a kept connection that died is resent on
 * another connection, maybe another kept one, up to 5 times (CONN_MAX_RETRIES since
 * https://github.com/curl/curl/pull/5074). Needs CURLOPT_PREREQFUNCTION (7.80.0).
 * Measured on 7.88.1; no upstream fix known (an option to turn the resend off was
 * proposed in https://github.com/curl/curl/pull/18417). */
#define CF_CURL_STALE_RESEND                                                                       \
    (LIBCURL_VERSION_NUM >= 0x075000 && LIBCURL_VERSION_NUM < CF_CURL_NOT_FIXED)

/* request.c's DNS cache timeout: before each transfer libcurl prunes its DNS cache by
 * walking all of it (hostip.c, Curl_hostcache_prune), quadratic with thousands of host
 * names: 20,000 names took 57 s of CPU. Measured on 7.88.1; no upstream fix known (later
 * releases still walk the cache per transfer). */
#define CF_CURL_DNS_PRUNE_WALKS (LIBCURL_VERSION_NUM < CF_CURL_NOT_FIXED)

/* curl_mem.c's slots: a receive buffer malloc'd when each transfer starts and freed when
 * it ends. Gone in 8.7.0, which has one transfer buffer per multi handle
 * (https://curl.se/libcurl/c/CURLOPT_BUFFERSIZE.html, https://github.com/curl/curl/pull/12805). */
#define CF_CURL_RECV_BUFFER_PER_TRANSFER (LIBCURL_VERSION_NUM < 0x080700)

/* cookies.c's cf_cookies_unuse: CURLOPT_COOKIEFILE "" (the cookie engine on for a pooled
 * handle) adds an entry to the handle's list of files to read, which curl_easy_reset
 * does not free, so each attempt on a reused handle leaves one entry behind until the
 * handle is cleaned up; setting CURLOPT_COOKIEFILE NULL before the reset frees it (the
 * behaviour: https://github.com/curl/curl/issues/10694#issuecomment-1458619157).
 * Measured on 7.88.1 (LeakSanitizer: without it, cofetch -c JAR on three URLs leaks one
 * entry per fetch); a fix, freeing the list in curl_easy_reset, was proposed in
 * https://github.com/curl/curl/pull/10709 and is not measured here in any release. */
#define CF_CURL_COOKIELIST_RESET_LEAK (LIBCURL_VERSION_NUM < CF_CURL_NOT_FIXED)

#endif

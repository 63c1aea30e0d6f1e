/*
 * curl_mem.h - libcurl's allocator, receive buffers kept for reuse (curl_mem.c).
 */
#ifndef CF_NET_CURL_MEM_H
#define CF_NET_CURL_MEM_H

#include <curl/curl.h>

/* curl_global_init with our allocator (once per process, before any other libcurl call). */
CURLcode cf_curl_global_init(void);
/* A client starts using libcurl / is done with it; the last one out empties the cache. */
void cf_curl_mem_hold(void);
void cf_curl_mem_release(void);

#endif

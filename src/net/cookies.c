/*
 * cookies.c - one cookie engine for all the fetches of a client: libcurl's own, shared
 * through a CURLSH (CURL_LOCK_DATA_COOKIE). Everything runs on the loop's thread, so the
 * share needs no lock functions. The file is read and the jar written by a short-lived
 * easy handle on the share (CURLOPT_COOKIELIST "RELOAD" and "FLUSH"), never by the
 * pooled handles, so a fetch does not read or write files.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "cookies.h"
#include "curl_compat.h"

int cf_cookies_init(struct cf_cookies *k, const struct cf_client_opts *opts)
{
    CURL *e;

    k->share = NULL;
    k->jar = NULL;
    if (!opts->cookies && !opts->cookie_file && !opts->cookie_jar)
        return 0;
    k->share = curl_share_init();
    if (!k->share || curl_share_setopt(k->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_COOKIE))
        goto fail;
    if (opts->cookie_jar && !(k->jar = strdup(opts->cookie_jar)))
        goto fail;
    if (opts->cookie_file) {
        e = curl_easy_init();
        if (!e)
            goto fail;
        curl_easy_setopt(e, CURLOPT_SHARE, k->share);
        curl_easy_setopt(e, CURLOPT_COOKIEFILE, opts->cookie_file);
        curl_easy_setopt(e, CURLOPT_COOKIELIST, "RELOAD");
        curl_easy_cleanup(e);
    }
    return 0;
fail:
    curl_share_cleanup(k->share);
    free(k->jar);
    k->share = NULL;
    k->jar = NULL;
    return CF_ENOMEM;
}

void cf_cookies_use(const struct cf_cookies *k, CURL *e)
{
    if (k->share) {
        curl_easy_setopt(e, CURLOPT_SHARE, k->share);
        /* The engine on for this handle (it reads Set-Cookie only then); "" reads no file. */
        curl_easy_setopt(e, CURLOPT_COOKIEFILE, "");
    }
}

void cf_cookies_unuse(const struct cf_cookies *k, CURL *e)
{
#if CF_CURL_COOKIELIST_RESET_LEAK
    /* NULL frees the list of files CURLOPT_COOKIEFILE "" started, which curl_easy_reset
     * keeps; on a shared engine it leaves the engine's cookies alone. */
    if (k->share)
        curl_easy_setopt(e, CURLOPT_COOKIEFILE, NULL);
#else
    (void)k;
    (void)e;
#endif
}

int cf_cookies_save(struct cf_cookies *k)
{
    int rc = 0;

    if (k->jar && k->share) {
        CURL *e = curl_easy_init();
        if (e) {
            curl_easy_setopt(e, CURLOPT_SHARE, k->share);
            curl_easy_setopt(e, CURLOPT_COOKIEJAR, k->jar);
            curl_easy_setopt(e, CURLOPT_COOKIELIST, "FLUSH");
            curl_easy_setopt(e, CURLOPT_COOKIEJAR, NULL); /* written once, not again */
            curl_easy_cleanup(e);
        }
        if (!e || access(k->jar, F_OK) != 0)
            rc = CF_EIO;
    }
    return rc;
}

void cf_cookies_free(struct cf_cookies *k)
{
    curl_share_cleanup(k->share);
    free(k->jar);
    k->share = NULL;
    k->jar = NULL;
}

/*
 * curlopts.c - curl's options by libcurl's own options: each a CURLOPT_* of the same
 * meaning, set on every attempt. The request gets this hook only when one of them was
 * given (config.curlopts), so a command line without them costs nothing.
 */
#include <curl/curl.h>

#include "base/config.h"
#include "cofetch/error.h"
#include "run/curlopts.h"

/* One field of g's form into mime: 0 or a CURLcode. */
static CURLcode add_field(curl_mime *mime, const struct form_field *f)
{
    curl_mimepart *part = curl_mime_addpart(mime);
    CURLcode rc;

    if (!part)
        return CURLE_OUT_OF_MEMORY;
    rc = curl_mime_name(part, f->name);
    if (rc == CURLE_OK && f->kind == FORM_TEXT)
        rc = curl_mime_data(part, f->value, CURL_ZERO_TERMINATED);
    if (rc == CURLE_OK && f->kind != FORM_TEXT)
        rc = curl_mime_filedata(part, f->value); /* names the part after the file ... */
    if (rc == CURLE_OK && f->kind == FORM_FILE_TEXT)
        rc = curl_mime_filename(part, NULL); /* ... but <FILE is a text field */
    if (rc == CURLE_OK && f->filename)
        rc = curl_mime_filename(part, f->filename);
    if (rc == CURLE_OK && f->type)
        rc = curl_mime_type(part, f->type);
    if (rc == CURLE_OK && f->header) {
        struct curl_slist *h = curl_slist_append(NULL, f->header);
        rc = h ? curl_mime_headers(part, h, 1) : CURLE_OUT_OF_MEMORY;
    }
    return rc;
}

int curlopts_form(const struct config *g, void *easy, void **mime)
{
    curl_mime *m = curl_mime_init(easy);
    CURLcode rc = m ? CURLE_OK : CURLE_OUT_OF_MEMORY;

    for (size_t i = 0; rc == CURLE_OK && i < g->nforms; i++)
        rc = add_field(m, &g->forms[i]);
    if (rc == CURLE_OK)
        rc = curl_easy_setopt(easy, CURLOPT_MIMEPOST, m);
    if (rc != CURLE_OK) {
        curl_mime_free(m);
        return rc == CURLE_OUT_OF_MEMORY ? CF_ENOMEM : CF_EIO;
    }
    *mime = m;
    return 0;
}

void curlopts_form_free(void *mime)
{
    curl_mime_free(mime);
}

int curlopts_apply(void *ctx, void *easy)
{
    const struct config *cfg = ctx;
    CURL *e = easy;
    CURLcode rc = CURLE_OK;

#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (rc == CURLE_OK)                                                                        \
            rc = curl_easy_setopt(e, opt, val);                                                    \
    } while (0)
    if (cfg->proxy)
        SET(CURLOPT_PROXY, cfg->proxy);
    if (cfg->noproxy)
        SET(CURLOPT_NOPROXY, cfg->noproxy);
    if (cfg->proxy_user)
        SET(CURLOPT_PROXYUSERPWD, cfg->proxy_user);
    if (cfg->user)
        SET(CURLOPT_USERPWD, cfg->user);
    if (cfg->bearer) {
        SET(CURLOPT_XOAUTH2_BEARER, cfg->bearer);
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
    }
    if (cfg->cookie)
        SET(CURLOPT_COOKIE, cfg->cookie);
    if (cfg->resolve)
        SET(CURLOPT_RESOLVE, cfg->resolve);
    if (cfg->connect_to)
        SET(CURLOPT_CONNECT_TO, cfg->connect_to);
    if (cfg->referer)
        SET(CURLOPT_REFERER, cfg->referer);
    if (cfg->autoreferer)
        SET(CURLOPT_AUTOREFERER, 1L);
    if (cfg->limit_rate > 0) {
        SET(CURLOPT_MAX_RECV_SPEED_LARGE, (curl_off_t)cfg->limit_rate);
        SET(CURLOPT_MAX_SEND_SPEED_LARGE, (curl_off_t)cfg->limit_rate);
    }
    if (cfg->ipresolve)
        SET(CURLOPT_IPRESOLVE, cfg->ipresolve);
    if (cfg->interface)
        SET(CURLOPT_INTERFACE, cfg->interface);
    if (cfg->cert)
        SET(CURLOPT_SSLCERT, cfg->cert);
    if (cfg->key)
        SET(CURLOPT_SSLKEY, cfg->key);
    if (cfg->range)
        SET(CURLOPT_RANGE, cfg->range);
    if (cfg->time_cond) {
        SET(CURLOPT_TIMECONDITION, cfg->time_cond);
        SET(CURLOPT_TIMEVALUE_LARGE, (curl_off_t)cfg->time_value);
    }
#undef SET
    return rc == CURLE_OK ? 0 : rc == CURLE_OUT_OF_MEMORY ? CF_ENOMEM : CF_EINVAL;
}

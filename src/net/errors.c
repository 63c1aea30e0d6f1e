/*
 * errors.c - the one place where libcurl's codes become CF_E* codes, and where the
 * response's error text is written ("<what failed>: <libcurl's detail>").
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "errors.h"
#include "response.h"

int cf_error_from_curl(CURLcode rc)
{
    switch (rc) {
    case CURLE_OK: return 0;
    case CURLE_UNSUPPORTED_PROTOCOL: return CF_EPROTO;
    case CURLE_URL_MALFORMAT: return CF_EURL;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST: return CF_EDNS;
    case CURLE_COULDNT_CONNECT: return CF_ECONNECT;
    case CURLE_OPERATION_TIMEDOUT: return CF_ETIMEDOUT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED: return CF_ETLS;
    case CURLE_SEND_ERROR: return CF_ESEND;
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING: return CF_ERECV;
    case CURLE_HTTP_RETURNED_ERROR: return CF_EHTTP;
    case CURLE_FILESIZE_EXCEEDED: return CF_ETOOBIG;
    case CURLE_TOO_MANY_REDIRECTS: return CF_EREDIRECTS;
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3: return CF_EBADRESP;
    case CURLE_OUT_OF_MEMORY: return CF_ENOMEM;
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
    case CURLE_NOT_BUILT_IN: return CF_EINVAL;
    default: return CF_ENET;
    }
}

/* libcurl reports some bad responses with codes that name something else: a garbled
 * status line as an unsupported protocol, a header line over its 100 KiB limit as out
 * of memory, a header block over 300 KiB as a receive error. Once the request was
 * sent, those are the server's reply at fault. A redirect to a refused scheme keeps
 * CF_EPROTO: it comes with its 3xx status. */
int cf_error_from_transfer(CURLcode rc, CURL *easy, char *errbuf, size_t errlen)
{
    long status = 0, sent = 0;
    int code = cf_error_from_curl(rc);

    if (code != CF_EPROTO && code != CF_ENOMEM && code != CF_ERECV)
        return code;
    curl_easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &sent);
    if (sent <= 0)
        return code;
    switch (code) {
    case CF_ENOMEM:
        if (!errbuf[0])
            snprintf(errbuf, errlen, "response header line too large for libcurl");
        return CF_EBADRESP;
    case CF_ERECV:
        return strncmp(errbuf, "Too large response headers", 26) == 0 ? CF_EBADRESP : code;
    default:
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
        return status == 0 ? CF_EBADRESP : code;
    }
}

int cf_error_from_multi(CURLMcode rc)
{
    switch (rc) {
    case CURLM_OK: return 0;
    case CURLM_OUT_OF_MEMORY: return CF_ENOMEM;
    case CURLM_BAD_HANDLE:
    case CURLM_BAD_EASY_HANDLE:
    case CURLM_ADDED_ALREADY:
    case CURLM_BAD_SOCKET:
    case CURLM_UNKNOWN_OPTION:
    case CURLM_BAD_FUNCTION_ARGUMENT: return CF_EINVAL;
    default: return CF_ENET;
    }
}

/* Only a failure with a detail allocates its text (a response is mostly a success,
 * and thousands may be held at once); out of memory, the detail is dropped. */
static void set_text(struct cf_response *resp, int code, const char *what, const char *detail)
{
    struct cf_response_priv *priv = resp->priv;
    char *text = NULL;

    if (priv) {
        free(priv->error);
        priv->error = NULL;
    }
    if (code != 0 && detail && *detail && (priv = cf_response_priv(resp))) {
        size_t n = strlen(detail);
        while (n > 0 && (detail[n - 1] == '\n' || detail[n - 1] == '\r'))
            n--;
        text = malloc(CF_ERROR_MAX + 1);
        if (text)
            snprintf(text, CF_ERROR_MAX + 1, "%s%s%.*s", what ? what : "", what ? ": " : "", (int)n,
                     detail);
    }
    if (text)
        priv->error = text;
    resp->error = text ? text : code ? cf_strerror(code) : "";
}

void cf_error_set(struct cf_response *resp, int code, const char *detail)
{
    set_text(resp, code, cf_strerror(code), detail);
}

void cf_error_set_curl(struct cf_response *resp, int code, const char *text)
{
    set_text(resp, code, NULL, text);
}

int cf_curl_code(int code)
{
    switch (code) {
    case 0: return CURLE_OK;
    case CF_EURL: return CURLE_URL_MALFORMAT;
    case CF_EPROTO: return CURLE_UNSUPPORTED_PROTOCOL;
    case CF_EDNS: return CURLE_COULDNT_RESOLVE_HOST;
    case CF_ECONNECT: return CURLE_COULDNT_CONNECT;
    case CF_ETIMEDOUT: return CURLE_OPERATION_TIMEDOUT;
    case CF_ETLS: return CURLE_SSL_CONNECT_ERROR;
    case CF_ESEND: return CURLE_SEND_ERROR;
    case CF_ERECV: return CURLE_RECV_ERROR;
    case CF_EHTTP: return CURLE_HTTP_RETURNED_ERROR;
    case CF_ETOOBIG: return CURLE_FILESIZE_EXCEEDED;
    case CF_EREDIRECTS: return CURLE_TOO_MANY_REDIRECTS;
    case CF_EBADRESP: return CURLE_WEIRD_SERVER_REPLY;
    case CF_ENOMEM: return CURLE_OUT_OF_MEMORY;
    case CF_EIO: return CURLE_WRITE_ERROR;
    case CF_ECANCELED: return CURLE_ABORTED_BY_CALLBACK;
    case CF_EINVAL:
    case CF_ENOTASK: return CURLE_BAD_FUNCTION_ARGUMENT;
    default: return CURLE_RECV_ERROR; /* CF_ENET comes with libcurl's own code */
    }
}

int cf_error_final(struct cf_response *resp, int code, const char *detail)
{
    resp->code = code;
    if (code == 0)
        resp->curl_code = 0;
    else if (resp->curl_code == 0)
        resp->curl_code = cf_curl_code(code);
    if (detail || code == 0 || !resp->error)
        cf_error_set(resp, code, detail);
    return code;
}

/*
 * cofetch/fetch.h - HTTP(S) fetches as suspension points: libcurl multi on the loop.
 *
 * A cf_client owns one libcurl multi handle driven by the loop (socket and timer
 * callbacks, curl_multi_socket_action), a pool of reset easy handles, a shared DNS
 * cache and connection pool, and the limits that hold whatever the caller does:
 * transfers in flight, connections per host and in total, and request rates.
 * cf_fetch() suspends the calling task until its transfer has ended; thousands of
 * tasks can wait in cf_fetch at once on one loop.
 *
 *   cf_client_new / _free     one client per loop; cf_fetch uses the loop's client
 *   cf_client_close           write the cookie jar, then free the client
 *   cf_request_init           a request with safe defaults
 *   cf_fetch                  perform a request (may suspend)
 *   cf_fetch_resume           go on with a transfer its sink paused (CF_SINK_PAUSE)
 *   cf_response_header        a response header by name
 *   cf_response_free          release what a response owns
 *
 * Cancellation: cancelling a task inside cf_fetch removes its transfer from the multi
 * handle at once (its connection is closed, not reused), fills the response with
 * CF_ECANCELED and returns CF_ECANCELED. No callback touches the task afterwards.
 */
#ifndef COFETCH_FETCH_H
#define COFETCH_FETCH_H

#include <stddef.h>

#include "cofetch/export.h"
#include "cofetch/loop.h"

CF_API_BEGIN

typedef struct cf_client cf_client;

struct cf_client_opts {
    size_t max_in_flight;       /* transfers at once; others wait for a slot (0 = no limit) */
    long max_host_connections;  /* transfers to one host at once, so connections too;
                                   the wait is queue time, not in the timeout
                                   (0 = no limit) */
    long max_total_connections; /* CURLMOPT_MAX_TOTAL_CONNECTIONS (0 = no limit) */
    double rate;                /* requests started per second, all hosts (0 = no limit) */
    double rate_per_host;       /* requests started per second and host (0 = no limit) */
    double epoch;               /* cf_loop_time() that response start/end are relative to
                                   (0 = when the client was created) */
    long buffer_size;           /* receive buffer per transfer, bytes (CURLOPT_BUFFERSIZE).
                                   0 = automatic: transfers in flight share 4 MiB, each
                                   getting a power of two from 1 KiB to 64 KiB (64 KiB
                                   up to 64 in flight, 16 KiB at 256, 1 KiB past 2,048).
                                   Each transfer in flight holds one: small values save
                                   memory with many small bodies, and cost read calls
                                   with big ones */
    /* Cookies: one engine for every fetch of the client (libcurl's, in a CURLSH sharing
     * CURL_LOCK_DATA_COOKIE), on when any of these is set: what a response sets, every
     * later request to that site sends, across fetches (a chain's login step and the
     * next). */
    int cookies;             /* on, starting empty */
    const char *cookie_file; /* cookies to start with (curl's -b FILE: Netscape format or
                                Set-Cookie lines), read by cf_client_new (a file that
                                cannot be read adds none, as in libcurl) */
    const char *cookie_jar;  /* written by cf_client_close (curl's -c FILE) */
};

/* Create the loop's client and register it with the loop (one per loop; cf_fetch
 * finds it there). opts may be NULL. Never suspends. The caller owns *out. Errors: CF_ENOMEM,
 * CF_EINVAL (out or loop NULL, or the loop already has a client). Proxies come from the environment
 * as in curl (http_proxy, https_proxy, ALL_PROXY, NO_PROXY...); whether any is set at all is looked
 * at here, once: set one before creating the client. */
int cf_client_new(cf_client **out, cf_loop *loop, const struct cf_client_opts *opts);

/* Free a client with no fetch in flight (tasks in cf_fetch must have finished:
 * cf_loop_run() returns only after they have). NULL is a no-op. The cookie jar is not
 * written: see cf_client_close. */
void cf_client_free(cf_client *c);

/* cf_client_free after writing the cookie jar (cookie_jar), if any. Returns 0, or
 * CF_EIO when the jar could not be written (the client is freed all the same). NULL is
 * a no-op returning 0. Never suspends. */
int cf_client_close(cf_client *c);

/* Sets more options on an attempt's easy handle (a CURL *): called before each attempt,
 * after every option the request's fields set, so it may set any CURLOPT_* through
 * libcurl itself (proxy, credentials, --resolve lists ...) and override those. What it
 * points libcurl at must outlive the fetch; the handle is reset after the attempt.
 * Runs on the loop's stack; it must not suspend nor touch the handle's callbacks or
 * private data. Returns 0, or a CF_E* code: the fetch then fails with it. */
typedef int cf_easy_fn(void *ctx, void *easy);

/* Where a response body goes. */
enum cf_sink {
    CF_SINK_MEMORY,   /* resp->body, up to req->max_body bytes (then CF_ETOOBIG) */
    CF_SINK_DISCARD,  /* counted, not kept */
    CF_SINK_FD,       /* written to req->sink_fd (not owned, not closed) */
    CF_SINK_CALLBACK, /* req->sink_fn(req->sink_ctx, data, len) per chunk; non-zero aborts:
                         the fetch fails with it if it is a CF_E* code, else CF_EIO, but
                         CF_SINK_PAUSE */
};

/* A sink_fn's answer "not now": the chunk is not taken and the transfer pauses (libcurl
 * keeps the chunk and stops reading); once the sink can take it, it calls
 * cf_fetch_resume(resp) and the same bytes come again (with more, perhaps). A sink that
 * paused must resume, or the fetch waits until its timeout or cancellation. */
enum { CF_SINK_PAUSE = 1000 };

typedef int cf_sink_fn(void *ctx, const void *data, size_t len);

enum cf_http_version { CF_HTTP_ANY, CF_HTTP_1_1, CF_HTTP_2 };

struct cf_request {
    const char *url;            /* required; borrowed until cf_fetch returns */
    const char *method;         /* NULL: GET, or POST when body is set */
    const char *const *headers; /* NULL-terminated "Name: value" lines, or NULL */
    const void *body;           /* request body, or NULL */
    size_t body_len;
    int follow;             /* follow redirects (default 1) */
    long max_redirects;     /* default 10 */
    double connect_timeout; /* seconds (default 30; 0 = libcurl's default) */
    double timeout;         /* whole request, seconds (default 0 = none) */
    long low_speed_limit;   /* bytes/s ... */
    double low_speed_time;  /* ... below which for this long aborts (0 = off). TCP
                               keepalive is always on: 30 s idle, probes every 15 s */
    int insecure;           /* skip TLS verification (default 0: verify) */
    const char *cafile;     /* CA bundle (PEM) or NULL for the system's; read once per
                               client and reused by every TLS connection, a certificate
                               decoded when a chain needs it (not with easy_fn or a
                               proxy: then libcurl decodes the whole file, once) */
    const char *capath;     /* CA directory (hashed, c_rehash) or NULL: not used when a
                               bundle is there (given, or the system's file); a directory
                               is searched on every new connection */
    enum cf_http_version http_version;
    int compressed;         /* ask for and decode gzip/deflate/br; the decoded body is
                               capped by max_body, or at 1 GiB when that is 0 */
    const char *user_agent; /* NULL: "cofetch/VERSION" */
    long long max_body;     /* largest body accepted, bytes, as decoded (0, the default:
                               64 MiB for CF_SINK_MEMORY, 1 GiB for a compressed body,
                               no limit otherwise) */
    const char *protocols;  /* allowed schemes, for redirects too (default "http,https") */
    int fail_on_http_error; /* HTTP >= 400 is CF_EHTTP (curl -f); as in curl, that
                               response's body is neither delivered nor counted */
    int retries;            /* extra attempts for transient failures (default 0) */
    double retry_delay;     /* first backoff, seconds (default 1; doubles, jittered) */
    int retry_all_5xx;      /* also retry 500, 502, 504 ... (429/503 always are) */
    int retry_all_errors;   /* retry every failure but a cancel, whatever the method
                               (curl --retry-all-errors) */
    double retry_max_time;  /* no retry once this many seconds have passed since the
                               first attempt began (0 = no limit) */
    enum cf_sink sink;
    int sink_fd;
    cf_sink_fn *sink_fn;
    void *sink_ctx;
    int verbose;           /* libcurl's verbose trace on stderr */
    long long resume_from; /* ask for the body from this byte on (CURLOPT_RESUME_FROM_LARGE;
                              0, the default: all of it). A server that answers with
                              the whole body fails the fetch (CF_EPROTO); a 416 is
                              libcurl's success: nothing was left to fetch */
    cf_easy_fn *easy_fn;   /* more easy-handle options, or NULL (the default) */
    void *easy_ctx;        /* easy_fn's first argument (borrowed until cf_fetch returns) */
    int all_headers;       /* resp->headers keeps every response's header block (each redirect
                              and 1xx one too, as curl -D writes them), not the last only */
    int want_info;         /* fill resp->info (curl's -w variables beyond the basics); off, a
                              fetch queries nothing more of libcurl */
    int want_certs;        /* with want_info, also the peer's certificate chain (CURLOPT_CERTINFO:
                              libcurl then extracts every certificate of each TLS handshake) */
};

/* Fill *req with the defaults above and the given URL. Never fails. */
void cf_request_init(struct cf_request *req, const char *url);

struct cf_timings {
    double queue;   /* waiting for a transfer slot / rate token, before the request */
    double dns;     /* name lookup (curl: NAMELOOKUP) */
    double connect; /* TCP connect done (CONNECT) */
    double tls;     /* TLS handshake done (APPCONNECT; 0 for plain http) */
    double ttfb;    /* first response byte (STARTTRANSFER) */
    double total;   /* whole request, last attempt (TOTAL) */
};

/* What libcurl measured beyond the basics, as curl's -w reports it; the last attempt's.
 * Filled only for a request with want_info. Strings are "" when libcurl had none. */
struct cf_info {
    char remote_ip[48], local_ip[48]; /* CURLINFO_PRIMARY_IP, _LOCAL_IP */
    long remote_port, local_port;     /* CURLINFO_PRIMARY_PORT, _LOCAL_PORT */
    char scheme[16];                  /* CURLINFO_SCHEME, as libcurl spells it ("HTTP") */
    char method[32];                  /* CURLINFO_EFFECTIVE_METHOD (cut at 31 bytes) */
    long num_connects;                /* new connections made (CURLINFO_NUM_CONNECTS) */
    long size_header, size_request;   /* CURLINFO_HEADER_SIZE, _REQUEST_SIZE */
    long long size_upload;            /* CURLINFO_SIZE_UPLOAD_T */
    long long speed_download;         /* bytes per second (CURLINFO_SPEED_DOWNLOAD_T) */
    long long speed_upload;           /* CURLINFO_SPEED_UPLOAD_T */
    long ssl_verify_result;           /* CURLINFO_SSL_VERIFYRESULT */
    long proxy_ssl_verify_result;     /* CURLINFO_PROXY_SSL_VERIFYRESULT */
    long http_connect;                /* CURLINFO_HTTP_CONNECTCODE */
    double pretransfer, redirect;     /* seconds: CURLINFO_PRETRANSFER_TIME_T, _REDIRECT_ */
    char *content_type;               /* CURLINFO_CONTENT_TYPE (owned), or NULL */
    char *redirect_url;               /* CURLINFO_REDIRECT_URL (owned), or NULL */
    char *referer;                    /* CURLINFO_REFERER (owned), or NULL */
    char *ftp_entry_path;             /* CURLINFO_FTP_ENTRY_PATH (owned), or NULL */
    long num_certs;                   /* with want_certs: certificates in the chain */
    char *certs; /* with want_certs: each as curl's %{certs} writes it, "Name:value"
                    lines and the PEM (owned), or NULL */
};

struct cf_attempt {
    int code;      /* 0 or CF_E* */
    int curl_code; /* the CURLcode curl would exit with for this attempt (0 on success;
                      22 for fail_on_http_error on >= 400, 63 for a body over max_body) */
    long status;   /* HTTP status, 0 if none */
    double start;  /* seconds since the client's epoch */
    double total;  /* seconds */
    double wait;   /* backoff slept before the next attempt */
};

struct cf_response {
    int code;            /* 0 or CF_E*: the same value cf_fetch returned */
    int curl_code;       /* the last attempt's CURLcode as curl reports it (curl_code of
                            struct cf_attempt; 42, aborted, for a fetch cancelled before
                            its transfer); 0 on success */
    const char *error;   /* what went wrong, or "" on success: libcurl's own message
                            when libcurl failed the transfer (curl's "The requested URL
                            returned error: 404" for fail_on_http_error), else cofetch's
                            "<what failed>: <detail>"; at most 255 bytes; never NULL
                            once cf_fetch has returned. Owned by the response: valid
                            until cf_response_free */
    long status;         /* HTTP status of the last response, 0 if none; set before
                            the first body byte reaches the sink, so a sink may look */
    char *effective_url; /* after redirects (owned) */
    int http_version;    /* 10, 11, 20, 30; 0 if unknown */
    long redirects;      /* redirects followed */
    long local_port;     /* the last connection's local port (CURLINFO_LOCAL_PORT), 0 if
                            none: one connection at a time has it, so fetches with the same
                            one in a run used the same connection while it was open */
    char *body;          /* CF_SINK_MEMORY: the body, NUL-terminated (owned) */
    size_t body_len;
    long long bytes;         /* body bytes received (every sink), as decoded */
    long long size_download; /* body bytes of the last attempt as curl counts them
                                (CURLINFO_SIZE_DOWNLOAD_T: on the wire, before decoding;
                                a followed redirect's body too); 0 for a response failed
                                by fail_on_http_error, as in curl */
    struct cf_timings t;
    double start, end;          /* first attempt start, last attempt end: seconds since epoch */
    int attempts;               /* 1 + retries made */
    struct cf_attempt *attempt; /* attempts entries (owned) */
    struct cf_info *info;       /* with req->want_info, once a transfer ran (owned) */
    char *headers;              /* raw header block of the last response, or with
                                   req->all_headers every response's (owned) */
    size_t headers_len;
    size_t headers_last;           /* where the last response's block starts in headers (0 unless
                                      all_headers); cf_response_header reads that block */
    struct cf_response_priv *priv; /* opaque: what only the library reads (owned;
                                      released by cf_response_free) */
};

/* Retries (req->retries > 0): a connect failure, HTTP 429 or 503, and for an idempotent
 * method (GET, HEAD, PUT, DELETE, OPTIONS, TRACE; a POST is sent once) a timeout or, with
 * retry_all_5xx, any 5xx (with retry_all_errors: any failure, an HTTP status >= 400 under
 * fail_on_http_error too, whatever the method), is tried again after retry_delay * 2^(k-1) seconds
 * (k = 1, 2, ...), capped at 30 s, with equal jitter (a uniform pick in [d/2, d]); a Retry-After
 * header (seconds or HTTP-date) is a minimum, and one above 300 s ends the retries. The body of a
 * response that will be retried is not delivered; a fetch whose fd/callback sink has already
 * received bytes is not retried. The backoff sleeps (cancellable) without a slot.
 *
 * Fairness: a transfer takes at most 1 MiB of body per call into libcurl and is paused
 * until the loop has run the others (a body that decodes to gigabytes cannot freeze
 * them); this changes nothing it receives.
 *
 * Limits: a fetch waits for its host's rate turn, then its host's transfer slot, then a
 * transfer slot (FIFO), then the global rate turn; all of it is resp->t.queue. Timeouts
 * count from the transfer's start. A cancelled fetch keeps what it had received (bytes,
 * body so far).
 */

/* Perform req from a task and fill *resp (which the caller then owns: release it with
 * cf_response_free, whatever the result). May suspend. Returns resp->code:
 * 0 on a completed transfer (any HTTP status unless fail_on_http_error), or
 * CF_EURL, CF_EPROTO, CF_EDNS, CF_ECONNECT, CF_ETLS, CF_ESEND, CF_ERECV, CF_ETIMEDOUT,
 * CF_EHTTP, CF_ETOOBIG, CF_EREDIRECTS, CF_EBADRESP, CF_ENET, CF_ECANCELED, CF_ENOMEM,
 * CF_ENOTASK, CF_EINVAL (no client on this loop). */
int cf_fetch(const struct cf_request *req, struct cf_response *resp);

/* The transfer that is filling resp, paused by its sink (CF_SINK_PAUSE), goes on: the
 * chunk it paused on is handed to the sink again, from inside this call or on a later
 * loop iteration. Call it on the loop's thread, from outside libcurl's callbacks (a
 * timer, a thread pool's done callback). Nothing happens when resp has no transfer in
 * flight (it ended, failed or was cancelled meanwhile) or it is not paused by its sink.
 * Never suspends. Returns 0, or CF_EINVAL (resp NULL). */
int cf_fetch_resume(struct cf_response *resp);

/* Value of the first header `name` (case-insensitive) in the last response, or NULL.
 * The string is owned by resp; it stays valid until cf_response_free. */
const char *cf_response_header(struct cf_response *resp, const char *name);

/* Release what resp owns and zero it. */
void cf_response_free(struct cf_response *resp);

/* The CURLcode curl reports for a failure code: what a fetch that failed before libcurl
 * had a result of its own (cancelled, a bad URL, out of memory) and a caller's own
 * failures (a write error: 23) report. 0 for 0. Never fails. */
int cf_curl_code(int code);

/* The libcurl version string, for --version. */
const char *cf_curl_version(void);

CF_API_END

#endif

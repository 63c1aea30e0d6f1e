/*
 * server/server.h - the loopback HTTP(S) server used by the tests, the benchmarks and
 * `cofetch --demo` / `cofetch --serve PORT`.
 *
 * The server lives on a libevent event_base that the caller owns and runs. Nothing here
 * suspends or blocks: cf_server_start() binds and listens without waiting (it only reads
 * the two PEM files when TLS is asked for), and every reply is produced from loop
 * callbacks; delays are event timers, never sleeps. None of these calls is thread-safe:
 * make them all on the thread that runs the event_base, and only while it exists.
 *
 * Endpoints (GET, HEAD, POST, PUT, DELETE, OPTIONS and PATCH alike, request bodies up to
 * 1 MiB; other methods get libevent's 501, larger bodies 413; unknown paths get 404):
 *   /delay?s=SECONDS           200 "slept S\n" (S printed with %g) after S seconds
 *                              (plain decimal, fractions allowed, 0..3600).
 *   /bytes?n=N                 200 with N bytes (0..10 GiB), byte i = 'a' + i % 26
 *                              (up to 1 MiB: "Range: bytes=A-[B]" gets 206 or 416),
 *                              Content-Length N; large bodies stream in 128 KiB pieces
 *                              as the connection drains.
 *   /status/CODE[?retry_after=S]  that status (100..599, else 400), body "status CODE\n"
 *                              (none for 1xx, 204, 304; a client takes a 1xx as interim and
 *                              keeps waiting); Retry-After: S (0..86400) when asked.
 *   /redirect?n=N[&to=URL]     N > 0: 302 to /redirect?n=N-1[&to=URL] (relative Location,
 *                              `to` percent-encoded); N = 0: 302 to URL verbatim (any scheme,
 *                              e.g. file:///etc/passwd), or 200 "done\n" without `to`.
 *   /drip?n=N&interval=S       Content-Length N (0..1 MiB); headers at once, then one byte
 *                              (same pattern as /bytes) every S seconds (0..60): the body
 *                              takes N * S seconds.
 *   /reset[?n=K][&before=1][&rst=1]  headers with Content-Length 1000, then K body bytes
 *                              (0..999, default 500), then the connection is closed
 *                              mid-body. before=1 closes before any byte of the response;
 *                              rst=1 makes the close abortive: the client sees a
 *                              connection reset rather than an early end of stream.
 *   /headers                   the request headers as one JSON object, in arrival order
 *                              (a repeated header appears as a repeated member); bytes
 *                              >= 0x80 are escaped as \u00XX. application/json.
 *   /echo                      the request as received, one JSON object:
 *                              {"method":M,"uri":U,"headers":[[name,value],...],
 *                              "body_len":N,"body":B}; headers in arrival order; in U and B
 *                              control bytes and bytes >= 0x7f are \u00XX (one per byte),
 *                              so the bytes sent can be compared exactly. application/json.
 *   /etag?v=TAG                200 "etag\n" with "ETag: TAG", or 304 (no body) when the
 *                              request's If-None-Match is TAG.
 *   /setcookie?c=COOKIE        200 "ok\n" with "Set-Cookie: COOKIE" (one per c parameter).
 *   /next?n=N[&s=S][&then=T]   after S seconds (default 0), body "<url>/bytes?n=N\n", or
 *                              "<url>/delay?s=T\n" with then=T; <url> is cf_server_url().
 *   /retry?fail=K[&id=ID][&after=S]  per ID (default ""), the first K requests get 503 with
 *                              Retry-After: S (default 1, 0..86400) and body
 *                              "retry I of K\n"; later ones get 200 "ok after K\n".
 *   /gzip?n=N                  200, Content-Encoding: gzip, a gzip member of N zero bytes
 *                              (0..1 TiB; ~13 bits on the wire per 258 zeros): a
 *                              compression bomb for clients that decode.
 *   /count[?reset=1]           JSON: {"requests":R,"paths":{"/delay":n,...,"*":n},
 *                              "conns":{"open":o,"max":m,"total":t}}; reset=1 then does
 *                              cf_server_reset_stats(). The /count request itself is counted.
 *
 * Fault endpoints: replies a client must survive without losing its other transfers. Except
 * for /loop and /bigheaders they take the connection over (raw bytes, not evhttp's) and close
 * it at the end, so they never keep a connection alive; each counts like any route.
 *   /stall?s=SECONDS           reads the request, sends nothing at all for S seconds (0..3600,
 *                              fractions allowed), then closes the connection (FIN): a client
 *                              whose timeout is shorter times out; a longer one sees an empty
 *                              reply. (For a body that stalls, see /drip with a long interval.)
 *   /chunked[?n=K][&size=B][&truncate=1]  200, Transfer-Encoding: chunked, K chunks (0..1000,
 *                              default 3) of B bytes each (1..16384, default 100; the /bytes
 *                              pattern across chunks), then the terminating 0-chunk and the
 *                              close. truncate=1 closes after the K-th chunk without the
 *                              0-chunk: a truncated chunked body.
 *   /short?claim=N&send=M      200 with Content-Length N (0..10 GiB) but only M body bytes
 *                              (0..min(N, 1 MiB), the /bytes pattern), then the close.
 *   /malformed?what=W          a complete reply (body "bad\n", Connection: close) with one
 *                              fault, W one of:
 *                                status   status line "HTTP/1.1 abc"
 *                                junk     no status line at all: "this is not HTTP"
 *                                nocolon  a header line without a colon
 *                                nul      a header value with a NUL byte ("X-Nul: a\0b")
 *                                cr       a header value with a bare CR ("X-Cr: a\rb")
 *                                header   nocolon, nul and cr in one header block
 *                                length   "Content-Length: four"
 *   /huge                      200 with Content-Length 10737418240, then 4 KiB of the /bytes
 *                              pattern every 0.1 s (none while 64 KiB wait unsent) until the
 *                              client leaves: a client with a size limit must fail at the
 *                              headers without downloading anything.
 *   /loop                      302 with Location: /loop, forever.
 *   /bigheaders?kb=K[&one=1]   200 "bigheaders K\n" after K KiB (1..1024) of header lines
 *                              "X-Big-NNNN: <pattern>" of 1 KiB each (NNNN = 0000, 0001, ...);
 *                              one=1 sends a single header "X-Big: <pattern>" of K KiB instead.
 * Redirects to other schemes need no endpoint of their own: /redirect?n=0&to=gopher://... .
 * Raw fault replies are also served over TLS; a fault whose client stops reading is dropped
 * after 120 s without progress (a /stall is not: it ends when its time is up).
 *
 * Any route also takes idle=SECONDS (above 0, up to 3600, fractions allowed): the connection is
 * then closed when it has waited that long for its next request (instead of 120 s), so a client can
 * be shown a kept-alive connection that the server drops while it is idle.
 *
 * Query parameters not listed are ignored; a missing required or bad value gets 400 with a
 * one-line text/plain reason. Every route counts under its bare path ("/status/503" counts as
 * "/status"); requests that match no route count as "*".
 *
 * Connections are counted when they deliver their first request (a socket that never sends a
 * request is not seen) and uncounted when libevent closes them. A client that closes its
 * connection while its reply is in progress (a /delay timer, a /drip) is noticed at once
 * where the event backend reports peer closes (epoll), and the reply is dropped; so is a
 * client that only half-closes (shutdown(SHUT_WR)) after its request. Elsewhere it is
 * noticed when the reply is next written.
 */
#ifndef SRV_SERVER_H
#define SRV_SERVER_H

struct event_base;

typedef struct cf_server cf_server;

struct cf_server_opts {
    const char *addr;     /* numeric IPv4 or IPv6 address to bind; NULL = "127.0.0.1" */
    int port;             /* 0..65535; 0 = an ephemeral port (see cf_server_port()) */
    const char *tls_cert; /* PEM certificate chain file: serve HTTPS instead of HTTP */
    const char *tls_key;  /* PEM private key file; give both or neither */
    int quiet;            /* nonzero: do not log one line per request to stderr */
};

struct cf_server_stats {
    unsigned long requests;    /* requests handled (every route, 404s included) */
    unsigned long conns_open;  /* connections open now */
    unsigned long conns_max;   /* most connections open at once */
    unsigned long conns_total; /* connections seen since the start */
};

/*
 * Starts a server on base: binds, listens (backlog 4096) and returns at once; requests are
 * served while the caller runs base. opts may be NULL for all defaults; its strings are
 * copied or used during the call only. On success *out owns the server: free it with
 * cf_server_free() before freeing base. On failure *out is set to NULL.
 * If SIGPIPE is at its default action it is set to ignored (a client that hangs up would
 * otherwise kill the process on the next write).
 * Errors: CF_EINVAL (NULL base/out, bad port, non-numeric address, only one of
 * tls_cert/tls_key), CF_ETLS (cannot load the certificate or key, or built without TLS
 * server support), CF_EIO (socket, bind or listen failed, e.g. port in use),
 * CF_ENOMEM.
 */
int cf_server_start(struct event_base *base, const struct cf_server_opts *opts, cf_server **out);

/* The port actually bound (the ephemeral one when opts->port was 0). */
int cf_server_port(const cf_server *s);

/*
 * "http://127.0.0.1:PORT" ("https://..." with TLS, "[addr]" for IPv6), no trailing slash.
 * Owned by s, valid until cf_server_free(s).
 */
const char *cf_server_url(const cf_server *s);

/* Copies the counters into *out. */
void cf_server_stats(const cf_server *s, struct cf_server_stats *out);

/*
 * Requests seen for one route, named by its bare path ("/delay", "/status", ...), or "*" for
 * requests that matched no route. 0 for any other string.
 */
unsigned long cf_server_count_path(const cf_server *s, const char *path);

/*
 * Zeroes the request counters (total and per path) and sets conns_max to conns_open, so a
 * test can measure from a clean point; conns_open and conns_total are left as they are.
 */
void cf_server_reset_stats(cf_server *s);

/*
 * Closes the listener and every connection (replies in progress are cut off), cancels
 * pending timers and frees everything, synchronously. s may be NULL. Call it on the loop's
 * thread (from the caller's own event callbacks too), before event_base_free(base).
 */
void cf_server_free(cf_server *s);

#endif

/*
 * server_fixture.h - helpers for tests that need the loopback server (src/server/server.h).
 *
 * Two ways to run it:
 *  - In process, on the test's own event_base (e.g. the one under a cf_loop): call
 *    cf_server_start(base, &opts, &srv) in the group setup and cf_server_free(srv) in the
 *    teardown, before the base is freed. Client and server then share one loop and thread;
 *    cf_server_stats() can be read directly.
 *  - In a child process, when the test itself blocks (a plain socket, the curl command):
 *    cf_test_server_spawn() forks a child running the server on its own event_base and
 *    returns its port; cf_test_server_stop() ends it and reports whether it shut down clean
 *    (under ASan a leak in the child makes its exit status nonzero). Read its counters over
 *    HTTP with GET /count.
 *
 * cf_test_http_get() is a minimal blocking HTTP/1.1 client for the second case.
 */
#ifndef CF_TEST_SERVER_FIXTURE_H
#define CF_TEST_SERVER_FIXTURE_H

#include <stddef.h>
#include <sys/types.h>

#include "server/server.h"

struct cf_test_server {
    pid_t pid;
    int port;
    char url[80]; /* "http://127.0.0.1:PORT" ("https://" with TLS) */
};

/*
 * Forks a child that runs cf_server_start(opts) (NULL: defaults with quiet set) on a new
 * event_base until cf_test_server_stop(). Returns 0, or the child's cf_server_start() error
 * (a negative CF_E*), or CF_EIO when fork or the pipe fails. The child dies with the
 * calling thread, so a crashed test leaves no server behind.
 */
int cf_test_server_spawn(const struct cf_server_opts *opts, struct cf_test_server *ts);

/*
 * Stops the child (SIGTERM; it frees the server and the base and exits) and waits for it,
 * up to 10 s before SIGKILL. Returns its exit status: 0 for a clean shutdown, 128 + signal
 * if it was killed, -1 if it was not running.
 */
int cf_test_server_stop(struct cf_test_server *ts);

struct cf_test_response {
    int status;       /* status code, or -1 when no status line arrived */
    char *head;       /* the status line and headers, NUL-terminated */
    char *body;       /* the body bytes, NUL-terminated for convenience */
    size_t body_len;  /* bytes of body received */
    long long length; /* Content-Length, or -1 when absent */
    int error;        /* errno of a failed read (e.g. ECONNRESET); 0 on a clean EOF */
    double first_s;   /* seconds from sending the request to the first response byte */
    double total_s;   /* seconds from sending the request to the end of the response */
};

/*
 * GET target (e.g. "/bytes?n=10") from 127.0.0.1:port with "Connection: close" and the given
 * extra header lines (each ending in "\r\n"; may be NULL), then reads to end of stream. The
 * body is not de-chunked (the server always sends Content-Length). A read that times out
 * (30 s) counts as an error. Returns 0 when a response (maybe truncated) was read into *r,
 * -1 when connecting or sending failed. Free with cf_test_response_free().
 */
int cf_test_http_get(int port, const char *target, const char *extra_headers,
                     struct cf_test_response *r);

/* The value of header name (case-insensitive) copied into buf, or NULL when absent. */
const char *cf_test_response_header(const struct cf_test_response *r, const char *name, char *buf,
                                    size_t len);

void cf_test_response_free(struct cf_test_response *r);

/*
 * A throwaway self-signed certificate for 127.0.0.1 and localhost, made with the openssl
 * command in a new temporary directory. Returns 0, or -1 when openssl is missing or fails.
 */
struct cf_test_cert {
    char dir[64];
    char cert[96]; /* PEM certificate, usable as curl's --cacert */
    char key[96];  /* PEM private key */
};
int cf_test_cert_make(struct cf_test_cert *c);
void cf_test_cert_remove(struct cf_test_cert *c);

#endif

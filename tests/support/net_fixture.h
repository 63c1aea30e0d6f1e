/*
 * net_fixture.h - a loop with the loopback server on it, for the network tests.
 *
 * The group setup creates one loop and starts the server on that loop's event_base
 * (client and server then share one thread: everything is non-blocking). Each test
 * runs a main task with nf_run(), which gives the loop a fresh client with the given
 * options for that run only.
 */
#ifndef CF_NET_FIXTURE_H
#define CF_NET_FIXTURE_H

#include "cofetch/cofetch.h"
#include "cofetch/fetch.h"
#include "server/server.h"

struct nf_env {
    cf_loop *loop;
    cf_server *srv;
    const char *base; /* the server's URL, no trailing slash */
};
extern struct nf_env nf;

/* cmocka group fixtures. tls_cert/tls_key NULL: plain HTTP. */
int nf_start(const char *tls_cert, const char *tls_key);
int nf_group_setup(void **state);
int nf_group_teardown(void **state);

/* Run fn(arg) as the loop's main task with a new client (opts may be NULL), free the
 * client, and return the task's code. */
int nf_run(const struct cf_client_opts *opts, cf_task_fn *fn, void *arg);

/* nf.base + the formatted path, in one of 16 rotating static buffers. */
const char *nf_url(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A loopback TCP port that nothing listens on (bound, then closed). */
int nf_closed_port(void);

/* GET url with default options into *resp (a task helper). */
int nf_get(const char *url, struct cf_response *resp);

/* One fetch as a whole loop run, so the test asserts outside the task. Fill req with
 * cf_request_init (or nf_one_init) first; free resp with cf_response_free after. */
struct nf_one {
    struct cf_request req;
    struct cf_response resp;
    int rc;         /* what cf_fetch returned */
    double elapsed; /* seconds cf_fetch took */
};
int nf_one(const struct cf_client_opts *opts, struct nf_one *o);

/* Zeroes o and fills o->req with cf_request_init(url). */
void nf_one_init(struct nf_one *o, const char *url);

#endif

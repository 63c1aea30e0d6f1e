/* net_fixture.c - a loop with the loopback server on it, for the network tests. */
#include "net_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct nf_env nf;

int nf_start(const char *tls_cert, const char *tls_key)
{
    struct cf_server_opts so;

    memset(&so, 0, sizeof so);
    so.quiet = 1;
    so.tls_cert = tls_cert;
    so.tls_key = tls_key;
    if (cf_loop_new(&nf.loop, NULL) != 0)
        return -1;
    if (cf_server_start(cf_loop_base(nf.loop), &so, &nf.srv) != 0) {
        cf_loop_free(nf.loop);
        nf.loop = NULL;
        return -1;
    }
    nf.base = cf_server_url(nf.srv);
    return 0;
}

int nf_group_setup(void **state)
{
    (void)state;
    return nf_start(NULL, NULL);
}

int nf_group_teardown(void **state)
{
    (void)state;
    cf_server_free(nf.srv);
    cf_loop_free(nf.loop);
    memset(&nf, 0, sizeof nf);
    return 0;
}

static int settle(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return cf_sleep(0.05);
}

int nf_run(const struct cf_client_opts *opts, cf_task_fn *fn, void *arg)
{
    cf_client *c;
    int rc = cf_client_new(&c, nf.loop, opts);

    if (rc)
        return rc;
    rc = cf_loop_run(nf.loop, fn, arg, NULL);
    cf_client_free(c);
    /* Let the server notice the client's connections close, so its stats start clean. */
    cf_loop_run(nf.loop, settle, NULL, NULL);
    return rc;
}

const char *nf_url(const char *fmt, ...)
{
    static char bufs[16][512];
    static unsigned next;
    char *b = bufs[next++ % 16];
    size_t n = (size_t)snprintf(b, sizeof bufs[0], "%s", nf.base);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(b + n, sizeof bufs[0] - n, fmt, ap);
    va_end(ap);
    return b;
}

int nf_closed_port(void)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0 &&
        getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        port = ntohs(sa.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

int nf_get(const char *url, struct cf_response *resp)
{
    struct cf_request req;
    cf_request_init(&req, url);
    return cf_fetch(&req, resp);
}

static int one_task(void *arg, void **result)
{
    struct nf_one *o = arg;
    double t0 = cf_loop_time();

    (void)result;
    o->rc = cf_fetch(&o->req, &o->resp);
    o->elapsed = cf_loop_time() - t0;
    return 0;
}

int nf_one(const struct cf_client_opts *opts, struct nf_one *o)
{
    return nf_run(opts, one_task, o);
}

void nf_one_init(struct nf_one *o, const char *url)
{
    memset(o, 0, sizeof *o);
    cf_request_init(&o->req, url);
}

/*
 * test_fetch_tls.c - HTTPS against the loopback server with a throwaway self-signed
 * certificate: verification is on by default (CF_ETLS), a CA file or `insecure` gets
 * through.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cmocka.h>

#include "net_fixture.h"
#include "server_fixture.h"

static struct cf_test_cert cert;
static int have_tls;

static int group_setup(void **state)
{
    (void)state;
    if (cf_test_cert_make(&cert) != 0)
        return 0;
    have_tls = nf_start(cert.cert, cert.key) == 0;
    return 0;
}

static int group_teardown(void **state)
{
    if (have_tls)
        nf_group_teardown(state);
    cf_test_cert_remove(&cert);
    return 0;
}

static void verify_by_default(void **state)
{
    struct nf_one o;
    (void)state;
    if (!have_tls) {
        skip(); /* no openssl command or the server was built without TLS */
    }
    assert_true(strncmp(nf.base, "https://", 8) == 0);
    nf_one_init(&o, nf_url("/bytes?n=10"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ETLS);
    /* libcurl's own message, and the code curl exits with for a failed verification */
    assert_non_null(strstr(o.resp.error, "certificate"));
    assert_null(strstr(o.resp.error, "TLS error"));
    assert_int_equal(o.resp.curl_code, 60);
    cf_response_free(&o.resp);
}

static void cafile_or_insecure(void **state)
{
    struct nf_one o;
    (void)state;
    if (!have_tls) {
        skip();
    }
    nf_one_init(&o, nf_url("/bytes?n=10"));
    o.req.cafile = cert.cert;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.status, 200);
    assert_string_equal(o.resp.body, "abcdefghij");
    assert_true(o.resp.t.tls > 0);
    assert_true(o.resp.t.tls >= o.resp.t.connect);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/bytes?n=10"));
    o.req.insecure = 1;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    cf_response_free(&o.resp);
}

/* The CA store is built once for the client: 20 new TLS connections at once open the CA
 * file once (inotify counts the opens), not once each. libcurl caches the store only
 * without a CA directory, and Debian's sets one: every handshake used to parse the
 * whole bundle again (20 ms each with the system's ~145 certificates). */
struct twenty {
    struct cf_response resp[20];
    int rc[20];
};

static int one_tls(void *arg, void **res)
{
    struct cf_response *resp = arg;
    struct cf_request req;
    (void)res;
    cf_request_init(&req, nf_url("/delay?s=0.2"));
    req.cafile = cert.cert;
    return cf_fetch(&req, resp);
}

static int twenty_main(void *arg, void **res)
{
    struct twenty *t = arg;
    cf_task *task[20];
    (void)res;
    for (int i = 0; i < 20; i++)
        assert_int_equal(cf_spawn(&task[i], one_tls, &t->resp[i]), 0);
    cf_gather(task, 20, CF_GATHER_RETURN_EXCEPTIONS, NULL, t->rc);
    for (int i = 0; i < 20; i++)
        cf_task_unref(task[i]);
    return 0;
}

static void ca_store_built_once(void **state)
{
    static struct twenty t;
    char buf[4096];
    int fd, wd, opens = 0;
    ssize_t n;
    (void)state;
    if (!have_tls) {
        skip();
    }
    fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    assert_true(fd >= 0);
    /* Opens and closes alternate, so the kernel does not merge the opens into one event. */
    wd = inotify_add_watch(fd, cert.cert, IN_OPEN | IN_CLOSE_NOWRITE);
    assert_true(wd >= 0);
    assert_int_equal(nf_run(NULL, twenty_main, &t), 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(t.rc[i], 0);
        cf_response_free(&t.resp[i]);
    }
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (char *p = buf; p < buf + n;
             p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len)
            opens += (((struct inotify_event *)p)->mask & IN_OPEN) != 0;
    close(fd);
    if (opens > 2)
        fail_msg("the CA file was opened %d times for 20 connections", opens);
    assert_true(opens >= 1);
}

/* What verification accepts: a CA directory (hashed with openssl rehash) holding the
 * server's certificate; not a CA file of another certificate. */
static void capath_and_strangers(void **state)
{
    struct cf_test_cert other;
    char dir[] = "/tmp/cofetch-capath-XXXXXX", cmd[512];
    struct nf_one o;
    (void)state;
    if (!have_tls) {
        skip();
    }
    assert_non_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd, "cp %s %s/ && openssl rehash %s >/dev/null 2>&1", cert.cert, dir,
             dir);
    assert_int_equal(system(cmd), 0);
    nf_one_init(&o, nf_url("/bytes?n=3"));
    o.req.capath = dir;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    cf_response_free(&o.resp);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);

    assert_int_equal(cf_test_cert_make(&other), 0);
    nf_one_init(&o, nf_url("/bytes?n=3"));
    o.req.cafile = other.cert;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ETLS);
    cf_response_free(&o.resp);
    cf_test_cert_remove(&other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        // clang-format off
        cmocka_unit_test(verify_by_default),
        cmocka_unit_test(cafile_or_insecure),
        cmocka_unit_test(ca_store_built_once),
        cmocka_unit_test(capath_and_strangers),
        // clang-format on
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

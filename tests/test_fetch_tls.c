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

/* A file made by a shell command line (cmd formats the paths in). */
static void shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void shell(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    fflush(NULL);
    assert_int_equal(system(cmd), 0);
}

/* One fetch of /bytes?n=3 verified against cafile: cf_fetch's code. */
static int fetch_with(const char *cafile)
{
    struct nf_one o;
    nf_one_init(&o, nf_url("/bytes?n=3"));
    o.req.cafile = cafile;
    assert_int_equal(nf_one(NULL, &o), 0);
    if (o.rc == 0)
        assert_int_equal(o.resp.status, 200);
    cf_response_free(&o.resp);
    return o.rc;
}

/* A bundle is decoded certificate by certificate as chains need them (castore.c), so
 * what it trusts must be what the whole file trusts: the system's bundle with a
 * namesake of the server's certificate (the same subject, another key) before or after
 * it verifies; the system's bundle and the namesake alone do not. */
static void bundle_of_many_with_namesakes(void **state)
{
    struct cf_test_cert other;
    const char *sys = "/etc/ssl/certs/ca-certificates.crt";
    char b1[128], b2[128], b3[128];
    (void)state;
    if (!have_tls) {
        skip();
    }
    assert_int_equal(cf_test_cert_make(&other), 0);
    if (access(sys, R_OK) != 0)
        sys = other.cert; /* no system bundle: the namesake twice */
    snprintf(b1, sizeof b1, "%s/after.pem", other.dir);
    snprintf(b2, sizeof b2, "%s/before.pem", other.dir);
    snprintf(b3, sizeof b3, "%s/without.pem", other.dir);
    shell("cat %s %s %s > %s", sys, other.cert, cert.cert, b1);
    shell("cat %s %s %s > %s", cert.cert, sys, other.cert, b2);
    shell("cat %s %s > %s", sys, other.cert, b3);
    assert_int_equal(fetch_with(b1), 0);
    assert_int_equal(fetch_with(b2), 0);
    assert_int_equal(fetch_with(b3), CF_ETLS);
    unlink(b1);
    unlink(b2);
    unlink(b3);
    cf_test_cert_remove(&other);
}

/* A "TRUSTED CERTIFICATE" keeps its trust settings: trusted for serverAuth it
 * verifies, rejected for it it is refused, as curl refuses it. */
static void trust_settings_kept(void **state)
{
    char ok[128], no[128];
    (void)state;
    if (!have_tls) {
        skip();
    }
    snprintf(ok, sizeof ok, "%s/trusted.pem", cert.dir);
    snprintf(no, sizeof no, "%s/rejected.pem", cert.dir);
    shell("openssl x509 -in %s -addtrust serverAuth -out %s", cert.cert, ok);
    shell("openssl x509 -in %s -addreject serverAuth -out %s", cert.cert, no);
    assert_int_equal(fetch_with(ok), 0);
    assert_int_equal(fetch_with(no), CF_ETLS);
    unlink(ok);
    unlink(no);
}

/* A file with more than certificates in it (here the server's key) is libcurl's to
 * load, and verifies as before. */
static void bundle_with_a_key(void **state)
{
    char both[128];
    (void)state;
    if (!have_tls) {
        skip();
    }
    snprintf(both, sizeof both, "%s/both.pem", cert.dir);
    shell("cat %s %s > %s", cert.key, cert.cert, both);
    assert_int_equal(fetch_with(both), 0);
    unlink(both);
}

/* One client, three requests with their own CA files: each is verified against its own
 * file, never against a store another request's file filled. */
struct three {
    const char *file[3];
    int rc[3];
};

static int three_main(void *arg, void **res)
{
    struct three *t = arg;
    (void)res;
    for (int i = 0; i < 3; i++) {
        struct cf_request req;
        struct cf_response resp;
        cf_request_init(&req, nf_url("/bytes?n=2"));
        req.cafile = t->file[i];
        t->rc[i] = cf_fetch(&req, &resp);
        cf_response_free(&resp);
    }
    return 0;
}

static void bundle_per_request(void **state)
{
    struct cf_test_cert other;
    struct three t;
    (void)state;
    if (!have_tls) {
        skip();
    }
    assert_int_equal(cf_test_cert_make(&other), 0);
    t.file[0] = cert.cert;
    t.file[1] = other.cert;
    t.file[2] = cert.cert;
    assert_int_equal(nf_run(NULL, three_main, &t), 0);
    assert_int_equal(t.rc[0], 0);
    assert_int_equal(t.rc[1], CF_ETLS);
    assert_int_equal(t.rc[2], 0);
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
        cmocka_unit_test(bundle_of_many_with_namesakes),
        cmocka_unit_test(trust_settings_kept),
        cmocka_unit_test(bundle_with_a_key),
        cmocka_unit_test(bundle_per_request),
        // clang-format on
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

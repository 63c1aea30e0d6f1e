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
#include <string.h>

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
    assert_true(strncmp(o.resp.error, "TLS error: ", 11) == 0);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        // clang-format off
        cmocka_unit_test(verify_by_default),
        cmocka_unit_test(cafile_or_insecure),
        // clang-format on
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

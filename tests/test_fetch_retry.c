/*
 * test_fetch_retry.c - retries: transient failures, backoff with jitter, Retry-After as
 * a minimum, attempts recorded, cancellation during a backoff; and the backoff and
 * Retry-After arithmetic on its own (white box, through the private header).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/net/client.h"
#include "../src/net/retry.h"
#include "net_fixture.h"

static void retries_until_ok(void **state)
{
    struct nf_one o;
    (void)state;
    cf_server_reset_stats(nf.srv);
    nf_one_init(&o, nf_url("/retry?fail=2&id=ok1&after=0"));
    o.req.retries = 3;
    o.req.retry_delay = 0.05;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.status, 200);
    assert_string_equal(o.resp.body, "ok after 2\n"); /* 503 bodies were not kept */
    assert_int_equal(o.resp.attempts, 3);
    assert_int_equal(cf_server_count_path(nf.srv, "/retry"), 3);
    assert_int_equal(o.resp.attempt[0].status, 503);
    assert_int_equal(o.resp.attempt[1].status, 503);
    assert_int_equal(o.resp.attempt[2].status, 200);
    /* Equal jitter: wait k in [d/2, d] with d = 0.05 * 2^k. */
    assert_true(o.resp.attempt[0].wait >= 0.025 && o.resp.attempt[0].wait <= 0.05);
    assert_true(o.resp.attempt[1].wait >= 0.05 && o.resp.attempt[1].wait <= 0.1);
    assert_true(o.resp.attempt[2].wait == 0);
    for (int i = 1; i < 3; i++) {
        const struct cf_attempt *p = &o.resp.attempt[i - 1];
        assert_true(o.resp.attempt[i].start >= p->start + p->total + p->wait - 0.005);
    }
    assert_true(o.resp.start == o.resp.attempt[0].start);
    assert_string_equal(o.resp.error, "");
    cf_response_free(&o.resp);
}

static void retry_after_is_a_minimum(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/retry?fail=1&id=after1&after=1"));
    o.req.retries = 1;
    o.req.retry_delay = 0.01;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.attempts, 2);
    assert_true(o.resp.attempt[0].wait >= 1.0);
    assert_true(o.resp.attempt[1].start - o.resp.attempt[0].start >= 0.99);
    assert_true(o.elapsed >= 0.99 && o.elapsed < 3);
    cf_response_free(&o.resp);
}

static void no_retries_by_default(void **state)
{
    struct nf_one o;
    (void)state;
    cf_server_reset_stats(nf.srv);
    nf_one_init(&o, nf_url("/retry?fail=1&id=none1&after=0"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.status, 503);
    assert_string_equal(o.resp.body, "retry 1 of 1\n");
    assert_int_equal(o.resp.attempts, 1);
    assert_int_equal(cf_server_count_path(nf.srv, "/retry"), 1);
    cf_response_free(&o.resp);
}

static void retries_exhausted(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/retry?fail=5&id=exh1&after=0"));
    o.req.retries = 2;
    o.req.retry_delay = 0.01;
    o.req.fail_on_http_error = 1;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EHTTP);
    assert_int_equal(o.resp.status, 503);
    assert_int_equal(o.resp.attempts, 3);
    /* as curl -f: the failed response's body is neither delivered nor counted */
    assert_true(o.resp.body == NULL || o.resp.body[0] == '\0');
    assert_int_equal(o.resp.bytes, 0);
    assert_int_equal(o.resp.curl_code, 22);
    cf_response_free(&o.resp);
}

static void connect_errors_are_retried(void **state)
{
    char url[64];
    struct nf_one o;
    (void)state;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", nf_closed_port());
    nf_one_init(&o, url);
    o.req.retries = 2;
    o.req.retry_delay = 0.05;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ECONNECT);
    assert_int_equal(o.resp.attempts, 3);
    assert_int_equal(o.resp.attempt[2].code, CF_ECONNECT);
    assert_true(strncmp(o.resp.error, "Failed to connect to ", 21) == 0);
    assert_int_equal(o.resp.curl_code, 7);
    assert_true(o.elapsed >= 0.07);
    cf_response_free(&o.resp);

    /* Not transient: DNS failures are not retried. */
    nf_one_init(&o, "http://nothing.invalid/");
    o.req.retries = 2;
    o.req.retry_delay = 0.05;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EDNS);
    assert_int_equal(o.resp.attempts, 1);
    cf_response_free(&o.resp);
}

static void other_5xx_only_when_asked(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/status/500"));
    o.req.retries = 1;
    o.req.retry_delay = 0.01;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.resp.attempts, 1);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/status/500"));
    o.req.retries = 1;
    o.req.retry_delay = 0.01;
    o.req.retry_all_5xx = 1;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.resp.attempts, 2);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/status/429?retry_after=0"));
    o.req.retries = 1;
    o.req.retry_delay = 0.01;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.resp.attempts, 2);
    cf_response_free(&o.resp);
}

/* A Retry-After beyond 300 s is not waited for: the response is returned. */
static void huge_retry_after_gives_up(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/status/503?retry_after=3600"));
    o.req.retries = 3;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.status, 503);
    assert_int_equal(o.resp.attempts, 1);
    assert_true(o.elapsed < 1);
    cf_response_free(&o.resp);
}

struct cancel_backoff {
    struct nf_one o;
    double elapsed;
};

static int backoff_fetch(void *arg, void **res)
{
    struct nf_one *o = arg;
    (void)res;
    o->rc = cf_fetch(&o->req, &o->resp);
    return o->rc;
}

static int cancel_backoff_task(void *arg, void **res)
{
    struct cancel_backoff *cb = arg;
    double t0 = cf_loop_time();
    cf_task *t;
    (void)res;
    cf_spawn(&t, backoff_fetch, &cb->o);
    cf_sleep(0.3);
    cf_task_cancel(t);
    cf_task_await(t, NULL);
    cf_task_unref(t);
    cb->elapsed = cf_loop_time() - t0;
    return 0;
}

static void cancel_during_backoff(void **state)
{
    struct cancel_backoff cb;
    (void)state;
    memset(&cb, 0, sizeof cb);
    cf_request_init(&cb.o.req, nf_url("/retry?fail=3&id=cancel1&after=5"));
    cb.o.req.retries = 3;
    assert_int_equal(nf_run(NULL, cancel_backoff_task, &cb), 0);
    assert_int_equal(cb.o.rc, CF_ECANCELED);
    assert_int_equal(cb.o.resp.code, CF_ECANCELED);
    assert_int_equal(cb.o.resp.attempts, 1);
    assert_true(cb.elapsed < 1.0);
    cf_response_free(&cb.o.resp);
}

/* ---- the arithmetic ---- */

static void backoff_arithmetic(void **state)
{
    struct cf_request req;
    cf_client c;
    (void)state;

    memset(&c, 0, sizeof c);
    c.rng = 88172645463325252ull;
    cf_request_init(&req, "http://x/");
    req.retry_delay = 1;
    for (int i = 0; i < 100; i++) {
        double d2 = cf_retry_backoff(&c, &req, 2, -1);
        double d4 = cf_retry_backoff(&c, &req, 4, -1);
        double d40 = cf_retry_backoff(&c, &req, 40, -1);
        assert_true(d2 >= 0.5 && d2 <= 1.0);
        assert_true(d4 >= 2.0 && d4 <= 4.0);
        assert_true(d40 >= 15.0 && d40 <= 30.0); /* capped */
        assert_true(cf_retry_backoff(&c, &req, 2, 7) == 7);
    }
    assert_true(cf_retry_backoff(&c, &req, 2, 301) < 0);

    assert_int_equal(cf_retry_transient(&req, 0, 503), 1);
    assert_int_equal(cf_retry_transient(&req, 0, 429), 1);
    assert_int_equal(cf_retry_transient(&req, 0, 502), 0);
    assert_int_equal(cf_retry_transient(&req, CF_ETIMEDOUT, 0), 1);
    assert_int_equal(cf_retry_transient(&req, CF_ERECV, 0), 0);
    req.retry_all_5xx = 1;
    assert_int_equal(cf_retry_transient(&req, 0, 502), 1);
    assert_int_equal(cf_retry_transient(&req, 0, 404), 0);
}

static void retry_after_parsing(void **state)
{
    struct cf_response resp;
    char date[64];
    time_t soon = time(NULL) + 100;
    (void)state;

    memset(&resp, 0, sizeof resp);
    resp.headers = strdup("HTTP/1.1 503 x\r\nRetry-After: 12\r\n\r\n");
    resp.headers_len = strlen(resp.headers);
    assert_true(cf_retry_after(&resp) == 12);
    cf_response_free(&resp);

    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime(&soon));
    resp.headers = malloc(128);
    snprintf(resp.headers, 128, "HTTP/1.1 503 x\r\nretry-after: %s\r\n\r\n", date);
    resp.headers_len = strlen(resp.headers);
    assert_true(cf_retry_after(&resp) >= 95 && cf_retry_after(&resp) <= 100);
    cf_response_free(&resp);

    resp.headers = strdup("HTTP/1.1 503 x\r\nRetry-After: soon\r\n\r\n");
    resp.headers_len = strlen(resp.headers);
    assert_true(cf_retry_after(&resp) < 0);
    cf_response_free(&resp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        // clang-format off
        cmocka_unit_test(retries_until_ok),
        cmocka_unit_test(retry_after_is_a_minimum),
        cmocka_unit_test(no_retries_by_default),
        cmocka_unit_test(retries_exhausted),
        cmocka_unit_test(connect_errors_are_retried),
        cmocka_unit_test(other_5xx_only_when_asked),
        cmocka_unit_test(huge_retry_after_gives_up),
        cmocka_unit_test(cancel_during_backoff),
        cmocka_unit_test(backoff_arithmetic),
        cmocka_unit_test(retry_after_parsing),
        // clang-format on
    };
    return cmocka_run_group_tests(tests, nf_group_setup, nf_group_teardown);
}

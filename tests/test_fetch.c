/*
 * test_fetch.c - cf_fetch basics against the loopback server: a GET and what comes
 * back, every failure a single transfer can end with, redirects, protocols, sinks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "net_fixture.h"

/* want_info: what curl's -w reads of libcurl, for the last attempt */
static void want_info(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/bytes?n=10"));
    o.req.want_info = 1;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_non_null(o.resp.info);
    assert_string_equal(o.resp.info->remote_ip, "127.0.0.1");
    assert_true(o.resp.info->remote_port > 0);
    assert_string_equal(o.resp.info->method, "GET");
    assert_string_equal(o.resp.info->content_type, "application/octet-stream");
    assert_true(o.resp.info->num_connects >= 0);
    assert_true(o.resp.info->size_header > 0);
    cf_response_free(&o.resp);
}

static void get_ok(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/bytes?n=1000"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.code, 0);
    assert_string_equal(o.resp.error, "");
    assert_int_equal(o.resp.status, 200);
    assert_int_equal(o.resp.body_len, 1000);
    assert_int_equal(o.resp.bytes, 1000);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(o.resp.body[i], 'a' + (int)(i % 26));
    assert_int_equal(o.resp.body[1000], '\0');
    assert_string_equal(cf_response_header(&o.resp, "Content-Length"), "1000");
    assert_string_equal(cf_response_header(&o.resp, "content-LENGTH"), "1000");
    assert_null(o.resp.info); /* not asked for: not collected */
    assert_int_equal(o.resp.size_download, 1000);
    assert_null(cf_response_header(&o.resp, "X-Not-There"));
    assert_string_equal(o.resp.effective_url, nf_url("/bytes?n=1000"));
    assert_int_equal(o.resp.http_version, 11);
    assert_int_equal(o.resp.redirects, 0);
    assert_int_equal(o.resp.attempts, 1);
    assert_int_equal(o.resp.attempt[0].status, 200);
    assert_true(o.resp.t.total > 0 && o.resp.t.total < 5);
    assert_true(o.resp.t.ttfb <= o.resp.t.total);
    assert_true(o.resp.t.connect <= o.resp.t.ttfb);
    assert_true(o.resp.t.queue < 0.5);
    assert_true(o.resp.start >= 0 && o.resp.end >= o.resp.start);
    assert_non_null(strstr(o.resp.headers, "HTTP/1.1 200"));
    cf_response_free(&o.resp);
    assert_null(o.resp.body);
}

static void empty_body_is_empty_string(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/bytes?n=0"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_non_null(o.resp.body);
    assert_string_equal(o.resp.body, "");
    cf_response_free(&o.resp);
}

static void request_headers_and_user_agent(void **state)
{
    static const char *const hdrs[] = {"X-Cofetch-Test: yes please", NULL};
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/headers"));
    o.req.headers = hdrs;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_non_null(strstr(o.resp.body, "\"X-Cofetch-Test\":\"yes please\""));
    assert_non_null(strstr(o.resp.body, "cofetch/"));
    /* The User-Agent carries the version CMakeLists.txt gives every target. */
    assert_non_null(strstr(o.resp.body, "cofetch/" CF_VERSION "\""));
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/headers"));
    o.req.user_agent = "tester/9";
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_non_null(strstr(o.resp.body, "tester/9"));
    cf_response_free(&o.resp);
}

static void connection_refused(void **state)
{
    char url[64];
    struct nf_one o;
    (void)state;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", nf_closed_port());
    nf_one_init(&o, url);
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ECONNECT);
    assert_int_equal(o.resp.code, CF_ECONNECT);
    assert_int_equal(o.resp.status, 0);
    /* libcurl's own message, once (no "could not connect: " before it), and curl's code */
    assert_true(strncmp(o.resp.error, "Failed to connect to 127.0.0.1 port ", 36) == 0);
    assert_null(strstr(o.resp.error, "could not connect"));
    assert_int_equal(o.resp.curl_code, 7);
    assert_int_equal(o.resp.attempt[0].curl_code, 7);
    cf_response_free(&o.resp);
}

static void unresolvable_host(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, "http://nothing.invalid/");
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EDNS);
    assert_non_null(strstr(o.resp.error, "nothing.invalid"));
    assert_true(o.elapsed < 10);
    cf_response_free(&o.resp);
}

/* A proxy named in the environment carries the request (our server answers an
 * absolute-form request by its path); with none, the name must resolve. The client
 * tells libcurl "no proxy" itself when no variable names one: it must not miss one. */
static void proxy_from_environment(void **state)
{
    struct nf_one o;
    char proxy[64];
    const char *url = "http://proxied.invalid/bytes?n=5";

    (void)state;
    snprintf(proxy, sizeof proxy, "http://127.0.0.1:%d", cf_server_port(nf.srv));
    assert_int_equal(setenv("http_proxy", proxy, 1), 0);
    nf_one_init(&o, url);
    assert_int_equal(nf_one(NULL, &o), 0);
    unsetenv("http_proxy");
    assert_int_equal(o.rc, 0);
    assert_string_equal(o.resp.body, "abcde");
    cf_response_free(&o.resp);

    nf_one_init(&o, url);
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EDNS);
    cf_response_free(&o.resp);

    /* no_proxy alone names no proxy; ALL_PROXY in upper case does. */
    assert_int_equal(setenv("no_proxy", "example.com", 1), 0);
    nf_one_init(&o, url);
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EDNS);
    cf_response_free(&o.resp);
    assert_int_equal(setenv("ALL_PROXY", proxy, 1), 0);
    nf_one_init(&o, url);
    assert_int_equal(nf_one(NULL, &o), 0);
    unsetenv("ALL_PROXY");
    unsetenv("no_proxy");
    assert_int_equal(o.rc, 0);
    assert_string_equal(o.resp.body, "abcde");
    cf_response_free(&o.resp);
}

static void malformed_url(void **state)
{
    char url[1000];
    struct nf_one o;
    (void)state;
    nf_one_init(&o, "http://");
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EURL);
    assert_string_equal(o.resp.error, "malformed URL: http://");
    cf_response_free(&o.resp);

    /* The message names the input, cut at 255 bytes. */
    memset(url, 'x', sizeof url - 1);
    memcpy(url, "http://[", 8);
    url[sizeof url - 1] = '\0';
    nf_one_init(&o, url);
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EURL);
    assert_int_equal(strlen(o.resp.error), 255);
    assert_true(strncmp(o.resp.error, "malformed URL: http://[xxx", 26) == 0);
    cf_response_free(&o.resp);
}

static void total_timeout(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/delay?s=2"));
    o.req.timeout = 0.3;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ETIMEDOUT);
    assert_true(o.elapsed >= 0.28);
    assert_true(o.elapsed < 1.5);
    assert_true(strncmp(o.resp.error, "Operation timed out after ", 26) == 0);
    assert_int_equal(o.resp.curl_code, 28);
    cf_response_free(&o.resp);
}

static void reset_mid_body(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/reset?n=500"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ERECV);
    assert_int_equal(o.resp.status, 200);
    assert_int_equal(o.resp.bytes, 500);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/reset?n=100&rst=1"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ERECV);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/reset?before=1"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ERECV);
    assert_int_equal(o.resp.status, 0);
    cf_response_free(&o.resp);
}

static void slow_body_low_speed(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/drip?n=100&interval=0.3"));
    o.req.low_speed_limit = 1000;
    o.req.low_speed_time = 1;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ETIMEDOUT);
    assert_true(o.elapsed >= 0.9);
    assert_true(o.elapsed < 10);
    assert_true(o.resp.bytes > 0 && o.resp.bytes < 100);
    cf_response_free(&o.resp);
}

static void body_over_cap(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/bytes?n=10000"));
    o.req.max_body = 1000;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_ETOOBIG);
    assert_non_null(strstr(o.resp.error, "Maximum file size exceeded"));
    assert_int_equal(o.resp.curl_code, 63);
    cf_response_free(&o.resp);

    /* At the cap exactly is fine. */
    nf_one_init(&o, nf_url("/bytes?n=1000"));
    o.req.max_body = 1000;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    cf_response_free(&o.resp);
}

static void redirects(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/redirect?n=3"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.status, 200);
    assert_int_equal(o.resp.redirects, 3);
    assert_string_equal(o.resp.body, "done\n");
    assert_non_null(strstr(o.resp.effective_url, "n=0"));
    /* Headers of the last response only. */
    assert_null(cf_response_header(&o.resp, "Location"));
    assert_null(strstr(o.resp.headers, "302"));
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/redirect?n=5"));
    o.req.max_redirects = 2;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EREDIRECTS);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/redirect?n=2"));
    o.req.follow = 0;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.status, 302);
    assert_non_null(cf_response_header(&o.resp, "location"));
    cf_response_free(&o.resp);
}

static void protocols_http_only(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/redirect?n=1&to=file%%3A%%2F%%2F%%2Fetc%%2Fpasswd"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EPROTO);
    assert_null(o.resp.body);
    cf_response_free(&o.resp);

    nf_one_init(&o, "file:///etc/passwd");
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EPROTO);
    cf_response_free(&o.resp);

    nf_one_init(&o, "gopher://127.0.0.1:1/");
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EPROTO);
    cf_response_free(&o.resp);

    /* Narrower than the default: https only refuses http. */
    nf_one_init(&o, nf_url("/bytes?n=1"));
    o.req.protocols = "https";
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EPROTO);
    cf_response_free(&o.resp);
}

static void http_status_and_fail(void **state)
{
    struct nf_one o;
    (void)state;
    nf_one_init(&o, nf_url("/status/404"));
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.status, 404);
    assert_string_equal(o.resp.body, "status 404\n");
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/status/404"));
    o.req.fail_on_http_error = 1;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EHTTP);
    assert_string_equal(o.resp.error, "The requested URL returned error: 404");
    assert_int_equal(o.resp.curl_code, 22);
    assert_int_equal(o.resp.bytes, 0); /* as curl -f: the failed response's body is not counted */
    cf_response_free(&o.resp);

    /* The method and the body are sent as asked (/echo shows what arrived). */
    nf_one_init(&o, nf_url("/echo"));
    o.req.method = "DELETE";
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.resp.status, 200);
    assert_non_null(strstr(o.resp.body, "\"method\":\"DELETE\""));
    assert_non_null(strstr(o.resp.body, "\"body_len\":0,"));
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/echo"));
    o.req.body = "x=1";
    o.req.body_len = 3;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.resp.status, 200);
    assert_non_null(strstr(o.resp.body, "\"method\":\"POST\""));
    assert_non_null(strstr(o.resp.body, "\"body_len\":3,\"body\":\"x=1\"}"));
    cf_response_free(&o.resp);
}

/* ---- sinks ---- */

struct counter {
    size_t bytes, calls;
    int fail_after; /* calls; 0 = never */
};

static int count_sink(void *ctx, const void *data, size_t len)
{
    struct counter *c = ctx;
    (void)data;
    c->bytes += len;
    c->calls++;
    return c->fail_after && (int)c->calls >= c->fail_after ? CF_EIO : 0;
}

static void sinks(void **state)
{
    struct nf_one o;
    struct counter cnt = {0, 0, 0};
    char path[] = "/tmp/cofetch-sink-XXXXXX";
    int fd = mkstemp(path);
    char buf[64];
    (void)state;

    assert_true(fd >= 0);
    unlink(path);
    nf_one_init(&o, nf_url("/bytes?n=52"));
    o.req.sink = CF_SINK_FD;
    o.req.sink_fd = fd;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.bytes, 52);
    assert_null(o.resp.body);
    assert_int_equal(pread(fd, buf, sizeof buf, 0), 52);
    assert_memory_equal(buf, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz", 52);
    close(fd);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/bytes?n=100000"));
    o.req.sink = CF_SINK_DISCARD;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.bytes, 100000);
    assert_null(o.resp.body);
    cf_response_free(&o.resp);

    nf_one_init(&o, nf_url("/bytes?n=300000"));
    o.req.sink = CF_SINK_CALLBACK;
    o.req.sink_fn = count_sink;
    o.req.sink_ctx = &cnt;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(cnt.bytes, 300000);
    cf_response_free(&o.resp);

    memset(&cnt, 0, sizeof cnt);
    cnt.fail_after = 1;
    nf_one_init(&o, nf_url("/bytes?n=300000"));
    o.req.sink = CF_SINK_CALLBACK;
    o.req.sink_fn = count_sink;
    o.req.sink_ctx = &cnt;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, CF_EIO);
    assert_int_equal(cnt.calls, 1);
    cf_response_free(&o.resp);
}

/* A sink that answers CF_SINK_PAUSE to every other chunk and resumes from a timer: the
 * chunk comes again, the body arrives whole and in order, and bytes counts it once. */
struct pauser {
    struct cf_response *resp;
    size_t bytes;
    int calls, pauses, bad;
    int paused; /* a resume is pending */
};

static void resume_later(void *arg)
{
    struct pauser *p = arg;
    p->paused = 0;
    assert_int_equal(cf_fetch_resume(p->resp), 0);
}

static int pause_sink(void *ctx, const void *data, size_t len)
{
    struct pauser *p = ctx;
    const char *d = data;

    if (p->paused)
        p->bad++; /* a chunk while paused */
    if (p->calls++ % 2 == 0) {
        p->paused = 1;
        p->pauses++;
        assert_int_equal(cf_loop_call_later(nf.loop, 0.001, resume_later, p, NULL), 0);
        return CF_SINK_PAUSE;
    }
    for (size_t i = 0; i < len; i++)
        if (d[i] != (char)('a' + (p->bytes + i) % 26))
            p->bad++;
    p->bytes += len;
    return 0;
}

static void sink_pause(void **state)
{
    struct nf_one o;
    struct pauser p = {0};
    (void)state;

    nf_one_init(&o, nf_url("/bytes?n=300000"));
    o.req.sink = CF_SINK_CALLBACK;
    o.req.sink_fn = pause_sink;
    o.req.sink_ctx = &p;
    p.resp = &o.resp;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(p.bytes, 300000);
    assert_int_equal(o.resp.bytes, 300000);
    assert_true(p.pauses >= 2);
    assert_int_equal(p.bad, 0);
    /* Once the fetch is over there is nothing to resume. */
    assert_int_equal(cf_fetch_resume(&o.resp), 0);
    assert_int_equal(cf_fetch_resume(NULL), CF_EINVAL);
    cf_response_free(&o.resp);
}

/* ---- API edges ---- */

static int no_client_task(void *arg, void **res)
{
    struct cf_response *resp = arg;
    (void)res;
    return nf_get(nf_url("/bytes?n=1"), resp);
}

static void api_edges(void **state)
{
    struct cf_response resp;
    struct cf_request req;
    cf_client *c, *c2;
    (void)state;

    assert_non_null(cf_curl_version());
    assert_true(strchr(cf_curl_version(), '.') != NULL);

    cf_request_init(&req, "http://127.0.0.1:1/");
    assert_int_equal(cf_fetch(&req, &resp), CF_ENOTASK);
    assert_int_equal(resp.code, CF_ENOTASK);
    cf_response_free(&resp);

    /* No client on the loop. */
    assert_int_equal(cf_loop_run(nf.loop, no_client_task, &resp, NULL), CF_EINVAL);
    assert_int_equal(resp.code, CF_EINVAL);
    cf_response_free(&resp);

    /* One client per loop. */
    assert_int_equal(cf_client_new(&c, nf.loop, NULL), 0);
    assert_int_equal(cf_client_new(&c2, nf.loop, NULL), CF_EINVAL);
    cf_client_free(c);
    assert_int_equal(cf_client_new(&c, nf.loop, NULL), 0);
    cf_client_free(c);
    cf_client_free(NULL);
}

/* A connection is kept between fetches; one the server drops while it is idle is
 * noticed without the loop spinning on it, and the next fetch opens another. */
struct kept {
    unsigned long opened_by_ten; /* connections the server accepted for ten fetches */
    unsigned long opened_after;  /* ... for one more, after the drop */
    double idle_cpu;             /* CPU seconds while waiting with the dropped one */
    int rc;
};

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

static int kept_task(void *arg, void **res)
{
    struct kept *k = arg;
    struct cf_server_stats st;
    struct cf_response r;
    unsigned long before;
    double cpu;

    (void)res;
    cf_server_stats(nf.srv, &st);
    before = st.conns_total;
    for (int i = 0; i < 10 && k->rc == 0; i++) {
        k->rc = nf_get(nf_url("/bytes?n=5%s", i == 9 ? "&idle=0.1" : ""), &r);
        cf_response_free(&r);
    }
    cf_server_stats(nf.srv, &st);
    k->opened_by_ten = st.conns_total - before;
    cpu = cpu_seconds();
    if (k->rc == 0)
        k->rc = cf_sleep(1.0); /* the server closes the connection after 0.1 s */
    k->idle_cpu = cpu_seconds() - cpu;
    if (k->rc == 0)
        k->rc = nf_get(nf_url("/bytes?n=5"), &r);
    if (k->rc == 0 && strcmp(r.body, "abcde") != 0)
        k->rc = -1;
    cf_response_free(&r);
    cf_server_stats(nf.srv, &st);
    k->opened_after = st.conns_total - before - k->opened_by_ten;
    return k->rc;
}

/* --compressed: /gzip decodes to its zeros (the server's member is checked by zlib, CRC
 * and size); a gzip bomb of 8 GB fails at the decoded cap, and ten fetches beside it end
 * in time. (Here the server shares the loop and sends the bomb piece by piece, so the
 * loop turns anyway; test_e2e_limits shows the freeze a separate server causes.) */
struct bomb_one {
    const char *url;
    struct cf_response resp;
};

static int bomb_fetch(void *arg, void **res)
{
    struct bomb_one *one = arg;
    struct cf_request req;
    (void)res;
    cf_request_init(&req, one->url);
    req.compressed = 1;
    req.sink = CF_SINK_DISCARD;
    req.timeout = 60;
    return cf_fetch(&req, &one->resp);
}

struct bomb_run {
    struct bomb_one f[11]; /* the bomb, then ten fetches beside it */
    int rc[11];
};

static int bomb_main(void *arg, void **res)
{
    struct bomb_run *b = arg;
    cf_task *t[11];
    (void)res;
    for (int i = 0; i < 11; i++) {
        b->f[i].url = i == 0 ? nf_url("/gzip?n=8000000000") : nf_url("/delay?s=0.3");
        assert_int_equal(cf_spawn(&t[i], bomb_fetch, &b->f[i]), 0);
    }
    cf_gather(t, 11, CF_GATHER_RETURN_EXCEPTIONS, NULL, b->rc);
    for (int i = 0; i < 11; i++)
        cf_task_unref(t[i]);
    return 0;
}

static void compressed_and_bombs(void **state)
{
    static struct bomb_run b;
    struct nf_one o;
    (void)state;

    nf_one_init(&o, nf_url("/gzip?n=100000"));
    o.req.compressed = 1;
    assert_int_equal(nf_one(NULL, &o), 0);
    assert_int_equal(o.rc, 0);
    assert_int_equal(o.resp.body_len, 100000);
    for (size_t i = 0; i < o.resp.body_len; i++)
        assert_int_equal(o.resp.body[i], 0);
    cf_response_free(&o.resp);

    assert_int_equal(nf_run(NULL, bomb_main, &b), 0);
    assert_int_equal(b.rc[0], CF_ETOOBIG);
    assert_non_null(strstr(b.f[0].resp.error, "the cap for compressed bodies"));
    for (int i = 1; i < 11; i++) {
        double took = b.f[i].resp.end - b.f[i].resp.start;
        assert_int_equal(b.rc[i], 0);
        if (took > 1.5)
            fail_msg("fetch %d beside the bomb took %.2f s", i, took);
    }
    for (int i = 0; i < 11; i++)
        cf_response_free(&b.f[i].resp);
}

static void connection_kept_then_dropped(void **state)
{
    struct kept k = {0};

    (void)state;
    assert_int_equal(nf_run(NULL, kept_task, &k), 0);
    assert_int_equal(k.opened_by_ten, 1);
    assert_int_equal(k.opened_after, 1);
    assert_true(k.idle_cpu < 0.5); /* a loop woken for the closed socket burns ~1 s */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        // clang-format off
        cmocka_unit_test(get_ok),
        cmocka_unit_test(sink_pause),
        cmocka_unit_test(want_info),
        cmocka_unit_test(empty_body_is_empty_string),
        cmocka_unit_test(request_headers_and_user_agent),
        cmocka_unit_test(connection_refused),
        cmocka_unit_test(unresolvable_host),
        cmocka_unit_test(proxy_from_environment),
        cmocka_unit_test(malformed_url),
        cmocka_unit_test(total_timeout),
        cmocka_unit_test(reset_mid_body),
        cmocka_unit_test(slow_body_low_speed),
        cmocka_unit_test(body_over_cap),
        cmocka_unit_test(redirects),
        cmocka_unit_test(protocols_http_only),
        cmocka_unit_test(http_status_and_fail),
        cmocka_unit_test(sinks),
        cmocka_unit_test(api_edges),
        cmocka_unit_test(connection_kept_then_dropped),
        cmocka_unit_test(compressed_and_bombs),
        // clang-format on
    };
    return cmocka_run_group_tests(tests, nf_group_setup, nf_group_teardown);
}

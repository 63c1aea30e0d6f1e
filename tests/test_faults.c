/*
 * test_faults.c - issue 7: a bad server never costs the user their other results.
 *
 * Every fault endpoint of the loopback server (src/server/server.h) is fetched with cf_fetch
 * at the same time as a set of good URLs, all in one cf_gather on one loop (the server runs
 * on the same loop: tests/support/net_fixture.h). Each fault must end in its own CF_E* code
 * with a clear one-line message, within its limits; every good URL must succeed with the
 * right body, whatever its neighbours do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "cofetch/error.h"
#include "net_fixture.h"

/* Request limits of the batch. */
#define TIMEOUT_S     1.0
#define MAX_BODY      (1024 * 1024)
#define MAX_REDIRECTS 5

enum kind { GOOD, FAULT };

struct fcase {
    const char *path; /* appended to the server's URL; or a full URL when it has "://" */
    enum kind kind;
    int code;         /* the expected code (0 for GOOD) */
    const char *say;  /* FAULT: the error message mentions this (case-insensitive) */
    const char *body; /* GOOD: the expected body, or NULL to check `pattern` bytes */
    size_t pattern;   /* GOOD: body is this many bytes of the /bytes pattern */
    double min_s;     /* the fetch takes at least this long */
    double max_s;     /* and at most this long (generous) */
};

/* clang-format off */
static const struct fcase cases[] = {
    /* Good URLs, mixed in with the faults. */
    {"/bytes?n=1000",           GOOD, 0, NULL, NULL, 1000,   0, 5},
    {"/bytes?n=300000",         GOOD, 0, NULL, NULL, 300000, 0, 5},
    {"/delay?s=0.5",            GOOD, 0, NULL, "slept 0.5\n", 0, 0.45, 5},
    {"/chunked",                GOOD, 0, NULL, NULL, 300,    0, 5},
    {"/redirect?n=3",           GOOD, 0, NULL, "done\n", 0,  0, 5},
    {"/status/200",             GOOD, 0, NULL, "status 200\n", 0, 0, 5},
    {"/drip?n=3&interval=0.1",  GOOD, 0, NULL, "abc", 0,     0.25, 5},
    {"/short?claim=10&send=10", GOOD, 0, NULL, NULL, 10,     0, 5},
    {"/bigheaders?kb=100",      GOOD, 0, NULL, "bigheaders 100\n", 0, 0, 5},
    /* A bare CR inside a header value: libcurl takes the header as it is. */
    {"/malformed?what=cr",      GOOD, 0, NULL, "bad\n", 0,   0, 5},

    /* The connection dies. */
    {"/reset?before=1",         FAULT, CF_ERECV, "empty reply", NULL, 0, 0, 5},
    {"/reset",                  FAULT, CF_ERECV, "transfer closed", NULL, 0, 0, 5},
    {"/reset?rst=1",            FAULT, CF_ERECV, "reset", NULL, 0, 0, 5},
    {"/chunked?truncate=1",     FAULT, CF_ERECV, "transfer closed", NULL, 0, 0, 5},
    {"/short?claim=100000&send=1000", FAULT, CF_ERECV, "99000 bytes remaining", NULL, 0, 0, 5},
    /* Too slow: the whole-request timeout fires. */
    {"/stall?s=10",             FAULT, CF_ETIMEDOUT, "timed out", NULL, 0, 0.9, 5},
    {"/drip?n=5&interval=1",    FAULT, CF_ETIMEDOUT, "timed out", NULL, 0, 0.9, 5},
    /* Malformed replies. libcurl calls a garbled status line an unsupported protocol;
     * errors.c knows the request had been sent and reports the reply instead. */
    {"/malformed?what=status",  FAULT, CF_EBADRESP, "HTTP version", NULL, 0, 0, 5},
    {"/malformed?what=junk",    FAULT, CF_EBADRESP, "HTTP/0.9", NULL, 0, 0, 5},
    {"/malformed?what=nocolon", FAULT, CF_EBADRESP, "without colon", NULL, 0, 0, 5},
    {"/malformed?what=nul",     FAULT, CF_EBADRESP, "nul byte", NULL, 0, 0, 5},
    {"/malformed?what=header",  FAULT, CF_EBADRESP, "header", NULL, 0, 0, 5},
    {"/malformed?what=length",  FAULT, CF_EBADRESP, "content-length", NULL, 0, 0, 5},
    /* Too big: refused at the headers when the length is announced, else mid-body. */
    {"/huge",                   FAULT, CF_ETOOBIG, "maximum file size", NULL, 0, 0, 0.9},
    {"/bytes?n=2000000",        FAULT, CF_ETOOBIG, "maximum file size", NULL, 0, 0, 5},
    {"/chunked?n=100&size=16384", FAULT, CF_ETOOBIG, "maximum file size", NULL, 0, 0, 5},
    /* libcurl's limit is 300 KiB for the whole header block (CURLE_RECV_ERROR) ... */
    {"/bigheaders?kb=400",      FAULT, CF_EBADRESP, "too large", NULL, 0, 0, 5},
    /* ... and 100 KiB for one header line (CURLE_OUT_OF_MEMORY, "out of memory"). */
    {"/bigheaders?kb=100&one=1", FAULT, CF_EBADRESP, "header line too large", NULL, 0, 0, 5},
    /* Redirects. */
    {"/loop",                   FAULT, CF_EREDIRECTS, "redirects", NULL, 0, 0, 5},
    {"/redirect?n=0&to=gopher://127.0.0.1/", FAULT, CF_EPROTO, "gopher", NULL, 0, 0, 5},
    {"/redirect?n=0&to=ftp://127.0.0.1/",    FAULT, CF_EPROTO, "ftp", NULL, 0, 0, 5},
    {"/redirect?n=1&to=file:///etc/passwd",  FAULT, CF_EPROTO, "file", NULL, 0, 0, 5},
};
/* clang-format on */
enum { NCASES = sizeof(cases) / sizeof(cases[0]) };

struct slot {
    const struct fcase *c;
    char url[512];
    struct cf_response resp;
    int rc;
    double elapsed;
};

struct batch {
    struct slot *s;
    size_t n;
    int gather_rc;
    int errors[NCASES + 1];
    double elapsed;
};

static void request_for(struct cf_request *req, const char *url)
{
    cf_request_init(req, url);
    req->timeout = TIMEOUT_S;
    req->max_body = MAX_BODY;
    req->max_redirects = MAX_REDIRECTS;
    req->follow = 1;
}

static int fetch_one(void *arg, void **res)
{
    struct slot *s = arg;
    struct cf_request req;
    double t0 = cf_loop_time();

    (void)res;
    request_for(&req, s->url);
    s->rc = cf_fetch(&req, &s->resp);
    s->elapsed = cf_loop_time() - t0;
    return s->rc;
}

static int batch_task(void *arg, void **res)
{
    struct batch *b = arg;
    cf_task *t[NCASES + 1];
    double t0 = cf_loop_time();
    size_t spawned = 0;
    int rc = 0;

    (void)res;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        rc = cf_spawn(&t[i], fetch_one, &b->s[i]);
        if (rc == 0)
            spawned++;
    }
    if (rc == 0)
        b->gather_rc = cf_gather(t, spawned, CF_GATHER_RETURN_EXCEPTIONS, NULL, b->errors);
    b->elapsed = cf_loop_time() - t0;
    for (size_t i = 0; i < spawned; i++)
        cf_task_unref(t[i]);
    return rc;
}

/* Waits (from a task) until the server has let go of every connection, up to 5 s. */
static int drain_task(void *arg, void **res)
{
    struct cf_server_stats st;

    (void)arg, (void)res;
    for (int i = 0; i < 100; i++) {
        cf_server_stats(nf.srv, &st);
        if (st.conns_open == 0)
            return 0;
        cf_sleep(0.05);
    }
    return CF_ETIMEDOUT;
}

static int body_is_pattern(const char *body, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (body[i] != (char)('a' + i % 26))
            return 0;
    }
    return 1;
}

static void check_good(const struct slot *s)
{
    const struct fcase *c = s->c;
    const struct cf_response *r = &s->resp;

    if (s->rc != 0)
        fail_msg("%s: expected success, got %d (%s)", c->path, s->rc, r->error);
    assert_int_equal(r->code, 0);
    assert_string_equal(r->error, "");
    assert_int_equal(r->status, 200);
    assert_non_null(r->body);
    assert_int_equal(r->bytes, (long long)r->body_len);
    if (c->body != NULL) {
        assert_int_equal(r->body_len, strlen(c->body));
        assert_string_equal(r->body, c->body);
    } else {
        assert_int_equal(r->body_len, c->pattern);
        assert_true(body_is_pattern(r->body, r->body_len));
    }
}

static void check_fault(const struct slot *s)
{
    const struct fcase *c = s->c;
    const struct cf_response *r = &s->resp;
    const char *what = cf_strerror(s->rc);

    if (s->rc != c->code)
        fail_msg("%s: expected %d (%s), got %d: \"%s\"", c->path, c->code, cf_strerror(c->code),
                 s->rc, r->error);
    assert_int_equal(r->code, s->rc);
    /* One clear line mentioning the cause: libcurl's own message where libcurl failed the
     * transfer (once: not after cofetch's name for the kind), else "<what failed>: ...". */
    assert_true(strlen(r->error) > 0);
    assert_null(strchr(r->error, '\n'));
    assert_null(strchr(r->error, '\r'));
    if (strncmp(r->error, what, strlen(what)) == 0)
        assert_null(strcasestr(r->error + strlen(what), what));
    assert_true(r->curl_code > 0);
    if (strcasestr(r->error, c->say) == NULL)
        fail_msg("%s: error \"%s\" does not mention \"%s\"", c->path, r->error, c->say);
    /* Nothing of a refused or broken body passes for a result. */
    if (s->rc == CF_ETOOBIG)
        assert_true(r->bytes <= MAX_BODY);
    /* An announced length over the limit is refused before any of the body is taken. */
    if (s->rc == CF_ETOOBIG && strstr(c->path, "chunked") == NULL)
        assert_int_equal(r->bytes, 0);
    if (strstr(c->path, "file://") != NULL)
        assert_true(r->body == NULL || strstr(r->body, "root:") == NULL);
}

/* Zeroes b and s[0..n) and points the first NCASES slots at the cases, each with its URL
 * on the server. */
static void batch_init(struct batch *b, struct slot *s, size_t n)
{
    memset(s, 0, n * sizeof *s);
    memset(b, 0, sizeof *b);
    for (size_t i = 0; i < NCASES; i++) {
        s[i].c = &cases[i];
        snprintf(s[i].url, sizeof(s[i].url), "%s", nf_url("%s", cases[i].path));
    }
    b->s = s;
    b->n = n;
}

static void run_batch(const struct cf_client_opts *opts, double max_each, double max_total)
{
    struct slot s[NCASES + 1];
    struct batch b;

    batch_init(&b, s, NCASES + 1);
    /* And a port nobody listens on. */
    static const struct fcase refused = {
        "(closed port)", FAULT, CF_ECONNECT, "connect", NULL, 0, 0, 5};
    s[NCASES].c = &refused;
    snprintf(s[NCASES].url, sizeof(s[NCASES].url), "http://127.0.0.1:%d/", nf_closed_port());

    assert_int_equal(nf_run(opts, batch_task, &b), 0);
    assert_int_equal(b.gather_rc, 0);

    for (size_t i = 0; i < b.n; i++) {
        const struct fcase *c = s[i].c;
        if (getenv("CF_FAULTS_VERBOSE") != NULL)
            fprintf(stderr, "%-40s %3d %6.3f s  %s\n", c->path, s[i].rc, s[i].elapsed,
                    s[i].resp.error);
        assert_int_equal(b.errors[i], s[i].rc);
        if (c->kind == GOOD)
            check_good(&s[i]);
        else
            check_fault(&s[i]);
        double max_s = max_each > 0 ? max_each : c->max_s;
        if (s[i].elapsed < c->min_s || s[i].elapsed > max_s)
            fail_msg("%s took %.3f s, expected [%.2f, %.2f]", c->path, s[i].elapsed, c->min_s,
                     max_s);
        cf_response_free(&s[i].resp);
    }
    /* All together: about the longest timeout, not the sum. */
    if (b.elapsed > max_total)
        fail_msg("the batch took %.3f s, expected at most %.1f", b.elapsed, max_total);

    /* The server let go of every connection (the stalled one included). */
    assert_int_equal(nf_run(NULL, drain_task, NULL), 0);
}

/* Everything at once, no client limits. */
static void test_faults_together(void **state)
{
    (void)state;
    run_batch(NULL, 0, 6.0);
}

/*
 * With only four transfers in flight the stalls and timeouts hold slots for up to a second
 * each; the good URLs queue behind them but still succeed. Fetch-level timings include the
 * queue, so the per-case bounds are only checked loosely here.
 */
static void test_faults_few_slots(void **state)
{
    struct cf_client_opts opts;

    (void)state;
    memset(&opts, 0, sizeof(opts));
    opts.max_in_flight = 4;
    opts.max_host_connections = 4;
    run_batch(&opts, 15.0, 20.0);
}

/* The same batch twice on one client: nothing a fault leaves behind (a poisoned pooled
 * connection or easy handle) spoils the next round. */
static int twice_task(void *arg, void **res)
{
    int rc = 0;

    (void)arg;
    for (int round = 0; round < 2 && rc == 0; round++) {
        struct slot s[NCASES];
        struct batch b;

        batch_init(&b, s, NCASES);
        rc = batch_task(&b, res);
        for (size_t i = 0; i < NCASES; i++) {
            const struct fcase *c = &cases[i];
            int ok = c->kind == GOOD ? s[i].rc == 0 : s[i].rc == c->code;
            if (!ok && rc == 0) {
                fprintf(stderr, "round %d: %s gave %d \"%s\"\n", round, c->path, s[i].rc,
                        s[i].resp.error);
                rc = -1;
            }
            cf_response_free(&s[i].resp);
        }
    }
    return rc;
}

static void test_faults_reuse(void **state)
{
    (void)state;
    assert_int_equal(nf_run(NULL, twice_task, NULL), 0);
    assert_int_equal(nf_run(NULL, drain_task, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faults_together),
        cmocka_unit_test(test_faults_few_slots),
        cmocka_unit_test(test_faults_reuse),
    };
    return cmocka_run_group_tests(tests, nf_group_setup, nf_group_teardown);
}

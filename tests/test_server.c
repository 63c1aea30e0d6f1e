/*
 * test_server.c - the loopback server (src/server/server.h).
 *
 * Most tests talk to a server running in a child process (tests/support/server_fixture.h)
 * with a blocking socket client, so the test can simply wait for answers; the group teardown
 * checks that the child shut down clean (no leak report). The in-process tests drive a
 * server and libevent's own HTTP client on one event_base, to check the C API directly and
 * that cf_server_free() cleans up replies still in progress.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>

#include "cofetch/error.h"
#include "server/server.h"
#include "server_fixture.h"
#include "support.h"

static struct cf_test_server server; /* the child-process server shared by the group */

static int group_setup(void **state)
{
    (void)state;
    return cf_test_server_spawn(NULL, &server) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    int status = cf_test_server_stop(&server);

    (void)state;
    if (status != 0)
        fprintf(stderr, "server child exited with status %d\n", status);
    return status == 0 ? 0 : -1;
}

/* GET target from the shared server; fails the test when nothing could be sent. */
static void get(const char *target, const char *headers, struct cf_test_response *r)
{
    assert_int_equal(cf_test_http_get(server.port, target, headers, r), 0);
}

static int body_is_pattern(const char *body, size_t len, size_t offset)
{
    for (size_t i = 0; i < len; i++) {
        if (body[i] != (char)('a' + (offset + i) % 26))
            return 0;
    }
    return 1;
}

/* The number after "\"key\":" in a JSON text, or -1. */
static long json_number(const char *json, const char *key)
{
    char pat[64];
    const char *p;

    snprintf(pat, sizeof(pat), "\"%s\":", key);
    p = strstr(json, pat);
    return p != NULL ? strtol(p + strlen(pat), NULL, 10) : -1;
}

static void get_count(struct cf_test_response *r, const char *target)
{
    get(target, NULL, r);
    assert_int_equal(r->status, 200);
}

static int connect_to(int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {.tv_sec = 30, .tv_usec = 0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(fd >= 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    return fd;
}

/* Reads from fd into buf (cap bytes, NUL-terminated) until end occurs in it, the peer
 * closes or cap is reached; returns the bytes read. */
static ssize_t recv_until(int fd, char *buf, size_t cap, const char *end)
{
    size_t have = 0;

    buf[0] = '\0';
    while (have < cap && strstr(buf, end) == NULL) {
        ssize_t got = recv(fd, buf + have, cap - have, 0);
        if (got <= 0)
            break;
        have += (size_t)got;
        buf[have] = '\0';
    }
    return (ssize_t)have;
}

static void send_get(int fd, const char *target)
{
    char req[512];
    int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", target);

    assert_int_equal(send(fd, req, (size_t)n, MSG_NOSIGNAL), n);
}

/* Polls /count until conns.open is at most `open` (the /count connection included). */
static long wait_conns_open(long open, double timeout_s)
{
    struct cf_test_response r;
    long now = -1;

    for (int i = 0; i < (int)(timeout_s * 20); i++) {
        get_count(&r, "/count");
        now = json_number(r.body, "open");
        cf_test_response_free(&r);
        if (now <= open)
            break;
        usleep(50 * 1000);
    }
    return now;
}

/* ---- endpoints ---- */

static void test_delay(void **state)
{
    struct cf_test_response r;

    (void)state;
    get("/delay?s=0.5&i=7", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "slept 0.5\n");
    assert_true(r.total_s >= 0.49);
    assert_true(r.total_s < 5.0);
    cf_test_response_free(&r);

    get("/delay?s=0", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "slept 0\n");
    cf_test_response_free(&r);
}

static void test_bytes(void **state)
{
    static const size_t sizes[] = {0, 1, 1000, 128 * 1024, 128 * 1024 + 1, 3000001};
    struct cf_test_response r;
    char buf[32];

    (void)state;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char target[64];
        snprintf(target, sizeof(target), "/bytes?n=%zu", sizes[i]);
        get(target, NULL, &r);
        assert_int_equal(r.status, 200);
        assert_int_equal(r.error, 0);
        assert_int_equal(r.length, (long long)sizes[i]);
        assert_int_equal(r.body_len, sizes[i]);
        assert_true(body_is_pattern(r.body, r.body_len, 0));
        assert_non_null(cf_test_response_header(&r, "Content-Type", buf, sizeof(buf)));
        assert_string_equal(buf, "application/octet-stream");
        cf_test_response_free(&r);
    }
}

static void test_bytes_large(void **state)
{
    const size_t n = (size_t)100 * 1000 * 1000 + 7;
    struct cf_test_response r;

    (void)state;
    get("/bytes?n=100000007", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, (long long)n);
    assert_int_equal(r.body_len, n);
    assert_true(body_is_pattern(r.body, 1000, 0));
    assert_true(body_is_pattern(r.body + n - 1000, 1000, n - 1000));
    cf_test_response_free(&r);
}

static void test_status(void **state)
{
    struct cf_test_response r;
    char buf[32];

    (void)state;
    get("/status/418", NULL, &r);
    assert_int_equal(r.status, 418);
    assert_string_equal(r.body, "status 418\n");
    assert_null(cf_test_response_header(&r, "Retry-After", buf, sizeof(buf)));
    cf_test_response_free(&r);

    get("/status/503?retry_after=7", NULL, &r);
    assert_int_equal(r.status, 503);
    assert_non_null(cf_test_response_header(&r, "Retry-After", buf, sizeof(buf)));
    assert_string_equal(buf, "7");
    cf_test_response_free(&r);

    get("/status/204", NULL, &r);
    assert_int_equal(r.status, 204);
    assert_int_equal(r.body_len, 0);
    cf_test_response_free(&r);

    get("/status/200", NULL, &r);
    assert_int_equal(r.status, 200);
    cf_test_response_free(&r);

    static const char *const bad[] = {
        "/status/600", "/status/99",   "/status/abc", "/status/",
        "/status",     "/status/5030", "/status/-1",  "/status/200?retry_after=x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        get(bad[i], NULL, &r);
        assert_int_equal(r.status, 400);
        cf_test_response_free(&r);
    }
}

/* GET path: a 302 whose Location is want, copied to loc (loc may be path). */
static void expect_302(const char *path, const char *want, char *loc, size_t size)
{
    struct cf_test_response r;

    get(path, NULL, &r);
    assert_int_equal(r.status, 302);
    assert_non_null(cf_test_response_header(&r, "Location", loc, size));
    assert_string_equal(loc, want);
    cf_test_response_free(&r);
}

static void test_redirect(void **state)
{
    struct cf_test_response r;
    char loc[256];

    (void)state;
    expect_302("/redirect?n=2&to=file:///etc/passwd",
               "/redirect?n=1&to=file%3A%2F%2F%2Fetc%2Fpasswd", loc, sizeof loc);
    expect_302(loc, "/redirect?n=0&to=file%3A%2F%2F%2Fetc%2Fpasswd", loc, sizeof loc);
    expect_302(loc, "file:///etc/passwd", loc, sizeof loc);
    expect_302("/redirect?n=1", "/redirect?n=0", loc, sizeof loc);

    get(loc, NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "done\n");
    cf_test_response_free(&r);

    /* A line break in `to` must not become a second header. */
    get("/redirect?n=0&to=http://x/%0d%0aSet-Cookie:%20a=b", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);

    get("/redirect?n=1001", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);
}

static void test_drip(void **state)
{
    struct cf_test_response r;

    (void)state;
    get("/drip?n=5&interval=0.2", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 5);
    assert_string_equal(r.body, "abcde");
    /* The headers come at once, the body over about n * interval = 1 s. */
    assert_true(r.first_s < 0.9);
    assert_true(r.total_s >= 0.95);
    assert_true(r.total_s < 6.0);
    cf_test_response_free(&r);

    get("/drip?n=0&interval=1", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body_len, 0);
    cf_test_response_free(&r);

    get("/drip?n=5", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);
}

static void test_reset(void **state)
{
    struct cf_test_response r;

    (void)state;
    get("/reset", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 1000);
    assert_int_equal(r.body_len, 500);
    assert_true(body_is_pattern(r.body, r.body_len, 0));
    cf_test_response_free(&r);

    get("/reset?n=0", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 1000);
    assert_int_equal(r.body_len, 0);
    cf_test_response_free(&r);

    get("/reset?before=1", NULL, &r);
    assert_int_equal(r.status, -1);
    assert_int_equal(strlen(r.head), 0);
    cf_test_response_free(&r);

    /* An abortive close: a RST, which may also discard what the client had not read. */
    get("/reset?n=100&rst=1", NULL, &r);
    assert_true(r.body_len <= 100);
    assert_true(r.error == ECONNRESET || r.body_len < 1000);
    cf_test_response_free(&r);

    get("/reset?n=1000", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);
}

static void test_headers(void **state)
{
    struct cf_test_response r;
    char buf[64];

    (void)state;
    get("/headers", "X-Test: say \"hi\" \\ \xe9\r\nX-Other: 2\r\n", &r);
    assert_int_equal(r.status, 200);
    assert_non_null(cf_test_response_header(&r, "Content-Type", buf, sizeof(buf)));
    assert_string_equal(buf, "application/json");
    assert_int_equal(r.body[0], '{');
    assert_non_null(strstr(r.body, "\"X-Test\":\"say \\\"hi\\\" \\\\ \\u00e9\""));
    assert_non_null(strstr(r.body, "\"X-Other\":\"2\""));
    assert_non_null(strstr(r.body, "\"Connection\":\"close\""));
    assert_string_equal(r.body + r.body_len - 2, "}\n");
    cf_test_response_free(&r);
}

static void test_next(void **state)
{
    struct cf_test_response r;
    char want[128];

    (void)state;
    get("/next?n=42", NULL, &r);
    assert_int_equal(r.status, 200);
    snprintf(want, sizeof(want), "%s/bytes?n=42\n", server.url);
    assert_string_equal(r.body, want);
    cf_test_response_free(&r);

    get("/next", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);

    /* Delayed, naming a delayed URL: a chain step that takes time, like the seeds'. */
    double t0 = t_now();
    get("/next?s=0.2&then=0.3", NULL, &r);
    assert_true(t_now() - t0 >= 0.19);
    assert_int_equal(r.status, 200);
    snprintf(want, sizeof(want), "%s/delay?s=0.3\n", server.url);
    assert_string_equal(r.body, want);
    cf_test_response_free(&r);

    get("/next?n=1&s=-1", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);
}

static void test_retry(void **state)
{
    struct cf_test_response r;
    char buf[32];

    (void)state;
    for (int i = 1; i <= 2; i++) {
        get("/retry?fail=2&id=t1", NULL, &r);
        assert_int_equal(r.status, 503);
        assert_non_null(cf_test_response_header(&r, "Retry-After", buf, sizeof(buf)));
        assert_string_equal(buf, "1");
        cf_test_response_free(&r);

        /* Another id has its own count. */
        get("/retry?fail=1&id=t2&after=0", NULL, &r);
        assert_int_equal(r.status, i == 1 ? 503 : 200);
        if (i == 1) {
            assert_non_null(cf_test_response_header(&r, "Retry-After", buf, sizeof(buf)));
            assert_string_equal(buf, "0");
        }
        cf_test_response_free(&r);
    }
    for (int i = 0; i < 2; i++) {
        get("/retry?fail=2&id=t1", NULL, &r);
        assert_int_equal(r.status, 200);
        assert_string_equal(r.body, "ok after 2\n");
        assert_null(cf_test_response_header(&r, "Retry-After", buf, sizeof(buf)));
        cf_test_response_free(&r);
    }
    get("/retry?id=t3", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);
}

static void test_count(void **state)
{
    struct cf_test_response r;

    (void)state;
    get_count(&r, "/count?reset=1");
    cf_test_response_free(&r);

    for (int i = 0; i < 3; i++) {
        get("/next?n=1", NULL, &r);
        cf_test_response_free(&r);
    }
    get("/status/500", NULL, &r);
    cf_test_response_free(&r);
    get("/nowhere", NULL, &r);
    cf_test_response_free(&r);

    get_count(&r, "/count");
    assert_non_null(strstr(r.body, "\"paths\":{"));
    assert_int_equal(json_number(r.body, "requests"), 6);
    assert_int_equal(json_number(r.body, "/next"), 3);
    assert_int_equal(json_number(r.body, "/status"), 1);
    assert_int_equal(json_number(r.body, "*"), 1);
    assert_int_equal(json_number(r.body, "/count"), 1);
    assert_int_equal(json_number(r.body, "/delay"), 0);
    /* Each request came on its own connection, closed after its reply. */
    assert_int_equal(json_number(r.body, "open"), 1);
    assert_true(json_number(r.body, "total") >= 6);
    cf_test_response_free(&r);
}

static void test_errors(void **state)
{
    static const char *const bad[] = {
        "/delay",
        "/delay?s=abc",
        "/delay?s=-1",
        "/delay?s=3601",
        "/delay?s=inf",
        "/delay?s=nan",
        "/delay?s=1e3",
        "/delay?s=0x10",
        "/delay?s",
        "/bytes?n=-5",
        "/bytes?n=1.5",
        "/bytes?n=",
        "/bytes?n=99999999999999999999",
        "/bytes?n=10737418241",
        "/bytes?n=5&idle=0",
        "/bytes?n=5&idle=x",
        "/status/200?idle=-1",
    };
    struct cf_test_response r;
    int fd;
    char buf[256];
    ssize_t got;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        get(bad[i], NULL, &r);
        assert_int_equal(r.status, 400);
        /* One line of text. */
        assert_true(r.body_len > 1);
        assert_ptr_equal(strchr(r.body, '\n'), r.body + r.body_len - 1);
        cf_test_response_free(&r);
    }

    get("/nope", NULL, &r);
    assert_int_equal(r.status, 404);
    assert_string_equal(r.body, "not found\n");
    cf_test_response_free(&r);

    get("/", NULL, &r);
    assert_int_equal(r.status, 404);
    cf_test_response_free(&r);

    /* Other methods are served too; a body arrives whole, NUL bytes and all. */
    fd = connect_to(server.port);
    const char post[] = "POST /echo?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nq\0\"\xffz";
    assert_int_equal(send(fd, post, sizeof(post) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(post) - 1);
    got = recv_until(fd, buf, sizeof(buf) - 1, "}\n");
    assert_true(got > 12);
    buf[got] = '\0';
    assert_memory_equal(buf, "HTTP/1.1 200", 12);
    assert_non_null(
        strstr(buf, "{\"method\":\"POST\",\"uri\":\"/echo?a=1\",\"headers\":[[\"Host\",\"x\"],"
                    "[\"Content-Length\",\"5\"]],\"body_len\":5,"
                    "\"body\":\"q\\u0000\\\"\\u00ffz\"}\n"));
    close(fd);

    /* A method evhttp cannot serve is refused, not taken for GET. */
    fd = connect_to(server.port);
    const char trace[] = "TRACE /delay?s=0 HTTP/1.1\r\nHost: x\r\n\r\n";
    assert_int_equal(send(fd, trace, sizeof(trace) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(trace) - 1);
    got = recv(fd, buf, sizeof(buf) - 1, 0);
    assert_true(got > 12);
    buf[got] = '\0';
    assert_memory_equal(buf, "HTTP/1.1 501", 12);
    close(fd);

    /* Garbage instead of a request. */
    fd = connect_to(server.port);
    const char junk[] = "\x01\x02 nonsense\r\n\r\n";
    assert_int_equal(send(fd, junk, sizeof(junk) - 1, MSG_NOSIGNAL), (ssize_t)sizeof(junk) - 1);
    got = recv(fd, buf, sizeof(buf) - 1, 0);
    close(fd);

    /* Still serving. */
    get("/status/200", NULL, &r);
    assert_int_equal(r.status, 200);
    cf_test_response_free(&r);
}

/*
 * Reads one response from a keep-alive connection: the head, then Content-Length bytes of
 * body (checked against the pattern when check_pattern). Returns the status code.
 */
static int read_response(int fd, size_t *body_len, int check_pattern)
{
    char head[4096], *end = NULL, *cl;
    size_t len = 0, got_body, want;
    int status = -1;

    /* Byte by byte up to the blank line, so that no body byte is read into head. */
    while (end == NULL && len < sizeof(head) - 1) {
        assert_int_equal(recv(fd, head + len, 1, 0), 1);
        head[++len] = '\0';
        end = len >= 4 ? strstr(head + len - 4, "\r\n\r\n") : NULL;
    }
    assert_non_null(end);
    assert_int_equal(sscanf(head, "HTTP/1.1 %d", &status), 1);
    cl = strcasestr(head, "\r\nContent-Length: ");
    assert_non_null(cl);
    want = strtoul(cl + 18, NULL, 10);
    for (got_body = 0; got_body < want;) {
        char buf[65536];
        size_t ask = want - got_body < sizeof(buf) ? want - got_body : sizeof(buf);
        ssize_t got = recv(fd, buf, ask, 0);
        assert_true(got > 0);
        if (check_pattern)
            assert_true(body_is_pattern(buf, (size_t)got, got_body));
        got_body += (size_t)got;
    }
    *body_len = got_body;
    return status;
}

/* Several replies of every shape, one after the other on one kept-alive connection. */
static void test_keepalive(void **state)
{
    int fd = connect_to(server.port);
    size_t len;

    (void)state;
    send_get(fd, "/bytes?n=1000000");
    assert_int_equal(read_response(fd, &len, 1), 200);
    assert_int_equal(len, 1000000);
    send_get(fd, "/drip?n=3&interval=0.01");
    assert_int_equal(read_response(fd, &len, 1), 200);
    assert_int_equal(len, 3);
    send_get(fd, "/delay?s=0.01");
    assert_int_equal(read_response(fd, &len, 0), 200);
    send_get(fd, "/status/404");
    assert_int_equal(read_response(fd, &len, 0), 404);
    /* Two requests sent at once are answered in order. */
    send_get(fd, "/bytes?n=300000");
    send_get(fd, "/bytes?n=5");
    assert_int_equal(read_response(fd, &len, 1), 200);
    assert_int_equal(len, 300000);
    assert_int_equal(read_response(fd, &len, 1), 200);
    assert_int_equal(len, 5);
    close(fd);
}

/* idle=S: the kept-alive connection is closed once it has waited S seconds for a
 * request, and not before. */
static void test_idle(void **state)
{
    int fd = connect_to(server.port);
    size_t len;
    char c;
    double t0;

    (void)state;
    send_get(fd, "/bytes?n=5&idle=0.3");
    assert_int_equal(read_response(fd, &len, 1), 200);
    t0 = t_now();
    send_get(fd, "/bytes?n=7"); /* a request in time keeps it open; the timeout holds */
    assert_int_equal(read_response(fd, &len, 1), 200);
    assert_int_equal(len, 7);
    assert_int_equal(recv(fd, &c, 1, 0), 0); /* then the server closes it */
    assert_true(t_now() - t0 >= 0.25);
    close(fd); /* a bad idle= is refused: see test_errors */
}

/* One thousand requests waiting at once: the server holds them all open. */
static void test_concurrent(void **state)
{
    enum { N = 1000 };
    static int fds[N];
    struct cf_test_response r;
    char buf[512];

    (void)state;
    get_count(&r, "/count?reset=1");
    cf_test_response_free(&r);

    for (int i = 0; i < N; i++) {
        fds[i] = connect_to(server.port);
        send_get(fds[i], "/delay?s=3");
    }
    for (int i = 0; i < N; i++) {
        size_t len = 0;
        ssize_t got;
        /* Keep-alive: read until the whole short reply is in (it ends with the body). */
        while ((got = recv(fds[i], buf + len, sizeof(buf) - 1 - len, 0)) > 0) {
            len += (size_t)got;
            buf[len] = '\0';
            if (strstr(buf, "\r\n\r\nslept 3\n") != NULL)
                break;
        }
        assert_memory_equal(buf, "HTTP/1.1 200", 12);
        assert_non_null(strstr(buf, "\r\n\r\nslept 3\n"));
        close(fds[i]);
    }

    get_count(&r, "/count");
    assert_int_equal(json_number(r.body, "/delay"), N);
    assert_true(json_number(r.body, "max") >= N);
    assert_true(json_number(r.body, "total") >= N);
    cf_test_response_free(&r);
    assert_int_equal(wait_conns_open(1, 10.0), 1);
}

/* Clients that leave in the middle of a reply: the server notices and frees the connection. */
static void test_client_leaves(void **state)
{
    int fd;
    char buf[4096];

    (void)state;
    fd = connect_to(server.port);
    send_get(fd, "/drip?n=1000&interval=0.05");
    assert_true(recv(fd, buf, sizeof(buf), 0) > 0);
    close(fd);

    fd = connect_to(server.port);
    send_get(fd, "/bytes?n=500000000");
    assert_true(recv(fd, buf, sizeof(buf), 0) > 0);
    close(fd);

    fd = connect_to(server.port);
    send_get(fd, "/reset?n=10");
    close(fd);

    assert_int_equal(wait_conns_open(1, 10.0), 1);

    /* Waiting replies: noticed long before the timers would have fired. */
    fd = connect_to(server.port);
    send_get(fd, "/delay?s=30");
    usleep(100 * 1000);
    close(fd);
    fd = connect_to(server.port);
    send_get(fd, "/drip?n=10&interval=30");
    assert_true(recv(fd, buf, sizeof(buf), 0) > 0);
    close(fd);
    assert_int_equal(wait_conns_open(1, 10.0), 1);
}

#ifdef CF_HAVE_TLS_SERVER
/* A fresh self-signed certificate and the server over TLS with it, in a child. Skips the
 * test when curl or openssl is missing. */
static void tls_spawn(struct cf_test_cert *cert, struct cf_test_server *tls)
{
    struct cf_server_opts opts = {.quiet = 1};

    if (system("curl --version >/dev/null 2>&1") != 0 || cf_test_cert_make(cert) != 0)
        skip();
    opts.tls_cert = cert->cert;
    opts.tls_key = cert->key;
    assert_int_equal(cf_test_server_spawn(&opts, tls), 0);
}

/* Stops the server of tls_spawn() (it must shut down clean) and removes the certificate. */
static void tls_stop(struct cf_test_cert *cert, struct cf_test_server *tls)
{
    assert_int_equal(cf_test_server_stop(tls), 0);
    cf_test_cert_remove(cert);
}
#endif

static void test_tls(void **state)
{
#ifndef CF_HAVE_TLS_SERVER
    (void)state;
    skip();
#else
    struct cf_test_cert cert;
    struct cf_test_server tls;
    char cmd[512], out[256];
    FILE *p;

    (void)state;
    tls_spawn(&cert, &tls);
    assert_memory_equal(tls.url, "https://127.0.0.1:", 18);

    /* A streamed body over TLS: curl reports the size and the pattern's last bytes. */
    snprintf(cmd, sizeof(cmd),
             "curl -sS --cacert %s '%s/bytes?n=3000000' | tail -c 26; "
             "curl -sS --cacert %s -o /dev/null -w ' %%{http_code} %%{size_download}' "
             "'%s/bytes?n=3000000'",
             cert.cert, tls.url, cert.cert, tls.url);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, sizeof(out), p));
    pclose(p);
    /* byte i = 'a' + i % 26; the last 26 start at 2999974, and 2999974 % 26 == 16. */
    assert_string_equal(out, "qrstuvwxyzabcdefghijklmnop 200 3000000");

    /* Without the CA the handshake fails. */
    snprintf(cmd, sizeof(cmd), "curl -sS '%s/status/200' >/dev/null 2>&1", tls.url);
    assert_int_not_equal(system(cmd), 0);

    tls_stop(&cert, &tls);
#endif
}

/* ---- fault endpoints ---- */

/* Reads everything until the server closes (or 30 s pass); returns the byte count. */
static size_t read_to_end(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    ssize_t got;

    while (len < cap && (got = recv(fd, buf + len, cap - len, 0)) > 0)
        len += (size_t)got;
    return len;
}

/* The raw bytes of the reply to target on a connection of its own. */
static size_t get_raw(const char *target, char *buf, size_t cap)
{
    int fd = connect_to(server.port);
    size_t len;

    send_get(fd, target);
    len = read_to_end(fd, buf, cap);
    close(fd);
    return len;
}

/* The expected chunked body of /chunked?n=n&size=size: chunks of the pattern, maybe the end. */
static size_t chunked_body(char *out, unsigned n, unsigned size, int end)
{
    size_t len = 0;

    for (unsigned i = 0; i < n; i++) {
        len += (size_t)sprintf(out + len, "%x\r\n", size);
        for (unsigned j = 0; j < size; j++)
            out[len++] = (char)('a' + ((size_t)i * size + j) % 26);
        out[len++] = '\r';
        out[len++] = '\n';
    }
    if (end)
        len += (size_t)sprintf(out + len, "0\r\n\r\n");
    return len;
}

static void test_stall(void **state)
{
    struct cf_test_response r;
    int fd;

    (void)state;
    /* Nothing at all, then the close. */
    get("/stall?s=1", NULL, &r);
    assert_int_equal(r.status, -1);
    assert_int_equal(strlen(r.head), 0);
    assert_int_equal(r.error, 0);
    assert_true(r.total_s >= 0.95);
    assert_true(r.total_s < 6.0);
    cf_test_response_free(&r);

    get("/stall?s=0", NULL, &r);
    assert_int_equal(r.status, -1);
    assert_true(r.total_s < 5.0);
    cf_test_response_free(&r);

    static const char *const bad[] = {"/stall", "/stall?s=-1", "/stall?s=3601", "/stall?s=x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        get(bad[i], NULL, &r);
        assert_int_equal(r.status, 400);
        cf_test_response_free(&r);
    }

    /* A client that gives up is noticed long before the stall ends. */
    fd = connect_to(server.port);
    send_get(fd, "/stall?s=60");
    usleep(100 * 1000);
    close(fd);
    assert_int_equal(wait_conns_open(1, 10.0), 1);
}

static void test_drip_slow(void **state)
{
    struct cf_test_response r;

    (void)state;
    get("/drip?n=5&interval=1", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 5);
    assert_string_equal(r.body, "abcde");
    assert_true(r.first_s < 0.9);
    assert_true(r.total_s >= 4.9);
    assert_true(r.total_s < 15.0);
    cf_test_response_free(&r);
}

static void test_chunked(void **state)
{
    static char raw[65536], want[65536];
    struct cf_test_response r;
    const char *body;
    size_t len, wlen;

    (void)state;
    len = get_raw("/chunked", raw, sizeof(raw));
    raw[len] = '\0';
    assert_memory_equal(raw, "HTTP/1.1 200 OK\r\n", 17);
    assert_non_null(strstr(raw, "\r\nTransfer-Encoding: chunked\r\n"));
    assert_null(strstr(raw, "Content-Length"));
    body = strstr(raw, "\r\n\r\n") + 4;
    wlen = chunked_body(want, 3, 100, 1);
    assert_int_equal(raw + len - body, wlen);
    assert_memory_equal(body, want, wlen);

    /* Truncated: the same chunks, no 0-chunk, then the close. */
    len = get_raw("/chunked?truncate=1", raw, sizeof(raw));
    raw[len] = '\0';
    body = strstr(raw, "\r\n\r\n") + 4;
    wlen = chunked_body(want, 3, 100, 0);
    assert_int_equal(raw + len - body, wlen);
    assert_memory_equal(body, want, wlen);

    len = get_raw("/chunked?n=5&size=1&truncate=1", raw, sizeof(raw));
    raw[len] = '\0';
    assert_string_equal(strstr(raw, "\r\n\r\n") + 4,
                        "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n1\r\nd\r\n1\r\ne\r\n");

    len = get_raw("/chunked?n=0", raw, sizeof(raw));
    raw[len] = '\0';
    assert_string_equal(strstr(raw, "\r\n\r\n") + 4, "0\r\n\r\n");

    len = get_raw("/chunked?n=2&size=16384", raw, sizeof(raw));
    wlen = chunked_body(want, 2, 16384, 1);
    body = (const char *)memmem(raw, len, "\r\n\r\n", 4) + 4;
    assert_int_equal(raw + len - body, wlen);
    assert_memory_equal(body, want, wlen);

    static const char *const bad[] = {"/chunked?n=1001", "/chunked?size=0", "/chunked?size=16385",
                                      "/chunked?n=x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        get(bad[i], NULL, &r);
        assert_int_equal(r.status, 400);
        cf_test_response_free(&r);
    }
}

static void test_short(void **state)
{
    struct cf_test_response r;

    (void)state;
    get("/short?claim=100&send=10", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 100);
    assert_int_equal(r.body_len, 10);
    assert_int_equal(r.error, 0); /* an orderly close, not a reset */
    assert_true(body_is_pattern(r.body, r.body_len, 0));
    cf_test_response_free(&r);

    get("/short?claim=10737418240&send=0", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.length, 10737418240LL);
    assert_int_equal(r.body_len, 0);
    cf_test_response_free(&r);

    /* send = claim is a whole reply. */
    get("/short?claim=1048576&send=1048576", NULL, &r);
    assert_int_equal(r.length, 1048576);
    assert_int_equal(r.body_len, 1048576);
    assert_true(body_is_pattern(r.body, r.body_len, 0));
    cf_test_response_free(&r);

    static const char *const bad[] = {"/short", "/short?claim=10", "/short?claim=10&send=11",
                                      "/short?claim=2000000&send=1048577",
                                      "/short?claim=10737418241&send=0"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        get(bad[i], NULL, &r);
        assert_int_equal(r.status, 400);
        cf_test_response_free(&r);
    }
}

static void test_malformed(void **state)
{
    static const struct {
        const char *what;
        const char *head; /* the reply starts with this */
        const char *has;  /* and holds these bytes (may include a NUL) */
        size_t has_len;
    } cases[] = {
#define C(w, head, has) {w, head, has, sizeof(has) - 1}
        C("status", "HTTP/1.1 abc\r\n", "\r\nContent-Length: 4\r\n"),
        C("junk", "this is not HTTP\r\n\r\nbad\n", "bad\n"),
        C("nocolon", "HTTP/1.1 200 OK\r\n", "\r\nThis header line has no colon\r\n"),
        C("nul", "HTTP/1.1 200 OK\r\n", "\r\nX-Nul: a\0b\r\n"),
        C("cr", "HTTP/1.1 200 OK\r\n", "\r\nX-Cr: a\rb\r\n"),
        C("header", "HTTP/1.1 200 OK\r\n",
          "\r\nThis header line has no colon\r\nX-Nul: a\0b\r\nX-Cr: a\rb\r\n"),
        C("length", "HTTP/1.1 200 OK\r\n", "\r\nContent-Length: four\r\n"),
#undef C
    };
    char raw[4096];
    struct cf_test_response r;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char target[64];
        size_t len;

        snprintf(target, sizeof(target), "/malformed?what=%s", cases[i].what);
        len = get_raw(target, raw, sizeof(raw));
        assert_true(len >= strlen(cases[i].head));
        assert_memory_equal(raw, cases[i].head, strlen(cases[i].head));
        assert_non_null(memmem(raw, len, cases[i].has, cases[i].has_len));
        /* Every one is whole: it ends with its body. */
        assert_memory_equal(raw + len - 4, "bad\n", 4);
    }

    get("/malformed", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);
    get("/malformed?what=other", NULL, &r);
    assert_int_equal(r.status, 400);
    cf_test_response_free(&r);
}

static void test_huge(void **state)
{
    static char buf[1 << 20];
    struct timespec t0, t1;
    size_t len = 0;
    char *end;
    int fd;

    (void)state;
    fd = connect_to(server.port);
    send_get(fd, "/huge");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* The head at once, then a trickle: well under 1 MiB in the first half second. */
    do {
        ssize_t got = recv(fd, buf + len, sizeof(buf) - 1 - len, 0);
        assert_true(got > 0);
        len += (size_t)got;
        buf[len] = '\0';
        clock_gettime(CLOCK_MONOTONIC, &t1);
    } while ((double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9 < 0.5);
    assert_memory_equal(buf, "HTTP/1.1 200 OK\r\n", 17);
    assert_non_null(strstr(buf, "\r\nContent-Length: 10737418240\r\n"));
    end = strstr(buf, "\r\n\r\n");
    assert_non_null(end);
    assert_true(len - (size_t)(end + 4 - buf) > 0);
    assert_true(len - (size_t)(end + 4 - buf) < 256 * 1024);
    assert_true(body_is_pattern(end + 4, len - (size_t)(end + 4 - buf), 0));
    /* The client leaves; the server notices and lets the connection go. */
    close(fd);
    assert_int_equal(wait_conns_open(1, 10.0), 1);
}

static void test_loop(void **state)
{
    struct cf_test_response r;
    char loc[64];

    (void)state;
    get("/loop", NULL, &r);
    assert_int_equal(r.status, 302);
    assert_non_null(cf_test_response_header(&r, "Location", loc, sizeof(loc)));
    assert_string_equal(loc, "/loop");
    cf_test_response_free(&r);
}

/* Redirects to other schemes come from /redirect: the Location is passed through verbatim. */
static void test_redirect_schemes(void **state)
{
    static const char *const to[] = {"gopher://127.0.0.1/", "ftp://127.0.0.1/",
                                     "file:///etc/passwd", "dict://127.0.0.1/"};
    struct cf_test_response r;
    char target[128], loc[128];

    (void)state;
    for (size_t i = 0; i < sizeof(to) / sizeof(to[0]); i++) {
        snprintf(target, sizeof(target), "/redirect?n=0&to=%s", to[i]);
        get(target, NULL, &r);
        assert_int_equal(r.status, 302);
        assert_non_null(cf_test_response_header(&r, "Location", loc, sizeof(loc)));
        assert_string_equal(loc, to[i]);
        cf_test_response_free(&r);
    }
}

static void test_bigheaders(void **state)
{
    struct cf_test_response r;
    char *value = malloc(200 * 1024);
    size_t lines = 0;

    (void)state;
    assert_non_null(value);
    get("/bigheaders?kb=100", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "bigheaders 100\n");
    for (const char *p = strstr(r.head, "\r\nX-Big-"); p != NULL; p = strstr(p + 2, "\r\nX-Big-"))
        lines++;
    assert_int_equal(lines, 100);
    assert_true(strlen(r.head) > 100 * 1024);
    assert_true(strlen(r.head) < 101 * 1024);
    assert_non_null(cf_test_response_header(&r, "X-Big-0099", value, 200 * 1024));
    assert_int_equal(strlen(value), 1010);
    assert_true(body_is_pattern(value, 1010, 99));
    cf_test_response_free(&r);

    get("/bigheaders?kb=100&one=1", NULL, &r);
    assert_int_equal(r.status, 200);
    assert_non_null(cf_test_response_header(&r, "X-Big", value, 200 * 1024));
    assert_int_equal(strlen(value), 100 * 1024 - 9);
    assert_true(body_is_pattern(value, strlen(value), 0));
    assert_null(strstr(r.head, "X-Big-"));
    cf_test_response_free(&r);

    static const char *const bad[] = {"/bigheaders", "/bigheaders?kb=0", "/bigheaders?kb=1025"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        get(bad[i], NULL, &r);
        assert_int_equal(r.status, 400);
        cf_test_response_free(&r);
    }
    free(value);
}

/*
 * Faults after a normal reply on a kept-alive connection: the fault takes over a connection
 * that evhttp has already written on (its write-done callback must not fire again).
 */
static void test_fault_keepalive(void **state)
{
    static const char *const faults[] = {"/malformed?what=status", "/chunked?truncate=1",
                                         "/short?claim=10&send=5", "/stall?s=0.2"};
    char raw[8192];
    size_t len;
    int fd;

    (void)state;
    for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
        fd = connect_to(server.port);
        send_get(fd, "/bytes?n=1000");
        assert_int_equal(read_response(fd, &len, 1), 200);
        send_get(fd, "/delay?s=0");
        assert_int_equal(read_response(fd, &len, 0), 200);
        send_get(fd, faults[i]);
        len = read_to_end(fd, raw, sizeof(raw));
        if (strncmp(faults[i], "/stall", 6) == 0)
            assert_int_equal(len, 0);
        else
            assert_true(len > 0 && memcmp(raw, "HTTP/1.1 ", 9) == 0);
        close(fd);
    }
    /* And the server carries on. */
    fd = connect_to(server.port);
    send_get(fd, "/bytes?n=10");
    assert_int_equal(read_response(fd, &len, 1), 200);
    close(fd);
    assert_int_equal(wait_conns_open(1, 10.0), 1);
}

/* Over TLS the raw replies go through the TLS bufferevent. */
static void test_fault_tls(void **state)
{
#ifndef CF_HAVE_TLS_SERVER
    (void)state;
    skip();
#else
    struct cf_test_cert cert;
    struct cf_test_server tls;
    char cmd[1024], out[256];
    FILE *p;

    (void)state;
    tls_spawn(&cert, &tls);
    snprintf(cmd, sizeof(cmd),
             "curl -sS --cacert %s -o /dev/null -w '%%{http_code} %%{size_download}' "
             "'%s/chunked?n=4&size=1000'; echo \" $?\"; "
             "curl -sS --cacert %s -o /dev/null '%s/short?claim=100&send=10' 2>/dev/null; "
             "echo $?; curl -sS --cacert %s -o /dev/null -m 0.5 '%s/stall?s=5' 2>/dev/null; "
             "echo $?",
             cert.cert, tls.url, cert.cert, tls.url, cert.cert, tls.url);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, sizeof(out), p));
    assert_string_equal(out, "200 4000 0\n");
    assert_non_null(fgets(out, sizeof(out), p));
    assert_string_equal(out, "18\n"); /* CURLE_PARTIAL_FILE */
    assert_non_null(fgets(out, sizeof(out), p));
    assert_string_equal(out, "28\n"); /* CURLE_OPERATION_TIMEDOUT */
    pclose(p);
    tls_stop(&cert, &tls);
#endif
}

/* ---- in process: the C API on the caller's event_base ---- */

struct reply {
    struct event_base *base;
    int code;
};

static void on_reply(struct evhttp_request *req, void *arg)
{
    struct reply *rep = arg;

    rep->code = req != NULL ? evhttp_request_get_response_code(req) : -1;
    event_base_loopbreak(rep->base);
}

static void run_for(struct event_base *base, double secs)
{
    struct timeval tv = {.tv_sec = (time_t)secs,
                         .tv_usec = (suseconds_t)((secs - (time_t)secs) * 1e6)};

    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
}

static void test_api(void **state)
{
    struct event_base *base = event_base_new();
    struct cf_server_opts opts = {.quiet = 1};
    struct cf_server_stats st;
    struct evhttp_connection *client;
    struct evhttp_request *req;
    struct reply rep = {.base = base, .code = 0};
    cf_server *srv = NULL;
    char want[64];
    int fds[5];

    (void)state;
    assert_non_null(base);
    assert_int_equal(cf_server_start(base, &opts, &srv), 0);
    assert_non_null(srv);
    assert_true(cf_server_port(srv) > 0);
    snprintf(want, sizeof(want), "http://127.0.0.1:%d", cf_server_port(srv));
    assert_string_equal(cf_server_url(srv), want);

    client = evhttp_connection_base_new(base, NULL, "127.0.0.1", (uint16_t)cf_server_port(srv));
    assert_non_null(client);
    req = evhttp_request_new(on_reply, &rep);
    assert_int_equal(evhttp_make_request(client, req, EVHTTP_REQ_GET, "/status/201"), 0);
    event_base_dispatch(base);
    assert_int_equal(rep.code, 201);

    cf_server_stats(srv, &st);
    assert_int_equal(st.requests, 1);
    assert_int_equal(st.conns_open, 1);
    assert_int_equal(st.conns_max, 1);
    assert_int_equal(st.conns_total, 1);
    assert_int_equal(cf_server_count_path(srv, "/status"), 1);
    assert_int_equal(cf_server_count_path(srv, "/delay"), 0);
    assert_int_equal(cf_server_count_path(srv, "/nope"), 0);

    /* Replies in progress of every kind, cut off by cf_server_free(). */
    static const char *const pending[] = {"/delay?s=60", "/drip?n=100&interval=1",
                                          "/bytes?n=10737418240", "/reset?n=10",
                                          "/drip?n=100000&interval=0"};
    for (int i = 0; i < 5; i++) {
        fds[i] = connect_to(cf_server_port(srv));
        send_get(fds[i], pending[i]);
    }
    /* Until the server has seen all five and the reset one has closed (at most 10 s). */
    for (int i = 0; i < 200; i++) {
        run_for(base, 0.05);
        cf_server_stats(srv, &st);
        if (st.requests == 6 && st.conns_open == 5)
            break;
    }
    assert_int_equal(st.requests, 6);
    /* The reset one has closed; the client's keep-alive connection is still open. */
    assert_int_equal(st.conns_open, 5);
    assert_int_equal(st.conns_max, 6);
    assert_int_equal(st.conns_total, 6);

    cf_server_reset_stats(srv);
    cf_server_stats(srv, &st);
    assert_int_equal(st.requests, 0);
    assert_int_equal(st.conns_max, 5);
    assert_int_equal(st.conns_total, 6);
    assert_int_equal(cf_server_count_path(srv, "/status"), 0);

    cf_server_free(srv);
    /* The connections are gone: the clients read what was sent, then the end. */
    for (int i = 0; i < 5; i++) {
        char buf[65536];
        ssize_t got;
        while ((got = recv(fds[i], buf, sizeof(buf), 0)) > 0)
            ;
        assert_true(got == 0 || errno == ECONNRESET);
        close(fds[i]);
    }
    evhttp_connection_free(client);
    event_base_free(base);
}

/* Fault replies in progress (connections taken over from evhttp) cut off by cf_server_free(). */
static void test_free_faults(void **state)
{
    static const char *const pending[] = {"/stall?s=60", "/huge", "/bytes?n=10", "/stall?s=0"};
    enum { N = sizeof(pending) / sizeof(pending[0]) };
    struct event_base *base = event_base_new();
    struct cf_server_opts opts = {.quiet = 1};
    struct cf_server_stats st;
    cf_server *srv = NULL;
    int fds[N];

    (void)state;
    assert_non_null(base);
    assert_int_equal(cf_server_start(base, &opts, &srv), 0);
    for (int i = 0; i < N; i++) {
        fds[i] = connect_to(cf_server_port(srv));
        send_get(fds[i], pending[i]);
    }
    /* The /bytes connection stays (keep-alive); /stall?s=0 has closed. */
    for (int i = 0; i < 200; i++) {
        run_for(base, 0.05);
        cf_server_stats(srv, &st);
        if (st.requests == N && st.conns_open == N - 1)
            break;
    }
    assert_int_equal(st.requests, N);
    assert_int_equal(st.conns_open, N - 1);
    assert_int_equal(cf_server_count_path(srv, "/stall"), 2);
    assert_int_equal(cf_server_count_path(srv, "/huge"), 1);

    cf_server_free(srv);
    for (int i = 0; i < N; i++) {
        char buf[65536];
        ssize_t got;
        while ((got = recv(fds[i], buf, sizeof(buf), 0)) > 0)
            ;
        assert_true(got == 0 || errno == ECONNRESET);
        close(fds[i]);
    }
    event_base_free(base);
}

static void test_start_errors(void **state)
{
    struct event_base *base = event_base_new();
    struct cf_server_opts opts = {.quiet = 1};
    cf_server *srv = (cf_server *)&opts, *other = NULL;

    (void)state;
    assert_int_equal(cf_server_start(NULL, &opts, &srv), CF_EINVAL);
    assert_null(srv);
    assert_int_equal(cf_server_start(base, &opts, NULL), CF_EINVAL);
    opts.port = 70000;
    assert_int_equal(cf_server_start(base, &opts, &srv), CF_EINVAL);
    opts.port = -1;
    assert_int_equal(cf_server_start(base, &opts, &srv), CF_EINVAL);
    opts.port = 0;
    opts.addr = "localhost";
    assert_int_equal(cf_server_start(base, &opts, &srv), CF_EINVAL);
    opts.addr = NULL;
    opts.tls_cert = "/nonexistent/cert.pem";
    assert_int_equal(cf_server_start(base, &opts, &srv), CF_EINVAL);
    opts.tls_key = "/nonexistent/key.pem";
    assert_int_equal(cf_server_start(base, &opts, &srv), CF_ETLS);
    opts.tls_cert = opts.tls_key = NULL;

    /* The same port twice. */
    assert_int_equal(cf_server_start(base, NULL, &srv), 0);
    opts.port = cf_server_port(srv);
    assert_int_equal(cf_server_start(base, &opts, &other), CF_EIO);
    assert_null(other);
    cf_server_free(srv);

    /* IPv6 loopback, where the machine has it. */
    opts.port = 0;
    opts.addr = "::1";
    if (cf_server_start(base, &opts, &srv) == 0) {
        char want[64];
        snprintf(want, sizeof(want), "http://[::1]:%d", cf_server_port(srv));
        assert_string_equal(cf_server_url(srv), want);
        cf_server_free(srv);
    }
    cf_server_free(NULL);
    event_base_free(base);
}

int main(void)
{
    const struct CMUnitTest child[] = {
        cmocka_unit_test(test_delay),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_bytes_large),
        cmocka_unit_test(test_status),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_drip),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_retry),
        cmocka_unit_test(test_count),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_idle),
        cmocka_unit_test(test_concurrent),
        cmocka_unit_test(test_client_leaves),
        cmocka_unit_test(test_tls),
        cmocka_unit_test(test_stall),
        cmocka_unit_test(test_drip_slow),
        cmocka_unit_test(test_chunked),
        cmocka_unit_test(test_short),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_huge),
        cmocka_unit_test(test_loop),
        cmocka_unit_test(test_redirect_schemes),
        cmocka_unit_test(test_bigheaders),
        cmocka_unit_test(test_fault_keepalive),
        cmocka_unit_test(test_fault_tls),
    };
    const struct CMUnitTest local[] = {
        cmocka_unit_test(test_api),
        cmocka_unit_test(test_free_faults),
        cmocka_unit_test(test_start_errors),
    };
    int failed = cmocka_run_group_tests_name("server_in_process", local, NULL, NULL);

    failed += cmocka_run_group_tests_name("server_child", child, group_setup, group_teardown);
    return failed != 0;
}

/*
 * test_e2e_requests.c - request lines (JSON Lines in) and --jsonl-body, end to end: the
 * built binary against the loopback server, whose /echo returns the request as it
 * arrived, so each line's method, headers and body are compared exactly. Records are
 * parsed back with libjansson.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/strbuf.h"
#include "cli_proc.h"
#include "support.h"

enum { TIMEOUT = 120 }; /* seconds a run may take before it is killed */

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    if (cli_env_setup("requests"))
        return -1;
    snprintf(tmpdir, sizeof tmpdir, "%s", cli_env.tmpdir);
    return 0;
}

/* Runs cofetch with the arguments (NULL-terminated, without argv[0]) and stdin text. */
#define run(stdin_text, out, err, ...) cli_run_argv(stdin_text, out, err, TIMEOUT, __VA_ARGS__)

/* Every line of out parsed (each must be a JSON object): a JSON array. */
static json_t *records(const char *out)
{
    json_t *all = json_array();
    const char *p = out;

    while (*p) {
        const char *nl = strchr(p, '\n');
        json_error_t e;
        json_t *v;
        assert_non_null(nl);
        v = json_loadb(p, (size_t)(nl - p), JSON_ALLOW_NUL, &e);
        if (!v)
            fail_msg("record does not parse (%s): %.*s", e.text, (int)(nl - p), p);
        assert_true(json_is_object(v));
        json_array_append_new(all, v);
        p = nl + 1;
    }
    return all;
}

/* The record whose "id" is the string id (there must be exactly one). */
static json_t *by_id(json_t *recs, const char *id)
{
    json_t *found = NULL, *r;
    size_t i;

    json_array_foreach(recs, i, r)
    {
        json_t *v = json_object_get(r, "id");
        if (json_is_string(v) && strcmp(json_string_value(v), id) == 0) {
            assert_null(found);
            found = r;
        }
    }
    if (!found)
        fail_msg("no record with id %s", id);
    return found;
}

/* The request /echo saw for record r (with --jsonl-body, its body is that JSON object). */
static json_t *echo_of(json_t *r)
{
    json_t *e = json_object_get(r, "body");
    assert_true(json_is_object(e));
    return e;
}

static const char *echo_method(json_t *e)
{
    return json_string_value(json_object_get(e, "method"));
}

/* The n-th (0-based) value of header name in echo e, or NULL. */
static const char *echo_header(json_t *e, const char *name, int n)
{
    json_t *h;
    size_t i;

    json_array_foreach(json_object_get(e, "headers"), i, h)
    {
        if (strcasecmp(json_string_value(json_array_get(h, 0)), name) == 0 && n-- == 0)
            return json_string_value(json_array_get(h, 1));
    }
    return NULL;
}

/* The body bytes /echo saw: it writes each byte >= 0x7f as \u00XX, i.e. a code point. */
static size_t echo_body(json_t *e, unsigned char *buf, size_t cap)
{
    json_t *b = json_object_get(e, "body");
    const unsigned char *s = (const unsigned char *)json_string_value(b);
    const unsigned char *end = s + json_string_length(b);
    size_t n = 0;

    assert_non_null(s);
    while (s < end && n < cap) {
        if (*s < 0x80) {
            buf[n++] = *s++;
        } else { /* two-byte UTF-8 of a code point < 256 */
            assert_true(s[0] == 0xc2 || s[0] == 0xc3);
            buf[n++] = (unsigned char)(((s[0] & 0x1f) << 6) | (s[1] & 0x3f));
            s += 2;
        }
    }
    assert_int_equal((size_t)json_integer_value(json_object_get(e, "body_len")), n);
    return n;
}

static void assert_echo_body(json_t *e, const char *want, size_t len)
{
    unsigned char buf[4096];
    size_t n = echo_body(e, buf, sizeof buf);
    assert_int_equal(n, len);
    assert_memory_equal(buf, want, len);
}

static char *write_file(const char *name, const void *data, size_t len)
{
    static char path[16][128];
    static int k;
    char *p = path[k++ % 16];
    FILE *f;

    snprintf(p, 128, "%s/%s", tmpdir, name);
    f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return p;
}

/* The lines of the per-request test, and what each must have arrived as. */
static char *request_lines(void)
{
    static const unsigned char bin[] = {0, 1, 2, 0xff, 0x80, '\n', 'z'};
    const char *file = write_file("body.bin", bin, sizeof bin);
    struct strbuf sb = STRBUF_INIT;
    const char *u = cli_env.srv.url;

    sb_addf(&sb,
            "{\"url\":\"%s/echo\",\"method\":\"PUT\",\"header\":{\"X-A\":[\"1\",\"2\"],\"X-B\":"
            "\"b\"},\"body\":\"hello\\tw\\u00e9\",\"id\":\"put\",\"meta\":{\"k\":[1,null,true,2.5,"
            "\"s\"]},\"tag\":\"t1\"}\n",
            u);
    sb_addf(&sb, "{\"id\":\"json\",\"url\":\"%s/echo\",\"json\":{\"a\":[1,2],\"b\":\"x\"}}\n", u);
    sb_addf(&sb,
            "{\"url\":\"%s/echo\",\"body_b64\":\"AAEC/4AKeg==\",\"header\":[\"X-C: c\","
            "\"X-Keep: line\"],\"id\":\"b64\",\"method\":\"PATCH\"}\n",
            u);
    sb_addf(&sb, "{\"url\":\"%s/echo\",\"body_file\":\"%s\",\"id\":\"file\"}\n", u, file);
    sb_addf(&sb, "%s/echo?plain=1\n", u);
    sb_addf(&sb, "{\"url\":\"%s/echo?get=1\",\"id\":\"get\"}\n", u);
    return sb.buf;
}

/* Per-line methods, headers and bodies arrive as sent; ids, meta and tags come back;
 * the command line's -H is under the line's header of the same name. */
static void check_request_records(const char *out)
{
    json_t *recs = records(out), *r, *e;
    static const char bin[] = {0, 1, 2, (char)0xff, (char)0x80, '\n', 'z'};

    assert_int_equal(json_array_size(recs), 6);
    r = by_id(recs, "put");
    e = echo_of(r);
    assert_string_equal(echo_method(e), "PUT");
    assert_string_equal(echo_header(e, "X-A", 0), "1");
    assert_string_equal(echo_header(e, "X-A", 1), "2");
    assert_string_equal(echo_header(e, "X-B", 0), "b");
    assert_string_equal(echo_header(e, "X-Keep", 0), "cmdline");
    assert_echo_body(e, "hello\tw\xc3\xa9", 9);
    assert_string_equal(json_string_value(json_object_get(r, "tag")), "t1");
    {
        json_t *want = json_loads("{\"k\":[1,null,true,2.5,\"s\"]}", 0, NULL);
        assert_true(json_equal(json_object_get(r, "meta"), want));
        json_decref(want);
    }

    e = echo_of(by_id(recs, "json"));
    assert_string_equal(echo_method(e), "POST");
    assert_string_equal(echo_header(e, "Content-Type", 0), "application/json");
    assert_null(echo_header(e, "Content-Type", 1));
    assert_string_equal(echo_header(e, "Accept", 0), "application/json");
    assert_echo_body(e, "{\"a\":[1,2],\"b\":\"x\"}", 19);

    e = echo_of(by_id(recs, "b64"));
    assert_string_equal(echo_method(e), "PATCH");
    assert_string_equal(echo_header(e, "X-C", 0), "c");
    assert_string_equal(echo_header(e, "X-Keep", 0), "line");
    assert_null(echo_header(e, "X-Keep", 1));
    assert_echo_body(e, bin, sizeof bin);

    e = echo_of(by_id(recs, "file"));
    assert_string_equal(echo_method(e), "POST");
    assert_echo_body(e, bin, sizeof bin);

    e = echo_of(by_id(recs, "get"));
    assert_string_equal(echo_method(e), "GET");
    assert_int_equal(json_integer_value(json_object_get(e, "body_len")), 0);
    assert_null(json_object_get(by_id(recs, "get"), "meta"));

    /* The plain URL line: as before, no id. */
    {
        size_t i, plain = 0;
        json_array_foreach(recs, i, r)
        {
            if (!json_object_get(r, "id")) {
                plain++;
                assert_non_null(strstr(json_string_value(json_object_get(r, "url")), "plain=1"));
                assert_string_equal(echo_method(echo_of(r)), "GET");
            }
            assert_true(json_is_true(json_object_get(r, "ok")));
        }
        assert_int_equal(plain, 1);
    }
    json_decref(recs);
}

static void test_request_lines_every_mode(void **state)
{
    static const char *const modes[][4] = {
        {"--mode", "gather", NULL, NULL},
        {"--mode", "queue", "-j", "3"},
        {"--sync", NULL, NULL, NULL},
        {"--then", "{url}?step=2", NULL, NULL},
    };
    char *lines = request_lines();
    (void)state;

    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        char *out, *err;
        int rc;
        if (strcmp(modes[m][0], "--then") == 0) {
            /* chain: the line's request is the first step; records of step 1 follow. */
            rc = run(lines, &out, &err, "-s", "--jsonl-body", "-H", "X-Keep: cmdline", "--then",
                     "{effective_url}", NULL);
            assert_int_equal(rc, 0);
            {
                json_t *recs = records(out), *r;
                struct strbuf step0 = STRBUF_INIT;
                size_t i;
                assert_int_equal(json_array_size(recs), 12);
                json_array_foreach(recs, i, r)
                {
                    char *s;
                    if (json_integer_value(json_object_get(r, "step")) != 0)
                        continue;
                    s = json_dumps(r, JSON_COMPACT);
                    sb_addf(&step0, "%s\n", s);
                    free(s);
                }
                check_request_records(step0.buf);
                /* Step 1 is a plain GET of the same URL, and the line's id rides along. */
                json_array_foreach(recs, i, r)
                {
                    if (json_integer_value(json_object_get(r, "step")) == 1) {
                        assert_string_equal(echo_method(echo_of(r)), "GET");
                        if (i == 1)
                            assert_string_equal(json_string_value(json_object_get(r, "id")), "put");
                    }
                }
                sb_free(&step0);
                json_decref(recs);
            }
        } else {
            rc = run(lines, &out, &err, "-s", "--jsonl-body", "-H", "X-Keep: cmdline", modes[m][0],
                     modes[m][1], modes[m][2], modes[m][3], NULL);
            if (rc != 0)
                fail_msg("%s: exit %d: %s", modes[m][0], rc, err);
            check_request_records(out);
        }
        free(out);
        free(err);
    }
    free(lines);
}

/* Hostile lines: each gives one error record naming its line and key; the rest run. */
static void test_bad_request_lines(void **state)
{
    const char *u = cli_env.srv.url;
    struct strbuf in = STRBUF_INIT;
    static const char *const want[] = {
        NULL,
        ":2: not valid JSON",
        ":3: key \"url\": missing",
        ":4: key \"url\": a string expected",
        ":5: key \"method\": a string expected",
        ":6: key \"body_b64\": not base64",
        ":7: key \"header\":",
        ":8: key \"retry\": an integer",
        ":9: key \"timeout\": a number",
        ":10: key \"body_file\": cannot read",
        ":11: key \"json\": only one of",
        ":12: key \"url\": not a URL",
        ":13: not valid JSON",
        ":14: not valid JSON",
        ":15: key \"tag\": a string expected",
        ":16: key \"header\": a value holds CR, LF or NUL",
        ":17: not valid JSON",
        NULL,
    };
    char *out, *err;
    json_t *recs, *r;
    size_t i;
    (void)state;

    sb_addf(&in, "{\"url\":\"%s/echo\",\"id\":\"first\",\"methd\":\"POST\",\"bogus\":1}\n", u);
    sb_adds(&in, "{\"url\": \n");
    sb_adds(&in, "{\"method\":\"GET\"}\n");
    sb_adds(&in, "{\"url\":42}\n");
    sb_addf(&in, "{\"url\":\"%s/echo\",\"method\":[\"GET\"]}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"body_b64\":\"a=bc\"}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"header\":{\"X\":1}}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"retry\":\"3\",\"id\":\"r8\",\"meta\":[8]}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"timeout\":-1}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"body_file\":\"%s/none\"}\n", u, tmpdir);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"body\":\"a\",\"json\":1}\n", u);
    sb_adds(&in, "{\"url\":\"not a url\"}\n");
    sb_adds(&in, "{}[]\n");
    sb_addf(&in, "{\"url\":\"%s/echo\",\"url\":\"%s/echo\"}\n", u, u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"tag\":7}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"header\":[\"X-Y: a\\r\\nX-Z: b\"]}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"meta\":\"\xff\xfe\"}\n", u);
    sb_addf(&in, "{\"url\":\"%s/echo\",\"id\":\"last\",\"methd\":1}\n", u);

    assert_int_equal(run(in.buf, &out, &err, "--jsonl", "--summary", NULL), 1);
    recs = records(out);
    assert_int_equal(json_array_size(recs), 18);
    json_array_foreach(recs, i, r)
    {
        const char *e = json_string_value(json_object_get(r, "error"));
        assert_int_equal(json_integer_value(json_object_get(r, "line")), (json_int_t)i + 1);
        if (!want[i]) {
            assert_true(json_is_true(json_object_get(r, "ok")));
            continue;
        }
        assert_true(json_is_false(json_object_get(r, "ok")));
        if (!e || !strstr(e, want[i]))
            fail_msg("line %zu: error %s, wanted %s", i + 1, e ? e : "(null)", want[i]);
        assert_string_equal(json_string_value(json_object_get(r, "code")), "invalid argument");
    }
    assert_string_equal(json_string_value(json_object_get(by_id(recs, "last"), "url")),
                        cli_url("/echo"));
    /* A bad line's error record still carries its id and meta, to join on. */
    r = by_id(recs, "r8");
    assert_int_equal(json_integer_value(json_object_get(r, "line")), 8);
    assert_true(json_is_false(json_object_get(r, "ok")));
    assert_int_equal(json_integer_value(json_array_get(json_object_get(r, "meta"), 0)), 8);
    /* Unknown keys: warned once each, counted in the summary. */
    {
        const char *p = strstr(err, "unknown key \"methd\"");
        assert_non_null(p);
        assert_null(strstr(p + 1, "unknown key \"methd\""));
        assert_non_null(strstr(err, "unknown key \"bogus\""));
        assert_non_null(strstr(err, "3 unknown keys"));
    }
    json_decref(recs);
    free(out);
    free(err);
    sb_free(&in);
}

/* A vegeta targets file (-format=json) runs unchanged: its body is base64. */
static void test_vegeta_targets(void **state)
{
    char lines[1024], *out, *err, *path;
    json_t *recs;
    (void)state;

    snprintf(lines, sizeof lines,
             "{\"method\":\"POST\",\"url\":\"%s/echo?v=1\",\"body\":\"aGVsbG8gdmVnZXRh\","
             "\"header\":{\"Content-Type\":[\"text/plain\"],\"X-Multi\":[\"a\",\"b\"]}}\n"
             "{\"method\":\"GET\",\"url\":\"%s/echo?v=2\"}\n",
             cli_env.srv.url, cli_env.srv.url);
    path = write_file("targets.json", lines, strlen(lines));
    assert_int_equal(
        run(NULL, &out, &err, "-s", "--jsonl-body", "--input-format", "vegeta", "-i", path, NULL),
        0);
    recs = records(out);
    assert_int_equal(json_array_size(recs), 2);
    {
        json_t *e = echo_of(json_array_get(recs, 0));
        assert_string_equal(echo_method(e), "POST");
        assert_echo_body(e, "hello vegeta", 12);
        assert_string_equal(echo_header(e, "Content-Type", 0), "text/plain");
        assert_string_equal(echo_header(e, "X-Multi", 1), "b");
        assert_string_equal(echo_method(echo_of(json_array_get(recs, 1))), "GET");
    }
    json_decref(recs);
    free(out);
    free(err);
    /* Without the option the body is text: sent as the base64 characters themselves. */
    assert_int_equal(run(NULL, &out, &err, "-s", "--jsonl-body", "-i", path, NULL), 0);
    recs = records(out);
    assert_echo_body(echo_of(json_array_get(recs, 0)), "aGVsbG8gdmVnZXRh", 16);
    json_decref(recs);
    free(out);
    free(err);
}

/* A line's retry overrides --retry: 503 and 429 with Retry-After are retried per line. */
static void test_line_retry(void **state)
{
    char lines[1024], *out, *err;
    json_t *recs;
    (void)state;

    snprintf(lines, sizeof lines,
             "{\"url\":\"%s/retry?fail=2&after=0&id=rl1\",\"retry\":2,\"id\":\"a\"}\n"
             "{\"url\":\"%s/retry?fail=2&after=0&id=rl2\",\"id\":\"b\"}\n"
             "{\"url\":\"%s/status/429?retry_after=0\",\"retry\":1,\"id\":\"c\"}\n"
             "{\"url\":\"%s/delay?s=5\",\"timeout\":0.2,\"id\":\"d\"}\n",
             cli_env.srv.url, cli_env.srv.url, cli_env.srv.url, cli_env.srv.url);
    assert_int_equal(run(lines, &out, &err, "-s", "--jsonl", "--retry-delay", "0.01", NULL), 1);
    recs = records(out);
    assert_int_equal(json_integer_value(json_object_get(by_id(recs, "a"), "status")), 200);
    assert_int_equal(json_integer_value(json_object_get(by_id(recs, "a"), "attempts")), 3);
    assert_int_equal(json_integer_value(json_object_get(by_id(recs, "b"), "status")), 503);
    assert_int_equal(json_integer_value(json_object_get(by_id(recs, "b"), "attempts")), 1);
    assert_int_equal(json_integer_value(json_object_get(by_id(recs, "c"), "status")), 429);
    assert_int_equal(json_integer_value(json_object_get(by_id(recs, "c"), "attempts")), 2);
    assert_true(json_is_false(json_object_get(by_id(recs, "d"), "ok")));
    assert_true(json_real_value(json_object_get(by_id(recs, "d"), "time")) < 3.0);
    json_decref(recs);
    free(out);
    free(err);
}

/* --jsonl-body: JSON as a value, text as a string, bytes as base64, and a cap. */
static void test_jsonl_body(void **state)
{
    char *out, *err;
    json_t *recs, *r;
    (void)state;

    assert_int_equal(run(NULL, &out, &err, "-s", "--jsonl-body", cli_url("/echo"),
                         cli_url("/bytes?n=30"), cli_url("/status/404"), NULL),
                     0);
    recs = records(out);
    assert_true(json_is_object(json_object_get(json_array_get(recs, 0), "body")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 1), "body")),
                        "abcdefghijklmnopqrstuvwxyzabcd");
    assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 2), "body")),
                        "status 404\n");
    json_decref(recs);
    free(out);
    free(err);

    /* Bytes that are not UTF-8: body_b64 (the /echo of a binary body is JSON, so ask for
     * what /gzip sends without decoding it: the gzip member's bytes). */
    assert_int_equal(run(NULL, &out, &err, "-s", "--jsonl-body", cli_url("/gzip?n=100"), NULL), 0);
    recs = records(out);
    r = json_array_get(recs, 0);
    assert_null(json_object_get(r, "body"));
    assert_true(strncmp(json_string_value(json_object_get(r, "body_b64")), "H4sI", 4) == 0);
    json_decref(recs);
    free(out);
    free(err);

    /* Past --max-filesize: a clear error, and the other records are whole. */
    assert_int_equal(run(NULL, &out, &err, "-s", "--jsonl-body", "--max-filesize", "1000",
                         cli_url("/chunked?n=20&size=100"), cli_url("/bytes?n=1000"), NULL),
                     1);
    recs = records(out);
    r = json_array_get(recs, 0);
    assert_true(json_is_false(json_object_get(r, "ok")));
    assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "1000 bytes"));
    assert_null(json_object_get(r, "body"));
    assert_int_equal(strlen(json_string_value(json_object_get(json_array_get(recs, 1), "body"))),
                     1000);
    json_decref(recs);
    free(out);
    free(err);
}

enum { NRESUME = 400 };

/* Line i of the resume list: a request line (POST with a body, an id on every third) or
 * a URL line. */
static void resume_line(struct strbuf *sb, int i)
{
    if (i % 3 == 0)
        sb_addf(sb, "{\"url\":\"%s/delay?s=0.05&i=%d\",\"id\":\"r%d\"}\n", cli_env.srv.url, i, i);
    else if (i % 3 == 1)
        sb_addf(sb, "{\"url\":\"%s/delay?s=0.05&i=%d\",\"method\":\"POST\",\"body\":\"b%d\"}\n",
                cli_env.srv.url, i, i);
    else
        sb_addf(sb, "%s/delay?s=0.05&i=%d\n", cli_env.srv.url, i);
}

/* The i= of each record of out, counted into n[]; returns the records. */
static int count_is(const char *out, int *n, int max)
{
    int recs = 0;
    for (const char *p = out; *p; p = strchr(p, '\n') + 1) {
        const char *u = strstr(p, "&i=");
        assert_true(u && u < strchr(p, '\n'));
        int i = atoi(u + 3);
        assert_true(i >= 0 && i < max);
        n[i]++;
        recs++;
    }
    return recs;
}

/* Resume by identity: a run over -i FILE stopped by SIGINT; then the same requests
 * reversed, with lines added, piped through stdin, in queue mode: nothing done is fetched
 * again, every request is done exactly once over both runs. */
static void test_resume_by_identity(void **state)
{
    static int n[NRESUME + 20];
    char journal[128];
    struct strbuf list = STRBUF_INIT, again = STRBUF_INIT;
    char *path;
    struct cli_run r1, r2;
    int recs1, recs2;
    (void)state;

    snprintf(journal, sizeof journal, "%s/resume.journal", tmpdir);
    unlink(journal);
    for (int i = 0; i < NRESUME; i++)
        resume_line(&list, i);
    path = write_file("resume.list", list.buf, list.len);
    {
        char *argv[] = {"cofetch",   "-s",    "--jsonl", "-j", "20",
                        "--journal", journal, "-i",      path, NULL};
        r1 = (struct cli_run){.argv = argv, .sigint_after_lines = NRESUME / 2};
        assert_int_equal(cli_run(&r1, TIMEOUT), 0);
        assert_int_equal(r1.code, 130);
    }
    /* Reversed, two new lines at the front, through stdin, in another mode. */
    for (int i = NRESUME + 1; i >= NRESUME; i--)
        resume_line(&again, i);
    for (int i = NRESUME - 1; i >= 0; i--)
        resume_line(&again, i);
    {
        char *argv[] = {"cofetch", "--jsonl",   "--mode", "queue", "-j",
                        "20",      "--journal", journal,  NULL};
        r2 = (struct cli_run){.argv = argv, .stdin_s = again.buf};
        assert_int_equal(cli_run(&r2, TIMEOUT), 0);
        assert_int_equal(r2.code, 0);
    }
    recs1 = count_is(r1.out, n, NRESUME + 2);
    recs2 = count_is(r2.out, n, NRESUME + 2);
    assert_true(recs1 >= NRESUME / 2 && recs1 < NRESUME);
    assert_int_equal(recs1 + recs2, NRESUME + 2);
    for (int i = 0; i < NRESUME + 2; i++)
        if (n[i] != 1)
            fail_msg("request %d: %d records over both runs", i, n[i]);
    assert_null(strstr(r1.out, "\"ok\":false"));
    assert_null(strstr(r2.out, "\"ok\":false"));
    {
        char want[64];
        snprintf(want, sizeof want, "skipped %d lines", recs1);
        assert_non_null(strstr(r2.err, want));
    }
    cli_run_free(&r1);
    cli_run_free(&r2);
    sb_free(&list);
    sb_free(&again);
}

/* --shard by identity: N shards of a list of request lines take each request once, and a
 * request line with an id lands where its id says, whatever its URL. */
static void test_shard_by_identity(void **state)
{
    static int n[60];
    struct strbuf list = STRBUF_INIT;
    (void)state;

    for (int i = 0; i < 60; i++)
        resume_line(&list, i);
    for (int k = 1; k <= 3; k++) {
        char shard[8], *out, *err;
        snprintf(shard, sizeof shard, "%d/3", k);
        assert_int_equal(run(list.buf, &out, &err, "-s", "--jsonl", "--shard", shard, NULL), 0);
        count_is(out, n, 60);
        free(out);
        free(err);
    }
    for (int i = 0; i < 60; i++)
        if (n[i] != 1)
            fail_msg("request %d: taken by %d shards", i, n[i]);
    /* Two lines with one id but different URLs: the same shard. */
    {
        char lines[512], *out[3], *err;
        int got = 0;
        snprintf(lines, sizeof lines,
                 "{\"url\":\"%s/bytes?n=1\",\"id\":\"same\"}\n"
                 "{\"url\":\"%s/bytes?n=2\",\"id\":\"same\"}\n",
                 cli_env.srv.url, cli_env.srv.url);
        for (int k = 1; k <= 3; k++) {
            char shard[8];
            snprintf(shard, sizeof shard, "%d/3", k);
            assert_int_equal(
                run(lines, &out[k - 1], &err, "-s", "-w", "%{url}\\n", "--shard", shard, NULL), 0);
            free(err);
            if (out[k - 1][0]) {
                got++;
                assert_non_null(strstr(out[k - 1], "n=1\n"));
                assert_non_null(strstr(out[k - 1], "n=2\n"));
            }
            free(out[k - 1]);
        }
        assert_int_equal(got, 1);
    }
    sb_free(&list);
}

/* --colsep: rows of fields into requests: the URL template, -d and -H over {1}, {2} and
 * {line}; a JSON -d keeps its braces; a field that is not there is that row's error; the
 * other rows run. */
static void test_colsep_rows(void **state)
{
    char tmpl[256], *out, *err;
    json_t *recs, *e, *r;
    (void)state;

    snprintf(tmpl, sizeof tmpl, "%s/echo?id={1}&n={2}", cli_env.srv.url);
    assert_int_equal(run("a1\tAlice Smith\tred\nb2\tBob\nc3\tCy\tblue\n", &out, &err, "-s",
                         "--jsonl-body", "--colsep", "\\t", "-X", "PUT", "-d",
                         "{\"name\":\"{2}\",\"color\":\"{3}\"}", "-H", "X-Row: {line}", "-H",
                         "X-Fixed: 1", tmpl, NULL),
                     1);
    recs = records(out);
    assert_int_equal(json_array_size(recs), 3);
    e = echo_of(json_array_get(recs, 0));
    assert_string_equal(echo_method(e), "PUT");
    assert_string_equal(json_string_value(json_object_get(e, "uri")),
                        "/echo?id=a1&n=Alice%20Smith");
    assert_echo_body(e, "{\"name\":\"Alice Smith\",\"color\":\"red\"}", 36);
    assert_string_equal(echo_header(e, "X-Row", 0), "a1\tAlice Smith\tred");
    assert_string_equal(echo_header(e, "X-Fixed", 0), "1");
    r = json_array_get(recs, 1); /* two fields, and -d wants {3} */
    assert_true(json_is_false(json_object_get(r, "ok")));
    assert_non_null(strstr(json_string_value(json_object_get(r, "error")),
                           ":2: --data: {3}: the line has 2 fields"));
    e = echo_of(json_array_get(recs, 2));
    assert_echo_body(e, "{\"name\":\"Cy\",\"color\":\"blue\"}", 28);
    json_decref(recs);
    free(out);
    free(err);

    /* Without a URL template the first field is the URL; in queue mode too. */
    {
        char rows[512];
        snprintf(rows, sizeof rows, "%s/echo?k=a,first\n%s/echo?k=b,second\n", cli_env.srv.url,
                 cli_env.srv.url);
        assert_int_equal(run(rows, &out, &err, "-s", "--jsonl-body", "--colsep", ",", "--mode",
                             "queue", "-j", "2", "-d", "{2}", NULL),
                         0);
        recs = records(out);
        assert_int_equal(json_array_size(recs), 2);
        for (size_t i = 0; i < 2; i++) {
            e = echo_of(json_array_get(recs, i));
            if (strcmp(json_string_value(json_object_get(e, "uri")), "/echo?k=a") == 0)
                assert_echo_body(e, "first", 5);
            else
                assert_echo_body(e, "second", 6);
        }
        json_decref(recs);
        free(out);
        free(err);
    }
    /* Two URL arguments with --colsep: a usage error. */
    assert_int_equal(run(NULL, &out, &err, "--colsep", ",", tmpl, tmpl, NULL), 2);
    assert_non_null(strstr(err, "at most one URL argument"));
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_lines_every_mode),
        cmocka_unit_test(test_bad_request_lines),
        cmocka_unit_test(test_vegeta_targets),
        cmocka_unit_test(test_line_retry),
        cmocka_unit_test(test_jsonl_body),
        cmocka_unit_test(test_resume_by_identity),
        cmocka_unit_test(test_shard_by_identity),
        cmocka_unit_test(test_colsep_rows),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

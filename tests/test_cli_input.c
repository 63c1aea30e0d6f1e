/*
 * test_cli_input.c - line trimming and skipping, the checks that make a bad line, shard
 * partitions, and the reader over a descriptor (numbers, over-long lines, NUL bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "cofetch/error.h"
#include "base/hash.h"
#include "base/strbuf.h"
#include "input/input.h"
#include "input/linecheck.h"

static void cfg_init(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->protos, sizeof cfg->protos, "http,https");
}

static void test_trim_and_skip(void **state)
{
    size_t len = 12;
    const char *s = line_trim(" \t http://a \r", &len);
    (void)state;
    assert_int_equal(len, 8);
    assert_memory_equal(s, "http://a", 8);
    len = 4;
    s = line_trim(" \t\r ", &len);
    assert_int_equal(len, 0);
    assert_true(line_skipped(s, len));
    assert_true(line_skipped("# comment", 9));
    assert_false(line_skipped("http://a/#frag", 14));
}

static void expect_bad(const char *line, size_t len, const char *protos, const char *needle)
{
    char why[192];
    assert_int_equal(line_check(line, len, protos, why, sizeof why), -1);
    if (!strstr(why, needle))
        fail_msg("'%s': '%s' lacks '%s'", line, why, needle);
}

static void test_line_check(void **state)
{
    static char big[LINE_MAX_BYTES + 2];
    char why[192];
    (void)state;
    assert_int_equal(line_check("http://127.0.0.1:8080/x?y=1", 27, "http,https", why, sizeof why),
                     0);
    assert_int_equal(line_check("HTTPS://example.com", 19, "http,https", why, sizeof why), 0);
    expect_bad("not a url", 9, "http,https", "not a URL");
    /* No scheme: libcurl's guess, as curl makes it (http, or ftp for an "ftp." host). */
    assert_int_equal(line_check("example.com/path", 16, "http,https", why, sizeof why), 0);
    assert_int_equal(line_check("127.0.0.1:8080/x", 16, "http,https", why, sizeof why), 0);
    expect_bad("ftp.example.com/f", 17, "http,https", "scheme 'ftp' not allowed");
    expect_bad("http://", 7, "http,https", "not a URL");
    expect_bad("ftp://host/file", 15, "http,https", "scheme 'ftp' not allowed");
    expect_bad("http://a/", 9, "https", "scheme 'http' not allowed");
    assert_int_equal(line_check("ftp://host/file", 15, "http,https,ftp", why, sizeof why), 0);
    expect_bad("http://a/\0b", 11, "http,https", "NUL byte");
    memset(big, 'a', sizeof big);
    expect_bad(big, LINE_MAX_BYTES + 1, "http,https", "longer than");
}

static int plain_url_str(const char *s, size_t *n)
{
    return url_plain(s, strlen(s), n);
}

/* url_plain is a shortcut past libcurl's parser: every URL it calls plain must be one
 * that curl_url_set accepts, with the scheme it reports; plain URLs of every part's
 * shape are found, and line_check gives them the same verdict as before. */
static void test_url_plain_implies_curl(void **state)
{
    static const char *const parts[] = {
        "http://", "HTTPS://", "https://", "htt",  "p:/", "host",  "Ex-Am.ple", "127.0.0.1",
        "1",       "999",      ":",        "80",   "0",   "65535", "65536",     "123456",
        "/",       "?",        "#",        ".",    "-",   "_",     "%",         "%zz",
        "@",       "[",        "]",        "::1",  " ",   "\\",    "\x7f",      "\x80",
        "a",       "..",       "/..",      "&x=1", "~",   "'",     "\"",        "ftp://"};
    const size_t nparts = sizeof parts / sizeof parts[0];
    unsigned long long x = 0x9e3779b97f4a7c15ULL;
    char url[256], why[192];
    size_t plain = 0, n;
    CURLU *u = curl_url();

    (void)state;
    assert_non_null(u);
    for (int i = 0; i < 200000; i++) {
        size_t len = 0;
        int k = 1 + i % 8;
        if (i % 2 == 0) { /* half start like a URL: scheme, host, perhaps a port, "/" */
            static const char *const hosts[] = {"h", "127.0.0.1", "a-b.c", "9", "x.", "-"};
            static const char *const ports[] = {"", ":1", ":80", ":08", ":65535", ":70000"};
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            len = (size_t)snprintf(url, sizeof url, "%s%s%s%s", i % 4 ? "http://" : "HTTPS://",
                                   hosts[x % 6], ports[(x >> 8) % 6], (x >> 16) % 4 ? "/" : "");
        }
        while (k-- > 0) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            len += (size_t)snprintf(url + len, sizeof url - len, "%s", parts[x % nparts]);
        }
        if (!url_plain(url, len, &n))
            continue;
        plain++;
        if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
            fail_msg("url_plain passed '%s', which curl_url_set refuses", url);
        assert_int_equal(line_check(url, len, "http,https", why, sizeof why), 0);
        assert_true(n == 4 || n == 5);
        assert_int_equal(strncasecmp(url, n == 5 ? "https" : "http", n), 0);
    }
    curl_url_cleanup(u);
    assert_true(plain > 10000);
    assert_true(plain_url_str("http://127.0.0.1:18080/f/1.txt?i=3", &n) && n == 4);
    assert_true(plain_url_str("HTTPS://a", &n) && n == 5);
    assert_false(plain_url_str("http://h:0/", &n));
    assert_false(plain_url_str("http://-a/", &n));
    assert_false(plain_url_str("http://a_b/", &n));
    assert_false(plain_url_str("http://a b/", &n));
    assert_false(plain_url_str("http://[::1]/", &n));
    assert_false(plain_url_str("http://u@h/", &n));
    assert_false(plain_url_str("http://h:65536/", &n));
    assert_false(plain_url_str("http://h?q", &n));
    assert_false(plain_url_str("ftp://h/", &n));
    expect_bad("HTTP://a/", 9, "https", "scheme 'http' not allowed (--proto: https)");
}

/* Every line lands in exactly one shard, for several N. */
static void test_shard_partition(void **state)
{
    char line[64];
    (void)state;
    for (unsigned long n = 1; n <= 7; n++) {
        unsigned long per[8] = {0};
        for (int i = 0; i < 2000; i++) {
            int owners = 0;
            snprintf(line, sizeof line, "http://h/%d", i);
            for (unsigned long k = 1; k <= n; k++)
                if (shard_take(line, strlen(line), k, n)) {
                    owners++;
                    per[k]++;
                }
            assert_int_equal(owners, 1);
        }
        for (unsigned long k = 1; k <= n; k++)
            assert_true(per[k] > 2000 / n / 2); /* roughly balanced */
    }
    /* No sharding takes everything. */
    assert_true(shard_take("x", 1, 0, 0));
    /* FNV-1a 64 reference values. */
    assert_true(fnv1a64("", 0) == 0xcbf29ce484222325ULL);
    assert_true(fnv1a64("a", 1) == 0xaf63dc4c8601ec8cULL);
}

static int read_all(void *arg, void **result)
{
    struct input *in = arg;
    struct item it = {0};
    static char log[4096];
    size_t used = 0;
    int rc;
    while ((rc = input_next(in, &it)) == 0)
        used += (size_t)snprintf(log + used, sizeof log - used, "%s:%lu:%lu:%d|", it.src, it.lineno,
                                 it.urlnum, it.bad);
    item_free(&it);
    *result = log;
    return rc == CF_EOF ? 0 : rc;
}

static void test_reader_numbers_and_bad_lines(void **state)
{
    static char data[LINE_MAX_BYTES + 512];
    size_t n = 0;
    int fds[2];
    struct config cfg;
    struct input *in;
    cf_loop *loop;
    void *log = NULL;
    char path[] = "/tmp/cofetch-input-XXXXXX";
    int fd = mkstemp(path);
    (void)state;

    n += (size_t)sprintf(data + n, "# header\n\n  http://a/1  \nbad line\n");
    memset(data + n, 'x', LINE_MAX_BYTES + 1);
    n += LINE_MAX_BYTES + 1;
    data[n++] = '\n';
    memcpy(data + n, "http://a/\0z\nhttp://a/last", 25);
    n += 25;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);

    cfg_init(&cfg);
    const char *inputs[1] = {path};
    const char *urls[1] = {"http://arg/"};
    cfg.inputs = inputs;
    cfg.ninputs = 1;
    cfg.urls = urls;
    cfg.nurls = 1;
    (void)fds;
    assert_int_equal(input_open(&in, &cfg, 0), 0);
    assert_int_equal(cf_loop_new(&loop, NULL), 0);
    assert_int_equal(cf_loop_run(loop, read_all, in, &log), 0);
    /* args first; then the file: lines 3 (ok), 4 (bad), 5 (too long), 6 (NUL), 7 (ok). */
    char want[512];
    snprintf(want, sizeof want, "args:1:0:0|%s:3:1:0|%s:4:2:1|%s:5:3:1|%s:6:4:1|%s:7:5:0|", path,
             path, path, path, path);
    assert_string_equal(log, want);
    cf_loop_free(loop);
    input_free(in);
    unlink(path);
}

static int read_groups(void *arg, void **result)
{
    struct input *in = arg;
    struct item it = {0};
    static char log[1024];
    static uint64_t idents[8];
    size_t used = 0, n = 0;
    int rc;
    while ((rc = input_next(in, &it)) == 0) {
        used += (size_t)snprintf(log + used, sizeof log - used, "%s:%s:%lu:%lu:g%u:%lu|", it.src,
                                 it.url.buf, it.lineno, it.urlnum, it.group->gidx, it.gnum);
        if (n < 8)
            idents[n++] = it.ident;
    }
    item_free(&it);
    /* the same URL in group 0 and group 1: two requests for the journal */
    if (n != 4 || idents[0] == idents[2])
        return -1;
    *result = log;
    return rc == CF_EOF ? 0 : rc;
}

/* --next: each group's URL arguments, then its -i files, group after group; items point at
 * their group and are numbered within it; argument numbers go on across groups. */
static void test_groups_in_order(void **state)
{
    struct config g1, g2;
    struct input *in;
    cf_loop *loop;
    void *log = NULL;
    char path[] = "/tmp/cofetch-input-XXXXXX";
    int fd = mkstemp(path);
    const char *urls1[1] = {"http://a/x"};
    const char *urls2[2] = {"http://a/x", "http://b/2"};
    const char *inputs1[1] = {path};
    char want[512];
    (void)state;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "http://f/1\n", 11), 11);
    close(fd);
    cfg_init(&g1);
    cfg_init(&g2);
    g1.urls = urls1;
    g1.nurls = 1;
    g1.inputs = inputs1;
    g1.ninputs = 1;
    g1.next = &g2;
    g1.ngroups = 2;
    g2.gidx = 1;
    g2.urls = urls2;
    g2.nurls = 2;
    assert_int_equal(input_open(&in, &g1, 0), 0);
    assert_int_equal(cf_loop_new(&loop, NULL), 0);
    assert_int_equal(cf_loop_run(loop, read_groups, in, &log), 0);
    snprintf(want, sizeof want,
             "args:http://a/x:1:0:g0:0|%s:http://f/1:1:1:g0:1|args:http://a/x:2:2:g1:0|"
             "args:http://b/2:3:3:g1:1|",
             path);
    assert_string_equal(log, want);
    cf_loop_free(loop);
    input_free(in);
    unlink(path);
}

static void test_missing_file(void **state)
{
    struct config cfg;
    struct input *in = NULL;
    const char *inputs[1] = {"/nonexistent/cofetch-list"};
    (void)state;
    cfg_init(&cfg);
    cfg.inputs = inputs;
    cfg.ninputs = 1;
    assert_int_equal(input_open(&in, &cfg, 0), CF_EIO);
    assert_null(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trim_and_skip),   cmocka_unit_test(test_line_check),
        cmocka_unit_test(test_groups_in_order), cmocka_unit_test(test_url_plain_implies_curl),
        cmocka_unit_test(test_shard_partition), cmocka_unit_test(test_reader_numbers_and_bad_lines),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_cli_har.c - the bytes --har and --report write for fixed records: entries with
 * awkward headers, queries, errors and text (quotes, control bytes, UTF-8 good and bad)
 * parse as JSON and say what the records hold, and both files are byte for byte the
 * golden ones in tests/har/ and tests/report/ (written by the renderers these replaced;
 * the page's date is masked). COFETCH_UPDATE_GOLDEN=1 rewrites the golden files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/record.h"
#include "support.h"
#include "cofetch/error.h"
#include "output/har.h"
#include "output/htmlreport.h"

/* got against the golden file name (or, with COFETCH_UPDATE_GOLDEN, into it). */
static void golden(const char *name, const char *got, size_t len)
{
    char path[512];
    const char *upd = getenv("COFETCH_UPDATE_GOLDEN");
    size_t wlen;
    char *want;

    snprintf(path, sizeof path, "%s/tests/%s", CF_SOURCE_DIR, name);
    if (upd && *upd == '1') {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(fwrite(got, 1, len, f), len);
        assert_int_equal(fclose(f), 0);
        return;
    }
    want = t_slurp(path, &wlen);
    assert_non_null(want);
    for (size_t i = 0; i < len && i < wlen; i++)
        if (got[i] != want[i]) {
            size_t from = i > 60 ? i - 60 : 0;
            fail_msg("%s differs at byte %zu:\n got: %.120s\nwant: %.120s", name, i, got + from,
                     want + from);
        }
    if (len != wlen)
        fail_msg("%s: %zu bytes, want %zu", name, len, wlen);
    free(want);
}

struct fixture {
    const char *url, *headers, *err;
    int code, version;
    long status, port;
    long long bytes;
    double start, secs, dns, connect, tls, ttfb, total;
};

static const struct fixture fixtures[] = {
    {"http://127.0.0.1:8080/f/1.txt",
     "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
     "Date: Tue, 01 Dec 2026 16:22:41 GMT\r\nContent-Type: text/plain\r\n"
     "Content-Length: 7\r\nETag: \"6b0ea8f4-7\"\r\n\r\n",
     NULL, 0, 11, 200, 40001, 7, 0.0105, 0.0032, 0.0001, 0.0009, 0, 0.0021, 0.0030},
    {"http://h.test/q?a=1&b&&c=%20d&=x&y=#frag",
     "HTTP/2 301\r\nlocation: /elsewhere?x=\"1\"\r\n"
     "content-type: text/html; charset=utf-8\r\nx-odd:\t tabbed \t\r\nno colon here\r\n"
     ": nameless\r\n\r\n",
     NULL, 0, 20, 301, 40002, 0, 0.25, 0.5, 0.01, 0.02, 0.1, 0.3, 0.45},
    {"https://example.com/\xc3\xa9t\xc3\xa9/\xff\xfe?q=\"quoted\"\\back",
     "HTTP/1.0 404 Not "
     "Found\r\nX-Ctl: a\x01"
     "b\x1f"
     "c\x7f"
     "d\r\nX-Utf8: caf\xc3\xa9 \xe2\x82\xac "
     "\xf0\x9f\x98\x80\r\nX-Bad: \xc3(\xe2\x82 \xed\xa0\x80 \xc0\xaf\r\n\r\n",
     NULL, 0, 10, 404, 40003, 1234567, 1.0, 2.5, 0.001, 0.002, 0.05, 2.0, 2.4},
    {"http://127.0.0.1:1/", NULL,
     "Failed to connect to 127.0.0.1 port 1: \"refused\"\n\tat <once> & "
     "\\gone\x02",
     CF_ECONNECT, 0, 0, 0, 0, 1.5, 0.0004, 0.0001, 0, 0, 0, 0.0003},
    {"not a url", NULL, "not a URL (line 5)", CF_EURL, 0, 0, 0, 0, 2.0, 0, 0, 0, 0, 0, 0},
    {"http://a.test/redirected",
     "HTTP/1.1 302 Found\r\nLocation: http://b.test/\r\n\r\n"
     "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n",
     NULL, 0, 11, 200, 0, 2, 3.0, 123.4567, 0.5, 1.5, 0, 100.25, 123.0},
};
enum { NFIX = sizeof fixtures / sizeof fixtures[0] };

static void make(struct rec *r, const struct fixture *fx, unsigned long order)
{
    rec_init(r);
    r->url = fx->url;
    r->url_len = strlen(fx->url);
    r->code = fx->code;
    r->start = fx->start;
    r->end = fx->start + fx->secs;
    r->order = order;
    r->resp.status = fx->status;
    r->resp.http_version = fx->version;
    r->resp.bytes = fx->bytes;
    r->resp.local_port = fx->port;
    r->resp.headers = (char *)fx->headers;
    r->resp.headers_len = fx->headers ? strlen(fx->headers) : 0;
    r->resp.t.dns = fx->dns;
    r->resp.t.connect = fx->connect;
    r->resp.t.tls = fx->tls;
    r->resp.t.ttfb = fx->ttfb;
    r->resp.t.total = fx->total;
    if (fx->err)
        sb_adds(&r->err, fx->err);
}

static void unmake(struct rec *r)
{
    sb_free(&r->err);
}

static char *har_of(const struct har_req *req, int pages, size_t *len)
{
    char path[] = "/tmp/cofetch-har-XXXXXX", err[128];
    struct har *h;
    struct rec r;
    char *got;
    int fd = mkstemp(path), e = -1;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(har_open(&h, path, req, err, sizeof err), 0);
    for (int p = 0; p < (pages ? 2 : 1); p++) {
        if (pages)
            har_page(h, p ? "gather" : "--sync");
        for (int i = 0; i < NFIX; i++) {
            make(&r, &fixtures[i], (unsigned long)i + 1);
            har_add(h, &r);
            unmake(&r);
            if (i == 2)
                har_flush(h); /* a batch boundary in the middle */
        }
        if (pages)
            har_page_end(h, 1.25 + p);
    }
    assert_int_equal(har_close(h, &e), 0);
    assert_int_equal(e, 0);
    got = t_slurp(path, len);
    assert_non_null(got);
    unlink(path);
    return got;
}

static void check_entries(const char *text, size_t len, int pages, const char *method)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr), *entries;

    if (!root)
        fail_msg("not JSON: %s at line %d", jerr.text, jerr.line);
    entries = json_object_get(json_object_get(root, "log"), "entries");
    assert_int_equal(json_array_size(entries), (size_t)NFIX * (pages ? 2 : 1));
    assert_int_equal(json_array_size(json_object_get(json_object_get(root, "log"), "pages")),
                     pages ? 2 : 0);
    for (size_t i = 0; i < json_array_size(entries); i++) {
        const struct fixture *fx = &fixtures[i % NFIX];
        json_t *e = json_array_get(entries, i);
        json_t *rq = json_object_get(e, "request"), *rs = json_object_get(e, "response");
        json_t *tm = json_object_get(e, "timings");
        const char *key;
        json_t *v;
        double sum = 0;

        assert_string_equal(json_string_value(json_object_get(rq, "method")), method);
        assert_int_equal(json_integer_value(json_object_get(rs, "status")), fx->status);
        assert_int_equal(json_integer_value(json_object_get(rs, "bodySize")), fx->bytes);
        if (fx->url[0] == 'h' && !strchr(fx->url, '\xff'))
            assert_string_equal(json_string_value(json_object_get(rq, "url")), fx->url);
        json_object_foreach(tm, key, v)
        {
            if (strcmp(key, "ssl") != 0)
                sum += json_number_value(v);
        }
        assert_true(sum - json_number_value(json_object_get(e, "time")) < 0.0015);
        assert_true(json_number_value(json_object_get(e, "time")) - sum < 0.0015);
        assert_int_equal(json_object_get(e, "_error") != NULL, fx->code != 0);
        if (pages)
            assert_string_equal(json_string_value(json_object_get(e, "pageref")),
                                i < NFIX ? "page_1" : "page_2");
    }
    json_decref(root);
}

static void test_har_golden(void **state)
{
    static const char *const hdrs[] = {
        "X-A: 1",       "X-Q:  \"quoted\"\t",          "bad-no-colon",
        ": empty-name", "X-\xc3\xa9: caf\xc3\xa9\x01", NULL};
    struct har_req put = {"PUT", hdrs, 12}, get = {NULL, NULL, 0}, post = {NULL, NULL, 3};
    size_t len;
    char *got;
    (void)state;

    got = har_of(&put, 0, &len);
    check_entries(got, len, 0, "PUT");
    golden("har/entries.golden.har", got, len);
    free(got);
    got = har_of(&get, 0, &len);
    check_entries(got, len, 0, "GET");
    golden("har/entries-get.golden.har", got, len);
    free(got);
    got = har_of(&post, 0, &len);
    check_entries(got, len, 0, "POST");
    free(got);
}

static void test_har_pages(void **state)
{
    struct har_req get = {NULL, NULL, 0};
    size_t len;
    char *got;
    (void)state;

    got = har_of(&get, 1, &len);
    check_entries(got, len, 1, "GET");
    free(got);
}

/* The page with its date ("YYYY-MM-DD HH:MM:SS UTC") replaced by X's. */
static void mask_date(char *page)
{
    char *p = strstr(page, "<h1>cofetch report</h1><p>");

    assert_non_null(p);
    p += strlen("<h1>cofetch report</h1><p>");
    assert_true(strlen(p) > 23 && memcmp(p + 19, " UTC", 4) == 0);
    memset(p, 'X', 23);
}

static char *report_of(int nrows, int compare, size_t *len)
{
    char path[] = "/tmp/cofetch-report-XXXXXX", err[128], url[160];
    struct htmlreport *hr;
    struct rec r;
    char *got;
    int fd = mkstemp(path), e = -1;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(htmlreport_open(&hr, path, err, sizeof err), 0);
    for (int run = compare ? 0 : 1; run < 2; run++) {
        htmlreport_run(hr, run ? "gather" : "--sync", !run);
        for (int i = 0; i < nrows; i++) {
            struct fixture fx = fixtures[i % NFIX];
            snprintf(url, sizeof url, "%s/%d<&>\"", fx.url, i);
            fx.url = url;
            fx.start = run ? (double)(i % 97) * 0.003 : (double)i * 0.01;
            fx.secs = fx.secs / 100 + (double)(i % 13) * 0.001 + (i % 1009 == 5 ? 0.5 : 0);
            fx.total = fx.secs * 0.9;
            fx.ttfb = fx.secs * 0.5;
            fx.port = fx.port ? 40000 + (i * 7) % (run ? 400 : 3) : 0;
            make(&r, &fx, (unsigned long)i + 1);
            htmlreport_add(hr, &r);
            unmake(&r);
        }
        htmlreport_run_end(hr, run ? 0.4 : (double)nrows * 0.01 + 0.02);
    }
    assert_int_equal(htmlreport_close(hr, &e), 0);
    assert_int_equal(e, 0);
    got = t_slurp(path, len);
    assert_non_null(got);
    unlink(path);
    mask_date(got);
    return got;
}

static void test_report_golden(void **state)
{
    size_t len;
    char *got;
    (void)state;

    got = report_of(NFIX * 2, 1, &len);
    golden("report/compare.golden.html", got, len);
    free(got);
}

/* Past the rows a page draws: the aggregate (failures, the slowest, a sample), the
 * lanes capped; compared by length and hash, the page being a megabyte. */
static void test_report_large(void **state)
{
    size_t len;
    char *got, line[64];
    uint64_t h = 1469598103934665603ULL;
    (void)state;

    got = report_of(6000, 0, &len);
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)got[i]) * 1099511628211ULL;
    snprintf(line, sizeof line, "%zu %016llx\n", len, (unsigned long long)h);
    assert_non_null(strstr(got, "2000 of 6000 fetches drawn"));
    golden("report/large.golden.txt", line, strlen(line));
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_har_golden),
        cmocka_unit_test(test_har_pages),
        cmocka_unit_test(test_report_golden),
        cmocka_unit_test(test_report_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

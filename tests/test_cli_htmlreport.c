/*
 * test_cli_htmlreport.c - the HTML report of a large run: 100,000 fetches under 5 MB,
 * every failure and the slowest fetches kept among the rows drawn, the aggregate said;
 * a small run draws every fetch; markup in URLs and errors is escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/record.h"
#include "support.h"
#include "cofetch/error.h"
#include "output/htmlreport.h"

static void add(struct htmlreport *hr, unsigned long i, const char *url, double secs, int code)
{
    struct rec r;

    memset(&r, 0, sizeof r);
    r.resp.local_port = 40000 + (long)(i % 500); /* 500 connections, 200 fetches each */
    r.url = url;
    r.url_len = strlen(url);
    r.start = (double)i * 1e-4;
    r.end = r.start + secs;
    r.order = i + 1;
    r.code = code;
    r.resp.status = code ? 0 : 200;
    r.resp.bytes = code ? 0 : 1000;
    r.resp.t.dns = secs * 0.1;
    r.resp.t.connect = secs * 0.2;
    r.resp.t.ttfb = secs * 0.8;
    r.resp.t.total = secs;
    if (code)
        sb_adds(&r.err, "could not connect: <refused> & gone");
    htmlreport_add(hr, &r);
    sb_free(&r.err);
}

static void test_large_run_aggregated(void **state)
{
    char path[] = "/tmp/cofetch-htmlreport-XXXXXX", url[128], err[128];
    struct htmlreport *hr;
    size_t len;
    char *page;
    int fd = mkstemp(path), e;
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(htmlreport_open(&hr, path, err, sizeof err), 0);
    htmlreport_run(hr, "gather", 0);
    for (unsigned long i = 0; i < 100000; i++) {
        int failed = i % 100 == 7;        /* 1,000 failures */
        double secs = i % 9973 == 0 ? 5.0 /* 11 very slow ones */
                                    : 0.01 + (double)(i % 50) / 1000;
        snprintf(url, sizeof url, "http://host%lu.test/item/%lu%s", i % 3, i,
                 i % 9973 == 0 ? "/slow" : "");
        add(hr, i, url, secs, failed ? CF_ECONNECT : 0);
    }
    htmlreport_run_end(hr, 15.0);
    assert_int_equal(htmlreport_close(hr, &e), 0);
    assert_int_equal(e, 0);

    page = t_slurp(path, &len);
    assert_non_null(page);

    print_message("100,000 fetches: %zu bytes of HTML\n", len);
    assert_true(len < 5 * 1024 * 1024);
    assert_non_null(strstr(page, "data-rows=\"2000\" data-fetches=\"100000\""));
    /* the view by connection: the 300 busiest of 500 lanes, 200 fetches each */
    assert_non_null(strstr(page, "data-conns=\"500\" data-fetches=\"60000\""));
    assert_non_null(strstr(page, "100000 fetches on 500 connections (the 300 busiest drawn)"));
    assert_non_null(strstr(page, "2000 of 100000 fetches drawn"));
    assert_non_null(strstr(page, "<td class=\"n-fetches\">100000</td>"));
    assert_non_null(strstr(page, "<td class=\"n-failed\">1000</td>"));
    /* every failure and every slow one is drawn */
    for (unsigned long i = 7; i < 100000; i += 100) {
        snprintf(url, sizeof url, "<g class=\"bar failed\"><title>http://host%lu.test/item/%lu\n",
                 i % 3, i);
        if (!strstr(page, url))
            fail_msg("failure %lu not drawn", i);
    }
    for (unsigned long i = 0; i < 100000; i += 9973) {
        snprintf(url, sizeof url, "http://host%lu.test/item/%lu/slow", i % 3, i);
        if (!strstr(page, url))
            fail_msg("slow fetch %lu not drawn", i);
    }
    /* per host, and errors by kind; markup escaped */
    assert_non_null(strstr(page, "<td>host0.test</td>"));
    /* throughput over time: 20 bins over the 15 s wall, 0.75 s each; 10,000 fetches
     * finish each second for the first 10 s; the last bin holds the last slow one */
    {
        const char *bin = strstr(page, "fetches finished over time");
        assert_non_null(bin);
        bin = strstr(bin, "<title>0.750-1.500 s: ");
        assert_non_null(bin);
        assert_in_range(atol(bin + strlen("<title>0.750-1.500 s: ")), 7400, 7600);
        assert_non_null(strstr(page, "<title>14.250-15.000 s: 1</title>"));
    }
    assert_non_null(strstr(page, "&lt;refused&gt; &amp; gone"));
    assert_null(strstr(page, "<refused>"));
    free(page);
    unlink(path);
}

static void test_small_run_every_row(void **state)
{
    char path[] = "/tmp/cofetch-htmlreport-XXXXXX", err[128];
    struct htmlreport *hr;
    size_t len;
    char *page;
    int fd = mkstemp(path);
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(htmlreport_open(&hr, path, err, sizeof err), 0);
    htmlreport_run(hr, "--sync", 1);
    add(hr, 0, "http://a.test/1", 0.3, 0);
    add(hr, 1, "http://a.test/2", 0.5, 0);
    htmlreport_run_end(hr, 0.8);
    htmlreport_run(hr, "gather", 0);
    add(hr, 0, "http://a.test/1", 0.3, 0);
    add(hr, 0, "http://a.test/2", 0.5, 0);
    htmlreport_run_end(hr, 0.5);
    assert_int_equal(htmlreport_close(hr, NULL), 0);
    page = t_slurp(path, &len);
    assert_non_null(page);
    /* both on the axis of the longer run; the speedup is 0.8 / 0.5 */
    assert_non_null(strstr(page, "data-run=\"0\" data-axis=\"0.800000\" data-rows=\"2\""));
    assert_non_null(strstr(page, "data-run=\"1\" data-axis=\"0.800000\" data-rows=\"2\""));
    assert_non_null(strstr(page, "class=\"speedup\">1.60x<"));
    assert_null(strstr(page, "fetches drawn")); /* no aggregate */
    free(page);
    unlink(path);

    /* a path that cannot be created */
    assert_int_equal(htmlreport_open(&hr, "/nonexistent-dir/r.html", err, sizeof err), CF_EIO);
    assert_non_null(strstr(err, "No such file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_large_run_aggregated),
        cmocka_unit_test(test_small_run_every_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

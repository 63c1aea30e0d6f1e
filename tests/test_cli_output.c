/*
 * test_cli_output.c - JSON escaping, the JSON record, -w formats, the default line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cofetch/error.h"
#include "base/record.h"
#include "base/strbuf.h"
#include "output/json.h"
#include "output/text.h"
#include "output/writeout.h"

static const char *esc(const char *s, size_t len)
{
    static struct strbuf sb;
    sb_reset(&sb);
    assert_int_equal(json_str(&sb, s, len), 0);
    return sb_cstr(&sb);
}

static void test_json_escaping(void **state)
{
    (void)state;
    assert_string_equal(esc("a\"b\\c", 5), "\"a\\\"b\\\\c\"");
    assert_string_equal(esc("\n\t\r\b\f\x01\x1f\x7f", 8), "\"\\n\\t\\r\\b\\f\\u0001\\u001f\x7f\"");
    assert_string_equal(esc("a\0b", 3), "\"a\\u0000b\"");
    /* Valid UTF-8 passes; invalid bytes become U+FFFD. */
    assert_string_equal(esc("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14),
                        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    assert_string_equal(esc("\xff", 1), "\"\\ufffd\"");
    assert_string_equal(esc("\xc3", 1), "\"\\ufffd\"");                       /* truncated */
    assert_string_equal(esc("\xc0\xaf", 2), "\"\\ufffd\\ufffd\"");            /* overlong */
    assert_string_equal(esc("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
    assert_string_equal(esc("\xf4\x90\x80\x80", 4), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

/* Every byte value at every place of a run of plain bytes of every length up to 24:
 * escaped as it is alone (the fast path copies only words in which no byte needs
 * escaping, the last one overlapping the one before). */
static void test_json_escaping_windows(void **state)
{
    char in[24], want[200];
    (void)state;
    for (size_t len = 1; len <= sizeof in; len++)
        for (int b = 0; b < 256; b++)
            for (size_t at = 0; at < len; at++) {
                size_t n = 1;
                memset(in, 'a', sizeof in);
                in[at] = (char)b;
                want[0] = '"';
                for (size_t i = 0; i < len; i++) {
                    const char *one = esc(in + i, 1);
                    size_t k = strlen(one) - 2;
                    memcpy(want + n, one + 1, k);
                    n += k;
                }
                want[n++] = '"';
                want[n] = '\0';
                assert_string_equal(esc(in, len), want);
            }
}

static void sample(struct rec *r)
{
    rec_init(r);
    r->url = "http://h/a\"b";
    r->url_len = strlen(r->url);
    r->src = "list.txt";
    r->lineno = 7;
    r->urlnum = 3;
    r->start = 0.25;
    r->end = 0.75;
    r->order = 2;
    r->done = 1;
    r->resp.status = 200;
    r->resp.bytes = 1234;
    r->resp.size_download = 1234;
    r->resp.attempts = 1;
    r->resp.http_version = 11;
    r->resp.t.ttfb = 0.4;
}

/* sb_addll and sb_addmilli write what printf's %lld and %s%lld.%03lld write, at the
 * ends of long long too, appended after what the buffer holds. */
static void test_numbers_match_printf(void **state)
{
    static const long long vals[] = {0,         1,         -1,        9,          10,
                                     999,       1000,      -1000,     1234567,    -42,
                                     LLONG_MAX, LLONG_MIN, 100000000, -999999999, 5};
    struct strbuf sb = STRBUF_INIT;
    char want[64];
    (void)state;
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        long long v = vals[i];
        unsigned long long a = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        sb_reset(&sb);
        sb_adds(&sb, "x");
        assert_int_equal(sb_addll(&sb, v), 0);
        snprintf(want, sizeof want, "x%lld", v);
        assert_string_equal(sb_cstr(&sb), want);
        assert_int_equal(sb.len, strlen(want));
        sb_reset(&sb);
        assert_int_equal(sb_addmilli(&sb, v), 0);
        snprintf(want, sizeof want, "%s%llu.%03llu", v < 0 ? "-" : "", a / 1000, a % 1000);
        assert_string_equal(sb_cstr(&sb), want);
        assert_int_equal(sb.len, strlen(want));
    }
    sb_free(&sb);
}

static void test_json_record(void **state)
{
    struct rec r;
    struct strbuf sb = STRBUF_INIT;
    (void)state;
    sample(&r);
    assert_int_equal(json_record(&sb, &r, 1), 0);
    assert_string_equal(
        sb_cstr(&sb),
        "{\"url\":\"http://h/a\\\"b\",\"input\":\"list.txt\",\"line\":7,\"urlnum\":3,\"step\":0,"
        "\"ok\":true,\"status\":200,\"error\":null,\"code\":null,\"exitcode\":0,\"bytes\":1234,"
        "\"time\":0.500000,\"start\":0.250000,\"end\":0.750000,\"order\":2,\"attempts\":1,"
        "\"effective_url\":null,\"http_version\":\"1.1\",\"redirects\":0,\"timings\":{"
        "\"queue\":0.000000,\"dns\":0.000000,\"connect\":0.000000,\"tls\":0.000000,"
        "\"ttfb\":0.400000,\"total\":0.000000}}");
    sb_reset(&sb);
    rec_fail(&r, CF_ECONNECT, "refused \x01");
    assert_int_equal(json_record(&sb, &r, 0), 0);
    assert_non_null(strstr(sb_cstr(&sb), "\"ok\":false"));
    assert_non_null(strstr(sb_cstr(&sb), "\"error\":\"refused \\u0001\""));
    assert_null(strstr(sb_cstr(&sb), "\"step\""));
    sb_free(&sb);
    rec_free(&r);
}

static const char *render(const char *fmt, const struct rec *r)
{
    static struct strbuf sb;
    struct writeout *w;
    sb_reset(&sb);
    assert_int_equal(writeout_compile(fmt, &w, NULL), 0);
    assert_int_equal(writeout_render(w, r, 0, &sb), 0);
    writeout_free(w);
    return sb_cstr(&sb);
}

static void test_writeout(void **state)
{
    struct rec r;
    struct writeout *w;
    (void)state;
    sample(&r);
    assert_string_equal(render("%{http_code} %{size_download} %{urlnum}\\n", &r), "200 1234 3\n");
    assert_string_equal(render("%{time_total}\\t%%{url}%%", &r), "0.500000\t%{url}%");
    assert_string_equal(render("%{url}|%{exitcode}|%{errormsg}|%{num_redirects}", &r),
                        "http://h/a\"b|0||0");
    assert_string_equal(render("%{time_starttransfer} %{response_code}", &r), "0.400000 200");
    assert_non_null(strstr(render("%{record}", &r), "\"order\":2"));
    /* curl's %{json}: its variables typed as curl types them, then curl_version. */
    assert_non_null(strstr(render("%{json}", &r), "{\"certs\":\"\",\"content_type\":"));
    assert_non_null(strstr(render("%{json}", &r), "\"ftp_entry_path\":null,"));
    assert_non_null(strstr(render("%{json}", &r), "\"curl_version\":\"libcurl/"));
    assert_string_equal(render("plain", &r), "plain");
    rec_fail(&r, CF_ETIMEDOUT, "too slow");
    /* a record's own failure: the CURLcode curl gives for it (28 for a timeout) */
    assert_string_equal(render("%{exitcode} %{errormsg}|%{error_kind}", &r),
                        "28 too slow|timed out");
    /* only a format that names one asks the fetch for libcurl's other figures */
    assert_int_equal(writeout_compile("%{http_code} %{size_download} %header{x}", &w, NULL), 0);
    assert_int_equal(writeout_wants_info(w), 0);
    writeout_free(w);
    assert_int_equal(writeout_compile("%{remote_ip}", &w, NULL), 0);
    assert_int_equal(writeout_wants_info(w), 1);
    writeout_free(w);
    assert_int_equal(writeout_compile("%{remote_ip}%{num_certs}", &w, NULL), 0);
    assert_int_equal(writeout_wants_info(w), 2); /* the certificates too */
    assert_string_equal(render("[%{remote_ip}|%{remote_port}|%{content_type}]", &r), "[|0|]");
    writeout_free(w);
    /* as curl: an unknown variable gives nothing (and a warning), "%{" unclosed is text */
    assert_string_equal(render("a%{nope}b", &r), "ab");
    assert_string_equal(render("%{url", &r), "%{url");
    {
        char *buf = NULL;
        size_t len = 0;
        FILE *warn = open_memstream(&buf, &len);
        assert_non_null(warn);
        assert_int_equal(writeout_compile("%{nope}%{http_code}", &w, warn), 0);
        fclose(warn);
        assert_string_equal(buf, "cofetch: unknown --write-out variable: 'nope'\n");
        free(buf);
        writeout_free(w);
    }
    rec_free(&r);
}

static void test_text_line(void **state)
{
    struct rec r;
    struct strbuf sb = STRBUF_INIT;
    (void)state;
    sample(&r);
    assert_int_equal(output_text_line(&sb, &r, 0, 0), 0);
    assert_string_equal(sb_cstr(&sb), "200      1234   0.500s  http://h/a\"b\n");
    sb_reset(&sb);
    r.url = "http://h/\x1b[2J";
    r.url_len = strlen(r.url);
    rec_fail(&r, CF_ECONNECT, "refused");
    assert_int_equal(output_text_line(&sb, &r, 0, 0), 0);
    assert_string_equal(sb_cstr(&sb), "ERR      1234   0.500s  http://h/\\x1b[2J  refused\n");
    sb_reset(&sb);
    assert_int_equal(output_text_line(&sb, &r, 1, 0), 0);
    assert_non_null(strstr(sb_cstr(&sb), "\033[31mERR\033[0m"));
    sb_free(&sb);
    rec_free(&r);
}

/* The columns are formatted by hand: they read as printf's "%03ld %9lld %7.3fs" would,
 * for statuses, sizes and times across their ranges, with and without colour, and a
 * URL's control bytes are escaped wherever they fall. */
static void test_text_line_matches_printf(void **state)
{
    static const double times[] = {0,       0.0004,  0.0006,   0.001,  0.0994,  0.5,
                                   0.9994,  1,       9.9991,   99.999, 123.456, 999.9994,
                                   1000.25, 65432.1, 999999.4, 1e6,    3e9,     -0.25};
    static const long long sizes[] = {0, 1, 999999999, 1000000000, 123456789012LL, -1};
    static const long statuses[] = {0, 7, 99, 200, 404, 999, 1000, 65536};
    struct rec r;
    struct strbuf sb = STRBUF_INIT;
    char want[256];
    unsigned long long x = 88172645463325252ULL;

    (void)state;
    sample(&r);
    for (int i = 0; i < 20000; i++) {
        int color = i & 1;
        const char *pre = color ? "\033[32m" : "";
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        r.resp.status = i < 8 ? statuses[i] : (long)(x % 1000);
        r.resp.bytes = i < 6 ? sizes[i] : (long long)(x >> 24) % 100000000000LL;
        r.start = 0;
        r.end = i < 18 ? times[i] : (double)(x >> 11) * 0x1p-53 * (i % 3 ? 100.0 : 1e5);
        if (r.resp.status >= 400)
            pre = color ? "\033[31m" : "";
        else if (r.resp.status >= 300)
            pre = color ? "\033[33m" : "";
        snprintf(want, sizeof want, "%s%03ld%s %9lld %7.3fs  http://h/a\"b\n", pre, r.resp.status,
                 color ? "\033[0m" : "", r.resp.bytes, r.end);
        sb_reset(&sb);
        assert_int_equal(output_text_line(&sb, &r, color, 0), 0);
        assert_string_equal(sb_cstr(&sb), want);
    }
    r.resp.status = 200;
    r.url = "\x01"
            "a\x1f"
            "bc\x7f";
    r.url_len = 6;
    r.resp.bytes = 1234;
    r.end = 0.5;
    sb_reset(&sb);
    assert_int_equal(output_text_line(&sb, &r, 0, 0), 0);
    assert_string_equal(sb_cstr(&sb), "200      1234   0.500s  \\x01a\\x1fbc\\x7f\n");
    sb_free(&sb);
    rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_escaping),
        cmocka_unit_test(test_json_escaping_windows),
        cmocka_unit_test(test_numbers_match_printf),
        cmocka_unit_test(test_json_record),
        cmocka_unit_test(test_writeout),
        cmocka_unit_test(test_text_line),
        cmocka_unit_test(test_text_line_matches_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_cli_json_prop.c - a property of the JSON record writer (output/json.c): every
 * record it emits, for hostile inputs, parses back with libjansson to the values it was
 * given.
 *
 * Each round builds a record from random parts: URLs, sources, errors and effective URLs
 * of random bytes (control bytes, NUL, invalid UTF-8); numbers at their types' extremes;
 * times from 0 to 1e300 (and NaN, infinities, negatives, which are written as 0); a
 * request line with an id and a meta of every JSON type (nested, strings with every
 * escape, integers at int64's ends, reals at double's) parsed by input/request.c; and a
 * body of random bytes or random JSON for --jsonl-body. The expected value of a string
 * is its bytes with each byte that is not part of valid UTF-8 replaced by U+FFFD, the
 * validity judged by jansson (an oracle apart from the writer's own check).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "base/base64.h"
#include "base/record.h"
#include "base/strbuf.h"
#include "cofetch/error.h"
#include "input/request.h"
#include "output/json.h"

enum { ROUNDS = 3000 };

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static size_t below(size_t n)
{
    return (size_t)(rnd() % n);
}

/* Random bytes, biased towards what is hard: controls, quotes, NUL, stray UTF-8. */
static size_t hostile_bytes(char *buf, size_t cap)
{
    static const char *const pieces[] = {"\"",
                                         "\\",
                                         "\n",
                                         "\r\n",
                                         "\t",
                                         "\b",
                                         "\f",
                                         "\x7f",
                                         "\x01",
                                         "\x1f",
                                         "\xc3\xa9",
                                         "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80",
                                         "\xff",
                                         "\xc3",
                                         "\xc0\xaf",
                                         "\xed\xa0\x80",
                                         "\xf4\x90\x80\x80",
                                         "\xe0\x80",
                                         "http://h/",
                                         "%00",
                                         "\xef\xbf\xbd",
                                         "\xf8\x88\x80\x80\x80"};
    size_t n = 0, want = below(cap / 4);

    while (n < want) {
        if (below(3) == 0) {
            const char *p = pieces[below(sizeof pieces / sizeof pieces[0])];
            size_t len = strlen(p);
            if (n + len > cap)
                break;
            memcpy(buf + n, p, len);
            n += len;
        } else if (below(8) == 0) {
            buf[n++] = '\0';
        } else {
            buf[n++] = (char)below(256);
        }
    }
    return n;
}

/* What the writer must have made of s: invalid UTF-8 bytes as U+FFFD, one each. */
static size_t expect_utf8(const char *s, size_t len, char *out)
{
    size_t i = 0, o = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        size_t n = 0;
        if (c < 0x80) {
            out[o++] = s[i++];
            continue;
        }
        for (size_t k = 2; k <= 4 && i + k <= len && !n; k++) {
            json_t *v = json_stringn(s + i, k);
            if (v)
                n = k;
            json_decref(v);
        }
        if (n) {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        } else {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        }
    }
    return o;
}

static void assert_str_field(json_t *obj, const char *key, const char *s, size_t len)
{
    static char want[4096 * 3];
    json_t *v = json_object_get(obj, key);
    size_t n;

    if (!s) {
        assert_true(json_is_null(v));
        return;
    }
    if (!json_is_string(v))
        fail_msg("field %s is not a string", key);
    n = expect_utf8(s, len, want);
    if (json_string_length(v) != n || memcmp(json_string_value(v), want, n) != 0)
        fail_msg("field %s does not parse back to its value", key);
}

static void assert_int_field(json_t *obj, const char *key, long long want)
{
    json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v) || json_integer_value(v) != want)
        fail_msg("field %s: want %lld", key, want);
}

/* A time as written: negatives, NaN and infinities as 0; microseconds. */
static void assert_secs_field(json_t *obj, const char *key, double t)
{
    json_t *v = json_object_get(obj, key);
    double want = isfinite(t) && t > 0 ? t : 0, got;

    if (!json_is_number(v))
        fail_msg("field %s is not a number", key);
    got = json_number_value(v);
    if (fabs(got - want) > 1e-6 + fabs(want) * 1e-12)
        fail_msg("field %s: %.17g, want %.17g", key, got, want);
}

static double hostile_time(void)
{
    switch (below(8)) {
    case 0: return 0;
    case 1: return 1e300;
    case 2: return -5;
    case 3: return NAN;
    case 4: return INFINITY;
    case 5: return -INFINITY;
    case 6: return 1e15 * (double)below(1000);
    default: return (double)below(1000000) / 997.0;
    }
}

/* A random JSON value of every type, nested up to depth. */
static json_t *random_value(int depth)
{
    switch (below(depth > 0 ? 9 : 7)) {
    case 0: return json_null();
    case 1: return json_true();
    case 2: return json_false();
    case 3: {
        static const json_int_t ints[] = {0, -1, 1, INT64_MAX, INT64_MIN, 9007199254740993LL};
        return json_integer(below(2) ? ints[below(6)] : (json_int_t)rnd());
    }
    case 4: {
        static const double reals[] = {0.5,    -0.0, 1e308, -1.7976931348623157e308,
                                       5e-324, 0.1,  1e-300};
        return json_real(reals[below(7)]);
    }
    case 5:
    case 6: { /* a string: any valid UTF-8, controls and NUL included */
        char raw[256], clean[256 * 3];
        size_t n = expect_utf8(raw, hostile_bytes(raw, sizeof raw), clean);
        return json_stringn(clean, n);
    }
    case 7: {
        json_t *a = json_array();
        for (size_t i = below(4); i > 0; i--)
            json_array_append_new(a, random_value(depth - 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (size_t i = below(4); i > 0; i--) {
            char key[16];
            snprintf(key, sizeof key, "k%zu\x01\xc3\xa9", below(100));
            json_object_set_new(o, key, random_value(depth - 1));
        }
        return o;
    }
    }
}

static void one_round(struct reqline *rq, struct strbuf *out, struct strbuf *line)
{
    static char url[4096], src[256], err[1024], eff[1024];
    size_t url_len = hostile_bytes(url, sizeof url), src_len, err_len, eff_len;
    json_t *id = random_value(3), *meta = random_value(4), *back, *want_body = NULL;
    struct strbuf why = STRBUF_INIT;
    json_error_t je;
    struct rec r;
    char *s;
    int chain = (int)below(2), rc;

    /* The request line: id and meta through the parser of request lines. */
    s = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
    sb_reset(line);
    sb_addf(line, "{\"url\":\"http://h/\",\"id\":%s,\"meta\":", s);
    free(s);
    s = json_dumps(meta, JSON_COMPACT | JSON_ENCODE_ANY);
    sb_addf(line, "%s,\"tag\":\"t\\u0000\\n\"}", s);
    free(s);
    rc = reqline_parse(rq, line->buf, line->len, 0, &why, NULL, NULL);
    if (rc)
        fail_msg("request line did not parse: %s: %s", sb_cstr(&why), line->buf);

    rec_init(&r);
    r.url = url;
    r.url_len = url_len;
    src_len = hostile_bytes(src, sizeof src - 1);
    src[src_len] = '\0'; /* a C string: cut at its first NUL */
    src_len = strlen(src);
    r.src = below(4) ? src : NULL;
    r.lineno = below(2) ? (unsigned long)INT64_MAX : below(100000);
    r.urlnum = below(2) ? (unsigned long)INT64_MAX - 1 : below(100000);
    r.step = below(2) ? INT_MAX : (int)below(10);
    r.code = below(2) ? 0 : -(int)(1 + below(40));
    err_len = hostile_bytes(err, sizeof err - 1);
    err[err_len] = '\0';
    if (r.code)
        sb_adds(&r.err, err);
    r.start = hostile_time();
    r.end = hostile_time();
    r.order = below(2) ? (unsigned long)INT64_MAX : below(10);
    r.resp.status = below(2) ? LONG_MAX : below(2) ? LONG_MIN : (long)below(600);
    r.resp.bytes = below(2) ? LLONG_MAX : below(2) ? LLONG_MIN : (long long)below(1 << 20);
    r.resp.attempts = below(2) ? INT_MAX : INT_MIN;
    r.resp.redirects = below(2) ? LONG_MAX : LONG_MIN;
    r.resp.http_version = (int)below(2) * 11;
    eff_len = hostile_bytes(eff, sizeof eff - 1);
    eff[eff_len] = '\0';
    eff_len = strlen(eff); /* a C string: cut at its first NUL */
    r.resp.effective_url = below(2) ? eff : NULL;
    r.resp.t.queue = hostile_time();
    r.resp.t.dns = hostile_time();
    r.resp.t.ttfb = hostile_time();
    r.echo = rq->echo.buf;
    r.echo_len = rq->echo.len;
    if (below(2)) { /* --jsonl-body: random bytes, or random JSON said to be JSON */
        r.body_member = 1;
        if (below(2)) {
            char body[1024];
            sb_add(&r.body, body, hostile_bytes(body, sizeof body));
        } else {
            want_body = random_value(3);
            s = json_dumps(want_body, JSON_INDENT(2) | JSON_ENCODE_ANY);
            sb_adds(&r.body, s);
            free(s);
            r.body_is_json = 1;
        }
    }

    sb_reset(out);
    assert_int_equal(json_record(out, &r, chain ? JSON_CHAIN : 0), 0);
    assert_null(memchr(out->buf, '\n', out->len)); /* one line: JSON Lines */
    back = json_loadb(out->buf, out->len, JSON_ALLOW_NUL, &je);
    if (!back)
        fail_msg("record does not parse (%s at %d): %s", je.text, je.position, out->buf);

    assert_str_field(back, "url", url, url_len);
    assert_str_field(back, "input", r.src, r.src ? src_len : 0);
    assert_int_field(back, "line", (long long)r.lineno);
    assert_int_field(back, "urlnum", (long long)r.urlnum);
    if (chain)
        assert_int_field(back, "step", r.step);
    else
        assert_null(json_object_get(back, "step"));
    assert_true(json_is_boolean(json_object_get(back, "ok")));
    assert_int_equal(json_is_true(json_object_get(back, "ok")), r.code == 0);
    assert_int_field(back, "status", r.resp.status);
    assert_str_field(back, "error", r.code ? err : NULL, strlen(err));
    assert_int_field(back, "bytes", r.resp.bytes);
    assert_secs_field(back, "start", r.start);
    assert_secs_field(back, "end", r.end);
    assert_int_field(back, "order", (long long)r.order);
    assert_int_field(back, "attempts", r.resp.attempts);
    assert_int_field(back, "redirects", r.resp.redirects);
    assert_str_field(back, "effective_url", r.resp.effective_url, eff_len);
    {
        json_t *t = json_object_get(back, "timings");
        assert_true(json_is_object(t));
        assert_secs_field(t, "queue", r.resp.t.queue);
        assert_secs_field(t, "dns", r.resp.t.dns);
        assert_secs_field(t, "ttfb", r.resp.t.ttfb);
    }
    if (!json_equal(json_object_get(back, "id"), id) ||
        !json_equal(json_object_get(back, "meta"), meta))
        fail_msg("id or meta do not parse back: %s", out->buf);
    assert_int_equal(json_string_length(json_object_get(back, "tag")), 3);
    assert_memory_equal(json_string_value(json_object_get(back, "tag")), "t\0\n", 3);

    if (!r.body_member) {
        assert_null(json_object_get(back, "body"));
    } else if (r.code) {
        assert_null(json_object_get(back, "body")); /* a failed fetch has none */
        assert_null(json_object_get(back, "body_b64"));
    } else if (want_body) {
        if (!json_equal(json_object_get(back, "body"), want_body))
            fail_msg("a JSON body does not parse back: %s", out->buf);
    } else if (json_object_get(back, "body")) {
        assert_true(json_utf8_ok(r.body.buf ? r.body.buf : "", r.body.len));
        assert_str_field(back, "body", r.body.buf ? r.body.buf : "", r.body.len);
    } else {
        struct strbuf dec = STRBUF_INIT;
        json_t *b = json_object_get(back, "body_b64");
        assert_true(json_is_string(b));
        assert_int_equal(b64_decode(&dec, json_string_value(b), json_string_length(b)), 0);
        assert_int_equal(dec.len, r.body.len);
        if (dec.len)
            assert_memory_equal(dec.buf, r.body.buf, dec.len);
        sb_free(&dec);
    }

    json_decref(back);
    json_decref(id);
    json_decref(meta);
    json_decref(want_body);
    sb_free(&why);
    r.resp.effective_url = NULL; /* not the record's to free */
    rec_free(&r);
}

static void test_records_parse_back(void **state)
{
    struct reqline rq;
    struct strbuf out = STRBUF_INIT, line = STRBUF_INIT;
    (void)state;

    memset(&rq, 0, sizeof rq);
    for (int i = 0; i < ROUNDS; i++)
        one_round(&rq, &out, &line);
    reqline_free(&rq);
    sb_free(&out);
    sb_free(&line);
}

/* base64 both ways, and what is not base64. */
static void test_base64(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    static const char *const bad[] = {"a", "ab=c", "a===", "====", "ab\ncd", "ab!d", "=abc"};
    (void)state;

    for (int n = 0; n < 200; n++) {
        char raw[64];
        size_t len = below(sizeof raw);
        struct strbuf dec = STRBUF_INIT;
        for (size_t i = 0; i < len; i++)
            raw[i] = (char)below(256);
        sb_reset(&sb);
        assert_int_equal(b64_encode(&sb, raw, len), 0);
        assert_int_equal(sb.len % 4, 0);
        assert_int_equal(b64_decode(&dec, sb_cstr(&sb), sb.len), 0);
        assert_int_equal(dec.len, len);
        if (len)
            assert_memory_equal(dec.buf, raw, len);
        sb_free(&dec);
    }
    sb_reset(&sb);
    assert_int_equal(b64_encode(&sb, "hello vegeta", 12), 0);
    assert_string_equal(sb.buf, "aGVsbG8gdmVnZXRh");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sb_reset(&sb);
        assert_int_equal(b64_decode(&sb, bad[i], strlen(bad[i])), CF_EINVAL);
        assert_int_equal(sb.len, 0);
    }
    sb_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_parse_back),
        cmocka_unit_test(test_base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

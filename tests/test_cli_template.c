/*
 * test_cli_template.c - --then templates: placeholders, verbatim-at-start versus
 * percent-encoded elsewhere, {body}'s first line, missing headers, syntax errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cofetch/error.h"
#include "base/strbuf.h"
#include "run/template.h"

static const char *hdr(void *ctx, const char *name)
{
    (void)ctx;
    return strcasecmp(name, "X-Next") == 0 ? "a b/c" : NULL;
}

static const char *expand(const char *text, const struct tmpl_vals *v, int *rc)
{
    static struct strbuf out;
    static char err[256];
    struct tmpl *t;
    sb_free(&out);
    assert_int_equal(tmpl_compile(text, &t, err, sizeof err), 0);
    *rc = tmpl_expand(t, v, &out, err, sizeof err);
    tmpl_free(t);
    return *rc ? err : sb_cstr(&out);
}

static struct tmpl_vals vals(void)
{
    static const char body[] = "  http://h/next?x=1 \r\nsecond line\n";
    struct tmpl_vals v = {"http://h/a?q=1",
                          "http://h/b",
                          200,
                          body,
                          sizeof body - 1,
                          "http://h/a?q=1",
                          hdr,
                          NULL,
                          NULL,
                          NULL,
                          0};
    return v;
}

static void test_placeholders(void **state)
{
    struct tmpl_vals v = vals();
    int rc;
    (void)state;
    assert_string_equal(expand("{body}", &v, &rc), "http://h/next?x=1");
    assert_string_equal(expand("{effective_url}/more", &v, &rc), "http://h/b/more");
    assert_string_equal(expand("http://x/s/{status}", &v, &rc), "http://x/s/200");
    assert_string_equal(expand("http://x/?u={url}", &v, &rc),
                        "http://x/?u=http%3A%2F%2Fh%2Fa%3Fq%3D1");
    assert_string_equal(expand("http://x/?h={header:x-next}", &v, &rc), "http://x/?h=a%20b%2Fc");
    assert_string_equal(expand("http://x/?l={line}&b={body}", &v, &rc),
                        "http://x/?l=http%3A%2F%2Fh%2Fa%3Fq%3D1&b=http%3A%2F%2Fh%2Fnext%3Fx%3D1");
    assert_string_equal(expand("http://x/{{a}}", &v, &rc), "http://x/{a}");
}

static void test_step_errors(void **state)
{
    struct tmpl_vals v = vals();
    int rc;
    (void)state;
    assert_non_null(strstr(expand("http://x/{header:Missing}", &v, &rc), "no such header"));
    assert_int_equal(rc, CF_EINVAL);
    v.body = "\n\nlater";
    v.body_len = 7;
    assert_non_null(strstr(expand("{body}", &v, &rc), "empty first line"));
    assert_int_equal(rc, CF_EINVAL);
    /* A first line over 8 KiB is an error, not a URL cut short; at the limit it is taken. */
    static char big[TMPL_BODY_MAX + 2];
    memset(big, 'a', sizeof big);
    v.body = big;
    v.body_len = TMPL_BODY_MAX + 1;
    assert_non_null(strstr(expand("{body}", &v, &rc), "longer than 8192 bytes"));
    assert_int_equal(rc, CF_EINVAL);
    v.body_len = TMPL_BODY_MAX;
    assert_int_equal(strlen(expand("{body}", &v, &rc)), TMPL_BODY_MAX);
    assert_int_equal(rc, 0);
}

/* A built URL without a scheme is resolved against the previous one (RFC 3986). */
static void test_resolve(void **state)
{
    static const char *const cases[][3] = {
        {"/next", "http://h:8/a/b?q", "http://h:8/next"},
        {"c", "http://h/a/b", "http://h/a/c"},
        {"../d?x=1", "http://h/a/b/c", "http://h/a/d?x=1"},
        {"//g/x", "https://h/a", "https://g/x"},
        {"?y", "http://h/a/b", "http://h/a/b?y"},
        {"http://other/x", "http://h/", "http://other/x"}, /* absolute: left as it is */
        {"HTTPS://o/", "http://h/", "HTTPS://o/"},
    };
    struct strbuf sb = STRBUF_INIT;
    char err[256];
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sb_reset(&sb);
        sb_adds(&sb, cases[i][0]);
        assert_int_equal(tmpl_resolve(&sb, cases[i][1], err, sizeof err), 0);
        assert_string_equal(sb_cstr(&sb), cases[i][2]);
    }
    sb_reset(&sb);
    sb_adds(&sb, "/x");
    assert_int_equal(tmpl_resolve(&sb, "not a url", err, sizeof err), CF_EINVAL);
    assert_non_null(strstr(err, "relative to not a url"));
    sb_free(&sb);
}

static void test_syntax_errors(void **state)
{
    struct tmpl *t;
    char err[256];
    (void)state;
    assert_int_equal(tmpl_compile("http://x/{url", &t, err, sizeof err), CF_EINVAL);
    assert_non_null(strstr(err, "unclosed"));
    assert_int_equal(tmpl_compile("http://x/}", &t, err, sizeof err), CF_EINVAL);
    assert_int_equal(tmpl_compile("{bogus}", &t, err, sizeof err), CF_EINVAL);
    assert_non_null(strstr(err, "{bogus}"));
    assert_int_equal(tmpl_compile("", &t, err, sizeof err), CF_EINVAL);
}

static void test_body_first_line_bounded(void **state)
{
    static char big[3 * TMPL_BODY_MAX];
    size_t len;
    (void)state;
    memset(big, 'a', sizeof big);
    body_first_line(big, sizeof big, &len);
    assert_int_equal(len, TMPL_BODY_MAX);
    assert_string_equal(body_first_line(NULL, 5, &len), "");
    assert_int_equal(len, 0);
}

/* --colsep's templates: {N} and {line} only, other braces text, values verbatim; the
 * strict form takes {N} too and percent-encodes it past the start. */
static void test_fields(void **state)
{
    static const char *const f[] = {"a b", "x/y", ""};
    static const size_t fl[] = {3, 3, 0};
    struct tmpl_vals v = vals();
    struct strbuf out = STRBUF_INIT;
    struct tmpl *t;
    char err[256];
    (void)state;

    v.fields = f;
    v.field_lens = fl;
    v.nfields = 3;
    v.line = "a b,x/y,";
    assert_int_equal(
        tmpl_compile_line("{\"name\":\"{1}\",\"p\":{2},\"e\":\"{3}\"} {line} {url} {", &t), 0);
    assert_true(tmpl_has_fields(t));
    assert_int_equal(tmpl_expand(t, &v, &out, err, sizeof err), 0);
    assert_string_equal(sb_cstr(&out), "{\"name\":\"a b\",\"p\":x/y,\"e\":\"\"} a b,x/y, {url} {");
    tmpl_free(t);
    assert_int_equal(tmpl_compile_line("{\"a\":1}", &t), 0);
    assert_false(tmpl_has_fields(t));
    tmpl_free(t);
    /* A field the line does not have. */
    assert_int_equal(tmpl_compile_line("X-N: {4}", &t), 0);
    sb_reset(&out);
    assert_int_equal(tmpl_expand(t, &v, &out, err, sizeof err), CF_EINVAL);
    assert_string_equal(err, "{4}: the line has 3 fields");
    tmpl_free(t);
    /* The strict form (a URL): verbatim at the start, encoded after. */
    assert_int_equal(tmpl_compile("{2}/q?a={1}", &t, err, sizeof err), 0);
    sb_reset(&out);
    assert_int_equal(tmpl_expand(t, &v, &out, err, sizeof err), 0);
    assert_string_equal(sb_cstr(&out), "x/y/q?a=a%20b");
    tmpl_free(t);
    assert_int_equal(tmpl_compile("h/{0}", &t, err, sizeof err), CF_EINVAL);
    sb_free(&out);
}

static void test_pct_encode(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    (void)state;
    assert_int_equal(pct_encode(&sb, "aZ9-._~ /?#%\xff\x01", 14), 0);
    assert_string_equal(sb_cstr(&sb), "aZ9-._~%20%2F%3F%23%25%FF%01");
    sb_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placeholders),  cmocka_unit_test(test_step_errors),
        cmocka_unit_test(test_syntax_errors), cmocka_unit_test(test_body_first_line_bounded),
        cmocka_unit_test(test_pct_encode),    cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_fields),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

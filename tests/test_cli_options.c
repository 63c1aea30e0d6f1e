/*
 * test_cli_options.c - the command line: values, usage errors (exit 2 with a hint),
 * conflicts, and --help naming every option of the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/exitcode.h"
#include "output/writeout.h"
#include "run/mode_ordered.h"
#include "run/mode_queue.h"
#include "run/template.h"

/* The option table and its lookups are statics. */
#include "../src/cli/options/options.c"

static char errbuf[4096];

/* Parses a NULL-terminated argument list; the error text lands in errbuf. */
static int parse(struct config *cfg, const char *first, ...)
{
    char *argv[64] = {"cofetch"};
    int argc = 1;
    va_list ap;
    FILE *err = fmemopen(errbuf, sizeof errbuf, "w");
    int rc;

    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    config_init(cfg);
    rc = options_parse(cfg, argc, argv, err);
    fclose(err);
    return rc;
}

static void test_defaults(void **state)
{
    struct config cfg;
    (void)state;
    assert_int_equal(parse(&cfg, "http://a/", NULL), 0);
    assert_ptr_equal(cfg.mode, &mode_gather);
    assert_int_equal(cfg.parallel, 50);
    assert_int_equal(cfg.location, 0);
    assert_int_equal(cfg.max_redirs, 10);
    assert_string_equal(cfg.protos, "http,https");
    assert_int_equal(cfg.nurls, 1);
    assert_int_equal(cfg.format, OUT_TEXT);
    assert_int_equal(cfg.speed_limit, 1); /* a stalled fetch fails after a minute */
    assert_true(cfg.speed_time == 60);
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "-Y", "500", "-y", "2.5", "http://a/", NULL), 0);
    assert_int_equal(cfg.speed_limit, 500);
    assert_true(cfg.speed_time == 2.5);
    config_free(&cfg);
}

static void test_values(void **state)
{
    struct config cfg;
    (void)state;
    assert_int_equal(parse(&cfg, "-j4", "-sL", "-H", "A: 1", "--header=B: 2", "-X", "PUT", "--mode",
                           "queue", "--max-time", "2.5", "--rate", "120/m", "--max-filesize", "64k",
                           "--shard", "2/3", "--retry", "3", "--proto", "=https", "-d", "x=1", "--",
                           "-notanoption", NULL),
                     0);
    assert_int_equal(cfg.parallel, 4);
    assert_true(cfg.silent && cfg.location);
    assert_int_equal(cfg.nheaders, 2);
    assert_string_equal(cfg.headers[1], "B: 2");
    assert_null(cfg.headers[2]);
    assert_string_equal(cfg.method, "PUT");
    assert_ptr_equal(cfg.mode, &mode_queue);
    assert_true(cfg.max_time == 2.5);
    assert_true(cfg.rate > 1.99 && cfg.rate < 2.01);
    assert_int_equal(cfg.max_filesize, 65536);
    assert_int_equal(cfg.shard_k, 2);
    assert_int_equal(cfg.shard_n, 3);
    assert_int_equal(cfg.retry, 3);
    assert_string_equal(cfg.protos, "https");
    assert_int_equal(cfg.data_len, 3);
    assert_int_equal(cfg.nurls, 1);
    assert_string_equal(cfg.urls[0], "-notanoption");
    config_free(&cfg);
}

static void test_then_implies_chain(void **state)
{
    struct config cfg;
    (void)state;
    assert_int_equal(parse(&cfg, "--then", "{body}", "--then", "http://x/?u={url}", NULL), 0);
    assert_ptr_equal(cfg.mode, &mode_chain);
    assert_int_equal(cfg.nthens, 2);
    config_free(&cfg);
}

static void test_proto_modifiers(void **state)
{
    struct config cfg;
    (void)state;
    assert_int_equal(parse(&cfg, "--proto", "-http,+ftp", NULL), 0);
    assert_string_equal(cfg.protos, "https,ftp");
    config_free(&cfg);
}

static void expect_usage(const char *needle, const char *a, const char *b, const char *c)
{
    struct config cfg;
    assert_int_equal(parse(&cfg, a, b, c, NULL), EXIT_USAGE);
    if (!strstr(errbuf, needle))
        fail_msg("'%s' lacks '%s'", errbuf, needle);
    assert_non_null(strstr(errbuf, "try 'cofetch --help'"));
    config_free(&cfg);
}

static void test_usage_errors(void **state)
{
    (void)state;
    expect_usage("--bogus: is unknown", "--bogus", NULL, NULL);
    expect_usage("-Z: is unknown", "-Z", NULL, NULL);
    expect_usage("--parallel: needs N", "--parallel", NULL, NULL);
    expect_usage("a number from 0", "-j", "-3", NULL);
    expect_usage("gather, queue or chain", "--mode", "fast", NULL);
    expect_usage("K/N", "--shard", "0/3", NULL);
    expect_usage("K/N", "--shard", "4/3", NULL);
    expect_usage("choose one", "--jsonl", "--body", NULL);
    expect_usage("unknown placeholder {nope}", "--then", "{nope}", NULL);
    expect_usage("cannot be used with --mode queue", "--mode=queue", "--then", "{url}");
    expect_usage("takes no value", "--jsonl=1", NULL, NULL);
    expect_usage("drop --sync", "--compare", "--sync", NULL);
    expect_usage("seconds", "--max-time", "soon", NULL);
    expect_usage("N, N/s", "--rate", "5/w", NULL);
    expect_usage("needs --output-dir", "--no-clobber", NULL, NULL);
    /* Command lines that did nothing and exited 0. */
    expect_usage("is a URL, not a format", "-s", "-w", "http://h/x");
    expect_usage("URL argument 2 is empty", "http://h/", "", NULL);
    expect_usage("URL argument 1 is empty", "  ", NULL, NULL);
    /* A CA file that is not one fails before any fetch, naming it. */
    expect_usage("option --cacert: '/dev/null' is no readable PEM file", "--cacert", "/dev/null",
                 NULL);
    expect_usage("'/nonexistent/ca.pem' is no readable PEM", "--cacert", "/nonexistent/ca.pem",
                 NULL);
    expect_usage("option --capath: '/nonexistent' is no directory", "--capath", "/nonexistent",
                 NULL);
}

struct seen {
    char help[16384];
    int missing;
};

static void check_in_help(void *ctx, const char *lname, char sname)
{
    struct seen *s = ctx;
    char want[64];
    snprintf(want, sizeof want, "--%s", lname);
    if (!strstr(s->help, want)) {
        fprintf(stderr, "--help does not name %s\n", want);
        s->missing++;
    }
    if (sname) {
        snprintf(want, sizeof want, "-%c, --%s", sname, lname);
        if (!strstr(s->help, want)) {
            fprintf(stderr, "--help does not name %s\n", want);
            s->missing++;
        }
    }
}

static void test_help_names_every_option(void **state)
{
    static struct seen s;
    FILE *f = fmemopen(s.help, sizeof s.help - 1, "w");
    (void)state;
    options_help(f);
    fclose(f);
    options_each(check_in_help, &s);
    assert_int_equal(s.missing, 0);
    assert_non_null(strstr(s.help, "130 interrupted"));
}

static void test_table_sorted(void **state)
{
    (void)state;
    for (size_t i = 1; i < NOPTS; i++)
        assert_true(strcmp(table[i - 1].lname, table[i].lname) < 0);
    for (size_t i = 0; i < NOPTS; i++)
        assert_ptr_equal(find_long(table[i].lname, strlen(table[i].lname)), &table[i]);
    assert_null(find_long("http", 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),           cmocka_unit_test(test_values),
        cmocka_unit_test(test_then_implies_chain), cmocka_unit_test(test_proto_modifiers),
        cmocka_unit_test(test_usage_errors),       cmocka_unit_test(test_help_names_every_option),
        cmocka_unit_test(test_table_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

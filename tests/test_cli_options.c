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
#include <unistd.h>

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
    assert_int_equal(cfg.max_redirs, 50);
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

/* curl's names mean curl's things: -o is a file per URL, -O too, --output-dir the
 * directory; the data options join as curl joins them; -j and --parallel N agree. */
static void test_curl_meanings(void **state)
{
    struct config cfg;
    (void)state;
    assert_int_equal(parse(&cfg, "-o", "a.html", "http://h/1", "-O", "http://h/2", "-o", "sub/c",
                           "--output-dir", "d", NULL),
                     0);
    assert_int_equal(cfg.noutputs, 3);
    assert_string_equal(cfg.outputs[0].file, "a.html");
    assert_null(cfg.outputs[1].file); /* -O */
    assert_string_equal(cfg.outputs[2].file, "sub/c");
    assert_string_equal(cfg.outdir, "d");
    assert_int_equal(cfg.nurls, 2);
    config_free(&cfg);

    /* -F as curl reads it: quotes hold ';', parameters after; --form-string as it is. */
    assert_int_equal(parse(&cfg, "-F", "f=\"q;u\\\"o\";type=t/t;bogus", "-F",
                           "up=@/dev/null;filename=x.bin", "--form-string", "g=@lit;type=x",
                           "http://h/", NULL),
                     0);
    assert_int_equal(cfg.nforms, 3);
    assert_int_equal(cfg.forms[0].kind, FORM_TEXT);
    assert_string_equal(cfg.forms[0].value, "q;u\"o");
    assert_string_equal(cfg.forms[0].type, "t/t");
    assert_int_equal(cfg.forms[1].kind, FORM_FILE);
    assert_string_equal(cfg.forms[1].value, "/dev/null");
    assert_string_equal(cfg.forms[1].filename, "x.bin");
    assert_int_equal(cfg.forms[2].kind, FORM_TEXT);
    assert_string_equal(cfg.forms[2].value, "@lit;type=x");
    assert_null(cfg.forms[2].type);
    config_free(&cfg);

    assert_int_equal(parse(&cfg, "-d", "a=1", "-d", "b=2", "--data-raw", "@x", "http://h/", NULL),
                     0);
    assert_string_equal(cfg.data, "a=1&b=2&@x");
    assert_int_equal(cfg.data_len, 10);
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "--data-urlencode", "n m=a b&c", "--data-urlencode", "=x y",
                           "--data-urlencode", "plain/text", "http://h/", NULL),
                     0);
    assert_string_equal(cfg.data, "n m=a+b%26c&x+y&plain%2Ftext");
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "--json", "{\"a\":", "--json", "1}", "http://h/", NULL), 0);
    assert_string_equal(cfg.data, "{\"a\":1}"); /* --json pieces join with nothing */
    assert_int_equal(cfg.nheaders, 2);
    assert_string_equal(cfg.headers[0], "Content-Type: application/json");
    assert_string_equal(cfg.headers[1], "Accept: application/json");
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "-H", "content-type: text/x", "--json", "1", "http://h/", NULL),
                     0);
    assert_int_equal(cfg.nheaders, 2); /* -H wins; Accept is added */
    assert_string_equal(cfg.headers[1], "Accept: application/json");
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "-G", "-d", "a=1", "-d", "b", "http://h/", NULL), 0);
    assert_null(cfg.data);
    assert_string_equal(cfg.query, "a=1&b");
    config_free(&cfg);

    assert_int_equal(parse(&cfg, "-fsSL", "-Z", "http://h/", NULL), 0);
    assert_true(cfg.fail && cfg.silent && cfg.show_error && cfg.location);
    assert_int_equal(cfg.parallel, 50);
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "--parallel", "7", "http://h/", NULL), 0);
    assert_int_equal(cfg.parallel, 7);
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "--parallel-max", "9", "http://h/", NULL), 0);
    assert_int_equal(cfg.parallel, 9);
    config_free(&cfg);
}

/* curl options that libcurl does: values kept for the request hook (run/curlopts.c). */
static void test_libcurl_options(void **state)
{
    struct config cfg;
    (void)state;
    assert_int_equal(parse(&cfg, "http://h/", NULL), 0);
    assert_int_equal(cfg.curlopts, 0); /* none given: no hook */
    config_free(&cfg);
    assert_int_equal(parse(&cfg, "-x", "http://p:3128", "-u", "a:b", "--resolve", "h:80:127.0.0.1",
                           "--resolve", "[::1]:443:::1", "-e", "http://r/;auto", "-4",
                           "--limit-rate", "1M", "-z", "-Tue, 01 Dec 2026 10:00:00 GMT",
                           "http://h/", NULL),
                     0);
    assert_int_equal(cfg.curlopts, 1);
    assert_string_equal(cfg.proxy, "http://p:3128");
    assert_string_equal(cfg.user, "a:b");
    assert_string_equal(cfg.resolve->data, "h:80:127.0.0.1");
    assert_string_equal(cfg.resolve->next->data, "[::1]:443:::1");
    assert_string_equal(cfg.referer, "http://r/");
    assert_true(cfg.autoreferer);
    assert_int_equal(cfg.ipresolve, CURL_IPRESOLVE_V4);
    assert_int_equal(cfg.limit_rate, 1 << 20);
    assert_int_equal(cfg.time_cond, CURL_TIMECOND_IFUNMODSINCE);
    assert_int_equal(cfg.time_value, 1796119200LL);
    config_free(&cfg);
}

/* -K FILE: curl's config syntax; a bad line names the file and the line. */
static void test_config_file(void **state)
{
    char path[] = "/tmp/cofetch-curlrc-XXXXXX";
    struct config cfg;
    FILE *f;
    int fd = mkstemp(path);
    (void)state;

    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("# comment\n"
          "\n"
          "  silent\n"
          "-L\n"
          "--max-time 2.5\n"
          "url = \"http://h/a b\"\n"
          "url: http://h/c   # after a space: ignored\n"
          "header = \"X-Q: \\\"q\\\" \\t tab\"\n"
          "-H \"Y: 1\"\n"
          "data=a=1\n"
          "parallel-max=7\n",
          f);
    fclose(f);
    assert_int_equal(parse(&cfg, "-K", path, "http://h/last", NULL), 0);
    assert_true(cfg.silent && cfg.location);
    assert_true(cfg.max_time == 2.5);
    assert_int_equal(cfg.nurls, 3);
    assert_string_equal(cfg.urls[0], "http://h/a b");
    assert_string_equal(cfg.urls[1], "http://h/c");
    assert_string_equal(cfg.urls[2], "http://h/last");
    assert_int_equal(cfg.nheaders, 2);
    assert_string_equal(cfg.headers[0], "X-Q: \"q\" \t tab");
    assert_string_equal(cfg.headers[1], "Y: 1");
    assert_string_equal(cfg.data, "a=1");
    assert_int_equal(cfg.parallel, 7);
    config_free(&cfg);

    static const char *const bad[][2] = {
        {"silent\nnope\n", ":2: option --nope: is unknown"},
        {"silent\n\nxattr\n", ":3: option --xattr: is a curl option that cofetch does not"},
        {"url = \"http://h/\n", ":1: the value of url has no closing quote"},
        {"silent = yes\n", ":1: option --silent: takes no value"},
        {"-s yes\n", ":1: option -s: takes no value"},
        {"max-time = soon\n", ":1: option --max-time: seconds expected, got 'soon'"},
        {"max-time\n", ":1: option --max-time: needs SECS"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[128];
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(bad[i][0], f);
        fclose(f);
        snprintf(want, sizeof want, "cofetch: %s%s", path, bad[i][1]);
        assert_int_equal(parse(&cfg, "-K", path, "http://h/", NULL), EXIT_USAGE);
        if (!strstr(errbuf, want))
            fail_msg("'%s' lacks '%s'", errbuf, want);
        config_free(&cfg);
    }
    unlink(path);
    assert_int_equal(parse(&cfg, "-K", "/nonexistent.cfg", NULL), EXIT_USAGE);
    assert_non_null(strstr(errbuf, "option --config: cannot read '/nonexistent.cfg'"));
    config_free(&cfg);
}

/* --next / -: / `next` in -K: groups of URLs with their own per-transfer options, the
 * global ones in the first group whichever group gave them. */
static void test_next_groups(void **state)
{
    char path[] = "/tmp/cofetch-next-XXXXXX";
    struct config cfg;
    const struct config *g2, *g3;
    FILE *f;
    int fd = mkstemp(path);
    (void)state;

    assert_int_equal(parse(&cfg, "-X", "PUT", "-H", "A: 1", "-o", "one", "-f", "http://h/1",
                           "--next", "-j", "3", "-s", "-d", "x=1", "-w", "%{urlnum}\n",
                           "http://h/2", "http://h/3", "-:", "-L", "-O", "http://h/4", NULL),
                     0);
    assert_int_equal(cfg.ngroups, 3);
    g2 = cfg.next;
    assert_non_null(g2);
    g3 = g2->next;
    assert_non_null(g3);
    assert_null(g3->next);
    assert_int_equal(g2->gidx, 1);
    assert_int_equal(g3->gidx, 2);
    /* the first group's own */
    assert_string_equal(cfg.method, "PUT");
    assert_int_equal(cfg.nheaders, 1);
    assert_int_equal(cfg.noutputs, 1);
    assert_true(cfg.fail && !cfg.location && !cfg.data && !cfg.writeout);
    assert_int_equal(cfg.nurls, 1);
    /* globals, given in group 2, are the first group's */
    assert_int_equal(cfg.parallel, 3);
    assert_true(cfg.silent);
    assert_int_equal(cfg.format, OUT_WRITEOUT);
    /* nothing of group 1 in group 2; group 2's in it */
    assert_null(g2->method);
    assert_int_equal(g2->nheaders, 0);
    assert_int_equal(g2->noutputs, 0);
    assert_false(g2->fail);
    assert_string_equal(g2->data, "x=1");
    assert_non_null(g2->writeout);
    assert_int_equal(g2->nurls, 2);
    assert_string_equal(g2->urls[1], "http://h/3");
    /* group 3: reset again, its own -L and -O */
    assert_true(g3->location && !g3->data && !g3->writeout);
    assert_int_equal(g3->noutputs, 1);
    assert_null(g3->outputs[0].file);
    assert_true(cfg.some_outputs);
    config_free(&cfg);

    /* --next before a URL starts no group (as curl): the options stay in the group */
    assert_int_equal(parse(&cfg, "-X", "PUT", "--next", "--next", "http://h/", NULL), 0);
    assert_int_equal(cfg.ngroups, 1);
    assert_null(cfg.next);
    assert_string_equal(cfg.method, "PUT");
    config_free(&cfg);

    /* -K: `next` lines, and a group left without a URL named by file and line */
    assert_true(fd >= 0);
    f = fdopen(fd, "w");
    assert_non_null(f);
    fputs("url = http://h/a\nrequest = POST\nnext\n-H \"B: 2\"\nurl = http://h/b\n", f);
    fclose(f);
    assert_int_equal(parse(&cfg, "-K", path, "http://h/c", NULL), 0);
    assert_int_equal(cfg.ngroups, 2);
    assert_string_equal(cfg.method, "POST");
    assert_int_equal(cfg.nurls, 1);
    assert_null(cfg.next->method);
    assert_int_equal(cfg.next->nurls, 2); /* the command line's URL: the group after the file */
    assert_string_equal(cfg.next->headers[0], "B: 2");
    config_free(&cfg);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("url = http://h/a\n\nnext\n-X PUT\n", f);
    fclose(f);
    assert_int_equal(parse(&cfg, "-K", path, NULL), EXIT_USAGE);
    {
        char want[128];
        snprintf(want, sizeof want, "option --next (%s:3): no URL after it", path);
        if (!strstr(errbuf, want))
            fail_msg("'%s' lacks '%s'", errbuf, want);
    }
    config_free(&cfg);
    unlink(path);
    assert_int_equal(parse(&cfg, "--colsep", ",", "http://h/{1}", "--next", "http://h/", NULL),
                     EXIT_USAGE);
    assert_non_null(strstr(errbuf, "cannot be used with --next"));
    config_free(&cfg);
}

/* Long options by a unique prefix, as curl 7.88 takes them; an exact name always wins. */
static void test_long_prefixes(void **state)
{
    struct config cfg;
    (void)state;

    assert_int_equal(parse(&cfg, "--verb", "--retry-del", "2", "--max-t=3", "--jsonl", "--mode",
                           "queue", "--wor", "4", "http://h/", NULL),
                     0);
    assert_true(cfg.verbose);
    assert_true(cfg.retry_delay == 2 && cfg.max_time == 3);
    assert_int_equal(cfg.format, OUT_JSON); /* --jsonl exactly, not a prefix of --jsonl-body */
    assert_false(cfg.jsonl_body);
    assert_int_equal(cfg.parallel, 4);
    config_free(&cfg);
    /* exact names that are prefixes of others: --url (--url-query), --json (--jsonl),
     * --retry (--retry-delay ...), --data (--data-ascii ...) */
    assert_int_equal(
        parse(&cfg, "--url", "http://h/u", "--json", "1", "--retry", "2", "--data", "x", NULL), 0);
    assert_int_equal(cfg.nurls, 1);
    assert_true(cfg.json && cfg.retry == 2);
    assert_string_equal(cfg.data, "1&x");
    config_free(&cfg);

    static const char *const bad[][2] = {
        {"--ver", "option --ver: is ambiguous: --verbose, --version"},
        {"--js", "option --js: is ambiguous: --json, --jsonl, --jsonl-body, --jsonl-headers"},
        {"--http1", "option --http1: is ambiguous: --http1.0, --http1.1"},
        {"--xatt", "option --xatt (--xattr): is a curl option that cofetch does not support"},
        {"--re", "option --re: is ambiguous: --referer, --remote-header-name, "},
        {"--verbosity", "option --verbosity: is unknown"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&cfg, bad[i][0], "http://h/", NULL), EXIT_USAGE);
        if (!strstr(errbuf, bad[i][1]))
            fail_msg("'%s' lacks '%s'", errbuf, bad[i][1]);
        config_free(&cfg);
    }
    assert_int_equal(parse(&cfg, "--re", "http://h/", NULL), EXIT_USAGE);
    assert_non_null(strstr(errbuf, " more\n")); /* a long list is cut short */
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
    expect_usage("option --next: no URL after it", "http://h/", "--next", NULL);
    expect_usage("option --next: no URL after it", "http://h/", "-:", "-XPUT");
    expect_usage("--bogus: is unknown", "--bogus", NULL, NULL);
    expect_usage("-~: is unknown", "-~", NULL, NULL);
    /* curl's own options that cofetch does not take say so (curl 7.88's names). */
    expect_usage("option --compressed-ssh: is a curl option that cofetch does not support",
                 "--compressed-ssh", NULL, NULL);
    expect_usage("option --abstract-unix-socket: is a curl option", "--abstract-unix-socket", "/s",
                 NULL);
    expect_usage("option --xattr: is a curl option", "--xattr", NULL, NULL);
    /* curl -i URL: cofetch's -i is a file of URLs, and says so rather than open "http:". */
    expect_usage("(curl's -i, the headers before the body, is --include here)", "-i", "http://h/x",
                 NULL);
    expect_usage("got the URL 'https://h/'", "-si", "https://h/", NULL);
    expect_usage("option --no-keepalive: is a curl option", "--no-keepalive", NULL, NULL);
    expect_usage("option -T: is a curl option that cofetch does not support", "-T", "a", NULL);
    /* -F: a field without '=', a file that cannot be read, a second request method. */
    expect_usage("option --form: 'ab' is not NAME=CONTENT", "-F", "ab", NULL);
    expect_usage("option --form: cannot read '/nonexistent/f'", "-F", "a=@/nonexistent/f", NULL);
    expect_usage("option --form: cannot read '/nonexistent/f'", "-F", "a=</nonexistent/f", NULL);
    expect_usage("cannot be used with -d", "-F", "a=b", "-db");
    expect_usage("cannot be used with -I", "-F", "a=b", "-I");
    expect_usage("option -#: is a curl option", "-s#", NULL, NULL);
    expect_usage("option --nokeepalive: is unknown", "--nokeepalive", NULL, NULL);
    expect_usage("--parallel-max: needs N", "--parallel-max", NULL, NULL);
    expect_usage("'-' is no file name (the bodies on stdout: --body)", "-o", "-", NULL);
    expect_usage("--output-dir: a directory expected", "--output-dir", "", NULL);
    expect_usage("option --data: cannot read '/nonexistent'", "-d", "@/nonexistent", NULL);
    expect_usage("option --resolve: 'HOST:PORT:ADDRESS' expected, got 'h:80'", "--resolve", "h:80",
                 NULL);
    expect_usage("option --connect-to: 'HOST:PORT:CONNECT-TO-HOST:PORT' expected", "--connect-to",
                 "a:1:b", NULL);
    expect_usage("option --time-cond: 'soonish' is neither a date nor a file", "-z", "soonish",
                 NULL);
    expect_usage("option --range: a range like 0-499", "-r", "abc", NULL);
    expect_usage("option --limit-rate: bytes per second", "--limit-rate", "fast", NULL);
    expect_usage("option --cookie: cannot read '/nonexistent'", "-b", "/nonexistent", NULL);
    expect_usage("option --retry-max-time: seconds expected", "--retry-max-time", "x", NULL);
    expect_usage("-C - takes the offset from the saved file", "-C", "-", "http://h/");
    expect_usage("--data @- and --write-out @- would both read stdin", "-d", "@-", "-w@-");
    expect_usage("--json @- and --write-out @- would both read stdin", "--json", "@-", "-w@-");
    expect_usage("option --etag-compare: cannot read '/nonexistent'", "--etag-compare",
                 "/nonexistent", NULL);
    expect_usage("option --continue-at: a byte offset or '-' expected", "-C", "x", NULL);
    expect_usage("option --data-urlencode: cannot read '/nonexistent'", "--data-urlencode",
                 "n@/nonexistent", NULL);
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
    expect_usage("--no-clobber needs -o, -O", "--no-clobber", NULL, NULL);
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
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_then_implies_chain),
        cmocka_unit_test(test_proto_modifiers),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_curl_meanings),
        cmocka_unit_test(test_libcurl_options),
        cmocka_unit_test(test_config_file),
        cmocka_unit_test(test_next_groups),
        cmocka_unit_test(test_long_prefixes),
        cmocka_unit_test(test_help_names_every_option),
        cmocka_unit_test(test_table_sorted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_e2e_cli.c - the built cofetch binary against the loopback server.
 *
 * The server runs in a forked child on its own event_base (the binary is another
 * process); each test runs the binary with pipes for stdin, stdout and stderr and checks
 * what it wrote and its exit code. Timing assertions are generous.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/strbuf.h"
#include "cli_proc.h"
#include "support.h"

enum { TIMEOUT = 120 }; /* seconds a run may take before it is killed */

static int setup(void **state)
{
    (void)state;
    return cli_env_setup(NULL);
}

static void spawn(struct cli_proc *p, char *const argv[])
{
    struct cli_run r = {.argv = argv};
    assert_int_equal(cli_spawn(p, &r), 0);
}

/* Closes p's stdin, reads stdout and stderr to their ends; returns the exit code (128+sig
 * if killed). */
static int finish(struct cli_proc *p, char **out, char **err)
{
    struct cli_run r;
    memset(&r, 0, sizeof r);
    assert_int_equal(cli_wait(&r, p, TIMEOUT), 0);
    *out = r.out;
    *err = r.err;
    return r.code;
}

/* Runs cofetch with the arguments (NULL-terminated, without argv[0]) and stdin text. */
#define run(stdin_text, out, err, ...) cli_run_argv(stdin_text, out, err, TIMEOUT, __VA_ARGS__)

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* ---- tests ---- */

static void test_gather_input_order_and_exit_0(void **state)
{
    char *out, *err, want[2048];
    (void)state;
    double t0 = t_now();
    int rc = run(NULL, &out, &err, "-w", "%{url}\\n", cli_url("/delay?s=0.6"),
                 cli_url("/delay?s=0.1"), cli_url("/delay?s=0.3"), NULL);
    double dt = t_now() - t0;
    assert_int_equal(rc, 0);
    snprintf(want, sizeof want, "%s/delay?s=0.6\n%s/delay?s=0.1\n%s/delay?s=0.3\n", cli_env.srv.url,
             cli_env.srv.url, cli_env.srv.url);
    assert_string_equal(out, want);
    assert_true(dt < 1.4); /* gathered: about the slowest, not the sum (1.0 s) */
    free(out);
    free(err);
}

static void test_json_fields(void **state)
{
    static const char *const keys[] = {
        "\"url\":",      "\"line\":",          "\"ok\":",           "\"status\":", "\"error\":",
        "\"bytes\":",    "\"time\":",          "\"start\":",        "\"end\":",    "\"order\":",
        "\"attempts\":", "\"effective_url\":", "\"http_version\":", "\"queue\":",  "\"dns\":",
        "\"connect\":",  "\"tls\":",           "\"ttfb\":",         "\"total\":"};
    char *out, *err;
    (void)state;
    int rc = run(NULL, &out, &err, "--jsonl", cli_url("/bytes?n=7"), "nope", NULL);
    assert_int_equal(rc, 1);
    assert_int_equal(count_lines(out), 2);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(strstr(out, keys[i]));
    assert_non_null(strstr(out, "\"ok\":true,\"status\":200"));
    assert_non_null(strstr(out, "\"bytes\":7"));
    assert_non_null(strstr(out, "\"http_version\":\"1.1\""));
    assert_non_null(strstr(out, "{\"url\":\"nope\",\"input\":\"args\",\"line\":2"));
    assert_non_null(strstr(out, "\"ok\":false"));
    free(out);
    free(err);
}

static void test_writeout_variables(void **state)
{
    char *out, *err, want[512];
    (void)state;
    int rc = run(NULL, &out, &err, "-L", "-w",
                 "%{http_code}|%{size_download}|%{num_redirects}|%{urlnum}|%{exitcode}|"
                 "%{url_effective}|%{errormsg}\\n",
                 cli_url("/redirect?n=2"), NULL);
    assert_int_equal(rc, 0);
    snprintf(want, sizeof want, "200|5|2|0|0|%s/redirect?n=0|\n", cli_env.srv.url);
    assert_string_equal(out, want);
    free(out);
    free(err);
    /* as curl: an unknown variable is warned about on stderr, and the fetch goes on */
    rc = run(NULL, &out, &err, "-w", "<%{bogus}%{http_code}>", cli_url("/bytes?n=1"), NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(err, "cofetch: unknown --write-out variable: 'bogus'\n"));
    assert_string_equal(out, "<200>");
    free(out);
    free(err);
    /* a rejected line: url_effective echoes the input, as curl does */
    rc = run("not a url\n", &out, &err, "-w", "%{exitcode}|%{url_effective}\n", NULL);
    assert_int_equal(rc, 1);
    assert_string_equal(out, "3|not a url\n");
    free(out);
    free(err);
    /* --compressed: size_download counts the bytes on the wire, as curl does */
    rc = run(NULL, &out, &err, "--compressed", "-w", "%{size_download}\n",
             cli_url("/gzip?n=100000"), NULL);
    assert_int_equal(rc, 0);
    assert_true(atol(out) > 0 && atol(out) < 1000);
    free(out);
    free(err);
    /* --rate: time_total is the fetch, not the wait for its turn (that is timings.queue) */
    rc = run(NULL, &out, &err, "--rate", "2", "-j", "1", "-w", "%{time_total}\n",
             cli_url("/bytes?n=1&a"), cli_url("/bytes?n=1&b"), cli_url("/bytes?n=1&c"), NULL);
    assert_int_equal(rc, 0);
    assert_int_equal(count_lines(out), 3);
    for (const char *p = out; *p; p = strchr(p, '\n') + 1)
        assert_true(strtod(p, NULL) < 0.4); /* the last two waited 0.5 s each */
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "--rate", "2", "-j", "1", "--jsonl", cli_url("/bytes?n=1&a"),
             cli_url("/bytes?n=1&b"), cli_url("/bytes?n=1&c"), NULL);
    assert_int_equal(rc, 0);
    {
        double queued = 0;
        for (const char *p = strstr(out, "\"queue\":"); p; p = strstr(p + 1, "\"queue\":"))
            queued += strtod(p + 8, NULL);
        assert_true(queued >= 0.8); /* two turns of 0.5 s waited */
    }
    free(out);
    free(err);
    /* -f on >= 400: curl's code, curl's message, nothing counted */
    rc = run(NULL, &out, &err, "-f", "-w", "%{exitcode}|%{size_download}|%{errormsg}\n",
             cli_url("/status/404"), NULL);
    assert_int_equal(rc, 1);
    assert_string_equal(out, "22|0|The requested URL returned error: 404\n");
    free(out);
    free(err);
}

/* curl's other variables: what libcurl measured, the response's headers, %{onerror},
 * %{stderr}. */
static void test_writeout_curl_variables(void **state)
{
    char *out, *err, want[1024];
    int port = 0;
    (void)state;
    sscanf(strrchr(cli_env.srv.url, ':') + 1, "%d", &port);
    int rc = run(NULL, &out, &err, "-w",
                 "[%{content_type}|%{redirect_url}|%{remote_ip}|%{remote_port}|%{local_ip}|"
                 "%{scheme}|%{num_connects}|%{num_headers}|%{method}|%{http_connect}|"
                 "%{ssl_verify_result}|%header{Location}|%header{nope}]\n",
                 cli_url("/redirect?n=1"), NULL);
    assert_int_equal(rc, 0);
    snprintf(want, sizeof want,
             "[text/plain|%s/redirect?n=0|127.0.0.1|%d|127.0.0.1|HTTP|1|4|GET|000|0|"
             "/redirect?n=0|]\n",
             cli_env.srv.url, port);
    assert_string_equal(out, want);
    free(out);
    free(err);
    /* sizes: the upload, the request and the header block as sent and received */
    rc = run(NULL, &out, &err, "-d", "abcde", "-w",
             "%{method} %{size_upload} %{size_request} %{size_header} %{local_port}\n",
             cli_url("/echo"), NULL);
    assert_int_equal(rc, 0);
    {
        char method[16];
        long up = -1, req = -1, hdr = -1, lport = -1;
        assert_int_equal(sscanf(out, "%15s %ld %ld %ld %ld", method, &up, &req, &hdr, &lport), 5);
        assert_string_equal(method, "POST");
        assert_int_equal(up, 5);
        assert_true(req > 60 && req < 400);
        assert_true(hdr > 40 && hdr < 400);
        assert_true(lport > 0 && lport < 65536 && lport != port);
    }
    free(out);
    free(err);
    /* %{header_json}: curl's layout, names lowercased */
    rc = run(NULL, &out, &err, "-w", "%{header_json}", cli_url("/bytes?n=3"), NULL);
    assert_int_equal(rc, 0);
    assert_true(strncmp(out, "{\"content-type\":[\"application/octet-stream\"],\n", 45) == 0);
    assert_non_null(strstr(out, ",\n\"content-length\":[\"3\"]"));
    assert_string_equal(out + strlen(out) - 2, "\n}");
    free(out);
    free(err);
    /* %{onerror}: the rest only for a failed fetch; %{stderr} switches the stream */
    rc = run(NULL, &out, &err, "-w", "%{http_code}%{onerror} failed\n", cli_url("/bytes?n=1"),
             "http://127.0.0.1:1/", NULL);
    assert_int_equal(rc, 1);
    assert_string_equal(out, "200000 failed\n");
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "-w", "a%{stderr}b%{stdout}c", cli_url("/bytes?n=1"), NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "ac");
    assert_string_equal(err, "b");
    free(out);
    free(err);
}

/* -D: one file for the batch, made empty once, every fetch's header blocks (a followed
 * redirect's too) added whole; --jsonl-headers: the last response's, in the record. */
static void test_response_headers(void **state)
{
    char *out, *err, path[] = "/tmp/cofetch-e2e-dump-XXXXXX", *text;
    struct strbuf sb = STRBUF_INIT;
    FILE *f;
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "old\n", 4), 4);
    close(fd);
    int rc = run(NULL, &out, &err, "--sync", "-L", "-D", path, "-w", "%{http_code}\n",
                 cli_url("/redirect?n=1"), cli_url("/status/404"), NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "200\n404\n");
    free(out);
    free(err);
    f = fopen(path, "r");
    assert_non_null(f);
    for (int c; (c = fgetc(f)) != EOF;)
        sb_addc(&sb, (char)c);
    fclose(f);
    text = sb.buf;
    assert_true(strncmp(text, "HTTP/1.1 302 Found\r\n", 20) == 0); /* "old" is gone */
    assert_non_null(strstr(text, "\r\nLocation: /redirect?n=0\r\n"));
    assert_non_null(strstr(text, "\r\n\r\nHTTP/1.1 200 OK\r\n"));
    assert_non_null(strstr(text, "\r\n\r\nHTTP/1.1 404 Not Found\r\n"));
    assert_string_equal(text + sb.len - 4, "\r\n\r\n");
    sb_free(&sb);
    unlink(path);
    /* -D in a directory that is not there: said, and nothing is fetched */
    rc = run(NULL, &out, &err, "-D", "/nonexistent/dir/h", cli_url("/bytes?n=1"), NULL);
    assert_int_equal(rc, 3);
    assert_non_null(strstr(err, "-D: cannot create /nonexistent/dir/h"));
    assert_string_equal(out, "");
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "--jsonl", "--jsonl-headers", cli_url("/bytes?n=2"), NULL);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, ",\"headers\":{\"content-type\":[\"application/octet-stream\"],"));
    assert_non_null(strstr(out, "\"content-length\":[\"2\"]}}\n"));
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "--jsonl", cli_url("/bytes?n=2"), NULL);
    assert_null(strstr(out, "\"headers\""));
    free(out);
    free(err);
    /* --include: the headers before the body; -I: HEAD, the headers alone */
    rc = run(NULL, &out, &err, "--body", "--include", cli_url("/bytes?n=3"), NULL);
    assert_int_equal(rc, 0);
    assert_true(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0);
    assert_string_equal(out + strlen(out) - 7, "\r\n\r\nabc");
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "--body", "-I", cli_url("/echo"), NULL);
    assert_int_equal(rc, 0);
    assert_true(strncmp(out, "HTTP/1.1 200 OK\r\n", 17) == 0);
    assert_string_equal(out + strlen(out) - 4, "\r\n\r\n");
    assert_null(strstr(out, "\"method\"")); /* no body */
    free(out);
    free(err);
    /* a chain's {body} is the body, not the headers --include writes */
    rc = run(NULL, &out, &err, "--include", "--then", "{body}", "-w", "%{step} %{http_code}\n",
             cli_url("/next?n=2"), NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "0 200\n1 200\n");
    free(out);
    free(err);
    assert_int_equal(run(NULL, &out, &err, "--jsonl-headers", cli_url("/bytes?n=2"), NULL), 2);
    assert_non_null(strstr(err, "give --jsonl too"));
    free(out);
    free(err);
}

static void test_modes(void **state)
{
    char *out, *err, in[1024];
    (void)state;
    snprintf(in, sizeof in, "%s\n%s\n%s\n", cli_url("/delay?s=0.4"), cli_url("/delay?s=0.05"),
             cli_url("/delay?s=0.2"));
    /* queue: completion order with enough workers */
    int rc = run(in, &out, &err, "--mode", "queue", "-j", "3", "-w", "%{order}:%{urlnum}\\n", NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "1:1\n2:2\n3:0\n");
    free(out);
    free(err);
    /* --sync: one at a time, in input order; takes the sum */
    double t0 = t_now();
    rc = run(in, &out, &err, "--sync", "-w", "%{order}:%{urlnum}\\n", NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "1:0\n2:1\n3:2\n");
    assert_true(t_now() - t0 >= 0.6);
    free(out);
    free(err);
    /* chain: two steps per line, the second from the first body */
    snprintf(in, sizeof in, "%s\n%s\n", cli_url("/next?n=3"), cli_url("/next?n=4"));
    rc = run(in, &out, &err, "--then", "{body}", "-w", "%{urlnum}.%{step} %{size_download}\\n",
             NULL);
    assert_int_equal(rc, 0);
    size_t next_len = strlen(cli_env.srv.url) + strlen("/bytes?n=3\n"); /* the /next body */
    snprintf(in, sizeof in, "0.0 %zu\n0.1 3\n1.0 %zu\n1.1 4\n", next_len, next_len);
    assert_string_equal(out, in);
    free(out);
    free(err);
    /* chain: a failed step ends its chain with an error record */
    rc = run(NULL, &out, &err, "--then", "{effective_url}?x={header:X-Nope}", "-w",
             "%{step} %{exitcode} %{errormsg}\\n", cli_url("/bytes?n=1"), NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "0 0 \n1 "));
    assert_non_null(strstr(out, "no such header"));
    free(out);
    free(err);
}

static void test_text_and_body(void **state)
{
    char *out, *err;
    (void)state;
    int rc = run(NULL, &out, &err, "--body", cli_url("/bytes?n=3"), cli_url("/bytes?n=28"), NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "abcabcdefghijklmnopqrstuvwxyzab");
    free(out);
    free(err);
    rc = run(NULL, &out, &err, cli_url("/status/404"), cli_url("/bytes?n=10"), NULL);
    assert_int_equal(rc, 0); /* without -f a 404 is a completed fetch */
    assert_non_null(strstr(out, "404 "));
    assert_non_null(strstr(out, "200        10 "));
    assert_null(strstr(out, "\033[")); /* no colour when not a terminal */
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "-f", cli_url("/status/404"), NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "ERR "));
    free(out);
    free(err);
    /* -f --body: a failed response's body is not written, streamed or not (curl -f); in
     * every mode, the 404 first (its body would stream) and between two good ones. */
    static const char *const modes[] = {"gather", "queue", "chain"};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        rc = run(NULL, &out, &err, "-f", "--body", "-j", "1", "--mode", modes[i],
                 cli_url("/status/404"), cli_url("/bytes?n=3"), cli_url("/status/500"),
                 cli_url("/bytes?n=2"), NULL);
        assert_int_equal(rc, 1);
        assert_string_equal(out, "abcab");
        free(out);
        free(err);
    }
}

/* --body: a body that waits its turn behind a slow line is kept (memory, then a temporary
 * file) up to 1 GiB; past that its record fails (the disk would fill: 2 GiB in 6 s) and the
 * others are written. Failures are named on stderr, as curl does, unless -s. */
static void test_body_wait_cap(void **state)
{
    char *out, *err;
    char big[64];
    (void)state;
    snprintf(big, sizeof big, "%s", cli_url("/bytes?n=1100000000"));
    int rc = run(NULL, &out, &err, "--body", cli_url("/delay?s=1"), big, cli_url("/bytes?n=5"),
                 cli_url("/status/404"), "-f", NULL);
    assert_int_equal(rc, 1);
    assert_string_equal(out, "slept 1\nabcde");
    assert_non_null(strstr(err, "bytes?n=1100000000: the body passed 1073741824 bytes while "
                                "waiting its turn to be written"));
    assert_non_null(strstr(err, "args:4 "));
    assert_non_null(strstr(err, "/status/404: "));
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "-s", "-f", "--body", cli_url("/status/404"), NULL);
    assert_int_equal(rc, 1);
    assert_string_equal(err, "");
    free(out);
    free(err);
}

/* Chain steps from a relative Location (/redirect?n=1 answers 302 to "/redirect?n=0") are
 * resolved against the previous URL, and a {body} whose first line is over 8 KiB fails
 * its step instead of fetching the URL cut short. */
static void test_then_relative_and_long_body(void **state)
{
    char *out, *err, want[256];
    (void)state;
    int rc = run(NULL, &out, &err, "-w", "%{step} %{http_code} %{url}\\n", "--then",
                 "{header:Location}", cli_url("/redirect?n=1"), NULL);
    assert_int_equal(rc, 0);
    snprintf(want, sizeof want, "0 302 %s/redirect?n=1\n1 200 %s/redirect?n=0\n", cli_env.srv.url,
             cli_env.srv.url);
    assert_string_equal(out, want);
    free(out);
    free(err);
    rc = run(NULL, &out, &err, "-w", "%{step} %{errormsg}\\n", "--then", "{body}",
             cli_url("/bytes?n=9000"), NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "0 \n1 "));
    assert_non_null(strstr(out, "longer than 8192 bytes"));
    free(out);
    free(err);
}

/* stdin read twice (an option's "@-" and the URL list): a usage error, not a run of
 * nothing that exits 0. */
static void test_stdin_read_twice(void **state)
{
    static const char *const cases[][5] = {
        {"-d", "@-", "-i", "-", "--data @- reads stdin"},
        {"-w", "@-", NULL, NULL, "--write-out @- reads stdin"},
        {"-d", "@-", "-w", "@-", "would both read stdin"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out, *err;
        int rc = run(cli_url("/bytes?n=1\n"), &out, &err, cases[i][0], cases[i][1], cases[i][2],
                     cases[i][3], NULL);
        assert_int_equal(rc, 2);
        assert_non_null(strstr(err, cases[i][4]));
        assert_string_equal(out, "");
        free(out);
        free(err);
    }
}

/* -o --no-clobber: a URL whose file is there is not fetched at all (the server sees no
 * request), and its record says so; it used to download every file again. */
static void test_no_clobber_skips(void **state)
{
    char dir[] = "/tmp/cofetch-noclobber-XXXXXX", *out, *err;
    struct cf_test_response resp;
    const char *url = cli_url("/bytes?n=7");
    (void)state;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(run(NULL, &out, &err, "-s", "--output-dir", dir, "--no-clobber", url, NULL),
                     0);
    free(out);
    free(err);
    assert_int_equal(cf_test_http_get(cli_env.srv.port, "/count?reset=1", NULL, &resp), 0);
    cf_test_response_free(&resp);
    assert_int_equal(
        run(NULL, &out, &err, "-s", "--jsonl", "--output-dir", dir, "--no-clobber", url, NULL), 0);
    assert_non_null(strstr(out, "\"skipped\":\"exists\""));
    assert_non_null(strstr(out, "\"ok\":true"));
    free(out);
    free(err);
    assert_int_equal(cf_test_http_get(cli_env.srv.port, "/count", NULL, &resp), 0);
    assert_non_null(strstr(resp.body, "\"/bytes\":0,"));
    cf_test_response_free(&resp);
    char path[512];
    snprintf(path, sizeof path, "%s/127.0.0.1_3A%d_2Fbytes_3Fn_3D7", dir, cli_env.srv.port);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* Gather keeps input order without letting one slow line stop the rest: a line that
 * stalls (until -m 3 ends it) ahead of 1,000 fast ones, 50 at a time. Every fast one
 * starts long before the stalled one ends (they used to wait for it once 256 lines were
 * taken), and the records still come out in input order. */
static void test_slow_head_does_not_stall(void **state)
{
    struct strbuf in = STRBUF_INIT;
    char *out, *err;
    double latest = 0;
    unsigned long n = 0, prev = 0;
    (void)state;

    sb_adds(&in, cli_url("/stall?s=10\n"));
    for (int i = 0; i < 1000; i++)
        sb_addf(&in, "%s/bytes?n=%d\n", cli_env.srv.url, i % 100);
    int rc = run(sb_cstr(&in), &out, &err, "-s", "--jsonl", "-m", "3", NULL);
    assert_int_equal(rc, 1); /* the stalled line timed out */
    for (const char *p = out; (p = strstr(p, "\"line\":")); p++) {
        unsigned long line = strtoul(p + 7, NULL, 10);
        const char *st = strstr(p, "\"start\":");
        assert_non_null(st);
        assert_int_equal(line, prev + 1); /* input order */
        prev = line;
        if (line > 1 && strtod(st + 8, NULL) > latest)
            latest = strtod(st + 8, NULL);
        n++;
    }
    assert_int_equal(n, 1001);
    assert_true(latest < 2.0); /* all started while the first line still stalled */
    free(out);
    free(err);
    sb_free(&in);
}

/* A fetch that hears nothing is given up (-Y/-y, curl's speed check; on by default:
 * 1 byte/s over 60 s): here after 1 s of silence from a server that stalls for 20. */
static void test_stalled_fetch_gives_up(void **state)
{
    char *out, *err;
    (void)state;
    double t0 = t_now();
    int rc = run(NULL, &out, &err, "-w", "%{errormsg}\\n", "--speed-time", "1",
                 cli_url("/stall?s=20"), NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "too slow"));
    assert_true(t_now() - t0 < 10);
    free(out);
    free(err);
    /* --speed-time 0: no check; -m ends it instead. */
    rc = run(NULL, &out, &err, "-w", "%{errormsg}\\n", "--speed-time", "0", "-m", "1.5",
             cli_url("/stall?s=20"), NULL);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "timed out after 1"));
    free(out);
    free(err);
}

/* --per-host 2 -m 2.5 over 12 one-second fetches to one host: a fetch waiting for its
 * host's turn is queued, not timed: all 12 succeed, and the wait shows as queue time.
 * (libcurl's own per-host limit counted the wait in the timeout: 8 of 12 failed.) */
static void test_per_host_wait_is_queue_time(void **state)
{
    char *argv[32] = {"cofetch", "-s", "--per-host", "2", "-m", "2.5", "--jsonl"};
    static char urls[12][128];
    struct cli_run r = {.argv = argv};
    int argc = 7, ok = 0;
    double most = 0;
    (void)state;

    for (int i = 0; i < 12; i++) {
        snprintf(urls[i], sizeof urls[i], "%s/delay?s=1&i=%d", cli_env.srv.url, i);
        argv[argc++] = urls[i];
    }
    argv[argc] = NULL;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 0);
    for (const char *p = r.out; (p = strstr(p, "\"ok\":true")); p++)
        ok++;
    assert_int_equal(ok, 12);
    for (const char *p = r.out; (p = strstr(p, "\"queue\":")); p++)
        if (strtod(p + 8, NULL) > most)
            most = strtod(p + 8, NULL);
    assert_true(most > 3.5); /* the last pair waited for five before them */
    cli_run_free(&r);
}

/* An IDN host name is converted as curl converts it (libidn2, in the locale's character
 * set): bücher.localhost becomes xn--bcher-kva.localhost, which libcurl resolves to the
 * loopback. It was rejected as a malformed URL: cofetch never set its locale. */
static void test_idn_host(void **state)
{
    char url[128], *out, *err;
    (void)state;
    snprintf(url, sizeof url,
             "http://b\xc3\xbc"
             "cher.localhost:%d/bytes?n=3",
             cli_env.srv.port);
    setenv("LC_ALL", "C.UTF-8", 1);
    int rc = run(NULL, &out, &err, "-w", "%{http_code} %{size_download}\\n", url, NULL);
    unsetenv("LC_ALL");
    assert_int_equal(rc, 0);
    assert_string_equal(out, "200 3\n");
    free(out);
    free(err);
}

/* A server that takes requests and never answers: how many it got in `secs`. */
static int count_unanswered(int lfd, double secs)
{
    int conns[16], nconn = 0, requests = 0;
    double t0 = t_now();

    while (t_now() - t0 < secs) {
        struct pollfd pf[17] = {{lfd, POLLIN, 0}};
        for (int i = 0; i < nconn; i++)
            pf[i + 1] = (struct pollfd){conns[i], POLLIN, 0};
        if (poll(pf, (nfds_t)nconn + 1, 50) <= 0)
            continue;
        if ((pf[0].revents & POLLIN) && nconn < 16)
            conns[nconn++] = accept(lfd, NULL, NULL);
        for (int i = 0; i < nconn; i++) {
            char buf[4096];
            if (conns[i] >= 0 && (pf[i + 1].revents & POLLIN)) {
                ssize_t n = read(conns[i], buf, sizeof buf);
                if (n > 0 && (strncmp(buf, "POST ", 5) == 0 || strncmp(buf, "GET ", 4) == 0))
                    requests++;
                if (n <= 0) {
                    close(conns[i]);
                    conns[i] = -1;
                }
            }
        }
    }
    for (int i = 0; i < nconn; i++)
        if (conns[i] >= 0)
            close(conns[i]);
    return requests;
}

/* --retry after a timeout: a GET is sent again, a POST (-d) is not: the server may have
 * acted on it. (Four POSTs reached a server that only stalled.) */
static void test_retry_sends_a_post_once(void **state)
{
    (void)state;
    for (int post = 0; post <= 1; post++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t alen = sizeof a;
        int lfd = socket(AF_INET, SOCK_STREAM, 0);
        char url[64];
        assert_true(lfd >= 0);
        assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
        assert_int_equal(listen(lfd, 16), 0);
        assert_int_equal(getsockname(lfd, (struct sockaddr *)&a, &alen), 0);
        snprintf(url, sizeof url, "http://127.0.0.1:%d/", ntohs(a.sin_port));
        char *argv[] = {"cofetch", "-s",  "--retry", "2",  "--retry-delay", "0.05",
                        "-m",      "0.4", url,       "-d", "x=1",           NULL};
        if (!post) /* the same without a body: a GET */
            argv[9] = NULL;
        struct cli_run r = {.argv = argv};
        struct cli_proc p;
        assert_int_equal(cli_spawn(&p, &r), 0);
        int requests = count_unanswered(lfd, 3.0);
        assert_int_equal(cli_wait(&r, &p, 30), 0);
        assert_int_equal(r.code, 1);
        assert_int_equal(requests, post ? 1 : 3);
        cli_run_free(&r);
        close(lfd);
    }
}

static void test_bad_lines(void **state)
{
    char path[] = "/tmp/cofetch-e2e-XXXXXX";
    int fd = mkstemp(path);
    static char data[70000];
    size_t n = 0;
    char *out, *err;
    (void)state;
    n += (size_t)snprintf(data, sizeof data, "# list\n%s\nnot a url\nftp://h/x\n\n",
                          cli_url("/bytes?n=1"));
    memset(data + n, 'a', 66000);
    n += 66000;
    data[n++] = '\n';
    memcpy(data + n, "http://h/\0x\n", 12);
    n += 12;
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    int rc = run(NULL, &out, &err, "-i", path, "-w", "%{line} %{exitcode} %{errormsg}\\n", NULL);
    assert_int_equal(rc, 1);
    assert_int_equal(count_lines(out), 5); /* one record per line, none dropped */
    assert_non_null(strstr(out, "2 0 \n"));
    assert_non_null(strstr(out, ":3: not a URL"));
    assert_non_null(strstr(out, ":4: scheme 'ftp' not allowed"));
    assert_non_null(strstr(out, ":6: line longer than 65536 bytes"));
    assert_non_null(strstr(out, ":7: line contains a NUL byte"));
    free(out);
    free(err);
    /* --proto lets ftp through the line check */
    rc = run("ftp://h/x\n", &out, &err, "--proto", "+ftp", "-w", "%{errormsg}\\n", NULL);
    assert_null(strstr(out, "not allowed"));
    free(out);
    free(err);
    unlink(path);
}

static void test_exit_codes(void **state)
{
    char *out, *err;
    (void)state;
    assert_int_equal(run(NULL, &out, &err, "--nope", NULL), 2);
    assert_non_null(strstr(err, "try 'cofetch --help'"));
    free(out);
    free(err);
    assert_int_equal(run(NULL, &out, &err, "-i", "/nonexistent/list", NULL), 3);
    assert_non_null(strstr(err, "cannot read /nonexistent/list"));
    free(out);
    free(err);
    assert_int_equal(run(NULL, &out, &err, "--help", NULL), 0);
    assert_non_null(strstr(out, "--write-out"));
    free(out);
    free(err);
    assert_int_equal(run(NULL, &out, &err, "--version", NULL), 0);
    assert_non_null(strstr(out, "cofetch " CF_VERSION "\n"));
    assert_non_null(strstr(out, "libcurl 7."));
    assert_non_null(strstr(out, "libevent 2."));
    free(out);
    free(err);
    assert_int_equal(run(NULL, &out, &err, "http://127.0.0.1:1/", NULL), 1);
    free(out);
    free(err);
    /* An input with no URL at all asked for nothing: a usage error, -s or not. */
    assert_int_equal(run("", &out, &err, NULL), 2);
    assert_non_null(strstr(err, "no URLs"));
    free(out);
    free(err);
    assert_int_equal(run("# only a comment\n\n  \n", &out, &err, "-s", NULL), 2);
    assert_non_null(strstr(err, "no URLs"));
    free(out);
    free(err);
    /* A shard that gets none of the lines did what it was asked: the other took them. */
    {
        int got[2];
        for (int k = 0; k < 2; k++) {
            got[k] = run("http://127.0.0.1:1/\n", &out, &err, "--shard", k ? "2/2" : "1/2", NULL);
            assert_null(strstr(err, "no URLs"));
            free(out);
            free(err);
        }
        assert_true((got[0] == 0 && got[1] == 1) || (got[0] == 1 && got[1] == 0));
    }
}

/* A mode that cannot start (its first big allocation fails) says so and exits 1; it
 * used to exit 0 having fetched nothing. The shim cannot be preloaded before the
 * sanitizers' runtime: this runs in the build without them (CI's optimised e2e run). */
static void test_mode_that_cannot_start(void **state)
{
#if defined(__SANITIZE_ADDRESS__)
    (void)state;
    skip();
#else
    static const char *const modes[] = {"gather", "queue", "chain"};
    char shim[512];
    (void)state;

    snprintf(shim, sizeof shim, "%s/tests/failalloc.so", CF_BINARY_DIR);
    assert_int_equal(access(shim, R_OK), 0);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        char *out, *err, want[64];
        /* 4,000 workers or permits: the queue's pool, the ordered modes' ring of 16,000
         * slots, each over 1 MB; nothing else the command callocs comes near it. */
        setenv("LD_PRELOAD", shim, 1);
        setenv("FAILALLOC_OVER", "1000000", 1);
        int code =
            run(NULL, &out, &err, "--mode", modes[i], "-j", "4000", cli_url("/bytes?n=1"), NULL);
        unsetenv("LD_PRELOAD");
        unsetenv("FAILALLOC_OVER");
        snprintf(want, sizeof want, "cofetch: cannot start %s mode: out of memory", modes[i]);
        if (code != 1 || !strstr(err, want))
            fprintf(stderr, "--mode %s: exit %d, stderr: %s\n", modes[i], code, err);
        assert_int_equal(code, 1);
        assert_non_null(strstr(err, want));
        assert_string_equal(out, ""); /* nothing was fetched */
        free(out);
        free(err);
    }
#endif
}

/* The test writes one line, reads its record, and only then writes the next. */
static void test_streaming_stdin(void **state)
{
    char *argv[] = {"cofetch", "-w", "%{url}\\n", NULL};
    struct cli_proc p;
    char *out, *err;
    (void)state;
    spawn(&p, argv);
    for (int i = 0; i < 3; i++) {
        char line[256], got[512];
        size_t have = 0;
        int len = snprintf(line, sizeof line, "%s\n", cli_url("/bytes?n=%d", i + 1));
        assert_int_equal(write(p.in, line, (size_t)len), len);
        while (have < (size_t)len) {
            struct pollfd pf = {p.out, POLLIN, 0};
            assert_int_equal(poll(&pf, 1, 10000), 1); /* the record comes before EOF */
            ssize_t n = read(p.out, got + have, sizeof got - have - 1);
            assert_true(n > 0);
            have += (size_t)n;
        }
        got[have] = '\0';
        assert_string_equal(got, line);
    }
    assert_int_equal(finish(&p, &out, &err), 0);
    free(out);
    free(err);
}

static void test_fail_fast(void **state)
{
    char *out, *err;
    (void)state;
    double t0 = t_now();
    int rc = run(NULL, &out, &err, "--fail-fast", "-f", "-j", "2", "-w", "%{urlnum} %{errormsg}\\n",
                 cli_url("/delay?s=5"), cli_url("/status/500"), cli_url("/delay?s=5"),
                 cli_url("/delay?s=5"), NULL);
    assert_int_equal(rc, 1);
    assert_true(t_now() - t0 < 3);
    assert_non_null(strstr(out, "0 cancelled"));
    assert_non_null(strstr(out, "1 "));
    assert_non_null(strstr(err, "--fail-fast"));
    free(out);
    free(err);
}

static void test_sigint_mid_batch(void **state)
{
    char dir[] = "/tmp/cofetch-e2e-out-XXXXXX";
    char *argv[] = {"cofetch",
                    "--summary",
                    "--output-dir",
                    dir,
                    "-w",
                    "%{urlnum} %{exitcode}\\n",
                    cli_url("/bytes?n=10"),
                    cli_url("/drip?n=20&interval=0.2"),
                    cli_url("/delay?s=10"),
                    NULL};
    struct cli_proc p;
    char *out, *err;
    (void)state;
    assert_non_null(mkdtemp(dir));
    spawn(&p, argv);
    usleep(700 * 1000);
    kill(p.pid, SIGINT);
    double t0 = t_now();
    int rc = finish(&p, &out, &err);
    assert_int_equal(rc, 130);
    assert_true(t_now() - t0 < 3);
    assert_int_equal(count_lines(out), 3); /* every record, the interrupted ones too */
    assert_non_null(strstr(out, "0 0\n"));
    /* The two cut off are counted apart, not as failures. */
    assert_non_null(strstr(err, "fetched 1, failed 0, interrupted 2"));
    assert_non_null(strstr(err, "interrupted"));
    /* Only the completed body is there: no partial or temporary file. */
    assert_int_equal(t_count_files(dir), 1);
    char path[512];
    snprintf(path, sizeof path, "%s/127.0.0.1_3A%s_2Fbytes_3Fn_3D10", dir,
             strrchr(cli_env.srv.url, ':') + 1);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 10);
    unlink(path);
    rmdir(dir);
    free(out);
    free(err);
}

static void test_output_dir_hostile(void **state)
{
    char dir[] = "/tmp/cofetch-e2e-out-XXXXXX";
    char *out, *err;
    (void)state;
    assert_non_null(mkdtemp(dir));
    int rc = run(NULL, &out, &err, "--output-dir", dir, "--jsonl",
                 cli_url("/bytes?n=4&x=%%2e%%2e%%2f..%%2fx"), cli_url("/status/404?/../../.hidden"),
                 NULL);
    assert_int_equal(rc, 0);
    assert_int_equal(t_count_files(dir), 2);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        assert_true(e->d_name[0] != '.');
        assert_null(strchr(e->d_name, '/'));
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
    assert_non_null(strstr(out, "\"file\":"));
    free(out);
    free(err);
}

/* Bodies saved under -o are the server's bytes, whatever their size and however they
 * came: one chunk, libcurl's 16 KiB pieces, 999-byte HTTP chunks across block
 * boundaries; a body cut short leaves no file. */
static void test_output_dir_whole_bodies(void **state)
{
    static const long sizes[] = {0, 1, 16383, 16384, 16385, 65535, 65536, 65537, 1048576, 3000001};
    enum { N = sizeof sizes / sizeof sizes[0] };
    char dir[] = "/tmp/cofetch-e2e-out-XXXXXX";
    char in[4096] = "";
    char *out, *err, *line;
    size_t n = 0;
    int files = 0;
    (void)state;
    assert_non_null(mkdtemp(dir));
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(in + n, sizeof in - n, "%s\n", cli_url("/bytes?n=%ld", sizes[i]));
    n += (size_t)snprintf(in + n, sizeof in - n, "%s\n", cli_url("/chunked?n=300&size=999"));
    snprintf(in + n, sizeof in - n, "%s\n", cli_url("/chunked?n=70&size=1000&truncate=1"));
    int rc = run(in, &out, &err, "--output-dir", dir, "-j", "20", "-w",
                 "%{exitcode} %{filename_effective}\\n", NULL);
    assert_int_equal(rc, 1); /* the truncated one failed */
    for (line = out; *line; line = strchr(line, '\n') + 1) {
        char name[512], path[1024];
        int code = atoi(line);
        const char *p = strchr(line, ' ') + 1;
        snprintf(name, sizeof name, "%.*s", (int)strcspn(p, "\n"), p);
        if (code != 0) {
            assert_string_equal(name, ""); /* the truncated one: no file */
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        long want = strstr(name, "chunked") ? 300 * 999 : atol(strstr(name, "_3D") + 3);
        long off = 0;
        int c;
        while ((c = fgetc(f)) != EOF) {
            if (c != 'a' + off % 26)
                fail_msg("%s: byte %ld is '%c'", name, off, c);
            off++;
        }
        fclose(f);
        assert_int_equal(off, want);
        unlink(path);
        files++;
    }
    assert_int_equal(files, N + 1);
    assert_int_equal(t_count_files(dir), 0); /* no temporary file left */
    rmdir(dir);
    free(out);
    free(err);
}

static void test_shard_partition(void **state)
{
    char in[8192] = "";
    size_t n = 0;
    int seen[40] = {0};
    (void)state;
    for (int i = 0; i < 40; i++)
        n += (size_t)snprintf(in + n, sizeof in - n, "%s\n", cli_url("/bytes?n=%d", i));
    for (int k = 1; k <= 3; k++) {
        char shard[16], *out, *err;
        snprintf(shard, sizeof shard, "%d/3", k);
        assert_int_equal(run(in, &out, &err, "--shard", shard, "-w", "%{size_download}\\n", NULL),
                         0);
        for (char *p = out; *p;) {
            int v = atoi(p);
            assert_true(v >= 0 && v < 40);
            seen[v]++;
            p = strchr(p, '\n') + 1;
        }
        free(out);
        free(err);
    }
    for (int i = 0; i < 40; i++)
        assert_int_equal(seen[i], 1); /* union is the list, no overlap */
}

static void test_compare_and_timeline(void **state)
{
    char *out, *err;
    (void)state;
    int rc = run(NULL, &out, &err, "--compare", "--timeline", "--summary", "-w", "%{urlnum}\\n",
                 cli_url("/delay?s=0.3"), cli_url("/delay?s=0.2"), NULL);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "0\n1\n");
    assert_non_null(strstr(err, "call  | start   | finish  | finish order"));
    assert_non_null(strstr(err, "speedup"));
    assert_non_null(strstr(err, "fetched twice"));
    free(out);
    free(err);
}

static void test_demo(void **state)
{
    char *out, *err;
    (void)state;
    double t0 = t_now();
    int rc = run(NULL, &out, &err, "--demo", NULL);
    assert_int_equal(rc, 0);
    assert_true(t_now() - t0 < 15);
    assert_non_null(strstr(out, "--sync: 1.5"));
    assert_non_null(strstr(out, "--mode gather: 0.8"));
    assert_non_null(strstr(out, "3 workers"));
    assert_non_null(strstr(out, "-> "));
    /* The chains' steps (0.4+0.2, 0.2+0.5, 0.3+0.3 s) overlap: ~0.7 s, not 1.9 s. */
    assert_non_null(strstr(out, "1.90 s of steps"));
    const char *ch = strstr(out, "3 chains in ");
    assert_non_null(ch);
    double chains = atof(ch + strlen("3 chains in "));
    assert_true(chains >= 0.69 && chains < 1.5);
    free(out);
    free(err);
}

static void test_closed_stdout(void **state)
{
    char *argv[] = {"cofetch", cli_url("/bytes?n=1"), cli_url("/delay?s=5"), NULL};
    struct cli_proc p;
    char *out, *err;
    (void)state;
    spawn(&p, argv);
    close(p.out); /* like `| head` having exited */
    p.out = open("/dev/null", O_RDONLY);
    double t0 = t_now();
    int rc = finish(&p, &out, &err);
    assert_true(rc == 0 || rc == 1);
    assert_true(t_now() - t0 < 8);
    assert_null(strstr(err, "Sanitizer"));
    free(out);
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gather_input_order_and_exit_0),
        cmocka_unit_test(test_json_fields),
        cmocka_unit_test(test_writeout_variables),
        cmocka_unit_test(test_writeout_curl_variables),
        cmocka_unit_test(test_response_headers),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_text_and_body),
        cmocka_unit_test(test_body_wait_cap),
        cmocka_unit_test(test_then_relative_and_long_body),
        cmocka_unit_test(test_stdin_read_twice),
        cmocka_unit_test(test_no_clobber_skips),
        cmocka_unit_test(test_slow_head_does_not_stall),
        cmocka_unit_test(test_stalled_fetch_gives_up),
        cmocka_unit_test(test_per_host_wait_is_queue_time),
        cmocka_unit_test(test_idn_host),
        cmocka_unit_test(test_retry_sends_a_post_once),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_mode_that_cannot_start),
        cmocka_unit_test(test_streaming_stdin),
        cmocka_unit_test(test_fail_fast),
        cmocka_unit_test(test_sigint_mid_batch),
        cmocka_unit_test(test_output_dir_hostile),
        cmocka_unit_test(test_output_dir_whole_bodies),
        cmocka_unit_test(test_shard_partition),
        cmocka_unit_test(test_compare_and_timeline),
        cmocka_unit_test(test_demo),
        cmocka_unit_test(test_closed_stdout),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

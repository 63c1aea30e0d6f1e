/*
 * test_e2e_limits.c - the built binary at the edges of its resources: an open-files limit
 * far below -j, bodies far larger than memory should hold (--body, chain), and -o files
 * when a run is interrupted in the middle of bodies.
 *
 * Memory is checked with the child's peak RSS (wait4): a buffered 300 MB body would show;
 * the limits are generous (sanitizer builds carry shadow memory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_proc.h"
#include "support.h"

enum { RSS_LIMIT_KB = 160 * 1024 };

static int setup(void **state)
{
    (void)state;
    return cli_env_setup("limits");
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

static void no_sanitizer_report(const struct cli_run *r)
{
    if (strstr(r->err, "Sanitizer") || strstr(r->err, "runtime error"))
        fail_msg("sanitizer report:\n%s", r->err);
}

/* ---- RLIMIT_NOFILE ---- */

static void test_parallel_over_open_files_limit(void **state)
{
    char list[128];
    char *argv[] = {"cofetch", "-i", list, "-j", "500", "--jsonl", NULL};
    struct cli_run r;
    FILE *f;
    (void)state;

    snprintf(list, sizeof list, "%s/list300", cli_env.tmpdir);
    f = fopen(list, "w");
    assert_non_null(f);
    for (int i = 0; i < 300; i++)
        fprintf(f, "%s/delay?s=0.1&i=%d\n", cli_env.srv.url, i);
    fclose(f);

    /* Hard limit 64 too: -j is lowered, with a warning, and every fetch succeeds. */
    memset(&r, 0, sizeof r);
    r.argv = argv;
    r.nofile = 64;
    assert_int_equal(cli_run(&r, 120), 0);
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 0);
    assert_int_equal(count(r.out, "\"ok\":true"), 300);
    assert_non_null(strstr(r.err, "warning: -j 500 needs about"));
    assert_non_null(strstr(r.err, "the limit (ulimit -n) is 64"));
    cli_run_free(&r);

    /* Soft 64 under a higher hard limit: the soft limit is raised, no warning. */
    memset(&r, 0, sizeof r);
    r.argv = argv;
    r.nofile = 64;
    r.nofile_hard = 4096;
    assert_int_equal(cli_run(&r, 120), 0);
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 0);
    assert_int_equal(count(r.out, "\"ok\":true"), 300);
    assert_null(strstr(r.err, "warning"));
    cli_run_free(&r);

    /* Queue mode and -o (two files a fetch) under the same hard limit. */
    char dir[160];
    char *argv2[] = {"cofetch", "-i", list, "--mode",  "queue", "-j",
                     "500",     "-o", dir,  "--jsonl", NULL};
    snprintf(dir, sizeof dir, "%s/out-nofile", cli_env.tmpdir);
    memset(&r, 0, sizeof r);
    r.argv = argv2;
    r.nofile = 64;
    assert_int_equal(cli_run(&r, 120), 0);
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 0);
    assert_int_equal(count(r.out, "\"ok\":true"), 300);
    assert_non_null(strstr(r.err, "warning: -j 500"));
    cli_run_free(&r);
}

/* ---- one transfer does not hold the others ---- */

/* A gzip bomb (10 GB of zeros in 63 MB) beside 20 fetches of 0.5 s, --compressed -m 3:
 * the 20 end in about 0.5 s and succeed; the bomb ends at -m 3. Decoded in one go, it
 * held the loop for seconds: the 20 took 4 s and more, or timed out. */
static void test_gzip_bomb_stalls_nothing(void **state)
{
    char *argv[64] = {"cofetch",
                      "-s",
                      "--compressed",
                      "-m",
                      "3",
                      "-w",
                      "%{time_total} %{exitcode} %{url}\\n",
                      cli_url("/gzip?n=10000000000")};
    struct cli_run r = {.argv = argv};
    static char urls[20][128]; /* cli_url's buffers rotate: keep these */
    int argc = 8, fast = 0;
    (void)state;

    for (int i = 0; i < 20; i++) {
        snprintf(urls[i], sizeof urls[i], "%s/delay?s=0.5&i=%d", cli_env.srv.url, i);
        argv[argc++] = urls[i];
    }
    argv[argc] = NULL;
    assert_int_equal(cli_run(&r, 60), 0);
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 1); /* the bomb failed */
    for (const char *p = r.out; *p; p = strchr(p, '\n') + 1) {
        double t = strtod(p, NULL);
        int code = atoi(strchr(p, ' ') + 1);
        if (strstr(p, "/delay") && strstr(p, "/delay") < strchr(p, '\n')) {
            if (code != 0 || t > 1.5)
                fail_msg("beside the bomb: %.*s", (int)(strchr(p, '\n') - p), p);
            fast++;
        }
    }
    assert_int_equal(fast, 20);
    cli_run_free(&r);
}

/* ---- bodies larger than memory ---- */

static void test_body_streams_huge(void **state)
{
    char *argv[] = {"cofetch", "--body", cli_url("/bytes?n=2000000000"), NULL};
    struct cli_run r;
    (void)state;

    /* 2 GB: stop after 300 MB have come out; memory stayed flat meanwhile. */
    memset(&r, 0, sizeof r);
    r.argv = argv;
    r.discard_stdout = 1;
    r.sigint_after_bytes = 300ULL << 20;
    assert_int_equal(cli_run(&r, 120), 0);
    no_sanitizer_report(&r);
    assert_true(r.interrupted);
    assert_int_equal(r.code, 130);
    assert_true(r.out_bytes >= 300ULL << 20);
    if (r.maxrss_kb > RSS_LIMIT_KB)
        fail_msg("peak RSS %ld KiB while streaming a 2 GB body", r.maxrss_kb);
    cli_run_free(&r);
}

static void test_body_stream_closed_stdout(void **state)
{
    char *argv[] = {"cofetch", "--body", cli_url("/bytes?n=2000000000"), cli_url("/bytes?n=10"),
                    NULL};
    struct cli_run r;
    (void)state;

    /* The reader goes away mid-body (`| head -c`): the run stops quietly and soon. */
    memset(&r, 0, sizeof r);
    r.argv = argv;
    r.discard_stdout = 1;
    r.close_after_bytes = 50ULL << 20;
    double t0 = t_now();
    assert_int_equal(cli_run(&r, 60), 0);
    no_sanitizer_report(&r);
    assert_true(r.code == 0 || r.code == 1);
    assert_true(t_now() - t0 < 30);
    cli_run_free(&r);
}

static void test_body_waiting_its_turn_spills(void **state)
{
    char *argv[] = {"cofetch", "--body", cli_url("/delay?s=1"), cli_url("/bytes?n=200000000"),
                    NULL};
    struct cli_run r;
    char env[200];
    (void)state;

    /* The second body arrives while the first holds stdout: it is kept in a temporary
     * file, not in memory, and comes out whole and in order. */
    snprintf(env, sizeof env, "TMPDIR=%s", cli_env.tmpdir);
    putenv(env);
    memset(&r, 0, sizeof r);
    r.argv = argv;
    assert_int_equal(cli_run(&r, 120), 0);
    unsetenv("TMPDIR");
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out_bytes, strlen("slept 1\n") + 200000000ULL);
    assert_int_equal(strncmp(r.out, "slept 1\nabcdefghijklmnopqrstuvwxyzabc", 37), 0);
    for (size_t i = 8; i < r.out_len; i += 4999999)
        assert_int_equal(r.out[i], 'a' + (int)((i - 8) % 26));
    if (r.maxrss_kb > RSS_LIMIT_KB + 200 * 1024) /* the test keeps the 200 MB, not the child */
        fail_msg("peak RSS %ld KiB", r.maxrss_kb);
    cli_run_free(&r);

    /* Queue mode: records in completion order, bodies whole. */
    char *argv2[] = {"cofetch",
                     "--body",
                     "--mode",
                     "queue",
                     "-j",
                     "2",
                     cli_url("/bytes?n=150000000"),
                     cli_url("/bytes?n=30"),
                     NULL};
    memset(&r, 0, sizeof r);
    r.argv = argv2;
    r.discard_stdout = 1;
    assert_int_equal(cli_run(&r, 120), 0);
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 0);
    assert_int_equal(r.out_bytes, 150000030ULL);
    if (r.maxrss_kb > RSS_LIMIT_KB)
        fail_msg("peak RSS %ld KiB", r.maxrss_kb);
    cli_run_free(&r);
    /* No temporary file left behind. */
    DIR *d = opendir(cli_env.tmpdir);
    struct dirent *e;
    while ((e = readdir(d)))
        assert_null(strstr(e->d_name, "cofetch-body"));
    closedir(d);
}

static void test_chain_keeps_a_capped_head(void **state)
{
    char *argv[] = {"cofetch", "--jsonl", "--then", "{body}", cli_url("/bytes?n=300000000"), NULL};
    struct cli_run r;
    (void)state;

    /* Step 0's 300 MB body is not kept: only the head {body} needs (its first line, cut at
     * 8 KiB: here no URL, so step 1 fails on its own). */
    memset(&r, 0, sizeof r);
    r.argv = argv;
    assert_int_equal(cli_run(&r, 120), 0);
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 1);
    assert_non_null(strstr(r.out, "\"step\":0,\"ok\":true"));
    assert_non_null(strstr(r.out, "\"bytes\":300000000"));
    assert_non_null(strstr(r.out, "\"step\":1,\"ok\":false"));
    if (r.maxrss_kb > RSS_LIMIT_KB)
        fail_msg("peak RSS %ld KiB", r.maxrss_kb);
    cli_run_free(&r);
}

/* ---- -o and signals ---- */

static void test_output_dir_sigint_during_bodies(void **state)
{
    char dir[160];
    char *argv[40] = {
        "cofetch", "-o", dir, "-j", "20", "-w", "%{exitcode} %{filename_effective}\\n"};
    int argc = 7;
    struct cli_run r;
    (void)state;

    snprintf(dir, sizeof dir, "%s/out-sigint", cli_env.tmpdir);
    for (int i = 0; i < 5; i++)
        argv[argc++] = cli_url("/bytes?n=%d", 1000 + i);
    for (int i = 0; i < 10; i++)
        argv[argc++] = cli_url("/drip?n=400&interval=0.02&i=%d", i); /* 8 s each */
    argv[argc] = NULL;
    memset(&r, 0, sizeof r);
    r.argv = argv;
    r.sigint_after_lines = 5; /* the five whole bodies are out, the drips half-way */
    assert_int_equal(cli_run(&r, 60), 0);
    no_sanitizer_report(&r);
    assert_int_equal(r.code, 130);
    /* Only whole bodies under final names; no temporary or partial file. */
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    assert_non_null(d);
    while ((e = readdir(d))) {
        char path[512];
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        assert_true(e->d_name[0] != '.');
        assert_non_null(strstr(e->d_name, "_2Fbytes_3Fn_3D100"));
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_size, 1000 + atoi(strstr(e->d_name, "3D100") + 2) % 10);
        files++;
    }
    closedir(d);
    assert_int_equal(files, 5);
    assert_int_equal(count(r.out, "\n"), 15); /* every record, the cancelled ones too */
    cli_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_over_open_files_limit),
        cmocka_unit_test(test_gzip_bomb_stalls_nothing),
        cmocka_unit_test(test_body_streams_huge),
        cmocka_unit_test(test_body_stream_closed_stdout),
        cmocka_unit_test(test_body_waiting_its_turn_spills),
        cmocka_unit_test(test_chain_keeps_a_capped_head),
        cmocka_unit_test(test_output_dir_sigint_during_bodies),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

/*
 * test_e2e_slowdisk.c - a slow disk under some -o files holds up those fetches only.
 *
 * The shim tests/shim/slowdisk.c makes write, fsync, fdatasync and rename under one
 * directory sleep 300 ms each. A batch saves two 1 MB bodies there (16 block writes and
 * a rename each: some 5 s of disk) and fetches ten fast URLs one after another beside
 * them (-j 3): the fast ones are done in a fraction of the run, because the slow files'
 * writes and renames run on the thread pool while the loop goes on. When they ran on
 * the loop, each of them stopped every fetch for 300 ms, and the fast ones finished
 * after seconds, with the slow ones. The files are complete and in place when the run
 * ends, and an interrupt in the middle of a slow write leaves no temporary file. The
 * same for --journal: with the journal on the slow disk, fetches one after another
 * (-j 1) are not held up by its appends, and the journal is complete at the end.
 *
 * In a sanitized build the sanitizer's runtime is preloaded first, then the shim.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_proc.h"
#include "support.h"

enum { SLOW_BODY = 1000000, FAST = 10 };

static char slow_dir[300], log_path[300], preload[1024];

/* The sanitizer's runtime this test runs with, as the child must preload it (first). */
static void runtime_lib(char *out, size_t cap)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[1024];

    out[0] = '\0';
    while (f && fgets(line, sizeof line, f)) {
        char *p = strchr(line, '/');
        if (p && strstr(p, "/libasan.so")) {
            p[strcspn(p, "\n")] = '\0';
            snprintf(out, cap, "%s", p);
            break;
        }
    }
    if (f)
        fclose(f);
}

static int setup(void **state)
{
    char asan[512];
    (void)state;

    if (cli_env_setup("slowdisk"))
        return -1;
    snprintf(slow_dir, sizeof slow_dir, "%s/slow", cli_env.tmpdir);
    snprintf(log_path, sizeof log_path, "%s/stalls", cli_env.tmpdir);
    if (mkdir(slow_dir, 0755))
        return -1;
    runtime_lib(asan, sizeof asan);
    snprintf(preload, sizeof preload, "%s%s%s/tests/slowdisk.so", asan, asan[0] ? " " : "",
             CF_BINARY_DIR);
    return 0;
}

static void slow_on(void)
{
    unlink(log_path);
    setenv("LD_PRELOAD", preload, 1);
    setenv("SLOWDISK_DIR", slow_dir, 1);
    setenv("SLOWDISK_LOG", log_path, 1);
    setenv("SLOWDISK_MS", "300", 1);
}

static void slow_off(void)
{
    unsetenv("LD_PRELOAD");
    unsetenv("SLOWDISK_DIR");
    unsetenv("SLOWDISK_LOG");
    unsetenv("SLOWDISK_MS");
}

static long stalls(void)
{
    struct stat st;
    return stat(log_path, &st) == 0 ? (long)st.st_size : 0;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* The "end" of the record of input line `line` in JSON Lines output, or -1. */
static double record_end(const char *out, int line)
{
    char key[32];
    int n = snprintf(key, sizeof key, "\"line\":%d,", line);

    for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        const char *eol = strchr(p, '\n');
        const char *k = strstr(p, key);
        const char *e = strstr(p, "\"end\":");
        if (k && (!eol || k < eol) && e && (!eol || e < eol) && n > 0)
            return strtod(e + 6, NULL);
    }
    return -1;
}

static void slow_batch(const char *mode)
{
    char a[320], b[320];
    char *argv[10 + 2 + FAST + 1];
    struct cli_run r = {.argv = argv};
    int k = 0;
    double t0, wall, fast_end = 0;

    snprintf(a, sizeof a, "%s/%s-a", slow_dir, mode);
    snprintf(b, sizeof b, "%s/%s-b", slow_dir, mode);
    argv[k++] = "cofetch";
    argv[k++] = "--jsonl";
    argv[k++] = "--mode";
    argv[k++] = (char *)mode;
    argv[k++] = "-j";
    argv[k++] = "3";
    argv[k++] = "-o";
    argv[k++] = a;
    argv[k++] = "-o";
    argv[k++] = b;
    argv[k++] = cli_url("/bytes?n=%d", SLOW_BODY);
    argv[k++] = cli_url("/bytes?n=%d", SLOW_BODY);
    for (int i = 0; i < FAST; i++)
        argv[k++] = cli_url("/delay?s=0.05");
    argv[k] = NULL;

    slow_on();
    t0 = t_now();
    assert_int_equal(cli_run(&r, 120), 0);
    wall = t_now() - t0;
    slow_off();
    if (r.code != 0)
        fail_msg("--mode %s: exit %d\n%s", mode, r.code, r.err);
    /* The disk was slow: every block and rename of the two files stalled. */
    assert_true(stalls() >= 2 * (SLOW_BODY / (64 * 1024)));
    assert_true(wall > 3.0);
    /* The files are whole and in place once the run is over. */
    assert_int_equal(file_size(a), SLOW_BODY);
    assert_int_equal(file_size(b), SLOW_BODY);
    assert_int_equal(t_count_files(slow_dir), 2);
    for (int line = 3; line < 3 + FAST; line++) {
        double end = record_end(r.out, line);
        assert_true(end > 0);
        if (end > fast_end)
            fast_end = end;
    }
    if (fast_end >= wall / 3)
        fail_msg("--mode %s: the fast fetches ended at %.2f s of %.2f s", mode, fast_end, wall);
    unlink(a);
    unlink(b);
    cli_run_free(&r);
}

static void test_fast_fetches_beside_slow_files_gather(void **state)
{
    (void)state;
    slow_batch("gather");
}

static void test_fast_fetches_beside_slow_files_queue(void **state)
{
    (void)state;
    slow_batch("queue");
}

/* SIGINT while the slow files are being written: the run ends soon, with a record for
 * each line, and no temporary file is left in the directory. */
static void test_interrupt_during_slow_writes(void **state)
{
    char a[320];
    char *argv[] = {"cofetch",
                    "-w",
                    "%{urlnum} %{exitcode}\\n",
                    "-o",
                    a,
                    cli_url("/bytes?n=%d", 4 * SLOW_BODY),
                    cli_url("/delay?s=0.05"),
                    NULL};
    struct cli_run r = {.argv = argv, .signal_after = 1.0};
    double t0;
    (void)state;

    snprintf(a, sizeof a, "%s/cut", slow_dir);
    slow_on();
    t0 = t_now();
    assert_int_equal(cli_run(&r, 60), 0);
    slow_off();
    assert_int_equal(r.code, 130);
    assert_true(t_now() - t0 < 10); /* the whole body would be 20 s of disk */
    assert_non_null(strstr(r.out, "1 0\n"));
    assert_int_equal(t_count_files(slow_dir), 0);
    cli_run_free(&r);
}

/* --journal on the slow disk: each output flush appends to it (a 300 ms stall each). */
enum { JOURNALED = 15 };

static void test_journal_on_slow_disk(void **state)
{
    char journal[320];
    char *argv[7 + JOURNALED + 1];
    struct cli_run r = {.argv = argv}, again = {.argv = argv};
    double last = 0;
    int k = 0;
    (void)state;

    snprintf(journal, sizeof journal, "%s/journal", slow_dir);
    argv[k++] = "cofetch";
    argv[k++] = "--jsonl";
    argv[k++] = "-j";
    argv[k++] = "1";
    argv[k++] = "--journal";
    argv[k++] = journal;
    for (int i = 0; i < JOURNALED; i++)
        argv[k++] = cli_url("/delay?s=0.05&i=%d", i);
    argv[k] = NULL;

    slow_on();
    assert_int_equal(cli_run(&r, 120), 0);
    slow_off();
    if (r.code != 0)
        fail_msg("exit %d\n%s", r.code, r.err);
    assert_true(stalls() >= 2); /* an append at least, and the sync at the close */
    for (int line = 1; line <= JOURNALED; line++) {
        double end = record_end(r.out, line);
        assert_true(end > 0);
        if (end > last)
            last = end;
    }
    /* One after another, 0.05 s each; an append on the loop made each take 0.35 s. */
    if (last >= 2.0)
        fail_msg("the last fetch ended at %.2f s", last);
    /* Every line was journaled: the same command again fetches nothing. */
    assert_int_equal(cli_run(&again, 60), 0);
    assert_int_equal(again.code, 0);
    assert_string_equal(again.out, "");
    assert_non_null(strstr(again.err, "skipped 15 lines already done"));
    unlink(journal);
    cli_run_free(&r);
    cli_run_free(&again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fast_fetches_beside_slow_files_gather),
        cmocka_unit_test(test_fast_fetches_beside_slow_files_queue),
        cmocka_unit_test(test_interrupt_during_slow_writes),
        cmocka_unit_test(test_journal_on_slow_disk),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

/*
 * test_e2e_lossless.c - nothing lost, nothing doubled: the built binary over a list of
 * 200 mixed lines (successes, 500s, connection resets, timeouts, retries, bad lines,
 * with comments and blank lines between), in every mode, with --fail-fast and with
 * SIGINT; then --journal resume after an interrupted 1,000-URL run.
 *
 * The rule checked (--jsonl): every counted input line (not blank, not a comment) that the
 * run took yields exactly one record, or in chain mode one record per step it reached
 * (steps 0..k, the chain ending at its first failure or at the last --then). A run that
 * ends normally takes every line; one stopped early (--fail-fast, SIGINT) takes a prefix
 * of the input, since every mode reads its input in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_proc.h"
#include "support.h"

enum { NLINES = 200, MAXLINE = 4096, MAXSTEP = 4 };

static char list_path[128];
static unsigned long counted[NLINES]; /* file line numbers of the counted lines */
static int expect_ok[NLINES];         /* without -f: expected to succeed (info only) */
static unsigned runid;

static int setup(void **state)
{
    (void)state;
    if (cli_env_setup("lossless"))
        return -1;
    snprintf(list_path, sizeof list_path, "%s/list", cli_env.tmpdir);
    return 0;
}

/* Writes the 200-line mixed list (with comments and blanks between) and fills counted[].
 * Retry ids are unique per call, so the server's /retry counters start afresh. */
static void write_list(const char *path)
{
    FILE *f = fopen(path, "w");
    unsigned long fileline = 0;
    unsigned id = ++runid;

    assert_non_null(f);
    for (int i = 0; i < NLINES; i++) {
        if (i % 37 == 5) {
            fprintf(f, "# comment %d\n", i);
            fileline++;
        }
        if (i % 53 == 7) {
            fprintf(f, "   \n");
            fileline++;
        }
        expect_ok[i] = 0;
        if (i == 13 || i == 77 || i == 141 || i == 199)
            fprintf(f, "%s/delay?s=6&i=%d\n", cli_env.srv.url, i); /* -m: times out */
        else
            switch (i % 10) {
            case 6: fprintf(f, "%s/status/500?i=%d\n", cli_env.srv.url, i); break;
            case 7: fprintf(f, "%s/reset?n=10&i=%d\n", cli_env.srv.url, i); break;
            case 8:
                if (i % 20 == 8)
                    fprintf(f, "not a url %d\n", i);
                else
                    fprintf(f, "ftp://127.0.0.1/%d\n", i);
                break;
            case 9:
                fprintf(f, "%s/retry?fail=1&after=0&id=lossless-%d-%u-%d\n", cli_env.srv.url,
                        (int)getpid(), id, i);
                break;
            default:
                fprintf(f, "%s/delay?s=0.02&i=%d\n", cli_env.srv.url, i);
                expect_ok[i] = 1;
                break;
            }
        counted[i] = ++fileline;
    }
    assert_int_equal(fclose(f), 0);
}

struct seen {
    int n[NLINES][MAXSTEP];
    int ok[NLINES][MAXSTEP];
    int records;
};

static int index_of_line(unsigned long line)
{
    for (int i = 0; i < NLINES; i++)
        if (counted[i] == line)
            return i;
    return -1;
}

/* Parses the JSON Lines output into s; fails the test on a record of an unknown line. */
static void parse(const char *out, struct seen *s)
{
    memset(s, 0, sizeof *s);
    for (const char *p = out; *p;) {
        const char *nl = strchr(p, '\n');
        const char *in = strstr(p, "\"input\":");
        const char *ln;
        const char *st;
        unsigned long line;
        int step = 0, idx;
        assert_non_null(nl);
        assert_true(in && in < nl);
        ln = strstr(in, ",\"line\":");
        assert_true(ln && ln < nl);
        line = strtoul(ln + 8, NULL, 10);
        st = strstr(in, ",\"step\":");
        if (st && st < nl)
            step = atoi(st + 8);
        idx = index_of_line(line);
        if (idx < 0)
            fail_msg("a record for line %lu, which is no counted line", line);
        assert_true(step >= 0 && step < MAXSTEP);
        s->n[idx][step]++;
        if (strstr(in, "\"ok\":true") && strstr(in, "\"ok\":true") < nl)
            s->ok[idx][step]++;
        s->records++;
        p = nl + 1;
    }
}

/*
 * Checks the rule. steps: records a full chain has (1 outside chain mode). prefix: the
 * run may have stopped early (only a prefix of the lines taken). Returns the lines taken.
 */
static int check(const char *what, const char *out, int steps, int prefix)
{
    struct seen s;
    int taken = 0, ended = 0;

    parse(out, &s);
    for (int i = 0; i < NLINES; i++) {
        int have = 0;
        for (int k = 0; k < MAXSTEP; k++) {
            if (s.n[i][k] > 1)
                fail_msg("%s: line %lu step %d has %d records", what, counted[i], k, s.n[i][k]);
            have += s.n[i][k];
        }
        if (!have) {
            if (!prefix)
                fail_msg("%s: line %lu has no record", what, counted[i]);
            ended = 1;
            continue;
        }
        if (ended)
            fail_msg("%s: line %lu has a record after a line without one", what, counted[i]);
        taken++;
        /* Steps 0..k, each once; a chain goes on only after a success. */
        for (int k = 0; k < have; k++)
            if (s.n[i][k] != 1)
                fail_msg("%s: line %lu: step %d missing", what, counted[i], k);
        if (have > steps)
            fail_msg("%s: line %lu: %d steps", what, counted[i], have);
        for (int k = 0; k + 1 < have; k++)
            if (!s.ok[i][k])
                fail_msg("%s: line %lu: step %d failed yet step %d ran", what, counted[i], k,
                         k + 1);
        if (!prefix && have < steps && s.ok[i][have - 1])
            fail_msg("%s: line %lu: chain ended after a success at step %d", what, counted[i],
                     have - 1);
    }
    return taken;
}

/* Runs cofetch -i list --jsonl -m 1.5 EXTRA... (extra: NULL-terminated). */
static void run_argv(struct cli_run *r, unsigned long sigint_after, const char *const *extra)
{
    char *argv[48] = {"cofetch", "-i", list_path, "--jsonl", "-m", "1.5"};
    int argc = 6;

    for (; *extra && argc < 47; extra++)
        argv[argc++] = (char *)*extra;
    argv[argc] = NULL;
    memset(r, 0, sizeof *r);
    r->argv = argv;
    r->sigint_after_lines = sigint_after;
    assert_int_equal(cli_run(r, 120), 0);
    if (strstr(r->err, "Sanitizer"))
        fail_msg("sanitizer report:\n%s", r->err);
}

static void run_list(struct cli_run *r, unsigned long sigint_after, const char *first, ...)
{
    const char *extra[40];
    int n = 0;
    va_list ap;

    va_start(ap, first);
    for (const char *a = first; a && n < 39; a = va_arg(ap, const char *))
        extra[n++] = a;
    va_end(ap);
    extra[n] = NULL;
    run_argv(r, sigint_after, extra);
}

static void scenario(const char *what, int want_code, int steps, int prefix,
                     unsigned long sigint_after, const char *first, ...)
{
    const char *extra[40];
    int n = 0;
    va_list ap;
    struct cli_run r;

    write_list(list_path);
    va_start(ap, first);
    for (const char *a = first; a && n < 39; a = va_arg(ap, const char *))
        extra[n++] = a;
    va_end(ap);
    extra[n] = NULL;
    run_argv(&r, sigint_after, extra);
    if (r.code != want_code)
        fail_msg("%s: exit %d, expected %d\nstderr: %s", what, r.code, want_code, r.err);
    int taken = check(what, r.out, steps, prefix);
    if (prefix)
        assert_true(taken >= 1);
    else
        assert_int_equal(taken, NLINES);
    cli_run_free(&r);
}

static void test_every_mode_with_faults(void **state)
{
    (void)state;
    scenario("gather", 1, 1, 0, 0, "-j", "20", NULL);
    scenario("gather -f --retry", 1, 1, 0, 0, "-j", "20", "-f", "--retry", "2", "--retry-delay",
             "0.05", NULL);
    scenario("queue", 1, 1, 0, 0, "--mode", "queue", "-j", "20", NULL);
    scenario("queue -f --retry", 1, 1, 0, 0, "--mode", "queue", "-j", "20", "-f", "--retry", "2",
             "--retry-delay", "0.05", NULL);
    scenario("sync", 1, 1, 0, 0, "--sync", "-m", "0.5", NULL);
    scenario("chain", 1, 3, 0, 0, "-j", "20", "-f", "--then", "{url}", "--then", "{effective_url}",
             NULL);
    scenario("gather -j 0", 1, 1, 0, 0, "-j", "0", NULL);
}

static void test_retry_no_double(void **state)
{
    struct seen s;
    struct cli_run r;
    (void)state;
    /* Every /retry line succeeds on its second attempt and gives exactly one record. */
    write_list(list_path);
    run_list(&r, 0, "-j", "20", "--retry", "1", "--retry-delay", "0.05", NULL);
    parse(r.out, &s);
    for (int i = 0; i < NLINES; i++)
        if (i % 10 == 9 && i != 199) {
            assert_int_equal(s.n[i][0], 1);
            assert_int_equal(s.ok[i][0], 1);
        }
    assert_int_equal(check("retry", r.out, 1, 0), NLINES);
    cli_run_free(&r);
}

static void test_fail_fast(void **state)
{
    (void)state;
    scenario("gather --fail-fast", 1, 1, 1, 0, "-j", "20", "-f", "--fail-fast", NULL);
    scenario("queue --fail-fast", 1, 1, 1, 0, "--mode", "queue", "-j", "20", "-f", "--fail-fast",
             NULL);
    scenario("sync --fail-fast", 1, 1, 1, 0, "--sync", "-f", "--fail-fast", NULL);
    scenario("chain --fail-fast", 1, 2, 1, 0, "-j", "20", "-f", "--fail-fast", "--then", "{url}",
             NULL);
}

static void test_sigint(void **state)
{
    (void)state;
    /* Interrupted after some records are out: what was taken still yields its records. */
    scenario("gather SIGINT", 130, 1, 1, 30, "-j", "4", NULL);
    scenario("queue SIGINT", 130, 1, 1, 30, "--mode", "queue", "-j", "4", NULL);
    scenario("sync SIGINT", 130, 1, 1, 30, "--sync", NULL);
    scenario("chain SIGINT", 130, 2, 1, 30, "-j", "4", "--then", "{url}", NULL);
}

/* ---- --journal: resume ---- */

enum { NRESUME = 1000 };

static unsigned long count_records(const char *out)
{
    unsigned long n = 0;
    for (const char *p = out; (p = strchr(p, '\n')); p++)
        n++;
    return n;
}

/* The resume tests' first and second runs: `name`-list of NRESUME lines of
 * /delay?s=DELAY, an empty `name`-journal, `signal` when half the records are out, then
 * the same command again. r1 and r2 receive the two runs. */
static void resume_runs(const char *name, const char *delay, int signal, struct cli_run *r1,
                        struct cli_run *r2)
{
    static char list[128], journal[128];
    static char *argv[] = {"cofetch", "-i",        list,    "--jsonl", "-j",
                           "20",      "--journal", journal, NULL};
    FILE *f;

    snprintf(list, sizeof list, "%s/%s-list", cli_env.tmpdir, name);
    snprintf(journal, sizeof journal, "%s/%s-journal", cli_env.tmpdir, name);
    unlink(journal);
    f = fopen(list, "w");
    assert_non_null(f);
    for (int i = 0; i < NRESUME; i++)
        fprintf(f, "%s/delay?s=%s&i=%d\n", cli_env.srv.url, delay, i);
    fclose(f);
    *r1 = (struct cli_run){.argv = argv, .sigint_after_lines = NRESUME / 2, .signal = signal};
    assert_int_equal(cli_run(r1, 120), 0);
    assert_int_equal(r1->code, 128 + signal);
    *r2 = (struct cli_run){.argv = argv};
    assert_int_equal(cli_run(r2, 120), 0);
    assert_int_equal(r2->code, 0);
}

static void test_resume_after_sigint(void **state)
{
    static int ok_count[NRESUME];
    struct cli_run r1, r2;
    (void)state;

    memset(ok_count, 0, sizeof ok_count);
    /* SIGINT when about half the records are out (exit 130), then the same command. */
    resume_runs("resume", "0.05", SIGINT, &r1, &r2);
    assert_non_null(strstr(r2.err, "--journal: skipped"));

    for (int run = 0; run < 2; run++) {
        const char *p = run ? r2.out : r1.out;
        unsigned long n = 0;
        for (; *p; p = strchr(p, '\n') + 1) {
            const char *u = strstr(p, "&i=");
            const char *nl = strchr(p, '\n');
            assert_true(u && u < nl);
            int i = atoi(u + 3);
            assert_true(i >= 0 && i < NRESUME);
            const char *ok = strstr(p, "\"ok\":true");
            if (ok && ok < nl)
                ok_count[i]++;
            n++;
        }
        if (run == 0)
            assert_true(n >= NRESUME / 2 && n < NRESUME); /* it was stopped midway */
    }
    for (int i = 0; i < NRESUME; i++)
        if (ok_count[i] != 1)
            fail_msg("URL %d: %d ok records over both runs", i, ok_count[i]);
    /* README's recipe appends both runs' output: exactly one record per line, since with
     * a journal a line cut off by Ctrl-C has no record (the rerun does it). */
    assert_int_equal(count_records(r1.out) + count_records(r2.out), NRESUME);
    assert_null(strstr(r1.out, "\"ok\":false"));

    /* A third run has nothing left to do. */
    cli_run_free(&r1);
    r1 = (struct cli_run){.argv = r2.argv};
    assert_int_equal(cli_run(&r1, 60), 0);
    assert_int_equal(r1.code, 0);
    assert_string_equal(r1.out, "");
    assert_non_null(strstr(r1.err, "skipped 1000 lines"));
    cli_run_free(&r1);
    cli_run_free(&r2);
}

/* SIGKILL mid-run (no chance to flush at exit), then the same command: no line is lost,
 * and what the second run redoes is at most what the first wrote to stdout in its last
 * write (the journal follows each write: at most 64 KiB of records). It used to redo up
 * to a second's worth of records. */
static void test_resume_after_sigkill(void **state)
{
    static int ok_count[NRESUME];
    static size_t rec_len[NRESUME];
    struct cli_run r1, r2;
    size_t redone_bytes = 0, redone = 0;
    (void)state;

    memset(ok_count, 0, sizeof ok_count);
    resume_runs("kill9", "0.02", SIGKILL, &r1, &r2);

    for (int run = 0; run < 2; run++) {
        const char *p = run ? r2.out : r1.out;
        const char *nl;
        for (; *p && (nl = strchr(p, '\n')); p = nl + 1) {
            const char *u = strstr(p, "&i=");
            assert_true(u && u < nl);
            int i = atoi(u + 3);
            assert_true(i >= 0 && i < NRESUME);
            if (++ok_count[i] == 2) {
                redone++;
                redone_bytes += rec_len[i];
            }
            rec_len[i] = (size_t)(nl + 1 - p);
        }
    }
    for (int i = 0; i < NRESUME; i++)
        if (ok_count[i] < 1)
            fail_msg("URL %d: no record in either run (lost)", i);
    if (redone_bytes > 64 * 1024 + 4096)
        fail_msg("%zu records (%zu bytes) redone: more than one write's worth", redone,
                 redone_bytes);
    cli_run_free(&r1);
    cli_run_free(&r2);
}

static void test_resume_failed_and_duplicates(void **state)
{
    char list[128], journal[128], text[2048];
    char *argv[] = {"cofetch", "-i",        list,    "-w", "%{line} %{exitcode}\\n",
                    "-f",      "--journal", journal, NULL, NULL};
    struct cli_run r;
    FILE *f;
    (void)state;

    snprintf(list, sizeof list, "%s/dup-list", cli_env.tmpdir);
    snprintf(journal, sizeof journal, "%s/dup-journal", cli_env.tmpdir);
    unlink(journal);
    f = fopen(list, "w");
    assert_non_null(f);
    /* The same URL on two lines (two entries, one identity); a failure; a bad line. */
    fprintf(f, "%s/bytes?n=1\n%s/bytes?n=1\n%s/status/500\nnot a url\n", cli_env.srv.url,
            cli_env.srv.url, cli_env.srv.url);
    fclose(f);
    memset(&r, 0, sizeof r);
    r.argv = argv;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 1);
    assert_int_equal(strncmp(r.out, "1 0\n2 0\n3 ", 10), 0);
    cli_run_free(&r);
    /* Rerun: all four are done (failed ones count as finished). */
    memset(&r, 0, sizeof r);
    r.argv = argv;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "");
    cli_run_free(&r);
    /* --retry-failed: the two failures again, not the successes. */
    argv[8] = "--retry-failed";
    memset(&r, 0, sizeof r);
    r.argv = argv;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 1);
    assert_int_equal(strncmp(r.out, "3 ", 2), 0);
    assert_non_null(strstr(r.out, "\n4 "));
    assert_null(strstr(r.out, "1 0"));
    cli_run_free(&r);
    /* The journal: a header, then one entry per line per run that finished it. */
    f = fopen(journal, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_int_equal(strncmp(text, "# cofetch journal v2", 20), 0);
    assert_non_null(strstr(text, "\nok\t"));
    assert_non_null(strstr(text, "\t1\thttp://"));
    assert_non_null(strstr(text, "\t2\thttp://"));
    assert_non_null(strstr(text, "failed\t"));
    assert_non_null(strstr(text, "\t4\tnot a url\n"));
}

static void test_journal_torn_line(void **state)
{
    char list[128], journal[128];
    char *argv[] = {"cofetch", "-i", list, "-w", "%{line}\\n", "--journal", journal, NULL};
    struct cli_run r;
    FILE *f;
    (void)state;

    snprintf(list, sizeof list, "%s/torn-list", cli_env.tmpdir);
    snprintf(journal, sizeof journal, "%s/torn-journal", cli_env.tmpdir);
    f = fopen(list, "w");
    fprintf(f, "%s/bytes?n=1\n%s/bytes?n=2\n", cli_env.srv.url, cli_env.srv.url);
    fclose(f);
    /* Line 1 done; line 2's entry torn by a crash mid-write: not taken for done. */
    f = fopen(journal, "w");
    fprintf(f, "ok\t%s\t1\t%s/bytes?n=1\nok\t%s\t2\t%s/bytes?n=", list, cli_env.srv.url, list,
            cli_env.srv.url);
    fclose(f);
    memset(&r, 0, sizeof r);
    r.argv = argv;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 0);
    assert_string_equal(r.out, "2\n");
    cli_run_free(&r);
    /* The torn line was ended: the new entry is on a line of its own. */
    memset(&r, 0, sizeof r);
    r.argv = argv;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_string_equal(r.out, "");
    cli_run_free(&r);
}

/* Entries reach the file within about a second of their records, without waiting for the
 * end: a run killed outright (no chance to flush at exit) still leaves them. */
static void test_journal_flushed_while_running(void **state)
{
    char list[128], journal[128], text[4096];
    char *argv[] = {"cofetch", "-i", list, "-w", "%{line}\\n", "--journal", journal, NULL};
    struct cli_run r;
    FILE *f;
    (void)state;

    snprintf(list, sizeof list, "%s/kill-list", cli_env.tmpdir);
    snprintf(journal, sizeof journal, "%s/kill-journal", cli_env.tmpdir);
    unlink(journal);
    f = fopen(list, "w");
    for (int i = 0; i < 5; i++)
        fprintf(f, "%s/bytes?n=%d\n", cli_env.srv.url, i + 1);
    fprintf(f, "%s/delay?s=30\n", cli_env.srv.url);
    fclose(f);
    memset(&r, 0, sizeof r);
    r.argv = argv;
    r.sigint_after_lines = 5;
    r.signal = SIGKILL;
    r.signal_delay = 2.5;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 128 + SIGKILL);
    assert_string_equal(r.out, "1\n2\n3\n4\n5\n");
    f = fopen(journal, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    for (int i = 1; i <= 5; i++) {
        char want[160];
        snprintf(want, sizeof want, "\t%d\t%s/bytes?n=%d\n", i, cli_env.srv.url, i);
        assert_non_null(strstr(text, want));
    }
    assert_null(strstr(text, "delay")); /* in flight: not journaled */
    cli_run_free(&r);
    /* The rerun does only the one in flight (cut short here with -m). */
    char *argv2[] = {"cofetch",   "-i",    list, "-w",  "%{line}\\n",
                     "--journal", journal, "-m", "0.5", NULL};
    memset(&r, 0, sizeof r);
    r.argv = argv2;
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 1);
    assert_string_equal(r.out, "6\n");
    cli_run_free(&r);
}

/* ---- write errors lose nothing silently ---- */

/* Journal entries ("ok\tIDENTITY\tSRC\tLINE\tURL"), counted; each journaled line number must have a
 * whole record (a line ending in '\n' with "line":N) in out. Returns the entries. */
static int journaled_lines_have_records(const char *journal_text, const char *out)
{
    int entries = 0;
    for (const char *p = journal_text; *p;) {
        const char *nl = strchr(p, '\n');
        if (!nl)
            break;
        if (strncmp(p, "ok\t", 3) == 0 || strncmp(p, "failed\t", 7) == 0) {
            const char *t = strchr(p, '\t') + 1;
            unsigned long line;
            char want[48];
            t = strchr(t, '\t') + 1; /* past the identity */
            t = strchr(t, '\t') + 1; /* and the source */
            line = strtoul(t, NULL, 10);
            snprintf(want, sizeof want, ",\"line\":%lu,", line);
            const char *rec = strstr(out, want);
            if (!rec || !strchr(rec, '\n'))
                fail_msg("line %lu is journaled but its record is not whole in the output", line);
            entries++;
        }
        p = nl + 1;
    }
    return entries;
}

/* A full disk under stdout is an error, named, exit 3, and nothing is journaled: a rerun
 * fetches both lines again. (It was taken for a closed pipe: exit 0, both journaled.) */
static void test_stdout_full(void **state)
{
    char journal[128];
    char *argv[] = {"cofetch",
                    "-s",
                    "--jsonl",
                    "--journal",
                    journal,
                    cli_url("/bytes?n=3"),
                    cli_url("/bytes?n=4"),
                    NULL};
    struct cli_run r = {.argv = argv, .stdout_file = "/dev/full"};
    char *text;
    (void)state;

    snprintf(journal, sizeof journal, "%s/full-journal", cli_env.tmpdir);
    unlink(journal);
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 3);
    assert_non_null(strstr(r.err, "cofetch: writing to stdout: No space left on device"));
    text = t_slurp(journal, NULL);
    assert_non_null(text);
    assert_int_equal(journaled_lines_have_records(text, ""), 0);
    assert_null(strstr(text, "bytes?n="));
    free(text);
    cli_run_free(&r);
}

/* stdout a file that cannot grow past 20,000 bytes (RLIMIT_FSIZE: a disk filling up
 * mid-run), 600 lines: the run stops at the failed write with exit 3, and every line the
 * journal holds has its record whole in the file; the rerun writes the rest. */
static void test_stdout_fills_up(void **state)
{
    char list[128], journal[128], outfile[128];
    char *argv[] = {"cofetch", "-s", "--jsonl", "-j", "20", "--journal", journal, "-i", list, NULL};
    struct cli_run r = {.argv = argv, .stdout_file = outfile, .fsize = 20000};
    char *text, *out;
    int entries;
    FILE *f;
    (void)state;

    snprintf(list, sizeof list, "%s/fill-list", cli_env.tmpdir);
    snprintf(journal, sizeof journal, "%s/fill-journal", cli_env.tmpdir);
    snprintf(outfile, sizeof outfile, "%s/fill-out", cli_env.tmpdir);
    unlink(journal);
    f = fopen(list, "w");
    assert_non_null(f);
    for (int i = 0; i < 600; i++) /* distinct requests: the journal keys on identity */
        fprintf(f, "%s/bytes?n=%d&i=%d\n", cli_env.srv.url, i % 50, i);
    fclose(f);
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 3);
    assert_non_null(strstr(r.err, "cofetch: writing to stdout: File too large"));
    text = t_slurp(journal, NULL);
    assert_non_null(text);
    out = t_slurp(outfile, NULL);
    assert_non_null(out);
    entries = journaled_lines_have_records(text, out);
    assert_true(entries > 0 && entries < 600);
    free(text);
    free(out);
    cli_run_free(&r);

    /* The rerun, to a pipe: exactly the lines not journaled. */
    struct cli_run again = {.argv = argv};
    assert_int_equal(cli_run(&again, 60), 0);
    assert_int_equal(again.code, 0);
    unsigned long records = 0;
    for (const char *p = again.out; (p = strchr(p, '\n')); p++)
        records++;
    assert_int_equal(records, 600 - (unsigned long)entries);
    cli_run_free(&again);
}

/* A journal that cannot be written (its file past RLIMIT_FSIZE) is reported and the exit
 * status is 3; the records still reach stdout. (Exit 0 before; SIGXFSZ killed it here.) */
static void test_journal_write_error(void **state)
{
    char list[128], journal[128];
    char *argv[] = {"cofetch", "-s", "-w", "%{line}\\n", "--journal", journal, "-i", list, NULL};
    struct cli_run r = {.argv = argv, .fsize = 400};
    FILE *f;
    (void)state;

    snprintf(list, sizeof list, "%s/jerr-list", cli_env.tmpdir);
    snprintf(journal, sizeof journal, "%s/jerr-journal", cli_env.tmpdir);
    unlink(journal);
    f = fopen(list, "w");
    assert_non_null(f);
    for (int i = 0; i < 40; i++)
        fprintf(f, "%s/bytes?n=%d\n", cli_env.srv.url, i);
    fclose(f);
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 3);
    assert_non_null(strstr(r.err, "cofetch: writing the journal"));
    assert_non_null(strstr(r.out, "\n40\n"));
    cli_run_free(&r);
}

/* Started with stdout closed, cofetch does not hand descriptor 1 to the journal (which
 * then received the JSON records): the write to stdout fails, is named, exit 3. */
static void test_stdout_closed(void **state)
{
    char journal[128];
    char *argv[] = {"cofetch", "-s", "--jsonl", "--journal", journal, cli_url("/bytes?n=3"), NULL};
    struct cli_run r = {.argv = argv, .close_stdout = 1};
    char *text;
    (void)state;

    snprintf(journal, sizeof journal, "%s/closed-journal", cli_env.tmpdir);
    unlink(journal);
    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 3);
    assert_non_null(strstr(r.err, "cofetch: writing to stdout: Bad file descriptor"));
    text = t_slurp(journal, NULL);
    assert_non_null(text);
    assert_null(strchr(text, '{'));
    assert_null(strstr(text, "bytes?n=3"));
    free(text);
    cli_run_free(&r);
}

/* ---- signals and a second run ---- */

/* SIGHUP (the terminal closed) stops the run as SIGTERM does: exit 130, and every line
 * taken has its record (the one in flight "cancelled"). It used to kill the process:
 * exit 129, no record for what was in flight, no summary. */
static void test_sighup(void **state)
{
    char *argv[] = {"cofetch",
                    "--jsonl",
                    "--summary",
                    cli_url("/bytes?n=1"),
                    cli_url("/bytes?n=2"),
                    cli_url("/delay?s=30"),
                    NULL};
    struct cli_run r = {
        .argv = argv, .sigint_after_lines = 2, .signal = SIGHUP, .signal_delay = 0.3};
    (void)state;

    assert_int_equal(cli_run(&r, 60), 0);
    assert_int_equal(r.code, 130);
    unsigned long records = 0;
    for (const char *p = r.out; (p = strchr(p, '\n')); p++)
        records++;
    assert_int_equal(records, 3);
    assert_non_null(strstr(r.out, "\"error\":\"interrupted\""));
    assert_non_null(strstr(r.err, "fetched 2"));
    cli_run_free(&r);
}

/* Input that needs no fetch (an endless line: /dev/zero) still hears Ctrl-C. */
static void test_sigint_while_reading(void **state)
{
    char *argv[] = {"cofetch", "-s", "-i", "/dev/zero", NULL};
    struct cli_run r = {.argv = argv, .signal_after = 0.5};
    double t0 = t_now();
    (void)state;

    assert_int_equal(cli_run(&r, 30), 0);
    assert_int_equal(r.code, 130);
    assert_true(t_now() - t0 < 10);
    cli_run_free(&r);
}

/* Two runs on one journal: the second is refused at once (exit 3) and fetches nothing. */
static void test_journal_locked(void **state)
{
    char journal[128];
    char *first[] = {"cofetch", "-s", "--journal", journal, cli_url("/delay?s=30"), NULL};
    char *second[] = {"cofetch", "-s", "--journal", journal, cli_url("/bytes?n=5"), NULL};
    struct cli_run r1 = {.argv = first}, r2 = {.argv = second};
    struct cli_proc p1;
    (void)state;

    snprintf(journal, sizeof journal, "%s/locked-journal", cli_env.tmpdir);
    unlink(journal);
    assert_int_equal(cli_spawn(&p1, &r1), 0);
    usleep(300 * 1000); /* the first has opened its journal */
    assert_int_equal(cli_run(&r2, 30), 0);
    assert_int_equal(r2.code, 3);
    assert_non_null(strstr(r2.err, "is in use by another cofetch"));
    assert_string_equal(r2.out, "");
    kill(p1.pid, SIGINT);
    assert_int_equal(cli_wait(&r1, &p1, 30), 0);
    assert_int_equal(r1.code, 130);
    cli_run_free(&r1);
    cli_run_free(&r2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_mode_with_faults),
        cmocka_unit_test(test_retry_no_double),
        cmocka_unit_test(test_fail_fast),
        cmocka_unit_test(test_sigint),
        cmocka_unit_test(test_resume_after_sigint),
        cmocka_unit_test(test_resume_after_sigkill),
        cmocka_unit_test(test_resume_failed_and_duplicates),
        cmocka_unit_test(test_journal_torn_line),
        cmocka_unit_test(test_journal_flushed_while_running),
        cmocka_unit_test(test_stdout_full),
        cmocka_unit_test(test_stdout_fills_up),
        cmocka_unit_test(test_journal_write_error),
        cmocka_unit_test(test_stdout_closed),
        cmocka_unit_test(test_sighup),
        cmocka_unit_test(test_sigint_while_reading),
        cmocka_unit_test(test_journal_locked),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

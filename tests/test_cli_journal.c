/*
 * test_cli_journal.c - --journal: the key of a line, reading back what was written (torn
 * last line, "ok" winning over "failed", --retry-failed), comments, escapes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "base/strbuf.h"
#include "input/journal.h"

static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/cofetch-journal-XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *read_file(void)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void test_key_escapes(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    (void)state;
    assert_int_equal(journal_key(&sb, "list", 7, "http://h/a\tb\\c\x01\x7f\xc3\xa9", 18), 0);
    assert_string_equal(sb_cstr(&sb), "list\t7\thttp://h/a\\x09b\\x5cc\\x01\\x7f\xc3\xa9");
    sb_reset(&sb);
    /* A NUL byte in a (bad) line is escaped too. */
    assert_int_equal(journal_key(&sb, NULL, 1, "a\0b", 3), 0);
    assert_string_equal(sb_cstr(&sb), "?\t1\ta\\x00b");
    /* A source name (a file name) with a newline or a backslash in it. */
    sb_reset(&sb);
    assert_int_equal(journal_key(&sb, "my\nlist\\x", 2, "u", 1), 0);
    assert_string_equal(sb_cstr(&sb), "my\\x0alist\\x5cx\t2\tu");
    sb_free(&sb);
}

static void test_round_trip(void **state)
{
    struct journal *j;
    (void)state;
    write_file("");
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_false(journal_skip(j, "l", 1, "http://h/1", 10));
    journal_add(j, 0, 1, "l", 1, "http://h/1", 10);
    journal_add(j, 0, 0, "l", 2, "http://h/2", 10);
    journal_add(j, 0, 1, "l", 3, "a\tb", 3);
    assert_true(journal_pending(j) > 0);
    assert_int_equal(journal_flush(j, 0), 0);
    assert_int_equal(journal_pending(j), 0);
    journal_close(j);
    assert_int_equal(strncmp(read_file(), "# cofetch journal v1", 20), 0);
    assert_non_null(strstr(read_file(), "\nok\tl\t1\thttp://h/1\nfailed\tl\t2\thttp://h/2\n"));

    /* Done: ok ones always, failed ones unless --retry-failed; keys are exact. */
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_true(journal_skip(j, "l", 1, "http://h/1", 10));
    assert_true(journal_skip(j, "l", 2, "http://h/2", 10));
    assert_true(journal_skip(j, "l", 3, "a\tb", 3));
    assert_false(journal_skip(j, "l", 4, "http://h/1", 10)); /* same URL, other line */
    assert_false(journal_skip(j, "m", 1, "http://h/1", 10)); /* other source */
    assert_false(journal_skip(j, "l", 1, "http://h/11", 11));
    assert_int_equal(journal_skipped(j), 3);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    assert_true(journal_skip(j, "l", 1, "http://h/1", 10));
    assert_false(journal_skip(j, "l", 2, "http://h/2", 10));
    /* A source whose name holds a newline resumes like any other. */
    journal_add(j, 0, 1, "odd\nname", 7, "http://h/7", 10);
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    assert_true(journal_skip(j, "odd\nname", 7, "http://h/7", 10));
    assert_false(journal_skip(j, "odd", 7, "http://h/7", 10));
    /* A later "ok" for the failed line wins. */
    journal_add(j, 0, 1, "l", 2, "http://h/2", 10);
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    assert_true(journal_skip(j, "l", 2, "http://h/2", 10));
    journal_close(j);
}

static void test_torn_and_junk_lines(void **state)
{
    struct journal *j;
    (void)state;
    write_file("# c\nok\tl\t1\tu1\nbogus\tl\t2\tu2\nok-no-tabs\n\nfailed\tl\t3\tu3\nok\tl\t4\tu");
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_true(journal_skip(j, "l", 1, "u1", 2));
    assert_false(journal_skip(j, "l", 2, "u2", 2));
    assert_true(journal_skip(j, "l", 3, "u3", 2));
    assert_false(journal_skip(j, "l", 4, "u", 1)); /* torn: no newline */
    journal_add(j, 0, 1, "l", 5, "u5", 2);
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    /* The torn line was ended before the new entry. */
    assert_non_null(strstr(read_file(), "\tu\nok\tl\t5\tu5\n"));
    assert_null(strstr(read_file(), "# cofetch")); /* no header into an existing file */
}

static void test_many_entries(void **state)
{
    struct journal *j;
    char url[64];
    (void)state;
    write_file("");
    assert_int_equal(journal_open(&j, path, 0), 0);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(url, sizeof url, "http://h/%d", i);
        journal_add(j, 0, i % 3 != 0, "l", (unsigned long)i + 1, url, (size_t)n);
    }
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    for (int i = 0; i < 5000; i++) {
        int n = snprintf(url, sizeof url, "http://h/%d", i);
        assert_int_equal(journal_skip(j, "l", (unsigned long)i + 1, url, (size_t)n), i % 3 != 0);
    }
    journal_close(j);
}

/* An entry reaches the file only once the output has taken the bytes of its record: a
 * flush writes the entries whose mark is at most what was written, in order, and closing
 * drops the ones whose records never got out. */
static void test_entries_follow_the_output(void **state)
{
    struct journal *j;
    (void)state;
    write_file("");
    assert_int_equal(journal_open(&j, path, 0), 0);
    journal_add(j, 100, 1, "l", 1, "u1", 2);
    journal_add(j, 200, 1, "l", 2, "u2", 2);
    journal_add(j, 300, 0, "l", 3, "u3", 2);
    journal_add(j, 400, 1, "l", 4, "u4", 2);
    assert_int_equal(journal_flush(j, 99), 0); /* only the header is out */
    assert_null(strstr(read_file(), "u1"));
    assert_non_null(strstr(read_file(), "# cofetch journal v1"));
    assert_int_equal(journal_flush(j, 250), 0);
    assert_non_null(strstr(read_file(), "\nok\tl\t1\tu1\nok\tl\t2\tu2\n"));
    assert_null(strstr(read_file(), "u3"));
    assert_int_equal(journal_flush(j, 300), 0);
    assert_non_null(strstr(read_file(), "\tu2\nfailed\tl\t3\tu3\n"));
    journal_close(j); /* u4's record never got out */
    assert_null(strstr(read_file(), "u4"));
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_true(journal_skip(j, "l", 2, "u2", 2));
    assert_false(journal_skip(j, "l", 4, "u4", 2));
    journal_close(j);
}

static void test_unwritable(void **state)
{
    struct journal *j = NULL;
    (void)state;
    assert_int_equal(journal_open(&j, "/nonexistent/dir/journal", 0), CF_EIO);
    assert_null(j);
    journal_close(NULL);
}

/* The file cannot grow past 64 bytes: the flush that hits the limit fails, and so does
 * every later one, without writing again (the run goes on; its exit code says so). */
static void test_write_error(void **state)
{
    struct journal *j;
    struct rlimit saved, rl;
    struct stat st;
    (void)state;

    write_file("");
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
    rl = saved;
    rl.rlim_cur = 64;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
    for (int i = 1; i <= 5; i++)
        journal_add(j, 0, 1, "l", (unsigned long)i, "http://h/a-rather-long-url", 26);
    assert_int_equal(journal_flush(j, 0), CF_EIO);
    assert_int_equal(journal_pending(j), 0);
    journal_add(j, 0, 1, "l", 6, "u6", 2);
    assert_int_equal(journal_flush(j, 0), CF_EIO);
    assert_int_equal(journal_pending(j), 0);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, SIG_DFL);
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size <= 64);
    journal_close(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_escapes),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_torn_and_junk_lines),
        cmocka_unit_test(test_many_entries),
        cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_entries_follow_the_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

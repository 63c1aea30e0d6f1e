/*
 * test_cli_journal.c - --journal: an entry's text, reading back what was written (torn
 * last line, "ok" winning over "failed", --retry-failed), comments, escapes, and reading
 * a journal of the first format (keyed on source, line and text).
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
#include "base/hash.h"
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

/* A URL line's identity: FNV-1a of its text. */
static uint64_t ID(const char *url)
{
    return fnv1a64(url, strlen(url));
}

static void test_key_escapes(void **state)
{
    struct strbuf sb = STRBUF_INIT;
    (void)state;
    assert_int_equal(
        journal_key(&sb, 0x1234abcdULL, "list", 7, "http://h/a\tb\\c\x01\x7f\xc3\xa9", 18), 0);
    assert_string_equal(sb_cstr(&sb),
                        "000000001234abcd\tlist\t7\thttp://h/a\\x09b\\x5cc\\x01\\x7f\xc3\xa9");
    sb_reset(&sb);
    /* A NUL byte in a (bad) line is escaped too. */
    assert_int_equal(journal_key(&sb, UINT64_MAX, NULL, 1, "a\0b", 3), 0);
    assert_string_equal(sb_cstr(&sb), "ffffffffffffffff\t?\t1\ta\\x00b");
    /* A source name (a file name) with a newline or a backslash in it. */
    sb_reset(&sb);
    assert_int_equal(journal_key(&sb, 0, "my\nlist\\x", 2, "u", 1), 0);
    assert_string_equal(sb_cstr(&sb), "0000000000000000\tmy\\x0alist\\x5cx\t2\tu");
    sb_free(&sb);
}

static void test_round_trip(void **state)
{
    struct journal *j;
    (void)state;
    write_file("");
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_false(journal_skip(j, ID("http://h/1")));
    journal_add(j, 0, 1, ID("http://h/1"), "l", 1, "http://h/1", 10);
    journal_add(j, 0, 0, ID("http://h/2"), "l", 2, "http://h/2", 10);
    journal_add(j, 0, 1, 77, "l", 3, "a\tb", 3);
    assert_true(journal_pending(j) > 0);
    assert_int_equal(journal_flush(j, 0), 0);
    assert_int_equal(journal_pending(j), 0);
    journal_close(j);
    assert_int_equal(strncmp(read_file(), "# cofetch journal v2", 20), 0);
    assert_non_null(strstr(read_file(), "\nok\t"));
    assert_non_null(strstr(read_file(), "\tl\t1\thttp://h/1\nfailed\t"));
    assert_non_null(strstr(read_file(), "\nok\t000000000000004d\tl\t3\ta\\x09b\n"));

    /* Done: ok ones always, failed ones unless --retry-failed; the key is the identity
     * alone, wherever the request is now. */
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_true(journal_skip(j, ID("http://h/1")));
    assert_true(journal_skip(j, ID("http://h/2")));
    assert_true(journal_skip(j, 77));
    assert_false(journal_skip(j, ID("http://h/11")));
    assert_false(journal_skip(j, 78));
    assert_int_equal(journal_skipped(j), 3);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    assert_true(journal_skip(j, ID("http://h/1")));
    assert_false(journal_skip(j, ID("http://h/2")));
    /* A later "ok" for the failed line wins. */
    journal_add(j, 0, 1, ID("http://h/2"), "other", 9, "http://h/2", 10);
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    assert_true(journal_skip(j, ID("http://h/2")));
    journal_close(j);
}

/* A journal of the first format is read: each entry is its URL line's identity. */
static void test_v1_journal(void **state)
{
    struct journal *j;
    (void)state;
    write_file("# cofetch journal v1: status<TAB>source<TAB>line<TAB>url\n"
               "ok\tl\t1\thttp://h/1\n"
               "failed\tl\t2\thttp://h/2\n"
               "ok\todd\\x0aname\t3\thttp://h/a\\x09b\\x5c\n"
               "ok\tl\t4\tbad\\x4\n");
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_true(journal_skip(j, ID("http://h/1")));
    assert_true(journal_skip(j, ID("http://h/2")));
    assert_true(journal_skip(j, ID("http://h/a\tb\\")));
    assert_false(journal_skip(j, ID("bad\\x4"))); /* a malformed escape: ignored */
    journal_add(j, 0, 1, ID("http://h/5"), "l", 5, "http://h/5", 10);
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    assert_true(journal_skip(j, ID("http://h/1")));
    assert_false(journal_skip(j, ID("http://h/2")));
    assert_true(journal_skip(j, ID("http://h/5")));
    journal_close(j);
}

static void test_torn_and_junk_lines(void **state)
{
    struct journal *j;
    (void)state;
    write_file("# c\nok\t0000000000000001\tl\t1\tu1\nbogus\t0000000000000002\tl\t2\tu2\n"
               "ok-no-tabs\n\nok\t00000000000000zz\tl\t6\tu6\nok\t01\tl\t7\tu7\n"
               "failed\t0000000000000003\tl\t3\tu3\nok\t0000000000000004\tl\t4\tu");
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_true(journal_skip(j, 1));
    assert_false(journal_skip(j, 2));
    assert_true(journal_skip(j, 3));
    assert_false(journal_skip(j, 4)); /* torn: no newline */
    assert_false(journal_skip(j, 1ULL << 32));
    journal_add(j, 0, 1, 5, "l", 5, "u5", 2);
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    /* The torn line was ended before the new entry. */
    assert_non_null(strstr(read_file(), "\tu\nok\t0000000000000005\tl\t5\tu5\n"));
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
        journal_add(j, 0, i % 3 != 0, ID(url), "l", (unsigned long)i + 1, url, (size_t)n);
    }
    assert_int_equal(journal_flush(j, 0), 0);
    journal_close(j);
    assert_int_equal(journal_open(&j, path, 1), 0);
    for (int i = 0; i < 5000; i++) {
        snprintf(url, sizeof url, "http://h/%d", i);
        assert_int_equal(journal_skip(j, ID(url)), i % 3 != 0);
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
    journal_add(j, 100, 1, 1, "l", 1, "u1", 2);
    journal_add(j, 200, 1, 2, "l", 2, "u2", 2);
    journal_add(j, 300, 0, 3, "l", 3, "u3", 2);
    journal_add(j, 400, 1, 4, "l", 4, "u4", 2);
    assert_int_equal(journal_flush(j, 99), 0); /* only the header is out */
    assert_null(strstr(read_file(), "u1"));
    assert_non_null(strstr(read_file(), "# cofetch journal v2"));
    assert_int_equal(journal_flush(j, 250), 0);
    assert_non_null(strstr(read_file(), "\tu1\nok\t0000000000000002\tl\t2\tu2\n"));
    assert_null(strstr(read_file(), "u3"));
    assert_int_equal(journal_flush(j, 300), 0);
    assert_non_null(strstr(read_file(), "\tu2\nfailed\t0000000000000003\tl\t3\tu3\n"));
    journal_close(j); /* u4's record never got out */
    assert_null(strstr(read_file(), "u4"));
    assert_int_equal(journal_open(&j, path, 0), 0);
    assert_true(journal_skip(j, 2));
    assert_false(journal_skip(j, 4));
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
        journal_add(j, 0, 1, (uint64_t)i, "l", (unsigned long)i, "http://h/a-rather-long-url", 26);
    assert_int_equal(journal_flush(j, 0), CF_EIO);
    assert_int_equal(journal_pending(j), 0);
    journal_add(j, 0, 1, 6, "l", 6, "u6", 2);
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
        cmocka_unit_test(test_key_escapes),  cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_v1_journal),   cmocka_unit_test(test_torn_and_junk_lines),
        cmocka_unit_test(test_many_entries), cmocka_unit_test(test_unwritable),
        cmocka_unit_test(test_write_error),  cmocka_unit_test(test_entries_follow_the_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

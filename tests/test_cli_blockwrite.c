/*
 * test_cli_blockwrite.c - a body written through a block writer is the body, byte for
 * byte, whatever its chunks; after the first chunk the file grows only to block
 * boundaries (and its end); buffers come from and go back to the budget, and without
 * one chunks pass straight through; a write error is returned, at the chunk or at the
 * flush, and outdir_commit() turns one at the flush into a message and no file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

#include "cofetch/error.h"
#include "output/blockwrite.h"
#include "output/outdir.h"

enum { BODY = 1000003 };

static char *body(void)
{
    char *b = malloc(BODY);
    assert_non_null(b);
    for (size_t i = 0; i < BODY; i++)
        b[i] = (char)(i * 2654435761u >> 24); /* no period a shifted block could hide in */
    return b;
}

static int temp_file(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    return fd;
}

static void assert_file_is(const char *path, const char *want, size_t len)
{
    int fd = open(path, O_RDONLY);
    char *got = malloc(len + 1);
    size_t have = 0;
    ssize_t n;
    assert_true(fd >= 0);
    assert_non_null(got);
    while ((n = read(fd, got + have, len + 1 - have)) > 0)
        have += (size_t)n;
    close(fd);
    assert_int_equal(have, len);
    assert_memory_equal(got, want, len);
    free(got);
}

/* Chunk sizes in the order libcurl's are likely (16 KiB) and not (1 byte to 20,000). */
static size_t next_chunk(unsigned *seed, size_t left)
{
    size_t n;
    *seed = *seed * 1103515245u + 12345u;
    n = (*seed >> 8) % 4 == 0 ? 16384 : 1 + (*seed >> 8) % 20000;
    return n < left ? n : left;
}

static void test_blocks_hold_the_body(void **state)
{
    char *want = body();
    (void)state;
    for (unsigned seed = 1; seed <= 20; seed++) {
        char path[] = "/tmp/cofetch-bw-XXXXXX";
        struct bw_budget budget = {0};
        struct blockwriter w;
        size_t done = 0, first = 0;
        unsigned s = seed;
        int fd = temp_file(path);

        bw_init(&w, fd, &budget);
        while (done < BODY) {
            size_t n = next_chunk(&s, BODY - done);
            assert_int_equal(bw_write(&w, want + done, n), 0);
            done += n;
            if (!first)
                first = n;
            /* All of it written or buffered; what is on disk ends at the first chunk or
             * on a block boundary. */
            assert_int_equal(w.off + w.len, done);
            if (w.off != first && w.off % BW_BLOCK != 0)
                fail_msg("seed %u: the file grew to %llu, not a block boundary", seed,
                         (unsigned long long)w.off);
            assert_true(budget.held == (done > first ? (size_t)BW_BLOCK : 0));
        }
        assert_int_equal(bw_flush(&w), 0);
        assert_int_equal(budget.held, 0);
        assert_null(w.buf);
        close(fd);
        assert_file_is(path, want, BODY);
        unlink(path);
    }
    free(want);
}

static void test_one_chunk_takes_no_buffer(void **state)
{
    char path[] = "/tmp/cofetch-bw-XXXXXX";
    struct bw_budget budget = {0};
    struct blockwriter w;
    int fd = temp_file(path);
    (void)state;

    bw_init(&w, fd, &budget);
    assert_int_equal(bw_write(&w, "whole", 5), 0);
    assert_null(w.buf);
    assert_int_equal(w.off, 5);
    assert_int_equal(bw_flush(&w), 0);
    close(fd);
    assert_file_is(path, "whole", 5);
    unlink(path);
}

static void test_spent_budget_passes_through(void **state)
{
    char path[] = "/tmp/cofetch-bw-XXXXXX";
    struct bw_budget budget = {BW_BUDGET - BW_BLOCK + 1};
    struct blockwriter w, other;
    char *want = body();
    size_t done = 0;
    unsigned s = 7;
    int fd = temp_file(path);
    (void)state;

    bw_init(&w, fd, &budget);
    while (done < BODY) {
        size_t n = next_chunk(&s, BODY - done);
        assert_int_equal(bw_write(&w, want + done, n), 0);
        done += n;
        assert_null(w.buf);
        assert_int_equal(w.off, done); /* as it comes */
    }
    assert_int_equal(budget.held, BW_BUDGET - BW_BLOCK + 1);
    assert_int_equal(bw_flush(&w), 0);
    close(fd);
    assert_file_is(path, want, BODY);

    /* With room for exactly one buffer, the first writer to need one gets it. */
    budget.held = BW_BUDGET - BW_BLOCK;
    fd = open(path, O_WRONLY | O_TRUNC);
    bw_init(&w, fd, &budget);
    bw_init(&other, fd, &budget);
    assert_int_equal(bw_write(&w, want, 10), 0);
    assert_int_equal(bw_write(&w, want, 10), 0);
    assert_non_null(w.buf);
    assert_int_equal(bw_write(&other, want, 10), 0);
    assert_int_equal(bw_write(&other, want, 10), 0);
    assert_null(other.buf);
    assert_int_equal(budget.held, BW_BUDGET);
    bw_drop(&w);
    assert_int_equal(budget.held, BW_BUDGET - BW_BLOCK);
    close(fd);
    unlink(path);
    free(want);
}

/* The file size limit makes write() fail with EFBIG past `limit` bytes. */
static void limit_file_size(rlim_t limit, struct rlimit *saved)
{
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, saved), 0);
    rl = *saved;
    rl.rlim_cur = limit;
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &rl), 0);
}

static void test_write_errors_are_returned(void **state)
{
    char path[] = "/tmp/cofetch-bw-XXXXXX";
    struct bw_budget budget = {0};
    struct blockwriter w;
    struct rlimit saved;
    char *want = body();
    int fd = temp_file(path);
    int err = 0;
    (void)state;

    /* At a chunk: the first one, written as it comes, to a descriptor open for reading. */
    close(fd);
    fd = open(path, O_RDONLY);
    bw_init(&w, fd, &budget);
    assert_int_equal(bw_write(&w, want, 100), EBADF);
    close(fd);

    /* At a block boundary: the writer says so, and gives its buffer back. */
    fd = open(path, O_WRONLY | O_TRUNC);
    bw_init(&w, fd, &budget);
    limit_file_size(100000, &saved);
    for (size_t done = 0; done < BODY && !err; done += 16384)
        err = bw_write(&w, want + done, 16384);
    assert_int_equal(err, EFBIG);
    bw_drop(&w);
    assert_int_equal(budget.held, 0);

    /* At the flush: the tail, buffered, runs past the limit. */
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    limit_file_size(40000, &saved);
    assert_int_equal(ftruncate(fd, 0), 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    bw_init(&w, fd, &budget);
    assert_int_equal(bw_write(&w, want, 16384), 0);
    assert_int_equal(bw_write(&w, want, 30000), 0);
    assert_int_equal(w.len, 30000);
    assert_int_equal(bw_flush(&w), EFBIG);
    assert_int_equal(budget.held, 0);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, SIG_DFL);
    close(fd);
    unlink(path);
    free(want);
}

static void test_commit_reports_a_failed_flush(void **state)
{
    char dir[] = "/tmp/cofetch-outdir-XXXXXX";
    char path[512];
    struct strbuf err = STRBUF_INIT;
    struct outdir od;
    struct outfile f;
    struct rlimit saved;
    char *want = body();
    struct stat st;
    (void)state;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(outdir_open(&od, dir, 0, 0), 0);

    /* Whole: the body under its name, the buffer back. */
    assert_int_equal(outdir_begin(&od, "http://h/a", &f, &err), 0);
    for (size_t done = 0; done < BODY; done += 16384)
        assert_int_equal(outdir_write(&f, want + done, BODY - done < 16384 ? BODY - done : 16384),
                         0);
    assert_int_equal(outdir_commit(&od, &f, &err), 0);
    assert_int_equal(od.buffers.held, 0);
    snprintf(path, sizeof path, "%s/h_2Fa", dir);
    assert_file_is(path, want, BODY);
    unlink(path);

    /* The tail cannot be written: the fetch's error names the file, no file stays. */
    limit_file_size(20000, &saved);
    assert_int_equal(outdir_begin(&od, "http://h/b", &f, &err), 0);
    assert_int_equal(outdir_write(&f, want, 16384), 0);
    assert_int_equal(outdir_write(&f, want, 16384), 0);
    assert_int_equal(outdir_commit(&od, &f, &err), CF_EIO);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
    signal(SIGXFSZ, SIG_DFL);
    assert_non_null(strstr(sb_cstr(&err), "writing "));
    assert_non_null(strstr(sb_cstr(&err), "/h_2Fb: File too large"));
    assert_int_equal(t_count_files(dir), 0);
    assert_int_equal(od.buffers.held, 0);

    /* Abandoned with a buffer held: the buffer back, no file. */
    assert_int_equal(outdir_begin(&od, "http://h/c", &f, &err), 0);
    assert_int_equal(outdir_write(&f, want, 16384), 0);
    assert_int_equal(outdir_write(&f, want, 100), 0);
    assert_int_equal(od.buffers.held, BW_BLOCK);
    outdir_abort(&od, &f);
    assert_int_equal(od.buffers.held, 0);
    assert_int_equal(t_count_files(dir), 0);
    assert_int_equal(stat(path, &st), -1);

    sb_free(&err);
    outdir_close(&od);
    rmdir(dir);
    free(want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_blocks_hold_the_body),
        cmocka_unit_test(test_one_chunk_takes_no_buffer),
        cmocka_unit_test(test_spent_budget_passes_through),
        cmocka_unit_test(test_write_errors_are_returned),
        cmocka_unit_test(test_commit_reports_a_failed_flush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_lines.c - reading lines without blocking the loop: a pipe fed slowly, a last
 * line without a newline, an over-long line, CRLF, NUL bytes, a regular file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "cofetch/cofetch.h"
#include "support.h"

struct feed {
    int fd;
    const char *const *chunks;
    double gap;
};

/* Writes each chunk into the pipe with a pause between, then closes it. */
static int feeder(void *arg, void **res)
{
    struct feed *f = arg;
    (void)res;
    for (const char *const *c = f->chunks; *c; c++) {
        int rc = cf_sleep(f->gap);
        if (rc)
            break;
        assert_int_equal(write(f->fd, *c, strlen(*c)), (ssize_t)strlen(*c));
    }
    close(f->fd);
    return 0;
}

static int ticks;

static int ticker(void *arg, void **res)
{
    (void)arg;
    (void)res;
    for (;;) {
        if (cf_sleep(0.01))
            return 0;
        ticks++;
    }
}

struct got {
    char text[4096];
    double first_at; /* when the first line arrived, since start */
};

static int slow_pipe_main(void *arg, void **res)
{
    static const char *const chunks[] = {"alpha\n", "be", "ta\r\n", "\n", "gam", "ma", NULL};
    struct got *got = arg;
    int p[2];
    cf_lines *r;
    cf_task *feed_t, *tick_t;
    (void)res;

    assert_int_equal(pipe(p), 0);
    struct feed f = {p[1], chunks, 0.05};
    assert_int_equal(cf_lines_new(&r, p[0], 0), 0);
    cf_spawn(&feed_t, feeder, &f);
    cf_spawn(&tick_t, ticker, NULL);
    double t0 = t_now();
    ticks = 0;
    for (;;) {
        const char *line;
        size_t len;
        int rc = cf_lines_next(r, &line, &len);
        if (rc == CF_EOF)
            break;
        assert_int_equal(rc, 0);
        if (got->first_at == 0)
            got->first_at = t_now() - t0;
        size_t at = strlen(got->text);
        snprintf(got->text + at, sizeof got->text - at, "[%lu:%s]", cf_lines_lineno(r), line);
    }
    /* EOF is sticky. */
    const char *line;
    size_t len;
    assert_int_equal(cf_lines_next(r, &line, &len), CF_EOF);
    /* The loop kept running while the reader waited on the pipe. */
    assert_true(ticks >= 10);
    cf_task_cancel(tick_t);
    cf_task_await(feed_t, NULL);
    cf_task_await(tick_t, NULL);
    cf_task_unref(feed_t);
    cf_task_unref(tick_t);
    cf_lines_free(r);
    close(p[0]);
    return 0;
}

static void test_slow_pipe(void **state)
{
    struct got got;
    (void)state;
    memset(&got, 0, sizeof got);
    assert_int_equal(cf_loop_run(t_loop, slow_pipe_main, &got, NULL), 0);
    /* CRLF stripped, empty line kept (the caller skips blanks), last line without "\n". */
    assert_string_equal(got.text, "[1:alpha][2:beta][3:][4:gamma]");
    /* The first line was returned as soon as it arrived, long before end of input. */
    assert_true(got.first_at < 0.2);
}

static int long_line_main(void *arg, void **res)
{
    int p[2];
    cf_lines *r;
    const char *line;
    size_t len;
    (void)arg;
    (void)res;

    assert_int_equal(pipe(p), 0);
    /* Over-long line (100 bytes, limit 16) split across writes, then good lines, a NUL. */
    char big[101];
    memset(big, 'x', 100);
    big[100] = '\0';
    const char *const chunks[] = {
        "ok1\n", big, "yy\nok2\n", "nul\0byte\n", "0123456789abcdef\n", "0123456789abcdefg", NULL};
    /* write the NUL chunk by hand: strlen stops at it */
    assert_int_equal(cf_lines_new(&r, p[0], 16), 0);
    assert_int_equal(write(p[1], chunks[0], 4), 4);
    assert_int_equal(write(p[1], chunks[1], 100), 100);
    assert_int_equal(write(p[1], chunks[2], 7), 7);
    assert_int_equal(write(p[1], "nul\0byte\n", 9), 9);
    assert_int_equal(write(p[1], chunks[4], 17), 17);
    assert_int_equal(write(p[1], chunks[5], 17), 17); /* 17 bytes, no newline: too long */
    close(p[1]);

    assert_int_equal(cf_lines_next(r, &line, &len), 0);
    assert_string_equal(line, "ok1");
    assert_int_equal(cf_lines_next(r, &line, &len), CF_ETOOLONG);
    assert_int_equal(len, 16);
    assert_memory_equal(line, "xxxxxxxxxxxxxxxx", 16);
    assert_int_equal(cf_lines_lineno(r), 2);
    assert_int_equal(cf_lines_next(r, &line, &len), 0);
    assert_string_equal(line, "ok2");
    assert_int_equal(cf_lines_lineno(r), 3);
    assert_int_equal(cf_lines_next(r, &line, &len), 0);
    assert_int_equal(len, 8); /* the NUL is inside the line: the caller sees it by len */
    assert_memory_equal(line, "nul\0byte", 8);
    assert_int_equal(cf_lines_next(r, &line, &len), 0); /* exactly at the limit: fine */
    assert_string_equal(line, "0123456789abcdef");
    assert_int_equal(cf_lines_next(r, &line, &len), CF_ETOOLONG);
    assert_int_equal(cf_lines_lineno(r), 6);
    assert_int_equal(cf_lines_next(r, &line, &len), CF_EOF);
    cf_lines_free(r);
    close(p[0]);
    return 0;
}

static void test_long_line(void **state)
{
    (void)state;
    assert_int_equal(cf_loop_run(t_loop, long_line_main, NULL, NULL), 0);
}

static int file_main(void *arg, void **res)
{
    char path[] = "/tmp/cf-lines-XXXXXX";
    int fd = mkstemp(path);
    cf_lines *r;
    const char *line;
    size_t len;
    int n = 0;
    (void)arg;
    (void)res;

    assert_true(fd >= 0);
    unlink(path);
    for (int i = 0; i < 5000; i++) {
        char buf[32];
        int k = snprintf(buf, sizeof buf, "line %d\n", i);
        assert_int_equal(write(fd, buf, (size_t)k), k);
    }
    lseek(fd, 0, SEEK_SET);
    /* A regular file: epoll refuses it, so it is read directly, in blocks. */
    assert_int_equal(cf_lines_new(&r, fd, 0), 0);
    while (cf_lines_next(r, &line, &len) == 0) {
        char want[32];
        snprintf(want, sizeof want, "line %d", n++);
        assert_string_equal(line, want);
    }
    assert_int_equal(n, 5000);
    assert_int_equal(cf_lines_lineno(r), 5000);
    cf_lines_free(r);
    close(fd);
    return 0;
}

static void test_regular_file(void **state)
{
    (void)state;
    assert_int_equal(cf_loop_run(t_loop, file_main, NULL, NULL), 0);
}

/* A character device epoll refuses (stdin redirected from /dev/null) is read directly:
 * EOF at once, not a task waiting forever for readiness that never comes. */
static int dev_null_main(void *arg, void **res)
{
    cf_lines *r;
    const char *line;
    size_t len;
    int fd = open("/dev/null", O_RDONLY);
    (void)arg;
    (void)res;

    assert_true(fd >= 0);
    assert_int_equal(cf_lines_new(&r, fd, 0), 0);
    assert_int_equal(cf_lines_next(r, &line, &len), CF_EOF);
    cf_lines_free(r);
    close(fd);

    /* cf_fd_wait refuses what epoll cannot watch instead of waiting forever. */
    fd = open("/dev/null", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(cf_fd_wait(fd, CF_FD_READ, -1), CF_EIO);
    close(fd);
    char path[] = "/tmp/cf-fdwait-XXXXXX";
    fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(cf_fd_wait(fd, CF_FD_READ, -1), CF_EIO);
    close(fd);
    return 0;
}

static void test_dev_null(void **state)
{
    (void)state;
    double t0 = t_now();
    assert_int_equal(cf_loop_run(t_loop, dev_null_main, NULL, NULL), 0);
    assert_true(t_now() - t0 < 1.0);
}

static int cancel_reader(void *arg, void **res)
{
    cf_lines *r = arg;
    const char *line;
    size_t len;
    (void)res;
    return cf_lines_next(r, &line, &len);
}

static int cancel_main(void *arg, void **res)
{
    int p[2];
    cf_lines *r;
    cf_task *t;
    (void)arg;
    (void)res;
    assert_int_equal(pipe(p), 0);
    cf_lines_new(&r, p[0], 0);
    cf_spawn(&t, cancel_reader, r);
    cf_sleep(0.02);
    cf_task_cancel(t);
    assert_int_equal(cf_task_await(t, NULL), CF_ECANCELED);
    cf_task_unref(t);
    cf_lines_free(r);
    close(p[0]);
    close(p[1]);
    return 0;
}

static void test_cancel_read(void **state)
{
    (void)state;
    assert_int_equal(cf_loop_run(t_loop, cancel_main, NULL, NULL), 0);
}

/* A reader of /dev/zero (one endless line, read directly: epoll refuses the device)
 * lets the loop run: a sibling task gets turns, and a cancel ends the read. Before, the
 * reader discarded the line forever without yielding, and Ctrl-C went unheard. */
struct zero_probe {
    cf_lines *r;
    int done;
    unsigned long turns; /* the sibling's turns while the reader read */
};

static int zero_reader(void *arg, void **res)
{
    struct zero_probe *z = arg;
    const char *line;
    size_t len;
    int rc;
    (void)res;
    while ((rc = cf_lines_next(z->r, &line, &len)) == CF_ETOOLONG)
        ;
    z->done = 1;
    return rc;
}

static int zero_sibling(void *arg, void **res)
{
    struct zero_probe *z = arg;
    (void)res;
    while (!z->done && cf_yield() == 0)
        z->turns++;
    return 0;
}

static int zero_main(void *arg, void **res)
{
    struct zero_probe z = {0};
    cf_task *reader, *sibling;
    int fd = open("/dev/zero", O_RDONLY);
    (void)arg;
    (void)res;

    assert_true(fd >= 0);
    assert_int_equal(cf_lines_new(&z.r, fd, 0), 0);
    assert_int_equal(cf_spawn(&reader, zero_reader, &z), 0);
    assert_int_equal(cf_spawn(&sibling, zero_sibling, &z), 0);
    assert_int_equal(cf_sleep(0.2), 0); /* this task's timer fires too */
    cf_task_cancel(reader);
    assert_int_equal(cf_task_await(reader, NULL), CF_ECANCELED);
    assert_int_equal(cf_task_await(sibling, NULL), 0);
    assert_true(z.turns >= 2);
    cf_task_unref(reader);
    cf_task_unref(sibling);
    cf_lines_free(z.r);
    close(fd);
    return 0;
}

static void test_endless_file_yields(void **state)
{
    (void)state;
    assert_int_equal(cf_loop_run(t_loop, zero_main, NULL, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_slow_pipe, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_long_line, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_regular_file, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_read, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_dev_null, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_endless_file_yields, t_loop_setup, t_loop_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_cli_progress.c - the progress bar's total, counted before the run: URL
 * arguments and regular -i files (comments, blank lines and other shards left out);
 * unknown for stdin, a pipe, --then and --journal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/config.h"
#include "run/progress.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_total(void **state)
{
    char dir[] = "/tmp/cofetch-progress-XXXXXX", list[64], fifo[64];
    const char *urls[] = {"http://a/1", "http://a/2"};
    const char *inputs[2];
    struct config cfg;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(list, sizeof list, "%s/list", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    /* 5 lines that are URLs or bad lines; a comment, blank ones; the last without '\n' */
    write_file(list, "http://b/1\n# comment\n\n   \nnot a url\n  http://b/2  \r\nhttp://b/3\n"
                     "\t# indented comment\nhttp://b/4");
    assert_int_equal(mkfifo(fifo, 0600), 0);

    memset(&cfg, 0, sizeof cfg);
    cfg.urls = urls;
    cfg.nurls = 2;
    assert_int_equal(progress_total(&cfg), 2);
    inputs[0] = list;
    cfg.inputs = inputs;
    cfg.ninputs = 1;
    assert_int_equal(progress_total(&cfg), 7);
    /* --shard 1/2 and 2/2 split them: together all of them, each a part. */
    {
        long a, b;
        cfg.shard_n = 2;
        cfg.shard_k = 1;
        a = progress_total(&cfg);
        cfg.shard_k = 2;
        b = progress_total(&cfg);
        assert_int_equal(a + b, 7);
        assert_true(a < 7 && b < 7);
        cfg.shard_n = 0;
    }
    /* Unknown: stdin, a pipe (it is not read: it would lose its lines), chains, journal. */
    inputs[1] = "-";
    cfg.ninputs = 2;
    assert_int_equal(progress_total(&cfg), -1);
    inputs[1] = fifo;
    assert_int_equal(progress_total(&cfg), -1);
    cfg.ninputs = 1;
    cfg.nthens = 1;
    assert_int_equal(progress_total(&cfg), -1);
    cfg.nthens = 0;
    cfg.journal = "j";
    assert_int_equal(progress_total(&cfg), -1);
    cfg.journal = NULL;
    memset(&cfg, 0, sizeof cfg); /* no URLs, no -i: stdin */
    assert_int_equal(progress_total(&cfg), -1);

    unlink(list);
    unlink(fifo);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_total),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

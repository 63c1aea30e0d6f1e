/*
 * test_cli_stats.c - percentiles from the histogram, the summary numbers, the Gantt
 * scaling and the timeline table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/strbuf.h"
#include "output/report.h"
#include "output/summary.h"
#include "output/timeline.h"

static void near(double got, double want)
{
    if (got < want * 0.985 || got > want * 1.015)
        fail_msg("got %f, want %f (within 1.5%%)", got, want);
}

static void test_percentiles(void **state)
{
    static struct stats st;
    (void)state;
    stats_init(&st);
    assert_true(stats_percentile(&st, 50) == 0);
    for (int i = 1; i <= 1000; i++)
        stats_add(&st, i / 1000.0, i % 10 != 0, 10);
    near(stats_percentile(&st, 50), 0.500);
    near(stats_percentile(&st, 95), 0.950);
    near(stats_percentile(&st, 99), 0.990);
    assert_true(stats_percentile(&st, 100) <= 1.0);
    near(stats_percentile(&st, 100), 1.0);
    assert_true(st.max_time == 1.0);
    assert_int_equal(st.ok, 900);
    assert_int_equal(st.failed, 100);
    assert_int_equal(st.bytes, 10000);
    near(st.sum_time, 500.5);

    /* One sample: every percentile is it. */
    stats_init(&st);
    stats_add(&st, 0.25, 1, 0);
    near(stats_percentile(&st, 50), 0.25);
    near(stats_percentile(&st, 95), 0.25);
    /* Zero and huge times stay in range. */
    stats_add(&st, 0, 1, 0);
    stats_add(&st, 1e9, 1, 0);
    assert_true(stats_percentile(&st, 1) <= 1e-6);
    assert_true(stats_percentile(&st, 100) == 1e9);
}

static void test_gantt_cols(void **state)
{
    int a, b;
    (void)state;
    gantt_cols(0, 1.5, 1.5, 60, &a, &b);
    assert_int_equal(a, 0);
    assert_int_equal(b, 60);
    gantt_cols(0.5, 1.3, 1.5, 60, &a, &b);
    assert_int_equal(a, 20);
    assert_int_equal(b, 52);
    gantt_cols(1.5, 1.5, 1.5, 60, &a, &b); /* zero length at the end: one column, inside */
    assert_int_equal(a, 59);
    assert_int_equal(b, 60);
    gantt_cols(0, 0, 0, 60, &a, &b); /* empty span */
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
}

static void test_timeline_render(void **state)
{
    struct timeline tl;
    struct strbuf sb = STRBUF_INIT;
    const struct tl_row rows[3] = {
        {2, 0, 1, 0.0, 0.8, 3}, {1, 0, 1, 0.0, 0.5, 2}, {3, 0, 0, 0.0, 0.2, 1}};
    (void)state;
    timeline_init(&tl, 0);
    for (int i = 0; i < 3; i++)
        timeline_add(&tl, &rows[i]);
    assert_int_equal(timeline_table(&tl, NULL, &sb), 0);
    assert_string_equal(sb_cstr(&sb), "call  | start   | finish  | finish order\n"
                                      "------|---------|---------|-------------\n"
                                      "1     |   0.00s |   0.50s | 2\n"
                                      "2     |   0.00s |   0.80s | 3\n"
                                      "3     |   0.00s |   0.20s | 1 (failed)\n");
    sb_reset(&sb);
    assert_int_equal(timeline_gantt(&tl, 80, 0, &sb), 0);
    /* Each line fits in 80 columns; the longest fetch fills the chart. */
    for (const char *p = sb_cstr(&sb); *p;) {
        size_t n = strcspn(p, "\n");
        assert_true(n <= 80);
        p += n + 1;
    }
    assert_non_null(strstr(sb_cstr(&sb), "2     |=============================="));
    assert_non_null(strstr(sb_cstr(&sb), "3     |xxxx"));
    sb_free(&sb);
    timeline_free(&tl);
}

/* Under --compare both Gantt charts share one time axis: the shorter run's bars stop
 * where its time stops, and both axes end at the longer run's span. */
static void test_compare_one_axis(void **state)
{
    struct timeline tl[2];
    const struct tl_row slow[2] = {{1, 0, 1, 0.0, 0.5, 1}, {2, 0, 1, 0.5, 1.0, 2}};
    const struct tl_row fast[2] = {{1, 0, 1, 0.0, 0.5, 1}, {2, 0, 1, 0.0, 0.5, 2}};
    struct report_run runs[2] = {{"--sync", NULL, 1.0, &tl[0]}, {"gather", NULL, 0.5, &tl[1]}};
    char *text = NULL, *gather;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    (void)state;
    assert_non_null(f);
    setenv("COLUMNS", "80", 1);
    timeline_init(&tl[0], 0);
    timeline_init(&tl[1], 0);
    for (int i = 0; i < 2; i++) {
        timeline_add(&tl[0], &slow[i]);
        timeline_add(&tl[1], &fast[i]);
    }
    report_print(f, runs, 2, 0, 0);
    fclose(f);
    gather = strstr(text, "\ngather:\n");
    assert_non_null(gather);
    /* Both axes end at 1.00s (the gather run's own span is 0.50s). */
    assert_non_null(strstr(text, " 1.00s\n\ngather:"));
    assert_non_null(strstr(gather, "       0s"));
    assert_int_equal(strlen(gather) > 7 ? strcmp(gather + strlen(gather) - 7, " 1.00s\n") : 1, 0);
    /* A 0.5 s bar of the gather run fills half of the 63 columns, not all of them. */
    assert_non_null(
        strstr(gather, "1     |================================                               |"));
    assert_null(strstr(gather, "==============================================================="));
    free(text);
    timeline_free(&tl[0]);
    timeline_free(&tl[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percentiles),
        cmocka_unit_test(test_gantt_cols),
        cmocka_unit_test(test_timeline_render),
        cmocka_unit_test(test_compare_one_axis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

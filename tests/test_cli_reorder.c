/*
 * test_cli_reorder.c - finished lines kept out of their slots (run/reorder.h): in memory,
 * then in a temporary file past REORDER_MEM, each handed back exactly as it was put, and
 * the file emptied once nothing in it is left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cofetch/error.h"
#include "run/reorder.h"

struct got {
    char bytes[4096];
    size_t len;
    int journal, ok;
    const char *src;
    unsigned long lineno;
    char url[256];
};

static void grab(void *ctx, const struct reorder_entry *e)
{
    struct got *g = ctx;
    assert_true(e->len < sizeof g->bytes && e->url_len < sizeof g->url);
    memcpy(g->bytes, e->bytes, e->len);
    g->len = e->len;
    g->journal = e->journal;
    g->ok = e->ok;
    g->src = e->src;
    g->lineno = e->lineno;
    memcpy(g->url, e->url, e->url_len);
    g->url[e->url_len] = '\0';
}

static struct reorder_entry entry(uint64_t seq, char *buf, char *url)
{
    int n = snprintf(buf, 3000, "record of line %llu %*s\n", (unsigned long long)seq,
                     (int)(seq % 1000), "");
    snprintf(url, 64, "http://h/%llu", (unsigned long long)seq);
    return (struct reorder_entry){.bytes = buf,
                                  .len = (size_t)n,
                                  .journal = (int)(seq % 2),
                                  .ok = (int)(seq % 3 != 0),
                                  .src = "list",
                                  .lineno = (unsigned long)seq + 1,
                                  .url = url,
                                  .url_len = strlen(url)};
}

/* 20,000 lines of ~500 bytes (10 MB: past REORDER_MEM) put out of order, taken in order. */
static void test_memory_then_file(void **state)
{
    enum { N = 20000, LINES = 32768 };
    struct reorder *ro;
    char buf[3000], url[64];
    (void)state;

    assert_int_equal(reorder_new(&ro, LINES), 0);
    for (uint64_t seq = 1; seq < N; seq++) { /* line 0 is the slow one */
        struct reorder_entry e = entry(seq, buf, url);
        assert_int_equal(reorder_put(ro, seq, &e), 0);
    }
    assert_int_equal(reorder_count(ro), N - 1);
    assert_true(reorder_spilled(ro) > 0);
    assert_false(reorder_has(ro, 0));
    assert_int_equal(reorder_put(ro, 5, &(struct reorder_entry){.bytes = "", .url = ""}),
                     CF_EINVAL); /* kept already */
    for (uint64_t seq = 1; seq < N; seq++) {
        struct got g;
        struct reorder_entry e = entry(seq, buf, url);
        assert_true(reorder_has(ro, seq));
        assert_int_equal(reorder_take(ro, seq, grab, &g), 0);
        assert_false(reorder_has(ro, seq));
        assert_int_equal(g.len, e.len);
        assert_memory_equal(g.bytes, e.bytes, e.len);
        assert_int_equal(g.journal, e.journal);
        assert_int_equal(g.ok, e.ok);
        assert_ptr_equal(g.src, e.src);
        assert_int_equal(g.lineno, e.lineno);
        assert_string_equal(g.url, url);
    }
    assert_int_equal(reorder_count(ro), 0);
    assert_int_equal(reorder_spilled(ro), 0);
    /* Places are reused by SEQ modulo lines. */
    struct reorder_entry e = entry(LINES + 7, buf, url);
    assert_int_equal(reorder_put(ro, LINES + 7, &e), 0);
    assert_false(reorder_has(ro, 7));
    assert_true(reorder_has(ro, LINES + 7));
    reorder_free(ro);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_then_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

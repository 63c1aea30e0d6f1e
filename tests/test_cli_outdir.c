/*
 * test_cli_outdir.c - -o names from hostile URLs can never leave the directory, are
 * never hidden, hold no control byte, are bounded and deterministic; temporary files
 * are renamed only on commit and removed on abort; --no-clobber keeps a file. On a
 * thread pool a small file ends on the loop while the disk is fast and on the pool once
 * it was slow, and a body of many blocks goes out through the pool, refusing a chunk
 * (BW_PAUSE) while both buffers are taken and saying when to try again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"

#include "cofetch/cofetch.h"
#include "cofetch/error.h"
#include "cofetch/thread.h"
#include "output/outdir.h"

static void assert_safe(const char *url)
{
    char name[OUTDIR_NAME_MAX + 1];
    outdir_name(url, name);
    if (strlen(name) == 0 || strlen(name) > OUTDIR_NAME_MAX || name[0] == '.' ||
        strchr(name, '/') || strchr(name, '\\') || strcmp(name, "..") == 0)
        fail_msg("unsafe name '%s' for '%s'", name, url);
    for (const char *p = name; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
            fail_msg("byte 0x%02x in name for '%s'", (unsigned char)*p, url);
}

static void test_hostile_names(void **state)
{
    static char huge[4200];
    static const char *const urls[] = {
        "http://h/../../etc/passwd",
        "http://h/%2e%2e/%2e%2e/x",
        "http://h/a%2fb%2F..",
        "/etc/passwd",
        "http://h//abs/path",
        "http://h/a\\..\\..\\b",
        "http://h/\x01\x1b\x7f",
        "..",
        ".",
        ".hidden",
        "http://.hidden/",
        "http://h/caf\xc3\xa9/\xe2\x82\xac",
        "http://user:pw@h/x",
        "",
        "http://h/x#../../y",
        "file:///etc/passwd",
    };
    (void)state;
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++)
        assert_safe(urls[i]);
    memcpy(huge, "http://h/", 9);
    memset(huge + 9, 'a', sizeof huge - 10);
    assert_safe(huge);
}

static const char *name_of(const char *url)
{
    static char name[OUTDIR_NAME_MAX + 1];
    outdir_name(url, name);
    return name;
}

static void test_names_readable_and_distinct(void **state)
{
    static char a[4200], b[4200], na[OUTDIR_NAME_MAX + 1];
    (void)state;
    assert_string_equal(name_of("http://127.0.0.1:8080/bytes?n=5"),
                        "127.0.0.1_3A8080_2Fbytes_3Fn_3D5");
    assert_string_equal(name_of("https://h/x"), "https_3A_2F_2Fh_2Fx");
    assert_string_equal(name_of("http://user:pw@h/x"), "h_2Fx"); /* no credentials on disk */
    assert_string_equal(name_of("https://user:secret@h/x"), "https_3A_2F_2Fh_2Fx"); /* any scheme */
    assert_string_equal(name_of("ftp://a@b@h/x"), "ftp_3A_2F_2Fh_2Fx");
    /* Injective: '_' is escaped, so these differ. */
    strcpy(na, name_of("http://h/a_2Fb"));
    assert_string_not_equal(na, name_of("http://h/a/b"));
    /* Long names: cut, suffixed with the hash of the whole URL, deterministic. */
    memcpy(a, "http://h/", 9);
    memset(a + 9, 'a', sizeof a - 10);
    memcpy(b, a, sizeof b);
    b[sizeof b - 2] = 'b';
    strcpy(na, name_of(a));
    assert_int_equal(strlen(na), OUTDIR_NAME_MAX);
    assert_string_equal(na, name_of(a));
    assert_string_not_equal(na, name_of(b));
}

/* Opening the directory removes the .part files of runs that are gone, and only those. */
static void test_sweeps_stale_parts(void **state)
{
    char dir[] = "/tmp/cofetch-sweep-XXXXXX", path[512], dead[64], mine[64];
    struct outdir od;
    pid_t pid;
    (void)state;

    assert_non_null(mkdtemp(dir));
    pid = fork(); /* a PID that is surely no process once reaped */
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    snprintf(dead, sizeof dead, ".cofetch-%ld-3.part", (long)pid);
    snprintf(mine, sizeof mine, ".cofetch-%ld-4.part", (long)getpid());
    const char *names[] = {dead, mine, ".cofetch-x-1.part", "keep.part", ".cofetch-1-2.partial"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        int fd = open(path, O_WRONLY | O_CREAT, 0644);
        assert_true(fd >= 0);
        close(fd);
    }
    assert_int_equal(outdir_open(&od, dir, 0, 0), 0);
    outdir_close(&od);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        assert_int_equal(access(path, F_OK) == 0, i != 0); /* only the dead run's is gone */
        if (i != 0)
            unlink(path);
    }
    assert_int_equal(rmdir(dir), 0);
}

static void test_temp_then_rename(void **state)
{
    char dir[] = "/tmp/cofetch-outdir-XXXXXX";
    char path[512];
    struct strbuf err = STRBUF_INIT;
    struct outdir od;
    struct outfile f;
    struct stat st;
    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(outdir_open(&od, dir, 0, 0), 0);

    /* Abort: nothing stays. */
    assert_int_equal(outdir_begin(&od, "http://h/a", &f, &err), 0);
    assert_int_equal(write(f.fd, "partial", 7), 7);
    assert_int_equal(t_count_files(dir), 1);
    outdir_abort(&od, &f);
    assert_int_equal(t_count_files(dir), 0);

    /* Commit: the final name, with the content. */
    assert_int_equal(outdir_begin(&od, "http://h/a", &f, &err), 0);
    assert_int_equal(write(f.fd, "one", 3), 3);
    assert_int_equal(outdir_commit(&od, &f, &err), 0);
    snprintf(path, sizeof path, "%s/h_2Fa", dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 3);

    /* --no-clobber keeps it. */
    od.no_clobber = 1;
    assert_int_equal(outdir_begin(&od, "http://h/a", &f, &err), 0);
    assert_int_equal(write(f.fd, "second", 6), 6);
    assert_int_equal(outdir_commit(&od, &f, &err), 1);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 3);
    assert_int_equal(t_count_files(dir), 1);

    /* A directory removed under us: the fetch's error says where it could not write. */
    unlink(path);
    assert_int_equal(rmdir(dir), 0);
    assert_int_equal(outdir_begin(&od, "http://h/b", &f, &err), CF_EIO);
    assert_non_null(strstr(sb_cstr(&err), "cannot create "));
    assert_non_null(strstr(sb_cstr(&err), dir));
    sb_free(&err);
    outdir_close(&od);
}

struct pool_case {
    struct outdir od;
    const char *dir;
    int ends, readies;
};

static void count_end(void *ctx)
{
    ((struct pool_case *)ctx)->ends++;
}

static void count_ready(void *ctx)
{
    ((struct pool_case *)ctx)->readies++;
}

static struct outfile *pool_file(struct pool_case *pc, const char *url)
{
    struct strbuf err = STRBUF_INIT;
    struct outfile *f = calloc(1, sizeof *f);
    assert_non_null(f);
    assert_int_equal(outdir_begin(&pc->od, url, f, &err), 0);
    f->on_end = count_end;
    f->on_ready = count_ready;
    f->ctx = pc;
    sb_free(&err);
    return f;
}

static void wait_for(int *count, int want)
{
    for (int i = 0; i < 2000 && *count < want; i++)
        assert_int_equal(cf_sleep(0.002), 0);
    assert_int_equal(*count, want);
}

static long long size_of(const char *dir, const char *name)
{
    char path[512];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static int pool_main(void *arg, void **res)
{
    struct pool_case *pc = arg;
    struct strbuf err = STRBUF_INIT;
    static char body[200000];
    struct outfile *f;
    size_t at = 0;
    int pauses = 0;
    (void)res;

    /* A small file on a fast disk: its end is made here, no callback. */
    f = pool_file(pc, "http://h/small");
    assert_int_equal(outdir_write(f, "small", 5), 0);
    assert_int_equal(outdir_end(&pc->od, f, 1), 1);
    assert_int_equal(outdir_end_result(&pc->od, f, &err), 0);
    assert_int_equal(pc->ends, 0);
    assert_int_equal(size_of(pc->dir, "h_2Fsmall"), 5);
    free(f);

    /* Once the disk was slow: on the pool, and on_end from the loop. */
    pc->od.disk_slow = 1;
    f = pool_file(pc, "http://h/slow");
    assert_int_equal(outdir_write(f, "slow", 4), 0);
    assert_int_equal(outdir_end(&pc->od, f, 1), 0);
    assert_int_equal(pc->ends, 0);
    wait_for(&pc->ends, 1);
    assert_int_equal(outdir_end_result(&pc->od, f, &err), 0);
    assert_int_equal(size_of(pc->dir, "h_2Fslow"), 4);
    free(f);

    for (size_t i = 0; i < sizeof body; i++)
        body[i] = (char)(i * 2654435761u >> 24);

    /* Many blocks on a fast disk: the loop writes them (never refused) and ends the file. */
    pc->od.disk_slow = 0;
    f = pool_file(pc, "http://h/fast");
    for (at = 0; at < sizeof body; at += 16384)
        assert_int_equal(
            outdir_write(f, body + at, sizeof body - at < 16384 ? sizeof body - at : 16384), 0);
    assert_false(f->body.pooled);
    assert_int_equal(outdir_end(&pc->od, f, 1), 1);
    assert_int_equal(outdir_end_result(&pc->od, f, &err), 0);
    assert_int_equal(size_of(pc->dir, "h_2Ffast"), (long long)sizeof body);
    assert_int_equal(pc->od.buffers.held, 0);
    free(f);
    at = 0;

    /* Many blocks once the disk was slow, in chunks of 16 KiB: on the pool, refused while
     * both buffers are taken, taken again after on_ready; the file is the body. */
    pc->od.disk_slow = 1;
    f = pool_file(pc, "http://h/big");
    while (at < sizeof body) {
        size_t n = sizeof body - at < 16384 ? sizeof body - at : 16384;
        int readies = pc->readies;
        int rc = outdir_write(f, body + at, n);
        if (rc == BW_PAUSE) {
            pauses++;
            wait_for(&pc->readies, readies + 1);
            continue;
        }
        assert_int_equal(rc, 0);
        at += n;
    }
    assert_true(pc->od.buffers.held <= 2 * BW_BLOCK);
    assert_true(f->body.pooled);
    assert_int_equal(outdir_end(&pc->od, f, 1), 0);
    wait_for(&pc->ends, 2);
    assert_int_equal(outdir_end_result(&pc->od, f, &err), 0);
    assert_int_equal(pc->od.buffers.held, 0);
    assert_int_equal(size_of(pc->dir, "h_2Fbig"), (long long)sizeof body);
    free(f);
    (void)pauses; /* a fast worker may never make one: not asserted */
    {
        char path[512];
        FILE *in;
        static char got[sizeof body];
        snprintf(path, sizeof path, "%s/h_2Fbig", pc->dir);
        in = fopen(path, "rb");
        assert_non_null(in);
        assert_int_equal(fread(got, 1, sizeof got, in), sizeof got);
        fclose(in);
        assert_memory_equal(got, body, sizeof body);
    }
    sb_free(&err);
    return 0;
}

static void test_pool_ends(void **state)
{
    char dir[] = "/tmp/cofetch-outdir-XXXXXX";
    struct pool_case pc = {.dir = dir};
    cf_loop *loop;
    cf_pool *pool;
    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(outdir_open(&pc.od, dir, 0, 0), 0);
    assert_int_equal(cf_loop_new(&loop, NULL), 0);
    assert_int_equal(cf_pool_new(&pool, loop, 2), 0);
    pc.od.pool = pool;
    assert_int_equal(cf_loop_run(loop, pool_main, &pc, NULL), 0);
    assert_int_equal(cf_pool_free(pool), 0);
    cf_loop_free(loop);
    outdir_close(&pc.od);
    assert_int_equal(t_count_files(dir), 4);
    {
        char path[512];
        static const char *const names[] = {"h_2Fsmall", "h_2Fslow", "h_2Ffast", "h_2Fbig"};
        for (size_t i = 0; i < 4; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            unlink(path);
        }
    }
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostile_names),
        cmocka_unit_test(test_names_readable_and_distinct),
        cmocka_unit_test(test_temp_then_rename),
        cmocka_unit_test(test_pool_ends),
        cmocka_unit_test(test_sweeps_stale_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_cli_outdir_prop.c - a property test of -o names over thousands of generated hostile
 * URLs: `..` and `%2e%2e`, encoded and raw slashes, backslashes, absolute paths, control
 * bytes, 4 KB names, UTF-8 and random bytes, user info, fragments, schemes inside URLs.
 *
 * For every URL: the name is one path component (no '/'), not "." or "..", not hidden, has
 * no backslash, control or non-ASCII byte, and is 1..OUTDIR_NAME_MAX bytes; the same URL
 * gives the same name. Over all of them: URLs that are different fetch targets (they
 * differ in more than what outdir.h says a name drops: the fragment, the user info, and
 * "http://" of http URLs) get different names. Then the same through the files:
 * outdir_begin/commit create exactly that name inside the directory, and an abort leaves
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <fcntl.h>

#include <cmocka.h>
#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "base/hash.h"
#include "input/linecheck.h"
#include "output/outdir.h"

enum { NURLS = 6000 };

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    /* xorshift64*: deterministic, so a failure reproduces. */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

static size_t pick(size_t n)
{
    return (size_t)(next() % n);
}

struct buf {
    char s[8192];
    size_t n;
};

static void put(struct buf *b, const char *s, size_t len)
{
    size_t room = sizeof b->s - 1 - b->n; /* b->n < sizeof b->s always */

    if (len > room)
        len = room;
    memcpy(b->s + b->n, s, len);
    b->n += len;
    b->s[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

static const char *const schemes[] = {
    "http://", "HTTP://", "hTtP://",         "https://",      "ftp://",          "file:///",  "",
    "http:/",  "http:",   "http://https://", "http://ftp://", "https://http://", "gopher://", "//",
};
static const char *const users[] = {"", "", "", "user@", "u:p@", "@", "a@b@", "%2e%2e@", "..@"};
static const char *const hosts[] = {
    "h",  "example.com", "127.0.0.1:8080", "[::1]", "[::1]:80",   "H",      "xn--bcher-kva.ch",
    "..", ".",           "%2e%2e",         "a.b.",  "localhost:", "https:", "",
};
static const char *const pieces[] = {
    "/",
    "/",
    "..",
    "../",
    "%2e%2e",
    "%2E%2E%2F",
    "%2f",
    "%2F",
    "%5c",
    "\\",
    "\\..\\",
    ".",
    ".hidden",
    "/etc/passwd",
    "//",
    "?",
    "&",
    "=",
    "#",
    "#frag",
    "@",
    ":",
    ";",
    "%00",
    "%",
    "%%",
    "~",
    "_",
    "-",
    "\xc3\xa9",
    "\xe2\x80\xae",
    "\xf0\x9f\x92\xa9",
    "\xff\xfe",
    "\x7f",
    "\t",
    "\r",
    "\n",
    "\x1b[31m",
    " ",
    "*",
    "|",
    "\"",
    "<>",
    "$HOME",
    "`x`",
    "a",
    "b",
    "1",
};

static int printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    return 1;
}

/* One hostile URL into b. Half of them keep to printable ASCII, which curl takes for a
 * URL more often: those are the ones whose names must differ. */
static void gen(struct buf *b)
{
    int mild = pick(2) == 0;
    b->n = 0;
    b->s[0] = '\0';
    puts_(b, schemes[pick(sizeof schemes / sizeof *schemes)]);
    puts_(b, users[pick(sizeof users / sizeof *users)]);
    puts_(b, hosts[pick(sizeof hosts / sizeof *hosts)]);
    size_t n = pick(12);
    for (size_t i = 0; i < n; i++) {
        switch (pick(8)) {
        case 0: /* random bytes, NUL excluded (a C string) */
            if (mild) {
                char c = (char)(0x21 + pick(0x5e));
                put(b, &c, 1);
                break;
            }
            {
                size_t k = 1 + pick(8);
                for (size_t j = 0; j < k; j++) {
                    char c = (char)(1 + pick(255));
                    put(b, &c, 1);
                }
            }
            break;
        case 1: { /* a long run: names over the limit, up to about 4 KB */
            size_t k = pick(4200);
            char c = "a/.%_"[pick(5)];
            for (size_t j = 0; j < k; j++)
                put(b, &c, 1);
            break;
        }
        default: {
            const char *p;
            do
                p = pieces[pick(sizeof pieces / sizeof *pieces)];
            while (mild && !printable(p));
            puts_(b, p);
            break;
        }
        }
    }
    /* A unique tail now and then, so there are many near-identical pairs. */
    if (pick(3) == 0) {
        char tail[32];
        snprintf(tail, sizeof tail, "/%llu", (unsigned long long)pick(50));
        puts_(b, tail);
    }
}

/* What a name depends on (outdir.h): never the fragment nor the user info; for http URLs
 * not the case of "http" either. */
static void canonical(const char *url, struct buf *out)
{
    const char *sep = strstr(url, "://");
    const char *s = url;

    out->n = 0;
    out->s[0] = '\0';
    if (!sep) { /* as fetched: with the scheme libcurl guesses */
        CURLU *u = curl_url();
        char *scheme = NULL;
        struct buf full;
        assert_int_equal(curl_url_set(u, CURLUPART_URL, url, CURLU_GUESS_SCHEME), CURLUE_OK);
        assert_int_equal(curl_url_get(u, CURLUPART_SCHEME, &scheme, 0), CURLUE_OK);
        full.n = 0;
        full.s[0] = '\0';
        puts_(&full, scheme);
        puts_(&full, "://");
        puts_(&full, url);
        curl_free(scheme);
        curl_url_cleanup(u);
        canonical(full.s, out);
        return;
    }
    if (sep) {
        const char *auth = sep + 3;
        size_t alen = strcspn(auth, "/?#");
        const char *at = NULL;
        for (size_t i = 0; i < alen; i++)
            if (auth[i] == '@')
                at = auth + i;
        if (sep - url == 4 && strncasecmp(url, "http", 4) == 0)
            puts_(out, "http://");
        else
            put(out, url, (size_t)(auth - url));
        s = at ? at + 1 : auth;
    }
    put(out, s, strcspn(s, "#"));
}

static void assert_safe_name(const char *name, const char *url)
{
    size_t len = strlen(name);
    if (len == 0 || len > OUTDIR_NAME_MAX)
        fail_msg("name of length %zu for '%s'", len, url);
    if (name[0] == '.' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        fail_msg("hidden or dot name '%s' for '%s'", name, url);
    for (const char *p = name; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/' || c == '\\' || c < 0x20 || c >= 0x7f)
            fail_msg("byte 0x%02x in name '%s' for '%s'", c, name, url);
    }
}

struct named {
    char *url;
    char *canon; /* NULL: not a URL cofetch would fetch (a bad line): never named */
    char name[OUTDIR_NAME_MAX + 1];
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static void test_generated_names(void **state)
{
    struct named *all = calloc(NURLS + 4, sizeof *all);
    static struct buf b, c;
    size_t n = 0, fetchable = 0;
    (void)state;

    assert_non_null(all);
    /* Pairs found by hand first: a scheme inside an http URL vs the URL itself. */
    static const char *const fixed[] = {"http://https://h/x", "https://h/x", "http://ftp://h/",
                                        "ftp://h/"};
    for (size_t i = 0; i < 4; i++) {
        all[n].url = strdup(fixed[i]);
        n++;
    }
    for (int i = 0; i < NURLS; i++, n++) {
        gen(&b);
        all[n].url = strdup(b.s);
    }
    for (size_t i = 0; i < n; i++) {
        char again[OUTDIR_NAME_MAX + 1];
        assert_non_null(all[i].url);
        outdir_name(all[i].url, all[i].name);
        assert_safe_name(all[i].name, all[i].url);
        outdir_name(all[i].url, again);
        assert_string_equal(again, all[i].name); /* deterministic */
        char why[192];
        if (line_check(all[i].url, strlen(all[i].url), "http,https,ftp,file,gopher", why,
                       sizeof why) == 0) {
            canonical(all[i].url, &c);
            all[i].canon = strdup(c.s);
            assert_non_null(all[i].canon);
            fetchable++;
        }
    }
    assert_true(fetchable > NURLS / 4); /* the generator makes enough real URLs */
    qsort(all, n, sizeof *all, by_name);
    for (size_t i = 1; i < n; i++)
        if (strcmp(all[i - 1].name, all[i].name) == 0 && all[i - 1].canon && all[i].canon &&
            strcmp(all[i - 1].canon, all[i].canon) != 0)
            fail_msg("'%s' and '%s' share the name '%s'", all[i - 1].url, all[i].url, all[i].name);
    for (size_t i = 0; i < n; i++) {
        free(all[i].url);
        free(all[i].canon);
    }
    free(all);
}

/* Through the files: the final name is a direct entry of the directory, and nothing but
 * committed names is ever left (abort removes the temporary file). */
static void test_generated_files(void **state)
{
    char dir[] = "/tmp/cofetch-outdir-prop-XXXXXX";
    struct outdir od = {.dirfd = -1};
    static struct buf b;
    struct strbuf err = STRBUF_INIT;
    int committed = 0;
    (void)state;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(outdir_open(&od, dir, 0, 0), 0);
    for (int i = 0; i < 1500; i++) {
        struct outfile f = {.fd = -1};
        gen(&b);
        assert_int_equal(outdir_begin(&od, b.s, &f, &err), 0);
        assert_int_equal(write(f.fd, "x", 1), 1);
        if (i % 3 == 0) {
            outdir_abort(&od, &f);
            continue;
        }
        assert_int_equal(outdir_commit(&od, &f, &err), 0);
        struct stat st;
        assert_int_equal(fstatat(od.dirfd, f.name, &st, AT_SYMLINK_NOFOLLOW), 0);
        assert_true(S_ISREG(st.st_mode));
        committed++;
    }
    /* Every entry is a regular, visible file directly in dir; no temporary is left. */
    DIR *d = opendir(dir);
    struct dirent *e;
    int files = 0;
    assert_non_null(d);
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        assert_true(e->d_name[0] != '.');
        assert_int_equal(unlinkat(od.dirfd, e->d_name, 0), 0);
        files++;
    }
    closedir(d);
    assert_true(files >= 1 && files <= committed); /* equal names overwrite */
    sb_free(&err);
    outdir_close(&od);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    /* CF_PROP_SEED=N explores other URLs (the default seed is fixed, so CI reproduces). */
    const char *seed = getenv("CF_PROP_SEED");
    if (seed && strtoull(seed, NULL, 10))
        rng = strtoull(seed, NULL, 10);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generated_names),
        cmocka_unit_test(test_generated_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

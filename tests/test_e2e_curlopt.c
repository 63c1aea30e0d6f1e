/*
 * test_e2e_curlopt.c - curl's options mean what they mean in curl: the built cofetch
 * beside the curl binary, on the same loopback URLs, writes the same files and makes the
 * server see the same request (/echo returns it as received).
 *
 * Each program runs in a directory of its own under the fixture's temporary directory.
 * Without a curl binary the comparisons skip, saying so; the checks of cofetch alone
 * still run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_proc.h"
#include "support.h"

#define COFETCH CF_BINARY_DIR "/cofetch"
#define CURL    "/usr/bin/curl"

enum { MAXARGS = 48 };

static int have_curl;

static int setup(void **state)
{
    (void)state;
    have_curl = access(CURL, X_OK) == 0;
    if (!have_curl)
        fprintf(stderr, "SKIP (comparisons): no %s: apt-get install curl\n", CURL);
    return cli_env_setup("curlopt");
}

struct prog {
    char *out, *err; /* NUL-terminated (free them) */
    int code;        /* exit code, or 128 + signal */
};

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Reads fd to its end into a NUL-terminated buffer. */
static char *drain(int fd)
{
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    ssize_t n;

    assert_non_null(buf);
    while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    buf[len] = '\0';
    close(fd);
    return buf;
}

/* Runs path with argv in directory dir (stdin /dev/null); stderr goes to a file so that
 * reading stdout to its end cannot block on it. */
static void prog_run(struct prog *p, const char *path, const char *dir, char *const argv[])
{
    char errpath[128];
    int out[2], efd, status;
    pid_t pid;

    snprintf(errpath, sizeof errpath, "%s/.stderr-%ld", cli_env.tmpdir, (long)getpid());
    efd = open(errpath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(efd >= 0);
    assert_int_equal(pipe(out), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0 || dup2(in, 0) < 0 || dup2(out[1], 1) < 0 || dup2(efd, 2) < 0 || chdir(dir) != 0)
            _exit(127);
        close(out[0]);
        execv(path, argv);
        _exit(127);
    }
    close(out[1]);
    p->out = drain(out[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    p->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    lseek(efd, 0, SEEK_SET);
    p->err = drain(efd);
    unlink(errpath);
}

static void prog_free(struct prog *p)
{
    free(p->out);
    free(p->err);
}

/* A fresh directory under the fixture's: its path in one of 8 rotating buffers. */
static const char *fresh_dir(const char *name)
{
    static char bufs[8][160];
    static int next;
    char *d = bufs[next++ % 8];
    char cmd[400];

    snprintf(d, sizeof bufs[0], "%s/%s", cli_env.tmpdir, name);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", d, d);
    assert_int_equal(system(cmd), 0);
    return d;
}

/* Every file under dir with its size and SHA-1, one a line, sorted. */
static char *listing(const char *dir)
{
    char cmd[512];
    FILE *f;
    char *s;

    snprintf(cmd, sizeof cmd,
             "cd '%s' && find . -type f ! -name '.*' -print0 | sort -z | xargs -0 -r sha1sum", dir);
    f = popen(cmd, "r");
    assert_non_null(f);
    s = drain(dup(fileno(f)));
    pclose(f);
    return s;
}

/* argv for prog_run: name, then the words of a NULL-terminated list, then more. */
struct args {
    char *v[MAXARGS];
    int n;
};

static void args_add(struct args *a, const char *const *words)
{
    for (; words && *words; words++) {
        assert_true(a->n + 1 < MAXARGS);
        a->v[a->n++] = (char *)*words;
    }
    a->v[a->n] = NULL;
}

/* Runs cofetch (with extra, its own options first) and curl on the same options; both in
 * directories of their own, named a and b, made fresh. */
static void both(struct prog *co, struct prog *cu, const char *const *extra,
                 const char *const *opts, const char *codir, const char *cudir)
{
    struct args a = {.v = {"cofetch"}, .n = 1}, b = {.v = {"curl"}, .n = 1};

    args_add(&a, extra);
    args_add(&a, opts);
    prog_run(co, COFETCH, codir, a.v);
    if (have_curl) {
        args_add(&b, opts);
        prog_run(cu, CURL, cudir, b.v);
    }
}

/* ---- -o, -O, --output-dir, --create-dirs ---- */

/* The Nth -o or -O is for the Nth URL, wherever they stand; -o names a file, -O takes
 * the URL's last path segment (no query); a URL without one is not saved. Inside
 * --output-dir, and its subdirectories only with --create-dirs: the same files as curl. */
static void test_output_files_pair_with_urls(void **state)
{
    const char *co_dir = fresh_dir("o-co"), *cu_dir = fresh_dir("o-cu");
    const char *opts[] = {"-s", "--output-dir",       "d",
                          "-o", "first.txt",          cli_url("/bytes?n=3"),
                          "-O", cli_url("/next?n=5"), cli_url("/bytes?n=7"),
                          "-o", "sub/third",          cli_url("/bytes?n=9"),
                          NULL};
    const char *const extra[] = {"-w", "%{http_code} %{filename_effective}\\n", NULL};
    struct prog co, cu;
    char path[256];
    (void)state;

    snprintf(path, sizeof path, "%s/d", co_dir);
    assert_int_equal(mkdir(path, 0777), 0);
    snprintf(path, sizeof path, "%s/d", cu_dir);
    assert_int_equal(mkdir(path, 0777), 0);
    /* d/sub is missing: that fetch fails (cofetch: its record; curl: 23), not the others. */
    both(&co, &cu, extra, opts, co_dir, cu_dir);
    assert_int_equal(co.code, 1);
    char *lc = listing(co_dir);
    assert_non_null(strstr(lc, "./d/first.txt\n"));
    assert_non_null(strstr(lc, "./d/next\n"));
    assert_null(strstr(lc, "third"));
    assert_int_equal(count_lines(lc), 2);
    if (have_curl) {
        char *lu = listing(cu_dir);
        assert_string_equal(lc, lu);
        free(lu);
        prog_free(&cu);
    }
    free(lc);
    prog_free(&co);

    /* With --create-dirs, d/sub is made. */
    const char *const extra2[] = {"--create-dirs", NULL};
    const char *co2 = fresh_dir("o-co2"), *cu2 = fresh_dir("o-cu2");
    const char *opts2[] = {"-s", "--output-dir",        "d",
                           "-o", "sub/third",           cli_url("/bytes?n=9"),
                           "-O", cli_url("/bytes?n=4"), NULL};
    struct args a = {.v = {"cofetch"}, .n = 1}, b = {.v = {"curl"}, .n = 1};
    args_add(&a, extra2);
    args_add(&a, opts2);
    prog_run(&co, COFETCH, co2, a.v);
    assert_int_equal(co.code, 0);
    lc = listing(co2);
    assert_non_null(strstr(lc, "./d/sub/third\n"));
    assert_non_null(strstr(lc, "./d/bytes\n"));
    if (have_curl) {
        args_add(&b, extra2);
        args_add(&b, opts2);
        prog_run(&cu, CURL, cu2, b.v);
        assert_int_equal(cu.code, 0);
        char *lu = listing(cu2);
        assert_string_equal(lc, lu);
        free(lu);
        prog_free(&cu);
    }
    free(lc);
    prog_free(&co);
}

/* -O on a URL whose path ends in '/': no name, so that URL fails (curl: "Remote file name
 * has no length", 23); curl then stops, cofetch goes on with the batch. -O writes in the
 * current directory. */
static void test_remote_name_without_a_segment(void **state)
{
    const char *co_dir = fresh_dir("O-co"), *cu_dir = fresh_dir("O-cu");
    const char *opts[] = {"-sS", "-O", cli_url("/"), NULL};
    const char *const extra[] = {"--jsonl", NULL};
    struct prog co, cu;
    (void)state;

    both(&co, &cu, extra, opts, co_dir, cu_dir);
    assert_int_equal(co.code, 1);
    assert_non_null(strstr(co.out, "remote file name has no length"));
    assert_non_null(strstr(co.err, "remote file name has no length")); /* -S */
    if (have_curl) {
        assert_int_equal(cu.code, 23); /* CURLE_WRITE_ERROR, no file */
        prog_free(&cu);
    }
    prog_free(&co);

    char *const argv[] = {
        "cofetch", "-s", "--jsonl", "-O", cli_url("/"), "-O", cli_url("/bytes?n=6"), NULL};
    prog_run(&co, COFETCH, co_dir, argv);
    assert_int_equal(co.code, 1);
    assert_int_equal(count_lines(co.out), 2);
    char *lc = listing(co_dir);
    assert_non_null(strstr(lc, "./bytes\n"));
    assert_int_equal(count_lines(lc), 1);
    free(lc);
    prog_free(&co);
}

/* --remote-name-all is -O for every URL, from -i too; --output-dir alone keeps the
 * injective URL-derived names; --no-clobber keeps an -o file that is there. */
static void test_remote_name_all_and_output_dir(void **state)
{
    const char *dir = fresh_dir("all");
    char list[256], path[256];
    struct prog co;
    (void)state;

    snprintf(list, sizeof list, "%s/list", dir);
    FILE *f = fopen(list, "w");
    assert_non_null(f);
    fprintf(f, "%s\n%s\n", cli_url("/bytes?n=2"), cli_url("/next?n=3"));
    fclose(f);
    char *const argv[] = {"cofetch", "-s", "--remote-name-all", "-i", list, NULL};
    prog_run(&co, COFETCH, dir, argv);
    assert_int_equal(co.code, 0);
    char *l = listing(dir);
    assert_non_null(strstr(l, "./bytes\n"));
    assert_non_null(strstr(l, "./next\n"));
    free(l);
    prog_free(&co);

    char *const argv2[] = {"cofetch", "-s", "--output-dir", "od", cli_url("/bytes?n=2"), NULL};
    prog_run(&co, COFETCH, dir, argv2);
    assert_int_equal(co.code, 0);
    snprintf(path, sizeof path, "%s/od/127.0.0.1_3A%d_2Fbytes_3Fn_3D2", dir, cli_env.srv.port);
    assert_int_equal(access(path, F_OK), 0);
    prog_free(&co);

    snprintf(path, sizeof path, "%s/keep", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("old", f);
    fclose(f);
    char *const argv3[] = {"cofetch", "-s", "--no-clobber", "-o", "keep", cli_url("/bytes?n=9"),
                           NULL};
    prog_run(&co, COFETCH, dir, argv3);
    assert_int_equal(co.code, 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 3);
    prog_free(&co);
}

/* ---- the request body ---- */

/* One command line's request, as /echo saw it, is curl's. */
static void same_request(const char *const *opts)
{
    const char *const extra[] = {"-s", "--body", "-A", "t", NULL};
    const char *dir = cli_env.tmpdir;
    struct args a = {.v = {"cofetch"}, .n = 1}, b = {.v = {"curl"}, .n = 1};
    const char *const curl_extra[] = {"-s", "-A", "t", NULL};
    struct prog co, cu;

    args_add(&a, extra);
    args_add(&a, opts);
    prog_run(&co, COFETCH, dir, a.v);
    assert_int_equal(co.code, 0);
    assert_non_null(strstr(co.out, "{\"method\":\""));
    if (have_curl) {
        args_add(&b, curl_extra);
        args_add(&b, opts);
        prog_run(&cu, CURL, dir, b.v);
        assert_int_equal(cu.code, 0);
        if (strcmp(co.out, cu.out) != 0)
            fail_msg("%s ...: cofetch sent\n%s\ncurl sent\n%s", opts[0], co.out, cu.out);
        prog_free(&cu);
    }
    prog_free(&co);
}

static void test_data_options_like_curl(void **state)
{
    char text[256], bin[256];
    (void)state;

    snprintf(text, sizeof text, "@%s/text", cli_env.tmpdir);
    snprintf(bin, sizeof bin, "n@%s/text", cli_env.tmpdir);
    FILE *f = fopen(text + 1, "w");
    assert_non_null(f);
    fputs("a=1\r\nb=2\n&c=3 4\n", f);
    fclose(f);
    const char *url = cli_url("/echo");
    const char *qurl = cli_url("/echo?x=1");
    {
        const char *o[] = {"-d", "a=1", "-d", "b=2", url, NULL}; /* joined with & */
        same_request(o);
    }
    {
        const char *o[] = {"-d", text, url, NULL}; /* CR and LF dropped */
        same_request(o);
    }
    {
        const char *o[] = {"--data-binary", text, "--data-ascii", "z", url, NULL};
        same_request(o);
    }
    {
        const char *o[] = {"--data-raw", text, url, NULL}; /* '@' is no file */
        same_request(o);
    }
    {
        const char *o[] = {"--data-urlencode",
                           "n m=a b&c",
                           "--data-urlencode",
                           "=x y",
                           "--data-urlencode",
                           "pl/ain",
                           "--data-urlencode",
                           text,
                           "--data-urlencode",
                           bin,
                           url,
                           NULL};
        same_request(o);
    }
    {
        const char *o[] = {"--json", "{\"a\":1", "--json", ",\"b\":2}", url, NULL};
        same_request(o);
    }
    {
        const char *o[] = {"-H", "Content-Type: text/x-json", "--json", text, url, NULL};
        same_request(o);
    }
    {
        const char *o[] = {"-G", "-d", "a=1", "--data-urlencode", "q=a b", qurl, NULL};
        same_request(o);
    }
    {
        const char *o[] = {"-G", "-d", "a=1", url, NULL};
        same_request(o);
    }
    {
        const char *o[] = {"-X", "PUT", "-d", "x", url, NULL};
        same_request(o);
    }
}

/* -C - continues a partial -o file from its size (the server answers 206), and a
 * complete one stays as it is (416); -C N and -r ask for those bytes: what is written
 * is curl's. */
static void test_continue_and_range_like_curl(void **state)
{
    const char *co_dir = fresh_dir("C-co"), *cu_dir = fresh_dir("C-cu");
    const char *const extra[] = {NULL};
    struct prog co, cu;
    char path[256];
    (void)state;

    for (int d = 0; d < 2; d++) {
        snprintf(path, sizeof path, "%s/part", d ? cu_dir : co_dir);
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs("abcdefghij", f);
        fclose(f);
    }
    const char *opts[] = {"-s", "-C", "-", "-o", "part", cli_url("/bytes?n=30"), NULL};
    for (int run = 0; run < 2; run++) { /* 206, then 416: the file is whole */
        both(&co, &cu, extra, opts, co_dir, cu_dir);
        assert_int_equal(co.code, 0);
        char *lc = listing(co_dir);
        assert_non_null(strstr(lc, "./part\n"));
        if (have_curl) {
            assert_int_equal(cu.code, 0);
            char *lu = listing(cu_dir);
            assert_string_equal(lc, lu);
            free(lu);
            prog_free(&cu);
        }
        free(lc);
        prog_free(&co);
    }
    snprintf(path, sizeof path, "%s/part", co_dir);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 30);

    const char *const body[] = {"--body", NULL};
    const char *at[] = {"-s", "-C", "5", cli_url("/bytes?n=12"), NULL};
    both(&co, &cu, body, at, co_dir, cu_dir);
    assert_string_equal(co.out, "fghijkl");
    if (have_curl) {
        assert_string_equal(cu.out, co.out);
        prog_free(&cu);
    }
    prog_free(&co);
    const char *range[] = {"-s", "-r", "3-6", cli_url("/bytes?n=12"), NULL};
    both(&co, &cu, body, range, co_dir, cu_dir);
    assert_string_equal(co.out, "defg");
    if (have_curl) {
        assert_string_equal(cu.out, co.out);
        prog_free(&cu);
    }
    prog_free(&co);
}

/* --etag-save writes the ETag as curl does (an empty file without one); --etag-compare
 * sends it back as If-None-Match, read as curl reads it: the server answers 304. */
static void test_etags_like_curl(void **state)
{
    char co_tag[160], cu_tag[160], cmd[400];
    const char *url = cli_url("/etag?v=%%22t1%%22");
    struct prog co, cu;
    (void)state;

    snprintf(co_tag, sizeof co_tag, "%s/etag-co", cli_env.tmpdir);
    snprintf(cu_tag, sizeof cu_tag, "%s/etag-cu", cli_env.tmpdir);
    char *const save[] = {"cofetch", "-s", "--etag-save", co_tag, (char *)url, NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, save);
    assert_int_equal(co.code, 0);
    prog_free(&co);
    char *const cmp[] = {"cofetch",        "-s",   "-w",        "%{http_code}\\n",
                         "--etag-compare", co_tag, (char *)url, NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, cmp);
    assert_string_equal(co.out, "304\n");
    prog_free(&co);
    if (have_curl) {
        char *const csave[] = {"curl",        "-s",   "-o",        "/dev/null",
                               "--etag-save", cu_tag, (char *)url, NULL};
        prog_run(&cu, CURL, cli_env.tmpdir, csave);
        prog_free(&cu);
        snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", co_tag, cu_tag);
        assert_int_equal(system(cmd), 0);
    }
    char *const none[] = {"cofetch", "-s", "--etag-save", co_tag, cli_url("/bytes?n=1"), NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, none);
    struct stat st;
    assert_int_equal(stat(co_tag, &st), 0);
    assert_int_equal(st.st_size, 0);
    prog_free(&co);
    /* Read as -d @FILE is: CR and LF out; an empty file sends "". */
    FILE *f = fopen(co_tag, "w");
    assert_non_null(f);
    fputs("W/\"x y\"\r\nmore\n", f);
    fclose(f);
    const char *o[] = {"--etag-compare", co_tag, cli_url("/echo"), NULL};
    same_request(o);
    f = fopen(co_tag, "w");
    assert_non_null(f);
    fclose(f);
    same_request(o);
}

/* A curl -K file runs unchanged: the same request. */
static void test_config_file_like_curl(void **state)
{
    char path[160];
    (void)state;

    snprintf(path, sizeof path, "%s/curl.cfg", cli_env.tmpdir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "# as curl reads it\n"
            "url = \"%s\"\n"
            "header = \"X-Spaced: a  b\"\n"
            "--data-raw \"q=\\\"x\\\"&t=1\\t2\"\n"
            "request: PUT\n"
            "  referer http://r.test/\n",
            cli_url("/echo"));
    fclose(f);
    const char *o[] = {"-K", path, NULL};
    same_request(o);
}

/* ---- -S, -fsSL; --max-redirs; a URL without a scheme ---- */

static void test_show_error_and_fssl(void **state)
{
    struct prog co;
    const char *bad = cli_url("/status/404");
    (void)state;

    char *const argv[] = {
        "cofetch", "-fsSL", "-w", "%{http_code}\\n", (char *)bad, cli_url("/bytes?n=1"), NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, argv);
    assert_int_equal(co.code, 1); /* a failed fetch, not a usage error */
    assert_string_equal(co.out, "404\n200\n");
    char want[600];
    snprintf(want, sizeof want, "cofetch: args:1 %s: ", bad);
    assert_non_null(strstr(co.err, want));
    assert_int_equal(count_lines(co.err), 1);
    prog_free(&co);

    char *const argv2[] = {"cofetch", "-fs", "-w", "%{http_code}\\n", (char *)bad, NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, argv2);
    assert_int_equal(co.code, 1);
    assert_string_equal(co.err, ""); /* -s alone: nothing on stderr */
    prog_free(&co);
}

/* -L follows up to 50 redirects by default, as curl does; the 51st fails, in both. */
static void test_max_redirs_default_is_curls(void **state)
{
    const char *const extra[] = {NULL};
    struct prog co, cu;
    (void)state;

    const char *ok[] = {"-sL", "-w", "%{http_code} %{num_redirects}\\n", cli_url("/redirect?n=50"),
                        NULL};
    both(&co, &cu, extra, ok, cli_env.tmpdir, cli_env.tmpdir);
    assert_int_equal(co.code, 0);
    assert_string_equal(co.out, "200 50\n");
    if (have_curl) {
        assert_int_equal(cu.code, 0);
        assert_string_equal(strstr(cu.out, "200 50\n"), "200 50\n");
        prog_free(&cu);
    }
    prog_free(&co);
    const char *bad[] = {"-sL", "-o", "/dev/null", cli_url("/redirect?n=51"), NULL};
    both(&co, &cu, extra, bad, cli_env.tmpdir, cli_env.tmpdir);
    assert_int_equal(co.code, 1);
    if (have_curl) {
        assert_int_equal(cu.code, 47); /* CURLE_TOO_MANY_REDIRECTS */
        prog_free(&cu);
    }
    prog_free(&co);
}

/* "127.0.0.1:PORT/path" is fetched over http, as curl assumes. */
static void test_url_without_scheme(void **state)
{
    char bare[128];
    const char *const extra[] = {NULL};
    struct prog co, cu;
    (void)state;

    snprintf(bare, sizeof bare, "127.0.0.1:%d/bytes?n=3", cli_env.srv.port);
    const char *o[] = {"-s", "-w", "%{http_code} %{url_effective}\\n", "-o", "/dev/null",
                       bare, NULL};
    both(&co, &cu, extra, o, cli_env.tmpdir, cli_env.tmpdir);
    assert_int_equal(co.code, 0);
    char want[160];
    snprintf(want, sizeof want, "200 http://%s\n", bare);
    assert_string_equal(co.out, want);
    if (have_curl) {
        assert_string_equal(cu.out, want);
        prog_free(&cu);
    }
    prog_free(&co);
}

/* ---- curl's options through libcurl's (the request hook) ---- */

/* The proxy (the loopback server as one: it sees the absolute-form request line) and its
 * credentials, server credentials, a bearer token, cookies given, a referer, a range and
 * a time condition: the request the server sees is curl's. */
static void test_request_options_like_curl(void **state)
{
    char resolve[128], connect_to[128], rurl[128], curl_date[64];
    (void)state;

    {
        const char *o[] = {"-x", cli_env.srv.url, "-U", "pu:pp", "http://example.invalid/echo",
                           NULL};
        same_request(o);
    }
    {
        /* --noproxy: the proxy (a closed port) is not used for 127.0.0.1 */
        const char *o[] = {"-x",        "http://127.0.0.1:1", "--noproxy",
                           "127.0.0.1", cli_url("/echo"),     NULL};
        same_request(o);
    }
    {
        const char *o[] = {"-u",       "a:b", "-e",  "http://ref.test/", "-b",
                           "x=1; y=2", "-r",  "0-3", cli_url("/echo"),   NULL};
        same_request(o);
    }
    {
        const char *o[] = {"--oauth2-bearer", "t0k", cli_url("/echo"), NULL};
        same_request(o);
    }
    snprintf(curl_date, sizeof curl_date, "Tue, 01 Dec 2026 10:00:00 GMT");
    {
        const char *o[] = {"-z", curl_date, cli_url("/echo"), NULL};
        same_request(o);
    }
    {
        const char *o[] = {"-z", "-1 Jan 2020 00:00:00 GMT", cli_url("/echo"), NULL};
        same_request(o);
    }
    snprintf(resolve, sizeof resolve, "name.test:%d:127.0.0.1", cli_env.srv.port);
    snprintf(rurl, sizeof rurl, "http://name.test:%d/echo", cli_env.srv.port);
    {
        const char *o[] = {"--resolve", resolve, rurl, NULL};
        same_request(o);
    }
    snprintf(connect_to, sizeof connect_to, "other.test:80:127.0.0.1:%d", cli_env.srv.port);
    {
        const char *o[] = {"--connect-to", connect_to, "http://other.test/echo", NULL};
        same_request(o);
    }
}

/* -c: one cookie engine for the batch: the cookie a chain's first step is given goes
 * with its next step, and the jar written at the end is curl's; -b FILE reads it back. */
static void test_cookies_across_steps_like_curl(void **state)
{
    char jar[160], jar2[160], then[160];
    const char *set = cli_url("/setcookie?c=sid%%3Dabc%%3B%%20Path%%3D%%2F");
    struct prog co, cu;
    (void)state;

    snprintf(jar, sizeof jar, "%s/jar-co", cli_env.tmpdir);
    snprintf(jar2, sizeof jar2, "%s/jar-cu", cli_env.tmpdir);
    snprintf(then, sizeof then, "%s", cli_url("/echo"));
    char *const argv[] = {"cofetch", "-s", "--body", "-c", jar, "--then", then, (char *)set, NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, argv);
    assert_int_equal(co.code, 0);
    assert_non_null(strstr(co.out, "[\"Cookie\",\"sid=abc\"]"));
    prog_free(&co);
    char *const argv2[] = {"cofetch", "-s", "--body", "-b", jar, then, NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, argv2);
    assert_int_equal(co.code, 0);
    assert_non_null(strstr(co.out, "[\"Cookie\",\"sid=abc\"]"));
    prog_free(&co);
    /* Without -b or -c there is no engine: nothing is kept. */
    char *const argv3[] = {"cofetch", "-s", "--body", "--then", then, (char *)set, NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, argv3);
    assert_null(strstr(co.out, "Cookie"));
    prog_free(&co);
    if (have_curl) {
        char *const cargv[] = {"curl", "-s", "-o", "/dev/null", "-c", jar2, (char *)set, NULL};
        prog_run(&cu, CURL, cli_env.tmpdir, cargv);
        assert_int_equal(cu.code, 0);
        prog_free(&cu);
        char cmd[400];
        snprintf(cmd, sizeof cmd, "cmp -s '%s' '%s'", jar, jar2);
        assert_int_equal(system(cmd), 0);
    }
}

/* -4/-6 and --interface go to libcurl: an IPv4 address with -6 and an interface that
 * is not there fail, in curl too; --limit-rate slows a body down. */
static void test_connection_options(void **state)
{
    const char *const extra[] = {NULL};
    const char *url = cli_url("/bytes?n=1");
    struct prog co, cu;
    (void)state;

    const char *v6[] = {"-s", "-6", "-o", "/dev/null", url, NULL};
    both(&co, &cu, extra, v6, cli_env.tmpdir, cli_env.tmpdir);
    assert_int_equal(co.code, 1);
    if (have_curl) {
        assert_int_not_equal(cu.code, 0);
        prog_free(&cu);
    }
    prog_free(&co);
    const char *ifc[] = {"-s", "--interface", "nosuch0", "-o", "/dev/null", url, NULL};
    both(&co, &cu, extra, ifc, cli_env.tmpdir, cli_env.tmpdir);
    assert_int_equal(co.code, 1);
    if (have_curl) {
        assert_int_equal(cu.code, 45); /* CURLE_INTERFACE_FAILED */
        prog_free(&cu);
    }
    prog_free(&co);
    const char *ok[] = {"-s", "-4", "--interface", "127.0.0.1", "-o", "/dev/null", url, NULL};
    both(&co, &cu, extra, ok, cli_env.tmpdir, cli_env.tmpdir);
    assert_int_equal(co.code, 0);
    if (have_curl) {
        assert_int_equal(cu.code, 0);
        prog_free(&cu);
    }
    prog_free(&co);

    char *const slow[] = {"cofetch", "-s", "--limit-rate", "500k", cli_url("/bytes?n=2000000"),
                          NULL};
    double t0 = t_now();
    prog_run(&co, COFETCH, cli_env.tmpdir, slow);
    assert_int_equal(co.code, 0);
    if (t_now() - t0 < 0.5) /* 2 MB at 500 kB/s: about 4 s */
        fail_msg("--limit-rate 500k: 2 MB in %.3f s (%d %s)", t_now() - t0, co.code, co.out);
    prog_free(&co);
}

/* --retry-all-errors retries what -f fails; --retry-max-time ends the retries. */
static void test_retry_options(void **state)
{
    struct prog co;
    char url[200];
    (void)state;

    char *const all[] = {"cofetch",
                         "-s",
                         "--jsonl",
                         "-f",
                         "--retry",
                         "2",
                         "--retry-delay",
                         "0",
                         "--retry-all-errors",
                         cli_url("/status/404"),
                         NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, all);
    assert_int_equal(co.code, 1);
    assert_non_null(strstr(co.out, "\"attempts\":3"));
    prog_free(&co);
    char *const plain[] = {"cofetch",
                           "-s",
                           "--jsonl",
                           "-f",
                           "--retry",
                           "2",
                           "--retry-delay",
                           "0",
                           "--retry-connrefused",
                           cli_url("/status/404"),
                           NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, plain);
    assert_non_null(strstr(co.out, "\"attempts\":1"));
    prog_free(&co);
    snprintf(url, sizeof url, "%s", cli_url("/retry?fail=5&id=maxtime%d", (int)getpid()));
    char *const capped[] = {
        "cofetch",          "-s",  "--jsonl", "--retry", "5", "--retry-delay", "1",
        "--retry-max-time", "0.5", url,       NULL};
    prog_run(&co, COFETCH, cli_env.tmpdir, capped);
    assert_non_null(strstr(co.out, "\"attempts\":2")); /* the second began past 0.5 s */
    prog_free(&co);
}

/* Every long option of the curl binary is either taken or refused as a curl option that
 * cofetch does not support; none is "unknown". */
static void test_every_curl_option_is_known(void **state)
{
    FILE *f;
    char line[512], name[80];
    int n = 0;
    (void)state;

    if (!have_curl)
        skip();
    f = popen(CURL " --help all", "r");
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        struct prog co;
        char *dash = strstr(line, "--");
        if (!dash || sscanf(dash + 2, "%70[a-z0-9.-]", name) != 1 || dash - line > 8)
            continue;
        char opt[96];
        snprintf(opt, sizeof opt, "--%s", name);
        char *const argv[] = {"cofetch", opt, NULL};
        prog_run(&co, COFETCH, cli_env.tmpdir, argv);
        if (strstr(co.err, "is unknown"))
            fail_msg("curl's %s: %s", opt, co.err);
        n++;
        prog_free(&co);
    }
    pclose(f);
    assert_true(n > 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_files_pair_with_urls),
        cmocka_unit_test(test_remote_name_without_a_segment),
        cmocka_unit_test(test_remote_name_all_and_output_dir),
        cmocka_unit_test(test_data_options_like_curl),
        cmocka_unit_test(test_config_file_like_curl),
        cmocka_unit_test(test_etags_like_curl),
        cmocka_unit_test(test_continue_and_range_like_curl),
        cmocka_unit_test(test_show_error_and_fssl),
        cmocka_unit_test(test_max_redirs_default_is_curls),
        cmocka_unit_test(test_url_without_scheme),
        cmocka_unit_test(test_request_options_like_curl),
        cmocka_unit_test(test_cookies_across_steps_like_curl),
        cmocka_unit_test(test_connection_options),
        cmocka_unit_test(test_retry_options),
        cmocka_unit_test(test_every_curl_option_is_known),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

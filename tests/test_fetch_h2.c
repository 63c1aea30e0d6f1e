/*
 * test_fetch_h2.c - HTTP/2 over TLS against nghttpd (Debian's nghttp2-server): many
 * concurrent fetches on one loop are multiplexed as streams of one connection, and
 * CF_HTTP_1_1 keeps a request on HTTP/1.1.
 *
 * nghttpd runs in a forked child on 127.0.0.1 with a throwaway self-signed certificate
 * and a temporary docroot of 50 files. Without /usr/sbin/nghttpd (or /usr/bin/nghttpd)
 * the tests print why and skip: `apt-get install nghttp2-server`.
 *
 * How connections are counted. nghttpd -v logs every frame with the id of its session
 * (one per accepted TCP connection), e.g.
 *     [id=1] [  0.519] recv (stream_id=3) :path: /f07
 *     [id=1] [  0.520] stream_id=3 closed
 * so its log says exactly which connection each request came in on, and how many streams
 * were open on it at once. That is the ground truth used here: it is written by the server
 * as the requests arrive, not sampled (unlike `ss` mid-flight), and needs nothing from
 * libcurl that cf_response does not expose (CURLINFO_NUM_CONNECTS is not). The client's
 * view is checked against it: libcurl leaves CURLINFO_CONNECT_TIME at 0 for a transfer
 * that went over an existing connection (curl -w %{time_connect} prints 0.000000 for
 * the second URL of a reused connection), so the responses with t.connect > 0 are the
 * transfers that opened a connection, and there must be as many as the server saw.
 * Streams open at once > 1 shows real multiplexing, not one-after-another reuse; the
 * files are ~256 KiB so that each response takes several DATA frames and the streams
 * overlap even when nghttpd is quick.
 *
 * Fifty streams at once over one connection is also what catches libcurl 7.88 leaving a
 * finished stream unrun (see the watchdog in src/net/watchdog.c): without the watchdog this
 * test hung about one run in three; each request has a 20 s limit so a stall fails it.
 *
 * nghttpd speaks only h2: over TLS a client that does not offer h2 in ALPN gets its
 * connection closed ("Client did not advertise HTTP/2 protocol" on its stderr), and with
 * --no-tls it wants the h2 preface (prior knowledge), which cofetch has no option for
 * (CF_HTTP_2 on http:// asks for an Upgrade). So CF_HTTP_1_1 is checked twice: against
 * nghttpd it must fail having offered only http/1.1, and against the in-process loopback
 * server (evhttp, HTTP/1.1 only, with TLS) it must succeed with http_version 11.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cofetch/error.h"
#include "cofetch/task.h"
#include "net_fixture.h"
#include "server_fixture.h"

enum { NFILES = 50, MAX_CONNS = 2 };

static struct cf_test_cert cert;
static int have_cert;
static int have_local; /* nf.srv: the in-process loopback server, with TLS */
static char docroot[64] = "";
static const char *nghttpd;
static pid_t h2_pid = -1;
static int h2_port;
static char h2_base[64];
static char h2_log[96], h2_err[96]; /* nghttpd's stdout (-v frames) and stderr */
static char skip_why[160] = "";

/* ---- the docroot ----------------------------------------------------------------- */

static size_t file_len(int i)
{
    return 262144 + (size_t)i * 97;
}

static char file_byte(int i, size_t k)
{
    return (char)('a' + (i + k / 7) % 26);
}

static int make_docroot(void)
{
    snprintf(docroot, sizeof docroot, "/tmp/cf_h2_XXXXXX");
    if (!mkdtemp(docroot)) {
        docroot[0] = '\0';
        return -1;
    }
    for (int i = 0; i < NFILES; i++) {
        char path[96];
        FILE *f;

        snprintf(path, sizeof path, "%s/f%02d", docroot, i);
        if (!(f = fopen(path, "w")))
            return -1;
        for (size_t k = 0; k < file_len(i); k++)
            fputc(file_byte(i, k), f);
        if (fclose(f) != 0)
            return -1;
    }
    return 0;
}

static void remove_docroot(void)
{
    char path[96];

    if (!docroot[0])
        return;
    for (int i = 0; i < NFILES; i++) {
        snprintf(path, sizeof path, "%s/f%02d", docroot, i);
        unlink(path);
    }
    unlink(h2_log);
    unlink(h2_err);
    rmdir(docroot);
    docroot[0] = '\0';
}

/* ---- nghttpd ----------------------------------------------------------------------- */

static const char *find_nghttpd(void)
{
    static const char *const paths[] = {"/usr/sbin/nghttpd", "/usr/bin/nghttpd"};

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (access(paths[i], X_OK) == 0)
            return paths[i];
    return NULL;
}

/* The whole of a file (NUL-terminated, owned) or NULL; *len its size. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;

    if (!f)
        return NULL;
    do {
        if (cap - n < 4096) {
            char *nb = realloc(buf, cap += 65536);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static size_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (size_t)st.st_size : 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void stop_nghttpd(void)
{
    int status;

    if (h2_pid <= 0)
        return;
    kill(h2_pid, SIGTERM);
    for (int i = 0; i < 200; i++) { /* 10 s, then SIGKILL */
        if (waitpid(h2_pid, &status, WNOHANG) != 0) {
            h2_pid = -1;
            return;
        }
        sleep_ms(50);
    }
    kill(h2_pid, SIGKILL);
    waitpid(h2_pid, &status, 0);
    h2_pid = -1;
}

/* One try on a port that was free a moment ago: 0 when nghttpd listens on it, 1 when it
 * exited (the port was taken meanwhile: try another), -1 on any other failure. */
static int try_nghttpd(int port)
{
    char portstr[16], want[48];
    pid_t pid;

    snprintf(portstr, sizeof portstr, "%d", port);
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int out = open(h2_log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(h2_err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);

        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a crashed test leaves no server behind */
        if (getppid() == 1 || out < 0 || err < 0 || in < 0)
            _exit(127);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execl(nghttpd, "nghttpd", "-v", "-a", "127.0.0.1", "-d", docroot, portstr, cert.key,
              cert.cert, (char *)NULL);
        _exit(127);
    }
    h2_pid = pid;
    /* Ready when it has logged "IPv4: listen 127.0.0.1:PORT" (after listen()); no probe
     * connection, which would be a session in the log. */
    snprintf(want, sizeof want, "listen 127.0.0.1:%d", port);
    for (int i = 0; i < 200; i++) { /* 10 s */
        int status;
        char *log = slurp(h2_log, NULL);
        int up = log && strstr(log, want);

        free(log);
        if (up)
            return 0;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            char *err = slurp(h2_err, NULL);
            h2_pid = -1;
            fprintf(stderr, "nghttpd on port %d exited (%d): %s\n", port, status, err ? err : "");
            free(err);
            return 1;
        }
        sleep_ms(50);
    }
    stop_nghttpd();
    return -1;
}

static int start_nghttpd(void)
{
    snprintf(h2_log, sizeof h2_log, "%s/nghttpd.out", docroot);
    snprintf(h2_err, sizeof h2_err, "%s/nghttpd.err", docroot);
    for (int attempt = 0; attempt < 5; attempt++) {
        int port = nf_closed_port(), rc;

        if (port <= 0)
            return -1;
        rc = try_nghttpd(port);
        if (rc == 0) {
            h2_port = port;
            snprintf(h2_base, sizeof h2_base, "https://127.0.0.1:%d", port);
            return 0;
        }
        if (rc < 0)
            return -1;
    }
    return -1;
}

/* ---- the log ------------------------------------------------------------------------ */

struct h2_log_stats {
    int paths;       /* our requests (":path: /fNN") seen */
    int conns;       /* distinct sessions they came in on */
    int max_streams; /* most streams open at once on one session */
    int conn_of[NFILES];
};

/* Count our requests per session in (a tail of) nghttpd's -v output. */
static void parse_log(const char *text, struct h2_log_stats *st)
{
    enum { MAXID = 256 };
    int open_streams[MAXID] = {0}, seen[MAXID] = {0};
    const char *line = text;

    memset(st, 0, sizeof *st);
    for (int i = 0; i < NFILES; i++)
        st->conn_of[i] = -1;
    while (line && *line) {
        const char *nl = strchr(line, '\n');
        int id, f, pos = -1, end = -1;
        unsigned sid;

        /* "[id=1] [  0.519] recv (stream_id=3) :path: /f07", "[id=1] [  0.520] stream_id=3 closed"
         */
        if (sscanf(line, "[id=%d] [%*f] %n", &id, &pos) == 1 && pos > 0 && id >= 0 && id < MAXID) {
            const char *rest = line + pos;

            if (sscanf(rest, "recv (stream_id=%u) :path: /f%d", &sid, &f) == 2 && f >= 0 &&
                f < NFILES) {
                st->paths++;
                st->conn_of[f] = id;
                if (!seen[id]++)
                    st->conns++;
                if (++open_streams[id] > st->max_streams)
                    st->max_streams = open_streams[id];
            } else if (sscanf(rest, "stream_id=%u closed%n", &sid, &end) == 1 && end > 0 &&
                       open_streams[id] > 0) {
                open_streams[id]--;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
}

/* The log after byte `from`, waiting (up to 3 s) until it shows `paths` requests. */
static void read_log(size_t from, int paths, struct h2_log_stats *st)
{
    for (int i = 0; i < 60; i++) {
        size_t len = 0;
        char *log = slurp(h2_log, &len);

        parse_log(log && len > from ? log + from : "", st);
        free(log);
        if (st->paths >= paths)
            return;
        sleep_ms(50);
    }
}

/* ---- fixtures ----------------------------------------------------------------------- */

static int group_teardown(void **state);

static int group_setup(void **state)
{
    have_cert = cf_test_cert_make(&cert) == 0;
    if (!have_cert) {
        snprintf(skip_why, sizeof skip_why, "no openssl command: no certificate");
        return cf_loop_new(&nf.loop, NULL) == 0 ? 0 : -1;
    }
    have_local = nf_start(cert.cert, cert.key) == 0;
    if (!have_local && cf_loop_new(&nf.loop, NULL) != 0)
        return -1;
    if (!(nghttpd = find_nghttpd())) {
        snprintf(skip_why, sizeof skip_why,
                 "no nghttpd in /usr/sbin or /usr/bin (apt-get install nghttp2-server)");
        return 0;
    }
    if (make_docroot() != 0 || start_nghttpd() != 0) {
        fprintf(stderr, "test_fetch_h2: %s is there but did not start\n", nghttpd);
        group_teardown(state); /* cmocka skips the teardown of a failed setup */
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    stop_nghttpd();
    remove_docroot();
    if (have_local) {
        nf_group_teardown(state);
    } else {
        cf_loop_free(nf.loop);
        nf.loop = NULL;
    }
    if (have_cert)
        cf_test_cert_remove(&cert);
    return 0;
}

#define NEED_NGHTTPD()                                                                             \
    do {                                                                                           \
        if (h2_pid <= 0) {                                                                         \
            print_message("test_fetch_h2: skipped: %s\n", skip_why);                               \
            skip();                                                                                \
        }                                                                                          \
    } while (0)

/* ---- tests -------------------------------------------------------------------------- */

struct one_get {
    char url[96];
    struct cf_request req;
    struct cf_response resp;
    int rc;
};

static int get_task(void *arg, void **result)
{
    struct one_get *g = arg;

    (void)result;
    g->rc = cf_fetch(&g->req, &g->resp);
    return 0;
}

struct many {
    struct one_get get[NFILES];
    int gather_rc;
};

static int many_task(void *arg, void **result)
{
    struct many *m = arg;
    cf_task *t[NFILES];
    size_t n = 0;

    (void)result;
    m->gather_rc = 0;
    for (; n < NFILES; n++)
        if ((m->gather_rc = cf_spawn(&t[n], get_task, &m->get[n])) != 0)
            break;
    if (n == NFILES)
        m->gather_rc = cf_gather(t, n, CF_GATHER_RETURN_EXCEPTIONS, NULL, NULL);
    else
        cf_gather(t, n, CF_GATHER_RETURN_EXCEPTIONS, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        cf_task_unref(t[i]);
    return 0;
}

static void init_get(struct one_get *g, const char *base, const char *path)
{
    memset(g, 0, sizeof *g);
    snprintf(g->url, sizeof g->url, "%s%s", base, path);
    cf_request_init(&g->req, g->url);
    g->req.cafile = cert.cert;
    g->req.timeout = 20; /* a stalled stream fails the test instead of hanging it */
}

static void check_body(int i, const struct cf_response *r)
{
    assert_int_equal(r->body_len, file_len(i));
    for (size_t k = 0; k < r->body_len; k++)
        if (r->body[k] != file_byte(i, k))
            fail_msg("f%02d: byte %zu is %d", i, k, r->body[k]);
}

static void fifty_multiplexed(void **state)
{
    struct many *m;
    struct h2_log_stats st;
    size_t from;
    int opened = 0;

    (void)state;
    NEED_NGHTTPD();
    m = calloc(1, sizeof *m);
    assert_non_null(m);
    for (int i = 0; i < NFILES; i++) {
        char path[16];
        snprintf(path, sizeof path, "/f%02d", i);
        init_get(&m->get[i], h2_base, path);
    }
    from = file_size(h2_log);
    assert_int_equal(nf_run(NULL, many_task, m), 0);
    assert_int_equal(m->gather_rc, 0);

    for (int i = 0; i < NFILES; i++) {
        struct one_get *g = &m->get[i];
        if (g->rc != 0)
            fail_msg("%s: %s (%d)", g->url, g->resp.error, g->rc);
        assert_int_equal(g->resp.status, 200);
        assert_int_equal(g->resp.http_version, 20);
        check_body(i, &g->resp);
        opened += g->resp.t.connect > 0;
    }

    read_log(from, NFILES, &st);
    print_message("test_fetch_h2: %d requests on %d connection(s) (client: %d opened), "
                  "up to %d streams at once\n",
                  st.paths, st.conns, opened, st.max_streams);
    assert_int_equal(st.paths, NFILES);
    for (int i = 0; i < NFILES; i++)
        assert_true(st.conn_of[i] >= 0);
    assert_in_range(st.conns, 1, MAX_CONNS);
    assert_int_equal(opened, st.conns);
    assert_true(st.max_streams >= 2);

    for (int i = 0; i < NFILES; i++)
        cf_response_free(&m->get[i].resp);
    free(m);
}

static void http11_forced(void **state)
{
    struct one_get g;
    size_t from_err;
    char *err;

    (void)state;
    NEED_NGHTTPD();

    /* nghttpd, CF_HTTP_ANY: ALPN picks h2. */
    init_get(&g, h2_base, "/f00");
    assert_int_equal(nf_run(NULL, get_task, &g), 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.resp.http_version, 20);
    check_body(0, &g.resp);
    cf_response_free(&g.resp);

    /* nghttpd, CF_HTTP_1_1: only http/1.1 is offered, so nghttpd (h2 only) hangs up. */
    from_err = file_size(h2_err);
    init_get(&g, h2_base, "/f00");
    g.req.http_version = CF_HTTP_1_1;
    assert_int_equal(nf_run(NULL, get_task, &g), 0);
    print_message("test_fetch_h2: CF_HTTP_1_1 against nghttpd: %d (%s)\n", g.rc, g.resp.error);
    assert_int_not_equal(g.rc, 0);
    assert_int_equal(g.resp.status, 0);
    assert_int_not_equal(g.resp.http_version, 20);
    cf_response_free(&g.resp);
    for (int i = 0; i < 60; i++) { /* its stderr says why */
        size_t len = 0;
        err = slurp(h2_err, &len);
        if (err && len > from_err && strstr(err + from_err, "did not advertise HTTP/2"))
            break;
        free(err);
        err = NULL;
        sleep_ms(50);
    }
    assert_non_null(err);
    free(err);

    /* The in-process HTTP/1.1 server with TLS: CF_HTTP_1_1, and CF_HTTP_ANY falls back. */
    if (!have_local) {
        print_message("test_fetch_h2: the loopback server has no TLS: HTTP/1.1 part skipped\n");
        return;
    }
    init_get(&g, nf.base, "/bytes?n=10");
    g.req.http_version = CF_HTTP_1_1;
    assert_int_equal(nf_run(NULL, get_task, &g), 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.resp.status, 200);
    assert_int_equal(g.resp.http_version, 11);
    assert_string_equal(g.resp.body, "abcdefghij");
    cf_response_free(&g.resp);

    init_get(&g, nf.base, "/bytes?n=10");
    assert_int_equal(nf_run(NULL, get_task, &g), 0);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.resp.http_version, 11);
    cf_response_free(&g.resp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        // clang-format off
        cmocka_unit_test(fifty_multiplexed),
        cmocka_unit_test(http11_forced),
        // clang-format on
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

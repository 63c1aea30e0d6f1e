/*
 * server_fixture.c - run the loopback server in a child process, talk to it with a tiny
 * blocking HTTP client, and make a self-signed certificate for HTTPS tests.
 */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>

#include <event2/event.h>

#include "cofetch/error.h"
#include "server/server.h"
#include "server_fixture.h"
#include "support.h"

/* ---- the child process ---- */

static void on_sigterm(evutil_socket_t sig, short what, void *arg)
{
    (void)sig, (void)what;
    event_base_loopexit(arg, NULL);
}

/* Runs in the child: serve until SIGTERM, then free everything so LSan sees no leak. */
static void child_main(const struct cf_server_opts *opts, int wfd, pid_t parent)
{
    struct event_base *base = NULL;
    struct event *term = NULL;
    cf_server *srv = NULL;
    int msg[2] = {CF_ENOMEM, 0};

    /* Die with the test: a test that crashes must not leave a server running. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        exit(1);

    base = event_base_new();
    if (base != NULL)
        msg[0] = cf_server_start(base, opts, &srv);
    if (msg[0] == 0) {
        term = evsignal_new(base, SIGTERM, on_sigterm, base);
        if (term == NULL || event_add(term, NULL) != 0)
            msg[0] = CF_ENOMEM;
    }
    if (msg[0] == 0)
        msg[1] = cf_server_port(srv);
    /* Only after the SIGTERM handler is in place, so a stop right away is still clean. */
    if (write(wfd, msg, sizeof(msg)) != (ssize_t)sizeof(msg))
        msg[0] = CF_EIO;
    close(wfd);
    if (msg[0] == 0)
        event_base_dispatch(base);

    if (term != NULL)
        event_free(term);
    cf_server_free(srv);
    if (base != NULL)
        event_base_free(base);
    /* exit(), not _exit(): LeakSanitizer checks the child's heap at exit. */
    exit(msg[0] == 0 ? 0 : 1);
}

int cf_test_server_spawn(const struct cf_server_opts *opts, struct cf_test_server *ts)
{
    struct cf_server_opts quiet = {.quiet = 1};
    pid_t parent = getpid();
    int fds[2], msg[2];
    ssize_t got;

    memset(ts, 0, sizeof(*ts));
    ts->pid = -1;
    if (opts == NULL)
        opts = &quiet;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return CF_EIO;
    /* Unflushed stdio would otherwise be written twice, once by each process. */
    fflush(NULL);
    ts->pid = fork();
    if (ts->pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return CF_EIO;
    }
    if (ts->pid == 0) {
        close(fds[0]);
        child_main(opts, fds[1], parent);
    }
    close(fds[1]);
    do {
        got = read(fds[0], msg, sizeof(msg));
    } while (got < 0 && errno == EINTR);
    close(fds[0]);
    if (got != (ssize_t)sizeof(msg) || msg[0] != 0) {
        cf_test_server_stop(ts);
        return got == (ssize_t)sizeof(msg) ? msg[0] : CF_EIO;
    }
    ts->port = msg[1];
    snprintf(ts->url, sizeof(ts->url), "%s://127.0.0.1:%d", opts->tls_cert ? "https" : "http",
             ts->port);
    return 0;
}

int cf_test_server_stop(struct cf_test_server *ts)
{
    double deadline = t_now() + 10.0;
    int status;
    pid_t got;

    if (ts->pid <= 0)
        return -1;
    kill(ts->pid, SIGTERM);
    while ((got = waitpid(ts->pid, &status, WNOHANG)) == 0 && t_now() < deadline) {
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (got == 0) {
        kill(ts->pid, SIGKILL);
        got = waitpid(ts->pid, &status, 0);
    }
    ts->pid = -1;
    if (got < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- the client ---- */

static int connect_local(int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {.tv_sec = 30, .tv_usec = 0};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Splits the raw bytes into head and body and reads the status and Content-Length. */
static void parse_response(struct cf_test_response *r, char *raw, size_t len)
{
    char *end = memmem(raw, len, "\r\n\r\n", 4);
    char buf[32];
    size_t head_len = end != NULL ? (size_t)(end - raw) : len;

    r->head = strndup(raw, head_len);
    r->body_len = end != NULL ? len - head_len - 4 : 0;
    r->body = malloc(r->body_len + 1);
    if (r->head == NULL || r->body == NULL)
        abort();
    memcpy(r->body, raw + len - r->body_len, r->body_len);
    r->body[r->body_len] = '\0';
    if (sscanf(r->head, "HTTP/1.%*d %d", &r->status) != 1)
        r->status = -1;
    if (cf_test_response_header(r, "Content-Length", buf, sizeof(buf)) != NULL)
        r->length = atoll(buf);
}

int cf_test_http_get(int port, const char *target, const char *extra_headers,
                     struct cf_test_response *r)
{
    char *req = NULL, *raw = NULL;
    size_t len = 0, cap = 64 * 1024;
    double t0;
    int fd, n;

    memset(r, 0, sizeof(*r));
    r->status = -1;
    r->length = -1;
    fd = connect_local(port);
    if (fd < 0)
        return -1;
    n = asprintf(&req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n%s\r\n",
                 target, port, extra_headers != NULL ? extra_headers : "");
    t0 = t_now();
    if (n < 0 || send_all(fd, req, (size_t)n) != 0) {
        free(n < 0 ? NULL : req);
        close(fd);
        return -1;
    }
    free(req);
    raw = malloc(cap);
    if (raw == NULL)
        abort();
    for (;;) {
        ssize_t got;
        if (len == cap) {
            cap *= 2;
            raw = realloc(raw, cap);
            if (raw == NULL)
                abort();
        }
        got = recv(fd, raw + len, cap - len, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            r->error = errno;
            break;
        }
        if (got == 0)
            break;
        if (len == 0)
            r->first_s = t_now() - t0;
        len += (size_t)got;
    }
    r->total_s = t_now() - t0;
    close(fd);
    parse_response(r, raw, len);
    free(raw);
    return 0;
}

const char *cf_test_response_header(const struct cf_test_response *r, const char *name, char *buf,
                                    size_t len)
{
    size_t nlen = strlen(name);

    /* Header lines start after a CRLF; the first line is the status line. */
    for (const char *p = strstr(r->head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
        const char *line = p + 2, *v, *eol;
        if (strncasecmp(line, name, nlen) != 0 || line[nlen] != ':')
            continue;
        v = line + nlen + 1;
        v += strspn(v, " \t");
        eol = strstr(v, "\r\n");
        if (eol == NULL)
            eol = v + strlen(v);
        snprintf(buf, len, "%.*s", (int)(eol - v), v);
        return buf;
    }
    return NULL;
}

void cf_test_response_free(struct cf_test_response *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

/* ---- a certificate ---- */

int cf_test_cert_make(struct cf_test_cert *c)
{
    char *cmd = NULL;
    int rc;

    snprintf(c->dir, sizeof(c->dir), "/tmp/cf_cert_XXXXXX");
    if (mkdtemp(c->dir) == NULL)
        return -1;
    snprintf(c->cert, sizeof(c->cert), "%s/cert.pem", c->dir);
    snprintf(c->key, sizeof(c->key), "%s/key.pem", c->dir);
    if (asprintf(&cmd,
                 "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                 "-days 2 -subj /CN=127.0.0.1 "
                 "-addext subjectAltName=IP:127.0.0.1,DNS:localhost "
                 "-keyout %s -out %s >/dev/null 2>&1",
                 c->key, c->cert) < 0)
        return -1;
    fflush(NULL);
    rc = system(cmd);
    free(cmd);
    if (rc != 0) {
        cf_test_cert_remove(c);
        return -1;
    }
    return 0;
}

void cf_test_cert_remove(struct cf_test_cert *c)
{
    unlink(c->cert);
    unlink(c->key);
    rmdir(c->dir);
}

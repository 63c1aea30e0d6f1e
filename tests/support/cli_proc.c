/* cli_proc.c - run the built cofetch binary from a test (see cli_proc.h). */
#include "cli_proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "support.h"

#ifndef CF_BINARY_DIR
#error "CF_BINARY_DIR must name the build directory"
#endif
#define CLI_BIN CF_BINARY_DIR "/cofetch"

struct cli_env cli_env;

/* Appends with geometric growth (*cap tracks the allocation). */
static void append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t ncap = *cap ? *cap : 4096;
        char *p;
        while (ncap < *len + n + 1)
            ncap *= 2;
        p = realloc(*buf, ncap);
        if (!p)
            abort();
        *buf = p;
        *cap = ncap;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* The child's peak RSS so far (VmHWM: a high-water mark of its own address space, unlike
 * wait4's ru_maxrss, which counts the parent's pages a forked child started with). */
static long hwm_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

int cli_spawn(struct cli_proc *p, const struct cli_run *r)
{
    int i[2], o[2], e[2];

    if (pipe(i) || pipe(o) || pipe(e))
        return -1;
    p->pid = fork();
    if (p->pid < 0)
        return -1;
    if (p->pid == 0) {
        dup2(i[0], 0);
        dup2(o[1], 1);
        dup2(e[1], 2);
        for (int k = 0; k < 2; k++) {
            close(i[k]);
            close(o[k]);
            close(e[k]);
        }
        if (r->stdout_file) {
            int fd = open(r->stdout_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, 1) < 0)
                _exit(126);
            close(fd);
        }
        if (r->close_stdout)
            close(1);
        if (r->fsize > 0) {
            struct rlimit rl = {(rlim_t)r->fsize, (rlim_t)r->fsize};
            if (setrlimit(RLIMIT_FSIZE, &rl))
                _exit(126);
        }
        if (r->nofile > 0) {
            struct rlimit rl = {(rlim_t)r->nofile,
                                (rlim_t)(r->nofile_hard > 0 ? r->nofile_hard : r->nofile)};
            if (setrlimit(RLIMIT_NOFILE, &rl))
                _exit(126);
        }
        execv(CLI_BIN, r->argv);
        _exit(127);
    }
    close(i[0]);
    close(o[1]);
    close(e[1]);
    p->in = i[1];
    p->out = o[0];
    p->err = e[0];
    return 0;
}

int cli_wait(struct cli_run *r, struct cli_proc *p, double timeout)
{
    int st = 0;
    size_t in_len = r->stdin_s ? strlen(r->stdin_s) : 0;
    unsigned long lines = 0;
    size_t out_cap = 1, err_cap = 1;
    double sampled = 0, met = 0;
    double t0 = t_now();
    int killed = 0;

    r->out = calloc(1, 1);
    r->err = calloc(1, 1);
    r->out_len = r->err_len = 0;
    r->out_bytes = 0;
    r->in_written = 0;
    r->interrupted = 0;
    r->maxrss_kb = 0;
    signal(SIGPIPE, SIG_IGN);
    if (!r->stdin_s && p->in >= 0) {
        close(p->in);
        p->in = -1;
    }
    {
        struct pollfd pf[3] = {{p->out, POLLIN, 0}, {p->err, POLLIN, 0}, {p->in, POLLOUT, 0}};
        while (pf[0].fd >= 0 || pf[1].fd >= 0) {
            char b[65536];
            double left = timeout - (t_now() - t0);
            if (left <= 0 && !killed) {
                kill(p->pid, SIGKILL);
                killed = 1;
            }
            if (poll(pf, 3, 100) < 0 && errno != EINTR)
                break;
            if (t_now() - sampled >= 0.05) {
                long kb = hwm_kb(p->pid);
                if (kb > r->maxrss_kb)
                    r->maxrss_kb = kb;
                sampled = t_now();
            }
            if (pf[2].fd >= 0 && pf[2].revents) {
                ssize_t n = write(pf[2].fd, r->stdin_s + r->in_written, in_len - r->in_written);
                if (n > 0)
                    r->in_written += (size_t)n;
                if (n < 0 || r->in_written == in_len) {
                    close(pf[2].fd);
                    pf[2].fd = -1;
                }
            }
            for (int k = 0; k < 2; k++) {
                if (pf[k].fd < 0 || !pf[k].revents)
                    continue;
                ssize_t n = read(pf[k].fd, b, sizeof b);
                if (n <= 0) {
                    close(pf[k].fd);
                    pf[k].fd = -1;
                } else if (k == 1) {
                    append(&r->err, &r->err_len, &err_cap, b, (size_t)n);
                } else {
                    r->out_bytes += (unsigned long long)n;
                    if (!r->discard_stdout)
                        append(&r->out, &r->out_len, &out_cap, b, (size_t)n);
                    for (ssize_t q = 0; q < n; q++)
                        lines += b[q] == '\n';
                }
            }
            if (r->close_after_bytes && pf[0].fd >= 0 && r->out_bytes >= r->close_after_bytes) {
                close(pf[0].fd);
                pf[0].fd = -1;
            }
            if (!met && ((r->sigint_after_lines && lines >= r->sigint_after_lines) ||
                         (r->sigint_after_bytes && r->out_bytes >= r->sigint_after_bytes) ||
                         (r->signal_after > 0 && t_now() - t0 >= r->signal_after)))
                met = t_now();
            if (met && !r->interrupted && t_now() - met >= r->signal_delay) {
                kill(p->pid, r->signal ? r->signal : SIGINT);
                r->interrupted = 1;
            }
        }
        if (pf[2].fd >= 0)
            close(pf[2].fd);
    }
    p->in = p->out = p->err = -1;
    if (waitpid(p->pid, &st, 0) < 0)
        return -1;
    r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return 0;
}

int cli_run(struct cli_run *r, double timeout)
{
    struct cli_proc p;

    if (cli_spawn(&p, r))
        return -1;
    return cli_wait(r, &p, timeout);
}

void cli_run_free(struct cli_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

/* ---- the e2e fixture ---- */

int cli_env_setup(const char *name)
{
    memset(&cli_env, 0, sizeof cli_env);
    if (cf_test_server_spawn(NULL, &cli_env.srv))
        return -1;
    if (!name)
        return 0;
    snprintf(cli_env.tmpdir, sizeof cli_env.tmpdir, "/tmp/cofetch-%s-XXXXXX", name);
    return mkdtemp(cli_env.tmpdir) ? 0 : -1;
}

int cli_env_teardown(void **state)
{
    char cmd[256];
    (void)state;
    cf_test_server_stop(&cli_env.srv);
    if (!cli_env.tmpdir[0])
        return 0;
    snprintf(cmd, sizeof cmd, "rm -rf %s", cli_env.tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

char *cli_url(const char *fmt, ...)
{
    static char bufs[16][512];
    static int next;
    char *b = bufs[next++ % 16];
    va_list ap;
    int n = snprintf(b, sizeof bufs[0], "%s", cli_env.srv.url);
    va_start(ap, fmt);
    vsnprintf(b + n, sizeof bufs[0] - (size_t)n, fmt, ap);
    va_end(ap);
    return b;
}

int cli_run_argv(const char *stdin_text, char **out, char **err, double timeout, const char *first,
                 ...)
{
    char *argv[64] = {"cofetch"};
    int argc = 1;
    va_list ap;
    struct cli_run r;

    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    memset(&r, 0, sizeof r);
    r.argv = argv;
    r.stdin_s = stdin_text;
    if (cli_run(&r, timeout) != 0)
        return -1;
    *out = r.out;
    *err = r.err;
    if (stdin_text && r.in_written != strlen(stdin_text))
        return -1;
    return r.code;
}

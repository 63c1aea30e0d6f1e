/*
 * cli_proc.h - run the built cofetch binary from a test: pipes for stdin, stdout and
 * stderr, optional resource limits in the child, the child's peak RSS, and a reader that
 * can interrupt the child once its stdout holds enough lines or bytes.
 * The child's peak RSS is its VmHWM, read from /proc while it runs.
 *
 * Header-only (static inline) so a test program takes only what it uses.
 */
#ifndef CF_TEST_CLI_PROC_H
#define CF_TEST_CLI_PROC_H

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CF_BINARY_DIR
#error "CF_BINARY_DIR must name the build directory"
#endif
#define CLI_BIN CF_BINARY_DIR "/cofetch"

struct cli_run {
    /* in */
    char *const *argv;   /* argv[0] included, NULL-terminated */
    const char *stdin_s; /* written then closed; NULL: stdin closed at once */
    long nofile;         /* > 0: RLIMIT_NOFILE soft limit in the child */
    long nofile_hard;    /* > 0: its hard limit (else the same as nofile) */
    /* Interrupt: SIGINT once stdout holds this many lines (0: never) ... */
    unsigned long sigint_after_lines;
    /* ... or this many bytes (stdout is then counted, not kept). */
    unsigned long long sigint_after_bytes;
    int discard_stdout;                   /* count stdout bytes only */
    unsigned long long close_after_bytes; /* close stdout then, like `| head -c` (0: never) */
    int signal;                           /* the signal to send (0: SIGINT) ... */
    double signal_delay; /* ... this many seconds after the condition above is met */
    /* out */
    char *out, *err; /* NUL-terminated (free them) */
    size_t out_len, err_len;
    unsigned long long out_bytes;
    int code;       /* exit code, or 128 + signal */
    long maxrss_kb; /* the child's peak RSS (VmHWM, sampled every 50 ms) */
    int interrupted;
};

/* Appends with geometric growth (*cap tracks the allocation). */
static inline void cli__append(char **buf, size_t *len, size_t *cap, const char *data, size_t n)
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

static inline double cli__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The child's peak RSS so far (VmHWM: a high-water mark of its own address space, unlike
 * wait4's ru_maxrss, which counts the parent's pages a forked child started with). */
static inline long cli__hwm_kb(pid_t pid)
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

/* Runs r->argv to its end. Returns 0, or -1 when the process could not be started. A
 * child still running after timeout seconds gets SIGKILL (code 128 + 9). */
static inline int cli_run(struct cli_run *r, double timeout)
{
    int i[2], o[2], e[2], st = 0;
    pid_t pid;
    size_t in_off = 0, in_len = r->stdin_s ? strlen(r->stdin_s) : 0;
    unsigned long lines = 0;
    size_t out_cap = 1, err_cap = 1;
    double sampled = 0, met = 0;
    double t0 = cli__now();
    int killed = 0;

    r->out = calloc(1, 1);
    r->err = calloc(1, 1);
    r->out_len = r->err_len = 0;
    r->out_bytes = 0;
    r->interrupted = 0;
    r->maxrss_kb = 0;
    if (pipe(i) || pipe(o) || pipe(e))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(i[0], 0);
        dup2(o[1], 1);
        dup2(e[1], 2);
        for (int k = 0; k < 2; k++) {
            close(i[k]);
            close(o[k]);
            close(e[k]);
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
    signal(SIGPIPE, SIG_IGN);
    if (!r->stdin_s) {
        close(i[1]);
        i[1] = -1;
    }
    {
        struct pollfd pf[3] = {{o[0], POLLIN, 0}, {e[0], POLLIN, 0}, {i[1], POLLOUT, 0}};
        while (pf[0].fd >= 0 || pf[1].fd >= 0) {
            char b[65536];
            double left = timeout - (cli__now() - t0);
            if (left <= 0 && !killed) {
                kill(pid, SIGKILL);
                killed = 1;
            }
            if (poll(pf, 3, 100) < 0 && errno != EINTR)
                break;
            if (cli__now() - sampled >= 0.05) {
                long kb = cli__hwm_kb(pid);
                if (kb > r->maxrss_kb)
                    r->maxrss_kb = kb;
                sampled = cli__now();
            }
            if (pf[2].fd >= 0 && pf[2].revents) {
                ssize_t n = write(pf[2].fd, r->stdin_s + in_off, in_len - in_off);
                if (n > 0)
                    in_off += (size_t)n;
                if (n < 0 || in_off == in_len) {
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
                    cli__append(&r->err, &r->err_len, &err_cap, b, (size_t)n);
                } else {
                    r->out_bytes += (unsigned long long)n;
                    if (!r->discard_stdout)
                        cli__append(&r->out, &r->out_len, &out_cap, b, (size_t)n);
                    for (ssize_t q = 0; q < n; q++)
                        lines += b[q] == '\n';
                }
            }
            if (r->close_after_bytes && pf[0].fd >= 0 && r->out_bytes >= r->close_after_bytes) {
                close(pf[0].fd);
                pf[0].fd = -1;
            }
            if (!met && ((r->sigint_after_lines && lines >= r->sigint_after_lines) ||
                         (r->sigint_after_bytes && r->out_bytes >= r->sigint_after_bytes)))
                met = cli__now();
            if (met && !r->interrupted && cli__now() - met >= r->signal_delay) {
                kill(pid, r->signal ? r->signal : SIGINT);
                r->interrupted = 1;
            }
        }
        if (pf[2].fd >= 0)
            close(pf[2].fd);
    }
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    r->code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    return 0;
}

static inline void cli_run_free(struct cli_run *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

#endif

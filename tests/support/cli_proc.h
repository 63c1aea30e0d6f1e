/*
 * cli_proc.h - run the built cofetch binary from a test: pipes for stdin, stdout and
 * stderr, optional resource limits in the child, the child's peak RSS, and a reader that
 * can interrupt the child once its stdout holds enough lines or bytes.
 * The child's peak RSS is its VmHWM, read from /proc while it runs.
 *
 * cli_run() does it all in one call. A test that talks to the child while it runs starts
 * it with cli_spawn(), uses the pipes in struct cli_proc, then ends with cli_wait().
 *
 * Also the e2e fixture: the loopback server in a child process (server_fixture.h) and,
 * when asked for, a fresh temporary directory, in the global cli_env.
 */
#ifndef CF_TEST_CLI_PROC_H
#define CF_TEST_CLI_PROC_H

#include <stddef.h>
#include <sys/types.h>

#include "server_fixture.h"

struct cli_run {
    /* in */
    char *const *argv;       /* argv[0] included, NULL-terminated */
    const char *stdin_s;     /* written then closed; NULL: stdin closed at once */
    long nofile;             /* > 0: RLIMIT_NOFILE soft limit in the child */
    long nofile_hard;        /* > 0: its hard limit (else the same as nofile) */
    long long fsize;         /* > 0: RLIMIT_FSIZE in the child, bytes */
    const char *stdout_file; /* the child's stdout is this file (created, truncated;
                                "/dev/full" too) instead of a pipe: out stays empty */
    int close_stdout;        /* the child starts with descriptor 1 closed */
    /* Interrupt: SIGINT once stdout holds this many lines (0: never) ... */
    unsigned long sigint_after_lines;
    /* ... or this many bytes (stdout is then counted, not kept). */
    unsigned long long sigint_after_bytes;
    int discard_stdout;                   /* count stdout bytes only */
    unsigned long long close_after_bytes; /* close stdout then, like `| head -c` (0: never) */
    int signal;                           /* the signal to send (0: SIGINT) ... */
    double signal_delay; /* ... this many seconds after the condition above is met */
    double signal_after; /* > 0: ... or this many seconds after the start, whatever stdout holds */
    /* out */
    char *out, *err; /* NUL-terminated (free them) */
    size_t out_len, err_len;
    unsigned long long out_bytes;
    size_t in_written; /* bytes of stdin_s the child took */
    int code;          /* exit code, or 128 + signal */
    long maxrss_kb;    /* the child's peak RSS (VmHWM, sampled every 50 ms) */
    int interrupted;
};

/* A running cofetch: its pid and the parent's ends of its stdin, stdout and stderr. */
struct cli_proc {
    pid_t pid;
    int in, out, err;
};

/* Starts r->argv with r->nofile / r->nofile_hard applied in the child. Returns 0, or -1
 * when the process could not be started. */
int cli_spawn(struct cli_proc *p, const struct cli_run *r);

/* Feeds r->stdin_s to p (closes its stdin at once when NULL), reads stdout and stderr to
 * their ends into r, and reaps p. Returns 0, or -1 when waiting failed. A child still
 * running after timeout seconds gets SIGKILL (code 128 + 9). */
int cli_wait(struct cli_run *r, struct cli_proc *p, double timeout);

/* Runs r->argv to its end: cli_spawn() then cli_wait(). */
int cli_run(struct cli_run *r, double timeout);

void cli_run_free(struct cli_run *r);

/* Runs cofetch with the arguments from first on (NULL-terminated, without argv[0], at most
 * 62) and stdin_text (NULL: none), which must all be taken; *out and *err receive its
 * output (the caller frees both). Returns its exit code, or -1 when it could not be run
 * or did not read all of stdin_text. */
int cli_run_argv(const char *stdin_text, char **out, char **err, double timeout, const char *first,
                 ...);

/* ---- the e2e fixture ---- */

struct cli_env {
    struct cf_test_server srv;
    char tmpdir[64]; /* "" when cli_env_setup() was given no name */
};
extern struct cli_env cli_env;

/* Spawns the loopback server and, when name is not NULL, makes /tmp/cofetch-NAME-XXXXXX.
 * Returns 0, or -1. */
int cli_env_setup(const char *name);

/* A cmocka group teardown: stops the server and removes the directory (rm -rf). */
int cli_env_teardown(void **state);

/* The server's URL followed by fmt: one of 16 rotating static buffers of 512 bytes. */
char *cli_url(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

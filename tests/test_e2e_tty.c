/*
 * test_e2e_tty.c - the built binary on a terminal: a pseudo-terminal of a chosen size is
 * its stdin, stdout and stderr (and controlling terminal), as in an interactive shell.
 * What only a terminal gets is checked here: the progress line (after about a second,
 * erased before the results go on), the summary without --summary, colour unless
 * NO_COLOR is set, and a --timeline Gantt chart as wide as the terminal (not COLUMNS,
 * which shells do not export).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "cli_proc.h"
#include "support.h"

#ifndef CF_BINARY_DIR
#error "CF_BINARY_DIR must name the build directory"
#endif

struct tty_run {
    char *out; /* everything written to the terminal, NUL-terminated (free it) */
    size_t len;
    int code; /* exit code, or 128 + signal */
};

/* Runs cofetch with argv on a new pseudo-terminal of cols columns; NO_COLOR set when
 * no_color, COLUMNS never. Returns 0, or -1 when it could not be run. */
static int run_tty(char *const argv[], unsigned short cols, int no_color, struct tty_run *t)
{
    struct winsize ws = {.ws_row = 24, .ws_col = cols};
    size_t cap = 1 << 16;
    double deadline = t_now() + 60;
    int m, status;
    pid_t pid;

    memset(t, 0, sizeof *t);
    m = posix_openpt(O_RDWR | O_NOCTTY);
    if (m < 0 || grantpt(m) != 0 || unlockpt(m) != 0 || ioctl(m, TIOCSWINSZ, &ws) != 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        const char *name = ptsname(m);
        int s;

        setsid();
        s = name ? open(name, O_RDWR) : -1;
        if (s < 0 || ioctl(s, TIOCSCTTY, 0) != 0)
            _exit(127);
        dup2(s, 0);
        dup2(s, 1);
        dup2(s, 2);
        if (s > 2)
            close(s);
        close(m);
        unsetenv("COLUMNS");
        if (no_color)
            setenv("NO_COLOR", "1", 1);
        else
            unsetenv("NO_COLOR");
        execv(CF_BINARY_DIR "/cofetch", argv);
        _exit(127);
    }
    t->out = malloc(cap);
    if (!t->out)
        return -1;
    for (;;) { /* until the terminal is closed (EIO once the child is gone) */
        struct pollfd p = {m, POLLIN, 0};
        ssize_t n;

        if (t_now() > deadline) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(&p, 1, 100) <= 0)
            continue;
        if (t->len + 4096 + 1 > cap) {
            char *nb = realloc(t->out, cap *= 2);
            if (!nb)
                break;
            t->out = nb;
        }
        n = read(m, t->out + t->len, cap - t->len - 1);
        if (n > 0)
            t->len += (size_t)n;
        else if (n == 0 || errno != EINTR)
            break;
    }
    t->out[t->len] = '\0';
    close(m);
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    t->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    return cli_env_setup(NULL);
}

/* The longest line of the Gantt chart ("label |====   | 1.20s"), escapes included. */
static size_t gantt_width(const char *out, int *rows)
{
    size_t widest = 0;

    *rows = 0;
    for (const char *p = out; *p;) {
        size_t n = strcspn(p, "\r\n");
        const char *bar = memchr(p, '|', n);

        if (bar && n > 2 && p[n - 1] == 's' && memchr(bar, '=', n - (size_t)(bar - p))) {
            (*rows)++;
            if (n > widest)
                widest = n;
        }
        p += n;
        p += strspn(p, "\r\n");
    }
    return widest;
}

/* A 2 s batch on a 64-column terminal: progress, summary, no colour, a 64-column chart. */
static void test_progress_summary_and_chart(void **state)
{
    char u1[512], u2[512], u3[512];
    char *argv[] = {"cofetch", "--timeline", u1, u2, u3, NULL};
    struct tty_run t;
    int rows;
    size_t w;
    (void)state;

    snprintf(u1, sizeof u1, "%s", cli_url("/delay?s=2"));
    snprintf(u2, sizeof u2, "%s", cli_url("/delay?s=0.2"));
    snprintf(u3, sizeof u3, "%s", cli_url("/delay?s=0.4"));
    assert_int_equal(run_tty(argv, 64, 1, &t), 0);
    assert_int_equal(t.code, 0);

    /* From 1.0 s to 2 s two fetches are done and one is in flight; the total is known. */
    if (!strstr(t.out, "2/3 done, 1 in flight"))
        fail_msg("no progress line:\n%s", t.out);
    assert_non_null(strstr(t.out, "\r\033[K")); /* drawn over, then erased */
    /* The results and the summary, with no --summary: stderr is a terminal. */
    assert_non_null(strstr(t.out, "/delay?s=2"));
    assert_non_null(strstr(t.out, "fetched 3, failed 0"));
    /* NO_COLOR: no SGR sequence anywhere (the progress line's erase is not colour). */
    assert_null(strstr(t.out, "\033[0m"));
    assert_null(strstr(t.out, "\033[1;"));
    assert_null(strstr(t.out, "\033[3"));

    w = gantt_width(t.out, &rows);
    print_message("tty: 64 columns: Gantt %d rows, %zu wide\n", rows, w);
    assert_int_equal(rows, 3);
    assert_in_range(w, 50, 64);
    free(t.out);
}

/* The chart follows the terminal: wider than 80 on a 150-column one; colour without NO_COLOR. */
static void test_wide_terminal_and_colour(void **state)
{
    char u1[512], u2[512];
    char *argv[] = {"cofetch", "--timeline", "-s", u1, u2, NULL};
    struct tty_run t;
    int rows;
    size_t w;
    (void)state;

    snprintf(u1, sizeof u1, "%s", cli_url("/delay?s=0.1"));
    snprintf(u2, sizeof u2, "%s", cli_url("/status/404"));
    assert_int_equal(run_tty(argv, 150, 0, &t), 0);
    assert_int_equal(t.code, 0); /* a 404 is a result, not a failure, without -f */

    w = gantt_width(t.out, &rows);
    print_message("tty: 150 columns: Gantt %d rows, %zu wide\n", rows, w);
    assert_int_equal(rows, 2);
    assert_in_range(w, 130, 150);
    assert_non_null(strstr(t.out, "\033[")); /* coloured status */
    assert_null(strstr(t.out, "fetched 2")); /* -s: no summary */
    free(t.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_summary_and_chart),
        cmocka_unit_test(test_wide_terminal_and_colour),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

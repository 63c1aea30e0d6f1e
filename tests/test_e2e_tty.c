/*
 * test_e2e_tty.c - the built binary on a terminal: a pseudo-terminal of a chosen size is
 * its stdin, stdout and stderr (and controlling terminal), as in an interactive shell.
 * What only a terminal gets is checked here: the progress bar (after about a second,
 * with its total, failures and --compare phase, as wide as the terminal, erased before
 * the results go on, at the end and on SIGINT), the summary without --summary, colour unless
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
 * no_color, COLUMNS never; SIGINT sent sigint_after seconds in when that is > 0.
 * Returns 0, or -1 when it could not be run. */
static int run_tty_int(char *const argv[], unsigned short cols, int no_color, double sigint_after,
                       struct tty_run *t)
{
    struct winsize ws = {.ws_row = 24, .ws_col = cols};
    size_t cap = 1 << 16;
    double t0 = t_now(), deadline = t0 + 60;
    int sent = 0;
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
        if (sigint_after > 0 && !sent && t_now() - t0 > sigint_after) {
            kill(pid, SIGINT);
            sent = 1;
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

static int run_tty(char *const argv[], unsigned short cols, int no_color, struct tty_run *t)
{
    return run_tty_int(argv, cols, no_color, 0, t);
}

/* The progress bar's drawings: the text after each "\r\033[K" up to the next escape or
 * line end that says " done, ". Returns how many there are; *widest their longest; *last_erased
 * whether the last one is followed by an erase (the bar gone before what comes after it). */
static int bars(const char *out, size_t *widest, int *last_erased)
{
    const char *p = out, *last = NULL;
    int n = 0;

    *widest = 0;
    while ((p = strstr(p, "\r\033[K"))) {
        size_t len;
        p += 4;
        len = strcspn(p, "\r\n\033");
        if (len && memmem(p, len, " done, ", 7)) {
            n++;
            if (len > *widest)
                *widest = len;
            last = p + len;
        }
    }
    *last_erased = last && strncmp(last, "\r\033[K", 4) == 0;
    return n;
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

    /* From 1.0 s to 2 s two fetches are done and one is in flight; the total is known:
     * a bar two thirds full, then the counts. */
    if (!strstr(t.out, "2/3 done, 0 failed, 1 in flight") || !strstr(t.out, "]  66%  2/3 done"))
        fail_msg("no progress bar:\n%s", t.out);
    assert_non_null(strstr(t.out, "[=")); /* drawn over, then erased */
    {
        size_t widest;
        int erased, n = bars(t.out, &widest, &erased);
        assert_true(n >= 2); /* redrawn, at most 4 a second: 1 s of bar is 2 to 6 */
        assert_true(n <= 8);
        assert_true(widest <= 63);
        assert_true(erased);
    }
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

/* Counted up front from -i FILE (comments and blank lines left out): the total, the
 * failures, and a bar that fits a narrow terminal. */
static void test_progress_total_failures_narrow(void **state)
{
    char list[128];
    char *argv[] = {"cofetch", "-i", list, NULL};
    struct tty_run t;
    size_t widest;
    int erased, n;
    FILE *f;
    (void)state;

    snprintf(list, sizeof list, "/tmp/cofetch-tty-list-%d", (int)getpid());
    f = fopen(list, "w");
    assert_non_null(f);
    fprintf(f, "# a comment\n%s\n\n  http://127.0.0.1:1/\n%s\n", cli_url("/delay?s=2"),
            cli_url("/bytes?n=10"));
    fclose(f);
    assert_int_equal(run_tty(argv, 48, 1, &t), 0);
    unlink(list);
    assert_int_equal(t.code, 1); /* the refused connect */
    if (!strstr(t.out, "2/3 done, 1 failed, 1 in flight"))
        fail_msg("no total or failure in the bar:\n%s", t.out);
    n = bars(t.out, &widest, &erased);
    print_message("tty: 48 columns: %d drawings, widest %zu\n", n, widest);
    assert_true(n >= 1);
    assert_true(widest <= 47); /* never the last column */
    assert_true(erased);
    free(t.out);
}

/* --compare: the phase in the bar, both runs; a SIGINT in the second erases it. */
static void test_progress_compare_phase_and_sigint(void **state)
{
    char u1[512], u2[512];
    char *argv[] = {"cofetch", "--compare", u1, u2, NULL};
    struct tty_run t;
    size_t widest;
    int erased;
    (void)state;

    snprintf(u1, sizeof u1, "%s", cli_url("/delay?s=1.5"));
    snprintf(u2, sizeof u2, "%s", cli_url("/delay?s=5"));
    /* --sync takes 6.5 s: its bar from 1 s; the gather run starts at 6.5 s and is
     * interrupted at 8 s, after its own first second. */
    assert_int_equal(run_tty_int(argv, 120, 1, 8.0, &t), 0);
    assert_int_equal(t.code, 130);
    if (!strstr(t.out, "--sync 1/2  [") || !strstr(t.out, "gather 2/2  ["))
        fail_msg("no phase in the bar:\n%s", t.out);
    assert_non_null(strstr(t.out, "0/2 done, 0 failed, 2 in flight")); /* the gather run */
    bars(t.out, &widest, &erased);
    assert_true(erased);
    assert_true(widest <= 119);
    free(t.out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_progress_summary_and_chart),
        cmocka_unit_test(test_wide_terminal_and_colour),
        cmocka_unit_test(test_progress_total_failures_narrow),
        cmocka_unit_test(test_progress_compare_phase_and_sigint),
    };
    return cmocka_run_group_tests(tests, setup, cli_env_teardown);
}

/*
 * signals.h - SIGINT, SIGTERM and SIGHUP as loop events: blocked, and read from a signalfd in a
 * loop callback (no handler runs on a task's stack). The first signal calls
 * on_first(ctx): stop taking input, cancel, report. A second one calls on_last(ctx) (set it
 * after signals_install: save what must not be lost) and exits at once (130).
 * SIGPIPE and SIGXFSZ are ignored: a closed stdout shows up as EPIPE on write, a file
 * past RLIMIT_FSIZE as EFBIG.
 */
#ifndef CLI_SIGNALS_H
#define CLI_SIGNALS_H

struct event_base;
struct event;

#include <signal.h>

struct signals {
    struct event *ev; /* the signalfd's */
    int fd;
    int fd_open;    /* fd is ours to close (a zeroed struct has none) */
    sigset_t saved; /* the mask before signals_install */
    int blocked;
    int count;
    void (*on_first)(void *ctx);
    void (*on_last)(void *ctx); /* before the second signal's exit (NULL: none) */
    void *ctx;
};

/* 0, CF_ENOMEM or CF_EIO. */
int signals_install(struct signals *s, struct event_base *base, void (*on_first)(void *ctx),
                    void *ctx);
void signals_remove(struct signals *s);

#endif

/*
 * signals.c - SIGINT, SIGTERM and SIGHUP on the loop, read from a signalfd.
 *
 * The three signals are blocked and read from a descriptor the loop watches, so no
 * handler ever runs on the stack it interrupts: a slot task's stack is a small slab
 * chunk (cf_task_set_stack_size) with no room for the kernel's signal frame.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <event2/event.h>

#include "base/exitcode.h"
#include "cofetch/error.h"
#include "run/signals.h"

static void on_readable(evutil_socket_t fd, short what, void *arg)
{
    struct signals *s = arg;
    struct signalfd_siginfo si;
    (void)what;

    while (read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (++s->count > 1) {
            if (s->on_last)
                s->on_last(s->ctx);
            _exit(EXIT_INTERRUPT);
        }
        if (s->on_first)
            s->on_first(s->ctx);
    }
}

int signals_install(struct signals *s, struct event_base *base, void (*on_first)(void *ctx),
                    void *ctx)
{
    sigset_t set;

    memset(s, 0, sizeof *s);
    s->on_first = on_first;
    s->ctx = ctx;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a file over RLIMIT_FSIZE: EFBIG, reported, not a kill */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP); /* the terminal went away: stop as for SIGTERM */
    if (sigprocmask(SIG_BLOCK, &set, &s->saved) != 0)
        return CF_EIO;
    s->blocked = 1;
    s->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (s->fd < 0) {
        int rc = errno == ENOMEM ? CF_ENOMEM : CF_EIO;
        signals_remove(s);
        return rc;
    }
    s->fd_open = 1;
    s->ev = event_new(base, s->fd, EV_READ | EV_PERSIST, on_readable, s);
    if (!s->ev || event_add(s->ev, NULL) != 0) {
        signals_remove(s);
        return CF_ENOMEM;
    }
    return 0;
}

void signals_remove(struct signals *s)
{
    if (s->ev)
        event_free(s->ev);
    s->ev = NULL;
    if (s->fd_open)
        close(s->fd);
    s->fd_open = 0;
    /* A signal still pending now gets its default action, as it would have without us. */
    if (s->blocked)
        sigprocmask(SIG_SETMASK, &s->saved, NULL);
    s->blocked = 0;
}

/* fdwait.c - suspend a task until a descriptor is ready. */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "cofetch/io.h"
#include "internal.h"

struct fd_wait {
    struct event ev;
    cf_task *task;
};

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
    struct fd_wait *w = arg;
    (void)fd;
    (void)what;
    cf_task_wake(w->task, 0);
}

static void on_cancel(void *ctx)
{
    struct fd_wait *w = ctx;
    event_del(&w->ev);
}

/* epoll refuses regular files, block devices, directories and most character devices
 * (/dev/null), and with its changelist libevent reports that only later, from the loop,
 * not from event_add: a task would wait forever. So decide from the descriptor's type:
 * pipes, sockets and terminals are watched; the rest is not pollable. */
int cf_fd_pollable(int fd)
{
    struct stat st;

    if (fstat(fd, &st) != 0)
        return 0;
    if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
        return 1;
    return S_ISCHR(st.st_mode) && isatty(fd);
}

int cf_fd_wait(int fd, int what, double timeout)
{
    struct fd_wait w;
    short events = 0;
    int rc = cf_may_suspend();

    if (rc)
        return rc;
    if (what & CF_FD_READ)
        events |= EV_READ;
    if (what & CF_FD_WRITE)
        events |= EV_WRITE;
    if (!events || fd < 0)
        return CF_EINVAL;
    w.task = cf_task_current();
    if (event_assign(&w.ev, cf_loop_base(cf_loop_current()), fd, events, on_ready, &w) != 0)
        return CF_EIO;
    if (!cf_fd_pollable(fd))
        return CF_EIO;
    if (event_add(&w.ev, NULL) != 0)
        return CF_EIO;
    rc = cf_task_suspend(timeout >= 0 ? cf_loop_time() + timeout : -1, on_cancel, &w);
    event_del(&w.ev); /* a no-op when it already fired (not persistent) */
    return rc;
}

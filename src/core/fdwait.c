/* fdwait.c - suspend a task until a descriptor is ready. */
#include <string.h>
#include <sys/stat.h>

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

int cf_fd_wait(int fd, int what, double timeout)
{
    struct fd_wait w;
    struct stat st;
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
    /* epoll refuses regular files; with the changelist libevent would only say so from
     * the loop, leaving the task waiting forever, so refuse them here. */
    if (fstat(fd, &st) == 0 && (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
        return CF_EIO;
    if (event_add(&w.ev, NULL) != 0)
        return CF_EIO;
    rc = cf_task_suspend(timeout >= 0 ? cf_loop_time() + timeout : -1, on_cancel, &w);
    event_del(&w.ev); /* a no-op when it already fired (not persistent) */
    return rc;
}

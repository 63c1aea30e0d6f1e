/*
 * timeout.c - asyncio.timeout: a call_later that cancels the scope's task, and an
 * end that takes that one cancel back (cf_task_uncancel), as asyncio's
 * Timeout.__aexit__ does with Task.uncancel().
 */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/timeout.h"
#include "internal.h"

struct cf_timeout {
    cf_task *task;
    cf_handle *timer; /* pending expiry, or NULL */
    unsigned ncancels_at_begin;
    int expired;
};

static void expire(void *arg)
{
    cf_timeout *s = arg;

    s->timer = NULL;
    s->expired = 1;
    cf_task_cancel(s->task);
}

static int arm(cf_timeout *s, double deadline)
{
    if (s->timer) {
        cf_handle_cancel(s->timer);
        s->timer = NULL;
    }
    if (deadline < 0)
        return 0;
    return cf_loop_call_later(s->task->loop, deadline - cf_loop_time(), expire, s, &s->timer);
}

int cf_timeout_begin_at(cf_timeout **out, double deadline)
{
    cf_task *self = cf_task_current();
    cf_timeout *s;
    int rc;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    if (!self)
        return CF_ENOTASK;
    s = calloc(1, sizeof *s);
    if (!s)
        return CF_ENOMEM;
    s->task = cf_task_ref(self);
    s->ncancels_at_begin = self->ncancels;
    rc = arm(s, deadline);
    if (rc) {
        cf_task_unref(s->task);
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int cf_timeout_begin(cf_timeout **out, double delay)
{
    return cf_timeout_begin_at(out, cf_deadline_in(delay));
}

int cf_timeout_reschedule(cf_timeout *s, double deadline)
{
    if (s->expired)
        return CF_ESTATE;
    return arm(s, deadline);
}

int cf_timeout_expired(const cf_timeout *s)
{
    return s->expired;
}

int cf_timeout_end(cf_timeout *s, int rc)
{
    if (!s || s->task != cf_task_current())
        return CF_EINVAL;
    if (s->timer)
        cf_handle_cancel(s->timer);
    if (s->expired && cf_task_uncancel(s->task) <= s->ncancels_at_begin && rc == CF_ECANCELED)
        rc = CF_ETIMEDOUT;
    cf_task_unref(s->task);
    free(s);
    return rc;
}

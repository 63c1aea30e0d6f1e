/* cond.c - asyncio.Condition: tasks waiting, under a lock, to be notified. */
#include <stdlib.h>

#include "cofetch/cond.h"
#include "cofetch/error.h"
#include "internal.h"

struct cf_cond {
    cf_lock *lock;
    struct cf_node waiters;
};

int cf_cond_new(cf_cond **out, cf_lock *lock)
{
    cf_cond *c;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    if (!lock)
        return CF_EINVAL;
    c = calloc(1, sizeof *c);
    if (!c)
        return CF_ENOMEM;
    c->lock = lock;
    cf_list_init(&c->waiters);
    *out = c;
    return 0;
}

int cf_cond_free(cf_cond *c)
{
    if (!c)
        return 0;
    if (!cf_list_empty(&c->waiters))
        return CF_EBUSY;
    free(c);
    return 0;
}

static int wait_until(cf_cond *c, double deadline)
{
    cf_task *self = cf_task_current();
    struct cf_waiter w;
    int rc;

    if (!self)
        return CF_ENOTASK;
    if (c->lock->holder != self)
        return CF_ESTATE;
    if (cf_task_cancelled(self))
        return CF_ECANCELED;
    cf_lock_release(c->lock);
    rc = cf_wait_on(&c->waiters, &w, deadline);
    cf_lock_reacquire_shielded(c->lock);
    return rc;
}

int cf_cond_wait(cf_cond *c)
{
    return wait_until(c, -1);
}

int cf_cond_wait_timeout(cf_cond *c, double timeout)
{
    return wait_until(c, cf_deadline_in(timeout));
}

int cf_cond_wait_until(cf_cond *c, double deadline)
{
    return wait_until(c, cf_deadline_at(deadline));
}

int cf_cond_notify(cf_cond *c, size_t n)
{
    if (c->lock->holder == NULL || c->lock->holder != cf_task_current())
        return CF_ESTATE;
    while (n-- > 0 && !cf_list_empty(&c->waiters))
        cf_waiter_wake(cf_container_of(c->waiters.next, struct cf_waiter, node), 0);
    return 0;
}

int cf_cond_notify_all(cf_cond *c)
{
    return cf_cond_notify(c, (size_t)-1);
}

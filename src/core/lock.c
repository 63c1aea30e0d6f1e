/* lock.c - asyncio.Lock: a holder and a FIFO of tasks waiting to be handed the lock. */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/lock.h"
#include "internal.h"

int cf_lock_new(cf_lock **out)
{
    cf_lock *l;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    l = calloc(1, sizeof *l);
    if (!l)
        return CF_ENOMEM;
    cf_list_init(&l->waiters);
    *out = l;
    return 0;
}

int cf_lock_free(cf_lock *l)
{
    if (!l)
        return 0;
    if (l->holder || !cf_list_empty(&l->waiters))
        return CF_EBUSY;
    free(l);
    return 0;
}

int cf_lock_try_acquire(cf_lock *l)
{
    cf_task *self = cf_task_current();

    if (!self)
        return CF_ENOTASK;
    if (l->holder || !cf_list_empty(&l->waiters))
        return CF_EAGAIN;
    l->holder = self;
    return 0;
}

static int acquire_until(cf_lock *l, double deadline)
{
    cf_task *self = cf_task_current();
    struct cf_waiter w;
    int rc = cf_may_suspend();

    if (rc)
        return rc;
    if (l->holder == self)
        return CF_ESTATE;
    if (cf_lock_try_acquire(l) == 0)
        return 0;
    /* A wake with 0 means release() made us the holder. */
    return cf_wait_on(&l->waiters, &w, deadline);
}

int cf_lock_acquire(cf_lock *l)
{
    return acquire_until(l, -1);
}

int cf_lock_acquire_timeout(cf_lock *l, double timeout)
{
    return acquire_until(l, cf_deadline_in(timeout));
}

int cf_lock_acquire_until(cf_lock *l, double deadline)
{
    return acquire_until(l, cf_deadline_at(deadline));
}

void cf_lock_reacquire_shielded(cf_lock *l)
{
    struct cf_waiter w;
    cf_task *self = cf_task_current();

    if (!l->holder && cf_list_empty(&l->waiters)) {
        l->holder = self;
        return;
    }
    cf_wait_on_shielded(&l->waiters, &w);
}

int cf_lock_release(cf_lock *l)
{
    struct cf_waiter *w;

    if (!l->holder || l->holder != cf_task_current())
        return CF_ESTATE;
    if (cf_list_empty(&l->waiters)) {
        l->holder = NULL;
        return 0;
    }
    w = cf_container_of(l->waiters.next, struct cf_waiter, node);
    l->holder = w->task;
    cf_waiter_wake(w, 0);
    return 0;
}

int cf_lock_locked(const cf_lock *l)
{
    return l->holder != NULL;
}

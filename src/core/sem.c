/* sem.c - a counting semaphore with FIFO hand-off of permits. */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/sem.h"
#include "internal.h"

struct cf_sem {
    size_t value;
    size_t bound; /* bounded: the initial permits; else 0 */
    struct cf_node waiters;
};

int cf_sem_new(cf_sem **out, size_t permits)
{
    cf_sem *s = calloc(1, sizeof *s);
    if (!s)
        return CF_ENOMEM;
    s->value = permits;
    cf_list_init(&s->waiters);
    *out = s;
    return 0;
}

int cf_sem_new_bounded(cf_sem **out, size_t permits)
{
    int rc = cf_sem_new(out, permits);
    if (rc == 0)
        (*out)->bound = permits;
    return rc;
}

void cf_sem_free(cf_sem *s)
{
    if (!s)
        return;
    cf_waiters_wake_all(&s->waiters, CF_ECANCELED);
    free(s);
}

int cf_sem_try_acquire(cf_sem *s)
{
    /* Waiters first: a free permit with waiters queued is already promised. */
    if (s->value == 0 || !cf_list_empty(&s->waiters))
        return CF_EAGAIN;
    s->value--;
    return 0;
}

static int acquire_until(cf_sem *s, double deadline)
{
    struct cf_waiter w;
    int rc = cf_may_suspend();

    if (rc)
        return rc;
    if (cf_sem_try_acquire(s) == 0)
        return 0;
    /* A wake with 0 means release() handed us its permit directly. */
    return cf_wait_on(&s->waiters, &w, deadline);
}

int cf_sem_acquire(cf_sem *s)
{
    return acquire_until(s, -1);
}

int cf_sem_acquire_timeout(cf_sem *s, double timeout)
{
    return acquire_until(s, cf_deadline_in(timeout));
}

int cf_sem_acquire_until(cf_sem *s, double deadline)
{
    return acquire_until(s, cf_deadline_at(deadline));
}

int cf_sem_release(cf_sem *s)
{
    if (!cf_list_empty(&s->waiters)) {
        cf_waiter_wake(cf_container_of(s->waiters.next, struct cf_waiter, node), 0);
        return 0;
    }
    if (s->bound && s->value >= s->bound)
        return CF_ESTATE;
    s->value++;
    return 0;
}

size_t cf_sem_value(const cf_sem *s)
{
    return s->value;
}

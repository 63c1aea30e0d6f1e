/* event.c - asyncio.Event: a flag and the tasks waiting for it to be set. */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/event.h"
#include "internal.h"

struct cf_event {
    int set;
    struct cf_node waiters;
};

int cf_event_new(cf_event **out)
{
    cf_event *e;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    e = calloc(1, sizeof *e);
    if (!e)
        return CF_ENOMEM;
    cf_list_init(&e->waiters);
    *out = e;
    return 0;
}

int cf_event_free(cf_event *e)
{
    if (!e)
        return 0;
    if (!cf_list_empty(&e->waiters))
        return CF_EBUSY;
    free(e);
    return 0;
}

void cf_event_set(cf_event *e)
{
    if (e->set)
        return;
    e->set = 1;
    cf_waiters_wake_all(&e->waiters, 0);
}

void cf_event_clear(cf_event *e)
{
    e->set = 0;
}

int cf_event_is_set(const cf_event *e)
{
    return e->set;
}

static int wait_until(cf_event *e, double deadline)
{
    struct cf_waiter w;
    int rc = cf_may_suspend();

    if (rc)
        return rc;
    if (e->set)
        return 0;
    return cf_wait_on(&e->waiters, &w, deadline);
}

int cf_event_wait(cf_event *e)
{
    return wait_until(e, -1);
}

int cf_event_wait_timeout(cf_event *e, double timeout)
{
    return wait_until(e, cf_deadline_in(timeout));
}

int cf_event_wait_until(cf_event *e, double deadline)
{
    return wait_until(e, cf_deadline_at(deadline));
}

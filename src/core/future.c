/* future.c - a value set once, awaited by any number of tasks. */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/future.h"
#include "internal.h"

struct cf_future {
    int done;
    int code;
    void *result;
    struct cf_node waiters;
};

int cf_future_new(cf_future **out)
{
    cf_future *f = calloc(1, sizeof *f);
    if (!f)
        return CF_ENOMEM;
    cf_list_init(&f->waiters);
    *out = f;
    return 0;
}

void cf_future_free(cf_future *f)
{
    if (!f)
        return;
    cf_waiters_wake_all(&f->waiters, CF_ECANCELED);
    free(f);
}

static int resolve(cf_future *f, int code, void *result)
{
    if (f->done)
        return CF_ESTATE;
    f->done = 1;
    f->code = code;
    f->result = result;
    cf_waiters_wake_all(&f->waiters, 0);
    return 0;
}

int cf_future_set_result(cf_future *f, void *result)
{
    return resolve(f, 0, result);
}

int cf_future_set_error(cf_future *f, int err)
{
    if (err >= 0)
        return CF_EINVAL;
    return resolve(f, err, NULL);
}

int cf_future_cancel(cf_future *f)
{
    return resolve(f, CF_ECANCELED, NULL) == 0;
}

int cf_future_done(const cf_future *f)
{
    return f->done;
}

int cf_future_result(const cf_future *f, void **result)
{
    if (!f->done)
        return CF_ESTATE;
    if (result)
        *result = f->result;
    return f->code;
}

static int await_until(cf_future *f, double deadline, void **result)
{
    struct cf_waiter w;
    int rc;

    if (!f->done) {
        rc = cf_wait_on(&f->waiters, &w, deadline);
        if (rc == CF_ETIMEDOUT)
            cf_future_cancel(f);
        if (rc)
            return rc;
    }
    return cf_future_result(f, result);
}

int cf_future_await(cf_future *f, void **result)
{
    if (!cf_task_current())
        return CF_ENOTASK;
    return await_until(f, -1, result);
}

int cf_future_wait_for(cf_future *f, double timeout, void **result)
{
    if (!cf_task_current())
        return CF_ENOTASK;
    return await_until(f, cf_deadline_in(timeout), result);
}

int cf_future_wait_until(cf_future *f, double deadline, void **result)
{
    if (!cf_task_current())
        return CF_ENOTASK;
    return await_until(f, cf_deadline_at(deadline), result);
}

/*
 * cofetch/future.h - futures: a result that another task (or a callback) sets later.
 *
 * A future is set exactly once, with a result pointer (cf_future_set_result) or an
 * error code (cf_future_set_error); any number of tasks may await it, before or after
 * it is set. The creator owns it and frees it with cf_future_free().
 *
 *   cf_future_new / _free       create / destroy
 *   cf_future_set_result        resolve with a pointer          (never suspends)
 *   cf_future_set_error         resolve with a CF_E* code        (never suspends)
 *   cf_future_cancel            resolve with CF_ECANCELED         (never suspends)
 *   cf_future_done / _result    poll                              (never suspends)
 *   cf_future_await             wait until set                    (may suspend)
 *   cf_future_wait_for / _until wait with a timeout / deadline    (may suspend)
 */
#ifndef COFETCH_FUTURE_H
#define COFETCH_FUTURE_H

#include "cofetch/export.h"

CF_API_BEGIN

typedef struct cf_future cf_future;

/* Errors: CF_ENOMEM. */
int cf_future_new(cf_future **out);

/* Destroy. Tasks still awaiting it are woken with CF_ECANCELED first. NULL: no-op. */
void cf_future_free(cf_future *f);

/* Resolve and wake every awaiting task (on a later loop iteration). The pointer is
 * stored, not owned. Errors: CF_ESTATE if the future is already done (it keeps its
 * first value); CF_EINVAL if err is not negative. */
int cf_future_set_result(cf_future *f, void *result);
int cf_future_set_error(cf_future *f, int err);

/* asyncio's Future.cancel(): resolve with CF_ECANCELED if not done yet. Returns 1 if
 * it was cancelled now, 0 if it was already done. */
int cf_future_cancel(cf_future *f);

int cf_future_done(const cf_future *f);

/* The stored code (0 or the error) and result; CF_ESTATE while not done. */
int cf_future_result(const cf_future *f, void **result);

/* Suspend until f is done, then return as cf_future_result(). May suspend.
 * Errors: the future's error; CF_ECANCELED if the waiting task is cancelled (the
 * future itself is left alone); CF_ENOTASK. */
int cf_future_await(cf_future *f, void **result);

/* asyncio.wait_for(fut, timeout): if f is not done within `timeout` seconds, cancel
 * the future (as cf_future_cancel) and return CF_ETIMEDOUT. A cancel of the waiting
 * task wins over the deadline. May suspend. */
int cf_future_wait_for(cf_future *f, double timeout, void **result);
/* The same with an absolute deadline (cf_loop_time() seconds). May suspend. */
int cf_future_wait_until(cf_future *f, double deadline, void **result);

CF_API_END

#endif

/*
 * cofetch/cond.h - asyncio.Condition for C: wait, under a lock, for a state change.
 *
 * A condition is bound to a cf_lock (borrowed: it must outlive the condition). A task
 * holding the lock calls cf_cond_wait, which releases the lock, suspends until another
 * task calls cf_cond_notify / _notify_all (holding the lock), then takes the lock
 * again before it returns, whatever the outcome: after cf_cond_wait the caller always
 * holds the lock, so its cleanup can rely on it. Waiters are woken in FIFO order. As
 * with any condition variable, re-check the predicate in a loop after waking.
 *
 *   cf_cond_new / _free        create / destroy (CF_EBUSY while tasks wait)
 *   cf_cond_wait               may suspend
 *   cf_cond_wait_timeout / _until   may suspend; CF_ETIMEDOUT
 *   cf_cond_notify / _all      never suspend
 *
 * Cancellation: a task cancelled (or whose deadline passes) in cf_cond_wait stops
 * waiting for a notify, takes the lock back (that wait is not interrupted) and returns
 * CF_ECANCELED (CF_ETIMEDOUT); a notify that reached it first is not lost: it returns
 * 0 and the next suspension point reports the cancel.
 */
#ifndef COFETCH_COND_H
#define COFETCH_COND_H

#include <stddef.h>

#include "cofetch/export.h"
#include "cofetch/lock.h"

CF_API_BEGIN

typedef struct cf_cond cf_cond;

/* Create a condition on `lock`; the caller owns *out. Never suspends. Errors:
 * CF_ENOMEM, CF_EINVAL (out or lock NULL). */
int cf_cond_new(cf_cond **out, cf_lock *lock);

/* Destroy c (not its lock). Errors: CF_EBUSY (tasks wait on it: nothing is freed).
 * NULL: no-op, 0. */
int cf_cond_free(cf_cond *c);

/* Release the lock, wait for a notify, take the lock back. The caller must hold the
 * lock. May suspend. Errors: CF_ECANCELED, CF_ETIMEDOUT (the _timeout and _until
 * forms), CF_ENOTASK, CF_ESTATE (the caller does not hold the lock: nothing waits). */
int cf_cond_wait(cf_cond *c);
int cf_cond_wait_timeout(cf_cond *c, double timeout);
int cf_cond_wait_until(cf_cond *c, double deadline);

/* Wake up to n waiters (cf_cond_notify_all: every one). The caller must hold the
 * lock. Never suspends. Errors: CF_ESTATE (the caller does not hold the lock). */
int cf_cond_notify(cf_cond *c, size_t n);
int cf_cond_notify_all(cf_cond *c);

CF_API_END

#endif

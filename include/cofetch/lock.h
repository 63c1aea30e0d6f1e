/*
 * cofetch/lock.h - asyncio.Lock for C: mutual exclusion between tasks.
 *
 * One task holds the lock at a time. cf_lock_acquire suspends while another holds it;
 * cf_lock_release hands it straight to the longest-waiting task (FIFO: no barging, no
 * starvation). The lock remembers its holder: only the holder may release it, and a
 * holder acquiring it again is refused (it is not recursive) rather than deadlocked.
 * The creator owns the lock and frees it when it is free and nobody waits.
 *
 *   cf_lock_new / _free        create / destroy (CF_EBUSY while held or awaited)
 *   cf_lock_acquire            may suspend
 *   cf_lock_acquire_timeout / _until   may suspend; CF_ETIMEDOUT
 *   cf_lock_try_acquire        never suspends; CF_EAGAIN
 *   cf_lock_release            never suspends
 *   cf_lock_locked             never suspends
 *
 * Cancellation: a task cancelled while waiting returns CF_ECANCELED without the lock;
 * one the lock was handed to before its cancel arrived returns 0 and holds it (its
 * next suspension point reports the cancel), so a release is never lost.
 */
#ifndef COFETCH_LOCK_H
#define COFETCH_LOCK_H

#include "cofetch/export.h"
#include "cofetch/loop.h"

CF_API_BEGIN

typedef struct cf_lock cf_lock;

/* Create a free lock; the caller owns *out. Never suspends. Errors: CF_ENOMEM,
 * CF_EINVAL (out NULL). */
int cf_lock_new(cf_lock **out);

/* Destroy l. Errors: CF_EBUSY (held, or tasks wait for it: nothing is freed).
 * NULL: no-op, 0. */
int cf_lock_free(cf_lock *l);

/* Take l for the calling task, suspending while another holds it. May suspend.
 * Errors: CF_ECANCELED, CF_ETIMEDOUT (the _timeout and _until forms), CF_ENOTASK,
 * CF_ESTATE (the caller already holds it). */
int cf_lock_acquire(cf_lock *l);
int cf_lock_acquire_timeout(cf_lock *l, double timeout);
int cf_lock_acquire_until(cf_lock *l, double deadline);

/* Take l if it is free and nobody waits. Never suspends. Errors: CF_EAGAIN,
 * CF_ENOTASK (the holder is a task). */
int cf_lock_try_acquire(cf_lock *l);

/* Release l (to the first waiter, if any). Never suspends. Errors: CF_ESTATE (l is
 * not held by the calling task: nothing changes). */
int cf_lock_release(cf_lock *l);

/* 1 if some task holds l, else 0. */
int cf_lock_locked(const cf_lock *l);

CF_API_END

#endif

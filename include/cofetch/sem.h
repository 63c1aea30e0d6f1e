/*
 * cofetch/sem.h - asyncio.Semaphore for C: bounded concurrency.
 *
 * A counter of permits. acquire takes one, suspending while none is free; release
 * gives one back, handing it straight to the longest-waiting task (FIFO, so nobody
 * starves and nobody barges in). The creator owns it; free it when nobody waits.
 *
 * A bounded semaphore (asyncio.BoundedSemaphore, cf_sem_new_bounded) refuses a
 * release that would raise its permits above the initial count: a release without an
 * acquire is a bug that returns CF_ESTATE instead of silently widening the limit.
 *
 *   cf_sem_new / _new_bounded / _free
 *   cf_sem_acquire          may suspend
 *   cf_sem_acquire_timeout / _until   may suspend; CF_ETIMEDOUT
 *   cf_sem_try_acquire      never suspends; CF_EAGAIN
 *   cf_sem_release          never suspends; CF_ESTATE (bounded, over the count)
 *   cf_sem_value            free permits
 */
#ifndef COFETCH_SEM_H
#define COFETCH_SEM_H

#include <stddef.h>

#include "cofetch/export.h"

CF_API_BEGIN

typedef struct cf_sem cf_sem;

/* Errors: CF_ENOMEM. */
int cf_sem_new(cf_sem **out, size_t permits);
int cf_sem_new_bounded(cf_sem **out, size_t permits);
/* Destroy. Waiting tasks are woken with CF_ECANCELED first. NULL: no-op. */
void cf_sem_free(cf_sem *s);

/* Take a permit, suspending while none is free; _timeout gives up after `timeout`
 * seconds, _until at the absolute `deadline` (cf_loop_time()). May suspend.
 * Errors: CF_ECANCELED (no permit taken), CF_ETIMEDOUT, CF_ENOTASK. */
int cf_sem_acquire(cf_sem *s);
int cf_sem_acquire_timeout(cf_sem *s, double timeout);
int cf_sem_acquire_until(cf_sem *s, double deadline);
/* Errors: CF_EAGAIN. */
int cf_sem_try_acquire(cf_sem *s);
/* Give a permit back (to the longest waiter, if any). Never suspends. Errors:
 * CF_ESTATE (a bounded semaphore already has all its permits: nothing changes). */
int cf_sem_release(cf_sem *s);
size_t cf_sem_value(const cf_sem *s);

CF_API_END

#endif

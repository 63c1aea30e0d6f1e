/*
 * cofetch/sem.h - asyncio.Semaphore for C: bounded concurrency.
 *
 * A counter of permits. acquire takes one, suspending while none is free; release
 * gives one back, handing it straight to the longest-waiting task (FIFO, so nobody
 * starves and nobody barges in). The creator owns it; free it when nobody waits.
 *
 *   cf_sem_new / _free
 *   cf_sem_acquire          may suspend
 *   cf_sem_acquire_timeout  may suspend; CF_ETIMEDOUT
 *   cf_sem_try_acquire      never suspends; CF_EAGAIN
 *   cf_sem_release          never suspends
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
/* Destroy. Waiting tasks are woken with CF_ECANCELED first. NULL: no-op. */
void cf_sem_free(cf_sem *s);

/* Errors: CF_ECANCELED (no permit taken), CF_ETIMEDOUT, CF_ENOTASK. */
int cf_sem_acquire(cf_sem *s);
int cf_sem_acquire_timeout(cf_sem *s, double timeout);
/* Errors: CF_EAGAIN. */
int cf_sem_try_acquire(cf_sem *s);
void cf_sem_release(cf_sem *s);
size_t cf_sem_value(const cf_sem *s);

CF_API_END

#endif

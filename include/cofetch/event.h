/*
 * cofetch/event.h - asyncio.Event for C: a flag tasks wait for.
 *
 * An event is clear when created. cf_event_set() sets it and wakes every task waiting
 * in cf_event_wait (on a later loop iteration; FIFO); while it is set, waits return at
 * once. cf_event_clear() clears it again. The creator owns the event and frees it
 * when no task waits on it; the loop it is used on must be the waiters' loop.
 *
 *   cf_event_new / _free       create / destroy (CF_EBUSY while tasks wait)
 *   cf_event_set / _clear      never suspend
 *   cf_event_is_set            never suspends
 *   cf_event_wait              may suspend
 *   cf_event_wait_timeout / _until   may suspend; CF_ETIMEDOUT
 *
 * Cancellation: a task cancelled in cf_event_wait returns CF_ECANCELED and is no
 * longer a waiter; one woken by cf_event_set before its cancel arrived returns 0
 * (its next suspension point reports the cancel). A cancel wins over a deadline that
 * passed at the same time.
 */
#ifndef COFETCH_EVENT_H
#define COFETCH_EVENT_H

#include "cofetch/export.h"

CF_API_BEGIN

typedef struct cf_event cf_event;

/* Create a clear event; the caller owns *out. Never suspends. Errors: CF_ENOMEM,
 * CF_EINVAL (out NULL). */
int cf_event_new(cf_event **out);

/* Destroy e. Errors: CF_EBUSY (tasks are waiting on it: nothing is freed; set it
 * first, or cancel them). NULL: no-op, 0. */
int cf_event_free(cf_event *e);

/* Set e and wake every waiter. Never suspends. Setting a set event does nothing. */
void cf_event_set(cf_event *e);

/* Clear e: later waits suspend until the next cf_event_set. Never suspends. */
void cf_event_clear(cf_event *e);

/* 1 if e is set, else 0. */
int cf_event_is_set(const cf_event *e);

/* Suspend until e is set (0 at once if it is). The _timeout form gives up after
 * `timeout` seconds, the _until form at the absolute `deadline` (cf_loop_time()).
 * May suspend. Errors: CF_ECANCELED, CF_ETIMEDOUT, CF_ENOTASK. */
int cf_event_wait(cf_event *e);
int cf_event_wait_timeout(cf_event *e, double timeout);
int cf_event_wait_until(cf_event *e, double deadline);

CF_API_END

#endif

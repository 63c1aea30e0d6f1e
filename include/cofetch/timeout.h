/*
 * cofetch/timeout.h - asyncio.timeout for C: a deadline on a stretch of a task.
 *
 * cf_timeout_begin opens a scope in the calling task; if the deadline passes before
 * cf_timeout_end, the task is cancelled, so whatever it awaits in the scope (a fetch,
 * a gather, a lock, a task group) returns CF_ECANCELED, as do its later suspension
 * points, until the scope ends. cf_timeout_end takes that cancel back and turns the
 * scope's CF_ECANCELED into CF_ETIMEDOUT:
 *
 *     cf_timeout *to;                       async with asyncio.timeout(10):
 *     cf_timeout_begin(&to, 10.0);              await fetch(url)
 *     rc = cf_fetch(&req, &resp);
 *     rc = cf_timeout_end(to, rc);      rc is CF_ETIMEDOUT if the 10 s ran out
 *
 * Scopes nest (the inner one ends first). A cancel from outside the scope stays a
 * cancel: cf_timeout_end then returns CF_ECANCELED and the task stays cancelled.
 *
 *   cf_timeout_begin / _begin_at   never suspend (from a task)
 *   cf_timeout_reschedule          never suspends
 *   cf_timeout_expired             never suspends
 *   cf_timeout_end                 never suspends; frees the scope
 */
#ifndef COFETCH_TIMEOUT_H
#define COFETCH_TIMEOUT_H

#include "cofetch/export.h"

CF_API_BEGIN

typedef struct cf_timeout cf_timeout;

/* Open a scope in the calling task that expires `delay` seconds from now
 * (cf_timeout_begin; <= 0: at the next loop iteration) or at the absolute `deadline`
 * (cf_timeout_begin_at, cf_loop_time() seconds; negative: never, until rescheduled).
 * The scope belongs to the task and is freed by cf_timeout_end. Never suspends.
 * Errors: CF_ENOMEM, CF_EINVAL (out NULL), CF_ENOTASK. */
int cf_timeout_begin(cf_timeout **out, double delay);
int cf_timeout_begin_at(cf_timeout **out, double deadline);

/* Move the deadline (absolute; negative: never). Errors: CF_ESTATE (the scope has
 * already expired), CF_ENOMEM. */
int cf_timeout_reschedule(cf_timeout *s, double deadline);

/* 1 if the deadline has passed (the task has been cancelled by the scope), else 0. */
int cf_timeout_expired(const cf_timeout *s);

/* End the scope and free it; rc is what the scope's code ended with. Returns
 * CF_ETIMEDOUT when the scope expired and rc is CF_ECANCELED caused by it alone, else
 * rc. Must be called by the task that began the scope, innermost scope first.
 * Never suspends. Errors: CF_EINVAL (another task, or s NULL: nothing is freed). */
int cf_timeout_end(cf_timeout *s, int rc);

CF_API_END

#endif

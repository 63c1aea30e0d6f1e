/*
 * cofetch/wait.h - asyncio.wait and asyncio.as_completed for C.
 *
 * cf_wait suspends until a set of tasks reaches a condition (the first done, the first
 * failed, all done) or a deadline passes; it cancels nothing and takes no references:
 * afterwards the caller looks at each task with cf_task_done / cf_task_result.
 * cf_as_completed is an iterator that hands the tasks back in the order they finish.
 * Every task must belong to the caller's loop.
 *
 *   cf_wait / _until                 may suspend
 *   cf_as_completed_new / _free      never suspend
 *   cf_as_completed_next / _until    may suspend
 *
 * Cancellation: a caller cancelled in cf_wait or cf_as_completed_next returns
 * CF_ECANCELED at once; the tasks keep running (cancel them yourself, or use a task
 * group, which does). A cancel wins over a deadline that passed at the same time.
 */
#ifndef COFETCH_WAIT_H
#define COFETCH_WAIT_H

#include <stddef.h>

#include "cofetch/export.h"
#include "cofetch/loop.h"

CF_API_BEGIN

enum cf_wait_when {
    CF_FIRST_COMPLETED, /* any task is done */
    CF_FIRST_EXCEPTION, /* any task failed (a non-zero code), or all are done */
    CF_ALL_COMPLETED,   /* every task is done */
};

/* Wait until `when` holds for tasks[0..n) (at once if it already does; n == 0: at
 * once), for at most `timeout` seconds (negative: no limit), or until the absolute
 * `deadline` (cf_loop_time(); negative: none). May suspend. Returns 0 when the
 * condition holds; CF_ETIMEDOUT when time ran out first (not a failure of the tasks:
 * look at which are done). Errors: CF_ECANCELED, CF_ENOTASK, CF_ENOMEM, CF_EINVAL
 * (a NULL task, the caller itself, or `when` unknown), CF_ELOOP. */
int cf_wait(cf_task *const *tasks, size_t n, enum cf_wait_when when, double timeout);
int cf_wait_until(cf_task *const *tasks, size_t n, enum cf_wait_when when, double deadline);

typedef struct cf_as_completed cf_as_completed;

/* An iterator over tasks[0..n) in the order they finish (those already done first,
 * in input order). It takes a reference to each task until cf_as_completed_free; the
 * caller's own references are unaffected. Call from a task of their loop. Never
 * suspends. Errors: CF_ENOMEM, CF_EINVAL (out NULL, a NULL task, the caller itself),
 * CF_ELOOP, CF_ENOTASK. */
int cf_as_completed_new(cf_as_completed **out, cf_task *const *tasks, size_t n);

/* The next task to finish (borrowed: valid until cf_as_completed_free), suspending
 * until one does. May suspend. Errors: CF_EOF (every task has been returned),
 * CF_ECANCELED, CF_ETIMEDOUT (_until: the absolute deadline passed), CF_ENOTASK. */
int cf_as_completed_next(cf_as_completed *it, cf_task **task);
int cf_as_completed_next_until(cf_as_completed *it, cf_task **task, double deadline);

/* Free the iterator (the tasks keep running). Never suspends. Errors: CF_EBUSY (a
 * task is suspended in cf_as_completed_next on it). NULL: no-op, 0. */
int cf_as_completed_free(cf_as_completed *it);

CF_API_END

#endif

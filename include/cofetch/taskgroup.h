/*
 * cofetch/taskgroup.h - asyncio.TaskGroup for C: structured concurrency.
 *
 * A task group belongs to the task that creates it (its parent) and is a scope: every
 * task spawned into it is awaited by cf_taskgroup_wait before the scope ends, so none
 * outlives it. The first task of the group that fails (returns an error other than
 * CF_ECANCELED) cancels every other task of the group and the parent itself (so a
 * parent busy elsewhere in the scope, in cf_sleep or cf_fetch, is interrupted and comes
 * to cf_taskgroup_wait); cf_taskgroup_wait then takes that cancel back and returns the
 * first failure. Groups nest: a task of a group may run a group of its own, and a
 * parent may open a group inside another's scope.
 *
 *     cf_taskgroup *g;                      async with asyncio.TaskGroup() as g:
 *     cf_taskgroup_new(&g);                     g.create_task(fetch(a))
 *     cf_taskgroup_spawn(g, NULL, fetch, a);    g.create_task(fetch(b))
 *     cf_taskgroup_spawn(g, NULL, fetch, b);
 *     rc = cf_taskgroup_wait(g);
 *     cf_taskgroup_free(g);
 *
 *   cf_taskgroup_new           never suspends (from a task)
 *   cf_taskgroup_spawn         never suspends
 *   cf_taskgroup_wait          may suspend: until every task of the group is done
 *   cf_taskgroup_free          never suspends (CF_EBUSY while tasks run)
 *
 * Cancellation: a parent cancelled from outside while in cf_taskgroup_wait cancels
 * every task of the group, waits for all of them (that wait is not interrupted) and
 * returns CF_ECANCELED. Combine with cf_timeout_begin for a deadline on the scope.
 */
#ifndef COFETCH_TASKGROUP_H
#define COFETCH_TASKGROUP_H

#include <stddef.h>

#include "cofetch/export.h"
#include "cofetch/loop.h"

CF_API_BEGIN

typedef struct cf_taskgroup cf_taskgroup;

/* Open a group whose parent is the calling task; the caller owns *out. Never
 * suspends. Errors: CF_ENOMEM, CF_EINVAL (out NULL), CF_ENOTASK. */
int cf_taskgroup_new(cf_taskgroup **out);

/* Spawn fn(arg) into g (as cf_spawn: it starts on a later iteration). If out is
 * non-NULL it receives a reference of the caller's own (drop it with cf_task_unref);
 * the group holds another until cf_taskgroup_free. Never suspends. Errors: CF_ENOMEM,
 * CF_EINVAL (g or fn NULL), CF_ESTATE (the group is done, or is cancelling its tasks
 * after a failure: nothing is spawned). */
int cf_taskgroup_spawn(cf_taskgroup *g, cf_task **out, cf_task_fn *fn, void *arg);

/* Wait until every task of g is done; g is done afterwards (no more spawns). Only the
 * parent may wait. May suspend. Returns 0 when no task failed; the first task's error
 * when one did (CF_ECANCELED results do not count as failures); CF_ECANCELED when the
 * parent was cancelled other than by the group. Errors: CF_ENOTASK, CF_EINVAL (the
 * caller is not g's parent), CF_ESTATE (already waited). */
int cf_taskgroup_wait(cf_taskgroup *g);

/* Free g and drop its references to its tasks. Errors: CF_EBUSY (a task of g has not
 * finished: wait first; nothing is freed). NULL: no-op, 0. */
int cf_taskgroup_free(cf_taskgroup *g);

/* Tasks spawned into g that have not finished. */
size_t cf_taskgroup_running(const cf_taskgroup *g);

CF_API_END

#endif

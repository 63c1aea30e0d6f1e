/*
 * taskgroup.c - asyncio.TaskGroup: a parent, its children, and the first failure.
 *
 * Each child carries a waiter whose notify (member_done, on the loop's stack when the
 * child finishes) counts it off, records the first failure and then aborts the group:
 * every running child is cancelled, and the parent too unless it is already waiting
 * (that cancel is taken back by cf_taskgroup_wait). The parent waits for the count to
 * reach zero, shielded once the group is aborting, so no child outlives the scope.
 */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/taskgroup.h"
#include "internal.h"

struct member {
    struct cf_waiter w; /* on the child's waiters until it is done */
    cf_task *task;      /* the group's reference */
    struct member *next;
};

struct cf_taskgroup {
    cf_task *parent;
    struct member *members;
    size_t running;
    int error;            /* first failure */
    int aborting;         /* children are being cancelled */
    int parent_cancelled; /* the group cancelled its parent: wait takes it back */
    int waiting;          /* the parent is suspended in wait and may be woken */
    int done;
};

int cf_taskgroup_new(cf_taskgroup **out)
{
    cf_task *self = cf_task_current();
    cf_taskgroup *g;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    if (!self)
        return CF_ENOTASK;
    g = calloc(1, sizeof *g);
    if (!g)
        return CF_ENOMEM;
    g->parent = self;
    *out = g;
    return 0;
}

static void abort_group(cf_taskgroup *g)
{
    struct member *m;

    if (g->aborting)
        return;
    g->aborting = 1;
    for (m = g->members; m; m = m->next)
        cf_task_cancel(m->task);
    if (!g->waiting && !g->done && !cf_task_done(g->parent)) {
        g->parent_cancelled = 1;
        cf_task_cancel(g->parent);
    }
}

static void member_done(struct cf_waiter *w, int code)
{
    struct member *m = cf_container_of(w, struct member, w);
    cf_taskgroup *g = w->ctx;
    int rc = cf_task_result(m->task, NULL);

    (void)code;
    g->running--;
    if (rc != 0 && rc != CF_ECANCELED && g->error == 0) {
        g->error = rc;
        abort_group(g);
    }
    if (g->waiting && (g->running == 0 || g->aborting)) {
        g->waiting = 0;
        cf_task_wake(g->parent, 0);
    }
}

int cf_taskgroup_spawn(cf_taskgroup *g, cf_task **out, cf_task_fn *fn, void *arg)
{
    struct member *m;
    cf_task *t;
    int rc;

    if (out)
        *out = NULL;
    if (!g || !fn)
        return CF_EINVAL;
    if (g->done || g->aborting)
        return CF_ESTATE;
    m = calloc(1, sizeof *m);
    if (!m)
        return CF_ENOMEM;
    rc = cf_loop_spawn(g->parent->loop, &t, fn, arg);
    if (rc) {
        free(m);
        return rc;
    }
    m->task = t;
    m->w.task = g->parent;
    m->w.notify = member_done;
    m->w.ctx = g;
    cf_list_push_back(&t->waiters, &m->w.node);
    m->next = g->members;
    g->members = m;
    g->running++;
    if (out)
        *out = cf_task_ref(t);
    return 0;
}

static void stop_waiting(void *ctx)
{
    cf_taskgroup *g = ctx;
    g->waiting = 0;
}

int cf_taskgroup_wait(cf_taskgroup *g)
{
    cf_task *self = cf_task_current();
    int external = 0;

    if (!self)
        return CF_ENOTASK;
    if (!g || g->parent != self)
        return CF_EINVAL;
    if (g->done)
        return CF_ESTATE;
    while (g->running > 0) {
        g->waiting = 1;
        if (!g->aborting) {
            if (cf_task_suspend(-1, stop_waiting, g) == CF_ECANCELED)
                abort_group(g);
        } else {
            cf_task_suspend_shielded(stop_waiting, g);
        }
        g->waiting = 0;
    }
    g->done = 1;
    if (g->parent_cancelled)
        external = cf_task_uncancel(self) > 0;
    else
        external = cf_task_cancelled(self);
    if (external)
        return CF_ECANCELED;
    return g->error;
}

int cf_taskgroup_free(cf_taskgroup *g)
{
    struct member *m;

    if (!g)
        return 0;
    if (g->running > 0)
        return CF_EBUSY;
    while ((m = g->members) != NULL) {
        g->members = m->next;
        cf_task_unref(m->task);
        free(m);
    }
    free(g);
    return 0;
}

size_t cf_taskgroup_running(const cf_taskgroup *g)
{
    return g->running;
}

/*
 * wait.c - asyncio.wait and as_completed: one waiter with a notify on each task.
 *
 * The notifies run on the loop's stack as each task finishes; they only count (and
 * for as_completed append to the finish order) and wake the waiting task when what it
 * waits for has happened. Both unhook every waiter before they return or are freed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/wait.h"
#include "internal.h"

static int check_tasks(cf_task *self, cf_task *const *tasks, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!tasks[i] || tasks[i] == self)
            return CF_EINVAL;
        if (tasks[i]->loop != self->loop)
            return CF_ELOOP;
    }
    return 0;
}

/* ---- cf_wait ---- */

struct waitset {
    cf_task *self;
    enum cf_wait_when when;
    size_t pending;
    int failed;
    int waiting;
};

static int satisfied(const struct waitset *s, size_t n)
{
    switch (s->when) {
    case CF_FIRST_COMPLETED: return s->pending < n || n == 0;
    case CF_FIRST_EXCEPTION: return s->failed || s->pending == 0;
    case CF_ALL_COMPLETED: return s->pending == 0;
    }
    return 1;
}

static void waited_done(struct cf_waiter *w, int code)
{
    struct waitset *s = w->ctx;
    size_t n = (size_t)(uintptr_t)w->item;

    (void)code;
    s->pending--;
    if (cf_task_result(w->task, NULL) != 0)
        s->failed = 1;
    if (s->waiting && satisfied(s, n)) {
        s->waiting = 0;
        cf_task_wake(s->self, 0);
    }
}

static void stop_waiting(void *ctx)
{
    struct waitset *s = ctx;
    s->waiting = 0;
}

int cf_wait_until(cf_task *const *tasks, size_t n, enum cf_wait_when when, double deadline)
{
    cf_task *self = cf_task_current();
    struct cf_waiter small[16], *w = small;
    struct waitset s = {self, when, 0, 0, 0};
    int rc;
    size_t i;

    if (!self)
        return CF_ENOTASK;
    if ((unsigned)when > CF_ALL_COMPLETED || (n && !tasks))
        return CF_EINVAL;
    if ((rc = check_tasks(self, tasks, n)) != 0)
        return rc;
    if (cf_task_cancelled(self))
        return CF_ECANCELED;
    for (i = 0; i < n; i++) {
        if (!cf_task_done(tasks[i]))
            s.pending++;
        else if (cf_task_result(tasks[i], NULL) != 0)
            s.failed = 1;
    }
    if (satisfied(&s, n))
        return 0;
    if (n > sizeof small / sizeof small[0] && !(w = malloc(n * sizeof *w)))
        return CF_ENOMEM;
    for (i = 0; i < n; i++) {
        cf_list_init(&w[i].node);
        if (cf_task_done(tasks[i]))
            continue;
        /* The notify reads the finished task from w->task and n from w->item. */
        w[i].task = tasks[i];
        w[i].notify = waited_done;
        w[i].item = (void *)(uintptr_t)n;
        w[i].ctx = &s;
        cf_list_push_back(&tasks[i]->waiters, &w[i].node);
    }
    s.waiting = 1;
    rc = cf_task_suspend(deadline, stop_waiting, &s);
    s.waiting = 0;
    for (i = 0; i < n; i++)
        cf_list_unlink(&w[i].node);
    if (w != small)
        free(w);
    return rc;
}

int cf_wait(cf_task *const *tasks, size_t n, enum cf_wait_when when, double timeout)
{
    return cf_wait_until(tasks, n, when, timeout < 0 ? -1 : cf_loop_time() + timeout);
}

/* ---- as_completed ---- */

struct cf_as_completed {
    cf_loop *loop;
    size_t n, nfinished, next;
    cf_task **order;         /* finish order: order[0..nfinished) */
    struct cf_waiter *hooks; /* one per task (w->item: the task, the iterator's ref) */
    cf_task *waiter;         /* the task suspended in next, or NULL */
};

static void finished(struct cf_waiter *w, int code)
{
    cf_as_completed *it = w->ctx;

    (void)code;
    it->order[it->nfinished++] = w->item;
    if (it->waiter) {
        cf_task *t = it->waiter;
        it->waiter = NULL;
        cf_task_wake(t, 0);
    }
}

int cf_as_completed_new(cf_as_completed **out, cf_task *const *tasks, size_t n)
{
    cf_task *self = cf_task_current();
    cf_as_completed *it;
    int rc;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    if (!self)
        return CF_ENOTASK;
    if (n && !tasks)
        return CF_EINVAL;
    if ((rc = check_tasks(self, tasks, n)) != 0)
        return rc;
    it = calloc(1, sizeof *it);
    if (!it)
        return CF_ENOMEM;
    it->order = calloc(n ? n : 1, sizeof *it->order);
    it->hooks = calloc(n ? n : 1, sizeof *it->hooks);
    if (!it->order || !it->hooks) {
        free(it->order);
        free(it->hooks);
        free(it);
        return CF_ENOMEM;
    }
    it->loop = self->loop;
    it->n = n;
    for (size_t i = 0; i < n; i++) {
        struct cf_waiter *w = &it->hooks[i];
        cf_list_init(&w->node);
        w->item = cf_task_ref(tasks[i]);
        if (cf_task_done(tasks[i])) {
            it->order[it->nfinished++] = tasks[i];
            continue;
        }
        w->notify = finished;
        w->ctx = it;
        cf_list_push_back(&tasks[i]->waiters, &w->node);
    }
    *out = it;
    return 0;
}

static void stop_next(void *ctx)
{
    cf_as_completed *it = ctx;
    it->waiter = NULL;
}

int cf_as_completed_next_until(cf_as_completed *it, cf_task **task, double deadline)
{
    cf_task *self = cf_task_current();
    int rc;

    if (!self)
        return CF_ENOTASK;
    if (!it || !task || it->waiter)
        return CF_EINVAL;
    *task = NULL;
    if (it->next == it->n)
        return CF_EOF;
    if (cf_task_cancelled(self))
        return CF_ECANCELED;
    if (it->next == it->nfinished) {
        it->waiter = self;
        rc = cf_task_suspend(deadline, stop_next, it);
        it->waiter = NULL;
        if (rc)
            return rc;
    }
    *task = it->order[it->next++];
    return 0;
}

int cf_as_completed_next(cf_as_completed *it, cf_task **task)
{
    return cf_as_completed_next_until(it, task, -1);
}

int cf_as_completed_free(cf_as_completed *it)
{
    if (!it)
        return 0;
    if (it->waiter)
        return CF_EBUSY;
    for (size_t i = 0; i < it->n; i++) {
        cf_list_unlink(&it->hooks[i].node);
        cf_task_unref(it->hooks[i].item);
    }
    free(it->order);
    free(it->hooks);
    free(it);
    return 0;
}

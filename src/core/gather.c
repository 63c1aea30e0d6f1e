/*
 * gather.c - asyncio.gather for tasks: wait for all, results in input order.
 *
 * The gathering task hangs one waiter on each child. Each child's completion runs
 * child_done() on the loop's stack, which counts down and wakes the gatherer when
 * all are done, or at the first error unless errors are being collected. After a
 * first error the gatherer cancels the rest and waits (shielded) for them to finish,
 * so no child outlives the call that owns its slot in the results.
 */
#include <stdlib.h>

#include "cofetch/error.h"
#include "internal.h"

struct gather {
    cf_task *self;
    size_t pending;
    int first_error;
    int collect;
    int waiting; /* the gatherer is suspended and may be woken */
};

static void child_done(struct cf_waiter *w, int code)
{
    struct gather *g = w->ctx;
    cf_task *child = w->item;
    int rc = cf_task_result(child, NULL);

    (void)code;
    g->pending--;
    if (rc != 0 && g->first_error == 0)
        g->first_error = rc;
    if (g->waiting && (g->pending == 0 || (rc != 0 && !g->collect))) {
        g->waiting = 0;
        cf_task_wake(g->self, 0);
    }
}

static void unhook_all(void *ctx)
{
    struct gather *g = ctx;
    g->waiting = 0; /* the gatherer is being cancelled; it unhooks itself below */
}

int cf_gather(cf_task *const *tasks, size_t n, unsigned flags, void **results, int *errors)
{
    cf_task *self = cf_task_current();
    struct cf_waiter small[16], *w = small;
    struct gather g = {self, 0, 0, (flags & CF_GATHER_RETURN_EXCEPTIONS) != 0, 0};
    int rc = 0;
    size_t i;

    if (!self)
        return CF_ENOTASK;
    if (n > sizeof small / sizeof small[0]) {
        w = malloc(n * sizeof *w);
        if (!w)
            return CF_ENOMEM;
    }
    /* Checked as they are hooked, in one pass: a bad task unhooks the ones before. */
    for (i = 0; i < n; i++) {
        cf_list_init(&w[i].node);
        if (!tasks[i] || tasks[i] == self || tasks[i]->loop != self->loop) {
            rc = !tasks[i] || tasks[i] == self ? CF_EINVAL : CF_ELOOP;
            while (i > 0)
                cf_list_unlink(&w[--i].node);
            if (w != small)
                free(w);
            return rc;
        }
        if (tasks[i]->state == CF_T_DONE) {
            int e = cf_task_result(tasks[i], NULL);
            if (e != 0 && g.first_error == 0)
                g.first_error = e;
            continue;
        }
        w[i].task = self;
        w[i].notify = child_done;
        w[i].item = tasks[i];
        w[i].ctx = &g;
        cf_list_push_back(&tasks[i]->waiters, &w[i].node);
        g.pending++;
    }

    if (g.pending > 0 && (g.collect || g.first_error == 0)) {
        g.waiting = 1;
        rc = cf_task_suspend(-1, unhook_all, &g);
        g.waiting = 0;
    } else if (self->cancel_requested) {
        rc = CF_ECANCELED;
    }

    if (g.pending > 0 && (rc != 0 || (g.first_error != 0 && !g.collect))) {
        /* Cancelled, or a first error: cancel the rest and wait for them. */
        for (i = 0; i < n; i++)
            if (tasks[i]->state != CF_T_DONE)
                cf_task_cancel(tasks[i]);
        while (g.pending > 0) {
            g.waiting = 1;
            cf_task_suspend_shielded(unhook_all, &g);
            g.waiting = 0;
        }
    }
    for (i = 0; i < n; i++)
        cf_list_unlink(&w[i].node);
    if (w != small)
        free(w);

    for (i = 0; (results || errors) && i < n; i++) {
        void *res = NULL;
        int e = cf_task_result(tasks[i], &res);
        if (results)
            results[i] = res;
        if (errors)
            errors[i] = e;
    }
    if (rc != 0)
        return rc;
    return g.collect ? 0 : g.first_error;
}

/*
 * internal.h - the runtime's shared structures. Not installed; only src/core and the
 * white-box tests include it.
 */
#ifndef CF_INTERNAL_H
#define CF_INTERNAL_H

#include <event2/event.h>
#include <event2/event_struct.h>
#include <stddef.h>

#include "cofetch/error.h"
#include "cofetch/lock.h"
#include "cofetch/loop.h"
#include "cofetch/task.h"
#include "context.h"
#include "list.h"

/* ---- ready queue: tasks to resume and call_soon callbacks, FIFO ---- */
struct cf_ready {
    struct cf_node node;
    void (*run)(struct cf_ready *r);
};

/* ---- stacks (stack.c) ---- */
struct cf_stack {
    struct cf_stack *next; /* free list */
    void *lo;              /* lowest usable byte (above the guard page, or the canary) */
    size_t size;           /* usable bytes */
    unsigned vg_id;        /* valgrind stack id */
};

/* Small stacks (cf_task_set_stack_size below CF_SMALL_STACK_MAX) come in classes of
 * CF_SMALL_STACK_STEP bytes, one pool per class. */
enum { CF_SMALL_STACK_STEP = 256, CF_SMALL_STACK_MAX = 4096 };
enum { CF_SMALL_CLASSES = CF_SMALL_STACK_MAX / CF_SMALL_STACK_STEP };
_Static_assert(CF_SMALL_CLASSES < 32, "a task's 5-bit stack_class names every class");

struct cf_slab;

struct cf_stack_pool {
    struct cf_stack *free;
    size_t nfree, max_free, size, page;
    size_t live;           /* stacks handed out */
    size_t chunk;          /* small pools: bytes per stack in a slab; 0: mapped stacks */
    struct cf_slab *slabs; /* small pools: every slab, kept until the pool is drained */
};

/* Mapped stacks of `size` usable bytes (rounded up to pages), each with a guard page;
 * up to max_free are kept for reuse. */
void cf_stack_pool_init(struct cf_stack_pool *p, size_t size, size_t max_free);
/* Stacks of `size` usable bytes carved from 64 KiB slabs, with a canary below each. */
void cf_stack_pool_init_small(struct cf_stack_pool *p, size_t size);
void cf_stack_pool_drain(struct cf_stack_pool *p);
struct cf_stack *cf_stack_get(struct cf_stack_pool *p);
void cf_stack_put(struct cf_stack_pool *p, struct cf_stack *s);
/* A small stack's canary is intact. */
int cf_stack_intact(const struct cf_stack *s);

/* ---- tasks (task.c) ---- */
enum cf_task_state {
    CF_T_NEW,       /* spawned, never run, no stack */
    CF_T_RUNNING,   /* on the CPU */
    CF_T_SUSPENDED, /* in cf_task_suspend (woken or not) */
    CF_T_EXITED,    /* fn returned, stack not yet released */
    CF_T_DONE,      /* finished: code and result are final */
};

/* A task struct belongs to its loop: spawn takes one from the loop's pool of released
 * structs (or mallocs one), the last cf_task_unref gives it back. On 64-bit machines
 * with the assembly switch, what running a task touches is its first cache line (the
 * ready node first: the ready queue's entry is the task) and what awaiting and
 * releasing it touch its second; spawn writes only those two.
 * `timer` stays assigned to the loop's base from the struct's first spawn on. */
struct cf_task {
    /* Running, suspending, waking: */
    _Alignas(64) struct cf_ready ready; /* in loop->ready while it is to be run */
    union {                             /* never both: */
        struct {                        /* until the task first runs */
            cf_task_fn *fn;
            void *arg;
        };
        struct {                     /* while it is suspended */
            cf_cancel_fn *on_cancel; /* unregisters the current suspension */
            void *cancel_ctx;
        };
    };
    int wake_code;
    unsigned ncancels; /* cancel requests not taken back by cf_task_uncancel */
    struct cf_stack *stack;
    cf_ctx ctx;
    /* Awaiting, finishing, releasing: */
    enum cf_task_state state;
    unsigned cancel_requested : 1; /* sticky: every later suspension fails */
    unsigned woken : 1;            /* this suspension has been woken */
    unsigned shielded : 1;         /* suspension that cancel must not interrupt */
    unsigned timer_armed : 1;
    unsigned named : 1;       /* name holds cf_task_set_name's text */
    unsigned stack_class : 5; /* 0: the loop's stacks; n: loop->small[n - 1] */
    int code;
    int refs;
    void *result; /* spawn zeroes the fields from state to here */
    cf_loop *loop;
    union {
        struct cf_node live;       /* in loop->live until it is done */
        struct cf_task *next_free; /* in loop->task_pool once released */
    };
    struct cf_node waiters; /* struct cf_waiter: notified when the task is done */
    /* The rest: */
    void *asan_fake_stack;
    struct event timer;      /* deadline of the current suspension */
    struct timeval deadline; /* relative, for timer_arm */
    char name[32];
};

/* Something waiting in a list: a task (woken with cf_task_wake) or, when notify is
 * set, a callback (gather's bookkeeping). item carries a queue hand-off. */
struct cf_waiter {
    struct cf_node node;
    cf_task *task;
    void (*notify)(struct cf_waiter *w, int code);
    void *item;
    void *ctx;
};

/* Append the current task to `list` and suspend until a waker calls
 * cf_waiter_wake (the return value is the code it passed), the deadline passes
 * (CF_ETIMEDOUT) or the task is cancelled (CF_ECANCELED); on both of those the
 * waiter is unlinked first. deadline < 0: none. */
int cf_wait_on(struct cf_node *list, struct cf_waiter *w, double deadline);
/* Unlink w and wake its task (or call its notify) with code. */
void cf_waiter_wake(struct cf_waiter *w, int code);
/* Wake every waiter of a list with code. */
void cf_waiters_wake_all(struct cf_node *list, int code);

/* The check at the top of every suspending call: CF_ENOTASK outside a task,
 * CF_ECANCELED once the task has been cancelled, else 0. */
static inline int cf_may_suspend(void)
{
    cf_task *t = cf_task_current();
    if (!t)
        return CF_ENOTASK;
    return cf_task_cancelled(t) ? CF_ECANCELED : 0;
}

/* Suspension that cancellation does not interrupt (it is still recorded). Used to
 * wait for children that have just been cancelled. */
int cf_task_suspend_shielded(cf_cancel_fn *on_cancel, void *ctx);

/* Wait in `list` like cf_wait_on, but cancellation does not interrupt the wait (it is
 * still recorded, and reported by the next suspension point). No deadline. */
void cf_wait_on_shielded(struct cf_node *list, struct cf_waiter *w);

/* asyncio's Task.uncancel(): take back one cancel request; once none is left the task
 * is no longer cancelled (its later suspension points run). Returns how many remain. */
unsigned cf_task_uncancel(cf_task *t);

/* Drop all references of a task the loop still owns at cf_loop_free. */
void cf_task_destroy(cf_task *t);
/* Free the loop's pool of released task structs (at cf_loop_free). */
void cf_task_pool_drain(cf_loop *loop);

/* ---- lock.c, for cond.c ---- */
struct cf_lock {
    cf_task *holder;
    struct cf_node waiters; /* struct cf_waiter of tasks to hand the lock to, FIFO */
};

/* Take l for the current task (which does not hold it), waiting for it without being
 * interrupted by cancellation: a condition's waiter always returns holding its lock. */
void cf_lock_reacquire_shielded(cf_lock *l);

/* ---- the loop (loop.c) ---- */
struct cf_loop {
    struct event_base *base;
    struct event *ready_ev; /* runs the ready queue */
    struct cf_node ready;
    int ready_scheduled;
    int draining;
    struct cf_node live;   /* every task not done */
    struct cf_node timers; /* pending call_later handles */
    size_t nlive;
    cf_task *current;
    cf_task *main;
    int running, stopping, shutting_down;
    struct cf_task *task_pool; /* released task structs, for the next spawns */
    size_t ntask_pool;
    size_t ntasks; /* task structs out of the pool: not done, or still referenced */
    int freed;     /* cf_loop_free ran; the struct lives on until ntasks is 0 */
    int memcheck;  /* running under valgrind: pooled task structs are marked for it */
    struct cf_stack_pool stacks;
    struct cf_stack_pool small[CF_SMALL_CLASSES]; /* by class; set up on first use */
    cf_ctx main_ctx;                              /* the loop's own stack while a task runs */
    void *asan_main_fake_stack;                   /* ASan bookkeeping for the loop's stack */
    const void *asan_main_bottom;
    size_t asan_main_size;
    struct cf_loop_local {
        const void *key;
        void *ptr;
    } locals[CF_LOOP_LOCALS];
};

void cf_loop_schedule(cf_loop *loop, struct cf_ready *r);
/* Called by task.c when a task is done. */
void cf_loop_task_done(cf_loop *loop, cf_task *t);
/* Called by task.c when a task struct of a freed loop is released: the last one frees
 * the loop's struct. */
void cf_loop_task_released(cf_loop *loop);
void cf_loop_set_current(cf_loop *loop);

/* ---- descriptors (fdwait.c) ---- */

/* 1 when libevent can watch fd (a pipe, socket or terminal), else 0: read it directly. */
int cf_fd_pollable(int fd);

/* ---- timers ---- */

/* The deadline rules of every waiting call: a relative timeout counts from now, and a
 * negative one is "now"; an absolute deadline in the past (or negative) is "now" too
 * (0), never "no deadline" (-1, which only the calls without a timeout pass). */
static inline double cf_deadline_in(double timeout)
{
    return cf_loop_time() + (timeout > 0 ? timeout : 0);
}

static inline double cf_deadline_at(double deadline)
{
    return deadline < 0 ? 0 : deadline;
}

static inline struct timeval cf_timeval(double seconds)
{
    struct timeval tv;
    if (seconds < 0)
        seconds = 0;
    if (seconds > 1e9)
        seconds = 1e9;
    tv.tv_sec = (long)seconds;
    tv.tv_usec = (long)((seconds - (double)tv.tv_sec) * 1e6);
    if (tv.tv_usec >= 1000000) {
        tv.tv_sec++;
        tv.tv_usec -= 1000000;
    }
    return tv;
}

#endif

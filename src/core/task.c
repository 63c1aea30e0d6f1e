/*
 * task.c - tasks: spawn, run, suspend, wake, cancel, await.
 *
 * Every task switch goes through two functions: enter_task() (loop stack -> task
 * stack, called from the ready queue) and leave_task() (task stack -> loop stack, from
 * a suspension point or at the end). Both tell AddressSanitizer which stack is about
 * to run, so it can track stack memory across the switch. cf_on_loop_stack() borrows
 * the loop's stack below where the loop was switched out, with the same bookkeeping.
 *
 * Task structs are pooled per loop: the last cf_task_unref puts one back (hidden from
 * AddressSanitizer and memcheck until a spawn takes it again, so a reference used
 * after it is reported), spawn takes it with its timer event still assigned. A struct
 * released after cf_loop_free is freed, and the loop's own struct with the last one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cofetch/error.h"
#include "internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define CF_HAVE_VALGRIND 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define CF_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CF_ASAN 1
#endif
#endif

#ifdef CF_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define ASAN_POISON(p, n)               ASAN_POISON_MEMORY_REGION(p, n)
#define ASAN_UNPOISON(p, n)             ASAN_UNPOISON_MEMORY_REGION(p, n)
#define ASAN_START(save, bottom, size)  __sanitizer_start_switch_fiber(save, bottom, size)
#define ASAN_FINISH(save, bottom, size) __sanitizer_finish_switch_fiber(save, bottom, size)
#else
#define ASAN_POISON(p, n)               ((void)(p), (void)(n))
#define ASAN_UNPOISON(p, n)             ((void)(p), (void)(n))
#define ASAN_START(save, bottom, size)  ((void)(save), (void)(bottom), (void)(size))
#define ASAN_FINISH(save, bottom, size) ((void)(save), (void)(bottom), (void)(size))
#endif

/* Frames of unoptimised and sanitizer builds are larger (a task that only sleeps needs
 * ~3 KiB with ASan at -O0): small stacks grow to match. */
#if defined(CF_ASAN)
#define SMALL_SLACK 2560
#else
#define SMALL_SLACK 0
#endif
#if defined(__OPTIMIZE__)
#define SMALL_SCALE 1
#else
#define SMALL_SCALE 2
#endif

static struct cf_stack_pool *stack_pool(cf_loop *loop, const cf_task *t)
{
    struct cf_stack_pool *p;

    if (!t->stack_class)
        return &loop->stacks;
    p = &loop->small[t->stack_class - 1];
    if (!p->chunk)
        cf_stack_pool_init_small(p, (size_t)t->stack_class * CF_SMALL_STACK_STEP);
    return p;
}

static void task_run(struct cf_ready *r);
static void task_timer(evutil_socket_t fd, short what, void *arg);

/* ---- switching ---- */

/* Loop stack -> task stack. Returns when the task suspends or exits. */
static void enter_task(cf_loop *loop, cf_task *t)
{
    loop->current = t;
    t->state = CF_T_RUNNING;
    ASAN_START(&loop->asan_main_fake_stack, t->stack->lo, t->stack->size);
    cf_ctx_switch(&loop->main_ctx, &t->ctx);
    ASAN_FINISH(loop->asan_main_fake_stack, NULL, NULL);
    loop->current = NULL;
    if (t->stack_class && !cf_stack_intact(t->stack)) {
        fprintf(stderr,
                "cofetch: task %s%s%soverflowed its %zu-byte stack (cf_task_set_stack_size)\n",
                t->named ? "'" : "", cf_task_name(t), t->named ? "' " : "", t->stack->size);
        abort();
    }
}

/* Task stack -> loop stack. `final` when the task will never run again: ASan then
 * drops its fake stack. Returns (for a suspension) when the task is resumed. */
static void leave_task(cf_task *t, int final)
{
    cf_loop *loop = t->loop;
    ASAN_START(final ? NULL : &t->asan_fake_stack, loop->asan_main_bottom, loop->asan_main_size);
    cf_ctx_switch(&t->ctx, &loop->main_ctx);
    ASAN_FINISH(t->asan_fake_stack, &loop->asan_main_bottom, &loop->asan_main_size);
}

/* ---- borrowing the loop's stack ---- */

#ifdef CF_HAVE_VALGRIND
enum { LOOP_CALL_ROOM = 256 * 1024 };
#endif

struct loop_call {
    cf_loop *loop;
    int (*fn)(void *arg);
    void *arg;
    const void *task_bottom; /* ASan: the task's stack, to switch back to */
    size_t task_size;
};

/* The first frame on the loop's stack. */
static int on_loop(void *arg)
{
    struct loop_call *c = arg;
    int rc;

    ASAN_FINISH(c->loop->asan_main_fake_stack, &c->task_bottom, &c->task_size);
    rc = c->fn(c->arg);
    ASAN_START(&c->loop->asan_main_fake_stack, c->task_bottom, c->task_size);
    return rc;
}

int cf_on_loop_stack(int (*fn)(void *arg), void *arg)
{
    cf_loop *loop = cf_loop_current();
    cf_task *t = loop ? loop->current : NULL;
    struct loop_call c = {loop, fn, arg, NULL, 0};
    void *fake = NULL;
    uintptr_t sp = t ? (uintptr_t)cf_ctx_saved_sp(&loop->main_ctx) : 0;
    int rc;

    if (!sp)
        return fn(arg); /* on the loop's stack already (or ucontext: big stacks) */
    /* Below the loop's saved registers and the red zone of the frame that saved them. */
    sp = (sp - 256) & ~(uintptr_t)15;
#ifdef CF_HAVE_VALGRIND
    /* memcheck saw the loop's stack pointer jump from the task's stack, not move down,
     * so it keeps what lies below as unaddressable: make room for fn's frames. */
    VALGRIND_MAKE_MEM_UNDEFINED((char *)sp - LOOP_CALL_ROOM, LOOP_CALL_ROOM);
#endif
    loop->current = NULL; /* suspending calls in fn fail with CF_ENOTASK */
    ASAN_START(&fake, loop->asan_main_bottom, loop->asan_main_size);
    rc = cf_ctx_call((void *)sp, on_loop, &c);
    ASAN_FINISH(fake, NULL, NULL);
    loop->current = t;
    return rc;
}

static int run_on_cancel(void *arg)
{
    cf_task *t = arg;
    t->on_cancel(t->cancel_ctx);
    return 0;
}

static void task_entry(void *arg)
{
    cf_task *t = arg;
    void *result = NULL;
    int rc;

    ASAN_FINISH(NULL, &t->loop->asan_main_bottom, &t->loop->asan_main_size);
    rc = t->fn(t->arg, &result);
    if (rc != 0 && t->cancel_requested)
        rc = CF_ECANCELED;
    t->code = rc;
    t->result = rc == 0 ? result : NULL;
    t->state = CF_T_EXITED;
    leave_task(t, 1);
    abort(); /* an exited task is never resumed */
}

/* ---- lifetime ---- */

/* The task's deadline timer, armed or removed on the loop's stack: libevent may go deep
 * (a timer heap that grows reallocates), deeper than a small stack. */
static int timer_arm(void *arg)
{
    cf_task *t = arg;
    evtimer_add(&t->timer, &t->deadline);
    t->timer_armed = 1;
    return 0;
}

static int timer_disarm(void *arg)
{
    cf_task *t = arg;
    event_del(&t->timer);
    t->timer_armed = 0;
    return 0;
}

/* ---- the pool of task structs ---- */

enum { TASK_POOL_MAX = 4096 };

/* A pooled struct is unaddressable for ASan and memcheck; spawn shows it again with
 * its contents (the assigned timer event) intact. */
static void pool_hide(cf_loop *loop, cf_task *t)
{
    ASAN_POISON(t, sizeof *t);
#ifdef CF_HAVE_VALGRIND
    if (loop->memcheck)
        VALGRIND_MAKE_MEM_NOACCESS(t, sizeof *t);
#else
    (void)loop;
#endif
}

static void pool_show(cf_loop *loop, cf_task *t)
{
    ASAN_UNPOISON(t, sizeof *t);
#ifdef CF_HAVE_VALGRIND
    if (loop->memcheck)
        VALGRIND_MAKE_MEM_DEFINED(t, sizeof *t);
#else
    (void)loop;
#endif
}

static cf_task *task_take(cf_loop *loop)
{
    cf_task *t = loop->task_pool;

    if (t) {
        pool_show(loop, t);
        loop->task_pool = t->next_free;
        loop->ntask_pool--;
        return t;
    }
    t = aligned_alloc(_Alignof(cf_task), sizeof *t);
    if (t)
        evtimer_assign(&t->timer, loop->base, task_timer, t);
    return t;
}

/* The last reference went: back to the pool, or freed once the loop is. */
static void task_release(cf_task *t)
{
    cf_loop *loop = t->loop;

    loop->ntasks--;
    if (loop->freed) {
        free(t);
        cf_loop_task_released(loop);
        return;
    }
    if (t->timer_armed)
        cf_on_loop_stack(timer_disarm, t);
    if (loop->ntask_pool >= TASK_POOL_MAX) {
        free(t);
        return;
    }
    t->next_free = loop->task_pool;
    loop->task_pool = t;
    loop->ntask_pool++;
    pool_hide(loop, t);
}

void cf_task_pool_drain(cf_loop *loop)
{
    while (loop->task_pool) {
        cf_task *t = loop->task_pool;
        pool_show(loop, t);
        loop->task_pool = t->next_free;
        free(t);
    }
    loop->ntask_pool = 0;
}

cf_task *cf_task_ref(cf_task *t)
{
    t->refs++;
    return t;
}

void cf_task_unref(cf_task *t)
{
    if (t && --t->refs == 0)
        task_release(t);
}

/* Runs on the loop's stack once the task's function has returned (or when it
 * never started): release the stack, publish the result, notify waiters. */
static void task_finish(cf_task *t, int code, void *result)
{
    cf_loop *loop = t->loop;

    if (t->stack) {
        /* The task never unwound its frames: clear their redzones for the next user. */
        ASAN_UNPOISON(t->stack->lo, t->stack->size);
        cf_stack_put(stack_pool(loop, t), t->stack);
        t->stack = NULL;
    }
    if (t->state != CF_T_EXITED) {
        t->code = code;
        t->result = result;
    }
    t->state = CF_T_DONE;
    cf_list_unlink(&t->live);
    cf_waiters_wake_all(&t->waiters, 0);
    cf_loop_task_done(loop, t);
    cf_task_unref(t); /* the loop's reference */
}

void cf_task_destroy(cf_task *t)
{
    cf_loop *loop = t->loop;

    /* Only at cf_loop_free: the task is stuck and will never run again. */
    if (t->stack) {
        ASAN_UNPOISON(t->stack->lo, t->stack->size);
        cf_stack_put(stack_pool(loop, t), t->stack);
        t->stack = NULL;
    }
    cf_list_unlink(&t->ready.node);
    cf_list_unlink(&t->live);
    while (!cf_list_empty(&t->waiters))
        cf_list_unlink(t->waiters.next);
    if (t->timer_armed) {
        event_del(&t->timer);
        t->timer_armed = 0;
    }
    t->state = CF_T_DONE;
    t->code = CF_ECANCELED;
    loop->nlive--;
    cf_task_unref(t);
}

int cf_loop_spawn(cf_loop *loop, cf_task **out, cf_task_fn *fn, void *arg)
{
    cf_task *t;

    if (!loop || !fn)
        return CF_EINVAL;
    t = task_take(loop);
    if (!t)
        return CF_ENOMEM;
    memset(&t->state, 0, offsetof(cf_task, loop) - offsetof(cf_task, state));
    t->state = CF_T_NEW;
    t->refs = out ? 2 : 1;
    t->loop = loop;
    t->fn = fn;
    t->arg = arg;
    t->wake_code = 0;
    t->ncancels = 0;
    t->stack = NULL;
#ifdef CF_ASAN
    t->asan_fake_stack = NULL;
#endif
    t->ready.run = task_run;
    cf_list_init(&t->waiters);
    cf_list_push_back(&loop->live, &t->live);
    loop->nlive++;
    loop->ntasks++;
    cf_loop_schedule(loop, &t->ready);
    if (out)
        *out = t;
    return 0;
}

int cf_spawn(cf_task **out, cf_task_fn *fn, void *arg)
{
    cf_loop *loop = cf_loop_current();
    if (!loop)
        return CF_ENOTASK;
    return cf_loop_spawn(loop, out, fn, arg);
}

void cf_task_set_name(cf_task *t, const char *name)
{
    size_t n = strlen(name);
    if (n >= sizeof t->name)
        n = sizeof t->name - 1;
    memcpy(t->name, name, n);
    t->name[n] = '\0';
    t->named = 1;
}

const char *cf_task_name(const cf_task *t)
{
    return t->named ? t->name : "";
}

int cf_task_set_stack_size(cf_task *t, size_t bytes)
{
    size_t scaled;

    if (!t || bytes == 0)
        return CF_EINVAL;
    if (t->state != CF_T_NEW)
        return CF_ESTATE;
    scaled = bytes < CF_SMALL_STACK_MAX ? bytes * SMALL_SCALE + SMALL_SLACK : bytes;
#if defined(CF_SWITCH_UCONTEXT)
    scaled = CF_SMALL_STACK_MAX; /* no cf_on_loop_stack there: keep mapped stacks */
#endif
    if (scaled >= CF_SMALL_STACK_MAX)
        t->stack_class = 0;
    else
        t->stack_class = (unsigned)((scaled + CF_SMALL_STACK_STEP - 1) / CF_SMALL_STACK_STEP);
    return 0;
}

/* ---- scheduling ---- */

/* The ready queue's entry for a task: start it or resume it. */
static void task_run(struct cf_ready *r)
{
    cf_task *t = cf_container_of(r, cf_task, ready);
    cf_loop *loop = t->loop;

    if (t->state == CF_T_NEW) {
        if (t->cancel_requested) {
            task_finish(t, CF_ECANCELED, NULL);
            return;
        }
        t->stack = cf_stack_get(stack_pool(loop, t));
        if (!t->stack) {
            task_finish(t, CF_ENOMEM, NULL);
            return;
        }
        cf_ctx_make(&t->ctx, t->stack->lo, t->stack->size, task_entry, t);
    }
    enter_task(loop, t);
    if (t->state == CF_T_EXITED)
        task_finish(t, t->code, t->result);
}

cf_task *cf_task_current(void)
{
    cf_loop *loop = cf_loop_current();
    return loop ? loop->current : NULL;
}

static void deliver(cf_task *t, int code)
{
    t->woken = 1;
    t->wake_code = code;
    if (t->timer_armed)
        cf_on_loop_stack(timer_disarm, t);
    cf_loop_schedule(t->loop, &t->ready);
}

void cf_task_wake(cf_task *t, int code)
{
    if (t->state != CF_T_SUSPENDED || t->woken)
        return;
    deliver(t, code);
}

static void task_timer(evutil_socket_t fd, short what, void *arg)
{
    cf_task *t = arg;
    (void)fd;
    (void)what;
    t->timer_armed = 0;
    if (t->state != CF_T_SUSPENDED || t->woken)
        return;
    if (t->on_cancel)
        t->on_cancel(t->cancel_ctx);
    deliver(t, CF_ETIMEDOUT);
}

static int suspend(cf_task *t, double deadline, cf_cancel_fn *on_cancel, void *ctx, int shield)
{
    t->on_cancel = on_cancel;
    t->cancel_ctx = ctx;
    t->woken = 0;
    t->shielded = (unsigned)shield;
    if (deadline >= 0) {
        t->deadline = cf_timeval(deadline - cf_loop_time());
        cf_on_loop_stack(timer_arm, t);
    }
    t->state = CF_T_SUSPENDED;
    leave_task(t, 0);
    t->on_cancel = NULL;
    t->cancel_ctx = NULL;
    t->shielded = 0;
    return t->wake_code;
}

int cf_task_suspend(double deadline, cf_cancel_fn *on_cancel, void *ctx)
{
    cf_task *t = cf_task_current();
    if (!t)
        return CF_ENOTASK;
    if (t->cancel_requested)
        return CF_ECANCELED;
    return suspend(t, deadline, on_cancel, ctx, 0);
}

int cf_task_suspend_shielded(cf_cancel_fn *on_cancel, void *ctx)
{
    cf_task *t = cf_task_current();
    if (!t)
        return CF_ENOTASK;
    return suspend(t, -1, on_cancel, ctx, 1);
}

void cf_task_cancel(cf_task *t)
{
    if (t->state == CF_T_DONE || t->state == CF_T_EXITED)
        return;
    t->cancel_requested = 1;
    t->ncancels++;
    if (t->state != CF_T_SUSPENDED || t->shielded)
        return; /* not started, running, or shielded: the next suspension reports it */
    if (!t->woken) {
        if (t->on_cancel) /* a canceller on a small stack: the callback may go deep */
            cf_on_loop_stack(run_on_cancel, t);
        deliver(t, CF_ECANCELED);
    } else if (t->wake_code == CF_ETIMEDOUT) {
        t->wake_code = CF_ECANCELED; /* a cancel wins over a deadline */
    }
}

unsigned cf_task_uncancel(cf_task *t)
{
    if (t->ncancels > 0 && --t->ncancels == 0)
        t->cancel_requested = 0;
    return t->ncancels;
}

int cf_task_cancelled(const cf_task *t)
{
    return t->cancel_requested;
}

int cf_task_done(const cf_task *t)
{
    return t->state == CF_T_DONE;
}

int cf_task_result(const cf_task *t, void **result)
{
    if (t->state != CF_T_DONE)
        return CF_ESTATE;
    if (result)
        *result = t->result;
    return t->code;
}

int cf_sleep_until(double deadline)
{
    cf_task *t = cf_task_current();
    int rc;

    if (!t)
        return CF_ENOTASK;
    if (deadline <= cf_loop_time())
        return cf_yield();
    rc = cf_task_suspend(deadline, NULL, NULL);
    return rc == CF_ETIMEDOUT ? 0 : rc;
}

int cf_sleep(double seconds)
{
    if (seconds <= 0)
        return cf_yield();
    return cf_sleep_until(cf_loop_time() + seconds);
}

int cf_yield(void)
{
    cf_task *t = cf_task_current();
    if (!t)
        return CF_ENOTASK;
    if (t->cancel_requested)
        return CF_ECANCELED;
    /* Already woken: back of the ready queue, behind everything ready now. */
    t->on_cancel = NULL;
    t->woken = 1;
    t->wake_code = 0;
    t->state = CF_T_SUSPENDED;
    cf_loop_schedule(t->loop, &t->ready);
    leave_task(t, 0);
    return t->cancel_requested ? CF_ECANCELED : 0;
}

/* ---- waiting in lists ---- */

static void waiter_unlink(void *ctx)
{
    struct cf_waiter *w = ctx;
    cf_list_unlink(&w->node);
}

int cf_wait_on(struct cf_node *list, struct cf_waiter *w, double deadline)
{
    cf_task *t = cf_task_current();
    if (!t)
        return CF_ENOTASK;
    if (t->cancel_requested)
        return CF_ECANCELED;
    w->task = t;
    w->notify = NULL;
    cf_list_push_back(list, &w->node);
    return suspend(t, deadline, waiter_unlink, w, 0);
}

void cf_wait_on_shielded(struct cf_node *list, struct cf_waiter *w)
{
    cf_task *t = cf_task_current();

    w->task = t;
    w->notify = NULL;
    cf_list_push_back(list, &w->node);
    suspend(t, -1, waiter_unlink, w, 1);
}

void cf_waiter_wake(struct cf_waiter *w, int code)
{
    cf_list_unlink(&w->node);
    if (w->notify)
        w->notify(w, code);
    else
        cf_task_wake(w->task, code);
}

void cf_waiters_wake_all(struct cf_node *list, int code)
{
    struct cf_node *n;
    while ((n = list->next) != list)
        cf_waiter_wake(cf_container_of(n, struct cf_waiter, node), code);
}

/* ---- await ---- */

/* Wait, ignoring cancellation, until t is done; used after cancelling it. */
static void await_done_shielded(cf_task *t)
{
    struct cf_waiter w;
    cf_task *self = cf_task_current();

    while (t->state != CF_T_DONE) {
        w.task = self;
        w.notify = NULL;
        cf_list_push_back(&t->waiters, &w.node);
        cf_task_suspend_shielded(waiter_unlink, &w);
    }
}

/* Await t until `deadline` (< 0: none). With `owns`, asyncio.wait_for's rule: if the
 * wait ends early (deadline, or the caller cancelled), t is cancelled and waited for. */
static int await_until(cf_task *t, double deadline, int owns, void **result)
{
    cf_task *self = cf_task_current();
    struct cf_waiter w;
    int rc;

    if (!self)
        return CF_ENOTASK;
    if (!t || t == self)
        return CF_EINVAL;
    if (t->loop != self->loop)
        return CF_ELOOP;
    if (t->state != CF_T_DONE) {
        rc = cf_wait_on(&t->waiters, &w, deadline);
        if (owns && (rc == CF_ETIMEDOUT || rc == CF_ECANCELED)) {
            cf_task_cancel(t);
            await_done_shielded(t);
        }
        if (rc)
            return rc;
    }
    return cf_task_result(t, result);
}

int cf_task_await(cf_task *t, void **result)
{
    return await_until(t, -1, 0, result);
}

int cf_task_wait_for(cf_task *t, double timeout, void **result)
{
    return await_until(t, cf_deadline_in(timeout), 1, result);
}

int cf_task_wait_until(cf_task *t, double deadline, void **result)
{
    return await_until(t, cf_deadline_at(deadline), 1, result);
}

int cf_shield(cf_task *t, void **result)
{
    return await_until(t, -1, 0, result);
}

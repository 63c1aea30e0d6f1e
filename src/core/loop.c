/*
 * loop.c - the loop: a libevent event_base plus a FIFO of things ready to run.
 *
 * One iteration, in the order libevent runs it: wait for I/O with the nearest timer
 * as the timeout (no wait at all when something is ready), run the I/O and timer
 * callbacks (libcurl's, a task's deadline...), then the ready-queue callback, which
 * resumes tasks and runs call_soon callbacks in FIFO order. A batch is bounded so a
 * task that yields forever cannot starve I/O: past the budget the rest waits for the
 * next iteration, after a poll.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cofetch/error.h"
#include "internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CF_HAVE_VALGRIND 1
#endif
#endif

enum { READY_BUDGET = 4096, DEFAULT_POOL_MAX = 1024 };

static _Thread_local cf_loop *current_loop;

cf_loop *cf_loop_current(void)
{
    return current_loop;
}

void cf_loop_set_current(cf_loop *loop)
{
    current_loop = loop;
}

struct event_base *cf_loop_base(cf_loop *loop)
{
    return loop->base;
}

int cf_loop_set_local(cf_loop *loop, const void *key, void *ptr)
{
    struct cf_loop_local *free_entry = NULL;

    if (!loop || !key)
        return CF_EINVAL;
    for (size_t i = 0; i < CF_LOOP_LOCALS; i++) {
        struct cf_loop_local *l = &loop->locals[i];
        if (l->key == key) {
            l->ptr = ptr;
            if (!ptr)
                l->key = NULL;
            return 0;
        }
        if (!l->key && !free_entry)
            free_entry = l;
    }
    if (!ptr)
        return 0;
    if (!free_entry)
        return CF_ENOMEM;
    free_entry->key = key;
    free_entry->ptr = ptr;
    return 0;
}

void *cf_loop_local(const cf_loop *loop, const void *key)
{
    if (!loop || !key)
        return NULL;
    for (size_t i = 0; i < CF_LOOP_LOCALS; i++)
        if (loop->locals[i].key == key)
            return loop->locals[i].ptr;
    return NULL;
}

double cf_loop_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run_ready(evutil_socket_t fd, short what, void *arg)
{
    cf_loop *loop = arg;
    struct cf_node batch;
    int budget = READY_BUDGET;

    (void)fd;
    (void)what;
    loop->ready_scheduled = 0;
    loop->draining = 1;
    /* Run what is ready now and what becomes ready while running it, up to the
     * budget; later arrivals go to the next iteration. */
    cf_list_init(&batch);
    while (budget > 0 && !cf_list_empty(&loop->ready)) {
        cf_list_splice(&batch, &loop->ready);
        struct cf_node *n;
        while ((n = cf_list_pop_front(&batch)) != NULL) {
            struct cf_ready *r = cf_container_of(n, struct cf_ready, node);
            r->run(r);
            if (--budget == 0)
                break;
        }
    }
    /* Whatever the budget left over goes back in front, in order. */
    if (!cf_list_empty(&batch)) {
        cf_list_splice(&batch, &loop->ready);
        cf_list_splice(&loop->ready, &batch);
    }
    loop->draining = 0;
    if (!cf_list_empty(&loop->ready)) {
        /* A zero timeout rather than event_active: libevent polls I/O first. */
        static const struct timeval zero = {0, 0};
        loop->ready_scheduled = 1;
        event_add(loop->ready_ev, &zero);
    }
}

void cf_loop_schedule(cf_loop *loop, struct cf_ready *r)
{
    cf_list_push_back(&loop->ready, &r->node);
    if (!loop->ready_scheduled && !loop->draining) {
        loop->ready_scheduled = 1;
        event_active(loop->ready_ev, EV_TIMEOUT, 0);
    }
}

static size_t stack_size_from_env(void)
{
    const char *s = getenv("COFETCH_STACK_SIZE");
    char *end;
    unsigned long long v;

    if (!s || !*s)
        return 0;
    v = strtoull(s, &end, 10);
    if (*end == 'k' || *end == 'K')
        v *= 1024;
    else if (*end == 'm' || *end == 'M')
        v *= 1024 * 1024;
    if (v < 16 * 1024 || v > (1ull << 30))
        return 0;
    return (size_t)v;
}

int cf_loop_new(cf_loop **out, const struct cf_loop_opts *opts)
{
    cf_loop *loop = calloc(1, sizeof *loop);
    size_t stack = opts && opts->stack_size ? opts->stack_size : stack_size_from_env();
    size_t pool = opts && opts->stack_pool_max ? opts->stack_pool_max : DEFAULT_POOL_MAX;

    if (!loop)
        return CF_ENOMEM;
    if (!stack) {
        stack = CF_STACK_DEFAULT;
#if defined(__SANITIZE_ADDRESS__)
        stack *= 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
        stack *= 4;
#endif
#endif
    }
#ifdef CF_HAVE_VALGRIND
    loop->memcheck = RUNNING_ON_VALGRIND != 0;
#endif
    cf_list_init(&loop->ready);
    cf_list_init(&loop->live);
    cf_list_init(&loop->timers);
    cf_stack_pool_init(&loop->stacks, stack, pool);
    /* epoll's changelist folds a DEL+ADD of one descriptor in one iteration (libcurl
     * does that on every connection) into a single epoll_ctl. */
    struct event_config *cfg = event_config_new();
    if (!cfg)
        goto fail;
    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    loop->base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (!loop->base)
        goto fail;
    loop->ready_ev = event_new(loop->base, -1, 0, run_ready, loop);
    if (!loop->ready_ev)
        goto fail;
    *out = loop;
    return 0;
fail:
    if (loop->base)
        event_base_free(loop->base);
    free(loop);
    return CF_ENOMEM;
}

/* ---- call_soon / call_later ---- */

struct cf_handle {
    struct cf_ready ready;
    struct cf_node timers; /* in loop->timers while a call_later is pending */
    cf_loop *loop;
    cf_callback_fn *fn;
    void *arg;
    struct event *timer; /* call_later only */
};

static void handle_run(struct cf_ready *r)
{
    cf_handle *h = cf_container_of(r, cf_handle, ready);
    cf_callback_fn *fn = h->fn;
    void *arg = h->arg;

    free(h);
    fn(arg);
}

static void handle_timer(evutil_socket_t fd, short what, void *arg)
{
    cf_handle *h = arg;
    (void)fd;
    (void)what;
    cf_list_unlink(&h->timers);
    event_free(h->timer);
    h->timer = NULL;
    handle_run(&h->ready);
}

static int handle_new(cf_loop *loop, cf_callback_fn *fn, void *arg, cf_handle **out)
{
    cf_handle *h;
    if (!loop || !fn)
        return CF_EINVAL;
    h = calloc(1, sizeof *h);
    if (!h)
        return CF_ENOMEM;
    cf_list_init(&h->ready.node);
    cf_list_init(&h->timers);
    h->ready.run = handle_run;
    h->loop = loop;
    h->fn = fn;
    h->arg = arg;
    *out = h;
    return 0;
}

int cf_loop_call_soon(cf_loop *loop, cf_callback_fn *fn, void *arg, cf_handle **handle)
{
    cf_handle *h;
    int rc = handle_new(loop, fn, arg, &h);
    if (rc)
        return rc;
    cf_loop_schedule(loop, &h->ready);
    if (handle)
        *handle = h;
    return 0;
}

int cf_loop_call_later(cf_loop *loop, double delay, cf_callback_fn *fn, void *arg,
                       cf_handle **handle)
{
    cf_handle *h;
    int rc = handle_new(loop, fn, arg, &h);
    if (rc)
        return rc;
    h->timer = evtimer_new(loop->base, handle_timer, h);
    if (!h->timer) {
        free(h);
        return CF_ENOMEM;
    }
    struct timeval tv = cf_timeval(delay);
    evtimer_add(h->timer, &tv);
    cf_list_push_back(&loop->timers, &h->timers);
    if (handle)
        *handle = h;
    return 0;
}

void cf_handle_cancel(cf_handle *h)
{
    if (!h)
        return;
    if (h->timer) {
        cf_list_unlink(&h->timers);
        event_free(h->timer);
    } else
        cf_list_unlink(&h->ready.node);
    free(h);
}

/* ---- running ---- */

void cf_loop_task_done(cf_loop *loop, cf_task *t)
{
    loop->nlive--;
    if (t == loop->main || (loop->shutting_down && loop->nlive == 0))
        event_base_loopbreak(loop->base);
}

void cf_loop_stop(cf_loop *loop)
{
    if (!loop->running)
        return;
    loop->stopping = 1;
    event_base_loopbreak(loop->base);
}

static void cancel_all(cf_loop *loop)
{
    struct cf_node *n;
    for (n = loop->live.next; n != &loop->live; n = n->next)
        cf_task_cancel(cf_container_of(n, cf_task, live));
}

int cf_loop_run(cf_loop *loop, cf_task_fn *fn, void *arg, void **result)
{
    cf_loop *saved = current_loop;
    cf_task *main;
    int rc;

    if (!loop || !fn || loop->running)
        return CF_EINVAL;
    rc = cf_loop_spawn(loop, &main, fn, arg);
    if (rc)
        return rc;
    cf_task_set_name(main, "main");
    loop->main = main;
    loop->running = 1;
    loop->stopping = 0;
    current_loop = loop;

    while (!cf_task_done(main) && !loop->stopping) {
        if (event_base_loop(loop->base, 0) == 1 && !cf_task_done(main) &&
            cf_list_empty(&loop->ready))
            break; /* nothing left that could ever wake the main task */
    }
    int main_finished = cf_task_done(main);
    int deadlocked = !main_finished && !loop->stopping;

    /* asyncio.run's epilogue: cancel what is left and let it finish. */
    loop->shutting_down = 1;
    cancel_all(loop);
    while (loop->nlive > 0) {
        if (event_base_loop(loop->base, 0) == 1 && cf_list_empty(&loop->ready))
            break; /* tasks stuck where nothing can wake them; cf_loop_free reaps them */
    }
    loop->shutting_down = 0;

    if (deadlocked)
        rc = CF_EDEADLK;
    else if (!main_finished)
        rc = CF_ESTOPPED;
    else
        rc = cf_task_result(main, result);
    loop->main = NULL;
    cf_task_unref(main);
    loop->running = 0;
    loop->stopping = 0;
    current_loop = saved;
    return rc;
}

void cf_loop_free(cf_loop *loop)
{
    if (!loop)
        return;
    while (!cf_list_empty(&loop->live)) {
        cf_task *t = cf_container_of(loop->live.next, cf_task, live);
        cf_task_destroy(t);
    }
    /* Pending call_soon handles. */
    struct cf_node *n;
    while ((n = cf_list_pop_front(&loop->ready)) != NULL) {
        struct cf_ready *r = cf_container_of(n, struct cf_ready, node);
        if (r->run == handle_run)
            free(cf_container_of(r, cf_handle, ready));
    }
    while (!cf_list_empty(&loop->timers))
        cf_handle_cancel(cf_container_of(loop->timers.next, cf_handle, timers));
    cf_task_pool_drain(loop);
    cf_stack_pool_drain(&loop->stacks);
    for (int i = 0; i < CF_SMALL_CLASSES; i++)
        cf_stack_pool_drain(&loop->small[i]);
    event_free(loop->ready_ev);
    event_base_free(loop->base);
    loop->ready_ev = NULL;
    loop->base = NULL;
    /* Tasks still referenced read their loop until their last cf_task_unref. */
    loop->freed = 1;
    if (loop->ntasks == 0)
        free(loop);
}

void cf_loop_task_released(cf_loop *loop)
{
    if (loop->ntasks == 0)
        free(loop);
}

/*
 * thread.c - a bounded pool of worker threads whose results come back through the loop.
 *
 * A call is a heap job: the awaiting task puts it on the pool's `todo` list under the
 * mutex and suspends. A worker takes it, runs fn unlocked, then moves it to `done` and,
 * if `done` was empty, writes the eventfd. The loop's event on that eventfd drains
 * `done` on the loop's thread: a job whose task still waits wakes the task (which then
 * reads the result and frees the job); an abandoned one (its task was cancelled) goes
 * to its abandoned callback and is freed. A submitted job (cf_pool_submit) has no task
 * from the start: it goes to its done callback the same way. Only `todo`, `done` and
 * `stopping` (under the mutex) and the `queued` and `spinning` atomics are shared with
 * the workers; everything else is the loop thread's. A worker that has just run a job
 * watches `queued` for a moment before it sleeps (spin_for_job).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "cofetch/error.h"
#include "cofetch/thread.h"
#include "internal.h"

struct job {
    struct job *next;
    cf_thread_fn *fn;
    void *arg;
    void *result;
    int code;
    cf_task *task; /* the awaiting task; NULL once abandoned */
    cf_abandon_fn *abandoned;
};

struct cf_pool {
    cf_loop *loop;
    struct event *ev; /* EV_READ on efd */
    int efd;
    size_t nthreads;
    pthread_t *threads;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *todo, **todo_tail; /* FIFO, under mu */
    struct job *done;              /* under mu */
    int stopping;                  /* under mu */
    size_t awaited;                /* jobs whose task still waits (loop thread) */
    atomic_int queued;             /* jobs on todo, for a spinning worker to see */
    atomic_int spinning;           /* a worker spins (at most one at a time) */
};

/* How long a worker that just finished a job watches for the next before it sleeps: a
 * task that awaits calls one after another (a file written block by block) hands the
 * next one over without a sleep and a wake-up of the worker. */
#define SPIN_NS 50000L

/* Whether a job was queued within SPIN_NS; mu is not held. Only one worker spins. */
static int spin_for_job(cf_pool *p)
{
    struct timespec t0, t;
    int expected = 0, seen = 0;

    if (!atomic_compare_exchange_strong(&p->spinning, &expected, 1))
        return 0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 1; !seen; i++) {
        seen = atomic_load_explicit(&p->queued, memory_order_acquire) > 0;
        if (!seen && i % 64 == 0) {
            clock_gettime(CLOCK_MONOTONIC, &t);
            if ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) > SPIN_NS)
                break;
        }
    }
    atomic_store(&p->spinning, 0);
    return seen;
}

/* The key of a loop's default pool among its locals. */
static const char pool_key;

static void *worker(void *arg)
{
    cf_pool *p = arg;

    int ran = 0; /* a job was just run: spin before sleeping */

    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct job *j;
        if (ran && !p->todo && !p->stopping) {
            pthread_mutex_unlock(&p->mu);
            spin_for_job(p);
            pthread_mutex_lock(&p->mu);
        }
        while (!p->todo && !p->stopping)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stopping)
            break;
        j = p->todo;
        p->todo = j->next;
        if (!p->todo)
            p->todo_tail = &p->todo;
        atomic_fetch_sub_explicit(&p->queued, 1, memory_order_relaxed);
        pthread_mutex_unlock(&p->mu);
        ran = 1;

        j->result = NULL;
        j->code = j->fn(j->arg, &j->result);

        pthread_mutex_lock(&p->mu);
        j->next = p->done;
        p->done = j;
        if (!j->next) {
            uint64_t one = 1;
            ssize_t n;
            do
                n = write(p->efd, &one, sizeof one);
            while (n < 0 && errno == EINTR);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void finish(cf_pool *p, struct job *j)
{
    if (j->task) {
        p->awaited--;
        cf_task_wake(j->task, 0); /* the task reads the result and frees the job */
        return;
    }
    if (j->abandoned)
        j->abandoned(j->arg, j->result, j->code);
    free(j);
}

/* Drain the done list (finish order is not kept: each job wakes its own task). */
static void on_done(evutil_socket_t fd, short what, void *arg)
{
    cf_pool *p = arg;
    struct job *j, *next;
    uint64_t n;

    (void)what;
    while (read(fd, &n, sizeof n) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&p->mu);
    j = p->done;
    p->done = NULL;
    pthread_mutex_unlock(&p->mu);
    for (; j; j = next) {
        next = j->next;
        finish(p, j);
    }
}

int cf_pool_new(cf_pool **out, cf_loop *loop, size_t threads)
{
    sigset_t all, old;
    cf_pool *p;
    int rc = CF_EIO;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    if (!loop || threads == 0 || threads > 256)
        return CF_EINVAL;
    p = calloc(1, sizeof *p);
    if (!p)
        return CF_ENOMEM;
    p->threads = calloc(threads, sizeof *p->threads);
    if (!p->threads) {
        free(p);
        return CF_ENOMEM;
    }
    p->loop = loop;
    p->todo_tail = &p->todo;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (p->efd < 0)
        goto fail;
    p->ev = event_new(cf_loop_base(loop), p->efd, EV_READ | EV_PERSIST, on_done, p);
    if (!p->ev || event_add(p->ev, NULL) != 0)
        goto fail;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    for (; p->nthreads < threads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0)
            break;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (p->nthreads < threads)
        goto fail;
    if (!cf_loop_local(loop, &pool_key))
        cf_loop_set_local(loop, &pool_key, p);
    *out = p;
    return 0;
fail:
    cf_pool_free(p);
    return rc;
}

int cf_pool_free(cf_pool *p)
{
    struct job *j, *next;

    if (!p)
        return 0;
    if (p->awaited > 0)
        return CF_EBUSY;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (size_t i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    /* The workers are gone: what they finished, then what they never started. */
    for (j = p->done; j; j = next) {
        next = j->next;
        finish(p, j);
    }
    for (j = p->todo; j; j = next) {
        next = j->next;
        j->code = CF_ECANCELED;
        j->result = NULL;
        finish(p, j);
    }
    if (cf_loop_local(p->loop, &pool_key) == p)
        cf_loop_set_local(p->loop, &pool_key, NULL);
    if (p->ev)
        event_free(p->ev);
    if (p->efd >= 0)
        close(p->efd);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p->threads);
    free(p);
    return 0;
}

static void enqueue(cf_pool *p, struct job *j)
{
    pthread_mutex_lock(&p->mu);
    *p->todo_tail = j;
    p->todo_tail = &j->next;
    atomic_fetch_add_explicit(&p->queued, 1, memory_order_release);
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int cf_pool_submit(cf_pool *p, cf_thread_fn *fn, void *arg, cf_pool_done_fn *done)
{
    struct job *j;

    if (!p || !fn || !done)
        return CF_EINVAL;
    j = calloc(1, sizeof *j);
    if (!j)
        return CF_ENOMEM;
    j->fn = fn;
    j->arg = arg;
    j->abandoned = done;
    enqueue(p, j);
    return 0;
}

static void abandon(void *ctx)
{
    struct job *j = ctx;

    j->task = NULL; /* the job is the pool's now: on_done frees it */
}

int cf_run_in_executor(cf_pool *p, cf_thread_fn *fn, void *arg, cf_abandon_fn *abandoned,
                       void **result)
{
    cf_task *self = cf_task_current();
    struct job *j;
    int rc;

    if (!self)
        return CF_ENOTASK;
    if (!p || !fn)
        return CF_EINVAL;
    if (p->loop != self->loop)
        return CF_ELOOP;
    if (cf_task_cancelled(self))
        return CF_ECANCELED;
    j = calloc(1, sizeof *j);
    if (!j)
        return CF_ENOMEM;
    j->fn = fn;
    j->arg = arg;
    j->task = self;
    j->abandoned = abandoned;
    enqueue(p, j);
    p->awaited++;

    rc = cf_task_suspend(-1, abandon, j);
    if (rc != 0) {
        p->awaited--; /* abandoned: on_done (or cf_pool_free) frees the job */
        return rc;
    }
    if (result)
        *result = j->result;
    rc = j->code;
    free(j);
    return rc;
}

int cf_to_thread(cf_thread_fn *fn, void *arg, void **result)
{
    cf_loop *loop = cf_loop_current();
    cf_pool *p = loop ? cf_loop_local(loop, &pool_key) : NULL;

    if (!cf_task_current())
        return CF_ENOTASK;
    if (!p)
        return CF_EINVAL;
    return cf_run_in_executor(p, fn, arg, NULL, result);
}

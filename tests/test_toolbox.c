/*
 * test_toolbox.c - asyncio's toolbox in cofetch: Event, Lock, Condition, bounded
 * semaphores, LIFO and priority queues, task groups, wait, as_completed, timeout
 * scopes, shield and the _until deadlines; cancellation at every new suspension
 * point, and each documented error of bad use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cofetch/cofetch.h"
#include "support.h"

static int run(cf_task_fn *fn, void *arg)
{
    return cf_loop_run(t_loop, fn, arg, NULL);
}

static int sleeper(void *arg, void **res)
{
    (void)res;
    return cf_sleep((double)(uintptr_t)arg / 1000.0); /* arg: milliseconds */
}

static int fail_after(void *arg, void **res)
{
    int rc = cf_sleep((double)(uintptr_t)arg / 1000.0);
    (void)res;
    return rc ? rc : CF_EIO;
}

/* ---- cancellation at each new suspension point ---- */

enum {
    K_EVENT,
    K_LOCK,
    K_COND,
    K_GROUP,
    K_WAIT,
    K_AS_COMPLETED,
    K_SLEEP_UNTIL,
    K_LIFO_GET,
    K_PRIO_GET,
    K_BSEM,
    K_SEM_UNTIL,
    K_QUEUE_UNTIL,
    K_FUTURE_UNTIL,
    K_TIMEOUT_SCOPE,
    K_SHIELD,
    K_COUNT
};

struct victim {
    int kind;
    cf_event *ev;
    cf_lock *lock;
    cf_cond *cond;
    cf_queue *lifo, *prio;
    cf_sem *bsem, *sem;
    cf_future *fut;
    cf_task *child; /* K_WAIT, K_AS_COMPLETED, K_SHIELD: what it waits for */
    int rc, after, reached;
    int held_after; /* K_COND: the lock was held when cf_cond_wait returned */
};

static int by_value(const void *a, const void *b)
{
    return (int)((uintptr_t)a > (uintptr_t)b) - (int)((uintptr_t)a < (uintptr_t)b);
}

static int victim(void *arg, void **res)
{
    struct victim *v = arg;
    double far = cf_loop_time() + 30;
    cf_taskgroup *g;
    cf_as_completed *it;
    cf_timeout *to;
    cf_task *t;
    void *item;
    (void)res;

    v->reached = 1;
    switch (v->kind) {
    case K_EVENT: v->rc = cf_event_wait(v->ev); break;
    case K_LOCK: v->rc = cf_lock_acquire(v->lock); break; /* the main task holds it */
    case K_COND:
        assert_int_equal(cf_lock_acquire(v->lock), 0);
        v->rc = cf_cond_wait(v->cond);
        v->held_after = cf_lock_locked(v->lock);
        assert_int_equal(cf_lock_release(v->lock), 0);
        break;
    case K_GROUP:
        assert_int_equal(cf_taskgroup_new(&g), 0);
        assert_int_equal(cf_taskgroup_spawn(g, &t, sleeper, (void *)(uintptr_t)30000), 0);
        v->rc = cf_taskgroup_wait(g);
        assert_true(cf_task_done(t)); /* the group cancelled and awaited it */
        assert_int_equal(cf_task_result(t, NULL), CF_ECANCELED);
        cf_task_unref(t);
        assert_int_equal(cf_taskgroup_free(g), 0);
        break;
    case K_WAIT: v->rc = cf_wait(&v->child, 1, CF_ALL_COMPLETED, -1); break;
    case K_AS_COMPLETED:
        assert_int_equal(cf_as_completed_new(&it, &v->child, 1), 0);
        v->rc = cf_as_completed_next(it, &t);
        assert_int_equal(cf_as_completed_free(it), 0);
        break;
    case K_SLEEP_UNTIL: v->rc = cf_sleep_until(far); break;
    case K_LIFO_GET: v->rc = cf_queue_get(v->lifo, &item); break;
    case K_PRIO_GET: v->rc = cf_queue_get_until(v->prio, &item, far); break;
    case K_BSEM: v->rc = cf_sem_acquire(v->bsem); break;
    case K_SEM_UNTIL: v->rc = cf_sem_acquire_until(v->sem, far); break;
    case K_QUEUE_UNTIL: v->rc = cf_queue_put_until(v->lifo, "x", far); break;
    case K_FUTURE_UNTIL: v->rc = cf_future_wait_until(v->fut, far, &item); break;
    case K_TIMEOUT_SCOPE:
        /* A cancel from outside stays a cancel through the scope's end. */
        assert_int_equal(cf_timeout_begin(&to, 20.0), 0);
        v->rc = cf_timeout_end(to, cf_sleep(30));
        break;
    case K_SHIELD: v->rc = cf_shield(v->child, &item); break;
    }
    v->after = cf_sleep(0.01);
    return v->rc;
}

static int cancel_main(void *arg, void **res)
{
    struct victim *v = arg;
    cf_task *t;
    (void)res;

    assert_int_equal(cf_event_new(&v->ev), 0);
    assert_int_equal(cf_lock_new(&v->lock), 0);
    assert_int_equal(cf_cond_new(&v->cond, v->lock), 0);
    assert_int_equal(cf_queue_new_lifo(&v->lifo, 0), 0);
    assert_int_equal(cf_queue_new_priority(&v->prio, 0, by_value), 0);
    assert_int_equal(cf_sem_new_bounded(&v->bsem, 1), 0);
    assert_int_equal(cf_sem_try_acquire(v->bsem), 0);
    assert_int_equal(cf_sem_new(&v->sem, 0), 0);
    assert_int_equal(cf_future_new(&v->fut), 0);
    if (v->kind == K_QUEUE_UNTIL) { /* a full bounded queue for the put */
        cf_queue_free(v->lifo);
        assert_int_equal(cf_queue_new_lifo(&v->lifo, 1), 0);
        assert_int_equal(cf_queue_put_nowait(v->lifo, "full"), 0);
    }
    if (v->kind == K_WAIT || v->kind == K_AS_COMPLETED || v->kind == K_SHIELD)
        assert_int_equal(cf_spawn(&v->child, sleeper, (void *)(uintptr_t)200), 0);
    if (v->kind == K_LOCK)
        assert_int_equal(cf_lock_acquire(v->lock), 0);

    assert_int_equal(cf_spawn(&t, victim, v), 0);
    assert_int_equal(cf_sleep(0.05), 0);
    assert_true(v->reached);
    assert_false(cf_task_done(t));
    double t0 = t_now();
    cf_task_cancel(t);
    assert_int_equal(cf_task_await(t, NULL), CF_ECANCELED);
    assert_true(t_now() - t0 < 0.5);
    assert_int_equal(v->rc, CF_ECANCELED);
    assert_int_equal(v->after, CF_ECANCELED);
    cf_task_unref(t);
    if (v->kind == K_COND)
        assert_true(v->held_after);
    if (v->kind == K_LOCK)
        assert_int_equal(cf_lock_release(v->lock), 0);
    if (v->child) {
        /* The waiter was cancelled, not what it waited for. */
        assert_false(cf_task_done(v->child));
        assert_int_equal(cf_task_await(v->child, NULL), 0);
        cf_task_unref(v->child);
    }
    /* Nobody is left waiting: every primitive frees cleanly. */
    assert_int_equal(cf_event_free(v->ev), 0);
    assert_int_equal(cf_cond_free(v->cond), 0);
    assert_int_equal(cf_lock_free(v->lock), 0);
    assert_int_equal(cf_queue_size(v->prio), 0);
    cf_queue_free(v->lifo);
    cf_queue_free(v->prio);
    assert_int_equal(cf_sem_value(v->sem), 0);
    cf_sem_free(v->bsem);
    cf_sem_free(v->sem);
    cf_future_free(v->fut);
    return 0;
}

static void test_cancel_every_new_point(void **state)
{
    (void)state;
    for (int k = 0; k < K_COUNT; k++) {
        struct victim v = {.kind = k};
        print_message("    suspension point %d\n", k);
        assert_int_equal(run(cancel_main, &v), 0);
    }
}

/* ---- Event ---- */

struct evw {
    cf_event *ev;
    struct t_log *log;
    const char *name;
};

static int event_waiter(void *arg, void **res)
{
    struct evw *w = arg;
    int rc = cf_event_wait(w->ev);
    (void)res;
    t_log_add(w->log, "%s:%d", w->name, rc);
    return rc;
}

static int event_main(void *arg, void **res)
{
    struct t_log log = {{0}, 0};
    cf_event *ev;
    cf_task *t[3];
    struct evw w[3] = {{NULL, &log, "a"}, {NULL, &log, "b"}, {NULL, &log, "c"}};
    (void)arg;
    (void)res;

    assert_int_equal(cf_event_new(&ev), 0);
    assert_false(cf_event_is_set(ev));
    for (int i = 0; i < 3; i++) {
        w[i].ev = ev;
        assert_int_equal(cf_spawn(&t[i], event_waiter, &w[i]), 0);
    }
    assert_int_equal(cf_sleep(0.02), 0);
    assert_int_equal(log.len, 0);
    assert_int_equal(cf_event_free(ev), CF_EBUSY); /* three wait on it */
    cf_event_set(ev);
    assert_int_equal(cf_gather(t, 3, 0, NULL, NULL), 0);
    assert_string_equal(log.buf, "a:0 b:0 c:0"); /* all of them, in FIFO order */
    for (int i = 0; i < 3; i++)
        cf_task_unref(t[i]);
    assert_int_equal(cf_event_wait(ev), 0); /* set: at once */
    cf_event_clear(ev);
    double t0 = cf_loop_time();
    assert_int_equal(cf_event_wait_timeout(ev, 0.05), CF_ETIMEDOUT);
    assert_true(cf_loop_time() - t0 >= 0.045);
    assert_int_equal(cf_event_wait_until(ev, cf_loop_time() - 1), CF_ETIMEDOUT);
    assert_int_equal(cf_event_free(ev), 0);
    return 0;
}

static void test_event(void **state)
{
    (void)state;
    assert_int_equal(run(event_main, NULL), 0);
}

/* ---- Lock and Condition ---- */

struct locker {
    cf_lock *lock;
    struct t_log *log;
    int id;
};

static int locker(void *arg, void **res)
{
    struct locker *l = arg;
    (void)res;
    assert_int_equal(cf_lock_acquire(l->lock), 0);
    t_log_add(l->log, "in%d", l->id);
    assert_int_equal(cf_sleep(0.005), 0); /* held across a suspension */
    t_log_add(l->log, "out%d", l->id);
    return cf_lock_release(l->lock);
}

static int lock_main(void *arg, void **res)
{
    struct t_log log = {{0}, 0};
    cf_lock *lock;
    cf_task *t[3];
    struct locker l[3];
    (void)arg;
    (void)res;

    assert_int_equal(cf_lock_new(&lock), 0);
    assert_int_equal(cf_lock_acquire(lock), 0);
    assert_int_equal(cf_lock_acquire(lock), CF_ESTATE); /* not recursive */
    assert_int_equal(cf_lock_try_acquire(lock), CF_EAGAIN);
    for (int i = 0; i < 3; i++) {
        l[i] = (struct locker){lock, &log, i};
        assert_int_equal(cf_spawn(&t[i], locker, &l[i]), 0);
    }
    assert_int_equal(cf_sleep(0.01), 0);
    assert_int_equal(cf_lock_free(lock), CF_EBUSY);
    assert_int_equal(cf_lock_release(lock), 0);
    assert_int_equal(cf_lock_release(lock), CF_ESTATE); /* no longer ours */
    assert_int_equal(cf_gather(t, 3, 0, NULL, NULL), 0);
    assert_string_equal(log.buf, "in0 out0 in1 out1 in2 out2"); /* one at a time, FIFO */
    for (int i = 0; i < 3; i++)
        cf_task_unref(t[i]);
    assert_false(cf_lock_locked(lock));

    /* A timeout while another holds it. */
    l[0] = (struct locker){lock, &log, 9};
    assert_int_equal(cf_spawn(&t[0], locker, &l[0]), 0);
    assert_int_equal(cf_yield(), 0);
    assert_true(cf_lock_locked(lock));
    assert_int_equal(cf_lock_acquire_timeout(lock, 0.001), CF_ETIMEDOUT);
    assert_int_equal(cf_lock_acquire_until(lock, cf_loop_time() + 5), 0);
    assert_int_equal(cf_lock_release(lock), 0);
    assert_int_equal(cf_task_await(t[0], NULL), 0);
    cf_task_unref(t[0]);
    assert_int_equal(cf_lock_free(lock), 0);
    return 0;
}

static void test_lock(void **state)
{
    (void)state;
    assert_int_equal(run(lock_main, NULL), 0);
}

struct box {
    cf_lock *lock;
    cf_cond *cond;
    int items;
    int taken;
};

static int consumer(void *arg, void **res)
{
    struct box *b = arg;
    int rc = 0;
    (void)res;
    assert_int_equal(cf_lock_acquire(b->lock), 0);
    while (b->items == 0 && rc == 0)
        rc = cf_cond_wait(b->cond);
    if (rc == 0) {
        b->items--;
        b->taken++;
    }
    assert_true(cf_lock_locked(b->lock));
    assert_int_equal(cf_lock_release(b->lock), 0);
    return rc;
}

static int cond_main(void *arg, void **res)
{
    struct box b = {0};
    cf_task *t[3];
    (void)arg;
    (void)res;

    assert_int_equal(cf_cond_new(&b.cond, NULL), CF_EINVAL);
    assert_int_equal(cf_lock_new(&b.lock), 0);
    assert_int_equal(cf_cond_new(&b.cond, b.lock), 0);
    assert_int_equal(cf_cond_wait(b.cond), CF_ESTATE);      /* lock not held */
    assert_int_equal(cf_cond_notify(b.cond, 1), CF_ESTATE); /* lock not held */
    for (int i = 0; i < 3; i++)
        assert_int_equal(cf_spawn(&t[i], consumer, &b), 0);
    assert_int_equal(cf_sleep(0.01), 0);
    assert_int_equal(cf_cond_free(b.cond), CF_EBUSY);
    /* One item, one notify: one consumer takes it, the others wait on. */
    assert_int_equal(cf_lock_acquire(b.lock), 0);
    b.items = 1;
    assert_int_equal(cf_cond_notify(b.cond, 1), 0);
    assert_int_equal(cf_lock_release(b.lock), 0);
    assert_int_equal(cf_sleep(0.01), 0);
    assert_int_equal(b.taken, 1);
    /* Two more, notify_all: the rest finish. */
    assert_int_equal(cf_lock_acquire(b.lock), 0);
    b.items = 2;
    assert_int_equal(cf_cond_notify_all(b.cond), 0);
    assert_int_equal(cf_lock_release(b.lock), 0);
    assert_int_equal(cf_gather(t, 3, 0, NULL, NULL), 0);
    assert_int_equal(b.taken, 3);
    for (int i = 0; i < 3; i++)
        cf_task_unref(t[i]);
    /* A timed wait returns holding the lock. */
    assert_int_equal(cf_lock_acquire(b.lock), 0);
    assert_int_equal(cf_cond_wait_timeout(b.cond, 0.01), CF_ETIMEDOUT);
    assert_true(cf_lock_locked(b.lock));
    assert_int_equal(cf_cond_wait_until(b.cond, cf_loop_time() + 0.01), CF_ETIMEDOUT);
    assert_int_equal(cf_lock_release(b.lock), 0);
    assert_int_equal(cf_cond_free(b.cond), 0);
    assert_int_equal(cf_lock_free(b.lock), 0);
    return 0;
}

static void test_condition(void **state)
{
    (void)state;
    assert_int_equal(run(cond_main, NULL), 0);
}

/* ---- bounded semaphores and queues ---- */

static int sem_queue_main(void *arg, void **res)
{
    cf_sem *s;
    cf_queue *q;
    void *item;
    (void)arg;
    (void)res;

    assert_int_equal(cf_sem_new_bounded(&s, 2), 0);
    assert_int_equal(cf_sem_release(s), CF_ESTATE); /* would exceed 2 */
    assert_int_equal(cf_sem_value(s), 2);
    assert_int_equal(cf_sem_acquire(s), 0);
    assert_int_equal(cf_sem_release(s), 0);
    cf_sem_free(s);
    assert_int_equal(cf_sem_new(&s, 2), 0);
    assert_int_equal(cf_sem_release(s), 0); /* unbounded: 3 */
    assert_int_equal(cf_sem_value(s), 3);
    cf_sem_free(s);

    /* LIFO: newest first. */
    assert_int_equal(cf_queue_new_lifo(&q, 0), 0);
    for (uintptr_t i = 1; i <= 40; i++) /* past the ring's first growth */
        assert_int_equal(cf_queue_put_nowait(q, (void *)i), 0);
    for (uintptr_t i = 40; i >= 1; i--) {
        assert_int_equal(cf_queue_get(q, &item), 0);
        assert_int_equal((uintptr_t)item, i);
        assert_int_equal(cf_queue_task_done(q), 0);
    }
    assert_int_equal(cf_queue_get_nowait(q, &item), CF_EAGAIN);
    cf_queue_free(q);

    /* Priority, bounded: smallest first; a full queue refuses a put. */
    assert_int_equal(cf_queue_new_priority(&q, 0, NULL), CF_EINVAL);
    assert_int_equal(cf_queue_new_priority(&q, 4, by_value), 0);
    static const uintptr_t vals[] = {50, 30, 90, 10};
    for (int i = 0; i < 4; i++)
        assert_int_equal(cf_queue_put_nowait(q, (void *)vals[i]), 0);
    assert_int_equal(cf_queue_put_nowait(q, (void *)(uintptr_t)1), CF_EAGAIN);
    static const uintptr_t sorted[] = {10, 30, 50, 90};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(cf_queue_get_nowait(q, &item), 0);
        assert_int_equal((uintptr_t)item, sorted[i]);
    }
    cf_queue_free(q);
    return 0;
}

static int by_key(const void *a, const void *b)
{
    int x = *(const int *)a / 10, y = *(const int *)b / 10;
    return (x > y) - (x < y);
}

static int prio_stable_main(void *arg, void **res)
{
    /* key = value / 10; equal keys must come out in put order. */
    static const int items[] = {31, 12, 30, 11, 5, 32, 13, 4, 33, 10};
    static const int want[] = {5, 4, 12, 11, 13, 10, 31, 30, 32, 33};
    cf_queue *q;
    void *item;
    (void)arg;
    (void)res;

    assert_int_equal(cf_queue_new_priority(&q, 0, by_key), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(cf_queue_put(q, (void *)&items[i]), 0);
    for (int i = 0; i < 10; i++) {
        assert_int_equal(cf_queue_get(q, &item), 0);
        assert_int_equal(*(int *)item, want[i]);
    }
    cf_queue_free(q);
    return 0;
}

static void test_bounded_sem_and_queues(void **state)
{
    (void)state;
    assert_int_equal(run(sem_queue_main, NULL), 0);
    assert_int_equal(run(prio_stable_main, NULL), 0);
}

/* ---- TaskGroup ---- */

static int group_ok_main(void *arg, void **res)
{
    cf_taskgroup *g;
    cf_task *t[3];
    (void)arg;
    (void)res;

    assert_int_equal(cf_taskgroup_new(&g), 0);
    for (uintptr_t i = 0; i < 3; i++)
        assert_int_equal(cf_taskgroup_spawn(g, &t[i], sleeper, (void *)(10 + 10 * i)), 0);
    assert_int_equal(cf_taskgroup_running(g), 3);
    assert_int_equal(cf_taskgroup_free(g), CF_EBUSY); /* tasks still run */
    assert_int_equal(cf_taskgroup_wait(g), 0);
    for (int i = 0; i < 3; i++) {
        assert_true(cf_task_done(t[i])); /* every one awaited */
        assert_int_equal(cf_task_result(t[i], NULL), 0);
        cf_task_unref(t[i]);
    }
    assert_int_equal(cf_taskgroup_wait(g), CF_ESTATE);
    assert_int_equal(cf_taskgroup_spawn(g, NULL, sleeper, NULL), CF_ESTATE);
    assert_int_equal(cf_taskgroup_free(g), 0);
    return 0;
}

static int group_fail_main(void *arg, void **res)
{
    cf_taskgroup *g;
    cf_task *slow, *bad;
    (void)arg;
    (void)res;

    assert_int_equal(cf_taskgroup_new(&g), 0);
    assert_int_equal(cf_taskgroup_spawn(g, &slow, sleeper, (void *)(uintptr_t)30000), 0);
    assert_int_equal(cf_taskgroup_spawn(g, &bad, fail_after, (void *)(uintptr_t)20), 0);
    double t0 = cf_loop_time();
    /* The parent is busy in the scope: the failure interrupts it. */
    assert_int_equal(cf_sleep(30), CF_ECANCELED);
    assert_true(cf_loop_time() - t0 < 5);
    assert_int_equal(cf_taskgroup_spawn(g, NULL, sleeper, NULL), CF_ESTATE);
    assert_int_equal(cf_taskgroup_wait(g), CF_EIO); /* the first failure */
    assert_int_equal(cf_task_result(slow, NULL), CF_ECANCELED);
    assert_int_equal(cf_task_result(bad, NULL), CF_EIO);
    assert_int_equal(cf_sleep(0.001), 0); /* the group's cancel was taken back */
    cf_task_unref(slow);
    cf_task_unref(bad);
    assert_int_equal(cf_taskgroup_free(g), 0);
    return 0;
}

/* A task of the outer group that runs an inner group with a failing task. */
static int inner_group(void *arg, void **res)
{
    cf_taskgroup *g;
    int rc;
    (void)res;
    assert_int_equal(cf_taskgroup_new(&g), 0);
    assert_int_equal(cf_taskgroup_spawn(g, NULL, sleeper, (void *)(uintptr_t)30000), 0);
    assert_int_equal(cf_taskgroup_spawn(g, NULL, fail_after, arg), 0);
    rc = cf_taskgroup_wait(g);
    assert_int_equal(cf_taskgroup_free(g), 0);
    return rc;
}

static int group_nested_main(void *arg, void **res)
{
    cf_taskgroup *g, *g2;
    cf_task *sib, *in;
    (void)arg;
    (void)res;

    assert_int_equal(cf_taskgroup_new(&g), 0);
    assert_int_equal(cf_taskgroup_spawn(g, &sib, sleeper, (void *)(uintptr_t)30000), 0);
    assert_int_equal(cf_taskgroup_spawn(g, &in, inner_group, (void *)(uintptr_t)10), 0);
    /* A second group inside the first one's scope, in the same task, that succeeds. */
    assert_int_equal(cf_taskgroup_new(&g2), 0);
    assert_int_equal(cf_taskgroup_spawn(g2, NULL, sleeper, (void *)(uintptr_t)1), 0);
    assert_int_equal(cf_taskgroup_wait(g2), 0);
    assert_int_equal(cf_taskgroup_free(g2), 0);
    double t0 = cf_loop_time();
    assert_int_equal(cf_taskgroup_wait(g), CF_EIO); /* from the inner group, up */
    assert_true(cf_loop_time() - t0 < 5);
    assert_int_equal(cf_task_result(in, NULL), CF_EIO);
    assert_int_equal(cf_task_result(sib, NULL), CF_ECANCELED);
    cf_task_unref(sib);
    cf_task_unref(in);
    assert_int_equal(cf_taskgroup_free(g), 0);
    return 0;
}

static int group_owner(void *arg, void **res)
{
    cf_task **child = arg;
    cf_taskgroup *g;
    int rc;
    (void)res;
    assert_int_equal(cf_taskgroup_new(&g), 0);
    assert_int_equal(cf_taskgroup_spawn(g, child, sleeper, (void *)(uintptr_t)30000), 0);
    rc = cf_taskgroup_wait(g);
    assert_int_equal(cf_taskgroup_free(g), 0);
    return rc;
}

static int group_wrong_parent(void *arg, void **res)
{
    (void)res;
    return cf_taskgroup_wait(arg);
}

static int group_cancel_main(void *arg, void **res)
{
    cf_task *owner, *child = NULL, *other;
    cf_taskgroup *g;
    (void)arg;
    (void)res;

    assert_int_equal(cf_spawn(&owner, group_owner, &child), 0);
    assert_int_equal(cf_sleep(0.02), 0);
    cf_task_cancel(owner);
    assert_int_equal(cf_task_await(owner, NULL), CF_ECANCELED);
    assert_true(cf_task_done(child)); /* waited for, not left behind */
    assert_int_equal(cf_task_result(child, NULL), CF_ECANCELED);
    cf_task_unref(child);
    cf_task_unref(owner);

    /* Only the parent waits. */
    assert_int_equal(cf_taskgroup_new(&g), 0);
    assert_int_equal(cf_spawn(&other, group_wrong_parent, g), 0);
    assert_int_equal(cf_task_await(other, NULL), CF_EINVAL);
    cf_task_unref(other);
    assert_int_equal(cf_taskgroup_wait(g), 0);
    assert_int_equal(cf_taskgroup_free(g), 0);
    return 0;
}

static void test_taskgroup(void **state)
{
    (void)state;
    assert_int_equal(run(group_ok_main, NULL), 0);
    assert_int_equal(run(group_fail_main, NULL), 0);
    assert_int_equal(run(group_nested_main, NULL), 0);
    assert_int_equal(run(group_cancel_main, NULL), 0);
}

/* ---- wait and as_completed ---- */

static int wait_main(void *arg, void **res)
{
    cf_task *t[3];
    (void)arg;
    (void)res;

    assert_int_equal(cf_spawn(&t[0], sleeper, (void *)(uintptr_t)300), 0);
    assert_int_equal(cf_spawn(&t[1], fail_after, (void *)(uintptr_t)60), 0);
    assert_int_equal(cf_spawn(&t[2], sleeper, (void *)(uintptr_t)20), 0);
    assert_int_equal(cf_wait(t, 3, CF_FIRST_COMPLETED, -1), 0);
    assert_true(cf_task_done(t[2]));
    assert_false(cf_task_done(t[1]));
    assert_int_equal(cf_wait(t, 3, CF_FIRST_EXCEPTION, -1), 0);
    assert_true(cf_task_done(t[1]));
    assert_false(cf_task_done(t[0]));
    assert_int_equal(cf_wait(t, 3, CF_ALL_COMPLETED, 0.01), CF_ETIMEDOUT);
    assert_false(cf_task_done(t[0])); /* a timeout cancels nothing */
    assert_int_equal(cf_wait_until(t, 3, CF_ALL_COMPLETED, cf_loop_time() + 10), 0);
    assert_true(cf_task_done(t[0]));
    assert_int_equal(cf_wait(t, 0, CF_ALL_COMPLETED, -1), 0);
    assert_int_equal(cf_wait(t, 3, (enum cf_wait_when)7, -1), CF_EINVAL);
    for (int i = 0; i < 3; i++)
        cf_task_unref(t[i]);
    return 0;
}

static int as_completed_main(void *arg, void **res)
{
    static const uintptr_t ms[] = {90, 10, 50, 0};
    cf_task *t[4], *got;
    cf_as_completed *it;
    (void)arg;
    (void)res;

    for (int i = 0; i < 3; i++)
        assert_int_equal(cf_spawn(&t[i], sleeper, (void *)ms[i]), 0);
    assert_int_equal(cf_spawn(&t[3], sleeper, (void *)ms[3]), 0);
    assert_int_equal(cf_task_await(t[3], NULL), 0); /* done before the iterator */
    assert_int_equal(cf_as_completed_new(&it, t, 4), 0);
    for (int i = 0; i < 4; i++)
        cf_task_unref(t[i]);                 /* the iterator keeps its own references */
    static const int order[] = {3, 1, 2, 0}; /* the done one, then 10, 50, 90 ms */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(cf_as_completed_next(it, &got), 0);
        assert_true(cf_task_done(got));
        assert_ptr_equal(got, t[order[i]]);
    }
    assert_int_equal(cf_as_completed_next(it, &got), CF_EOF);
    assert_int_equal(cf_as_completed_free(it), 0);

    /* A deadline on next. */
    assert_int_equal(cf_spawn(&t[0], sleeper, (void *)(uintptr_t)100), 0);
    assert_int_equal(cf_as_completed_new(&it, t, 1), 0);
    assert_int_equal(cf_as_completed_next_until(it, &got, cf_loop_time() + 0.01), CF_ETIMEDOUT);
    assert_int_equal(cf_as_completed_next(it, &got), 0);
    assert_ptr_equal(got, t[0]);
    assert_int_equal(cf_as_completed_free(it), 0);
    cf_task_unref(t[0]);
    return 0;
}

static void test_wait_as_completed(void **state)
{
    (void)state;
    assert_int_equal(run(wait_main, NULL), 0);
    assert_int_equal(run(as_completed_main, NULL), 0);
}

/* ---- timeout scopes and shield ---- */

static int timeout_main(void *arg, void **res)
{
    cf_timeout *outer, *inner;
    cf_task *t;
    (void)arg;
    (void)res;

    /* Expires: the sleep is interrupted, the end says CF_ETIMEDOUT, and the task is
     * no longer cancelled. */
    double t0 = cf_loop_time();
    assert_int_equal(cf_timeout_begin(&outer, 0.02), 0);
    int rc = cf_sleep(30);
    assert_int_equal(rc, CF_ECANCELED);
    assert_true(cf_timeout_expired(outer));
    assert_int_equal(cf_timeout_end(outer, rc), CF_ETIMEDOUT);
    assert_true(cf_loop_time() - t0 < 5);
    assert_false(cf_task_cancelled(cf_task_current()));
    assert_int_equal(cf_sleep(0.001), 0);

    /* Does not expire: the code's own result passes through. */
    assert_int_equal(cf_timeout_begin(&outer, 10), 0);
    assert_int_equal(cf_timeout_end(outer, cf_sleep(0.001)), 0);
    assert_int_equal(cf_timeout_begin_at(&outer, cf_loop_time() + 10), 0);
    assert_int_equal(cf_timeout_end(outer, CF_EIO), CF_EIO);

    /* Rescheduled earlier; never (-1) then. */
    assert_int_equal(cf_timeout_begin_at(&outer, -1), 0);
    assert_int_equal(cf_timeout_reschedule(outer, cf_loop_time() + 0.01), 0);
    assert_int_equal(cf_timeout_end(outer, cf_sleep(30)), CF_ETIMEDOUT);

    /* Nested: the outer expires first; the inner scope passes the cancel on. */
    assert_int_equal(cf_timeout_begin(&outer, 0.02), 0);
    assert_int_equal(cf_timeout_begin(&inner, 10), 0);
    rc = cf_timeout_end(inner, cf_sleep(30));
    assert_int_equal(rc, CF_ECANCELED);
    assert_int_equal(cf_timeout_end(outer, rc), CF_ETIMEDOUT);
    /* Nested: the inner expires; the outer sees its code's own result. */
    assert_int_equal(cf_timeout_begin(&outer, 10), 0);
    assert_int_equal(cf_timeout_begin(&inner, 0.01), 0);
    rc = cf_timeout_end(inner, cf_sleep(30));
    assert_int_equal(rc, CF_ETIMEDOUT);
    assert_int_equal(cf_timeout_end(outer, rc), CF_ETIMEDOUT);
    assert_false(cf_task_cancelled(cf_task_current()));

    /* A scope around a gather: the gather's tasks are cancelled with it. */
    assert_int_equal(cf_spawn(&t, sleeper, (void *)(uintptr_t)30000), 0);
    assert_int_equal(cf_timeout_begin(&outer, 0.01), 0);
    rc = cf_gather(&t, 1, 0, NULL, NULL);
    assert_int_equal(cf_timeout_end(outer, rc), CF_ETIMEDOUT);
    assert_int_equal(cf_task_result(t, NULL), CF_ECANCELED);
    cf_task_unref(t);
    assert_int_equal(cf_timeout_end(NULL, 0), CF_EINVAL);
    return 0;
}

static int shield_main(void *arg, void **res)
{
    struct victim v = {.kind = K_SHIELD};
    (void)arg;
    (void)res;
    /* cancel_main covers the cancelled caller; here the plain case. */
    assert_int_equal(cf_spawn(&v.child, sleeper, (void *)(uintptr_t)5), 0);
    assert_int_equal(cf_shield(v.child, NULL), 0);
    cf_task_unref(v.child);
    return 0;
}

static void test_timeout_and_shield(void **state)
{
    (void)state;
    assert_int_equal(run(timeout_main, NULL), 0);
    assert_int_equal(run(shield_main, NULL), 0);
}

/* ---- bad use ---- */

static cf_loop *other_loop;

static int other_loop_main(void *arg, void **res)
{
    cf_task *foreign;
    cf_as_completed *it;
    (void)arg;
    (void)res;

    assert_int_equal(cf_loop_spawn(other_loop, &foreign, sleeper, NULL), 0);
    assert_int_equal(cf_task_await(foreign, NULL), CF_ELOOP);
    assert_int_equal(cf_shield(foreign, NULL), CF_ELOOP);
    assert_int_equal(cf_task_wait_for(foreign, 1, NULL), CF_ELOOP);
    assert_int_equal(cf_gather(&foreign, 1, 0, NULL, NULL), CF_ELOOP);
    assert_int_equal(cf_wait(&foreign, 1, CF_ALL_COMPLETED, -1), CF_ELOOP);
    assert_int_equal(cf_as_completed_new(&it, &foreign, 1), CF_ELOOP);
    assert_int_equal(cf_task_await(cf_task_current(), NULL), CF_EINVAL);
    assert_int_equal(cf_task_await(NULL, NULL), CF_EINVAL);
    cf_task_unref(foreign);
    return 0;
}

static void test_bad_use(void **state)
{
    cf_event *ev;
    cf_lock *lock;
    cf_cond *cond;
    cf_taskgroup *g;
    cf_timeout *to;
    cf_as_completed *it;
    cf_task *t = NULL;
    (void)state;

    /* Suspending (or task-bound) calls outside a task. */
    assert_int_equal(cf_event_new(&ev), 0);
    assert_int_equal(cf_event_wait(ev), CF_ENOTASK);
    assert_int_equal(cf_event_wait_until(ev, 0), CF_ENOTASK);
    assert_int_equal(cf_lock_new(&lock), 0);
    assert_int_equal(cf_lock_acquire(lock), CF_ENOTASK);
    assert_int_equal(cf_lock_try_acquire(lock), CF_ENOTASK);
    assert_int_equal(cf_lock_release(lock), CF_ESTATE);
    assert_int_equal(cf_cond_new(&cond, lock), 0);
    assert_int_equal(cf_cond_wait(cond), CF_ENOTASK);
    assert_int_equal(cf_taskgroup_new(&g), CF_ENOTASK);
    assert_int_equal(cf_timeout_begin(&to, 1), CF_ENOTASK);
    assert_int_equal(cf_wait(&t, 0, CF_ALL_COMPLETED, -1), CF_ENOTASK);
    assert_int_equal(cf_as_completed_new(&it, &t, 0), CF_ENOTASK);
    assert_int_equal(cf_sleep_until(0), CF_ENOTASK);
    assert_int_equal(cf_taskgroup_new(NULL), CF_EINVAL);
    assert_int_equal(cf_event_new(NULL), CF_EINVAL);
    assert_int_equal(cf_cond_free(cond), 0);
    assert_int_equal(cf_lock_free(lock), 0);
    assert_int_equal(cf_event_free(ev), 0);
    assert_int_equal(cf_event_free(NULL), 0);

    /* A task of another loop. */
    assert_int_equal(cf_loop_new(&other_loop, NULL), 0);
    assert_int_equal(run(other_loop_main, NULL), 0);
    cf_loop_free(other_loop);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cancel_every_new_point, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_event, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_lock, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_condition, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_bounded_sem_and_queues, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_taskgroup, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_wait_as_completed, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_timeout_and_shield, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_bad_use, t_loop_setup, t_loop_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

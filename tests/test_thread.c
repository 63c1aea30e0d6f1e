/*
 * test_thread.c - cf_to_thread / cf_run_in_executor: results come back from a worker
 * thread, the pool is bounded, the loop runs other tasks while a call blocks, a
 * cancelled caller returns at once and the late result is dropped, a write stalled on
 * a FIFO does not hold up a fetch, cf_pool_submit's done callback comes on the loop's
 * thread from the loop (and with CF_ECANCELED for calls a freed pool never ran), and bad
 * use.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdatomic.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cofetch/cofetch.h"
#include "cofetch/thread.h"
#include "net_fixture.h"
#include "support.h"

static pthread_t loop_thread;

static void nap(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Blocks for arg milliseconds; its result says which thread ran it. */
static int blocking(void *arg, void **result)
{
    nap((double)(uintptr_t)arg / 1000.0);
    *result = pthread_equal(pthread_self(), loop_thread) ? "loop" : "worker";
    return (uintptr_t)arg == 7 ? CF_EIO : 0;
}

static int roundtrip_main(void *arg, void **res)
{
    void *r = NULL;
    (void)arg;
    (void)res;
    assert_int_equal(cf_to_thread(blocking, (void *)(uintptr_t)1, &r), 0);
    assert_string_equal(r, "worker");
    assert_int_equal(cf_to_thread(blocking, (void *)(uintptr_t)7, &r), CF_EIO); /* fn's code */
    assert_int_equal(cf_to_thread(blocking, (void *)(uintptr_t)0, NULL), 0);
    return 0;
}

struct ticker {
    int ticks;
    int stop;
};

static int tick(void *arg, void **res)
{
    struct ticker *t = arg;
    (void)res;
    while (!t->stop && cf_sleep(0.01) == 0)
        t->ticks++;
    return 0;
}

static int sleepy_call(void *arg, void **res)
{
    (void)res;
    return cf_to_thread(blocking, arg, NULL);
}

static int concurrency_main(void *arg, void **res)
{
    struct ticker tk = {0, 0};
    cf_task *ticker, *t[8];
    (void)arg;
    (void)res;

    /* A 300 ms blocking call does not stop the loop: the ticker keeps ticking. */
    assert_int_equal(cf_spawn(&ticker, tick, &tk), 0);
    assert_int_equal(cf_to_thread(blocking, (void *)(uintptr_t)300, NULL), 0);
    assert_true(tk.ticks >= 5); /* ~30 at 10 ms; generous for loaded machines */
    tk.stop = 1;
    assert_int_equal(cf_task_await(ticker, NULL), 0);
    cf_task_unref(ticker);

    /* Bounded: 8 calls of 50 ms on 2 threads take at least 4 rounds. */
    double t0 = cf_loop_time();
    for (int i = 0; i < 8; i++)
        assert_int_equal(cf_spawn(&t[i], sleepy_call, (void *)(uintptr_t)50), 0);
    assert_int_equal(cf_gather(t, 8, 0, NULL, NULL), 0);
    double dt = cf_loop_time() - t0;
    print_message("    8 x 50 ms on 2 threads: %.3f s\n", dt);
    assert_true(dt >= 0.195);
    assert_true(dt < 5);
    for (int i = 0; i < 8; i++)
        cf_task_unref(t[i]);
    return 0;
}

struct dropped {
    int calls;
    int code;
    const char *result;
    int on_loop_thread;
};

static void on_abandoned(void *arg, void *result, int code)
{
    struct dropped *d = arg;
    d->calls++;
    d->code = code;
    d->result = result;
    d->on_loop_thread = pthread_equal(pthread_self(), loop_thread);
}

/* A job that blocks while its caller is cancelled; arg is a struct dropped. */
static int slow_job(void *arg, void **result)
{
    (void)arg;
    nap(0.2);
    *result = "late";
    return 0;
}

struct caller {
    cf_pool *pool;
    struct dropped *d;
    int rc;
};

static int cancelled_caller(void *arg, void **res)
{
    struct caller *c = arg;
    (void)res;
    c->rc = cf_run_in_executor(c->pool, slow_job, c->d, on_abandoned, NULL);
    return c->rc;
}

static int cancel_main(void *arg, void **res)
{
    cf_pool *pool = arg;
    struct dropped d = {0, 0, NULL, 0};
    struct caller c = {pool, &d, 0};
    cf_task *t;
    (void)res;

    assert_int_equal(cf_spawn(&t, cancelled_caller, &c), 0);
    assert_int_equal(cf_sleep(0.02), 0);
    assert_int_equal(cf_pool_free(pool), CF_EBUSY); /* a task awaits it */
    double t0 = cf_loop_time();
    cf_task_cancel(t);
    assert_int_equal(cf_task_await(t, NULL), CF_ECANCELED);
    assert_true(cf_loop_time() - t0 < 0.1); /* at once, not when the thread ends */
    assert_int_equal(c.rc, CF_ECANCELED);
    cf_task_unref(t);
    assert_int_equal(d.calls, 0);
    /* The thread finishes later; its result goes to the abandoned callback. */
    for (int i = 0; i < 300 && d.calls == 0; i++)
        assert_int_equal(cf_sleep(0.01), 0);
    assert_int_equal(d.calls, 1);
    assert_int_equal(d.code, 0);
    assert_string_equal(d.result, "late");
    assert_true(d.on_loop_thread);
    return 0;
}

static void test_roundtrip(void **state)
{
    cf_pool *pool;
    (void)state;
    assert_int_equal(cf_pool_new(&pool, t_loop, 2), 0);
    assert_int_equal(cf_loop_run(t_loop, roundtrip_main, NULL, NULL), 0);
    assert_int_equal(cf_loop_run(t_loop, concurrency_main, NULL, NULL), 0);
    assert_int_equal(cf_pool_free(pool), 0);
}

static void test_cancel_drops_result(void **state)
{
    cf_pool *pool;
    (void)state;
    assert_int_equal(cf_pool_new(&pool, t_loop, 1), 0);
    assert_int_equal(cf_loop_run(t_loop, cancel_main, pool, NULL), 0);
    assert_int_equal(cf_pool_free(pool), 0);
}

/* Calls queued behind a busy worker when the pool is freed never run. */
static int queue_main(void *arg, void **res)
{
    struct caller *c = arg;
    cf_task *a, *b;
    (void)res;
    assert_int_equal(cf_spawn(&a, cancelled_caller, c), 0);
    assert_int_equal(cf_spawn(&b, cancelled_caller, c), 0);
    assert_int_equal(cf_sleep(0.02), 0);
    cf_task_unref(a);
    cf_task_unref(b);
    return 0; /* the loop cancels both callers as it ends */
}

static void test_free_drops_queued(void **state)
{
    struct dropped d = {0, 0, NULL, 0};
    struct caller c = {NULL, &d, 0};
    (void)state;
    assert_int_equal(cf_pool_new(&c.pool, t_loop, 1), 0);
    assert_int_equal(cf_loop_run(t_loop, queue_main, &c, NULL), 0);
    /* One call was running (it ends, 0), one waited behind it (never runs). */
    assert_int_equal(cf_pool_free(c.pool), 0);
    assert_int_equal(d.calls, 2);
    assert_int_equal(d.code, CF_ECANCELED); /* the last: the one never started */
    assert_null(d.result);
    assert_true(d.on_loop_thread);
}

/* cf_pool_submit from a task and from a timer (no task): each done callback runs on the
 * loop's thread, after the submitting code has returned, with fn's code and result. */
struct submitted {
    int done, on_loop_thread, in_submitter, code;
    uintptr_t ms; /* what the next call blocks for (7: it fails) */
    void *result;
    cf_pool *pool;
};

static int submitted_call(void *arg, void **result)
{
    struct submitted *s = arg;
    return blocking((void *)s->ms, result);
}

static void submit_done(void *arg, void *result, int code)
{
    struct submitted *s = arg;
    s->done++;
    s->on_loop_thread += pthread_equal(pthread_self(), loop_thread) != 0;
    s->code = code;
    s->result = result;
}

static void submit_from_timer(void *arg)
{
    struct submitted *s = arg;
    s->in_submitter = 1;
    assert_int_equal((s->ms = 7, cf_pool_submit(s->pool, submitted_call, s, submit_done)), 0);
    assert_int_equal(s->done, 1); /* not from inside the call */
    s->in_submitter = 0;
}

static int submit_main(void *arg, void **res)
{
    struct submitted *s = arg;
    (void)res;
    assert_int_equal((s->ms = 1, cf_pool_submit(s->pool, submitted_call, s, submit_done)), 0);
    assert_int_equal(s->done, 0);
    for (int i = 0; i < 500 && s->done < 1; i++)
        assert_int_equal(cf_sleep(0.002), 0);
    assert_int_equal(s->done, 1);
    assert_int_equal(s->code, 0);
    assert_string_equal(s->result, "worker");
    assert_int_equal(cf_loop_call_later(cf_loop_current(), 0, submit_from_timer, s, NULL), 0);
    for (int i = 0; i < 500 && s->done < 2; i++)
        assert_int_equal(cf_sleep(0.002), 0);
    assert_int_equal(s->done, 2);
    assert_int_equal(s->code, CF_EIO);
    assert_int_equal(s->on_loop_thread, 2);
    assert_int_equal(cf_pool_submit(NULL, submitted_call, s, submit_done), CF_EINVAL);
    assert_int_equal(cf_pool_submit(s->pool, NULL, s, submit_done), CF_EINVAL);
    assert_int_equal(cf_pool_submit(s->pool, submitted_call, s, NULL), CF_EINVAL);
    /* Two behind a busy worker when the loop ends: the pool's free says CF_ECANCELED to
     * the one never started. */
    assert_int_equal((s->ms = 50, cf_pool_submit(s->pool, submitted_call, s, submit_done)), 0);
    assert_int_equal((s->ms = 50, cf_pool_submit(s->pool, submitted_call, s, submit_done)), 0);
    return cf_sleep(0.01);
}

static void test_submit(void **state)
{
    struct submitted s = {0};
    (void)state;
    loop_thread = pthread_self();
    assert_int_equal(cf_pool_new(&s.pool, t_loop, 1), 0);
    assert_int_equal(cf_loop_run(t_loop, submit_main, &s, NULL), 0);
    assert_int_equal(cf_pool_free(s.pool), 0);
    assert_int_equal(s.done, 4);
    assert_int_equal(s.on_loop_thread, 4);
    assert_int_equal(s.code, CF_ECANCELED);
    assert_null(s.result);
}

static int no_pool_main(void *arg, void **res)
{
    cf_pool *other = arg;
    (void)res;
    assert_int_equal(cf_to_thread(blocking, NULL, NULL), CF_EINVAL);
    assert_int_equal(cf_run_in_executor(other, blocking, NULL, NULL, NULL), CF_ELOOP);
    assert_int_equal(cf_run_in_executor(NULL, blocking, NULL, NULL, NULL), CF_EINVAL);
    return 0;
}

static void test_bad_use(void **state)
{
    cf_loop *other_loop;
    cf_pool *other, *p;
    (void)state;

    assert_int_equal(cf_to_thread(blocking, NULL, NULL), CF_ENOTASK);
    assert_int_equal(cf_pool_new(&p, t_loop, 0), CF_EINVAL);
    assert_int_equal(cf_pool_new(&p, NULL, 1), CF_EINVAL);
    assert_int_equal(cf_pool_new(NULL, t_loop, 1), CF_EINVAL);
    assert_int_equal(cf_loop_new(&other_loop, NULL), 0);
    assert_int_equal(cf_pool_new(&other, other_loop, 1), 0);
    assert_int_equal(cf_run_in_executor(other, blocking, NULL, NULL, NULL), CF_ENOTASK);
    assert_int_equal(cf_loop_run(t_loop, no_pool_main, other, NULL), 0);
    assert_int_equal(cf_pool_free(other), 0);
    assert_int_equal(cf_pool_free(NULL), 0);
    cf_loop_free(other_loop);
}

/* A write into a FIFO nobody reads yet blocks its thread, not the loop: a fetch
 * from the loopback server completes while the writer is still stuck in open(). */
struct fifo {
    char path[64];
    atomic_int opened;
};

static int fifo_writer(void *arg, void **result)
{
    struct fifo *f = arg;
    int fd = open(f->path, O_WRONLY); /* blocks until a reader opens the FIFO */
    (void)result;
    if (fd < 0)
        return CF_EIO;
    atomic_store(&f->opened, 1);
    ssize_t n = write(fd, "x", 1);
    close(fd);
    return n == 1 ? 0 : CF_EIO;
}

static int writer_task(void *arg, void **res)
{
    (void)res;
    return cf_to_thread(fifo_writer, arg, NULL);
}

static int fifo_main(void *arg, void **res)
{
    struct fifo *f = arg;
    struct cf_response resp = {0};
    cf_task *w;
    char c = 0;
    (void)res;

    assert_int_equal(cf_spawn(&w, writer_task, f), 0);
    assert_int_equal(cf_sleep(0.05), 0); /* the worker is in open() now */
    assert_int_equal(nf_get(nf_url("/delay?s=0.05"), &resp), 0);
    assert_int_equal(resp.status, 200);
    cf_response_free(&resp);
    assert_int_equal(atomic_load(&f->opened), 0); /* the fetch did not wait for it */
    int fd = open(f->path, O_RDONLY | O_NONBLOCK);
    assert_true(fd >= 0);
    assert_int_equal(cf_task_await(w, NULL), 0);
    cf_task_unref(w);
    assert_int_equal(atomic_load(&f->opened), 1);
    assert_int_equal(read(fd, &c, 1), 1);
    assert_int_equal(c, 'x');
    close(fd);
    return 0;
}

static void test_stalled_fifo_does_not_block_fetches(void **state)
{
    struct fifo f;
    cf_pool *pool;
    (void)state;
    snprintf(f.path, sizeof f.path, "/tmp/cofetch-fifo-%ld", (long)getpid());
    atomic_init(&f.opened, 0);
    unlink(f.path);
    assert_int_equal(mkfifo(f.path, 0600), 0);
    assert_int_equal(cf_pool_new(&pool, nf.loop, 1), 0);
    assert_int_equal(nf_run(NULL, fifo_main, &f), 0);
    assert_int_equal(cf_pool_free(pool), 0);
    unlink(f.path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_cancel_drops_result, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_free_drops_queued, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_submit, t_loop_setup, t_loop_teardown),
        cmocka_unit_test_setup_teardown(test_bad_use, t_loop_setup, t_loop_teardown),
        cmocka_unit_test(test_stalled_fifo_does_not_block_fetches),
    };
    loop_thread = pthread_self();
    return cmocka_run_group_tests(tests, nf_group_setup, nf_group_teardown);
}

/*
 * cofetch/thread.h - asyncio.to_thread / run_in_executor for C: blocking calls on a
 * bounded pool of threads, awaited from tasks.
 *
 * A cf_pool runs blocking functions (file I/O, fsync, DNS by hand, compression) on a
 * fixed number of worker threads so the loop keeps running the other tasks meanwhile.
 * The awaiting task suspends; when the worker is done it hands the job back through an
 * eventfd the loop's event_base watches, so the loop is woken by libevent the moment a
 * result is ready (never polled), and the task resumes on the loop's thread.
 *
 * The first pool created on a loop is that loop's default pool, which cf_to_thread
 * uses (as cf_fetch uses the loop's client). Workers start with every signal blocked,
 * so signals stay with the loop's thread (signalfd keeps working).
 *
 *   cf_pool_new / _free        create (threads start) / join and destroy
 *   cf_run_in_executor         run fn(arg) on a pool and await it (may suspend)
 *   cf_pool_submit             run fn(arg) on a pool, a callback on the loop when done
 *   cf_to_thread               the same on the current loop's default pool
 *
 * What runs on a worker: fn(arg, &result) only; it must not call any cofetch function
 * (none is thread-safe but cf_loop_time and cf_strerror). The pool never frees arg or
 * the result.
 *
 * Cancellation: an awaiting task that is cancelled returns CF_ECANCELED at once; the
 * call cannot be stopped, so it runs to its end (or, if it had not started, is not run)
 * and its result is dropped: `abandoned(arg, result, code)`, when given, is called on
 * the loop's thread then (code CF_ECANCELED if fn never ran), the place to free arg and
 * the result. Without it, arg must stay valid until cf_pool_free. Combine with
 * cf_timeout_begin for a deadline.
 */
#ifndef COFETCH_THREAD_H
#define COFETCH_THREAD_H

#include <stddef.h>

#include "cofetch/export.h"
#include "cofetch/loop.h"

CF_API_BEGIN

typedef struct cf_pool cf_pool;

/* A blocking function, run on a worker thread: 0 or a negative CF_E* code, and a
 * result pointer in *result. */
typedef int cf_thread_fn(void *arg, void **result);

/* Called on the loop's thread when a call whose task was cancelled has ended. */
typedef void cf_abandon_fn(void *arg, void *result, int code);

/* Called on the loop's thread when a submitted call has ended: fn's code and result, or
 * CF_ECANCELED (result NULL) when fn never ran because the pool was freed first. */
typedef void cf_pool_done_fn(void *arg, void *result, int code);

/* Create a pool of `threads` workers (1 to 256) on `loop`, the loop's default pool
 * if it has none. The caller owns *out. Never suspends. Errors: CF_ENOMEM, CF_EINVAL
 * (out or loop NULL, threads out of range), CF_EIO (no eventfd or thread). */
int cf_pool_new(cf_pool **out, cf_loop *loop, size_t threads);

/* Stop and join the workers and free the pool. Calls not started are not run (their
 * abandoned callbacks get CF_ECANCELED); running ones are waited for. Call it when no
 * task awaits the pool (after cf_loop_run has returned, every task has finished), and
 * before cf_loop_free of its loop.
 * Errors: CF_EBUSY (a task still awaits a call on it: nothing is freed). NULL: 0. */
int cf_pool_free(cf_pool *p);

/* Run fn(arg, &result) on a worker of p and suspend until it returns; then store its
 * result in *result (result may be NULL) and return its code. May suspend. Errors:
 * fn's own code; CF_ECANCELED (see above); CF_ENOTASK; CF_ELOOP (p belongs to another
 * loop); CF_EINVAL (p or fn NULL); CF_ENOMEM. */
int cf_run_in_executor(cf_pool *p, cf_thread_fn *fn, void *arg, cf_abandon_fn *abandoned,
                       void **result);

/* loop.run_in_executor's future with a done callback, for code that is not a task (a
 * libcurl or libevent callback on the loop): queue fn(arg, &result) on a worker of p and
 * return at once; done(arg, result, code) runs on the loop's thread, from the loop,
 * once fn has returned (calls run in the order queued when the pool has one thread).
 * arg must stay valid until done has run; done owns the result. Never suspends; call
 * it on the loop's thread. Errors (nothing is queued, done is never called): CF_EINVAL
 * (p, fn or done NULL), CF_ENOMEM. */
int cf_pool_submit(cf_pool *p, cf_thread_fn *fn, void *arg, cf_pool_done_fn *done);

/* cf_run_in_executor on the current loop's default pool, without an abandoned
 * callback. May suspend. Errors: as cf_run_in_executor; CF_EINVAL also when the loop
 * has no pool (cf_pool_new). */
int cf_to_thread(cf_thread_fn *fn, void *arg, void **result);

CF_API_END

#endif

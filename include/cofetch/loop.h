/*
 * cofetch/loop.h - the event loop: asyncio.run() for C.
 *
 * A cf_loop owns one libevent event_base and schedules the tasks that run on it.
 * One loop per thread; while cf_loop_run() runs, the loop is the thread's "current"
 * loop and cf_loop_current() returns it, so task code never passes it around.
 *
 *   cf_loop_new          create a loop (owns a fresh event_base)
 *   cf_loop_free         destroy a loop that is not running
 *   cf_loop_run          run a main task to completion, return its result
 *   cf_loop_stop         end cf_loop_run early (cancels every task)
 *   cf_loop_current      the loop running on this thread, or NULL
 *   cf_loop_base         the loop's event_base, for libevent-driven extensions
 *   cf_loop_time         monotonic seconds
 *   cf_loop_call_soon    run a plain callback on the next loop iteration
 *   cf_loop_call_later   run a plain callback after a delay
 *   cf_handle_cancel     cancel a pending call_soon/call_later callback
 *   cf_loop_set_local    per-loop pointers for layers built on the loop, by key
 *
 * Nothing in this header suspends.
 */
#ifndef COFETCH_LOOP_H
#define COFETCH_LOOP_H

#include <stddef.h>

#include "cofetch/export.h"

CF_API_BEGIN

struct event_base;

typedef struct cf_loop cf_loop;
typedef struct cf_handle cf_handle;
typedef struct cf_task cf_task;

/* A task body. Runs on its own stack; may suspend. Returns 0 or a negative CF_E*
 * code; may store a result pointer in *result (its meaning and ownership are the
 * caller's convention: cofetch never dereferences or frees it). */
typedef int cf_task_fn(void *arg, void **result);

/* A plain callback for call_soon/call_later. Runs on the loop's own stack: it must
 * not suspend (a suspending call returns CF_ENOTASK there). */
typedef void cf_callback_fn(void *arg);

struct cf_loop_opts {
    /* Usable stack of every task, in bytes (rounded up to pages; 0 = default).
     * Default CF_STACK_DEFAULT, or the COFETCH_STACK_SIZE environment variable
     * (bytes, optional k/K or m/M suffix). Each stack also has one guard page. */
    size_t stack_size;
    /* Free stacks kept for reuse after tasks end (0 = default 1024). Beyond that
     * they are unmapped. */
    size_t stack_pool_max;
};

/* 64 KiB of stack per task: enough for libcurl calls and formatted output from a
 * task. Sanitizer builds use 4x, since instrumented frames are larger. */
#define CF_STACK_DEFAULT (64u * 1024u)

/* Create a loop. opts may be NULL for defaults. *out is owned by the caller and
 * freed with cf_loop_free(). Errors: CF_ENOMEM, CF_EINVAL. */
int cf_loop_new(cf_loop **out, const struct cf_loop_opts *opts);

/* Free a loop that is not running, with every task, handle and stack it still owns.
 * A task it had to end finishes with CF_ECANCELED. Task references the caller still
 * holds stay valid until their cf_task_unref (cofetch/task.h, Ownership). NULL is a
 * no-op. */
void cf_loop_free(cf_loop *loop);

/* asyncio.run(): spawn fn(arg) as the main task, run the loop until it finishes,
 * then cancel whatever tasks are left and run the loop until they finish too.
 * Returns the main task's result code and stores its result pointer in *result
 * (result may be NULL). Errors: the main task's own code; CF_EDEADLK when the main
 * task is suspended and nothing (event, timer, task) is left that could wake it;
 * CF_ESTOPPED when cf_loop_stop() ended the run; CF_ENOMEM; CF_EINVAL if the loop
 * is already running. */
int cf_loop_run(cf_loop *loop, cf_task_fn *fn, void *arg, void **result);

/* Make cf_loop_run() return: every unfinished task is cancelled and the loop runs
 * until they have finished; cf_loop_run() then returns CF_ESTOPPED unless the main
 * task had already finished. Safe from a task, a callback or a libevent callback on
 * the loop's thread. */
void cf_loop_stop(cf_loop *loop);

/* The loop running on this thread (inside cf_loop_run), or NULL. */
cf_loop *cf_loop_current(void);

/* The loop's event_base (borrowed; valid until cf_loop_free). */
struct event_base *cf_loop_base(cf_loop *loop);

/* Monotonic clock in seconds (CLOCK_MONOTONIC); the same clock as every timeout. */
double cf_loop_time(void);

/* Schedule fn(arg) to run once, soon (FIFO with resumed tasks), or after `delay`
 * seconds. If handle is non-NULL it receives a borrowed handle that stays valid until
 * the callback has run or been cancelled; pass NULL if you will not cancel.
 * Errors: CF_ENOMEM, CF_EINVAL. */
int cf_loop_call_soon(cf_loop *loop, cf_callback_fn *fn, void *arg, cf_handle **handle);
int cf_loop_call_later(cf_loop *loop, double delay, cf_callback_fn *fn, void *arg,
                       cf_handle **handle);

/* Cancel a callback that has not run yet; frees the handle. Must not be called
 * once the callback has started or run. */
void cf_handle_cancel(cf_handle *handle);

/* Per-loop state of a layer built on the loop, found by a key: the address of
 * something the layer owns (a static variable), so layers never collide and the loop
 * names none of them. Storing NULL removes the key. The loop never frees what is
 * stored. Never suspends. Errors: CF_EINVAL (loop or key NULL), CF_ENOMEM (already
 * CF_LOOP_LOCALS keys). cf_loop_local returns NULL for a key never stored. */
#define CF_LOOP_LOCALS 8
int cf_loop_set_local(cf_loop *loop, const void *key, void *ptr);
void *cf_loop_local(const cf_loop *loop, const void *key);

CF_API_END

#endif

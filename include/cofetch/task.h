/*
 * cofetch/task.h - tasks: stackful coroutines scheduled on a cf_loop.
 *
 * A task runs a cf_task_fn on its own stack. When it calls a suspending function
 * (cf_sleep, cf_task_await, cf_queue_get, cf_fetch, ...) it is switched out and the
 * loop runs something else; when the awaited thing happens it resumes where it was,
 * so task code reads top to bottom like its Python twin:
 *
 *   async def main():                  static int main_task(void *arg, void **res) {
 *       t = asyncio.create_task(w())       cf_task *t;
 *       await asyncio.sleep(1)             cf_spawn(&t, w, NULL);
 *       r = await t                        cf_sleep(1.0);
 *                                          int rc = cf_task_await(t, &r);
 *                                          cf_task_unref(t); ... }
 *
 * Ownership. A task is reference counted. The loop holds a reference while the task
 * has not finished; cf_spawn() gives the caller another one when out != NULL (drop it
 * with cf_task_unref()). With out == NULL the task is detached. A finished task keeps
 * its result until the last reference goes. References are counted on the loop's
 * thread only (tasks, callbacks, and after the loop's run).
 *
 * A task's memory belongs to its loop: the last cf_task_unref returns it to the
 * loop's pool and a later spawn on that loop reuses it, so a pointer kept past its last
 * reference may soon name another task (AddressSanitizer builds report any use of it
 * until then). A reference may outlive the loop: after cf_loop_free the task is
 * finished (CF_ECANCELED if the loop had to end it), cf_task_done, cf_task_result,
 * cf_task_name, cf_task_ref and cf_task_unref still work on it, awaiting it returns
 * CF_ELOOP, and its last cf_task_unref frees it.
 *
 * Stacks are mapped when a task first runs (not at spawn), come from a per-loop pool,
 * have a guard page below them, and go back to the pool the moment the task ends: a
 * task that has not started or has finished costs no stack. Each suspended task holds
 * one stack and its guard; the kernel's vm.max_map_count (65530 by default) therefore
 * caps suspended tasks near 32,000, except those given small stacks
 * (cf_task_set_stack_size: 40 share a mapping). A task that cannot get a stack finishes with
 * CF_ENOMEM without running.
 *
 * Cancellation. cf_task_cancel() makes the task's current suspension point (or its
 * next one) return CF_ECANCELED, and every later one too, so a task can run its
 * synchronous cleanup and return. A task cancelled before it started never runs. If
 * a cancelled task returns a non-zero code its result is CF_ECANCELED; if it returns
 * 0 it swallowed the cancellation and completed. A cancel wins over a deadline that
 * expired at the same time; it never undoes a wake-up that already delivered
 * something (a queue item, a semaphore permit): that call returns 0 and the next
 * suspension point reports the cancellation.
 *
 *   cf_spawn / cf_loop_spawn   create_task: schedule fn(arg) to run soon
 *   cf_task_await              await a task: its result code and result pointer
 *   cf_task_wait_for / _until  await with a timeout; on timeout cancel it, wait, CF_ETIMEDOUT
 *   cf_shield                  await without cancelling the awaited task
 *   cf_task_cancel             request cancellation (no-op on a finished task)
 *   cf_task_done / _result     poll a task's state without suspending
 *   cf_task_ref / _unref       reference counting
 *   cf_task_current            the running task, or NULL on the loop's own stack
 *   cf_gather                  await many tasks; results in input order
 *   cf_sleep / _until / cf_yield  suspend for a time / until the loop has run others
 *   cf_task_suspend / _wake    the seam for new suspension points (extensions)
 *
 * Calls marked "may suspend" must be called from a task; elsewhere they return
 * CF_ENOTASK. Deadlines: every call that waits takes a relative timeout (seconds,
 * the _timeout/_for forms) or an absolute deadline (cf_loop_time() seconds, the _until
 * forms, always the last argument); one already past returns CF_ETIMEDOUT unless what
 * is waited for is ready at once.
 */
#ifndef COFETCH_TASK_H
#define COFETCH_TASK_H

#include <stddef.h>

#include "cofetch/export.h"
#include "cofetch/loop.h"

CF_API_BEGIN

/* Spawn fn(arg) as a new task on the current loop (or `loop`). It starts on a later
 * loop iteration, after the caller suspends or returns. If out is non-NULL it
 * receives a reference the caller must drop with cf_task_unref(). Never suspends.
 * Errors: CF_ENOMEM, CF_ENOTASK (cf_spawn with no current loop), CF_EINVAL. */
int cf_spawn(cf_task **out, cf_task_fn *fn, void *arg);
int cf_loop_spawn(cf_loop *loop, cf_task **out, cf_task_fn *fn, void *arg);

/* Give t a small stack of at least `bytes` (default: the loop's stack_size) before it
 * first runs: right after spawning it. Below 4 KiB the stack is carved from a slab
 * instead of mapped, so 10,000 suspended tasks that each need ~1.5 KiB hold 16 MB
 * instead of 40 (one page each). Such a stack has no guard page: a canary below it is
 * checked each time the task switches out, and the process aborts with a message if
 * it was overwritten. Sizing is the caller's job: keep the task's own frames shallow
 * and run deep calls (libcurl, formatted output) through cf_on_loop_stack(). A signal
 * handler runs on the stack it interrupts, so a program using small stacks must take
 * its signals another way (signalfd, or SA_ONSTACK with sigaltstack); and lazy binding
 * resolves a library function on its first caller's stack (~1.5 KiB on x86-64), so
 * link with -z now. Unoptimised
 * builds double the size and AddressSanitizer builds add 2.5 KiB (bigger frames);
 * 4 KiB and more, or the ucontext build, keep the loop's mapped stacks. Never
 * suspends. Errors: CF_EINVAL (bytes == 0), CF_ESTATE (t has started). */
int cf_task_set_stack_size(cf_task *t, size_t bytes);

/* Run fn(arg) to completion on the loop's own stack, below where the loop switched to
 * the current task, and return its result: Go's systemstack. A task with a small stack
 * calls what needs stack depth this way. Inside fn, cf_task_current() is NULL, so a
 * call that would suspend returns CF_ENOTASK instead. Outside a task it is a plain
 * call. Never suspends. */
int cf_on_loop_stack(int (*fn)(void *arg), void *arg);

/* CF_ON_LOOP(name, arg) is cf_on_loop_stack(name_on_loop, arg): the macro adds the
 * suffix, so a function that runs on the loop's stack says so where it is defined and
 * where it is called, and a call through it of a function not named for it does not
 * compile. Code on a small stack reaches anything deep only this way. */
#define CF_ON_LOOP(name, arg) cf_on_loop_stack(name##_on_loop, (arg))

/* Set a short name used in diagnostics (copied, truncated to 31 bytes). */
void cf_task_set_name(cf_task *t, const char *name);
const char *cf_task_name(const cf_task *t);

/* Await t: suspend until it finishes (return at once if it already has), then return
 * its result code and store its result pointer in *result (result may be NULL).
 * May suspend. Errors: t's own code (CF_ECANCELED if it was cancelled); CF_ECANCELED
 * if the caller is cancelled while waiting (t keeps running); CF_EINVAL if t is the
 * caller itself or NULL; CF_ELOOP if t belongs to another loop; CF_ENOTASK. */
int cf_task_await(cf_task *t, void **result);

/* asyncio.shield(t): await t without passing the caller's cancellation on to it. If the
 * caller is cancelled while waiting, this returns CF_ECANCELED at once and t keeps
 * running (await it again, or let its owner do so). This is what cf_task_await always
 * does; cf_task_wait_for and cf_gather cancel what they wait for, a task group its
 * tasks. May suspend. Errors: as cf_task_await. */
int cf_shield(cf_task *t, void **result);

/* asyncio.wait_for(t, timeout): like cf_task_await, but if t has not finished after
 * `timeout` seconds, cancel t, wait until it has finished, and return CF_ETIMEDOUT.
 * If the caller is cancelled meanwhile, t is cancelled too and CF_ECANCELED returned
 * once t has finished. May suspend. cf_task_wait_until is its twin with an absolute
 * deadline (cf_loop_time() seconds). Errors: as cf_task_await, CF_ETIMEDOUT. */
int cf_task_wait_for(cf_task *t, double timeout, void **result);
int cf_task_wait_until(cf_task *t, double deadline, void **result);

/* Request cancellation (see above). No-op on a finished task. Never suspends; a task
 * may cancel itself (its next suspension point returns CF_ECANCELED). */
void cf_task_cancel(cf_task *t);

/* Whether t has finished; its code and result once it has (CF_ESTATE before). */
int cf_task_done(const cf_task *t);
int cf_task_result(const cf_task *t, void **result);
/* Whether cancellation has been requested for t. */
int cf_task_cancelled(const cf_task *t);

cf_task *cf_task_ref(cf_task *t);
void cf_task_unref(cf_task *t); /* NULL is a no-op */

/* The task running now, or NULL when called from a plain callback or outside a loop. */
cf_task *cf_task_current(void);

/* gather flags */
enum {
    /* Collect every result and error instead of stopping at the first error. */
    CF_GATHER_RETURN_EXCEPTIONS = 1u << 0,
};

/* asyncio.gather(*tasks): wait until all n tasks have finished. results[i] and
 * errors[i] (either array may be NULL) receive task i's result pointer and code, in
 * input order whatever order they finished in.
 * Default: at the first task that fails, cancel the others, wait for them to finish
 * (their slots then hold CF_ECANCELED or whatever they returned), and return that
 * first error. With CF_GATHER_RETURN_EXCEPTIONS: wait for all and return 0.
 * If the caller is cancelled, every task is cancelled and waited for, and
 * CF_ECANCELED is returned. n == 0 returns 0 at once. The caller keeps its
 * references. May suspend. Errors: as above, CF_ENOMEM, CF_ENOTASK, CF_EINVAL (a NULL
 * task or the caller itself), CF_ELOOP (a task of another loop). */
int cf_gather(cf_task *const *tasks, size_t n, unsigned flags, void **results, int *errors);

/* asyncio.sleep(): suspend for `seconds` (<= 0: like cf_yield), or until the absolute
 * `deadline` (cf_loop_time() seconds; past: like cf_yield). May suspend.
 * Errors: CF_ECANCELED, CF_ENOTASK. */
int cf_sleep(double seconds);
int cf_sleep_until(double deadline);

/* Let every task that is ready run once before this one continues. May suspend.
 * Errors: CF_ECANCELED, CF_ENOTASK. */
int cf_yield(void);

/* ---- The seam for new suspension points ------------------------------------------
 * How cf_fetch (and every primitive here) is built: register the current task with
 * whatever will complete (a list, a libcurl transfer), then suspend. The completer
 * calls cf_task_wake(task, code) from the loop's thread; the suspended call returns
 * that code. If the task is cancelled or its deadline passes first, on_cancel(ctx) is
 * called (before the task resumes) to unregister it, and the call returns
 * CF_ECANCELED or CF_ETIMEDOUT. After the wake (or on_cancel) nobody may wake the
 * task again for this suspension.
 *
 * cf_task_suspend: deadline is absolute cf_loop_time() seconds, or a negative value
 * for none. May suspend. Returns the wake code; CF_ECANCELED without suspending if
 * cancellation is already pending; CF_ENOTASK. */
typedef void cf_cancel_fn(void *ctx);
int cf_task_suspend(double deadline, cf_cancel_fn *on_cancel, void *ctx);

/* Resume a task suspended in cf_task_suspend with `code` on a later loop iteration.
 * A second wake for the same suspension is ignored. Never suspends. */
void cf_task_wake(cf_task *t, int code);

CF_API_END

#endif

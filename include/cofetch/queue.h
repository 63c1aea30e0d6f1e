/*
 * cofetch/queue.h - asyncio.Queue for C: a FIFO of pointers between tasks.
 *
 * Bounded (capacity > 0) or unbounded (capacity 0). put suspends while the queue is
 * full, get while it is empty; both are FIFO-fair among waiting tasks. Every item
 * taken with get should be followed by cf_queue_task_done() once it is processed;
 * cf_queue_join() waits until every item ever put has been marked done.
 *
 * cf_queue_close() ends production: later puts fail with CF_ECLOSED (so do waiting
 * putters), getters drain what is left, and then every get returns CF_ECLOSED, so
 * workers can stop without being cancelled.
 *
 * Kinds: cf_queue_new is FIFO (asyncio.Queue), cf_queue_new_lifo takes the newest
 * item first (asyncio.LifoQueue), cf_queue_new_priority the smallest by `cmp`
 * (asyncio.PriorityQueue; equal items in put order). Everything else is the same.
 *
 * The queue stores pointers; it never dereferences or frees them. The creator owns
 * the queue; free it when no task is waiting on it.
 *
 *   cf_queue_new / _new_lifo / _new_priority / _free
 *   cf_queue_put / _get            may suspend
 *   cf_queue_put_timeout / _get_timeout   may suspend; CF_ETIMEDOUT
 *   cf_queue_put_until / _get_until       the same with an absolute deadline
 *   cf_queue_put_nowait / _get_nowait     never suspend; CF_EAGAIN
 *   cf_queue_task_done             never suspends
 *   cf_queue_join                  may suspend
 *   cf_queue_close                 never suspends
 *   cf_queue_size / _capacity / _unfinished
 */
#ifndef COFETCH_QUEUE_H
#define COFETCH_QUEUE_H

#include <stddef.h>

#include "cofetch/export.h"

CF_API_BEGIN

typedef struct cf_queue cf_queue;

/* cmp(a, b) < 0 when item a is to be taken before item b. */
typedef int cf_queue_cmp(const void *a, const void *b);

/* Create a queue (capacity 0: unbounded). Never suspends. Errors: CF_ENOMEM,
 * CF_EINVAL (out NULL; cmp NULL for a priority queue). */
int cf_queue_new(cf_queue **out, size_t capacity);
int cf_queue_new_lifo(cf_queue **out, size_t capacity);
int cf_queue_new_priority(cf_queue **out, size_t capacity, cf_queue_cmp *cmp);

/* Destroy. Tasks still waiting on it are woken with CF_ECLOSED first. NULL: no-op. */
void cf_queue_free(cf_queue *q);

/* May suspend. Errors: CF_ECLOSED, CF_ECANCELED (nothing put or taken), CF_ETIMEDOUT
 * (timeout and deadline variants), CF_ENOTASK. */
int cf_queue_put(cf_queue *q, void *item);
int cf_queue_put_timeout(cf_queue *q, void *item, double timeout);
int cf_queue_put_until(cf_queue *q, void *item, double deadline);
int cf_queue_get(cf_queue *q, void **item);
int cf_queue_get_timeout(cf_queue *q, void **item, double timeout);
int cf_queue_get_until(cf_queue *q, void **item, double deadline);

/* Errors: CF_EAGAIN (full / empty), CF_ECLOSED. */
int cf_queue_put_nowait(cf_queue *q, void *item);
int cf_queue_get_nowait(cf_queue *q, void **item);

/* Mark one item taken with get as processed. Errors: CF_ESTATE if called more times
 * than items were put. */
int cf_queue_task_done(cf_queue *q);

/* Suspend until every item put has been marked done. Errors: CF_ECANCELED, CF_ENOTASK. */
int cf_queue_join(cf_queue *q);

/* Close the queue (idempotent); see above. */
void cf_queue_close(cf_queue *q);

size_t cf_queue_size(const cf_queue *q);
size_t cf_queue_capacity(const cf_queue *q);
size_t cf_queue_unfinished(const cf_queue *q);
int cf_queue_closed(const cf_queue *q);

CF_API_END

#endif

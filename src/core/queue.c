/*
 * queue.c - asyncio.Queue for C.
 *
 * Items live in a ring buffer (fixed for a bounded queue, growing for an unbounded
 * one). Hand-offs are direct: a put finding a getter waiting gives it the item, and a
 * get that frees a slot moves the first waiting putter's item in and wakes it. A wake
 * therefore always means "done", so a woken task that is cancelled before it runs
 * still gets its item (the cancel is reported at its next suspension point).
 *
 * The order is the queue's kind: FIFO and LIFO take from either end of the ring; a
 * priority queue keeps a binary heap of (item, put number) instead, smallest by the
 * caller's comparison first and equal ones in put order.
 */
#include <stdlib.h>

#include "cofetch/error.h"
#include "cofetch/queue.h"
#include "internal.h"

struct slot {
    void *item;
    unsigned long long seq;
};

enum kind { FIFO, LIFO, PRIORITY };

struct cf_queue {
    enum kind kind;
    cf_queue_cmp *cmp;      /* PRIORITY */
    struct slot *heap;      /* PRIORITY: cap slots */
    unsigned long long seq; /* PRIORITY: puts so far */
    void **ring;
    size_t cap;   /* ring slots */
    size_t bound; /* 0 = unbounded */
    size_t head, size;
    size_t unfinished;
    int closed;
    struct cf_node getters, putters, joiners;
};

static int queue_new(cf_queue **out, size_t capacity, enum kind kind, cf_queue_cmp *cmp)
{
    cf_queue *q;

    if (!out)
        return CF_EINVAL;
    *out = NULL;
    if (kind == PRIORITY && !cmp)
        return CF_EINVAL;
    q = calloc(1, sizeof *q);
    if (!q)
        return CF_ENOMEM;
    q->kind = kind;
    q->cmp = cmp;
    q->bound = capacity;
    q->cap = capacity ? capacity : 16;
    if (kind == PRIORITY)
        q->heap = malloc(q->cap * sizeof *q->heap);
    else
        q->ring = malloc(q->cap * sizeof *q->ring);
    if (!q->ring && !q->heap) {
        free(q);
        return CF_ENOMEM;
    }
    cf_list_init(&q->getters);
    cf_list_init(&q->putters);
    cf_list_init(&q->joiners);
    *out = q;
    return 0;
}

int cf_queue_new(cf_queue **out, size_t capacity)
{
    return queue_new(out, capacity, FIFO, NULL);
}

int cf_queue_new_lifo(cf_queue **out, size_t capacity)
{
    return queue_new(out, capacity, LIFO, NULL);
}

int cf_queue_new_priority(cf_queue **out, size_t capacity, cf_queue_cmp *cmp)
{
    return queue_new(out, capacity, PRIORITY, cmp);
}

void cf_queue_free(cf_queue *q)
{
    if (!q)
        return;
    cf_waiters_wake_all(&q->getters, CF_ECLOSED);
    cf_waiters_wake_all(&q->putters, CF_ECLOSED);
    cf_waiters_wake_all(&q->joiners, CF_ECLOSED);
    free(q->ring);
    free(q->heap);
    free(q);
}

static int grow(cf_queue *q)
{
    size_t ncap = q->cap * 2, i;
    void **n;

    if (q->kind == PRIORITY) {
        struct slot *h = realloc(q->heap, ncap * sizeof *h);
        if (!h)
            return CF_ENOMEM;
        q->heap = h;
        q->cap = ncap;
        return 0;
    }
    n = malloc(ncap * sizeof *n);
    if (!n)
        return CF_ENOMEM;
    for (i = 0; i < q->size; i++)
        n[i] = q->ring[(q->head + i) % q->cap];
    free(q->ring);
    q->ring = n;
    q->cap = ncap;
    q->head = 0;
    return 0;
}

/* Heap order: a before b. */
static int before(const cf_queue *q, const struct slot *a, const struct slot *b)
{
    int c = q->cmp(a->item, b->item);
    return c < 0 || (c == 0 && a->seq < b->seq);
}

static void heap_push(cf_queue *q, void *item)
{
    size_t i = q->size;
    struct slot s = {item, q->seq++};

    while (i > 0 && before(q, &s, &q->heap[(i - 1) / 2])) {
        q->heap[i] = q->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    q->heap[i] = s;
}

static void *heap_pop(cf_queue *q)
{
    void *item = q->heap[0].item;
    struct slot last = q->heap[q->size - 1];
    size_t n = q->size - 1, i = 0;

    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && before(q, &q->heap[c + 1], &q->heap[c]))
            c++;
        if (!before(q, &q->heap[c], &last))
            break;
        q->heap[i] = q->heap[c];
        i = c;
    }
    if (n > 0)
        q->heap[i] = last;
    return item;
}

static void push(cf_queue *q, void *item)
{
    if (q->kind == PRIORITY)
        heap_push(q, item);
    else
        q->ring[(q->head + q->size) % q->cap] = item;
    q->size++;
    q->unfinished++;
}

static void *pop(cf_queue *q)
{
    void *item;

    if (q->kind == PRIORITY) {
        item = heap_pop(q);
    } else if (q->kind == LIFO) {
        item = q->ring[(q->head + q->size - 1) % q->cap];
    } else {
        item = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
    }
    q->size--;
    return item;
}

static struct cf_waiter *first(struct cf_node *list)
{
    return cf_list_empty(list) ? NULL : cf_container_of(list->next, struct cf_waiter, node);
}

int cf_queue_put_nowait(cf_queue *q, void *item)
{
    struct cf_waiter *g;

    if (q->closed)
        return CF_ECLOSED;
    if ((g = first(&q->getters)) != NULL) {
        g->item = item; /* the queue is empty: hand over directly */
        q->unfinished++;
        cf_waiter_wake(g, 0);
        return 0;
    }
    if (q->size == q->cap) {
        if (q->bound)
            return CF_EAGAIN;
        if (grow(q))
            return CF_ENOMEM;
    }
    push(q, item);
    return 0;
}

static int put_until(cf_queue *q, void *item, double deadline)
{
    struct cf_waiter w;
    int rc = cf_may_suspend();

    if (rc)
        return rc;
    rc = cf_queue_put_nowait(q, item);
    if (rc != CF_EAGAIN)
        return rc;
    w.item = item;
    return cf_wait_on(&q->putters, &w, deadline); /* 0: a getter moved it in */
}

int cf_queue_put(cf_queue *q, void *item)
{
    return put_until(q, item, -1);
}

int cf_queue_put_timeout(cf_queue *q, void *item, double timeout)
{
    return put_until(q, item, cf_deadline_in(timeout));
}

int cf_queue_put_until(cf_queue *q, void *item, double deadline)
{
    return put_until(q, item, cf_deadline_at(deadline));
}

int cf_queue_get_nowait(cf_queue *q, void **item)
{
    struct cf_waiter *p;

    if (q->size == 0)
        return q->closed ? CF_ECLOSED : CF_EAGAIN;
    *item = pop(q);
    if ((p = first(&q->putters)) != NULL) {
        push(q, p->item);
        cf_waiter_wake(p, 0);
    }
    return 0;
}

static int get_until(cf_queue *q, void **item, double deadline)
{
    struct cf_waiter w;
    int rc = cf_may_suspend();

    if (rc)
        return rc;
    rc = cf_queue_get_nowait(q, item);
    if (rc != CF_EAGAIN)
        return rc;
    rc = cf_wait_on(&q->getters, &w, deadline);
    if (rc == 0)
        *item = w.item;
    return rc;
}

int cf_queue_get(cf_queue *q, void **item)
{
    return get_until(q, item, -1);
}

int cf_queue_get_timeout(cf_queue *q, void **item, double timeout)
{
    return get_until(q, item, cf_deadline_in(timeout));
}

int cf_queue_get_until(cf_queue *q, void **item, double deadline)
{
    return get_until(q, item, cf_deadline_at(deadline));
}

int cf_queue_task_done(cf_queue *q)
{
    if (q->unfinished == 0)
        return CF_ESTATE;
    if (--q->unfinished == 0)
        cf_waiters_wake_all(&q->joiners, 0);
    return 0;
}

int cf_queue_join(cf_queue *q)
{
    struct cf_waiter w;
    int rc = cf_may_suspend();

    if (rc)
        return rc;
    if (q->unfinished == 0)
        return 0;
    return cf_wait_on(&q->joiners, &w, -1);
}

void cf_queue_close(cf_queue *q)
{
    if (q->closed)
        return;
    q->closed = 1;
    cf_waiters_wake_all(&q->putters, CF_ECLOSED);
    if (q->size == 0)
        cf_waiters_wake_all(&q->getters, CF_ECLOSED);
}

size_t cf_queue_size(const cf_queue *q)
{
    return q->size;
}

size_t cf_queue_capacity(const cf_queue *q)
{
    return q->bound;
}

size_t cf_queue_unfinished(const cf_queue *q)
{
    return q->unfinished;
}

int cf_queue_closed(const cf_queue *q)
{
    return q->closed;
}

/*
 * stack.c - task stacks: mapped with a guard page, or carved small from slabs; pooled.
 *
 * A mapped stack is one anonymous mapping: [guard page][usable stack ...][struct
 * cf_stack]. The descriptor sits at the top of its own mapping, so a stack costs no
 * malloc. Pages are touched only as a task uses them; a stack that goes back to the
 * pool keeps its touched pages, which is what makes reuse cheap.
 *
 * A small stack (less than a page, for tasks that ask: cf_task_set_stack_size) is a
 * chunk of a 64 KiB slab: [canary][usable stack ...][struct cf_stack]. A page can hold
 * no guard for each, so the canary stands in for it: task.c checks it whenever the
 * task switches out and aborts if it was written, which catches an overflow before the
 * neighbour below runs on a clobbered stack (the way RTOS task stacks are checked).
 * Slabs are kept until the pool is drained.
 *
 * Sizing a small stack: build with -DCF_STACK_HWM=ON; each small stack is then filled
 * with a pattern when handed out and scanned when it comes back, and the deepest use
 * per size is printed to stderr when the loop is freed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CF_HAVE_VALGRIND 1
#endif
#endif

enum { SLAB_BYTES = 64 * 1024, SLAB_HEADER = 64, CANARY_WORDS = 4 };

struct cf_slab {
    struct cf_slab *next;
};

static const uint64_t canary_word = 0x5AFEC0DECAFE57ACull;

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

/* The descriptor takes the top of a stack's memory; the stack grows down below it. */
static struct cf_stack *describe(char *lo, char *end)
{
    struct cf_stack *s = (struct cf_stack *)(((uintptr_t)end - sizeof *s) & ~(uintptr_t)15);

    s->next = NULL;
    s->lo = lo;
    s->size = (size_t)((char *)s - lo);
#ifdef CF_HAVE_VALGRIND
    s->vg_id = VALGRIND_STACK_REGISTER(s->lo, (char *)s->lo + s->size);
#else
    s->vg_id = 0;
#endif
    return s;
}

static void forget(struct cf_stack *s)
{
#ifdef CF_HAVE_VALGRIND
    VALGRIND_STACK_DEREGISTER(s->vg_id);
#else
    (void)s;
#endif
}

void cf_stack_pool_init(struct cf_stack_pool *p, size_t size, size_t max_free)
{
    memset(p, 0, sizeof *p);
    p->page = (size_t)sysconf(_SC_PAGESIZE);
    p->size = round_up(size, p->page);
    p->max_free = max_free;
}

void cf_stack_pool_init_small(struct cf_stack_pool *p, size_t size)
{
    memset(p, 0, sizeof *p);
    p->page = (size_t)sysconf(_SC_PAGESIZE);
    p->size = size;
    p->chunk = round_up(CANARY_WORDS * sizeof canary_word + size + 32, 64);
    p->max_free = (size_t)-1;
}

static size_t map_len(const struct cf_stack_pool *p)
{
    return p->page + p->size;
}

static void unmap(struct cf_stack_pool *p, struct cf_stack *s)
{
    forget(s);
    munmap((char *)s->lo - p->page, map_len(p));
}

static struct cf_stack *map_stack(struct cf_stack_pool *p)
{
    size_t len = map_len(p);
    char *map =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    if (mprotect(map, p->page, PROT_NONE) != 0) {
        munmap(map, len);
        return NULL;
    }
    return describe(map + p->page, map + len);
}

/* A new slab's chunks go on the free list. 0 or -1. */
static int add_slab(struct cf_stack_pool *p)
{
    struct cf_slab *slab =
        mmap(NULL, SLAB_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *chunk;

    if (slab == MAP_FAILED)
        return -1;
    slab->next = p->slabs;
    p->slabs = slab;
    chunk = (char *)slab + SLAB_HEADER;
    for (; chunk + p->chunk <= (char *)slab + SLAB_BYTES; chunk += p->chunk) {
        uint64_t *canary = (uint64_t *)chunk;
        struct cf_stack *s;
        for (int i = 0; i < CANARY_WORDS; i++)
            canary[i] = canary_word;
        s = describe((char *)(canary + CANARY_WORDS), chunk + p->chunk);
        s->next = p->free;
        p->free = s;
        p->nfree++;
    }
    return 0;
}

int cf_stack_intact(const struct cf_stack *s)
{
    const uint64_t *canary = (const uint64_t *)s->lo - CANARY_WORDS;

    for (int i = 0; i < CANARY_WORDS; i++)
        if (canary[i] != canary_word)
            return 0;
    return 1;
}

#ifdef CF_STACK_HWM
static size_t hwm_max[CF_SMALL_CLASSES + 1];

static void hwm_fill(const struct cf_stack_pool *p, struct cf_stack *s)
{
    if (p->chunk)
        memset(s->lo, 0xA5, s->size);
}

static void hwm_scan(const struct cf_stack_pool *p, const struct cf_stack *s)
{
    const unsigned char *b = s->lo;
    size_t i = 0, used;

    if (!p->chunk)
        return;
    while (i < s->size && b[i] == 0xA5)
        i++;
    used = s->size - i;
    if (used > hwm_max[p->size / CF_SMALL_STACK_STEP])
        hwm_max[p->size / CF_SMALL_STACK_STEP] = used;
}

static void hwm_report(const struct cf_stack_pool *p)
{
    if (p->chunk && hwm_max[p->size / CF_SMALL_STACK_STEP])
        fprintf(stderr, "cofetch: small stacks of %zu bytes: deepest use %zu bytes\n", p->size,
                hwm_max[p->size / CF_SMALL_STACK_STEP]);
}
#else
#define hwm_fill(p, s) ((void)(p), (void)(s))
#define hwm_scan(p, s) ((void)(p), (void)(s))
#define hwm_report(p)  ((void)(p))
#endif

struct cf_stack *cf_stack_get(struct cf_stack_pool *p)
{
    struct cf_stack *s;

    if (!p->free && p->chunk && add_slab(p) != 0)
        return NULL;
    s = p->free;
    if (s) {
        p->free = s->next;
        p->nfree--;
    } else {
        s = map_stack(p);
        if (!s)
            return NULL;
    }
    p->live++;
    hwm_fill(p, s);
    return s;
}

void cf_stack_put(struct cf_stack_pool *p, struct cf_stack *s)
{
    hwm_scan(p, s);
    p->live--;
    if (p->nfree >= p->max_free) {
        unmap(p, s);
        return;
    }
    s->next = p->free;
    p->free = s;
    p->nfree++;
}

void cf_stack_pool_drain(struct cf_stack_pool *p)
{
    hwm_report(p);
    while (p->free) {
        struct cf_stack *s = p->free;
        p->free = s->next;
        if (p->chunk)
            forget(s); /* its slab goes below */
        else
            unmap(p, s);
    }
    p->nfree = 0;
    while (p->slabs) {
        struct cf_slab *slab = p->slabs;
        p->slabs = slab->next;
        munmap(slab, SLAB_BYTES);
    }
}

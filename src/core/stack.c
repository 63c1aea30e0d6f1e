/*
 * stack.c - task stacks: mapped on first use, a guard page below each, pooled.
 *
 * A stack is one anonymous mapping: [guard page][usable stack ... ][struct cf_stack].
 * The descriptor sits at the top of its own mapping, so a stack costs no malloc. Pages
 * are touched only as a task uses them; a stack that goes back to the pool keeps its
 * touched pages, which is what makes reuse cheap.
 */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define CF_HAVE_VALGRIND 1
#endif
#endif

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

void cf_stack_pool_init(struct cf_stack_pool *p, size_t size, size_t max_free)
{
    p->page = (size_t)sysconf(_SC_PAGESIZE);
    p->size = round_up(size, p->page);
    p->max_free = max_free;
    p->free = NULL;
    p->nfree = 0;
    p->live = 0;
}

static size_t map_len(const struct cf_stack_pool *p)
{
    return p->page + p->size;
}

static void unmap(struct cf_stack_pool *p, struct cf_stack *s)
{
#ifdef CF_HAVE_VALGRIND
    VALGRIND_STACK_DEREGISTER(s->vg_id);
#endif
    munmap((char *)s->lo - p->page, map_len(p));
}

struct cf_stack *cf_stack_get(struct cf_stack_pool *p)
{
    struct cf_stack *s = p->free;

    if (s) {
        p->free = s->next;
        p->nfree--;
        p->live++;
        return s;
    }
    size_t len = map_len(p);
    char *map =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    if (mprotect(map, p->page, PROT_NONE) != 0) {
        munmap(map, len);
        return NULL;
    }
    /* The descriptor takes the top of the mapping; the stack grows down below it. */
    uintptr_t top = (uintptr_t)(map + len);
    s = (struct cf_stack *)((top - sizeof *s) & ~(uintptr_t)63);
    s->next = NULL;
    s->lo = map + p->page;
    s->size = (size_t)((char *)s - (char *)s->lo);
#ifdef CF_HAVE_VALGRIND
    s->vg_id = VALGRIND_STACK_REGISTER(s->lo, (char *)s->lo + s->size);
#else
    s->vg_id = 0;
#endif
    p->live++;
    return s;
}

void cf_stack_put(struct cf_stack_pool *p, struct cf_stack *s)
{
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
    while (p->free) {
        struct cf_stack *s = p->free;
        p->free = s->next;
        unmap(p, s);
    }
    p->nfree = 0;
}

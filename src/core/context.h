/*
 * context.h - the one seam where stacks are switched.
 *
 * Two implementations: a few lines of assembly per architecture (switch_*.S: save the
 * callee-saved registers on the old stack, swap stack pointers, restore) and POSIX
 * ucontext for everything else (CF_SWITCH=ucontext; it saves the signal mask with a
 * system call per switch, which is why it is not the default). Sanitizer bookkeeping
 * lives in task.c, around the calls.
 */
#ifndef CF_CONTEXT_H
#define CF_CONTEXT_H

#include <stddef.h>

#if defined(CF_SWITCH_UCONTEXT)
#include <ucontext.h>
typedef struct cf_ctx {
    ucontext_t uc;
} cf_ctx;
#else
typedef struct cf_ctx {
    void *sp; /* saved stack pointer; registers live on the stack */
} cf_ctx;
#endif

typedef void cf_ctx_entry_fn(void *arg);

/* Prepare ctx so that the first switch to it calls entry(arg) on the stack
 * [lo, lo + size). entry must never return: it switches away for the last time. */
void cf_ctx_make(cf_ctx *ctx, void *lo, size_t size, cf_ctx_entry_fn *entry, void *arg);

/* Save the running context in `from` and resume `to`. Returns when someone
 * switches back to `from`. */
void cf_ctx_switch(cf_ctx *from, cf_ctx *to);

/* Run fn(arg) on another stack, from its top `sp` (16-byte aligned) down, and return
 * its result; the caller's stack is untouched meanwhile. fn must not switch contexts.
 * The ucontext build has no such call: cf_ctx_saved_sp() is NULL there. */
int cf_ctx_call(void *sp, int (*fn)(void *arg), void *arg);

/* The stack pointer a switched-out context will resume at (NULL with ucontext): what
 * lies below it on that stack is free until the context runs again. */
void *cf_ctx_saved_sp(const cf_ctx *ctx);

/* Name of the implementation, for benchmarks and --version. */
const char *cf_ctx_impl(void);

#endif

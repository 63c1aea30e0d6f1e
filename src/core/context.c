/* context.c - preparing a new stack for the first switch (see context.h). */
#include "context.h"

#include <stdint.h>
#include <string.h>

#if defined(CF_SWITCH_ASM_X86_64)

void cf_ctx_trampoline(void);

/* cf_ctx_switch pops r15, r14, r13, r12, rbx, rbp and then returns. Lay those out
 * so that r12 = arg, r13 = entry and the return goes to the trampoline with a
 * 16-byte aligned stack, as the ABI wants before a call. */
void cf_ctx_make(cf_ctx *ctx, void *lo, size_t size, cf_ctx_entry_fn *entry, void *arg)
{
    uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
    uintptr_t *sp = (uintptr_t *)(top - 72); /* 9 slots; sp + 7 slots is 16-aligned */

    memset(sp, 0, 72);
    sp[0] = 0;                            /* r15 */
    sp[1] = 0;                            /* r14 */
    sp[2] = (uintptr_t)entry;             /* r13 */
    sp[3] = (uintptr_t)arg;               /* r12 */
    sp[4] = 0;                            /* rbx */
    sp[5] = 0;                            /* rbp: ends frame-pointer walks */
    sp[6] = (uintptr_t)cf_ctx_trampoline; /* return address */
    ctx->sp = sp;
}

void *cf_ctx_saved_sp(const cf_ctx *ctx)
{
    return ctx->sp;
}

const char *cf_ctx_impl(void)
{
    return "asm-x86_64";
}

#elif defined(CF_SWITCH_ASM_AARCH64)

void cf_ctx_trampoline(void);

/* cf_ctx_switch restores 160 bytes: x19..x30 then d8..d15. x19 = arg, x20 = entry,
 * x30 (the link register) = trampoline, x29 (frame pointer) = 0. */
void cf_ctx_make(cf_ctx *ctx, void *lo, size_t size, cf_ctx_entry_fn *entry, void *arg)
{
    uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
    uintptr_t *sp = (uintptr_t *)(top - 160);

    memset(sp, 0, 160);
    sp[0] = (uintptr_t)arg;
    sp[1] = (uintptr_t)entry;
    sp[10] = 0;
    sp[11] = (uintptr_t)cf_ctx_trampoline;
    ctx->sp = sp;
}

void *cf_ctx_saved_sp(const cf_ctx *ctx)
{
    return ctx->sp;
}

const char *cf_ctx_impl(void)
{
    return "asm-aarch64";
}

#else /* ucontext */

#include <stdlib.h>

/* makecontext passes int arguments only: split the two pointers into halves. */
static void ucontext_entry(unsigned e_hi, unsigned e_lo, unsigned a_hi, unsigned a_lo)
{
    uintptr_t e = ((uintptr_t)e_hi << 16 << 16) | e_lo;
    uintptr_t a = ((uintptr_t)a_hi << 16 << 16) | a_lo;
    cf_ctx_entry_fn *entry;

    memcpy(&entry, &e, sizeof entry);
    entry((void *)a);
    abort(); /* entry never returns */
}

void cf_ctx_make(cf_ctx *ctx, void *lo, size_t size, cf_ctx_entry_fn *entry, void *arg)
{
    uintptr_t e, a = (uintptr_t)arg;

    memcpy(&e, &entry, sizeof e);
    getcontext(&ctx->uc);
    ctx->uc.uc_stack.ss_sp = lo;
    ctx->uc.uc_stack.ss_size = size;
    ctx->uc.uc_link = NULL;
    makecontext(&ctx->uc, (void (*)(void))ucontext_entry, 4, (unsigned)(e >> 16 >> 16), (unsigned)e,
                (unsigned)(a >> 16 >> 16), (unsigned)a);
}

void cf_ctx_switch(cf_ctx *from, cf_ctx *to)
{
    swapcontext(&from->uc, &to->uc);
}

int cf_ctx_call(void *sp, int (*fn)(void *arg), void *arg)
{
    (void)sp;
    return fn(arg);
}

void *cf_ctx_saved_sp(const cf_ctx *ctx)
{
    (void)ctx;
    return NULL;
}

const char *cf_ctx_impl(void)
{
    return "ucontext";
}

#endif

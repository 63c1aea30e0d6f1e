/* cf_ctx_switch(cf_ctx *from, cf_ctx *to) for AArch64 (AAPCS64).
 * Saves x19-x30 and d8-d15 on the current stack, swaps stack pointers, restores. */
    .text
    .globl cf_ctx_switch
    .hidden cf_ctx_switch
    .type cf_ctx_switch, %function
cf_ctx_switch:
    sub sp, sp, #160
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    stp d8, d9, [sp, #96]
    stp d10, d11, [sp, #112]
    stp d12, d13, [sp, #128]
    stp d14, d15, [sp, #144]
    mov x9, sp
    str x9, [x0]
    ldr x9, [x1]
    mov sp, x9
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    ldp d8, d9, [sp, #96]
    ldp d10, d11, [sp, #112]
    ldp d12, d13, [sp, #128]
    ldp d14, d15, [sp, #144]
    add sp, sp, #160
    ret
    .size cf_ctx_switch, .-cf_ctx_switch

/* First code run on a new stack: x19 holds the argument, x20 the entry function. */
    .globl cf_ctx_trampoline
    .hidden cf_ctx_trampoline
    .type cf_ctx_trampoline, %function
cf_ctx_trampoline:
    mov x0, x19
    blr x20
    brk #0
    .size cf_ctx_trampoline, .-cf_ctx_trampoline

/* int cf_ctx_call(void *sp, int (*fn)(void *), void *arg): fn(arg) on the stack whose
 * top is sp (16-byte aligned), then back. x29 keeps the caller's stack pointer. */
    .globl cf_ctx_call
    .hidden cf_ctx_call
    .type cf_ctx_call, %function
cf_ctx_call:
    stp x29, x30, [sp, #-16]!
    mov x29, sp
    mov sp, x0
    mov x0, x2
    blr x1
    mov sp, x29
    ldp x29, x30, [sp], #16
    ret
    .size cf_ctx_call, .-cf_ctx_call

    .section .note.GNU-stack,"",%progbits

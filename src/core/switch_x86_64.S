/* cf_ctx_switch(cf_ctx *from, cf_ctx *to) for x86-64 System V.
 * Saves the callee-saved registers on the current stack, stores the stack pointer in
 * from->sp, loads to->sp and restores that stack's registers. A new context's stack
 * is laid out by cf_ctx_make() so that the final `ret` lands in cf_ctx_trampoline. */
    .text
    .globl cf_ctx_switch
    .hidden cf_ctx_switch
    .type cf_ctx_switch, @function
cf_ctx_switch:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq (%rsi), %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .cfi_endproc
    .size cf_ctx_switch, .-cf_ctx_switch

/* First code run on a new stack: r12 holds the argument, r13 the entry function. */
    .globl cf_ctx_trampoline
    .hidden cf_ctx_trampoline
    .type cf_ctx_trampoline, @function
cf_ctx_trampoline:
    .cfi_startproc
    .cfi_undefined rip
    movq %r12, %rdi
    callq *%r13
    ud2
    .cfi_endproc
    .size cf_ctx_trampoline, .-cf_ctx_trampoline

/* int cf_ctx_call(void *sp, int (*fn)(void *), void *arg): fn(arg) on the stack whose
 * top is sp (16-byte aligned), then back. rbp keeps the caller's stack pointer, so
 * frame-pointer walks and the CFI below lead from fn's frames back to the caller's. */
    .globl cf_ctx_call
    .hidden cf_ctx_call
    .type cf_ctx_call, @function
cf_ctx_call:
    .cfi_startproc
    pushq %rbp
    .cfi_def_cfa_offset 16
    .cfi_offset rbp, -16
    movq %rsp, %rbp
    .cfi_def_cfa_register rbp
    movq %rdi, %rsp
    movq %rdx, %rdi
    callq *%rsi
    movq %rbp, %rsp
    popq %rbp
    .cfi_def_cfa rsp, 8
    ret
    .cfi_endproc
    .size cf_ctx_call, .-cf_ctx_call

    .section .note.GNU-stack,"",@progbits

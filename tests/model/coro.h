/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Minimal coroutines for the explorer: a stack switch.  On x86-64 a
 * hand-written switch of the callee-saved registers (glibc's swapcontext
 * makes a sigprocmask system call per switch, which doubled the explorer's
 * run time); elsewhere ucontext.
 */
#ifndef DWORK_MODEL_CORO_H
#define DWORK_MODEL_CORO_H

#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__) && !defined(CORO_USE_UCONTEXT)

struct coro {
	void *sp;
};

void coro_switch_asm(void **save_sp, void *new_sp);

__asm__(".text\n"
	".globl coro_switch_asm\n"
	".type coro_switch_asm,@function\n"
	"coro_switch_asm:\n"
	"\tpushq %rbp\n\tpushq %rbx\n\tpushq %r12\n"
	"\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n"
	"\tmovq %rsp, (%rdi)\n"
	"\tmovq %rsi, %rsp\n"
	"\tpopq %r15\n\tpopq %r14\n\tpopq %r13\n"
	"\tpopq %r12\n\tpopq %rbx\n\tpopq %rbp\n"
	"\tret\n"
	".size coro_switch_asm, .-coro_switch_asm\n");

/* @fn must never return. */
static inline void coro_make(struct coro *c, void *stack, size_t size,
			     void (*fn)(void))
{
	uint64_t *s = (uint64_t *)(((uintptr_t)stack + size) & ~(uintptr_t)15);
	int i;

	*--s = 0;                   /* fn's (never used) return address */
	*--s = (uint64_t)(uintptr_t)fn;
	for (i = 0; i < 6; i++)
		*--s = 0;           /* rbp rbx r12 r13 r14 r15 */
	c->sp = s;
}

static inline void coro_switch(struct coro *from, struct coro *to)
{
	coro_switch_asm(&from->sp, to->sp);
}

#else
#include <ucontext.h>

struct coro {
	ucontext_t uc;
};

static inline void coro_make(struct coro *c, void *stack, size_t size,
			     void (*fn)(void))
{
	getcontext(&c->uc);
	c->uc.uc_stack.ss_sp = stack;
	c->uc.uc_stack.ss_size = size;
	c->uc.uc_link = NULL;
	makecontext(&c->uc, fn, 0);
}

static inline void coro_switch(struct coro *from, struct coro *to)
{
	swapcontext(&from->uc, &to->uc);
}
#endif

#endif /* DWORK_MODEL_CORO_H */

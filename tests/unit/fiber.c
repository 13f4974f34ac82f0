// SPDX-License-Identifier: BSD-2-Clause
/* Deterministic green threads for the unit suite (see fiber.h). */
#include <stdlib.h>
#include <string.h>

#include <dwork/dwork.h>
#include "fiber.h"

static ucontext_t main_ctx;
static struct fiber *cur;

static void fiber_trampoline(void)
{
	struct fiber *f = cur;

	f->fn(f->arg);
	f->done = true;
	f->cpu = tp.cpu;
	/* Returning resumes uc_link, i.e. main_ctx. */
}

void fiber_init(struct fiber *f, unsigned int cpu, void (*fn)(void *),
		void *arg)
{
	memset(f, 0, sizeof(*f));
	f->cpu = cpu;
	f->fn = fn;
	f->arg = arg;
	f->stack = malloc(FIBER_STACK);
	if (!f->stack)
		abort();
	if (getcontext(&f->ctx))
		abort();
	f->ctx.uc_stack.ss_sp = f->stack;
	f->ctx.uc_stack.ss_size = FIBER_STACK;
	f->ctx.uc_link = &main_ctx;
	makecontext(&f->ctx, fiber_trampoline, 0);
}

bool fiber_resume(struct fiber *f)
{
	unsigned int saved = tp.cpu;

	if (f->done)
		return true;
	tp.cpu = f->cpu;
	cur = f;
	if (swapcontext(&main_ctx, &f->ctx))
		abort();
	cur = NULL;
	tp.cpu = saved;
	return f->done;
}

void fiber_yield(void)
{
	struct fiber *f = cur;

	if (!f)
		abort();
	f->yields++;
	f->cpu = tp.cpu;
	if (swapcontext(&f->ctx, &main_ctx))
		abort();
}

struct fiber *fiber_current(void)
{
	return cur;
}

void fiber_destroy(struct fiber *f)
{
	free(f->stack);
	f->stack = NULL;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Deterministic green threads for the unit suite: "two CPUs at once"
 * without threads.  Each fiber is one simulated CPU's stack; a fiber runs
 * until it calls fiber_yield() (tests make the relax hook and chosen
 * points in callbacks yield), and the test's main stack decides who runs
 * next.  The test port's current CPU (tp.cpu) is saved and restored per
 * fiber.  Never assert from inside a fiber: record, and assert on the
 * main stack.
 */
#ifndef DWORK_UNIT_FIBER_H
#define DWORK_UNIT_FIBER_H

#include <stdbool.h>
#include <ucontext.h>

#define FIBER_STACK (256 * 1024)

struct fiber {
	ucontext_t ctx;
	unsigned int cpu;    /* the simulated CPU this fiber is on */
	bool done;
	void (*fn)(void *arg);
	void *arg;
	unsigned int yields;
	char *stack;
};

/* Prepare @f to run @fn(@arg) on simulated CPU @cpu. */
void fiber_init(struct fiber *f, unsigned int cpu, void (*fn)(void *),
		void *arg);
/* Run @f until it yields or returns; returns true once it has returned. */
bool fiber_resume(struct fiber *f);
/* From inside a fiber: go back to the main stack. */
void fiber_yield(void);
/* The running fiber, or NULL on the main stack. */
struct fiber *fiber_current(void);
/* Free a fiber's stack (only when it is done or abandoned). */
void fiber_destroy(struct fiber *f);

#endif

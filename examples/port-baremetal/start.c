// SPDX-License-Identifier: BSD-2-Clause
/*
 * Entry point of the real (not hosted) bare-metal build: a timer interrupt
 * defers its work to an item.  Your boot code sets up a stack and the
 * interrupt vector table, then calls bm_kernel_main(); the vector for the
 * timer calls bm_timer_vector().  Both are board-specific and not shown.
 *
 * CI links this with -nostdlib to prove that dwork and the port need
 * nothing from a C library.
 */
#include "kernel.h"

static unsigned long ticks;

static void tick_work(struct dwork_item *it)
{
	(void)it;
	ticks++;			/* softirq context, IRQs enabled */
}

static struct dwork_item tick_item = DWORK_ITEM_INIT(tick_work);

static void timer_handler(void *arg)
{
	(void)arg;
	/* acknowledge the timer here, then defer the rest */
	dwork_item_raise(&tick_item);
}

void bm_timer_vector(void);
void bm_timer_vector(void)
{
	bm_irq(timer_handler, NULL);
}

void bm_panic(const char *what, const char *file, int line)
{
	(void)what;
	(void)file;
	(void)line;
	arch_irq_save();
	for (;;)
		arch_cpu_relax();
}

void bm_kernel_main(void);
void bm_kernel_main(void)
{
	bm_boot();
	/* board: program the timer and unmask its interrupt here */
	bm_run(NULL);
}

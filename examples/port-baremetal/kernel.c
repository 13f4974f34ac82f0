// SPDX-License-Identifier: BSD-2-Clause
/*
 * The kernel side of the single-CPU bare-metal port: the storage the hooks
 * refer to, interrupt entry, and the main loop that plays the softirq and
 * idle contexts.  Freestanding: no libc.
 */
#include "kernel.h"

struct dwork_cpu bm_dwork_cpu;		/* zeroed .bss, as port.h asks */
unsigned int bm_softirq_pending;
unsigned int bm_irq_depth;

void bm_boot(void)
{
	dwork_cpu_init(0);
}

void bm_irq(void (*handler)(void *arg), void *arg)
{
	unsigned int d = __atomic_load_n(&bm_irq_depth, __ATOMIC_RELAXED);

	__atomic_store_n(&bm_irq_depth, d + 1, __ATOMIC_RELAXED);
	handler(arg);			/* hard IRQ context: may raise items */
	__atomic_store_n(&bm_irq_depth, d, __ATOMIC_RELAXED);
}

void bm_run(bool (*stop)(void))
{
	for (;;) {
		unsigned long flags;

		/*
		 * Softirq context: IRQs enabled, never nested (only this loop
		 * calls dwork_softirq()).  Clear the flag first, so a raise
		 * during the pass makes the loop come back.
		 */
		if (__atomic_exchange_n(&bm_softirq_pending, 0,
					__ATOMIC_RELAXED)) {
			dwork_softirq();
			continue;
		}
		/* Idle context: one idle tasklet per call (Xen's rule). */
		if (dwork_idle_pending()) {
			dwork_idle_run();
			continue;
		}
		if (stop && stop())
			return;
		/*
		 * Nothing to do: sleep.  Check again with IRQs off so that an
		 * interrupt between the checks above and the wait cannot be
		 * lost; arch_wait_irq_enable() enables IRQs and waits as one
		 * step.
		 */
		flags = arch_irq_save();
		if (!__atomic_load_n(&bm_softirq_pending, __ATOMIC_RELAXED) &&
		    !dwork_idle_pending())
			arch_wait_irq_enable();
		arch_irq_restore(flags);
	}
}

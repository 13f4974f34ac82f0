// SPDX-License-Identifier: BSD-2-Clause
/*
 * The "kernel" that uses dwork through the port in this directory: an
 * interrupt raises an item and schedules two tasklets; the main loop runs
 * the softirq and the idle tasklet.  Compiled freestanding (-nostdinc in
 * one of its builds): no header but dwork's and the port's.
 */
#include <dwork/dwork.h>
#include "kernel.h"

extern unsigned int kport_assert_failed;

static unsigned int item_runs, sirq_runs, idle_runs;

static void item_fn(struct dwork_item *it)
{
	(void)it;
	item_runs++;
}

static void sirq_fn(void *arg)
{
	(void)arg;
	sirq_runs++;
}

static void idle_fn(void *arg)
{
	(void)arg;
	idle_runs++;
}

static struct dwork_item item = DWORK_ITEM_INIT(item_fn);
static struct dwork_tasklet sirq = DWORK_SOFTIRQ_TASKLET_INIT(sirq_fn, NULL);
static struct dwork_tasklet idle = DWORK_TASKLET_INIT(idle_fn, NULL);

static void irq_handler(void)
{
	unsigned long f = dwork_port_irq_save(); /* the CPU masks IRQs */

	kport_in_irq = 1;
	dwork_item_raise(&item);
	dwork_item_raise(&item); /* absorbed: pending */
	dwork_tasklet_schedule(&sirq);
	dwork_tasklet_schedule(&idle);
	kport_in_irq = 0;
	dwork_port_irq_restore(f);
}

int kernel_selftest(void)
{
	struct dwork_stats st;

	dwork_cpu_init(0);
	irq_handler();
	while (__atomic_exchange_n(&kport_softirq_pending, 0, __ATOMIC_RELAXED))
		dwork_softirq();
	while (dwork_idle_pending())
		dwork_idle_run();
	if (dwork_tasklet_kill(&sirq) || dwork_tasklet_kill(&idle))
		return 1;
	if (dwork_cpu_stats(0, &st) || st.raised != 3 || st.coalesced != 1 ||
	    st.run != 3)
		return 2;
	if (item_runs != 1 || sirq_runs != 1 || idle_runs != 1)
		return 3;
	return kport_assert_failed ? 4 : 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How the baselines raise "their" softirq on the POSIX runtime: the
 * runtime only knows dwork's softirq, so each CPU has one dwork item
 * (demo_kick[cpu]) whose callback calls the baseline's softirq handler.
 * The demo times the baseline's handler itself, not this trampoline.
 */
#ifndef BL_HOOKS_H
#define BL_HOOKS_H

#include <dwork/dwork.h>

extern struct dwork_item demo_kick[DWORK_NR_CPUS];
extern __thread int demo_in_kick, demo_rerun;

/*
 * A baseline re-raising its softirq from inside its handler is run again
 * by the trampoline's loop, as Xen's do_softirq() loops while softirqs are
 * pending (demo.c: kick_cb()).
 */
static inline void bl_raise_self(void)
{
	if (demo_in_kick)
		demo_rerun = 1;
	else
		dwork_item_raise(&demo_kick[dwork_port_this_cpu()]);
}

static inline void bl_raise_on(unsigned int cpu)
{
	dwork_item_raise_on(&demo_kick[cpu], cpu);
}

#endif /* BL_HOOKS_H */

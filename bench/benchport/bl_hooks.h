/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hooks the baselines use to signal "softirq pending" on a CPU, for the
 * bench port: the same per-CPU pending word dwork raises.  (The demo has
 * its own bl_hooks.h for the POSIX runtime.)
 */
#ifndef BL_HOOKS_H
#define BL_HOOKS_H

#include <dwork/port.h>

static inline void bl_raise_self(void)
{
	dwork_port_raise_softirq();
}

static inline void bl_raise_on(unsigned int cpu)
{
	if (cpu == dwork_port_this_cpu())
		dwork_port_raise_softirq();
	else
		bp_raise_on(cpu);
}

#endif /* BL_HOOKS_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers for unit tests on the test port (see dwork_port.h here). */
#ifndef DWORK_TESTPORT_HELPERS_H
#define DWORK_TESTPORT_HELPERS_H

#include <dwork/dwork.h>

/* Reset the port, then dwork_cpu_init() CPUs 0 .. nr-1; current CPU 0. */
void tp_reset(unsigned int nr);
/* Make @cpu the current CPU (DWORK_CPU_NONE: no CPU). Returns the old one. */
unsigned int tp_switch(unsigned int cpu);
/* Play @cpu's softirq: while pending, clear and call dwork_softirq(). */
unsigned int tp_softirq(unsigned int cpu);
/* Play exactly one dwork_softirq() pass on @cpu, pending or not. */
void tp_softirq_once(unsigned int cpu);
/* Play @cpu's idle loop once: dwork_idle_run() if dwork_idle_pending(). */
bool tp_idle(unsigned int cpu);
/* Enter/leave a hard IRQ on the current CPU (IRQs off inside). */
void tp_irq_enter(void);
void tp_irq_exit(void);
/* Enter/leave an NMI on the current CPU (IRQ state untouched). */
void tp_nmi_enter(void);
void tp_nmi_exit(void);
/* Take @cpu down: dwork_cpu_dead(@cpu) played on CPU @on. */
void tp_cpu_dead(unsigned int cpu, unsigned int on);

#endif

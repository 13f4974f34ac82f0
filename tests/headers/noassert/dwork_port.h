/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A port that forgot DWORK_PORT_ASSERT (test port_assert_required): every
 * other hook declared as in port/none.  With DWORK_DEBUG_CHECKS on,
 * <dwork/port.h> must refuse it.
 */
#ifndef NOASSERT_DWORK_PORT_H
#define NOASSERT_DWORK_PORT_H

unsigned int dwork_port_this_cpu(void);
unsigned long dwork_port_irq_save(void);
void dwork_port_irq_restore(unsigned long flags);
bool dwork_port_irqs_disabled(void);
bool dwork_port_in_irq(void);
void dwork_port_raise_softirq(void);
void dwork_port_raise_softirq_on(unsigned int cpu);
void dwork_port_kick_idle(unsigned int cpu);
struct dwork_cpu *dwork_port_cpu(unsigned int cpu);
bool dwork_port_cpu_online(unsigned int cpu);
void dwork_port_cpu_relax(void);

#endif /* NOASSERT_DWORK_PORT_H */

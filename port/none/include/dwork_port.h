/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork "none" port: every hook is an external function that the
 * integrator defines (see docs/porting.md and include/dwork/port.h for what
 * each must do).  Use it for freestanding builds and as the starting
 * point of a new port; a production port should make the fast-path hooks
 * static inline instead.
 */
#ifndef DWORK_PORT_NONE_H
#define DWORK_PORT_NONE_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#ifdef __cplusplus
extern "C" {
#endif

unsigned int dwork_port_this_cpu(void);
/* The save/restore pair carries sparse's context annotations (port.h). */
unsigned long dwork_port_irq_save(void) DWORK_ACQUIRES_IRQ;
void dwork_port_irq_restore(unsigned long flags) DWORK_RELEASES_IRQ;
bool dwork_port_irqs_disabled(void);
bool dwork_port_in_irq(void);
void dwork_port_raise_softirq(void);
void dwork_port_raise_softirq_on(unsigned int cpu);
void dwork_port_kick_idle(unsigned int cpu);
struct dwork_cpu *dwork_port_cpu(unsigned int cpu);
bool dwork_port_cpu_online(unsigned int cpu);
void dwork_port_cpu_relax(void);
/* @msg: what was misused and which rule it broke (see <dwork/port.h>). */
void dwork_port_assert_fail(const char *msg, const char *file, int line);

#define DWORK_PORT_ASSERT(cond, msg)                                       \
	((cond) ? (void)0 : dwork_port_assert_fail(msg, __FILE__, __LINE__))

#ifdef __cplusplus
}
#endif

#endif /* DWORK_PORT_NONE_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A complete dwork port for a single-CPU bare-metal kernel.
 *
 * This is the worked example of docs/porting.md: every hook of
 * include/dwork/port.h, each a static inline function over a handful of
 * machine primitives (arch.h) and three variables owned by the kernel
 * (kernel.c).  Build the dwork core with -DDWORK_NR_CPUS=1 and this
 * directory on the include path before any other dwork_port.h.
 *
 * One CPU means: this_cpu is 0, "raise the softirq on another CPU" can
 * only mean this one, and there is no IPI.  A multi-CPU port replaces
 * bm_softirq_pending with a per-CPU flag and sends an IPI in
 * dwork_port_raise_softirq_on() when the target is not the caller.
 */
#ifndef BM_DWORK_PORT_H
#define BM_DWORK_PORT_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#include "arch.h"

#if DWORK_NR_CPUS != 1
#error "port-baremetal is a single-CPU port: build with -DDWORK_NR_CPUS=1"
#endif

/* Owned by the kernel (kernel.c). */
extern struct dwork_cpu bm_dwork_cpu;     /* the CPU's dwork state */
extern unsigned int bm_softirq_pending;   /* set here, cleared by the loop */
extern unsigned int bm_irq_depth;         /* >0 inside an interrupt handler */
void bm_panic(const char *what, const char *file, int line);

static inline unsigned int dwork_port_this_cpu(void)
{
	return 0;
}

static inline unsigned long dwork_port_irq_save(void)
{
	return arch_irq_save();
}

static inline void dwork_port_irq_restore(unsigned long flags)
{
	arch_irq_restore(flags);
}

static inline bool dwork_port_irqs_disabled(void)
{
	return arch_irqs_disabled();
}

static inline bool dwork_port_in_irq(void)
{
	return __atomic_load_n(&bm_irq_depth, __ATOMIC_RELAXED) != 0;
}

static inline void dwork_port_raise_softirq(void)
{
	/*
	 * Called with IRQs on or off, from IRQ context too.  The main loop
	 * exchanges the flag to 0 before it calls dwork_softirq(), so a
	 * raise during a pass is never lost.  One CPU: relaxed suffices
	 * (the compiler must not cache it: it is an atomic access).
	 */
	__atomic_store_n(&bm_softirq_pending, 1, __ATOMIC_RELAXED);
}

static inline void dwork_port_raise_softirq_on(unsigned int cpu)
{
	/* Only CPU 0 exists and dwork refuses other CPUs before this. */
	(void)cpu;
	dwork_port_raise_softirq();
}

static inline void dwork_port_kick_idle(unsigned int cpu)
{
	/*
	 * The main loop polls dwork_idle_pending() before it waits for an
	 * interrupt, with IRQs disabled, so there is nothing to wake: idle
	 * work queued from an IRQ is seen when the IRQ returns.
	 */
	(void)cpu;
}

static inline struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
{
	(void)cpu;
	return &bm_dwork_cpu;
}

static inline bool dwork_port_cpu_online(unsigned int cpu)
{
	return cpu == 0;
}

static inline void dwork_port_cpu_relax(void)
{
	arch_cpu_relax();
}

#define DWORK_PORT_ASSERT(cond, msg)                                       \
	((cond) ? (void)0 : bm_panic(msg, __FILE__, __LINE__))

/*
 * Optional trace hook: compiled out unless the kernel asks for it.  It
 * runs often with IRQs off and must not call back into dwork.
 */
#ifdef BM_TRACE
void bm_trace(enum dwork_trace_event ev, unsigned int cpu, const void *obj);
#define dwork_port_trace(ev, cpu, obj) bm_trace((ev), (cpu), (obj))
#endif

#endif /* BM_DWORK_PORT_H */

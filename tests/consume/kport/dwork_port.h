/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A kernel's own dwork port, kept outside the dwork tree (tests/consume):
 * one CPU, interrupts simulated by a flag.  Used two ways:
 *   - by a Meson project that builds dwork as a subproject with
 *     -Dport=custom -Dport_dir=<this directory> (dwork_port.c then becomes
 *     part of libdwork-custom.a);
 *   - by a kernel that copies dwork's include/ and src/ into its tree and
 *     compiles everything with -nostdinc and its own types header.
 * Needs nothing but what <dwork/types.h> provides.
 */
#ifndef KPORT_DWORK_PORT_H
#define KPORT_DWORK_PORT_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#if DWORK_NR_CPUS != 1
#error "this port has one CPU: build with nr_cpus=1 (-DDWORK_NR_CPUS=1)"
#endif

/* dwork_port.c */
extern struct dwork_cpu kport_cpu;
extern unsigned long kport_irq_off;
extern unsigned int kport_softirq_pending;
extern unsigned int kport_in_irq;
void kport_assert_fail(const char *expr, const char *file, int line);

static inline unsigned int dwork_port_this_cpu(void)
{
	return 0;
}

static inline unsigned long dwork_port_irq_save(void)
{
	unsigned long f = kport_irq_off;

	kport_irq_off = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return f;
}

static inline void dwork_port_irq_restore(unsigned long flags)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	kport_irq_off = flags;
}

static inline bool dwork_port_irqs_disabled(void)
{
	return kport_irq_off != 0;
}

static inline bool dwork_port_in_irq(void)
{
	return kport_in_irq != 0;
}

static inline void dwork_port_raise_softirq(void)
{
	__atomic_store_n(&kport_softirq_pending, 1, __ATOMIC_RELAXED);
}

static inline void dwork_port_raise_softirq_on(unsigned int cpu)
{
	(void)cpu;
	dwork_port_raise_softirq();
}

static inline void dwork_port_kick_idle(unsigned int cpu)
{
	(void)cpu;
}

static inline struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
{
	(void)cpu;
	return &kport_cpu;
}

static inline bool dwork_port_cpu_online(unsigned int cpu)
{
	return cpu == 0;
}

static inline void dwork_port_cpu_relax(void)
{
}

#define DWORK_PORT_ASSERT(cond, msg)                                       \
	((cond) ? (void)0 : kport_assert_fail(msg, __FILE__, __LINE__))

#endif /* KPORT_DWORK_PORT_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork port contract.
 *
 * dwork's core (src/) knows nothing about the machine.  Everything it needs
 * from the hypervisor, kernel or host comes through the hooks below, which
 * the selected port provides in its <dwork_port.h> (port/posix, port/xen,
 * port/none, or your own directory on the include path).  Fast-path hooks
 * should be static inline functions or macros; port/none declares them as
 * external functions for integrators who prefer that.
 *
 * Hooks a port MUST provide
 * -------------------------
 *
 * unsigned int dwork_port_this_cpu(void)
 *	The calling CPU's id, 0 <= id < DWORK_NR_CPUS, or DWORK_CPU_NONE when
 *	the caller runs on no CPU (a host thread in port/posix).
 *	Context: any.  Ordering: none.  May fail: no.
 *
 * unsigned long dwork_port_irq_save(void)
 * void dwork_port_irq_restore(unsigned long flags)
 *	Disable interrupts on this CPU and return the previous state; restore
 *	it.  Pairs nest.  While disabled, no interrupt handler runs on this
 *	CPU.  dwork holds interrupts off only for O(1) list work, except in
 *	dwork_cpu_dead() and a reap scan (O(length of the lists moved)).
 *	Context: any.  Ordering: a compiler barrier at least (dwork's own
 *	cross-CPU ordering never relies on these).  May fail: no.
 *
 * bool dwork_port_irqs_disabled(void)
 * bool dwork_port_in_irq(void)
 *	Whether interrupts are disabled on this CPU; whether the caller is a
 *	hard interrupt handler.  Used for kill's EDEADLK rule and for the
 *	debug_checks context assertions.  Context: any.  May fail: no.
 *
 * void dwork_port_raise_softirq(void)
 *	Mark the dwork softirq pending on this CPU, so that the port calls
 *	dwork_softirq() on this CPU soon, from softirq context.  Idempotent.
 *	dwork calls it only when a list goes from empty to non-empty, or at
 *	the end of a pass that left work.  Context: any, including IRQs off.
 *	May fail: no.
 *
 * void dwork_port_raise_softirq_on(unsigned int cpu)
 *	Same for another CPU; sends an IPI if that CPU may be asleep.
 *	Context: any, including IRQs off.  Ordering: everything the caller
 *	wrote before the call is visible to the softirq it causes (a release,
 *	as any IPI path provides).  May fail: no; raising on an offline CPU
 *	must be harmless.
 *
 * void dwork_port_kick_idle(unsigned int cpu)
 *	Idle work was queued on @cpu (dwork calls it for the calling CPU): make
 *	that CPU's idle loop call dwork_idle_run() soon.  Xen: the
 *	tasklet_work_to_do handshake and SCHEDULE_SOFTIRQ.  Context: any,
 *	including IRQs off.  May fail: no.
 *
 * struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
 *	Where @cpu's struct dwork_cpu lives: zeroed before the first
 *	dwork_cpu_init(), and valid for every cpu < DWORK_NR_CPUS for the
 *	whole lifetime, offline and never-onlined CPUs included (dwork reads
 *	a dead CPU's online flag, closed inbox and adopter).  So not a per-CPU
 *	area that the kernel frees on CPU_DEAD (Xen's DEFINE_PER_CPU).
 *	Context: any.  May fail: no.
 *
 * bool dwork_port_cpu_online(unsigned int cpu)
 *	The port's idea of whether @cpu is online.  dwork's own acceptance of
 *	work follows dwork_cpu_init()/dwork_cpu_dead(); this hook is used for
 *	debug checks only.  Context: any.  May fail: no.
 *
 * void dwork_port_cpu_relax(void)
 *	Pause in a spin-wait loop (kill waiting for a callback or an unlink).
 *	Called with IRQs enabled, or from hard IRQ when kill is called there.
 *	A port may use it to run work the spinning CPU owes others, e.g. a
 *	pending dwork_cpu_dead() adoption (port/posix does).
 *
 * DWORK_PORT_ASSERT(cond)
 *	Stop (BUG) if @cond is false.  Used only with DWORK_DEBUG_CHECKS.
 *
 * Hooks a port MAY provide
 * ------------------------
 *
 * dwork_port_trace(ev, cpu, obj)
 *	Called at each event of enum dwork_trace_event with the CPU and the
 *	object; compiled out unless the port defines it.  Must not call back
 *	into dwork.  Context: any, often IRQs off.
 *
 * dwork_atomic_*
 *	Replace dwork's atomics (see <dwork/atomic.h>), e.g. to make every
 *	atomic access a scheduling point in a model checker.
 *
 * DWORK_NR_CPUS, DWORK_CACHELINE_BYTES, DWORK_SOFTIRQ_BATCH
 *	Sizes; defaults in <dwork/types.h>, meson passes them as -D flags.
 */
#ifndef DWORK_PORT_H
#define DWORK_PORT_H

#include <dwork/types.h>

/* Events reported to dwork_port_trace(). */
enum dwork_trace_event {
	DWORK_TRACE_QUEUE,    /* a node was queued on @cpu */
	DWORK_TRACE_FEED,     /* a node was pushed into @cpu's inbox */
	DWORK_TRACE_RUN,      /* a callback is about to run on @cpu */
	DWORK_TRACE_DONE,     /* a callback returned on @cpu */
	DWORK_TRACE_DROP,     /* a cancelled/killed node was unlinked on @cpu */
	DWORK_TRACE_MIGRATE,  /* a node of a dead CPU was adopted by @cpu */
};

#include <dwork_port.h>

#ifndef dwork_port_trace
#define dwork_port_trace(ev, cpu, obj) ((void)(ev), (void)(cpu), (void)(obj))
#endif

#ifndef DWORK_PORT_ASSERT
#define DWORK_PORT_ASSERT(cond) ((void)0)
#endif

#endif /* DWORK_PORT_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork Xen port: the hooks of <dwork/port.h> on Xen's own primitives.
 *
 * Installed as xen/include/dwork_port.h (see docs/xen.md).  This port is
 * meant to REPLACE xen/common/tasklet.c: dwork's softirq is
 * TASKLET_SOFTIRQ, and idle work is announced to the scheduler with Xen's
 * tasklet_work_to_do handshake, so sched_tasklet_check_cpu() in
 * common/sched/core.c and the arch idle loops keep working unchanged.
 *
 * Per-CPU storage: struct dwork_cpu lives in a static array indexed by
 * CPU, not in DEFINE_PER_CPU storage.  Xen only allocates a CPU's per-CPU
 * area at CPU_UP_PREPARE and frees it (through RCU) at CPU_DEAD, while
 * dwork must be able to read any CPU's "online" flag at any time (to
 * refuse work for it) and a dead CPU's closed inbox and adopter (to
 * forward a tasklet re-targeted to it while it was running elsewhere).
 * The per-CPU handshake word tasklet_work_to_do does use DEFINE_PER_CPU,
 * as in stock Xen: only the CPU itself and the scheduler touch it.
 *
 * Host builds (tests/xen) compile this file against a small simulation of
 * the same Xen headers.
 */
#ifndef DWORK_PORT_XEN_H
#define DWORK_PORT_XEN_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#include <xen/bitops.h>
#include <xen/cpumask.h>
#include <xen/lib.h>
#include <xen/percpu.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <asm/processor.h>
#include <asm/system.h>

/* Sizes: Xen's NR_CPUS and Kconfig choices override the meson defaults. */
#if NR_CPUS > 4095
#error "dwork supports at most 4095 CPUs (12-bit CPU fields): lower CONFIG_NR_CPUS"
#endif
#undef DWORK_NR_CPUS
#define DWORK_NR_CPUS NR_CPUS

/* Counters only with Xen's own perf counters, as perfc_incr() does. */
#ifndef CONFIG_PERF_COUNTERS
#undef DWORK_STATS
#define DWORK_STATS 0
#endif

#ifdef CONFIG_DWORK_SOFTIRQ_BATCH
#undef DWORK_SOFTIRQ_BATCH
#define DWORK_SOFTIRQ_BATCH CONFIG_DWORK_SOFTIRQ_BATCH
#endif

#if defined(CONFIG_DWORK_DEBUG_CHECKS) && !defined(DWORK_DEBUG_CHECKS)
#define DWORK_DEBUG_CHECKS 1
#endif

/* The softirq dwork_softirq() runs from (installed by dwork_xen.c). */
#define DWORK_XEN_SOFTIRQ TASKLET_SOFTIRQ

/*
 * Xen's idle-loop handshake, with stock Xen's names and values (the
 * scheduler and the idle loops read them):
 *   TASKLET_enqueued  idle tasklet work is queued on this CPU;
 *   TASKLET_scheduled the scheduler has picked the idle vCPU to run it.
 * do_tasklet() runs only when both are set (tasklet_work_to_do()).
 */
DECLARE_PER_CPU(unsigned long, tasklet_work_to_do);
#define _TASKLET_enqueued  0
#define _TASKLET_scheduled 1
#define TASKLET_enqueued   (1UL << _TASKLET_enqueued)
#define TASKLET_scheduled  (1UL << _TASKLET_scheduled)

/* Storage of every CPU's dwork state, valid for any CPU < NR_CPUS. */
extern struct dwork_cpu dwork_xen_cpu[NR_CPUS];

static inline unsigned int dwork_port_this_cpu(void)
{
	return smp_processor_id();
}

static inline unsigned long dwork_port_irq_save(void)
{
	unsigned long flags;

	local_irq_save(flags);
	return flags;
}

static inline void dwork_port_irq_restore(unsigned long flags)
{
	local_irq_restore(flags);
}

static inline bool dwork_port_irqs_disabled(void)
{
	return !local_irq_is_enabled();
}

static inline bool dwork_port_in_irq(void)
{
	return in_irq();
}

static inline void dwork_port_raise_softirq(void)
{
	raise_softirq(DWORK_XEN_SOFTIRQ);
}

/*
 * NMI-safe (dwork_item_raise_nmi()): raise_softirq() is one set_bit on
 * this CPU's pending word, as Xen's own NMI handler uses it for
 * PCI_SERR_SOFTIRQ.
 */
#define dwork_port_raise_softirq_nmi() raise_softirq(DWORK_XEN_SOFTIRQ)

/*
 * cpu_raise_softirq() sets the pending bit with a locked RMW (a full
 * barrier, so the caller's writes are visible to the softirq), sends no
 * IPI when the bit was already set or the target polls for it in its idle
 * loop, and honours cpu_raise_softirq_batch_begin()/finish().
 */
static inline void dwork_port_raise_softirq_on(unsigned int cpu)
{
	cpu_raise_softirq(cpu, DWORK_XEN_SOFTIRQ);
}

/*
 * Idle work was queued on @cpu (dwork only ever calls this for the calling
 * CPU): do what stock Xen's tasklet_enqueue() did, set TASKLET_enqueued
 * and, on the 0 -> 1 edge, raise SCHEDULE_SOFTIRQ so that the scheduler
 * picks the idle vCPU, sets TASKLET_scheduled and the idle loop calls
 * do_tasklet().
 */
static inline void dwork_port_kick_idle(unsigned int cpu)
{
	if (!test_and_set_bit(_TASKLET_enqueued, &per_cpu(tasklet_work_to_do, cpu)))
		cpu_raise_softirq(cpu, SCHEDULE_SOFTIRQ);
}

static inline struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
{
	return &dwork_xen_cpu[cpu];
}

static inline bool dwork_port_cpu_online(unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpu_online(cpu);
}

static inline void dwork_port_cpu_relax(void)
{
	cpu_relax();
}

#define DWORK_PORT_ASSERT(cond, msg)                                       \
	do {                                                               \
		if ( unlikely(!(cond)) )                                   \
		{                                                          \
			printk(XENLOG_ERR "%s\n", msg);                    \
			BUG();                                             \
		}                                                          \
	} while ( 0 )

#endif /* DWORK_PORT_XEN_H */

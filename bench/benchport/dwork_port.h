/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork bench port: the smallest port that lets dwork-bench drive the core
 * from ordinary threads, one thread per CPU, with no signals and no sleep.
 *
 * - The CPU id is a thread-local variable set by the harness.
 * - "IRQs off" is a thread-local flag plus a compiler barrier: what the
 *   POSIX port does on its fast path, without the signal machinery (there
 *   are no asynchronous interrupts in the microbenchmarks).
 * - "Raise the softirq" sets a per-CPU pending word; each CPU thread polls
 *   it (bp_poll()) and calls the implementation's softirq handler.  A
 *   remote raise is a load, and a store only when the word was clear, so a
 *   pending softirq costs the raiser no cache-line write.  There is no IPI
 *   and no wake-up: a benchmark CPU never sleeps.
 *
 * The baselines in bench/baselines/ use exactly the same hooks, so every
 * implementation pays the same for IRQ masking and for softirq delivery.
 */
#ifndef DWORK_BENCHPORT_H
#define DWORK_BENCHPORT_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#define BP_MAX_CPUS 64

struct bp_cpu {
	unsigned int softirq_pending; /* written by any CPU, atomically */
	unsigned int idle_kick;
	struct dwork_cpu dc;
} __attribute__((aligned(DWORK_CACHELINE_BYTES)));

extern struct bp_cpu bp_cpus[BP_MAX_CPUS];
extern __thread unsigned int bp_self;      /* DWORK_CPU_NONE off-CPU */
extern __thread unsigned long bp_irq_off;  /* "IRQs disabled" */
extern __thread unsigned int bp_in_irq;    /* simulated hard-IRQ depth */

static inline unsigned int dwork_port_this_cpu(void)
{
	return bp_self;
}

#ifdef BP_IRQ_TIMING
/*
 * IRQs-off timing (dwork-irqoff only; dwork-bench is built without it):
 * the outermost save (IRQs were on) reads a timestamp, the restore that
 * turns them on again reads another and hands the difference to
 * bp_irqoff_record(), which charges it to the entry point the driver set
 * in bp_irq_entry.  Nested save/restore pairs (IRQs already off) cost
 * nothing extra and do not end the section.
 */
extern __thread unsigned int bp_irq_entry;
extern __thread uint64_t bp_irq_t0;
void bp_irqoff_record(unsigned int entry, uint64_t ticks);
uint64_t bp_ticks_slow(void); /* clock_gettime, where there is no TSC */

static inline uint64_t bp_ticks(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return bp_ticks_slow();
#endif
}
#endif

static inline unsigned long dwork_port_irq_save(void)
{
	unsigned long f = bp_irq_off;

	bp_irq_off = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#ifdef BP_IRQ_TIMING
	if (!f)
		bp_irq_t0 = bp_ticks();
#endif
	return f;
}

static inline void dwork_port_irq_restore(unsigned long flags)
{
#ifdef BP_IRQ_TIMING
	if (!flags && bp_irq_off)
		bp_irqoff_record(bp_irq_entry, bp_ticks() - bp_irq_t0);
#endif
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	bp_irq_off = flags;
}

static inline bool dwork_port_irqs_disabled(void)
{
	return bp_irq_off != 0;
}

static inline bool dwork_port_in_irq(void)
{
	return bp_in_irq != 0;
}

/*
 * Raise the softirq on @cpu.  The caller must have published its work with
 * a full barrier (a locked RMW such as dwork's inbox CAS, or a seq_cst
 * fence) before this call: the load below may otherwise be satisfied
 * before the work is visible, and the target, clearing the word at the
 * same time, would miss both.
 */
static inline void bp_raise_on(unsigned int cpu)
{
	unsigned int *p = &bp_cpus[cpu].softirq_pending;

	/* Seq-cst: pairs with the exchange in bp_take(), after a push. */
	if (!__atomic_load_n(p, __ATOMIC_SEQ_CST))
		__atomic_store_n(p, 1, __ATOMIC_SEQ_CST);
}

static inline void dwork_port_raise_softirq(void)
{
	__atomic_store_n(&bp_cpus[bp_self].softirq_pending, 1,
			 __ATOMIC_RELAXED);
}

static inline void dwork_port_raise_softirq_on(unsigned int cpu)
{
	bp_raise_on(cpu);
}

static inline void dwork_port_kick_idle(unsigned int cpu)
{
	__atomic_store_n(&bp_cpus[cpu].idle_kick, 1, __ATOMIC_RELAXED);
}

static inline struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
{
	return &bp_cpus[cpu].dc;
}

static inline bool dwork_port_cpu_online(unsigned int cpu)
{
	return cpu < BP_MAX_CPUS;
}

static inline void dwork_port_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
#endif
}

/*
 * debug_checks (a build with -Ddebug_checks=true): a broken rule stops the
 * benchmark at once; the message is in the core's source at the trap.
 */
#define DWORK_PORT_ASSERT(cond, msg)                                       \
	((cond) ? (void)0 : ((void)(msg), __builtin_trap()))

/*
 * Take this CPU's pending softirq: true if one was raised.  The exchange
 * (a full barrier) pairs with bp_raise_on(): a push made before a raise
 * that saw the word set is seen by the softirq that follows this take.
 */
static inline bool bp_take(void)
{
	unsigned int *p = &bp_cpus[bp_self].softirq_pending;

	if (!__atomic_load_n(p, __ATOMIC_RELAXED))
		return false;
	return __atomic_exchange_n(p, 0, __ATOMIC_SEQ_CST) != 0;
}

#endif /* DWORK_BENCHPORT_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork port hooks: what a port provides.
 *
 * dwork's core (src/) knows nothing about the machine.  Everything it needs
 * from the hypervisor, kernel or host comes through the hooks documented
 * below, which the selected port provides in its <dwork_port.h> (port/posix,
 * port/xen, port/none, or your own directory on the include path).
 * Fast-path hooks should be static inline functions or macros; port/none
 * declares them as external functions for integrators who prefer that.
 *
 * A port must provide every function documented below.  The macro
 * dwork_port_trace() is optional, and DWORK_PORT_ASSERT() does something
 * only in a core built with DWORK_DEBUG_CHECKS.  A port may also replace
 * the dwork_atomic_* macros of <dwork/atomic.h> (e.g. to make every atomic
 * access a scheduling point of a model checker), and set the sizes
 * DWORK_NR_CPUS, DWORK_CACHELINE_BYTES and DWORK_SOFTIRQ_BATCH (defaults
 * in <dwork/types.h>; meson passes them as -D flags).  docs/porting.md
 * walks through a complete port.
 *
 * "Context: any" means task, softirq, idle and hard-IRQ context, with IRQs
 * enabled or disabled; each hook says whether dwork also calls it from an
 * NMI (only the NMI-safe raises run there: dwork_item_raise_nmi() and
 * dwork_tasklet_schedule_nmi()).  Replacement dwork_atomic_* macros must
 * then be NMI-safe too (lock-free).  No hook may call back into dwork,
 * except that dwork_port_cpu_relax() may run a dwork_cpu_dead() this CPU
 * owes.
 *
 * The declarations of the hooks below are only seen by the API reference
 * generator (DWORK_DOXYGEN): a port defines them in its own header, as
 * static inline functions, macros or external functions.
 */
#ifndef DWORK_PORT_H
#define DWORK_PORT_H

#include <dwork/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Events reported to dwork_port_trace(). */
enum dwork_trace_event {
	DWORK_TRACE_QUEUE,    /* a node was queued on @cpu */
	DWORK_TRACE_FEED,     /* a node was pushed into @cpu's inbox */
	DWORK_TRACE_RUN,      /* a callback is about to run on @cpu */
	DWORK_TRACE_DONE,     /* a callback returned on @cpu */
	DWORK_TRACE_DROP,     /* a cancelled/killed node was unlinked on @cpu */
	DWORK_TRACE_MIGRATE,  /* a node of a dead CPU was adopted by @cpu */
};

/*
 * Context annotations for sparse (__CHECKER__ is defined only there):
 * dwork_port_irq_save() enters the context "IRQs saved", and
 * dwork_port_irq_restore() leaves it, so that sparse reports a function
 * that returns with a save not restored, or restores twice ("context
 * imbalance").  A port puts them on its declarations of the two hooks
 * (port/none does); they are empty for a compiler.
 */
#ifdef __CHECKER__
#define DWORK_ACQUIRES_IRQ __attribute__((context(dwork_irq, 0, 1)))
#define DWORK_RELEASES_IRQ __attribute__((context(dwork_irq, 1, 0)))
#else
#define DWORK_ACQUIRES_IRQ /* sparse: enters "IRQs saved" */
#define DWORK_RELEASES_IRQ /* sparse: leaves "IRQs saved" */
#endif

#ifdef __cplusplus
}
#endif

#include <dwork_port.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(DWORK_DOXYGEN)
/**
 * dwork_port_this_cpu - the calling CPU's id
 *
 * Must be cheap and correct in IRQ context (a per-CPU register or
 * smp_processor_id()).
 *
 * Context: any, NMI included (the NMI-safe raises call it).  Ordering:
 * none.
 * Return: the id, 0 <= id < DWORK_NR_CPUS, or DWORK_CPU_NONE when the
 * caller runs on no CPU (a host thread in port/posix).  It cannot fail.
 */
unsigned int dwork_port_this_cpu(void);

/**
 * dwork_port_irq_save - disable interrupts on this CPU
 *
 * While they are disabled, no interrupt handler runs on this CPU.  Pairs
 * with dwork_port_irq_restore() and nests.  Raises and schedules hold
 * interrupts off for O(1); the softirq pass for as long as the inbox chain
 * it drains or the lists it scans, and dwork_cpu_dead() for at most
 * DWORK_ADOPT_BATCH nodes at a time.
 *
 * Context: any but NMI (dwork never calls it there).  Ordering: a
 * compiler barrier at least ("memory" clobber);
 * dwork's cross-CPU ordering never relies on it.
 * Return: the previous interrupt state, for dwork_port_irq_restore().  It
 * cannot fail.
 */
unsigned long dwork_port_irq_save(void);

/**
 * dwork_port_irq_restore - restore the interrupt state of this CPU
 * @flags: what the matching dwork_port_irq_save() returned
 *
 * Context: any but NMI (dwork never calls it there).  Ordering: a
 * compiler barrier at least.
 * Return: nothing.  It cannot fail.
 */
void dwork_port_irq_restore(unsigned long flags);

/**
 * dwork_port_irqs_disabled - are interrupts disabled on this CPU?
 *
 * Used for the debug_checks context assertions.
 *
 * Context: any but NMI (dwork never calls it there).  Ordering: none.
 * Return: true if interrupts are disabled on this CPU.
 */
bool dwork_port_irqs_disabled(void);

/**
 * dwork_port_in_irq - is the caller a hard interrupt handler?
 *
 * Used for dwork_tasklet_kill()'s DWORK_EDEADLK rule and for the
 * debug_checks context assertions.
 *
 * Context: any but NMI (dwork never calls it there).  Ordering: none.
 * Return: true if the caller runs in a hard interrupt handler on this CPU.
 */
bool dwork_port_in_irq(void);

/**
 * dwork_port_raise_softirq - mark the dwork softirq pending on this CPU
 *
 * The port then calls dwork_softirq() on this CPU soon, from softirq
 * context.  Idempotent.  dwork calls it only when a list goes from empty to
 * non-empty, or at the end of a pass that left work.
 *
 * Context: any, including IRQs disabled, but not NMI (dwork calls
 * dwork_port_raise_softirq_nmi() there).  Ordering: none.
 * Return: nothing.  It cannot fail.
 */
void dwork_port_raise_softirq(void);

/**
 * dwork_port_raise_softirq_on - mark the dwork softirq pending on @cpu
 * @cpu: the CPU, which may be offline
 *
 * As dwork_port_raise_softirq(), for another CPU: sends an IPI if that CPU
 * may be asleep.  Raising on an offline CPU must be harmless.
 *
 * Context: any, including IRQs disabled, but not NMI (dwork never calls
 * it there).  Ordering: everything the caller
 * wrote before the call is visible to the softirq it causes (a release, as
 * any IPI path provides).
 * Return: nothing.  It cannot fail.
 */
void dwork_port_raise_softirq_on(unsigned int cpu);

/**
 * dwork_port_kick_idle - make @cpu's idle loop call dwork_idle_run() soon
 * @cpu: the CPU on which idle work was queued (dwork calls it for the
 *       calling CPU)
 *
 * Xen: the tasklet_work_to_do handshake and SCHEDULE_SOFTIRQ.
 *
 * Context: any, including IRQs disabled, but not NMI (dwork never calls
 * it there).  Ordering: none.
 * Return: nothing.  It cannot fail.
 */
void dwork_port_kick_idle(unsigned int cpu);

/**
 * dwork_port_cpu - where a CPU's struct dwork_cpu lives
 * @cpu: the CPU, 0 <= @cpu < DWORK_NR_CPUS
 *
 * The storage is zeroed before the first dwork_cpu_init(), and valid for
 * every cpu < DWORK_NR_CPUS for as long as dwork is used, offline and
 * never-onlined CPUs included (dwork reads a dead CPU's online flag, closed
 * inbox and adopter).  So a static array, not a per-CPU area that the
 * kernel frees at CPU_DEAD (Xen's DEFINE_PER_CPU).
 *
 * Context: any, NMI included (the NMI-safe raises call it).  Ordering:
 * none.
 * Return: the CPU's struct dwork_cpu.  It cannot fail.
 */
struct dwork_cpu *dwork_port_cpu(unsigned int cpu);

/**
 * dwork_port_cpu_online - the port's idea of whether a CPU is online
 * @cpu: the CPU
 *
 * dwork's own acceptance of work follows dwork_cpu_init() and
 * dwork_cpu_dead(); the core calls this hook only in debug_checks builds,
 * to assert that dwork_cpu_dead() is not called for a CPU that is still
 * online (by CPU_DEAD / CPU_UP_CANCELED it must return false).  Ports and
 * their tests use it too.
 *
 * Context: any but NMI (dwork calls it only from dwork_cpu_dead(), with
 * debug_checks).  Ordering: none.
 * Return: true if @cpu is online for the port.
 */
bool dwork_port_cpu_online(unsigned int cpu);

/**
 * dwork_port_cpu_relax - pause in a spin-wait loop
 *
 * dwork_tasklet_kill() spins waiting for a callback on another CPU, or
 * for the CPU holding the tasklet to unlink it; dwork_cpu_dead() spins,
 * briefly, until an NMI-safe raise still running on the dead CPU has
 * finished its push.  A port may use it to run work the spinning CPU owes
 * others, e.g. a pending dwork_cpu_dead() adoption (port/posix does).
 *
 * Context: wherever kill or dwork_cpu_dead() may be called: task,
 * softirq or idle with IRQs enabled, or hard IRQ; never NMI.
 * Ordering: none.
 * Return: nothing.  It cannot fail.
 */
void dwork_port_cpu_relax(void);
#endif /* DWORK_DOXYGEN */

#ifndef dwork_port_trace
/**
 * dwork_port_trace - optional: report an event
 * @ev:  the enum dwork_trace_event
 * @cpu: the CPU the event concerns
 * @obj: the object's struct dwork_node, an identity only: never
 *       dereference it (the callback may have freed the object)
 *
 * A macro the port may define; compiled out unless it does.  Must not call
 * back into dwork.  The NMI-safe raises never call it.
 *
 * Context: any, often with IRQs disabled.
 * Return: nothing.
 */
#define dwork_port_trace(ev, cpu, obj) ((void)(ev), (void)(cpu), (void)(obj))
/* Not a port hook: tells dwork it may skip loops that only trace. */
#define DWORK_PORT_TRACES 0
#endif

#if defined(DWORK_DOXYGEN)
/**
 * dwork_port_raise_softirq_nmi - optional: raise the softirq from an NMI
 *
 * A macro the port may define (so that dwork can test for it): as
 * dwork_port_raise_softirq(), but safe in an NMI that may have interrupted
 * anything on this CPU, dwork's IRQs-off sections and the port's own
 * softirq bookkeeping included; typically one atomic set_bit on this
 * CPU's pending word (Xen's raise_softirq()).  If the CPU may halt right
 * after the NMI returns, the port must also make sure it wakes (a
 * self-IPI, as Linux's irq_work does).  Only dwork_item_raise_nmi() and
 * dwork_tasklet_schedule_nmi() call it; without it they return
 * DWORK_EOPNOTSUPP.
 *
 * Context: NMI, and any other.  Ordering: none.
 * Return: nothing.  It cannot fail.
 */
void dwork_port_raise_softirq_nmi(void);
#endif /* DWORK_DOXYGEN */

#ifndef DWORK_PORT_ASSERT
#if defined(DWORK_DEBUG_CHECKS) && DWORK_DEBUG_CHECKS + 0
#error "DWORK_DEBUG_CHECKS is on but <dwork_port.h> defines no DWORK_PORT_ASSERT(cond, msg): every debug check would be lost"
#endif
/**
 * DWORK_PORT_ASSERT - stop (BUG) if a condition is false, saying why
 * @cond: the condition
 * @msg:  a string literal naming the function misused and the rule it
 *        broke, e.g. "dwork: dwork_tasklet_init: tasklet is pending or
 *        running; kill it first"; a port that prints nothing may ignore it
 *
 * Evaluated only when the core is built with DWORK_DEBUG_CHECKS.  A port
 * must define it: with DWORK_DEBUG_CHECKS on, a port that does not is a
 * compile error; without, it defaults to nothing.
 *
 * Context: any but NMI (dwork never calls it there: the NMI-safe raises
 * answer misuse with an error).
 * Return: only if @cond is true.
 */
#define DWORK_PORT_ASSERT(cond, msg) ((void)0)
#endif

#ifdef __cplusplus
}
#endif

#endif /* DWORK_PORT_H */

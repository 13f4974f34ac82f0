/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork POSIX port: the hooks of <dwork/port.h> for the user-space runtime
 * in which virtual CPUs are threads and interrupts are signals (see
 * <dwork/posix.h> and docs/posix.md).
 *
 * Interrupt masking is *soft*: each thread has a thread-local "IRQs off"
 * flag.  dwork_port_irq_save() sets it, dwork_port_irq_restore() puts the
 * old value back; neither makes a system call.  The IRQ signal handler, if
 * it lands while the flag is set, only records "deferred" and returns; the
 * restore that re-enables IRQs sees the record and runs the pending IRQ
 * handlers there, synchronously (a "replay"), exactly as a CPU takes a
 * pending interrupt when it executes STI.  So no IRQ handler ever runs on a
 * CPU while dwork holds IRQs off there.
 *
 * The flag is shared only between a thread and its own signal handler, so
 * relaxed atomics plus compiler (signal) fences order it; no CPU fence is
 * needed on the fast path.
 *
 * Everything here that can run in an IRQ (a signal handler) is
 * async-signal-safe: thread-local data, atomics, and pthread_kill() in the
 * out-of-line wake-up.
 *
 * Include <dwork/port.h>, never this file directly.  It includes no libc
 * header, because src/ is compiled freestanding.
 */
#ifndef DWORK_PORT_POSIX_H
#define DWORK_PORT_POSIX_H

#ifndef DWORK_PORT_H
#error "include <dwork/port.h>, not <dwork_port.h> directly"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct dwork_posix_tls - per-thread CPU state (internal)
 * @cpu:      virtual CPU id of this thread, or DWORK_CPU_NONE
 * @irq_off:  nonzero while interrupts are (softly) disabled
 * @in_irq:   nesting depth of IRQ handlers running on this thread
 * @deferred: an IRQ signal arrived while @irq_off was set
 * @relax:    spin counter of dwork_port_cpu_relax()
 *
 * Written by the thread and by its own signal handler only.
 */
struct dwork_posix_tls {
	unsigned int cpu;
	unsigned int irq_off;
	unsigned int in_irq;
	unsigned int deferred;
	unsigned int relax;
};

/* initial-exec: no lazy allocation, so signal handlers may touch it. */
extern __thread struct dwork_posix_tls dwork_posix_tls
	__attribute__((tls_model("initial-exec")));

/**
 * struct dwork_posix_cpu - per-CPU flags other CPUs write (internal)
 * @softirq: the dwork softirq is pending on this CPU
 * @ipi:     wake-up doorbell: an IPI signal was sent since the CPU last
 *           looked at its work (so further wake-ups need no signal)
 * @online:  the port's view: the CPU runs and accepts run_on/irq_on
 * @idle:    idle work was kicked (dwork_port_kick_idle()); the idle loop
 *           clears it and runs one idle tasklet (Xen's tasklet_work_to_do)
 */
struct dwork_posix_cpu {
	uint32_t softirq;
	uint32_t ipi;
	uint32_t online;
	uint32_t idle;
} __attribute__((aligned(DWORK_CACHELINE_BYTES)));

extern struct dwork_posix_cpu dwork_posix_cpus[DWORK_NR_CPUS];
extern struct dwork_cpu dwork_posix_dcpu[DWORK_NR_CPUS];

/* Out of line, in posix.c. */
void dwork_posix_irq_replay(void);
void dwork_posix_wake(unsigned int cpu);
void dwork_posix_relax_slow(void);
void dwork_posix_assert_fail(const char *msg, const char *file, int line)
	__attribute__((noreturn));

#define dwork_posix_tls_load(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define dwork_posix_tls_store(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define dwork_posix_signal_fence() __atomic_signal_fence(__ATOMIC_SEQ_CST)

static inline unsigned int dwork_port_this_cpu(void)
{
	return dwork_posix_tls_load(&dwork_posix_tls.cpu);
}

static inline unsigned long dwork_port_irq_save(void)
{
	unsigned long flags = dwork_posix_tls_load(&dwork_posix_tls.irq_off);

	/*
	 * A signal landing between the load and the store finds IRQs on,
	 * runs its handlers and leaves the flag as it found it (0), so the
	 * saved value stays right.
	 */
	dwork_posix_tls_store(&dwork_posix_tls.irq_off, 1u);
	/* Pairs with the handler's read of irq_off: nothing moves above. */
	dwork_posix_signal_fence();
	return flags;
}

static inline void dwork_port_irq_restore(unsigned long flags)
{
	/* Pairs with the handler: the critical section stays inside. */
	dwork_posix_signal_fence();
	if (flags)
		return; /* still off: nested save */
	dwork_posix_tls_store(&dwork_posix_tls.irq_off, 0u);
	dwork_posix_signal_fence();
	/*
	 * A handler that landed while the flag was set recorded "deferred";
	 * run the pending IRQs now.  One landing after the store above ran
	 * them itself and cleared the record.
	 */
	if (__builtin_expect(dwork_posix_tls_load(&dwork_posix_tls.deferred),
			     0))
		dwork_posix_irq_replay();
}

static inline bool dwork_port_irqs_disabled(void)
{
	return dwork_posix_tls_load(&dwork_posix_tls.irq_off) != 0;
}

static inline bool dwork_port_in_irq(void)
{
	return dwork_posix_tls_load(&dwork_posix_tls.in_irq) != 0;
}

static inline void dwork_port_raise_softirq(void)
{
	unsigned int cpu = dwork_port_this_cpu();

	/*
	 * Only this CPU (thread or its IRQ handlers) consumes the flag, and
	 * it checks it before it sleeps.  Release: quiesce() on another
	 * thread reads it after the IRQ ring (acquire) and sees it.
	 */
	if (cpu < DWORK_NR_CPUS)
		__atomic_store_n(&dwork_posix_cpus[cpu].softirq, 1u,
				 __ATOMIC_RELEASE);
}

/*
 * NMI-safe: one atomic store to this CPU's flag, which only this vCPU
 * consumes (exchange); the "NMI" is a signal handler on the same thread
 * (dwork_posix_nmi_on()).
 */
#define dwork_port_raise_softirq_nmi() dwork_port_raise_softirq()

static inline void dwork_port_raise_softirq_on(unsigned int cpu)
{
	if (cpu >= DWORK_NR_CPUS)
		return;
	/*
	 * Seq_cst exchange: a release for what the caller wrote (the CPU's
	 * acquire exchange that clears the flag pairs with it), and an IPI
	 * only on the 0 -> 1 edge: if the flag was already set, the CPU has
	 * not cleared it yet and will see our work when it does.
	 */
	if (!__atomic_exchange_n(&dwork_posix_cpus[cpu].softirq, 1u,
				 __ATOMIC_SEQ_CST))
		dwork_posix_wake(cpu);
}

static inline void dwork_port_kick_idle(unsigned int cpu)
{
	if (cpu >= DWORK_NR_CPUS)
		return;
	/*
	 * The idle loop runs idle tasklets only when kicked.  Seq_cst: the
	 * CPU reads the flag after its wake-up doorbell; release for
	 * quiesce.  dwork kicks the calling CPU, which checks the flag before
	 * it sleeps; another CPU is woken.
	 */
	__atomic_store_n(&dwork_posix_cpus[cpu].idle, 1u, __ATOMIC_SEQ_CST);
	if (cpu != dwork_port_this_cpu())
		dwork_posix_wake(cpu);
}

static inline struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
{
	return &dwork_posix_dcpu[cpu];
}

static inline bool dwork_port_cpu_online(unsigned int cpu)
{
	return cpu < DWORK_NR_CPUS &&
	       __atomic_load_n(&dwork_posix_cpus[cpu].online, __ATOMIC_ACQUIRE);
}

static inline void dwork_port_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	dwork_posix_signal_fence();
#endif
	/*
	 * Now and then: yield (vCPUs may outnumber host cores) and adopt a
	 * dead CPU's work if cpu_down asked this CPU to (kill may be waiting
	 * for exactly that work).
	 */
	if (!(++dwork_posix_tls.relax & 63u))
		dwork_posix_relax_slow();
}

#define DWORK_PORT_ASSERT(cond, msg)                                       \
	((cond) ? (void)0 : dwork_posix_assert_fail(msg, __FILE__, __LINE__))

#ifdef __cplusplus
}
#endif

#endif /* DWORK_PORT_POSIX_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The five machine primitives the bare-metal port needs, for x86-64 and
 * AArch64 (kernel mode: EL1 / ring 0), and a hosted simulation
 * (BM_HOSTED) so that the same port runs as an ordinary program in the
 * test suite.
 *
 *   arch_irq_save()          disable IRQs, return the previous state
 *   arch_irq_restore(f)      restore the state arch_irq_save() returned
 *   arch_irqs_disabled()     are IRQs disabled?
 *   arch_wait_irq_enable()   with IRQs disabled: enable them and wait for
 *                            an interrupt, as one step (no lost wakeup);
 *                            returns with IRQs disabled again
 *   arch_cpu_relax()         spin-loop pause
 */
#ifndef BM_ARCH_H
#define BM_ARCH_H

#include <stdbool.h>

#if defined(BM_HOSTED)

/*
 * Hosted simulation: "IRQs disabled" is a variable and interrupts are
 * delivered by bm_sim_deliver() (hosted.c) only where real hardware could
 * deliver them with IRQs enabled: while waiting for an interrupt.
 */
extern unsigned long bm_sim_irq_off;
void bm_sim_deliver(void);

static inline unsigned long arch_irq_save(void)
{
	unsigned long f = bm_sim_irq_off;

	bm_sim_irq_off = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return f;
}

static inline void arch_irq_restore(unsigned long f)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	bm_sim_irq_off = f;
}

static inline bool arch_irqs_disabled(void)
{
	return bm_sim_irq_off != 0;
}

static inline void arch_wait_irq_enable(void)
{
	bm_sim_irq_off = 0;
	bm_sim_deliver();
	bm_sim_irq_off = 1;
}

static inline void arch_cpu_relax(void)
{
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

#elif defined(__x86_64__)

static inline unsigned long arch_irq_save(void)
{
	unsigned long f;

	/* The "memory" clobber is the compiler barrier port.h asks for. */
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) : : "memory");
	return f;
}

static inline void arch_irq_restore(unsigned long f)
{
	__asm__ volatile("pushq %0; popfq" : : "r"(f) : "memory", "cc");
}

static inline bool arch_irqs_disabled(void)
{
	unsigned long f;

	__asm__ volatile("pushfq; popq %0" : "=r"(f) : : "memory");
	return !(f & (1ul << 9));		/* RFLAGS.IF */
}

static inline void arch_wait_irq_enable(void)
{
	/* sti's one-instruction shadow makes "sti; hlt" atomic. */
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("pause" : : : "memory");
}

#elif defined(__aarch64__)

static inline unsigned long arch_irq_save(void)
{
	unsigned long f;

	__asm__ volatile("mrs %0, daif; msr daifset, #2" : "=r"(f) : : "memory");
	return f;
}

static inline void arch_irq_restore(unsigned long f)
{
	__asm__ volatile("msr daif, %0" : : "r"(f) : "memory");
}

static inline bool arch_irqs_disabled(void)
{
	unsigned long f;

	__asm__ volatile("mrs %0, daif" : "=r"(f) : : "memory");
	return (f & (1ul << 7)) != 0;		/* PSTATE.I */
}

static inline void arch_wait_irq_enable(void)
{
	/* WFI wakes on a pending IRQ even while it is masked; then take it. */
	__asm__ volatile("wfi; msr daifclr, #2; isb; msr daifset, #2"
			 : : : "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("yield" : : : "memory");
}

#else
#error "port-baremetal: add arch_* primitives for this architecture"
#endif

#endif /* BM_ARCH_H */

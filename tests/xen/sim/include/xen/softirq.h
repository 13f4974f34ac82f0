/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_SOFTIRQ_H
#define SIM_XEN_SOFTIRQ_H
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/bitops.h>
#include <asm/hardirq.h>

/* Xen's common softirqs, in Xen's (priority) order. */
enum {
	TIMER_SOFTIRQ = 0,
	RCU_SOFTIRQ,
	SCHED_SLAVE_SOFTIRQ,
	SCHEDULE_SOFTIRQ,
	NEW_TLBFLUSH_CLOCK_PERIOD_SOFTIRQ,
	TASKLET_SOFTIRQ,
	NR_SOFTIRQS
};

typedef void (*softirq_handler)(void);

void open_softirq(int nr, softirq_handler handler);
void raise_softirq(unsigned int nr);
void cpu_raise_softirq(unsigned int cpu, unsigned int nr);
void cpu_raise_softirq_batch_begin(void);
void cpu_raise_softirq_batch_finish(void);
void do_softirq(void);
void process_pending_softirqs(void);
#endif

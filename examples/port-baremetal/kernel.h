/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The kernel side of the bare-metal port: what a kernel adds around dwork
 * besides the hooks (kernel.c).
 */
#ifndef BM_KERNEL_H
#define BM_KERNEL_H

#include <dwork/dwork.h>

/* Boot: bring CPU 0 up in dwork.  Call once, before the first raise. */
void bm_boot(void);

/*
 * Interrupt entry: the architecture's vector stub calls this with IRQs
 * disabled; it marks the CPU as "in IRQ" around the device handler.
 */
void bm_irq(void (*handler)(void *arg), void *arg);

/*
 * The main/idle loop: runs the dwork softirq when it is pending, idle
 * tasklets one at a time otherwise, and waits for an interrupt when there
 * is nothing to do.  Returns when @stop (may be NULL) returns true while
 * nothing is pending.
 */
void bm_run(bool (*stop)(void));

#endif /* BM_KERNEL_H */

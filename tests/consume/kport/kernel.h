/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef KPORT_KERNEL_H
#define KPORT_KERNEL_H

extern unsigned int kport_softirq_pending;

/* Run the kernel's dwork self-test: 0 when it passed, else a step number. */
int kernel_selftest(void);

#endif /* KPORT_KERNEL_H */

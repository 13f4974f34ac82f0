/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_CPU_H
#define SIM_XEN_CPU_H
#include <xen/notifier.h>

void register_cpu_notifier(struct notifier_block *nb);

/* Values as in Xen's xen/cpu.h. */
#define CPU_UP_PREPARE    (0x0001 | NOTIFY_FORWARD)
#define CPU_UP_CANCELED   (0x0002 | NOTIFY_REVERSE)
#define CPU_STARTING      (0x0003 | NOTIFY_FORWARD)
#define CPU_ONLINE        (0x0004 | NOTIFY_FORWARD)
#define CPU_DOWN_PREPARE  (0x0005 | NOTIFY_REVERSE)
#define CPU_DOWN_FAILED   (0x0006 | NOTIFY_FORWARD)
#define CPU_DYING         (0x0007 | NOTIFY_REVERSE)
#define CPU_DEAD          (0x0008 | NOTIFY_REVERSE)
#endif

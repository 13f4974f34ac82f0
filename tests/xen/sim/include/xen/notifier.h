/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_NOTIFIER_H
#define SIM_XEN_NOTIFIER_H

struct notifier_block {
	int (*notifier_call)(struct notifier_block *nfb, unsigned long action,
			     void *hcpu);
	struct notifier_block *sim_next;
	int priority;
};

#define NOTIFY_DONE    0x0000
#define NOTIFY_FORWARD 0x0000
#define NOTIFY_REVERSE 0x8000
#endif

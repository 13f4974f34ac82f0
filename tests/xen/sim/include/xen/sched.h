/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_SCHED_H
#define SIM_XEN_SCHED_H
#include <xen/types.h>
#include <xen/tasklet.h>

struct domain {
	int refcnt;
};

void sync_local_execstate(void);
void get_knownalive_domain(struct domain *d);
void put_domain(struct domain *d);
#endif

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stand-in for Xen's <xen/sched.h> in the explorer: a domain is a
 * reference count.  get_knownalive_domain() and put_domain() are atomic
 * read-modify-writes, so each is a scheduling point (tests/model/sim.c,
 * which also checks that no reference is dropped that was not taken).
 */
#ifndef MODEL_XEN_SCHED_H
#define MODEL_XEN_SCHED_H

struct domain {
	const char *name;
	int refcnt;
};

void get_knownalive_domain(struct domain *d);
void put_domain(struct domain *d);

#endif /* MODEL_XEN_SCHED_H */

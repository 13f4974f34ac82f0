/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers for the CMocka "unit" suite on the deterministic test port.
 *
 * A struct uobj carries one item and one tasklet plus a record of every run:
 * how many, on which CPU, whether two callbacks of the same object were ever
 * in progress at once, and whether a callback ran with IRQs off or inside an
 * IRQ.  Every run is also appended to a global log (object id, CPU) so tests
 * can check order.  An optional @during hook runs inside the callback.
 */
#ifndef DWORK_UNIT_H
#define DWORK_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dwork/dwork.h>
#include "testport.h"

#define U_NR_CPUS 4  /* CPUs a test starts with (tp_reset(U_NR_CPUS)) */
#define U_LOG_MAX 4096

struct uobj {
	struct dwork_item item;
	struct dwork_tasklet tl;
	unsigned int id;
	unsigned int runs;
	unsigned int active;    /* callbacks of this object in progress */
	unsigned int overlaps;  /* a callback started while one was active */
	unsigned int bad_ctx;   /* callback ran with IRQs off or in IRQ */
	unsigned int last_cpu;
	unsigned int accepted;  /* accepted by u_sched/u_raise */
	bool owed;              /* accepted since the last callback started */
	void (*during)(struct uobj *o); /* called inside the callback */
	int ret[4];             /* scratch for @during */
	unsigned int n;         /* scratch for @during */
	void *ctx;              /* scratch for @during */
};

struct u_log_ent {
	unsigned int id;
	unsigned int cpu;
};

extern struct u_log_ent u_log[U_LOG_MAX];
extern unsigned int u_log_n;

/* Prepare @o with id @id: an item, and a tasklet of kind @kind. */
void u_obj_init(struct uobj *o, unsigned int id, enum dwork_tasklet_kind kind);

/* The callbacks u_obj_init installs (for tests that re-init). */
void u_item_fn(struct dwork_item *it);
void u_tasklet_fn(void *data);

/*
 * Relax hook installed by u_setup(): counts calls and fails the test after
 * U_RELAX_LIMIT of them (a kill that would spin forever), unless a test
 * installs its own via u_relax_step.
 */
#define U_RELAX_LIMIT 10000
extern void (*u_relax_step)(unsigned int nth);

/* CMocka group setup/teardown: tp_reset(U_NR_CPUS), clear the log. */
int u_setup(void **state);
int u_teardown(void **state);
/* Failed DWORK_PORT_ASSERTs a test expects (checked by u_teardown). */
extern unsigned int u_expected_asserts;

/* Play every CPU's softirq and idle loop until nothing is left anywhere. */
void u_quiesce(void);

/*
 * Check every online CPU's lists: head/tail/prev/next consistent, no
 * cycle, and no node on two lists (or twice on one).  Returns 0 if sound,
 * else a description of the first problem.
 */
const char *u_lists_check(void);
#define assert_lists_sound()                                               \
	do {                                                               \
		const char *why_ = u_lists_check();                        \
		if (why_)                                                  \
			fail_msg("list corruption: %s", why_);             \
	} while (0)

/* How many times @o appears on the lists of @cpu (sirq + idle). */
unsigned int u_linked_on(const struct uobj *o, unsigned int cpu);

/* Position (0-based) of the @nth run of object @id in the log, or -1. */
int u_log_pos(unsigned int id, unsigned int nth);

/*
 * Accounting wrappers: schedule/raise/cancel/kill that keep @o->owed and
 * @o->accepted up to date, so a test can check "every accepted schedule
 * is answered by a run that starts after it" (owed is cleared when a
 * callback starts) and "no more runs than accepted schedules".
 */
int u_sched(struct uobj *o, unsigned int cpu);   /* tasklet */
bool u_raise(struct uobj *o, unsigned int cpu);  /* item */
void u_cancel(struct uobj *o);                   /* item */
int u_kill(struct uobj *o);                      /* tasklet */

/* Read a CPU's counters (asserting success). */
struct dwork_stats u_stats(unsigned int cpu);

#define U_CPU(cpu) tp_switch(cpu)

#endif /* DWORK_UNIT_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared helpers of the xen suite: recording tasklet callbacks. */
#ifndef XENTEST_H
#define XENTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <dwork/dwork.h>
#include "sim.h"

struct rec {
	unsigned int id;
	unsigned int runs;
	unsigned int cpu;       /* CPU of the last run */
	bool running;
	void (*hook)(struct rec *r); /* called from inside the callback */
	struct tasklet *self;
};

/* Order in which recorded callbacks ran (ids). */
static unsigned int run_log[1024];
static unsigned int run_log_n;

static inline void cf_check rec_fn(void *data)
{
	struct rec *r = data;

	assert_false(r->running); /* never concurrently, never nested */
	r->running = true;
	r->runs++;
	r->cpu = smp_processor_id();
	if (run_log_n < 1024)
		run_log[run_log_n++] = r->id;
	if (r->hook)
		r->hook(r);
	r->running = false;
}

static inline void rec_reset(struct rec *r, unsigned int id)
{
	memset(r, 0, sizeof(*r));
	r->id = id;
}

static inline unsigned int raised(unsigned int cpu, unsigned int nr)
{
	return sim_cpus[cpu].raised[nr];
}

static inline bool pending(unsigned int cpu, unsigned int nr)
{
	return (sim_cpus[cpu].pending >> nr) & 1;
}

/* Boot as x86 __start_xen does: subsystems, then the secondary CPUs. */
static inline int boot4(void **state)
{
	(void)state;
	sim_power_on();
	tasklet_subsys_init();
	sim_smp_boot(4);
	return 0;
}

static inline int test_setup(void **state)
{
	(void)state;
	run_log_n = 0;
	sim_on(0);
	sim_settle();
	return 0;
}

static inline int test_teardown(void **state)
{
	(void)state;
	sim_on(0);
	sim_settle();
	assert_int_equal(sim_bugs, 0);
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)

#endif

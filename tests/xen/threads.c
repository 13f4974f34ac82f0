// SPDX-License-Identifier: BSD-2-Clause
/* The real-thread driver of the xen suite (threads.h). */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include "sim.h"
#include "threads.h"

#define XT_MAX_CPUS 8

static unsigned int xt_ncpu, xt_ops;
static void (*xt_op)(unsigned int cpu, unsigned int *seed);
static unsigned int stop, done_threads, started;

unsigned int xt_rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void *cpu_thread(void *arg)
{
	unsigned int cpu = (unsigned int)(unsigned long)arg;
	unsigned int seed = cpu * 2654435761u + 1, i;

	sim_on(cpu);
	/* Start together, so that the CPUs really overlap. */
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < xt_ncpu)
		sched_yield();
	for (i = 0; i < xt_ops; i++) {
		xt_op(cpu, &seed);
		sim_idle(cpu);
		/* 2 host cores, 4 CPUs: without this a thread's whole loop
		 * fits in one time slice and the CPUs barely overlap. */
		if ((i & 7) == 0)
			sched_yield();
	}
	__atomic_fetch_add(&done_threads, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&stop, __ATOMIC_SEQ_CST)) {
		if (!sim_idle(cpu))
			sched_yield();
	}
	return NULL;
}

/* No softirq pending on any CPU, and the test's own @quiet. */
static bool all_quiet(bool (*quiet)(void))
{
	unsigned int i;

	for (i = 0; i < xt_ncpu; i++)
		if (__atomic_load_n(&sim_cpus[i].pending, __ATOMIC_SEQ_CST))
			return false;
	return quiet();
}

static void noop_relax(void *arg)
{
	(void)arg;
	sched_yield();
}

bool xt_run_cpus(unsigned int ncpu, unsigned int ops,
		 void (*op)(unsigned int cpu, unsigned int *seed),
		 bool (*quiet)(void))
{
	pthread_t th[XT_MAX_CPUS];
	unsigned int i, q = 0, looks = 0;

	if (ncpu > XT_MAX_CPUS)
		abort();
	xt_ncpu = ncpu;
	xt_ops = ops;
	xt_op = op;
	sim_relax_hook = noop_relax; /* the other CPUs really run */
	for (i = 0; i < ncpu; i++)
		if (pthread_create(&th[i], NULL, cpu_thread,
				   (void *)(unsigned long)i) != 0)
			abort();
	/*
	 * Quiet must hold on many consecutive looks, after all are done.
	 * Only looks after that count towards the bound, so how fast the
	 * CPUs get through their operations cannot matter.
	 */
	while (q < XT_QUIET_LOOKS && looks < XT_MAX_LOOKS) {
		if (__atomic_load_n(&done_threads, __ATOMIC_SEQ_CST) == ncpu) {
			looks++;
			q = all_quiet(quiet) ? q + 1 : 0;
		}
		sched_yield();
	}
	__atomic_store_n(&stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < ncpu; i++)
		pthread_join(th[i], NULL);
	return q == XT_QUIET_LOOKS;
}

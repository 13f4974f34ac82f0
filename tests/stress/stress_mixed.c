// SPDX-License-Identifier: BSD-2-Clause
/*
 * Stress: random mixed operations over many tasklets (both kinds) and items
 * on the POSIX runtime, from task context (run_on), hard IRQs (irq_on) and
 * host threads, with CPU hotplug and kill/re-init, for a bounded time.
 *
 * Per object it checks, with no timing assumption:
 *   - never an overlap: a callback never starts while another run of the
 *     same object is in progress (atomic in-flight counter);
 *   - never a lost run: after quiesce, the last run of every object started
 *     after the newest accepted schedule was issued (each schedule is
 *     preceded by a ticket increment, which the ordering rule of tasklet.h
 *     makes visible to the run that follows it);
 *   - never more runs than accepted schedules.
 * Kill (tasklets) and cancel (items) are done under a per-object "closing"
 * gate: schedulers (IRQ handlers included) register with an atomic user
 * count and skip a closing object, so the bookkeeping can be reset exactly.
 *
 * Usage: stress_mixed [seconds] [cpus] [seed]   (env DWORK_STRESS_SECONDS)
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

#include "stress_common.h"

#define NR_TASKLETS 24
#define NR_ITEMS    16
#define NR_OBJS     (NR_TASKLETS + NR_ITEMS)
#define NR_DRIVERS  3

struct obj {
	int is_item;
	struct dwork_tasklet t;
	struct dwork_item it;
	atomic_uint inflight;
	atomic_ulong ticket;      /* issued before each schedule attempt */
	atomic_ulong last_acc;    /* newest ticket whose schedule was accepted */
	atomic_ulong max_seen;    /* newest ticket seen at a run's start */
	atomic_ulong accepted;
	atomic_ulong runs;
	atomic_uint users;        /* schedulers inside the gate */
	atomic_uint closing;
	atomic_uint tearing;      /* one teardown at a time */
};

static struct obj objs[NR_OBJS];
static unsigned int nr_cpus;
static atomic_ulong overlaps, excess, refused_enodev, kills, cancels,
	hotplugs, irq_ops, task_ops, host_ops;
static atomic_int stop_flag;
static atomic_uint cpu_is_up[DWORK_NR_CPUS];

static void body(struct obj *o)
{
	unsigned long seen = atomic_load(&o->ticket);
	unsigned int i;

	if (atomic_fetch_add(&o->inflight, 1) != 0)
		atomic_fetch_add(&overlaps, 1);
	atomic_max(&o->max_seen, seen);
	atomic_fetch_add(&o->runs, 1);
	for (i = 0; i < 50; i++)
		atomic_signal_fence(memory_order_seq_cst);
	atomic_fetch_sub(&o->inflight, 1);
}

static void tasklet_fn(void *data)
{
	body(data);
}

static void item_fn(struct dwork_item *it)
{
	body((struct obj *)((char *)it - offsetof(struct obj, it)));
}

/* Schedule object @o on @cpu from any context; async-signal-safe. */
static void sched_one(struct obj *o, unsigned int cpu, int local)
{
	unsigned long tk;
	int ok;

	atomic_fetch_add(&o->users, 1);
	if (atomic_load(&o->closing)) {
		atomic_fetch_sub(&o->users, 1);
		return;
	}
	tk = atomic_fetch_add(&o->ticket, 1) + 1;
	if (o->is_item) {
		/* DWORK_QUEUED or absorbed (0): a run follows, as for tasklets. */
		int rc = local ? dwork_item_raise(&o->it)
			       : dwork_item_raise_on(&o->it, cpu);
		ok = rc >= 0;
		if (rc == DWORK_ENODEV)
			atomic_fetch_add(&refused_enodev, 1);
	} else {
		int rc = local ? dwork_tasklet_schedule(&o->t)
			       : dwork_tasklet_schedule_on(&o->t, cpu);
		ok = rc == 0;
		if (rc == DWORK_ENODEV)
			atomic_fetch_add(&refused_enodev, 1);
	}
	if (ok) {
		atomic_fetch_add(&o->accepted, 1);
		atomic_max(&o->last_acc, tk);
	}
	atomic_fetch_sub(&o->users, 1);
}

struct op {
	unsigned int seed;
	unsigned int n;
};

/*
 * A burst of schedules.  Runs in task context (run_on) or hard IRQ
 * (irq_on) on a vCPU, or on a host thread.
 */
static void burst(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg, i;

	for (i = 0; i < 8; i++) {
		struct obj *o = &objs[rnd(&seed) % NR_OBJS];
		unsigned int cpu = rnd(&seed) % nr_cpus;
		int local = (rnd(&seed) & 3) == 0 &&
			    dwork_posix_this_cpu() >= 0;

		sched_one(o, cpu, local);
	}
}

static void close_gate(struct obj *o)
{
	atomic_store(&o->closing, 1);
	while (atomic_load(&o->users))
		sched_yield();
}

static void reset_books(struct obj *o)
{
	atomic_store(&o->last_acc, 0);
	atomic_store(&o->max_seen, 0);
	atomic_store(&o->accepted, 0);
	atomic_store(&o->runs, 0);
	atomic_store(&o->ticket, 0);
}

/* Kill + re-init a tasklet, or cancel an item and wait until idle. */
static void teardown(struct obj *o)
{
	unsigned int zero = 0;

	if (!atomic_compare_exchange_strong(&o->tearing, &zero, 1))
		return;
	close_gate(o);
	if (o->is_item) {
		dwork_item_cancel(&o->it);
		while (dwork_item_busy(&o->it) == DWORK_EAGAIN)
			sched_yield();
		atomic_fetch_add(&cancels, 1);
	} else {
		enum dwork_tasklet_kind k = o->t.node.kind == DWORK_KIND_IDLE
						    ? DWORK_TASKLET_IDLE
						    : DWORK_TASKLET_SOFTIRQ;

		if (dwork_tasklet_kill(&o->t) != 0)
			abort();
		if (dwork_tasklet_schedule_on(&o->t, 0) != DWORK_ESHUTDOWN)
			abort();
		dwork_tasklet_init(&o->t, tasklet_fn, o, k);
		atomic_fetch_add(&kills, 1);
	}
	if (atomic_load(&o->inflight))
		atomic_fetch_add(&overlaps, 1);
	reset_books(o);
	atomic_store(&o->closing, 0);
	atomic_store(&o->tearing, 0);
}

static void task_teardown(void *arg)
{
	teardown(arg);
}

static unsigned int online_cpu(unsigned int *seed)
{
	return stress_online_cpu(cpu_is_up, nr_cpus, seed);
}

static void *driver(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop_flag)) {
		unsigned int r = rnd(&seed) % 100;
		unsigned int cpu = online_cpu(&seed);
		void *a = (void *)(uintptr_t)rnd(&seed);

		if (r < 40) {
			if (dwork_posix_irq_on(cpu, burst, a) == 0)
				atomic_fetch_add(&irq_ops, 1);
		} else if (r < 70) {
			if (dwork_posix_run_on(cpu, burst, a) == 0)
				atomic_fetch_add(&task_ops, 1);
		} else if (r < 90) {
			burst(a);
			atomic_fetch_add(&host_ops, 1);
		} else if (r < 95) {
			struct obj *o = &objs[rnd(&seed) % NR_OBJS];

			/*
			 * Items are torn down from a host thread only: a
			 * busy-wait in task context on the CPU the item is
			 * queued on could never end (that is what
			 * dwork_item_busy()'s continuation style is for).
			 */
			if (o->is_item || (rnd(&seed) & 1))
				teardown(o);
			else if (dwork_posix_run_on(cpu, task_teardown, o) != 0)
				teardown(o);
		} else {
			sched_yield();
		}
	}
	return NULL;
}

static void *hotplugger(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop_flag)) {
		unsigned int c = 1 + rnd(&seed) % (nr_cpus - 1);

		if (atomic_load(&cpu_is_up[c])) {
			atomic_store(&cpu_is_up[c], 0);
			if (dwork_posix_cpu_down(c) != 0)
				atomic_store(&cpu_is_up[c], 1);
		} else if (dwork_posix_cpu_up(c) == 0) {
			atomic_store(&cpu_is_up[c], 1);
		}
		atomic_fetch_add(&hotplugs, 1);
		for (unsigned int i = 0; i < 200; i++)
			sched_yield();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double secs = 5, t0;
	unsigned int seed = 12345, i, fails = 0;
	unsigned long total_runs = 0, total_acc = 0;
	pthread_t th[NR_DRIVERS + 1];

	stress_args(argc, argv, &secs, &nr_cpus, &seed, 3);

	for (i = 0; i < NR_OBJS; i++) {
		struct obj *o = &objs[i];

		o->is_item = i >= NR_TASKLETS;
		if (o->is_item)
			dwork_item_init(&o->it, item_fn);
		else
			dwork_tasklet_init(&o->t, tasklet_fn, o,
					   (i & 1) ? DWORK_TASKLET_IDLE
						   : DWORK_TASKLET_SOFTIRQ);
	}
	if (dwork_posix_start(nr_cpus) != 0) {
		fprintf(stderr, "start failed\n");
		return 1;
	}
	for (i = 0; i < nr_cpus; i++)
		atomic_store(&cpu_is_up[i], 1);

	printf("stress_mixed: %.1f s, %u cpus, seed %u\n", secs, nr_cpus, seed);
	t0 = now();
	for (i = 0; i < NR_DRIVERS; i++)
		pthread_create(&th[i], NULL, driver,
			       (void *)(uintptr_t)(seed + i * 7919));
	pthread_create(&th[NR_DRIVERS], NULL, hotplugger,
		       (void *)(uintptr_t)(seed ^ 0x5a5a));
	while (now() - t0 < secs)
		sched_yield(), (void)0;
	atomic_store(&stop_flag, 1);
	for (i = 0; i <= NR_DRIVERS; i++)
		pthread_join(th[i], NULL);
	for (i = 1; i < nr_cpus; i++)
		if (!atomic_load(&cpu_is_up[i]) && dwork_posix_cpu_up(i) == 0)
			atomic_store(&cpu_is_up[i], 1);
	dwork_posix_quiesce();

	for (i = 0; i < NR_OBJS; i++) {
		struct obj *o = &objs[i];
		unsigned long runs = atomic_load(&o->runs);
		unsigned long acc = atomic_load(&o->accepted);

		total_runs += runs;
		total_acc += acc;
		if (atomic_load(&o->max_seen) < atomic_load(&o->last_acc)) {
			fprintf(stderr,
				"LOST RUN: obj %u last accepted ticket %lu, newest run saw %lu\n",
				i, atomic_load(&o->last_acc),
				atomic_load(&o->max_seen));
			fails++;
		}
		if (runs > acc) {
			fprintf(stderr, "EXCESS RUNS: obj %u runs %lu accepted %lu\n",
				i, runs, acc);
			atomic_fetch_add(&excess, 1);
			fails++;
		}
	}
	if (atomic_load(&overlaps)) {
		fprintf(stderr, "OVERLAP: %lu concurrent runs\n",
			atomic_load(&overlaps));
		fails++;
	}
	dwork_posix_stop();
	printf("ops: irq %lu task %lu host %lu; kills %lu cancels %lu hotplug %lu enodev %lu\n",
	       atomic_load(&irq_ops), atomic_load(&task_ops),
	       atomic_load(&host_ops), atomic_load(&kills),
	       atomic_load(&cancels), atomic_load(&hotplugs),
	       atomic_load(&refused_enodev));
	printf("runs %lu, accepted %lu (since each object's last reset)\n",
	       total_runs, total_acc);
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU hotplug with work in flight.
 *
 * Interrupts on CPUs 0 and 1 keep raising items on every CPU, CPU 3
 * included, and keep re-targeting a tasklet to CPU 3, while the main
 * thread takes CPU 3 down and brings it back, several times.
 * dwork_posix_cpu_down() parks CPU 3 and calls dwork_cpu_dead(3) on another
 * CPU, which adopts everything CPU 3 had pending or was fed (Xen lost
 * exactly this work before its fix 29555668b5).  While CPU 3 is down,
 * raises and schedules for it return DWORK_ENODEV: refused
 * work is never queued and never runs.
 *
 * Checks (exit status): for every item, the number of callback runs
 * equals the number of raises that returned DWORK_QUEUED, i.e. nothing
 * accepted was lost and nothing ran twice; callbacks never ran on an
 * offline CPU.
 * The per-CPU "migrated" counters show how much work moved (that number
 * depends on timing and is only printed).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

#define NR_CPUS		4
#define VICTIM		3
#define NR_ITEMS	32
#define IRQS		4000
#define CYCLES		6

struct work {
	struct dwork_item item;		/* first member: cast back below */
	atomic_ulong accepted;		/* raises that returned DWORK_QUEUED */
	atomic_ulong runs;
};

static struct work works[NR_ITEMS];
static atomic_ulong refused, on_offline_cpu, tasklet_runs, tasklet_nodev;
static atomic_int victim_online = 1;

static void work_fn(struct dwork_item *it)
{
	struct work *w = (struct work *)it;

	if (dwork_posix_this_cpu() == VICTIM &&
	    !atomic_load(&victim_online))
		atomic_fetch_add(&on_offline_cpu, 1);
	atomic_fetch_add(&w->runs, 1);
}

static void tasklet_fn(void *arg)
{
	(void)arg;
	atomic_fetch_add(&tasklet_runs, 1);
}

static struct dwork_tasklet roamer =
	DWORK_SOFTIRQ_TASKLET_INIT(tasklet_fn, NULL);

/* Hard IRQ on CPU 0 or 1: raise an item somewhere, move the tasklet. */
static void irq(void *arg)
{
	unsigned long n = (unsigned long)arg;
	struct work *w = &works[n % NR_ITEMS];
	unsigned int cpu = (unsigned int)(n / NR_ITEMS) % NR_CPUS;

	if (dwork_item_raise_on(&w->item, cpu) > 0)
		atomic_fetch_add(&w->accepted, 1);
	else
		atomic_fetch_add(&refused, 1);	/* pending (0), or CPU 3 down */
	if (dwork_tasklet_schedule_on(&roamer, n % 2 ? VICTIM : 2) ==
	    DWORK_ENODEV)
		atomic_fetch_add(&tasklet_nodev, 1);
}

static void *device(void *arg)
{
	unsigned int cpu = (unsigned int)(unsigned long)arg;

	for (unsigned long i = 0; i < IRQS; i++)
		if (dwork_posix_irq_on(cpu, irq, (void *)(i * 2 + cpu)) != 0)
			abort();
	return NULL;
}

int main(void)
{
	pthread_t dev[2];
	unsigned long accepted = 0, runs = 0, migrated = 0;
	int bad = 0, downs = 0;

	for (int i = 0; i < NR_ITEMS; i++)
		dwork_item_init(&works[i].item, work_fn);
	switch (dwork_posix_start(NR_CPUS)) {
	case 0:
		break;
	case DWORK_EINVAL:
		return 77;	/* skip: built with fewer CPUs */
	default:
		return 1;
	}

	for (unsigned long c = 0; c < 2; c++)
		pthread_create(&dev[c], NULL, device, (void *)c);
	for (int i = 0; i < CYCLES; i++) {
		if (dwork_posix_cpu_down(VICTIM) == 0)
			downs++;
		/*
		 * CPU 3 is parked now: nothing may run there until it is up
		 * again, and the interrupts meanwhile get refusals.  (The
		 * pause only gives them time; no check depends on it.)
		 */
		atomic_store(&victim_online, 0);
		nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
		atomic_store(&victim_online, 1);
		dwork_posix_cpu_up(VICTIM);
	}
	for (int c = 0; c < 2; c++)
		pthread_join(dev[c], NULL);
	dwork_posix_quiesce();

	for (int i = 0; i < NR_ITEMS; i++) {
		unsigned long a = atomic_load(&works[i].accepted);
		unsigned long r = atomic_load(&works[i].runs);

		if (a != r) {
			printf("FAIL: item %d accepted %lu runs %lu\n", i, a, r);
			bad = 1;
		}
		accepted += a;
		runs += r;
	}
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		struct dwork_stats st;

		dwork_cpu_stats(c, &st);
		printf("cpu%u: run %lu fed %lu migrated %lu forwarded %lu "
		       "dropped %lu\n", c, st.run, st.fed, st.migrated,
		       st.forwarded, st.dropped);
		migrated += st.migrated;
	}
	dwork_posix_stop();

	printf("hotplug: %d down/up cycles of cpu%d under load; items: %lu "
	       "accepted, %lu run, %lu refused or coalesced; tasklet: %lu "
	       "runs, %lu schedules refused (cpu down); %lu nodes migrated\n",
	       downs, VICTIM, accepted, runs, atomic_load(&refused),
	       atomic_load(&tasklet_runs), atomic_load(&tasklet_nodev),
	       migrated);
	if (downs != CYCLES) {
		printf("FAIL: cpu_down failed\n");
		bad = 1;
	}
	if (atomic_load(&on_offline_cpu)) {
		printf("FAIL: a callback ran on an offline CPU\n");
		bad = 1;
	}
	return bad;
}

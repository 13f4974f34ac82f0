// SPDX-License-Identifier: BSD-2-Clause
/*
 * Stress: hotplug against kills from IRQs, on the POSIX runtime, for a
 * bounded time.  The scenarios of an adversarial review:
 *   - kills from hard IRQs while CPUs go down (the hotplugger posts an IRQ
 *     kill to every online CPU right before each cpu_down);
 *   - IRQs posted by vCPUs in task context (irq_on from a run_on callback,
 *     to other CPUs and to itself);
 *   - adopter chains: any CPU may go down, CPU 0 included, as long as one
 *     stays up, and the runtime's adopter is the lowest-numbered online
 *     CPU, so work of CPU 0 goes to 1, then 1's (with 0's) to 2, ...;
 *   - CPUs coming back while work for them is in flight: schedules target
 *     random CPUs, online or not, from every context, while CPUs go down
 *     and up with no pause;
 *   - frees right after kill: heap tasklets are killed, poisoned and freed
 *     at once (task context or host thread), so a run or any access by
 *     dwork after kill returned is a use-after-free for ASan, and a crash
 *     on the poisoned callback pointer without it.
 *
 * Checks, with no timing assumption: no callback overlaps another run of
 * its object; no object runs more often than it was accepted; no accepted
 * schedule of a static object is lost (ticket scheme of stress_mixed.c);
 * every kill returns; nothing deadlocks (a watchdog turns a hang at the
 * end into a failure with a message).
 *
 * Usage: stress_hotplug_irq [seconds] [cpus] [seed] (env DWORK_STRESS_SECONDS)
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

#include "stress_common.h"

#define NR_STATIC 16 /* tasklets, both kinds, killed from IRQ and re-inited */
#define NR_HEAP   8  /* heap tasklets, killed and freed */
#define NR_DRIVERS 3

struct obj {
	struct dwork_tasklet t;
	enum dwork_tasklet_kind kind;
	atomic_uint inflight;
	atomic_ulong ticket;      /* issued before each schedule attempt */
	atomic_ulong last_acc;    /* newest ticket whose schedule was accepted */
	atomic_ulong max_seen;    /* newest ticket seen at a run's start */
	atomic_ulong accepted;
	atomic_ulong runs;
};

/* A gate: schedulers enter (users) unless the object is being killed. */
struct gate {
	atomic_uint users;
	atomic_uint closing;
};

static struct obj statics[NR_STATIC];
static struct gate sgate[NR_STATIC];
static struct obj *_Atomic heap[NR_HEAP];
static struct gate hgate[NR_HEAP];
static unsigned int nr_cpus;
static atomic_ulong overlaps, excess, irq_kills, irq_kill_deadlk, frees,
	hotplugs, downs_cpu0, chain_downs, vcpu_posts, scheds, accepted_all;
static atomic_int stop_flag;
static atomic_uint cpu_is_up[DWORK_NR_CPUS];

static void body(void *data)
{
	struct obj *o = data;
	unsigned long seen = atomic_load(&o->ticket);
	unsigned int i;

	if (atomic_fetch_add(&o->inflight, 1) != 0)
		atomic_fetch_add(&overlaps, 1);
	atomic_max(&o->max_seen, seen);
	atomic_fetch_add(&o->runs, 1);
	for (i = 0; i < 30; i++)
		atomic_signal_fence(memory_order_seq_cst);
	atomic_fetch_sub(&o->inflight, 1);
}

static bool gate_enter(struct gate *g)
{
	atomic_fetch_add(&g->users, 1);
	if (atomic_load(&g->closing)) {
		atomic_fetch_sub(&g->users, 1);
		return false;
	}
	return true;
}

static void gate_leave(struct gate *g)
{
	atomic_fetch_sub(&g->users, 1);
}

/*
 * Close @g: false if someone else is closing it, or, when @wait is false
 * (vCPU context: a user may be below us on this CPU, or in an IRQ on
 * another CPU that spins in a kill waiting for this one), if it has users.
 * Seq_cst: a user that enters after our check sees closing and backs out.
 */
static bool gate_close(struct gate *g, bool wait)
{
	unsigned int zero = 0;

	if (!atomic_compare_exchange_strong(&g->closing, &zero, 1))
		return false;
	while (atomic_load(&g->users)) {
		if (!wait) {
			atomic_store(&g->closing, 0);
			return false;
		}
		sched_yield();
	}
	return true;
}

static void gate_open(struct gate *g)
{
	atomic_store(&g->closing, 0);
}

/* Schedule @o (inside its gate) on @cpu; async-signal-safe. */
static void sched_obj(struct obj *o, unsigned int cpu)
{
	unsigned long tk = atomic_fetch_add(&o->ticket, 1) + 1;

	atomic_fetch_add(&scheds, 1);
	if (dwork_tasklet_schedule_on(&o->t, cpu) == 0) {
		atomic_fetch_add(&o->accepted, 1);
		atomic_fetch_add(&accepted_all, 1);
		atomic_max(&o->last_acc, tk);
	}
}

/* A burst of schedules to random CPUs, online or not; any context. */
static void burst(unsigned int seed)
{
	unsigned int i;

	for (i = 0; i < 6; i++) {
		unsigned int r = rnd(&seed);
		unsigned int cpu = rnd(&seed) % nr_cpus;

		if (r & 1) {
			unsigned int k = (r >> 1) % NR_STATIC;

			if (gate_enter(&sgate[k])) {
				sched_obj(&statics[k], cpu);
				gate_leave(&sgate[k]);
			}
		} else {
			unsigned int k = (r >> 1) % NR_HEAP;

			if (gate_enter(&hgate[k])) {
				struct obj *o = atomic_load(&heap[k]);

				if (o)
					sched_obj(o, cpu);
				gate_leave(&hgate[k]);
			}
		}
	}
}

static void reset_books(struct obj *o)
{
	atomic_store(&o->last_acc, 0);
	atomic_store(&o->max_seen, 0);
	atomic_store(&o->accepted, 0);
	atomic_store(&o->runs, 0);
	atomic_store(&o->ticket, 0);
}

static void check_killed(struct obj *o)
{
	if (atomic_load(&o->inflight))
		atomic_fetch_add(&overlaps, 1);
	if (atomic_load(&o->runs) > atomic_load(&o->accepted))
		atomic_fetch_add(&excess, 1);
}

/*
 * Hard IRQ: kill a static tasklet (it may be queued on a CPU going down)
 * and re-init it.  DWORK_EDEADLK if its callback runs below us on this CPU:
 * then nothing happened and it stays as it was.
 */
static void irq_kill(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	unsigned int k = rnd(&seed) % NR_STATIC;
	struct obj *o = &statics[k];
	int rc;

	burst(seed);
	if (!gate_close(&sgate[k], false))
		return;
	rc = dwork_tasklet_kill(&o->t);
	if (rc == DWORK_EDEADLK) {
		atomic_fetch_add(&irq_kill_deadlk, 1);
	} else if (rc == 0) {
		check_killed(o);
		dwork_tasklet_init(&o->t, body, o, o->kind);
		reset_books(o);
		atomic_fetch_add(&irq_kills, 1);
	} else {
		abort();
	}
	gate_open(&sgate[k]);
}

static void irq_burst(void *arg)
{
	burst((unsigned int)(uintptr_t)arg);
}

/*
 * Kill a heap tasklet, poison and free it, put a new one in its slot.
 * @wait: may wait for the slot's schedulers (host threads only).
 */
static void recycle(unsigned int k, unsigned int seed, bool wait)
{
	struct obj *o, *n;

	if (!gate_close(&hgate[k], wait))
		return;
	o = atomic_load(&heap[k]);
	if (dwork_tasklet_kill(&o->t) != 0)
		abort();
	check_killed(o);
	memset(o, 0xa5, sizeof(*o)); /* a run after kill calls garbage */
	free(o);
	atomic_fetch_add(&frees, 1);
	n = calloc(1, sizeof(*n));
	if (!n)
		abort();
	n->kind = (seed & 1) ? DWORK_TASKLET_IDLE : DWORK_TASKLET_SOFTIRQ;
	dwork_tasklet_init(&n->t, body, n, n->kind);
	atomic_store(&heap[k], n);
	gate_open(&hgate[k]);
}

static unsigned int online_cpu(unsigned int *seed)
{
	return stress_online_cpu(cpu_is_up, nr_cpus, seed);
}

/* Task context on a vCPU: schedules, IRQs posted from here, a recycle. */
static void task_op(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg, i;

	burst(seed);
	for (i = 0; i < 2; i++) {
		unsigned int r = rnd(&seed);
		unsigned int cpu = (r & 3) == 0 ? (unsigned int)dwork_posix_this_cpu()
						: online_cpu(&seed);

		if (dwork_posix_irq_on(cpu, (r & 4) ? irq_kill : irq_burst,
				       (void *)(uintptr_t)rnd(&seed)) == 0)
			atomic_fetch_add(&vcpu_posts, 1);
	}
	if ((rnd(&seed) & 7) == 0)
		recycle(rnd(&seed) % NR_HEAP, seed, false);
}

static void *driver(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop_flag)) {
		unsigned int r = rnd(&seed) % 100;
		unsigned int cpu = online_cpu(&seed);
		void *a = (void *)(uintptr_t)rnd(&seed);

		if (r < 25)
			dwork_posix_irq_on(cpu, irq_kill, a);
		else if (r < 45)
			dwork_posix_irq_on(cpu, irq_burst, a);
		else if (r < 75)
			dwork_posix_run_on(cpu, task_op, a);
		else if (r < 90)
			burst(rnd(&seed));
		else if (r < 95)
			recycle(rnd(&seed) % NR_HEAP, seed, true);
		else
			sched_yield();
	}
	return NULL;
}

static unsigned int nr_up(void)
{
	return stress_nr_up(cpu_is_up, nr_cpus);
}

/*
 * Take CPUs down in increasing order (each one's adopter is the next:
 * chains) or at random, CPU 0 included, and bring them back in random
 * order, with no pause; before each cpu_down, post an IRQ kill to every
 * online CPU.
 */
static void *hotplugger(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop_flag)) {
		unsigned int c, r = rnd(&seed);

		if ((r & 1) && nr_up() > 1) {
			/* A chain: 0, 1, ... go down in turn. */
			for (c = 0; c + 1 < nr_cpus && nr_up() > 1; c++) {
				unsigned int d;

				if (!atomic_load(&cpu_is_up[c]))
					continue;
				for (d = 0; d < nr_cpus; d++)
					if (d != c && atomic_load(&cpu_is_up[d]))
						dwork_posix_irq_on(
							d, irq_kill,
							(void *)(uintptr_t)rnd(&seed));
				atomic_store(&cpu_is_up[c], 0);
				if (dwork_posix_cpu_down(c) != 0) {
					atomic_store(&cpu_is_up[c], 1);
					continue;
				}
				if (c == 0)
					atomic_fetch_add(&downs_cpu0, 1);
				else
					atomic_fetch_add(&chain_downs, 1);
				atomic_fetch_add(&hotplugs, 1);
				if (rnd(&seed) & 1)
					break;
			}
		}
		/* Bring back some, in random order. */
		for (c = 0; c < nr_cpus; c++) {
			unsigned int u = rnd(&seed) % nr_cpus;

			if (!atomic_load(&cpu_is_up[u]) && (rnd(&seed) & 1) &&
			    dwork_posix_cpu_up(u) == 0) {
				atomic_store(&cpu_is_up[u], 1);
				atomic_fetch_add(&hotplugs, 1);
			}
		}
		sched_yield();
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double secs = 5, t0;
	unsigned int seed = 4242, i, fails = 0;
	pthread_t th[NR_DRIVERS + 1];
	struct stress_watchdog wdog;

	stress_args(argc, argv, &secs, &nr_cpus, &seed, 4);

	for (i = 0; i < NR_STATIC; i++) {
		statics[i].kind = (i & 1) ? DWORK_TASKLET_IDLE
					  : DWORK_TASKLET_SOFTIRQ;
		dwork_tasklet_init(&statics[i].t, body, &statics[i],
				   statics[i].kind);
	}
	for (i = 0; i < NR_HEAP; i++) {
		struct obj *o = calloc(1, sizeof(*o));

		if (!o)
			abort();
		o->kind = (i & 1) ? DWORK_TASKLET_IDLE : DWORK_TASKLET_SOFTIRQ;
		dwork_tasklet_init(&o->t, body, o, o->kind);
		atomic_store(&heap[i], o);
	}
	if (dwork_posix_start(nr_cpus) != 0) {
		fprintf(stderr, "start failed\n");
		return 1;
	}
	for (i = 0; i < nr_cpus; i++)
		atomic_store(&cpu_is_up[i], 1);

	printf("stress_hotplug_irq: %.1f s, %u cpus, seed %u\n", secs, nr_cpus,
	       seed);
	/* winding down takes well under a second */
	stress_watchdog_start(&wdog, secs + 120);
	t0 = now();
	for (i = 0; i < NR_DRIVERS; i++)
		pthread_create(&th[i], NULL, driver,
			       (void *)(uintptr_t)(seed + i * 7919));
	pthread_create(&th[NR_DRIVERS], NULL, hotplugger,
		       (void *)(uintptr_t)(seed ^ 0x5a5a));
	while (now() - t0 < secs)
		usleep(10000);
	atomic_store(&stop_flag, 1);
	for (i = 0; i <= NR_DRIVERS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < nr_cpus; i++)
		if (!atomic_load(&cpu_is_up[i]) && dwork_posix_cpu_up(i) == 0)
			atomic_store(&cpu_is_up[i], 1);
	dwork_posix_quiesce();

	for (i = 0; i < NR_STATIC; i++) {
		struct obj *o = &statics[i];

		if (atomic_load(&o->max_seen) < atomic_load(&o->last_acc)) {
			fprintf(stderr,
				"LOST RUN: tasklet %u last accepted ticket %lu, newest run saw %lu\n",
				i, atomic_load(&o->last_acc),
				atomic_load(&o->max_seen));
			fails++;
		}
		if (atomic_load(&o->runs) > atomic_load(&o->accepted)) {
			fprintf(stderr, "EXCESS RUNS: tasklet %u runs %lu accepted %lu\n",
				i, atomic_load(&o->runs),
				atomic_load(&o->accepted));
			fails++;
		}
	}
	for (i = 0; i < NR_HEAP; i++) {
		struct obj *o = atomic_load(&heap[i]);

		if (atomic_load(&o->max_seen) < atomic_load(&o->last_acc) ||
		    atomic_load(&o->runs) > atomic_load(&o->accepted)) {
			fprintf(stderr, "LOST/EXCESS: heap tasklet %u\n", i);
			fails++;
		}
	}
	if (atomic_load(&overlaps)) {
		fprintf(stderr, "OVERLAP: %lu\n", atomic_load(&overlaps));
		fails++;
	}
	if (atomic_load(&excess)) {
		fprintf(stderr, "EXCESS RUNS before a kill: %lu\n",
			atomic_load(&excess));
		fails++;
	}
	dwork_posix_stop();
	stress_watchdog_stop(&wdog);
	for (i = 0; i < NR_HEAP; i++)
		free(atomic_load(&heap[i]));
	printf("schedules %lu (accepted %lu); IRQ kills %lu (EDEADLK %lu); "
	       "frees after kill %lu; vCPU-posted IRQs %lu; hotplug ops %lu "
	       "(CPU 0 down %lu, chain downs %lu)\n",
	       atomic_load(&scheds), atomic_load(&accepted_all),
	       atomic_load(&irq_kills), atomic_load(&irq_kill_deadlk),
	       atomic_load(&frees), atomic_load(&vcpu_posts),
	       atomic_load(&hotplugs), atomic_load(&downs_cpu0),
	       atomic_load(&chain_downs));
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}

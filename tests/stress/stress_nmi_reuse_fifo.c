// SPDX-License-Identifier: BSD-2-Clause
/*
 * Stress: NMI-safe raises against CPU hotplug, memory reuse after a
 * self-kill, and cancel/re-raise, with a FIFO oracle, on the POSIX runtime
 * for a bounded time.  The paths an adversarial review found unchecked:
 *   - NMIs to every CPU, parked and dying ones included: an NMI thread
 *     sends them to random CPUs, online or not, and the hotplugger sends
 *     one to each CPU right before and right after its cpu_down and after
 *     its cpu_up; each NMI raises items with dwork_item_raise_nmi() and
 *     schedules tasklets with dwork_tasklet_schedule_nmi(), while IRQs
 *     raise the same items the ordinary way;
 *   - memory reuse: a tasklet whose callback kills it and hands its memory
 *     back to a pool, then keeps running until a reuser thread has taken
 *     the memory, initialised a new tasklet there and scheduled it on a
 *     random CPU (the old callback's CPU included);
 *   - cancel and re-raise: IRQs and run_on tasks cancel items and raise
 *     them again at once, while NMIs and other IRQs raise them too;
 *   - FIFO lanes (below).
 *
 * The FIFO oracle (fifo_oracle.h): lanes, run_on tasks that raise idle
 * items of their own (ordinary and NMI-safe raises in task context);
 * every queued run must start in the order its raise was made, but for
 * the documented carve-outs, which that file spells out in one place.
 *
 * Checks, with no timing assumption (after dwork_posix_quiesce()): every
 * item raise that returned DWORK_QUEUED ran exactly once, none twice;
 * a raise of a cancelled-and-raised item that was accepted after every
 * cancel of it had returned was followed by a run (tickets as below);
 * nothing is busy; every accepted tasklet schedule was followed by a run
 * (ticket scheme of stress_hotplug_irq.c); no callback overlapped another
 * run of its object; every init of recycled memory returned 0 and its
 * schedule was accepted and ran; FIFO per lane task; no debug assertion.
 * A watchdog turns a hang at the end into a failure with a message.
 *
 * Usage: stress_nmi_reuse_fifo [seconds] [cpus] [seed]
 *        (env DWORK_STRESS_SECONDS)
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

#include "fifo_oracle.h"

#define NR_NITEMS 8   /* raised from NMIs and IRQs */
#define NR_NTASKS 4   /* scheduled from NMIs and IRQs */
#define NR_BLOCKS 4   /* pool memory reused after self-kills */
#define NR_CITEMS 4   /* cancelled and raised again */

static unsigned int nr_cpus;
static atomic_uint going_down = DWORK_NR_CPUS; /* CPU in cpu_down, if any */
static atomic_int stop_flag;
static atomic_uint cpu_is_up[DWORK_NR_CPUS];
static atomic_ulong overlaps, nmis_sent, nmis_offline, nmi_raises,
	nmi_refused, irq_raises, hotplugs, reuses, reuse_refused,
	reuse_sched_refused, lost_nmi_sched, cancel_reraises;

/* ------------------------------------------------------------------ */
/* Items and tasklets raised from NMIs (any CPU, online or not) and IRQs. */

struct nitem {
	struct dwork_item it;
	atomic_uint inflight;
	atomic_ulong accepted; /* DWORK_QUEUED raises, NMI-safe or not */
	atomic_ulong runs;
};

struct ntask {
	struct dwork_tasklet t;
	atomic_uint inflight;
	atomic_ulong ticket;   /* issued before each schedule */
	atomic_ulong last_acc; /* newest ticket of an accepted schedule */
	atomic_ulong max_seen; /* newest ticket seen at a run's start */
};

static struct nitem nitems[NR_NITEMS];
static struct ntask ntasks[NR_NTASKS];

/*
 * Items cancelled and raised again.  One ticket counter per item, taken
 * before each raise and around each cancel; a run records the newest
 * ticket it sees.  At the end: if the newest accepted raise began after
 * every cancel had returned, a run began after it.
 */
struct citem {
	struct dwork_item it;
	atomic_uint inflight;
	atomic_ulong ticket;
	atomic_ulong last_acc;    /* ticket of the newest accepted raise */
	atomic_ulong cancel_end;  /* ticket after the newest cancel returned */
	atomic_ulong max_seen;
};

static struct citem citems[NR_CITEMS];

static void citem_cb(struct dwork_item *it)
{
	struct citem *c = (struct citem *)(void *)it;

	if (atomic_fetch_add(&c->inflight, 1))
		atomic_fetch_add(&overlaps, 1);
	atomic_max(&c->max_seen, atomic_load(&c->ticket));
	atomic_fetch_sub(&c->inflight, 1);
}

static void craise(struct citem *c, bool nmi)
{
	unsigned long tk = atomic_fetch_add(&c->ticket, 1) + 1;
	int rc = nmi ? dwork_item_raise_nmi(&c->it) : dwork_item_raise(&c->it);

	if (rc >= 0)
		atomic_max(&c->last_acc, tk);
}

/* Cancel, then raise again at once (any context but NMI). */
static void cancel_reraise(struct citem *c)
{
	atomic_fetch_add(&c->ticket, 1);
	dwork_item_cancel(&c->it);
	atomic_max(&c->cancel_end, atomic_fetch_add(&c->ticket, 1) + 1);
	craise(c, false);
	atomic_fetch_add(&cancel_reraises, 1);
}

static void nitem_cb(struct dwork_item *it)
{
	struct nitem *n = (struct nitem *)(void *)it;

	if (atomic_fetch_add(&n->inflight, 1))
		atomic_fetch_add(&overlaps, 1);
	atomic_fetch_add(&n->runs, 1);
	atomic_fetch_sub(&n->inflight, 1);
}

static void ntask_cb(void *data)
{
	struct ntask *n = data;

	if (atomic_fetch_add(&n->inflight, 1))
		atomic_fetch_add(&overlaps, 1);
	atomic_max(&n->max_seen, atomic_load(&n->ticket));
	atomic_fetch_sub(&n->inflight, 1);
}

static void count_item(struct nitem *n, int rc)
{
	if (rc == DWORK_QUEUED)
		atomic_fetch_add(&n->accepted, 1);
}

static void sched_ntask(struct ntask *n, bool nmi)
{
	unsigned long tk = atomic_fetch_add(&n->ticket, 1) + 1;
	int rc = nmi ? dwork_tasklet_schedule_nmi(&n->t)
		     : dwork_tasklet_schedule(&n->t);

	if (rc == 0)
		atomic_max(&n->last_acc, tk);
}

/*
 * NMI handler: async-signal-safe, dwork's NMI-safe calls only.  On a CPU
 * going down it raises many times, to land in the window in which its
 * adopter runs dwork_cpu_dead().
 */
static void nmi_raise(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	unsigned int i, n = 3;

	if (atomic_load(&going_down) == (unsigned int)dwork_posix_this_cpu())
		n = 64;
	for (i = 0; i < n; i++) {
		unsigned int r = rnd(&seed);
		int rc;

		if ((r & 3) == 3) {
			struct citem *c = &citems[(r >> 2) % NR_CITEMS];
			unsigned long tk = atomic_fetch_add(&c->ticket, 1) + 1;

			rc = dwork_item_raise_nmi(&c->it);
			if (rc >= 0)
				atomic_max(&c->last_acc, tk);
		} else if (r & 1) {
			struct nitem *n = &nitems[(r >> 1) % NR_NITEMS];

			rc = dwork_item_raise_nmi(&n->it);
			count_item(n, rc);
		} else {
			struct ntask *n = &ntasks[(r >> 1) % NR_NTASKS];
			unsigned long tk = atomic_fetch_add(&n->ticket, 1) + 1;

			rc = dwork_tasklet_schedule_nmi(&n->t);
			if (rc == 0)
				atomic_max(&n->last_acc, tk);
		}
		atomic_fetch_add(rc >= 0 ? &nmi_raises : &nmi_refused, 1);
	}
}

/* IRQ handler: the same objects, the ordinary way. */
static void irq_raise(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	unsigned int r = rnd(&seed);

	count_item(&nitems[r % NR_NITEMS],
		   dwork_item_raise(&nitems[r % NR_NITEMS].it));
	sched_ntask(&ntasks[(r >> 4) % NR_NTASKS], false);
	if (r & 0x100)
		cancel_reraise(&citems[(r >> 9) % NR_CITEMS]);
	else
		craise(&citems[(r >> 9) % NR_CITEMS], false);
	atomic_fetch_add(&irq_raises, 1);
}

/* Task context on a vCPU: cancel and raise again. */
static void task_cancel_reraise(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	cancel_reraise(&citems[rnd(&seed) % NR_CITEMS]);
}

/* Send an NMI to @cpu if its previous one finished (never waits). */
static void send_nmi(unsigned int cpu, unsigned int *seed)
{
	if (dwork_posix_nmi_on(cpu, nmi_raise,
			       (void *)(uintptr_t)rnd(seed)) == 0) {
		atomic_fetch_add(&nmis_sent, 1);
		if (!atomic_load(&cpu_is_up[cpu]))
			atomic_fetch_add(&nmis_offline, 1);
	}
}

/* ------------------------------------------------------------------ */
/*
 * Memory reuse.  A block's tasklet kills itself in its callback and hands
 * the memory back (state FREED), then keeps running until the reuser has
 * initialised a new tasklet in that memory and scheduled it (state
 * IN_USE).  The memory keeps what the old tasklet left, as a slab hands it
 * back.
 */
enum { B_IN_USE, B_FREED };

struct block {
	struct dwork_tasklet t;
	atomic_uint state;
	atomic_uint inflight;
	atomic_ulong lives;     /* initialised lives */
	atomic_ulong ran;       /* lives whose callback ran */
	atomic_ulong handed;    /* FREED -> IN_USE hand-backs by the reuser */
};

static struct block blocks[NR_BLOCKS];

static void block_cb(void *data)
{
	struct block *b = data;

	if (atomic_fetch_add(&b->inflight, 1))
		atomic_fetch_add(&overlaps, 1);
	atomic_fetch_add(&b->ran, 1);
	atomic_fetch_sub(&b->inflight, 1);
	if (dwork_tasklet_kill(&b->t) != 0) {
		fprintf(stderr, "self-kill returned nonzero\n");
		abort();
	}
	/*
	 * Freed: from here on the memory belongs to the pool.  Wait for the
	 * reuser's hand-back count to move, not for state to leave FREED:
	 * the new life may run on another CPU and free the memory again
	 * before this CPU looks (FREED, IN_USE, FREED), which kept a CPU in
	 * here, and a cpu_down of it and every run_on to it waiting, until
	 * the stop.
	 */
	unsigned long handed = atomic_load(&b->handed);

	atomic_store(&b->state, B_FREED);
	/* The old callback goes on while the memory is reused. */
	while (atomic_load(&b->handed) == handed && !atomic_load(&stop_flag))
		sched_yield();
}

static unsigned int online_cpu(unsigned int *seed)
{
	return stress_online_cpu(cpu_is_up, nr_cpus, seed);
}

/* Initialise a new tasklet in @b's memory and schedule it; host thread. */
static void reuse(struct block *b, unsigned int *seed)
{
	int rc = dwork_tasklet_init(&b->t, block_cb, b,
				    (rnd(seed) & 1) ? DWORK_TASKLET_SOFTIRQ
						    : DWORK_TASKLET_IDLE);

	if (rc != 0) {
		atomic_fetch_add(&reuse_refused, 1);
		atomic_fetch_add(&b->handed, 1);
		atomic_store(&b->state, B_IN_USE); /* let the old one end */
		return;
	}
	atomic_fetch_add(&b->lives, 1);
	atomic_fetch_add(&reuses, 1);
	/*
	 * Reused: let the old callback end, before the new life can run and
	 * free the memory again (its FREED must not be overwritten here).
	 */
	atomic_store(&b->state, B_IN_USE);
	atomic_fetch_add(&b->handed, 1);
	for (;;) {
		rc = dwork_tasklet_schedule_on(&b->t, online_cpu(seed));
		if (rc != DWORK_ENODEV) /* the CPU went down meanwhile */
			break;
	}
	if (rc != 0) {
		atomic_fetch_add(&reuse_sched_refused, 1);
		atomic_fetch_sub(&b->lives, 1);
	}
}

static void *reuser(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg, i;
	bool busy = true;

	/* After the stop, until no old callback waits any more. */
	while (!atomic_load(&stop_flag) || busy) {
		busy = false;
		for (i = 0; i < NR_BLOCKS; i++)
			if (atomic_load(&blocks[i].state) == B_FREED) {
				if (!atomic_load(&stop_flag))
					reuse(&blocks[i], &seed);
				else {
					atomic_fetch_add(&blocks[i].handed, 1);
					atomic_store(&blocks[i].state,
						     B_IN_USE);
				}
				busy = true;
			}
		sched_yield();
	}
	return NULL;
}

/* ------------------------------------------------------------------ */

static void *driver(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop_flag)) {
		unsigned int r = rnd(&seed) % 100;
		unsigned int cpu = online_cpu(&seed);

		if (r < 50)
			fifo_lane_run(rnd(&seed), cpu);
		else if (r < 80)
			dwork_posix_irq_on(cpu, irq_raise,
					   (void *)(uintptr_t)rnd(&seed));
		else if (r < 85)
			sched_ntask(&ntasks[rnd(&seed) % NR_NTASKS], false);
		else if (r < 92)
			dwork_posix_run_on(cpu, task_cancel_reraise,
					   (void *)(uintptr_t)rnd(&seed));
		else
			sched_yield();
	}
	return NULL;
}

/*
 * NMIs to random CPUs, online, parked or dying; every other one to the CPU
 * in cpu_down, if any (parked, before or while its adopter runs
 * dwork_cpu_dead()).
 */
static void *nmi_thread(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop_flag)) {
		unsigned int c = atomic_load(&going_down);

		if (c >= nr_cpus || (rnd(&seed) & 1))
			c = rnd(&seed) % nr_cpus;
		send_nmi(c, &seed);
		sched_yield();
	}
	return NULL;
}

static unsigned int nr_up(void)
{
	return stress_nr_up(cpu_is_up, nr_cpus);
}

static void *hotplugger(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;

	while (!atomic_load(&stop_flag)) {
		unsigned int c = rnd(&seed) % nr_cpus;

		if (atomic_load(&cpu_is_up[c]) && nr_up() > 1) {
			send_nmi(c, &seed);
			atomic_store(&cpu_is_up[c], 0);
			atomic_store(&going_down, c);
			if (dwork_posix_cpu_down(c) != 0) {
				atomic_store(&going_down, DWORK_NR_CPUS);
				atomic_store(&cpu_is_up[c], 1);
				continue;
			}
			atomic_store(&going_down, DWORK_NR_CPUS);
			send_nmi(c, &seed); /* parked, adopted or not yet */
			atomic_fetch_add(&hotplugs, 1);
		} else if (!atomic_load(&cpu_is_up[c]) &&
			   dwork_posix_cpu_up(c) == 0) {
			atomic_store(&cpu_is_up[c], 1);
			send_nmi(c, &seed);
			atomic_fetch_add(&hotplugs, 1);
		}
		sched_yield();
	}
	return NULL;
}

#define NR_THREADS 6

int main(int argc, char **argv)
{
	double secs = 5, t0;
	unsigned int seed = 2020, i, fails = 0;
	pthread_t th[NR_THREADS];
	struct stress_watchdog wdog;

	stress_args(argc, argv, &secs, &nr_cpus, &seed, 4);

	for (i = 0; i < NR_NITEMS; i++)
		dwork_item_init(&nitems[i].it, nitem_cb);
	for (i = 0; i < NR_CITEMS; i++)
		dwork_item_init(&citems[i].it, citem_cb);
	for (i = 0; i < NR_NTASKS; i++)
		dwork_tasklet_init(&ntasks[i].t, ntask_cb, &ntasks[i],
				   (i & 1) ? DWORK_TASKLET_IDLE
					   : DWORK_TASKLET_SOFTIRQ);
	fifo_lanes_init(seed);
	for (i = 0; i < NR_BLOCKS; i++)
		dwork_tasklet_init(&blocks[i].t, block_cb, &blocks[i],
				   DWORK_TASKLET_SOFTIRQ);
	if (dwork_posix_start(nr_cpus) != 0) {
		fprintf(stderr, "start failed\n");
		return 1;
	}
	for (i = 0; i < nr_cpus; i++)
		atomic_store(&cpu_is_up[i], 1);
	for (i = 0; i < NR_BLOCKS; i++) {
		atomic_store(&blocks[i].lives, 1);
		if (dwork_tasklet_schedule_on(&blocks[i].t, i % nr_cpus) != 0)
			abort();
	}

	printf("stress_nmi_reuse_fifo: %.1f s, %u cpus, seed %u\n", secs,
	       nr_cpus, seed);
	/* winding down takes well under a second */
	stress_watchdog_start(&wdog, secs + 120);
	t0 = now();
	pthread_create(&th[0], NULL, driver, (void *)(uintptr_t)(seed + 1));
	pthread_create(&th[1], NULL, driver, (void *)(uintptr_t)(seed + 2));
	pthread_create(&th[2], NULL, nmi_thread, (void *)(uintptr_t)(seed + 3));
	pthread_create(&th[3], NULL, hotplugger, (void *)(uintptr_t)(seed + 4));
	pthread_create(&th[4], NULL, reuser, (void *)(uintptr_t)(seed + 5));
	pthread_create(&th[5], NULL, nmi_thread, (void *)(uintptr_t)(seed + 6));
	while (now() - t0 < secs)
		usleep(10000);
	atomic_store(&stop_flag, 1);
	for (i = 0; i < NR_THREADS; i++)
		pthread_join(th[i], NULL);
	/* No NMI in flight any more, then every CPU back, then settle. */
	for (i = 0; i < nr_cpus; i++)
		while (dwork_posix_nmi_pending(i))
			sched_yield();
	for (i = 0; i < nr_cpus; i++)
		if (!atomic_load(&cpu_is_up[i]) && dwork_posix_cpu_up(i) == 0)
			atomic_store(&cpu_is_up[i], 1);
	dwork_posix_quiesce();

	for (i = 0; i < NR_NITEMS; i++) {
		struct nitem *n = &nitems[i];

		if (atomic_load(&n->runs) != atomic_load(&n->accepted) ||
		    dwork_item_busy(&n->it)) {
			fprintf(stderr,
				"LOST/EXCESS: item %u: %lu raises queued a run, %lu runs, busy %d\n",
				i, atomic_load(&n->accepted),
				atomic_load(&n->runs), dwork_item_busy(&n->it));
			fails++;
		}
	}
	for (i = 0; i < NR_NTASKS; i++) {
		struct ntask *n = &ntasks[i];

		if (atomic_load(&n->max_seen) < atomic_load(&n->last_acc) ||
		    dwork_tasklet_is_scheduled(&n->t)) {
			fprintf(stderr,
				"LOST RUN: tasklet %u: last accepted ticket %lu, newest run saw %lu\n",
				i, atomic_load(&n->last_acc),
				atomic_load(&n->max_seen));
			atomic_fetch_add(&lost_nmi_sched, 1);
			fails++;
		}
	}
	for (i = 0; i < NR_CITEMS; i++) {
		struct citem *c = &citems[i];
		unsigned long acc = atomic_load(&c->last_acc);

		if ((acc > atomic_load(&c->cancel_end) &&
		     atomic_load(&c->max_seen) < acc) ||
		    dwork_item_busy(&c->it)) {
			fprintf(stderr,
				"LOST RUN: cancelled item %u: raise (ticket %lu) accepted after the last cancel returned (ticket %lu), newest run saw %lu, busy %d\n",
				i, acc, atomic_load(&c->cancel_end),
				atomic_load(&c->max_seen), dwork_item_busy(&c->it));
			fails++;
		}
	}
	for (i = 0; i < NR_BLOCKS; i++) {
		struct block *b = &blocks[i];

		/* Every life was scheduled once and must have run once. */
		if (atomic_load(&b->ran) != atomic_load(&b->lives)) {
			fprintf(stderr, "LOST/EXCESS: block %u: %lu lives scheduled, %lu ran\n",
				i, atomic_load(&b->lives), atomic_load(&b->ran));
			fails++;
		}
	}
	if (atomic_load(&reuse_refused) || atomic_load(&reuse_sched_refused)) {
		fprintf(stderr,
			"REUSE REFUSED: init of recycled memory failed %lu times, its schedule %lu times\n",
			atomic_load(&reuse_refused),
			atomic_load(&reuse_sched_refused));
		fails++;
	}
	fails += fifo_lanes_check();
	if (atomic_load(&overlaps)) {
		fprintf(stderr, "OVERLAP: %lu\n", atomic_load(&overlaps));
		fails++;
	}
	dwork_posix_stop();
	stress_watchdog_stop(&wdog);
	printf("NMIs %lu (%lu to offline CPUs), NMI-safe raises %lu accepted, "
	       "%lu refused; IRQ raises %lu; hotplug ops %lu; memory reuses "
	       "%lu; cancel+re-raise %lu; lane tasks %lu\n",
	       atomic_load(&nmis_sent), atomic_load(&nmis_offline),
	       atomic_load(&nmi_raises), atomic_load(&nmi_refused),
	       atomic_load(&irq_raises), atomic_load(&hotplugs),
	       atomic_load(&reuses), atomic_load(&cancel_reraises),
	       atomic_load(&lane_tasks));
	printf("%s\n", fails ? "FAIL" : "PASS");
	return fails ? 1 : 0;
}

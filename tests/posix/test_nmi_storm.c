// SPDX-License-Identifier: BSD-2-Clause
/*
 * NMI storms: "NMIs" (dwork_posix_nmi_on(): a signal the soft IRQ masking
 * never holds back) land at random points on every vCPU while the vCPUs
 * run IRQ storms (local and cross-CPU raises and schedules), softirq
 * passes, callbacks that raise their own item again, idle tasklets, and
 * CPU 3 goes down and up (dwork_cpu_dead() adoptions on the others).  So
 * they land inside every entry point, IRQs-off sections and list appends
 * included, and inside IRQ handlers.  Each NMI raises with
 * dwork_item_raise_nmi() and dwork_tasklet_schedule_nmi() per-CPU objects
 * and objects the interrupted code may be handling at that moment.
 *
 * Checked after everything settled, independent of timing: every accepted
 * item raise (DWORK_QUEUED, from any source) ran exactly once, none twice;
 * no callback of an object overlapped another; every scheduled tasklet ran
 * and none is left pending; nothing is busy; no debug assertion.
 */
#include "posix_test.h"

#include <sched.h>

#define NR_SHARED 8
#define NR_NMIS 20000
#define NR_IRQS 20000
#define NR_HOTPLUG 40
#define NMI_CPUS 3      /* CPUs 0..2 take NMIs; CPU 3 goes up and down */
#define NR_VCPUS 4

struct obj {
	struct dwork_item it;
	struct dwork_tasklet ts;
	unsigned int in_it;      /* the item's callback runs */
	unsigned int in_ts;      /* the tasklet's callback runs */
	unsigned int overlaps;   /* a callback started while its last ran */
	unsigned long accepted;  /* DWORK_QUEUED item raises */
	unsigned long runs;      /* item callbacks */
	unsigned long sched;     /* tasklet schedules that returned 0 */
	unsigned long ts_runs;   /* tasklet callbacks */
};

static struct obj shared[NR_SHARED];
static struct obj per_cpu[NMI_CPUS];
static struct obj per_cpu_idle[NMI_CPUS];
static unsigned long nmi_irqs_off, nmi_in_irq, nmi_refused, nmis;
/* Raises and schedules outside NMIs that dwork accepted (>= 0). */
static unsigned long plain_ok;
static int nmi_last_error;

static int plain(int rc)
{
	if (rc >= 0)
		INC(&plain_ok);
	return rc;
}

static void enter(struct obj *o, unsigned int *in)
{
	if (XCHG(in, 1))
		INC(&o->overlaps);
}

static void leave(unsigned int *in)
{
	ST(in, 0);
}

static void count_raise(struct obj *o, int rc)
{
	if (rc == DWORK_QUEUED)
		INC(&o->accepted);
}

static void count_sched(struct obj *o, int rc)
{
	if (rc == 0)
		INC(&o->sched);
}

static void item_cb(struct dwork_item *it)
{
	struct obj *o = container_of(it, struct obj, it);
	unsigned long n;
	volatile unsigned int spin;

	enter(o, &o->in_it);
	n = INC(&o->runs);
	/* Widen the window in which NMIs and IRQs land in the callback. */
	for (spin = 0; spin < 200; spin++)
		;
	leave(&o->in_it);
	/* Now and then, raise again while running (here or elsewhere). */
	if (n % 7 == 0)
		count_raise(o, plain(dwork_item_raise_on(
				       it, (unsigned int)(n / 7) % NR_VCPUS)));
}

static void tasklet_cb(void *arg)
{
	struct obj *o = arg;

	enter(o, &o->in_ts);
	INC(&o->ts_runs);
	leave(&o->in_ts);
}

static void obj_init(struct obj *o, enum dwork_tasklet_kind kind)
{
	dwork_item_init(&o->it, item_cb);
	dwork_tasklet_init(&o->ts, tasklet_cb, o, kind);
	o->in_it = o->in_ts = o->overlaps = 0;
	o->accepted = o->runs = o->sched = o->ts_runs = 0;
}

/* The NMI handler: async-signal-safe, only NMI-safe dwork calls. */
static void nmi_fn(void *arg)
{
	unsigned int k = (unsigned int)(uintptr_t)arg;
	unsigned int cpu = (unsigned int)dwork_posix_this_cpu();
	struct obj *s = &shared[k % NR_SHARED];
	int rc;

	INC(&nmis);
	if (dwork_port_irqs_disabled())
		INC(&nmi_irqs_off);
	if (dwork_port_in_irq())
		INC(&nmi_in_irq);
	if (cpu >= NMI_CPUS)
		return;
	count_raise(&per_cpu[cpu], dwork_item_raise_nmi(&per_cpu[cpu].it));
	count_sched(&per_cpu[cpu], dwork_tasklet_schedule_nmi(&per_cpu[cpu].ts));
	count_sched(&per_cpu_idle[cpu],
		    dwork_tasklet_schedule_nmi(&per_cpu_idle[cpu].ts));
	rc = dwork_item_raise_nmi(&s->it);
	if (rc < 0)
		INC(&nmi_refused);
	count_raise(s, rc);
	count_sched(s, dwork_tasklet_schedule_nmi(&s->ts));
}

/* An IRQ: raise locally and onto the next CPU, schedule a tasklet. */
static void irq_fn(void *arg)
{
	struct obj *o = arg;
	unsigned int cpu = (unsigned int)dwork_posix_this_cpu();

	struct obj *next = o + 1 < shared + NR_SHARED ? o + 1 : shared;

	count_raise(o, plain(dwork_item_raise(&o->it)));
	count_raise(next, plain(dwork_item_raise_on(&next->it,
						    (cpu + 1) % NR_VCPUS)));
	count_sched(o, plain(dwork_tasklet_schedule_on(&o->ts,
						       (cpu + 2) % NR_VCPUS)));
}

static unsigned int rng(unsigned int *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

static void irq_main(void *arg)
{
	unsigned int i, x = 12345, *errors = arg;

	(void)arg;
	for (i = 0; i < NR_IRQS; i++)
		if (dwork_posix_irq_on(rng(&x) % NMI_CPUS, irq_fn,
				       &shared[i % NR_SHARED]))
			INC(errors);
}

static void nmi_main(void *arg)
{
	unsigned int i, x = 777, *errors = arg;

	for (i = 0; i < NR_NMIS; i++) {
		unsigned int cpu = rng(&x) % NMI_CPUS;
		unsigned int wait = rng(&x) % 2000;
		volatile unsigned int spin;
		int rc;

		/* A random pause, so that NMIs land at varied points. */
		for (spin = 0; spin < wait; spin++)
			;
		while ((rc = dwork_posix_nmi_on(cpu, nmi_fn,
						(void *)(uintptr_t)i)) ==
		       DWORK_EBUSY)
			sched_yield();
		if (rc) {
			INC(errors);
			ST(&nmi_last_error, rc);
		}
	}
	for (i = 0; i < NMI_CPUS; i++)
		while (dwork_posix_nmi_pending(i))
			sched_yield();
}

static void hotplug_main(void *arg)
{
	unsigned int i, *errors = arg;

	for (i = 0; i < NR_HOTPLUG; i++) {
		if (dwork_posix_cpu_down(3))
			INC(errors);
		if (dwork_posix_cpu_up(3))
			INC(errors);
	}
}

static void check_obj(const struct obj *o, const char *what, unsigned int i)
{
	if (LD(&o->overlaps))
		fail_msg("%s %u: callbacks overlapped", what, i);
	if (LD(&o->runs) != LD(&o->accepted))
		fail_msg("%s %u: %lu item runs for %lu accepted raises", what, i,
			 LD(&o->runs), LD(&o->accepted));
	if (dwork_item_busy(&o->it))
		fail_msg("%s %u: item still busy", what, i);
	if (dwork_tasklet_is_scheduled(&o->ts))
		fail_msg("%s %u: tasklet still scheduled", what, i);
	if (LD(&o->ts_runs) > LD(&o->sched))
		fail_msg("%s %u: tasklet ran %lu times for %lu schedules", what,
			 i, LD(&o->ts_runs), LD(&o->sched));
	if (LD(&o->sched) && !LD(&o->ts_runs))
		fail_msg("%s %u: tasklet scheduled %lu times, never ran", what,
			 i, LD(&o->sched));
}

static void test_nmis_anywhere_lose_nothing_and_run_nothing_twice(
	void **state)
{
	struct host_thread irq_t, nmi_t, hp_t;
	unsigned int i, irq_err = 0, nmi_err = 0, hp_err = 0;
	unsigned long raised = 0, runs = 0, total_runs = 0;

	(void)state;
	START(NR_VCPUS);
	for (i = 0; i < NR_SHARED; i++)
		obj_init(&shared[i], i & 1 ? DWORK_TASKLET_IDLE
					   : DWORK_TASKLET_SOFTIRQ);
	for (i = 0; i < NMI_CPUS; i++) {
		obj_init(&per_cpu[i], DWORK_TASKLET_SOFTIRQ);
		obj_init(&per_cpu_idle[i], DWORK_TASKLET_IDLE);
	}
	nmi_irqs_off = nmi_in_irq = nmi_refused = nmis = plain_ok = 0;

	host_start(&irq_t, irq_main, &irq_err);
	host_start(&nmi_t, nmi_main, &nmi_err);
	host_start(&hp_t, hotplug_main, &hp_err);
	host_join(&irq_t);
	host_join(&nmi_t);
	host_join(&hp_t);
	assert_int_equal(irq_err, 0);
	if (nmi_err)
		fail_msg("%u NMIs not sent, last error %d", nmi_err,
			 LD(&nmi_last_error));
	assert_int_equal(hp_err, 0);
	dwork_posix_quiesce();

	assert_int_equal(LD(&nmis), NR_NMIS);
	/* The NMI CPUs never went down: no NMI raise was refused. */
	assert_int_equal(LD(&nmi_refused), 0);
	for (i = 0; i < NR_SHARED; i++)
		check_obj(&shared[i], "shared", i);
	for (i = 0; i < NMI_CPUS; i++) {
		check_obj(&per_cpu[i], "per-cpu", i);
		check_obj(&per_cpu_idle[i], "per-cpu idle", i);
		raised += LD(&per_cpu[i].accepted);
		runs += LD(&per_cpu[i].runs);
	}
	/*
	 * The NMI calls never touch dwork's counters (single-writer, not
	 * NMI-safe): raised + coalesced count exactly the other calls, and
	 * run every callback.
	 */
	assert_int_equal(STAT_SUM(raised) + STAT_SUM(coalesced), LD(&plain_ok));
	for (i = 0; i < NR_SHARED; i++)
		total_runs += LD(&shared[i].runs) + LD(&shared[i].ts_runs);
	for (i = 0; i < NMI_CPUS; i++)
		total_runs += LD(&per_cpu[i].runs) + LD(&per_cpu[i].ts_runs) +
			      LD(&per_cpu_idle[i].runs) +
			      LD(&per_cpu_idle[i].ts_runs);
	assert_int_equal(STAT_SUM(run), total_runs);
	print_message("%u NMIs (%lu with IRQs off, %lu in an IRQ handler); "
		      "per-CPU NMI items: %lu raises queued, %lu runs\n",
		      NR_NMIS, LD(&nmi_irqs_off), LD(&nmi_in_irq), raised, runs);
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(test_nmis_anywhere_lose_nothing_and_run_nothing_twice),
	};

	return cmocka_run_group_tests_name("posix_nmi_storm", tests, NULL,
					   NULL);
}

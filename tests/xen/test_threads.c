// SPDX-License-Identifier: BSD-2-Clause
/*
 * The Xen port under real concurrency: one host thread per simulated CPU,
 * each scheduling tasklets of both kinds on random CPUs (from task, IRQ
 * and callback context) and running its own softirqs and idle loop, with
 * the simulated scheduler checking every tasklet_work_to_do transition.
 *
 * Pass/fail never depends on timing: the checks are "never two runs of a
 * tasklet at once" and "every schedule is followed by a run that sees
 * it" (a per-tasklet owed flag, set before each schedule and taken by the
 * callback, must be clear once everything is quiet), plus no BUG().
 */
#include "xentest.h"
#include "threads.h"

#define NCPU 4
#define NT 64
#define OPS 20000

struct tt {
	struct tasklet t;
	unsigned int owed;      /* set before each schedule, taken by a run */
	unsigned int inside;    /* runs in progress (must stay <= 1) */
	unsigned long runs;
};

static struct tt tts[NT];
static unsigned int overlap;

static void sched_one(struct tt *x, unsigned int cpu)
{
	__atomic_store_n(&x->owed, 1, __ATOMIC_SEQ_CST);
	tasklet_schedule_on_cpu(&x->t, cpu);
}

static void cf_check tt_fn(void *data)
{
	struct tt *x = data;
	unsigned int seed = (unsigned int)(x - tts) * 7919u + (unsigned int)x->runs;

	if (__atomic_fetch_add(&x->inside, 1, __ATOMIC_SEQ_CST) != 0)
		__atomic_store_n(&overlap, 1, __ATOMIC_SEQ_CST);
	__atomic_exchange_n(&x->owed, 0, __ATOMIC_SEQ_CST);
	x->runs++;
	/* Sometimes re-schedule another tasklet (or itself) from here. */
	if ((xt_rnd(&seed) & 7) == 0)
		sched_one(&tts[xt_rnd(&seed) % NT], xt_rnd(&seed) % NCPU);
	__atomic_fetch_sub(&x->inside, 1, __ATOMIC_SEQ_CST);
}

static void irq_sched(void *arg)
{
	struct tt *x = arg;

	sched_one(x, smp_processor_id());
}

/* One operation of a CPU: half local, half to a random CPU; some from an IRQ. */
static void cpu_op(unsigned int cpu, unsigned int *seed)
{
	struct tt *x = &tts[xt_rnd(seed) % NT];
	unsigned int r = xt_rnd(seed);

	if ((r & 15) == 0)
		sim_irq(cpu, irq_sched, x);
	else
		sched_one(x, (r & 16) ? cpu : (r >> 5) % NCPU);
}

static bool quiet(void)
{
	unsigned int i;

	for (i = 0; i < NT; i++)
		if (tasklet_is_scheduled(&tts[i].t) ||
		    __atomic_load_n(&tts[i].inside, __ATOMIC_SEQ_CST))
			return false;
	for (i = 0; i < NCPU; i++)
		if (__atomic_load_n(&per_cpu(tasklet_work_to_do, i), __ATOMIC_SEQ_CST))
			return false;
	return true;
}

static void every_schedule_runs_and_never_concurrently_on_real_threads(void **s)
{
	unsigned long total = 0;
	unsigned int i;

	(void)s;
	for (i = 0; i < NT; i++) {
		if (i & 1)
			softirq_tasklet_init(&tts[i].t, tt_fn, &tts[i]);
		else
			tasklet_init(&tts[i].t, tt_fn, &tts[i]);
	}
	/* False: something stayed active. */
	assert_true(xt_run_cpus(NCPU, OPS, cpu_op, quiet));
	assert_int_equal(overlap, 0);
	for (i = 0; i < NT; i++) {
		assert_int_equal(tts[i].owed, 0);
		total += tts[i].runs;
	}
	assert_true(total > 0);
	assert_int_equal(dwork_xen_refused, 0);
	assert_int_equal(sim_bugs, 0);
	print_message("%lu runs for %u schedules\n", total, NCPU * OPS);
	for (i = 0; i < NCPU; i++) {
		struct dwork_stats st;

		dwork_cpu_stats(i, &st);
		print_message("cpu%u: %lu queued %lu coalesced %lu run %lu fed "
			      "%lu forwarded, %u scheduler passes\n", i,
			      st.raised, st.coalesced, st.run, st.fed,
			      st.forwarded, sim_cpus[i].sched_runs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_schedule_runs_and_never_concurrently_on_real_threads),
	};

	return cmocka_run_group_tests(tests, boot4, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * The idle-loop handshake Xen's scheduler expects: tasklet_work_to_do with
 * TASKLET_enqueued / TASKLET_scheduled and SCHEDULE_SOFTIRQ, unchanged
 * from stock Xen, so sched_tasklet_check_cpu() and the idle loops keep
 * working.  The simulated scheduler BUG()s on any other flag value.
 */
#include "xentest.h"

static void local_idle_schedule_sets_enqueued_and_raises_schedule_once(void **s)
{
	static struct tasklet t, u;
	struct rec r, q;
	unsigned int sched0 = raised(1, SCHEDULE_SOFTIRQ);

	(void)s;
	rec_reset(&r, 1);
	rec_reset(&q, 2);
	tasklet_init(&t, rec_fn, &r);
	tasklet_init(&u, rec_fn, &q);

	sim_on(1);
	tasklet_schedule(&t);
	assert_int_equal(sim_work(1), TASKLET_enqueued);
	assert_int_equal(raised(1, SCHEDULE_SOFTIRQ), sched0 + 1);
	assert_false(tasklet_work_to_do(1)); /* scheduler has not run yet */

	tasklet_schedule(&t); /* coalesces */
	tasklet_schedule(&u); /* list not empty: no second raise */
	assert_int_equal(raised(1, SCHEDULE_SOFTIRQ), sched0 + 1);
	assert_false(pending(1, TASKLET_SOFTIRQ));

	/* The scheduler runs, sees TASKLET_enqueued, picks the idle vCPU. */
	sim_softirq(1);
	assert_true(sim_cpus[1].idle_picked);
	assert_int_equal(sim_work(1), TASKLET_enqueued | TASKLET_scheduled);
	assert_true(tasklet_work_to_do(1));

	/* One tasklet per do_tasklet() call. */
	sim_idle(1);
	assert_int_equal(r.runs, 1);
	assert_int_equal(q.runs, 0);
	assert_int_equal(sim_work(1), TASKLET_enqueued | TASKLET_scheduled);
	assert_int_equal(raised(1, SCHEDULE_SOFTIRQ), sched0 + 1);

	/* Last one: TASKLET_enqueued cleared, SCHEDULE_SOFTIRQ raised, and
	 * the scheduler then clears TASKLET_scheduled. */
	sim_idle(1);
	assert_int_equal(q.runs, 1);
	assert_int_equal(raised(1, SCHEDULE_SOFTIRQ), sched0 + 2);
	assert_false(sim_cpus[1].idle_picked);
	assert_int_equal(sim_work(1), 0);
	assert_int_equal(r.cpu, 1);
	assert_int_equal(q.cpu, 1);
	sim_on(0);
}

static void remote_idle_schedule_feeds_through_tasklet_softirq(void **s)
{
	static struct tasklet t;
	struct rec r;
	unsigned int ipis = sim_cpus[2].ipis;
	unsigned int sched2 = raised(2, SCHEDULE_SOFTIRQ);

	(void)s;
	rec_reset(&r, 1);
	tasklet_init(&t, rec_fn, &r);
	tasklet_schedule_on_cpu(&t, 2); /* from CPU 0 */
	assert_true(pending(2, TASKLET_SOFTIRQ));
	assert_int_equal(sim_cpus[2].ipis, ipis + 1);
	/* CPU 2's own flags are only ever written by CPU 2. */
	assert_int_equal(sim_work(2), 0);
	assert_int_equal(raised(2, SCHEDULE_SOFTIRQ), sched2);

	/* CPU 2's TASKLET_SOFTIRQ takes it in and kicks its scheduler. */
	sim_softirq(2);
	assert_int_equal(raised(2, SCHEDULE_SOFTIRQ), sched2 + 1);
	assert_int_equal(sim_work(2), TASKLET_enqueued | TASKLET_scheduled);
	assert_int_equal(r.runs, 0);
	sim_idle(2);
	assert_int_equal(r.runs, 1);
	assert_int_equal(r.cpu, 2);
	assert_int_equal(sim_work(2), 0);
}

static void softirq_tasklet_runs_from_tasklet_softirq_without_handshake(void **s)
{
	static struct tasklet t;
	struct rec r;
	unsigned int syncs = sim_cpus[3].execstate_syncs;

	(void)s;
	rec_reset(&r, 1);
	softirq_tasklet_init(&t, rec_fn, &r);
	sim_on(3);
	tasklet_schedule(&t);
	assert_true(pending(3, TASKLET_SOFTIRQ));
	assert_int_equal(sim_work(3), 0);
	do_softirq();
	assert_int_equal(r.runs, 1);
	assert_int_equal(sim_work(3), 0);
	/* As stock Xen, lazy vCPU state is synced before the callback. */
	assert_int_equal(sim_cpus[3].execstate_syncs, syncs + 1);
	sim_on(0);
}

static void batch_begin_finish_defers_ipis(void **s)
{
	static struct tasklet t[3];
	struct rec r[3];
	unsigned int ipis[4], i;

	(void)s;
	for (i = 0; i < 4; i++)
		ipis[i] = sim_cpus[i].ipis;
	cpu_raise_softirq_batch_begin();
	for (i = 0; i < 3; i++) {
		rec_reset(&r[i], i);
		softirq_tasklet_init(&t[i], rec_fn, &r[i]);
		tasklet_schedule_on_cpu(&t[i], i + 1);
	}
	for (i = 1; i < 4; i++)
		assert_int_equal(sim_cpus[i].ipis, ipis[i]);
	cpu_raise_softirq_batch_finish();
	for (i = 1; i < 4; i++)
		assert_int_equal(sim_cpus[i].ipis, ipis[i] + 1);
	sim_settle();
	for (i = 0; i < 3; i++) {
		assert_int_equal(r[i].runs, 1);
		assert_int_equal(r[i].cpu, i + 1);
	}
}

static void second_feed_to_busy_inbox_sends_no_ipi(void **s)
{
	static struct tasklet a, b;
	struct rec ra, rb;
	unsigned int ipis = sim_cpus[1].ipis;

	(void)s;
	rec_reset(&ra, 1);
	rec_reset(&rb, 2);
	softirq_tasklet_init(&a, rec_fn, &ra);
	tasklet_init(&b, rec_fn, &rb);
	tasklet_schedule_on_cpu(&a, 1);
	tasklet_schedule_on_cpu(&b, 1);
	assert_int_equal(sim_cpus[1].ipis, ipis + 1);
	sim_settle();
	assert_int_equal(ra.runs, 1);
	assert_int_equal(rb.runs, 1);
}

static struct tasklet again_t;

static void reschedule_self(struct rec *r)
{
	if (r->runs < 3)
		tasklet_schedule(&again_t);
}

static void idle_tasklet_rescheduled_from_itself_keeps_handshake(void **s)
{
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	r.hook = reschedule_self;
	tasklet_init(&again_t, rec_fn, &r);
	sim_on(1);
	tasklet_schedule(&again_t);
	sim_softirq(1);
	sim_idle(1);
	assert_int_equal(r.runs, 1);
	/* Re-queued after the callback: still enqueued, scheduler in. */
	assert_int_equal(sim_work(1), TASKLET_enqueued | TASKLET_scheduled);
	sim_idle(1);
	sim_idle(1);
	assert_int_equal(r.runs, 3);
	assert_int_equal(sim_work(1), 0);
	sim_on(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(local_idle_schedule_sets_enqueued_and_raises_schedule_once),
		T(remote_idle_schedule_feeds_through_tasklet_softirq),
		T(softirq_tasklet_runs_from_tasklet_softirq_without_handshake),
		T(batch_begin_finish_defers_ipis),
		T(second_feed_to_busy_inbox_sends_no_ipi),
		T(idle_tasklet_rescheduled_from_itself_keeps_handshake),
	};

	return cmocka_run_group_tests(tests, boot4, NULL);
}

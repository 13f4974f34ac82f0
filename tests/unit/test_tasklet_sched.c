// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: tasklet scheduling -- both kinds, coalescing, re-targeting, re-run
 * while running, the idle loop's one-per-call rule, and mixed-kind feeds.
 */
#include "unit.h"

static struct uobj s1, s2, s3, i1, i2, i3;

static int setup(void **state)
{
	u_setup(state);
	u_obj_init(&s1, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&s2, 2, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&s3, 3, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&i1, 11, DWORK_TASKLET_IDLE);
	u_obj_init(&i2, 12, DWORK_TASKLET_IDLE);
	u_obj_init(&i3, 13, DWORK_TASKLET_IDLE);
	return 0;
}

static void test_softirq_tasklet_runs_once_from_softirq_only(void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(tp.c[0].raise_local, 1);
	assert_int_equal(tp.c[0].kick_idle, 0);
	assert_false(tp_idle(0));
	assert_int_equal(s1.runs, 0);
	tp_softirq(0);
	assert_int_equal(s1.runs, 1);
	assert_int_equal(s1.bad_ctx, 0);
	u_quiesce();
	assert_int_equal(s1.runs, 1);
}

static void test_schedule_of_pending_tasklet_coalesces(void **state)
{
	struct dwork_stats st;

	(void)state;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 0), 0);
	assert_int_equal(tp.c[0].raise_local, 1);
	assert_int_equal(u_linked_on(&s1, 0), 1);
	u_quiesce();
	assert_int_equal(s1.runs, 1);
	st = u_stats(0);
	assert_int_equal(st.raised, 1);
	assert_int_equal(st.coalesced, 2);
}

static void test_idle_tasklet_kicks_idle_and_never_runs_from_softirq(
	void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&i2.tl), 0);
	/* Empty -> non-empty kicks once; the softirq is not involved. */
	assert_int_equal(tp.c[0].kick_idle, 1);
	assert_int_equal(tp.c[0].raise_local, 0);
	tp_softirq_once(0);
	assert_int_equal(u_log_n, 0);
	assert_true(tp_idle(0));
	assert_int_equal(i1.runs, 1);
	assert_int_equal(i2.runs, 0);
	/* More remains: idle_run kicked the idle loop again. */
	assert_int_equal(tp.c[0].kick_idle, 2);
	assert_true(tp_idle(0));
	assert_int_equal(i2.runs, 1);
	assert_int_equal(tp.c[0].kick_idle, 2);
	assert_false(tp_idle(0));
	assert_int_equal(i1.bad_ctx + i2.bad_ctx, 0);
}

static void test_idle_runs_one_callback_per_call(void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&i2.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&i3.tl), 0);
	assert_true(dwork_idle_pending());
	dwork_idle_run();
	assert_int_equal(u_log_n, 1);
	dwork_idle_run();
	assert_int_equal(u_log_n, 2);
	dwork_idle_run();
	assert_int_equal(u_log_n, 3);
	assert_false(dwork_idle_pending());
	dwork_idle_run();
	assert_int_equal(u_log_n, 3);
	assert_int_equal(u_log[0].id, 11);
	assert_int_equal(u_log[1].id, 12);
	assert_int_equal(u_log[2].id, 13);
}

/*
 * The RFC's feeder stranded idle tasklets when a batch mixed kinds.  A
 * feed of softirq and idle tasklets, in both orders, must run the softirq
 * ones from the softirq and kick the idle loop for the idle ones.
 */
static void test_mixed_kind_feed_kicks_idle(void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 1), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&i1.tl, 1), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&s2.tl, 1), 0);
	assert_int_equal(tp.c[1].raise_remote, 1);
	tp_softirq(1);
	assert_int_equal(s1.runs, 1);
	assert_int_equal(s2.runs, 1);
	assert_int_equal(i1.runs, 0);
	assert_true(tp.c[1].kick_idle >= 1); /* not stranded */
	assert_true(tp_idle(1));
	assert_int_equal(i1.runs, 1);
	assert_int_equal(i1.last_cpu, 1);

	/* Idle first in the batch, then softirq. */
	assert_int_equal(dwork_tasklet_schedule_on(&i2.tl, 2), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&s3.tl, 2), 0);
	tp_softirq(2);
	assert_int_equal(s3.runs, 1);
	assert_true(tp.c[2].kick_idle >= 1);
	assert_true(tp_idle(2));
	assert_int_equal(i2.runs, 1);

	/* Only idle work fed: the softirq drains it and kicks idle. */
	assert_int_equal(dwork_tasklet_schedule_on(&i3.tl, 3), 0);
	assert_int_equal(tp.c[3].raise_remote, 1);
	tp_softirq(3);
	assert_true(tp.c[3].kick_idle >= 1);
	u_quiesce();
	assert_int_equal(i3.runs, 1);
	assert_int_equal(i3.last_cpu, 3);
}

static void test_retarget_pending_runs_once_on_newest_target(void **state)
{
	(void)state;
	/* Pending on CPU 0's list, moved to 1, then to 2. */
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 1), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 2), 0);
	assert_true(dwork_tasklet_is_scheduled(&s1.tl));
	u_quiesce();
	assert_int_equal(s1.runs, 1);
	assert_int_equal(s1.last_cpu, 2);
	assert_int_equal(u_stats(0).forwarded, 1);
	assert_int_equal(u_stats(0).run, 0);
	assert_int_equal(u_stats(1).run, 0);

	/* Pending in CPU 1's inbox, moved back to CPU 0 (this CPU). */
	assert_int_equal(dwork_tasklet_schedule_on(&s2.tl, 1), 0);
	assert_int_equal(dwork_tasklet_schedule(&s2.tl), 0);
	u_quiesce();
	assert_int_equal(s2.runs, 1);
	assert_int_equal(s2.last_cpu, 0);

	/* Idle kind too. */
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&i1.tl, 3), 0);
	u_quiesce();
	assert_int_equal(i1.runs, 1);
	assert_int_equal(i1.last_cpu, 3);
	assert_lists_sound();
}

static void resched_to_1_then_2(struct uobj *o)
{
	if (o->runs > 1)
		return;
	o->ret[0] = dwork_tasklet_schedule_on(&o->tl, 1);
	o->ret[1] = dwork_tasklet_schedule_on(&o->tl, 2);
	o->ret[2] = dwork_tasklet_is_scheduled(&o->tl);
}

static void test_reschedule_while_running_reruns_on_newest_target(
	void **state)
{
	(void)state;
	s1.during = resched_to_1_then_2;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	tp_softirq(0);
	assert_int_equal(s1.ret[0], 0);
	assert_int_equal(s1.ret[1], 0);
	assert_true(s1.ret[2]);
	assert_int_equal(tp.c[2].raise_remote, 1);
	assert_int_equal(tp.c[1].raise_remote, 0);
	u_quiesce();
	assert_int_equal(s1.runs, 2);
	assert_int_equal(u_log[0].cpu, 0);
	assert_int_equal(u_log[1].cpu, 2);
	assert_int_equal(s1.overlaps, 0);
	assert_int_equal(u_stats(1).run, 0);
}

static void resched_self(struct uobj *o)
{
	if (o->runs > 1)
		return;
	o->ret[0] = dwork_tasklet_is_scheduled(&o->tl);
	o->ret[1] = dwork_tasklet_schedule(&o->tl);
	o->ret[2] = dwork_tasklet_schedule(&o->tl);
	o->ret[3] = dwork_tasklet_is_scheduled(&o->tl);
}

static void test_schedule_while_running_reruns_once_after_return(void **state)
{
	(void)state;
	s1.during = resched_self;
	i1.during = resched_self;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	u_quiesce();
	assert_int_equal(s1.runs, 2);
	assert_int_equal(i1.runs, 2);
	assert_false(s1.ret[0]);  /* not pending while it runs */
	assert_int_equal(s1.ret[1], 0);
	assert_int_equal(s1.ret[2], 0);
	assert_true(s1.ret[3]);   /* re-run owed */
	assert_false(i1.ret[0]);
	assert_true(i1.ret[3]);
	assert_int_equal(s1.overlaps + i1.overlaps, 0);
	assert_int_equal(u_stats(0).requeued, 2);
	assert_false(dwork_tasklet_is_scheduled(&s1.tl));
	assert_false(dwork_tasklet_is_scheduled(&i1.tl));
}

static void run_cpu1_softirq(struct uobj *o)
{
	if (o->runs > 1)
		return;
	/* Scheduled for CPU 1 while running on 0; CPU 1 plays now. */
	o->ret[0] = dwork_tasklet_schedule_on(&o->tl, 1);
	tp_softirq_once(1);
	o->n = o->runs;
}

static void test_schedule_on_other_cpu_while_running_never_runs_concurrently(
	void **state)
{
	(void)state;
	s1.during = run_cpu1_softirq;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	u_quiesce();
	assert_int_equal(s1.ret[0], 0);
	assert_int_equal(s1.n, 1);
	assert_int_equal(s1.runs, 2);
	assert_int_equal(s1.overlaps, 0);
	assert_int_equal(s1.last_cpu, 1);
}

static void test_schedule_from_irq_and_irqs_off_keeps_irq_state(void **state)
{
	unsigned long flags;

	(void)state;
	tp_irq_enter();
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&s2.tl, 1), 0);
	assert_true(tp.c[0].irq_off);
	tp_irq_exit();
	assert_false(tp.c[0].irq_off);

	flags = dwork_port_irq_save();
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	assert_int_equal(dwork_item_raise(&s3.item), DWORK_QUEUED);
	assert_true(tp.c[0].irq_off);
	dwork_port_irq_restore(flags);
	assert_false(tp.c[0].irq_off);

	u_quiesce();
	assert_int_equal(s1.runs, 1);
	assert_int_equal(s2.runs, 1);
	assert_int_equal(i1.runs, 1);
	assert_int_equal(s3.runs, 1);
}

static void test_static_initialisers_make_idle_and_softirq_tasklets(
	void **state)
{
	static struct uobj x, y;
	struct dwork_tasklet ti = DWORK_TASKLET_INIT(u_tasklet_fn, &x);
	struct dwork_tasklet ts = DWORK_SOFTIRQ_TASKLET_INIT(u_tasklet_fn, &y);

	(void)state;
	u_obj_init(&x, 21, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&y, 22, DWORK_TASKLET_IDLE);
	x.tl = ti; /* idle kind */
	y.tl = ts; /* softirq kind */
	assert_int_equal(dwork_tasklet_schedule(&x.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&y.tl), 0);
	assert_int_equal(tp.c[0].kick_idle, 1);
	assert_int_equal(tp.c[0].raise_local, 1);
	tp_softirq(0);
	assert_int_equal(x.runs, 0);
	assert_int_equal(y.runs, 1);
	assert_true(tp_idle(0));
	assert_int_equal(x.runs, 1);
}

/*
 * A re-target asks the CPU holding the node to forward it at its next pass,
 * even when the node sits behind a full batch there.
 */
static struct uobj many[DWORK_SOFTIRQ_BATCH];

static void test_retarget_is_forwarded_at_next_pass_even_behind_a_full_batch(
	void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < DWORK_SOFTIRQ_BATCH; i++) {
		u_obj_init(&many[i], 100 + i, DWORK_TASKLET_SOFTIRQ);
		assert_int_equal(dwork_tasklet_schedule(&many[i].tl), 0);
	}
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 2), 0);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(u_stats(0).forwarded, 1);
	assert_int_equal(u_linked_on(&s1, 0), 0);
	tp_softirq(2);
	assert_int_equal(s1.runs, 1);
	assert_int_equal(s1.last_cpu, 2);
	u_quiesce();
	assert_int_equal(s1.runs, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_softirq_tasklet_runs_once_from_softirq_only),
		T(test_schedule_of_pending_tasklet_coalesces),
		T(test_idle_tasklet_kicks_idle_and_never_runs_from_softirq),
		T(test_idle_runs_one_callback_per_call),
		T(test_mixed_kind_feed_kicks_idle),
		T(test_retarget_pending_runs_once_on_newest_target),
		T(test_retarget_is_forwarded_at_next_pass_even_behind_a_full_batch),
		T(test_reschedule_while_running_reruns_on_newest_target),
		T(test_schedule_while_running_reruns_once_after_return),
		T(test_schedule_on_other_cpu_while_running_never_runs_concurrently),
		T(test_schedule_from_irq_and_irqs_off_keeps_irq_state),
		T(test_static_initialisers_make_idle_and_softirq_tasklets),
	};

	return cmocka_run_group_tests_name("tasklet_sched", tests, NULL, NULL);
}

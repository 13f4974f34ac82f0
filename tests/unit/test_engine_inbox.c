// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: the per-CPU engine -- inbox drain order, the bounded softirq pass,
 * work queued during a pass, and when the softirq is (re-)raised.
 */
#include "unit.h"

#define NOBJ (DWORK_SOFTIRQ_BATCH + 3)

static struct uobj o[NOBJ];

static int setup(void **state)
{
	unsigned int i;

	u_setup(state);
	for (i = 0; i < NOBJ; i++)
		u_obj_init(&o[i], i, DWORK_TASKLET_SOFTIRQ);
	return 0;
}

static void test_inbox_drain_preserves_fifo(void **state)
{
	unsigned int i;

	(void)state;
	/* CPU 0 feeds 8 items and 4 tasklets to CPU 1, interleaved. */
	for (i = 0; i < 12; i++) {
		if (i % 3 == 2)
			assert_int_equal(dwork_tasklet_schedule_on(&o[i].tl, 1),
					 0);
		else
			assert_int_equal(dwork_item_raise_on(&o[i].item, 1), DWORK_QUEUED);
	}
	assert_int_equal(tp.c[1].raise_remote, 1);
	tp_softirq(1);
	assert_int_equal(u_log_n, 12);
	for (i = 0; i < 12; i++) {
		assert_int_equal(u_log[i].id, i);
		assert_int_equal(u_log[i].cpu, 1);
	}
	assert_lists_sound();
}

/*
 * A drained batch of pending nodes joins the softirq list in one step; a
 * node cancelled from the middle of it afterwards is unlinked cleanly
 * (its neighbours' links hold) and the others run in order.
 */
static void test_fed_batch_cancelled_in_the_middle_unlinks_cleanly(
	void **state)
{
	unsigned int i;

	(void)state;
	U_CPU(0);
	for (i = 0; i < 3; i++)
		assert_int_equal(dwork_item_raise_on(&o[i].item, 1),
				 DWORK_QUEUED);
	U_CPU(1);
	/* The idle loop's look drains the inbox onto the softirq list. */
	assert_false(dwork_idle_pending());
	assert_int_equal(u_linked_on(&o[1], 1), 1);
	assert_lists_sound();
	dwork_item_cancel(&o[1].item);
	tp_softirq(1);
	assert_lists_sound();
	assert_int_equal(u_log_n, 2);
	assert_int_equal(u_log[0].id, 0);
	assert_int_equal(u_log[1].id, 2);
	assert_int_equal(dwork_item_busy(&o[1].item), 0);
}

/*
 * Fed softirq work drained outside a softirq pass (the idle loop's look)
 * onto an empty softirq list raises the softirq: the raise of the push
 * may have been taken already.
 */
static void test_fed_work_drained_outside_a_pass_raises_the_softirq(
	void **state)
{
	(void)state;
	U_CPU(0);
	assert_int_equal(dwork_item_raise_on(&o[0].item, 1), DWORK_QUEUED);
	assert_int_equal(tp.c[1].raise_remote, 1);
	U_CPU(1);
	tp.c[1].softirq_pending = 0;
	assert_false(dwork_idle_pending());
	assert_int_equal(tp.c[1].raise_local, 1);
	assert_int_equal(tp.c[1].softirq_pending, 1);
	tp_softirq(1);
	assert_int_equal(u_log_n, 1);
	assert_int_equal(u_log[0].id, 0);
}

static void test_softirq_pass_runs_bounded_batch_and_reraises(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NOBJ; i++)
		assert_int_equal(dwork_item_raise(&o[i].item), DWORK_QUEUED);
	assert_int_equal(tp.c[0].raise_local, 1);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(u_log_n, DWORK_SOFTIRQ_BATCH);
	/* Work remains: the pass raised the softirq again, once. */
	assert_int_equal(tp.c[0].softirq_pending, 1);
	assert_int_equal(tp.c[0].raise_local, 2);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(u_log_n, NOBJ);
	/* Nothing left: no further raise. */
	assert_int_equal(tp.c[0].softirq_pending, 0);
	assert_int_equal(tp.c[0].raise_local, 2);
	for (i = 0; i < NOBJ; i++)
		assert_int_equal(u_log[i].id, i);
}

static void queue_more(struct uobj *x)
{
	if (x->runs > 1)
		return;
	/* Local item, a re-raise of itself, and work fed from CPU 2. */
	x->ret[0] = dwork_item_raise(&o[1].item);
	x->ret[1] = dwork_item_raise(&x->item);
	tp_switch(2);
	x->ret[2] = dwork_tasklet_schedule_on(&o[2].tl, 0);
	tp_switch(0);
}

/*
 * o[0]'s callback queues more (queue_more) during a pass that holds o[0]
 * alone or, with @several, o[0] and o[3]: only what was queued before
 * the pass runs in it, the rest in the next one.
 */
static void check_work_queued_during_pass(bool several)
{
	unsigned int first = several ? 2 : 1;

	o[0].during = queue_more;
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	if (several)
		assert_int_equal(dwork_item_raise(&o[3].item), DWORK_QUEUED);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(o[0].ret[0], DWORK_QUEUED);
	assert_int_equal(o[0].ret[1], DWORK_QUEUED);
	assert_int_equal(o[0].ret[2], 0);
	/* Only the work queued before the pass ran in it. */
	assert_int_equal(u_log_n, first);
	assert_int_equal(o[3].runs, several ? 1 : 0);
	assert_int_equal(o[1].runs, 0);
	assert_int_equal(o[2].runs, 0);
	/* ... and the pass left the softirq raised for the rest. */
	assert_int_equal(tp.c[0].softirq_pending, 1);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(o[0].runs, 2);
	assert_int_equal(o[1].runs, 1);
	assert_int_equal(o[2].runs, 1);
	u_quiesce();
	assert_int_equal(u_log_n, first + 3);
	assert_lists_sound();
}

static void test_work_queued_during_pass_runs_next_pass(void **state)
{
	(void)state;
	check_work_queued_during_pass(false);
}

/* The same in a pass over several nodes (the pass takes the list whole). */
static void test_work_queued_during_a_pass_of_several_runs_next_pass(
	void **state)
{
	(void)state;
	check_work_queued_during_pass(true);
}

static void raise_local_during(struct uobj *x)
{
	x->ret[0] = dwork_item_raise(&o[1].item);
	x->n = tp.c[0].raise_local;
}

static void test_raise_inside_pass_defers_softirq_raise_to_pass_end(
	void **state)
{
	(void)state;
	o[0].during = raise_local_during;
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	assert_int_equal(tp.c[0].raise_local, 1);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(o[0].ret[0], DWORK_QUEUED);
	/* No raise from inside the pass; exactly one at its end. */
	assert_int_equal(o[0].n, 1);
	assert_int_equal(tp.c[0].raise_local, 2);
	assert_int_equal(tp.c[0].softirq_pending, 1);
	u_quiesce();
	assert_int_equal(o[1].runs, 1);
}

static void test_empty_softirq_pass_does_not_reraise(void **state)
{
	(void)state;
	tp_softirq_once(0);
	tp_softirq_once(1);
	assert_int_equal(tp.c[0].raise_local, 0);
	assert_int_equal(tp.c[1].raise_local, 0);
	assert_int_equal(tp.c[0].softirq_pending, 0);
	assert_int_equal(u_log_n, 0);
}

static void test_feed_from_no_cpu_raises_target_once(void **state)
{
	(void)state;
	/* A host thread that is no CPU (port/posix) may feed work. */
	tp_switch(DWORK_CPU_NONE);
	assert_int_equal(dwork_item_raise_on(&o[0].item, 3), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule_on(&o[1].tl, 3), 0);
	tp_switch(0);
	assert_int_equal(tp.c[3].raise_remote, 1);
	u_quiesce();
	assert_int_equal(o[0].last_cpu, 3);
	assert_int_equal(o[1].last_cpu, 3);
	assert_int_equal(u_log[0].id, 0);
}

static void test_stats_count_raised_coalesced_run_fed(void **state)
{
	struct dwork_stats st;

	(void)state;
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise(&o[0].item), 0);
	assert_int_equal(dwork_item_raise_on(&o[1].item, 1), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise_on(&o[1].item, 1), 0);
	u_quiesce();
	st = u_stats(0);
	assert_int_equal(st.raised, 2);
	assert_int_equal(st.coalesced, 2);
	assert_int_equal(st.fed, 1);
	assert_int_equal(st.run, 1);
	assert_int_equal(st.migrated + st.requeued + st.forwarded + st.dropped,
			 0);
	st = u_stats(1);
	assert_int_equal(st.run, 1);
	assert_int_equal(st.raised + st.coalesced + st.fed, 0);
}

/*
 * A node re-targeted while the pass that holds it is already running (by
 * a callback earlier in the same pass) is forwarded when the pass reaches
 * it, not run here.
 */
static void retarget_next(struct uobj *x)
{
	x->ret[0] = dwork_tasklet_schedule_on(&o[1].tl, 2);
	x->ret[1] = dwork_item_raise_on(&o[2].item, 3);
}

static void test_retarget_during_pass_is_forwarded_not_run_here(void **state)
{
	(void)state;
	o[0].during = retarget_next;
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&o[1].tl), 0);
	assert_int_equal(dwork_item_raise(&o[2].item), DWORK_QUEUED);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(o[0].ret[0], 0);
	assert_int_equal(o[0].ret[1], 0); /* absorbed, but moved */
	assert_int_equal(u_log_n, 1);
	assert_int_equal(u_stats(0).forwarded, 2);
	u_quiesce();
	assert_int_equal(o[1].runs, 1);
	assert_int_equal(o[1].last_cpu, 2);
	assert_int_equal(o[2].runs, 1);
	assert_int_equal(o[2].last_cpu, 3);
	assert_int_equal(u_stats(0).run, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_inbox_drain_preserves_fifo),
		T(test_fed_batch_cancelled_in_the_middle_unlinks_cleanly),
		T(test_fed_work_drained_outside_a_pass_raises_the_softirq),
		T(test_softirq_pass_runs_bounded_batch_and_reraises),
		T(test_work_queued_during_pass_runs_next_pass),
		T(test_work_queued_during_a_pass_of_several_runs_next_pass),
		T(test_raise_inside_pass_defers_softirq_raise_to_pass_end),
		T(test_empty_softirq_pass_does_not_reraise),
		T(test_feed_from_no_cpu_raises_target_once),
		T(test_stats_count_raised_coalesced_run_fed),
		T(test_retarget_during_pass_is_forwarded_not_run_here),
	};

	return cmocka_run_group_tests_name("engine_inbox", tests, NULL, NULL);
}

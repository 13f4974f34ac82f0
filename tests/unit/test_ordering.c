// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: ordering, in the sense a single-threaded test can check.
 *
 * - FIFO per target CPU and kind for schedules from one source CPU, local
 *   or fed, including a mix of sources.
 * - Every schedule that returned 0 is answered by a run that starts after
 *   it and sees what the scheduler wrote before it, coalesced or not, and
 *   also when the schedule happened during the previous run.
 * - The observable state (is_scheduled / busy) moves through the state
 *   table's transitions: idle -> pending -> running -> (re-run owed) ->
 *   idle, and dead after kill.
 *
 * Real memory ordering (the release/acquire pairs) is for the model and
 * stress suites; here the same guarantees are checked as state transitions.
 */
#include "unit.h"

static struct uobj o[16];
static unsigned int version;       /* "data" a scheduler writes */
static unsigned int seen[16][8];   /* version each run of o[i] saw */

static void see_version(struct uobj *x)
{
	if (x->runs <= 8)
		seen[x->id][x->runs - 1] = version;
}

static int setup(void **state)
{
	unsigned int i;

	u_setup(state);
	for (i = 0; i < 16; i++) {
		u_obj_init(&o[i], i, i < 8 ? DWORK_TASKLET_SOFTIRQ
					    : DWORK_TASKLET_IDLE);
		o[i].during = see_version;
	}
	version = 0;
	return 0;
}

static void assert_before(unsigned int id1, unsigned int id2)
{
	int p1 = u_log_pos(id1, 0), p2 = u_log_pos(id2, 0);

	assert_true(p1 >= 0);
	assert_true(p2 >= 0);
	if (p1 >= p2)
		fail_msg("object %u ran after %u, scheduled later from the "
			 "same CPU", id1, id2);
}

static void test_fifo_per_source_cpu_local_and_fed(void **state)
{
	(void)state;
	/* CPU 1 feeds 0,1 (softirq), 8,9 (idle) and item 2 to CPU 0. */
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, 0), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[8].tl, 0), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[1].tl, 0), 0);
	assert_int_equal(dwork_item_raise_on(&o[2].item, 0), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule_on(&o[9].tl, 0), 0);
	/* CPU 0 schedules 3,4 and idle 10,11 locally. */
	tp_switch(0);
	assert_int_equal(dwork_tasklet_schedule(&o[3].tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&o[10].tl), 0);
	assert_int_equal(dwork_item_raise(&o[4].item), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule(&o[11].tl), 0);
	/* CPU 2 feeds 5,6 and idle 12,13. */
	tp_switch(2);
	assert_int_equal(dwork_tasklet_schedule_on(&o[12].tl, 0), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[5].tl, 0), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[13].tl, 0), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[6].tl, 0), 0);
	tp_switch(0);
	/* CPU 0 keeps scheduling locally after its inbox filled up. */
	assert_int_equal(dwork_tasklet_schedule(&o[7].tl), 0);

	u_quiesce();
	assert_int_equal(u_log_n, 14);
	/* softirq kind, per source */
	assert_before(0, 1);
	assert_before(1, 2);
	assert_before(3, 4);
	assert_before(4, 7);
	assert_before(5, 6);
	/* idle kind, per source */
	assert_before(8, 9);
	assert_before(10, 11);
	assert_before(12, 13);
}

static void test_coalesced_schedule_is_answered_by_a_later_run(void **state)
{
	(void)state;
	version = 1;
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);
	version = 2;
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);   /* coalesced */
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	version = 3;
	assert_int_equal(dwork_item_raise(&o[0].item), 0);       /* absorbed */
	tp_switch(1);
	version = 4;
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, 0), 0); /* fed */
	tp_switch(0);
	u_quiesce();
	assert_int_equal(o[0].runs, 2); /* one tasklet run, one item run */
	assert_true(seen[0][0] >= 3);
	assert_true(seen[0][1] >= 4);
}

static void resched_with_version(struct uobj *x)
{
	see_version(x);
	if (x->runs > 1)
		return;
	version = 10;
	x->ret[0] = dwork_tasklet_schedule_on(&x->tl, 2);
	version = 11; /* written after the schedule: no promise either way */
}

static void test_schedule_during_run_is_answered_by_a_later_run(void **state)
{
	(void)state;
	o[1].during = resched_with_version;
	o[9].during = resched_with_version;
	assert_int_equal(dwork_tasklet_schedule(&o[1].tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&o[9].tl), 0);
	u_quiesce();
	assert_int_equal(o[1].ret[0], 0);
	assert_int_equal(o[1].runs, 2);
	assert_int_equal(o[9].runs, 2);
	assert_true(seen[1][1] >= 10);
	assert_true(seen[9][1] >= 10);
	/* The re-run started after the first run returned. */
	assert_int_equal(o[1].overlaps + o[9].overlaps, 0);
}

static void observe_state(struct uobj *x)
{
	if (x->runs > 1)
		return;
	x->ret[0] = dwork_tasklet_is_scheduled(&x->tl);
	x->ret[1] = dwork_tasklet_schedule(&x->tl);
	x->ret[2] = dwork_tasklet_is_scheduled(&x->tl);
}

static void observe_busy(struct uobj *x)
{
	if (x->runs > 1)
		return;
	x->ret[0] = dwork_item_busy(&x->item);
	x->ret[1] = dwork_item_raise(&x->item);
	x->ret[2] = dwork_item_busy(&x->item);
}

static void test_state_moves_idle_pending_running_rerun_idle_dead(
	void **state)
{
	(void)state;
	/* Tasklet. */
	o[2].during = observe_state;
	assert_false(dwork_tasklet_is_scheduled(&o[2].tl));        /* INIT */
	assert_int_equal(dwork_tasklet_schedule(&o[2].tl), 0);
	assert_true(dwork_tasklet_is_scheduled(&o[2].tl));         /* P|Q */
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_false(o[2].ret[0]);                                 /* R */
	assert_int_equal(o[2].ret[1], 0);
	assert_true(o[2].ret[2]);                                  /* R|P */
	assert_true(dwork_tasklet_is_scheduled(&o[2].tl));         /* P|Q */
	u_quiesce();
	assert_int_equal(o[2].runs, 2);
	assert_false(dwork_tasklet_is_scheduled(&o[2].tl));        /* INIT */
	assert_int_equal(dwork_tasklet_schedule(&o[2].tl), 0);
	assert_int_equal(dwork_tasklet_kill(&o[2].tl), 0);
	assert_false(dwork_tasklet_is_scheduled(&o[2].tl));        /* D */
	assert_int_equal(dwork_tasklet_schedule(&o[2].tl), DWORK_ESHUTDOWN);
	assert_false(dwork_tasklet_is_scheduled(&o[2].tl));

	/* Item. */
	o[3].during = observe_busy;
	assert_int_equal(dwork_item_busy(&o[3].item), 0);
	assert_int_equal(dwork_item_raise(&o[3].item), DWORK_QUEUED);
	assert_int_equal(dwork_item_busy(&o[3].item), DWORK_EAGAIN);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	assert_int_equal(o[3].ret[0], DWORK_EAGAIN);
	assert_int_equal(o[3].ret[1], DWORK_QUEUED);
	assert_int_equal(o[3].ret[2], DWORK_EAGAIN);
	assert_int_equal(dwork_item_busy(&o[3].item), DWORK_EAGAIN);
	u_quiesce();
	assert_int_equal(o[3].runs, 2);
	assert_int_equal(dwork_item_busy(&o[3].item), 0);
}

/*
 * raise(A); cancel(A); raise(B); raise(A) from one CPU: A was not pending
 * when B was raised, so its new run queues behind B's, although A's node
 * is still linked where it was before the cancel.  Locally (the raising
 * CPU holds the node, and moves it at once: a later raise of C queues
 * behind A), fed to another CPU (A still in that CPU's inbox before B),
 * and re-targeted (A cancelled in CPU 1's inbox, raised again for CPU 2
 * behind B there).  It was: A kept its old place and ran first.
 */
static void test_raise_after_cancel_while_linked_queues_behind(void **state)
{
	struct uobj *a = &o[0], *b = &o[1], *c = &o[2];

	(void)state;
	/* Local, on CPU 0. */
	assert_int_equal(dwork_item_raise(&a->item), DWORK_QUEUED);
	dwork_item_cancel(&a->item);
	assert_int_equal(dwork_item_raise(&b->item), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise(&a->item), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise(&c->item), DWORK_QUEUED);
	assert_int_equal(dwork_item_busy(&a->item), DWORK_EAGAIN);
	u_quiesce();
	assert_int_equal(a->runs, 1);
	assert_before(1, 0);
	assert_before(0, 2);
	assert_lists_sound();

	/* Fed from CPU 0 to CPU 1. */
	u_log_n = 0;
	assert_int_equal(dwork_item_raise_on(&a->item, 1), DWORK_QUEUED);
	dwork_item_cancel(&a->item);
	assert_int_equal(dwork_item_raise_on(&b->item, 1), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise_on(&a->item, 1), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(a->runs, 2);
	assert_int_equal(a->last_cpu, 1);
	assert_before(1, 0);

	/* Re-targeted: cancelled in CPU 1's inbox, raised for CPU 2. */
	u_log_n = 0;
	assert_int_equal(dwork_item_raise_on(&a->item, 1), DWORK_QUEUED);
	dwork_item_cancel(&a->item);
	assert_int_equal(dwork_item_raise_on(&b->item, 2), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise_on(&a->item, 2), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(a->runs, 3);
	assert_int_equal(a->last_cpu, 2);
	assert_before(1, 0);

	/* Cancelled again after the raise: no run, nothing left linked. */
	assert_int_equal(dwork_item_raise(&a->item), DWORK_QUEUED);
	dwork_item_cancel(&a->item);
	assert_int_equal(dwork_item_raise(&a->item), DWORK_QUEUED);
	dwork_item_cancel(&a->item);
	u_quiesce();
	assert_int_equal(a->runs, 3);
	assert_int_equal(dwork_item_busy(&a->item), 0);
	/* The same where CPU 1 holds the node (MOVE until it reaches it). */
	assert_int_equal(dwork_item_raise_on(&a->item, 1), DWORK_QUEUED);
	dwork_item_cancel(&a->item);
	assert_int_equal(dwork_item_raise_on(&a->item, 1), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise_on(&a->item, 1), 0);
	dwork_item_cancel(&a->item);
	assert_int_equal(dwork_item_busy(&a->item), DWORK_EAGAIN);
	u_quiesce();
	assert_int_equal(a->runs, 3);
	assert_int_equal(dwork_item_busy(&a->item), 0);
	assert_lists_sound();
}

/*
 * CPU 1 raises A for CPU 0; while A's callback runs there, CPU 1 raises
 * B for CPU 0 (into its inbox) and then A again (a re-run owed).  The
 * re-run is queued when the callback returns, behind B, which was raised
 * first.  It was: the runner appended the re-run straight to CPU 0's list
 * while B still sat in the inbox, and A ran before B.
 */
static void feed_b_then_a_from_cpu1(struct uobj *x)
{
	unsigned int old;

	if (x->runs != 1)
		return;
	old = tp_switch(1);
	assert_int_equal(dwork_item_raise_on(&o[1].item, 0), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise_on(&x->item, 0), DWORK_QUEUED);
	tp_switch(old);
}

static void test_rerun_queues_behind_what_was_fed_before(void **state)
{
	(void)state;
	o[0].during = feed_b_then_a_from_cpu1;
	tp_switch(1);
	assert_int_equal(dwork_item_raise_on(&o[0].item, 0), DWORK_QUEUED);
	tp_switch(0);
	u_quiesce();
	assert_int_equal(o[0].runs, 2);
	assert_int_equal(o[1].runs, 1);
	if (u_log_pos(1, 0) > u_log_pos(0, 1))
		fail_msg("the re-run of 0 ran before 1, which CPU 1 raised "
			 "first");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fifo_per_source_cpu_local_and_fed),
		T(test_coalesced_schedule_is_answered_by_a_later_run),
		T(test_schedule_during_run_is_answered_by_a_later_run),
		T(test_state_moves_idle_pending_running_rerun_idle_dead),
		T(test_raise_after_cancel_while_linked_queues_behind),
		T(test_rerun_queues_behind_what_was_fed_before),
	};

	return cmocka_run_group_tests_name("ordering", tests, NULL, NULL);
}

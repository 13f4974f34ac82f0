// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: items (the dpci pattern) -- raise, masking, requeue while running,
 * cancel, busy, re-targeting, and the hook calls "only when needed".
 */
#include "unit.h"

static struct uobj a, b, c;
static struct uobj many[DWORK_SOFTIRQ_BATCH];

static int setup(void **state)
{
	unsigned int i;

	u_setup(state);
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&b, 2, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&c, 3, DWORK_TASKLET_SOFTIRQ);
	for (i = 0; i < DWORK_SOFTIRQ_BATCH; i++)
		u_obj_init(&many[i], 100 + i, DWORK_TASKLET_SOFTIRQ);
	return 0;
}

static void test_raise_on_empty_list_raises_softirq_once(void **state)
{
	(void)state;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	assert_int_equal(tp.c[0].raise_local, 1);
	/* Already pending: absorbed, no second raise of the softirq. */
	assert_int_equal(dwork_item_raise(&a.item), 0);
	/* Another item on a non-empty list: no raise either. */
	assert_int_equal(dwork_item_raise(&b.item), DWORK_QUEUED);
	assert_int_equal(tp.c[0].raise_local, 1);
	assert_int_equal(tp.c[0].raise_remote, 0);
	assert_int_equal(tp.c[0].kick_idle, 0);
	assert_lists_sound();

	assert_int_equal(tp_softirq(0), 1);
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	/* The pass emptied the list: it does not raise again. */
	assert_int_equal(tp.c[0].raise_local, 1);
	assert_int_equal(tp.c[0].softirq_pending, 0);

	/* Empty again: the next raise raises the softirq again. */
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	assert_int_equal(tp.c[0].raise_local, 2);
	u_quiesce();
	assert_int_equal(a.runs, 2);
}

static void test_raise_of_pending_item_is_absorbed_and_counted(void **state)
{
	struct dwork_stats st;

	(void)state;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise(&a.item), 0);
	assert_int_equal(dwork_item_raise_on(&a.item, 0), 0);
	st = u_stats(0);
	assert_int_equal(st.raised, 1);
	assert_int_equal(st.coalesced, 2);
	assert_int_equal(u_linked_on(&a, 0), 1);
	u_quiesce();
	assert_int_equal(a.runs, 1);
	st = u_stats(0);
	assert_int_equal(st.run, 1);
	assert_int_equal(a.bad_ctx, 0);
}

static void raise_self_twice(struct uobj *o)
{
	if (o->runs > 1)
		return;
	o->ret[0] = dwork_item_raise(&o->item);
	o->ret[1] = dwork_item_raise(&o->item);
	o->ret[2] = dwork_item_busy(&o->item);
}

static void test_raise_while_running_requeues_once(void **state)
{
	(void)state;
	a.during = raise_self_twice;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	tp.c[0].softirq_pending = 0;
	tp_softirq_once(0);
	/* First pass: one run; the raise during it queued exactly one more. */
	assert_int_equal(a.runs, 1);
	assert_int_equal(a.ret[0], DWORK_QUEUED);
	assert_int_equal(a.ret[1], 0);
	assert_int_equal(a.ret[2], DWORK_EAGAIN);
	assert_int_equal(u_linked_on(&a, 0), 1);
	assert_lists_sound();
	assert_int_equal(u_stats(0).requeued, 1);
	u_quiesce();
	assert_int_equal(a.runs, 2);
	assert_int_equal(a.overlaps, 0);
	assert_int_equal(dwork_item_busy(&a.item), 0);
}

/*
 * Xen a2a935bc5e: the item runs on CPU 0; an IRQ on CPU 1 raises it there.
 * CPU 1 plays its softirq while CPU 0 is still inside the callback: the
 * item must not run there now, and must run (once) after CPU 0 returns.
 */
static void raise_from_cpu1_and_run_cpu1(struct uobj *o)
{
	if (o->runs > 1)
		return;
	tp_switch(1);
	tp_irq_enter();
	o->ret[0] = dwork_item_raise(&o->item);
	tp_irq_exit();
	tp_softirq_once(1); /* CPU 1's softirq, concurrent with CPU 0 */
	o->n = o->runs;
	tp_switch(0);
}

static void test_raise_on_other_cpu_while_running_never_runs_concurrently(
	void **state)
{
	(void)state;
	a.during = raise_from_cpu1_and_run_cpu1;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	tp_softirq(0);
	assert_int_equal(a.ret[0], DWORK_QUEUED);
	assert_int_equal(a.n, 1);       /* CPU 1 did not run it meanwhile */
	assert_int_equal(a.overlaps, 0);
	/* After the callback returned it was fed to CPU 1, once. */
	assert_int_equal(tp.c[1].raise_remote, 1);
	assert_int_equal(u_stats(0).requeued, 1);
	assert_int_equal(u_stats(0).fed, 1);
	u_quiesce();
	assert_int_equal(a.runs, 2);
	assert_int_equal(a.last_cpu, 1);
	assert_int_equal(a.overlaps, 0);
	assert_int_equal(u_stats(1).run, 1);
}

/* Xen 104072fc1c: after a cancel, a raise must never link the node twice. */
static void test_cancel_then_raise_never_double_inserts(void **state)
{
	int i;

	(void)state;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	for (i = 0; i < 5; i++) {
		dwork_item_cancel(&a.item);
		assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
		assert_int_equal(u_linked_on(&a, 0), 1);
		assert_lists_sound();
	}
	assert_int_equal(dwork_item_raise(&b.item), DWORK_QUEUED);
	assert_lists_sound();
	u_quiesce();
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	assert_lists_sound();

	/* Same on a remote CPU's inbox. */
	assert_int_equal(dwork_item_raise_on(&c.item, 1), DWORK_QUEUED);
	dwork_item_cancel(&c.item);
	assert_int_equal(dwork_item_raise_on(&c.item, 1), DWORK_QUEUED);
	assert_int_equal(u_linked_on(&c, 1), 0); /* still in the inbox */
	u_quiesce();
	assert_int_equal(c.runs, 1);
	assert_lists_sound();
}

static void test_cancel_drops_pending_run(void **state)
{
	(void)state;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise_on(&b.item, 1), DWORK_QUEUED);
	dwork_item_cancel(&a.item);
	dwork_item_cancel(&b.item);
	u_quiesce();
	assert_int_equal(a.runs, 0);
	assert_int_equal(b.runs, 0);
	assert_int_equal(u_stats(0).dropped, 1);
	assert_int_equal(u_stats(1).dropped, 1);
	assert_int_equal(dwork_item_busy(&a.item), 0);
	assert_int_equal(dwork_item_busy(&b.item), 0);
	assert_int_equal(u_linked_on(&a, 0), 0);
	/* Raising again after the drop works normally. */
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(a.runs, 1);
}

static void raise_then_cancel_self(struct uobj *o)
{
	if (o->runs > 1)
		return;
	o->ret[0] = dwork_item_raise(&o->item);
	dwork_item_cancel(&o->item);
	o->ret[1] = dwork_item_busy(&o->item);
}

static void test_cancel_while_running_drops_the_rerun(void **state)
{
	(void)state;
	a.during = raise_then_cancel_self;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(a.ret[0], DWORK_QUEUED);
	assert_int_equal(a.ret[1], DWORK_EAGAIN); /* still running */
	assert_int_equal(a.runs, 1);
	assert_int_equal(dwork_item_busy(&a.item), 0);
}

static void record_busy(struct uobj *o)
{
	o->ret[0] = dwork_item_busy(&o->item);
}

static void test_busy_reports_eagain_until_unlinked(void **state)
{
	(void)state;
	assert_int_equal(dwork_item_busy(&a.item), 0);
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	assert_int_equal(dwork_item_busy(&a.item), DWORK_EAGAIN);
	/* Cancelled but still linked on CPU 0: still busy. */
	dwork_item_cancel(&a.item);
	assert_int_equal(u_linked_on(&a, 0), 1);
	assert_int_equal(dwork_item_busy(&a.item), DWORK_EAGAIN);
	tp_softirq(0);
	assert_int_equal(u_linked_on(&a, 0), 0);
	assert_int_equal(dwork_item_busy(&a.item), 0);

	/* Cancelled while in CPU 1's inbox: busy until CPU 1 drained it. */
	assert_int_equal(dwork_item_raise_on(&a.item, 1), DWORK_QUEUED);
	dwork_item_cancel(&a.item);
	assert_int_equal(dwork_item_busy(&a.item), DWORK_EAGAIN);
	tp_softirq(1);
	assert_int_equal(dwork_item_busy(&a.item), 0);

	/* Busy while the callback runs, idle after. */
	a.during = record_busy;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(a.ret[0], DWORK_EAGAIN);
	assert_int_equal(dwork_item_busy(&a.item), 0);
	assert_int_equal(a.runs, 1);
}

static void test_remote_raise_raises_remote_softirq_only_when_inbox_empty(
	void **state)
{
	struct dwork_stats st;

	(void)state;
	assert_int_equal(dwork_item_raise_on(&a.item, 1), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise_on(&b.item, 1), DWORK_QUEUED);
	assert_int_equal(tp.c[1].raise_remote, 1);
	assert_int_equal(tp.c[1].raise_local, 0);
	assert_int_equal(tp.c[0].raise_local, 0);
	assert_int_equal(tp.c[0].raise_remote, 0);
	st = u_stats(0);
	assert_int_equal(st.fed, 2);
	assert_int_equal(st.raised, 2);
	tp_softirq(1);
	assert_int_equal(a.last_cpu, 1);
	assert_int_equal(b.last_cpu, 1);
	assert_int_equal(u_stats(1).run, 2);
	/* Inbox empty again: the next feed raises again. */
	assert_int_equal(dwork_item_raise_on(&c.item, 1), DWORK_QUEUED);
	assert_int_equal(tp.c[1].raise_remote, 2);
	u_quiesce();
	assert_int_equal(c.runs, 1);
}

static void test_raise_of_pending_item_for_other_cpu_moves_it_once(
	void **state)
{
	(void)state;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	/* Already pending: absorbed (0), but the run moves to CPU 2. */
	assert_int_equal(dwork_item_raise_on(&a.item, 2), 0);
	u_quiesce();
	assert_int_equal(a.runs, 1);
	assert_int_equal(a.last_cpu, 2);
	assert_int_equal(u_stats(0).run, 0);
	assert_int_equal(u_stats(0).forwarded, 1);
	assert_int_equal(u_stats(2).run, 1);
}

static void test_static_initialiser_makes_a_raisable_item(void **state)
{
	static struct uobj s;
	struct dwork_item it = DWORK_ITEM_INIT(u_item_fn);

	(void)state;
	u_obj_init(&s, 9, DWORK_TASKLET_SOFTIRQ);
	s.item = it;
	assert_int_equal(dwork_item_busy(&s.item), 0);
	assert_int_equal(dwork_item_raise(&s.item), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(s.runs, 1);
}

/*
 * Cancel asks the CPU holding the node to unlink it at its next pass, not
 * only when the pass reaches it: a teardown loop polling busy() finishes
 * after one pass even when the node sits behind a full batch.
 */
static void test_cancel_unlinks_at_next_pass_even_behind_a_full_batch(
	void **state)
{
	unsigned int i;

	(void)state;
	/* CPU 1 queues a full batch, then a. */
	tp_switch(1);
	for (i = 0; i < DWORK_SOFTIRQ_BATCH; i++)
		assert_int_equal(dwork_item_raise(&many[i].item), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	tp_switch(0);
	dwork_item_cancel(&a.item);
	assert_int_equal(dwork_item_busy(&a.item), DWORK_EAGAIN);
	tp.c[1].softirq_pending = 0;
	tp_softirq_once(1);
	assert_int_equal(u_log_n, DWORK_SOFTIRQ_BATCH);
	/* The pass did not reach a, yet it is unlinked and no longer busy. */
	assert_int_equal(u_linked_on(&a, 1), 0);
	assert_int_equal(dwork_item_busy(&a.item), 0);
	u_quiesce();
	assert_int_equal(a.runs, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_raise_on_empty_list_raises_softirq_once),
		T(test_raise_of_pending_item_is_absorbed_and_counted),
		T(test_raise_while_running_requeues_once),
		T(test_raise_on_other_cpu_while_running_never_runs_concurrently),
		T(test_cancel_then_raise_never_double_inserts),
		T(test_cancel_drops_pending_run),
		T(test_cancel_while_running_drops_the_rerun),
		T(test_busy_reports_eagain_until_unlinked),
		T(test_remote_raise_raises_remote_softirq_only_when_inbox_empty),
		T(test_raise_of_pending_item_for_other_cpu_moves_it_once),
		T(test_static_initialiser_makes_a_raisable_item),
		T(test_cancel_unlinks_at_next_pass_even_behind_a_full_batch),
	};

	return cmocka_run_group_tests_name("item", tests, NULL, NULL);
}

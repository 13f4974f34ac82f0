// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: CPU hotplug -- dwork_cpu_init / dwork_cpu_dead.  A dead CPU's work
 * (both tasklet kinds, items, its inbox, work re-targeted to it while
 * running elsewhere) moves to the adopting CPU in order; nothing accepted
 * is lost; schedules for a CPU that is not up are refused.
 */
#include "unit.h"

#define NOBJ 12
static struct uobj o[NOBJ + 3]; /* the last 3: refusal checks */

static int setup(void **state)
{
	unsigned int i;

	u_setup(state);
	for (i = 0; i < NOBJ + 3; i++)
		u_obj_init(&o[i], i, i < 8 || i == NOBJ ? DWORK_TASKLET_SOFTIRQ
							 : DWORK_TASKLET_IDLE);
	return 0;
}

static void assert_refused_everything_for(unsigned int cpu)
{
	struct dwork_stats before = u_stats(tp.cpu), after;
	struct uobj *ts = &o[NOBJ], *ti = &o[NOBJ + 1], *it = &o[NOBJ + 2];
	unsigned int raised = tp.c[cpu].raise_remote;

	assert_int_equal(dwork_tasklet_schedule_on(&ts->tl, cpu), DWORK_ENODEV);
	assert_int_equal(dwork_tasklet_schedule_on(&ti->tl, cpu), DWORK_ENODEV);
	assert_int_equal(dwork_item_raise_on(&it->item, cpu), DWORK_ENODEV);
	assert_false(dwork_tasklet_is_scheduled(&ts->tl));
	assert_false(dwork_tasklet_is_scheduled(&ti->tl));
	assert_int_equal(dwork_item_busy(&it->item), 0);
	after = u_stats(tp.cpu);
	assert_int_equal(after.raised, before.raised);
	assert_int_equal(after.fed, before.fed);
	assert_int_equal(tp.c[cpu].raise_remote, raised);
	u_quiesce();
	assert_int_equal(ts->runs + ti->runs + it->runs, 0);
}

static void test_schedule_on_offline_cpu_returns_enodev(void **state)
{
	(void)state;
	tp_cpu_dead(1, 2);
	assert_refused_everything_for(1);
	/* A CPU that is being taken down refuses its own local schedules. */
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&o[2].tl), DWORK_ENODEV);
	assert_int_equal(dwork_item_raise(&o[2].item), DWORK_ENODEV);
	tp_switch(0);
	assert_int_equal(o[2].runs, 0);
}

static void test_schedule_before_cpu_init_returns_enodev(void **state)
{
	(void)state;
	/* u_setup brought up CPUs 0..3 only. */
	assert_refused_everything_for(U_NR_CPUS);
	assert_refused_everything_for(DWORK_NR_CPUS - 1);
	tp_switch(U_NR_CPUS);
	assert_int_equal(dwork_tasklet_schedule(&o[2].tl), DWORK_ENODEV);
	assert_int_equal(dwork_item_raise(&o[2].item), DWORK_ENODEV);
	dwork_softirq();        /* harmless on a CPU that is not up */
	dwork_idle_run();
	assert_false(dwork_idle_pending());
	tp_switch(0);

	tp.c[U_NR_CPUS].online = true;
	dwork_cpu_init(U_NR_CPUS);
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, U_NR_CPUS), 0);
	u_quiesce();
	assert_int_equal(o[0].runs, 1);
	assert_int_equal(o[0].last_cpu, U_NR_CPUS);
}

static void test_offline_cpu_items_migrate_in_order(void **state)
{
	unsigned int i;

	(void)state;
	tp_switch(1);
	for (i = 0; i < 6; i++)
		assert_int_equal(dwork_item_raise(&o[i].item), DWORK_QUEUED);
	tp_switch(0);
	tp_cpu_dead(1, 3);
	assert_int_equal(u_stats(3).migrated, 6);
	assert_int_equal(tp.c[3].raise_local, 1);
	for (i = 0; i < 6; i++)
		assert_int_equal(dwork_item_busy(&o[i].item), DWORK_EAGAIN);
	u_quiesce();
	assert_int_equal(u_log_n, 6);
	for (i = 0; i < 6; i++) {
		assert_int_equal(u_log[i].id, i);
		assert_int_equal(u_log[i].cpu, 3);
		assert_int_equal(dwork_item_busy(&o[i].item), 0);
	}
}

/*
 * CPU 1 has, in this order: local items and softirq tasklets, local idle
 * tasklets, then an inbox fed by CPU 0 and CPU 3 that it never drained.
 * CPU 2 adopts: the softirq-context work in order, the idle work in order.
 */
static void test_cpu_dead_moves_both_kinds_and_fed_work_in_order(void **state)
{
	static const unsigned int sirq_order[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const unsigned int idle_order[] = { 8, 9, 10, 11 };
	unsigned int i, ns = 0, ni = 0;

	(void)state;
	tp_switch(1);
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule(&o[1].tl), 0);
	assert_int_equal(dwork_item_raise(&o[2].item), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule(&o[3].tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&o[8].tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&o[9].tl), 0);
	tp_switch(0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[4].tl, 1), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[10].tl, 1), 0);
	assert_int_equal(dwork_item_raise_on(&o[5].item, 1), DWORK_QUEUED);
	tp_switch(3);
	assert_int_equal(dwork_tasklet_schedule_on(&o[6].tl, 1), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[11].tl, 1), 0);
	assert_int_equal(dwork_item_raise_on(&o[7].item, 1), DWORK_QUEUED);
	tp_switch(0);

	tp_cpu_dead(1, 2);
	assert_int_equal(u_stats(2).migrated, 12);
	/* The adopter raised its softirq and kicked its idle loop, once. */
	assert_int_equal(tp.c[2].raise_local, 1);
	assert_int_equal(tp.c[2].kick_idle, 1);
	assert_refused_everything_for(1);
	assert_lists_sound();

	u_quiesce();
	assert_int_equal(u_log_n, NOBJ);
	for (i = 0; i < u_log_n; i++) {
		assert_int_equal(u_log[i].cpu, 2);
		if (u_log[i].id < 8)
			assert_int_equal(u_log[i].id, sirq_order[ns++]);
		else
			assert_int_equal(u_log[i].id, idle_order[ni++]);
	}
	assert_int_equal(ns, 8);
	assert_int_equal(ni, 4);
	assert_int_equal(u_stats(1).run, 0);
}

static void retarget_to_1_and_kill_1(struct uobj *x)
{
	if (x->runs > 1)
		return;
	x->ret[0] = dwork_tasklet_schedule_on(&x->tl, 1);
	if (x == &o[0])
		x->ret[1] = dwork_item_raise_on(&x->item, 1);
	/* CPU 1 goes down (CPU 2 adopts) while the callback still runs. */
	tp_cpu_dead(1, 2);
}

static void test_retarget_to_dead_cpu_while_running_lands_on_adopter(
	void **state)
{
	(void)state;
	o[0].during = retarget_to_1_and_kill_1;
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);
	tp_softirq(0);
	assert_int_equal(o[0].ret[0], 0);
	assert_int_equal(o[0].ret[1], DWORK_QUEUED); /* the item was idle: queued on CPU 1 */
	assert_int_equal(o[0].runs, 1);
	u_quiesce();
	/* The re-run owed to CPU 1 happened on its adopter, once. */
	assert_int_equal(o[0].runs, 3);
	assert_int_equal(u_log[1].cpu, 2);
	assert_int_equal(u_log[2].cpu, 2);
	assert_int_equal(o[0].overlaps, 0);

	/* Idle kind, and the adopter is not the CPU that ran it. */
	setup(state);
	o[8].during = retarget_to_1_and_kill_1;
	tp_switch(3);
	assert_int_equal(dwork_tasklet_schedule(&o[8].tl), 0);
	assert_true(tp_idle(3));
	tp_switch(0);
	assert_int_equal(o[8].ret[0], 0);
	u_quiesce();
	assert_int_equal(o[8].runs, 2);
	assert_int_equal(o[8].last_cpu, 2);
}

static void test_cpu_dead_forwards_pending_work_retargeted_elsewhere(
	void **state)
{
	(void)state;
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);
	tp_switch(0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, 3), 0);
	tp_cpu_dead(1, 2);
	u_quiesce();
	assert_int_equal(o[0].runs, 1);
	assert_int_equal(o[0].last_cpu, 3);
}

static void test_work_retargeted_to_cpu_that_dies_still_runs_once(
	void **state)
{
	(void)state;
	/* Pending on CPU 0, moved to CPU 1, which dies before CPU 0 looks. */
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, 1), 0);
	tp_cpu_dead(1, 2);
	u_quiesce();
	assert_int_equal(o[0].runs, 1);
	assert_true(o[0].last_cpu == 0 || o[0].last_cpu == 2);
}

static void test_cpu_dead_drops_cancelled_work_and_busy_clears(void **state)
{
	(void)state;
	tp_switch(1);
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	dwork_item_cancel(&o[0].item);
	tp_switch(0);
	assert_int_equal(dwork_item_raise_on(&o[1].item, 1), DWORK_QUEUED);
	dwork_item_cancel(&o[1].item);
	assert_int_equal(dwork_item_busy(&o[0].item), DWORK_EAGAIN);
	assert_int_equal(dwork_item_busy(&o[1].item), DWORK_EAGAIN);
	tp_cpu_dead(1, 2);
	assert_int_equal(dwork_item_busy(&o[0].item), 0);
	assert_int_equal(dwork_item_busy(&o[1].item), 0);
	assert_int_equal(u_stats(2).dropped, 2);
	u_quiesce();
	assert_int_equal(o[0].runs + o[1].runs, 0);
}

static void cpu1_dies_on_first_relax(unsigned int nth)
{
	if (nth == 1)
		tp_cpu_dead(1, 2);
}

static void test_kill_of_tasklet_queued_on_cpu_that_dies_returns(void **state)
{
	(void)state;
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&o[8].tl), 0);
	tp_switch(0);
	u_relax_step = cpu1_dies_on_first_relax;
	assert_int_equal(dwork_tasklet_kill(&o[8].tl), 0);
	assert_int_equal(u_stats(2).dropped, 1);
	u_quiesce();
	assert_int_equal(o[8].runs, 0);
}

static void test_cpu_init_after_dead_accepts_work_again(void **state)
{
	(void)state;
	tp_cpu_dead(1, 0);
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, 1), DWORK_ENODEV);
	tp.c[1].online = true;
	dwork_cpu_init(1);
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, 1), 0);
	assert_int_equal(dwork_item_raise_on(&o[1].item, 1), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule_on(&o[8].tl, 1), 0);
	assert_int_equal(tp.c[1].raise_remote, 1);
	u_quiesce();
	assert_int_equal(o[0].last_cpu, 1);
	assert_int_equal(o[1].last_cpu, 1);
	assert_int_equal(o[8].last_cpu, 1);
}

static void test_second_cpu_init_keeps_queued_work(void **state)
{
	(void)state;
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule(&o[8].tl), 0);
	tp_switch(2);
	assert_int_equal(dwork_item_raise_on(&o[1].item, 0), DWORK_QUEUED);
	tp_switch(0);
	dwork_cpu_init(0);
	assert_lists_sound();
	u_quiesce();
	assert_int_equal(o[0].runs, 1);
	assert_int_equal(o[1].runs, 1);
	assert_int_equal(o[8].runs, 1);
}

static void test_dead_cpu_runs_nothing_and_second_dead_is_ignored(
	void **state)
{
	(void)state;
	tp_switch(1);
	assert_int_equal(dwork_item_raise(&o[0].item), DWORK_QUEUED);
	tp_switch(0);
	tp_cpu_dead(1, 2);
	tp_switch(1);
	dwork_softirq();
	assert_false(dwork_idle_pending());
	dwork_idle_run();
	tp_switch(0);
	assert_int_equal(o[0].runs, 0);
	/* Dead again (on another CPU): ignored, nothing moves twice. */
	tp_cpu_dead(1, 3);
	assert_int_equal(u_stats(3).migrated, 0);
	/* Never up: ignored. */
	tp_cpu_dead(U_NR_CPUS + 1, 3);
	assert_int_equal(u_stats(3).migrated, 0);
	u_quiesce();
	assert_int_equal(o[0].runs, 1);
	assert_int_equal(o[0].last_cpu, 2);
}

static void retarget_to_1_then_1_and_2_die(struct uobj *x)
{
	if (x->runs > 1)
		return;
	x->ret[0] = dwork_tasklet_schedule_on(&x->tl, 1);
	tp_cpu_dead(1, 2); /* CPU 2 adopts CPU 1 ... */
	tp_cpu_dead(2, 3); /* ... then dies too: CPU 3 adopts both */
}

static void test_push_to_cpu_dead_twice_follows_the_adopter_chain(
	void **state)
{
	(void)state;
	o[0].during = retarget_to_1_then_1_and_2_die;
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);
	u_quiesce();
	assert_int_equal(o[0].ret[0], 0);
	assert_int_equal(o[0].runs, 2);
	assert_int_equal(o[0].last_cpu, 3);
}

/*
 * CPU 1 died holding a tasklet; CPU 2 spins in kill for it.  The port runs
 * dwork_cpu_dead(1) as a cross-CPU call (hard IRQ) on CPU 2, which reaches
 * it while it spins: the kill then returns.
 */
static void cpu_dead_1_as_irq_on_this_cpu(unsigned int nth)
{
	if (nth != 3)
		return;
	tp_irq_enter();
	tp.c[1].online = false;
	dwork_cpu_dead(1);
	tp_irq_exit();
}

static void test_kill_spinning_on_adopter_is_unblocked_by_cpu_dead_from_irq(
	void **state)
{
	(void)state;
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&o[0].tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&o[8].tl), 0);
	tp_switch(2);
	u_relax_step = cpu_dead_1_as_irq_on_this_cpu;
	assert_int_equal(dwork_tasklet_kill(&o[0].tl), 0);
	u_relax_step = NULL;
	assert_int_equal(u_stats(2).migrated, 2);
	assert_int_equal(u_stats(2).dropped, 1);
	tp_switch(0);
	u_quiesce();
	assert_int_equal(o[0].runs, 0);
	assert_int_equal(o[8].runs, 1);
	assert_int_equal(o[8].last_cpu, 2);
}

/*
 * An IRQ lands on the adopting CPU as dwork_cpu_dead(1) starts, and kills
 * a tasklet queued on CPU 1.  The kill spins; the port delivers the
 * cross-call that runs dwork_cpu_dead(1) nested in that spin-wait (cpu.h
 * allows it).  That nested call must find CPU 1's work still in place
 * (the outer call had not closed the inbox with IRQs on), adopt it, and
 * so let the kill return; the outer call then finds CPU 1 already dead.
 */
static void irq_kills_o0(void *arg)
{
	(void)arg;
	tp.irq_hook = NULL;
	tp_irq_enter();
	o[0].ret[0] = dwork_tasklet_kill(&o[0].tl);
	tp_irq_exit();
}

static void nested_cpu_dead_1(unsigned int nth)
{
	if (nth != 2)
		return;
	tp_irq_enter();
	dwork_cpu_dead(1);
	tp_irq_exit();
}

static void test_irq_kill_inside_cpu_dead_is_answered_by_nested_cpu_dead(
	void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule_on(&o[0].tl, 1), 0); /* fed */
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&o[8].tl), 0);       /* local */
	tp_switch(0);
	o[0].ret[0] = 1;
	tp.irq_hook = irq_kills_o0;
	u_relax_step = nested_cpu_dead_1;
	tp_cpu_dead(1, 2);
	u_relax_step = NULL;
	assert_int_equal(o[0].ret[0], 0);
	assert_int_equal(u_stats(2).migrated, 2);
	u_quiesce();
	assert_int_equal(o[0].runs, 0);
	assert_int_equal(o[8].runs, 1);
	assert_int_equal(o[8].last_cpu, 2);
	assert_lists_sound();
}

/*
 * dwork_cpu_dead() adopts a few nodes per IRQs-off section (engine.c,
 * adopt_step_irqoff()), so an IRQ lands on the adopting CPU while most of
 * the dead CPU's work is still to adopt.  That IRQ kills the newest node
 * (still in the dead CPU's inbox, not yet adopted): its kill must not wait
 * for the interrupted cpu_dead frame but continue the adoption itself, and
 * the order of everything else must stay that of the dead CPU.
 */
#define NBIG 100
static struct uobj big[NBIG];
static unsigned int big_saves;
static unsigned long big_migrated_at_irq;

static void irq_kills_newest(void *arg)
{
	(void)arg;
	if (tp.cpu != 2 || ++big_saves != 2)
		return;
	tp.irq_hook = NULL;
	big_migrated_at_irq = u_stats(2).migrated;
	tp_irq_enter();
	big[NBIG - 1].ret[0] = dwork_tasklet_kill(&big[NBIG - 1].tl);
	tp_irq_exit();
}

static void test_cpu_dead_opens_irq_windows_and_an_irq_kill_adopts(
	void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < NBIG; i++)
		u_obj_init(&big[i], 100 + i, DWORK_TASKLET_SOFTIRQ);
	tp_switch(1);
	for (i = 0; i < NBIG / 2; i++)      /* CPU 1's list */
		assert_int_equal(dwork_tasklet_schedule(&big[i].tl), 0);
	tp_switch(3);
	for (i = NBIG / 2; i < NBIG; i++)   /* CPU 1's inbox */
		assert_int_equal(dwork_tasklet_schedule_on(&big[i].tl, 1), 0);
	big_saves = 0;
	big_migrated_at_irq = 0;
	big[NBIG - 1].ret[0] = 1;
	tp.irq_hook = irq_kills_newest;
	tp_cpu_dead(1, 2);
	tp.irq_hook = NULL;
	/* The IRQ came in the middle of the adoption ... */
	assert_true(big_migrated_at_irq > 0);
	assert_true(big_migrated_at_irq < NBIG);
	/* ... and its kill returned: it adopted the rest itself. */
	assert_int_equal(big[NBIG - 1].ret[0], 0);
	assert_int_equal(u_stats(2).migrated, NBIG);
	assert_int_equal(u_stats(2).dropped, 1);
	assert_lists_sound();
	tp_switch(0);
	u_quiesce();
	assert_int_equal(big[NBIG - 1].runs, 0);
	for (i = 0; i + 1 < NBIG; i++) {
		assert_int_equal(big[i].runs, 1);
		assert_int_equal(big[i].last_cpu, 2);
		if (i)
			assert_true(u_log_pos(100 + i - 1, 0) <
				    u_log_pos(100 + i, 0));
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_schedule_on_offline_cpu_returns_enodev),
		T(test_schedule_before_cpu_init_returns_enodev),
		T(test_offline_cpu_items_migrate_in_order),
		T(test_cpu_dead_moves_both_kinds_and_fed_work_in_order),
		T(test_retarget_to_dead_cpu_while_running_lands_on_adopter),
		T(test_push_to_cpu_dead_twice_follows_the_adopter_chain),
		T(test_cpu_dead_forwards_pending_work_retargeted_elsewhere),
		T(test_work_retargeted_to_cpu_that_dies_still_runs_once),
		T(test_cpu_dead_drops_cancelled_work_and_busy_clears),
		T(test_kill_of_tasklet_queued_on_cpu_that_dies_returns),
		T(test_kill_spinning_on_adopter_is_unblocked_by_cpu_dead_from_irq),
		T(test_irq_kill_inside_cpu_dead_is_answered_by_nested_cpu_dead),
		T(test_cpu_dead_opens_irq_windows_and_an_irq_kill_adopts),
		T(test_cpu_init_after_dead_accepts_work_again),
		T(test_second_cpu_init_keeps_queued_work),
		T(test_dead_cpu_runs_nothing_and_second_dead_is_ignored),
	};

	return cmocka_run_group_tests_name("hotplug", tests, NULL, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: interrupts may land anywhere IRQs are enabled.  The test port's
 * irq_hook is called each time dwork is about to disable IRQs on a CPU
 * whose IRQs are on -- the last moment an interrupt can still arrive
 * before an IRQs-off section.  A mixed scenario (local and fed work, both
 * tasklet kinds, items, re-run while running, cancel, kill, cpu_dead) is
 * replayed once per such point k = 1, 2, ..., with one interrupt injected
 * at point k that raises and schedules on the interrupted CPU and others
 * (including re-targeting and re-raising work that may be running right
 * there).  Every replay must keep the rules:
 *
 *   - no callback of an object overlaps another one of the same object,
 *     and callbacks run with IRQs on, outside IRQ context;
 *   - every accepted schedule/raise is answered by a run that starts after
 *     it (nothing lost), and no object runs more often than accepted;
 *   - the lists stay sound and no debug assertion fires.
 *
 * Deterministic: the points are enumerated, not sampled.
 */
#include "unit.h"

enum { IT0, IT1, IT2, TS0, TS1, TS2, TS3, TSK, TI0, TI1, IRQ_IT, IRQ_TS, NOBJ };
static struct uobj o[NOBJ];

static unsigned int fire_at, eligible, fired_cpu;
static bool fired, irq_kills_cpu3;

static void rerun_once_elsewhere(struct uobj *x)
{
	if (x->runs == 1)
		u_sched(x, (dwork_port_this_cpu() + 1) % 3);
}

static void reraise_once(struct uobj *x)
{
	if (x->runs == 1)
		u_raise(x, dwork_port_this_cpu());
}

/* The interrupt: work for this CPU and others, some of it possibly running. */
static void irq_actions(void)
{
	unsigned int c = dwork_port_this_cpu();

	u_raise(&o[IRQ_IT], c);
	u_sched(&o[IRQ_TS], (c + 1) % 3);
	u_sched(&o[TS1], c);      /* re-target, maybe pending or running */
	u_raise(&o[IT0], c);      /* maybe while its callback runs here */
	u_cancel(&o[IT2]);
	u_sched(&o[TI0], c);
}

/* The interrupt is a cross-CPU call running dwork_cpu_dead(3) here. */
static void irq_cpu3_dead(void)
{
	unsigned int c = dwork_port_this_cpu();

	if (c == 3 || !tp.cpus[3].online)
		return;
	tp.c[3].online = false;
	dwork_cpu_dead(3);
}

static void irq_hook(void *arg)
{
	(void)arg;
	if (fired || ++eligible != fire_at)
		return;
	fired = true;
	fired_cpu = dwork_port_this_cpu();
	tp_irq_enter();
	if (irq_kills_cpu3)
		irq_cpu3_dead();
	else
		irq_actions();
	tp_irq_exit();
}

static void play_cpu1(unsigned int nth)
{
	(void)nth;
	tp_softirq(1);
}

static void scenario(void)
{
	unsigned int i;

	for (i = 0; i < NOBJ; i++)
		u_obj_init(&o[i], i,
			   i == TI0 || i == TI1 ? DWORK_TASKLET_IDLE
						: DWORK_TASKLET_SOFTIRQ);
	o[TS0].during = rerun_once_elsewhere;
	o[IT0].during = reraise_once;
	tp.irq_hook = irq_hook;

	/* CPU 0: local items and tasklets, a feed to CPU 1. */
	u_raise(&o[IT0], 0);
	u_raise(&o[IT1], 0);
	u_sched(&o[TS0], 1);
	u_sched(&o[TI0], 0);
	u_sched(&o[TS1], 0);
	u_sched(&o[TSK], 1);
	/* CPU 3: local work; CPU 0 feeds it too.  CPU 3 will die. */
	tp_switch(3);
	u_sched(&o[TS2], 3);
	u_sched(&o[TI1], 3);
	tp_switch(0);
	u_sched(&o[TS3], 3);
	/* CPU 1: cancel and re-raise, and feed CPU 2. */
	tp_switch(1);
	u_raise(&o[IT2], 2);
	u_cancel(&o[IT1]);
	u_raise(&o[IT1], 1);
	tp_switch(0);

	tp_softirq(0);
	tp_idle(0);
	/* CPU 0 kills a tasklet queued on CPU 1, which services meanwhile. */
	u_relax_step = play_cpu1;
	if (u_kill(&o[TSK]) != 0)
		fail_msg("kill failed");
	u_relax_step = NULL;
	tp_softirq(1);
	tp_cpu_dead(3, 2);
	u_sched(&o[TS1], 2);
	u_quiesce();
	tp.irq_hook = NULL;
}

static void check(unsigned int k)
{
	unsigned int i;
	const char *why = u_lists_check();

	if (why)
		fail_msg("IRQ at point %u (CPU %u): list corruption: %s", k,
			 fired_cpu, why);
	for (i = 0; i < NOBJ; i++) {
		if (o[i].overlaps)
			fail_msg("IRQ at point %u (CPU %u): object %u ran "
				 "concurrently", k, fired_cpu, i);
		if (o[i].bad_ctx)
			fail_msg("IRQ at point %u (CPU %u): object %u ran with "
				 "IRQs off or in IRQ", k, fired_cpu, i);
		if (o[i].owed)
			fail_msg("IRQ at point %u (CPU %u): object %u lost an "
				 "accepted run", k, fired_cpu, i);
		if (o[i].runs > o[i].accepted)
			fail_msg("IRQ at point %u (CPU %u): object %u ran %u "
				 "times for %u accepted", k, fired_cpu, i,
				 o[i].runs, o[i].accepted);
	}
	if (tp.asserts)
		fail_msg("IRQ at point %u (CPU %u): %u debug assertions", k,
			 fired_cpu, tp.asserts);
}

static unsigned int replay_all_points(void **state)
{
	unsigned int k, points = 0;

	for (k = 0;; k++) {
		u_setup(state);
		fire_at = k;  /* k = 0: the scenario without interrupts */
		eligible = 0;
		fired = false;
		scenario();
		check(k);
		if (k == 0)
			points = eligible;
		else if (!fired)
			break;
	}
	assert_true(points > 20);
	assert_int_equal(k, points + 1);
	return points;
}

static void test_irq_at_every_irqs_off_entry_keeps_every_rule(void **state)
{
	irq_kills_cpu3 = false;
	print_message("injected an IRQ at each of %u points\n",
		      replay_all_points(state));
}

/*
 * dwork_cpu_dead() may run as a cross-CPU call in hard IRQ on the adopting
 * CPU (cpu.h).  CPU 3 (which has local, idle and fed work) is declared
 * dead by an interrupt at each point in turn, interrupting softirq passes,
 * idle runs, schedules, a spinning kill and callbacks: nothing is lost.
 */
static void test_cpu_dead_from_irq_at_every_irqs_off_entry_loses_nothing(
	void **state)
{
	irq_kills_cpu3 = true;
	print_message("cpu_dead(3) from an IRQ at each of %u points\n",
		      replay_all_points(state));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(
			test_irq_at_every_irqs_off_entry_keeps_every_rule,
			u_teardown),
		cmocka_unit_test_teardown(
			test_cpu_dead_from_irq_at_every_irqs_off_entry_loses_nothing,
			u_teardown),
	};

	return cmocka_run_group_tests_name("irq_injection", tests, NULL, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: the NMI-safe raises, dwork_item_raise_nmi() and
 * dwork_tasklet_schedule_nmi().
 *
 * An NMI can land anywhere, IRQs off included.  The test port calls its
 * nmi_hook at the start of every port hook (the trace hook included),
 * before every atomic access of the core, and in the middle of every list
 * append and unlink (dwork_port_list_point()), on any CPU and in any IRQ
 * state.  A mixed scenario (items and tasklets of both
 * kinds, local and fed, a re-run while running, cancel, a spinning kill,
 * cpu_dead, an IRQ) is replayed once per such point k = 1, 2, ..., with
 * one NMI injected at point k that raises and schedules with the NMI
 * calls on the interrupted CPU, including objects that the interrupted
 * code may be in the middle of handling (a CAS loop on the same node, an
 * inbox drain that holds it, a callback running it, a cancel or kill of
 * it, the adoption of a dead CPU's lists).  Every replay must keep the
 * rules: nothing lost, no more runs than accepted, no overlap, callbacks
 * with IRQs on, lists sound, no debug assertion, and the NMI never touched
 * a list or a counter (checked by its own footprint test below).
 *
 * Deterministic: the points are enumerated, not sampled.
 */
#include <string.h>

#include "fiber.h"
#include "unit.h"

/* Accounting as u_raise()/u_sched(), for the NMI calls. */
static int u_raise_nmi(struct uobj *o)
{
	int r = dwork_item_raise_nmi(&o->item);

	if (r > 0)
		o->accepted++;
	if (r >= 0)
		o->owed = true;
	return r;
}

static int u_sched_nmi(struct uobj *o)
{
	int r = dwork_tasklet_schedule_nmi(&o->tl);

	if (r == 0) {
		o->owed = true;
		o->accepted++;
	}
	return r;
}

static void in_nmi_begin(void)
{
	tp_nmi_enter();
}

static void in_nmi_end(void)
{
	tp_nmi_exit();
}

/* ------------------------------------------------------------------ */

static void test_nmi_raise_queues_on_the_inbox_and_raises_nmi_safely(
	void **state)
{
	struct uobj a, t, ti;
	struct dwork_stats before = u_stats(0), after;

	(void)state;
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&t, 2, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&ti, 3, DWORK_TASKLET_IDLE);
	U_CPU(0);
	tp.c[0].irq_off = true; /* an NMI may land with IRQs off */
	in_nmi_begin();
	assert_int_equal(u_raise_nmi(&a), DWORK_QUEUED);
	assert_int_equal(u_raise_nmi(&a), 0); /* absorbed */
	assert_int_equal(u_sched_nmi(&t), 0);
	assert_int_equal(u_sched_nmi(&ti), 0);
	in_nmi_end();
	tp.c[0].irq_off = false;
	/* Only the NMI-safe hook: no list, no other raise, no counter. */
	assert_int_equal(tp.c[0].raise_nmi, 1);
	assert_int_equal(tp.c[0].raise_local, 0);
	assert_int_equal(tp.c[0].kick_idle, 0);
	assert_int_equal(u_linked_on(&a, 0) + u_linked_on(&t, 0) +
				 u_linked_on(&ti, 0),
			 0);
	assert_non_null(tp.cpus[0].inbox);
	after = u_stats(0);
	assert_memory_equal(&before, &after, sizeof(before));
	/* The softirq sorts them in push order; the idle one goes idle. */
	tp_softirq(0);
	assert_int_equal(a.runs, 1);
	assert_int_equal(t.runs, 1);
	assert_int_equal(ti.runs, 0);
	assert_int_equal(tp.c[0].kick_idle, 1);
	assert_true(tp_idle(0));
	assert_int_equal(ti.runs, 1);
	assert_int_equal(u_log_pos(1, 0), 0);
	assert_int_equal(u_log_pos(2, 0), 1);
	assert_false(a.owed || t.owed || ti.owed);
	assert_lists_sound();
}

static void test_nmi_raise_refuses_bad_input_and_offline_cpus(void **state)
{
	struct uobj a;
	struct dwork_item zero;
	struct dwork_tasklet zt;

	(void)state;
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	memset(&zero, 0, sizeof(zero));
	memset(&zt, 0, sizeof(zt));
	in_nmi_begin();
	assert_int_equal(dwork_item_raise_nmi(NULL), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_schedule_nmi(NULL), DWORK_EINVAL);
	assert_int_equal(dwork_item_raise_nmi(&zero), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_schedule_nmi(&zt), DWORK_EINVAL);
	in_nmi_end();
	/* A CPU dwork does not run on, or not yet. */
	U_CPU(U_NR_CPUS); /* never initialised */
	in_nmi_begin();
	assert_int_equal(dwork_item_raise_nmi(&a.item), DWORK_ENODEV);
	assert_int_equal(dwork_tasklet_schedule_nmi(&a.tl), DWORK_ENODEV);
	in_nmi_end();
	U_CPU(DWORK_CPU_NONE);
	assert_int_equal(dwork_item_raise_nmi(&a.item), DWORK_ENODEV);
	U_CPU(0);
	/* Killed. */
	assert_int_equal(u_kill(&a), 0);
	in_nmi_begin();
	assert_int_equal(dwork_tasklet_schedule_nmi(&a.tl), DWORK_ESHUTDOWN);
	in_nmi_end();
	/* Nothing was queued anywhere. */
	u_quiesce();
	assert_int_equal(a.runs, 0);
	assert_int_equal(tp.c[0].raise_nmi, 0);
}

/*
 * An initialised object whose state word was overwritten with one dwork
 * never writes (QUEUED and RUNNING at once, or a CPU field out of range):
 * with debug_checks the ordinary schedule refuses it, as design.md says
 * of every schedule, but the NMI raise answered 0 and nothing ever ran.
 */
static void test_nmi_raise_of_a_garbage_state_is_refused(void **state)
{
	static const uint32_t garbage[] = {
		0x01u | 0x04u | 0x08u,              /* INIT|QUEUED|RUN */
		0x01u | 0x04u | (0xfffu << 20),      /* QUEUED on CPU 4095 */
		0x01u | 0x02u | 0x08u | (0xfffu << 8), /* re-run owed to 4095 */
	};
	struct uobj a;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
		a.tl.node.state = garbage[i];
		a.item.node.state = garbage[i];
		assert_int_equal(dwork_tasklet_schedule(&a.tl), DWORK_EINVAL);
		in_nmi_begin();
		assert_int_equal(dwork_tasklet_schedule_nmi(&a.tl),
				 DWORK_EINVAL);
		assert_int_equal(dwork_item_raise_nmi(&a.item), DWORK_EINVAL);
		in_nmi_end();
		assert_int_equal(a.tl.node.state, garbage[i]);
		assert_int_equal(a.item.node.state, garbage[i]);
	}
	u_quiesce();
	assert_int_equal(a.runs, 0);
	assert_int_equal(tp.c[0].raise_nmi, 0);
	assert_lists_sound();
}

/*
 * A node queued on another CPU (pending or cancelled there) keeps its run
 * there: moving it would need a reap request and a remote raise.
 */
static void test_nmi_raise_of_a_node_queued_elsewhere_runs_there(void **state)
{
	struct uobj a, b;

	(void)state;
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&b, 2, DWORK_TASKLET_SOFTIRQ);
	U_CPU(0);
	u_raise(&a, 1);          /* pending, in CPU 1's inbox */
	u_raise(&b, 1);
	u_cancel(&b);            /* cancelled, still linked there */
	tp.c[1].raise_remote = 0;
	in_nmi_begin();
	assert_int_equal(u_raise_nmi(&a), 0);             /* absorbed */
	assert_int_equal(u_raise_nmi(&b), DWORK_QUEUED);  /* re-armed */
	in_nmi_end();
	assert_int_equal(tp.c[0].raise_nmi, 0);
	assert_int_equal(tp.c[1].raise_remote, 0);
	tp_softirq(0);
	assert_int_equal(a.runs + b.runs, 0);
	tp_softirq(1);
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	assert_int_equal(a.last_cpu, 1);
	assert_int_equal(b.last_cpu, 1);
	u_quiesce();
	assert_int_equal(a.runs + b.runs, 2);
	assert_lists_sound();
}

/* An NMI raise of an item whose callback runs here: it runs again after. */
static void nmi_during_callback(struct uobj *x)
{
	if (x->runs == 1) {
		in_nmi_begin();
		assert_int_equal(u_raise_nmi(x), DWORK_QUEUED);
		assert_int_equal(u_raise_nmi(x), 0);
		in_nmi_end();
	}
}

static void test_nmi_raise_while_running_here_runs_once_more(void **state)
{
	struct uobj a;

	(void)state;
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	a.during = nmi_during_callback;
	U_CPU(0);
	u_raise(&a, 0);
	u_quiesce();
	assert_int_equal(a.runs, 2);
	assert_int_equal(a.overlaps, 0);
	assert_false(a.owed);
	assert_int_equal(dwork_item_busy(&a.item), 0);
}

/* ------------------------------------------------------------------ */

enum { IT0, IT1, IT2, TS0, TS1, TS2, TS3, TSK, TI0, TI1,
       IRQ_IT, NMI_IT, NMI_TS, NMI_TI, NOBJ };
static struct uobj o[NOBJ];

static unsigned int fire_at, fired_cpu, fired_point, hooked_points;
static bool fired;

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

/* The NMI: fresh work, and objects the interrupted code may be handling. */
static void nmi_hook(void *arg)
{
	(void)arg;
	if (fired || tp.nmi_points != fire_at)
		return;
	fired = true;
	fired_cpu = dwork_port_this_cpu();
	fired_point = tp.nmi_points;
	in_nmi_begin();
	u_raise_nmi(&o[NMI_IT]);
	u_sched_nmi(&o[NMI_TS]);
	u_sched_nmi(&o[NMI_TI]);
	u_raise_nmi(&o[IT0]);   /* maybe running here, or being claimed */
	u_raise_nmi(&o[IT1]);   /* maybe in a cancel's CAS loop */
	u_raise_nmi(&o[IT2]);   /* maybe cancelled and linked elsewhere */
	u_sched_nmi(&o[TS1]);   /* maybe pending for another CPU */
	u_sched_nmi(&o[TS2]);   /* maybe on the dying CPU 3 */
	u_sched_nmi(&o[TSK]);   /* maybe being killed (ESHUTDOWN) */
	u_sched_nmi(&o[TI0]);
	in_nmi_end();
}

/* An ordinary IRQ in the scenario, so that NMIs land inside one too. */
static bool irq_done;

static void irq_hook(void *arg)
{
	(void)arg;
	if (irq_done || dwork_port_this_cpu() != 1)
		return;
	irq_done = true;
	tp_irq_enter();
	u_raise(&o[IRQ_IT], 1);
	u_raise(&o[IT0], 1);
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
			   i == TI0 || i == TI1 || i == NMI_TI
				   ? DWORK_TASKLET_IDLE
				   : DWORK_TASKLET_SOFTIRQ);
	o[TS0].during = rerun_once_elsewhere;
	o[IT0].during = reraise_once;
	irq_done = false;
	tp.nmi_points = 0;
	tp.nmi_hook = nmi_hook;
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
	/* CPU 1: cancel and re-raise, and feed CPU 2; re-target TS1. */
	tp_switch(1);
	u_raise(&o[IT2], 2);
	u_cancel(&o[IT1]);
	u_raise(&o[IT1], 1);
	u_sched(&o[TS1], 2);
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
	hooked_points = tp.nmi_points;
	tp.nmi_hook = NULL;
	tp.irq_hook = NULL;
	u_quiesce();
}

static void check(unsigned int k)
{
	unsigned int i;
	const char *why = u_lists_check();

	if (why)
		fail_msg("NMI at point %u (CPU %u): list corruption: %s", k,
			 fired_cpu, why);
	for (i = 0; i < NOBJ; i++) {
		if (o[i].overlaps)
			fail_msg("NMI at point %u (CPU %u): object %u ran "
				 "concurrently", k, fired_cpu, i);
		if (o[i].bad_ctx)
			fail_msg("NMI at point %u (CPU %u): object %u ran with "
				 "IRQs off or in IRQ", k, fired_cpu, i);
		if (o[i].owed)
			fail_msg("NMI at point %u (CPU %u): object %u lost an "
				 "accepted run", k, fired_cpu, i);
		if (o[i].runs > o[i].accepted)
			fail_msg("NMI at point %u (CPU %u): object %u ran %u "
				 "times for %u accepted", k, fired_cpu, i,
				 o[i].runs, o[i].accepted);
		if (i != TSK && dwork_item_busy(&o[i].item))
			fail_msg("NMI at point %u (CPU %u): item %u still busy",
				 k, fired_cpu, i);
	}
	if (k && fired && !o[NMI_IT].runs)
		fail_msg("NMI at point %u (CPU %u): its fresh item never ran",
			 k, fired_cpu);
	if (tp.asserts)
		fail_msg("NMI at point %u (CPU %u): %u debug assertions", k,
			 fired_cpu, tp.asserts);
}

static void test_nmi_at_every_point_keeps_every_rule(void **state)
{
	unsigned int k, points = 0, on_cpu[U_NR_CPUS] = { 0 };

	for (k = 0;; k++) {
		u_setup(state);
		fire_at = k; /* k = 0: the scenario without an NMI */
		fired = false;
		scenario();
		check(k);
		if (k == 0) {
			points = hooked_points;
			continue;
		}
		if (!fired)
			break;
		if (fired_cpu < U_NR_CPUS)
			on_cpu[fired_cpu]++;
	}
	assert_true(points > 500);
	assert_true(k > points); /* an NMI adds points after it */
	assert_true(on_cpu[0] && on_cpu[1] && on_cpu[2]);
	print_message("injected an NMI at each of %u points (CPU 0/1/2: "
		      "%u/%u/%u)\n",
		      k - 1, on_cpu[0], on_cpu[1], on_cpu[2]);
}

/*
 * An NMI on CPU 3 while CPU 3 goes down: the port has stopped CPU 3 (it
 * runs no dwork code but the NMI), and CPU 2 runs dwork_cpu_dead(3) at
 * every point of the NMI's two raises in turn (two fibers).  Each raise
 * is refused (DWORK_ENODEV) or accepted, and every accepted one runs (on
 * CPU 2); kill returns; nothing is asserted.  It was: a raise that saw
 * the inbox open found it closed at its push, went to CPU 2's inbox
 * without a raise and stayed there, and the tasklet's kill hung
 * (debug_checks asserted "closed under the NMI" first).
 */
static unsigned int race_at, race_points;
static struct uobj race_it, race_tl;
static int race_r[2];

static void race_in_nmi(void *arg)
{
	(void)arg;
	if (!fiber_current() || ++race_points != race_at)
		return;
	/* The other fiber (CPU 2) is not in an NMI. */
	tp.in_nmi = false;
	fiber_yield();
	tp.in_nmi = true;
}

static void race_nmi(void *arg)
{
	(void)arg;
	in_nmi_begin();
	race_r[0] = u_raise_nmi(&race_it);
	race_r[1] = u_sched_nmi(&race_tl);
	in_nmi_end();
}

static void race_dead(void *arg)
{
	(void)arg;
	dwork_cpu_dead(3);
}

static void race_relax_yields(unsigned int nth)
{
	(void)nth;
	if (fiber_current())
		fiber_yield();
}

static void test_nmi_raise_on_a_cpu_going_down_is_never_stranded(
	void **state)
{
	unsigned int k, rounds, accepted = 0, refused = 0;
	struct fiber f[2];

	for (k = 1;; k++) {
		u_setup(state);
		u_obj_init(&race_it, 1, DWORK_TASKLET_SOFTIRQ);
		u_obj_init(&race_tl, 2, DWORK_TASKLET_SOFTIRQ);
		tp.c[3].online = false; /* the port stopped CPU 3 */
		race_at = k;
		race_points = 0;
		tp.in_nmi_hook = race_in_nmi;
		u_relax_step = race_relax_yields;
		fiber_init(&f[0], 3, race_nmi, NULL);
		fiber_init(&f[1], 2, race_dead, NULL);
		for (rounds = 0; rounds < 1000; rounds++) {
			bool d0 = fiber_resume(&f[0]);
			bool d1 = fiber_resume(&f[1]);

			if (d0 && d1)
				break;
		}
		tp.in_nmi = false;
		tp.in_nmi_hook = NULL;
		u_relax_step = NULL;
		if (rounds == 1000)
			fail_msg("dead at point %u: the fibers never finished", k);
		fiber_destroy(&f[0]);
		fiber_destroy(&f[1]);
		u_quiesce();
		if (tp.asserts)
			fail_msg("dead at point %u: %u debug assertions (%s)", k,
				 tp.asserts, tp.last_assert);
		if (race_it.owed || race_tl.owed)
			fail_msg("dead at point %u: an accepted NMI raise never "
				 "ran (item %d, tasklet %d)", k, race_r[0],
				 race_r[1]);
		if (race_it.runs != race_it.accepted ||
		    race_tl.runs != race_tl.accepted)
			fail_msg("dead at point %u: runs %u/%u for %u/%u accepted",
				 k, race_it.runs, race_tl.runs,
				 race_it.accepted, race_tl.accepted);
		assert_int_equal(dwork_item_busy(&race_it.item), 0);
		assert_int_equal(u_kill(&race_tl), 0);
		accepted += race_it.accepted + race_tl.accepted;
		refused += (race_r[0] == DWORK_ENODEV) +
			   (race_r[1] == DWORK_ENODEV);
		if (race_points < k)
			break; /* the NMI ran to its end before point k */
	}
	/* Both outcomes were seen: accepted (and run) and refused. */
	assert_true(k > 10);
	assert_true(accepted > 0);
	assert_true(refused > 0);
	print_message("cpu_dead at each of %u points of the NMI: %u raises "
		      "accepted and run, %u refused\n",
		      k - 1, accepted, refused);
}

/*
 * raise(A); cancel(A); raise(B), then an NMI raises A again: A's node is
 * still linked before B's, but its new run must come after B's.  The NMI
 * cannot move it (it touches no list): it marks it, and the softirq pass
 * that reaches it queues it again at the back.
 */
static void test_nmi_raise_after_cancel_while_linked_queues_behind(
	void **state)
{
	static struct uobj a, b;

	(void)state;
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&b, 2, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	dwork_item_cancel(&a.item);
	assert_int_equal(dwork_item_raise(&b.item), DWORK_QUEUED);
	in_nmi_begin();
	assert_int_equal(u_raise_nmi(&a), DWORK_QUEUED);
	assert_int_equal(u_raise_nmi(&a), 0);
	in_nmi_end();
	u_quiesce();
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	assert_true(u_log_pos(2, 0) < u_log_pos(1, 0));
	assert_int_equal(dwork_item_busy(&a.item), 0);
	assert_int_equal(tp.asserts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_nmi_raise_queues_on_the_inbox_and_raises_nmi_safely,
			u_setup, u_teardown),
		cmocka_unit_test_setup_teardown(
			test_nmi_raise_refuses_bad_input_and_offline_cpus,
			u_setup, u_teardown),
		cmocka_unit_test_setup_teardown(
			test_nmi_raise_of_a_garbage_state_is_refused,
			u_setup, u_teardown),
		cmocka_unit_test_setup_teardown(
			test_nmi_raise_of_a_node_queued_elsewhere_runs_there,
			u_setup, u_teardown),
		cmocka_unit_test_setup_teardown(
			test_nmi_raise_while_running_here_runs_once_more,
			u_setup, u_teardown),
		cmocka_unit_test_teardown(
			test_nmi_at_every_point_keeps_every_rule, u_teardown),
		cmocka_unit_test_teardown(
			test_nmi_raise_on_a_cpu_going_down_is_never_stranded,
			u_teardown),
		cmocka_unit_test_setup_teardown(
			test_nmi_raise_after_cancel_while_linked_queues_behind,
			u_setup, u_teardown),
	};

	return cmocka_run_group_tests_name("nmi", tests, NULL, NULL);
}

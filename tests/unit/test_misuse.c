// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: detectable misuse gets a named error (or false) and never corrupts
 * a list: NULL objects and callbacks, uninitialised (zeroed) objects, bad
 * kinds, CPUs out of range, calls from no CPU, and context misuse that
 * debug_checks asserts through the port.
 */
#include <string.h>

#include "unit.h"

static struct uobj a, b;

static int setup(void **state)
{
	u_setup(state);
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&b, 2, DWORK_TASKLET_IDLE);
	/* Some healthy work on the lists, to see that misuse leaves it be. */
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	assert_int_equal(dwork_tasklet_schedule(&b.tl), 0);
	return 0;
}

/* The healthy work still runs exactly once and the lists are sound. */
static void assert_no_damage(void)
{
	assert_lists_sound();
	u_quiesce();
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	assert_lists_sound();
}

static void test_null_item_is_refused(void **state)
{
	(void)state;
	dwork_item_init(NULL, u_item_fn);
	assert_int_equal(dwork_item_raise(NULL), DWORK_EINVAL);
	assert_int_equal(dwork_item_raise_on(NULL, 1), DWORK_EINVAL);
	assert_int_equal(dwork_item_busy(NULL), DWORK_EINVAL);
	dwork_item_cancel(NULL);
	assert_no_damage();
}

static void test_item_with_null_callback_is_refused(void **state)
{
	struct dwork_item it;

	(void)state;
	dwork_item_init(&it, NULL);
	assert_int_equal(dwork_item_raise(&it), DWORK_EINVAL);
	assert_int_equal(dwork_item_raise_on(&it, 1), DWORK_EINVAL);
	assert_int_equal(dwork_item_busy(&it), 0);
	dwork_item_cancel(&it);
	assert_int_equal(tp.c[1].raise_remote, 0);
	assert_no_damage();
}

static void test_zeroed_item_is_refused(void **state)
{
	struct dwork_item it;

	(void)state;
	memset(&it, 0, sizeof(it));
	assert_int_equal(dwork_item_raise(&it), DWORK_EINVAL);
	/* Zeroed node, but a callback: still uninitialised, still refused. */
	it.fn = u_item_fn;
	assert_int_equal(dwork_item_raise(&it), DWORK_EINVAL);
	assert_int_equal(dwork_item_raise_on(&it, 2), DWORK_EINVAL);
	assert_int_equal(dwork_item_busy(&it), 0);
	dwork_item_cancel(&it);
	assert_int_equal(dwork_item_raise(&it), DWORK_EINVAL);
	assert_int_equal(u_stats(0).raised, 2); /* a and b from setup only */
	assert_no_damage();
}

/*
 * A tasklet passed as an item while it is pending on this CPU: its state
 * word reads exactly "pending and queued here", which the item raise's
 * storm path tests first.  With debug_checks that path too checks that it
 * is an item: DWORK_EINVAL, not 0 ("already pending"), and nothing
 * changes.  It was answered 0.
 */
static void test_tasklet_passed_as_an_item_while_pending_here_is_refused(
	void **state)
{
	struct dwork_item *as_item = (struct dwork_item *)(void *)&b.tl;

	(void)state;
	assert_true(dwork_tasklet_is_scheduled(&b.tl));
	assert_int_equal(dwork_item_raise(as_item), DWORK_EINVAL);
	assert_int_equal(dwork_item_raise_on(as_item, 0), DWORK_EINVAL);
	assert_int_equal(tp.asserts, 0);
	assert_no_damage();
}

static void test_null_tasklet_is_refused(void **state)
{
	(void)state;
	dwork_tasklet_init(NULL, u_tasklet_fn, NULL, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule(NULL), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_schedule_on(NULL, 1), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_kill(NULL), DWORK_EINVAL);
	assert_false(dwork_tasklet_is_scheduled(NULL));
	assert_no_damage();
}

static void test_tasklet_with_null_callback_or_bad_kind_is_refused(
	void **state)
{
	struct dwork_tasklet t;

	(void)state;
	dwork_tasklet_init(&t, NULL, NULL, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_schedule_on(&t, 1), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	assert_false(dwork_tasklet_is_scheduled(&t));

	dwork_tasklet_init(&t, u_tasklet_fn, NULL, (enum dwork_tasklet_kind)7);
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	/* DWORK_KIND_ITEM is not a tasklet kind either. */
	dwork_tasklet_init(&t, u_tasklet_fn, NULL,
			   (enum dwork_tasklet_kind)DWORK_KIND_ITEM);
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_no_damage();
}

static void test_zeroed_tasklet_is_refused(void **state)
{
	struct dwork_tasklet t;

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	assert_false(dwork_tasklet_is_scheduled(&t));
	/*
	 * Zeroed state word but plausible fields (as if only fn and kind had
	 * been filled in by hand): the missing INIT bit refuses it.
	 */
	t.fn = u_tasklet_fn;
	t.node.kind = DWORK_KIND_SOFTIRQ;
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_schedule_on(&t, 1), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	assert_no_damage();
}

static void test_cpu_out_of_range_is_refused(void **state)
{
	struct dwork_stats st;

	(void)state;
	assert_int_equal(dwork_item_raise_on(&a.item, DWORK_NR_CPUS),
			 DWORK_ENODEV);
	assert_int_equal(dwork_item_raise_on(&a.item, DWORK_CPU_NONE),
			 DWORK_ENODEV);
	assert_int_equal(dwork_tasklet_schedule_on(&a.tl, DWORK_NR_CPUS),
			 DWORK_ENODEV);
	assert_int_equal(dwork_tasklet_schedule_on(&a.tl, DWORK_CPU_NONE),
			 DWORK_ENODEV);
	assert_int_equal(dwork_cpu_stats(DWORK_NR_CPUS, &st), DWORK_EINVAL);
	assert_int_equal(dwork_cpu_stats(0, NULL), DWORK_EINVAL);
	assert_false(dwork_tasklet_is_scheduled(&a.tl));
	assert_no_damage();
	/* Out-of-range hotplug is ignored, and asserted with debug_checks. */
	dwork_cpu_dead(DWORK_NR_CPUS);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	/* The message names the function and the rule, not an expression. */
	assert_string_equal(tp.last_assert,
			    "dwork: dwork_cpu_dead: CPU number out of range");
}

static void test_calls_from_no_cpu_are_refused_or_harmless(void **state)
{
	(void)state;
	tp_switch(DWORK_CPU_NONE);
	/* "This CPU" does not exist: refused. */
	assert_int_equal(dwork_item_raise(&a.item), DWORK_ENODEV);
	assert_int_equal(dwork_tasklet_schedule(&a.tl), DWORK_ENODEV);
	/* The per-CPU entry points do nothing. */
	dwork_softirq();
	assert_false(dwork_idle_pending());
	dwork_idle_run();
	tp_switch(0);
	assert_no_damage();
}

static void test_cpu_dead_on_self_or_from_no_cpu_is_ignored(void **state)
{
	static struct uobj c;

	(void)state;
	u_obj_init(&c, 3, DWORK_TASKLET_SOFTIRQ);
	/* On the dying CPU itself: ignored (and asserted). */
	dwork_cpu_dead(0);
	assert_int_equal(tp.asserts, 1);
	assert_int_equal(dwork_tasklet_schedule_on(&c.tl, 0), 0);
	/* From no CPU: ignored (and asserted). */
	tp_switch(DWORK_CPU_NONE);
	dwork_cpu_dead(1);
	tp_switch(0);
	assert_int_equal(tp.asserts, 2);
	assert_int_equal(dwork_item_raise_on(&c.item, 1), DWORK_QUEUED);
	u_expected_asserts = 2;
	assert_no_damage();
	assert_int_equal(c.runs, 2);
	assert_int_equal(c.last_cpu, 1);
}

static void test_kill_with_irqs_off_outside_irq_is_asserted(void **state)
{
	unsigned long flags;

	(void)state;
	flags = dwork_port_irq_save();
	assert_int_equal(dwork_tasklet_kill(&a.tl), 0);
	dwork_port_irq_restore(flags);
	assert_int_equal(tp.asserts, 1);
	u_expected_asserts = 1;
	assert_no_damage();
}

static void test_softirq_from_irq_is_asserted(void **state)
{
	(void)state;
	tp_irq_enter();
	dwork_softirq();
	tp_irq_exit();
	assert_true(tp.asserts >= 1);
	u_expected_asserts = tp.asserts;
	assert_no_damage();
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

/*
 * Re-init of a tasklet queued between two others.  Wiping its links
 * corrupted the list: the neighbour behind it lost its run, and killing
 * that neighbour then waited forever.  Init refuses a live object (and
 * says so); everything on the list runs once, and kills return.
 */
static void test_reinit_of_pending_tasklet_is_refused_and_neighbours_run(
	void **state)
{
	static struct uobj x, y;

	(void)state;
	u_obj_init(&x, 3, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&y, 4, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule(&x.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&y.tl), 0);
	dwork_tasklet_init(&x.tl, u_tasklet_fn, &x, DWORK_TASKLET_IDLE);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(strstr(tp.last_assert, "dwork_tasklet_init"));
	assert_non_null(strstr(tp.last_assert, "kill the tasklet"));
	assert_true(dwork_tasklet_is_scheduled(&x.tl));
	assert_lists_sound();
	assert_no_damage();
	assert_int_equal(x.runs, 1);
	assert_int_equal(y.runs, 1);
	assert_int_equal(dwork_tasklet_schedule(&y.tl), 0);
	assert_int_equal(dwork_tasklet_kill(&y.tl), 0);
	assert_int_equal(dwork_tasklet_kill(&x.tl), 0);
	/* Dead now: re-init is allowed and works. */
	dwork_tasklet_init(&x.tl, u_tasklet_fn, &x, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule(&x.tl), 0);
	u_quiesce();
	assert_int_equal(x.runs, 2);
	assert_int_equal(tp.asserts, 1);
}

static unsigned int other_fn_runs;

static void other_tasklet_fn(void *data)
{
	(void)data;
	other_fn_runs++;
}

static void other_item_fn(struct dwork_item *it)
{
	(void)it;
	other_fn_runs++;
}

/*
 * A refused re-init leaves the object whole: its pending run still calls
 * the callback with the argument it was scheduled with.  Init used to
 * store the new callback and argument before it found the object live,
 * so the pending run called NULL, or the new callback with the new data.
 */
static void test_refused_reinit_keeps_callback_and_data(void **state)
{
	static struct uobj x, y;

	(void)state;
	u_obj_init(&x, 3, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&y, 4, DWORK_TASKLET_SOFTIRQ);
	other_fn_runs = 0;
	assert_int_equal(dwork_tasklet_schedule(&x.tl), 0);
	assert_int_equal(dwork_tasklet_init(&x.tl, NULL, NULL,
					    DWORK_TASKLET_SOFTIRQ),
			 DWORK_EBUSY);
	assert_int_equal(dwork_tasklet_init(&x.tl, other_tasklet_fn, &y,
					    DWORK_TASKLET_IDLE),
			 DWORK_EBUSY);
	/* Pending since setup(): a's item. */
	assert_int_equal(dwork_item_init(&a.item, NULL), DWORK_EBUSY);
	assert_int_equal(dwork_item_init(&a.item, other_item_fn), DWORK_EBUSY);
	u_expected_asserts = 4;
	assert_int_equal(tp.asserts, 4);
	assert_no_damage();
	assert_int_equal(x.runs, 1);
	assert_int_equal(y.runs, 0);
	assert_int_equal(other_fn_runs, 0);
	/* Once idle, init is accepted and takes the new callback. */
	assert_int_equal(dwork_tasklet_init(&x.tl, other_tasklet_fn, &y,
					    DWORK_TASKLET_SOFTIRQ),
			 0);
	assert_int_equal(dwork_item_init(&a.item, other_item_fn), 0);
	assert_int_equal(dwork_tasklet_schedule(&x.tl), 0);
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(other_fn_runs, 2);
	assert_int_equal(x.runs, 1);
	assert_int_equal(dwork_tasklet_init(NULL, u_tasklet_fn, &x,
					    DWORK_TASKLET_SOFTIRQ),
			 DWORK_EINVAL);
	assert_int_equal(dwork_item_init(NULL, u_item_fn), DWORK_EINVAL);
	assert_int_equal(tp.asserts, 4);
}

/* Same for an item that was raised and then cancelled (still linked). */
static void test_reinit_of_cancelled_but_linked_item_is_refused(void **state)
{
	static struct uobj x;

	(void)state;
	u_obj_init(&x, 3, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_item_raise(&x.item), DWORK_QUEUED);
	dwork_item_cancel(&x.item);
	assert_int_equal(dwork_item_busy(&x.item), DWORK_EAGAIN);
	dwork_item_init(&x.item, u_item_fn);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(strstr(tp.last_assert, "dwork_item_busy"));
	assert_lists_sound();
	assert_no_damage();
	assert_int_equal(x.runs, 0);
	assert_int_equal(dwork_item_busy(&x.item), 0);
}

/*
 * Re-init from another CPU while the callback runs, then a schedule
 * there: that started a second run next to the first.  Init refuses;
 * the schedule owes a re-run, which comes after the callback returned.
 */
static void reinit_and_run_on_cpu2(struct uobj *o)
{
	unsigned int old;

	if (o->runs > 1)
		return;
	old = tp_switch(2);
	dwork_tasklet_init(&o->tl, u_tasklet_fn, o, DWORK_TASKLET_SOFTIRQ);
	o->ret[0] = dwork_tasklet_schedule(&o->tl);
	tp_softirq(2);
	tp_switch(old);
}

static void test_reinit_while_running_is_refused_and_never_runs_twice_at_once(
	void **state)
{
	static struct uobj x;

	(void)state;
	u_obj_init(&x, 3, DWORK_TASKLET_SOFTIRQ);
	x.during = reinit_and_run_on_cpu2;
	assert_int_equal(dwork_tasklet_schedule_on(&x.tl, 1), 0);
	tp_softirq(1);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(strstr(tp.last_assert, "pending, queued or running"));
	assert_int_equal(x.ret[0], 0);
	assert_int_equal(x.overlaps, 0);
	assert_int_equal(x.runs, 1);
	u_quiesce();
	assert_int_equal(x.overlaps, 0);
	assert_int_equal(x.runs, 2);
	assert_int_equal(x.last_cpu, 2);
	assert_no_damage();
}

/*
 * A tasklet init never wrote (a stale copy, or memory that was never
 * initialised) with a plausible callback and kind, and a state word that
 * says "queued on CPU 0": the schedule answered 0 but nothing ever ran,
 * and kill waited forever for an unlink that could not come.
 */
static void test_tasklet_with_garbage_state_is_refused_and_kill_returns(
	void **state)
{
	struct dwork_tasklet t;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.fn = u_tasklet_fn;
	t.data = &a;
	t.node.kind = DWORK_KIND_SOFTIRQ;
	t.node.state = DWORK_ST_INIT | 0x04u; /* INIT|QUEUED, on no list */
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_schedule_on(&t, 1), DWORK_EINVAL);
	assert_false(dwork_tasklet_is_scheduled(&t));
	assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	/* An initialised tasklet whose state word was overwritten. */
	dwork_tasklet_init(&t, u_tasklet_fn, &a, DWORK_TASKLET_SOFTIRQ);
	t.node.state = 0xffffffffu;
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	t.node.state = DWORK_ST_INIT | 0x04u | (0xfffu << 20); /* QCPU 4095 */
	assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	assert_no_damage();
}

/*
 * dwork_cpu_dead() for a CPU that is still running: it silently stopped
 * taking work.  The port knows the CPU is online: debug_checks says so.
 */
static void test_cpu_dead_of_cpu_the_port_reports_online_is_asserted(
	void **state)
{
	(void)state;
	assert_true(tp.c[1].online);
	dwork_cpu_dead(1);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(strstr(tp.last_assert, "dwork_cpu_dead"));
	assert_non_null(strstr(tp.last_assert, "still reports that CPU online"));
}

/*
 * A kind is stored in one byte.  A bad kind whose low byte happens to be
 * a good one (0x101, 0x102, or -255) was truncated to that kind: init
 * then left a working softirq or idle tasklet instead of one every
 * schedule refuses.
 */
static void test_tasklet_kind_beyond_the_kind_byte_is_refused(void **state)
{
	static struct dwork_tasklet t;
	static const int kinds[] = { 0x100 | DWORK_TASKLET_SOFTIRQ,
				     0x100 | DWORK_TASKLET_IDLE,
				     -256 + DWORK_TASKLET_SOFTIRQ };
	unsigned int i;

	(void)state;
	other_fn_runs = 0;
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		assert_int_equal(dwork_tasklet_init(&t, other_tasklet_fn, NULL,
						    (enum dwork_tasklet_kind)
							    kinds[i]),
				 0);
		assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
		assert_int_equal(dwork_tasklet_schedule_on(&t, 1),
				 DWORK_EINVAL);
		assert_int_equal(dwork_tasklet_schedule_nmi(&t), DWORK_EINVAL);
		assert_false(dwork_tasklet_is_scheduled(&t));
		assert_int_equal(dwork_tasklet_kill(&t), DWORK_EINVAL);
	}
	assert_no_damage();
	assert_int_equal(other_fn_runs, 0);
}

/*
 * dwork_cpu_dead() run on a CPU that is not online in dwork (its own
 * dwork_cpu_init() not done, or dead itself) did nothing, silently: the
 * dead CPU's work was never adopted and a kill of it waited forever.
 * It is still ignored (the work is left where it is, for a call on an
 * online CPU), and debug_checks now says so.
 */
static void test_cpu_dead_on_a_cpu_not_online_in_dwork_is_asserted(
	void **state)
{
	static struct uobj x;

	(void)state;
	u_obj_init(&x, 3, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule_on(&x.tl, 1), 0);
	tp_cpu_dead(1, U_NR_CPUS + 1); /* CPU 5: never initialised */
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(strstr(tp.last_assert, "dwork_cpu_dead"));
	assert_non_null(strstr(tp.last_assert, "not online in dwork"));
	/* Ignored: CPU 1 keeps its work; the call on an online CPU adopts it. */
	assert_int_equal(x.runs, 0);
	tp_cpu_dead(1, 2);
	assert_int_equal(tp.asserts, 1);
	assert_no_damage();
	assert_int_equal(x.runs, 1);
	assert_int_equal(x.last_cpu, 2);
}

/*
 * dwork_idle_run() with IRQs disabled ran the idle callback with IRQs
 * still disabled, and said nothing; dwork_softirq() asserts the same rule.
 */
static void test_idle_run_with_irqs_off_is_asserted(void **state)
{
	unsigned long flags;

	(void)state;
	flags = dwork_port_irq_save();
	dwork_idle_run();
	dwork_port_irq_restore(flags);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(strstr(tp.last_assert, "dwork_idle_run"));
	assert_non_null(strstr(tp.last_assert, "IRQs"));
	b.bad_ctx = 0; /* it did run, with IRQs off: that is what is asserted */
	assert_no_damage();
}

/*
 * dwork_cpu_init() of a CPU number out of range was ignored silently (the
 * port's bring-up of that CPU then had every schedule for it refused),
 * though the misuse table said it was asserted, as dwork_cpu_dead() is.
 */
static void test_cpu_init_out_of_range_is_asserted(void **state)
{
	(void)state;
	dwork_cpu_init(DWORK_NR_CPUS);
	assert_int_equal(tp.asserts, 1);
	assert_string_equal(tp.last_assert,
			    "dwork: dwork_cpu_init: CPU number out of range");
	dwork_cpu_init(DWORK_CPU_NONE);
	u_expected_asserts = 2;
	assert_int_equal(tp.asserts, 2);
	assert_no_damage();
}

/*
 * dwork_idle_run() from a softirq callback ran the idle callback nested
 * in the softirq one, where dwork took it for an IRQ-like nesting: the
 * idle tasklet's kill of itself from its own callback returned
 * DWORK_EDEADLK instead of 0.  It is asserted now, and runs nothing: the
 * idle loop runs the idle tasklet, where its self-kill returns 0.
 */
static int nested_self_kill_ret = 99;

static void idle_kills_itself(struct uobj *o)
{
	nested_self_kill_ret = dwork_tasklet_kill(&o->tl);
}

static void softirq_calls_idle_run(struct uobj *o)
{
	(void)o;
	dwork_idle_run();
}

static void test_idle_run_from_a_softirq_callback_is_asserted(void **state)
{
	static struct uobj s, i;

	(void)state;
	u_quiesce(); /* setup's idle tasklet first: i is the only one */
	u_obj_init(&s, 3, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&i, 4, DWORK_TASKLET_IDLE);
	s.during = softirq_calls_idle_run;
	i.during = idle_kills_itself;
	assert_int_equal(dwork_tasklet_schedule(&i.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&s.tl), 0);
	tp_softirq(0);
	assert_int_equal(s.runs, 1);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(strstr(tp.last_assert, "dwork_idle_run"));
	assert_non_null(strstr(tp.last_assert, "softirq"));
	assert_int_equal(i.runs, 0);
	u_quiesce();
	assert_int_equal(i.runs, 1);
	assert_int_equal(nested_self_kill_ret, 0);
	assert_no_damage();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_null_item_is_refused),
		T(test_item_with_null_callback_is_refused),
		T(test_zeroed_item_is_refused),
		T(test_null_tasklet_is_refused),
		T(test_tasklet_with_null_callback_or_bad_kind_is_refused),
		T(test_zeroed_tasklet_is_refused),
		T(test_cpu_out_of_range_is_refused),
		T(test_calls_from_no_cpu_are_refused_or_harmless),
		T(test_cpu_dead_on_self_or_from_no_cpu_is_ignored),
		T(test_kill_with_irqs_off_outside_irq_is_asserted),
		T(test_softirq_from_irq_is_asserted),
		T(test_reinit_of_pending_tasklet_is_refused_and_neighbours_run),
		T(test_reinit_of_cancelled_but_linked_item_is_refused),
		T(test_refused_reinit_keeps_callback_and_data),
		T(test_reinit_while_running_is_refused_and_never_runs_twice_at_once),
		T(test_tasklet_with_garbage_state_is_refused_and_kill_returns),
		T(test_cpu_dead_of_cpu_the_port_reports_online_is_asserted),
		T(test_tasklet_kind_beyond_the_kind_byte_is_refused),
		T(test_cpu_dead_on_a_cpu_not_online_in_dwork_is_asserted),
		T(test_idle_run_with_irqs_off_is_asserted),
		T(test_cpu_init_out_of_range_is_asserted),
		T(test_idle_run_from_a_softirq_callback_is_asserted),
		T(test_tasklet_passed_as_an_item_while_pending_here_is_refused),
	};

	return cmocka_run_group_tests_name("misuse", tests, NULL, NULL);
}

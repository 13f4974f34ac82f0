// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: tasklet kill -- cancel + dead, waiting for a callback on another
 * CPU, self-kill (the runner never touches the object again), EDEADLK from
 * an outer context on the running CPU, mutual kills, re-init after kill.
 *
 * "Two CPUs at once" uses fibers (fiber.h): each simulated CPU has its own
 * stack, and the relax hook of a spinning kill yields to the other one, so
 * the interleaving is fixed and repeatable.
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "fiber.h"

static struct uobj s1, s2, i1, x, y, ta, tb;

static int setup(void **state)
{
	u_setup(state);
	u_obj_init(&s1, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&s2, 2, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&i1, 11, DWORK_TASKLET_IDLE);
	u_obj_init(&x, 20, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&y, 21, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&ta, 30, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&tb, 31, DWORK_TASKLET_IDLE);
	return 0;
}

/* Fiber plumbing: the relax hook yields; main round-robins, bounded. */
static void relax_yields(unsigned int nth)
{
	(void)nth;
	if (fiber_current())
		fiber_yield();
}

#define MAX_ROUNDS 1000

static unsigned int run_fibers(struct fiber *f, unsigned int n)
{
	unsigned int rounds, i, done;

	for (rounds = 1; rounds <= MAX_ROUNDS; rounds++) {
		done = 0;
		for (i = 0; i < n; i++)
			done += fiber_resume(&f[i]);
		if (done == n)
			return rounds;
	}
	fail_msg("fibers still spinning after %u rounds: deadlock", MAX_ROUNDS);
	return 0;
}

static void fiber_softirq(void *arg)
{
	tp_softirq((unsigned int)(uintptr_t)arg);
}

static void test_kill_cancels_pending_and_refuses_schedule(void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	assert_int_equal(dwork_tasklet_kill(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_kill(&i1.tl), 0);
	/* Kill returned: nothing references them any more. */
	assert_int_equal(u_linked_on(&s1, 0), 0);
	assert_int_equal(u_linked_on(&i1, 0), 0);
	assert_false(dwork_tasklet_is_scheduled(&s1.tl));
	assert_false(dwork_tasklet_is_scheduled(&i1.tl));
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), DWORK_ESHUTDOWN);
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 1), DWORK_ESHUTDOWN);
	/* Killed wins over a CPU that accepts no work. */
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, DWORK_NR_CPUS),
			 DWORK_ESHUTDOWN);
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), DWORK_ESHUTDOWN);
	u_quiesce();
	assert_int_equal(s1.runs, 0);
	assert_int_equal(i1.runs, 0);
	assert_int_equal(u_stats(0).dropped, 2);
	assert_lists_sound();
}

static void play_cpu1_once(unsigned int nth)
{
	if (nth != 1)
		return;
	/* Kill is spinning: the tasklet is still in CPU 1's inbox. */
	s1.n = tp.cpus[1].inbox != NULL;
	tp_softirq(1);
}

static void test_kill_of_tasklet_pending_on_other_cpu_waits_for_its_unlink(
	void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 1), 0);
	u_relax_step = play_cpu1_once;
	assert_int_equal(dwork_tasklet_kill(&s1.tl), 0);
	assert_int_equal(s1.n, 1);     /* it did wait for CPU 1 */
	assert_int_equal(s1.runs, 0);
	assert_int_equal(u_stats(1).dropped, 1);
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 1), DWORK_ESHUTDOWN);
	u_quiesce();
	assert_int_equal(s1.runs, 0);
}

/* Kill waits for a callback running on another CPU. */
static unsigned int cb_started, cb_finished, kill_saw_finished;
static int kill_ret, cb_sched_ret;

static void yield_in_callback(struct uobj *o)
{
	if (o->runs > 1)
		return;
	cb_started = 1;
	if (o->ret[0] == 1) /* owe a re-run before the kill */
		o->ret[1] = dwork_tasklet_schedule(&o->tl);
	fiber_yield();
	/* Back after kill started: a schedule now is refused. */
	cb_sched_ret = dwork_tasklet_schedule(&o->tl);
	cb_finished = 1;
}

static void fiber_kill_s1(void *arg)
{
	(void)arg;
	kill_ret = dwork_tasklet_kill(&s1.tl);
	kill_saw_finished = cb_finished;
}

static void run_kill_against_running_callback(bool owe_rerun)
{
	struct fiber f[2];

	cb_started = cb_finished = kill_saw_finished = 0;
	kill_ret = cb_sched_ret = 1;
	s1.during = yield_in_callback;
	s1.ret[0] = owe_rerun;
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 1), 0);
	u_relax_step = relax_yields;
	fiber_init(&f[0], 0, fiber_kill_s1, NULL);
	fiber_init(&f[1], 1, fiber_softirq, (void *)(uintptr_t)1);
	/* CPU 1 enters the callback first, then CPU 0 calls kill. */
	assert_false(fiber_resume(&f[1]));
	assert_int_equal(cb_started, 1);
	run_fibers(f, 2);
	fiber_destroy(&f[0]);
	fiber_destroy(&f[1]);

	assert_int_equal(kill_ret, 0);
	assert_int_equal(kill_saw_finished, 1);
	assert_true(f[0].yields > 0);
	assert_int_equal(cb_sched_ret, DWORK_ESHUTDOWN);
	if (owe_rerun)
		assert_int_equal(s1.ret[1], 0);
	u_quiesce();
	assert_int_equal(s1.runs, 1);
	assert_false(dwork_tasklet_is_scheduled(&s1.tl));
	assert_lists_sound();
}

static void test_kill_waits_for_callback_on_other_cpu(void **state)
{
	(void)state;
	run_kill_against_running_callback(false);
}

static void test_kill_cancels_rerun_owed_by_callback_on_other_cpu(
	void **state)
{
	(void)state;
	run_kill_against_running_callback(true);
}

/*
 * Self-kill: the callback kills its own tasklet, then poisons it.  The
 * runner must not write to it afterwards (every byte stays poisoned).
 */
#define POISON 0xff
static int self_kill_ret;

static void kill_and_poison(void *data)
{
	struct dwork_tasklet *t = data;

	self_kill_ret = dwork_tasklet_kill(t);
	memset(t, POISON, sizeof(*t));
}

static void check_untouched(const struct dwork_tasklet *t)
{
	const unsigned char *p = (const void *)t;
	size_t i;

	for (i = 0; i < sizeof(*t); i++)
		if (p[i] != POISON)
			fail_msg("byte %zu of the self-killed tasklet was written "
				 "after its callback returned", i);
}

static void test_kill_from_own_callback_returns_zero_and_never_touches(
	void **state)
{
	struct dwork_tasklet *ts = malloc(sizeof(*ts));
	struct dwork_tasklet *ti = malloc(sizeof(*ti));

	(void)state;
	assert_non_null(ts);
	assert_non_null(ti);
	dwork_tasklet_init(ts, kill_and_poison, ts, DWORK_TASKLET_SOFTIRQ);
	dwork_tasklet_init(ti, kill_and_poison, ti, DWORK_TASKLET_IDLE);

	self_kill_ret = 1;
	assert_int_equal(dwork_tasklet_schedule(ts), 0);
	tp_softirq(0);
	assert_int_equal(self_kill_ret, 0);
	check_untouched(ts);

	self_kill_ret = 1;
	assert_int_equal(dwork_tasklet_schedule(ti), 0);
	assert_true(tp_idle(0));
	assert_int_equal(self_kill_ret, 0);
	check_untouched(ti);

	u_quiesce();
	check_untouched(ts);
	check_untouched(ti);
	assert_lists_sound();
	free(ts);
	free(ti);
}

/* Owing a re-run when it kills itself: no re-run, object untouched. */
static void resched_kill_and_poison(void *data)
{
	struct dwork_tasklet *t = data;

	self_kill_ret = dwork_tasklet_schedule(t);
	self_kill_ret |= dwork_tasklet_kill(t);
	memset(t, POISON, sizeof(*t));
}

static void test_self_kill_with_rerun_owed_never_reruns_or_touches(
	void **state)
{
	struct dwork_tasklet *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	dwork_tasklet_init(t, resched_kill_and_poison, t,
			   DWORK_TASKLET_SOFTIRQ);
	self_kill_ret = 1;
	assert_int_equal(dwork_tasklet_schedule(t), 0);
	u_quiesce();
	assert_int_equal(self_kill_ret, 0);
	check_untouched(t);
	assert_int_equal(u_stats(0).run, 1);
	assert_int_equal(u_stats(0).requeued, 0);
	free(t);
}

/* The callback frees its own tasklet: ASan reports any later access. */
static void kill_and_free(void *data)
{
	struct dwork_tasklet *t = data;

	self_kill_ret = dwork_tasklet_kill(t);
	free(t);
}

static void test_self_killed_tasklet_may_be_freed_in_its_callback(
	void **state)
{
	struct dwork_tasklet *t = malloc(sizeof(*t));

	(void)state;
	assert_non_null(t);
	dwork_tasklet_init(t, kill_and_free, t, DWORK_TASKLET_SOFTIRQ);
	self_kill_ret = 1;
	assert_int_equal(dwork_tasklet_schedule(t), 0);
	u_quiesce();
	assert_int_equal(self_kill_ret, 0);
	assert_int_equal(u_stats(0).run, 1);
}

/* The callback kills, re-inits and re-schedules itself: one more run. */
static unsigned int reinit_runs;
static void kill_reinit_resched(void *data);

static void kill_reinit_resched(void *data)
{
	struct dwork_tasklet *t = data;

	if (reinit_runs++ > 0)
		return;
	self_kill_ret = dwork_tasklet_kill(t);
	/* Dead until re-init, even from its own callback. */
	if (dwork_tasklet_schedule(t) != DWORK_ESHUTDOWN ||
	    dwork_tasklet_is_scheduled(t))
		self_kill_ret = -1;
	dwork_tasklet_init(t, kill_reinit_resched, t, DWORK_TASKLET_SOFTIRQ);
	self_kill_ret |= dwork_tasklet_schedule(t);
}

static void test_self_kill_then_reinit_in_callback_runs_once_more(
	void **state)
{
	static struct dwork_tasklet t;

	(void)state;
	reinit_runs = 0;
	dwork_tasklet_init(&t, kill_reinit_resched, &t, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule(&t), 0);
	tp_softirq_once(0);
	assert_int_equal(self_kill_ret, 0);
	assert_lists_sound();
	u_quiesce();
	assert_int_equal(reinit_runs, 2);
	assert_lists_sound();
	assert_false(dwork_tasklet_is_scheduled(&t));
}

static void irq_kill_self(struct uobj *o)
{
	if (o->runs > 1)
		return;
	o->ret[0] = dwork_tasklet_schedule(&o->tl); /* owe a re-run */
	tp_irq_enter();
	o->ret[1] = dwork_tasklet_kill(&o->tl);
	tp_irq_exit();
	o->ret[2] = dwork_tasklet_is_scheduled(&o->tl);
}

static void test_kill_from_irq_on_running_cpu_returns_edeadlk_without_effect(
	void **state)
{
	(void)state;
	s1.during = irq_kill_self;
	i1.during = irq_kill_self;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	u_quiesce();
	assert_int_equal(s1.ret[1], DWORK_EDEADLK);
	assert_int_equal(i1.ret[1], DWORK_EDEADLK);
	/* No effect: the re-run stayed owed and happened; not dead. */
	assert_true(s1.ret[2]);
	assert_true(i1.ret[2]);
	assert_int_equal(s1.runs, 2);
	assert_int_equal(i1.runs, 2);
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	u_quiesce();
	assert_int_equal(s1.runs, 3);
	assert_int_equal(i1.runs, 3);
}

/* An idle callback processes softirqs; a softirq callback kills it. */
static void kill_i1(struct uobj *o)
{
	o->ret[0] = dwork_tasklet_kill(&i1.tl);
}

static void schedule_s1_and_run_softirq(struct uobj *o)
{
	if (o->runs > 1)
		return;
	o->ret[0] = dwork_tasklet_schedule(&s1.tl);
	tp_softirq(0);
}

static void test_kill_from_softirq_nested_in_own_idle_callback_returns_edeadlk(
	void **state)
{
	(void)state;
	s1.during = kill_i1;
	i1.during = schedule_s1_and_run_softirq;
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	assert_true(tp_idle(0));
	assert_int_equal(i1.ret[0], 0);
	assert_int_equal(s1.runs, 1);
	assert_int_equal(s1.ret[0], DWORK_EDEADLK);
	/* Not dead. */
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	u_quiesce();
	assert_int_equal(i1.runs, 2);
}

static void test_kill_from_irq_of_tasklet_not_running_here_succeeds(
	void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	tp_irq_enter();
	assert_int_equal(dwork_tasklet_kill(&s1.tl), 0);
	tp_irq_exit();
	u_quiesce();
	assert_int_equal(s1.runs, 0);
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), DWORK_ESHUTDOWN);
}

/*
 * Mutual kill: CPU 0 is in softirq callback X and kills tb, queued on
 * CPU 1; CPU 1 is in its callback Y and kills ta, queued on CPU 0.  Each
 * kill must keep its own CPU's queue moving, so both return.
 */
static int ret_a, ret_b;

static void both_in_callbacks_then_kill(struct uobj *o)
{
	fiber_yield(); /* both CPUs are now inside their callbacks */
	if (o == &x)
		ret_a = dwork_tasklet_kill(&tb.tl);
	else
		ret_b = dwork_tasklet_kill(&ta.tl);
}

static void run_mutual_kill(unsigned int first)
{
	struct fiber f[2];
	unsigned int i;

	ret_a = ret_b = 1;
	x.during = both_in_callbacks_then_kill;
	y.during = both_in_callbacks_then_kill;
	/* Each CPU queues its own callback first, then the victim. */
	assert_int_equal(dwork_tasklet_schedule(&x.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&ta.tl), 0);
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&y.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&tb.tl), 0);
	tp_switch(0);
	u_relax_step = relax_yields;
	fiber_init(&f[0], 0, fiber_softirq, (void *)(uintptr_t)0);
	fiber_init(&f[1], 1, fiber_softirq, (void *)(uintptr_t)1);
	/* Enter both callbacks, @first first. */
	for (i = 0; i < 2; i++)
		assert_false(fiber_resume(&f[(first + i) % 2]));
	assert_int_equal(x.active, 1);
	assert_int_equal(y.active, 1);
	run_fibers(f, 2);
	fiber_destroy(&f[0]);
	fiber_destroy(&f[1]);
	assert_int_equal(ret_a, 0);
	assert_int_equal(ret_b, 0);
	u_quiesce();
	assert_int_equal(ta.runs, 0);
	assert_int_equal(tb.runs, 0);
	assert_int_equal(x.runs, 1);
	assert_int_equal(y.runs, 1);
	assert_lists_sound();
}

static void test_mutual_kill_of_pending_tasklets_does_not_deadlock(
	void **state)
{
	run_mutual_kill(0);
	u_teardown(state);
	setup(state);
	run_mutual_kill(1);
}

static void test_second_kill_returns_zero(void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_kill(&s1.tl), 0); /* never scheduled */
	assert_int_equal(dwork_tasklet_kill(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&s2.tl), 0);
	assert_int_equal(dwork_tasklet_kill(&s2.tl), 0);
	assert_int_equal(dwork_tasklet_kill(&s2.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&s2.tl), DWORK_ESHUTDOWN);
	u_quiesce();
	assert_int_equal(s1.runs + s2.runs, 0);
}

static void test_init_after_kill_allows_reuse(void **state)
{
	(void)state;
	assert_int_equal(dwork_tasklet_schedule_on(&s1.tl, 2), 0);
	tp_softirq(2); /* let it run once */
	assert_int_equal(dwork_tasklet_kill(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), DWORK_ESHUTDOWN);
	dwork_tasklet_init(&s1.tl, u_tasklet_fn, &s1, DWORK_TASKLET_IDLE);
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_true(dwork_tasklet_is_scheduled(&s1.tl));
	u_quiesce();
	assert_int_equal(s1.runs, 2);
	assert_int_equal(s1.last_cpu, 0);
	assert_lists_sound();
}

/*
 * The callback kills itself, re-inits and re-schedules its tasklet (a new
 * life, linked on this CPU's list), then kills it again.  The second kill
 * is not a self-kill any more: like any kill it must cancel and unlink the
 * new life before it returns 0, since the caller may then free the memory.
 * (The test checks the list at that moment instead of freeing, so that a
 * failure is reported instead of crashing the next pass.)
 */
static unsigned int relife_linked, relife_runs;

static void kill_reinit_resched_kill(void *data)
{
	struct dwork_tasklet *t = data;

	if (relife_runs++ > 0)
		return;
	self_kill_ret = dwork_tasklet_kill(t);
	dwork_tasklet_init(t, kill_reinit_resched_kill, t,
			   DWORK_TASKLET_SOFTIRQ);
	self_kill_ret |= dwork_tasklet_schedule(t);
	self_kill_ret |= dwork_tasklet_kill(t);
	/* Kill returned: does CPU 0's list still reference the memory? */
	relife_linked = 0;
	for (const struct dwork_node *n = tp.cpus[0].sirq.head; n; n = n->next)
		relife_linked += n == &t->node;
}

static void test_kill_after_self_kill_and_reinit_unlinks_the_new_life(
	void **state)
{
	static struct dwork_tasklet t;

	(void)state;
	relife_runs = 0;
	dwork_tasklet_init(&t, kill_reinit_resched_kill, &t,
			   DWORK_TASKLET_SOFTIRQ);
	self_kill_ret = 1;
	assert_int_equal(dwork_tasklet_schedule(&t), 0);
	u_quiesce();
	assert_int_equal(self_kill_ret, 0);
	assert_int_equal(relife_linked, 0);
	assert_int_equal(relife_runs, 1);
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_ESHUTDOWN);
	assert_lists_sound();
}

/* A softirq callback kills a tasklet queued behind it in the same pass. */
static void kill_s2(struct uobj *o)
{
	o->ret[0] = dwork_tasklet_kill(&s2.tl);
}

static void test_kill_from_callback_of_tasklet_queued_later_in_same_pass(
	void **state)
{
	(void)state;
	s1.during = kill_s2;
	assert_int_equal(dwork_tasklet_schedule(&s1.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&s2.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&x.tl), 0);
	u_quiesce();
	assert_int_equal(s1.ret[0], 0);
	assert_int_equal(s2.runs, 0);
	assert_int_equal(x.runs, 1);
	assert_int_equal(u_linked_on(&s2, 0), 0);
	assert_lists_sound();
}

/* Kill of an idle tasklet queued on another CPU that has no softirq due. */
static void play_cpu1_softirq_if_raised(unsigned int nth)
{
	(void)nth;
	tp_softirq(1); /* only runs if something raised it */
}

static void test_kill_asks_the_cpu_holding_the_tasklet_to_unlink_it(
	void **state)
{
	(void)state;
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&i1.tl), 0);
	tp_switch(0);
	assert_int_equal(tp.c[1].softirq_pending, 0); /* idle work: a kick */
	u_relax_step = play_cpu1_softirq_if_raised;
	assert_int_equal(dwork_tasklet_kill(&i1.tl), 0);
	assert_int_equal(u_linked_on(&i1, 1), 0);
	u_quiesce();
	assert_int_equal(i1.runs, 0);
}

/*
 * A callback kills its own tasklet and goes on running; meanwhile CPU 0
 * kills it too.  That kill must not return 0 before the callback has
 * returned: the caller may free the memory the callback still uses.
 */
static struct dwork_tasklet sk_t;
static unsigned int sk_finished, sk_kill_saw_finished;
static int sk_self_ret, sk_kill_ret;

static void self_kill_then_yield(void *data)
{
	struct dwork_tasklet *t = data;

	/* Owe a re-run on CPU 2 first: the newest target is not this CPU. */
	sk_self_ret = dwork_tasklet_schedule_on(t, 2);
	sk_self_ret |= dwork_tasklet_kill(t);
	fiber_yield(); /* CPU 0 calls kill now */
	sk_finished = 1; /* the callback still uses the object's memory */
}

static void fiber_kill_sk(void *arg)
{
	(void)arg;
	sk_kill_ret = dwork_tasklet_kill(&sk_t);
	sk_kill_saw_finished = sk_finished;
}

static void test_kill_after_self_kill_waits_for_the_callback(void **state)
{
	struct fiber f[2];

	(void)state;
	sk_finished = sk_kill_saw_finished = 0;
	sk_self_ret = sk_kill_ret = 1;
	dwork_tasklet_init(&sk_t, self_kill_then_yield, &sk_t,
			   DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule_on(&sk_t, 1), 0);
	u_relax_step = relax_yields;
	fiber_init(&f[0], 0, fiber_kill_sk, NULL);
	fiber_init(&f[1], 1, fiber_softirq, (void *)(uintptr_t)1);
	/* CPU 1 enters the callback, which kills itself and pauses. */
	assert_false(fiber_resume(&f[1]));
	assert_int_equal(sk_self_ret, 0);
	run_fibers(f, 2);
	fiber_destroy(&f[0]);
	fiber_destroy(&f[1]);
	assert_int_equal(sk_kill_ret, 0);
	assert_int_equal(sk_kill_saw_finished, 1);
	assert_true(f[0].yields > 0);
	assert_int_equal(dwork_tasklet_schedule(&sk_t), DWORK_ESHUTDOWN);
	assert_lists_sound();
}

/*
 * An IRQ on the CPU whose callback killed its own tasklet kills it too:
 * the callback below it has not returned, so 0 ("may be freed") would be
 * a lie and waiting would never end: DWORK_EDEADLK.  (A re-init from that
 * IRQ makes a fresh object of the memory: see
 * test_memory_of_a_self_killed_tasklet_is_reused_at_once.)
 */
static void self_kill_then_irq_kill(void *data)
{
	struct dwork_tasklet *t = data;

	sk_self_ret = dwork_tasklet_kill(t);
	tp_irq_enter();
	sk_kill_ret = dwork_tasklet_kill(t);
	tp_irq_exit();
	/* The callback itself may say it again: 0. */
	sk_finished = dwork_tasklet_kill(t) == 0;
}

static void test_irq_kill_after_self_kill_returns_edeadlk(void **state)
{
	(void)state;
	sk_self_ret = sk_kill_ret = 1;
	sk_finished = 0;
	dwork_tasklet_init(&sk_t, self_kill_then_irq_kill, &sk_t,
			   DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_tasklet_schedule(&sk_t), 0);
	u_quiesce();
	assert_int_equal(sk_self_ret, 0);
	assert_int_equal(sk_kill_ret, DWORK_EDEADLK);
	assert_int_equal(sk_finished, 1);
	assert_int_equal(dwork_tasklet_schedule(&sk_t), DWORK_ESHUTDOWN);
	assert_lists_sound();
}

/*
 * The callback kills its tasklet, re-inits it and schedules it on another
 * CPU, which runs its softirq while the callback is still running.  The
 * new life must not start there before the old callback returned: one
 * object, never two runs at once.  It runs after, on the newest target.
 */
static void kill_reinit_schedule_on_cpu2(struct uobj *o)
{
	unsigned int old;

	if (o->runs > 1)
		return;
	o->ret[0] = dwork_tasklet_kill(&o->tl);
	dwork_tasklet_init(&o->tl, u_tasklet_fn, o, DWORK_TASKLET_SOFTIRQ);
	o->ret[1] = dwork_tasklet_schedule_on(&o->tl, 2);
	o->ret[2] = dwork_tasklet_is_scheduled(&o->tl);
	/* CPU 2 plays its softirq now, while this callback runs on CPU 1. */
	old = tp_switch(2);
	tp_softirq(2);
	tp_switch(old);
}

static void test_self_kill_reinit_schedule_elsewhere_never_runs_twice_at_once(
	void **state)
{
	(void)state;
	x.during = kill_reinit_schedule_on_cpu2;
	assert_int_equal(dwork_tasklet_schedule_on(&x.tl, 1), 0);
	tp_softirq(1);
	assert_int_equal(x.ret[0], 0);
	assert_int_equal(x.ret[1], 0);
	assert_true(x.ret[2]);
	assert_int_equal(x.overlaps, 0);
	assert_int_equal(x.runs, 1); /* not yet: after the callback returned */
	u_quiesce();
	assert_int_equal(x.overlaps, 0);
	assert_int_equal(x.runs, 2);
	assert_int_equal(x.last_cpu, 2);
	assert_lists_sound();
	/* An ordinary live tasklet again. */
	assert_int_equal(dwork_tasklet_kill(&x.tl), 0);
	assert_int_equal(dwork_tasklet_schedule(&x.tl), DWORK_ESHUTDOWN);
}

/*
 * The callback kills its own tasklet and frees it, and the allocator
 * hands the memory out again at once, while the callback is still
 * finishing: first to CPU 2, which makes a new tasklet of it, schedules
 * and runs it (next to the old callback, which is another object now),
 * kills it and frees it; then to an IRQ on CPU 1 itself, which makes an
 * item of it and raises it.  Each init returns 0 and each new object
 * runs.  It was: init answered DWORK_EBUSY (the address was still in the
 * runner's running slot on CPU 1), and every schedule of the new tasklet
 * DWORK_ESHUTDOWN, even after the old callback returned.  Only a re-init
 * from the callback itself continues the old run
 * (test_self_kill_reinit_schedule_elsewhere_never_runs_twice_at_once).
 */
static union {
	struct dwork_tasklet t;
	struct dwork_item it;
} reuse_mem;
static unsigned int reuse_new_runs, reuse_new_cpu, reuse_item_runs;
static int reuse_ret[8];

static void reuse_new_fn(void *data)
{
	(void)data;
	reuse_new_runs++;
	reuse_new_cpu = dwork_port_this_cpu();
}

static void reuse_item_fn(struct dwork_item *it)
{
	(void)it;
	reuse_item_runs++;
}

static void reuse_old_fn(void *data)
{
	struct dwork_tasklet *t = data;
	unsigned int old;

	reuse_ret[0] = dwork_tasklet_kill(t); /* then freed */
	old = tp_switch(2);
	reuse_ret[1] = dwork_tasklet_init(&reuse_mem.t, reuse_new_fn, NULL,
					  DWORK_TASKLET_SOFTIRQ);
	reuse_ret[2] = dwork_tasklet_schedule(&reuse_mem.t);
	tp_softirq(2);
	reuse_ret[3] = dwork_tasklet_kill(&reuse_mem.t); /* then freed */
	tp_switch(old);
	tp_irq_enter();
	reuse_ret[4] = dwork_item_init(&reuse_mem.it, reuse_item_fn);
	reuse_ret[5] = dwork_item_raise(&reuse_mem.it);
	tp_irq_exit();
}

static void test_memory_of_a_self_killed_tasklet_is_reused_at_once(
	void **state)
{
	(void)state;
	memset(reuse_ret, 0x7f, sizeof(reuse_ret));
	reuse_new_runs = reuse_item_runs = 0;
	assert_int_equal(dwork_tasklet_init(&reuse_mem.t, reuse_old_fn,
					    &reuse_mem.t,
					    DWORK_TASKLET_SOFTIRQ), 0);
	tp_switch(1);
	assert_int_equal(dwork_tasklet_schedule(&reuse_mem.t), 0);
	tp_softirq(1);
	tp_switch(0);
	assert_int_equal(reuse_ret[0], 0);
	assert_int_equal(reuse_ret[1], 0);
	assert_int_equal(reuse_ret[2], 0);
	assert_int_equal(reuse_new_runs, 1);
	assert_int_equal(reuse_new_cpu, 2);
	assert_int_equal(reuse_ret[3], 0);
	assert_int_equal(reuse_ret[4], 0);
	assert_int_equal(reuse_ret[5], DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(reuse_item_runs, 1);
	assert_int_equal(dwork_item_busy(&reuse_mem.it), 0);
	/* The item keeps working; the old callback never touched it. */
	assert_int_equal(dwork_item_raise_on(&reuse_mem.it, 3), DWORK_QUEUED);
	u_quiesce();
	assert_int_equal(reuse_item_runs, 2);
	assert_int_equal(tp.asserts, 0);
	assert_lists_sound();
}

/*
 * An idle callback kills its own tasklet and frees it; an IRQ on the same
 * CPU makes a softirq tasklet of the memory and schedules it, and the idle
 * callback then runs a softirq pass nested in it (Xen's
 * process_pending_softirqs()).  The new tasklet's callback runs there and
 * kills itself: that is its own callback (the innermost one on this CPU),
 * so 0, not DWORK_EDEADLK as for the old idle callback below it.
 */
static int nest_ret[4];
static unsigned int nest_runs;

static void nest_new_fn(void *data)
{
	nest_runs++;
	nest_ret[2] = dwork_tasklet_kill(data);
}

static void nest_old_fn(void *data)
{
	struct dwork_tasklet *t = data;

	nest_ret[0] = dwork_tasklet_kill(t); /* then freed */
	tp_irq_enter();
	nest_ret[1] = dwork_tasklet_init(t, nest_new_fn, t,
					 DWORK_TASKLET_SOFTIRQ) |
		      dwork_tasklet_schedule(t);
	tp_irq_exit();
	tp_softirq(0);
}

static void test_reused_tasklet_nested_in_the_old_idle_callback_kills_itself(
	void **state)
{
	static struct dwork_tasklet t;

	(void)state;
	memset(nest_ret, 0x7f, sizeof(nest_ret));
	nest_runs = 0;
	assert_int_equal(dwork_tasklet_init(&t, nest_old_fn, &t,
					    DWORK_TASKLET_IDLE), 0);
	assert_int_equal(dwork_tasklet_schedule(&t), 0);
	u_quiesce();
	assert_int_equal(nest_ret[0], 0);
	assert_int_equal(nest_ret[1], 0);
	assert_int_equal(nest_runs, 1);
	assert_int_equal(nest_ret[2], 0);
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_ESHUTDOWN);
	assert_int_equal(tp.asserts, 0);
	assert_lists_sound();
}

/*
 * An IRQ above a callback that has not killed its tasklet re-initialises
 * that tasklet: refused (DWORK_EBUSY), and debug_checks says the callback
 * runs on this CPU.  (After a self-kill the same init makes a fresh
 * object: test_memory_of_a_self_killed_tasklet_is_reused_at_once.)
 */
static int irq_init_ret;
static const char *irq_init_msg;

static void irq_inits_running(void *data)
{
	tp_irq_enter();
	irq_init_ret = dwork_tasklet_init(data, irq_inits_running, data,
					  DWORK_TASKLET_SOFTIRQ);
	irq_init_msg = tp.last_assert;
	tp_irq_exit();
}

static void test_init_from_an_irq_above_the_running_callback_is_refused(
	void **state)
{
	static struct dwork_tasklet t;

	(void)state;
	irq_init_msg = NULL;
	assert_int_equal(dwork_tasklet_init(&t, irq_inits_running, &t,
					    DWORK_TASKLET_SOFTIRQ), 0);
	assert_int_equal(dwork_tasklet_schedule(&t), 0);
	u_quiesce();
	assert_int_equal(irq_init_ret, DWORK_EBUSY);
	u_expected_asserts = 1;
	assert_int_equal(tp.asserts, 1);
	assert_non_null(irq_init_msg);
	assert_non_null(strstr(irq_init_msg, "running on this CPU"));
	assert_int_equal(dwork_tasklet_kill(&t), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_kill_cancels_pending_and_refuses_schedule),
		T(test_kill_of_tasklet_pending_on_other_cpu_waits_for_its_unlink),
		T(test_kill_waits_for_callback_on_other_cpu),
		T(test_kill_cancels_rerun_owed_by_callback_on_other_cpu),
		T(test_kill_from_own_callback_returns_zero_and_never_touches),
		T(test_self_kill_with_rerun_owed_never_reruns_or_touches),
		T(test_self_killed_tasklet_may_be_freed_in_its_callback),
		T(test_self_kill_then_reinit_in_callback_runs_once_more),
		T(test_kill_from_irq_on_running_cpu_returns_edeadlk_without_effect),
		T(test_kill_from_softirq_nested_in_own_idle_callback_returns_edeadlk),
		T(test_kill_from_irq_of_tasklet_not_running_here_succeeds),
		T(test_mutual_kill_of_pending_tasklets_does_not_deadlock),
		T(test_second_kill_returns_zero),
		T(test_kill_asks_the_cpu_holding_the_tasklet_to_unlink_it),
		T(test_kill_after_self_kill_waits_for_the_callback),
		T(test_irq_kill_after_self_kill_returns_edeadlk),
		T(test_self_kill_reinit_schedule_elsewhere_never_runs_twice_at_once),
		T(test_init_after_kill_allows_reuse),
		T(test_kill_after_self_kill_and_reinit_unlinks_the_new_life),
		T(test_kill_from_callback_of_tasklet_queued_later_in_same_pass),
		T(test_memory_of_a_self_killed_tasklet_is_reused_at_once),
		T(test_reused_tasklet_nested_in_the_old_idle_callback_kills_itself),
		T(test_init_from_an_irq_above_the_running_callback_is_refused),
	};

	return cmocka_run_group_tests_name("tasklet_kill", tests, NULL, NULL);
}

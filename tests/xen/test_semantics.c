// SPDX-License-Identifier: BSD-2-Clause
/*
 * Xen's tasklet semantics through the compat layer: at most once, never
 * concurrently, re-run after a schedule during the callback, re-targeting,
 * kill, kill-then-init reuse (continue_hypercall_tasklet), and the places
 * where dwork refuses what stock Xen would silently mis-handle.
 */
#include "xentest.h"

static void schedules_before_a_run_coalesce(void **s)
{
	static struct tasklet t;
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	tasklet_init(&t, rec_fn, &r);
	tasklet_schedule_on_cpu(&t, 1);
	tasklet_schedule_on_cpu(&t, 1);
	sim_on(1);
	tasklet_schedule(&t);
	sim_on(0);
	assert_true(tasklet_is_scheduled(&t));
	sim_settle();
	assert_int_equal(r.runs, 1);
	assert_false(tasklet_is_scheduled(&t));
}

static struct tasklet rerun_t;
static bool rerun_was_scheduled;

static void reschedule_once(struct rec *r)
{
	if (r->runs == 1) {
		assert_false(tasklet_is_scheduled(&rerun_t));
		tasklet_schedule_on_cpu(&rerun_t, 2);
		rerun_was_scheduled = tasklet_is_scheduled(&rerun_t);
	}
}

static void schedule_during_callback_runs_again_after_on_newest_cpu(void **s)
{
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	r.hook = reschedule_once;
	softirq_tasklet_init(&rerun_t, rec_fn, &r);
	tasklet_schedule_on_cpu(&rerun_t, 1);
	sim_softirq(1);
	assert_int_equal(r.runs, 1);
	assert_true(rerun_was_scheduled);
	sim_settle();
	assert_int_equal(r.runs, 2);
	assert_int_equal(r.cpu, 2);
}

static void retargeting_a_pending_tasklet_runs_it_once_on_the_newest_cpu(void **s)
{
	static struct tasklet t;
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	tasklet_init(&t, rec_fn, &r);
	tasklet_schedule_on_cpu(&t, 1);
	tasklet_schedule_on_cpu(&t, 3);
	sim_settle();
	assert_int_equal(r.runs, 1);
	assert_int_equal(r.cpu, 3);
}

static void kill_cancels_and_later_schedules_are_ignored_silently(void **s)
{
	static struct tasklet t;
	struct rec r;
	unsigned long refused = dwork_xen_refused;

	(void)s;
	rec_reset(&r, 1);
	tasklet_init(&t, rec_fn, &r);
	tasklet_schedule_on_cpu(&t, 2);
	tasklet_kill(&t);
	assert_false(tasklet_is_scheduled(&t));
	tasklet_schedule(&t);
	assert_int_equal(tasklet_try_schedule_on_cpu(&t, 1), DWORK_ESHUTDOWN);
	tasklet_kill(&t); /* a second kill is fine */
	sim_settle();
	assert_int_equal(r.runs, 0);
	/* Same as stock Xen (is_dead): not an error worth counting. */
	assert_int_equal(dwork_xen_refused, refused);
}

/* continue_hypercall_on_cpu(): kill, re-init with new data, schedule. */
static void kill_then_init_reuses_the_tasklet(void **s)
{
	static struct tasklet t;
	struct rec a, b;

	(void)s;
	rec_reset(&a, 1);
	rec_reset(&b, 2);
	tasklet_init(&t, NULL, NULL); /* as vcpu_create() does */
	tasklet_kill(&t);
	tasklet_init(&t, rec_fn, &a);
	tasklet_schedule_on_cpu(&t, 1);
	sim_settle();
	tasklet_kill(&t);
	tasklet_init(&t, rec_fn, &b);
	tasklet_schedule_on_cpu(&t, 2);
	sim_settle();
	assert_int_equal(a.runs, 1);
	assert_int_equal(a.cpu, 1);
	assert_int_equal(b.runs, 1);
	assert_int_equal(b.cpu, 2);
}

/* A nested continue_hypercall_on_cpu() from inside the handler. */
static struct tasklet nest_t;

static void nest_to_cpu3(struct rec *r)
{
	if (r->runs == 1)
		tasklet_schedule_on_cpu(&nest_t, 3);
}

static void nested_continuation_from_the_handler_runs_on_the_new_cpu(void **s)
{
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	r.hook = nest_to_cpu3;
	tasklet_kill(&nest_t);
	tasklet_init(&nest_t, rec_fn, &r);
	tasklet_schedule_on_cpu(&nest_t, 1);
	sim_settle();
	assert_int_equal(r.runs, 2);
	assert_int_equal(r.cpu, 3);
}

static struct tasklet selfkill_t;
static struct rec selfkill_r2;

static void kill_and_reinit_self(struct rec *r)
{
	(void)r;
	tasklet_kill(&selfkill_t); /* stock Xen would spin here forever */
	tasklet_init(&selfkill_t, rec_fn, &selfkill_r2);
	tasklet_schedule(&selfkill_t);
}

static void kill_from_own_callback_returns_and_allows_reinit(void **s)
{
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	rec_reset(&selfkill_r2, 2);
	r.hook = kill_and_reinit_self;
	softirq_tasklet_init(&selfkill_t, rec_fn, &r);
	tasklet_schedule_on_cpu(&selfkill_t, 1);
	sim_settle();
	assert_int_equal(r.runs, 1);
	assert_int_equal(selfkill_r2.runs, 1);
	/* The re-inited tasklet is an idle tasklet now. */
	assert_int_equal(selfkill_r2.cpu, 1);
}

static void null_function_and_zeroed_tasklets_are_refused_not_run(void **s)
{
	static struct tasklet z, n;
	unsigned long refused = dwork_xen_refused;

	(void)s;
	tasklet_kill(&z); /* never initialised: ignored, as in stock Xen */
	tasklet_schedule(&z);
	tasklet_init(&n, NULL, NULL);
	tasklet_schedule_on_cpu(&n, 1);
	assert_int_equal(tasklet_try_schedule_on_cpu(&n, 1), DWORK_EINVAL);
	assert_false(tasklet_is_scheduled(&n));
	assert_int_equal(dwork_xen_refused, refused + 2);
	sim_settle();
}

static void schedule_on_an_offline_cpu_is_refused_and_counted(void **s)
{
	static struct tasklet t;
	struct rec r;
	unsigned long refused = dwork_xen_refused;

	(void)s;
	rec_reset(&r, 1);
	tasklet_init(&t, rec_fn, &r);
	assert_int_equal(tasklet_try_schedule_on_cpu(&t, 6), DWORK_ENODEV);
	assert_int_equal(tasklet_try_schedule_on_cpu(&t, NR_CPUS), DWORK_ENODEV);
	tasklet_schedule_on_cpu(&t, 7);
	assert_int_equal(dwork_xen_refused, refused + 1);
	assert_false(tasklet_is_scheduled(&t));
	sim_settle();
	assert_int_equal(r.runs, 0);
}

static void runs_are_fifo_per_cpu_and_kind(void **s)
{
	static struct tasklet it[4], st[4];
	struct rec ri[4], rs[4];
	unsigned int i;

	(void)s;
	for (i = 0; i < 4; i++) {
		rec_reset(&ri[i], 10 + i);
		rec_reset(&rs[i], 20 + i);
		tasklet_init(&it[i], rec_fn, &ri[i]);
		softirq_tasklet_init(&st[i], rec_fn, &rs[i]);
	}
	for (i = 0; i < 4; i++) {
		tasklet_schedule_on_cpu(&it[i], 2);
		tasklet_schedule_on_cpu(&st[i], 2);
	}
	sim_settle();
	{
		unsigned int ni = 10, ns = 20;

		assert_int_equal(run_log_n, 8);
		for (i = 0; i < run_log_n; i++) {
			if (run_log[i] < 20)
				assert_int_equal(run_log[i], ni++);
			else
				assert_int_equal(run_log[i], ns++);
		}
	}
}

static struct tasklet irq_t;

static void irq_schedule(void *arg)
{
	(void)arg;
	tasklet_schedule(&irq_t);
}

static void schedule_from_interrupt_context_runs_on_that_cpu(void **s)
{
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	softirq_tasklet_init(&irq_t, rec_fn, &r);
	sim_irq(2, irq_schedule, NULL);
	assert_true(pending(2, TASKLET_SOFTIRQ));
	sim_settle();
	assert_int_equal(r.runs, 1);
	assert_int_equal(r.cpu, 2);
}

static struct tasklet deadlk_t;
static bool deadlk_bugged;

static void irq_kill(void *arg)
{
	(void)arg;
	deadlk_bugged = SIM_EXPECT_BUG(tasklet_kill(&deadlk_t));
}

static void interrupt_on_running_cpu(struct rec *r)
{
	(void)r;
	sim_irq(smp_processor_id(), irq_kill, NULL);
}

static void kill_from_irq_on_the_running_cpu_is_a_bug_not_a_hang(void **s)
{
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	r.hook = interrupt_on_running_cpu;
	softirq_tasklet_init(&deadlk_t, rec_fn, &r);
	tasklet_schedule_on_cpu(&deadlk_t, 1);
	sim_settle();
	assert_true(deadlk_bugged);
	assert_int_equal(r.runs, 1);
	sim_bugs = 0;
	tasklet_kill(&deadlk_t); /* from task context: fine */
}

static void declared_tasklets_work_without_init(void **s)
{
	static struct rec r = { .id = 1 };
	static struct rec q = { .id = 2 };
	static DECLARE_TASKLET(idle_t, rec_fn, &r);
	static DECLARE_SOFTIRQ_TASKLET(sirq_t, rec_fn, &q);
	unsigned int work = sim_work(1);

	(void)s;
	(void)work;
	tasklet_schedule_on_cpu(&idle_t, 1);
	tasklet_schedule_on_cpu(&sirq_t, 1);
	sim_softirq(1);
	assert_int_equal(q.runs, 1);
	assert_int_equal(r.runs, 0);
	assert_int_equal(sim_work(1), TASKLET_enqueued | TASKLET_scheduled);
	sim_settle();
	assert_int_equal(r.runs, 1);
}

static struct tasklet later_t;

static void process_softirqs_inside(struct rec *r)
{
	(void)r;
	/* Another CPU feeds this one: TASKLET_SOFTIRQ becomes pending... */
	sim_on(0);
	tasklet_schedule_on_cpu(&later_t, 1);
	sim_on(1);
	assert_true(pending(1, TASKLET_SOFTIRQ));
	/* ...and a long callback lets pending softirqs run, nested. */
	process_pending_softirqs();
}

static void process_pending_softirqs_from_a_softirq_tasklet_is_safe(void **s)
{
	static struct tasklet t;
	struct rec r, q;

	(void)s;
	rec_reset(&r, 1);
	rec_reset(&q, 2);
	r.hook = process_softirqs_inside;
	softirq_tasklet_init(&t, rec_fn, &r);
	softirq_tasklet_init(&later_t, rec_fn, &q);
	tasklet_schedule_on_cpu(&t, 1);
	sim_settle();
	assert_int_equal(r.runs, 1);
	assert_int_equal(q.runs, 1);
	assert_int_equal(q.cpu, 1);
}

/*
 * A softirq tasklet's callback kills it and frees it; while that callback
 * is still finishing on CPU 1, CPU 2 gets the memory again (xmalloc) and
 * makes a new softirq tasklet of it: softirq_tasklet_init(), a schedule,
 * and it runs at once on CPU 2.  It was: the debug build BUG()ed in
 * softirq_tasklet_init, the release build kept the old function and
 * dropped every schedule.
 */
static struct tasklet reuse_t;
static struct rec reuse_r2;

static void kill_free_and_reuse_on_cpu2(struct rec *r)
{
	unsigned int old;

	(void)r;
	tasklet_kill(&reuse_t); /* then freed */
	old = sim_on(2);
	softirq_tasklet_init(&reuse_t, rec_fn, &reuse_r2);
	tasklet_schedule(&reuse_t);
	sim_softirq(2);
	sim_on(old);
}

static void memory_of_a_self_killed_tasklet_is_reused_at_once(void **s)
{
	unsigned long refused = dwork_xen_refused;
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	rec_reset(&reuse_r2, 2);
	r.hook = kill_free_and_reuse_on_cpu2;
	softirq_tasklet_init(&reuse_t, rec_fn, &r);
	tasklet_schedule_on_cpu(&reuse_t, 1);
	sim_softirq(1);
	assert_int_equal(r.runs, 1);
	assert_int_equal(reuse_r2.runs, 1);
	assert_int_equal(reuse_r2.cpu, 2);
	/* The new tasklet keeps working, on any CPU. */
	tasklet_schedule_on_cpu(&reuse_t, 1);
	sim_settle();
	assert_int_equal(r.runs, 1);
	assert_int_equal(reuse_r2.runs, 2);
	assert_int_equal(reuse_r2.cpu, 1);
	assert_int_equal(dwork_xen_refused, refused);
	tasklet_kill(&reuse_t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(schedules_before_a_run_coalesce),
		T(schedule_during_callback_runs_again_after_on_newest_cpu),
		T(retargeting_a_pending_tasklet_runs_it_once_on_the_newest_cpu),
		T(kill_cancels_and_later_schedules_are_ignored_silently),
		T(kill_then_init_reuses_the_tasklet),
		T(nested_continuation_from_the_handler_runs_on_the_new_cpu),
		T(kill_from_own_callback_returns_and_allows_reinit),
		T(memory_of_a_self_killed_tasklet_is_reused_at_once),
		T(null_function_and_zeroed_tasklets_are_refused_not_run),
		T(schedule_on_an_offline_cpu_is_refused_and_counted),
		T(runs_are_fifo_per_cpu_and_kind),
		T(schedule_from_interrupt_context_runs_on_that_cpu),
		T(kill_from_irq_on_the_running_cpu_is_a_bug_not_a_hang),
		T(declared_tasklets_work_without_init),
		T(process_pending_softirqs_from_a_softirq_tasklet_is_safe),
	};

	return cmocka_run_group_tests(tests, boot4, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Schedules that arrive before tasklet_subsys_init(): Xen's console
 * schedules its tasklet on every printk from the start of boot (about 170
 * times).  They must neither crash nor raise a softirq that has no handler
 * yet; the compat layer keeps them and runs them once init has run.
 */
#include "xentest.h"

static struct rec console_r = { .id = 1 };
static DECLARE_SOFTIRQ_TASKLET(console_t, rec_fn, &console_r);
static struct rec e1_r = { .id = 2 }, e2_r = { .id = 3 }, e3_r = { .id = 4 };
static DECLARE_TASKLET(e1, rec_fn, &e1_r);
static DECLARE_TASKLET(e2, rec_fn, &e2_r);
static struct tasklet e3, nullf;
static struct rec m1_r = { .id = 5 }, m2_r = { .id = 6 }, k_r = { .id = 7 };
static struct rec other_r = { .id = 8 };
static struct tasklet m1, m2, k;
static struct rec b_r = { .id = 9 }, c_r = { .id = 10 };
static struct tasklet b_t, c_t;

/* An IRQ during tasklet_subsys_init(): it kills and re-inits b_t. */
static void irq_kills_and_reinits_b(void *arg)
{
	(void)arg;
	tasklet_kill(&b_t);
	tasklet_init(&b_t, rec_fn, &b_r);
}

/*
 * Misuse before tasklet_subsys_init(), refused as after it.  A re-init of
 * a tasklet kept on the early list was accepted (dwork did not know it
 * was pending) and cleared its early link: it and every tasklet behind it
 * were cut off the list, and a kill then left the list pointing at it.
 * A schedule after kill was kept on the list, where the replay read the
 * tasklet after the caller had freed it.
 */
static void early_reinit_of_a_scheduled_tasklet_and_schedule_after_kill_are_refused(
	void **s)
{
	(void)s;
	tasklet_init(&m1, rec_fn, &m1_r);
	tasklet_init(&m2, rec_fn, &m2_r);
	tasklet_schedule(&m1);
	tasklet_schedule(&m2);
	assert_true(SIM_EXPECT_BUG(tasklet_init(&m1, rec_fn, &other_r)));
	sim_bugs = 0;
	assert_true(tasklet_is_scheduled(&m1));
	assert_ptr_equal(m1.data, &m1_r);
	tasklet_kill(&m1);               /* m2 stays, runs after init */
	assert_false(tasklet_is_scheduled(&m1));
	assert_true(tasklet_is_scheduled(&m2));

	tasklet_init(&k, rec_fn, &k_r);
	/* A CPU that can never exist: refused as after init, not kept. */
	assert_int_equal(tasklet_try_schedule_on_cpu(&k, NR_CPUS),
			 DWORK_ENODEV);
	assert_false(tasklet_is_scheduled(&k));
	tasklet_kill(&k);
	assert_int_equal(tasklet_try_schedule_on_cpu(&k, 0), DWORK_ESHUTDOWN);
	tasklet_schedule(&k);
	assert_false(tasklet_is_scheduled(&k));
	memset(&k, 0, sizeof(k));        /* dead, so it may be freed */
	assert_int_equal(sim_bugs, 0);
}

static void early_schedules_are_kept_then_run_once_after_init(void **s)
{
	unsigned int i;

	(void)s;
	for (i = 0; i < 170; i++)
		tasklet_schedule(&console_t);
	tasklet_schedule(&e1);
	tasklet_schedule(&e2);
	tasklet_init(&e3, rec_fn, &e3_r);
	tasklet_schedule_on_cpu(&e3, 3); /* CPU 3 is not up yet */
	tasklet_kill(&e2);               /* unlinked from the early list */
	tasklet_schedule_on_cpu(&e1, 0);
	tasklet_init(&nullf, NULL, NULL);
	assert_int_equal(tasklet_try_schedule_on_cpu(&nullf, 0), DWORK_EINVAL);

	assert_true(tasklet_is_scheduled(&console_t));
	assert_true(tasklet_is_scheduled(&e1));
	assert_false(tasklet_is_scheduled(&e2));
	assert_true(tasklet_is_scheduled(&e3));
	/* Nothing raised: TASKLET_SOFTIRQ has no handler yet. */
	assert_int_equal(sim_cpus[0].pending, 0);
	assert_int_equal(sim_work(0), 0);
	do_softirq();
	assert_int_equal(console_r.runs + e1_r.runs + e3_r.runs, 0);

	/*
	 * b_t and c_t behind it on the early list; an IRQ is due while
	 * tasklet_subsys_init() replays the list, and kills and re-inits
	 * b_t.  It was: with IRQs on in the replay, the IRQ ran in it, the
	 * re-init cut the list at b_t, c_t never ran and stayed scheduled,
	 * and b_t, killed after its early schedule, ran anyway.
	 */
	tasklet_init(&b_t, rec_fn, &b_r);
	tasklet_init(&c_t, rec_fn, &c_r);
	tasklet_schedule(&b_t);
	tasklet_schedule(&c_t);
	sim_due_irq = irq_kills_and_reinits_b;
	sim_due_irq_skip = 2; /* past taking the list: in the replay */
	tasklet_subsys_init();
	assert_true(pending(0, TASKLET_SOFTIRQ));
	assert_int_equal(sim_work(0), TASKLET_enqueued);
	sim_smp_boot(4);
	sim_settle();

	assert_int_equal(console_r.runs, 1);
	assert_int_equal(e1_r.runs, 1);
	assert_int_equal(e2_r.runs, 0);
	assert_int_equal(e3_r.runs, 1);
	assert_int_equal(e3_r.cpu, 0); /* early work runs on the boot CPU */
	/* The first test's tasklets: only m2 was left on the list. */
	assert_int_equal(m1_r.runs + other_r.runs + k_r.runs, 0);
	assert_int_equal(m2_r.runs, 1);
	assert_null(sim_due_irq); /* the IRQ ran */
	assert_int_equal(b_r.runs, 0);
	assert_int_equal(c_r.runs, 1);
	assert_false(tasklet_is_scheduled(&c_t));
	assert_int_equal(dwork_xen_refused, 0);
	/* Idle tasklets kept their order: e1 before e3. */
	{
		unsigned int p1 = 99, p3 = 99;

		for (i = 0; i < run_log_n; i++) {
			if (run_log[i] == 2)
				p1 = i;
			if (run_log[i] == 4)
				p3 = i;
		}
		assert_true(p1 < p3);
	}

	/* After init everything behaves normally. */
	tasklet_schedule_on_cpu(&console_t, 2);
	tasklet_schedule_on_cpu(&e3, 3);
	sim_settle();
	assert_int_equal(console_r.runs, 2);
	assert_int_equal(console_r.cpu, 2);
	assert_int_equal(e3_r.runs, 2);
	assert_int_equal(e3_r.cpu, 3);
	assert_int_equal(sim_bugs, 0);
}

static int power_on(void **s)
{
	(void)s;
	sim_power_on();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			early_reinit_of_a_scheduled_tasklet_and_schedule_after_kill_are_refused),
		cmocka_unit_test(early_schedules_are_kept_then_run_once_after_init),
	};

	return cmocka_run_group_tests(tests, power_on, NULL);
}

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

static void early_schedules_are_kept_then_run_once_after_init(void **s)
{
	unsigned int i;

	(void)s;
	sim_power_on();

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(early_schedules_are_kept_then_run_once_after_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * The vCPU idle loop: idle tasklets run one per idle pass, with the softirq
 * run in between (Xen's rule, so other work gets in between two), and task
 * work queued with run_on is not starved by a long idle queue.
 */
#include "posix_test.h"

#define NR_IDLE 32

static struct dwork_tasklet idle[NR_IDLE];
static struct dwork_item between;
static unsigned int next_idle, order_bad, softirq_missed, between_runs;
static int idle_cpu_bad;

static void between_cb(struct dwork_item *it)
{
	(void)it;
	INC(&between_runs);
}

static void idle_cb(void *data)
{
	unsigned int k = (unsigned int)(uintptr_t)data;

	if (dwork_posix_this_cpu() != 1)
		idle_cpu_bad = 1;
	if (k != next_idle)
		order_bad++;
	next_idle = k + 1;
	/* The item raised by the previous idle callback ran in between. */
	if (LD(&between_runs) != k)
		softirq_missed++;
	dwork_item_raise(&between);
}

static void schedule_all(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < NR_IDLE; i++)
		if (dwork_tasklet_schedule(&idle[i]))
			order_bad++;
}

static void test_idle_tasklets_run_one_per_idle_pass_softirq_between(
	void **state)
{
	unsigned int i;

	(void)state;
	START(2);
	next_idle = order_bad = softirq_missed = between_runs = 0;
	idle_cpu_bad = 0;
	dwork_item_init(&between, between_cb);
	for (i = 0; i < NR_IDLE; i++)
		dwork_tasklet_init(&idle[i], idle_cb, (void *)(uintptr_t)i,
				   DWORK_TASKLET_IDLE);
	/* All queued at once, in task context on CPU 1. */
	assert_int_equal(dwork_posix_run_on(1, schedule_all, NULL), 0);
	dwork_posix_quiesce();
	assert_int_equal(next_idle, NR_IDLE);
	assert_int_equal(order_bad, 0);
	assert_int_equal(softirq_missed, 0);
	assert_int_equal(LD(&between_runs), NR_IDLE);
	assert_int_equal(idle_cpu_bad, 0);
	dwork_posix_stop();
}

/* An idle tasklet that keeps rescheduling itself until told to stop. */
static struct dwork_tasklet spinner;
static unsigned int spin_stop, spin_runs;

static void spinner_cb(void *data)
{
	(void)data;
	INC(&spin_runs);
	if (!LD(&spin_stop))
		dwork_tasklet_schedule(&spinner);
}

static unsigned int task_ran;

static void task_fn(void *arg)
{
	(void)arg;
	INC(&task_ran);
}

static void test_endless_idle_work_does_not_starve_run_on(void **state)
{
	unsigned int i;

	(void)state;
	START(1);
	spin_stop = spin_runs = task_ran = 0;
	dwork_tasklet_init(&spinner, spinner_cb, NULL, DWORK_TASKLET_IDLE);
	assert_int_equal(dwork_tasklet_schedule_on(&spinner, 0), 0);
	WAIT_UNTIL(LD(&spin_runs) > 0);
	/* Each request completes although the idle queue never empties. */
	for (i = 0; i < 50; i++)
		assert_int_equal(dwork_posix_run_on(0, task_fn, NULL), 0);
	assert_int_equal(LD(&task_ran), 50);
	ST(&spin_stop, 1);
	dwork_posix_quiesce();
	assert_false(dwork_tasklet_is_scheduled(&spinner));
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(
		test_idle_tasklets_run_one_per_idle_pass_softirq_between),
		POSIX_TEST(test_endless_idle_work_does_not_starve_run_on),
	};

	return cmocka_run_group_tests_name("posix_idle", tests, NULL, NULL);
}

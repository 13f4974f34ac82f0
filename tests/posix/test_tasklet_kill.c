// SPDX-License-Identifier: BSD-2-Clause
/*
 * tasklet kill on real threads: self-kill then free from the callback (the
 * Linux use-after-free; run it under ASan), kill from an IRQ on the CPU
 * running the tasklet, kill waiting for a callback on another CPU, and two
 * CPUs killing each other's pending tasklets from softirq context.
 */
#include "posix_test.h"

/* ---- self-kill and free --------------------------------------------- */

#define NR_BOXES 400

struct box {
	struct dwork_tasklet t;
	unsigned int id;
};

static unsigned int freed, kill_fail, resched_fail;

static void box_cb(void *data)
{
	struct box *b = data;

	/* Owe a re-run, so a runner that looked at it again would. */
	if (dwork_tasklet_schedule(&b->t))
		INC(&resched_fail);
	if (dwork_tasklet_kill(&b->t))
		INC(&kill_fail);
	free(b); /* dwork must never touch it again (ASan checks) */
	INC(&freed);
}

static void test_self_kill_then_free_in_callback_is_safe(void **state)
{
	unsigned int i;

	(void)state;
	START(2);
	freed = kill_fail = resched_fail = 0;
	for (i = 0; i < NR_BOXES; i++) {
		struct box *b = malloc(sizeof(*b));

		assert_non_null(b);
		b->id = i;
		dwork_tasklet_init(&b->t, box_cb, b,
				   (i & 2) ? DWORK_TASKLET_IDLE
					   : DWORK_TASKLET_SOFTIRQ);
		assert_int_equal(dwork_tasklet_schedule_on(&b->t, i & 1), 0);
	}
	dwork_posix_quiesce();
	assert_int_equal(LD(&freed), NR_BOXES);
	assert_int_equal(LD(&kill_fail), 0);
	assert_int_equal(LD(&resched_fail), 0);
	dwork_posix_stop();
}

/* ---- kill from IRQ on the running CPU ------------------------------- */

static struct dwork_tasklet victim;
static unsigned int entered, release, runs, cb_done;
static int irq_kill_ret, irq_sched_ret;
static unsigned int irq_done;

static void blocking_cb(void *data)
{
	(void)data;
	if (INC(&runs) == 0) {
		ST(&entered, 1);
		WAIT_UNTIL(LD(&release));
	}
	ST(&cb_done, 1);
}

static void irq_kill(void *arg)
{
	(void)arg;
	irq_kill_ret = dwork_tasklet_kill(&victim);
	/* "No other effect": the tasklet is not dead. */
	irq_sched_ret = dwork_tasklet_schedule(&victim);
	ST(&irq_done, 1);
	ST(&release, 1);
}

static void reset_victim(void)
{
	entered = release = runs = cb_done = irq_done = 0;
	irq_kill_ret = irq_sched_ret = 1;
	dwork_tasklet_init(&victim, blocking_cb, NULL, DWORK_TASKLET_SOFTIRQ);
}

static void test_kill_from_irq_on_cpu_running_tasklet_returns_edeadlk(
	void **state)
{
	(void)state;
	START(2);
	reset_victim();
	assert_int_equal(dwork_tasklet_schedule_on(&victim, 0), 0);
	WAIT_UNTIL(LD(&entered));
	/* The IRQ lands in the middle of the callback on CPU 0. */
	assert_int_equal(dwork_posix_irq_on(0, irq_kill, NULL), 0);
	dwork_posix_quiesce();
	assert_int_equal(LD(&irq_done), 1);
	assert_int_equal(irq_kill_ret, DWORK_EDEADLK);
	assert_int_equal(irq_sched_ret, 0);
	assert_int_equal(LD(&runs), 2); /* the re-run it owed */
	assert_int_equal(dwork_tasklet_kill(&victim), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&victim, 0),
			 DWORK_ESHUTDOWN);
	dwork_posix_stop();
}

/* ---- kill waits for a callback running on another CPU --------------- */

static unsigned int kill_started, done_at_return;
static int kill_ret;

static void killer(void *arg)
{
	(void)arg;
	ST(&kill_started, 1);
	kill_ret = dwork_tasklet_kill(&victim);
	ST(&done_at_return, LD(&cb_done));
}

static void test_kill_waits_for_callback_running_on_other_cpu(void **state)
{
	struct async_run a;

	(void)state;
	START(2);
	reset_victim();
	kill_started = done_at_return = 0;
	assert_int_equal(dwork_tasklet_schedule_on(&victim, 0), 0);
	WAIT_UNTIL(LD(&entered));
	async_run_on(&a, 1, killer, NULL);
	WAIT_UNTIL(LD(&kill_started));
	ST(&release, 1); /* the callback may finish now, not before */
	assert_int_equal(async_run_join(&a), 0);
	assert_int_equal(kill_ret, 0);
	assert_int_equal(done_at_return, 1); /* kill returned after it */
	dwork_posix_quiesce();
	assert_int_equal(LD(&runs), 1);
	dwork_posix_stop();
}

/* ---- two CPUs kill each other's pending tasklets -------------------- */

static struct dwork_tasklet ta, tb, tc, td;
static unsigned int a_in, c_in, go, b_runs, d_runs;
static int ra, rc;

static void a_cb(void *data)
{
	(void)data;
	ST(&a_in, 1);
	WAIT_UNTIL(LD(&go));
	ra = dwork_tasklet_kill(&tb); /* pending on CPU 1, behind C */
}

static void c_cb(void *data)
{
	(void)data;
	ST(&c_in, 1);
	WAIT_UNTIL(LD(&go));
	rc = dwork_tasklet_kill(&td); /* pending on CPU 0, behind A */
}

static void count_cb(void *data)
{
	INC((unsigned int *)data);
}

static void test_mutual_kill_from_softirq_does_not_deadlock(void **state)
{
	unsigned int round;

	(void)state;
	START(2);
	for (round = 0; round < 20; round++) {
		a_in = c_in = go = b_runs = d_runs = 0;
		ra = rc = 1;
		dwork_tasklet_init(&ta, a_cb, NULL, DWORK_TASKLET_SOFTIRQ);
		dwork_tasklet_init(&tc, c_cb, NULL, DWORK_TASKLET_SOFTIRQ);
		dwork_tasklet_init(&tb, count_cb, &b_runs,
				   (round & 1) ? DWORK_TASKLET_IDLE
					       : DWORK_TASKLET_SOFTIRQ);
		dwork_tasklet_init(&td, count_cb, &d_runs,
				   DWORK_TASKLET_SOFTIRQ);
		assert_int_equal(dwork_tasklet_schedule_on(&ta, 0), 0);
		assert_int_equal(dwork_tasklet_schedule_on(&td, 0), 0);
		assert_int_equal(dwork_tasklet_schedule_on(&tc, 1), 0);
		assert_int_equal(dwork_tasklet_schedule_on(&tb, 1), 0);
		WAIT_UNTIL(LD(&a_in) && LD(&c_in));
		ST(&go, 1);
		dwork_posix_quiesce(); /* a deadlock hangs here */
		assert_int_equal(ra, 0);
		assert_int_equal(rc, 0);
		assert_int_equal(LD(&b_runs), 0);
		assert_int_equal(LD(&d_runs), 0);
		assert_int_equal(dwork_tasklet_schedule_on(&tb, 1),
				 DWORK_ESHUTDOWN);
		assert_int_equal(dwork_tasklet_kill(&ta), 0);
		assert_int_equal(dwork_tasklet_kill(&tc), 0);
	}
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(test_self_kill_then_free_in_callback_is_safe),
		POSIX_TEST(
		test_kill_from_irq_on_cpu_running_tasklet_returns_edeadlk),
		POSIX_TEST(
		test_kill_waits_for_callback_running_on_other_cpu),
		POSIX_TEST(test_mutual_kill_from_softirq_does_not_deadlock),
	};

	return cmocka_run_group_tests_name("posix_tasklet_kill", tests, NULL,
					   NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Raising or scheduling an object while its callback runs, from another CPU
 * and from an IRQ on the running CPU (Xen a2a935bc5e): it runs again once,
 * afterwards, on the newest target, never concurrently, and nobody spins.
 */
#include "posix_test.h"

struct probe {
	unsigned int in_cb;
	unsigned int overlaps;
	unsigned int runs;
	int cpu[8];           /* CPU of each run */
	unsigned int entered; /* first run started */
	unsigned int release; /* first run may return */
};

static struct probe p;

static void probe_reset(void)
{
	__builtin_memset(&p, 0, sizeof(p));
}

/* Body shared by the item and tasklet callbacks. */
static void probe_run(void)
{
	unsigned int n;

	if (XCHG(&p.in_cb, 1))
		INC(&p.overlaps);
	n = INC(&p.runs);
	if (n < ARRAY_SIZE(p.cpu))
		p.cpu[n] = dwork_posix_this_cpu();
	if (n == 0) {
		ST(&p.entered, 1);
		/* IRQs are enabled here: IRQ handlers may interrupt us. */
		WAIT_UNTIL(LD(&p.release));
	}
	ST(&p.in_cb, 0);
}

static struct dwork_item item;
static struct dwork_tasklet tasklet;

static void item_cb(struct dwork_item *it)
{
	(void)it;
	probe_run();
}

static void tasklet_cb(void *data)
{
	(void)data;
	probe_run();
}

struct raise_args {
	unsigned int cpu;
	int r1, r2;
	int busy;
	int s1, s2;
	bool sched1;
};

static void raise_here(void *arg)
{
	(void)arg;
	dwork_item_raise(&item);
}

static void raise_on_twice(void *arg)
{
	struct raise_args *a = arg;

	a->r1 = dwork_item_raise_on(&item, a->cpu);
	a->r2 = dwork_item_raise_on(&item, a->cpu);
	a->busy = dwork_item_busy(&item);
}

static void test_raise_on_from_other_cpu_while_running_reruns_once_there(
	void **state)
{
	struct raise_args a = { .cpu = 1 };

	(void)state;
	START(2);
	probe_reset();
	dwork_item_init(&item, item_cb);
	/* First run on CPU 0 (after the request, softirq runs there). */
	assert_int_equal(dwork_posix_run_on(0, raise_here, NULL), 0);
	WAIT_UNTIL(LD(&p.entered));
	/* While it runs on CPU 0, raise it on CPU 1, twice. */
	assert_int_equal(dwork_posix_run_on(1, raise_on_twice, &a), 0);
	assert_int_equal(a.r1, DWORK_QUEUED); /* queued a re-run */
	assert_int_equal(a.r2, 0);            /* coalesced into it */
	assert_int_equal(a.busy, DWORK_EAGAIN);
	ST(&p.release, 1);
	dwork_posix_quiesce();
	assert_int_equal(LD(&p.runs), 2);
	assert_int_equal(p.cpu[0], 0);
	assert_int_equal(p.cpu[1], 1);
	assert_int_equal(LD(&p.overlaps), 0);
	assert_int_equal(dwork_item_busy(&item), 0);
	dwork_posix_stop();
}

static int irq_result;
static unsigned int irq_done;

static void irq_raise(void *arg)
{
	(void)arg;
	irq_result = dwork_item_raise(&item);
	ST(&irq_done, 1);
}

static void test_raise_from_irq_on_running_cpu_requeues_without_spinning(
	void **state)
{
	(void)state;
	START(2);
	probe_reset();
	irq_done = 0;
	dwork_item_init(&item, item_cb);
	assert_int_equal(dwork_posix_run_on(0, raise_here, NULL), 0);
	WAIT_UNTIL(LD(&p.entered));
	/*
	 * The IRQ interrupts the running callback on its own CPU; a raise
	 * that spun waiting for the callback would never return.
	 */
	assert_int_equal(dwork_posix_irq_on(0, irq_raise, NULL), 0);
	WAIT_UNTIL(LD(&irq_done));
	assert_int_equal(irq_result, DWORK_QUEUED);
	assert_int_equal(LD(&p.runs), 1); /* not run concurrently */
	ST(&p.release, 1);
	dwork_posix_quiesce();
	assert_int_equal(LD(&p.runs), 2);
	assert_int_equal(p.cpu[1], 0);
	assert_int_equal(LD(&p.overlaps), 0);
	dwork_posix_stop();
}

static void sched_here(void *arg)
{
	(void)arg;
	dwork_tasklet_schedule(&tasklet);
}

static void sched_on_1_then_2(void *arg)
{
	struct raise_args *a = arg;

	a->s1 = dwork_tasklet_schedule_on(&tasklet, 1);
	a->s2 = dwork_tasklet_schedule_on(&tasklet, 2);
	a->sched1 = dwork_tasklet_is_scheduled(&tasklet);
}

static void test_tasklet_retargeted_while_running_reruns_once_on_newest_target(
	void **state)
{
	struct raise_args a = { 0 };

	(void)state;
	START(3);
	probe_reset();
	dwork_tasklet_init(&tasklet, tasklet_cb, NULL, DWORK_TASKLET_SOFTIRQ);
	assert_int_equal(dwork_posix_run_on(0, sched_here, NULL), 0);
	WAIT_UNTIL(LD(&p.entered));
	assert_int_equal(dwork_posix_run_on(1, sched_on_1_then_2, &a), 0);
	assert_int_equal(a.s1, 0);
	assert_int_equal(a.s2, 0);
	assert_true(a.sched1);
	ST(&p.release, 1);
	dwork_posix_quiesce();
	assert_int_equal(LD(&p.runs), 2);
	assert_int_equal(p.cpu[0], 0);
	assert_int_equal(p.cpu[1], 2);
	assert_int_equal(LD(&p.overlaps), 0);
	assert_false(dwork_tasklet_is_scheduled(&tasklet));
	assert_int_equal(dwork_tasklet_kill(&tasklet), 0);
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(
		test_raise_on_from_other_cpu_while_running_reruns_once_there),
		POSIX_TEST(
		test_raise_from_irq_on_running_cpu_requeues_without_spinning),
		POSIX_TEST(
		test_tasklet_retargeted_while_running_reruns_once_on_newest_target),
	};

	return cmocka_run_group_tests_name("posix_raise_while_running", tests,
					   NULL, NULL);
}

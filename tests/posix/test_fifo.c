// SPDX-License-Identifier: BSD-2-Clause
/*
 * FIFO per source CPU on the POSIX runtime, with the storms' FIFO oracle
 * (tests/stress/fifo_oracle.h): lanes raise idle items of their own from
 * run_on tasks (ordinary and NMI-safe raises) while CPU 2 goes down and
 * comes back and NMIs land on every CPU.  Every queued run must start in the order of the
 * raises that queued it, but for the documented carve-outs (spelled out
 * in one place, fifo_carved_out()).  A fixed number of operations, and
 * the check runs after dwork_posix_quiesce(): nothing depends on timing.
 */
#include "posix_test.h"

#include "../stress/fifo_oracle.h"

#define NR_LANE_TASKS 1500
#define NR_HOTPLUG 30

static void nmi_nop(void *arg)
{
	(void)arg;
}

struct lane_driver {
	unsigned int seed;
};

static void lane_driver_main(void *p)
{
	struct lane_driver *d = p;
	unsigned int i, s = d->seed;

	for (i = 0; i < NR_LANE_TASKS; i++) {
		unsigned int r = rnd(&s);

		fifo_lane_run(r, (r >> 8) % 3);
		/* NMIs (to CPU 2 too, up or down) under the lanes' NMIs. */
		(void)dwork_posix_nmi_on((r >> 12) % 3, nmi_nop, NULL);
	}
}

/* Host thread: no cmocka assertion here, the test checks @p after. */
static void hotplug_main(void *p)
{
	atomic_uint *errors = p;
	unsigned int i;

	for (i = 0; i < NR_HOTPLUG; i++) {
		if (dwork_posix_cpu_down(2) != 0)
			atomic_fetch_add(errors, 1);
		if (dwork_posix_cpu_up(2) != 0)
			atomic_fetch_add(errors, 1);
	}
}

static void test_lane_runs_start_in_raise_order_with_nmis_and_hotplug(
	void **state)
{
	atomic_uint hotplug_errors = 0;
	struct lane_driver d1 = { .seed = 11 };
	struct lane_driver d2 = { .seed = 29 };
	struct host_thread h1, h2, h3;
	unsigned int c;

	(void)state;
	fifo_lanes_init(5);
	START(3);
	host_start(&h1, lane_driver_main, &d1);
	host_start(&h2, lane_driver_main, &d2);
	host_start(&h3, hotplug_main, &hotplug_errors);
	host_join(&h1);
	host_join(&h2);
	host_join(&h3);
	for (c = 0; c < 3; c++)
		WAIT_UNTIL(!dwork_posix_nmi_pending(c));
	assert_int_equal(atomic_load(&hotplug_errors), 0);
	dwork_posix_quiesce();
	print_message("lane tasks %lu\n", atomic_load(&lane_tasks));
	assert_int_equal(fifo_lanes_check(), 0);
	assert_true(atomic_load(&lane_tasks) > 0);
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(
		test_lane_runs_start_in_raise_order_with_nmis_and_hotplug),
	};

	return cmocka_run_group_tests_name("posix_fifo", tests, NULL, NULL);
}

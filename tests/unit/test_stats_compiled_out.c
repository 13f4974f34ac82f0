// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit (built only with -Dstats=false, DWORK_STATS=0): with the counters
 * compiled out, dwork_cpu_stats() says so (DWORK_EOPNOTSUPP, *out zeroed)
 * and everything else works as with them: raise, coalesce, run, feed.
 */
#include <string.h>

#include "unit.h"

#if DWORK_STATS
#error "test_stats_compiled_out is for a core built with DWORK_STATS=0"
#endif

static struct uobj a, b;

static int setup(void **state)
{
	u_setup(state);
	u_obj_init(&a, 1, DWORK_TASKLET_SOFTIRQ);
	u_obj_init(&b, 2, DWORK_TASKLET_SOFTIRQ);
	return 0;
}

static void test_stats_report_eopnotsupp_and_zero_the_output(void **state)
{
	struct dwork_stats st;

	(void)state;
	assert_int_equal(dwork_item_raise(&a.item), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise(&a.item), 0);
	u_quiesce();
	assert_int_equal(a.runs, 1);
	memset(&st, 0xff, sizeof(st));
	assert_int_equal(dwork_cpu_stats(0, &st), DWORK_EOPNOTSUPP);
	assert_int_equal(st.raised, 0);
	assert_int_equal(st.coalesced, 0);
	assert_int_equal(st.run, 0);
	assert_int_equal(st.dropped, 0);
	/* Bad arguments are still refused as such. */
	assert_int_equal(dwork_cpu_stats(DWORK_NR_CPUS, &st), DWORK_EINVAL);
	assert_int_equal(dwork_cpu_stats(0, NULL), DWORK_EINVAL);
}

static void test_work_runs_as_with_counters(void **state)
{
	(void)state;
	/* Local tasklet, a feed to another CPU, and a coalesced re-raise. */
	assert_int_equal(u_sched(&a, 0), 0);
	assert_true(u_raise(&b, 1));
	assert_false(u_raise(&b, 1));
	u_quiesce();
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	assert_lists_sound();
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, u_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stats_report_eopnotsupp_and_zero_the_output),
		T(test_work_runs_as_with_counters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: the core built without debug_checks (as a release kernel builds
 * it) still never writes outside the object it is given and the per-CPU
 * state of a real CPU.  The other unit binaries build the core with
 * debug_checks, where garbage state words are refused before any of this
 * code runs; this one links the core built without them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <dwork/dwork.h>
#include "dwork_port.h"
#include "testport.h"

static unsigned int runs;

static void item_fn(struct dwork_item *it)
{
	(void)it;
	runs++;
}

static int setup(void **state)
{
	(void)state;
	tp_reset(4);
	runs = 0;
	return 0;
}

/*
 * Garbage that reads exactly "pending here" for the CPU number that no
 * CPU has (the word a raise from DWORK_CPU_NONE compares with: that
 * number shifted into TARGET and multiplied into QCPU, TARGET = 4095 and
 * QCPU = 4094): a raise from no CPU takes it for a coalesced raise.  It
 * then counted it in the per-CPU state of CPU DWORK_CPU_NONE, a write far
 * outside every CPU's state.  It writes nothing now.
 */
static void test_garbage_pending_here_from_no_cpu_writes_nothing(void **state)
{
	static struct dwork_item it;
	const uint32_t garbage = 0x07u | (0xfffu << 8) | (0xffeu << 20);
	struct dwork_stats st;

	(void)state;
	assert_int_equal(dwork_item_init(&it, item_fn), 0);
	__atomic_store_n(&it.node.state, garbage, __ATOMIC_RELAXED);
	tp_switch(DWORK_CPU_NONE);
	assert_int_equal(dwork_item_raise(&it), 0);
	assert_int_equal(dwork_item_raise_on(&it, DWORK_CPU_NONE), 0);
	tp_switch(0);
	assert_int_equal(__atomic_load_n(&it.node.state, __ATOMIC_RELAXED),
			 garbage);
	assert_int_equal(dwork_cpu_stats(0, &st), 0);
	assert_int_equal(st.coalesced, 0);
	assert_int_equal(tp_softirq(0), 0);
	assert_int_equal(runs, 0);
	assert_int_equal(tp.asserts, 0);
}

static void tasklet_fn(void *arg)
{
	(void)arg;
	runs++;
}

/*
 * A tasklet whose magic init never wrote (its kind, callback and state
 * word look right: idle, last run on CPU 0) is refused without
 * debug_checks too: the schedule's first CAS needs no load, so the one
 * compare of kind and magic is all that stands before it.
 */
static void test_tasklet_init_never_wrote_is_refused(void **state)
{
	static struct dwork_tasklet t;

	(void)state;
	memset(&t, 0, sizeof(t));
	t.fn = tasklet_fn;
	t.node.kind = DWORK_KIND_SOFTIRQ;
	t.node.state = DWORK_ST_INIT;
	assert_int_equal(dwork_tasklet_schedule(&t), DWORK_EINVAL);
	assert_int_equal(dwork_tasklet_schedule_on(&t, 1), DWORK_EINVAL);
	assert_int_equal(__atomic_load_n(&t.node.state, __ATOMIC_RELAXED),
			 DWORK_ST_INIT);
	tp_softirq(0);
	tp_softirq(1);
	assert_int_equal(runs, 0);
}

/* The same object, initialised again, works as any other item. */
static void test_a_good_item_still_runs_once(void **state)
{
	static struct dwork_item it;

	(void)state;
	assert_int_equal(dwork_item_init(&it, item_fn), 0);
	assert_int_equal(dwork_item_raise(&it), DWORK_QUEUED);
	assert_int_equal(dwork_item_raise(&it), 0);
	tp_softirq(0);
	assert_int_equal(runs, 1);
	assert_int_equal(tp.asserts, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_garbage_pending_here_from_no_cpu_writes_nothing,
			setup),
		cmocka_unit_test_setup(test_a_good_item_still_runs_once,
				       setup),
		cmocka_unit_test_setup(test_tasklet_init_never_wrote_is_refused,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

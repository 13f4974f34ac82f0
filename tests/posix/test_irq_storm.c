// SPDX-License-Identifier: BSD-2-Clause
/*
 * IRQ storms: asynchronous interrupts raising items on one CPU, locally and
 * from another CPU's IRQs, while the callbacks run.
 */
#include "posix_test.h"

#define NR_ITEMS 8
#define NR_IRQS 20000

struct obj {
	struct dwork_item it;
	unsigned int in_cb;     /* set while the callback runs */
	unsigned long runs;
	unsigned int overlaps;  /* callback entered while in_cb was set */
	unsigned int wrong_cpu; /* ran elsewhere than expected */
};

static struct obj objs[NR_ITEMS];
static unsigned long accepted, refused;
static unsigned int expect_cpu;

static void obj_cb(struct dwork_item *it)
{
	struct obj *o = container_of(it, struct obj, it);
	volatile unsigned int spin;

	if (XCHG(&o->in_cb, 1))
		INC(&o->overlaps);
	if ((unsigned int)dwork_posix_this_cpu() != LD(&expect_cpu))
		INC(&o->wrong_cpu);
	INC(&o->runs);
	/* Widen the window in which IRQs land during the callback. */
	for (spin = 0; spin < 500; spin++)
		;
	ST(&o->in_cb, 0);
}

static void count(int rc)
{
	if (rc == DWORK_QUEUED)
		INC(&accepted);
	else
		INC(&refused);
}

/* IRQ handler on the item's CPU: raise locally. */
static void irq_raise_local(void *arg)
{
	count(dwork_item_raise(&((struct obj *)arg)->it));
}

/* IRQ handler on another CPU: raise onto expect_cpu. */
static void irq_raise_remote(void *arg)
{
	count(dwork_item_raise_on(&((struct obj *)arg)->it, LD(&expect_cpu)));
}

struct storm {
	unsigned int cpu;
	void (*fn)(void *);
	unsigned int errors;
};

static void storm_main(void *arg)
{
	struct storm *s = arg;
	unsigned int i;

	for (i = 0; i < NR_IRQS; i++)
		if (dwork_posix_irq_on(s->cpu, s->fn, &objs[i % NR_ITEMS]))
			s->errors++;
}

static void reset(void)
{
	unsigned int i;

	for (i = 0; i < NR_ITEMS; i++) {
		dwork_item_init(&objs[i].it, obj_cb);
		objs[i].in_cb = 0;
		objs[i].runs = 0;
		objs[i].overlaps = 0;
		objs[i].wrong_cpu = 0;
	}
	accepted = refused = 0;
}

static void check_after_quiesce(unsigned int total_raises)
{
	unsigned long runs = 0;
	unsigned int i;

	for (i = 0; i < NR_ITEMS; i++) {
		assert_int_equal(LD(&objs[i].overlaps), 0);
		assert_int_equal(LD(&objs[i].wrong_cpu), 0);
		assert_int_equal(dwork_item_busy(&objs[i].it), 0);
		runs += LD(&objs[i].runs);
	}
	/* Every raise was counted once, as accepted or coalesced. */
	assert_int_equal(LD(&accepted) + LD(&refused), total_raises);
	/* Each accepted raise queued exactly one run: none lost, none extra. */
	assert_int_equal(runs, LD(&accepted));
	/* dwork's own counters agree. */
	assert_int_equal(STAT_SUM(raised), LD(&accepted));
	assert_int_equal(STAT_SUM(coalesced), LD(&refused));
	assert_int_equal(STAT_SUM(run), runs);
	print_message("raises %u accepted %lu coalesced %lu\n", total_raises,
		      LD(&accepted), LD(&refused));
}

static void test_irq_storm_runs_each_accepted_raise_once_never_concurrently(
	void **state)
{
	struct storm s = { .cpu = 0, .fn = irq_raise_local };

	(void)state;
	START(2);
	reset();
	ST(&expect_cpu, 0);
	storm_main(&s);
	assert_int_equal(s.errors, 0);
	dwork_posix_quiesce();
	check_after_quiesce(NR_IRQS);
	dwork_posix_stop();
}

static void test_irq_storms_on_two_cpus_raising_onto_one_lose_nothing(
	void **state)
{
	struct storm local = { .cpu = 0, .fn = irq_raise_local };
	struct storm remote1 = { .cpu = 1, .fn = irq_raise_remote };
	struct storm remote2 = { .cpu = 2, .fn = irq_raise_remote };
	struct host_thread h1, h2, h3;

	(void)state;
	START(3);
	reset();
	ST(&expect_cpu, 0);
	host_start(&h1, storm_main, &local);
	host_start(&h2, storm_main, &remote1);
	host_start(&h3, storm_main, &remote2);
	host_join(&h1);
	host_join(&h2);
	host_join(&h3);
	assert_int_equal(local.errors + remote1.errors + remote2.errors, 0);
	dwork_posix_quiesce();
	check_after_quiesce(3 * NR_IRQS);
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(
		test_irq_storm_runs_each_accepted_raise_once_never_concurrently),
		POSIX_TEST(
		test_irq_storms_on_two_cpus_raising_onto_one_lose_nothing),
	};

	return cmocka_run_group_tests_name("posix_irq_storm", tests, NULL,
					   NULL);
}

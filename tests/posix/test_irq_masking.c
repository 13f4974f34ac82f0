// SPDX-License-Identifier: BSD-2-Clause
/*
 * IRQ delivery and masking: an IRQ interrupts task context asynchronously;
 * while dwork_port_irq_save() holds IRQs off, a posted IRQ whose signal has
 * already arrived does not run, and it runs at the restore that re-enables
 * IRQs (not at a nested one); handlers run in IRQ context with IRQs off,
 * in posting order.
 *
 * "The signal has arrived" is read from the port's per-thread deferred
 * flag, so the checks are about what ran, never about how long we waited.
 */
#include "posix_test.h"

static unsigned int ready, posted, in_section, irq_ran;
static unsigned int saw_section, saw_in_irq, saw_disabled, saw_cpu;
static unsigned int ran_masked, ran_inner, ran_outer, was_deferred;

static void reset(void)
{
	ready = posted = in_section = irq_ran = 0;
	saw_section = saw_in_irq = saw_disabled = 0;
	saw_cpu = 99;
	ran_masked = ran_inner = ran_outer = was_deferred = 0;
}

static void irq_fn(void *arg)
{
	(void)arg;
	ST(&saw_section, LD(&in_section));
	ST(&saw_in_irq, dwork_port_in_irq());
	ST(&saw_disabled, dwork_port_irqs_disabled());
	ST(&saw_cpu, (unsigned int)dwork_posix_this_cpu());
	ST(&irq_ran, 1);
}

/* Task context on CPU 0: hold IRQs off until the IRQ signal has arrived. */
static void masked_section(void *arg)
{
	bool nested = arg != NULL;
	unsigned long outer = 0, flags;

	if (nested)
		outer = dwork_port_irq_save();
	flags = dwork_port_irq_save();
	ST(&in_section, 1);
	ST(&ready, 1);
	WAIT_UNTIL(LD(&posted));
	/* The handler saw IRQs off and only recorded "deferred". */
	WAIT_UNTIL(__atomic_load_n(&dwork_posix_tls.deferred,
				   __ATOMIC_RELAXED));
	ST(&was_deferred, 1);
	ST(&ran_masked, LD(&irq_ran));
	if (!nested)
		ST(&in_section, 0);
	dwork_port_irq_restore(flags);
	ST(&ran_inner, LD(&irq_ran));
	if (nested) {
		ST(&in_section, 0);
		dwork_port_irq_restore(outer);
		ST(&ran_outer, LD(&irq_ran));
	}
}

static void run_masking(bool nested)
{
	struct async_run a;

	reset();
	async_run_on(&a, 0, masked_section, nested ? (void *)1 : NULL);
	WAIT_UNTIL(LD(&ready));
	assert_int_equal(dwork_posix_irq_on(0, irq_fn, NULL), 0);
	ST(&posted, 1);
	assert_int_equal(async_run_join(&a), 0);
}

static void test_irq_arriving_while_saved_runs_only_at_restore(void **state)
{
	(void)state;
	START(1);
	run_masking(false);
	assert_int_equal(was_deferred, 1);
	assert_int_equal(ran_masked, 0);   /* masked: did not run */
	assert_int_equal(ran_inner, 1);    /* the restore ran it */
	assert_int_equal(saw_section, 0);  /* never inside the section */
	dwork_posix_stop();
}

static void test_nested_save_keeps_irqs_masked_until_outer_restore(
	void **state)
{
	(void)state;
	START(1);
	run_masking(true);
	assert_int_equal(ran_masked, 0);
	assert_int_equal(ran_inner, 0);    /* inner restore: still off */
	assert_int_equal(ran_outer, 1);
	assert_int_equal(saw_section, 0);
	dwork_posix_stop();
}

static void test_irq_handler_runs_in_irq_context_with_irqs_off(void **state)
{
	(void)state;
	START(2);
	reset();
	assert_int_equal(dwork_posix_irq_on(1, irq_fn, NULL), 0);
	dwork_posix_quiesce();
	assert_int_equal(LD(&irq_ran), 1);
	assert_int_equal(saw_in_irq, 1);
	assert_int_equal(saw_disabled, 1);
	assert_int_equal(saw_cpu, 1);
	dwork_posix_stop();
}

static unsigned int task_running, task_saw_irq, irq_saw_task;

static void spin_until_irq(void *arg)
{
	(void)arg;
	ST(&task_running, 1);
	/* No yield to the loop: only an asynchronous IRQ can end this. */
	WAIT_UNTIL(LD(&irq_ran));
	ST(&task_saw_irq, 1);
	ST(&task_running, 0);
}

static void irq_check_task(void *arg)
{
	(void)arg;
	ST(&irq_saw_task, LD(&task_running));
	irq_fn(NULL);
}

static void test_irq_interrupts_task_context_asynchronously(void **state)
{
	struct async_run a;

	(void)state;
	START(1);
	reset();
	task_running = task_saw_irq = irq_saw_task = 0;
	async_run_on(&a, 0, spin_until_irq, NULL);
	WAIT_UNTIL(LD(&task_running));
	assert_int_equal(dwork_posix_irq_on(0, irq_check_task, NULL), 0);
	assert_int_equal(async_run_join(&a), 0);
	assert_int_equal(task_saw_irq, 1);
	assert_int_equal(irq_saw_task, 1); /* it landed inside the task */
	assert_int_equal(saw_cpu, 0);
	dwork_posix_stop();
}

#define NR_ORDERED 1000
static unsigned int order_next, order_bad;

static void irq_ordered(void *arg)
{
	unsigned int want = (unsigned int)(uintptr_t)arg;

	if (order_next != want) /* only CPU 0's IRQs touch it */
		order_bad++;
	order_next = want + 1;
}

static void test_irqs_to_one_cpu_run_in_posting_order(void **state)
{
	unsigned int i;

	(void)state;
	START(2);
	order_next = order_bad = 0;
	for (i = 0; i < NR_ORDERED; i++)
		assert_int_equal(dwork_posix_irq_on(0, irq_ordered,
						    (void *)(uintptr_t)i), 0);
	dwork_posix_quiesce();
	assert_int_equal(order_next, NR_ORDERED);
	assert_int_equal(order_bad, 0);
	dwork_posix_stop();
}

/* ---- a full IRQ ring makes irq_on wait, nothing is lost ----------- */

#define NR_FLOOD 600 /* more than the ring holds */
static unsigned int flood_posted, flood_release, flood_next, flood_bad;
static unsigned int flood_masked;

static void irq_flood(void *arg)
{
	unsigned int want = (unsigned int)(uintptr_t)arg;

	if (flood_next != want)
		flood_bad++;
	flood_next = want + 1;
}

static void flood_producer(void *arg)
{
	unsigned int i;

	(void)arg;
	for (i = 0; i < NR_FLOOD; i++) {
		if (dwork_posix_irq_on(0, irq_flood, (void *)(uintptr_t)i))
			INC(&flood_bad);
		ST(&flood_posted, i + 1);
	}
}

static void masked_until_ring_full(void *arg)
{
	unsigned long flags = dwork_port_irq_save();

	(void)arg;
	ST(&flood_masked, 1);
	/*
	 * Nothing is consumed while IRQs are off, so the producer stops
	 * short of NR_FLOOD: it waits for space in irq_on.
	 */
	WAIT_UNTIL(LD(&flood_release));
	dwork_port_irq_restore(flags);
}

static void test_irq_on_waits_for_space_when_ring_is_full(void **state)
{
	struct async_run masked;
	struct host_thread producer;
	unsigned int prev = 0, same = 0, posted_while_masked, ran_while_masked;

	(void)state;
	START(1);
	flood_posted = flood_release = flood_next = flood_bad = 0;
	flood_masked = 0;
	async_run_on(&masked, 0, masked_until_ring_full, NULL);
	WAIT_UNTIL(LD(&flood_masked));
	host_start(&producer, flood_producer, NULL);
	/* Wait until the producer stalls (its count stops moving). */
	while (same < 200) {
		unsigned int now = LD(&flood_posted);

		same = now == prev && now > 0 ? same + 1 : 0;
		prev = now;
		usleep(100);
	}
	posted_while_masked = LD(&flood_posted);
	ran_while_masked = flood_next; /* only CPU 0 writes it, masked now */
	ST(&flood_release, 1);
	host_join(&producer);
	assert_int_equal(async_run_join(&masked), 0);
	assert_true(posted_while_masked < NR_FLOOD); /* it had to wait */
	assert_int_equal(ran_while_masked, 0);       /* none ran, masked */
	dwork_posix_quiesce();
	assert_int_equal(flood_next, NR_FLOOD); /* all ran, in order */
	assert_int_equal(flood_bad, 0);
	dwork_posix_stop();
}

/* ---- a vCPU may post an IRQ to itself ----------------------------- */

static int self_ret = 1;
static int self_irq_cpu = -1;

static void irq_self(void *arg)
{
	(void)arg;
	self_irq_cpu = dwork_posix_this_cpu();
}

static void post_to_self(void *arg)
{
	(void)arg;
	self_ret = dwork_posix_irq_on(1, irq_self, NULL);
}

static void test_vcpu_can_post_an_irq_to_itself(void **state)
{
	(void)state;
	START(2);
	assert_int_equal(dwork_posix_run_on(1, post_to_self, NULL), 0);
	dwork_posix_quiesce();
	assert_int_equal(self_ret, 0);
	assert_int_equal(self_irq_cpu, 1);
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(
		test_irq_arriving_while_saved_runs_only_at_restore),
		POSIX_TEST(
		test_nested_save_keeps_irqs_masked_until_outer_restore),
		POSIX_TEST(
		test_irq_handler_runs_in_irq_context_with_irqs_off),
		POSIX_TEST(test_irq_interrupts_task_context_asynchronously),
		POSIX_TEST(test_irqs_to_one_cpu_run_in_posting_order),
		POSIX_TEST(test_irq_on_waits_for_space_when_ring_is_full),
		POSIX_TEST(test_vcpu_can_post_an_irq_to_itself),
	};

	return cmocka_run_group_tests_name("posix_irq_masking", tests, NULL,
					   NULL);
}

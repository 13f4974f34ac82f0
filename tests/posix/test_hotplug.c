// SPDX-License-Identifier: BSD-2-Clause
/*
 * CPU hotplug on the POSIX runtime with work in flight: cpu_down of a busy
 * CPU with items and both tasklet kinds pending on it (in its inbox and on
 * its own lists) moves everything to the adopter, in order, none lost;
 * offline CPUs refuse work; cpu_up lets work flow again (Xen 29555668b5).
 */
#include "posix_test.h"

#define NR 16

struct rec {
	unsigned int runs;
	int cpu;
	unsigned int seq;
};

static struct dwork_item fed_items[NR], local_items[NR];
static struct dwork_tasklet sirq_tasklets[NR], idle_tasklets[NR];
static struct rec fed_rec[NR], local_rec[NR], sirq_rec[NR], idle_rec[NR];
static unsigned int seq;
static unsigned int blocked, release, irqs_ran;

static void record(struct rec *r)
{
	INC(&r->runs);
	r->cpu = dwork_posix_this_cpu();
	r->seq = INC(&seq);
}

static void fed_cb(struct dwork_item *it)
{
	record(&fed_rec[it - fed_items]);
}

static void local_cb(struct dwork_item *it)
{
	record(&local_rec[it - local_items]);
}

static void tasklet_cb(void *data)
{
	record(data);
}

static void blocker(void *arg)
{
	(void)arg;
	ST(&blocked, 1);
	/* IRQs stay enabled: irq_on below interrupts us. */
	WAIT_UNTIL(LD(&release));
}

/* IRQ on CPU 1: raise an item on CPU 1's own list. */
static void irq_raise_local(void *arg)
{
	dwork_item_raise(arg);
	INC(&irqs_ran);
}

struct feed {
	unsigned int target;
	unsigned int bad;
};

/* On CPU 2: feed items and tasklets to CPU 1's inbox, in order. */
static void feed(void *arg)
{
	struct feed *f = arg;
	unsigned int i;

	for (i = 0; i < NR; i++) {
		if (dwork_item_raise_on(&fed_items[i], f->target) !=
		    DWORK_QUEUED)
			f->bad++;
		if (dwork_tasklet_schedule_on(&sirq_tasklets[i], f->target))
			f->bad++;
		if (dwork_tasklet_schedule_on(&idle_tasklets[i], f->target))
			f->bad++;
	}
}

static int down_ret, queued_cpu = -1;

static void queued_fn(void *arg)
{
	(void)arg;
	queued_cpu = dwork_posix_this_cpu();
}


static void do_cpu_down(void *arg)
{
	down_ret = dwork_posix_cpu_down(*(unsigned int *)arg);
}

static void setup_objects(void)
{
	unsigned int i;

	__builtin_memset(fed_rec, 0, sizeof(fed_rec));
	__builtin_memset(local_rec, 0, sizeof(local_rec));
	__builtin_memset(sirq_rec, 0, sizeof(sirq_rec));
	__builtin_memset(idle_rec, 0, sizeof(idle_rec));
	seq = blocked = release = irqs_ran = 0;
	for (i = 0; i < NR; i++) {
		dwork_item_init(&fed_items[i], fed_cb);
		dwork_item_init(&local_items[i], local_cb);
		dwork_tasklet_init(&sirq_tasklets[i], tasklet_cb, &sirq_rec[i],
				   DWORK_TASKLET_SOFTIRQ);
		dwork_tasklet_init(&idle_tasklets[i], tasklet_cb, &idle_rec[i],
				   DWORK_TASKLET_IDLE);
	}
}

static void check_all_ran_once_on(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < NR; i++) {
		assert_int_equal(LD(&fed_rec[i].runs), 1);
		assert_int_equal(LD(&local_rec[i].runs), 1);
		assert_int_equal(LD(&sirq_rec[i].runs), 1);
		assert_int_equal(LD(&idle_rec[i].runs), 1);
		assert_int_equal(fed_rec[i].cpu, cpu);
		assert_int_equal(local_rec[i].cpu, cpu);
		assert_int_equal(sirq_rec[i].cpu, cpu);
		assert_int_equal(idle_rec[i].cpu, cpu);
	}
}

static void test_cpu_down_moves_pending_items_and_tasklets_to_adopter(
	void **state)
{
	unsigned int cpu1 = 1, i;
	struct async_run block, queued;
	struct host_thread down;
	struct feed f = { .target = 1 };
	struct dwork_stats st0;

	(void)state;
	START(3);
	setup_objects();

	/* CPU 1 is busy in task context: nothing queued there runs. */
	async_run_on(&block, 1, blocker, NULL);
	WAIT_UNTIL(LD(&blocked));
	/* Its own lists: items raised by IRQs that interrupt the blocker. */
	for (i = 0; i < NR; i++)
		assert_int_equal(dwork_posix_irq_on(1, irq_raise_local,
						    &local_items[i]), 0);
	WAIT_UNTIL(LD(&irqs_ran) == NR);
	/* Its inbox: items and both tasklet kinds fed from CPU 2. */
	assert_int_equal(dwork_posix_run_on(2, feed, &f), 0);
	assert_int_equal(f.bad, 0);

	/* A request queued behind the blocker: accepted, so it must run. */
	async_run_on(&queued, 1, queued_fn, NULL);
	WAIT_UNTIL(dwork_posix_run_queued(1) == 1);
	/* Take it down while it is busy: cpu_down waits for it. */
	host_start(&down, do_cpu_down, &cpu1);
	WAIT_UNTIL(!dwork_port_cpu_online(1));
	assert_int_equal(LD(&seq), 0); /* nothing ran yet */
	ST(&release, 1);
	host_join(&down);
	assert_int_equal(down_ret, 0);
	assert_int_equal(async_run_join(&block), 0);
	assert_int_equal(async_run_join(&queued), 0);
	assert_int_equal(queued_cpu, 1); /* ran on CPU 1 before it parked */

	dwork_posix_quiesce();
	/* Everything accepted ran exactly once, on the adopter (CPU 0). */
	check_all_ran_once_on(0);
	/* In order: what CPU 2 fed runs in feed order (per kind/list). */
	for (i = 1; i < NR; i++) {
		assert_true(fed_rec[i - 1].seq < fed_rec[i].seq);
		assert_true(sirq_rec[i - 1].seq < sirq_rec[i].seq);
		assert_true(fed_rec[i - 1].seq < sirq_rec[i - 1].seq);
		assert_true(idle_rec[i - 1].seq < idle_rec[i].seq);
		assert_true(local_rec[i - 1].seq < local_rec[i].seq);
	}
	dwork_cpu_stats(0, &st0);
	assert_true(st0.migrated >= 4 * NR);
	dwork_posix_stop();
}

static void test_offline_cpu_refuses_schedule_raise_run_on_and_irq_on(
	void **state)
{
	struct dwork_tasklet t;
	struct dwork_item it;

	(void)state;
	START(2);
	setup_objects();
	dwork_tasklet_init(&t, tasklet_cb, &sirq_rec[0], DWORK_TASKLET_SOFTIRQ);
	dwork_item_init(&it, fed_cb);
	assert_int_equal(dwork_posix_cpu_down(1), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&t, 1), DWORK_ENODEV);
	assert_int_equal(dwork_item_raise_on(&it, 1), DWORK_ENODEV);
	assert_int_equal(dwork_posix_run_on(1, blocker, NULL), DWORK_ENODEV);
	assert_int_equal(dwork_posix_irq_on(1, irq_raise_local, &it),
			 DWORK_ENODEV);
	assert_int_equal(dwork_posix_irq_on(2, irq_raise_local, &it),
			 DWORK_ENODEV);
	assert_int_equal(dwork_posix_irq_on(DWORK_NR_CPUS, irq_raise_local,
					    &it), DWORK_ENODEV);
	assert_int_equal(dwork_posix_irq_on(0, NULL, NULL), DWORK_EINVAL);
	dwork_posix_quiesce();
	assert_int_equal(LD(&seq), 0); /* refused work never runs */
	assert_false(dwork_tasklet_is_scheduled(&t));
	assert_int_equal(dwork_item_busy(&it), 0);
	dwork_posix_stop();
}

static void test_cpu_down_refuses_last_online_cpu_and_bad_cpus(void **state)
{
	(void)state;
	assert_int_equal(dwork_posix_cpu_down(0), DWORK_ENODEV); /* stopped */
	START(2);
	assert_int_equal(dwork_posix_cpu_down(2), DWORK_ENODEV);
	assert_int_equal(dwork_posix_cpu_down(DWORK_NR_CPUS), DWORK_ENODEV);
	assert_int_equal(dwork_posix_cpu_up(0), DWORK_EBUSY);
	assert_int_equal(dwork_posix_cpu_down(1), 0);
	assert_int_equal(dwork_posix_cpu_down(1), DWORK_ENODEV);
	assert_int_equal(dwork_posix_cpu_down(0), DWORK_EBUSY);
	assert_int_equal(dwork_posix_cpu_up(1), 0);
	assert_int_equal(dwork_posix_cpu_up(1), DWORK_EBUSY);
	assert_int_equal(dwork_posix_cpu_down(0), 0); /* 1 adopts now */
	assert_int_equal(dwork_posix_cpu_up(0), 0);
	dwork_posix_stop();
}

static void raise_local_task(void *arg)
{
	dwork_item_raise(arg);
}

static void test_cpu_up_lets_work_flow_again(void **state)
{
	unsigned int i, round;
	struct feed f = { .target = 1 };

	(void)state;
	START(3);
	for (round = 0; round < 3; round++) {
		setup_objects();
		assert_int_equal(dwork_posix_cpu_down(1), 0);
		assert_int_equal(dwork_posix_cpu_up(1), 0);
		/* Work on CPU 1 itself and fed to it from CPU 2. */
		for (i = 0; i < NR; i++)
			assert_int_equal(dwork_posix_run_on(1, raise_local_task,
							    &local_items[i]),
					 0);
		assert_int_equal(dwork_posix_run_on(2, feed, &f), 0);
		assert_int_equal(f.bad, 0);
		dwork_posix_quiesce();
		check_all_ran_once_on(1);
	}
	dwork_posix_stop();
}

/* ---- cpu_down while the adopter waits in kill for the dying CPU ---- */

static struct dwork_tasklet doomed;
static unsigned int doomed_runs, kill_started;
static int kill_ret = 1;

static void doomed_cb(void *data)
{
	(void)data;
	INC(&doomed_runs);
}

static void kill_doomed(void *arg)
{
	(void)arg;
	ST(&kill_started, 1);
	/* Waits until CPU 1 (busy, then dead) lets go of the tasklet. */
	kill_ret = dwork_tasklet_kill(&doomed);
}

static void test_cpu_down_while_adopter_kills_work_of_dying_cpu_completes(
	void **state)
{
	unsigned int cpu1 = 1;
	struct async_run block, killer;
	struct host_thread down;

	(void)state;
	START(2);
	setup_objects();
	doomed_runs = kill_started = 0;
	kill_ret = 1;
	down_ret = 1;
	dwork_tasklet_init(&doomed, doomed_cb, NULL, DWORK_TASKLET_SOFTIRQ);
	async_run_on(&block, 1, blocker, NULL);
	WAIT_UNTIL(LD(&blocked));
	assert_int_equal(dwork_tasklet_schedule_on(&doomed, 1), 0);
	/* CPU 0, the only possible adopter, waits in kill, task context. */
	async_run_on(&killer, 0, kill_doomed, NULL);
	WAIT_UNTIL(LD(&kill_started));
	host_start(&down, do_cpu_down, &cpu1);
	WAIT_UNTIL(!dwork_port_cpu_online(1));
	ST(&release, 1); /* CPU 1 parks without servicing its queue */
	host_join(&down);
	assert_int_equal(async_run_join(&killer), 0);
	assert_int_equal(async_run_join(&block), 0);
	assert_int_equal(down_ret, 0);
	assert_int_equal(kill_ret, 0);
	dwork_posix_quiesce();
	assert_int_equal(LD(&doomed_runs), 0);
	dwork_posix_stop();
}

/* ---- same, but the adopter's kill runs in an IRQ handler ----------- */

static unsigned int irq_kill_done, task_waiting;

static void irq_kill_doomed(void *arg)
{
	kill_doomed(arg); /* spins in IRQ context until the adoption */
	ST(&irq_kill_done, 1);
}

static void wait_for_irq_kill(void *arg)
{
	(void)arg;
	ST(&task_waiting, 1);
	WAIT_UNTIL(LD(&irq_kill_done)); /* IRQs on: the IRQ lands here */
}

static void test_cpu_down_while_adopter_kills_from_irq_completes(void **state)
{
	unsigned int cpu1 = 1;
	struct async_run block, waiter;
	struct host_thread down;

	(void)state;
	START(2);
	setup_objects();
	doomed_runs = kill_started = irq_kill_done = task_waiting = 0;
	kill_ret = 1;
	down_ret = 1;
	dwork_tasklet_init(&doomed, doomed_cb, NULL, DWORK_TASKLET_IDLE);
	async_run_on(&block, 1, blocker, NULL);
	WAIT_UNTIL(LD(&blocked));
	assert_int_equal(dwork_tasklet_schedule_on(&doomed, 1), 0);
	async_run_on(&waiter, 0, wait_for_irq_kill, NULL);
	WAIT_UNTIL(LD(&task_waiting));
	assert_int_equal(dwork_posix_irq_on(0, irq_kill_doomed, NULL), 0);
	WAIT_UNTIL(LD(&kill_started));
	host_start(&down, do_cpu_down, &cpu1);
	WAIT_UNTIL(!dwork_port_cpu_online(1));
	ST(&release, 1);
	host_join(&down);
	assert_int_equal(async_run_join(&waiter), 0);
	assert_int_equal(async_run_join(&block), 0);
	assert_int_equal(down_ret, 0);
	assert_int_equal(kill_ret, 0);
	dwork_posix_quiesce();
	assert_int_equal(LD(&doomed_runs), 0);
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(
		test_cpu_down_moves_pending_items_and_tasklets_to_adopter),
		POSIX_TEST(
		test_offline_cpu_refuses_schedule_raise_run_on_and_irq_on),
		POSIX_TEST(
		test_cpu_down_refuses_last_online_cpu_and_bad_cpus),
		POSIX_TEST(test_cpu_up_lets_work_flow_again),
		POSIX_TEST(
		test_cpu_down_while_adopter_kills_work_of_dying_cpu_completes),
		POSIX_TEST(test_cpu_down_while_adopter_kills_from_irq_completes),
	};

	return cmocka_run_group_tests_name("posix_hotplug", tests, NULL, NULL);
}

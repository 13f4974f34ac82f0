// SPDX-License-Identifier: BSD-2-Clause
/*
 * The runtime API itself: start/stop/start again, stop running what is
 * pending, run_on from several host threads, quiesce publishing what
 * callbacks wrote, and refusals (bad CPU, NULL, calls from a vCPU).
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "posix_test.h"

#define NR_T 64

static struct dwork_tasklet st[NR_T], it[NR_T];
static struct dwork_item items[NR_T];
static unsigned int st_runs[NR_T], it_runs[NR_T], item_runs[NR_T];

static void t_cb(void *data)
{
	INC((unsigned int *)data);
}

static void item_cb(struct dwork_item *i)
{
	INC(&item_runs[i - items]);
}

static void init_all(void)
{
	unsigned int i;

	for (i = 0; i < NR_T; i++) {
		st_runs[i] = it_runs[i] = item_runs[i] = 0;
		dwork_tasklet_init(&st[i], t_cb, &st_runs[i],
				   DWORK_TASKLET_SOFTIRQ);
		dwork_tasklet_init(&it[i], t_cb, &it_runs[i],
				   DWORK_TASKLET_IDLE);
		dwork_item_init(&items[i], item_cb);
	}
}

static void schedule_all(unsigned int nr_cpus)
{
	unsigned int i;

	for (i = 0; i < NR_T; i++) {
		assert_int_equal(dwork_tasklet_schedule_on(&st[i],
							   i % nr_cpus), 0);
		assert_int_equal(dwork_tasklet_schedule_on(&it[i],
							   i % nr_cpus), 0);
		assert_int_equal(dwork_item_raise_on(&items[i], i % nr_cpus),
				 DWORK_QUEUED);
	}
}

static void check_all_ran_once(void)
{
	unsigned int i;

	for (i = 0; i < NR_T; i++) {
		assert_int_equal(LD(&st_runs[i]), 1);
		assert_int_equal(LD(&it_runs[i]), 1);
		assert_int_equal(LD(&item_runs[i]), 1);
	}
}

static void test_stop_runs_pending_work_then_refuses_work(void **state)
{
	struct dwork_stats s;

	(void)state;
	START(3);
	assert_int_equal(dwork_posix_nr_cpus(), 3);
	init_all();
	schedule_all(3);
	dwork_posix_stop(); /* no quiesce first: stop runs it */
	check_all_ran_once();
	assert_int_equal(dwork_posix_nr_cpus(), 0);
	assert_int_equal(dwork_tasklet_schedule_on(&st[0], 0), DWORK_ENODEV);
	assert_int_equal(dwork_item_raise_on(&items[0], 0), DWORK_ENODEV);
	assert_int_equal(dwork_posix_run_on(0, t_cb, NULL), DWORK_ENODEV);
	assert_int_equal(dwork_posix_irq_on(0, t_cb, NULL), DWORK_ENODEV);
	/* The counters survive stop. */
	assert_int_equal(dwork_cpu_stats(0, &s), 0);
	assert_true(s.run >= NR_T);
	dwork_posix_stop(); /* a second stop does nothing */
}

static void test_start_stop_start_again_works(void **state)
{
	unsigned int round;

	(void)state;
	for (round = 0; round < 5; round++) {
		unsigned int max = DWORK_NR_CPUS < 4 ? DWORK_NR_CPUS : 4;
		unsigned int nr = 1 + round % max;

		START(nr);
		assert_int_equal(dwork_posix_start(nr), DWORK_EBUSY);
		init_all();
		schedule_all(nr);
		dwork_posix_quiesce();
		check_all_ran_once();
		dwork_posix_stop();
	}
	assert_int_equal(dwork_posix_start(0), DWORK_EINVAL);
	assert_int_equal(dwork_posix_start(DWORK_NR_CPUS + 1), DWORK_EINVAL);
}

/* ---- stop waits for work that hops between CPUs -------------------- */

#define NR_HOPS 200

static struct dwork_tasklet hop;
static unsigned int hops;

static void hop_cb(void *data)
{
	(void)data;
	/* Each run feeds the next one to the other CPU, until NR_HOPS. */
	if (INC(&hops) + 1 < NR_HOPS)
		dwork_tasklet_schedule_on(&hop,
					  1 - (unsigned int)dwork_posix_this_cpu());
}

static void test_stop_runs_work_that_feeds_other_cpus_to_the_end(
	void **state)
{
	unsigned int round;

	(void)state;
	for (round = 0; round < 5; round++) {
		hops = 0;
		START(2);
		dwork_tasklet_init(&hop, hop_cb, NULL,
				   (round & 1) ? DWORK_TASKLET_IDLE
					       : DWORK_TASKLET_SOFTIRQ);
		assert_int_equal(dwork_tasklet_schedule_on(&hop, 0), 0);
		dwork_posix_stop();
		assert_int_equal(hops, NR_HOPS);
	}
}

/* ---- quiesce waits for an IRQ handler in progress ------------------ */

static unsigned int h_entered, h_release, h_done, q_saw_done;

static void slow_irq(void *arg)
{
	struct timespec ts = { 0, 100 * 1000 };

	(void)arg;
	ST(&h_entered, 1);
	while (!LD(&h_release))
		nanosleep(&ts, NULL); /* async-signal-safe */
	ST(&h_done, 1);
}

static void quiesce_and_look(void *arg)
{
	(void)arg;
	dwork_posix_quiesce();
	ST(&q_saw_done, LD(&h_done));
}

static void test_quiesce_waits_for_irq_handler_in_progress(void **state)
{
	struct host_thread q;

	(void)state;
	START(2);
	h_entered = h_release = h_done = q_saw_done = 0;
	dwork_posix_quiesce(); /* CPU 1 is asleep: the IRQ lands in sleep */
	assert_int_equal(dwork_posix_irq_on(1, slow_irq, NULL), 0);
	WAIT_UNTIL(LD(&h_entered));
	host_start(&q, quiesce_and_look, NULL);
	/* Not an assertion: gives a wrong quiesce time to return early. */
	usleep(20 * 1000);
	ST(&h_release, 1);
	host_join(&q);
	assert_int_equal(q_saw_done, 1);
	dwork_posix_stop();
}

/* ---- run_on from several host threads ------------------------------ */

#define NR_HOSTS 4
#define NR_CALLS 300

static unsigned int per_cpu_calls[4], ctx_bad;

static void count_call(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;

	if (dwork_posix_this_cpu() != (int)cpu || dwork_port_in_irq() ||
	    dwork_port_irqs_disabled())
		INC(&ctx_bad);
	/* Plain increment: requests to one CPU never run concurrently. */
	per_cpu_calls[cpu]++;
}

static void host_caller(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg, i;

	for (i = 0; i < NR_CALLS; i++) {
		unsigned int cpu = (seed + i * 7) % 4;

		if (dwork_posix_run_on(cpu, count_call, (void *)(uintptr_t)cpu))
			INC(&ctx_bad);
	}
}

static void test_run_on_from_several_threads_runs_each_once_in_task_context(
	void **state)
{
	struct host_thread h[NR_HOSTS];
	unsigned int i, total = 0;

	(void)state;
	START(4);
	__builtin_memset(per_cpu_calls, 0, sizeof(per_cpu_calls));
	ctx_bad = 0;
	for (i = 0; i < NR_HOSTS; i++)
		host_start(&h[i], host_caller, (void *)(uintptr_t)i);
	for (i = 0; i < NR_HOSTS; i++)
		host_join(&h[i]);
	for (i = 0; i < 4; i++)
		total += per_cpu_calls[i];
	assert_int_equal(total, NR_HOSTS * NR_CALLS);
	assert_int_equal(ctx_bad, 0);
	dwork_posix_stop();
}

/* ---- quiesce publishes plain writes of callbacks ------------------- */

static unsigned long plain[4][NR_T];

static void plain_cb(struct dwork_item *i)
{
	unsigned int k = (unsigned int)(i - items);
	int cpu = dwork_posix_this_cpu();

	plain[cpu][k] = 1000u + k; /* plain store, read after quiesce */
}

static void test_quiesce_makes_callback_writes_visible(void **state)
{
	unsigned int i, c;

	(void)state;
	START(4);
	for (c = 0; c < 4; c++) {
		__builtin_memset(plain, 0, sizeof(plain));
		for (i = 0; i < NR_T; i++) {
			dwork_item_init(&items[i], plain_cb);
			assert_int_equal(dwork_item_raise_on(&items[i], c),
					 DWORK_QUEUED);
		}
		dwork_posix_quiesce();
		for (i = 0; i < NR_T; i++)
			assert_int_equal(plain[c][i], 1000u + i);
	}
	dwork_posix_stop();
}

/* ---- refusals ------------------------------------------------------ */

static int from_vcpu[6];

static void call_runtime_from_vcpu(void *arg)
{
	(void)arg;
	from_vcpu[0] = dwork_posix_run_on(1, t_cb, NULL);
	from_vcpu[1] = dwork_posix_start(1);
	from_vcpu[2] = dwork_posix_cpu_down(1);
	from_vcpu[3] = dwork_posix_cpu_up(1);
	from_vcpu[4] = dwork_posix_this_cpu();
	from_vcpu[5] = (int)dwork_port_this_cpu();
}

static void test_runtime_refuses_bad_cpus_null_and_calls_from_vcpus(
	void **state)
{
	(void)state;
	assert_int_equal(dwork_posix_this_cpu(), -1);
	assert_int_equal(dwork_port_this_cpu(), DWORK_CPU_NONE);
	assert_int_equal(dwork_posix_run_on(0, t_cb, NULL), DWORK_ENODEV);
	START(2);
	assert_int_equal(dwork_posix_run_on(2, t_cb, NULL), DWORK_ENODEV);
	assert_int_equal(dwork_posix_run_on(DWORK_NR_CPUS, t_cb, NULL),
			 DWORK_ENODEV);
	assert_int_equal(dwork_posix_run_on(0, NULL, NULL), DWORK_EINVAL);
	assert_int_equal(dwork_posix_run_on(0, call_runtime_from_vcpu, NULL),
			 0);
	assert_int_equal(from_vcpu[0], DWORK_EDEADLK);
	assert_int_equal(from_vcpu[1], DWORK_EDEADLK);
	assert_int_equal(from_vcpu[2], DWORK_EDEADLK);
	assert_int_equal(from_vcpu[3], DWORK_EDEADLK);
	assert_int_equal(from_vcpu[4], 0);
	assert_int_equal(from_vcpu[5], 0);
	dwork_posix_stop();
}

/*
 * dwork_cpu_init() called directly for a CPU the runtime has no thread for:
 * the first work queued for it stops the program with a message that says
 * so (it used to be accepted, never run, and a kill of it hung).  Runs in a
 * child process, which must die of SIGABRT with that message on stderr.
 */
static void test_work_for_cpu_without_thread_stops_with_a_message(
	void **state)
{
	static struct dwork_tasklet t;
	int pipefd[2], status;
	char buf[512];
	ssize_t n, len = 0;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(pipefd[1], STDERR_FILENO);
		if (dwork_posix_start(2))
			_exit(2);
		dwork_cpu_init(3); /* misuse: CPU 3 has no thread */
		dwork_tasklet_init(&t, t_cb, NULL, DWORK_TASKLET_SOFTIRQ);
		(void)dwork_tasklet_schedule_on(&t, 3);
		_exit(0); /* not reached when the runtime catches it */
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	buf[len] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(buf, "no runtime thread"));
}

/*
 * A run_on task on CPU 0 posts IRQs to CPU 1 while CPU 1 has IRQs off, so
 * CPU 1's ring fills.  A softirq tasklet is pending on CPU 0 meanwhile.
 * The post that finds the ring full answers DWORK_EAGAIN, and the tasklet
 * does not run inside the task (softirqs run between run_on calls, never
 * inside one).  It was: the vCPU ran its softirqs inline while it waited
 * for space.
 */
static unsigned int ring_release, ring_blocked, ring_in_task, ring_bad;
static unsigned int ring_tl_runs;
static int ring_ret;
static struct dwork_tasklet ring_tl;

static void ring_nop(void *arg)
{
	(void)arg;
}

static void ring_tl_fn(void *arg)
{
	(void)arg;
	if (LD(&ring_in_task))
		INC(&ring_bad);
	INC(&ring_tl_runs);
}

static void ring_block_cpu1(void *arg)
{
	unsigned long flags = dwork_port_irq_save();

	(void)arg;
	ST(&ring_blocked, 1u);
	while (!LD(&ring_release))
		sched_yield();
	dwork_port_irq_restore(flags);
}

static void ring_fill_from_cpu0(void *arg)
{
	unsigned int i;

	(void)arg;
	ST(&ring_in_task, 1u);
	if (dwork_tasklet_schedule(&ring_tl))
		INC(&ring_bad);
	for (i = 0, ring_ret = 0; i < 100000 && ring_ret == 0; i++)
		ring_ret = dwork_posix_irq_on(1, ring_nop, NULL);
	ST(&ring_in_task, 0u);
}

static void test_irq_on_to_a_full_ring_from_a_vcpu_fails_and_runs_no_softirq(
	void **state)
{
	struct async_run blocker;

	(void)state;
	ring_release = ring_blocked = ring_in_task = ring_bad = 0;
	ring_tl_runs = 0;
	assert_int_equal(dwork_posix_start(2), 0);
	dwork_tasklet_init(&ring_tl, ring_tl_fn, NULL, DWORK_TASKLET_SOFTIRQ);
	async_run_on(&blocker, 1, ring_block_cpu1, NULL);
	while (!LD(&ring_blocked))
		sched_yield();
	assert_int_equal(dwork_posix_run_on(0, ring_fill_from_cpu0, NULL), 0);
	ST(&ring_release, 1u);
	assert_int_equal(async_run_join(&blocker), 0);
	dwork_posix_quiesce();
	assert_int_equal(ring_ret, DWORK_EAGAIN);
	assert_int_equal(LD(&ring_tl_runs), 1);
	assert_int_equal(LD(&ring_bad), 0);
	dwork_posix_stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		POSIX_TEST(test_stop_runs_pending_work_then_refuses_work),
		POSIX_TEST(test_start_stop_start_again_works),
		POSIX_TEST(test_stop_runs_work_that_feeds_other_cpus_to_the_end),
		POSIX_TEST(test_quiesce_waits_for_irq_handler_in_progress),
		POSIX_TEST(
		test_run_on_from_several_threads_runs_each_once_in_task_context),
		POSIX_TEST(test_quiesce_makes_callback_writes_visible),
		POSIX_TEST(
		test_runtime_refuses_bad_cpus_null_and_calls_from_vcpus),
		POSIX_TEST(test_work_for_cpu_without_thread_stops_with_a_message),
		POSIX_TEST(
		test_irq_on_to_a_full_ring_from_a_vcpu_fails_and_runs_no_softirq),
	};

	return cmocka_run_group_tests_name("posix_runtime", tests, NULL, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * posix_no_deadlock: an IRQ handler that spins in dwork_tasklet_kill()
 * never waits for something the code it interrupted holds.
 *
 * Each test widens one window of the runtime deterministically: the binary
 * is linked with -Wl,--wrap for a function the runtime calls inside the
 * window, and the wrapper makes an IRQ whose handler kills a tasklet land
 * right there (posted by a host thread), then waits until that IRQ has
 * either started or is provably pending (deferred by the soft IRQ mask, or
 * a blocked signal).  A runtime that lets the IRQ run inside the window
 * deadlocks; the watchdog turns that into a failure with a message.
 *
 *  - adoption window: cpu_down's adopter took the adoption request and is
 *    about to call dwork_cpu_dead() (wrapped) when the IRQ kills a tasklet
 *    still queued on the dying CPU;
 *  - irq_on from a vCPU: the vCPU holds the target CPU's runtime mutex
 *    while it sends the signal (pthread_kill, wrapped) when its IRQ kills a
 *    tasklet queued on the target, which needs that mutex to go on;
 *  - run_on completion: the vCPU holds its own mutex to report a finished
 *    request (pthread_cond_broadcast, wrapped) when the signal of an IRQ
 *    posted earlier arrives, and the IRQ kills a tasklet queued on a CPU
 *    whose task context waits for that mutex in irq_on.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "posix_test.h"

#ifndef DWORK_POSIX_SIG_IRQ
#define DWORK_POSIX_SIG_IRQ SIGUSR1 /* as the runtime */
#endif

int __real_pthread_kill(pthread_t t, int sig);
int __wrap_pthread_kill(pthread_t t, int sig);
int __real_pthread_cond_broadcast(pthread_cond_t *c);
int __wrap_pthread_cond_broadcast(pthread_cond_t *c);
void __real_dwork_cpu_dead(unsigned int cpu);
void __wrap_dwork_cpu_dead(unsigned int cpu);

/* Which window the wrappers widen (0: none, pass through). */
enum { ARM_NONE, ARM_ADOPT, ARM_IRQ_ON, ARM_RUN_DONE };
static unsigned int armed;
static unsigned int armed_cpu;

static struct dwork_tasklet victim;
static unsigned int victim_runs, kill_started, kill_done, in_window;
static unsigned int blocked, release;
static int kill_ret;
static unsigned int irq_cpu;   /* CPU the killing IRQ goes to */

/* ---- watchdog: a deadlock becomes a failure with a message ---------- */

static const char *watch_what;
static unsigned int watch_secs = 60;
static unsigned int watch_done;

static void *watchdog(void *arg)
{
	unsigned int i;

	(void)arg;
	/*
	 * 60 s (or $DWORK_WATCHDOG_SECONDS): far above any run, even under
	 * sanitizers and emulation.
	 */
	for (i = 0; i < watch_secs * 100 && !LD(&watch_done); i++)
		usleep(10000);
	if (!LD(&watch_done)) {
		fprintf(stderr, "posix_no_deadlock: DEADLOCK: %s\n", watch_what);
		_exit(1);
	}
	return NULL;
}

static pthread_t watch_thread;

static void watch_start(const char *what)
{
	watch_what = what;
	ST(&watch_done, 0);
	if (pthread_create(&watch_thread, NULL, watchdog, NULL))
		abort();
}

static void watch_stop(void)
{
	ST(&watch_done, 1);
	pthread_join(watch_thread, NULL);
}

/* ---- pieces ---------------------------------------------------------- */

static void victim_cb(void *data)
{
	(void)data;
	INC(&victim_runs);
}

static void irq_kill_victim(void *arg)
{
	(void)arg;
	ST(&kill_started, 1);
	kill_ret = dwork_tasklet_kill(&victim);
	ST(&kill_done, 1);
}

static void blocker(void *arg)
{
	(void)arg;
	ST(&blocked, 1);
	WAIT_UNTIL(LD(&release));
}

static void post_kill_irq(void *arg)
{
	(void)arg;
	if (dwork_posix_irq_on(LD(&irq_cpu), irq_kill_victim, NULL))
		abort();
}

static bool sig_irq_blocked_pending(void)
{
	sigset_t p;

	sigpending(&p);
	return sigismember(&p, DWORK_POSIX_SIG_IRQ) == 1;
}

/*
 * Called on a vCPU inside a window: have a host thread post the killing
 * IRQ here, and wait until it started (the runtime let it in: with the
 * bug, it never returns) or is pending (soft-masked or signal-blocked).
 */
static void land_kill_irq_here(void)
{
	struct host_thread h;

	ST(&irq_cpu, (unsigned int)dwork_posix_this_cpu());
	host_start(&h, post_kill_irq, NULL);
	WAIT_UNTIL(LD(&kill_started) ||
		   dwork_posix_tls_load(&dwork_posix_tls.deferred) ||
		   sig_irq_blocked_pending());
	host_join(&h);
	if (!LD(&kill_done))
		ST(&in_window, 1);
}

static bool take_arm(unsigned int what)
{
	unsigned int a = what;

	if (LD(&armed) != what ||
	    dwork_posix_this_cpu() != (int)LD(&armed_cpu))
		return false;
	return __atomic_compare_exchange_n(&armed, &a, ARM_NONE, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void __wrap_dwork_cpu_dead(unsigned int cpu)
{
	if (take_arm(ARM_ADOPT))
		land_kill_irq_here();
	__real_dwork_cpu_dead(cpu);
}

int __wrap_pthread_kill(pthread_t t, int sig)
{
	if (sig == DWORK_POSIX_SIG_IRQ && take_arm(ARM_IRQ_ON)) {
		/* The target leaves its request and needs its mutex. */
		ST(&release, 1);
		land_kill_irq_here();
	}
	return __real_pthread_kill(t, sig);
}

int __wrap_pthread_cond_broadcast(pthread_cond_t *c)
{
	if (take_arm(ARM_RUN_DONE)) {
		/* CPU 0's task context now blocks on our mutex in irq_on. */
		ST(&release, 1);
		/*
		 * The signal of the killing IRQ, whose entry is in our ring
		 * (stash_kill_irq()), arrives now.  Nobody can post to us
		 * here (posting takes the mutex we hold); a signal sent
		 * before we took it and delivered late is this case.
		 */
		__real_pthread_kill(pthread_self(), DWORK_POSIX_SIG_IRQ);
		WAIT_UNTIL(LD(&kill_started) || sig_irq_blocked_pending());
		if (!LD(&kill_done))
			ST(&in_window, 1);
	}
	return __real_pthread_cond_broadcast(c);
}

static void reset(void)
{
	victim_runs = kill_started = kill_done = in_window = 0;
	blocked = release = 0;
	kill_ret = 1;
	ST(&armed, ARM_NONE);
	dwork_tasklet_init(&victim, victim_cb, NULL, DWORK_TASKLET_SOFTIRQ);
}

/* ---- adoption window ------------------------------------------------- */

static int down_ret;

static void do_cpu_down(void *arg)
{
	down_ret = dwork_posix_cpu_down(*(unsigned int *)arg);
}

static void test_kill_from_irq_in_adoption_window_lets_cpu_down_finish(
	void **state)
{
	unsigned int cpu1 = 1;
	struct async_run block;
	struct host_thread down;

	(void)state;
	START(2);
	reset();
	down_ret = 1;
	/* CPU 1 is in task context: the victim stays queued there. */
	async_run_on(&block, 1, blocker, NULL);
	WAIT_UNTIL(LD(&blocked));
	assert_int_equal(dwork_tasklet_schedule_on(&victim, 1), 0);
	ST(&armed_cpu, 0);
	ST(&armed, ARM_ADOPT); /* CPU 0 adopts */
	watch_start("kill from IRQ inside cpu_down's adoption window");
	host_start(&down, do_cpu_down, &cpu1);
	WAIT_UNTIL(!dwork_port_cpu_online(1));
	ST(&release, 1); /* CPU 1 parks with the victim still queued */
	host_join(&down);
	assert_int_equal(async_run_join(&block), 0);
	WAIT_UNTIL(LD(&kill_done));
	watch_stop();
	assert_int_equal(LD(&armed), ARM_NONE); /* the window was reached */
	assert_int_equal(LD(&in_window), 1);    /* and the IRQ landed in it */
	assert_int_equal(down_ret, 0);
	assert_int_equal(kill_ret, 0);
	dwork_posix_quiesce();
	assert_int_equal(LD(&victim_runs), 0);
	dwork_posix_stop();
}

/* ---- irq_on from a vCPU ---------------------------------------------- */

static void noop_irq(void *arg)
{
	(void)arg;
}

static void post_irq_to_1(void *arg)
{
	(void)arg;
	if (dwork_posix_irq_on(1, noop_irq, NULL))
		abort();
}

static void test_kill_from_irq_while_vcpu_posts_irq_completes(void **state)
{
	struct async_run block;

	(void)state;
	START(2);
	reset();
	async_run_on(&block, 1, blocker, NULL);
	WAIT_UNTIL(LD(&blocked));
	assert_int_equal(dwork_tasklet_schedule_on(&victim, 1), 0);
	ST(&armed_cpu, 0);
	ST(&armed, ARM_IRQ_ON);
	watch_start("kill from IRQ on a vCPU that holds another CPU's "
		    "mutex in irq_on");
	/* CPU 0, task context, posts an IRQ to CPU 1. */
	assert_int_equal(dwork_posix_run_on(0, post_irq_to_1, NULL), 0);
	assert_int_equal(async_run_join(&block), 0);
	WAIT_UNTIL(LD(&kill_done));
	watch_stop();
	assert_int_equal(LD(&armed), ARM_NONE);
	assert_int_equal(LD(&in_window), 1);
	assert_int_equal(kill_ret, 0);
	dwork_posix_quiesce();
	/* It may have run before the kill: never after, never twice. */
	assert_in_range(LD(&victim_runs), 0, 1);
	dwork_posix_stop();
}

/* ---- run_on completion ----------------------------------------------- */

static unsigned int poster_ready;

static void wait_then_post_to_1(void *arg)
{
	(void)arg;
	ST(&poster_ready, 1);
	WAIT_UNTIL(LD(&release));
	/* Blocks on CPU 1's mutex while CPU 1 reports its request done. */
	post_irq_to_1(NULL);
}

/*
 * On CPU 1, task context: leave the killing IRQ posted in the ring with
 * its signal "in flight" (bell rung, nothing delivered yet): post it with
 * IRQs soft-masked, then forget the deferral, as if the signal had not
 * arrived yet.
 */
static void stash_kill_irq(void *arg)
{
	struct host_thread h;
	unsigned long flags;

	(void)arg;
	flags = dwork_port_irq_save();
	ST(&irq_cpu, 1);
	host_start(&h, post_kill_irq, NULL);
	WAIT_UNTIL(dwork_posix_tls_load(&dwork_posix_tls.deferred));
	host_join(&h);
	dwork_posix_tls_store(&dwork_posix_tls.deferred, 0u);
	ST(&armed, ARM_RUN_DONE); /* our request's completion */
	dwork_port_irq_restore(flags);
}

static void test_kill_from_irq_while_vcpu_finishes_request_completes(
	void **state)
{
	struct async_run poster;

	(void)state;
	START(2);
	reset();
	poster_ready = 0;
	/* CPU 0 in task context: the victim stays queued on CPU 0. */
	async_run_on(&poster, 0, wait_then_post_to_1, NULL);
	WAIT_UNTIL(LD(&poster_ready));
	assert_int_equal(dwork_tasklet_schedule_on(&victim, 0), 0);
	ST(&armed_cpu, 1);
	watch_start("kill from IRQ on a vCPU that holds its own mutex "
		    "after a run_on request");
	assert_int_equal(dwork_posix_run_on(1, stash_kill_irq, NULL), 0);
	assert_int_equal(async_run_join(&poster), 0);
	WAIT_UNTIL(LD(&kill_done));
	watch_stop();
	assert_int_equal(LD(&armed), ARM_NONE);
	assert_int_equal(LD(&in_window), 1);
	assert_int_equal(kill_ret, 0);
	dwork_posix_quiesce();
	/* It may have run before the kill: never after, never twice. */
	assert_in_range(LD(&victim_runs), 0, 1);
	dwork_posix_stop();
}

int main(int argc, char **argv)
{
	const char *w = getenv("DWORK_WATCHDOG_SECONDS");

	if (w && atoi(w) > 0)
		watch_secs = (unsigned int)atoi(w);
	/* Optional: run only the tests whose name matches argv[1]. */
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	const struct CMUnitTest tests[] = {
		POSIX_TEST(
		test_kill_from_irq_in_adoption_window_lets_cpu_down_finish),
		POSIX_TEST(test_kill_from_irq_while_vcpu_posts_irq_completes),
		POSIX_TEST(
		test_kill_from_irq_while_vcpu_finishes_request_completes),
	};

	return cmocka_run_group_tests_name("posix_no_deadlock", tests, NULL,
					   NULL);
}

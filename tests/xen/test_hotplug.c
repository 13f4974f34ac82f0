// SPDX-License-Identifier: BSD-2-Clause
/*
 * The CPU notifier: CPU_UP_PREPARE brings dwork up on the CPU,
 * CPU_UP_CANCELED / CPU_DEAD move everything pending there to the CPU
 * running the notifier (the handshake flags follow), and work for a CPU
 * that is down is refused.
 */
#include <stdio.h>
#include "xentest.h"

static void work_for_a_cpu_is_accepted_from_up_prepare(void **s)
{
	static struct tasklet t;
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	tasklet_init(&t, rec_fn, &r);
	assert_int_equal(tasklet_try_schedule_on_cpu(&t, 5), DWORK_ENODEV);
	assert_int_equal(sim_cpu_up(5), 0);
	assert_int_equal(tasklet_try_schedule_on_cpu(&t, 5), 0);
	sim_settle();
	assert_int_equal(r.runs, 1);
	assert_int_equal(r.cpu, 5);
}

static void cpu_dead_moves_pending_work_to_the_notifier_cpu(void **s)
{
	static struct tasklet fed_idle, fed_sirq, local_idle, local_sirq;
	struct rec a, b, c, d;

	(void)s;
	rec_reset(&a, 1);
	rec_reset(&b, 2);
	rec_reset(&c, 3);
	rec_reset(&d, 4);
	tasklet_init(&fed_idle, rec_fn, &a);
	softirq_tasklet_init(&fed_sirq, rec_fn, &b);
	tasklet_init(&local_idle, rec_fn, &c);
	softirq_tasklet_init(&local_sirq, rec_fn, &d);

	/* Queued locally on CPU 2 (its lists and flags)... */
	sim_on(2);
	tasklet_schedule(&local_idle);
	tasklet_schedule(&local_sirq);
	assert_int_equal(sim_work(2), TASKLET_enqueued);
	/* ...and fed from CPU 0 (still in CPU 2's inbox). */
	sim_on(0);
	tasklet_schedule_on_cpu(&fed_idle, 2);
	tasklet_schedule_on_cpu(&fed_sirq, 2);

	assert_int_equal(sim_cpu_down(2), 0);
	/* CPU_DEAD ran on CPU 0: the idle work announced to CPU 0's
	 * scheduler, the softirq work raised on CPU 0. */
	assert_true(sim_work(0) & TASKLET_enqueued);
	assert_true(pending(0, TASKLET_SOFTIRQ));
	sim_settle();
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	assert_int_equal(c.runs, 1);
	assert_int_equal(d.runs, 1);
	assert_int_equal(a.cpu, 0);
	assert_int_equal(b.cpu, 0);
	assert_int_equal(c.cpu, 0);
	assert_int_equal(d.cpu, 0);

	/* Down: refused.  Up again: accepted and run there. */
	assert_int_equal(tasklet_try_schedule_on_cpu(&fed_idle, 2), DWORK_ENODEV);
	assert_int_equal(sim_cpu_up(2), 0);
	assert_int_equal(sim_work(2), 0);
	tasklet_schedule_on_cpu(&fed_idle, 2);
	sim_settle();
	assert_int_equal(a.runs, 2);
	assert_int_equal(a.cpu, 2);
}

static void up_canceled_refuses_work_and_keeps_what_was_accepted(void **s)
{
	static struct tasklet t;
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	tasklet_init(&t, rec_fn, &r);
	sim_cpu_up_cancel(6);
	assert_int_equal(sim_cpus[6].notified[CPU_UP_CANCELED & 0xf], 1);
	assert_int_equal(tasklet_try_schedule_on_cpu(&t, 6), DWORK_ENODEV);
	sim_settle();
	assert_int_equal(r.runs, 0);
}

static struct tasklet away_t;

static void retarget_then_target_dies(struct rec *r)
{
	if (r->runs != 1)
		return;
	tasklet_schedule_on_cpu(&away_t, 3);
	sim_on(0);
	assert_int_equal(sim_cpu_down(3), 0);
	sim_on(1);
}

static void rerun_owed_to_a_cpu_that_died_meanwhile_is_not_lost(void **s)
{
	struct rec r;

	(void)s;
	rec_reset(&r, 1);
	r.hook = retarget_then_target_dies;
	softirq_tasklet_init(&away_t, rec_fn, &r);
	tasklet_schedule_on_cpu(&away_t, 1);
	sim_settle();
	assert_int_equal(r.runs, 2);
	assert_int_equal(r.cpu, 0);
	assert_int_equal(sim_cpu_up(3), 0);
}

/* stop_machine's pattern: a per-CPU tasklet re-inited at every
 * CPU_UP_PREPARE in fresh (zeroed) per-CPU memory, never killed. */
static struct tasklet pcpu_t[NR_CPUS];
static struct rec pcpu_r[NR_CPUS];

static int cf_check sm_cb(struct notifier_block *nfb, unsigned long action,
			  void *hcpu)
{
	unsigned int cpu = (unsigned long)hcpu;

	(void)nfb;
	if (action == CPU_UP_PREPARE) {
		memset(&pcpu_t[cpu], 0, sizeof(pcpu_t[cpu]));
		tasklet_init(&pcpu_t[cpu], rec_fn, &pcpu_r[cpu]);
	}
	return NOTIFY_DONE;
}

static struct notifier_block sm_nfb = { .notifier_call = sm_cb };

static void per_cpu_tasklets_survive_offline_online_loops(void **s)
{
	unsigned int loop;

	(void)s;
	register_cpu_notifier(&sm_nfb);
	for (loop = 0; loop < 50; loop++) {
		assert_int_equal(sim_cpu_up(7), 0);
		pcpu_r[7].runs = 0;
		pcpu_r[7].running = false;
		tasklet_schedule_on_cpu(&pcpu_t[7], 7);
		/* Half the time the CPU dies with the tasklet still pending. */
		if (loop & 1)
			sim_settle();
		assert_int_equal(sim_cpu_down(7), 0);
		sim_settle();
		assert_int_equal(pcpu_r[7].runs, 1);
	}
}

/*
 * Debug key 'k' (dwork_xen.c) prints each CPU's counters; the CPU that ran
 * CPU_DEAD shows the nodes it adopted, the dead CPU is listed as offline.
 */
static void debug_key_k_prints_the_nodes_adopted_on_cpu_down(void **s)
{
	static struct tasklet t1, t2;
	struct rec a, b;
	struct dwork_stats st;
	char want[96];

	(void)s;
	assert_non_null(sim_keyhandler['k']);
	rec_reset(&a, 1);
	rec_reset(&b, 2);
	tasklet_init(&t1, rec_fn, &a);
	softirq_tasklet_init(&t2, rec_fn, &b);
	sim_on(3);
	tasklet_schedule(&t1);
	tasklet_schedule(&t2);
	sim_on(0);
	assert_int_equal(sim_cpu_down(3), 0);
	assert_int_equal(dwork_cpu_stats(0, &st), 0);
	assert_true(st.migrated >= 2);

	sim_printk_len = 0;
	sim_printk_buf[0] = 0;
	sim_keyhandler['k']('k');
	snprintf(want, sizeof(want), "dwork CPU0: raised %lu coalesced %lu "
		 "run %lu fed %lu adopted %lu ", st.raised, st.coalesced,
		 st.run, st.fed, st.migrated);
	assert_non_null(strstr(sim_printk_buf, want));
	assert_non_null(strstr(sim_printk_buf, "dwork CPU3 (offline): "));

	sim_settle();
	assert_int_equal(a.runs, 1);
	assert_int_equal(b.runs, 1);
	assert_int_equal(sim_cpu_up(3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(work_for_a_cpu_is_accepted_from_up_prepare),
		T(cpu_dead_moves_pending_work_to_the_notifier_cpu),
		T(up_canceled_refuses_work_and_keeps_what_was_accepted),
		T(rerun_owed_to_a_cpu_that_died_meanwhile_is_not_lost),
		T(per_cpu_tasklets_survive_offline_online_loops),
		T(debug_key_k_prints_the_nodes_adopted_on_cpu_down),
	};

	return cmocka_run_group_tests(tests, boot4, NULL);
}

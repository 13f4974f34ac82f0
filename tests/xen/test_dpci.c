// SPDX-License-Identifier: BSD-2-Clause
/*
 * The dpci helper: raise_softirq_for / pt_pirq_softirq_active /
 * pt_pirq_softirq_reset on dwork items, with Xen's reference-counting rule
 * (whoever sets SCHED takes a domain reference, whoever clears it drops
 * it) and the -ERESTART continuation.
 */
#include "xentest.h"
#include <dwork_xen_dpci.h>

static struct domain dom;
static unsigned int assists, assist_cpu;
static bool in_assist;
static void (*assist_hook)(struct dwork_dpci *p);

static void cf_check assist(struct domain *d, struct dwork_dpci *p)
{
	assert_ptr_equal(d, &dom);
	assert_false(in_assist); /* never concurrently */
	assert_true(d->refcnt >= 2); /* we hold one */
	in_assist = true;
	assists++;
	assist_cpu = smp_processor_id();
	if (assist_hook)
		assist_hook(p);
	in_assist = false;
}

static int setup(void **s)
{
	test_setup(s);
	dom.refcnt = 1;
	assists = 0;
	assist_hook = NULL;
	return 0;
}

static int teardown(void **s)
{
	test_teardown(s);
	assert_int_equal(dom.refcnt, 1); /* references balanced */
	return 0;
}

static void irq_raise(void *p)
{
	dwork_dpci_raise(p);
}

static void raises_coalesce_and_hold_one_reference(void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
	p.dom = &dom;
	assert_int_equal(dwork_dpci_restart(&p), 0);
	sim_irq(1, irq_raise, &p);
	sim_irq(1, irq_raise, &p);
	sim_irq(1, irq_raise, &p);
	assert_int_equal(dom.refcnt, 2);
	assert_true(dwork_dpci_active(&p));
	assert_int_equal(dwork_dpci_restart(&p), -ERESTART);
	assert_true(pending(1, TASKLET_SOFTIRQ));
	sim_softirq(1);
	assert_int_equal(assists, 1);
	assert_int_equal(assist_cpu, 1);
	assert_false(dwork_dpci_active(&p));
	assert_int_equal(dwork_dpci_restart(&p), 0);
}

/* Xen a2a935bc5e: an interrupt on CPU 2 while CPU 1 runs the assist. */
static void raise_on_cpu2(struct dwork_dpci *p)
{
	if (assists == 1)
		sim_irq(2, irq_raise, p);
}

static void raise_while_running_elsewhere_runs_again_after(void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
	p.dom = &dom;
	assist_hook = raise_on_cpu2;
	sim_irq(1, irq_raise, &p);
	sim_softirq(1);
	assert_int_equal(assists, 1);
	assert_int_equal(dom.refcnt, 2); /* the second raise's reference */
	assert_true(dwork_dpci_active(&p));
	sim_settle();
	assert_int_equal(assists, 2);
	assert_int_equal(assist_cpu, 2);
}

static void reset_before_the_run_drops_run_and_reference(void **s)
{
	static struct dwork_dpci p;
	unsigned int polls = 0;

	(void)s;
	dwork_dpci_init(&p, assist);
	p.dom = &dom;
	sim_irq(3, irq_raise, &p);
	dwork_dpci_reset(&p); /* from CPU 0, "event lock held" */
	assert_int_equal(dom.refcnt, 1);
	assert_null(p.dom);
	/* Teardown polls with continuations until CPU 3 let go of it. */
	while (dwork_dpci_restart(&p) == -ERESTART) {
		sim_idle(3);
		assert_true(++polls < 10);
	}
	assert_int_equal(assists, 0);
	/* Raising again after a reset is safe (Xen 104072fc1c). */
	p.dom = &dom;
	sim_irq(3, irq_raise, &p);
	sim_settle();
	assert_int_equal(assists, 1);
}

static void teardown_loop_never_loses_a_continuation(void **s)
{
	static struct dwork_dpci busy, idle;
	int rc;

	(void)s;
	dwork_dpci_init(&busy, assist);
	dwork_dpci_init(&idle, assist);
	busy.dom = &dom;
	sim_irq(1, irq_raise, &busy);

	rc = 0; /* XSA-395: a later idle pirq must not overwrite it */
	dwork_dpci_merge_rc(&rc, dwork_dpci_restart(&busy));
	dwork_dpci_merge_rc(&rc, dwork_dpci_restart(&idle));
	assert_int_equal(rc, -ERESTART);
	rc = 0;
	dwork_dpci_merge_rc(&rc, dwork_dpci_restart(&idle));
	dwork_dpci_merge_rc(&rc, dwork_dpci_restart(&busy));
	assert_int_equal(rc, -ERESTART);
	dwork_dpci_merge_rc(&rc, -EINVAL);
	assert_int_equal(rc, -EINVAL);
	sim_settle();
	rc = 0;
	dwork_dpci_merge_rc(&rc, dwork_dpci_restart(&busy));
	assert_int_equal(rc, 0);
}

/* Xen 29555668b5: pending dpci work on a CPU that goes offline. */
static void pending_dpci_on_a_dead_cpu_runs_elsewhere(void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
	p.dom = &dom;
	sim_irq(3, irq_raise, &p);
	assert_int_equal(sim_cpu_down(3), 0);
	sim_settle();
	assert_int_equal(assists, 1);
	assert_int_equal(assist_cpu, 0);
	assert_int_equal(sim_cpu_up(3), 0);
}

/*
 * A raise dwork refuses (here: on a CPU that dwork_cpu_dead() took out)
 * queues no run, so no run would drop the reference SCHED took: the
 * helper drops it itself and stops at ASSERT_UNREACHABLE.
 */
static void refused_raise_drops_its_reference(void **s)
{
	static struct dwork_dpci p;
	unsigned int prev;
	bool bugged;

	(void)s;
	dwork_dpci_init(&p, assist);
	p.dom = &dom;
	assert_int_equal(sim_cpu_down(3), 0);
	prev = sim_on(3);
	bugged = SIM_EXPECT_BUG(dwork_dpci_raise(&p));
	sim_on(prev);
	assert_true(bugged);
	sim_bugs = 0;
	assert_int_equal(dom.refcnt, 1);
	assert_false(dwork_dpci_active(&p));
	assert_int_equal(sim_cpu_up(3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define D(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		D(raises_coalesce_and_hold_one_reference),
		D(raise_while_running_elsewhere_runs_again_after),
		D(reset_before_the_run_drops_run_and_reference),
		D(teardown_loop_never_loses_a_continuation),
		D(pending_dpci_on_a_dead_cpu_runs_elsewhere),
		D(refused_raise_drops_its_reference),
	};

	return cmocka_run_group_tests(tests, boot4, NULL);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * The dpci helper: raise_softirq_for / pt_pirq_softirq_active /
 * pt_pirq_softirq_reset on dwork items, with Xen's reference-counting rule
 * (whoever sets the owed run's domain takes a reference on it, whoever
 * takes it back drops it) and the -ERESTART continuation.
 */
#include "xentest.h"
#include <dwork_xen_dpci.h>

static struct domain dom, dom2;
static struct domain *expect;
static unsigned int assists, assist_cpu;
static bool in_assist;
static void (*assist_hook)(struct dwork_dpci *p);

static void cf_check assist(struct domain *d, struct dwork_dpci *p)
{
	assert_ptr_equal(d, expect);
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
	dom2.refcnt = 1;
	expect = &dom;
	assists = 0;
	assist_hook = NULL;
	return 0;
}

static int teardown(void **s)
{
	sim_put_domain_hook = NULL;
	test_teardown(s);
	assert_int_equal(dom.refcnt, 1); /* references balanced */
	assert_int_equal(dom2.refcnt, 1);
	return 0;
}

static void irq_raise(void *p)
{
	dwork_dpci_raise(p, &dom);
}

static void irq_raise2(void *p)
{
	dwork_dpci_raise(p, &dom2);
}

static void raises_coalesce_and_hold_one_reference(void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
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
	sim_irq(3, irq_raise, &p);
	dwork_dpci_reset(&p); /* from CPU 0, "event lock held" */
	assert_int_equal(dom.refcnt, 1);
	assert_null(p.owner);
	/* Teardown polls with continuations until CPU 3 let go of it. */
	while (dwork_dpci_restart(&p) == -ERESTART) {
		sim_idle(3);
		assert_true(++polls < 10);
	}
	assert_int_equal(assists, 0);
	/* Raising again after a reset is safe (Xen 104072fc1c). */
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
	assert_int_equal(sim_cpu_down(3), 0);
	prev = sim_on(3);
	bugged = SIM_EXPECT_BUG(dwork_dpci_raise(&p, &dom));
	sim_on(prev);
	assert_true(bugged);
	sim_bugs = 0;
	assert_int_equal(dom.refcnt, 1);
	assert_false(dwork_dpci_active(&p));
	assert_int_equal(sim_cpu_up(3), 0);
}

/*
 * Stock Xen's RUN|SCHED case: while CPU 1 runs the assist, an interrupt on
 * CPU 2 owes another run, and then the pirq is unbound and reset.  The
 * owed run and its reference are dropped; the running assist keeps its
 * own reference until it returns.
 */
static void raise_then_reset_during_assist(struct dwork_dpci *p)
{
	if (assists != 1)
		return;
	sim_irq(2, irq_raise, p);
	assert_int_equal(dom.refcnt, 3); /* the running one's and the owed one's */
	dwork_dpci_reset(p);
	assert_int_equal(dom.refcnt, 2); /* the running one's */
	assert_true(dwork_dpci_active(p)); /* still running */
}

static void reset_during_the_assist_drops_the_owed_rerun(void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
	assist_hook = raise_then_reset_during_assist;
	sim_irq(1, irq_raise, &p);
	sim_settle();
	assert_int_equal(assists, 1);
	assert_false(dwork_dpci_active(&p));
}

/*
 * Unbind, reset and re-bind to another domain while the old run is inside
 * the assist: the next run is for the new domain and holds its reference.
 */
static void rebind_during_assist(struct dwork_dpci *p)
{
	if (assists != 1)
		return;
	dwork_dpci_reset(p);
	sim_irq(2, irq_raise2, p);
	assert_int_equal(dom2.refcnt, 2);
	expect = &dom2;
}

static void a_rebound_pirq_runs_for_the_new_domain(void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
	assist_hook = rebind_during_assist;
	sim_irq(1, irq_raise, &p);
	sim_settle();
	assert_int_equal(assists, 2);
	assert_int_equal(assist_cpu, 2);
	assert_false(dwork_dpci_active(&p));
}

/*
 * A raise that comes while a reset is dropping the owed run's reference
 * (another CPU's interrupt, played here from put_domain()) owes a new run,
 * which runs: the reset left nothing behind that no run would clear.
 */
static struct dwork_dpci *racing;

static void raise_from_put(struct domain *d)
{
	(void)d;
	sim_put_domain_hook = NULL;
	sim_irq(3, irq_raise, racing);
}

static void a_raise_racing_a_reset_leaves_no_reference(void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
	racing = &p;
	sim_irq(3, irq_raise, &p);	/* pending on CPU 3 */
	sim_put_domain_hook = raise_from_put;
	dwork_dpci_reset(&p);		/* from CPU 0 */
	assert_null(sim_put_domain_hook);	/* the raise happened */
	sim_settle();
	assert_int_equal(assists, 1);
	assert_false(dwork_dpci_active(&p));
}

/* A raise with no domain (->dom cleared) owes nothing. */
static void a_raise_without_a_domain_is_refused(void **s)
{
	static struct dwork_dpci p;
	bool bugged;

	(void)s;
	dwork_dpci_init(&p, assist);
	bugged = SIM_EXPECT_BUG(dwork_dpci_raise(&p, NULL));
	assert_true(bugged);
	sim_bugs = 0;
	assert_false(dwork_dpci_active(&p));
	sim_settle();
	assert_int_equal(assists, 0);
}

/*
 * Re-init of a dpci object whose run is still owed: init cleared @owner
 * (and replaced @assist) before dwork_item_init() refused the live item,
 * so the owed run found NULL, did nothing, and the domain reference it
 * held was never dropped.  Init now leaves an active object alone
 * (CONFIG_DWORK_DEBUG_CHECKS BUG()s), and the owed run does its work.
 */
static void cf_check other_assist(struct domain *d, struct dwork_dpci *p)
{
	(void)d;
	(void)p;
	fail_msg("a refused re-init replaced the assist");
}

static void reinit_of_an_active_dpci_is_refused_and_keeps_its_reference(
	void **s)
{
	static struct dwork_dpci p;

	(void)s;
	dwork_dpci_init(&p, assist);
	sim_irq(1, irq_raise, &p);
	assert_int_equal(dom.refcnt, 2);
	assert_true(SIM_EXPECT_BUG(dwork_dpci_init(&p, other_assist)));
	sim_bugs = 0;
	assert_ptr_equal(p.owner, &dom);
	assert_true(dwork_dpci_active(&p));
	sim_settle();
	assert_int_equal(assists, 1);
	assert_int_equal(dom.refcnt, 1);
	assert_false(dwork_dpci_active(&p));
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
		D(reset_during_the_assist_drops_the_owed_rerun),
		D(a_rebound_pirq_runs_for_the_new_domain),
		D(a_raise_without_a_domain_is_refused),
		D(a_raise_racing_a_reset_leaves_no_reference),
		D(reinit_of_an_active_dpci_is_refused_and_keeps_its_reference),
	};

	return cmocka_run_group_tests(tests, boot4, NULL);
}

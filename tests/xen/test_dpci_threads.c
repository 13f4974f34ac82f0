// SPDX-License-Identifier: BSD-2-Clause
/*
 * The dpci helper under real concurrency: one host thread per simulated
 * CPU raises dpci objects from IRQ, task and assist context (setting the
 * object's "masked" flag first, as Xen's hvm_do_IRQ_dpci() does) and
 * resets some of them (clearing "masked" afterwards, as Xen's
 * pt_pirq_softirq_reset() does), while every CPU runs its own softirqs.
 *
 * Pass/fail never depends on timing.  Once everything is quiet: no assist
 * ever ran twice at once or without holding a domain reference; every
 * "masked" was taken by an assist or cleared by a reset (a raise absorbed
 * by an owed run is seen by that run); the domain's reference count is
 * back where it started; nothing is active; no BUG().
 */
#include "xentest.h"
#include "threads.h"
#include <dwork_xen_dpci.h>

#define NCPU 4
#define NP 16
#define OPS 100000

struct tp {
	struct dwork_dpci dp;
	unsigned int masked;	/* Xen: pirq_dpci->masked */
	unsigned int inside;	/* assists in progress (must stay <= 1) */
	unsigned long runs;
};

static struct domain dom;
static struct tp tps[NP];
static unsigned int overlap, bad;

static void raise_one(struct tp *x)
{
	__atomic_store_n(&x->masked, 1, __ATOMIC_SEQ_CST);
	dwork_dpci_raise(&x->dp, &dom);
}

static void cf_check th_assist(struct domain *d, struct dwork_dpci *p)
{
	struct tp *x = container_of(p, struct tp, dp);
	unsigned int seed = (unsigned int)(x - tps) * 7919u + (unsigned int)x->runs;

	if (__atomic_fetch_add(&x->inside, 1, __ATOMIC_SEQ_CST) != 0)
		__atomic_store_n(&overlap, 1, __ATOMIC_SEQ_CST);
	/* This run holds a reference, and the test holds one. */
	if (d != &dom || __atomic_load_n(&dom.refcnt, __ATOMIC_SEQ_CST) < 2)
		__atomic_store_n(&bad, 1, __ATOMIC_SEQ_CST);
	/* Xen: test_and_clear_bool(pirq_dpci->masked). */
	__atomic_exchange_n(&x->masked, 0, __ATOMIC_SEQ_CST);
	x->runs++;
	if ((xt_rnd(&seed) & 7) == 0)
		raise_one(&tps[xt_rnd(&seed) % NP]);
	__atomic_fetch_sub(&x->inside, 1, __ATOMIC_SEQ_CST);
}

static void irq_raise(void *arg)
{
	raise_one(arg);
}

/* One operation of a CPU: a reset, or a raise from an IRQ or from task. */
static void cpu_op(unsigned int cpu, unsigned int *seed)
{
	struct tp *x = &tps[xt_rnd(seed) % NP];
	unsigned int r = xt_rnd(seed);

	if ((r & 7) == 0) {
		/* Unbind: drop an owed run, then forget "masked". */
		dwork_dpci_reset(&x->dp);
		__atomic_store_n(&x->masked, 0, __ATOMIC_SEQ_CST);
	} else if (r & 2) {
		sim_irq(cpu, irq_raise, x);
	} else {
		raise_one(x);
	}
}

static bool quiet(void)
{
	unsigned int i;

	for (i = 0; i < NP; i++)
		if (dwork_dpci_active(&tps[i].dp) ||
		    __atomic_load_n(&tps[i].inside, __ATOMIC_SEQ_CST))
			return false;
	return true;
}

static void every_raise_is_seen_and_references_balance_on_real_threads(void **s)
{
	unsigned long total = 0;
	unsigned int i;

	(void)s;
	dom.refcnt = 1;
	for (i = 0; i < NP; i++)
		dwork_dpci_init(&tps[i].dp, th_assist);
	/* False: something stayed active. */
	assert_true(xt_run_cpus(NCPU, OPS, cpu_op, quiet));
	assert_int_equal(overlap, 0);
	assert_int_equal(bad, 0);
	for (i = 0; i < NP; i++) {
		assert_int_equal(tps[i].masked, 0);
		total += tps[i].runs;
	}
	assert_int_equal(dom.refcnt, 1);
	assert_true(total > 0);
	assert_int_equal(sim_bugs, 0);
	print_message("%lu assists for %u operations\n", total, NCPU * OPS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_raise_is_seen_and_references_balance_on_real_threads),
	};

	return cmocka_run_group_tests(tests, boot4, NULL);
}

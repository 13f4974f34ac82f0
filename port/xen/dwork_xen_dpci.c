// SPDX-License-Identifier: BSD-2-Clause
/*
 * The dpci pattern on dwork items (see <dwork_xen_dpci.h>).
 *
 * @owner is the only state besides the item.  Its transitions:
 *
 *   NULL -> d    dwork_dpci_raise(), CAS, after taking a reference on d
 *   d -> NULL    dpci_run() (then calls @assist), dwork_dpci_reset() and a
 *                refused raise, by exchange; each drops the reference
 *
 * A run is queued after every NULL -> d (and at most one is owed), so a
 * run that finds NULL has nothing to do: a reset or an earlier run took
 * its work.
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <dwork/atomic.h>
#include <dwork_xen_dpci.h>

static void cf_check dpci_run(struct dwork_item *it)
{
	struct dwork_dpci *p = container_of(it, struct dwork_dpci, item);
	/*
	 * Claim the owed run and learn its domain in one step.  SEQ_CST, and
	 * the fence below: together with the fence in dwork_dpci_raise(),
	 * so that a raise absorbed because this run was owed has what it
	 * wrote before (Xen: "masked = 1") seen by @assist.  Its acquire
	 * half pairs with the raise's release CAS (the reference was taken
	 * before @owner was set).
	 */
	struct domain *d = dwork_atomic_xchg(&p->owner, NULL, DWORK_SEQ_CST);

	if (d) {
		/*
		 * Pairs with the fence in dwork_dpci_raise(): if that raise's
		 * load saw @owner still set, this fence comes after the raise's
		 * in their total order, so @assist sees what the raise wrote
		 * before it.  A SEQ_CST exchange alone does not order it against
		 * the assist's reads (store buffering).  Free on x86, where
		 * the exchange is a locked instruction and so a full barrier.
		 */
		dwork_atomic_fence_after_rmw(DWORK_SEQ_CST);
		p->assist(d, p);
		put_domain(d);
	}
}

void dwork_dpci_init(struct dwork_dpci *p,
		     void (*assist)(struct domain *d, struct dwork_dpci *p))
{
	/*
	 * The item first: dwork refuses to re-init one that is pending,
	 * queued or running (DWORK_EBUSY; CONFIG_DWORK_DEBUG_CHECKS BUG()s),
	 * and then @owner and @assist stay too: clearing @owner would drop
	 * the owed run's work and leak the domain reference it holds.
	 */
	if (dwork_item_init(&p->item, dpci_run))
		return;
	p->owner = NULL;
	p->assist = assist;
}

void dwork_dpci_raise(struct dwork_dpci *p, struct domain *d)
{
	struct domain *none = NULL, *o;

	if (!d) {
		ASSERT_UNREACHABLE();
		return;
	}
	/*
	 * Pairs with the fence in dpci_run(): if the load (or the failed
	 * CAS) below still sees a run owed, that run's exchange, and so its
	 * fence, comes after this fence, so its @assist sees what this CPU
	 * wrote before the raise.  Stock Xen gets the same from its
	 * locked test_and_set_bit().
	 */
	dwork_atomic_fence(DWORK_SEQ_CST);
	if (dwork_atomic_load(&p->owner, DWORK_RELAXED))
		return;	/* absorbed: a run is owed */
	get_knownalive_domain(d);
	/*
	 * Release: the reference is taken before anyone can take @owner over
	 * (pairs with the exchanges in dpci_run() and dwork_dpci_reset()).
	 * A failed CAS publishes nothing: we keep our reference and drop it.
	 */
	if (!dwork_atomic_cas(&p->owner, &none, d, DWORK_RELEASE,
			      DWORK_RELAXED)) {
		put_domain(d);	/* a raise on another CPU got there first */
		return;
	}
	/*
	 * 0 (absorbed) when a run is still pending from before a reset: that
	 * run finds @owner set and does the work.  An error (this CPU is not
	 * online in dwork: before dwork_cpu_init() or after dwork_cpu_dead())
	 * queues nothing, so no run would ever drop the reference: take the
	 * run back (unless a run or a reset already took it) and drop it.
	 */
	if (dwork_item_raise(&p->item) < 0) {
		/* Acquire: pairs with the release CAS that set @owner. */
		o = dwork_atomic_xchg(&p->owner, NULL, DWORK_ACQUIRE);
		if (o)
			put_domain(o);
		ASSERT_UNREACHABLE();
	}
}

bool dwork_dpci_active(const struct dwork_dpci *p)
{
	/*
	 * Relaxed: a caller that frees @p after a false answer is ordered
	 * after the last run by dwork_item_busy(), not by this load.
	 */
	return dwork_atomic_load(&p->owner, DWORK_RELAXED) != NULL ||
	       dwork_item_busy(&p->item) != 0;
}

void dwork_dpci_reset(struct dwork_dpci *p)
{
	struct domain *d;

	/*
	 * Cancel first, then take @owner.  A raise in between finds @owner
	 * set (absorbed), or sets it and queues a new run after the cancel;
	 * either way the exchange below drops its reference and that run, if
	 * any, finds NULL.  The other order could cancel the run queued by a
	 * raise in between and leave @owner set with no run to clear it.
	 */
	dwork_item_cancel(&p->item);
	/* Acquire: pairs with the release CAS in dwork_dpci_raise(). */
	d = dwork_atomic_xchg(&p->owner, NULL, DWORK_ACQUIRE);
	if (d)
		put_domain(d);
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * The dpci pattern on dwork items (see <dwork_xen_dpci.h>).
 */
#include <xen/lib.h>
#include <xen/sched.h>
#include <dwork_xen_dpci.h>

static void cf_check dpci_run(struct dwork_item *it)
{
	struct dwork_dpci *p = container_of(it, struct dwork_dpci, item);
	struct domain *d = p->dom;

	/* Read @dom before taking SCHED: reset may clear it right after. */
	smp_mb();
	if (test_and_clear_bit(DWORK_DPCI_SCHED, &p->state)) {
		/* We cleared SCHED: the reference it held is ours to drop. */
		p->assist(d, p);
		put_domain(d);
	}
}

void dwork_dpci_init(struct dwork_dpci *p,
		     void (*assist)(struct domain *d, struct dwork_dpci *p))
{
	p->state = 0;
	p->dom = NULL;
	p->assist = assist;
	dwork_item_init(&p->item, dpci_run);
}

void dwork_dpci_raise(struct dwork_dpci *p)
{
	if (test_and_set_bit(DWORK_DPCI_SCHED, &p->state))
		return;
	get_knownalive_domain(p->dom);
	/*
	 * 0 (absorbed) when a run is already owed (queued before a reset
	 * that has since cleared SCHED): that run will see SCHED and do the
	 * work.  An error (this CPU is not online in dwork: before
	 * dwork_cpu_init() or after dwork_cpu_dead()) queues nothing, so no
	 * run would ever drop the reference: take SCHED back and drop it
	 * here, unless a reset got there first.
	 */
	if (dwork_item_raise(&p->item) < 0) {
		if (test_and_clear_bit(DWORK_DPCI_SCHED, &p->state))
			put_domain(p->dom);
		ASSERT_UNREACHABLE();
	}
}

bool dwork_dpci_active(const struct dwork_dpci *p)
{
	return test_bit(DWORK_DPCI_SCHED, &p->state) ||
	       dwork_item_busy(&p->item) != 0;
}

void dwork_dpci_reset(struct dwork_dpci *p)
{
	struct domain *d = p->dom;

	if (test_and_clear_bit(DWORK_DPCI_SCHED, &p->state))
		put_domain(d);
	/* The owed run has nothing left to do: let dwork drop it early. */
	dwork_item_cancel(&p->item);
	p->dom = NULL;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpci pattern (passthrough interrupts, HVM_DPCI_SOFTIRQ) on dwork
 * items.  Installed as xen/include/dwork_xen_dpci.h; see docs/xen.md.
 *
 * Stock Xen keeps a private per-CPU list (dpci_list) and two state bits
 * per pirq: SCHED ("a run is owed, and it holds a domain reference") and
 * RUN ("the softirq is inside hvm_dirq_assist", needed so that a raise on
 * another CPU while it runs is re-queued instead of run twice).  Here dwork
 * owns the queueing: a raise while the callback runs queues one more run
 * after it, never concurrently, and nobody spins (Xen a2a935bc5e); a
 * cancelled run is never linked twice (104072fc1c); a dead CPU's pending
 * items move to the CPU that handles CPU_DEAD (29555668b5).  Only the SCHED
 * bit stays, for its reference-counting rule: whoever sets it takes a
 * reference on @dom, whoever clears it drops that reference.
 *
 *   stock Xen (drivers/passthrough/x86/hvm.c)   dwork helper
 *   raise_softirq_for(pirq_dpci)                dwork_dpci_raise(p)
 *   pt_pirq_softirq_active(pirq_dpci)           dwork_dpci_active(p)
 *   pt_pirq_softirq_reset(pirq_dpci)            dwork_dpci_reset(p)
 *   dpci_softirq() + its CPU notifier           (dwork: TASKLET_SOFTIRQ)
 *   "active ? -ERESTART : 0" in teardown        dwork_dpci_restart(p)
 *
 * Teardown loops over many pirqs must keep a continuation result once seen
 * (XSA-395): use dwork_dpci_merge_rc(&rc, dwork_dpci_restart(p)).
 */
#ifndef DWORK_XEN_DPCI_H
#define DWORK_XEN_DPCI_H

#include <xen/errno.h>
#include <dwork/item.h>

struct domain;

/**
 * struct dwork_dpci - embed one per passthrough pirq
 * @item:   dwork's item
 * @state:  bit DWORK_DPCI_SCHED: a run is owed and holds a ref on @dom
 * @dom:    the domain; set before raising, reset with dwork_dpci_reset()
 * @assist: called in softirq context, IRQs on, with the domain it holds a
 *          reference on (Xen: hvm_dirq_assist)
 */
struct dwork_dpci {
	struct dwork_item item;
	unsigned long state;
	struct domain *dom;
	void (*assist)(struct domain *d, struct dwork_dpci *p);
};

#define DWORK_DPCI_SCHED 0

void dwork_dpci_init(struct dwork_dpci *p,
		     void (*assist)(struct domain *d, struct dwork_dpci *p));

/*
 * raise_softirq_for(): from the interrupt handler.  Absorbed while a run
 * is owed; otherwise takes a reference on p->dom and queues a run on this
 * CPU.  Context: any, including hard IRQ, on a CPU online in dwork (one
 * that takes interrupts is); on any other CPU nothing is queued and the
 * reference is dropped again (and a debug build stops at
 * ASSERT_UNREACHABLE).
 */
void dwork_dpci_raise(struct dwork_dpci *p);

/*
 * pt_pirq_softirq_active(): true while a run is owed, queued or running.
 * When it returns false the softirq has finished with @p.
 */
bool dwork_dpci_active(const struct dwork_dpci *p);

/*
 * pt_pirq_softirq_reset(): with the domain's event lock held, drop an owed
 * run (and its reference) and clear p->dom.  A run already inside @assist
 * keeps the reference it took and finishes normally.
 */
void dwork_dpci_reset(struct dwork_dpci *p);

/* The continuation for hypercall/teardown paths: -ERESTART while active. */
static inline int dwork_dpci_restart(const struct dwork_dpci *p)
{
	return dwork_dpci_active(p) ? -ERESTART : 0;
}

/* Accumulate per-pirq results: an -ERESTART (or an error) is never lost. */
static inline void dwork_dpci_merge_rc(int *rc, int new_rc)
{
	if (*rc == 0 || (*rc == -ERESTART && new_rc && new_rc != -ERESTART))
		*rc = new_rc;
}

#endif /* DWORK_XEN_DPCI_H */

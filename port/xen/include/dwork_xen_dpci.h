/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The dpci pattern (passthrough interrupts, HVM_DPCI_SOFTIRQ) on dwork
 * items.  Installed as xen/include/dwork_xen_dpci.h; see docs/xen.md.
 * `integrate.sh --dpci` converts xen/drivers/passthrough/x86/hvm.c to it.
 *
 * Stock Xen keeps a private per-CPU list (dpci_list) and two state bits
 * per pirq: SCHED ("a run is owed, and it holds a domain reference") and
 * RUN ("the softirq is inside hvm_dirq_assist", needed so that a raise on
 * another CPU while it runs is re-queued instead of run twice).  The run
 * reads pirq_dpci->dom before it claims SCHED, because a reset may clear
 * ->dom at any time.
 *
 * Here dwork owns the queueing: a raise while the callback runs queues one
 * more run after it, never concurrently, and nobody spins (Xen
 * a2a935bc5e); a cancelled run is never linked twice (104072fc1c); a dead
 * CPU's pending items move to the CPU that handles CPU_DEAD (29555668b5).
 * SCHED becomes one pointer, @owner: the domain whose reference the owed
 * run holds, NULL when no run is owed.  Claiming the run and learning its
 * domain is then one atomic exchange, so the run never uses a domain
 * pointer that a reset (and a re-bind) changed in between, and the
 * caller's own ->dom field stays the caller's.
 *
 *   stock Xen (drivers/passthrough/x86/hvm.c)   dwork helper
 *   raise_softirq_for(pirq_dpci)                dwork_dpci_raise(p, dom)
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
 * @owner:  NULL, or the domain an owed run will pass to @assist; the owed
 *          run holds one reference on it.  Whoever sets it took that
 *          reference, whoever exchanges it for NULL drops it.
 * @assist: called in softirq context, IRQs on, with the domain it holds a
 *          reference on (Xen: hvm_dirq_assist)
 */
struct dwork_dpci {
	struct dwork_item item;
	struct domain *owner;
	void (*assist)(struct domain *d, struct dwork_dpci *p);
};

/**
 * dwork_dpci_init - initialise a dpci object (Xen: in pt_pirq_init())
 * @p:      the object
 * @assist: the function an owed run calls
 *
 * Context: any; never while @p may be active (dwork_dpci_active() is
 * false, or @p was never raised).
 * Return: nothing.  An @p whose item is pending, queued or running is
 * left as it was (its owed run keeps its domain reference and @assist);
 * CONFIG_DWORK_DEBUG_CHECKS BUG()s.
 */
void dwork_dpci_init(struct dwork_dpci *p,
		     void (*assist)(struct domain *d, struct dwork_dpci *p));

/**
 * dwork_dpci_raise - owe one run of @assist for @d (raise_softirq_for())
 * @p: the object
 * @d: the domain the run is for (Xen: pirq_dpci->dom)
 *
 * Absorbed when a run is already owed: that run sees everything this CPU
 * wrote before the call.  Otherwise takes a reference on @d, records @d as
 * @p's owner and queues a run on this CPU.
 *
 * Context: any, including hard IRQ, on a CPU online in dwork (one that
 * takes interrupts is).  @d must be alive (get_knownalive_domain()).
 * Return: nothing.  A NULL @d, or a CPU not online in dwork (nothing can
 * be queued there), owes no run and keeps no reference; a debug build
 * stops at ASSERT_UNREACHABLE.
 */
void dwork_dpci_raise(struct dwork_dpci *p, struct domain *d);

/**
 * dwork_dpci_active - is a run owed, queued or running?
 * @p: the object
 *
 * pt_pirq_softirq_active().  Once it returns false the softirq has
 * finished with @p and it may be freed, until the next raise.
 *
 * Context: any.
 * Return: true while a run is owed, queued or running.
 */
bool dwork_dpci_active(const struct dwork_dpci *p);

/**
 * dwork_dpci_reset - drop an owed run and its reference
 * @p: the object
 *
 * pt_pirq_softirq_reset(), for after the interrupt was unbound.  A run
 * already inside @assist keeps its own reference and finishes normally;
 * a run that was owed is dropped and its reference released.  A raise
 * racing with the reset leaves no reference behind (it is dropped here or
 * by the run it queued).
 *
 * Context: task or softirq, IRQs enabled or not (Xen: the domain's
 * event_lock held).
 * Return: nothing.
 */
void dwork_dpci_reset(struct dwork_dpci *p);

/**
 * dwork_dpci_restart - the continuation for hypercall and teardown paths
 * @p: the object
 *
 * Context: any.
 * Return: -ERESTART while dwork_dpci_active(@p), else 0.
 */
static inline int dwork_dpci_restart(const struct dwork_dpci *p)
{
	return dwork_dpci_active(p) ? -ERESTART : 0;
}

/**
 * dwork_dpci_merge_rc - accumulate per-pirq results in a teardown loop
 * @rc:     the loop's result so far
 * @new_rc: this pirq's result
 *
 * An -ERESTART is never overwritten by a later 0, and an error other than
 * -ERESTART wins over both.
 *
 * Context: any.
 * Return: nothing; *@rc is updated.
 */
static inline void dwork_dpci_merge_rc(int *rc, int new_rc)
{
	if (*rc == 0 || (*rc == -ERESTART && new_rc && new_rc != -ERESTART))
		*rc = new_rc;
}

#endif /* DWORK_XEN_DPCI_H */

// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork NMI-safe raise: dwork_item_raise_nmi() and
 * dwork_tasklet_schedule_nmi(), for this CPU only.
 *
 * A non-maskable interrupt may land anywhere on this CPU, IRQs off
 * included: in the middle of a list append or unlink, between the owner's
 * inbox exchange and the sort of what it took, inside a CAS loop on the
 * very node it raises, halfway through a counter update, in the trace
 * hook, in dwork_cpu_dead() adopting another CPU's work.  None of the
 * ordinary entry points is safe there: they save IRQs (which does not
 * keep an NMI out) and link into the owner-only lists.  So this path
 * touches only what is safe against any code it interrupts on the same
 * CPU, the same way it is safe against other CPUs:
 *
 *   state word  CAS only.  An interrupted CAS loop on the same node fails
 *               and re-reads, as it does against another CPU; every
 *               decision the engine takes from a state it read is either
 *               validated by its own CAS or holds for any P/TARGET change
 *               (a node it forwards, drops or appends is re-examined by
 *               the CPU that next holds it).
 *   next        written only after this CAS set QUEUED: nobody else holds
 *               the node then (every holder reads next before it gives the
 *               node up).
 *   inbox       this CPU's own, by the same lock-free push CAS that other
 *               CPUs use.  The owner takes the inbox with one exchange,
 *               which the NMI precedes (its node is taken) or follows (it
 *               finds the inbox empty and raises).  A push has no ABA
 *               problem: its CAS only needs the top it links to.
 *   softirq     dwork_port_raise_softirq_nmi(), the port's NMI-safe form
 *               (Xen: raise_softirq(), a set_bit; Linux's irq_work_queue()
 *               is the model).
 *   nmi count   this CPU's, by CAS: the raise counts itself in before it
 *               looks at the inbox and out after its push, so that
 *               dwork_cpu_dead() of this CPU waits for it (12).
 *
 * and never: the sirq/idle lists, running/killed/in_softirq, the counters
 * (single-writer read-modify-write: an NMI increment could be lost, or
 * lose the interrupted one, so NMI raises are not counted), the reap word
 * (its 0 -> 1 edge must raise the holder's softirq, which may be another
 * CPU: an IPI is not NMI-safe), dwork_port_raise_softirq_on() and the
 * trace hook.
 *
 * Hence the rules, stricter than dwork_item_raise():
 *   - the run happens on this CPU, except when the node is queued on
 *     another CPU's list or inbox (cancelled or pending there): then the
 *     run stays with that CPU, which reaches the node at its next pass or
 *     idle run as it reaches every linked node (moving it would take a
 *     reap request and a remote raise);
 *   - a node that is neither queued nor running goes onto this CPU's
 *     inbox; the softirq pass sorts it onto the lists as it sorts nodes
 *     other CPUs fed, so idle tasklets too are kicked from there;
 *   - while this CPU's dwork_cpu_init() has not reopened the inbox, the
 *     raise is refused (DWORK_ENODEV);
 *   - on a CPU going down (the port stops it, but an NMI can still land
 *     there until dwork_cpu_dead() ran): a raise that sees the inbox
 *     closed or the CPU not online refuses (DWORK_ENODEV); one that saw
 *     it open is accepted, and if dwork_cpu_dead() closes the inbox
 *     before its push, the push follows the adopter and dwork_cpu_dead()
 *     waits for it and raises the adopter's softirq (12).  Never
 *     accepted and stranded.
 *
 * Memory ordering: the state CAS is the same release/acquire as in
 * dwork_node_schedule() ((1), (3), (7) in engine.c), the push the same
 * release CAS that the drain's acquire exchange pairs with (2), and the
 * count and its fence pair with dwork_cpu_dead() (12).
 */
#include "internal.h"

#define P DWORK_ST_PEND
#define Q DWORK_ST_QUEUED
#define R DWORK_ST_RUN
#define D DWORK_ST_DEAD
#define M DWORK_ST_MOVE
#define INIT DWORK_ST_INIT

#ifdef dwork_port_raise_softirq_nmi

/*
 * Push @n, which this call holds (QUEUED on @self), onto this CPU's inbox
 * and raise the softirq if the inbox was empty.  If dwork_cpu_dead() for
 * this CPU closed the inbox after the checks of this raise (a CPU going
 * down still takes NMIs until the port stops it), follow the adopter as
 * any push does; the adopter's softirq cannot be raised from here (an IPI
 * is not NMI-safe), so that dwork_cpu_dead() waits for this raise and
 * raises it (12).
 */
static void nmi_push(struct dwork_node *n, unsigned int self)
{
	struct dwork_cpu *c = dwork_port_cpu(self);
	struct dwork_node *old = dwork_atomic_load(&c->inbox, DWORK_ACQUIRE);
	uint32_t s;

	for (;;) {
		if (old == DWORK_INBOX_CLOSED) {
			unsigned int to = dwork_atomic_load(&c->adopter,
							    DWORK_RELAXED);

			/* QCPU first, as push_irqoff() (engine.c). */
			s = dwork_atomic_load(&n->state, DWORK_RELAXED);
			while (DWORK_ST_QCPU(s) != to &&
			       !dwork_atomic_cas(&n->state, &s,
						  st_set_qcpu(s, to),
						  DWORK_RELAXED, DWORK_RELAXED))
				;
			c = dwork_port_cpu(to);
			old = dwork_atomic_load(&c->inbox, DWORK_ACQUIRE);
			continue;
		}
		n->next = old;
		/* Release: pairs with the drain's acquire exchange (2). */
		if (dwork_atomic_cas(&c->inbox, &old, n, DWORK_RELEASE,
				     DWORK_ACQUIRE))
			break;
	}
	if (!old && c == dwork_port_cpu(self))
		dwork_port_raise_softirq_nmi();
}

static int nmi_raise(struct dwork_node *n, unsigned int self,
		     struct dwork_cpu *me, bool *queued)
{
	uint32_t s, nw;
	bool link;

	/*
	 * Relaxed: this CPU runs dwork code (an NMI included) only after its
	 * own cpu_init(), as dwork_softirq() relies on; online=1 publishes
	 * nothing else this path reads (see cpu_accepting() in engine.c).
	 */
	if (!dwork_atomic_load(&me->online, DWORK_RELAXED) ||
	    dwork_atomic_load(&me->inbox, DWORK_RELAXED) == DWORK_INBOX_CLOSED)
		return DWORK_ENODEV;

	s = dwork_atomic_load(&n->state, DWORK_RELAXED);
	do {
		/* Garbage; with debug_checks as dwork_node_schedule() does. */
		if ((s & (INIT | DWORK_ST_RSVD)) != INIT ||
		    (DWORK_DEBUG && !dwork_node_sane(n, s)))
			return DWORK_EINVAL;
		if (s & D)
			return DWORK_ESHUTDOWN;
		link = !(s & (Q | R));
		if ((s & Q) && DWORK_ST_QCPU(s) != self) {
			/*
			 * Linked on another CPU: the run stays there; after a
			 * cancel it is owed as MOVE, which that CPU queues
			 * again at the back when it reaches the node.
			 */
			nw = (s & (P | M)) ? s
					   : st_set_tgt(s | M, DWORK_ST_QCPU(s));
		} else {
			nw = st_set_tgt(s | P, self);
			if (link)
				nw = st_set_qcpu(nw | Q, self);
			else if (!(s & (P | R)))
				/* Cancelled, linked here: MOVE, as above. */
				nw = (nw & ~P) | M;
		}
		/*
		 * Release: publishes the caller's writes to the run that
		 * follows (1); even an absorbed raise is this RMW.  Acquire:
		 * pairs with the release that last cleared QUEUED or RUN (3),
		 * so our write of next comes after the previous holder's (7).
		 */
	} while (!dwork_atomic_cas(&n->state, &s, nw, DWORK_ACQ_REL,
				    DWORK_RELAXED));
	if (link)
		nmi_push(n, self);
	*queued = !(s & (P | M));
	return 0;
}

static int node_schedule_nmi(struct dwork_node *n, bool *queued)
{
	unsigned int self = dwork_port_this_cpu();
	struct dwork_cpu *me;
	uint32_t v;
	int r;

	*queued = false;
	/* Never initialised, or overwritten (as dwork_node_schedule()). */
	if (n->magic != DWORK_NODE_MAGIC)
		return DWORK_EINVAL;
	if (self >= DWORK_NR_CPUS)
		return DWORK_ENODEV;
	me = dwork_port_cpu(self);
	/*
	 * (12) Announce the raise in this CPU's nmi count before it looks at
	 * the inbox, and withdraw it once its push is done: dwork_cpu_dead()
	 * of this CPU, which may run on another CPU while this NMI does
	 * (the CPU is going down, the port has not stopped it yet), waits
	 * for the count to drop to 0 after closing the inbox.  Counted with
	 * CAS loops (a nested NMI-like handler may raise too).  Relaxed: the
	 * fence below orders it.
	 */
	v = dwork_atomic_load(&me->nmi, DWORK_RELAXED);
	while (!dwork_atomic_cas(&me->nmi, &v, v + 1, DWORK_RELAXED,
				  DWORK_RELAXED))
		;
	/*
	 * Seq_cst fence: pairs with dwork_cpu_dead()'s fence (12) (store
	 * buffering: count, fence, load inbox here; close the inbox, fence,
	 * load the count there).  Either this raise sees the inbox closed
	 * (or online 0) and refuses, or dwork_cpu_dead() sees the count and
	 * waits for it.
	 */
	dwork_atomic_fence(DWORK_SEQ_CST);
	r = nmi_raise(n, self, me, queued);
	/*
	 * Release: pairs with dwork_cpu_dead()'s acquire load of the count
	 * (12): once it reads the count this CAS wrote, it sees our push.
	 */
	v = dwork_atomic_load(&me->nmi, DWORK_RELAXED);
	while (!dwork_atomic_cas(&me->nmi, &v, v - 1, DWORK_RELEASE,
				  DWORK_RELAXED))
		;
	return r;
}

#else /* !dwork_port_raise_softirq_nmi */

static int node_schedule_nmi(struct dwork_node *n, bool *queued)
{
	(void)n;
	*queued = false;
	return DWORK_EOPNOTSUPP;
}

#endif

int dwork_item_raise_nmi(struct dwork_item *it)
{
	bool queued;
	int r;

	if (!it || !it->fn || it->node.kind != DWORK_KIND_ITEM)
		return DWORK_EINVAL;
	r = node_schedule_nmi(&it->node, &queued);
	if (r)
		return r;
	return queued ? DWORK_QUEUED : 0;
}

int dwork_tasklet_schedule_nmi(struct dwork_tasklet *t)
{
	bool queued;

	if (!t || !t->fn ||
	    (t->node.kind != DWORK_KIND_SOFTIRQ && t->node.kind != DWORK_KIND_IDLE))
		return DWORK_EINVAL;
	return node_schedule_nmi(&t->node, &queued);
}

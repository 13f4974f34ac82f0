// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork per-CPU engine: inboxes, per-CPU lists, dispatch, the softirq pass,
 * the idle loop, kill, and CPU hotplug.
 *
 * Freestanding: no libc, no allocation, no lock.  Every cross-CPU access is
 * an __atomic operation from <dwork/atomic.h>, and every barrier below says
 * which barrier it pairs with.
 *
 * Per-CPU structures
 * ------------------
 * Each CPU owns a struct dwork_cpu (storage from the port):
 *   inbox   an MPSC LIFO stack any CPU pushes onto with a CAS (lock-free,
 *           IRQ-safe, no lock shared by CPUs); the owner takes it whole with
 *           one exchange and reverses it, which restores push order.
 *   sirq    the FIFO list of items and softirq tasklets to run here;
 *   idle    the FIFO list of idle tasklets to run here;
 *   pass    what a softirq pass over several nodes took from sirq and
 *           has not run yet (reap scans it too);
 *           all three touched only by the owner with IRQs off.
 *   reap    "please scan your lists": set by a CPU that cancelled, killed or
 *           re-targeted a node queued here; the owner unlinks, drops or
 *           forwards such nodes at its next softirq pass or spin-wait.
 *   adopt   a dead CPU's lists and inbox, handed over by dwork_cpu_dead()
 *           and adopted DWORK_ADOPT_BATCH nodes per IRQs-off section.
 *   online  dwork accepts work for this CPU (init .. dead).
 *   adopter where pushes go once dwork_cpu_dead() closed the inbox.
 *   nmi     NMI-safe raises in progress on this CPU (src/nmi.c), which
 *           dwork_cpu_dead() waits for (12).
 *
 * State table of a node's state word (flags; TARGET and QCPU ride along)
 * -----------------------------------------------------------------------
 *   state          meaning                            who leaves it, how
 *   INIT           idle                               schedule -> INIT|P|Q
 *   INIT|P|Q       pending, linked on QCPU            owner claims -> R,
 *                                                     cancel/kill clears P
 *   INIT|Q         cancelled, still linked            owner unlinks -> INIT;
 *                                                     schedule -> INIT|Q|M
 *   INIT|Q|M       scheduled again after the cancel,  the holder takes it off
 *                  still at its old place (MOVE):     its list or inbox, sets
 *                  a run is owed on TARGET            P and pushes it to the
 *                                                     TARGET's inbox, so it
 *                                                     queues at the back
 *   INIT|R         running                            runner -> INIT
 *   INIT|R|P       running, re-run owed on TARGET     runner -> INIT|P|Q and
 *                                                     links it (requeue)
 *   INIT|D|...     dead (tasklets): refuses schedule; kill waits for Q and
 *                  R to clear; re-init -> INIT
 *   INIT|D         killed by its own callback (self-kill, TARGET = the
 *                  runner's CPU): the callback may still be running and
 *                  owns the node, the runner never touches it again; an
 *                  outside kill waits until that CPU's running[] slot no
 *                  longer holds the node (9).  Re-init from that callback
 *                  -> INIT|R: the callback still runs, so a schedule from
 *                  it is a re-run after it (never a second, concurrent
 *                  run), and the runner ends the run as usual.  Init by
 *                  anyone else (the callback may have freed the memory,
 *                  and it is reused) -> INIT: a fresh object, which runs
 *                  normally while the old callback finishes.
 * Invariants: R and Q are never both set; only the CPU that set Q (by the
 * CAS from !Q&!R, or the runner's requeue CAS) links the node, and only
 * the CPU that takes it off a list clears Q; so a node is never linked
 * twice (Xen 104072fc1c) and no list references a node with Q clear.
 *
 * Who writes what
 * ---------------
 *   state         any CPU, CAS only
 *   next/prev     the CPU that holds the node: the linker before the push,
 *                 then the owner of the list it is on
 *   inbox         any CPU (push CAS), owner and dwork_cpu_dead (exchange)
 *   sirq/idle/pass/running/killed/in_softirq   owner with IRQs off;
 *                 the adopter in dwork_cpu_dead once the CPU is dead.
 *                 running[] is also read by other CPUs' kill
 *                 (acquire, (9)), so the owner stores it atomically
 *   adopt/adopt_lifo/adopt_rev/adopting  owner with IRQs off
 *                 (dwork_cpu_dead, and the adoption steps of
 *                 service_more_irqoff)
 *   stats, fed_raised  owner (relaxed store), anyone (relaxed load)
 *   nmi           this CPU's NMI-safe raises (CAS), dwork_cpu_dead (load)
 * An NMI on the owner (src/nmi.c) writes only a node's state (CAS), the
 * next of a node its CAS made it hold, and the owner's own inbox (push
 * CAS): never the lists, adopt*, stats, fed_raised, reap or the flags
 * above, so it may interrupt any code here, IRQs-off sections included.
 *
 * Synchronization matrix (engine operations; Y: may run concurrently)
 *
 *                  push  drain  reap-scan  claim  cpu_dead(X)  cpu_init(X)
 *   push to X       Y     Y        Y         Y        Y            Y
 *   drain of X      Y     -        -         -        -            -
 *   reap-scan of X  Y     -        -         -        -            -
 *   claim on X      Y     -        -         -        -            -
 *   cpu_dead(X)     Y     -        -         -        -            -
 *   cpu_init(X)     Y     -        -         -        -            -
 * ("-" for drain/scan/claim of the same X: they are all the owner, IRQs
 * off, so they serialise; cpu_init(X) runs while X has no work.  A push
 * to X may still race with cpu_init(X): a scheduler that saw X online
 * before X died, or a pusher following an adopter chain, reaches X's
 * inbox; it finds it CLOSED until cpu_init's last store and then goes to
 * X's old adopter, see (8).)
 *
 * Memory ordering
 * ---------------
 * (1) A scheduler's CAS on the state word is a release; the runner's claim
 *     CAS is an acquire.  Every schedule, coalesced or not, is an RMW on the
 *     state word, so it is in the release sequence read by the claim that
 *     follows it in modification order: writes before an accepted schedule
 *     are visible to the callback that follows (the "Ordering" rule of
 *     tasklet.h and item.h).
 * (2) A push is CAS(inbox, old, n) with release after writing n->next; the
 *     drain is exchange(inbox, NULL) with acquire: the owner sees every
 *     pushed node's next pointer.
 * (3) Clearing Q (unlink/drop), clearing R (after the callback) and the
 *     self-kill (R cleared from the callback) are releases; kill and busy
 *     read the state with acquire: when they see Q and R clear, no list
 *     references the node and the callback's writes are visible.
 * (4) A reap request is fetch_or(reap) with release after the CAS that
 *     cancelled or re-targeted the node; the owner takes it with an acquire
 *     exchange before it scans: the scan sees the new state.
 * (5) cpu_init's reset of the lists precedes a release store of online=1;
 *     dwork_cpu_dead reads the dead CPU's online with acquire before it
 *     adopts them.  Schedulers read online relaxed: it publishes nothing
 *     they read (see cpu_accepting()).
 * (6) dwork_cpu_dead stores the adopter, then exchanges the inbox to CLOSED
 *     with acq_rel; a pusher whose CAS fails on CLOSED reads with acquire
 *     and so sees the adopter.  The exchange's acquire is also (2) for the
 *     chain it takes: the adopter sees every pushed node's next.
 * (7) The schedule CAS that sets QUEUED is also an acquire of (3): the new
 *     holder of next/prev writes them after the previous holder's
 *     last writes (found by ThreadSanitizer in the posix suite).
 * (8) cpu_init never writes adopter, and reopens the inbox (relaxed) only
 *     after online=1.  A pusher that reads CLOSED follows the adopter that
 *     the dwork_cpu_dead() whose exchange it read from stored (6), or a
 *     later one: always a CPU other than this one, so following a chain
 *     never waits for cpu_init's remaining stores (an earlier order,
 *     adopter=self before the inbox reset, made such a pusher spin with
 *     IRQs off until the reset, forever if cpu_init was interrupted by
 *     that pusher's CPU).  The new NULL needs no release: pushers publish
 *     nothing through it; the CPU's own first drain follows cpu_init by
 *     the port's bring-up.
 * (9) The runner stores its running[] slot with release, both when the
 *     callback starts and after it returns; an outside kill of a
 *     self-killed node reads the runner's slots with acquire: once it sees
 *     the slot move on from the node, the callback's writes are visible
 *     and it has returned.  The self-kill CAS (release, after the slot was
 *     set) orders the slot store before the DEAD the killer acquires.
 * (10) dwork_node_init_end's store of INIT is a release; the schedule CAS that
 *     reads it acquires (7), so a schedule on another CPU sees the node
 *     (link fields, kind, callback) initialised.
 * (11) The one schedule that writes nothing: on this CPU, with IRQs off,
 *     of a node pending for this CPU and queued here (INIT|P|Q, TARGET =
 *     QCPU = this CPU).  Only this CPU takes a node off its own inbox and
 *     lists (dwork_cpu_dead() only once it is dead), with IRQs off, so
 *     the run it owes starts after this schedule in program order: here,
 *     or on another CPU after this CPU forwarded it with a release push
 *     (2).  Either way the callback sees the caller's writes, which is
 *     what (1) gives every other schedule.  A cancel, kill or re-target
 *     racing on another CPU is ordered after this schedule: the load read
 *     the word before their CAS in modification order (a stale read
 *     included), and the node they change still leaves through this CPU.
 *     Only this CPU clears Q here, so the load cannot miss that.
 * (12) An NMI-safe raise counts itself in this CPU's nmi word, then a
 *     seq_cst fence, then looks at online and the inbox; dwork_cpu_dead
 *     closes the inbox, then a seq_cst fence, then waits (acquire) for
 *     the dead CPU's nmi count to be 0, which the raise writes with
 *     release after its push.  Store buffering with a fence on both
 *     sides: the raise refuses, or dwork_cpu_dead sees it and waits; its
 *     push (to the adopter, if it found the inbox closed) is then seen,
 *     and dwork_cpu_dead raises the softirq for it.  No accepted NMI-safe
 *     raise is left on an inbox nobody drains.
 * Every other access is relaxed, each with the reason at its site.  Each
 * order above is needed: tests/model/orders.py weakens every order one
 * step and a litmus test of tests/model/wmm.c catches each weakening.
 */
#include "internal.h"

#define P DWORK_ST_PEND
#define Q DWORK_ST_QUEUED
#define R DWORK_ST_RUN
#define D DWORK_ST_DEAD
#define M DWORK_ST_MOVE
#define INIT DWORK_ST_INIT

static inline struct dwork_cpu *cpu_of(unsigned int cpu)
{
	return dwork_port_cpu(cpu);
}

/*
 * Is dwork accepting work for @cpu?  Relaxed: online=1 publishes nothing a
 * scheduler or forwarder reads.  After this check they touch their own
 * node, @cpu's inbox (RMWs and the acquire load in push_irqoff(), (2)/(6))
 * and its reap flag (an RMW); the lists and running slots cpu_init resets
 * are read only by @cpu itself, which the port starts after cpu_init, and
 * by dwork_cpu_dead(), which loads online with acquire (5).  A stale 1
 * after cpu_dead pushes onto the CLOSED inbox and follows the adopter
 * (6); a stale 0 refuses a schedule that raced with cpu_init.
 */
static inline bool cpu_accepting(unsigned int cpu)
{
	return cpu < DWORK_NR_CPUS &&
	       dwork_atomic_load(&cpu_of(cpu)->online, DWORK_RELAXED);
}

/*
 * Single-writer counter: only the owning CPU increments, with IRQs off.
 * Nothing at all without DWORK_STATS (the pointer and the value are then
 * dead code, and so is the caller's test of which counter).
 */
static inline void stat_add(unsigned long *c, unsigned long v)
{
	if (DWORK_STATS)
		dwork_atomic_store(c, dwork_atomic_load(c, DWORK_RELAXED) + v,
				    DWORK_RELAXED);
}

static inline void stat_inc(unsigned long *c)
{
	stat_add(c, 1);
}

/*
 * Raise the softirq on this CPU, out of line: the schedule's common path
 * then needs no register for what the port's raise uses.
 */
static __attribute__((__noinline__)) void raise_here(void)
{
	dwork_port_raise_softirq();
}

/* Raise the softirq on @cpu, locally when it is us. */
static void raise_on(unsigned int cpu, unsigned int self)
{
	if (cpu == self)
		dwork_port_raise_softirq();
	else
		dwork_port_raise_softirq_on(cpu);
}

/* ---------------------------------------------------------------------
 * Owner-only lists.  Caller: the owning CPU with IRQs off (or the adopter
 * of a dead CPU).  No lock, cannot reschedule.
 */

static inline void list_append(struct dwork_list *l, struct dwork_node *n)
{
	n->next = NULL;
	n->prev = l->tail;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	dwork_port_list_point(); /* half linked: tests inject an NMI here */
	l->tail = n;
}

/*
 * Take the head @n off @l.  @n's own next/prev are left stale: nobody reads
 * them until the next holder links @n again and rewrites them.
 */
static inline void list_pop_head(struct dwork_list *l, struct dwork_node *n)
{
	l->head = n->next;
	if (n->next)
		n->next->prev = NULL;
	else
		l->tail = NULL;
}

static void list_unlink(struct dwork_list *l, struct dwork_node *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	dwork_port_list_point(); /* half unlinked: tests inject an NMI here */
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->next = NULL;
	n->prev = NULL;
}

static void list_reset(struct dwork_list *l)
{
	l->head = NULL;
	l->tail = NULL;
}

/*
 * Append @n (state already says QUEUED on @self, TARGET @self) to the right
 * list of this CPU and raise/kick when the list goes from empty to
 * non-empty.  Inside a softirq pass the raise is left to the end of the
 * pass, which re-raises if anything is left.
 * Context: owner, IRQs off.
 */
static DWORK_ALWAYS_INLINE void append_kind_irqoff(struct dwork_cpu *me,
						    unsigned int self,
						    struct dwork_node *n,
						    bool idle)
{
	if (idle) {
		bool was_empty = !me->idle.head;

		list_append(&me->idle, n);
		if (was_empty)
			dwork_port_kick_idle(self);
	} else {
		bool was_empty = !me->sirq.head;

		list_append(&me->sirq, n);
		if (was_empty && !me->in_softirq)
			raise_here();
	}
	dwork_port_trace(DWORK_TRACE_QUEUE, self, n);
}

/* append_kind_irqoff() to the list of @n's kind. */
static inline void append_irqoff(struct dwork_cpu *me, unsigned int self,
				 struct dwork_node *n)
{
	append_kind_irqoff(me, self, n, n->kind == DWORK_KIND_IDLE);
}

/* Record that the node will sit on @cpu's inbox or lists. */
static void set_qcpu(struct dwork_node *n, unsigned int cpu)
{
	uint32_t s = dwork_atomic_load(&n->state, DWORK_RELAXED);

	/*
	 * Relaxed: publishes nothing.  A killer, canceller or re-targeter
	 * reads QCPU only to choose which CPU to ask to reap (a stale QCPU
	 * costs one useless scan; kill asks again when QCPU changes).  The
	 * node's link fields stay with this CPU while Q is set; the release
	 * that hands them on is the later CAS clearing Q (3)/(7).  Being an
	 * RMW, this CAS continues the release sequences of (1).
	 */
	while (DWORK_ST_QCPU(s) != cpu &&
	       !dwork_atomic_cas(&n->state, &s, st_set_qcpu(s, cpu),
				  DWORK_RELAXED, DWORK_RELAXED))
		;
}

/*
 * Push @n onto @c's inbox: true, and *@oldp is the inbox's old head (NULL:
 * it was empty); or false, and nothing was pushed: the inbox is closed
 * (DWORK_INBOX_CLOSED), @c's CPU is dead.  Lock-free: the CAS fails only
 * when another push or a drain succeeded.  Context: any, IRQs off.
 */
static DWORK_ALWAYS_INLINE bool inbox_push(struct dwork_cpu *c,
					   struct dwork_node *n,
					   struct dwork_node **oldp)
{
	/* Acquire: if CLOSED, pairs with (6) so adopter is seen. */
	struct dwork_node *old = dwork_atomic_load(&c->inbox, DWORK_ACQUIRE);

	do {
		if (old == DWORK_INBOX_CLOSED)
			return false;
		n->next = old;
		/* Release: pairs with the drain's acquire exchange (2). */
	} while (!dwork_atomic_cas(&c->inbox, &old, n, DWORK_RELEASE,
				    DWORK_ACQUIRE));
	*oldp = old;
	return true;
}

/*
 * The end of a push to @cpu, whose inbox was @old before it: raise the
 * softirq there if the inbox was empty.
 */
static DWORK_ALWAYS_INLINE void pushed(struct dwork_node *n,
				       const struct dwork_node *old,
				       unsigned int cpu, unsigned int self)
{
	dwork_port_trace(DWORK_TRACE_FEED, cpu, n);
	if (!old)
		raise_on(cpu, self);
}

/*
 * @n found the inbox of @c closed: follow the adopter that
 * dwork_cpu_dead() stored there, and its adopter if that one is dead too,
 * until a push succeeds.  Off the fast path.  Context: any, IRQs off.
 */
static __attribute__((__noinline__, __cold__)) void
push_adopter(struct dwork_node *n, struct dwork_cpu *c, unsigned int self)
{
	struct dwork_node *old;
	unsigned int cpu;

	do {
		cpu = dwork_atomic_load(&c->adopter, DWORK_RELAXED);
		set_qcpu(n, cpu);
		c = cpu_of(cpu);
	} while (!inbox_push(c, n, &old));
	pushed(n, old, cpu, self);
}

/*
 * Push @n, which this CPU holds with QUEUED set and QCPU already @cpu (the
 * CAS that set QUEUED wrote it, or the forwarder's set_qcpu()), onto
 * @cpu's inbox (@c: cpu_of(@cpu)).  If that CPU is dead (inbox closed)
 * follow its adopter.  Raise the softirq on the receiving CPU when its
 * inbox was empty.  Context: any, IRQs off.
 */
static DWORK_ALWAYS_INLINE void push_irqoff(struct dwork_node *n,
					    struct dwork_cpu *c,
					    unsigned int cpu, unsigned int self)
{
	struct dwork_node *old;

	DWORK_CHECK(DWORK_ST_QCPU(dwork_atomic_load(&n->state,
						     DWORK_RELAXED)) == cpu,
		    "push: a node pushed to a CPU's inbox must have "
		    "QCPU set to that CPU first");
	if (inbox_push(c, n, &old))
		pushed(n, old, cpu, self);
	else
		push_adopter(n, c, self);
}

/* Queue @n (QUEUED already set by the caller's CAS) for @cpu. */
static inline void enqueue_irqoff(struct dwork_node *n, unsigned int cpu,
			   unsigned int self)
{
	if (cpu == self) {
		append_irqoff(cpu_of(self), self, n);
	} else {
		push_irqoff(n, cpu_of(cpu), cpu, self);
		if (self < DWORK_NR_CPUS)
			stat_inc(&cpu_of(self)->stats.fed);
	}
}

/*
 * A node this CPU holds (taken off its inbox or a list, QUEUED set) that
 * was scheduled again after a cancel while it was still linked (MOVE): its
 * old place is stale, so it goes to the back of its target's inbox, which
 * is this CPU's own when it is the target (a CPU that does not accept
 * work any more is replaced by this one).  Returns false if the state
 * changed meanwhile (*@sp is then the new word).  Off the fast path.
 */
static __attribute__((__noinline__, __cold__)) bool
moved_irqoff(struct dwork_node *n, unsigned int self, uint32_t *sp)
{
	unsigned int tgt = DWORK_ST_TGT(*sp);

	if (tgt != self && !cpu_accepting(tgt))
		tgt = self;
	/*
	 * Relaxed: like the forward's set_qcpu(), an RMW in the release
	 * sequences of (1); the link fields stay with this CPU (Q set).
	 */
	if (!dwork_atomic_cas(&n->state, sp,
			      st_set_qcpu(st_set_tgt((*sp & ~M) | P, tgt), tgt),
			      DWORK_RELAXED, DWORK_RELAXED))
		return false;
	push_irqoff(n, cpu_of(tgt), tgt, self);
	return true;
}

/*
 * A node this CPU holds (just taken off its inbox or a list, QUEUED still
 * set) arrives here: drop it if no run is owed, forward it if its target
 * is another CPU that accepts work, otherwise make this CPU its target and
 * append it.  Context: owner, IRQs off.  Inlined into
 * arrive_chain_irqoff() (a drain's inbox chain, the feed path, and a
 * reap's unlinked nodes), called through arrive_irqoff() elsewhere.
 */
static DWORK_ALWAYS_INLINE void arrive_body(struct dwork_cpu *me,
					    unsigned int self,
					    struct dwork_node *n)
{
	uint32_t s = dwork_atomic_load(&n->state, DWORK_RELAXED);

	for (;;) {
		/* The common case, one compare: pending and queued here. */
		if (s == (INIT | P | Q | st_cpus(self)))
			break; /* nothing to change: no RMW (it publishes nothing) */
		if (!(s & P)) {
			if (s & M) {
				if (moved_irqoff(n, self, &s))
					return;
				continue;
			}
			/*
			 * Release: pairs with the acquire load in kill/busy
			 * (3); after this CAS this CPU never touches @n.
			 */
			if (dwork_atomic_cas(&n->state, &s, s & ~Q,
					      DWORK_RELEASE, DWORK_RELAXED)) {
				stat_inc(&me->stats.dropped);
				dwork_port_trace(DWORK_TRACE_DROP, self, n);
				return;
			}
			continue;
		}
		if (DWORK_ST_TGT(s) != self && cpu_accepting(DWORK_ST_TGT(s))) {
			stat_inc(&me->stats.forwarded);
			set_qcpu(n, DWORK_ST_TGT(s));
			push_irqoff(n, cpu_of(DWORK_ST_TGT(s)),
				    DWORK_ST_TGT(s), self);
			return;
		}
		/* Ours (or the target went offline: we adopt it). */
		if (DWORK_ST_TGT(s) == self && DWORK_ST_QCPU(s) == self)
			break; /* nothing to change: no RMW (it publishes nothing) */
		if (dwork_atomic_cas(&n->state, &s,
				      st_set_qcpu(st_set_tgt(s, self), self),
				      DWORK_RELAXED, DWORK_RELAXED))
			break;
	}
	append_irqoff(me, self, n);
}

static void arrive_irqoff(struct dwork_cpu *me, unsigned int self,
			  struct dwork_node *n)
{
	arrive_body(me, self, n);
}

/*
 * Reverse an inbox chain (LIFO, @n its newest node) into push order
 * (FIFO) in front of @fifo, and return its oldest node.  Only next is
 * written.
 */
static struct dwork_node *chain_reverse(struct dwork_node *n,
					struct dwork_node *fifo)
{
	while (n) {
		struct dwork_node *next = n->next;

		n->next = fifo;
		fifo = n;
		n = next;
	}
	return fifo;
}

static void arrive_chain_irqoff(struct dwork_cpu *me, unsigned int self,
				struct dwork_node *n)
{
	while (n) {
		/* Read next first: @n may be handed to another CPU. */
		struct dwork_node *next = n->next;

		arrive_body(me, self, n);
		n = next;
	}
}

/*
 * Take this CPU's inbox whole and sort it onto the lists, in order.
 * Called when a relaxed load saw the inbox non-empty.
 *
 * The chain comes newest first.  One walk reverses it into push order,
 * links each node's prev as it goes, and checks that every node is what
 * arrive_body() appends to sirq with no write to its state: pending and
 * queued here (the one compare of its common case), and not an idle
 * tasklet.  Such a chain is a FIFO list already, and joins the back of
 * sirq in one step, as if each node had arrived in turn.  From the first
 * node that is anything else on, the walk only reverses, and every node
 * arrives on its own (arrive_body(): drop, forward, move, re-target).
 * The relaxed loads are arrive_body()'s: a cancel or re-target racing
 * with them asks for a reap (4), which finds the node on sirq.
 */
static void drain_irqoff(struct dwork_cpu *me, unsigned int self)
{
	const uint32_t here = INIT | P | Q | st_cpus(self);
	struct dwork_node *chain, *head, *n;

	/* Acquire: pairs with the pushers' release CAS (2). */
	chain = dwork_atomic_xchg(&me->inbox, NULL, DWORK_ACQUIRE);
	if (chain == DWORK_INBOX_CLOSED) {
		/* Only a dead CPU's inbox is closed; put it back. */
		DWORK_CHECK(0, "dwork_softirq/dwork_idle_run: this CPU's inbox "
			       "is closed: dwork_cpu_dead() was called for it "
			       "while it was still running dwork");
		dwork_atomic_store(&me->inbox, chain, DWORK_RELAXED);
		return;
	}
	if (!chain)
		return;
	/* The newest node (@chain) becomes the tail, @head the oldest. */
	head = chain;
	n = chain->next;
	chain->next = NULL;
	for (;;) {
		struct dwork_node *next;

		if (dwork_atomic_load(&head->state, DWORK_RELAXED) != here ||
		    head->kind == DWORK_KIND_IDLE) {
			/* Not all common: each node arrives on its own. */
			arrive_chain_irqoff(me, self, chain_reverse(n, head));
			return;
		}
		if (!n)
			break;
		next = n->next;
		n->next = head;
		head->prev = n;
		head = n;
		n = next;
	}
	/* @head..@chain joins the back of sirq (list_append() of each). */
	n = me->sirq.tail;
	head->prev = n;
	if (n)
		n->next = head;
	else
		me->sirq.head = head;
	dwork_port_list_point(); /* half linked: tests inject an NMI here */
	me->sirq.tail = chain;
	if (DWORK_PORT_TRACES)
		for (n = head; n; n = n->next)
			dwork_port_trace(DWORK_TRACE_QUEUE, self, n);
	/* As append_irqoff(): raise when sirq was empty, outside a pass. */
	if (me->sirq.head == head && !me->in_softirq)
		raise_here();
}

/*
 * Unlink from @l every node that owes no run, or owes it to another CPU,
 * and let it arrive again (drop or forward).  O(length of @l).
 */
static void reap_list_irqoff(struct dwork_cpu *me, unsigned int self,
			     struct dwork_list *l)
{
	struct dwork_node *n = l->head, *out = NULL, **outp = &out;

	while (n) {
		struct dwork_node *next = n->next;
		uint32_t s = dwork_atomic_load(&n->state, DWORK_RELAXED);

		if (!(s & P) || DWORK_ST_TGT(s) != self) {
			list_unlink(l, n);
			*outp = n;
			outp = &n->next;
		}
		n = next;
	}
	arrive_chain_irqoff(me, self, out);
}

/*
 * Everything an owner does before looking at its lists: drain the inbox,
 * then honour a reap request.  Context: owner, IRQs off.
 */
static bool adopt_step_irqoff(struct dwork_cpu *me, unsigned int self);

static void reap_irqoff(struct dwork_cpu *me, unsigned int self)
{
	/* Acquire: pairs with the release fetch_or in request_reap() (4). */
	if (dwork_atomic_xchg(&me->reap, 0, DWORK_ACQUIRE)) {
		reap_list_irqoff(me, self, &me->pass);
		reap_list_irqoff(me, self, &me->sirq);
		reap_list_irqoff(me, self, &me->idle);
	}
}

static __attribute__((__noinline__)) void
service_more_irqoff(struct dwork_cpu *me, unsigned int self)
{
	/*
	 * An adoption in progress first (dwork_cpu_dead()): the inbox waits
	 * until it is done, so what was pushed to the dead CPU after its
	 * inbox closed (and came here) arrives after what was pushed before.
	 * Relaxed peeks; the exchanges in the callees are the acquires.
	 */
	if (me->adopting)
		adopt_step_irqoff(me, self);
	else if (dwork_atomic_load(&me->inbox, DWORK_RELAXED))
		drain_irqoff(me, self);
	if (dwork_atomic_load(&me->reap, DWORK_RELAXED))
		reap_irqoff(me, self);
}

/*
 * The common case is none of the three: one branch on the three words
 * ORed together (the per-CPU "attention" test), then the out-of-line
 * service_more_irqoff().  Relaxed: peeks, as there.
 */
static inline void service_irqoff(struct dwork_cpu *me, unsigned int self)
{
	if ((uintptr_t)dwork_atomic_load(&me->inbox, DWORK_RELAXED) |
	    dwork_atomic_load(&me->reap, DWORK_RELAXED) | me->adopting)
		service_more_irqoff(me, self);
}

/* Ask @cpu to scan its lists; raise its softirq on the 0 -> 1 edge. */
static void request_reap(unsigned int cpu, unsigned int self)
{
	if (cpu >= DWORK_NR_CPUS)
		return;
	/* Release: pairs with service_irqoff()'s acquire exchange (4). */
	if (!dwork_atomic_fetch_or(&cpu_of(cpu)->reap, 1, DWORK_RELEASE))
		raise_on(cpu, self);
}

/*
 * Decide about a node just taken off this CPU's list: claim it (returns
 * true, state now RUN and *@sp the word this CPU wrote), or drop/forward
 * it (returns false).  Context: owner, IRQs off.
 */
static DWORK_ALWAYS_INLINE bool claim_irqoff(struct dwork_cpu *me,
					     unsigned int self,
					     struct dwork_node *n,
					     uint32_t *sp)
{
	/*
	 * No load first: the CAS tries the common case (pending and queued
	 * here: INIT|P|Q, TARGET = QCPU = this CPU) and, if the word is
	 * anything else, returns it for the general case below.  A failed
	 * CAS writes and publishes nothing.
	 */
	uint32_t s = INIT | P | Q | st_cpus(self), nw = INIT | R | st_cpus(self);

	for (;;) {
		uint32_t tgt;

		/*
		 * Acquire: pairs with every scheduler's release CAS (1); the
		 * callback sees what was written before each schedule.
		 */
		if (dwork_atomic_cas(&n->state, &s, nw, DWORK_ACQUIRE,
				      DWORK_RELAXED)) {
			*sp = nw;
			return true;
		}
		tgt = DWORK_ST_TGT(s);
		if (!(s & P) || (tgt != self && cpu_accepting(tgt))) {
			arrive_irqoff(me, self, n); /* drops or forwards */
			return false;
		}
		nw = (s & ~(P | Q)) | R;
		if (tgt != self) /* its target went offline: we adopt it */
			nw = st_set_tgt(nw, self);
	}
}

static void invoke(struct dwork_node *n)
{
	switch (n->kind) {
	case DWORK_KIND_ITEM: {
		struct dwork_item *it =
			dwork_container_of(n, struct dwork_item, node);

		it->fn(it);
		break;
	}
	default: {
		struct dwork_tasklet *t =
			dwork_container_of(n, struct dwork_tasklet, node);

		t->fn(t->data);
		break;
	}
	}
}

/*
 * After the callback: clear RUN; if a run was owed meanwhile, queue @n on
 * its target in the same step.  @s: the state word as last read.
 */
static void finish_irqoff(struct dwork_cpu *me, unsigned int self,
			  struct dwork_node *n, uint32_t s)
{
	bool requeue;

	do {
		requeue = (s & P) && !(s & D);
		/*
		 * Release: pairs with kill/busy's acquire load (3), so they see
		 * the callback's writes once R is clear.  On requeue the node
		 * goes QUEUED on its target in the same step.
		 */
	} while (!dwork_atomic_cas(&n->state, &s,
				    requeue ? st_set_qcpu((s & ~R) | Q,
							  DWORK_ST_TGT(s))
					    : s & ~R,
				    DWORK_RELEASE, DWORK_RELAXED));
	if (requeue) {
		stat_inc(&me->stats.requeued);
		/*
		 * A re-run here goes behind what this CPU was fed before it
		 * was owed: the raise that owed it came after those pushes.
		 * During an adoption the inbox waits (service_irqoff()).
		 */
		if (DWORK_ST_TGT(s) == self && !me->adopting &&
		    dwork_atomic_load(&me->inbox, DWORK_RELAXED))
			drain_irqoff(me, self);
		enqueue_irqoff(n, DWORK_ST_TGT(s), self);
	}
}

/*
 * Run a claimed node's callback at nesting level @lvl with IRQs enabled,
 * then re-queue it if it was scheduled meanwhile.  Entered with IRQs off
 * (@flags from the caller's save, which had them on), and returns with
 * IRQs off again, so the caller goes on to its next node without another
 * save/restore pair.  Returns the flags of that save: the same value as
 * @flags (IRQs were on), so that the caller need not keep @flags across
 * the callback.
 */
static DWORK_ALWAYS_INLINE unsigned long run_irqoff(struct dwork_cpu *me,
						    unsigned int self,
						    struct dwork_node *n,
						    int lvl,
						    unsigned long flags,
						    uint32_t s)
{
	DWORK_CHECK(!me->running[lvl],
		    "dwork_softirq/dwork_idle_run: called from a callback of "
		    "the same kind on this CPU (callbacks do not nest)");
	/*
	 * Relaxed: publishes nothing.  A running_on() that sees @n only
	 * keeps waiting (kill); an outside kill that must
	 * not miss this store reads the slot after acquiring the self-kill
	 * CAS, which follows this store in program order (coherence).
	 */
	dwork_atomic_store(&me->running[lvl], n, DWORK_RELAXED);
	/*
	 * me->killed[lvl] is false here: only a self-kill during a run at
	 * @lvl sets it, and the end of that run (below), the re-init from
	 * that callback and dwork_cpu_init() clear it.
	 */
	dwork_port_trace(DWORK_TRACE_RUN, self, n);
	dwork_port_irq_restore(flags);

	invoke(n);

	flags = dwork_port_irq_save(); /* same value as @flags: IRQs were on */
	/*
	 * Release: pairs with running_on()'s acquire (9): a kill waiting for
	 * a self-killed callback sees its writes once the slot is cleared.
	 */
	dwork_atomic_store(&me->running[lvl], NULL, DWORK_RELEASE);
	if (me->killed[lvl]) {
		/* Self-kill: the callback owns @n now; never touch it. */
		me->killed[lvl] = false;
		return flags;
	}
	dwork_port_trace(DWORK_TRACE_DONE, self, n);
	/*
	 * Common case first: nobody touched the state word since our claim
	 * (@s is what the claim wrote), so clear RUN in one CAS.  Release:
	 * as in finish_irqoff().  On failure @s is the current word.
	 */
	if (!dwork_atomic_cas(&n->state, &s, s & ~R, DWORK_RELEASE,
			       DWORK_RELAXED))
		finish_irqoff(me, self, n, s);
	return flags;
}

/* The calling CPU's struct if dwork runs on it, else NULL. */
static struct dwork_cpu *this_dwork_cpu(unsigned int *selfp)
{
	unsigned int self = dwork_port_this_cpu();

	*selfp = self;
	if (self >= DWORK_NR_CPUS)
		return NULL;
	return cpu_of(self);
}

/* ---------------------------------------------------------------------
 * Operations on nodes (items and tasklets).
 */

/* Could dwork have written this node and state word?  See internal.h. */
#define node_sane(n, s) dwork_node_sane((n), (s))

/* Is @n's callback running on @cpu (at any level)?  Acquire: see (9). */
static bool running_on(unsigned int cpu, const struct dwork_node *n)
{
	struct dwork_cpu *c;
	int lvl;

	if (cpu >= DWORK_NR_CPUS)
		return false;
	c = cpu_of(cpu);
	for (lvl = 0; lvl < DWORK_NR_LVL; lvl++)
		if (dwork_atomic_load(&c->running[lvl], DWORK_ACQUIRE) == n)
			return true;
	return false;
}

/*
 * Where does @n's callback run on this CPU?  DWORK_NR_LVL if it does not;
 * otherwise its level, and *@own tells whether the caller is that
 * callback itself (not an IRQ that interrupted it, nor a softirq nested
 * in an idle callback).  Context: any; reads only this CPU's slots.
 */
static int own_level(struct dwork_cpu *me, const struct dwork_node *n,
		     bool *own)
{
	int inner, lvl;

	*own = false;
	if (!me)
		return DWORK_NR_LVL;
	/* Plain reads: only this CPU writes its own slots. */
	inner = me->running[DWORK_LVL_SOFTIRQ] ? DWORK_LVL_SOFTIRQ
					       : DWORK_LVL_IDLE;
	/*
	 * The innermost callback first: a self-killed idle callback's
	 * memory may hold a fresh softirq tasklet that now runs nested in
	 * it, and is the caller.
	 */
	if (me->running[inner] == n) {
		*own = !dwork_port_in_irq();
		return inner;
	}
	/* An outer level: the caller is nested in that callback. */
	for (lvl = 0; lvl < DWORK_NR_LVL; lvl++)
		if (me->running[lvl] == n)
			return lvl;
	return DWORK_NR_LVL;
}

uint32_t dwork_node_init_begin(struct dwork_node *n)
{
	unsigned int self;
	struct dwork_cpu *me = this_dwork_cpu(&self);
	uint32_t nw = INIT;
	bool own;
	int lvl = own_level(me, n, &own);

	/*
	 * A node init wrote before (magic) may still be in use.  Never wipe
	 * one that a list or a callback references: that corrupts the list
	 * it is on, or lets a schedule start a second run next to the
	 * running one.  Refuse (the node keeps working as it was, with the
	 * callback and argument it had: the caller writes them only after
	 * this returned a state) and say so.
	 *
	 * A tasklet its own callback killed is no longer referenced: the
	 * runner never touches it again, and the callback may free it.  So
	 * its memory may be initialised again at once by anyone but that
	 * callback (another CPU, an IRQ on this one: a slab hands the
	 * address out again) as a fresh object, which schedules and runs
	 * normally even while the old callback is still finishing; only a
	 * re-init from that callback itself continues the old run (below).
	 */
	if (n->magic == DWORK_NODE_MAGIC) {
		/*
		 * Relaxed: only the refusal below depends on it.  A lawful
		 * init already follows the kill or busy() acquire that ended
		 * the previous life; for a racing misuse an acquire would not
		 * make the value any fresher.
		 */
		uint32_t s = dwork_atomic_load(&n->state, DWORK_RELAXED);

		if (lvl < DWORK_NR_LVL && own && me->killed[lvl]) {
			/*
			 * Re-init from the tasklet's own callback after it
			 * killed itself: the callback still runs, so the new
			 * life starts as running (TARGET = here).  A schedule
			 * from the rest of the callback is then a re-run
			 * after it, never a concurrent one, and the runner
			 * ends this run as usual (killed[] is cleared).
			 */
			me->killed[lvl] = false;
			nw = st_set_qcpu(st_set_tgt(INIT | R, self), self);
		} else if (lvl < DWORK_NR_LVL && !me->killed[lvl]) {
			DWORK_CHECK(0, "dwork_tasklet_init/dwork_item_init: "
				    "the object's callback is running on this "
				    "CPU; re-init only from that callback, and "
				    "only after it killed its own tasklet");
			return 0;
		} else if (node_sane(n, s) && (s & (P | Q | R))) {
			DWORK_CHECK(0, "dwork_tasklet_init/dwork_item_init: "
				    "the object is pending, queued or running; "
				    "kill the tasklet (or wait until "
				    "dwork_item_busy() returns 0) first");
			return 0;
		}
	}
	return nw;
}

void dwork_node_init_end(struct dwork_node *n, enum dwork_kind kind,
			 uint32_t nw)
{
	n->next = NULL;
	n->prev = NULL;
	n->kind = (uint8_t)kind;
	n->rsvd = 0;
	n->magic = DWORK_NODE_MAGIC;
	/*
	 * Release: a node handed to another CPU after init is seen
	 * initialised.  The caller guarantees nothing else uses @n now.
	 */
	dwork_atomic_store(&n->state, nw, DWORK_RELEASE);
}

/*
 * A schedule found the node linked on QCPU of @s (the word before its CAS)
 * while the run it owes is for another CPU (re-target), or after a cancel
 * (now MOVE).  Ask the holder to scan its lists: it forwards the node, or
 * queues it again at the back (arrive_body(), moved_irqoff()).  When this
 * CPU holds a cancelled node, it does that at once, so a later schedule
 * from here queues behind it: its inbox first (the node may be there),
 * then its lists, then the inbox again (where the node went).  During an
 * adoption the inbox waits, as in service_irqoff(), and the node is moved
 * when the adoption reaches it.  Off the fast path.
 * Context: IRQs off.
 */
static __attribute__((__noinline__, __cold__)) void
relink_irqoff(uint32_t s, unsigned int self)
{
	struct dwork_cpu *me;
	bool adopting;

	if (DWORK_ST_QCPU(s) != self || (s & P)) {
		request_reap(DWORK_ST_QCPU(s), self);
		return;
	}
	me = cpu_of(self);
	adopting = me->adopting;
	if (!adopting && dwork_atomic_load(&me->inbox, DWORK_RELAXED))
		drain_irqoff(me, self);
	reap_list_irqoff(me, self, &me->pass);
	reap_list_irqoff(me, self, &me->sirq);
	reap_list_irqoff(me, self, &me->idle);
	if (!adopting && dwork_atomic_load(&me->inbox, DWORK_RELAXED))
		drain_irqoff(me, self);
}

/*
 * A schedule for a CPU that does not accept work: a killed tasklet still
 * answers DWORK_ESHUTDOWN (it refuses every schedule until re-init), any
 * other node DWORK_ENODEV.  Off the fast path.  Relaxed: a kill that
 * returned on this thread is seen by coherence; one on another thread
 * that did not happen before this call may or may not be.
 */
static __attribute__((__noinline__, __cold__)) int
refused_cpu(const struct dwork_node *n)
{
	return (dwork_atomic_load(&n->state, DWORK_RELAXED) & D)
		       ? DWORK_ESHUTDOWN
		       : DWORK_ENODEV;
}

/*
 * A schedule for @cpu, made on @self, of a node in state @s: is a run
 * already owed here and the node queued here (INIT|P|Q, TARGET = QCPU =
 * this CPU), so that it coalesces with no write at all (11)?  The word is
 * known whole, so this is one compare.  Both CPU fields come from one
 * multiplication; for @self = DWORK_CPU_NONE it gives TARGET = 4095,
 * which no CPU has (DWORK_NR_CPUS <= 4095).  A macro: as an inline
 * function gcc 12 spends one more instruction on the tasklet schedule
 * (callgrind).
 */
#define coalesces_here(s, cpu, self)                                       \
	((cpu) == (self) &&                                                \
	 (s) == (INIT | P | Q |                                            \
		 ((uint32_t)(self) << DWORK_ST_TGT_SHIFT) *                \
			 (1u + (1u << (DWORK_ST_QCPU_SHIFT -               \
				       DWORK_ST_TGT_SHIFT)))))

/* What feed_new() does after the push: count it, restore IRQs. */
static DWORK_ALWAYS_INLINE DWORK_RELEASES_IRQ int
fed_new(unsigned int self, unsigned long flags, int queued)
{
	/* Counted once for both raised and fed (dwork_cpu_stats()). */
	if (self < DWORK_NR_CPUS)
		stat_inc(&cpu_of(self)->fed_raised);
	dwork_port_irq_restore(flags);
	return queued;
}

/*
 * feed_new() for a node that found the inbox closed: the push follows
 * the adopter.  Out of line and reached by a tail call with the same
 * arguments, so that feed_new() moves no register and keeps nothing
 * across a call.
 */
static __attribute__((__noinline__, __cold__)) DWORK_NOCLONE
DWORK_RELEASES_IRQ int
feed_new_adopter(struct dwork_node *n, unsigned int cpu, struct dwork_cpu *c,
		 unsigned long flags, unsigned int self, int queued)
{
	(void)cpu; /* closed: the push goes elsewhere */
	push_adopter(n, c, self);
	return fed_new(self, flags, queued);
}

/*
 * The end of a schedule that queued an idle node for another CPU: push it
 * there (push_irqoff(), with its adopter path out of line) and count it.
 * Out of line, so that the local schedule makes no call.  Entered with
 * IRQs off (@flags from the save); returns @queued with IRQs restored.
 */
static __attribute__((__noinline__)) DWORK_RELEASES_IRQ int
feed_new(struct dwork_node *n, unsigned int cpu, struct dwork_cpu *c,
	 unsigned long flags, unsigned int self, int queued)
{
	struct dwork_node *old;

	DWORK_CHECK(DWORK_ST_QCPU(dwork_atomic_load(&n->state,
						     DWORK_RELAXED)) == cpu,
		    "push: a node pushed to a CPU's inbox must have "
		    "QCPU set to that CPU first");
	if (!inbox_push(c, n, &old))
		return feed_new_adopter(n, cpu, c, flags, self, queued);
	/* As pushed(), but @cpu is not this CPU (the caller's test). */
	dwork_port_trace(DWORK_TRACE_FEED, cpu, n);
	if (!old)
		dwork_port_raise_softirq_on(cpu);
	return fed_new(self, flags, queued);
}

/*
 * The rest of node_schedule(), out of line: every schedule but the one
 * that queues an idle node on this CPU.  Entered with IRQs off (@flags
 * from the save) and @s as last read; returns what node_schedule()
 * returns, with IRQs restored.
 */
static __attribute__((__noinline__)) DWORK_RELEASES_IRQ int
node_schedule_slow(struct dwork_node *n, unsigned int cpu, unsigned int self,
		   unsigned long flags, uint32_t s, int queued)
{
	uint32_t nw;
	bool link;

	do {
		/*
		 * Idle (the flag byte holds INIT alone: no P, Q, R, D or
		 * reserved bit): the schedule that queues, one compare.
		 * "continue" goes to the CAS below.
		 */
		if ((s & DWORK_ST_FLAGS) == INIT &&
		    (!DWORK_DEBUG || node_sane(n, s))) {
			link = true;
			nw = INIT | P | Q | st_cpus(cpu);
			continue;
		}
		/* Garbage: no INIT or a reserved bit (same cost as INIT alone). */
		if ((s & (INIT | DWORK_ST_RSVD)) != INIT ||
		    (DWORK_DEBUG && !node_sane(n, s))) {
			dwork_port_irq_restore(flags);
			return DWORK_EINVAL;
		}
		if (s & D) {
			dwork_port_irq_restore(flags);
			return DWORK_ESHUTDOWN;
		}
		/*
		 * A run is already owed here and the node is queued here:
		 * coalesce with no write at all (11).  The word is known
		 * whole, so one compare; the P test first keeps this off
		 * the path of a schedule that queues.
		 */
		if ((s & P) && coalesces_here(s, cpu, self)) {
			link = false;
			break;
		}
		link = !(s & (Q | R));
		nw = st_set_tgt(s | P, cpu);
		if (link)
			nw = st_set_qcpu(nw | Q, cpu);
		else if (!(s & (P | R)))
			/* Cancelled, still linked: its place is stale. */
			nw = (nw & ~P) | M;
		/*
		 * Release: publishes the caller's writes to the run that
		 * follows, pairs with the claim's acquire (1).  Every
		 * coalesced schedule but the one above (11) is this RMW,
		 * never a plain load.
		 * Acquire: pairs with the release that last cleared QUEUED
		 * (unlink) or RUN (runner) (3), so when we take the link
		 * fields (next/prev) our writes come after the previous
		 * holder's (7).
		 */
	} while (!dwork_atomic_cas(&n->state, &s, nw, DWORK_ACQ_REL,
				    DWORK_RELAXED));

	if (link)
		enqueue_irqoff(n, cpu, self);
	else if ((s & Q) && (DWORK_ST_QCPU(s) != cpu || !(s & P)))
		relink_irqoff(s, self); /* please forward it, or move it */
	if (self < DWORK_NR_CPUS)
		stat_inc((s & (P | M)) ? &cpu_of(self)->stats.coalesced
				       : &cpu_of(self)->stats.raised);
	dwork_port_irq_restore(flags);
	return (s & (P | M)) ? 0 : queued;
}

/*
 * The schedule of every item and tasklet.  @queued: what to return when a
 * new run was queued (DWORK_QUEUED for items, 0 for tasklets, whose API
 * does not tell the two apart), so that each entry point below is this
 * body with no wrapper frame around it; @coalesce_first: see below.
 */
static DWORK_ALWAYS_INLINE int node_schedule(struct dwork_node *n,
					     unsigned int cpu, int queued,
					     bool coalesce_first,
					     enum dwork_kind kind)
{
	unsigned int self = dwork_port_this_cpu();
	struct dwork_cpu *me, *c;
	unsigned long flags;
	uint32_t s;

	if (coalesce_first) {
		/*
		 * Items: a raise of an item already pending here is the hot
		 * path of the dpci pattern (an interrupt storm), so it is
		 * tested first and leaves at once: the whole-word compare
		 * implies every check below (an item initialised with a
		 * callback, INIT, no reserved bit, not DEAD), and a CPU
		 * running this accepts work (only dwork_cpu_dead(), on
		 * another CPU once this one is dead, stops that).  With
		 * debug_checks it checks them all (a tasklet passed as an
		 * item, pending here, is refused, not answered 0); without,
		 * it adds no instruction.
		 */
		flags = dwork_port_irq_save();
		s = dwork_atomic_load(&n->state, DWORK_RELAXED);
		if (coalesces_here(s, cpu, self) &&
		    (!DWORK_DEBUG ||
		     (node_sane(n, s) &&
		      dwork_item_ok(dwork_container_of(n, struct dwork_item,
						       node))))) {
			/*
			 * From no CPU (self >= DWORK_NR_CPUS) only garbage
			 * reads as pending here (TARGET = 4095 is no CPU's):
			 * count nothing, write nothing.
			 */
			if (self < DWORK_NR_CPUS)
				stat_inc(&cpu_of(self)->stats.coalesced);
			dwork_port_irq_restore(flags);
			return 0;
		}
		if (!dwork_item_ok(dwork_container_of(n, struct dwork_item,
						      node))) {
			dwork_port_irq_restore(flags);
			return DWORK_EINVAL;
		}
		if (!cpu_accepting(cpu)) {
			dwork_port_irq_restore(flags);
			return refused_cpu(n);
		}
		c = cpu_of(cpu);
	} else {
		/*
		 * Tasklets rarely coalesce: their schedule that queues keeps
		 * the shorter path, and the same test comes after the node
		 * checks.  The caller (tasklet.c) checked the kind and the
		 * magic (never initialised, or overwritten) with one compare.
		 */
		if (cpu >= DWORK_NR_CPUS)
			return refused_cpu(n);
		c = cpu_of(cpu);
		/* Relaxed: as in cpu_accepting(). */
		if (!dwork_atomic_load(&c->online, DWORK_RELAXED))
			return refused_cpu(n);
		flags = dwork_port_irq_save();
		/*
		 * No load: the CAS below tries the common case, a node idle
		 * since its last run on @cpu, and returns the word if it is
		 * anything else.  A failed CAS writes and publishes nothing.
		 */
		s = INIT | st_cpus(cpu);
	}
	/*
	 * The schedule that queues: an idle node (the flag byte holds INIT
	 * alone: no P, Q, R, D or reserved bit).  One compare, the CAS and
	 * the append or push; everything else is node_schedule_slow().  A
	 * tasklet's first CAS needs no test: @s is the guess, idle.
	 */
	if (!coalesce_first || ((s & DWORK_ST_FLAGS) == INIT &&
				(!DWORK_DEBUG || node_sane(n, s)))) {
		for (;;) {
			/*
			 * Release and acquire: as the CAS of
			 * node_schedule_slow(), (1) and (7).  On failure @s
			 * is the current word.
			 */
			if (dwork_atomic_cas(&n->state, &s,
					      INIT | P | Q | st_cpus(cpu),
					      DWORK_ACQ_REL, DWORK_RELAXED))
				break;
			if ((s & DWORK_ST_FLAGS) != INIT ||
			    (DWORK_DEBUG && !node_sane(n, s)))
				return node_schedule_slow(n, cpu, self, flags,
							  s, queued);
		}
		if (cpu != self)
			return feed_new(n, cpu, c, flags, self, queued);
		me = c; /* cpu_of(self) */
		DWORK_HIDE(me);
		append_kind_irqoff(me, self, n, kind == DWORK_KIND_IDLE);
		stat_inc(&me->stats.raised);
		dwork_port_irq_restore(flags);
		return queued;
	}
	return node_schedule_slow(n, cpu, self, flags, s, queued);
}

int dwork_node_schedule(struct dwork_node *n, unsigned int cpu)
{
	return node_schedule(n, cpu, DWORK_QUEUED, true, DWORK_KIND_ITEM);
}

int dwork_node_schedule_here(struct dwork_node *n)
{
	return node_schedule(n, dwork_port_this_cpu(), DWORK_QUEUED, true,
			     DWORK_KIND_ITEM);
}

int dwork_node_schedule_softirq(struct dwork_node *n, unsigned int cpu)
{
	return node_schedule(n, cpu, 0, false, DWORK_KIND_SOFTIRQ);
}

int dwork_node_schedule_softirq_here(struct dwork_node *n)
{
	return node_schedule(n, dwork_port_this_cpu(), 0, false,
			     DWORK_KIND_SOFTIRQ);
}

int dwork_node_schedule_idle(struct dwork_node *n, unsigned int cpu)
{
	return node_schedule(n, cpu, 0, false, DWORK_KIND_IDLE);
}

/*
 * Idle tasklets are scheduled far less often: no body of their own for
 * this CPU, one fewer copy of node_schedule() (a schedule whose thread
 * moved to another CPU in between feeds the CPU it was called on).
 */
int dwork_node_schedule_idle_here(struct dwork_node *n)
{
	return dwork_node_schedule_idle(n, dwork_port_this_cpu());
}

void dwork_node_cancel(struct dwork_node *n)
{
	unsigned int self = dwork_port_this_cpu();
	unsigned long flags = dwork_port_irq_save();
	uint32_t s = dwork_atomic_load(&n->state, DWORK_RELAXED);

	while ((s & (P | M)) &&
	       !dwork_atomic_cas(&n->state, &s, s & ~(P | M), DWORK_RELAXED,
				  DWORK_RELAXED))
		;
	/* Still linked somewhere: ask that CPU to unlink it now. */
	if ((s & (P | M)) && (s & Q))
		request_reap(DWORK_ST_QCPU(s), self);
	dwork_port_irq_restore(flags);
}

int dwork_node_kill(struct dwork_node *n)
{
	unsigned int self;
	struct dwork_cpu *me = this_dwork_cpu(&self);
	unsigned int requested = DWORK_CPU_NONE;
	/*
	 * Relaxed: this read only chooses the path.  Every return of 0 below
	 * follows either the wait loop's acquire load (3) or, for a self-kill,
	 * the claim's acquire (1) of the callback running here.
	 */
	uint32_t s = dwork_atomic_load(&n->state, DWORK_RELAXED);

	/* Garbage would make the wait below spin forever: refuse it. */
	if (!node_sane(n, s))
		return DWORK_EINVAL;

	if (me) {
		bool own;
		int lvl = own_level(me, n, &own);

		DWORK_CHECK(dwork_port_in_irq() || !dwork_port_irqs_disabled(),
			    "dwork_tasklet_kill: called with IRQs disabled "
			    "outside an interrupt handler; it may wait for "
			    "another CPU");
		if (lvl < DWORK_NR_LVL) {
			/*
			 * The callback runs on this CPU below us (an IRQ, or
			 * a softirq nested in an idle callback): waiting for
			 * it would wait forever, also after a self-kill.
			 */
			if (!own)
				return DWORK_EDEADLK;
			/* The callback itself, which killed itself before. */
			if (me->killed[lvl])
				return 0;
			/*
			 * Self-kill from the callback: state had R (and maybe
			 * P), never Q.  Clear both, mark dead and record this
			 * CPU as TARGET, whose running[] slot an outside kill
			 * watches until the callback returns (9); the runner
			 * sees killed[] and never touches @n again.
			 * Release: pairs with another killer's acquire (3).
			 */
			while (!dwork_atomic_cas(&n->state, &s,
						  st_set_tgt((s & ~(P | R)) | D,
							     self),
						  DWORK_RELEASE,
						  DWORK_RELAXED))
				;
			me->killed[lvl] = true;
			return 0;
		}
	}

	while (!(s & D) && !dwork_atomic_cas(&n->state, &s,
					      (s & ~(P | M)) | D,
					      DWORK_RELAXED, DWORK_RELAXED))
		;

	for (;;) {
		/* Acquire: pairs with the release clearing Q or R (3). */
		s = dwork_atomic_load(&n->state, DWORK_ACQUIRE);
		/*
		 * A self-killed callback may still run on TARGET: wait for
		 * its slot there too (9).  For any other node that slot
		 * never holds @n once R is clear: two loads, then done.
		 */
		if (!(s & (Q | R)) && !running_on(DWORK_ST_TGT(s), n))
			break;
		if ((s & Q) && DWORK_ST_QCPU(s) != requested) {
			requested = DWORK_ST_QCPU(s);
			request_reap(requested, self);
		}
		/* Keep our own CPU's queue moving: no mutual kill deadlock. */
		if (me && dwork_atomic_load(&me->online, DWORK_RELAXED)) {
			unsigned long flags = dwork_port_irq_save();

			service_irqoff(me, self);
			dwork_port_irq_restore(flags);
		}
		dwork_port_cpu_relax();
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Per-CPU entry points.
 */

/*
 * A pass over two or more nodes.  Only what is queued now runs in it: the
 * pass takes the whole list as its own (me->pass, which reap scans too)
 * and leaves the list empty for what is queued meanwhile.  IRQs stay off
 * from one node to the next and are on only around callbacks
 * (run_irqoff), and between two nodes that did not run.  What the batch
 * bound leaves goes back to the head of the list, before what was queued
 * since.  Returns the number of callbacks run.  Context: owner, IRQs off
 * (@flags from the save, which had them on; a restore and save in between
 * give the same value again).
 */
static __attribute__((__noinline__)) unsigned int
softirq_pass_irqoff(struct dwork_cpu *me, unsigned int self,
		    unsigned long flags)
{
	unsigned int left = DWORK_SOFTIRQ_BATCH;
	struct dwork_node *n;
	uint32_t s;

	/* Field by field: a struct copy may become a memcpy() call. */
	me->pass.head = me->sirq.head;
	me->pass.tail = me->sirq.tail;
	list_reset(&me->sirq);
	while ((n = me->pass.head) != NULL) {
		list_pop_head(&me->pass, n);
		if (claim_irqoff(me, self, n, &s)) {
			flags = run_irqoff(me, self, n, DWORK_LVL_SOFTIRQ, flags,
					   s);
			if (--left == 0)
				break;
		} else {
			/* Dropped or forwarded: let pending IRQs in. */
			dwork_port_irq_restore(flags);
			flags = dwork_port_irq_save();
		}
	}
	if (me->pass.head) {
		/* Batch bound: the rest runs first in a later pass. */
		me->pass.tail->next = me->sirq.head;
		if (me->sirq.head)
			me->sirq.head->prev = me->pass.tail;
		else
			me->sirq.tail = me->pass.tail;
		me->sirq.head = me->pass.head;
		list_reset(&me->pass);
	}
	return DWORK_SOFTIRQ_BATCH - left;
}

void dwork_softirq(void)
{
	unsigned int self = dwork_port_this_cpu(), done = 0;
	struct dwork_cpu *me;
	struct dwork_node *n;
	unsigned long flags;
	uint32_t s;

	if (self >= DWORK_NR_CPUS)
		return;
	me = cpu_of(self);
	DWORK_HIDE(me);
	DWORK_CHECK(!dwork_port_in_irq() && !dwork_port_irqs_disabled(),
		    "dwork_softirq: must run in softirq context with IRQs "
		    "enabled, not from a hard IRQ or with IRQs off");
	flags = dwork_port_irq_save();
	/*
	 * Nested (a softirq callback called the port's "process pending
	 * softirqs", as Xen allows): do nothing, the outer pass raises the
	 * softirq again at its end if work is left.
	 */
	if (!dwork_atomic_load(&me->online, DWORK_RELAXED) || me->in_softirq) {
		dwork_port_irq_restore(flags);
		return;
	}
	me->in_softirq = true;
	service_irqoff(me, self);
	n = me->sirq.head;
	if (n && n == me->sirq.tail) {
		/*
		 * One node queued (the common dpci pass): it is the whole
		 * pass, so no pass bound is needed; work queued while it
		 * runs goes to an empty list and runs in a later pass.
		 */
		list_reset(&me->sirq);
		if (claim_irqoff(me, self, n, &s)) {
			flags = run_irqoff(me, self, n, DWORK_LVL_SOFTIRQ, flags,
					   s);
			done = 1;
		}
	} else if (n) {
		done = softirq_pass_irqoff(me, self, flags);
	}

	/* One counter update per pass, not per callback. */
	stat_add(&me->stats.run, done);
	/*
	 * Still IRQs off: nothing can be appended between check and clear.
	 * The list, the inbox and the reap word are tested together (one
	 * branch): the raise of the last two may have been taken by a
	 * nested call.
	 */
	me->in_softirq = false;
	if ((uintptr_t)me->sirq.head |
	    (uintptr_t)dwork_atomic_load(&me->inbox, DWORK_RELAXED) |
	    dwork_atomic_load(&me->reap, DWORK_RELAXED))
		dwork_port_raise_softirq();
	dwork_port_irq_restore(flags);
}

bool dwork_idle_pending(void)
{
	unsigned int self;
	struct dwork_cpu *me = this_dwork_cpu(&self);
	unsigned long flags;
	bool pending = false;

	if (!me)
		return false;
	flags = dwork_port_irq_save();
	if (dwork_atomic_load(&me->online, DWORK_RELAXED)) {
		service_irqoff(me, self);
		pending = me->idle.head != NULL;
	}
	dwork_port_irq_restore(flags);
	return pending;
}

void dwork_idle_run(void)
{
	unsigned int self;
	struct dwork_cpu *me = this_dwork_cpu(&self);
	unsigned long flags;
	struct dwork_node *n;
	uint32_t s;

	if (!me)
		return;
	DWORK_CHECK(!dwork_port_in_irq() && !dwork_port_irqs_disabled(),
		    "dwork_idle_run: must run in the idle loop with IRQs "
		    "enabled, not from a hard IRQ or with IRQs off");
	flags = dwork_port_irq_save();
	/*
	 * From a softirq callback (a pass is running here): an idle callback
	 * nested in it would be taken for an interrupted one (its self-kill
	 * gets DWORK_EDEADLK).  Run nothing; the idle loop will.
	 */
	DWORK_CHECK(!me->in_softirq,
		    "dwork_idle_run: called from a softirq callback; call it "
		    "from the idle loop");
	if (!dwork_atomic_load(&me->online, DWORK_RELAXED) || me->in_softirq) {
		dwork_port_irq_restore(flags);
		return;
	}
	service_irqoff(me, self);
	while ((n = me->idle.head) != NULL) {
		list_pop_head(&me->idle, n);
		if (claim_irqoff(me, self, n, &s)) {
			stat_inc(&me->stats.run);
			flags = run_irqoff(me, self, n, DWORK_LVL_IDLE, flags, s);
			break;
		}
	}
	if (me->idle.head)
		dwork_port_kick_idle(self);
	dwork_port_irq_restore(flags);
}

void dwork_cpu_init(unsigned int cpu)
{
	struct dwork_cpu *c;
	int lvl;

	DWORK_CHECK(cpu < DWORK_NR_CPUS,
		    "dwork_cpu_init: CPU number out of range");
	if (cpu >= DWORK_NR_CPUS)
		return;
	c = cpu_of(cpu);
	/*
	 * Relaxed: the 0 this can read is dwork_cpu_dead()'s first store,
	 * which precedes the adoption's writes to the lists reset below, so
	 * an acquire would order nothing useful; the caller's hotplug
	 * sequence (CPU_DEAD before the next CPU_UP_PREPARE) orders them.
	 */
	if (dwork_atomic_load(&c->online, DWORK_RELAXED))
		return;
	list_reset(&c->sirq);
	list_reset(&c->idle);
	for (lvl = 0; lvl < DWORK_NR_LVL; lvl++) {
		dwork_atomic_store(&c->running[lvl], NULL, DWORK_RELAXED);
		c->killed[lvl] = false;
	}
	c->in_softirq = false;
	c->adopting = false;
	c->adopt = NULL;
	c->adopt_lifo = NULL;
	c->adopt_rev = NULL;
	list_reset(&c->pass);
	dwork_atomic_store(&c->reap, 0, DWORK_RELAXED);
	/*
	 * Release: pairs with dwork_cpu_dead()'s acquire load of this CPU's
	 * online (5): an adopter sees the lists reset above.
	 */
	dwork_atomic_store(&c->online, 1, DWORK_RELEASE);
	/*
	 * Open the inbox last and leave adopter as dwork_cpu_dead() set it
	 * (8): until this store a pusher that finds the inbox closed goes
	 * to the old adopter, which forwards the node here later.  No push
	 * ever waits for a store of this function, which may be interrupted
	 * on the pusher's own CPU; and no push lands here before online.
	 */
	dwork_atomic_store(&c->inbox, NULL, DWORK_RELAXED);
}

/*
 * Adoption in bounded steps.  dwork_cpu_dead() hands a dead CPU's lists
 * (sirq then idle, one chain, oldest first) and its inbox (newest first)
 * to this CPU's adopt/adopt_lifo in O(1), with IRQs off.  Each step then
 * takes up to DWORK_ADOPT_BATCH nodes: one reversal or one arrival each,
 * the lists first, then the inbox once it is wholly reversed, so the order
 * is that of the dead CPU.  The chains live in struct dwork_cpu, not on a
 * stack frame: an IRQ on this CPU that kills such a node between two steps
 * continues the adoption from its spin-wait (service_irqoff()), where it
 * would otherwise wait forever for a frame below it.
 * Only dwork_cpu_dead() leaves IRQs on with steps left, and it runs them
 * all before it returns, so nobody needs to raise the softirq for them
 * (each step's appends raise or kick as any append does).
 * Returns true while nodes are left.  Context: owner, IRQs off.
 */
static bool adopt_step_irqoff(struct dwork_cpu *me, unsigned int self)
{
	unsigned int budget;

	for (budget = DWORK_ADOPT_BATCH; budget; budget--) {
		struct dwork_node *n = me->adopt;

		if (n) {
			/* Read next first: @n may be handed to another CPU. */
			me->adopt = n->next;
			stat_inc(&me->stats.migrated);
			dwork_port_trace(DWORK_TRACE_MIGRATE, self, n);
			arrive_irqoff(me, self, n);
		} else if ((n = me->adopt_lifo) != NULL) {
			me->adopt_lifo = n->next;
			n->next = me->adopt_rev;
			me->adopt_rev = n;
			if (!me->adopt_lifo) {
				/* Reversed: push order, oldest first. */
				me->adopt = me->adopt_rev;
				me->adopt_rev = NULL;
			}
		} else {
			break;
		}
	}
	me->adopting = me->adopt || me->adopt_lifo;
	return me->adopting;
}

/*
 * Run adoption steps until none is left, IRQs on between two (when the
 * caller had them on).  Context: owner, IRQs off (@*flags from the save).
 */
static void adopt_all_irqoff(struct dwork_cpu *me, unsigned int self,
			     unsigned long *flags)
{
	while (adopt_step_irqoff(me, self)) {
		dwork_port_irq_restore(*flags);
		*flags = dwork_port_irq_save();
	}
}

void dwork_cpu_dead(unsigned int cpu)
{
	unsigned int self;
	struct dwork_cpu *me = this_dwork_cpu(&self), *dead;
	struct dwork_node *chain, *lists;
	unsigned long flags;

	/*
	 * Any context on the adopting CPU, hard IRQ included: all list work
	 * here is done with IRQs off, so it cannot interrupt this CPU's own
	 * list manipulation.  A port may therefore run it as a cross-CPU
	 * function call, which also reaches a CPU spinning in kill.
	 */
	DWORK_CHECK(me, "dwork_cpu_dead: called on a thread that is no CPU; "
		    "call it on an online CPU");
	DWORK_CHECK(!me || dwork_atomic_load(&me->online, DWORK_RELAXED),
		    "dwork_cpu_dead: called on a CPU that is not online in "
		    "dwork (before its dwork_cpu_init(), or after its own "
		    "dwork_cpu_dead()); call it on an online CPU");
	DWORK_CHECK(cpu < DWORK_NR_CPUS,
		    "dwork_cpu_dead: CPU number out of range");
	DWORK_CHECK(cpu != self, "dwork_cpu_dead: a CPU cannot adopt its own "
		    "work; call it on another online CPU");
	DWORK_CHECK(!me || cpu >= DWORK_NR_CPUS || cpu == self ||
		    !dwork_port_cpu_online(cpu),
		    "dwork_cpu_dead: the port still reports that CPU online; "
		    "call it only once the CPU stopped running dwork "
		    "(CPU_DEAD or CPU_UP_CANCELED)");
	/*
	 * Our own online flag, relaxed: this CPU runs dwork code only after
	 * its cpu_init() (the port starts it then), as dwork_softirq() and
	 * dwork_idle_run() already rely on.  The dead CPU's flag, acquire:
	 * pairs with cpu_init's release (5), so its reset of the lists we
	 * adopt is seen even if that CPU never ran.
	 */
	if (!me || cpu >= DWORK_NR_CPUS || cpu == self ||
	    !dwork_atomic_load(&me->online, DWORK_RELAXED))
		return;
	dead = cpu_of(cpu);
	if (!dwork_atomic_load(&dead->online, DWORK_ACQUIRE))
		return;

	/*
	 * IRQs off before the inbox is closed: an IRQ on this CPU must never
	 * see a node that only this stack frame holds (its kill would wait
	 * for an adoption that is below it on the same stack).  From the
	 * exchange to the hand-over to me->adopt* below, @chain and the dead
	 * CPU's lists are such nodes; after it, the IRQ's kill adopts them.
	 */
	flags = dwork_port_irq_save();
	/* An earlier adoption (a nested call) finishes first, in order. */
	adopt_all_irqoff(me, self, &flags);
	/*
	 * New schedules for @cpu are refused from here on.  Relaxed: the 0
	 * publishes nothing.  A CPU that reads it refuses (ENODEV) or adopts
	 * the node itself, and reads nothing this function wrote; one that
	 * still reads 1 pushes, and from the exchange below on finds the
	 * inbox CLOSED and follows the adopter (6).  No decision depends on
	 * the order of this store against another location (no store
	 * buffering), so neither release nor seq_cst buys anything.
	 */
	dwork_atomic_store(&dead->online, 0, DWORK_RELAXED);
	dwork_atomic_store(&dead->adopter, self, DWORK_RELAXED);
	/*
	 * Release: publishes adopter to pushers that then see CLOSED (6).
	 * Acquire: pairs with the pushers' release CAS (2).
	 */
	chain = dwork_atomic_xchg(&dead->inbox, DWORK_INBOX_CLOSED,
				   DWORK_ACQ_REL);
	if (chain == DWORK_INBOX_CLOSED)
		chain = NULL;

	/*
	 * O(1): the lists become one chain, sirq then idle (and before them
	 * what a pass had left, were the CPU stopped in one).
	 */
	lists = dead->sirq.head;
	if (lists)
		dead->sirq.tail->next = dead->idle.head;
	else
		lists = dead->idle.head;
	if (dead->pass.head) {
		dead->pass.tail->next = lists;
		lists = dead->pass.head;
	}
	me->adopt = lists;
	me->adopt_lifo = chain;
	me->adopting = lists || chain;
	list_reset(&dead->sirq);
	list_reset(&dead->idle);
	list_reset(&dead->pass);
	dwork_atomic_store(&dead->reap, 0, DWORK_RELAXED);
	dead->in_softirq = false;

	adopt_all_irqoff(me, self, &flags);
	dwork_port_irq_restore(flags);

	/*
	 * (12) An NMI may still run on @cpu (the port stops the CPU, not its
	 * NMIs) and be in the middle of an NMI-safe raise that saw the inbox
	 * open: wait for it.  What it pushed after finding the inbox closed
	 * came to this CPU's inbox without a raise (an NMI cannot raise
	 * another CPU's softirq), so raise here.  Seq_cst fence: pairs with
	 * the raise's fence after it counted itself in (src/nmi.c): either
	 * it saw the inbox closed, or we see its count.  Acquire: pairs with
	 * the release that counts it out, so its push is seen below.
	 */
	dwork_atomic_fence(DWORK_SEQ_CST);
	while (dwork_atomic_load(&dead->nmi, DWORK_ACQUIRE))
		dwork_port_cpu_relax();
	if (dwork_atomic_load(&me->inbox, DWORK_RELAXED))
		dwork_port_raise_softirq();
}

int dwork_cpu_stats(unsigned int cpu, struct dwork_stats *out)
{
	const struct dwork_stats *st;
	unsigned long fed_raised;

	if (!out || cpu >= DWORK_NR_CPUS)
		return DWORK_EINVAL;
	if (!DWORK_STATS) {
		*out = (struct dwork_stats){ 0 };
		return DWORK_EOPNOTSUPP;
	}
	st = &cpu_of(cpu)->stats;
	fed_raised = dwork_atomic_load(&cpu_of(cpu)->fed_raised,
				       DWORK_RELAXED);
	out->raised = dwork_atomic_load(&st->raised, DWORK_RELAXED) +
		      fed_raised;
	out->coalesced = dwork_atomic_load(&st->coalesced, DWORK_RELAXED);
	out->run = dwork_atomic_load(&st->run, DWORK_RELAXED);
	out->fed = dwork_atomic_load(&st->fed, DWORK_RELAXED) + fed_raised;
	out->migrated = dwork_atomic_load(&st->migrated, DWORK_RELAXED);
	out->requeued = dwork_atomic_load(&st->requeued, DWORK_RELAXED);
	out->forwarded = dwork_atomic_load(&st->forwarded, DWORK_RELAXED);
	out->dropped = dwork_atomic_load(&st->dropped, DWORK_RELAXED);
	return 0;
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Baselines with per-CPU lists and a pluggable cross-CPU transport.
 * Compiled once per transport (BL_TRANSPORT):
 *
 *   BL_FEEDER   "feeder_lock": the RFC's design.  Local schedules append
 *               to the CPU's own list with IRQs off; a schedule for another
 *               CPU appends to that CPU's feeder list under ONE global
 *               IRQ-safe lock, then makes a synchronous cross-call (an
 *               IPI, waiting for it to be handled) whose handler on the
 *               target splices its feeder list onto its local list under
 *               the same lock (the 2014 RFC's lost idle wake-up).  With
 *               BL_FEEDER_SYNC=0 ("feeder_nowait") the cross-call is a
 *               plain softirq raise and nobody waits: the lock alone.
 *               On the bench port an IPI is a request word the target
 *               checks whenever its IRQs could be on (before its softirq
 *               and between two callbacks).
 *   BL_WFCQ     "wfcqueue": liburcu's wait-free concurrent queue
 *               (urcu/wfcqueue.h, used as-is) as each CPU's inbox.
 *   BL_CK       "ck": Concurrency Kit's lock-free stack (ck_stack.h,
 *               ck_stack_push_upmc / ck_stack_batch_pop_upmc, used as-is)
 *               as each CPU's inbox, reversed on pop for FIFO order.
 *
 * The per-CPU part (local list with IRQs off, a CAS-driven state word with
 * PEND/QUEUED/RUN for coalescing and never-concurrent runs, a batch of at
 * most BL_BATCH callbacks per softirq pass) is the same for the three, so
 * they differ only in the transport.  Simplifications against dwork: no
 * kill, no cancel, no hotplug, and a node already queued on one CPU is not
 * moved when scheduled for another (the benchmark never does that).
 */
#include "bl_common.h"
#include <dwork/atomic.h>

#define BL_FEEDER 1
#define BL_WFCQ 2
#define BL_CK 3

#if BL_TRANSPORT == BL_WFCQ
#define _LGPL_SOURCE 1 /* the static inline fast paths, as liburcu intends */
#include <urcu/wfcqueue.h>
#define PC_SYM bench_impl_wfcqueue
#define PC_NAME "wfcqueue"
#define PC_WHAT "per-CPU lists; cross-CPU: liburcu wfcqueue (cds_wfcq_enqueue / __cds_wfcq_dequeue_blocking)"
#elif BL_TRANSPORT == BL_CK
#include <ck_stack.h>
#define PC_SYM bench_impl_ck
#define PC_NAME "ck"
#define PC_WHAT "per-CPU lists; cross-CPU: Concurrency Kit ck_stack (push_upmc / batch_pop_upmc)"
#elif BL_TRANSPORT == BL_FEEDER && BL_FEEDER_SYNC
#define PC_SYM bench_impl_feeder_lock
#define PC_NAME "feeder_lock"
#define PC_WHAT "RFC: per-CPU lists with IRQs off; cross-CPU: global feeder lock + synchronous cross-call"
#elif BL_TRANSPORT == BL_FEEDER
#define PC_SYM bench_impl_feeder_nowait
#define PC_NAME "feeder_nowait"
#define PC_WHAT "RFC without its synchronous cross-call: global feeder lock + raise, no wait"
#else
#error "BL_TRANSPORT must be BL_FEEDER, BL_WFCQ or BL_CK"
#endif
#ifndef BL_FEEDER_SYNC
#define BL_FEEDER_SYNC 0
#endif

#define BL_BATCH 64

#define ST_P 0x1u
#define ST_Q 0x2u
#define ST_R 0x4u
#define ST_TGT_SHIFT 8

struct pc_node {
	uint32_t state; /* P|Q|R, target CPU in bits 8.. */
	struct pc_node *next;
#if BL_TRANSPORT == BL_WFCQ
	struct cds_wfcq_node wnode;
#elif BL_TRANSPORT == BL_CK
	ck_stack_entry_t centry;
#endif
	bench_fn fn;
	void *arg;
};

struct pc_cpu {
	/* Owner only, IRQs off. */
	struct pc_node *head, *tail;
	unsigned int count;
	/* Written by other CPUs. */
#if BL_TRANSPORT == BL_WFCQ
	struct __cds_wfcq_head qhead __attribute__((aligned(BL_CACHELINE)));
	struct cds_wfcq_tail qtail __attribute__((aligned(BL_CACHELINE)));
#elif BL_TRANSPORT == BL_CK
	ck_stack_t stack __attribute__((aligned(BL_CACHELINE)));
#else
	/* Protected by feeder_lock. */
	struct pc_node *fhead __attribute__((aligned(BL_CACHELINE)));
	struct pc_node *ftail;
	/* Cross-call requests (fetch_add by callers) and acknowledgements. */
	uint32_t ipi_req __attribute__((aligned(BL_CACHELINE)));
	uint32_t ipi_ack;
#endif
} __attribute__((aligned(BL_CACHELINE)));

static struct pc_cpu pc_cpus[BL_MAX_CPUS];
#if BL_TRANSPORT == BL_FEEDER
static struct bl_ticketlock feeder_lock;
#endif

static void local_append(struct pc_cpu *c, struct pc_node *n)
{
	n->next = NULL;
	if (c->tail)
		c->tail->next = n;
	else
		c->head = n;
	c->tail = n;
	c->count++;
}

static void pc_setup(unsigned int ncpus)
{
	unsigned int i;

	(void)ncpus;
	for (i = 0; i < BL_MAX_CPUS; i++) {
		struct pc_cpu *c = &pc_cpus[i];

		c->head = c->tail = NULL;
		c->count = 0;
#if BL_TRANSPORT == BL_WFCQ
		__cds_wfcq_init(&c->qhead, &c->qtail);
#elif BL_TRANSPORT == BL_CK
		ck_stack_init(&c->stack);
#else
		c->fhead = c->ftail = NULL;
		c->ipi_req = c->ipi_ack = 0;
#endif
	}
#if BL_TRANSPORT == BL_FEEDER
	feeder_lock.head = feeder_lock.tail = 0;
#endif
}

static void pc_cpu_start(unsigned int cpu)
{
	(void)cpu;
}

static void pc_obj_init(void *obj, enum bench_kind kind, bench_fn fn,
			void *arg)
{
	struct pc_node *n = obj;

	(void)kind;
	n->state = 0;
	n->next = NULL;
	n->fn = fn;
	n->arg = arg;
}

#if BL_TRANSPORT == BL_FEEDER
static void feeder_splice(struct pc_cpu *c);
#endif
#if BL_TRANSPORT == BL_FEEDER && BL_FEEDER_SYNC

/*
 * The cross-call handler on this CPU: acknowledge requests, after moving
 * the feeder list to the local list.  Called with IRQs off.
 */
static void feeder_ipi(struct pc_cpu *c)
{
	/* Acquire: pairs with the callers' fetch_add after their push. */
	uint32_t r = __atomic_load_n(&c->ipi_req, __ATOMIC_ACQUIRE);

	if (r == __atomic_load_n(&c->ipi_ack, __ATOMIC_RELAXED))
		return;
	feeder_splice(c);
	if (c->head)
		bl_raise_self();
	/* Release: the caller waiting for @r sees its node taken. */
	__atomic_store_n(&c->ipi_ack, r, __ATOMIC_RELEASE);
}

/* A synchronous cross-call to @cpu: wait until its handler ran. */
static void feeder_cross_call(unsigned int cpu, unsigned int self)
{
	struct pc_cpu *c = &pc_cpus[cpu];
	uint32_t my = __atomic_add_fetch(&c->ipi_req, 1, __ATOMIC_ACQ_REL);

	bl_raise_on(cpu);
	while ((int32_t)(__atomic_load_n(&c->ipi_ack, __ATOMIC_ACQUIRE) - my) <
	       0) {
		/* Take cross-calls to us meanwhile, as Xen does. */
		if (self < BL_MAX_CPUS)
			feeder_ipi(&pc_cpus[self]);
		dwork_port_cpu_relax();
	}
}
#endif

/* Hand @n (QUEUED, held by us) to another CPU.  IRQs off. */
static void push_remote(struct pc_node *n, unsigned int cpu)
{
	struct pc_cpu *c = &pc_cpus[cpu];

#if BL_TRANSPORT == BL_WFCQ
	cds_wfcq_node_init(&n->wnode);
	/* Returns false when the queue was empty: raise only then. */
	if (!cds_wfcq_enqueue(&c->qhead, &c->qtail, &n->wnode))
		bl_raise_on(cpu);
#elif BL_TRANSPORT == BL_CK
	/* ck_stack_push_upmc() does not say whether the stack was empty. */
	ck_stack_push_upmc(&c->stack, &n->centry);
	bl_raise_on(cpu);
#else
	bool was_empty;

	bl_lock(&feeder_lock);
	was_empty = !c->fhead;
	n->next = NULL;
	if (c->ftail)
		c->ftail->next = n;
	else
		c->fhead = n;
	c->ftail = n;
	bl_unlock(&feeder_lock);
#if BL_FEEDER_SYNC
	(void)was_empty;
	feeder_cross_call(cpu, dwork_port_this_cpu());
#else
	/*
	 * The unlock is a plain release store: without a full barrier the
	 * target could clear its softirq word, then read the feeder list
	 * before our append is visible, while we read the word still set
	 * (store-load reordering) and skip the raise.  The other transports
	 * publish with a locked RMW, which is such a barrier.  (dwork's
	 * fence: ThreadSanitizer refuses a plain one, see <dwork/atomic.h>.)
	 */
	dwork_atomic_fence(DWORK_SEQ_CST);
	if (was_empty)
		bl_raise_on(cpu);
#endif
#endif
}

/* Move what other CPUs fed us onto the local list, in order.  IRQs off. */
static void drain(struct pc_cpu *c)
{
#if BL_TRANSPORT == BL_WFCQ
	struct cds_wfcq_node *w;

	while ((w = __cds_wfcq_dequeue_blocking(&c->qhead, &c->qtail)))
		local_append(c, bl_container_of(w, struct pc_node, wnode));
#elif BL_TRANSPORT == BL_CK
	ck_stack_entry_t *e, *fifo = NULL;

	if (!ck_pr_load_ptr(&c->stack.head))
		return;
	e = ck_stack_batch_pop_upmc(&c->stack);
	while (e) {
		ck_stack_entry_t *next = e->next;

		e->next = fifo;
		fifo = e;
		e = next;
	}
	while (fifo) {
		ck_stack_entry_t *next = fifo->next;

		local_append(c, bl_container_of(fifo, struct pc_node, centry));
		fifo = next;
	}
#elif BL_FEEDER_SYNC
	feeder_ipi(c);
#else
	feeder_splice(c);
#endif
}

#if BL_TRANSPORT == BL_FEEDER
/* Move the feeder list to the local list under the feeder lock. */
static void feeder_splice(struct pc_cpu *c)
{
	struct pc_node *n;

	if (!__atomic_load_n(&c->fhead, __ATOMIC_RELAXED))
		return;
	bl_lock(&feeder_lock);
	n = c->fhead;
	c->fhead = c->ftail = NULL;
	bl_unlock(&feeder_lock);
	while (n) {
		struct pc_node *next = n->next;

		local_append(c, n);
		n = next;
	}
}
#endif

static bool has_inbox(struct pc_cpu *c)
{
#if BL_TRANSPORT == BL_WFCQ
	return !cds_wfcq_empty(&c->qhead, &c->qtail);
#elif BL_TRANSPORT == BL_CK
	return ck_pr_load_ptr(&c->stack.head) != NULL;
#else
	return __atomic_load_n(&c->fhead, __ATOMIC_RELAXED) != NULL;
#endif
}

/* Link @n (QUEUED set by our CAS) for @cpu.  IRQs off. */
static void enqueue(struct pc_node *n, unsigned int cpu, unsigned int self)
{
	if (cpu == self) {
		struct pc_cpu *c = &pc_cpus[self];
		bool was_empty = !c->head;

		local_append(c, n);
		if (was_empty)
			bl_raise_self();
	} else {
		push_remote(n, cpu);
	}
}

static bool pc_schedule_on(void *obj, unsigned int cpu)
{
	struct pc_node *n = obj;
	unsigned int self = dwork_port_this_cpu();
	unsigned long flags = dwork_port_irq_save();
	uint32_t s = __atomic_load_n(&n->state, __ATOMIC_RELAXED), nw;
	bool link;

	do {
		link = !(s & (ST_Q | ST_R));
		nw = (s & 0xffu) | ST_P | (link ? ST_Q : 0) |
		     (cpu << ST_TGT_SHIFT);
		/* Release: the callback sees what was written before. */
	} while (!__atomic_compare_exchange_n(&n->state, &s, nw, false,
					      __ATOMIC_RELEASE,
					      __ATOMIC_RELAXED));
	if (link)
		enqueue(n, cpu, self);
	dwork_port_irq_restore(flags);
	return !(s & ST_P);
}

static bool pc_schedule(void *obj)
{
	return pc_schedule_on(obj, dwork_port_this_cpu());
}

static void pc_softirq(void)
{
	unsigned int self = dwork_port_this_cpu();
	struct pc_cpu *c = &pc_cpus[self];
	unsigned long flags = dwork_port_irq_save();
	unsigned int todo;

	drain(c);
	todo = c->count < BL_BATCH ? c->count : BL_BATCH;
	dwork_port_irq_restore(flags);

	while (todo--) {
		struct pc_node *n;
		uint32_t s, nw;
		bool requeue;

		flags = dwork_port_irq_save();
		n = c->head;
		c->head = n->next;
		if (!c->head)
			c->tail = NULL;
		c->count--;
		s = __atomic_load_n(&n->state, __ATOMIC_RELAXED);
		/* Acquire: pairs with the schedulers' release CAS. */
		while (!__atomic_compare_exchange_n(&n->state, &s,
						    (s & ~(ST_P | ST_Q)) | ST_R,
						    false, __ATOMIC_ACQUIRE,
						    __ATOMIC_RELAXED))
			;
		dwork_port_irq_restore(flags);

		n->fn(n->arg);

		flags = dwork_port_irq_save();
#if BL_TRANSPORT == BL_FEEDER && BL_FEEDER_SYNC
		feeder_ipi(c); /* an IPI could have arrived during the callback */
#endif
		s = __atomic_load_n(&n->state, __ATOMIC_RELAXED);
		do {
			requeue = s & ST_P;
			nw = requeue ? ((s & ~ST_R) | ST_Q) : (s & ~ST_R);
		} while (!__atomic_compare_exchange_n(&n->state, &s, nw, false,
						      __ATOMIC_RELEASE,
						      __ATOMIC_RELAXED));
		if (requeue)
			enqueue(n, s >> ST_TGT_SHIFT, self);
		dwork_port_irq_restore(flags);
	}

	flags = dwork_port_irq_save();
	if (c->head || has_inbox(c))
		bl_raise_self();
	dwork_port_irq_restore(flags);
}

static void pc_teardown(void)
{
}

const struct bench_impl PC_SYM = {
	.name = PC_NAME,
	.what = PC_WHAT,
	.obj_size = sizeof(struct pc_node),
	.remote = true,
	.setup = pc_setup,
	.cpu_start = pc_cpu_start,
	.obj_init = pc_obj_init,
	.schedule = pc_schedule,
	.schedule_on = pc_schedule_on,
	.softirq = pc_softirq,
	.teardown = pc_teardown,
};

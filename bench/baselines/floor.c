// SPDX-License-Identifier: BSD-2-Clause
/*
 * "floor": the least a local round trip (schedule, then run in the
 * softirq) can cost with the guarantees every implementation here gives:
 * coalescing, never two runs at once, and a re-run when scheduled during
 * the callback.  That takes, per round trip:
 *   - one RMW to mark it pending and learn whether it already was
 *     (fetch_or), under one IRQ save/restore around the list append;
 *   - one RMW to claim it (pending -> running, absorbing any schedule
 *     that raced), under one IRQ save/restore around the list pop;
 *   - one RMW to finish (running -> idle, failing if scheduled meanwhile).
 * Three atomic RMWs and two IRQ save/restore pairs, on the same bench port
 * and through the same harness (the harness's softirq delivery included).
 * Local only: it has no cross-CPU transport.
 */
#include "bl_common.h"

#define F_P 0x1u
#define F_Q 0x2u
#define F_R 0x4u

struct fl_node {
	uint32_t state;
	struct fl_node *next;
	bench_fn fn;
	void *arg;
};

struct fl_cpu {
	struct fl_node *head, *tail;
} __attribute__((aligned(BL_CACHELINE)));

static struct fl_cpu fl_cpus[BL_MAX_CPUS];

static void fl_setup(unsigned int ncpus)
{
	unsigned int i;

	(void)ncpus;
	for (i = 0; i < BL_MAX_CPUS; i++)
		fl_cpus[i].head = fl_cpus[i].tail = NULL;
}

static void fl_cpu_start(unsigned int cpu)
{
	(void)cpu;
}

static void fl_obj_init(void *obj, enum bench_kind kind, bench_fn fn,
			void *arg)
{
	struct fl_node *n = obj;

	(void)kind;
	n->state = 0;
	n->next = NULL;
	n->fn = fn;
	n->arg = arg;
}

static void fl_append(struct fl_cpu *c, struct fl_node *n)
{
	n->next = NULL;
	if (c->tail)
		c->tail->next = n;
	else {
		c->head = n;
		bl_raise_self();
	}
	c->tail = n;
}

static bool fl_schedule(void *obj)
{
	struct fl_node *n = obj;
	struct fl_cpu *c = &fl_cpus[dwork_port_this_cpu()];
	unsigned long flags = dwork_port_irq_save();
	uint32_t old = __atomic_fetch_or(&n->state, F_P | F_Q,
					 __ATOMIC_RELEASE);

	if (!(old & (F_Q | F_R)))
		fl_append(c, n);
	else if (!(old & F_Q))
		__atomic_fetch_and(&n->state, ~F_Q, __ATOMIC_RELAXED);
	dwork_port_irq_restore(flags);
	return !(old & F_P);
}

static void fl_softirq(void)
{
	struct fl_cpu *c = &fl_cpus[dwork_port_this_cpu()];

	for (;;) {
		unsigned long flags = dwork_port_irq_save();
		struct fl_node *n = c->head;
		uint32_t s;

		if (!n) {
			dwork_port_irq_restore(flags);
			return;
		}
		c->head = n->next;
		if (!c->head)
			c->tail = NULL;
		__atomic_exchange_n(&n->state, F_R, __ATOMIC_ACQUIRE);
		dwork_port_irq_restore(flags);

		n->fn(n->arg);

		s = F_R;
		if (!__atomic_compare_exchange_n(&n->state, &s, 0, false,
						 __ATOMIC_RELEASE,
						 __ATOMIC_RELAXED)) {
			/* Scheduled while running: run again. */
			flags = dwork_port_irq_save();
			__atomic_store_n(&n->state, F_P | F_Q,
					 __ATOMIC_RELAXED);
			fl_append(c, n);
			dwork_port_irq_restore(flags);
		}
	}
}

static void fl_teardown(void)
{
}

const struct bench_impl bench_impl_floor = {
	.name = "floor",
	.what = "lower bound: 3 atomic RMWs + 2 IRQ save/restore pairs per "
		"round trip (local only)",
	.obj_size = sizeof(struct fl_node),
	.remote = false,
	.setup = fl_setup,
	.cpu_start = fl_cpu_start,
	.obj_init = fl_obj_init,
	.schedule = fl_schedule,
	.schedule_on = NULL,
	.softirq = fl_softirq,
	.teardown = fl_teardown,
};

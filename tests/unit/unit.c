// SPDX-License-Identifier: BSD-2-Clause
/* Shared helpers for the unit suite (see unit.h). */
#include <string.h>

#include "unit.h"

struct u_log_ent u_log[U_LOG_MAX];
unsigned int u_log_n;
unsigned int u_expected_asserts;
void (*u_relax_step)(unsigned int nth);

static unsigned int relax_n;

static void u_record(struct uobj *o)
{
	unsigned int cpu = dwork_port_this_cpu();

	if (o->active)
		o->overlaps++;
	if (cpu >= TP_MAX_CPUS || tp.c[cpu].irq_off || tp.c[cpu].in_irq)
		o->bad_ctx++;
	o->active++;
	o->runs++;
	o->owed = false;
	o->last_cpu = cpu;
	if (u_log_n < U_LOG_MAX) {
		u_log[u_log_n].id = o->id;
		u_log[u_log_n].cpu = cpu;
	}
	u_log_n++;
	if (o->during)
		o->during(o);
	o->active--;
}

void u_item_fn(struct dwork_item *it)
{
	u_record((struct uobj *)(void *)((char *)it -
					 offsetof(struct uobj, item)));
}

void u_tasklet_fn(void *data)
{
	u_record(data);
}

void u_obj_init(struct uobj *o, unsigned int id, enum dwork_tasklet_kind kind)
{
	memset(o, 0, sizeof(*o));
	o->id = id;
	o->last_cpu = DWORK_CPU_NONE;
	dwork_item_init(&o->item, u_item_fn);
	dwork_tasklet_init(&o->tl, u_tasklet_fn, o, kind);
}

static void u_relax_guard(void *arg)
{
	(void)arg;
	relax_n++;
	if (u_relax_step)
		u_relax_step(relax_n);
	if (relax_n > U_RELAX_LIMIT)
		fail_msg("kill spun %u times: it would wait forever", relax_n);
}

int u_setup(void **state)
{
	(void)state;
	tp_reset(U_NR_CPUS);
	tp.relax_hook = u_relax_guard;
	relax_n = 0;
	u_relax_step = NULL;
	u_log_n = 0;
	u_expected_asserts = 0;
	return 0;
}

int u_teardown(void **state)
{
	(void)state;
	/* Restore a sane current CPU and IRQ state for the next test. */
	tp.cpu = 0;
	if (tp.asserts != u_expected_asserts) {
		print_error("%u DWORK_PORT_ASSERT failures, expected %u\n",
			    tp.asserts, u_expected_asserts);
		return -1;
	}
	return 0;
}

void u_quiesce(void)
{
	unsigned int rounds = 0;
	bool any;

	do {
		unsigned int cpu;

		any = false;
		for (cpu = 0; cpu < TP_MAX_CPUS; cpu++) {
			if (!tp.cpus[cpu].online)
				continue;
			if (tp.c[cpu].softirq_pending) {
				tp_softirq(cpu);
				any = true;
			}
			while (tp_idle(cpu))
				any = true;
		}
		if (++rounds > 10000)
			fail_msg("u_quiesce: work never settles");
	} while (any);
}

#define U_MAX_NODES 1024

static const char *check_list(const struct dwork_list *l,
			      const struct dwork_node **seen,
			      unsigned int *nseen)
{
	const struct dwork_node *n = l->head, *prev = NULL;
	unsigned int len = 0, i;

	while (n) {
		if (++len > U_MAX_NODES)
			return "cycle (list longer than any test makes)";
		if (n->prev != prev)
			return "prev pointer does not match the walk";
		for (i = 0; i < *nseen; i++)
			if (seen[i] == n)
				return "node linked twice";
		if (*nseen < U_MAX_NODES)
			seen[(*nseen)++] = n;
		prev = n;
		n = n->next;
	}
	if (l->tail != prev)
		return "tail does not match the last node";
	return NULL;
}

const char *u_lists_check(void)
{
	static const struct dwork_node *seen[U_MAX_NODES];
	unsigned int nseen = 0, cpu;
	const char *why;

	for (cpu = 0; cpu < TP_MAX_CPUS; cpu++) {
		const struct dwork_cpu *c = &tp.cpus[cpu];

		if (!c->online)
			continue;
		why = check_list(&c->sirq, seen, &nseen);
		if (!why)
			why = check_list(&c->idle, seen, &nseen);
		if (why)
			return why;
	}
	return NULL;
}

unsigned int u_linked_on(const struct uobj *o, unsigned int cpu)
{
	const struct dwork_list *ls[2] = { &tp.cpus[cpu].sirq,
					   &tp.cpus[cpu].idle };
	unsigned int i, k = 0, len;

	for (i = 0; i < 2; i++) {
		const struct dwork_node *n = ls[i]->head;

		for (len = 0; n && len < U_MAX_NODES; len++, n = n->next)
			if (n == &o->item.node || n == &o->tl.node)
				k++;
	}
	return k;
}

int u_log_pos(unsigned int id, unsigned int nth)
{
	unsigned int i, k = 0;

	for (i = 0; i < u_log_n && i < U_LOG_MAX; i++) {
		if (u_log[i].id != id)
			continue;
		if (k++ == nth)
			return (int)i;
	}
	return -1;
}

struct dwork_stats u_stats(unsigned int cpu)
{
	struct dwork_stats st;

	assert_int_equal(dwork_cpu_stats(cpu, &st), 0);
	return st;
}

int u_sched(struct uobj *o, unsigned int cpu)
{
	int r = dwork_tasklet_schedule_on(&o->tl, cpu);

	if (r == 0) {
		o->owed = true;
		o->accepted++;
	}
	return r;
}

bool u_raise(struct uobj *o, unsigned int cpu)
{
	int r = dwork_item_raise_on(&o->item, cpu);

	if (r > 0)
		o->accepted++;
	/* 0 is absorbed: a run is due (the pending one) */
	if (r >= 0)
		o->owed = true;
	/* Errors exactly when the item or the CPU is bad. */
	if (cpu < DWORK_NR_CPUS && tp.cpus[cpu].online && o->item.fn)
		assert_true(r >= 0);
	return r > 0;
}

void u_cancel(struct uobj *o)
{
	dwork_item_cancel(&o->item);
	o->owed = false;
}

int u_kill(struct uobj *o)
{
	int r = dwork_tasklet_kill(&o->tl);

	if (r == 0)
		o->owed = false;
	return r;
}

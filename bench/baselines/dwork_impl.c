// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork behind the bench interface: softirq tasklets for BENCH_TASKLET,
 * items for BENCH_ITEM (the storm scenario).  Tasklet callbacks are the
 * harness's function directly; items need a one-line trampoline because
 * an item callback receives the item.
 */
#include <dwork/dwork.h>
#include "impl.h"

struct dw_obj {
	union {
		struct dwork_tasklet t;
		struct dwork_item it;
	};
	bench_fn fn;
	void *arg;
	enum bench_kind kind;
};

static void dw_setup(unsigned int ncpus)
{
	unsigned int cpu;

	for (cpu = 0; cpu < ncpus; cpu++)
		dwork_cpu_init(cpu);
}

static void dw_cpu_start(unsigned int cpu)
{
	(void)cpu;
}

static void dw_item_fn(struct dwork_item *it)
{
	struct dw_obj *o = (struct dw_obj *)(void *)it;

	o->fn(o->arg);
}

static void dw_obj_init(void *obj, enum bench_kind kind, bench_fn fn,
			void *arg)
{
	struct dw_obj *o = obj;

	o->fn = fn;
	o->arg = arg;
	o->kind = kind;
	if (kind == BENCH_ITEM)
		dwork_item_init(&o->it, dw_item_fn);
	else
		dwork_tasklet_init(&o->t, fn, arg, DWORK_TASKLET_SOFTIRQ);
}

static bool dw_schedule(void *obj)
{
	struct dw_obj *o = obj;

	if (o->kind == BENCH_ITEM)
		return dwork_item_raise(&o->it) > 0;
	return dwork_tasklet_schedule(&o->t) == 0;
}

static bool dw_schedule_on(void *obj, unsigned int cpu)
{
	struct dw_obj *o = obj;

	if (o->kind == BENCH_ITEM)
		return dwork_item_raise_on(&o->it, cpu) > 0;
	return dwork_tasklet_schedule_on(&o->t, cpu) == 0;
}

static void dw_softirq(void)
{
	dwork_softirq();
}

static void dw_teardown(void)
{
}

const struct bench_impl bench_impl_dwork = {
	.name = "dwork",
	.what = "dwork: per-CPU lists, lock-free MPSC inbox per CPU, CAS state "
		"word",
	.obj_size = sizeof(struct dw_obj),
	.remote = true,
	.setup = dw_setup,
	.cpu_start = dw_cpu_start,
	.obj_init = dw_obj_init,
	.schedule = dw_schedule,
	.schedule_on = dw_schedule_on,
	.softirq = dw_softirq,
	.teardown = dw_teardown,
};

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Baseline "global_lock": the design of Xen's upstream tasklets, written
 * from their documented semantics for this benchmark.
 *
 * Per-CPU lists of softirq tasklets, and ONE global IRQ-safe spinlock
 * (tasklet_lock) taken around every list and tasklet-state operation:
 *   schedule_on(t, cpu)  lock; t->scheduled_on = cpu; unless dead or
 *                        running, (re)link t at the tail of cpu's list and
 *                        raise the softirq there if that list was empty;
 *                        unlock.
 *   softirq on cpu       lock; take the first tasklet, scheduled_on = -1,
 *                        is_running = 1; unlock; run it; lock; is_running
 *                        = 0; if scheduled again meanwhile, link it on its
 *                        scheduled_on CPU; if this CPU's list is not
 *                        empty, raise again; unlock.
 * One tasklet per softirq invocation, as in Xen.  So a local round trip
 * takes the global lock three times (schedule, take, finish).
 */
#include "bl_common.h"

struct gl_tasklet {
	struct bl_list list;
	int scheduled_on;  /* -1, or the CPU a run is owed on */
	bool is_running;
	bool is_dead;
	bench_fn fn;
	void *arg;
};

struct gl_pcpu {
	struct bl_list softirq_list;
} __attribute__((aligned(BL_CACHELINE)));

static struct bl_ticketlock tasklet_lock;
static struct gl_pcpu gl_cpu[BL_MAX_CPUS];
static struct bl_pcpu_stats gl_stats[BL_MAX_CPUS];

#ifdef BL_LHP
/*
 * dwork-demo only (demo/meson.build defines BL_LHP): time every wait for
 * and every hold of tasklet_lock, so that the demo can show how much of
 * the baseline's figure is lock-holder preemption by the host, which the
 * POSIX runtime allows and hardware with IRQs off does not.
 */
uint64_t bl_lhp_now(void);        /* a cheap timestamp (the TSC on x86) */
void bl_lhp_waited(uint64_t t);   /* a wait, in bl_lhp_now() units */
void bl_lhp_held(uint64_t t);     /* a hold, in bl_lhp_now() units */
static __thread uint64_t gl_t_acq;

static void gl_lock(void)
{
	uint64_t t0 = bl_lhp_now();

	bl_lock(&tasklet_lock);
	gl_t_acq = bl_lhp_now();
	bl_lhp_waited(gl_t_acq - t0);
}

static void gl_unlock(void)
{
	bl_lhp_held(bl_lhp_now() - gl_t_acq);
	bl_unlock(&tasklet_lock);
}
#else
#define gl_lock() bl_lock(&tasklet_lock)
#define gl_unlock() bl_unlock(&tasklet_lock)
#endif

static void gl_setup(unsigned int ncpus)
{
	unsigned int i;

	(void)ncpus;
	tasklet_lock.head = 0;
	tasklet_lock.tail = 0;
	for (i = 0; i < BL_MAX_CPUS; i++) {
		bl_list_init(&gl_cpu[i].softirq_list);
		gl_stats[i].s = (struct bl_stats){ 0 };
	}
}

static void gl_cpu_start(unsigned int cpu)
{
	(void)cpu;
}

static void gl_obj_init(void *obj, enum bench_kind kind, bench_fn fn,
			void *arg)
{
	struct gl_tasklet *t = obj;

	(void)kind;
	bl_list_init(&t->list);
	t->scheduled_on = -1;
	t->is_running = false;
	t->is_dead = false;
	t->fn = fn;
	t->arg = arg;
}

/* Lock held: link @t on its scheduled_on CPU's list. */
static void gl_enqueue_locked(struct gl_tasklet *t)
{
	unsigned int cpu = (unsigned int)t->scheduled_on;
	struct bl_list *l = &gl_cpu[cpu].softirq_list;
	bool was_empty = bl_list_empty(l);

	bl_list_add_tail(&t->list, l);
	if (was_empty)
		bl_raise_on(cpu);
}

static bool gl_schedule_on(void *obj, unsigned int cpu)
{
	struct gl_tasklet *t = obj;
	unsigned int self = dwork_port_this_cpu();
	unsigned long flags = dwork_port_irq_save();
	bool queued = false;

	gl_lock();
	if (!t->is_dead) {
		queued = t->scheduled_on < 0;
		t->scheduled_on = (int)cpu;
		if (!t->is_running) {
			bl_list_del_init(&t->list);
			gl_enqueue_locked(t);
		}
	}
	gl_unlock();
	if (self < BL_MAX_CPUS) {
		bl_inc(queued ? &gl_stats[self].s.raised
			      : &gl_stats[self].s.coalesced);
		if (queued && cpu != self)
			bl_inc(&gl_stats[self].s.fed);
	}
	dwork_port_irq_restore(flags);
	return queued;
}

static bool gl_schedule(void *obj)
{
	return gl_schedule_on(obj, dwork_port_this_cpu());
}

static void gl_softirq(void)
{
	unsigned int cpu = dwork_port_this_cpu();
	struct bl_list *l = &gl_cpu[cpu].softirq_list;
	unsigned long flags = dwork_port_irq_save();

	gl_lock();
	if (!bl_list_empty(l)) {
		struct gl_tasklet *t =
			bl_container_of(l->next, struct gl_tasklet, list);

		bl_list_del_init(&t->list);
		t->scheduled_on = -1;
		t->is_running = true;
		gl_unlock();
		dwork_port_irq_restore(flags);

		bl_inc(&gl_stats[cpu].s.run);
		t->fn(t->arg);

		flags = dwork_port_irq_save();
		gl_lock();
		t->is_running = false;
		if (t->scheduled_on >= 0 && !t->is_dead) {
			bl_list_del_init(&t->list);
			gl_enqueue_locked(t);
		}
	}
	if (!bl_list_empty(l))
		bl_raise_self();
	gl_unlock();
	dwork_port_irq_restore(flags);
}

static void gl_teardown(void)
{
}

void bl_global_lock_stats(unsigned int cpu, struct bl_stats *out)
{
	const struct bl_stats *s = &gl_stats[cpu].s;

	out->raised = __atomic_load_n(&s->raised, __ATOMIC_RELAXED);
	out->coalesced = __atomic_load_n(&s->coalesced, __ATOMIC_RELAXED);
	out->run = __atomic_load_n(&s->run, __ATOMIC_RELAXED);
	out->fed = __atomic_load_n(&s->fed, __ATOMIC_RELAXED);
}

const struct bench_impl bench_impl_global_lock = {
	.name = "global_lock",
	.what = "model of Xen's tasklets before dwork: per-CPU lists, one "
		"global IRQ-safe ticket lock around every list/tasklet "
		"operation",
	.obj_size = sizeof(struct gl_tasklet),
	.remote = true,
	.setup = gl_setup,
	.cpu_start = gl_cpu_start,
	.obj_init = gl_obj_init,
	.schedule = gl_schedule,
	.schedule_on = gl_schedule_on,
	.softirq = gl_softirq,
	.teardown = gl_teardown,
};

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Xen's tasklet API on dwork (drop-in replacement for xen/include/xen/tasklet.h;
 * see docs/xen.md).  Written from Xen's documented API, not from its code.
 *
 * Tasklets run at most once per schedule, on one CPU at a time, either in
 * softirq context (TASKLET_SOFTIRQ) or in the idle vCPU's context (one per
 * do_tasklet() call).  Scheduling, cross-CPU feeding and kill are lock-free
 * per-CPU operations in dwork; there is no global tasklet_lock.
 *
 * Differences from stock Xen (all listed in docs/xen.md):
 *  - Refused schedules are dropped and counted (dwork_xen_refused):
 *    a CPU that is offline/out of range, a tasklet never initialised or
 *    initialised with a NULL function.  Stock Xen queues on an offline
 *    CPU's list (or faults); tasklet_try_schedule_on_cpu() returns the error.
 *  - Schedules made before tasklet_subsys_init() are kept (on an early list)
 *    and run once it has run, on the boot CPU; stock Xen drops them.
 *  - tasklet_kill() from the tasklet's own function returns at once (stock
 *    Xen spins forever); afterwards the tasklet may be freed or re-inited.
 *  - Re-targeting a pending tasklet moves it (it runs once, on the newest
 *    CPU), as in stock Xen.
 */
#ifndef __XEN_TASKLET_H__
#define __XEN_TASKLET_H__

#include <xen/types.h>
#include <xen/percpu.h>
#include <dwork/tasklet.h>

struct tasklet {
	struct dwork_tasklet dw;      /* dwork's tasklet; fn is the trampoline */
	void (*func)(void *data);     /* the user's function (Xen field name) */
	void *data;                   /* its argument (Xen field name) */
	struct tasklet *early_next;   /* early list link (before subsys_init) */
	bool early;                   /* on the early list */
};

/* Runs t->func(t->data) after sync_local_execstate(), as stock Xen does. */
void cf_check dwork_xen_tasklet_fn(void *tasklet);

#define _DECLARE_TASKLET(name, fn_, data_, dwinit)                         \
	struct tasklet name = {                                            \
		.dw = dwinit(dwork_xen_tasklet_fn, &(name)),               \
		.func = (fn_), .data = (data_) }
#define DECLARE_TASKLET(name, func, data)                                  \
	_DECLARE_TASKLET(name, func, data, DWORK_TASKLET_INIT)
#define DECLARE_SOFTIRQ_TASKLET(name, func, data)                          \
	_DECLARE_TASKLET(name, func, data, DWORK_SOFTIRQ_TASKLET_INIT)

/*
 * Indicates status of tasklet work on each CPU (the TASKLET_enqueued and
 * TASKLET_scheduled bits come from <dwork_port.h>, with stock values).
 */
static inline bool tasklet_work_to_do(unsigned int cpu)
{
	/* Work must be enqueued *and* the scheduler must have picked idle. */
	return per_cpu(tasklet_work_to_do, cpu) ==
	       (TASKLET_enqueued | TASKLET_scheduled);
}

bool tasklet_is_scheduled(const struct tasklet *t);

void tasklet_schedule_on_cpu(struct tasklet *t, unsigned int cpu);
void tasklet_schedule(struct tasklet *t);
void do_tasklet(void);
void tasklet_kill(struct tasklet *t);
void tasklet_init(struct tasklet *t, void (*func)(void *data), void *data);
void softirq_tasklet_init(struct tasklet *t,
			  void (*func)(void *data), void *data);
void tasklet_subsys_init(void);

/*
 * dwork extensions.
 *
 * tasklet_try_schedule_on_cpu: as tasklet_schedule_on_cpu() but returns
 * 0 when the tasklet is (now or already) pending, or the dwork error
 * (DWORK_ENODEV: @cpu offline or out of range; DWORK_ESHUTDOWN: killed;
 * DWORK_EINVAL: not initialised or NULL function).  Before
 * tasklet_subsys_init() it returns 0 (kept on the early list), or
 * DWORK_ESHUTDOWN / DWORK_EINVAL as after it (a killed tasklet is not
 * kept), or DWORK_ENODEV for a CPU >= NR_CPUS.
 *
 * dwork_xen_refused: how many schedules the void API dropped.
 */
int tasklet_try_schedule_on_cpu(struct tasklet *t, unsigned int cpu);
extern unsigned long dwork_xen_refused;

#endif /* __XEN_TASKLET_H__ */

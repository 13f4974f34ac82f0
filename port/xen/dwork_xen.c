// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork in Xen: replaces xen/common/tasklet.c (see docs/xen.md).
 *
 * - Xen's tasklet API (xen/include/xen/tasklet.h from port/xen/xen-include)
 *   on dwork tasklets: no global tasklet_lock, lock-free cross-CPU feeding.
 * - TASKLET_SOFTIRQ runs dwork_softirq(): softirq tasklets and dwork items.
 * - Idle tasklets use Xen's tasklet_work_to_do handshake (the kick hook in
 *   <dwork_port.h> sets TASKLET_enqueued and raises SCHEDULE_SOFTIRQ;
 *   do_tasklet() below clears it when no idle work is left), so the
 *   scheduler and the arch idle loops need no change.
 * - A CPU notifier: CPU_UP_PREPARE -> dwork_cpu_init(); CPU_UP_CANCELED and
 *   CPU_DEAD -> dwork_cpu_dead(), which moves everything pending on the
 *   dead CPU to the CPU running the notifier.
 * - Schedules made before tasklet_subsys_init() (the console schedules its
 *   tasklet on every printk from the very start of boot) are kept on a
 *   static early list and scheduled on the boot CPU by tasklet_subsys_init.
 */
#include <xen/cpu.h>
#include <xen/init.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/sched.h>
#include <xen/softirq.h>
#include <xen/tasklet.h>
#include <dwork/dwork.h>

DEFINE_PER_CPU(unsigned long, tasklet_work_to_do);

/* dwork's per-CPU state, for every possible CPU (see <dwork_port.h>). */
struct dwork_cpu dwork_xen_cpu[NR_CPUS];

unsigned long dwork_xen_refused;

/*
 * Before tasklet_subsys_init() only the boot CPU runs, and dwork is not
 * up on it yet: schedules go to this FIFO list, touched with IRQs off.
 */
static bool tasklets_initialised;
static struct tasklet *early_head;
static struct tasklet **early_tail = &early_head;

void cf_check dwork_xen_tasklet_fn(void *tasklet)
{
	struct tasklet *t = tasklet;
	void (*func)(void *data) = t->func;
	void *data = t->data;

	/* As stock Xen: the lazily switched vCPU state is saved first. */
	sync_local_execstate();
	/*
	 * DECLARE_TASKLET(name, NULL, NULL) is legal (keyhandler.c sets the
	 * function later with tasklet_init); if one is scheduled before that,
	 * run nothing instead of calling NULL.
	 */
	if (func)
		func(data); /* from here on @t may be killed, re-inited, freed */
}

/*
 * Is @t kept on the early list?  Before tasklet_subsys_init() dwork does
 * not know about such a schedule, so init must ask here.  t->early alone
 * is not enough: init may be given memory never initialised.
 */
static bool early_pending(const struct tasklet *t)
{
	const struct tasklet *e;
	unsigned long flags;
	bool kept = false;

	local_irq_save(flags);
	if (!ACCESS_ONCE(tasklets_initialised) && t->early)
		for (e = early_head; e && !kept; e = e->early_next)
			kept = e == t;
	local_irq_restore(flags);
	return kept;
}

static void init_common(struct tasklet *t, void (*func)(void *data),
			void *data, enum dwork_tasklet_kind kind)
{
	/*
	 * Scheduled before tasklet_subsys_init(): pending, so refused as
	 * dwork refuses a pending tasklet.  Clearing t->early and
	 * t->early_next would cut it (and every tasklet behind it) off the
	 * early list, which would still reference it after a kill.
	 */
	if (unlikely(!ACCESS_ONCE(tasklets_initialised)) && early_pending(t)) {
#if defined(DWORK_DEBUG_CHECKS) && DWORK_DEBUG_CHECKS
		DWORK_PORT_ASSERT(false, "dwork: tasklet_init: the tasklet is "
				  "scheduled (before tasklet_subsys_init()); "
				  "kill it first");
#endif
		return;
	}
	/*
	 * A NULL function leaves a tasklet that dwork refuses to schedule.
	 * A tasklet that is pending, queued or running is not re-initialised
	 * (DWORK_EBUSY; CONFIG_DWORK_DEBUG_CHECKS BUG()s): it keeps working
	 * with the function and data it had, so they are written only after
	 * dwork accepted the init.  As with stock Xen's tasklet_init(), a
	 * schedule on another CPU sees them through the caller's own
	 * hand-over of the tasklet, which comes after this returns (Xen only
	 * initialises a tasklet that is new or dead, and nobody schedules it
	 * meanwhile).
	 */
	if (dwork_tasklet_init(&t->dw, func ? dwork_xen_tasklet_fn : NULL, t,
			       kind))
		return;
	t->func = func;
	t->data = data;
	t->early_next = NULL;
	t->early = false;
}

void tasklet_init(struct tasklet *t, void (*func)(void *data), void *data)
{
	init_common(t, func, data, DWORK_TASKLET_IDLE);
}

void softirq_tasklet_init(struct tasklet *t,
			  void (*func)(void *data), void *data)
{
	init_common(t, func, data, DWORK_TASKLET_SOFTIRQ);
}

/*
 * Before tasklet_subsys_init(): keep @t for it.  dwork is up on no CPU
 * yet, so it answers DWORK_ENODEV for a tasklet it would take, and still
 * refuses a killed (DWORK_ESHUTDOWN) or uninitialised (DWORK_EINVAL) one:
 * those are not kept (a killed tasklet may be freed), nor a schedule for
 * a CPU >= NR_CPUS (DWORK_ENODEV, as after init).  IRQs off, so a
 * kill from an IRQ comes before the check or after the link, which it
 * undoes.  If dwork came up meanwhile, its answer stands.
 */
static int early_schedule(struct tasklet *t, unsigned int cpu)
{
	unsigned long flags;
	int rc;

	local_irq_save(flags);
	rc = dwork_tasklet_schedule_on(&t->dw, cpu);
	if (rc == DWORK_ENODEV && cpu < NR_CPUS &&
	    !ACCESS_ONCE(tasklets_initialised)) {
		if (!t->early) {
			t->early = true;
			t->early_next = NULL;
			*early_tail = t;
			early_tail = &t->early_next;
		}
		rc = 0;
	}
	local_irq_restore(flags);
	return rc;
}

static void early_unlink(struct tasklet *t)
{
	struct tasklet **pp;
	unsigned long flags;

	local_irq_save(flags);
	if (t->early) {
		for (pp = &early_head; *pp; pp = &(*pp)->early_next) {
			if (*pp != t)
				continue;
			*pp = t->early_next;
			if (early_tail == &t->early_next)
				early_tail = pp;
			break;
		}
		t->early = false;
		t->early_next = NULL;
	}
	local_irq_restore(flags);
}

int tasklet_try_schedule_on_cpu(struct tasklet *t, unsigned int cpu)
{
	if (unlikely(!ACCESS_ONCE(tasklets_initialised)))
		return early_schedule(t, cpu);
	return dwork_tasklet_schedule_on(&t->dw, cpu);
}

void tasklet_schedule_on_cpu(struct tasklet *t, unsigned int cpu)
{
	int rc = tasklet_try_schedule_on_cpu(t, cpu);

	/*
	 * Stock Xen ignores schedules of a killed tasklet, as dwork does.
	 * Anything else dwork refused (offline CPU, uninitialised tasklet) is
	 * dropped and counted.  No printk here: the console itself schedules
	 * a tasklet from printk, also on CPUs that are going down.
	 */
	if (unlikely(rc) && rc != DWORK_ESHUTDOWN)
		__atomic_fetch_add(&dwork_xen_refused, 1, __ATOMIC_RELAXED);
}

void tasklet_schedule(struct tasklet *t)
{
	tasklet_schedule_on_cpu(t, smp_processor_id());
}

bool tasklet_is_scheduled(const struct tasklet *t)
{
	return ACCESS_ONCE(t->early) || dwork_tasklet_is_scheduled(&t->dw);
}

void tasklet_kill(struct tasklet *t)
{
	/*
	 * Dead first, then off the early list: an early schedule (from an
	 * IRQ) in between is refused, so none is left linked after this.
	 */
	int rc = dwork_tasklet_kill(&t->dw);

	if (unlikely(!ACCESS_ONCE(tasklets_initialised)))
		early_unlink(t);
	/*
	 * DWORK_EINVAL: never initialised (or NULL function); stock Xen also
	 * copes with that.  DWORK_EDEADLK: killed from an IRQ (or a nested
	 * softirq) on the CPU that is running the tasklet, where stock Xen
	 * spins forever; returning would let the caller free a running
	 * tasklet, so stop here with a clear diagnosis instead.
	 */
	BUG_ON(rc == DWORK_EDEADLK);
}

/* VCPU context work: the idle loop calls this when tasklet_work_to_do(). */
void do_tasklet(void)
{
	unsigned int cpu = smp_processor_id();
	unsigned long *work_to_do = &per_cpu(tasklet_work_to_do, cpu);
	unsigned long flags;

	/*
	 * As in stock Xen: the caller checked TASKLET_enqueued|scheduled;
	 * TASKLET_enqueued is cleared only here, TASKLET_scheduled only by
	 * the scheduler when it finds it without TASKLET_enqueued.
	 */
	ASSERT(tasklet_work_to_do(cpu));

	dwork_idle_run();

	/*
	 * IRQs off: only this CPU sets TASKLET_enqueued for itself (work fed
	 * from other CPUs arrives through TASKLET_SOFTIRQ, whose handler
	 * cannot run here), so nothing can slip in between the check and the
	 * clear.
	 */
	local_irq_save(flags);
	if (!dwork_idle_pending()) {
		clear_bit(_TASKLET_enqueued, work_to_do);
		raise_softirq(SCHEDULE_SOFTIRQ);
	}
	local_irq_restore(flags);
}

/*
 * Softirq context work: softirq tasklets and dwork items.
 *
 * A softirq callback may call process_pending_softirqs(), which runs
 * pending softirqs nested, TASKLET_SOFTIRQ included; dwork_softirq() must
 * not nest on one CPU.  The nested call does nothing: the outer pass
 * raises TASKLET_SOFTIRQ again at its end if work is left.
 */
static bool dwork_xen_in_softirq[NR_CPUS];

static void cf_check dwork_xen_softirq(void)
{
	bool *in = &dwork_xen_in_softirq[smp_processor_id()];

	if (*in)
		return;
	*in = true;
	dwork_softirq();
	*in = false;
}

static int cf_check cpu_callback(struct notifier_block *nfb,
				 unsigned long action, void *hcpu)
{
	unsigned int cpu = (unsigned long)hcpu;

	(void)nfb;
	switch (action) {
	case CPU_UP_PREPARE:
		dwork_cpu_init(cpu);
		break;
	case CPU_UP_CANCELED:
	case CPU_DEAD:
		dwork_cpu_dead(cpu);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block cpu_nfb = {
	.notifier_call = cpu_callback,
	.priority = 99, /* right after the per-CPU areas, as stock Xen */
};

void __init tasklet_subsys_init(void)
{
	unsigned int cpu = smp_processor_id();
	struct tasklet *t, *next;
	unsigned long flags;

	dwork_cpu_init(cpu);
	register_cpu_notifier(&cpu_nfb);
	open_softirq(TASKLET_SOFTIRQ, dwork_xen_softirq);

	/*
	 * From now on schedules go to dwork; take the early list and replay
	 * it in order (every early schedule was for the boot CPU), all with
	 * IRQs off.  Stock Xen calls this with IRQs off anyway; if a caller
	 * did not, an IRQ that killed and re-initialised a tasklet further
	 * down the detached list would clear its early_next and cut the
	 * replay there (what follows would never run, and would stay
	 * "scheduled" for ever), and the killed tasklet would run anyway.
	 * Now such an IRQ comes after the replay, as after any schedule.
	 */
	local_irq_save(flags);
	t = early_head;
	early_head = NULL;
	early_tail = &early_head;
	ACCESS_ONCE(tasklets_initialised) = true;
	for (; t; t = next) {
		next = t->early_next;
		t->early_next = NULL;
		t->early = false;
		tasklet_schedule_on_cpu(t, cpu);
	}
	local_irq_restore(flags);
}

/*
 * Debug key 'k': dwork's counters per CPU (dwork_cpu_stats()), for an
 * administrator asking where deferred work ran.  "adopted" counts nodes a
 * CPU took over from a CPU that went down.  The counters exist only with
 * CONFIG_PERF_COUNTERS (see <dwork_port.h>).
 */
static void cf_check dwork_xen_key(unsigned char key)
{
	struct dwork_stats s;
	unsigned int cpu;

	(void)key;
	printk("dwork counters (refused schedules: %lu)\n",
	       __atomic_load_n(&dwork_xen_refused, __ATOMIC_RELAXED));
	for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
		if (dwork_cpu_stats(cpu, &s)) {
			printk("dwork: no counters (CONFIG_PERF_COUNTERS is off)\n");
			return;
		}
		if (!cpu_online(cpu) && !s.raised && !s.run && !s.migrated)
			continue;
		printk("dwork CPU%u%s: raised %lu coalesced %lu run %lu fed %lu "
		       "adopted %lu requeued %lu forwarded %lu dropped %lu\n",
		       cpu, cpu_online(cpu) ? "" : " (offline)", s.raised,
		       s.coalesced, s.run, s.fed, s.migrated, s.requeued,
		       s.forwarded, s.dropped);
	}
}

static int __init cf_check dwork_xen_key_init(void)
{
	register_keyhandler('k', dwork_xen_key, "dump dwork counters", 1);
	return 0;
}
__initcall(dwork_xen_key_init);

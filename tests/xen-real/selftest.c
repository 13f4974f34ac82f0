// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/xen-real/selftest.c - a test-only CPU notifier for make xen-check.
 *
 * tests/xen-real/run.sh copies this file into every Xen tree it builds for
 * testing, stock and dwork alike, as xen/common/xen_check_selftest.c and
 * adds it to xen/common/Makefile.  It is not part of what
 * port/xen/integrate.sh installs.
 *
 * What it checks: tasklets queued on a CPU that is going down are moved
 * to a live CPU and run there, none lost.  dom0's hotplug loop
 * (tests/xen-real/init.sh) rarely leaves anything queued on a CPU when it
 * dies, so this file queues work there on purpose, every time:
 *
 * - At CPU_DYING (on the dying CPU, in stop_machine context with IRQs
 *   off) it schedules one softirq tasklet and one idle tasklet of that
 *   CPU's slot on the dying CPU itself.  The CPU never runs them: it
 *   leaves cpu_online_map right after CPU_DYING (__cpu_disable()), and an
 *   offline CPU runs no softirq (do_softirq() stops) and no tasklet
 *   (play_dead() at the top of the idle loop).  Only the CPU_DEAD
 *   notifier of the tasklet implementation can move them to a live CPU:
 *   to the one running cpu_down(), which for XEN_SYSCTL_cpu_hotplug is
 *   always CPU 0 (the sysctl continues on CPU 0 through
 *   continue_hypercall_on_cpu()).
 *
 * - At the next hotplug operation, in its CPU_DOWN_PREPARE or
 *   CPU_UP_PREPARE (any CPU), both must have run.  That follows from the
 *   order of events alone, not from timing:
 *     - the idle tasklet joined CPU 0's idle-tasklet list at CPU_DEAD,
 *       inside the previous operation's continuation, so before dom0
 *       could issue the next operation; idle tasklets of one CPU run in
 *       the order they were queued, and the next operation's notifiers
 *       run in its own continuation tasklet on CPU 0, queued later;
 *     - the softirq tasklet was moved to CPU 0 with TASKLET_SOFTIRQ
 *       raised there.  While idle-tasklet work is queued on CPU 0 its
 *       scheduler keeps running the idle vCPU, whose loop calls
 *       do_softirq() after every do_tasklet(), and do_softirq() returns
 *       only when no softirq is pending; so TASKLET_SOFTIRQ, and the
 *       softirq tasklet with it, was handled before the do_tasklet() that
 *       ran the idle tasklet above.
 *   Anything not run by then is reported as lost, once per slot: a line
 *   "xen-check selftest: LOST ..." and a WARN (Xen's own "Xen WARN at"
 *   with a stack trace) for the first loss.
 *
 * - The idle-tasklet handshake with the scheduler: queueing an idle
 *   tasklet on a CPU that has none queued (TASKLET_enqueued clear) must set
 *   TASKLET_enqueued and raise SCHEDULE_SOFTIRQ on that CPU; without the
 *   raise the scheduler does not switch to the idle vCPU, and the tasklet
 *   waits for whatever next runs the scheduler there.  Debug key 'y'
 *   probes this on the CPU it runs on (dom0's hypercall, a guest vCPU
 *   running): with IRQs off, when TASKLET_enqueued is clear and
 *   SCHEDULE_SOFTIRQ is not pending, it schedules an idle tasklet there
 *   (a fresh one each time, so that none is running) and reads both bits
 *   back.  A probe where either bit was already set proves nothing and
 *   is not counted.  (Another CPU may raise SCHEDULE_SOFTIRQ here between
 *   the two reads; that can hide a missing raise, never invent one.)
 *
 * - Debug key 'y' then prints "xen-check selftest: scheduled N ran N lost
 *   N late N pending N checks N kick-probes N kick-failed N"; dom0
 *   presses it every fifth hotplug loop and at the end of its run, and
 *   run.sh requires, in the last line, scheduled = ran = checks = 2 x the
 *   CPU offline operations and lost = late = pending = kick-failed = 0.
 *   "late" counts tasklets that ran after being reported lost (e.g. when
 *   their CPU came back); "pending" those not checked yet.
 *
 * - In a tree with dwork (<dwork/dwork.h> there), CPU_DYING also raises a
 *   dwork item (the kind dpci uses) on the dying CPU, checked the same
 *   way; 'y' then adds "items N items-ran N" to its line (N = the CPU
 *   offline operations).  The mutation that skips adopting items loses it.
 *
 * - xen_check_count(): per-CPU event counters that run.sh's test-time
 *   edits of Xen's own files call in every tree, stock too (run.sh,
 *   instrument()): dpci raises (hvm_do_IRQ_dpci() raising the deferred
 *   assist), dpci runs (hvm_dirq_assist()), HVM event-channel tasklet
 *   schedules (hvm_assert_evtchn_irq() from IRQ context or with IRQs
 *   off) and runs of that tasklet, vlapic INIT-SIPI tasklet schedules
 *   (vlapic_ipi()) and runs (vlapic_init_sipi_action()).  'y' prints
 *   them per CPU as "xen-check count NAME: CPU:N ..." (every domain) and
 *   "xen-check count domU-NAME: CPU:N ..." (domains other than dom0).
 *
 * Counters are atomic_t: the dying CPU, CPU 0's softirq and idle contexts
 * and the key handler touch them.  stop_machine orders the dying CPU's
 * writes before CPU_DEAD (every CPU passes its rendezvous).
 */
#include <xen/bitops.h>
#include <xen/cpu.h>
#include <xen/init.h>
#include <xen/keyhandler.h>
#include <xen/lib.h>
#include <xen/smp.h>
#include <xen/softirq.h>
#include <xen/tasklet.h>
#include <asm/atomic.h>
#if __has_include(<dwork/dwork.h>)
#include <dwork/dwork.h>
#define XC_HAVE_DWORK 1
#else
#define XC_HAVE_DWORK 0
#endif

/*
 * Event counters, per CPU (see xen_check_count()): [0] every domain,
 * [1] domains other than dom0.
 */
#define XC_NCOUNT 6
static const char *const xc_count_name[XC_NCOUNT] = {
	"dpci-raise", "dpci-run", "evtchn-tasklet-schedule", "evtchn-tasklet-run",
	"vlapic-sipi-tasklet-schedule", "vlapic-sipi-tasklet-run",
};
static unsigned long xc_count[2][XC_NCOUNT][NR_CPUS];

void xen_check_count(unsigned int what, unsigned int domid);
void xen_check_count(unsigned int what, unsigned int domid)
{
	unsigned int cpu = smp_processor_id();

	if (what >= XC_NCOUNT)
		return;
	__atomic_fetch_add(&xc_count[0][what][cpu], 1, __ATOMIC_RELAXED);
	if (domid != 0)
		__atomic_fetch_add(&xc_count[1][what][cpu], 1, __ATOMIC_RELAXED);
}

#define XC_SOFTIRQ 0
#define XC_IDLE    1
#define XC_ITEM    2	/* only with dwork */
#define XC_NKIND   (XC_HAVE_DWORK ? 3 : 2)

struct xc_slot {
	struct tasklet t[2];	/* [XC_SOFTIRQ], [XC_IDLE] */
	unsigned long armed;	/* bit per kind: scheduled, not yet checked */
	unsigned long ran;	/* bit per kind: ran since it was scheduled */
	unsigned int ran_on[3];	/* the CPU it last ran on */
#if XC_HAVE_DWORK
	struct dwork_item it;	/* [XC_ITEM] */
#endif
};

static struct xc_slot xc_slots[NR_CPUS];
static atomic_t xc_scheduled, xc_ran, xc_lost, xc_late, xc_checks;
static bool xc_warned;
static atomic_t xc_items, xc_items_ran;

/* One idle tasklet per handshake probe: never running when scheduled. */
#define XC_PROBES 256
static struct tasklet xc_probe[XC_PROBES];
static unsigned int xc_probes, xc_kick_failed;	/* key handler only */

static void xc_fn(struct xc_slot *s, unsigned int kind)
{
	s->ran_on[kind] = smp_processor_id();
	atomic_inc(&xc_ran);
	if (!test_bit(kind, &s->armed))
		atomic_inc(&xc_late);	/* ran after its check: reported lost */
	set_bit(kind, &s->ran);
}

static void cf_check xc_softirq_fn(void *data)
{
	xc_fn(data, XC_SOFTIRQ);
}

static void cf_check xc_idle_fn(void *data)
{
	xc_fn(data, XC_IDLE);
}

#if XC_HAVE_DWORK
static void cf_check xc_item_fn(struct dwork_item *it)
{
	struct xc_slot *s = container_of(it, struct xc_slot, it);

	s->ran_on[XC_ITEM] = smp_processor_id();
	atomic_inc(&xc_items_ran);
	if (!test_bit(XC_ITEM, &s->armed))
		atomic_inc(&xc_late);
	set_bit(XC_ITEM, &s->ran);
}
#endif

/* On the dying CPU, IRQs off, inside stop_machine: no printk here. */
static void xc_dying(unsigned int cpu)
{
	struct xc_slot *s = &xc_slots[cpu];
	unsigned int kind;

	if (cpu != smp_processor_id())
		return;	/* never: CPU_DYING runs on the dying CPU */
	for (kind = XC_SOFTIRQ; kind <= XC_IDLE; kind++) {
		clear_bit(kind, &s->ran);
		set_bit(kind, &s->armed);
		atomic_inc(&xc_scheduled);
		tasklet_schedule_on_cpu(&s->t[kind], cpu);
	}
#if XC_HAVE_DWORK
	clear_bit(XC_ITEM, &s->ran);
	set_bit(XC_ITEM, &s->armed);
	atomic_inc(&xc_items);
	/* On this (dying) CPU: only CPU_DEAD's adoption can run it. */
	if (dwork_item_raise(&s->it) != DWORK_QUEUED)
		atomic_inc(&xc_lost);
#endif
}

/* At the start of a hotplug operation: everything queued earlier ran. */
static void xc_check(unsigned long action, unsigned int cpu)
{
	unsigned int c, kind;

	for (c = 0; c < nr_cpu_ids; c++) {
		struct xc_slot *s = &xc_slots[c];
		bool lost = false;

		for (kind = XC_SOFTIRQ; kind < XC_NKIND; kind++) {
			if (!test_bit(kind, &s->armed))
				continue;
			if (kind != XC_ITEM)
				atomic_inc(&xc_checks);
			if (!test_bit(kind, &s->ran)) {
				atomic_inc(&xc_lost);
				lost = true;
			}
			clear_bit(kind, &s->armed);
		}
		if (!lost)
			continue;
		printk(XENLOG_ERR "xen-check selftest: LOST work queued on CPU%u "
		       "at its CPU_DYING: not run by the %s of CPU%u "
		       "(softirq tasklet %s, idle tasklet %s, item %s)\n",
		       c, action == CPU_UP_PREPARE ? "CPU_UP_PREPARE"
						   : "CPU_DOWN_PREPARE",
		       cpu, test_bit(XC_SOFTIRQ, &s->ran) ? "ran" : "not run",
		       test_bit(XC_IDLE, &s->ran) ? "ran" : "not run",
		       !XC_HAVE_DWORK ? "none" :
		       test_bit(XC_ITEM, &s->ran) ? "ran" : "not run");
		if (!xc_warned) {
			xc_warned = true;
			WARN();
		}
	}
}

static int cf_check xc_cpu_callback(struct notifier_block *nfb,
				    unsigned long action, void *hcpu)
{
	unsigned int cpu = (unsigned long)hcpu;

	(void)nfb;
	switch (action) {
	case CPU_DYING:
		xc_dying(cpu);
		break;
	case CPU_DOWN_PREPARE:
	case CPU_UP_PREPARE:
		xc_check(action, cpu);
		break;
	default:
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block xc_cpu_nfb = {
	.notifier_call = xc_cpu_callback,
};

static void cf_check xc_probe_fn(void *data)
{
	(void)data;
}

static void xc_probe_kick(void)
{
	unsigned int cpu = smp_processor_id();
	unsigned long *todo = &per_cpu(tasklet_work_to_do, cpu);
	unsigned long flags;
	bool failed = false;

	if (xc_probes == XC_PROBES)
		return;
	local_irq_save(flags);
	if (!test_bit(_TASKLET_enqueued, todo) &&
	    !(ACCESS_ONCE(softirq_pending(cpu)) & (1U << SCHEDULE_SOFTIRQ))) {
		tasklet_schedule(&xc_probe[xc_probes++]);
		failed = !test_bit(_TASKLET_enqueued, todo) ||
			 !(ACCESS_ONCE(softirq_pending(cpu)) &
			   (1U << SCHEDULE_SOFTIRQ));
	}
	local_irq_restore(flags);
	if (failed && ++xc_kick_failed == 1)
		printk(XENLOG_ERR "xen-check selftest: KICK: an idle tasklet "
		       "queued on CPU%u, which had no idle-tasklet work, left "
		       "TASKLET_enqueued %s and SCHEDULE_SOFTIRQ %s\n", cpu,
		       test_bit(_TASKLET_enqueued, todo) ? "set" : "clear",
		       (ACCESS_ONCE(softirq_pending(cpu)) &
			(1U << SCHEDULE_SOFTIRQ)) ? "raised" : "not raised");
}

static void cf_check xc_key(unsigned char key)
{
	unsigned int c, kind, w, u, pending = 0;
	char buf[160];
	int n;

	(void)key;
	xc_probe_kick();
	for (u = 0; u < 2; u++)
		for (w = 0; w < XC_NCOUNT; w++) {
			n = 0;
			for (c = 0; c < nr_cpu_ids && n < (int)sizeof(buf) - 24; c++)
				n += snprintf(buf + n, sizeof(buf) - n, " %u:%lu", c,
					      __atomic_load_n(&xc_count[u][w][c],
							      __ATOMIC_RELAXED));
			printk("xen-check count %s%s:%s\n", u ? "domU-" : "",
			       xc_count_name[w], buf);
		}
	for (c = 0; c < nr_cpu_ids; c++)
		for (kind = XC_SOFTIRQ; kind < XC_NKIND; kind++)
			pending += test_bit(kind, &xc_slots[c].armed);
	buf[0] = 0;
	if (XC_HAVE_DWORK)
		snprintf(buf, sizeof(buf), " items %d items-ran %d",
			 atomic_read(&xc_items), atomic_read(&xc_items_ran));
	printk("xen-check selftest: scheduled %d ran %d lost %d late %d "
	       "pending %u checks %d kick-probes %u kick-failed %u%s\n",
	       atomic_read(&xc_scheduled), atomic_read(&xc_ran),
	       atomic_read(&xc_lost), atomic_read(&xc_late), pending,
	       atomic_read(&xc_checks), xc_probes, xc_kick_failed, buf);
}

static int __init cf_check xc_selftest_init(void)
{
	unsigned int c;

	for (c = 0; c < NR_CPUS; c++) {
		softirq_tasklet_init(&xc_slots[c].t[XC_SOFTIRQ], xc_softirq_fn,
				     &xc_slots[c]);
		tasklet_init(&xc_slots[c].t[XC_IDLE], xc_idle_fn, &xc_slots[c]);
#if XC_HAVE_DWORK
		dwork_item_init(&xc_slots[c].it, xc_item_fn);
#endif
	}
	for (c = 0; c < XC_PROBES; c++)
		tasklet_init(&xc_probe[c], xc_probe_fn, NULL);
	register_cpu_notifier(&xc_cpu_nfb);
	register_keyhandler('y', xc_key, "xen-check selftest counters", 0);
	printk("xen-check selftest: tasklets queued at CPU_DYING must run "
	       "elsewhere (debug key 'y')\n");
	return 0;
}
__initcall(xc_selftest_init);

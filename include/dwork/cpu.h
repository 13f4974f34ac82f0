/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork per-CPU engine: hotplug, the softirq handler and the idle loop.
 */
#ifndef DWORK_CPU_H
#define DWORK_CPU_H

#include <dwork/port.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * dwork_cpu_init - bring a CPU's dwork state up
 * @cpu: the CPU (0 <= @cpu < DWORK_NR_CPUS)
 *
 * Call at boot for every CPU present, and at CPU_UP_PREPARE.  From then on
 * work can be queued on @cpu.  A second call on a CPU that is already up
 * does nothing.  @cpu must run dwork code (softirq, idle loop) only once
 * this returned: its inbox reopens last.  Work pushed at a @cpu coming
 * back from dwork_cpu_dead() meanwhile goes to the CPU that adopted its
 * work, which forwards it; no CPU ever waits for this call to finish, so
 * an IRQ may interrupt it.
 *
 * Context: task, on any CPU (normally not @cpu itself), or at boot.
 * NMI: not safe.
 * Return: nothing; an out-of-range @cpu is ignored (and asserted with
 * debug_checks).
 */
void dwork_cpu_init(unsigned int cpu);

/**
 * dwork_cpu_dead - adopt everything a dead CPU had pending
 * @cpu: the CPU that died (or whose bring-up was cancelled)
 *
 * Closes @cpu's inbox and moves to the calling CPU, in order, everything
 * that was pending there: softirq and idle tasklets, items, work fed to
 * it, and work re-targeted to it while running elsewhere (which arrives
 * later and is forwarded here).  Raises the softirq / kicks idle here as
 * needed.  Nothing accepted is lost.  From now on, schedules and raises
 * for @cpu are refused with DWORK_ENODEV until dwork_cpu_init().
 * Called with IRQs enabled, it keeps them off for at most 32 nodes at a
 * time (DWORK_ADOPT_BATCH) and enables them in between; an interrupt there
 * that kills one of the dead CPU's tasklets continues the adoption itself.
 * Called with IRQs disabled, it adopts everything in one go.  An NMI may
 * still land on @cpu until the port stops it: an NMI-safe raise there
 * that saw @cpu online is waited for (briefly, spinning with
 * dwork_port_cpu_relax()), and its work runs here; later ones are
 * refused with DWORK_ENODEV.
 *
 * Context: any context on an online CPU other than @cpu, after @cpu has
 * stopped running dwork code: task (the CPU_DEAD / CPU_UP_CANCELED
 * notifier), hard IRQ (a cross-CPU function call), or nested in a
 * dwork_tasklet_kill() spin-wait (from the port's dwork_port_cpu_relax()).
 * A port must make sure a CPU spinning in kill can still get it done: such
 * a kill may be waiting for exactly this adoption.
 * NMI: not safe.
 * Return: nothing; calls with a bad @cpu, on @cpu itself, off-CPU or on a
 * CPU not online in dwork are ignored (and asserted with debug_checks).  With debug_checks it also
 * asserts that dwork_port_cpu_online(@cpu) is false: calling it for a CPU
 * that still runs makes that CPU refuse all work from then on.
 */
void dwork_cpu_dead(unsigned int cpu);

/**
 * dwork_softirq - the port's softirq handler for dwork
 *
 * Runs at most DWORK_SOFTIRQ_BATCH item and softirq-tasklet callbacks that
 * were queued on this CPU when the pass started; work queued during the
 * pass runs in a later one.  Raises the softirq again if work remains.
 * Also services unlink and forward requests from other CPUs.
 *
 * Context: softirq, IRQs enabled.  A call nested in one of its own
 * callbacks on the same CPU (Xen's process_pending_softirqs() from a
 * softirq tasklet) returns at once; the outer pass re-raises the softirq
 * if work is left.
 * NMI: not safe.
 * Return: nothing.
 */
void dwork_softirq(void);

/**
 * dwork_idle_pending - is idle-tasklet work queued on this CPU?
 *
 * Context: idle loop or task, IRQs enabled or disabled.
 * NMI: not safe (it sorts the inbox onto the lists).
 * Return: true if dwork_idle_run() has a tasklet to run.
 */
bool dwork_idle_pending(void);

/**
 * dwork_idle_run - run one idle tasklet
 *
 * Runs at most one callback (Xen's rule, so that the scheduler gets in
 * between two).  Kicks the idle loop again (dwork_port_kick_idle()) if
 * more idle work remains.
 *
 * Context: idle, IRQs enabled (asserted with debug_checks).  Called from
 * a softirq callback it runs nothing (asserted with debug_checks): an
 * idle callback nested there would be taken for an interrupted one.
 * NMI: not safe.
 * Return: nothing.
 */
void dwork_idle_run(void);

/**
 * dwork_cpu_stats - read a CPU's counters
 * @cpu: the CPU
 * @out: where to store them
 *
 * The counters exist only in a core built with DWORK_STATS=1 (the
 * default; meson option stats).
 *
 * Context: any.
 * NMI-safe (relaxed loads; a counter may be read mid-update).
 * Return: 0, or DWORK_EINVAL for NULL @out or an out-of-range @cpu, or
 * DWORK_EOPNOTSUPP (with *@out zeroed) in a core built with DWORK_STATS=0.
 */
int dwork_cpu_stats(unsigned int cpu, struct dwork_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* DWORK_CPU_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork tasklets: Xen's tasklets on per-CPU lists with lock-free
 * cross-CPU feeding.
 *
 * Two kinds, as in Xen: softirq tasklets run from dwork_softirq(); idle
 * tasklets run from the CPU's idle loop, one per dwork_idle_run() call.
 *
 * Rules: a tasklet runs at most once per schedule (a schedule of a pending
 * tasklet coalesces); never on two CPUs at once; if scheduled while its
 * callback runs, it runs again afterwards on the newest target CPU; runs
 * are FIFO per target CPU and kind for schedules from one source CPU,
 * except that a re-run owed to a running tasklet is queued only when its
 * callback returns, so a tasklet scheduled later from the same CPU (while
 * the callback ran) may run before that re-run, as in Xen; a schedule
 * that moves a pending tasklet to another CPU takes its place there when
 * the CPU holding it next runs its softirq, so a later schedule may
 * overtake it; and NMI-safe schedules (dwork_tasklet_schedule_nmi()) are
 * not ordered against ordinary ones from the same CPU (docs/design.md,
 * section 8); kill cancels, marks dead and waits for a callback on
 * another CPU.
 *
 * Synchronization matrix (Y: may run concurrently on any CPUs):
 *
 *                 schedule[_on]  is_scheduled  kill  callback  init
 *   schedule[_on]       Y             Y          Y       Y       -
 *   is_scheduled        Y             Y          Y       Y       -
 *   kill                Y             Y          Y       Y       -
 *   callback            Y             Y          Y   (never 2)   -
 *   init                -             -          -       -       -
 *
 * init may run only on a tasklet that is new, or dead (kill returned), or
 * whose own callback killed it (self-kill).  Init of a tasklet that is
 * still pending, queued or running is refused: the tasklet is left as it
 * was (asserted with debug_checks), so it cannot corrupt the list it is
 * on nor start a second run next to the running one.  After a self-kill
 * dwork never touches the tasklet again, so the callback may free it and
 * the memory may be reused at once, by any CPU or an IRQ, while the old
 * callback is still finishing: init there returns 0 and makes a fresh
 * object that schedules and runs normally (the old callback is no run
 * of it).  Only a re-init from the callback itself continues the old
 * run: the new life starts as "running", so a schedule from the rest of
 * that callback, on any CPU, is a re-run after the callback returns, and
 * one tasklet never runs twice at once.
 */
#ifndef DWORK_TASKLET_H
#define DWORK_TASKLET_H

#include <dwork/port.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The two kinds of tasklet. */
enum dwork_tasklet_kind {
	DWORK_TASKLET_SOFTIRQ = DWORK_KIND_SOFTIRQ, /* run from dwork_softirq() */
	DWORK_TASKLET_IDLE = DWORK_KIND_IDLE,       /* run from dwork_idle_run() */
};

/**
 * struct dwork_tasklet - a tasklet; embed it or define it statically
 * @node: dwork's queue node
 * @fn:   the callback
 * @data: its argument
 */
struct dwork_tasklet {
	struct dwork_node node;
	void (*fn)(void *data);
	void *data;
};

/* Idle-kind tasklet, like Xen's DECLARE_TASKLET. */
#define DWORK_TASKLET_INIT(fn_, data_)                                     \
	{ .node = DWORK_NODE_INIT(DWORK_KIND_IDLE), .fn = (fn_),          \
	  .data = (data_) }

/* Softirq-kind tasklet, like Xen's DECLARE_SOFTIRQ_TASKLET. */
#define DWORK_SOFTIRQ_TASKLET_INIT(fn_, data_)                             \
	{ .node = DWORK_NODE_INIT(DWORK_KIND_SOFTIRQ), .fn = (fn_),       \
	  .data = (data_) }

/**
 * dwork_tasklet_init - initialise (or re-initialise after kill) a tasklet
 * @t:    the tasklet
 * @fn:   callback, run with IRQs enabled in softirq or idle context
 * @data: its argument
 * @kind: DWORK_TASKLET_SOFTIRQ or DWORK_TASKLET_IDLE
 *
 * Context: any; only on a new or dead tasklet (see the matrix above).
 * NMI-safe under the same rule (it writes only the tasklet), but only on
 * a tasklet whose callback does not run on this CPU: an NMI cannot be
 * told from the callback it interrupted, so after that callback's
 * self-kill the NMI's init would be taken for the callback's own re-init
 * (returning 0, and dwork would end the run on a tasklet the callback
 * may have freed).
 * Return: 0 when initialised; a NULL @fn or a bad @kind then leaves a
 * tasklet every schedule refuses with DWORK_EINVAL.  DWORK_EINVAL for a
 * NULL @t.  DWORK_EBUSY for a tasklet that is pending, queued or running
 * (its callback has not killed it): it is left untouched, callback and
 * @data included, and keeps working as before; debug_checks asserts.  An
 * outside kill that returned makes init safe, and so does a self-kill:
 * the memory of a tasklet its callback killed (and maybe freed) may be
 * initialised again at once from any CPU or IRQ, even while that
 * callback is still finishing, and the new object runs normally; from
 * the callback itself, init continues the old run (see above).
 */
int dwork_tasklet_init(struct dwork_tasklet *t, void (*fn)(void *), void *data,
		       enum dwork_tasklet_kind kind);

/**
 * dwork_tasklet_schedule - schedule a tasklet on this CPU
 * @t: the tasklet
 *
 * Context: any, including hard IRQ and IRQs disabled.
 * NMI: not safe; use dwork_tasklet_schedule_nmi().
 * Return: see dwork_tasklet_schedule_on().
 */
int dwork_tasklet_schedule(struct dwork_tasklet *t);

/**
 * dwork_tasklet_schedule_on - schedule a tasklet on @cpu
 * @t:   the tasklet
 * @cpu: target CPU
 *
 * If the tasklet is pending, the schedule coalesces; if it was pending for
 * another CPU it moves to @cpu and runs once there (the CPU it was queued
 * on forwards it at its next softirq pass).  If its callback is running,
 * it runs again after the callback returns, on the newest target.  The
 * push into @cpu's inbox is lock-free (no lock shared by CPUs, no spinning
 * on another CPU) and raises the softirq on @cpu only when the inbox was
 * empty.  Everything this CPU wrote before a schedule that returned 0 is
 * visible to the callback run that follows it.
 *
 * Context: any, including hard IRQ and IRQs disabled.
 * NMI: not safe; use dwork_tasklet_schedule_nmi() (this CPU only).
 * Return: 0 if the tasklet is (now or already) pending; DWORK_ESHUTDOWN
 * after kill (whatever @cpu); DWORK_ENODEV if @cpu is out of range or not
 * online in dwork;
 * DWORK_EINVAL for NULL or an uninitialised tasklet.  On an error nothing
 * is queued.
 */
int dwork_tasklet_schedule_on(struct dwork_tasklet *t, unsigned int cpu);

/**
 * dwork_tasklet_schedule_nmi - schedule a tasklet on this CPU from an NMI
 * @t: the tasklet
 *
 * The NMI-safe form of dwork_tasklet_schedule(), for both kinds: see
 * dwork_item_raise_nmi() for what it does and does not touch.  The run
 * happens on this CPU, except when the tasklet is already queued on
 * another CPU (pending or cancelled there): then that CPU runs it.  An
 * idle tasklet goes through the softirq, which moves it to the idle list
 * and kicks the idle loop.  NMI schedules are not counted in
 * dwork_cpu_stats().
 *
 * Context: any on a CPU online in dwork, including NMI, hard IRQ and IRQs
 * disabled.  NMI-safe: it may interrupt any dwork call on this CPU.
 * Return: 0 if the tasklet is (now or already) pending; DWORK_ESHUTDOWN
 * after kill; DWORK_ENODEV if this CPU is not online in dwork (or its
 * dwork_cpu_init() is not done); DWORK_EINVAL for NULL or an
 * uninitialised tasklet; DWORK_EOPNOTSUPP if the port has no
 * dwork_port_raise_softirq_nmi().  On an error nothing is queued.
 */
int dwork_tasklet_schedule_nmi(struct dwork_tasklet *t);

/**
 * dwork_tasklet_is_scheduled - is a run (or a re-run) pending?
 * @t: the tasklet
 *
 * Context: any.
 * NMI-safe (one atomic load).
 * Return: true while a run, or a re-run after the current one, is pending;
 * false when idle, running with no re-run pending, dead, or NULL.
 */
bool dwork_tasklet_is_scheduled(const struct dwork_tasklet *t);

/**
 * dwork_tasklet_kill - cancel a tasklet and mark it dead
 * @t: the tasklet
 *
 * A pending run is cancelled.  The tasklet becomes dead: every schedule
 * returns DWORK_ESHUTDOWN until dwork_tasklet_init().  Kill then waits
 * until no list references the tasklet and no callback runs on another
 * CPU; while it waits it keeps servicing this CPU's own inbox and unlink
 * requests, so CPUs killing each other's pending tasklets never deadlock.
 * Called from the tasklet's own callback, it returns at once and dwork
 * never touches @t again, so the callback may free or re-init it (free
 * it only if no other CPU may still call kill or schedule on it); memory
 * so freed may be reused at once, by any CPU, for a new tasklet or item
 * (see dwork_tasklet_init()).  A kill from anywhere else waits until that
 * callback has returned, also after the callback killed itself (as long
 * as the memory is not re-initialised).  When kill returns 0 the memory
 * may be freed.
 *
 * Context: task, softirq or idle.  From hard IRQ it is allowed only when
 * the tasklet is not running on this CPU, and it may then spin until the
 * CPU holding the tasklet runs its softirq, or, if that CPU died, until
 * dwork_cpu_dead() adopted it: so not from an IRQ on the CPU that will run
 * that dwork_cpu_dead() below the IRQ, unless the port runs pending
 * adoptions from dwork_port_cpu_relax() and takes an adoption request
 * only with IRQs off (port/posix does both); nor from an IRQ that
 * interrupted code holding a lock which the CPU holding the tasklet may
 * wait for (take such locks with IRQs off).
 * NMI: not safe.
 * Return: 0 on success, also for a second kill; DWORK_EDEADLK (and no
 * other effect) if the tasklet's callback is running on this CPU in an
 * outer context (an IRQ that interrupted it, or a softirq nested in its
 * idle callback), also when that callback already killed its tasklet;
 * DWORK_EINVAL for NULL, an uninitialised tasklet, or one whose state
 * dwork cannot have written (overwritten memory).  A byte copy of a
 * pending or running tasklet is not detected: its state is one dwork
 * writes, and a kill of the copy waits forever for an unlink or a
 * return that only the original gets.
 */
int dwork_tasklet_kill(struct dwork_tasklet *t);

#ifdef __cplusplus
}
#endif

#endif /* DWORK_TASKLET_H */

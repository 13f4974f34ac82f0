/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork items: an intrusive per-CPU softirq list with "masked" gating.
 *
 * This is the pattern Xen's dpci code uses for passthrough interrupts
 * (HVM_DPCI_SOFTIRQ): an interrupt handler raises an object; if the object
 * is already pending the raise is absorbed; the softirq runs the callback;
 * teardown polls a busy check and returns a continuation instead of
 * spinning.
 *
 * Synchronization matrix (Y: may run concurrently on any CPUs, including
 * an IRQ interrupting the other call on the same CPU):
 *
 *                   raise[_on]  cancel  busy  callback  init
 *   raise[_on]          Y         Y      Y       Y       -
 *   cancel              Y         Y      Y       Y       -
 *   busy                Y         Y      Y       Y       -
 *   callback            Y         Y      Y   (never 2)   -
 *   init                -         -      -       -       -
 *
 * init must not run concurrently with anything on the same item and only
 * when dwork_item_busy() returns 0.
 */
#ifndef DWORK_ITEM_H
#define DWORK_ITEM_H

#include <dwork/port.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct dwork_item - an item; embed it in your object
 * @node: dwork's queue node
 * @fn:   the callback
 */
struct dwork_item {
	struct dwork_node node;
	void (*fn)(struct dwork_item *it);
};

/* Static initialiser of an item whose callback is fn_. */
#define DWORK_ITEM_INIT(fn_)                                               \
	{ .node = DWORK_NODE_INIT(DWORK_KIND_ITEM), .fn = (fn_) }

/**
 * dwork_item_init - initialise an item
 * @it: the item
 * @fn: callback, run in softirq context with IRQs enabled; it receives @it
 *      (use container_of to reach the embedding object)
 *
 * Context: any, but never while the item may be pending or running
 * (dwork_item_busy() returned 0, or the item was never raised).
 * NMI-safe under the same rule (it writes only the item).
 * Return: 0 when initialised; a NULL @fn then leaves an item that every
 * raise refuses.  DWORK_EINVAL for a NULL @it.  DWORK_EBUSY for an item
 * that is pending, still linked after a cancel, or running: it is left
 * untouched, callback included (wiping it would corrupt the list it is
 * on, or run it twice at once), and debug_checks asserts.  The memory
 * of a tasklet that its own callback killed may be made an item at once
 * (0), from any CPU, even while that callback is still finishing.
 */
int dwork_item_init(struct dwork_item *it, void (*fn)(struct dwork_item *it));

/*
 * dwork_item_raise[_on]() return value when the call queued a new run.
 * An absorbed raise returns 0 and an error a negative DWORK_E* code, so
 * test "> 0" (or "== DWORK_QUEUED"), never the plain truth value.
 */
#define DWORK_QUEUED 1

/**
 * dwork_item_raise - queue an item on this CPU unless it is pending
 * @it: the item
 *
 * If the item is pending (masked) the raise is absorbed.  If its callback
 * is running, on this or any CPU, the item is queued again and runs after
 * the callback returns, never concurrently and without any CPU spinning.
 * Everything this CPU wrote before a raise is visible to the callback run
 * that follows it, whether this raise queued it or was absorbed.
 *
 * Runs are FIFO per CPU for raises from one source CPU, with these
 * exceptions: a run owed because of a raise during the callback is queued
 * only when that callback returns, so an item raised later from the same
 * CPU may run before it (Xen's tasklets behave the same way); a raise
 * that moves a pending item to another CPU, or raises an item that was
 * cancelled while still queued on another CPU, takes its place when that
 * CPU next runs its softirq, so a later raise may overtake it (an item
 * cancelled while queued on this CPU queues behind what was raised after
 * the cancel, exactly); and NMI-safe raises (dwork_item_raise_nmi()) are
 * not ordered against ordinary ones from the same CPU (docs/design.md,
 * section 8).
 *
 * Context: any, including hard IRQ and IRQs disabled.
 * NMI: not safe (it links into this CPU's lists with IRQs saved, which
 * does not keep an NMI out); use dwork_item_raise_nmi().
 * Return: DWORK_QUEUED if this call queued a run; 0 if a run was already
 * pending (absorbed: that run will see this CPU's writes); DWORK_EINVAL
 * if @it is NULL or uninitialised (no callback), or not an item (a
 * tasklet); DWORK_ENODEV if this CPU is not online in dwork (before
 * dwork_cpu_init(), after dwork_cpu_dead(), or a thread that is no CPU).
 * On an error nothing is queued.  One exception without debug_checks:
 * the raise of an object whose state word reads exactly "pending and
 * queued on this CPU" (the interrupt-storm path) checks nothing else, so
 * a tasklet or garbage memory that reads so is answered 0; with
 * debug_checks it is refused with DWORK_EINVAL too.
 */
int dwork_item_raise(struct dwork_item *it);

/**
 * dwork_item_raise_on - queue an item on @cpu unless it is pending
 * @it:  the item
 * @cpu: target CPU
 *
 * As dwork_item_raise(), but the run happens on @cpu.  The push into
 * @cpu's inbox is lock-free and raises the softirq there only when the
 * inbox was empty.  Raising a pending item for another CPU moves the run
 * there (it runs once, on the newest target) and returns 0.
 *
 * Context: any, including hard IRQ and IRQs disabled.
 * NMI: not safe; use dwork_item_raise_nmi() (this CPU only).
 * Return: DWORK_QUEUED if this call queued a run; 0 if a run was already
 * pending; DWORK_EINVAL if @it is NULL or uninitialised; DWORK_ENODEV if
 * @cpu is out of range or not online in dwork.  On an error nothing is
 * queued.
 */
int dwork_item_raise_on(struct dwork_item *it, unsigned int cpu);

/**
 * dwork_item_raise_nmi - queue an item on this CPU from an NMI
 * @it: the item
 *
 * The NMI-safe form of dwork_item_raise(), after Linux's irq_work_queue():
 * it never links into this CPU's lists and never saves IRQs.  It sets the
 * state word with a CAS, pushes an idle item onto this CPU's own inbox
 * with the lock-free push other CPUs use, and raises the softirq through
 * the port's dwork_port_raise_softirq_nmi().  The run happens on this CPU,
 * except when the item is already queued on another CPU (pending or
 * cancelled there): then that CPU runs it, as it reaches every queued
 * item.  A pending item absorbs the raise; a running one runs again after
 * its callback.  Everything this CPU wrote before the raise is visible to
 * the run that follows.  NMI raises are not counted in dwork_cpu_stats().
 *
 * Context: any on a CPU online in dwork, including NMI, hard IRQ and IRQs
 * disabled.  NMI-safe: it may interrupt any dwork call on this CPU.
 * Return: DWORK_QUEUED if this call queued a run; 0 if a run was already
 * pending; DWORK_EINVAL if @it is NULL or uninitialised; DWORK_ENODEV if
 * this CPU is not online in dwork (or its dwork_cpu_init() is not done);
 * DWORK_EOPNOTSUPP if the port has no dwork_port_raise_softirq_nmi().  On
 * an error nothing is queued.
 */
int dwork_item_raise_nmi(struct dwork_item *it);

/**
 * dwork_item_busy - is the item pending, queued or running?
 * @it: the item
 *
 * For teardown loops that return a continuation (Xen's -ERESTART) instead
 * of spinning: while this returns DWORK_EAGAIN, the item is still
 * referenced by a list or a callback and must not be freed or re-inited.
 * Once it returns 0 it stays 0 until the next raise.
 *
 * Context: any.
 * NMI-safe (one atomic load).
 * Return: 0 if idle, DWORK_EAGAIN while pending, queued or running,
 * DWORK_EINVAL for NULL.
 */
int dwork_item_busy(const struct dwork_item *it);

/**
 * dwork_item_cancel - drop a pending run
 * @it: the item
 *
 * A pending run is dropped.  A running callback is not waited for (poll
 * dwork_item_busy()), and is not run again unless raised after the cancel.
 * The node may stay linked on the CPU it was queued on until that CPU
 * unlinks it (dwork asks it to, at once); raising again at any time is
 * safe and never inserts the node twice, and the new run queues behind
 * what was raised after the cancel, not at the node's old place (see the
 * FIFO rule of dwork_item_raise()).
 *
 * Context: any, including hard IRQ and IRQs disabled.
 * NMI: not safe.
 * Return: nothing.
 */
void dwork_item_cancel(struct dwork_item *it);

#ifdef __cplusplus
}
#endif

#endif /* DWORK_ITEM_H */

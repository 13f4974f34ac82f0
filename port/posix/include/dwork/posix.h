/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork POSIX runtime: virtual CPUs are threads, interrupts are signals.
 *
 * Each virtual CPU (vCPU) is one thread.  Its loop runs, in this order of
 * priority: IRQ handlers posted with dwork_posix_irq_on() (asynchronously,
 * from a signal handler, whenever its soft IRQ flag is clear), task-context
 * requests posted with dwork_posix_run_on() (one at a time, softirqs after
 * each), the dwork softirq (dwork_softirq(), while pending), and one idle
 * tasklet per pass (dwork_idle_run(), softirqs after it).  With nothing to
 * do it sleeps in sigsuspend(); a signal wakes it.
 *
 * Signals: DWORK_POSIX_SIG_IRQ (SIGUSR1 unless the build defines it) carries
 * interrupts; DWORK_POSIX_SIG_IPI (SIGUSR2 unless defined) only wakes a
 * sleeping vCPU.  Both handlers are installed by the first
 * dwork_posix_start() and stay installed (they do nothing on threads that
 * are not vCPUs).  The application must not use these two signals.
 *
 * IRQ handlers run in a signal handler: they may call only async-signal-safe
 * functions.  Every dwork call that its header allows in IRQ context is
 * async-signal-safe on this port; malloc, printf and mutexes are not.
 *
 * Runtime calls (start, stop, run_on, cpu_up/down, quiesce) are made from
 * threads that are not vCPUs; several threads may call them at once.  Do not
 * call dwork_posix_stop() while other threads still use dwork.
 *
 * Synchronization matrix of the runtime calls (Y: may run concurrently,
 * from different host threads; "ser" = serialised internally):
 *
 *               start/stop  run_on  irq_on  cpu_down/up  quiesce
 *   start/stop     ser        -       -         ser        ser
 *   run_on          -         Y       Y          Y          Y
 *   irq_on          -         Y       Y          Y          Y
 *   cpu_down/up    ser        Y       Y         ser        ser
 *   quiesce        ser        Y       Y         ser         Y
 */
#ifndef DWORK_POSIX_H
#define DWORK_POSIX_H

#include <dwork/dwork.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * dwork_posix_start - start the runtime with @nr_cpus virtual CPUs
 * @nr_cpus: number of vCPUs, 1 <= @nr_cpus <= DWORK_NR_CPUS
 *
 * Initialises dwork on CPUs 0 .. @nr_cpus - 1 (dwork_cpu_init()) and starts
 * one thread per CPU.  The per-CPU dwork state and counters are zeroed
 * first.  May be called again after dwork_posix_stop().
 *
 * Context: a thread that is not a vCPU.
 * Return: 0; DWORK_EINVAL for a bad @nr_cpus; DWORK_EBUSY if already
 * started; DWORK_EDEADLK from a vCPU; DWORK_EAGAIN if a thread could not be
 * created (nothing is left running).
 */
int dwork_posix_start(unsigned int nr_cpus);

/**
 * dwork_posix_stop - run what is pending, then stop every vCPU
 *
 * Waits as dwork_posix_quiesce() does, then ends and joins the threads.
 * Afterwards dwork refuses work for every CPU (DWORK_ENODEV / false) until
 * the next start; dwork_cpu_stats() still reports the last counters.
 * Work that never stops re-raising itself makes stop wait forever.
 *
 * Context: a thread that is not a vCPU, while no other thread uses dwork.
 * Return: nothing; does nothing when not started or called on a vCPU.
 */
void dwork_posix_stop(void);

/**
 * dwork_posix_run_on - run @fn(@arg) in task context on @cpu and wait
 * @cpu: the vCPU
 * @fn:  the function; it runs on @cpu's thread with IRQs enabled, may call
 *       any dwork function allowed in task context, and must not call the
 *       runtime's own functions (they would wait for this CPU)
 * @arg: its argument
 *
 * Requests to one CPU run one at a time, in the order they were queued,
 * and the CPU runs its pending softirqs after each.  Everything @fn wrote
 * is visible to the caller when this returns.
 *
 * Context: a thread that is not a vCPU; several at once.
 * Return: 0 once @fn returned; DWORK_ENODEV if @cpu is out of range or
 * not online; DWORK_EINVAL for a NULL @fn; DWORK_EDEADLK from a vCPU.
 */
int dwork_posix_run_on(unsigned int cpu, void (*fn)(void *), void *arg);

/**
 * dwork_posix_irq_on - post an asynchronous hard interrupt to @cpu
 * @cpu: the vCPU
 * @fn:  the IRQ handler; it runs on @cpu's thread in a signal handler, as
 *       soon as @cpu has IRQs enabled, interrupting whatever runs there
 *       (task, softirq or idle context); dwork_port_in_irq() and
 *       dwork_port_irqs_disabled() are true while it runs.  It must be
 *       async-signal-safe.
 * @arg: its argument
 *
 * The request goes into @cpu's IRQ ring (handlers run in posting order)
 * and the CPU is signalled.  If the ring is full, a thread that is no
 * vCPU waits for space, a vCPU posting to itself runs its ring first, and
 * a vCPU posting to another CPU gets DWORK_EAGAIN: it may not wait (the
 * target may wait for work only this vCPU's softirq runs) and may not run
 * softirqs inside a run_on task.  Everything the caller wrote before is
 * visible to @fn.
 *
 * Context: any thread in task context with IRQs enabled (not an IRQ
 * handler), including a vCPU posting to itself.
 * Return: 0 once queued (@fn has not necessarily run yet); DWORK_ENODEV
 * if @cpu is out of range or not online; DWORK_EINVAL for a NULL @fn or a
 * call from IRQ context or with IRQs disabled; DWORK_EAGAIN from a vCPU
 * when @cpu's ring is full (nothing queued; try again later).
 */
int dwork_posix_irq_on(unsigned int cpu, void (*fn)(void *), void *arg);

/**
 * dwork_posix_cpu_down - take a vCPU offline
 * @cpu: the vCPU
 *
 * Stops accepting run_on/irq_on for @cpu, waits until @cpu finishes what
 * it is doing (the current request and those already queued, and the
 * IRQs already posted), parks its thread, then has the lowest-numbered
 * other online CPU (the adopter) call dwork_cpu_dead(@cpu), which moves
 * everything pending on @cpu there.  The adopter does it at the top of its
 * loop, in task context, or, if it is stuck in dwork_tasklet_kill()
 * waiting (maybe for a tasklet queued on @cpu), from that kill's
 * spin-wait, in whatever context the kill runs (IRQ included).  From then
 * on dwork refuses work for @cpu.
 *
 * Context: a thread that is not a vCPU.
 * Return: 0; DWORK_ENODEV if @cpu is out of range, not started or already
 * offline; DWORK_EBUSY if @cpu is the last online CPU; DWORK_EDEADLK from
 * a vCPU.
 */
int dwork_posix_cpu_down(unsigned int cpu);

/**
 * dwork_posix_cpu_up - bring an offline vCPU back
 * @cpu: the vCPU
 *
 * Calls dwork_cpu_init(@cpu), then lets its thread run again.
 *
 * Context: a thread that is not a vCPU.
 * Return: 0; DWORK_ENODEV if @cpu is out of range or not started;
 * DWORK_EBUSY if it is online; DWORK_EDEADLK from a vCPU.
 */
int dwork_posix_cpu_up(unsigned int cpu);

/**
 * dwork_posix_quiesce - wait until every online vCPU is idle
 *
 * Returns once there was a moment at which every online CPU was asleep
 * with nothing pending: no softirq raised, no run_on request queued, no
 * IRQ posted and not yet handled, no idle tasklet queued.  Everything the
 * CPUs wrote before that moment (callbacks included) is visible to the
 * caller.  Work that other threads post concurrently may or may not have
 * run.  Polls with short sleeps.
 *
 * Context: a thread that is not a vCPU (on a vCPU it would wait for itself:
 * it aborts with a message).
 * Return: nothing.
 */
void dwork_posix_quiesce(void);

/**
 * dwork_posix_this_cpu - the calling thread's vCPU id
 *
 * Context: any.
 * Return: 0 .. DWORK_NR_CPUS - 1 on a vCPU thread, -1 elsewhere.
 */
int dwork_posix_this_cpu(void);

/**
 * dwork_posix_nr_cpus - number of vCPUs of the running runtime
 *
 * Context: any.
 * Return: the @nr_cpus given to dwork_posix_start(), or 0 when stopped.
 */
unsigned int dwork_posix_nr_cpus(void);

/**
 * dwork_posix_run_queued - run_on requests waiting on @cpu
 * @cpu: the vCPU
 *
 * For tests and monitoring: the number of dwork_posix_run_on() requests
 * queued on @cpu that have not started yet (a snapshot).
 *
 * Context: any.
 * Return: the number, 0 for a bad @cpu.
 */
unsigned int dwork_posix_run_queued(unsigned int cpu);

/**
 * dwork_posix_nmi_on - deliver an "NMI" to @cpu: run @fn(@arg) there now
 * @cpu: the vCPU
 * @fn:  the NMI handler
 * @arg: its argument
 *
 * For tests of dwork_item_raise_nmi() and dwork_tasklet_schedule_nmi().
 * The vCPU runs @fn from a signal (DWORK_POSIX_SIG_NMI, SIGRTMIN + 3
 * unless the build defines it) that the soft IRQ masking never holds
 * back: it lands anywhere, inside dwork's IRQs-off sections and inside IRQ
 * handlers.  @fn may call only async-signal-safe functions and dwork's
 * NMI-safe ones.  Asynchronous: returns once the signal is sent.  One NMI
 * per vCPU at a time.  Not concurrently with dwork_posix_stop().
 *
 * Context: any thread, a vCPU's own included.  NMI: not safe.
 * Return: 0 if sent; DWORK_EBUSY while the previous NMI for @cpu has not
 * finished (dwork_posix_nmi_pending()) or the vCPU's thread is still
 * starting (try again); DWORK_EINVAL for a bad @cpu or NULL @fn;
 * DWORK_ENODEV if the signal could not be sent.
 */
int dwork_posix_nmi_on(unsigned int cpu, void (*fn)(void *), void *arg);

/**
 * dwork_posix_nmi_pending - is an NMI for @cpu sent but not finished?
 * @cpu: the vCPU
 *
 * Context: any.  NMI-safe.
 * Return: true from dwork_posix_nmi_on() until its @fn returned.
 */
bool dwork_posix_nmi_pending(unsigned int cpu);

/**
 * dwork_posix_in_nmi - is the calling thread in an NMI handler?
 *
 * Context: any.  NMI-safe.
 * Return: true inside an @fn run by dwork_posix_nmi_on().
 */
bool dwork_posix_in_nmi(void);

#ifdef __cplusplus
}
#endif

#endif /* DWORK_POSIX_H */

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Scenarios of the exhaustive explorer, one per race from Xen's and Linux's history
 * ("Lessons from Xen's history").  Each is small (2-3 CPUs, 2-4
 * operations) so that every schedule within the preemption bound can be
 * run.  The generic invariants live in sim.c; a scenario adds the checks
 * specific to its race.
 */
#include <stddef.h>

#include "sim.h"

static struct sobj *A, *B, *T, *U;

/* --------------------------------------------------------------------
 * (Xen 104072fc1c): cancel, then raise again, while the owner
 * may be running its softirq (and take an interrupt that raises it): the
 * node must never be linked twice.
 */
static void cancel_reraise_setup(void)
{
	A = sim_item("A", NULL);
}

static void cancel_reraise_cpu0(void)
{
	op_raise(A);
}

static void cancel_reraise_cpu1(void)
{
	op_cancel(A);
	op_raise_on(A, 1);
}

/* An interrupt on CPU 0 raises it too, in the middle of the owner's pass. */
static void cancel_reraise_irq0(void)
{
	op_raise(A);
}

static const struct scenario cancel_reraise = {
	.name = "cancel_reraise",
	.lesson = "Xen 104072fc1c: no double insertion after cancel",
	.ncpus = 2,
	.bound = 3,
	.setup = cancel_reraise_setup,
	.prog = { cancel_reraise_cpu0, cancel_reraise_cpu1 },
};

static const struct scenario cancel_reraise_irq = {
	.name = "cancel_reraise_irq",
	.lesson = "Xen 104072fc1c, with an IRQ raising it on the owner",
	.ncpus = 2,
	.bound = 3,
	.setup = cancel_reraise_setup,
	.prog = { cancel_reraise_cpu0, cancel_reraise_cpu1 },
	.irq = { cancel_reraise_irq0 },
};

/* --------------------------------------------------------------------
 * (Xen a2a935bc5e): raise on CPU 1 while the item runs on CPU 0,
 * and from an interrupt on CPU 0 itself: queued again, never run twice at
 * once, no spinning.
 */
static void raise_running_setup(void)
{
	A = sim_item("A", NULL);
}

static void raise_running_cpu0(void)
{
	op_raise(A);
}

static void raise_running_cpu1(void)
{
	op_raise_on(A, 1);
}

static void raise_running_irq0(void)
{
	op_raise(A);
}

static const struct scenario raise_running = {
	.name = "raise_running",
	.lesson = "Xen a2a935bc5e: raise on B while running on A",
	.ncpus = 2,
	.bound = 2,
	.setup = raise_running_setup,
	.prog = { raise_running_cpu0, raise_running_cpu1 },
	.irq = { raise_running_irq0 },
};

/* --------------------------------------------------------------------
 * (Xen 29555668b5): CPU 2 goes offline with local work pending
 * (an item and an idle tasklet) while CPU 1 feeds it an item; CPU 0 runs
 * dwork_cpu_dead(2).  Nothing accepted may be lost.
 */
static void offline_setup(void)
{
	A = sim_item("A", NULL);
	B = sim_item("B", NULL);
	T = sim_tasklet("T", OBJ_TIDLE, NULL);
}

static void offline_cpu0(void)
{
	op_cpu_dead(2);
}

static void offline_cpu1(void)
{
	op_raise_on(B, 2);
}

static void offline_cpu2(void)
{
	sim_hold_softirq();
	op_raise(A);
	op_sched(T);
	sim_offline();
}

static void offline_check(void)
{
	/* Local work on the dying CPU was accepted, so it ran somewhere. */
	if (A->runs != 1 || T->runs != 1)
		sim_fail("offline: A ran %d times, T %d times (want 1, 1)",
			 A->runs, T->runs);
}

static const struct scenario offline_feed = {
	.name = "offline_feed",
	.lesson = "Xen 29555668b5: CPU offline with work in flight and a racing feed",
	.ncpus = 3,
	.bound = 2,
	.setup = offline_setup,
	.prog = { offline_cpu0, offline_cpu1, offline_cpu2 },
	.check = offline_check,
};

/* --------------------------------------------------------------------
 * (XSA-395): a teardown loop cancels and polls busy() until it
 * says 0, then frees the item, while the item runs (and re-raises itself
 * once, the dpci pattern).  busy() must not say 0 while any CPU still
 * references the item.
 */
static void teardown_body(struct sobj *o, int run)
{
	if (run == 0)
		op_raise(o);
}

static void teardown_setup(void)
{
	A = sim_item("A", teardown_body);
}

static bool a_raised(int arg)
{
	const struct sim_ev *e;
	int n, i;

	(void)arg;
	e = sim_events(&n);
	for (i = 0; i < n; i++)
		if (e[i].o == A && e[i].type == EV_SCHED && e[i].te)
			return true;
	return false;
}

static void teardown_cpu0(void)
{
	op_raise(A);
}

static void teardown_cpu1(void)
{
	/* The source was disabled after its last raise: tear down. */
	sim_wait_until(a_raised, 0);
	op_cancel(A);
	op_teardown(A);
}

static const struct scenario teardown_busy = {
	.name = "teardown_busy",
	.lesson = "XSA-395: busy() never 0 while referenced",
	.ncpus = 2,
	.bound = 3,
	.setup = teardown_setup,
	.prog = { teardown_cpu0, teardown_cpu1 },
};

/* --------------------------------------------------------------------
 * (the RFC's feeder): CPU 1 feeds CPU 0 one batch mixing an
 * item, an idle tasklet and a softirq tasklet.  Each runs once, in its
 * own context, idle work is never stranded, and the two softirq-context
 * nodes run in feed order (FIFO per source CPU).
 */
static void mixed_setup(void)
{
	A = sim_item("A", NULL);
	T = sim_tasklet("Tidle", OBJ_TIDLE, NULL);
	U = sim_tasklet("Tsoft", OBJ_TSOFT, NULL);
}

static void mixed_cpu1(void)
{
	op_raise_on(A, 0);
	op_sched_on(T, 0);
	op_sched_on(U, 0);
}

/* FIFO (A before Tsoft) is the FIFO oracle's (sim.c), as everywhere. */
static void mixed_check(void)
{
	if (A->runs != 1 || T->runs != 1 || U->runs != 1)
		sim_fail("mixed feed: runs A=%d Tidle=%d Tsoft=%d, want 1 each",
			 A->runs, T->runs, U->runs);
}

static const struct scenario feed_mixed = {
	.name = "feed_mixed",
	.lesson = "2014 RFC: feed batch mixing kinds",
	.ncpus = 2,
	.bound = 2,
	.setup = mixed_setup,
	.prog = { NULL, mixed_cpu1 },
	.check = mixed_check,
};

/* --------------------------------------------------------------------
 * Kill: CPU 1 kills a tasklet that CPU 0 schedules locally and
 * then re-targets to CPU 1.  When kill returns, nothing references it and
 * it never runs again; later schedules return ESHUTDOWN.
 */
static void kill_setup(void)
{
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
}

static void kill_cpu0(void)
{
	op_sched(T);
	op_sched_on(T, 1);
}

static void kill_cpu1(void)
{
	if (op_kill(T) != 0)
		sim_fail("kill returned nonzero from task context");
}

static const struct scenario kill_sched = {
	.name = "kill_sched",
	.lesson = "kill racing schedule",
	.ncpus = 2,
	.bound = 2,
	.setup = kill_setup,
	.prog = { kill_cpu0, kill_cpu1 },
};

/* --------------------------------------------------------------------
 * (Linux tasklets): callbacks kill and free their own tasklet
 * (softirq and idle kind), among other work fed from CPU 1.  The runner
 * must never touch the object again (it is poisoned).
 */
static void selfkill_body(struct sobj *o, int run)
{
	(void)run;
	if (op_kill(o) != 0)
		sim_fail("self-kill returned nonzero");
	op_free(o);
}

static void selfkill_setup(void)
{
	T = sim_tasklet("Tsoft", OBJ_TSOFT, selfkill_body);
	U = sim_tasklet("Tidle", OBJ_TIDLE, selfkill_body);
	A = sim_item("A", NULL);
}

static void selfkill_cpu0(void)
{
	op_sched(T);
}

static void selfkill_cpu1(void)
{
	op_sched_on(U, 0);
	op_raise_on(A, 0);
}

static const struct scenario self_kill = {
	.name = "self_kill",
	.lesson = "Linux tasklets: self-kill, runner never touches the object",
	.ncpus = 2,
	.bound = 2,
	.setup = selfkill_setup,
	.prog = { selfkill_cpu0, selfkill_cpu1 },
};

/* --------------------------------------------------------------------
 * Re-target: CPU 0 schedules a tasklet locally; CPU 1 re-targets it to
 * itself, while it is queued on CPU 0 or running there.  It runs once
 * per accepted schedule at most, never twice at once, and the last run
 * is on the newest target.
 */
static void retarget_setup(void)
{
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
}

static void retarget_cpu0(void)
{
	op_sched(T);
}

static void retarget_cpu1(void)
{
	op_sched_on(T, 1);
}

static const struct scenario retarget_running = {
	.name = "retarget_running",
	.lesson = "re-target while running runs on the newest target",
	.ncpus = 2,
	.bound = 3,
	.setup = retarget_setup,
	.prog = { retarget_cpu0, retarget_cpu1 },
};

/* --------------------------------------------------------------------
 * Lessons 3 + 6: a kill spins on CPU 1 for a tasklet queued on CPU 0,
 * which goes offline with it; dwork_cpu_dead(0) reaches CPU 1 as a hard
 * interrupt (a cross-call) in the middle of that spin, or anywhere else.
 * The kill must return, the tasklet never run after it, and an item fed
 * to the dying CPU must still run (on CPU 1).
 */
static void killoff_setup(void)
{
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
	A = sim_item("A", NULL);
}

static void killoff_cpu0(void)
{
	sim_hold_softirq();
	op_sched(T);
	sim_offline();
}

static void killoff_cpu1(void)
{
	op_raise_on(A, 0);
	if (op_kill(T) != 0)
		sim_fail("kill returned nonzero from task context");
}

static void killoff_irq1(void)
{
	op_cpu_dead(0);
}

static const struct scenario kill_offline = {
	.name = "kill_offline",
	.lesson = "lessons 3+6: kill spinning on a dying CPU, cpu_dead as IRQ",
	.ncpus = 2,
	.bound = 3,
	.setup = killoff_setup,
	.prog = { killoff_cpu0, killoff_cpu1 },
	.irq = { NULL, killoff_irq1 },
};

/*
 * The other way round: CPU 1 runs dwork_cpu_dead(0) in task context while
 * a tasklet it fed to CPU 0 sits in CPU 0's inbox, and an interrupt on
 * CPU 1 kills that tasklet once the inbox is closed.  The kill must never
 * spin on a node that only the interrupted cpu_dead frame holds (engine.c:
 * "IRQs off before the inbox is closed").
 */
static void killdead_cpu0(void)
{
	sim_hold_softirq();
	sim_offline();
}

static void killdead_cpu1(void)
{
	op_sched_on(T, 0);
	op_cpu_dead(0);
}

static void killdead_irq1(void)
{
	/*
	 * Only an IRQ that lands once cpu_dead closed CPU 0's inbox tests
	 * the claim; one that lands earlier, while T still sits in the
	 * inbox of a dead CPU whose adoption is below it on this stack,
	 * would spin forever whatever the code does (kill from hard IRQ is
	 * not what this scenario checks), so it does nothing.
	 */
	if (sim_inbox_closed(0))
		op_kill(T);
}

static const struct scenario kill_in_irq_during_dead = {
	.name = "kill_in_irq_during_dead",
	.lesson = "lessons 3+6: kill from an IRQ that interrupts cpu_dead",
	.ncpus = 2,
	.bound = 4,
	.setup = killoff_setup,
	.prog = { killdead_cpu0, killdead_cpu1 },
	.irq = { NULL, killdead_irq1 },
};

/* --------------------------------------------------------------------
 * The POSIX runtime's adoption protocol (modelled in sim.c): CPU 1 dies
 * with T queued, CPU 2 (cpu_down's thread) asks CPU 0 to adopt, and an
 * IRQ on CPU 0 kills T.  Whenever the IRQ lands, the kill ends: from its
 * spin-wait CPU 0 takes a pending request itself, and no IRQ lands between
 * taking the request and the adoption (else the kill spins with the
 * request gone, above an adoption that never resumes).
 */
static void adoptwin_setup(void)
{
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
}

static void adoptwin_cpu1(void)
{
	sim_hold_softirq();
	op_sched(T);
	sim_offline();
}

static void adoptwin_cpu2(void)
{
	op_request_adoption(1, 0);
}

static void adoptwin_irq0(void)
{
	op_kill(T);
}

static const struct scenario adopt_window = {
	.name = "adopt_window",
	.lesson = "runtime: kill from IRQ around the adoption request",
	.ncpus = 3,
	.bound = 3,
	.setup = adoptwin_setup,
	.prog = { NULL, adoptwin_cpu1, adoptwin_cpu2 },
	.irq = { adoptwin_irq0 },
};

/* --------------------------------------------------------------------
 * The POSIX runtime's mutexes (modelled in sim.c): CPU 0 in task context
 * takes CPU 1's mutex (irq_on), CPU 1 takes it too (to finish a request)
 * before its softirq runs T, and an IRQ on CPU 0 kills T.  No IRQ may run
 * while the mutex is held, or the kill waits for CPU 1, which waits for
 * the mutex.
 */
static void irqlock_cpu0(void)
{
	rt_unlock(1, rt_lock(1));
}

static void irqlock_cpu1(void)
{
	sim_hold_softirq();
	op_sched(T);
	rt_unlock(1, rt_lock(1));
	sim_release_softirq();
}

static const struct scenario irq_under_lock = {
	.name = "irq_under_lock",
	.lesson = "runtime: kill from IRQ while a runtime mutex is held",
	.ncpus = 2,
	.bound = 3,
	.setup = adoptwin_setup,
	.prog = { irqlock_cpu0, irqlock_cpu1 },
	.irq = { adoptwin_irq0 },
};

/* --------------------------------------------------------------------
 * Adopter chains and re-online: CPU 1 schedules T on CPU 2, which dies
 * (adopted by CPU 3), then CPU 3 dies (adopted by CPU 0) and CPU 0 brings
 * CPU 3 back while an IRQ on CPU 0 kills T.  CPU 1's push follows the
 * chain 2 -> 3 -> ...; it must never wait for a store of the cpu_init that
 * the IRQ interrupted (the kill waits for that push).
 */
static bool reinit_started, sched_started;

static void chain_setup(void)
{
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
	reinit_started = sched_started = false;
}

static void chain_cpu0(void)
{
	op_cpu_dead(3);
	reinit_started = true;
	op_cpu_init(3);
}

static void chain_cpu1(void)
{
	sched_started = true;
	op_sched_on(T, 2);
}

static void chain_cpu2(void)
{
	sim_offline();
}

static void chain_cpu3(void)
{
	sim_hold_softirq();
	op_cpu_dead(2);
	sim_park();
}

static void chain_irq0(void)
{
	/*
	 * Only an IRQ inside the re-init tests the claim; and only one after
	 * CPU 1's schedule began (a schedule that begins after the kill
	 * targets an offline CPU and returns DWORK_ENODEV, a separate
	 * question from this scenario's).
	 */
	if (reinit_started && sched_started)
		op_kill(T);
}

static const struct scenario reonline_chain = {
	.name = "reonline_chain",
	.lesson = "adopter chain through a CPU that comes back",
	.ncpus = 4,
	.bound = 3,
	.setup = chain_setup,
	.prog = { chain_cpu0, chain_cpu1, chain_cpu2, chain_cpu3 },
	.irq = { chain_irq0 },
};

/* --------------------------------------------------------------------
 * The schedule that writes nothing (engine.c ordering (11)): CPU 0 raises
 * an item twice (the second may find it pending and queued there, and
 * then writes nothing), then re-targets it to CPU 1; CPU 1 re-targets it
 * back and cancels nothing; an interrupt on CPU 0 raises it in the middle
 * of anything.  Every accepted raise runs after it, on the newest target,
 * never twice at once.
 */
static void coalesce_setup(void)
{
	A = sim_item("A", NULL);
}

static void coalesce_cpu0(void)
{
	op_raise(A);
	op_raise(A);
	op_raise_on(A, 1);
}

static void coalesce_cpu1(void)
{
	op_raise_on(A, 0);
}

static void coalesce_irq0(void)
{
	op_raise(A);
}

static const struct scenario coalesce_local = {
	.name = "coalesce_local",
	.lesson = "a local coalesced raise writes nothing; re-targets still move",
	.ncpus = 2,
	.bound = 3,
	.setup = coalesce_setup,
	.prog = { coalesce_cpu0, coalesce_cpu1 },
	.irq = { coalesce_irq0 },
};

/* --------------------------------------------------------------------
 * The dpci helper (port/xen/dwork_xen_dpci.c): CPU 0 raises P for domain
 * D1 and runs the softirq pass; CPU 1 unbinds P (reset) and binds it again
 * to D2 (raise for D2: @owner re-targeted); an interrupt on CPU 0 raises P
 * for D1 in the middle of anything (the pass, the assist, a raise).  Its
 * fence, CAS and exchanges race each other here.  Checked by sim.c: every
 * assist holds a reference on the domain it is given, and that domain is
 * one a raise since the last reset asked for; no reference is dropped
 * twice or kept at the end; every raise is seen ("masked" cleared by an
 * assist or by the reset); nothing is owed at the end.
 *
 * Under the explorer's sequential consistency the fence in
 * dwork_dpci_raise() orders nothing: dropping it changes no execution
 * (docs/verification.md, "The dpci helper"), so no mutant here removes it.
 */
static struct domain *D1, *D2;

static void dpci_setup(void)
{
	A = sim_dpci("P");
	D1 = sim_domain("D1");
	D2 = sim_domain("D2");
}

static void dpci_cpu0(void)
{
	op_dpci_raise(A, D1);
}

static void dpci_cpu1(void)
{
	op_dpci_reset(A);
	op_dpci_raise(A, D2);
}

static void dpci_irq0(void)
{
	op_dpci_raise(A, D1);
}

static const struct scenario dpci_rebind = {
	.name = "dpci_rebind",
	.lesson = "dpci helper: raise vs. reset vs. the pass, owner re-targeted",
	.ncpus = 2,
	.bound = 3,
	.setup = dpci_setup,
	.prog = { dpci_cpu0, dpci_cpu1 },
	.irq = { dpci_irq0 },
};

/* --------------------------------------------------------------------
 * NMI-safe raises on a CPU that is going down (issue: an NMI-safe raise
 * stranded on the adopter): CPU 1 raises B and stops (the port parks it
 * and still delivers NMIs to it) while CPU 0 runs dwork_cpu_dead(1); an
 * NMI on CPU 1 raises A NMI-safe at any point of that, and an NMI on CPU
 * 0 raises C NMI-safe in the middle of the adoption (IRQs off, half-way
 * through a list append).  Every raise that returned "queued" runs (CPU
 * 0 is the only CPU left), B before A (FIFO from CPU 1), and no debug
 * check fires.
 */
static void nmidying_setup(void)
{
	A = sim_item("A", NULL);
	B = sim_item("B", NULL);
	U = sim_item("C", NULL);
}

static void nmidying_cpu0(void)
{
	op_cpu_dead(1);
}

static void nmidying_cpu1(void)
{
	sim_hold_softirq();
	op_raise(B);
	sim_offline();
}

static void nmidying_nmi0(void)
{
	op_raise_nmi(U);
}

static void nmidying_nmi1(void)
{
	op_raise_nmi(A);
}

static const struct scenario nmi_dying = {
	.name = "nmi_dying",
	.lesson = "NMI-safe raise on a CPU going down, and on its adopter",
	.ncpus = 2,
	.bound = 3,
	.setup = nmidying_setup,
	.prog = { nmidying_cpu0, nmidying_cpu1 },
	.nmi = { nmidying_nmi0, nmidying_nmi1 },
};

/*
 * A CPU that comes back, with nothing else to run: CPU 1 parks (as the
 * POSIX runtime's cpu_down does), CPU 0 runs dwork_cpu_dead(1) and brings
 * it back; an NMI on CPU 1 raises A NMI-safe at any point, parked or
 * running again.  Nothing but the NMI's raise gives CPU 0 work, so a
 * raise pushed to it during the adoption runs only if dwork_cpu_dead()
 * raises CPU 0's softirq for it.
 */
static void nmipark_setup(void)
{
	A = sim_item("A", NULL);
}

static void nmipark_cpu0(void)
{
	op_cpu_dead(1);
	op_cpu_init(1);
}

static void nmipark_cpu1(void)
{
	sim_park();
}

static const struct scenario nmi_parked = {
	.name = "nmi_parked",
	.lesson = "NMI-safe raise on a parked CPU that comes back",
	.ncpus = 2,
	.bound = 5,
	.setup = nmipark_setup,
	.prog = { nmipark_cpu0, nmipark_cpu1 },
	.nmi = { NULL, nmidying_nmi1 },
};

/* --------------------------------------------------------------------
 * Memory reuse after a self-kill: T's callback kills its tasklet, frees
 * it and goes on running.  Whoever comes first, CPU 1 or an IRQ on CPU 0
 * (inside the old callback, or after it), initialises a new tasklet in the
 * same memory (which still holds what the old one left) and schedules it
 * on its own CPU; the other schedules it too once it is initialised.  The
 * init returns 0, every schedule of the new tasklet is accepted and runs
 * (sim.c: nothing lost); the new tasklet may run next to the old
 * callback's end, never two of its own runs at once.
 */
static bool reuse_freed, reuse_claimed, reuse_inited;

static void reuse_body(struct sobj *o, int run)
{
	(void)run;
	if (o->life != 0)
		return;
	if (op_kill(o) != 0)
		sim_fail("self-kill returned nonzero");
	op_free(o);
	reuse_freed = true;
	sim_point(SIM_LOAD, NULL, "old callback goes on");
}

static void reuse_setup(void)
{
	T = sim_tasklet("T", OBJ_TSOFT, reuse_body);
	reuse_freed = reuse_claimed = reuse_inited = false;
}

static bool t_freed(int arg)
{
	(void)arg;
	return reuse_freed;
}

static bool t_inited(int arg)
{
	(void)arg;
	return reuse_inited;
}

static void reuse_sched(const char *who)
{
	int r = op_sched(T);

	if (r != 0)
		sim_fail("schedule (%s) of the new tasklet at T's address returned %d",
			 who, r);
}

/* Initialise the new tasklet here, then schedule it. */
static void reuse_init_here(const char *who)
{
	int r;

	reuse_claimed = true;
	r = op_reinit(T);
	if (r != 0)
		sim_fail("init (%s) of a new tasklet at T's recycled address returned %d",
			 who, r);
	reuse_inited = true;
	reuse_sched(who);
}

static void reuse_cpu0(void)
{
	op_sched(T);
}

static void reuse_cpu1(void)
{
	sim_wait_until(t_freed, 0);
	if (!reuse_claimed) {
		reuse_init_here("CPU 1");
	} else {
		sim_wait_until(t_inited, 0);
		reuse_sched("CPU 1");
	}
}

static void reuse_irq0(void)
{
	if (reuse_freed && !reuse_claimed)
		reuse_init_here("IRQ on CPU 0");
	else if (reuse_inited)
		reuse_sched("IRQ on CPU 0");
}

static const struct scenario reuse_after_free = {
	.name = "reuse_after_free",
	.lesson = "a self-killed, freed tasklet's memory reused at once",
	.ncpus = 2,
	.bound = 3,
	.setup = reuse_setup,
	.prog = { reuse_cpu0, reuse_cpu1 },
	.irq = { reuse_irq0 },
};

/* --------------------------------------------------------------------
 * An NMI anywhere on a running CPU: CPU 0 raises A and cancels it (an
 * unlink), and runs its softirq passes; CPU 1 feeds T to CPU 0 (a
 * drain); an IRQ on CPU 0 raises B; an NMI on CPU 0 raises A and
 * schedules T NMI-safe at any point: IRQs off, in the IRQ, half-way
 * through an append or unlink, during a callback.  The lists stay
 * consistent, nothing is linked twice or run twice at once, nothing
 * accepted is lost, FIFO holds.
 */
static void nmiany_setup(void)
{
	A = sim_item("A", NULL);
	B = sim_item("B", NULL);
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
}

static void nmiany_cpu0(void)
{
	op_raise(A);
	op_cancel(A);
}

static void nmiany_cpu1(void)
{
	op_sched_on(T, 0);
}

static void nmiany_irq0(void)
{
	op_raise(B);
}

static void nmiany_nmi0(void)
{
	op_raise_nmi(A);
	op_sched_nmi(T);
}

static const struct scenario nmi_anywhere = {
	.name = "nmi_anywhere",
	.lesson = "an NMI-safe raise at any point of a CPU, IRQs off included",
	.ncpus = 2,
	.bound = 2,
	.setup = nmiany_setup,
	.prog = { nmiany_cpu0, nmiany_cpu1 },
	.irq = { nmiany_irq0 },
	.nmi = { nmiany_nmi0 },
};

/* --------------------------------------------------------------------
 * FIFO among NMI-safe raises from one CPU (they are not ordered against
 * ordinary ones: design.md section 8): CPU 0, softirqs held, schedules T
 * and U NMI-safe; an NMI raises A NMI-safe and an IRQ raises B the
 * ordinary way, anywhere.  The FIFO oracle (sim.c) checks every pair.
 */
static void nmififo_setup(void)
{
	A = sim_item("A", NULL);
	B = sim_item("B", NULL);
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
	U = sim_tasklet("U", OBJ_TSOFT, NULL);
}

static void nmififo_cpu0(void)
{
	sim_hold_softirq();
	op_sched_nmi(T);
	op_sched_nmi(U);
	sim_release_softirq();
}

static void nmififo_nmi0(void)
{
	op_raise_nmi(A);
}

static void nmififo_irq0(void)
{
	op_raise(B);
}

static const struct scenario nmi_fifo = {
	.name = "nmi_fifo",
	.lesson = "FIFO among NMI-safe raises from one CPU, ordinary ones mixed in",
	.ncpus = 1,
	.bound = 2,
	.setup = nmififo_setup,
	.prog = { nmififo_cpu0 },
	.irq = { nmififo_irq0 },
	.nmi = { nmififo_nmi0 },
};

/* --------------------------------------------------------------------
 * FIFO for a raise after a cancel while the node is still linked:
 * raise(A); cancel(A); raise(B); raise(A) must run B before A (A was not
 * pending: it queues anew, behind B).  Locally: CPU 0 with softirqs held
 * does that and then raises C (which must run after A), while CPU 1 feeds
 * T to CPU 0 and an IRQ on CPU 0 raises T too.
 */
static struct sobj *C;

static void cancelfifo_setup(void)
{
	A = sim_item("A", NULL);
	B = sim_item("B", NULL);
	T = sim_tasklet("T", OBJ_TSOFT, NULL);
	C = sim_item("C", NULL);
}

static void cancelfifo_cpu0(void)
{
	sim_hold_softirq();
	op_raise(A);
	op_cancel(A);
	op_raise(B);
	op_raise(A);
	op_raise(C);
	sim_release_softirq();
}

static void cancelfifo_cpu1(void)
{
	op_sched_on(T, 0);
}

static void cancelfifo_irq0(void)
{
	op_sched(T);
}

static const struct scenario cancel_reraise_fifo = {
	.name = "cancel_reraise_fifo",
	.lesson = "FIFO for a raise after a cancel, node still linked (local)",
	.ncpus = 2,
	.bound = 2,
	.setup = cancelfifo_setup,
	.prog = { cancelfifo_cpu0, cancelfifo_cpu1 },
	.irq = { cancelfifo_irq0 },
};

/* Fed: CPU 1 does the same to CPU 0, which runs its passes meanwhile. */
static void cancelfed_cpu1(void)
{
	op_raise_on(A, 0);
	op_cancel(A);
	op_raise_on(B, 0);
	op_raise_on(A, 0);
}

static const struct scenario cancel_reraise_fed = {
	.name = "cancel_reraise_fed",
	.lesson = "FIFO for a raise after a cancel, node still linked (fed)",
	.ncpus = 2,
	.bound = 2,
	.setup = cancelfifo_setup,
	.prog = { NULL, cancelfed_cpu1 },
};

/*
 * Linked where another CPU left it: CPU 0 raises A and cancels it (it may
 * stay on CPU 0's list for a while); CPU 1 raises B and then A on CPU 0,
 * at any moment of that.
 */
static void cancelrm_cpu0(void)
{
	op_raise(A);
	op_cancel(A);
}

static void cancelrm_cpu1(void)
{
	op_raise_on(B, 0);
	op_raise_on(A, 0);
}

static const struct scenario cancel_reraise_remote = {
	.name = "cancel_reraise_remote",
	.lesson = "FIFO for a raise after another CPU's cancel, node still linked",
	.ncpus = 2,
	.bound = 3,
	.setup = cancelfifo_setup,
	.prog = { cancelrm_cpu0, cancelrm_cpu1 },
};

/* --------------------------------------------------------------------
 * A rerun fed from another CPU: CPU 1 raises A on CPU 0 and, while A's
 * callback runs there, raises B and then A on CPU 0 again.  Both raises
 * queue a run, B's first; A's rerun is queued when its callback returns,
 * after B was queued, so B must run first (FIFO: only a schedule made
 * later than a rerun may overtake it).
 */
static bool rr_running;

static void rr_body(struct sobj *o, int run)
{
	(void)o;
	if (run == 0) {
		rr_running = true;
		sim_point(SIM_LOAD, NULL, "A's callback goes on");
	}
}

static void rr_setup(void)
{
	A = sim_item("A", rr_body);
	B = sim_item("B", NULL);
	rr_running = false;
}

static bool rr_is_running(int arg)
{
	(void)arg;
	return rr_running;
}

static void rr_cpu1(void)
{
	op_raise_on(A, 0);
	sim_wait_until(rr_is_running, 0);
	op_raise_on(B, 0);
	op_raise_on(A, 0);
}

static const struct scenario rerun_fed = {
	.name = "rerun_fed",
	.lesson = "a rerun owed to a running item and a later-raised item, fed",
	.ncpus = 2,
	.bound = 2,
	.setup = rr_setup,
	.prog = { NULL, rr_cpu1 },
};

const struct scenario *const model_scenarios[] = {
	&cancel_reraise, &cancel_reraise_irq, &raise_running, &offline_feed, &teardown_busy,
	&feed_mixed, &kill_sched, &self_kill, &retarget_running, &kill_offline,
	&kill_in_irq_during_dead, &adopt_window, &irq_under_lock,
	&reonline_chain, &coalesce_local, &dpci_rebind, &nmi_dying,
	&nmi_parked, &reuse_after_free, &nmi_anywhere, &nmi_fifo,
	&cancel_reraise_fifo, &cancel_reraise_fed, &cancel_reraise_remote,
	&rerun_fed, NULL,
};

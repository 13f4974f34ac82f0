/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The exhaustive explorer's interface to its scenarios (tests/model).
 *
 * A scenario declares objects (items, tasklets, dpci objects of the Xen
 * port's helper, and the domains these hold references on), one
 * task-context program per virtual CPU, optionally one interrupt handler
 * per CPU (delivered exactly once, at any point where that CPU has IRQs
 * enabled), optionally one NMI handler per CPU (delivered exactly once, at
 * any point of that CPU: IRQs off, inside an IRQ, in the middle of a list
 * append or unlink, and while the CPU is stopped or parked and another
 * CPU runs dwork_cpu_dead() on it) and extra final checks.  The explorer (sim.c) runs the scenario under every
 * schedule within its preemption bound and checks the invariants after
 * every step and at the end of each execution.
 */
#ifndef DWORK_MODEL_SIM_H
#define DWORK_MODEL_SIM_H

#include <dwork/dwork.h>
#include <xen/sched.h>
#include <dwork_xen_dpci.h>

#define SIM_MAX_OBJS 4
#define SIM_MAX_RUNS 16
#define SIM_MAX_EVS 64
#define SIM_MAX_DOMS 2

enum sobj_type { OBJ_ITEM, OBJ_TSOFT, OBJ_TIDLE, OBJ_DPCI };
enum sim_ctx { CTX_TASK, CTX_SOFTIRQ, CTX_IDLE };

struct sobj;
/* Called inside the callback (run @run, counting from 0), may be NULL. */
typedef void (*sobj_body_fn)(struct sobj *o, int run);

struct sobj {
	union {
		struct dwork_item it;
		struct dwork_tasklet t;
		struct dwork_dpci dp;	/* its item is at offset 0, as u.it */
	} u;
	enum sobj_type type;
	const char *name;
	sobj_body_fn body;
	/* runtime */
	int running;
	int runs;
	bool poisoned;
	/*
	 * Lives of the memory: op_free() ends one, op_reinit() from another
	 * context starts the next (a new object at the same address).  Runs,
	 * claims and events are counted per life; @running is the running
	 * callback of this life (an older life's callback may still finish).
	 */
	int life;
	union {
		struct dwork_item it;
		struct dwork_tasklet t;
	} freed_bytes;          /* what a slab hands back on reuse */
	uint32_t seen_state;    /* the state word after its last write */
	int nclaims;            /* claims (!RUN -> RUN) of this life */
	unsigned long claim_step[SIM_MAX_RUNS];
	int claim_cpu[SIM_MAX_RUNS];
	int run_cpu[SIM_MAX_RUNS];
	unsigned long run_begin[SIM_MAX_RUNS];
	/*
	 * OBJ_DPCI: Xen's pirq_dpci->masked; the domain of each run and the
	 * step of its claim (the run's exchange of owner); per CPU, the step
	 * of its last softirq-context read-modify-write of owner.
	 */
	unsigned int masked;
	struct domain *run_dom[SIM_MAX_RUNS];
	unsigned long run_claim[SIM_MAX_RUNS];
	unsigned long claim_at[SIM_MAX_CPUS];
};

enum sim_ev_type { EV_SCHED, EV_CANCEL, EV_KILL, EV_FREE, EV_DPCI_RAISE,
		   EV_DPCI_RESET, EV_REINIT };

struct sim_ev {
	enum sim_ev_type type;
	struct sobj *o;
	int cpu;              /* CPU that made the call */
	int target;           /* EV_SCHED: requested CPU */
	unsigned long tb, te; /* step counter at call and return */
	unsigned long open_seq, close_seq; /* order of calls and returns */
	int ret;
	bool accepted;        /* EV_SCHED: queued a run / returned 0 */
	bool in_irq;
	bool nmi;             /* EV_SCHED: an NMI-safe raise */
	int life;             /* the object's life at the call */
	struct domain *dom;   /* EV_DPCI_RAISE: the domain raised for */
	/*
	 * EV_SCHED, seen on the state word by sim.c: this call's own write
	 * that set PEND (it queued a run): when, whether RUN was set then
	 * (a rerun, queued when the callback returns), the target it wrote;
	 * and when it moved the TARGET of a run already pending (re-target).
	 */
	bool queued;
	bool q_running;
	bool q_move;          /* it set MOVE: the node stays where it is */
	int q_holder;         /* q_move: the CPU holding the node (QCPU) */
	unsigned long q_step;
	int q_tgt;
	unsigned long rt_step;
};

struct scenario {
	const char *name;
	const char *lesson;
	unsigned int ncpus;
	unsigned int bound;          /* default preemption bound */
	void (*setup)(void);         /* declare objects (main context) */
	void (*prog[SIM_MAX_CPUS])(void);
	void (*irq[SIM_MAX_CPUS])(void);
	void (*nmi[SIM_MAX_CPUS])(void);
	void (*check)(void);         /* extra final checks, may be NULL */
};

/* Declaring objects (setup only). */
struct sobj *sim_item(const char *name, sobj_body_fn body);
struct sobj *sim_tasklet(const char *name, enum sobj_type type,
			 sobj_body_fn body);

/*
 * The dpci helper (port/xen/dwork_xen_dpci.c): a dpci object whose assist
 * clears its "masked" flag (Xen: test_and_clear_bool(pirq_dpci->masked)),
 * and a domain, which starts with the one reference the scenario holds.
 */
struct sobj *sim_dpci(const char *name);
struct domain *sim_domain(const char *name);

/* Operations: task context, IRQ handlers or callbacks. */
bool op_raise_on(struct sobj *o, unsigned int cpu);
bool op_raise(struct sobj *o);
int op_sched_on(struct sobj *o, unsigned int cpu);
int op_sched(struct sobj *o);
/* dwork_item_raise_nmi() / dwork_tasklet_schedule_nmi(): this CPU. */
bool op_raise_nmi(struct sobj *o);
int op_sched_nmi(struct sobj *o);
void op_cancel(struct sobj *o);
int op_kill(struct sobj *o);
/* Teardown: loop while dwork_item_busy() says EAGAIN, then free @o. */
void op_teardown(struct sobj *o);
/* Set "masked", then dwork_dpci_raise(@o, @d) (Xen: hvm_do_IRQ_dpci()). */
void op_dpci_raise(struct sobj *o, struct domain *d);
/* dwork_dpci_reset(@o), then clear "masked" (Xen: unbinding the pirq). */
void op_dpci_reset(struct sobj *o);
/* Free @o: any later access to it by dwork is a violation. */
void op_free(struct sobj *o);
/*
 * Initialise @o again (dwork_item_init() / dwork_tasklet_init(), same
 * callback and kind) and return what init returned.  After op_free() from
 * any context but @o's own running callback, this is a new object at the
 * recycled address (the memory holds what the old object left, as a slab
 * hands it back): a new life, whose runs may overlap the old callback's
 * end.  From @o's own callback it is the callback's re-init (same life:
 * never two runs at once).
 */
int op_reinit(struct sobj *o);
/* Wait until @cpu stopped, then dwork_cpu_dead(@cpu) from this CPU. */
void op_cpu_dead(unsigned int cpu);
/* Block this CPU until @cond(@arg) holds (a sleeping wait, no spin). */
void sim_wait_until(bool (*cond)(int arg), int arg);
/* dwork_cpu_init(@cpu) from this CPU (bring a dead CPU back). */
void op_cpu_init(unsigned int cpu);
/*
 * Stop this CPU like sim_offline(), until dwork_cpu_init() of it is done;
 * then it runs again (softirqs and idle work first).
 */
void sim_park(void);
/*
 * The POSIX runtime's adoption protocol (see sim.c): wait until @cpu
 * stopped, ask @adopter to run dwork_cpu_dead(@cpu), wait until done.
 */
void op_request_adoption(unsigned int cpu, unsigned int adopter);
/* A runtime mutex (one per CPU id @m), taken as the POSIX runtime does. */
unsigned long rt_lock(unsigned int m);
void rt_unlock(unsigned int m, unsigned long flags);
/* Stop this CPU (it never runs again, pending softirqs included). */
void sim_offline(void) __attribute__((noreturn));
/* From now on this CPU runs no softirq between its task operations. */
void sim_hold_softirq(void);
/* Undo sim_hold_softirq(). */
void sim_release_softirq(void);

unsigned int sim_self(void);
/* Has dwork_cpu_dead() closed @cpu's inbox? */
bool sim_inbox_closed(unsigned int cpu);
/* Report a violation (never returns inside an execution). */
void sim_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Event log of the current execution, for scenario checks. */
const struct sim_ev *sim_events(int *n);

#endif /* DWORK_MODEL_SIM_H */

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Exhaustive explorer for dwork (suite 'model').
 *
 * Virtual CPUs are coroutines (coro.h).  The core is compiled against the
 * sim port (tests/model/dwork_port.h), which calls sim_point() before
 * every atomic access and every port hook with a cross-CPU effect; there
 * the running coroutine yields to the explorer, which picks the next CPU
 * and may deliver the CPU's interrupt.  One execution is fully determined
 * by its list of choices, so the explorer enumerates executions by
 * depth-first search over the choice points (stateless, replaying from the
 * start each time), bounded by a number of preemptions (switching away
 * from a CPU that could have continued).  Switching when the running CPU
 * blocks, finishes or spins is free.
 *
 * Reductions (each sound for the properties checked):
 *  - hooks that only read the calling CPU's own state (this_cpu, cpu(),
 *    cpu_online, irqs_disabled, in_irq) and the owner-only statistics
 *    counters are not scheduling points: they commute with every access
 *    of every other CPU;
 *  - a spin-wait iteration (cpu_relax) that saw no shared write since the
 *    previous one would read the same values again, so the spinning CPU
 *    is disabled until some CPU writes shared memory.  If every CPU is
 *    blocked or spinning and no write can happen, that is a deadlock.
 *
 * Invariants checked after every step: no node is linked twice (lists and
 * inboxes of every CPU), lists are consistent (prev/next/tail), a linked
 * node has QUEUED set and sits on the list of its kind, QUEUED and RUN are
 * never both set, no freed object is linked or touched, a callback never
 * runs twice at once and runs in its context with IRQs on.  At the end of
 * each execution: all lists and inboxes are empty, no node owes a run,
 * every accepted schedule not cancelled was followed by a run, no run
 * without a schedule (k-th run after the k-th accepted schedule), no run
 * or acceptance after kill, and the last run happens on the newest
 * target.
 *
 * The Xen port's dpci helper (port/xen/dwork_xen_dpci.c) is compiled in
 * too, against the stand-in Xen headers of tests/model/xen/; its objects
 * (OBJ_DPCI) get their own checks instead of the schedule accounting:
 * see check_dpci_final() and dpci_assist().
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "coro.h"
#include "sim.h"
#include "../../src/internal.h"

#define STACK_BYTES (256 * 1024)
#define MAX_DEPTH 65536
#define MAX_STEPS 20000
#define RING 256

enum cpu_status {
	ST_NEW,       /* coroutine not started */
	ST_RUN,       /* runnable */
	ST_SPIN,      /* in cpu_relax, waiting for a shared write */
	ST_IDLEWAIT,  /* idle loop, waiting for softirq/idle work or its IRQ */
	ST_WAITCOND,  /* op_cpu_dead waiting for the CPU to stop */
	ST_STOPPED,   /* went offline (sim_offline), or parked */
};

struct simcpu {
	struct coro ctx;
	enum cpu_status status;
	unsigned long spin_ver;
	bool (*wait_cond)(int arg);
	int wait_arg;
	bool irq_off;
	unsigned int in_irq;
	bool softirq_pending;
	bool idle_kick;
	bool port_online;
	bool hold_softirq;
	bool irq_armed;
	bool deliver;
	bool nmi_armed;    /* the scenario's NMI not yet delivered */
	bool deliver_nmi;
	bool in_nmi;
	bool nmi_point;    /* at a point where only an NMI may land */
	bool halted;       /* sim_offline()/sim_park(): stopped, not in an NMI */
	bool list_busy;    /* an NMI interrupted a list append or unlink */
	/* Operations in progress on this CPU, innermost last (IRQs nest). */
	struct sim_ev *open[8];
	int nopen;
	bool adopting;     /* dwork_cpu_dead() of this CPU in progress */
	bool dead;         /* dwork_cpu_dead() of this CPU done */
	bool parked;       /* sim_park(): stopped until dwork_cpu_init() */
	bool died;         /* dwork_cpu_dead() of it ran since it parked */
	bool ever_dead;    /* dwork_cpu_dead() of it ran in this execution */
	/* Model of the POSIX runtime's adoption request (port/posix). */
	uint32_t dead_req; /* 1 + CPU to adopt, or 0 */
	uint32_t dead_done;
	enum sim_ctx ctx_kind;
	int cb_depth;      /* callbacks running on this CPU */
};

static struct dwork_cpu sim_dcpu[SIM_MAX_CPUS];
static struct simcpu cpus[SIM_MAX_CPUS];
static char stacks[SIM_MAX_CPUS][STACK_BYTES] __attribute__((aligned(16)));
static struct coro main_ctx;
static unsigned int sim_cur = DWORK_CPU_NONE;
static bool in_coro;
static const struct scenario *scn;

static struct sobj objs[SIM_MAX_OBJS];
static int nobjs;
static struct sim_ev evs[SIM_MAX_EVS];
static int nevs;
static unsigned long ev_seq; /* orders the calls and returns of operations */

static unsigned long now;       /* scheduling points so far */
static unsigned long write_ver; /* shared writes so far */
static bool failed;
static char fail_msg[512];

/* DFS state. */
static unsigned char choices[MAX_DEPTH];
static unsigned char nopts_at[MAX_DEPTH];
static int depth, prefix_len;
static unsigned int bound, preempts;

/* Trace of the last points, printed with a violation. */
static struct {
	unsigned long step;
	unsigned int cpu;
	const char *what;
	bool irq;
} ring[RING];
static bool verbose;

/* ------------------------------------------------------------------ */

#define FAIL_RET(...)                                                      \
	do {                                                               \
		sim_fail(__VA_ARGS__);                                     \
		return;                                                    \
	} while (0)

static void yield_to_main(void)
{
	struct simcpu *c = &cpus[sim_cur];

	/* A list operation interrupted at its list point is over by now. */
	if (!c->in_nmi && !c->nmi_point)
		c->list_busy = false;
	coro_switch(&c->ctx, &main_ctx);
}

void sim_fail(const char *fmt, ...)
{
	va_list ap;

	if (!failed) {
		va_start(ap, fmt);
		vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
		va_end(ap);
		failed = true;
	}
	if (in_coro) {
		for (;;)
			yield_to_main();
	}
}

void sim_assert_fail(const char *expr, const char *file, int line)
{
	sim_fail("debug check failed: %s (%s:%d)", expr, file, line);
}

static struct sobj *obj_of_addr(const volatile void *a)
{
	int i;

	for (i = 0; i < nobjs; i++) {
		const char *b = (const char *)&objs[i].u;

		if ((const char *)a >= b && (const char *)a < b + sizeof(objs[i].u))
			return &objs[i];
	}
	return NULL;
}

static struct sobj *obj_of_node(const struct dwork_node *n)
{
	int i;

	for (i = 0; i < nobjs; i++)
		if (n == &objs[i].u.it.node || n == &objs[i].u.t.node)
			return &objs[i];
	return NULL;
}

static bool is_local_only(const volatile void *a)
{
	unsigned int i;

	for (i = 0; i < SIM_MAX_CPUS; i++) {
		const char *b = (const char *)&sim_dcpu[i].stats;

		if ((const char *)a >= b &&
		    (const char *)a < b + sizeof(sim_dcpu[i].stats))
			return true;
		if (a == &sim_dcpu[i].fed_raised)
			return true;
	}
	return false;
}

/*
 * The scenario's NMI on this CPU: at any point, IRQs off or in an IRQ
 * included, and on a stopped or parked CPU (whose status is ST_RUN while
 * the handler runs; it stays halted for op_cpu_dead()).
 */
static void deliver_nmi(void)
{
	struct simcpu *c = &cpus[sim_cur];
	enum cpu_status saved_status = c->status;
	enum sim_ctx saved_ctx = c->ctx_kind;
	bool saved_off = c->irq_off;

	c->deliver_nmi = false;
	c->nmi_armed = false;
	if (c->in_nmi)
		sim_fail("explorer bug: NMI delivered inside an NMI");
	c->status = ST_RUN;
	c->in_nmi = true;
	c->in_irq++;
	c->irq_off = true;
	scn->nmi[sim_cur]();
	c->irq_off = saved_off;
	c->in_irq--;
	c->in_nmi = false;
	c->ctx_kind = saved_ctx;
	c->status = saved_status;
}

static void deliver_irq(void)
{
	struct simcpu *c = &cpus[sim_cur];
	enum sim_ctx saved_ctx;
	bool saved_off;

	if (c->deliver_nmi) {
		deliver_nmi();
		return;
	}
	if (!c->deliver)
		return;
	c->deliver = false;
	c->irq_armed = false;
	if (c->irq_off || c->in_irq)
		sim_fail("explorer bug: IRQ delivered with IRQs off");
	saved_off = c->irq_off;
	saved_ctx = c->ctx_kind;
	c->in_irq++;
	c->irq_off = true;
	scn->irq[sim_cur]();
	c->irq_off = saved_off;
	c->in_irq--;
	c->ctx_kind = saved_ctx;
}

void sim_point(enum sim_access a, const volatile void *addr, const char *what)
{
	struct sobj *o = NULL;

	if (addr && (o = obj_of_addr(addr)) && o->poisoned)
		sim_fail("dwork touched freed object %s (%s)", o->name, what);
	if (!in_coro)
		return;
	if (addr && is_local_only(addr))
		return;
	ring[now % RING].step = now;
	ring[now % RING].cpu = sim_cur;
	ring[now % RING].what = what;
	ring[now % RING].irq = cpus[sim_cur].in_irq != 0;
	yield_to_main();
	deliver_irq();
	/* The access happens now, before any other CPU runs. */
	if (a == SIM_STORE || a == SIM_RMW || a == SIM_HOOK)
		write_ver++;
	/*
	 * A dpci run's claim: its exchange of owner from the softirq (or,
	 * were it split, the load that read the value it passes on).
	 */
	if ((a == SIM_RMW || a == SIM_LOAD) && o && o->type == OBJ_DPCI &&
	    addr == &o->u.dp.owner && !cpus[sim_cur].in_irq &&
	    cpus[sim_cur].ctx_kind == CTX_SOFTIRQ)
		o->claim_at[sim_cur] = now;
}

/* ------------------------------------------------------------------
 * Port hooks.
 */

unsigned int dwork_port_this_cpu(void)
{
	return in_coro ? sim_cur : DWORK_CPU_NONE;
}

unsigned long dwork_port_irq_save(void)
{
	bool f;

	if (!in_coro)
		return 0;
	sim_point(SIM_LOAD, NULL, "irq_save");
	f = cpus[sim_cur].irq_off;
	cpus[sim_cur].irq_off = true;
	return f;
}

void dwork_port_irq_restore(unsigned long flags)
{
	if (!in_coro)
		return;
	cpus[sim_cur].irq_off = flags != 0;
	sim_point(SIM_LOAD, NULL, "irq_restore");
}

bool dwork_port_irqs_disabled(void)
{
	return in_coro && cpus[sim_cur].irq_off;
}

bool dwork_port_in_irq(void)
{
	return in_coro && cpus[sim_cur].in_irq;
}

void dwork_port_raise_softirq(void)
{
	sim_point(SIM_HOOK, NULL, "raise_softirq");
	if (in_coro)
		cpus[sim_cur].softirq_pending = true;
}

/* Xen's raise_softirq(): a set_bit on this CPU's own pending word. */
void sim_raise_softirq_nmi(void)
{
	sim_point(SIM_HOOK, NULL, "raise_softirq_nmi");
	if (in_coro)
		cpus[sim_cur].softirq_pending = true;
}

/*
 * The middle of a list append or unlink (dwork_port_list_point()): an NMI
 * may land here.  Only that: no other CPU runs at this point (it would
 * only duplicate the schedules of the accesses around it).
 */
void sim_nmi_point(void)
{
	struct simcpu *c;

	if (!in_coro)
		return;
	c = &cpus[sim_cur];
	if (!c->nmi_armed || c->in_nmi)
		return;
	ring[now % RING].step = now;
	ring[now % RING].cpu = sim_cur;
	ring[now % RING].what = "list point";
	ring[now % RING].irq = c->in_irq != 0;
	c->nmi_point = true;
	c->list_busy = true;
	yield_to_main();
	c->nmi_point = false;
	deliver_irq();
}

void dwork_port_raise_softirq_on(unsigned int cpu)
{
	sim_point(SIM_HOOK, NULL, "raise_softirq_on");
	if (cpu >= SIM_MAX_CPUS)
		sim_fail("raise_softirq_on(%u): bad CPU", cpu);
	else
		cpus[cpu].softirq_pending = true;
}

void dwork_port_kick_idle(unsigned int cpu)
{
	sim_point(SIM_HOOK, NULL, "kick_idle");
	if (cpu >= SIM_MAX_CPUS)
		sim_fail("kick_idle(%u): bad CPU", cpu);
	else
		cpus[cpu].idle_kick = true;
}

struct dwork_cpu *dwork_port_cpu(unsigned int cpu)
{
	if (cpu >= SIM_MAX_CPUS) {
		sim_fail("dwork_port_cpu(%u): bad CPU", cpu);
		return &sim_dcpu[0];
	}
	return &sim_dcpu[cpu];
}

bool dwork_port_cpu_online(unsigned int cpu)
{
	return cpu < SIM_MAX_CPUS && cpus[cpu].port_online;
}

/* ------------------------------------------------------------------
 * A model of the POSIX runtime's protocols around IRQs (port/posix/posix.c;
 * the code below mirrors it, one scheduling point per shared access):
 *  - adoption: cpu_down stores a request into the adopter's dead_req; the
 *    adopter takes it (exchange) and runs dwork_cpu_dead(), at the top of
 *    its loop or from dwork_port_cpu_relax() in any context, with IRQs
 *    off from taking the request to the end of the adoption;
 *  - runtime mutexes: a vCPU holds one only with IRQs off (signals
 *    blocked), so no IRQ handler runs while it is held.
 * tests/model/mutants.txt re-introduces the deadlocks this prevents.
 */
static bool sim_rt_mutex_free(int m);
static uint32_t sim_rt_mutex[SIM_MAX_CPUS]; /* 1 + holder, or 0 */

static void rt_adopt_pending(void)
{
	struct simcpu *c;
	unsigned long flags;
	uint32_t d;

	if (!in_coro)
		return;
	c = &cpus[sim_cur];
	if (!c->dead_req) /* no point: a look at its own flag */
		return;
	flags = dwork_port_irq_save();
	sim_point(SIM_RMW, &c->dead_req, "xchg dead_req");
	d = c->dead_req;
	c->dead_req = 0;
	write_ver++;
	if (d) {
		cpus[d - 1].adopting = true;
		dwork_cpu_dead(d - 1);
		cpus[d - 1].adopting = false;
		cpus[d - 1].dead = true;
		cpus[d - 1].died = true;
		cpus[d - 1].ever_dead = true;
		sim_point(SIM_STORE, &c->dead_done, "store dead_done");
		c->dead_done = 1;
		write_ver++;
	}
	dwork_port_irq_restore(flags);
}

static bool adoption_done(int adopter)
{
	return cpus[adopter].dead_done != 0;
}

static bool cpu_stopped(int cpu);

void op_request_adoption(unsigned int cpu, unsigned int adopter)
{
	sim_wait_until(cpu_stopped, (int)cpu);
	sim_point(SIM_STORE, &cpus[adopter].dead_req, "store dead_req");
	cpus[adopter].dead_done = 0;
	cpus[adopter].dead_req = cpu + 1;
	write_ver++;
	sim_wait_until(adoption_done, (int)adopter);
}

static bool sim_rt_mutex_free(int m)
{
	return sim_rt_mutex[m] == 0;
}

unsigned long rt_lock(unsigned int m)
{
	unsigned long flags = dwork_port_irq_save();

	sim_point(SIM_RMW, &sim_rt_mutex[m], "lock");
	while (sim_rt_mutex[m]) {
		sim_wait_until(sim_rt_mutex_free, (int)m);
		sim_point(SIM_RMW, &sim_rt_mutex[m], "lock");
	}
	sim_rt_mutex[m] = sim_cur + 1;
	write_ver++;
	return flags;
}

void rt_unlock(unsigned int m, unsigned long flags)
{
	sim_point(SIM_STORE, &sim_rt_mutex[m], "unlock");
	sim_rt_mutex[m] = 0;
	write_ver++;
	dwork_port_irq_restore(flags);
}

/*
 * A spin iteration that saw no shared write since the previous one would
 * repeat itself: wait (disabled) until some CPU writes.
 */
static void spin_wait(void)
{
	struct simcpu *c = &cpus[sim_cur];

	if (!in_coro)
		sim_fail("spin outside a CPU");
	if (c->spin_ver != write_ver) {
		c->spin_ver = write_ver;
		sim_point(SIM_LOAD, NULL, "cpu_relax");
		return;
	}
	c->status = ST_SPIN;
	ring[now % RING].step = now;
	ring[now % RING].cpu = sim_cur;
	ring[now % RING].what = "cpu_relax (spinning)";
	ring[now % RING].irq = c->in_irq != 0;
	yield_to_main();
	c->status = ST_RUN;
	c->spin_ver = write_ver;
	deliver_irq();
}

void dwork_port_cpu_relax(void)
{
	rt_adopt_pending(); /* as port/posix's relax does */
	spin_wait();
}

/* ------------------------------------------------------------------
 * Objects and operations.
 */

static struct sobj *new_obj(const char *name, enum sobj_type type,
			    sobj_body_fn body)
{
	struct sobj *o;

	if (nobjs >= SIM_MAX_OBJS) {
		fprintf(stderr, "model: too many objects\n");
		exit(2);
	}
	o = &objs[nobjs++];
	memset(o, 0, sizeof(*o));
	o->name = name;
	o->type = type;
	o->body = body;
	return o;
}

static void callback_common(struct sobj *o)
{
	struct simcpu *c = &cpus[sim_cur];
	enum sim_ctx want = o->type == OBJ_TIDLE ? CTX_IDLE : CTX_SOFTIRQ;
	int run = o->runs, life = o->life;

	if (o->poisoned)
		sim_fail("callback of freed object %s ran", o->name);
	if (o->running)
		sim_fail("%s runs on CPU %u while it runs elsewhere", o->name,
			 sim_cur);
	if (c->ctx_kind != want)
		sim_fail("%s ran in the wrong context (%d, want %d)", o->name,
			 c->ctx_kind, want);
	if (c->irq_off || c->in_irq)
		sim_fail("%s ran with IRQs off or in IRQ", o->name);
	if (run >= SIM_MAX_RUNS)
		sim_fail("%s ran too often", o->name);
	o->running = 1;
	o->run_cpu[run] = (int)sim_cur;
	o->run_begin[run] = now;
	o->runs++;
	c->cb_depth++;
	sim_point(SIM_LOAD, NULL, "callback body");
	if (o->body)
		o->body(o, run);
	c->cb_depth--;
	if (!o->poisoned && o->life == life)
		o->running = 0;
}

static void item_cb(struct dwork_item *it)
{
	callback_common(dwork_container_of(it, struct sobj, u.it));
}

static void tasklet_cb(void *data)
{
	callback_common(data);
}

struct sobj *sim_item(const char *name, sobj_body_fn body)
{
	struct sobj *o = new_obj(name, OBJ_ITEM, body);

	dwork_item_init(&o->u.it, item_cb);
	return o;
}

struct sobj *sim_tasklet(const char *name, enum sobj_type type,
			 sobj_body_fn body)
{
	struct sobj *o = new_obj(name, type, body);

	dwork_tasklet_init(&o->u.t, tasklet_cb, o,
			   type == OBJ_TIDLE ? DWORK_TASKLET_IDLE
					     : DWORK_TASKLET_SOFTIRQ);
	return o;
}

unsigned int sim_self(void)
{
	return sim_cur;
}

bool sim_inbox_closed(unsigned int cpu)
{
	return __atomic_load_n(&sim_dcpu[cpu].inbox, __ATOMIC_SEQ_CST) ==
	       DWORK_INBOX_CLOSED;
}

void sim_hold_softirq(void)
{
	cpus[sim_cur].hold_softirq = true;
}

static struct sim_ev *ev_begin(enum sim_ev_type type, struct sobj *o)
{
	struct sim_ev *e;

	if (nevs >= SIM_MAX_EVS)
		sim_fail("event log full");
	e = &evs[nevs++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->o = o;
	e->cpu = (int)sim_cur;
	e->target = -1;
	e->tb = now;
	e->open_seq = ++ev_seq;
	e->in_irq = cpus[sim_cur].in_irq != 0;
	e->life = o ? o->life : 0;
	if (in_coro) {
		struct simcpu *c = &cpus[sim_cur];

		if (c->nopen >= (int)(sizeof(c->open) / sizeof(c->open[0])))
			sim_fail("operations nested too deep");
		c->open[c->nopen++] = e;
	}
	return e;
}

/* The operation @e returned. */
static void ev_close(struct sim_ev *e)
{
	struct simcpu *c = &cpus[sim_cur];

	e->te = now;
	e->close_seq = ++ev_seq;
	if (in_coro && c->nopen && c->open[c->nopen - 1] == e)
		c->nopen--;
	else if (in_coro)
		sim_fail("explorer bug: operations closed out of order");
}

/*
 * The bits of a state word that say a run is owed: PEND, and MOVE where
 * the core has it (a run owed to a node still linked at its place from
 * before a cancel, which its holder queues again at the back).
 */
#ifdef DWORK_ST_MOVE
#define SIM_ST_OWED (DWORK_ST_PEND | DWORK_ST_MOVE)
#else
#define SIM_ST_OWED DWORK_ST_PEND
#endif

/*
 * A write to memory that may be a node's state word, by the calling CPU
 * (after the access).  Records, for the FIFO oracle and the claims:
 * PEND (or MOVE) set by an operation of this CPU (it queued a run), the TARGET of a
 * pending run moved (re-target), and RUN set by an RMW (a claim).
 */
void sim_state_written(const volatile void *addr)
{
	struct sobj *o = NULL;
	struct sim_ev *e = NULL;
	uint32_t old, nw;
	int i;

	for (i = 0; i < nobjs; i++)
		if (addr == &objs[i].u.it.node.state)
			o = &objs[i];
	if (!o || o->poisoned)
		return;
	old = o->seen_state;
	nw = __atomic_load_n(&o->u.it.node.state, __ATOMIC_SEQ_CST);
	o->seen_state = nw;
	if (!in_coro || old == nw)
		return;
	if (cpus[sim_cur].nopen)
		e = cpus[sim_cur].open[cpus[sim_cur].nopen - 1];
	if (e && e->o != o)
		e = NULL;
	if (e && e->type == EV_SCHED && !(old & SIM_ST_OWED) &&
	    (nw & SIM_ST_OWED) && !e->queued) {
		e->queued = true;
		e->q_step = now;
		e->q_running = (old & DWORK_ST_RUN) != 0;
		e->q_move = !(nw & DWORK_ST_PEND);
		e->q_holder = (int)DWORK_ST_QCPU(old);
		e->q_tgt = (int)DWORK_ST_TGT(nw);
	} else if (e && e->type == EV_SCHED && (old & SIM_ST_OWED) &&
		   (nw & SIM_ST_OWED) &&
		   DWORK_ST_TGT(old) != DWORK_ST_TGT(nw)) {
		e->rt_step = now;
	}
	if (!(old & DWORK_ST_RUN) && (nw & DWORK_ST_RUN) &&
	    !(e && e->type == EV_REINIT) && o->nclaims < SIM_MAX_RUNS) {
		o->claim_step[o->nclaims] = now;
		o->claim_cpu[o->nclaims] = (int)sim_cur;
		o->nclaims++;
	}
}

const struct sim_ev *sim_events(int *n)
{
	*n = nevs;
	return evs;
}

/* Softirqs run between task-context operations (as in Xen and Linux). */
static void run_softirqs(void)
{
	struct simcpu *c = &cpus[sim_cur];

	while (c->softirq_pending && !c->hold_softirq) {
		c->softirq_pending = false;
		c->ctx_kind = CTX_SOFTIRQ;
		dwork_softirq();
		c->ctx_kind = CTX_TASK;
	}
}

static void op_end(struct sim_ev *e)
{
	struct simcpu *c = &cpus[sim_cur];

	ev_close(e);
	if (!c->in_irq && !c->cb_depth)
		run_softirqs();
}

bool op_raise_on(struct sobj *o, unsigned int cpu)
{
	struct sim_ev *e = ev_begin(EV_SCHED, o);
	int r = dwork_item_raise_on(&o->u.it, cpu);

	e->target = (int)cpu;
	e->ret = r;
	e->accepted = r > 0;
	op_end(e);
	return r > 0;
}

bool op_raise(struct sobj *o)
{
	return op_raise_on(o, sim_cur);
}

int op_sched_on(struct sobj *o, unsigned int cpu)
{
	struct sim_ev *e = ev_begin(EV_SCHED, o);
	int r = dwork_tasklet_schedule_on(&o->u.t, cpu);

	e->target = (int)cpu;
	e->ret = r;
	e->accepted = r == 0;
	op_end(e);
	return r;
}

int op_sched(struct sobj *o)
{
	return op_sched_on(o, sim_cur);
}

bool op_raise_nmi(struct sobj *o)
{
	struct sim_ev *e = ev_begin(EV_SCHED, o);
	int r = dwork_item_raise_nmi(&o->u.it);

	e->nmi = true;
	e->target = (int)sim_cur;
	e->ret = r;
	e->accepted = r > 0;
	op_end(e);
	return r > 0;
}

int op_sched_nmi(struct sobj *o)
{
	struct sim_ev *e = ev_begin(EV_SCHED, o);
	int r = dwork_tasklet_schedule_nmi(&o->u.t);

	e->nmi = true;
	e->target = (int)sim_cur;
	e->ret = r;
	e->accepted = r == 0;
	op_end(e);
	return r;
}

void op_cancel(struct sobj *o)
{
	struct sim_ev *e = ev_begin(EV_CANCEL, o);

	dwork_item_cancel(&o->u.it);
	op_end(e);
}

int op_kill(struct sobj *o)
{
	struct sim_ev *e = ev_begin(EV_KILL, o);
	bool self_kill = o->running && cpus[sim_cur].cb_depth &&
			 o->run_cpu[o->runs - 1] == (int)sim_cur;
	int r = dwork_tasklet_kill(&o->u.t);

	e->ret = r;
	ev_close(e);
	if (r == 0 && !o->poisoned && !self_kill) {
		uint32_t s = __atomic_load_n(&o->u.t.node.state,
					     __ATOMIC_SEQ_CST);

		if (s & (DWORK_ST_QUEUED | DWORK_ST_RUN))
			sim_fail("kill of %s returned while it is still %s",
				 o->name, (s & DWORK_ST_RUN) ? "running"
							     : "queued");
	}
	/* A self-kill is followed by the callback's free: no softirq here. */
	if (!cpus[sim_cur].cb_depth && !cpus[sim_cur].in_irq)
		run_softirqs();
	return r;
}

void op_free(struct sobj *o)
{
	struct sim_ev *e = ev_begin(EV_FREE, o);

	memcpy(&o->freed_bytes, &o->u, sizeof(o->freed_bytes));
	memset(&o->u, 0x5a, sizeof(o->u));
	o->poisoned = true;
	write_ver++;
	ev_close(e);
}

int op_reinit(struct sobj *o)
{
	struct simcpu *c = &cpus[sim_cur];
	bool own = o->running && c->cb_depth && !c->in_irq &&
		   o->run_cpu[o->runs - 1] == (int)sim_cur;
	struct sim_ev *e;
	int r;

	if (o->type == OBJ_DPCI)
		sim_fail("op_reinit: not for dpci objects");
	if (!own) {
		/* A new object (at the recycled address, if freed). */
		if (o->poisoned)
			memcpy(&o->u, &o->freed_bytes, sizeof(o->freed_bytes));
		o->poisoned = false;
		o->life++;
		o->running = 0;
		o->runs = 0;
		o->nclaims = 0;
		o->seen_state = __atomic_load_n(&o->u.it.node.state,
						__ATOMIC_SEQ_CST);
		write_ver++;
	} else if (o->poisoned) {
		sim_fail("op_reinit: %s freed by its own callback, then re-initialised there",
			 o->name);
	}
	e = ev_begin(EV_REINIT, o);
	if (o->type == OBJ_ITEM)
		r = dwork_item_init(&o->u.it, item_cb);
	else
		r = dwork_tasklet_init(&o->u.t, tasklet_cb, o,
				       o->type == OBJ_TIDLE ? DWORK_TASKLET_IDLE
							    : DWORK_TASKLET_SOFTIRQ);
	e->ret = r;
	op_end(e);
	return r;
}

void op_teardown(struct sobj *o)
{
	while (dwork_item_busy(&o->u.it) != 0)
		spin_wait();
	op_free(o);
	if (!cpus[sim_cur].in_irq && !cpus[sim_cur].cb_depth)
		run_softirqs();
}

/* ------------------------------------------------------------------
 * The dpci helper (port/xen/dwork_xen_dpci.c, compiled in unchanged) and
 * the domains whose references it takes and drops.
 */

static struct domain doms[SIM_MAX_DOMS];
static int ndoms;

static bool is_dom(const struct domain *d)
{
	return d >= doms && d < doms + ndoms;
}

struct domain *sim_domain(const char *name)
{
	struct domain *d;

	if (ndoms >= SIM_MAX_DOMS) {
		fprintf(stderr, "model: too many domains\n");
		exit(2);
	}
	d = &doms[ndoms++];
	d->name = name;
	d->refcnt = 1; /* the scenario's own, never dropped */
	return d;
}

/* Xen: an atomic increment of the domain's reference count. */
void get_knownalive_domain(struct domain *d)
{
	if (!is_dom(d))
		FAIL_RET("get_knownalive_domain(%p): not a domain", (void *)d);
	sim_point(SIM_RMW, &d->refcnt, "get_domain");
	d->refcnt++;
}

/* Xen: an atomic decrement; the scenario's own reference is never dropped. */
void put_domain(struct domain *d)
{
	if (!is_dom(d))
		FAIL_RET("put_domain(%p): not a domain", (void *)d);
	sim_point(SIM_RMW, &d->refcnt, "put_domain");
	if (d->refcnt <= 1)
		FAIL_RET("put_domain(%s) drops a reference nobody took",
			 d->name);
	d->refcnt--;
}

static void dpci_assist(struct domain *d, struct dwork_dpci *p)
{
	struct sobj *o = (struct sobj *)(void *)((char *)p -
						 offsetof(struct sobj, u.dp));

	if (!is_dom(d))
		FAIL_RET("%s: assist for %p, not a domain", o->name, (void *)d);
	/* The run holds a reference of its own, beside the scenario's. */
	if (d->refcnt < 2)
		FAIL_RET("%s: assist for %s without a reference (count %d)",
			 o->name, d->name, d->refcnt);
	if (o->runs < SIM_MAX_RUNS) {
		o->run_dom[o->runs] = d;
		o->run_claim[o->runs] = o->claim_at[sim_cur];
	}
	callback_common(o);
}

/* Xen: test_and_clear_bool(pirq_dpci->masked) in hvm_dirq_assist(). */
static void dpci_body(struct sobj *o, int run)
{
	(void)run;
	sim_point(SIM_RMW, &o->masked, "xchg masked");
	o->masked = 0;
}

struct sobj *sim_dpci(const char *name)
{
	struct sobj *o = new_obj(name, OBJ_DPCI, dpci_body);

	dwork_dpci_init(&o->u.dp, dpci_assist);
	return o;
}

void op_dpci_raise(struct sobj *o, struct domain *d)
{
	struct sim_ev *e = ev_begin(EV_DPCI_RAISE, o);

	e->dom = d;
	e->target = (int)sim_cur;
	sim_point(SIM_STORE, &o->masked, "store masked");
	o->masked = 1;
	dwork_dpci_raise(&o->u.dp, d);
	op_end(e);
}

void op_dpci_reset(struct sobj *o)
{
	struct sim_ev *e = ev_begin(EV_DPCI_RESET, o);

	dwork_dpci_reset(&o->u.dp);
	sim_point(SIM_STORE, &o->masked, "store masked");
	o->masked = 0;
	op_end(e);
}

void sim_wait_until(bool (*cond)(int arg), int arg)
{
	struct simcpu *c = &cpus[sim_cur];

	while (!cond(arg)) {
		c->status = ST_WAITCOND;
		c->wait_cond = cond;
		c->wait_arg = arg;
		yield_to_main();
		c->status = ST_RUN;
		deliver_irq();
	}
}

static bool cpu_stopped(int cpu)
{
	return cpus[cpu].halted;
}

void op_cpu_dead(unsigned int cpu)
{
	struct simcpu *c = &cpus[sim_cur];

	sim_wait_until(cpu_stopped, (int)cpu);
	cpus[cpu].adopting = true;
	dwork_cpu_dead(cpu);
	cpus[cpu].adopting = false;
	cpus[cpu].dead = true;
	cpus[cpu].died = true;
	cpus[cpu].ever_dead = true;
	if (!c->in_irq && !c->cb_depth)
		run_softirqs();
}

void op_cpu_init(unsigned int cpu)
{
	struct simcpu *c = &cpus[sim_cur];

	dwork_cpu_init(cpu);
	cpus[cpu].dead = false;
	if (!c->in_irq && !c->cb_depth)
		run_softirqs();
}

/* Stopped (for op_cpu_dead) until dwork_cpu_init() of this CPU is done. */
void sim_park(void)
{
	struct simcpu *c = &cpus[sim_cur];

	c->port_online = false;
	c->parked = true;
	c->halted = true;
	c->status = ST_STOPPED;
	write_ver++;
	/* An NMI may still land here (the port delivers it to a parked CPU). */
	do {
		yield_to_main();
		if (!c->deliver_nmi)
			break;
		deliver_irq();
	} while (1);
	/* Back: the port starts the CPU once dwork_cpu_init() returned. */
	c->halted = false;
	c->parked = false;
	c->died = false;
	c->status = ST_RUN;
	c->port_online = true;
	c->hold_softirq = false;
	c->softirq_pending = true;
	c->idle_kick = true;
	write_ver++;
	deliver_irq();
}

void sim_release_softirq(void)
{
	cpus[sim_cur].hold_softirq = false;
}

void sim_offline(void)
{
	struct simcpu *c = &cpus[sim_cur];

	c->port_online = false;
	c->halted = true;
	c->status = ST_STOPPED;
	write_ver++;
	for (;;) {
		yield_to_main();
		deliver_irq(); /* only an NMI reaches a stopped CPU */
	}
}

/* ------------------------------------------------------------------
 * CPU coroutines.
 */

static void cpu_entry(void)
{
	unsigned int self = sim_cur;
	struct simcpu *c = &cpus[self];

	c->status = ST_RUN;
	if (scn->prog[self])
		scn->prog[self]();
	run_softirqs();
	/* The idle loop: softirqs first, then one idle tasklet, or sleep. */
	for (;;) {
		rt_adopt_pending();
		if (c->softirq_pending && !c->hold_softirq) {
			c->softirq_pending = false;
			c->ctx_kind = CTX_SOFTIRQ;
			dwork_softirq();
			c->ctx_kind = CTX_TASK;
			continue;
		}
		if (c->idle_kick) {
			c->idle_kick = false;
			c->ctx_kind = CTX_IDLE;
			dwork_idle_run();
			c->ctx_kind = CTX_TASK;
			continue;
		}
		c->status = ST_IDLEWAIT;
		yield_to_main();
		c->status = ST_RUN;
		deliver_irq();
	}
}

static bool cpu_enabled(unsigned int i)
{
	struct simcpu *c = &cpus[i];

	switch (c->status) {
	case ST_NEW:
	case ST_RUN:
		return true;
	case ST_SPIN:
		return c->spin_ver != write_ver;
	case ST_IDLEWAIT:
		return (c->softirq_pending && !c->hold_softirq) ||
		       c->idle_kick || c->dead_req;
	case ST_WAITCOND:
		return c->wait_cond(c->wait_arg);
	case ST_STOPPED:
		/* Parked: back once dwork_cpu_init() finished (inbox open). */
		return c->parked && c->died &&
		       __atomic_load_n(&sim_dcpu[i].online, __ATOMIC_SEQ_CST) &&
		       __atomic_load_n(&sim_dcpu[i].inbox, __ATOMIC_SEQ_CST) !=
			       DWORK_INBOX_CLOSED;
	}
	return false;
}

/* The NMI: anywhere on a started CPU, stopped or parked included. */
static bool nmi_deliverable(unsigned int i)
{
	struct simcpu *c = &cpus[i];

	return c->nmi_armed && !c->in_nmi && c->status != ST_NEW;
}

static bool irq_deliverable(unsigned int i)
{
	struct simcpu *c = &cpus[i];

	return c->irq_armed && !c->irq_off && !c->in_irq &&
	       c->status != ST_NEW && c->status != ST_STOPPED;
}

/* ------------------------------------------------------------------
 * Invariants.
 */

static void check_list(unsigned int cpu, struct dwork_list *l, bool idle,
		       bool *seen)
{
	struct dwork_node *n = l->head, *prev = NULL;
	int count = 0;

	while (n) {
		struct sobj *o = obj_of_node(n);
		uint32_t s;

		if (!o)
			FAIL_RET("CPU %u %s list: unknown node %p", cpu,
					idle ? "idle" : "sirq", (void *)n);
		if (o->poisoned)
			FAIL_RET("CPU %u: freed object %s still linked",
					cpu, o->name);
		if (seen[o - objs])
			FAIL_RET("%s linked twice (CPU %u %s list)",
					o->name, cpu, idle ? "idle" : "sirq");
		seen[o - objs] = true;
		if (n->prev != prev)
			FAIL_RET("CPU %u: %s has a stale prev pointer",
					cpu, o->name);
		s = __atomic_load_n(&n->state, __ATOMIC_SEQ_CST);
		if (!(s & DWORK_ST_QUEUED))
			FAIL_RET("%s linked on CPU %u without QUEUED",
					o->name, cpu);
		if (DWORK_ST_QCPU(s) != cpu)
			FAIL_RET("%s linked on CPU %u, QCPU says %u", o->name,
				 cpu, DWORK_ST_QCPU(s));
		if ((o->type == OBJ_TIDLE) != idle)
			FAIL_RET("%s on the wrong list of CPU %u",
					o->name, cpu);
		if (++count > SIM_MAX_OBJS)
			FAIL_RET("CPU %u: list cycle", cpu);
		prev = n;
		n = n->next;
	}
	if (l->tail != prev)
		sim_fail("CPU %u %s list: tail is stale", cpu,
			 idle ? "idle" : "sirq");
}

static void check_inbox(unsigned int cpu, bool *seen)
{
	struct dwork_node *n = __atomic_load_n(&sim_dcpu[cpu].inbox,
					       __ATOMIC_SEQ_CST);
	int count = 0;

	if (n == DWORK_INBOX_CLOSED)
		return;
	while (n) {
		struct sobj *o = obj_of_node(n);

		if (!o)
			FAIL_RET("CPU %u inbox: unknown node %p", cpu,
					(void *)n);
		if (o->poisoned)
			FAIL_RET("freed object %s in CPU %u's inbox",
					o->name, cpu);
		if (seen[o - objs])
			FAIL_RET("%s linked twice (CPU %u inbox)",
					o->name, cpu);
		seen[o - objs] = true;
		if (DWORK_ST_QCPU(__atomic_load_n(&n->state, __ATOMIC_SEQ_CST)) !=
		    cpu)
			FAIL_RET("%s in CPU %u's inbox, QCPU differs", o->name,
				 cpu);
		if (++count > SIM_MAX_OBJS)
			FAIL_RET("CPU %u: inbox cycle", cpu);
		n = n->next;
	}
}

static void check_step(void)
{
	bool seen[SIM_MAX_OBJS] = { false };
	unsigned int i;
	int k;

	for (i = 0; i < scn->ncpus && !failed; i++) {
		if (cpus[i].adopting)
			continue;
		/* Half-way through an append or unlink: checked once done. */
		if (!cpus[i].list_busy)
			check_list(i, &sim_dcpu[i].sirq, false, seen);
		if (!failed && !cpus[i].list_busy)
			check_list(i, &sim_dcpu[i].idle, true, seen);
		if (!failed)
			check_inbox(i, seen);
	}
	for (k = 0; k < nobjs && !failed; k++) {
		uint32_t s;

		if (objs[k].poisoned)
			continue;
		s = __atomic_load_n(&objs[k].u.it.node.state, __ATOMIC_SEQ_CST);
		if ((s & DWORK_ST_QUEUED) && (s & DWORK_ST_RUN))
			sim_fail("%s is QUEUED and RUNNING at once",
				 objs[k].name);
	}
}

static void check_obj_final(struct sobj *o)
{
	unsigned long acc_tb[SIM_MAX_EVS];
	const struct sim_ev *last = NULL;
	int nacc = 0, i, j, r;

	for (i = 0; i < nevs; i++) {
		const struct sim_ev *e = &evs[i];

		if (e->o != o || e->type != EV_SCHED || e->life != o->life)
			continue;
		/* An item raise that coalesced (false) still re-targets. */
		if ((e->accepted || o->type == OBJ_ITEM) &&
		    (!last || e->tb > last->tb))
			last = e;
		if (e->accepted)
			acc_tb[nacc++] = e->tb;
	}
	/* Sort the begin times (insertion sort, tiny). */
	for (i = 1; i < nacc; i++)
		for (j = i; j > 0 && acc_tb[j - 1] > acc_tb[j]; j--) {
			unsigned long t = acc_tb[j];

			acc_tb[j] = acc_tb[j - 1];
			acc_tb[j - 1] = t;
		}
	/* No run without a schedule: the k-th run follows the k-th one. */
	if (o->runs > nacc)
		FAIL_RET("%s ran %d times for %d accepted schedules",
				o->name, o->runs, nacc);
	for (r = 0; r < o->runs; r++)
		if (o->run_begin[r] <= acc_tb[r])
			FAIL_RET("%s run %d began before its schedule",
					o->name, r);
	for (i = 0; i < nevs; i++) {
		const struct sim_ev *e = &evs[i];
		bool cancelled = false, ran = false;

		if (e->o != o || e->life != o->life)
			continue;
		if (e->type == EV_KILL && e->ret == 0) {
			for (r = 0; r < o->runs; r++)
				if (o->run_begin[r] > e->te)
					FAIL_RET("%s ran after kill returned",
							o->name);
			for (j = 0; j < nevs; j++)
				if (evs[j].o == o && evs[j].type == EV_SCHED &&
				    evs[j].life == o->life && evs[j].tb > e->te &&
				    evs[j].ret != DWORK_ESHUTDOWN)
					FAIL_RET("%s: schedule after kill returned %d",
							o->name, evs[j].ret);
		}
		if (e->type != EV_SCHED || !e->accepted)
			continue;
		/* Nothing lost: a run follows unless cancelled since. */
		for (j = 0; j < nevs; j++)
			if (evs[j].o == o && evs[j].life == o->life &&
			    (evs[j].type == EV_CANCEL || evs[j].type == EV_KILL ||
			     evs[j].type == EV_FREE) &&
			    evs[j].te >= e->tb)
				cancelled = true;
		for (r = 0; r < o->runs; r++)
			if (o->run_begin[r] > e->tb)
				ran = true;
		if (!cancelled && !ran)
			FAIL_RET("%s: accepted schedule (step %lu, CPU %d -> %d) never ran",
					o->name, e->tb, e->cpu, e->target);
	}
	/* Newest target: the last schedule, after all others, decides. */
	if (last && o->runs) {
		bool unique = true;

		for (i = 0; i < nevs; i++) {
			const struct sim_ev *e = &evs[i];

			if (e->o != o || e == last || e->life != o->life)
				continue;
			if (e->type == EV_SCHED &&
			    (e->accepted || o->type == OBJ_ITEM) &&
			    e->te >= last->tb)
				unique = false;
			if (e->type != EV_SCHED && e->te >= last->tb)
				unique = false;
		}
		if (unique && !cpus[last->target].ever_dead &&
		    o->run_begin[o->runs - 1] > last->tb &&
		    o->run_cpu[o->runs - 1] != last->target)
			sim_fail("%s: last run on CPU %d, newest target %d",
				 o->name, o->run_cpu[o->runs - 1],
				 last->target);
	}
}

/*
 * A dpci object at the end: no run owed (@owner NULL, so no reference
 * kept), every raise seen by an assist or cleared by a reset ("masked"
 * clear), no more assists than raises, and each assist is for the domain
 * of a raise that could have set @owner: one that began before the run's
 * claim and ended after the start of the last reset that ended before the
 * claim (a reset takes whatever owner was set before it).
 */
static void check_dpci_final(struct sobj *o)
{
	int i, r, raises = 0;

	if (o->poisoned)
		return;
	if (__atomic_load_n(&o->u.dp.owner, __ATOMIC_SEQ_CST))
		FAIL_RET("%s: owner %s left at the end (a run and a reference lost)",
			 o->name, o->u.dp.owner->name);
	if (o->masked)
		FAIL_RET("%s: a raise was never seen (masked still set at the end)",
			 o->name);
	for (i = 0; i < nevs; i++)
		if (evs[i].o == o && evs[i].type == EV_DPCI_RAISE)
			raises++;
	if (o->runs > raises)
		FAIL_RET("%s: %d assists for %d raises", o->name, o->runs,
			 raises);
	for (r = 0; r < o->runs && r < SIM_MAX_RUNS; r++) {
		unsigned long t = o->run_claim[r], since = 0;
		bool found = false;

		for (i = 0; i < nevs; i++)
			if (evs[i].o == o && evs[i].type == EV_DPCI_RESET &&
			    evs[i].te && evs[i].te < t && evs[i].tb > since)
				since = evs[i].tb;
		for (i = 0; i < nevs; i++)
			if (evs[i].o == o && evs[i].type == EV_DPCI_RAISE &&
			    evs[i].dom == o->run_dom[r] && evs[i].tb < t &&
			    (!evs[i].te || evs[i].te > since))
				found = true;
		if (!found)
			FAIL_RET("%s: assist %d for %s, which no raise since the last reset asked for",
				 o->name, r, o->run_dom[r]->name);
	}
}

/* The first claim of @o's current life after @step, or 0 (index *@k). */
static unsigned long claim_after(const struct sobj *o, unsigned long step,
				 int *k)
{
	int i;

	for (i = 0; i < o->nclaims; i++)
		if (o->claim_step[i] > step) {
			*k = i;
			return o->claim_step[i];
		}
	return 0;
}

/* Was the run @e queued withdrawn (cancel, kill, free) before @claim? */
static bool withdrawn(const struct sim_ev *e, unsigned long claim)
{
	int i;

	for (i = 0; i < nevs; i++) {
		const struct sim_ev *x = &evs[i];

		if (x->o == e->o && x->life == e->life &&
		    (x->type == EV_CANCEL || x->type == EV_KILL ||
		     x->type == EV_FREE) &&
		    (!x->te || x->te > e->q_step) && (!claim || x->tb < claim))
			return true;
	}
	return false;
}

/*
 * The documented carve-outs from FIFO, all in one place (README's FIFO
 * row; docs/design.md section 8; item.h and tasklet.h).  @e1 queued a run
 * before @e2 did, from the same CPU, for the same target and list, and
 * @e2's run was claimed first.  Returns the carve-out that allows it, or
 * NULL (a FIFO violation).
 */
static const char *fifo_carve_out(const struct sim_ev *e1,
				  const struct sim_ev *e2, unsigned long c1,
				  unsigned long c2)
{
	int i;

	/*
	 * NMI-safe and ordinary raises from one CPU are not ordered against
	 * each other (design.md section 8).
	 */
	if (e1->nmi != e2->nmi)
		return "NMI-safe and ordinary raises are not ordered";
	/*
	 * A rerun owed to a running callback is queued when the callback
	 * returns, not when it was scheduled (design.md section 8).
	 */
	if (e1->q_running)
		return "rerun queued when the callback returns";
	/*
	 * A raise of a node cancelled while still queued (MOVE) queues it
	 * again at once only when the raising CPU holds it and the raise is
	 * not NMI-safe; otherwise the holder moves it at its next pass, and
	 * a later raise may overtake it (design.md section 8).
	 */
	if (e1->q_move && (e1->nmi || e1->q_holder != e1->cpu))
		return "raise after a cancel, moved at the holder's next pass";
	/*
	 * A re-targeted pending run moves at the holding CPU's next pass: a
	 * later schedule may overtake it (design.md section 8).
	 */
	for (i = 0; i < nevs; i++)
		if (evs[i].o == e1->o && evs[i].life == e1->life &&
		    evs[i].rt_step > e1->q_step && evs[i].rt_step < c1)
			return "re-targeted pending run";
	/*
	 * Not a carve-out, but no pair: a cancel, kill or free withdrew a
	 * run, so the claim found serves a later schedule.
	 */
	if (withdrawn(e1, c1) || withdrawn(e2, c2))
		return "run withdrawn (cancel, kill or free) before its claim";
	return NULL;
}

/*
 * The FIFO oracle: for every pair of schedules from one source CPU that
 * both queued a run (each set PEND itself), for the same target CPU and
 * the same list (items and softirq tasklets share one, idle tasklets have
 * theirs), of two objects, where the earlier one returned before the
 * later one was called: the earlier one's run must be claimed first,
 * unless a carve-out of fifo_carve_out() covers the pair.
 */
static void check_fifo(void)
{
	int i, j, k1 = 0, k2 = 0;
	for (i = 0; i < nevs; i++) {
		const struct sim_ev *e1 = &evs[i];
		if (e1->type != EV_SCHED || !e1->queued || !e1->close_seq ||
		    e1->o->type == OBJ_DPCI || e1->life != e1->o->life)
			continue;
		for (j = 0; j < nevs; j++) {
			const struct sim_ev *e2 = &evs[j];
			unsigned long c1, c2;
			const char *why;
			if (e2->type != EV_SCHED || !e2->queued ||
			    e2->o == e1->o || e2->o->type == OBJ_DPCI ||
			    e2->life != e2->o->life || e2->cpu != e1->cpu ||
			    e2->open_seq < e1->close_seq ||
			    e2->q_tgt != e1->q_tgt ||
			    (e1->o->type == OBJ_TIDLE) !=
				    (e2->o->type == OBJ_TIDLE))
				continue;
			c1 = claim_after(e1->o, e1->q_step, &k1);
			c2 = claim_after(e2->o, e2->q_step, &k2);
			if (!c1 || !c2 || c1 < c2)
				continue;
			why = fifo_carve_out(e1, e2, c1, c2);
			if (!why)
				FAIL_RET("FIFO: %s%s (step %lu, CPU %d -> %d) queued a run before %s%s (step %lu), but %s was claimed first (step %lu on CPU %d; %s at step %lu on CPU %d)",
					 e1->o->name, e1->nmi ? " (NMI-safe)" : "",
					 e1->tb, e1->cpu, e1->q_tgt,
					 e2->o->name, e2->nmi ? " (NMI-safe)" : "",
					 e2->tb, e2->o->name, c2,
					 e2->o->claim_cpu[k2], e1->o->name, c1,
					 e1->o->claim_cpu[k1]);
		}
	}
}

static void check_final(void)
{
	unsigned int i;
	int k;

	for (i = 0; i < scn->ncpus && !failed; i++) {
		struct dwork_cpu *d = &sim_dcpu[i];
		struct dwork_node *in = __atomic_load_n(&d->inbox,
							__ATOMIC_SEQ_CST);

		if (cpus[i].halted && !cpus[i].dead)
			continue;
		if (d->sirq.head || d->idle.head)
			sim_fail("work left on CPU %u's lists at the end", i);
		else if (in && in != DWORK_INBOX_CLOSED)
			sim_fail("work left in CPU %u's inbox at the end", i);
		else if (cpus[i].dead && in != DWORK_INBOX_CLOSED)
			sim_fail("dead CPU %u's inbox is not closed", i);
	}
	for (k = 0; k < nobjs && !failed; k++) {
		struct sobj *o = &objs[k];
		uint32_t s;

		if (!o->poisoned) {
			s = __atomic_load_n(&o->u.it.node.state,
					    __ATOMIC_SEQ_CST);
			if (s & (DWORK_ST_PEND | DWORK_ST_QUEUED |
				 DWORK_ST_RUN))
				sim_fail("%s still owes work at the end (state %#x)",
					 o->name, s);
		}
		if (!failed && o->type == OBJ_DPCI)
			check_dpci_final(o);
		else if (!failed)
			check_obj_final(o);
	}
	for (k = 0; k < ndoms && !failed; k++)
		if (doms[k].refcnt != 1)
			sim_fail("domain %s: %d references at the end, want 1 (the scenario's)",
				 doms[k].name, doms[k].refcnt);
	if (!failed)
		check_fifo();
	if (!failed && scn->check)
		scn->check();
}

/* ------------------------------------------------------------------
 * One execution, driven by choices[0..prefix_len) and 0 beyond.
 */

struct opt {
	unsigned int cpu;
	bool irq;
	bool nmi;
	bool preempt;
};

static int decide(int n)
{
	int c;

	if (n <= 1)
		return 0;
	if (depth >= MAX_DEPTH) {
		sim_fail("schedule deeper than %d choices", MAX_DEPTH);
		return 0;
	}
	if (depth < prefix_len) {
		c = choices[depth];
	} else {
		c = 0;
		choices[depth] = 0;
	}
	nopts_at[depth] = (unsigned char)n;
	depth++;
	return c;
}

static void reset(void)
{
	unsigned int i;

	memset(sim_dcpu, 0, sizeof(sim_dcpu));
	memset(cpus, 0, sizeof(cpus));
	memset(sim_rt_mutex, 0, sizeof(sim_rt_mutex));
	memset(objs, 0, sizeof(objs));
	nobjs = 0;
	memset(doms, 0, sizeof(doms));
	ndoms = 0;
	nevs = 0;
	ev_seq = 0;
	now = 0;
	write_ver = 0;
	failed = false;
	fail_msg[0] = 0;
	depth = 0;
	preempts = 0;
	in_coro = false;
	sim_cur = DWORK_CPU_NONE;
	scn->setup();
	for (i = 0; i < scn->ncpus; i++) {
		cpus[i].port_online = true;
		cpus[i].spin_ver = ~0ul;
		cpus[i].irq_armed = scn->irq[i] != NULL;
		cpus[i].nmi_armed = scn->nmi[i] != NULL;
		dwork_cpu_init(i);
		coro_make(&cpus[i].ctx, stacks[i], STACK_BYTES, cpu_entry);
	}
}

static int execute(void)
{
	unsigned int cur = DWORK_CPU_NONE;

	reset();
	for (;;) {
		struct opt opts[3 * SIM_MAX_CPUS];
		bool cur_en = cur < scn->ncpus && cpu_enabled(cur);
		unsigned int i;
		int n = 0, pick;

		if (now > MAX_STEPS) {
			sim_fail("livelock: more than %d steps", MAX_STEPS);
			return -1;
		}
		if (cur < scn->ncpus && cpus[cur].nmi_point) {
			/* A list point: go on, or take the NMI right here. */
			opts[n++] = (struct opt){ cur, false, false, false };
			if (nmi_deliverable(cur))
				opts[n++] = (struct opt){ cur, false, true,
							  false };
			goto chosen;
		}
		if (cur_en)
			opts[n++] = (struct opt){ cur, false, false, false };
		for (i = 0; i < scn->ncpus; i++)
			if (i != cur && cpu_enabled(i) &&
			    (!cur_en || preempts < bound))
				opts[n++] = (struct opt){ i, false, false,
							  cur_en };
		for (i = 0; i < scn->ncpus; i++) {
			bool pre = cur_en && i != cur;

			if (irq_deliverable(i) && (!pre || preempts < bound))
				opts[n++] = (struct opt){ i, true, false, pre };
			if (nmi_deliverable(i) && (!pre || preempts < bound))
				opts[n++] = (struct opt){ i, false, true, pre };
		}
chosen:
		if (!n) {
			for (i = 0; i < scn->ncpus; i++)
				if (cpus[i].status == ST_SPIN ||
				    cpus[i].status == ST_WAITCOND ||
				    cpus[i].status == ST_RUN) {
					sim_fail("deadlock: CPU %u blocked (status %d), nothing can run",
						 i, cpus[i].status);
					return -1;
				}
			check_final();
			return failed ? -1 : 0;
		}
		pick = decide(n);
		if (failed)
			return -1;
		if (opts[pick].preempt)
			preempts++;
		cur = opts[pick].cpu;
		if (opts[pick].irq)
			cpus[cur].deliver = true;
		if (opts[pick].nmi)
			cpus[cur].deliver_nmi = true;
		now++;
		sim_cur = cur;
		in_coro = true;
		coro_switch(&main_ctx, &cpus[cur].ctx);
		in_coro = false;
		sim_cur = DWORK_CPU_NONE;
		if (failed)
			return -1;
		check_step();
		if (failed)
			return -1;
	}
}

static void print_trace(void)
{
	unsigned long s = now > RING ? now - RING : 0;

	fprintf(stderr, "last steps:\n");
	for (; s < now; s++)
		if (ring[s % RING].step == s && ring[s % RING].what)
			fprintf(stderr, "  %5lu cpu%u%s %s\n", s,
				ring[s % RING].cpu,
				ring[s % RING].irq ? " irq" : "",
				ring[s % RING].what);
}

static volatile sig_atomic_t expecting;
static unsigned long explored;

static void on_segv(int sig)
{
	char buf[160];
	int len = snprintf(buf, sizeof(buf),
			   "model: VIOLATION: signal %d (crash) after %lu schedules\n",
			   sig, explored + 1);

	if (len > 0)
		(void)!write(2, buf, (size_t)len);
	_exit(expecting ? 0 : 1);
}

extern const struct scenario *const model_scenarios[];

static void usage(void)
{
	int i;

	fprintf(stderr,
		"usage: model SCENARIO [--bound N] [--max N] [--expect-violation] [-v]\n"
		"scenarios:");
	for (i = 0; model_scenarios[i]; i++)
		fprintf(stderr, " %s", model_scenarios[i]->name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long max = 4000000;
	bool expect = false, have_bound = false;
	static char altstack[65536];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa;
	int i, r;

	if (argc < 2)
		usage();
	for (i = 0; model_scenarios[i]; i++)
		if (!strcmp(model_scenarios[i]->name, argv[1]))
			scn = model_scenarios[i];
	if (!scn)
		usage();
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--bound") && i + 1 < argc) {
			bound = (unsigned int)atoi(argv[++i]);
			have_bound = true;
		} else if (!strcmp(argv[i], "--max") && i + 1 < argc) {
			max = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--expect-violation")) {
			expect = true;
		} else if (!strcmp(argv[i], "-v")) {
			verbose = true;
		} else {
			usage();
		}
	}
	if (!have_bound)
		bound = scn->bound;
	expecting = expect;
	sigaltstack(&ss, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	printf("model: scenario %s (%s), %u CPUs, preemption bound %u\n",
	       scn->name, scn->lesson, scn->ncpus, bound);
	prefix_len = 0;
	for (;;) {
		int d;

		r = execute();
		explored++;
		if (r) {
			printf("model: VIOLATION after %lu schedules: %s\n",
			       explored, fail_msg);
			print_trace();
			printf("model: %s: %lu schedules explored, violation found\n",
			       scn->name, explored);
			return expect ? 0 : 1;
		}
		if (verbose && explored % 10000 == 0)
			fprintf(stderr, "... %lu\n", explored);
		/* Backtrack to the deepest choice with an untried option. */
		for (d = depth - 1; d >= 0 && choices[d] + 1 >= nopts_at[d]; d--)
			;
		if (d < 0)
			break;
		choices[d]++;
		prefix_len = d + 1;
		if (explored >= max) {
			/* Claiming "exhaustive" would be false: fail. */
			printf("model: %s: stopped at --max %lu schedules: NOT exhaustive; lower the bound or raise --max\n",
			       scn->name, max);
			return expect ? 1 : 3;
		}
	}
	printf("model: %s: %lu schedules explored (exhaustive within bound %u), no violation\n",
	       scn->name, explored, bound);
	return expect ? 1 : 0;
}

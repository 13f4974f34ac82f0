// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork POSIX runtime: virtual CPUs are threads, interrupts are signals.
 *
 * Signals
 * -------
 *   SIG_IRQ (SIGUSR1)  "an interrupt is posted": its handler runs the IRQ
 *                      ring, unless the thread has IRQs (softly) disabled,
 *                      in which case it records "deferred" and the restore
 *                      that re-enables IRQs runs the ring (replay).
 *   SIG_IPI (SIGUSR2)  "look at your work": its handler does nothing; its
 *                      only effect is to end the vCPU's sigsuspend().
 *   SIG_NMI (SIGRTMIN+3) an "NMI" (dwork_posix_nmi_on(), for tests): never
 *                      held back by the soft masking; see its section.
 * Both handlers block both signals while they run (sa_mask), so handlers
 * never nest at the kernel level.  Both ignore threads that are not vCPUs.
 *
 * Per-CPU state (struct vcpu here, struct dwork_posix_cpu in the header)
 * -----------------------------------------------------------------------
 *   state     OFF -> ONLINE -> PARKING -> PARKED -> ONLINE ... -> EXIT;
 *             written under v->lock, read anywhere with acquire.
 *   run queue run_on requests, under v->lock; rq_len mirrors its length
 *             for lock-free "anything queued?" checks.
 *   IRQ ring  bounded SPSC ring of {fn, arg}: producers serialise on
 *             v->lock; the consumer is the vCPU itself (its SIG_IRQ handler
 *             or a replay), which uses atomics only.  head is advanced
 *             after the handler returns, so "ring empty" means "no IRQ
 *             posted and not finished".
 *   irq_bell  doorbell for SIG_IRQ: set (exchange) by a producer after the
 *             push, which signals only on 0 -> 1; the consumer clears it
 *             (exchange) before draining.
 *   ipi       doorbell for SIG_IPI, same protocol; every wake-up source
 *             (softirq raised from another CPU, run_on, state change,
 *             remote idle kick) sets its condition first, then rings it.
 *   softirq   dwork softirq pending; set by raises, cleared by the vCPU
 *             with an acquire exchange before dwork_softirq().
 *   idle      the idle loop was kicked (dwork_port_kick_idle()).
 *   dead_req  cpu_down asks this CPU to adopt a dead CPU's work; done at
 *             the top of the loop or from a kill's spin-wait (relax, any
 *             context), with IRQs off from taking the request to the end
 *             of the adoption; dead_done tells cpu_down it is done.
 *   lock      a vCPU thread holds a runtime mutex only with SIG_IRQ and
 *             SIG_IPI blocked (vlock()): no IRQ handler runs under it.
 *   sleeping, wakes
 *             for quiesce: sleeping is set (seq_cst) right before
 *             sigsuspend() and cleared after it; wakes is incremented after
 *             every sleep and at the start of every IRQ dispatch.
 *
 * Why sleeping never loses a wake-up
 * ----------------------------------
 * The vCPU blocks SIG_IRQ and SIG_IPI, clears ipi with an exchange, checks
 * every condition, and only then calls sigsuspend() with both unblocked.
 * A producer writes its condition and then exchanges ipi (or irq_bell).
 * If its exchange precedes ours in ipi's modification order, ours reads
 * from its release sequence and the check sees the condition; if it
 * follows, it reads 0 and signals, and the signal, blocked, is pending
 * when sigsuspend() unblocks it.  The IRQ ring is checked directly (a
 * non-empty ring is never slept on) and irq_bell is only cleared by a
 * dispatch that then drains the ring.
 *
 * Why quiesce is right
 * --------------------
 * quiesce samples every online CPU twice.  If a CPU is sleeping in both
 * samples with the same wakes count, it slept throughout; as all first
 * samples precede all second ones, there was an instant at which every
 * CPU slept.  An IRQ dispatch during a sleep bumps wakes; one that began
 * before the first sample still has its entry in the ring (head moves
 * after the handler), which the sample sees.  Every condition that would
 * wake a CPU is set before its doorbell and read after the sleeping flag,
 * all seq_cst.  The seq_cst store of sleeping=1 follows everything the CPU
 * did, so quiesce's load that reads it makes those writes visible.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <dwork/posix.h>

#ifndef DWORK_POSIX_SIG_IRQ
#define DWORK_POSIX_SIG_IRQ SIGUSR1
#endif
#ifndef DWORK_POSIX_SIG_IPI
#define DWORK_POSIX_SIG_IPI SIGUSR2
#endif

/* IRQ ring entries per CPU (a power of two). */
#define RING_SIZE 256u

enum vstate {
	VS_OFF = 0,  /* no thread (not started, or beyond nr_cpus) */
	VS_ONLINE,   /* running, accepts run_on/irq_on */
	VS_PARKING,  /* cpu_down asked it to finish and park */
	VS_PARKED,   /* parked; dwork_cpu_dead() ran or is about to */
	VS_EXIT,     /* stop asked it to finish and exit */
};

struct irq_req {
	void (*fn)(void *);
	void *arg;
};

struct run_req {
	struct run_req *next;
	void (*fn)(void *);
	void *arg;
	bool done;
};

struct vcpu {
	pthread_mutex_t lock;   /* state, run queue, IRQ ring producers */
	pthread_cond_t cond;    /* a request finished, or the CPU parked */
	pthread_t self;         /* the thread, for pthread_kill (valid if live) */
	pthread_t handle;       /* for pthread_join */
	uint32_t live;
	uint32_t state;
	struct run_req *rq_head, *rq_tail;
	uint32_t rq_len;
	uint32_t irq_bell;
	uint32_t sleeping;
	uint32_t wakes;
	uint32_t dead_req;      /* 1 + CPU whose work to adopt, or 0 */
	uint32_t dead_done;     /* the adoption asked for is done */
	uint32_t ring_head __attribute__((aligned(DWORK_CACHELINE_BYTES)));
	uint32_t ring_tail;
	struct irq_req ring[RING_SIZE];
} __attribute__((aligned(DWORK_CACHELINE_BYTES)));

__thread struct dwork_posix_tls dwork_posix_tls
	__attribute__((tls_model("initial-exec"))) = { .cpu = DWORK_CPU_NONE };
struct dwork_posix_cpu dwork_posix_cpus[DWORK_NR_CPUS];
struct dwork_cpu dwork_posix_dcpu[DWORK_NR_CPUS];

static struct vcpu vcpus[DWORK_NR_CPUS];

static struct {
	pthread_mutex_t lock;   /* start/stop/cpu_up/cpu_down/quiesce */
	uint32_t nr;            /* vCPUs started, 0 when stopped */
	bool handlers;          /* signal handlers installed */
	sigset_t sigs;          /* SIG_IRQ and SIG_IPI */
} rt = { .lock = PTHREAD_MUTEX_INITIALIZER };

static pthread_once_t rt_once = PTHREAD_ONCE_INIT;

#define TLS (&dwork_posix_tls)

static void rt_init_once(void)
{
	unsigned int c;

	for (c = 0; c < DWORK_NR_CPUS; c++) {
		pthread_mutex_init(&vcpus[c].lock, NULL);
		pthread_cond_init(&vcpus[c].cond, NULL);
	}
	sigemptyset(&rt.sigs);
	sigaddset(&rt.sigs, DWORK_POSIX_SIG_IRQ);
	sigaddset(&rt.sigs, DWORK_POSIX_SIG_IPI);
}

static void rt_init(void)
{
	pthread_once(&rt_once, rt_init_once);
}

static bool on_vcpu(void)
{
	return dwork_port_this_cpu() != DWORK_CPU_NONE;
}

static uint32_t vstate(struct vcpu *v)
{
	return __atomic_load_n(&v->state, __ATOMIC_ACQUIRE);
}

/* Caller holds v->lock. */
static void set_vstate(unsigned int cpu, enum vstate st)
{
	__atomic_store_n(&vcpus[cpu].state, st, __ATOMIC_SEQ_CST);
	__atomic_store_n(&dwork_posix_cpus[cpu].online, st == VS_ONLINE,
			 __ATOMIC_RELEASE);
}

/*
 * Runtime mutexes and IRQs.  A vCPU thread holds a runtime mutex only with
 * SIG_IRQ and SIG_IPI blocked (the host's "IRQs off"): an IRQ handler that
 * landed while the mutex is held and spun in dwork_tasklet_kill() would
 * wait for another CPU, which may itself be blocked on that mutex.  A
 * signal that arrives meanwhile stays pending and is taken at the unlock.
 * Host threads take no IRQs and need no mask.
 */
static void vlock(struct vcpu *v, sigset_t *old)
{
	if (on_vcpu())
		pthread_sigmask(SIG_BLOCK, &rt.sigs, old);
	pthread_mutex_lock(&v->lock);
}

static void vunlock(struct vcpu *v, const sigset_t *old)
{
	pthread_mutex_unlock(&v->lock);
	if (on_vcpu())
		pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void short_sleep(void)
{
	struct timespec ts = { 0, 50 * 1000 };

	nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------------
 * Hooks called from the inline port (async-signal-safe).
 */

void dwork_posix_wake(unsigned int cpu)
{
	struct vcpu *v;
	unsigned int nr;

	if (cpu >= DWORK_NR_CPUS)
		return;
	/*
	 * Work for a CPU the runtime started no thread for would never run
	 * (and a kill of it would wait forever): only dwork_posix_start()
	 * and dwork_posix_cpu_up() may call dwork_cpu_init() here.
	 */
	nr = __atomic_load_n(&rt.nr, __ATOMIC_RELAXED);
	if (nr && cpu >= nr)
		dwork_posix_assert_fail("dwork posix: work was queued for a CPU "
					"that has no runtime thread "
					"(dwork_cpu_init() called directly? use "
					"dwork_posix_start()/dwork_posix_cpu_up())",
					__FILE__, __LINE__);
	v = &vcpus[cpu];
	/* Ring only on 0 -> 1; see "Why sleeping never loses a wake-up". */
	if (__atomic_exchange_n(&dwork_posix_cpus[cpu].ipi, 1u,
				__ATOMIC_SEQ_CST))
		return;
	/* Acquire: pairs with the thread's release of live after self. */
	if (__atomic_load_n(&v->live, __ATOMIC_ACQUIRE))
		pthread_kill(v->self, DWORK_POSIX_SIG_IPI);
}

/*
 * cpu_down asked this CPU to adopt a dead CPU's work: do it now.  Called
 * by the loop (task context) and from kill's spin-wait in any context,
 * hard IRQ included (dwork_cpu_dead() allows it): a kill waiting for a
 * tasklet queued on the dead CPU would otherwise wait forever for an
 * adoption queued behind it.  Async-signal-safe: atomics only.
 */
static void adopt_dead_cpu(unsigned int self)
{
	struct vcpu *v = &vcpus[self];
	unsigned long flags;
	uint32_t d;

	if (!__atomic_load_n(&v->dead_req, __ATOMIC_ACQUIRE))
		return;
	/*
	 * IRQs off from taking the request until the adoption is done: an
	 * IRQ that landed in between and killed a tasklet still queued on
	 * the dead CPU would spin with the request gone (its spin-wait finds
	 * nothing to adopt) above an adoption that never resumes.  An IRQ
	 * deferred here runs at the restore, once the work is ours.
	 */
	flags = dwork_port_irq_save();
	d = __atomic_exchange_n(&v->dead_req, 0u, __ATOMIC_ACQUIRE);
	if (d) {
		dwork_cpu_dead(d - 1);
		/* Release: cpu_down (acquire) sees the adoption done. */
		__atomic_store_n(&v->dead_done, 1u, __ATOMIC_RELEASE);
	}
	dwork_port_irq_restore(flags);
}

void dwork_posix_relax_slow(void)
{
	unsigned int self = dwork_port_this_cpu();

	if (self < DWORK_NR_CPUS)
		adopt_dead_cpu(self);
	sched_yield();
}

static void write_str(const char *s)
{
	ssize_t r = write(STDERR_FILENO, s, strlen(s));

	(void)r;
}

void dwork_posix_assert_fail(const char *expr, const char *file, int line)
{
	char num[16];
	int i = (int)sizeof(num) - 1;
	unsigned int n = line > 0 ? (unsigned int)line : 0;

	/* async-signal-safe: no stdio */
	num[i] = '\0';
	do {
		num[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n && i > 0);
	write_str("dwork: assertion failed: ");
	write_str(expr);
	write_str(" at ");
	write_str(file);
	write_str(":");
	write_str(&num[i]);
	write_str("\n");
	abort();
}

/* ---------------------------------------------------------------------
 * Interrupts.
 */

static bool ring_empty(struct vcpu *v)
{
	/* Acquire: pairs with the consumer's release of head. */
	return __atomic_load_n(&v->ring_head, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&v->ring_tail, __ATOMIC_ACQUIRE);
}

/*
 * Run the IRQ ring of this CPU as a hard interrupt: IRQs off, in_irq set.
 * Called on the vCPU's own thread with IRQs on, from the SIG_IRQ handler,
 * from a replay, or from the loop.  Single consumer: while it runs,
 * irq_off is set, so a nested SIG_IRQ only defers.
 */
static void irq_dispatch(unsigned int cpu)
{
	struct vcpu *v = &vcpus[cpu];

	for (;;) {
		dwork_posix_tls_store(&TLS->irq_off, 1u);
		dwork_posix_tls_store(&TLS->deferred, 0u);
		dwork_posix_signal_fence();
		/* For quiesce: a dispatch is activity. */
		__atomic_fetch_add(&v->wakes, 1u, __ATOMIC_SEQ_CST);
		/*
		 * Acquire: a producer that found the bell set had pushed
		 * before its exchange; ours reads from it, so we see the push.
		 */
		__atomic_exchange_n(&v->irq_bell, 0u, __ATOMIC_SEQ_CST);
		dwork_posix_tls_store(&TLS->in_irq, TLS->in_irq + 1u);
		for (;;) {
			uint32_t h = __atomic_load_n(&v->ring_head,
						     __ATOMIC_RELAXED);
			struct irq_req r;

			/* Acquire: pairs with the producer's release of tail. */
			if (h == __atomic_load_n(&v->ring_tail, __ATOMIC_ACQUIRE))
				break;
			r = v->ring[h & (RING_SIZE - 1)];
			r.fn(r.arg);
			/*
			 * Release: the producer may reuse the slot; quiesce
			 * sees what the handler wrote.
			 */
			__atomic_store_n(&v->ring_head, h + 1, __ATOMIC_RELEASE);
		}
		dwork_posix_tls_store(&TLS->in_irq, TLS->in_irq - 1u);
		dwork_posix_signal_fence();
		dwork_posix_tls_store(&TLS->irq_off, 0u);
		dwork_posix_signal_fence();
		/* A SIG_IRQ landed while we ran with IRQs off: go again. */
		if (!dwork_posix_tls_load(&TLS->deferred))
			break;
	}
}

void dwork_posix_irq_replay(void)
{
	unsigned int cpu = dwork_port_this_cpu();

	if (cpu < DWORK_NR_CPUS && !dwork_posix_tls_load(&TLS->irq_off))
		irq_dispatch(cpu);
}

static void sig_irq_handler(int sig)
{
	int saved_errno = errno;
	unsigned int cpu = dwork_port_this_cpu();

	(void)sig;
	if (cpu < DWORK_NR_CPUS) {
		if (dwork_posix_tls_load(&TLS->irq_off))
			dwork_posix_tls_store(&TLS->deferred, 1u);
		else
			irq_dispatch(cpu);
	}
	errno = saved_errno;
}

static void sig_ipi_handler(int sig)
{
	(void)sig; /* only interrupts sigsuspend() */
}

/* ---------------------------------------------------------------------
 * "NMI": SIG_NMI (SIGRTMIN + 3 unless the build defines
 * DWORK_POSIX_SIG_NMI), for tests of dwork's NMI-safe raises.  Unlike
 * SIG_IRQ it ignores the soft IRQ masking: its handler runs at once, inside
 * dwork's IRQs-off sections and inside IRQ handlers (whose sa_mask does
 * not hold it).  While it runs, SIG_IRQ and SIG_IPI are blocked, as a CPU
 * takes no interrupt inside an NMI handler.  One NMI per vCPU at a time:
 * a slot holds the handler's {fn, arg}.  After fn returns, the handler
 * rings this vCPU's wake-up doorbell (a self-IPI): fn may have raised the
 * softirq right after the vCPU checked for work before sleeping.
 */
#ifndef DWORK_POSIX_SIG_NMI
#define DWORK_POSIX_SIG_NMI (SIGRTMIN + 3)
#endif

static struct nmi_slot {
	void (*fn)(void *arg);
	void *arg;
	uint32_t busy;  /* 0 free, 2 being posted, 1 posted, 3 running */
} nmi_slots[DWORK_NR_CPUS];

static __thread unsigned int nmi_depth
	__attribute__((tls_model("initial-exec")));

/*
 * Run the NMI posted to this vCPU, if one is posted and not yet taken.
 * Called by the signal handler, and at the top of the vCPU's loop in case
 * the environment lost the signal (seen with qemu-user for SIG_IPI): the
 * CAS makes sure one NMI runs once.
 */
static void nmi_run(unsigned int cpu)
{
	struct nmi_slot *n = &nmi_slots[cpu];
	uint32_t posted = 1;

	/* Acquire: pairs with the sender's release of busy (fn, arg). */
	if (!__atomic_compare_exchange_n(&n->busy, &posted, 3u, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	nmi_depth++;
	dwork_posix_signal_fence();
	n->fn(n->arg);
	dwork_posix_signal_fence();
	nmi_depth--;
	/* Release: the next sender may reuse the slot. */
	__atomic_store_n(&n->busy, 0u, __ATOMIC_RELEASE);
	dwork_posix_wake(cpu);
}

static void sig_nmi_handler(int sig)
{
	int saved_errno = errno;
	unsigned int cpu = dwork_port_this_cpu();

	(void)sig;
	if (cpu < DWORK_NR_CPUS)
		nmi_run(cpu);
	errno = saved_errno;
}

static int nmi_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_mask = rt.sigs;
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = sig_nmi_handler;
	return sigaction(DWORK_POSIX_SIG_NMI, &sa, NULL);
}

/* On a new vCPU thread, which starts with every signal blocked. */
static void nmi_unblock(void)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, DWORK_POSIX_SIG_NMI);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
}

int dwork_posix_nmi_on(unsigned int cpu, void (*fn)(void *), void *arg)
{
	struct nmi_slot *n;
	uint32_t idle = 0;

	if (cpu >= dwork_posix_nr_cpus() || !fn)
		return DWORK_EINVAL;
	/* Acquire: pairs with the thread's release of live after self. */
	if (!__atomic_load_n(&vcpus[cpu].live, __ATOMIC_ACQUIRE))
		return DWORK_EBUSY; /* its thread is still starting */
	n = &nmi_slots[cpu];
	if (!__atomic_compare_exchange_n(&n->busy, &idle, 2u, false,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return DWORK_EBUSY;
	n->fn = fn;
	n->arg = arg;
	/* Release: the handler reads fn and arg after it sees busy. */
	__atomic_store_n(&n->busy, 1u, __ATOMIC_RELEASE);
	if (pthread_kill(vcpus[cpu].self, DWORK_POSIX_SIG_NMI)) {
		__atomic_store_n(&n->busy, 0u, __ATOMIC_RELEASE);
		return DWORK_ENODEV;
	}
	return 0;
}

bool dwork_posix_in_nmi(void)
{
	return nmi_depth != 0;
}

bool dwork_posix_nmi_pending(unsigned int cpu)
{
	return cpu < DWORK_NR_CPUS &&
	       __atomic_load_n(&nmi_slots[cpu].busy, __ATOMIC_ACQUIRE) != 0;
}

static int install_handlers(void)
{
	struct sigaction sa;

	if (rt.handlers)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_mask = rt.sigs;
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = sig_irq_handler;
	if (sigaction(DWORK_POSIX_SIG_IRQ, &sa, NULL))
		return DWORK_EAGAIN;
	sa.sa_handler = sig_ipi_handler;
	if (sigaction(DWORK_POSIX_SIG_IPI, &sa, NULL))
		return DWORK_EAGAIN;
	if (nmi_install())
		return DWORK_EAGAIN;
	rt.handlers = true;
	return 0;
}

int dwork_posix_irq_on(unsigned int cpu, void (*fn)(void *), void *arg)
{
	struct vcpu *v;
	sigset_t old;
	uint32_t t;

	if (!fn || dwork_port_in_irq() || dwork_port_irqs_disabled())
		return DWORK_EINVAL;
	if (cpu >= DWORK_NR_CPUS)
		return DWORK_ENODEV;
	rt_init();
	v = &vcpus[cpu];
	vlock(v, &old);
	for (;;) {
		if (vstate(v) != VS_ONLINE) {
			vunlock(v, &old);
			return DWORK_ENODEV;
		}
		t = v->ring_tail;
		/* Acquire: pairs with the consumer's release of head. */
		if (t - __atomic_load_n(&v->ring_head, __ATOMIC_ACQUIRE) <
		    RING_SIZE)
			break;
		/* Full: wait for the CPU to take some. */
		vunlock(v, &old);
		if (dwork_port_this_cpu() == cpu) {
			irq_dispatch(cpu);
		} else if (on_vcpu()) {
			/*
			 * Another vCPU may not wait: the target may be in an
			 * IRQ whose kill waits for work queued here, which
			 * only this vCPU's softirq runs; and softirqs never
			 * run inside a run_on task (or an idle or softirq
			 * callback), so it cannot run them meanwhile either.
			 */
			return DWORK_EAGAIN;
		} else {
			short_sleep();
		}
		vlock(v, &old);
	}
	v->ring[t & (RING_SIZE - 1)].fn = fn;
	v->ring[t & (RING_SIZE - 1)].arg = arg;
	/* Release: the consumer's acquire load of tail sees the entry. */
	__atomic_store_n(&v->ring_tail, t + 1, __ATOMIC_RELEASE);
	/*
	 * Signal on 0 -> 1 only.  Under the lock, so that cpu_down (which
	 * changes the state under it) never finds a doorbell rung for an
	 * entry it already drained, and the thread is not joined meanwhile.
	 * On a vCPU our own IRQs are blocked meanwhile (vlock()).
	 */
	if (!__atomic_exchange_n(&v->irq_bell, 1u, __ATOMIC_SEQ_CST) &&
	    __atomic_load_n(&v->live, __ATOMIC_ACQUIRE))
		pthread_kill(v->self, DWORK_POSIX_SIG_IRQ);
	vunlock(v, &old);
	return 0;
}

/* ---------------------------------------------------------------------
 * The vCPU thread.
 */

static struct run_req *rq_pop(struct vcpu *v)
{
	struct run_req *r;
	sigset_t old;

	vlock(v, &old);
	r = v->rq_head;
	if (r) {
		v->rq_head = r->next;
		if (!v->rq_head)
			v->rq_tail = NULL;
		__atomic_store_n(&v->rq_len, v->rq_len - 1, __ATOMIC_SEQ_CST);
	}
	vunlock(v, &old);
	return r;
}

static void rq_run(struct vcpu *v, struct run_req *r)
{
	sigset_t old;

	r->fn(r->arg);
	vlock(v, &old);
	r->done = true;
	pthread_cond_broadcast(&v->cond);
	vunlock(v, &old);
}

/* Run IRQs posted but not run (e.g. the signal is still in flight). */
static void irq_poll(unsigned int cpu)
{
	if (!ring_empty(&vcpus[cpu]) &&
	    !dwork_posix_tls_load(&TLS->irq_off))
		irq_dispatch(cpu);
}

/*
 * Run the dwork softirq while it is pending, unless task work waits or
 * cpu_down asked us to park (what is left then goes to the adopter).
 */
static void run_softirqs(unsigned int cpu)
{
	struct dwork_posix_cpu *h = &dwork_posix_cpus[cpu];
	struct vcpu *v = &vcpus[cpu];

	while (vstate(v) != VS_PARKING &&
	       __atomic_load_n(&h->softirq, __ATOMIC_RELAXED) &&
	       /* Acquire: pairs with the raisers' release/seq_cst. */
	       __atomic_exchange_n(&h->softirq, 0u, __ATOMIC_ACQUIRE)) {
		dwork_softirq();
		if (__atomic_load_n(&v->rq_len, __ATOMIC_RELAXED))
			break;
	}
}

/* Anything for an online CPU to do?  Called with the signals blocked. */
static bool work_pending(unsigned int cpu)
{
	struct vcpu *v = &vcpus[cpu];
#if defined(DWORK_DEBUG_CHECKS) && DWORK_DEBUG_CHECKS
	/* First: it drains the inbox, which may kick or raise. */
	bool idle_work = dwork_idle_pending();
#endif

	if (vstate(v) != VS_ONLINE || !ring_empty(v) ||
	    __atomic_load_n(&v->rq_len, __ATOMIC_SEQ_CST) ||
	    __atomic_load_n(&v->dead_req, __ATOMIC_SEQ_CST) ||
	    __atomic_load_n(&dwork_posix_cpus[cpu].idle, __ATOMIC_SEQ_CST) ||
	    __atomic_load_n(&dwork_posix_cpus[cpu].softirq, __ATOMIC_SEQ_CST) ||
	    dwork_posix_tls_load(&TLS->deferred))
		return true;
#if defined(DWORK_DEBUG_CHECKS) && DWORK_DEBUG_CHECKS
	/* dwork kicks the idle loop for all idle work it queues. */
	DWORK_PORT_ASSERT(!idle_work, "dwork posix: idle work queued without "
			  "an idle kick");
#endif
	return false;
}

/*
 * Sleep until a signal, unless there is work (or, when @parked, unless
 * the CPU is no longer parked).  See "Why sleeping never loses a wake-up".
 */
/* The idle sleep's safety tick (see vcpu_sleep()); 0 < tick < 1 s. */
#ifndef DWORK_POSIX_TICK_NS
#define DWORK_POSIX_TICK_NS 50000000L
#endif

static void vcpu_sleep(unsigned int cpu, bool parked)
{
	struct vcpu *v = &vcpus[cpu];
	sigset_t old;
	bool idle;

	pthread_sigmask(SIG_BLOCK, &rt.sigs, &old);
	__atomic_exchange_n(&dwork_posix_cpus[cpu].ipi, 0u, __ATOMIC_SEQ_CST);
	idle = parked ? vstate(v) == VS_PARKED : !work_pending(cpu);
	if (idle) {
		if (!parked)
			__atomic_store_n(&v->sleeping, 1u, __ATOMIC_SEQ_CST);
		/*
		 * pselect() is sigsuspend() with a timeout: it unblocks both
		 * signals (old) and waits atomically.  The timeout is a timer
		 * tick that re-checks everything: a wake-up signal lost by the
		 * environment (seen once under qemu-aarch64 user emulation)
		 * costs one tick instead of a hang.  Correctness never relies
		 * on it: the check above is race-free on its own.
		 */
		struct timespec tick = { 0, DWORK_POSIX_TICK_NS };

		pselect(0, NULL, NULL, NULL, &tick, &old);
		if (!parked) {
			__atomic_store_n(&v->sleeping, 0u, __ATOMIC_SEQ_CST);
			__atomic_fetch_add(&v->wakes, 1u, __ATOMIC_SEQ_CST);
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* cpu_down asked: finish the queued requests and IRQs, then park. */
static void vcpu_park(unsigned int cpu)
{
	struct vcpu *v = &vcpus[cpu];
	struct run_req *r;
	sigset_t old;

	while ((r = rq_pop(v)) != NULL)
		rq_run(v, r);
	irq_poll(cpu);
	vlock(v, &old);
	set_vstate(cpu, VS_PARKED);
	pthread_cond_broadcast(&v->cond);
	vunlock(v, &old);
}

static void *vcpu_main(void *arg)
{
	unsigned int cpu = (unsigned int)(uintptr_t)arg;
	struct vcpu *v = &vcpus[cpu];
	bool parked = false;
	char name[16];

	dwork_posix_tls.cpu = cpu;
	dwork_posix_tls.irq_off = 0;
	dwork_posix_tls.in_irq = 0;
	dwork_posix_tls.deferred = 0;
	snprintf(name, sizeof(name), "dwork-cpu%u", cpu);
	pthread_setname_np(pthread_self(), name);
	v->self = pthread_self();
	/* Release: wakers read self after live (acquire). */
	__atomic_store_n(&v->live, 1u, __ATOMIC_RELEASE);
	pthread_sigmask(SIG_UNBLOCK, &rt.sigs, NULL);
	nmi_unblock();

	for (;;) {
		uint32_t st;
		struct run_req *r;

		/* Look at everything after this (see the sleep proof). */
		__atomic_exchange_n(&dwork_posix_cpus[cpu].ipi, 0u,
				    __ATOMIC_SEQ_CST);
		st = vstate(v);
		if (st == VS_PARKING) {
			vcpu_park(cpu);
			parked = true;
			continue;
		}
		if (st == VS_PARKED) {
			vcpu_sleep(cpu, true);
			continue;
		}
		if (st == VS_EXIT && parked)
			break;
		parked = false;
		nmi_run(cpu); /* an NMI whose signal got lost */
		irq_poll(cpu);
		adopt_dead_cpu(cpu);
		r = rq_pop(v);
		if (r) {
			rq_run(v, r);
			run_softirqs(cpu);
			continue;
		}
		if (__atomic_load_n(&dwork_posix_cpus[cpu].softirq,
				    __ATOMIC_RELAXED)) {
			run_softirqs(cpu);
			continue;
		}
		/* Kicked: one idle tasklet (it kicks again if more remain). */
		if (__atomic_load_n(&dwork_posix_cpus[cpu].idle,
				    __ATOMIC_RELAXED) &&
		    __atomic_exchange_n(&dwork_posix_cpus[cpu].idle, 0u,
					__ATOMIC_ACQUIRE)) {
			dwork_idle_run();
			run_softirqs(cpu);
			continue;
		}
		if (st == VS_EXIT) {
			/* Exit once nothing is left (signals blocked: as sleep). */
			sigset_t old;
			bool done;

			pthread_sigmask(SIG_BLOCK, &rt.sigs, &old);
			done = ring_empty(v) &&
			       !__atomic_load_n(&v->rq_len, __ATOMIC_SEQ_CST) &&
			       !__atomic_load_n(&dwork_posix_cpus[cpu].idle,
						__ATOMIC_SEQ_CST) &&
			       !__atomic_load_n(&dwork_posix_cpus[cpu].softirq,
						__ATOMIC_SEQ_CST);
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			if (done)
				break;
			continue;
		}
		vcpu_sleep(cpu, false);
	}
	__atomic_store_n(&v->live, 0u, __ATOMIC_RELEASE);
	return NULL;
}

/* ---------------------------------------------------------------------
 * Runtime API.
 */

int dwork_posix_this_cpu(void)
{
	unsigned int cpu = dwork_port_this_cpu();

	return cpu < DWORK_NR_CPUS ? (int)cpu : -1;
}

unsigned int dwork_posix_nr_cpus(void)
{
	return __atomic_load_n(&rt.nr, __ATOMIC_ACQUIRE);
}

unsigned int dwork_posix_run_queued(unsigned int cpu)
{
	if (cpu >= DWORK_NR_CPUS)
		return 0;
	return __atomic_load_n(&vcpus[cpu].rq_len, __ATOMIC_ACQUIRE);
}

int dwork_posix_run_on(unsigned int cpu, void (*fn)(void *), void *arg)
{
	struct run_req r = { .next = NULL, .fn = fn, .arg = arg, .done = false };
	struct vcpu *v;

	if (!fn)
		return DWORK_EINVAL;
	if (on_vcpu())
		return DWORK_EDEADLK;
	if (cpu >= DWORK_NR_CPUS)
		return DWORK_ENODEV;
	rt_init();
	v = &vcpus[cpu];
	pthread_mutex_lock(&v->lock);
	if (vstate(v) != VS_ONLINE) {
		pthread_mutex_unlock(&v->lock);
		return DWORK_ENODEV;
	}
	if (v->rq_tail)
		v->rq_tail->next = &r;
	else
		v->rq_head = &r;
	v->rq_tail = &r;
	__atomic_store_n(&v->rq_len, v->rq_len + 1, __ATOMIC_SEQ_CST);
	/* Under the lock: the thread cannot be joined meanwhile. */
	dwork_posix_wake(cpu);
	/* The lock orders what fn wrote before done (set under it). */
	while (!r.done)
		pthread_cond_wait(&v->cond, &v->lock);
	pthread_mutex_unlock(&v->lock);
	return 0;
}

/* Is every online CPU asleep with nothing pending?  Records wakes[]. */
static bool quiet_sample(uint32_t *wakes)
{
	unsigned int c, nr = rt.nr;

	for (c = 0; c < nr; c++) {
		struct vcpu *v = &vcpus[c];
		struct dwork_posix_cpu *h = &dwork_posix_cpus[c];

		if (vstate(v) != VS_ONLINE)
			continue;
		/* Acquire (seq_cst): pairs with sleeping=1 after the work. */
		if (!__atomic_load_n(&v->sleeping, __ATOMIC_SEQ_CST))
			return false;
		wakes[c] = __atomic_load_n(&v->wakes, __ATOMIC_SEQ_CST);
		if (!ring_empty(v) ||
		    __atomic_load_n(&v->irq_bell, __ATOMIC_SEQ_CST) ||
		    __atomic_load_n(&v->rq_len, __ATOMIC_SEQ_CST) ||
		    __atomic_load_n(&h->softirq, __ATOMIC_SEQ_CST) ||
		    __atomic_load_n(&h->idle, __ATOMIC_SEQ_CST) ||
		    __atomic_load_n(&h->ipi, __ATOMIC_SEQ_CST))
			return false;
	}
	return true;
}

/* Caller holds rt.lock. */
static void quiesce_locked(void)
{
	static uint32_t w1[DWORK_NR_CPUS], w2[DWORK_NR_CPUS];

	for (;;) {
		if (quiet_sample(w1) && quiet_sample(w2) &&
		    !memcmp(w1, w2, rt.nr * sizeof(w1[0])))
			return;
		short_sleep();
	}
}

void dwork_posix_quiesce(void)
{
	if (on_vcpu())
		dwork_posix_assert_fail("dwork_posix_quiesce() off-CPU",
					 __FILE__, __LINE__);
	rt_init();
	pthread_mutex_lock(&rt.lock);
	if (rt.nr)
		quiesce_locked();
	pthread_mutex_unlock(&rt.lock);
}

static void reset_cpu(unsigned int c)
{
	struct vcpu *v = &vcpus[c];

	v->rq_head = v->rq_tail = NULL;
	__atomic_store_n(&v->rq_len, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->irq_bell, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->sleeping, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->wakes, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->dead_req, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->dead_done, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->ring_head, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->ring_tail, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&v->live, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&dwork_posix_cpus[c].softirq, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&dwork_posix_cpus[c].ipi, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&dwork_posix_cpus[c].idle, 0u, __ATOMIC_RELAXED);
	set_vstate(c, VS_OFF);
}

/* Stop and join threads 0 .. nr - 1.  Caller holds rt.lock. */
static void stop_threads(unsigned int nr)
{
	unsigned int c;

	for (c = 0; c < nr; c++) {
		struct vcpu *v = &vcpus[c];

		pthread_mutex_lock(&v->lock);
		set_vstate(c, VS_EXIT);
		dwork_posix_wake(c);
		pthread_mutex_unlock(&v->lock);
	}
	for (c = 0; c < nr; c++)
		pthread_join(vcpus[c].handle, NULL);
}

int dwork_posix_start(unsigned int nr_cpus)
{
	sigset_t all, old;
	unsigned int c;
	int err;

	if (on_vcpu())
		return DWORK_EDEADLK;
	if (nr_cpus == 0 || nr_cpus > DWORK_NR_CPUS)
		return DWORK_EINVAL;
	rt_init();
	pthread_mutex_lock(&rt.lock);
	if (rt.nr) {
		pthread_mutex_unlock(&rt.lock);
		return DWORK_EBUSY;
	}
	err = install_handlers();
	if (err) {
		pthread_mutex_unlock(&rt.lock);
		return err;
	}
	for (c = 0; c < DWORK_NR_CPUS; c++) {
		pthread_mutex_lock(&vcpus[c].lock);
		reset_cpu(c);
		memset(&dwork_posix_dcpu[c], 0, sizeof(dwork_posix_dcpu[c]));
		if (c < nr_cpus) {
			dwork_cpu_init(c);
			set_vstate(c, VS_ONLINE);
		}
		pthread_mutex_unlock(&vcpus[c].lock);
	}

	/*
	 * vCPU threads start with asynchronous signals blocked, so that
	 * process-directed ones (SIGINT...) go to the application's threads;
	 * each then unblocks SIG_IRQ and SIG_IPI.  Synchronous signals stay
	 * deliverable (sanitizer and debugger reports).
	 */
	sigfillset(&all);
	sigdelset(&all, SIGSEGV);
	sigdelset(&all, SIGBUS);
	sigdelset(&all, SIGFPE);
	sigdelset(&all, SIGILL);
	sigdelset(&all, SIGTRAP);
	sigdelset(&all, SIGABRT);
	sigdelset(&all, SIGSYS);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	for (c = 0; c < nr_cpus; c++) {
		if (pthread_create(&vcpus[c].handle, NULL, vcpu_main,
				   (void *)(uintptr_t)c))
			break;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (c < nr_cpus) {
		unsigned int made = c;

		stop_threads(made);
		for (c = 0; c < DWORK_NR_CPUS; c++) {
			reset_cpu(c);
			memset(&dwork_posix_dcpu[c], 0,
			       sizeof(dwork_posix_dcpu[c]));
		}
		pthread_mutex_unlock(&rt.lock);
		return DWORK_EAGAIN;
	}
	__atomic_store_n(&rt.nr, nr_cpus, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&rt.lock);
	return 0;
}

void dwork_posix_stop(void)
{
	unsigned int c, nr;

	if (on_vcpu())
		return;
	rt_init();
	pthread_mutex_lock(&rt.lock);
	nr = rt.nr;
	if (!nr) {
		pthread_mutex_unlock(&rt.lock);
		return;
	}
	quiesce_locked();
	stop_threads(nr);
	for (c = 0; c < nr; c++) {
		struct dwork_cpu *d = &dwork_posix_dcpu[c];
		struct dwork_stats st = d->stats;
		unsigned long fed_raised = d->fed_raised;

		/*
		 * The port owns this storage: zeroing it makes dwork refuse
		 * work for the CPU (not online) until the next start; the
		 * counters are kept for dwork_cpu_stats().
		 */
		pthread_mutex_lock(&vcpus[c].lock);
		reset_cpu(c);
		memset(d, 0, sizeof(*d));
		d->stats = st;
		d->fed_raised = fed_raised;
		pthread_mutex_unlock(&vcpus[c].lock);
	}
	__atomic_store_n(&rt.nr, 0u, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&rt.lock);
}

int dwork_posix_cpu_down(unsigned int cpu)
{
	unsigned int c, adopter = DWORK_CPU_NONE;
	struct vcpu *v, *a;

	if (on_vcpu())
		return DWORK_EDEADLK;
	rt_init();
	pthread_mutex_lock(&rt.lock);
	if (cpu >= rt.nr || vstate(&vcpus[cpu]) != VS_ONLINE) {
		pthread_mutex_unlock(&rt.lock);
		return DWORK_ENODEV;
	}
	for (c = 0; c < rt.nr; c++) {
		if (c != cpu && vstate(&vcpus[c]) == VS_ONLINE) {
			adopter = c;
			break;
		}
	}
	if (adopter == DWORK_CPU_NONE) {
		pthread_mutex_unlock(&rt.lock);
		return DWORK_EBUSY;
	}
	v = &vcpus[cpu];
	pthread_mutex_lock(&v->lock);
	set_vstate(cpu, VS_PARKING);
	dwork_posix_wake(cpu);
	while (vstate(v) != VS_PARKED)
		pthread_cond_wait(&v->cond, &v->lock);
	pthread_mutex_unlock(&v->lock);

	/*
	 * @cpu runs no dwork code any more: the adopter calls
	 * dwork_cpu_dead(@cpu) at the top of its loop, or from a kill's
	 * spin-wait if it is stuck in one (see adopt_dead_cpu()).
	 */
	a = &vcpus[adopter];
	__atomic_store_n(&a->dead_done, 0u, __ATOMIC_RELAXED);
	__atomic_store_n(&a->dead_req, cpu + 1, __ATOMIC_SEQ_CST);
	pthread_mutex_lock(&a->lock);
	dwork_posix_wake(adopter);
	pthread_mutex_unlock(&a->lock);
	/* Acquire: pairs with adopt_dead_cpu()'s release. */
	for (c = 0; !__atomic_load_n(&a->dead_done, __ATOMIC_ACQUIRE); c++) {
		if (c < 1000)
			sched_yield(); /* usually done within a few */
		else
			short_sleep();
	}
	pthread_mutex_unlock(&rt.lock);
	return 0;
}

int dwork_posix_cpu_up(unsigned int cpu)
{
	struct vcpu *v;
	int err = 0;

	if (on_vcpu())
		return DWORK_EDEADLK;
	rt_init();
	pthread_mutex_lock(&rt.lock);
	if (cpu >= rt.nr) {
		err = DWORK_ENODEV;
	} else if (vstate(&vcpus[cpu]) != VS_PARKED) {
		err = DWORK_EBUSY;
	} else {
		v = &vcpus[cpu];
		dwork_cpu_init(cpu);
		pthread_mutex_lock(&v->lock);
		set_vstate(cpu, VS_ONLINE);
		dwork_posix_wake(cpu);
		pthread_mutex_unlock(&v->lock);
	}
	pthread_mutex_unlock(&rt.lock);
	return err;
}

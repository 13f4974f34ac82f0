// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork-bench: dwork against the designs it replaces and its peers, side
 * by side in one run.
 *
 * Every implementation (bench/baselines/impl.h) is driven through the same
 * harness on the bench port (bench/benchport/dwork_port.h): one thread per
 * CPU, pinned, never sleeping; "IRQs off" is a thread-local flag; a raised
 * softirq is a per-CPU word the CPU thread polls (bp_take()) before calling
 * the implementation's softirq handler.  See docs/performance.md for what
 * each scenario measures.
 *
 * Usage: dwork-bench [--json [--table FILE]] [--quick] [--reps N] [--ms N] [--rt]
 *                    [--cpus N] [--scenario a,b] [--impl a,b]
 *        (--cpus: CPU threads of feed_many and feed_all; default all host
 *        CPUs, one thread pinned to each)
 *        dwork-bench --rt-only IMPL --iters N [--cg storm|lt|feed]  (callgrind)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <dwork/dwork.h>
#include "baselines/impl.h"

/* ------------------------------------------------------------------ */
/* Bench port storage. */

struct bp_cpu bp_cpus[BP_MAX_CPUS];
__thread unsigned int bp_self = DWORK_CPU_NONE;
__thread unsigned long bp_irq_off;
__thread unsigned int bp_in_irq;

/* ------------------------------------------------------------------ */

static const struct bench_impl *const all_impls[] = {
	&bench_impl_floor,
	&bench_impl_dwork,
	&bench_impl_global_lock,
	&bench_impl_feeder_lock,
	&bench_impl_feeder_nowait,
#ifdef HAVE_URCU
	&bench_impl_wfcqueue,
#endif
#ifdef HAVE_CK
	&bench_impl_ck,
#endif
};
#define NR_IMPLS (sizeof(all_impls) / sizeof(all_impls[0]))

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *xalloc(size_t size)
{
	void *p = NULL;

	size = (size + 63) & ~(size_t)63;
	if (posix_memalign(&p, 64, size)) {
		fprintf(stderr, "dwork-bench: out of memory\n");
		exit(2);
	}
	memset(p, 0, size);
	return p;
}

/* Objects are laid out one per cache line (or more). */
static size_t obj_stride(const struct bench_impl *im)
{
	return (im->obj_size + 63) & ~(size_t)63;
}

static void *obj_at(void *base, const struct bench_impl *im, unsigned int i)
{
	return (char *)base + (size_t)i * obj_stride(im);
}

/* Run pending softirqs on this CPU until none is raised. */
static inline void poll_softirq(const struct bench_impl *im)
{
	while (bp_take())
		im->softirq();
}

/* ------------------------------------------------------------------ */
/* CPU threads. */

static unsigned int host_cpus;
static volatile int stop_flag;
static bool use_rt;  /* --rt: SCHED_FIFO during measurements */
static unsigned int check_failures; /* runs that did not match schedules */

static void check(bool ok, const char *impl, const char *what,
		  unsigned long long got, unsigned long long want)
{
	if (ok)
		return;
	check_failures++;
	fprintf(stderr, "dwork-bench: CHECK FAILED: %s %s: %llu, expected %llu\n",
		impl, what, got, want);
}

/*
 * With --rt, measuring threads run SCHED_FIFO so that other processes on a
 * shared machine cannot take the CPU from them mid-measurement (the
 * kernel's RT throttling still leaves others 5%, and run_all() sleeps as
 * long as each measurement took, so others get at least half the time).
 */
static void set_rt(pthread_t t, int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	if (use_rt && pthread_setschedparam(t, SCHED_FIFO, &sp)) {
		fprintf(stderr, "dwork-bench: --rt: cannot set SCHED_FIFO "
				"(needs root or CAP_SYS_NICE)\n");
		exit(2);
	}
}

static void clear_rt(pthread_t t)
{
	struct sched_param sp = { .sched_priority = 0 };

	if (use_rt)
		pthread_setschedparam(t, SCHED_OTHER, &sp);
}

struct run_ctx;
typedef void (*cpu_body)(struct run_ctx *rc, unsigned int cpu);

struct cpu_result {
	uint64_t ops;     /* operations counted by this CPU */
	uint64_t extra;   /* scenario-specific */
	uint64_t t0, t1;  /* when it started and stopped measuring */
	uint64_t c0, c1;  /* the thread's CPU time then */
} __attribute__((aligned(64)));

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void mark_start(struct cpu_result *r)
{
	r->c0 = thread_cpu_ns();
	r->t0 = now_ns();
}

static void mark_end(struct cpu_result *r)
{
	r->t1 = now_ns();
	r->c1 = thread_cpu_ns();
}

struct run_ctx {
	const struct bench_impl *im;
	unsigned int ncpus;
	cpu_body body;
	pthread_barrier_t barrier;
	struct cpu_result res[BP_MAX_CPUS];
	void *priv;
};

struct thread_arg {
	struct run_ctx *rc;
	unsigned int cpu;
};

static void *cpu_thread(void *p)
{
	struct thread_arg *ta = p;
	struct run_ctx *rc = ta->rc;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(ta->cpu % host_cpus, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	set_rt(pthread_self(), 1);
	bp_self = ta->cpu;
	bp_irq_off = 0;
	bp_in_irq = 0;
	rc->im->cpu_start(ta->cpu);
	pthread_barrier_wait(&rc->barrier);
	rc->body(rc, ta->cpu);
	/* Leave nothing pending for the next run. */
	poll_softirq(rc->im);
	bp_self = DWORK_CPU_NONE;
	return NULL;
}

/*
 * Start @ncpus CPU threads running @body; if @ms > 0 raise stop_flag after
 * @ms milliseconds, else wait for the bodies to return by themselves.
 */
static void run_cpus(struct run_ctx *rc, unsigned int ncpus, cpu_body body,
		     unsigned int ms)
{
	pthread_t th[BP_MAX_CPUS];
	struct thread_arg ta[BP_MAX_CPUS];
	unsigned int i;

	rc->ncpus = ncpus;
	rc->body = body;
	memset(rc->res, 0, sizeof(rc->res));
	stop_flag = 0;
	/* Above the CPU threads, so that the stop comes on time. */
	set_rt(pthread_self(), 2);
	pthread_barrier_init(&rc->barrier, NULL, ncpus + 1);
	for (i = 0; i < ncpus; i++) {
		ta[i].rc = rc;
		ta[i].cpu = i;
		if (pthread_create(&th[i], NULL, cpu_thread, &ta[i])) {
			fprintf(stderr, "dwork-bench: pthread_create failed\n");
			exit(2);
		}
	}
	pthread_barrier_wait(&rc->barrier);
	if (ms) {
		struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
	}
	for (i = 0; i < ncpus; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&rc->barrier);
	clear_rt(pthread_self());
}

static inline bool stopped(void)
{
	return __atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------------ */
/* Scenario: local_roundtrip. */

static void count_cb(void *arg)
{
	uint64_t *c = arg;

	(*c)++;
}

/*
 * The measured loop of local_roundtrip: schedule one object on this CPU,
 * then run the raised softirq.  Not inlined so that callgrind can count
 * its instructions alone (--toggle-collect=bench_rt_loop).
 */
__attribute__((noinline)) void bench_rt_loop(const struct bench_impl *im,
					     void *obj, uint64_t iters)
{
	uint64_t i;

	for (i = 0; i < iters; i++) {
		im->schedule(obj);
		poll_softirq(im);
	}
}

struct rt_priv {
	uint64_t iters;
	uint64_t runs;
};

static void rt_body(struct run_ctx *rc, unsigned int cpu)
{
	struct rt_priv *p = rc->priv;
	const struct bench_impl *im = rc->im;
	void *obj = xalloc(im->obj_size);

	im->obj_init(obj, BENCH_TASKLET, count_cb, &p->runs);
	bench_rt_loop(im, obj, p->iters / 10 + 1); /* warm up */
	p->runs = 0;
	mark_start(&rc->res[cpu]);
	bench_rt_loop(im, obj, p->iters);
	mark_end(&rc->res[cpu]);
	rc->res[cpu].ops = p->iters;
	rc->res[cpu].extra = p->runs;
	free(obj);
}

/* ------------------------------------------------------------------ */
/* Scenario: local_throughput and storm (each CPU works on its own). */

#define LT_BATCH 32  /* objects each CPU schedules before its softirq runs */
#define STORM_ITEMS 8
#define STORM_BURST 32

struct lt_cpu {
	uint64_t runs;
	void *objs;
} __attribute__((aligned(64)));

struct lt_priv {
	struct lt_cpu c[BP_MAX_CPUS];
};

static void lt_body(struct run_ctx *rc, unsigned int cpu)
{
	struct lt_priv *p = rc->priv;
	const struct bench_impl *im = rc->im;
	struct lt_cpu *me = &p->c[cpu];
	uint64_t ops = 0;
	unsigned int k;

	me->objs = xalloc(obj_stride(im) * LT_BATCH);
	for (k = 0; k < LT_BATCH; k++)
		im->obj_init(obj_at(me->objs, im, k), BENCH_TASKLET, count_cb,
			     &me->runs);
	mark_start(&rc->res[cpu]);
	while (!stopped()) {
		for (k = 0; k < LT_BATCH; k++)
			im->schedule(obj_at(me->objs, im, k));
		poll_softirq(im);
		ops += LT_BATCH;
	}
	mark_end(&rc->res[cpu]);
	rc->res[cpu].ops = ops;
	rc->res[cpu].extra = me->runs;
	free(me->objs);
}

/*
 * storm: an interrupt storm on each CPU.  Each "interrupt" (IRQs off and
 * in-IRQ set, as a hard IRQ handler) raises one of STORM_ITEMS items,
 * STORM_BURST interrupts back to back, then the softirq runs; most raises
 * find their item pending and coalesce.
 */
static void storm_body(struct run_ctx *rc, unsigned int cpu)
{
	struct lt_priv *p = rc->priv;
	const struct bench_impl *im = rc->im;
	struct lt_cpu *me = &p->c[cpu];
	uint64_t ops = 0, queued = 0;
	unsigned int k, i = 0;

	me->objs = xalloc(obj_stride(im) * STORM_ITEMS);
	for (k = 0; k < STORM_ITEMS; k++)
		im->obj_init(obj_at(me->objs, im, k), BENCH_ITEM, count_cb,
			     &me->runs);
	mark_start(&rc->res[cpu]);
	while (!stopped()) {
		for (k = 0; k < STORM_BURST; k++) {
			unsigned long f;

			bp_in_irq++;
			f = dwork_port_irq_save();
			queued += im->schedule(
				obj_at(me->objs, im, (i++ * 5u) % STORM_ITEMS));
			dwork_port_irq_restore(f);
			bp_in_irq--;
		}
		poll_softirq(im);
		ops += STORM_BURST;
	}
	mark_end(&rc->res[cpu]);
	rc->res[cpu].ops = ops;
	rc->res[cpu].extra = queued;
	free(me->objs);
}

/*
 * Deterministic loops for callgrind (dwork-bench --rt-only IMPL --cg
 * storm|lt|feed, see bench/callgrind.sh): one thread, no clock, no stop
 * flag.
 *   storm: the storm scenario's bursts (STORM_BURST raises of STORM_ITEMS
 *          items, each in simulated hard IRQ, then the softirq);
 *   lt:    local_throughput's batches (LT_BATCH tasklets scheduled, then
 *          the softirq runs them);
 *   feed:  the thread plays CPU 0 and schedules CG_FEED_BATCH objects on
 *          CPU 1, then plays CPU 1 and runs its softirq: the push, the
 *          drain and the runs of the feed scenario, without contention.
 */
#define CG_FEED_BATCH 16

__attribute__((noinline)) void bench_storm_loop(const struct bench_impl *im,
						void *objs, uint64_t bursts)
{
	unsigned int k, i = 0;

	for (; bursts; bursts--) {
		for (k = 0; k < STORM_BURST; k++) {
			unsigned long f;

			bp_in_irq++;
			f = dwork_port_irq_save();
			im->schedule(obj_at(objs, im, (i++ * 5u) % STORM_ITEMS));
			dwork_port_irq_restore(f);
			bp_in_irq--;
		}
		poll_softirq(im);
	}
}

__attribute__((noinline)) void bench_lt_loop(const struct bench_impl *im,
					     void *objs, uint64_t batches)
{
	unsigned int k;

	for (; batches; batches--) {
		for (k = 0; k < LT_BATCH; k++)
			im->schedule(obj_at(objs, im, k));
		poll_softirq(im);
	}
}

__attribute__((noinline)) void bench_feed_loop(const struct bench_impl *im,
					       void *objs, uint64_t batches)
{
	unsigned int k;

	for (; batches; batches--) {
		for (k = 0; k < CG_FEED_BATCH; k++)
			im->schedule_on(obj_at(objs, im, k), 1);
		bp_self = 1;
		poll_softirq(im);
		bp_self = 0;
	}
}

struct cg_priv {
	const char *what;
	uint64_t iters;
	uint64_t runs;
	uint64_t want;
};

static void cg_body(struct run_ctx *rc, unsigned int cpu)
{
	struct cg_priv *p = rc->priv;
	const struct bench_impl *im = rc->im;
	bool storm = !strcmp(p->what, "storm"), lt = !strcmp(p->what, "lt");
	unsigned int nobj = storm ? STORM_ITEMS : lt ? LT_BATCH : CG_FEED_BATCH;
	unsigned int k;
	void *objs = xalloc(obj_stride(im) * nobj);

	(void)cpu;
	for (k = 0; k < nobj; k++)
		im->obj_init(obj_at(objs, im, k),
			     storm ? BENCH_ITEM : BENCH_TASKLET, count_cb,
			     &p->runs);
	if (storm) {
		bench_storm_loop(im, objs, p->iters / 10 + 1); /* warm up */
		bench_storm_loop(im, objs, p->iters);
		/* Every burst raises each item at least once: one run each. */
		p->want = (p->iters + p->iters / 10 + 1) * STORM_ITEMS;
	} else if (lt) {
		bench_lt_loop(im, objs, p->iters / 10 + 1);
		bench_lt_loop(im, objs, p->iters);
		p->want = (p->iters + p->iters / 10 + 1) * LT_BATCH;
	} else {
		bench_feed_loop(im, objs, p->iters / 10 + 1);
		bench_feed_loop(im, objs, p->iters);
		p->want = (p->iters + p->iters / 10 + 1) * CG_FEED_BATCH;
	}
	free(objs);
}

/* ------------------------------------------------------------------ */
/* Scenario: feed_throughput (CPU 0 feeds CPU 1). */

#define FEED_WINDOW 256

struct feed_slot {
	unsigned int inflight;  /* set by the producer, cleared by the callback */
	uint64_t *runs;
	uint64_t t_sched;       /* feed_latency: when it was scheduled */
	uint64_t lat;           /* feed_latency: measured by the callback */
} __attribute__((aligned(64)));

struct feed_priv {
	struct feed_slot slot[FEED_WINDOW];
	void *objs;
	uint64_t runs __attribute__((aligned(64)));
	uint64_t *lat;          /* feed_latency samples */
	unsigned int samples;
	unsigned int producer_done;
};

static void feed_cb(void *arg)
{
	struct feed_slot *s = arg;

	(*s->runs)++;
	/* Release: the producer may reuse the slot once it sees 0. */
	__atomic_store_n(&s->inflight, 0, __ATOMIC_RELEASE);
}

static void feed_body(struct run_ctx *rc, unsigned int cpu)
{
	struct feed_priv *p = rc->priv;
	const struct bench_impl *im = rc->im;
	uint64_t ops = 0;

	mark_start(&rc->res[cpu]);
	if (cpu == 0) {
		unsigned int i = 0;

		while (!stopped()) {
			struct feed_slot *s = &p->slot[i];

			if (!__atomic_load_n(&s->inflight, __ATOMIC_ACQUIRE)) {
				__atomic_store_n(&s->inflight, 1, __ATOMIC_RELAXED);
				im->schedule_on(obj_at(p->objs, im, i), 1);
				ops++;
			}
			i = (i + 1) % FEED_WINDOW;
			poll_softirq(im);
		}
		__atomic_store_n(&p->producer_done, 1, __ATOMIC_RELEASE);
	} else {
		/* Until the producer is out (it may wait for us). */
		while (!stopped())
			poll_softirq(im);
		ops = p->runs;
		mark_end(&rc->res[cpu]);
		while (!__atomic_load_n(&p->producer_done, __ATOMIC_ACQUIRE))
			poll_softirq(im);
		rc->res[cpu].ops = ops;
		return;
	}
	mark_end(&rc->res[cpu]);
	rc->res[cpu].ops = ops;
}

static void lat_cb(void *arg)
{
	struct feed_slot *s = arg;
	uint64_t t = now_ns();

	s->lat = t - s->t_sched;
	__atomic_store_n(&s->inflight, 0, __ATOMIC_RELEASE);
}

static void lat_body(struct run_ctx *rc, unsigned int cpu)
{
	struct feed_priv *p = rc->priv;
	const struct bench_impl *im = rc->im;
	struct feed_slot *s = &p->slot[0];
	void *obj = obj_at(p->objs, im, 0);
	unsigned int i;

	mark_start(&rc->res[cpu]);
	if (cpu != 0) {
		while (!stopped())
			poll_softirq(im);
		mark_end(&rc->res[cpu]);
		return;
	}
	for (i = 0; i < p->samples; i++) {
		uint64_t pause = now_ns() + 500 + (i * 7919u) % 1500;

		while (now_ns() < pause)
			;
		__atomic_store_n(&s->inflight, 1, __ATOMIC_RELAXED);
		s->t_sched = now_ns();
		im->schedule_on(obj, 1);
		while (__atomic_load_n(&s->inflight, __ATOMIC_ACQUIRE))
			dwork_port_cpu_relax();
		p->lat[i] = s->lat;
	}
	mark_end(&rc->res[cpu]);
	rc->res[cpu].ops = p->samples;
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------------ */
/*
 * Scenarios: feed_many (CPUs 1..n-1 all feed CPU 0, the one consumer) and
 * feed_all (every CPU feeds every other CPU, round robin, and consumes
 * what it is fed).  Each producer has MANY_WINDOW objects of its own, one
 * in flight at most per object, as in feed_throughput.  A global feeder
 * lock (feeder_*) or tasklet lock (global_lock) is taken by every
 * producer here; dwork and the lock-free inboxes share only the target's
 * inbox cache line.  n is --cpus (default: every host CPU).
 */
#define MANY_WINDOW 64

struct many_cpu {
	uint64_t sent;   /* schedules that queued a run, by this producer */
	uint64_t runs;   /* callbacks run on this CPU */
} __attribute__((aligned(64)));

struct many_priv {
	struct many_cpu c[BP_MAX_CPUS];
	struct feed_slot *slot;  /* [cpu * MANY_WINDOW + i] */
	void *objs;
	bool all;                /* feed_all */
	unsigned int done;       /* producers that stopped */
};

static struct many_priv *many_p;

static void many_cb(void *arg)
{
	struct feed_slot *s = arg;

	/* The CPU that runs the callback counts it: no shared counter. */
	many_p->c[bp_self].runs++;
	/* Release: the producer may reuse the slot once it sees 0. */
	__atomic_store_n(&s->inflight, 0, __ATOMIC_RELEASE);
}

static void many_body(struct run_ctx *rc, unsigned int cpu)
{
	struct many_priv *p = rc->priv;
	const struct bench_impl *im = rc->im;
	unsigned int n = rc->ncpus, i = 0, k = 0;
	bool producer = p->all || cpu != 0;
	uint64_t r0 = 0;

	mark_start(&rc->res[cpu]);
	while (!stopped()) {
		if (producer) {
			unsigned int idx = cpu * MANY_WINDOW + i;
			struct feed_slot *s = &p->slot[idx];

			if (!__atomic_load_n(&s->inflight, __ATOMIC_ACQUIRE)) {
				unsigned int to = 0;

				if (p->all) {
					to = (cpu + 1 + k) % n;
					k = (k + 1) % (n - 1);
				}
				__atomic_store_n(&s->inflight, 1,
						 __ATOMIC_RELAXED);
				if (im->schedule_on(obj_at(p->objs, im, idx), to))
					p->c[cpu].sent++;
			}
			i = (i + 1) % MANY_WINDOW;
		}
		poll_softirq(im);
	}
	r0 = p->c[cpu].runs;
	mark_end(&rc->res[cpu]);
	rc->res[cpu].ops = r0;
	/* Until every producer is out, keep consuming (they may wait). */
	__atomic_add_fetch(&p->done, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&p->done, __ATOMIC_ACQUIRE) < n)
		poll_softirq(im);
}

/* ------------------------------------------------------------------ */
/* Measurements. */

struct meas {
	double ns_per_op;
	double ops_per_s;
	double p99_ns;       /* < 0: not applicable */
	double extra;        /* storm: coalesced percentage; else < 0 */
	double cpu_ops_per_s; /* ops per second of the threads' own CPU time */
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sum of per-CPU rates per second of each thread's own CPU time: what the
 * CPUs achieve while they actually run, so other processes on a shared
 * machine (which take CPUs away, not cache lines) do not count.
 */
static double cpu_rate_sum(const struct run_ctx *rc, unsigned int from,
			   unsigned int to)
{
	double r = 0;
	unsigned int i;

	for (i = from; i < to; i++) {
		uint64_t dt = rc->res[i].c1 - rc->res[i].c0;

		if (dt)
			r += (double)rc->res[i].ops * 1e9 / (double)dt;
	}
	return r;
}

/* Sum of per-CPU rates. */
static double rate_sum(const struct run_ctx *rc, unsigned int from,
		       unsigned int to)
{
	double r = 0;
	unsigned int i;

	for (i = from; i < to; i++) {
		uint64_t dt = rc->res[i].t1 - rc->res[i].t0;

		if (dt)
			r += (double)rc->res[i].ops * 1e9 / (double)dt;
	}
	return r;
}

enum scen {
	S_LOCAL_RT,
	S_LOCAL_TP,
	S_FEED_TP,
	S_FEED_LAT,
	S_STORM,
	S_FEED_MANY,
	S_FEED_ALL,
	NR_SCEN
};

static const char *const scen_name[NR_SCEN] = {
	"local_roundtrip", "local_throughput", "feed_throughput",
	"feed_latency", "storm", "feed_many", "feed_all",
};

struct opts {
	bool json;
	const char *table; /* with --json: also write the table to this file */
	bool quick;
	unsigned int reps;
	unsigned int ms;
	uint64_t rt_iters;
	unsigned int lat_samples;
	unsigned int many_cpus;  /* feed_many / feed_all (--cpus) */
	bool scen_on[NR_SCEN];
	bool impl_on[NR_IMPLS];
};

static struct meas measure(enum scen sc, const struct bench_impl *im,
			   unsigned int ncpus, const struct opts *o)
{
	struct run_ctx *rc = xalloc(sizeof(*rc));
	struct meas m = { 0, 0, -1, -1, -1 };
	unsigned int i;

	rc->im = im;
	im->setup(ncpus);
	switch (sc) {
	case S_LOCAL_RT: {
		struct rt_priv p = { .iters = o->rt_iters };

		rc->priv = &p;
		run_cpus(rc, 1, rt_body, 0);
		m.ops_per_s = rate_sum(rc, 0, 1);
		m.cpu_ops_per_s = cpu_rate_sum(rc, 0, 1);
		if (rc->res[0].extra != p.iters)
			fprintf(stderr, "dwork-bench: %s ran %llu of %llu\n",
				im->name, (unsigned long long)rc->res[0].extra,
				(unsigned long long)p.iters);
		break;
	}
	case S_LOCAL_TP:
	case S_STORM: {
		struct lt_priv *p = xalloc(sizeof(*p));

		rc->priv = p;
		run_cpus(rc, ncpus, sc == S_STORM ? storm_body : lt_body, o->ms);
		for (i = 0; i < ncpus; i++) {
			/* Every queued run ran, none twice. */
			uint64_t want = sc == S_STORM ? rc->res[i].extra
						      : rc->res[i].ops;

			check(p->c[i].runs == want, im->name,
			      sc == S_STORM ? "storm runs vs queued raises"
					    : "local runs vs schedules",
			      (unsigned long long)p->c[i].runs,
			      (unsigned long long)want);
		}
		m.ops_per_s = rate_sum(rc, 0, ncpus);
		m.cpu_ops_per_s = cpu_rate_sum(rc, 0, ncpus);
		if (sc == S_STORM) {
			uint64_t ops = 0, queued = 0;

			for (i = 0; i < ncpus; i++) {
				ops += rc->res[i].ops;
				queued += rc->res[i].extra;
			}
			m.extra = ops ? 100.0 * (double)(ops - queued) /
						(double)ops
				      : 0;
		}
		free(p);
		break;
	}
	case S_FEED_TP: {
		struct feed_priv *p = xalloc(sizeof(*p));

		p->objs = xalloc(obj_stride(im) * FEED_WINDOW);
		for (i = 0; i < FEED_WINDOW; i++) {
			p->slot[i].runs = &p->runs;
			im->obj_init(obj_at(p->objs, im, i), BENCH_TASKLET,
				     feed_cb, &p->slot[i]);
		}
		rc->priv = p;
		run_cpus(rc, 2, feed_body, o->ms);
		check(p->runs == rc->res[0].ops, im->name,
		      "feed runs vs schedule_on", (unsigned long long)p->runs,
		      (unsigned long long)rc->res[0].ops);
		m.ops_per_s = rate_sum(rc, 1, 2); /* callbacks run on CPU 1 */
		m.cpu_ops_per_s = cpu_rate_sum(rc, 1, 2);
		free(p->objs);
		free(p);
		break;
	}
	case S_FEED_LAT: {
		struct feed_priv *p = xalloc(sizeof(*p));
		uint64_t *sorted;

		p->objs = xalloc(obj_stride(im));
		p->samples = o->lat_samples;
		p->lat = xalloc(sizeof(uint64_t) * p->samples);
		p->slot[0].runs = &p->runs;
		im->obj_init(p->objs, BENCH_TASKLET, lat_cb, &p->slot[0]);
		rc->priv = p;
		run_cpus(rc, 2, lat_body, 0);
		sorted = p->lat;
		qsort(sorted, p->samples, sizeof(uint64_t), cmp_u64);
		m.ns_per_op = (double)sorted[p->samples / 2];
		m.p99_ns = (double)sorted[(p->samples * 99) / 100];
		m.ops_per_s = 1e9 / m.ns_per_op;
		m.cpu_ops_per_s = -1;
		free(p->lat);
		free(p->objs);
		free(p);
		break;
	}
	case S_FEED_MANY:
	case S_FEED_ALL: {
		struct many_priv *p = xalloc(sizeof(*p));
		uint64_t sent = 0, runs = 0;

		p->all = sc == S_FEED_ALL;
		p->slot = xalloc(sizeof(struct feed_slot) * MANY_WINDOW *
				 ncpus);
		p->objs = xalloc(obj_stride(im) * MANY_WINDOW * ncpus);
		for (i = 0; i < MANY_WINDOW * ncpus; i++)
			im->obj_init(obj_at(p->objs, im, i), BENCH_TASKLET,
				     many_cb, &p->slot[i]);
		many_p = p;
		rc->priv = p;
		run_cpus(rc, ncpus, many_body, o->ms);
		for (i = 0; i < ncpus; i++) {
			sent += p->c[i].sent;
			runs += p->c[i].runs;
		}
		check(runs == sent, im->name,
		      sc == S_FEED_ALL ? "feed_all runs vs schedule_on"
				       : "feed_many runs vs schedule_on",
		      (unsigned long long)runs, (unsigned long long)sent);
		/* Callbacks per second, all consumers together. */
		m.ops_per_s = rate_sum(rc, 0, ncpus);
		m.cpu_ops_per_s = cpu_rate_sum(rc, 0, ncpus);
		free(p->objs);
		free(p->slot);
		free(p);
		break;
	}
	default:
		break;
	}
	im->teardown();
	if (sc != S_FEED_LAT)
		m.ns_per_op = m.ops_per_s > 0 ? 1e9 / m.ops_per_s : 0;
	free(rc);
	return m;
}

/* ------------------------------------------------------------------ */
/* Results. */

#define MAX_REPS 64
#define MAX_RESULTS 128

struct result {
	enum scen sc;
	unsigned int cpus;
	const struct bench_impl *im;
	unsigned int n;
	double ns[MAX_REPS], p99[MAX_REPS], extra[MAX_REPS], cops[MAX_REPS];
	/* medians */
	double m_ns, m_ops, m_p99, m_extra, min_ns, max_ns, m_cops;
};

static struct result results[MAX_RESULTS];
static unsigned int nr_results;

static double median(double *v, unsigned int n)
{
	double t[MAX_REPS];

	memcpy(t, v, n * sizeof(double));
	qsort(t, n, sizeof(double), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static void finish(struct result *r)
{
	unsigned int i;

	r->m_ns = median(r->ns, r->n);
	r->m_ops = r->m_ns > 0 ? 1e9 / r->m_ns : 0;
	r->m_p99 = r->p99[0] >= 0 ? median(r->p99, r->n) : -1;
	r->m_extra = r->extra[0] >= 0 ? median(r->extra, r->n) : -1;
	r->m_cops = r->cops[0] >= 0 ? median(r->cops, r->n) : -1;
	r->min_ns = r->max_ns = r->ns[0];
	for (i = 1; i < r->n; i++) {
		if (r->ns[i] < r->min_ns)
			r->min_ns = r->ns[i];
		if (r->ns[i] > r->max_ns)
			r->max_ns = r->ns[i];
	}
}

static const struct result *find(enum scen sc, unsigned int cpus,
				 const char *impl)
{
	unsigned int i;

	for (i = 0; i < nr_results; i++)
		if (results[i].sc == sc && results[i].cpus == cpus &&
		    !strcmp(results[i].im->name, impl))
			return &results[i];
	return NULL;
}

/* Scenario configurations, in run order. */
struct config {
	enum scen sc;
	unsigned int cpus;
	bool local_only_ok; /* floor takes part */
};

static const struct config configs[] = {
	{ S_LOCAL_RT, 1, true },  { S_LOCAL_TP, 1, true },
	{ S_LOCAL_TP, 2, true },  { S_FEED_TP, 2, false },
	{ S_FEED_LAT, 2, false }, { S_STORM, 1, true },
	{ S_STORM, 2, true },
	/* cpus 0: --cpus (every host CPU by default) */
	{ S_FEED_MANY, 0, false }, { S_FEED_ALL, 0, false },
};

static void run_all(const struct opts *o)
{
	bool progress = isatty(STDERR_FILENO);
	unsigned int c, rep, k;
	uint64_t t0;

	for (c = 0; c < sizeof(configs) / sizeof(configs[0]); c++) {
		const struct config *cf = &configs[c];
		unsigned int first = nr_results;
		unsigned int ncpus = cf->cpus ? cf->cpus : o->many_cpus;

		if (!o->scen_on[cf->sc])
			continue;
		for (k = 0; k < NR_IMPLS; k++) {
			const struct bench_impl *im = all_impls[k];

			if (!o->impl_on[k] || (!im->remote && !cf->local_only_ok))
				continue;
			results[nr_results].sc = cf->sc;
			results[nr_results].cpus = ncpus;
			results[nr_results].im = im;
			results[nr_results].n = 0;
			nr_results++;
		}
		for (rep = 0; rep < o->reps; rep++) {
			for (k = first; k < nr_results; k++) {
				struct result *r = &results[k];
				struct meas m;

				if (progress)
					fprintf(stderr,
						"\r%-18s cpus=%u rep %u/%u %-13s",
						scen_name[cf->sc], ncpus,
						rep + 1, o->reps, r->im->name);
				t0 = now_ns();
				m = measure(cf->sc, r->im, ncpus, o);
				if (use_rt) {
					/* Give the others as much time back. */
					uint64_t ns = now_ns() - t0;
					struct timespec ts = {
						(time_t)(ns / 1000000000u),
						(long)(ns % 1000000000u)
					};

					nanosleep(&ts, NULL);
				}
				r->ns[r->n] = m.ns_per_op;
				r->p99[r->n] = m.p99_ns;
				r->extra[r->n] = m.extra;
				r->cops[r->n] = m.cpu_ops_per_s;
				r->n++;
			}
		}
		for (k = first; k < nr_results; k++)
			finish(&results[k]);
	}
	if (progress)
		fprintf(stderr, "\r%60s\r", "");
}

/* Performance targets, as ratios from this run. */
struct target {
	const char *name;
	double value;
	const char *op;  /* "<=" or ">=" */
	double want;
	bool known;
};

/*
 * The best per-CPU baseline of a scenario (feeder_nowait, wfcqueue, ck:
 * the designs without a global lock): the most ops/s, or for
 * feed_latency the lowest median.  NULL if none of them ran.
 */
static const struct result *best_pcpu(enum scen sc, unsigned int cpus)
{
	static const char *const pcpu[] = { "feeder_nowait", "wfcqueue", "ck" };
	const struct result *best = NULL;
	unsigned int i;

	for (i = 0; i < sizeof(pcpu) / sizeof(pcpu[0]); i++) {
		const struct result *r = find(sc, cpus, pcpu[i]);

		if (!r || !r->m_ops)
			continue;
		if (!best || (sc == S_FEED_LAT ? r->m_ns < best->m_ns
					       : r->m_ops > best->m_ops))
			best = r;
	}
	return best;
}

static unsigned int compute_targets(struct target *t)
{
	const struct result *rt_dw = find(S_LOCAL_RT, 1, "dwork");
	const struct result *rt_fl = find(S_LOCAL_RT, 1, "floor");
	const struct result *rt_gl = find(S_LOCAL_RT, 1, "global_lock");
	const struct result *tp1 = find(S_LOCAL_TP, 1, "dwork");
	const struct result *tp2 = find(S_LOCAL_TP, 2, "dwork");
	const struct result *tp2gl = find(S_LOCAL_TP, 2, "global_lock");
	const struct result *fd = find(S_FEED_TP, 2, "dwork");
	const struct result *fw = find(S_FEED_TP, 2, "wfcqueue");
	const struct result *ff = find(S_FEED_TP, 2, "feeder_lock");
	unsigned int n = 0;

#define TGT(nm, a, b, o_, w)                                               \
	do {                                                               \
		t[n].name = (nm);                                          \
		t[n].op = (o_);                                            \
		t[n].want = (w);                                           \
		t[n].known = (a) && (b);                                   \
		t[n].value = t[n].known ? (a) / (b) : 0;                   \
		n++;                                                       \
	} while (0)
	TGT("local_roundtrip dwork/floor (ns)", rt_dw ? rt_dw->m_ns : 0,
	    rt_fl ? rt_fl->m_ns : 0, "<=", 2.0);
	TGT("local_roundtrip dwork/global_lock (ns)", rt_dw ? rt_dw->m_ns : 0,
	    rt_gl ? rt_gl->m_ns : 0, "<=", 1.0);
	TGT("local_throughput dwork 2cpu/1cpu (ops/s)",
	    tp2 ? tp2->m_ops : 0, tp1 ? tp1->m_ops : 0, ">=", 1.8);
	TGT("  same, per thread CPU-second (noise check)",
	    tp2 ? tp2->m_cops : 0, tp1 ? tp1->m_cops : 0, ">=", 1.8);
	TGT("local_throughput 2cpu dwork/global_lock (ops/s)",
	    tp2 ? tp2->m_ops : 0, tp2gl ? tp2gl->m_ops : 0, ">=", 5.0);
	TGT("feed_throughput dwork/wfcqueue (ops/s)", fd ? fd->m_ops : 0,
	    fw ? fw->m_ops : 0, ">=", 1.0);
	TGT("feed_throughput dwork/feeder_lock (ops/s)", fd ? fd->m_ops : 0,
	    ff ? ff->m_ops : 0, ">=", 2.0);
	{
		static const struct {
			const char *name;
			enum scen sc;
			unsigned int cpus;
		} vs[] = {
			{ "local_throughput 1cpu dwork/best per-CPU (ops/s)",
			  S_LOCAL_TP, 1 },
			{ "local_throughput 2cpu dwork/best per-CPU (ops/s)",
			  S_LOCAL_TP, 2 },
			{ "storm 1cpu dwork/best per-CPU (ops/s)", S_STORM, 1 },
			{ "storm 2cpu dwork/best per-CPU (ops/s)", S_STORM, 2 },
			{ "feed_throughput dwork/best per-CPU (ops/s)",
			  S_FEED_TP, 2 },
		};
		const struct result *lat = find(S_FEED_LAT, 2, "dwork");
		const struct result *blat = best_pcpu(S_FEED_LAT, 2);
		unsigned int i;

		for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
			const struct result *d = find(vs[i].sc, vs[i].cpus,
						      "dwork");
			const struct result *b = best_pcpu(vs[i].sc,
							   vs[i].cpus);

			TGT(vs[i].name, d ? d->m_ops : 0, b ? b->m_ops : 0,
			    ">=", 1.0);
		}
		TGT("feed_latency median dwork/best per-CPU (ns)",
		    lat ? lat->m_ns : 0, blat ? blat->m_ns : 0, "<=", 1.0);
	}
#undef TGT
	return n;
}

static bool target_met(const struct target *t)
{
	return t->op[0] == '<' ? t->value <= t->want : t->value >= t->want;
}

static char load_start[64], load_end[64];

static void loadavg(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");

	snprintf(buf, len, "unknown");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

static void machine(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256], model[128] = "unknown";
	struct utsname u;

	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *c = strchr(line, ':');

			if (!strncmp(line, "model name", 10) && c) {
				snprintf(model, sizeof(model), "%s", c + 2);
				model[strcspn(model, "\n")] = 0;
				break;
			}
		}
		fclose(f);
	}
	uname(&u);
	snprintf(buf, len, "%s, %u online CPUs, %s %s", model, host_cpus,
		 u.sysname, u.release);
}

static void print_table(const struct opts *o)
{
	char mach[512];
	struct target t[16];
	unsigned int i, n;
	enum scen last = NR_SCEN;
	unsigned int last_cpus = 0;

	machine(mach, sizeof(mach));
	printf("dwork-bench: %s\n", mach);
	printf("load average before/after: %s / %s%s\n", load_start, load_end,
	       use_rt ? "; measuring threads SCHED_FIFO (--rt)" : "");
	printf("medians of %u repetitions; ns/op = 1e9 / ops_per_s "
	       "(feed_latency: median latency)\n", o->reps);
	printf("feed_many/feed_all: %u CPU threads on %u host CPUs%s\n\n",
	       o->many_cpus, host_cpus,
	       o->many_cpus > host_cpus ? " (oversubscribed: time-shared)"
					: "");
	printf("%-17s %4s %-13s %12s %8s %8s %12s %8s %12s\n", "scenario",
	       "cpus", "impl", "ops/s", "ns/op", "p99 ns", "min..max ns",
	       "vs dwork", "ops/cpu-s");
	for (i = 0; i < nr_results; i++) {
		const struct result *r = &results[i];
		const struct result *d = find(r->sc, r->cpus, "dwork");
		char p99[16] = "", mm[32], vs[16] = "";

		if (r->sc != last || r->cpus != last_cpus)
			printf("\n");
		last = r->sc;
		last_cpus = r->cpus;
		if (r->m_p99 >= 0)
			snprintf(p99, sizeof(p99), "%.0f", r->m_p99);
		snprintf(mm, sizeof(mm), "%.0f..%.0f", r->min_ns, r->max_ns);
		if (d && d != r && r->m_ns > 0)
			snprintf(vs, sizeof(vs), "%.2fx", r->m_ns / d->m_ns);
		printf("%-17s %4u %-13s %12.0f %8.1f %8s %12s %8s", scen_name[r->sc],
		       r->cpus, r->im->name, r->m_ops, r->m_ns, p99, mm, vs);
		if (r->m_cops >= 0)
			printf(" %12.0f", r->m_cops);
		if (r->m_extra >= 0)
			printf("  coalesced %.1f%%", r->m_extra);
		printf("\n");
	}
	printf("\n(vs dwork: that implementation's ns/op divided by dwork's; "
	       ">1 means dwork is faster;\n ops/cpu-s: ops per second of the "
	       "measuring threads' own CPU time)\n\ntargets:\n");
	n = compute_targets(t);
	for (i = 0; i < n; i++) {
		if (!t[i].known)
			printf("  %-50s  not measured\n", t[i].name);
		else
			printf("  %-50s %6.2f  (want %s %.1f)  %s\n", t[i].name,
			       t[i].value, t[i].op, t[i].want,
			       target_met(&t[i]) ? "met" : "MISSED");
	}
}

static void print_json(const struct opts *o)
{
	char mach[512];
	struct target t[16];
	unsigned int i, j, n;

	machine(mach, sizeof(mach));
	printf("{\n  \"machine\": \"%s\",\n  \"port\": \"bench\",\n", mach);
	printf("  \"loadavg_before\": \"%s\",\n  \"loadavg_after\": \"%s\",\n",
	       load_start, load_end);
	printf("  \"sched_fifo\": %s,\n", use_rt ? "true" : "false");
	printf("  \"host_cpus\": %u,\n  \"many_cpus\": %u,\n", host_cpus,
	       o->many_cpus);
	printf("  \"checks_failed\": %u,\n", check_failures);
	printf("  \"reps\": %u,\n  \"quick\": %s,\n  \"impls\": [", o->reps,
	       o->quick ? "true" : "false");
	for (i = 0, j = 0; i < NR_IMPLS; i++) {
		if (!o->impl_on[i])
			continue;
		printf("%s\n    {\"impl\": \"%s\", \"what\": \"%s\"}",
		       j++ ? "," : "", all_impls[i]->name, all_impls[i]->what);
	}
	printf("\n  ],\n  \"results\": [");
	for (i = 0; i < nr_results; i++) {
		const struct result *r = &results[i];

		printf("%s\n    {\"scenario\": \"%s\", \"impl\": \"%s\", "
		       "\"cpus\": %u, \"ops_per_s\": %.0f, \"ns_per_op\": %.2f",
		       i ? "," : "", scen_name[r->sc], r->im->name, r->cpus,
		       r->m_ops, r->m_ns);
		if (r->m_p99 >= 0)
			printf(", \"p99_ns\": %.0f", r->m_p99);
		if (r->m_extra >= 0)
			printf(", \"coalesced_pct\": %.2f", r->m_extra);
		if (r->m_cops >= 0)
			printf(", \"ops_per_cpu_s\": %.0f", r->m_cops);
		printf(", \"reps\": %u, \"min_ns_per_op\": %.2f, "
		       "\"max_ns_per_op\": %.2f}",
		       r->n, r->min_ns, r->max_ns);
	}
	printf("\n  ],\n  \"targets\": [");
	n = compute_targets(t);
	for (i = 0, j = 0; i < n; i++) {
		if (!t[i].known)
			continue;
		printf("%s\n    {\"name\": \"%s\", \"value\": %.3f, "
		       "\"want\": \"%s %.1f\", \"met\": %s}",
		       j++ ? "," : "", t[i].name, t[i].value, t[i].op,
		       t[i].want, target_met(&t[i]) ? "true" : "false");
	}
	printf("\n  ]\n}\n");
}

/* ------------------------------------------------------------------ */

static void usage(void)
{
	unsigned int i;

	fprintf(stderr,
		"usage: dwork-bench [--json [--table FILE]] [--quick] [--reps N] "
		"[--ms N] [--rt] [--cpus N]\n"
		"                   [--scenario a,b,...] [--impl a,b,...]\n"
		"       dwork-bench --rt-only IMPL [--iters N] [--cg storm|lt|feed]\n"
		"scenarios:");
	for (i = 0; i < NR_SCEN; i++)
		fprintf(stderr, " %s", scen_name[i]);
	fprintf(stderr, "\nimpls:");
	for (i = 0; i < NR_IMPLS; i++)
		fprintf(stderr, " %s", all_impls[i]->name);
	fprintf(stderr, "\n");
	exit(2);
}

static bool in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return true;
		p += n;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct opts o = { .reps = 5, .ms = 300, .rt_iters = 2000000,
			  .lat_samples = 20000 };
	const char *scen = NULL, *impls = NULL, *rt_only = NULL, *cg = NULL;
	bool reps_set = false, ms_set = false, iters_set = false;
	long n;
	unsigned int i;
	int a;

	n = sysconf(_SC_NPROCESSORS_ONLN);
	host_cpus = n > 0 ? (unsigned int)n : 1;
	for (a = 1; a < argc; a++) {
		const char *s = argv[a];

		if (!strcmp(s, "--json")) {
			o.json = true;
		} else if (!strcmp(s, "--table") && a + 1 < argc) {
			o.table = argv[++a];
		} else if (!strcmp(s, "--rt")) {
			use_rt = true;
		} else if (!strcmp(s, "--quick")) {
			o.quick = true;
		} else if (!strcmp(s, "--reps") && a + 1 < argc) {
			o.reps = (unsigned int)atoi(argv[++a]);
			reps_set = true;
		} else if (!strcmp(s, "--ms") && a + 1 < argc) {
			o.ms = (unsigned int)atoi(argv[++a]);
			ms_set = true;
		} else if (!strcmp(s, "--cpus") && a + 1 < argc) {
			o.many_cpus = (unsigned int)atoi(argv[++a]);
			if (o.many_cpus < 2 || o.many_cpus > BP_MAX_CPUS)
				usage();
		} else if (!strcmp(s, "--iters") && a + 1 < argc) {
			o.rt_iters = strtoull(argv[++a], NULL, 0);
			iters_set = true;
		} else if (!strcmp(s, "--scenario") && a + 1 < argc) {
			scen = argv[++a];
		} else if (!strcmp(s, "--impl") && a + 1 < argc) {
			impls = argv[++a];
		} else if (!strcmp(s, "--rt-only") && a + 1 < argc) {
			rt_only = argv[++a];
		} else if (!strcmp(s, "--cg") && a + 1 < argc) {
			cg = argv[++a];
			if (strcmp(cg, "storm") && strcmp(cg, "feed") &&
			    strcmp(cg, "lt"))
				usage();
		} else {
			usage();
		}
	}
	if (o.quick) {
		if (!reps_set)
			o.reps = 3;
		if (!ms_set)
			o.ms = 60;
		if (!iters_set)
			o.rt_iters = 200000;
		o.lat_samples = 2000;
	}
	if (!o.many_cpus)
		o.many_cpus = host_cpus < 2 ? 2
			    : host_cpus > BP_MAX_CPUS ? BP_MAX_CPUS : host_cpus;
	if (o.reps < 1 || o.reps > MAX_REPS || o.ms < 1 || !o.rt_iters)
		usage();
	if (use_rt && o.many_cpus > host_cpus &&
	    (!scen || in_list(scen, "feed_many") || in_list(scen, "feed_all"))) {
		fprintf(stderr, "dwork-bench: --rt with --cpus above the host's "
				"%u CPUs would starve spinning SCHED_FIFO threads\n",
			host_cpus);
		return 2;
	}
	if (o.many_cpus > host_cpus)
		fprintf(stderr, "dwork-bench: feed_many/feed_all: %u CPU threads "
				"on %u host CPUs (oversubscribed)\n",
			o.many_cpus, host_cpus);
	if (use_rt && host_cpus < 2) {
		fprintf(stderr, "dwork-bench: --rt needs 2 host CPUs\n");
		return 2;
	}
	if (host_cpus < 2)
		fprintf(stderr, "dwork-bench: only 1 host CPU: 2-CPU scenarios "
				"will time-share it\n");

	if (rt_only) {
		/* One local round-trip loop, for callgrind; no output. */
		struct rt_priv p = { .iters = o.rt_iters };
		struct run_ctx *rc = xalloc(sizeof(*rc));

		for (i = 0; i < NR_IMPLS; i++)
			if (!strcmp(all_impls[i]->name, rt_only))
				break;
		if (i == NR_IMPLS)
			usage();
		rc->im = all_impls[i];
		if (cg) {
			/* bench_storm/lt/feed_loop, for callgrind. */
			struct cg_priv q = { .what = cg, .iters = o.rt_iters };

			/*
			 * No cross-CPU transport, or a synchronous cross-call
			 * that one thread playing both CPUs cannot answer.
			 */
			if (!strcmp(cg, "feed") &&
			    (!rc->im->remote || rc->im == &bench_impl_feeder_lock))
				return 3;
			rc->priv = &q;
			rc->im->setup(2);
			run_cpus(rc, 1, cg_body, 0);
			rc->im->teardown();
			if (q.runs != q.want)
				return 1;
			printf("%s %s %llu\n", cg, rt_only,
			       (unsigned long long)q.iters);
			free(rc);
			return 0;
		}
		rc->priv = &p;
		rc->im->setup(1);
		run_cpus(rc, 1, rt_body, 0);
		rc->im->teardown();
		if (p.runs != p.iters)
			return 1;
		printf("%s %llu\n", rt_only, (unsigned long long)p.iters);
		free(rc);
		return 0;
	}

	for (i = 0; i < NR_SCEN; i++)
		o.scen_on[i] = !scen || in_list(scen, scen_name[i]);
	for (i = 0; i < NR_IMPLS; i++)
		o.impl_on[i] = !impls || in_list(impls, all_impls[i]->name);
	loadavg(load_start, sizeof(load_start));
	run_all(&o);
	loadavg(load_end, sizeof(load_end));
	if (check_failures)
		fprintf(stderr, "dwork-bench: %u correctness checks failed\n",
			check_failures);
	if (o.json)
		print_json(&o);
	if (o.json && o.table) {
		fflush(stdout);
		if (!freopen(o.table, "w", stdout)) {
			perror(o.table);
			return 2;
		}
	}
	if (!o.json || o.table)
		print_table(&o);
	return check_failures ? 1 : 0;
}

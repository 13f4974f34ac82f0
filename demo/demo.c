// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork-demo: the 2014 Xen tasklet_lock problem on the POSIX runtime's
 * virtual CPUs.
 *
 * Xen, 2014: on an 8-socket box, CPUs busy with PCI passthrough interrupts
 * scheduled a tasklet per interrupt, and every tasklet operation took one
 * global lock; CPUs of idle guests, which only ran their periodic timer
 * tasklet, had about 40% steal time, and 1/10 of their timeslice (3 ms of
 * 30 ms) went to taking that lock.  This demo replays it:
 *
 *   storm CPUs (0 .. S-1, S = cpus/2, at least 1): an interrupt storm.
 *     A host thread keeps asking the CPU (dwork_posix_run_on) to post
 *     itself 32 interrupts (dwork_posix_irq_on: real signals, real
 *     hard-IRQ context).  Each interrupt stands for --burst device events:
 *     it raises one of 8 items per event (dpci: mostly coalesced) and, at
 *     most every --feed-us (default 250 us, the same rate for both
 *     designs), feeds a tasklet to CPU (c+1) % cpus.
 *   idle CPUs (S .. cpus-1): mostly asleep; a host timer thread posts a
 *     timer interrupt every --tick-us; its handler schedules the CPU's
 *     timer tasklet (Xen's VIRQ_TIMER tasklet), which runs in softirq.
 *
 * Run once with the global-lock design (bench/baselines/global_lock.c, Xen
 * upstream's tasklets) and once with dwork, --seconds each.  On the idle
 * CPUs it measures the wall time spent inside the deferred-work machinery:
 * the schedule call in the timer IRQ plus the softirq handler, lock waits
 * included, callbacks and nested IRQ handlers excluded.  For dwork the
 * runtime's calls to dwork_softirq/dwork_idle_pending/dwork_idle_run are
 * timed through ld's --wrap; the global-lock design's softirq handler is
 * reached through one dwork item per CPU (demo/bl_hooks.h) and timed
 * inside that item's callback, so the trampoline is not charged to it.
 *
 * Lock-holder preemption.  On the POSIX runtime "IRQs off" is a per-thread
 * flag: the host may deschedule a vCPU thread that holds the global-lock
 * design's spinlock, and every other vCPU then spins until the host runs
 * the holder again.  Hardware with IRQs off has no such thing, so it
 * inflates the global-lock figure.  global_lock.c is built here with
 * BL_LHP: it times every wait for and hold of its lock with the TSC.  A
 * hold of that lock is ~100 ns of straight-line code, so a hold longer
 * than LHP_LONG_NS means the holder was off its CPU (host preemption, or
 * a signal delivered to it), and so does a wait that long.  The summary
 * shows those long holds and waits, the vCPU threads' involuntary context
 * switches (getrusage(RUSAGE_THREAD), ru_nivcsw), and the idle CPUs'
 * machinery time with the long waits taken out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>
#include "impl.h"

#define MAX_CPUS 16
#define NR_ITEMS 8
#define NR_FEED 64

struct dwork_item demo_kick[DWORK_NR_CPUS];
__thread int demo_in_kick, demo_rerun;

struct dcpu {
	/* Idle-CPU accounting, written by that vCPU only. */
	uint64_t sched_ns;   /* in schedule() called from the timer IRQ */
	uint64_t sirq_ns;    /* in the softirq machinery, net */
	uint64_t cb_ns;      /* in callbacks (excluded) */
	uint64_t irq_ns;     /* in IRQ handlers (excluded from softirq) */
	uint64_t ticks, timer_runs, fed_runs;
	uint64_t t_irq;      /* when the last timer IRQ came */
	uint64_t *lat;       /* tick -> timer callback start, ns */
	uint64_t nlat, maxlat;
	/* Storm CPU. */
	uint64_t irqs, raises, queued, feeds, item_runs;
	unsigned int feed_next;
	/* Lock-holder preemption (global_lock only), in TSC ticks. */
	uint64_t lk_long_waits, lk_long_wait_t, lk_long_holds, lk_long_hold_t;
	uint64_t lk_waits;
	long nivcsw0, nivcsw1;  /* the vCPU thread's ru_nivcsw, start/end */
	uint64_t next_feed;  /* when this storm CPU feeds next */
	void *items, *feed_objs, *timer_obj;
	unsigned int cpu;
} __attribute__((aligned(64)));

static struct dcpu dc[MAX_CPUS];
static const struct bench_impl *im;  /* the design being run */
static bool is_dwork;
static unsigned int ncpus, nstorm, burst = 16, chunk = 32;
static unsigned int tick_us = 1000, feed_us = 250;
static volatile int stop_flag;

/* A lock hold or wait longer than this means the holder was off-CPU. */
#define LHP_LONG_NS 10000u
static double tsc_per_ns = 1.0;  /* calibrated in main() */
static uint64_t lhp_long_t;      /* LHP_LONG_NS in bl_lhp_now() units */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static size_t stride(void)
{
	return (im->obj_size + 63) & ~(size_t)63;
}

static void *obj(void *base, unsigned int i)
{
	return (char *)base + (size_t)i * stride();
}

static bool is_idle_cpu(unsigned int cpu)
{
	return cpu >= nstorm && cpu < ncpus;
}

static struct dcpu *me(void)
{
	int c = dwork_posix_this_cpu();

	return c >= 0 && c < MAX_CPUS ? &dc[c] : NULL;
}

/* Single-writer counter updates (the vCPU or its IRQ handler). */
static inline void add(uint64_t *c, uint64_t v)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + v,
			 __ATOMIC_RELAXED);
}

static inline uint64_t rd(const uint64_t *c)
{
	return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ */
/* Lock-holder preemption probes, called by global_lock.c (BL_LHP). */

uint64_t bl_lhp_now(void);
void bl_lhp_waited(uint64_t t);
void bl_lhp_held(uint64_t t);

uint64_t bl_lhp_now(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#else
	return now_ns();
#endif
}

void bl_lhp_waited(uint64_t t)
{
	struct dcpu *d = me();

	if (!d)
		return;
	add(&d->lk_waits, 1);
	if (t > lhp_long_t) {
		add(&d->lk_long_waits, 1);
		add(&d->lk_long_wait_t, t);
	}
}

void bl_lhp_held(uint64_t t)
{
	struct dcpu *d = me();

	if (d && t > lhp_long_t) {
		add(&d->lk_long_holds, 1);
		add(&d->lk_long_hold_t, t);
	}
}

static void calibrate_tsc(void)
{
	uint64_t t0 = now_ns(), c0 = bl_lhp_now(), t1, c1;

	while ((t1 = now_ns()) - t0 < 20000000)
		;
	c1 = bl_lhp_now();
	tsc_per_ns = (double)(c1 - c0) / (double)(t1 - t0);
	if (tsc_per_ns <= 0)
		tsc_per_ns = 1.0;
	lhp_long_t = (uint64_t)(LHP_LONG_NS * tsc_per_ns);
}

/*
 * --rt: every demo thread (the vCPUs, the storm and timer threads) runs
 * SCHED_FIFO, so that no other process on the host preempts a vCPU that
 * holds the global lock (the host's own threads and the RT throttle still
 * can).
 */
static bool use_rt;

static void set_fifo(void *arg)
{
	struct sched_param sp = { .sched_priority = 1 };

	(void)arg;
	if (use_rt && pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp)) {
		fprintf(stderr, "dwork-demo: --rt: cannot set SCHED_FIFO "
				"(needs root or CAP_SYS_NICE)\n");
		exit(2);
	}
}

static void read_nivcsw(void *arg)
{
	long *out = arg;
	struct rusage ru;

	*out = getrusage(RUSAGE_THREAD, &ru) ? 0 : ru.ru_nivcsw;
}

/* ------------------------------------------------------------------ */
/* Callbacks (softirq context). */

static void item_cb(void *arg)
{
	struct dcpu *d = arg;

	add(&d->item_runs, 1);
}

static void fed_cb(void *arg)
{
	struct dcpu *d = me();
	uint64_t t0 = now_ns();

	(void)arg;
	add(&d->fed_runs, 1);
	add(&d->cb_ns, now_ns() - t0);
}

static void timer_cb(void *arg)
{
	struct dcpu *d = arg;
	uint64_t t0 = now_ns();
	uint64_t l = t0 - d->t_irq;

	if (d->nlat < d->maxlat)
		d->lat[d->nlat] = l;
	add(&d->nlat, 1);
	add(&d->timer_runs, 1);
	add(&d->cb_ns, now_ns() - t0);
}

/* ------------------------------------------------------------------ */
/* Interrupt handlers (hard IRQ context, in a signal handler). */

static void storm_irq(void *arg)
{
	struct dcpu *d = arg;
	uint64_t irqs = d->irqs;
	unsigned int b;
	uint64_t q = 0;

	for (b = 0; b < burst; b++)
		q += im->schedule(obj(d->items,
				      (unsigned int)((irqs * burst + b) * 5u) %
					      NR_ITEMS));
	add(&d->raises, burst);
	add(&d->queued, q);
	if (now_ns() >= d->next_feed) {
		d->next_feed = now_ns() + (uint64_t)feed_us * 1000u;
		im->schedule_on(obj(d->feed_objs, d->feed_next++ % NR_FEED),
				(d->cpu + 1) % ncpus);
		add(&d->feeds, 1);
	}
	add(&d->irqs, 1);
}

static void timer_irq(void *arg)
{
	struct dcpu *d = arg;
	uint64_t t0 = now_ns(), t1;

	d->t_irq = t0;
	im->schedule(d->timer_obj);
	t1 = now_ns();
	add(&d->sched_ns, t1 - t0);
	add(&d->ticks, 1);
	add(&d->irq_ns, now_ns() - t0);
}

/* ------------------------------------------------------------------ */
/* Timing the machinery on idle CPUs. */

struct window {
	uint64_t t0, cb, irq;
};

static inline bool win_open(struct window *w)
{
	struct dcpu *d = me();

	if (!d || !is_idle_cpu(d->cpu))
		return false;
	w->cb = rd(&d->cb_ns);
	w->irq = rd(&d->irq_ns);
	w->t0 = now_ns();
	return true;
}

static inline void win_close(const struct window *w)
{
	struct dcpu *d = me();
	uint64_t dt = now_ns() - w->t0;
	uint64_t ex = (rd(&d->cb_ns) - w->cb) + (rd(&d->irq_ns) - w->irq);

	add(&d->sirq_ns, dt > ex ? dt - ex : 0);
}

/*
 * The global-lock design's softirq, reached through demo_kick[cpu].  Like
 * Xen's do_softirq(), it calls the handler again while the handler
 * re-raises itself (Xen runs one tasklet per TASKLET_SOFTIRQ and
 * re-raises while its list is not empty).
 */
static void kick_cb(struct dwork_item *it)
{
	struct window w;
	bool timed;

	(void)it;
	timed = win_open(&w);
	do {
		demo_rerun = 0;
		demo_in_kick = 1;
		im->softirq();
		demo_in_kick = 0;
	} while (demo_rerun);
	if (timed)
		win_close(&w);
}

void __real_dwork_softirq(void);
void __wrap_dwork_softirq(void);
bool __real_dwork_idle_pending(void);
bool __wrap_dwork_idle_pending(void);
void __real_dwork_idle_run(void);
void __wrap_dwork_idle_run(void);

void __wrap_dwork_softirq(void)
{
	struct window w;

	if (!is_dwork || !win_open(&w)) {
		__real_dwork_softirq();
		return;
	}
	__real_dwork_softirq();
	win_close(&w);
}

bool __wrap_dwork_idle_pending(void)
{
	struct window w;
	bool r;

	if (!is_dwork || !win_open(&w))
		return __real_dwork_idle_pending();
	r = __real_dwork_idle_pending();
	win_close(&w);
	return r;
}

void __wrap_dwork_idle_run(void)
{
	struct window w;

	if (!is_dwork || !win_open(&w)) {
		__real_dwork_idle_run();
		return;
	}
	__real_dwork_idle_run();
	win_close(&w);
}

/* ------------------------------------------------------------------ */
/* Host threads. */

static void storm_chunk(void *arg)
{
	struct dcpu *d = arg;
	unsigned int i;

	for (i = 0; i < chunk; i++)
		dwork_posix_irq_on(d->cpu, storm_irq, d);
}

static void *storm_thread(void *arg)
{
	struct dcpu *d = arg;

	set_fifo(NULL);
	while (!__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE))
		dwork_posix_run_on(d->cpu, storm_chunk, d);
	return NULL;
}

static void *timer_thread(void *arg)
{
	struct timespec next;
	unsigned int c;

	(void)arg;
	set_fifo(NULL);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!__atomic_load_n(&stop_flag, __ATOMIC_ACQUIRE)) {
		next.tv_nsec += (long)tick_us * 1000;
		while (next.tv_nsec >= 1000000000) {
			next.tv_nsec -= 1000000000;
			next.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
		/*
		 * This host thread ran late (the machine is busy): fire once,
		 * not a burst of catch-up ticks, as a late hardware timer does.
		 */
		{
			struct timespec now;

			clock_gettime(CLOCK_MONOTONIC, &now);
			if ((now.tv_sec - next.tv_sec) * 1000000000ll +
				    (now.tv_nsec - next.tv_nsec) >
			    (long long)tick_us * 1000)
				next = now;
		}
		for (c = nstorm; c < ncpus; c++)
			dwork_posix_irq_on(c, timer_irq, &dc[c]);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* One run of one design. */

struct summary {
	const char *name;
	double secs;
	uint64_t ticks, timer_runs, fed_runs;
	uint64_t sched_ns, sirq_ns;
	uint64_t irqs, raises, queued, feeds, item_runs;
	uint64_t lat_p50, lat_p99, lat_max;
	struct bl_stats cpu[MAX_CPUS];
	/* Lock-holder preemption; ns. */
	uint64_t idle_long_waits, idle_long_wait_ns, idle_waits;
	uint64_t long_holds, long_hold_ns;
	long nivcsw_storm, nivcsw_idle;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void sum_counters(struct summary *s)
{
	unsigned int c;

	s->ticks = s->timer_runs = s->fed_runs = s->sched_ns = s->sirq_ns = 0;
	s->irqs = s->raises = s->queued = s->feeds = s->item_runs = 0;
	for (c = 0; c < ncpus; c++) {
		struct dcpu *d = &dc[c];

		if (is_idle_cpu(c)) {
			s->ticks += rd(&d->ticks);
			s->timer_runs += rd(&d->timer_runs);
			s->sched_ns += rd(&d->sched_ns);
			s->sirq_ns += rd(&d->sirq_ns);
		}
		s->fed_runs += rd(&d->fed_runs);
		s->irqs += rd(&d->irqs);
		s->raises += rd(&d->raises);
		s->queued += rd(&d->queued);
		s->feeds += rd(&d->feeds);
		s->item_runs += rd(&d->item_runs);
	}
}

static double pct_idle(const struct summary *s, double secs)
{
	unsigned int nidle = ncpus - nstorm;

	return secs > 0 ? 100.0 * (double)(s->sched_ns + s->sirq_ns) /
				  (secs * 1e9 * nidle)
			: 0;
}

/* The same, without the idle CPUs' lock waits longer than LHP_LONG_NS. */
static double pct_idle_no_lhp(const struct summary *s, double secs)
{
	unsigned int nidle = ncpus - nstorm;
	double ns = (double)(s->sched_ns + s->sirq_ns) -
		    (double)s->idle_long_wait_ns;

	return secs > 0 ? 100.0 * (ns > 0 ? ns : 0) / (secs * 1e9 * nidle) : 0;
}

static double ns_per_tick(const struct summary *s)
{
	return s->ticks ? (double)(s->sched_ns + s->sirq_ns) / (double)s->ticks
			: 0;
}

static int run_design(const struct bench_impl *design, unsigned int seconds,
		      struct summary *s)
{
	pthread_t st[MAX_CPUS], tt;
	uint64_t t0, t_last = 0;
	int tty = isatty(STDERR_FILENO);
	unsigned int c, i;
	int rc;

	im = design;
	is_dwork = !strcmp(design->name, "dwork");
	memset(dc, 0, sizeof(dc));
	rc = dwork_posix_start(ncpus);
	if (rc) {
		fprintf(stderr, "dwork-demo: dwork_posix_start: %d\n", rc);
		return rc;
	}
	im->setup(ncpus);
	for (c = 0; c < ncpus; c++) {
		struct dcpu *d = &dc[c];

		d->cpu = c;
		dwork_item_init(&demo_kick[c], kick_cb);
		d->items = aligned_alloc(64, stride() * NR_ITEMS);
		d->feed_objs = aligned_alloc(64, stride() * NR_FEED);
		d->timer_obj = aligned_alloc(64, stride());
		if (!d->items || !d->feed_objs || !d->timer_obj)
			return DWORK_EAGAIN;
		for (i = 0; i < NR_ITEMS; i++)
			im->obj_init(obj(d->items, i), BENCH_ITEM, item_cb, d);
		for (i = 0; i < NR_FEED; i++)
			im->obj_init(obj(d->feed_objs, i), BENCH_TASKLET,
				     fed_cb, d);
		im->obj_init(d->timer_obj, BENCH_TASKLET, timer_cb, d);
		d->maxlat = (uint64_t)seconds * 1000000u / tick_us + 1024;
		d->lat = calloc(d->maxlat, sizeof(uint64_t));
		if (!d->lat)
			return DWORK_EAGAIN;
	}
	for (c = 0; c < ncpus; c++) {
		dwork_posix_run_on(c, set_fifo, NULL);
		dwork_posix_run_on(c, read_nivcsw, &dc[c].nivcsw0);
	}
	s->name = design->name;
	stop_flag = 0;
	t0 = now_ns();
	for (c = 0; c < nstorm; c++)
		pthread_create(&st[c], NULL, storm_thread, &dc[c]);
	pthread_create(&tt, NULL, timer_thread, NULL);

	for (;;) {
		struct timespec ts = { 0, 250000000 };
		uint64_t t = now_ns();
		double secs = (double)(t - t0) / 1e9;

		if (secs >= seconds)
			break;
		if (t - t_last >= 500000000ull) {
			sum_counters(s);
			/* On a terminal one line rewritten in place; in
			 * a log (stderr not a terminal) plain lines. */
			fprintf(stderr,
				"%s[%s %.1f/%us] storm %.0fk irq/s, idle CPU "
				"%.2f%% in machinery%s",
				tty ? "\r" : "", design->name, secs, seconds,
				(double)s->irqs / secs / 1e3, pct_idle(s, secs),
				tty ? "  " : "\n");
			t_last = t;
		}
		nanosleep(&ts, NULL);
	}
	__atomic_store_n(&stop_flag, 1, __ATOMIC_RELEASE);
	s->secs = (double)(now_ns() - t0) / 1e9;
	for (c = 0; c < nstorm; c++)
		pthread_join(st[c], NULL);
	pthread_join(tt, NULL);
	dwork_posix_quiesce();
	for (c = 0; c < ncpus; c++)
		dwork_posix_run_on(c, read_nivcsw, &dc[c].nivcsw1);
	sum_counters(s);
	s->idle_long_waits = s->idle_long_wait_ns = s->idle_waits = 0;
	s->long_holds = s->long_hold_ns = 0;
	s->nivcsw_storm = s->nivcsw_idle = 0;
	for (c = 0; c < ncpus; c++) {
		struct dcpu *d = &dc[c];
		long nv = d->nivcsw1 - d->nivcsw0;

		s->long_holds += d->lk_long_holds;
		s->long_hold_ns += (uint64_t)((double)d->lk_long_hold_t /
					      tsc_per_ns);
		if (is_idle_cpu(c)) {
			s->idle_waits += d->lk_waits;
			s->idle_long_waits += d->lk_long_waits;
			s->idle_long_wait_ns += (uint64_t)(
				(double)d->lk_long_wait_t / tsc_per_ns);
			s->nivcsw_idle += nv;
		} else {
			s->nivcsw_storm += nv;
		}
	}
	if (tty)
		fprintf(stderr, "\r%79s\r", "");

	/* Latency percentiles over all idle CPUs. */
	{
		uint64_t n = 0, *all;

		for (c = nstorm; c < ncpus; c++)
			n += dc[c].nlat < dc[c].maxlat ? dc[c].nlat
						       : dc[c].maxlat;
		all = calloc(n + 1, sizeof(uint64_t));
		n = 0;
		for (c = nstorm; c < ncpus; c++) {
			uint64_t k = dc[c].nlat < dc[c].maxlat ? dc[c].nlat
							       : dc[c].maxlat;

			memcpy(all + n, dc[c].lat, k * sizeof(uint64_t));
			n += k;
		}
		qsort(all, n, sizeof(uint64_t), cmp_u64);
		s->lat_p50 = n ? all[n / 2] : 0;
		s->lat_p99 = n ? all[(n * 99) / 100] : 0;
		s->lat_max = n ? all[n - 1] : 0;
		free(all);
	}

	for (c = 0; c < ncpus; c++) {
		if (is_dwork) {
			struct dwork_stats ds;

			dwork_cpu_stats(c, &ds);
			s->cpu[c].raised = ds.raised;
			s->cpu[c].coalesced = ds.coalesced;
			s->cpu[c].run = ds.run;
			s->cpu[c].fed = ds.fed;
		} else {
			bl_global_lock_stats(c, &s->cpu[c]);
		}
	}
	dwork_posix_stop();
	im->teardown();
	for (c = 0; c < ncpus; c++) {
		free(dc[c].items);
		free(dc[c].feed_objs);
		free(dc[c].timer_obj);
		free(dc[c].lat);
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

/* --json FILE: the same summary, machine-readable (bench/plot.sh plots it). */
static int write_json(const char *path, const struct summary *a,
		      const struct summary *b)
{
	const struct summary *s[2] = { a, b };
	FILE *f = fopen(path, "w");
	unsigned int i, c;

	if (!f) {
		perror(path);
		return -1;
	}
	fprintf(f, "{\n  \"sched_fifo\": %s,\n", use_rt ? "true" : "false");
	fprintf(f, "  \"cpus\": %u, \"storm_cpus\": %u, \"tick_us\": %u, "
		   "\"feed_us\": %u, \"burst\": %u, \"lhp_long_ns\": %u,\n"
		   "  \"ratio_machinery\": %.2f, "
		   "\"ratio_machinery_without_long_lock_waits\": %.2f,\n"
		   "  \"designs\": [",
		ncpus, nstorm, tick_us, feed_us, burst, LHP_LONG_NS,
		ratio(pct_idle(a, a->secs), pct_idle(b, b->secs)),
		ratio(pct_idle_no_lhp(a, a->secs), pct_idle(b, b->secs)));
	for (i = 0; i < 2; i++) {
		const struct summary *x = s[i];

		fprintf(f, "%s\n    {\"design\": \"%s\", \"seconds\": %.2f, "
			   "\"idle_machinery_pct\": %.4f, "
			   "\"ns_per_tick\": %.0f, \"sched_ns_per_tick\": %.0f, "
			   "\"softirq_ns_per_tick\": %.0f, \"ticks\": %llu, "
			   "\"timer_runs\": %llu, \"lat_p50_ns\": %llu, "
			   "\"lat_p99_ns\": %llu, \"lat_max_ns\": %llu, "
			   "\"storm_irqs_per_s\": %.0f, \"fed\": %llu,\n"
			   "     \"idle_machinery_pct_without_long_lock_waits\": "
			   "%.4f, \"idle_lock_waits\": %llu, "
			   "\"idle_long_lock_waits\": %llu, "
			   "\"idle_long_lock_wait_ns\": %llu, "
			   "\"long_lock_holds\": %llu, \"long_lock_hold_ns\": "
			   "%llu, \"nivcsw_storm\": %ld, \"nivcsw_idle\": %ld,\n"
			   "     \"per_cpu\": [",
			i ? "," : "", x->name, x->secs, pct_idle(x, x->secs),
			ns_per_tick(x),
			x->ticks ? (double)x->sched_ns / (double)x->ticks : 0,
			x->ticks ? (double)x->sirq_ns / (double)x->ticks : 0,
			(unsigned long long)x->ticks,
			(unsigned long long)x->timer_runs,
			(unsigned long long)x->lat_p50,
			(unsigned long long)x->lat_p99,
			(unsigned long long)x->lat_max, x->irqs / x->secs,
			(unsigned long long)x->feeds,
			pct_idle_no_lhp(x, x->secs),
			(unsigned long long)x->idle_waits,
			(unsigned long long)x->idle_long_waits,
			(unsigned long long)x->idle_long_wait_ns,
			(unsigned long long)x->long_holds,
			(unsigned long long)x->long_hold_ns, x->nivcsw_storm,
			x->nivcsw_idle);
		for (c = 0; c < ncpus; c++)
			fprintf(f, "%s{\"cpu\": %u, \"role\": \"%s\", "
				   "\"raised\": %lu, \"coalesced\": %lu, "
				   "\"run\": %lu, \"fed\": %lu}",
				c ? ", " : "", c,
				is_idle_cpu(c) ? "idle" : "storm",
				x->cpu[c].raised, x->cpu[c].coalesced,
				x->cpu[c].run, x->cpu[c].fed);
		fprintf(f, "]}");
	}
	fprintf(f, "\n  ]\n}\n");
	return fclose(f) ? -1 : 0;
}

/*
 * Lock-holder preemption: how much of the global-lock figure is the host
 * descheduling a lock holder, which hardware with IRQs off cannot do.
 */
static void print_lhp(const struct summary *a, const struct summary *b)
{
	double m_a = pct_idle(a, a->secs), m_b = pct_idle(b, b->secs);
	double n_a = pct_idle_no_lhp(a, a->secs);

	printf("\nlock-holder preemption (POSIX runtime only; %s's tasklet_lock "
	       "timed with the TSC):\n", a->name);
	printf("  lock holds longer than %u us, all CPUs: %llu, %.1f ms in all\n",
	       LHP_LONG_NS / 1000, (unsigned long long)a->long_holds,
	       (double)a->long_hold_ns / 1e6);
	printf("  lock waits of idle CPUs: %llu, of which %llu longer than %u "
	       "us: %.1f ms in all\n", (unsigned long long)a->idle_waits,
	       (unsigned long long)a->idle_long_waits, LHP_LONG_NS / 1000,
	       (double)a->idle_long_wait_ns / 1e6);
	printf("  (a hold is ~100 ns of code: a hold or wait that long means "
	       "the holder was off\n  its CPU -- descheduled by the host, or "
	       "taking a signal -- while it held the lock)\n");
	printf("  idle CPU time in machinery, %s: %.3f%% as measured, %.3f%% "
	       "without those waits\n", a->name, m_a, n_a);
	printf("  machinery time %s/%s: %.1fx as measured, %.1fx with the "
	       "long waits removed\n", a->name, b->name, ratio(m_a, m_b),
	       ratio(n_a, m_b));
	printf("  (removing every wait over %u us also removes waits where "
	       "the waiter itself was\n  descheduled: the second ratio is a "
	       "lower bound of the design's own cost)\n", LHP_LONG_NS / 1000);
}

/* Say where dwork's column is worse, and why. */
static void print_worse(const struct summary *a, const struct summary *b)
{
	double sa = a->ticks ? (double)a->sched_ns / (double)a->ticks : 0;
	double sb = b->ticks ? (double)b->sched_ns / (double)b->ticks : 0;
	double ca = a->ticks ? (double)(a->ticks - a->timer_runs) / a->ticks : 0;
	double cb = b->ticks ? (double)(b->ticks - b->timer_runs) / b->ticks : 0;
	unsigned int n = 0;

	printf("\nrows where dwork is worse:\n");
	if (sb > sa) {
		n++;
		printf("  - schedule in timer IRQ (%.0f vs %.0f ns): dwork's "
		       "schedule is a CAS on the\n    tasklet's state word plus "
		       "a list append; an uncontended ticket lock costs\n    "
		       "about as much, and the timer IRQ rarely finds the lock "
		       "taken.\n", sb, sa);
	}
	if (cb > ca) {
		n++;
		printf("  - ticks coalesced (%.1f%% vs %.1f%% of ticks): a tick "
		       "that finds its tasklet still\n    pending from the "
		       "previous tick; it counts host scheduling delays of "
		       "the\n    idle vCPU thread more than either design.\n",
		       100 * cb, 100 * ca);
	}
	if (b->lat_p50 > a->lat_p50 || b->lat_p99 > a->lat_p99 ||
	    b->lat_max > a->lat_max) {
		n++;
		printf("  - tick -> tasklet start latency: on the POSIX "
		       "runtime it is mostly signal delivery\n    and host "
		       "scheduling of the idle vCPU thread (it sleeps between "
		       "ticks).\n");
	}
	if (b->irqs / b->secs < a->irqs / a->secs) {
		n++;
		printf("  - storm interrupts per second: host scheduling of "
		       "the storm threads decides it\n    as much as either "
		       "design.\n");
	}
	if (!n)
		printf("  none in this run.\n");
}

static void print_summary(const struct summary *a, const struct summary *b)
{
	const struct summary *s[2] = { a, b };
	unsigned int i, c;

	printf("\nXen's 2014 tasklet_lock scenario: %u storm CPU(s) (0..%u), %u idle "
	       "CPU(s) with a %u us timer tasklet; %.1f s per design.\n",
	       nstorm, nstorm - 1, ncpus - nstorm, tick_us, a->secs);
	printf("global_lock is a model of Xen's tasklet design before dwork: "
	       "per-CPU lists and\none global spinlock (tasklet_lock) taken, "
	       "with IRQs off, by every schedule,\nrun and kill on every CPU. "
	       "In 2014 the report said idle guests saw about 40%%\nsteal "
	       "time, and 1/10 of the timeslice (3 ms of 30 ms) went on the "
	       "lock.\n\n");
	printf("%-44s %16s %16s\n", "", a->name, b->name);
	printf("%-44s %15.3f%% %15.3f%%\n",
	       "idle CPU time inside deferred-work machinery",
	       pct_idle(a, a->secs), pct_idle(b, b->secs));
	printf("%-44s %16.0f %16.0f\n", "  per timer tick, ns (mean)",
	       ns_per_tick(a), ns_per_tick(b));
	printf("%-44s %16.0f %16.0f\n", "  of which: schedule in timer IRQ, ns",
	       a->ticks ? (double)a->sched_ns / (double)a->ticks : 0,
	       b->ticks ? (double)b->sched_ns / (double)b->ticks : 0);
	printf("%-44s %16.0f %16.0f\n", "  of which: softirq machinery, ns",
	       a->ticks ? (double)a->sirq_ns / (double)a->ticks : 0,
	       b->ticks ? (double)b->sirq_ns / (double)b->ticks : 0);
	printf("%-44s %7llu/%8llu %7llu/%8llu\n",
	       "timer ticks / timer tasklet runs", (unsigned long long)a->ticks,
	       (unsigned long long)a->timer_runs, (unsigned long long)b->ticks,
	       (unsigned long long)b->timer_runs);
	printf("%-44s %16llu %16llu\n",
	       "  ticks coalesced (tasklet still pending)",
	       (unsigned long long)(a->ticks - a->timer_runs),
	       (unsigned long long)(b->ticks - b->timer_runs));
	printf("%-44s %9.1f/%6.1f %9.1f/%6.1f\n",
	       "tick -> tasklet start, us (p50/p99)", a->lat_p50 / 1e3,
	       a->lat_p99 / 1e3, b->lat_p50 / 1e3, b->lat_p99 / 1e3);
	printf("%-44s %16.1f %16.1f\n", "tick -> tasklet start, us (max)",
	       a->lat_max / 1e3, b->lat_max / 1e3);
	printf("%-44s %16.0f %16.0f\n", "storm interrupts handled per second",
	       a->irqs / a->secs, b->irqs / b->secs);
	printf("%-44s %16.0f %16.0f\n", "storm item raises per second",
	       a->raises / a->secs, b->raises / b->secs);
	printf("%-44s %15.1f%% %15.1f%%\n", "storm raises coalesced",
	       a->raises ? 100.0 * (a->raises - a->queued) / a->raises : 0,
	       b->raises ? 100.0 * (b->raises - b->queued) / b->raises : 0);
	printf("%-44s %16llu %16llu\n", "tasklets fed across CPUs / run",
	       (unsigned long long)a->feeds, (unsigned long long)b->feeds);
	printf("%-44s %16ld %16ld\n",
	       "host preemptions of vCPU threads, storm CPUs",
	       a->nivcsw_storm, b->nivcsw_storm);
	printf("%-44s %16ld %16ld\n", "  idle CPUs", a->nivcsw_idle,
	       b->nivcsw_idle);
	print_lhp(a, b);
	print_worse(a, b);

	for (i = 0; i < 2; i++) {
		printf("\nper-CPU summary, %s (%s):\n", s[i]->name,
		       i == 1 ? "dwork_cpu_stats()"
			      : "the baseline's own counters");
		printf("  %4s %-6s %14s %14s %14s %10s\n", "cpu", "role",
		       "raised", "coalesced", "run", "fed");
		for (c = 0; c < ncpus; c++)
			printf("  %4u %-6s %14lu %14lu %14lu %10lu\n", c,
			       is_idle_cpu(c) ? "idle" : "storm",
			       s[i]->cpu[c].raised, s[i]->cpu[c].coalesced,
			       s[i]->cpu[c].run, s[i]->cpu[c].fed);
	}
	printf("\n(raised: schedules/raises that queued a run; coalesced: "
	       "found it pending;\n run: callbacks run on the CPU; fed: "
	       "pushed to another CPU.)\n");
}

static void usage(void)
{
	fprintf(stderr,
		"usage: dwork-demo [--seconds N] [--cpus N] [--tick-us N] "
		"[--burst N] [--feed-us N] [--quick] [--rt] [--json FILE]\n"
		"  --seconds N  seconds per design (default 10; two designs)\n"
		"  --cpus N     virtual CPUs, 2..%d (default 2): the first "
		"half storm, the rest idle\n"
		"  --tick-us N  idle CPUs' timer period (default 1000)\n"
		"  --burst N    device events per storm interrupt (default "
		"16)\n"
		"  --feed-us N  a storm CPU feeds a tasklet to the next CPU "
		"at most every N us (default 250)\n"
		"  --quick      1 second per design (CI)\n"
		"  --rt         every demo thread SCHED_FIFO (root): no other "
		"process preempts a lock holder\n"
		"  --json FILE  also write the summary as JSON\n",
		MAX_CPUS);
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned int seconds = 10;
	const char *json = NULL;
	struct summary a, b;
	int i;

	ncpus = 2;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--cpus") && i + 1 < argc)
			ncpus = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--tick-us") && i + 1 < argc)
			tick_us = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--feed-us") && i + 1 < argc)
			feed_us = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--burst") && i + 1 < argc)
			burst = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--rt"))
			use_rt = true;
		else if (!strcmp(argv[i], "--quick"))
			seconds = 1;
		else
			usage();
	}
	if (ncpus < 2 || ncpus > MAX_CPUS || ncpus > DWORK_NR_CPUS ||
	    seconds < 1 || tick_us < 50 || burst < 1)
		usage();
	nstorm = ncpus / 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	calibrate_tsc();
	printf("dwork-demo: %u virtual CPUs on %ld host CPUs; %u s with the "
	       "global-lock design, then %u s with dwork%s\n",
	       ncpus, sysconf(_SC_NPROCESSORS_ONLN), seconds, seconds,
	       use_rt ? "; every demo thread SCHED_FIFO (--rt)" : "");
	if (run_design(&bench_impl_global_lock, seconds, &a))
		return 1;
	if (run_design(&bench_impl_dwork, seconds, &b))
		return 1;
	print_summary(&a, &b);
	if (json && write_json(json, &a, &b))
		return 1;
	return 0;
}

// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork-irqoff: how long dwork keeps IRQs off, per entry point.
 *
 * The core is compiled here against the bench port with BP_IRQ_TIMING
 * (bench/benchport/dwork_port.h): every IRQs-off section, from the
 * outermost dwork_port_irq_save() to the restore that turns IRQs on again,
 * is timed with the TSC (clock_gettime where there is none), the cost of
 * the two timestamps is subtracted, and the section is charged to the
 * entry point this driver named in bp_irq_entry before the call.
 *
 * One thread plays every CPU (it sets the port's this_cpu before each
 * call), so the figures do not depend on a second host CPU and the
 * scenarios are deterministic; only the host's noise (an interrupt or a
 * preemption of the thread inside a section) varies, and it shows in the
 * maximum (--rt runs the thread SCHED_FIFO, so that other processes do
 * not).  Usage: dwork-irqoff [--reps N] [--nodes N] [--rt]
 *                            [--json [--table FILE]]
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <dwork/dwork.h>

/* The core's adoption batch (src/internal.h), for the table's header. */
#ifndef DWORK_ADOPT_BATCH
#define ADOPT_BATCH 32
#else
#define ADOPT_BATCH DWORK_ADOPT_BATCH
#endif

struct bp_cpu bp_cpus[BP_MAX_CPUS];
__thread unsigned int bp_self = DWORK_CPU_NONE;
__thread unsigned long bp_irq_off;
__thread unsigned int bp_in_irq;
__thread unsigned int bp_irq_entry;
__thread uint64_t bp_irq_t0;

enum entry {
	E_NONE,        /* setup work, not reported */
	E_CAL,         /* calibration: an empty section */
	E_SCHED,
	E_SCHED_ON,
	E_SOFTIRQ,
	E_SOFTIRQ_FED,
	E_SOFTIRQ_FED_BIG,
	E_REAP,
	E_KILL,
	E_KILL_BIG,
	E_DEAD_LIST,
	E_DEAD_INBOX,
	NR_ENTRY
};

static const char *const entry_name[NR_ENTRY] = {
	"-", "-",
	"schedule (local)",
	"schedule_on (remote)",
	"softirq pass, 64 local nodes, per section",
	"softirq pass, 64 fed nodes (inbox drain)",
	"softirq pass, N fed nodes (inbox drain)",
	"softirq pass, reap scan of N queued nodes",
	"kill's wait loop, node queued here",
	"kill's wait loop, N nodes queued here",
	"cpu_dead, N nodes on the dead CPU's list",
	"cpu_dead, N nodes in the dead CPU's inbox",
};

#define MAX_SAMPLES (1u << 20)

struct samples {
	uint64_t *v;
	unsigned int n;
	uint64_t dropped;
};

static struct samples smp[NR_ENTRY];

/*
 * The longest section of each call (one scenario run): their median is
 * the "longest section per call" column, which a rare host preemption
 * inside one call does not move, unlike the maximum over all sections.
 */
#define MAX_CALLS 4096
static uint64_t call_max_cur[NR_ENTRY];
static uint64_t call_max[NR_ENTRY][MAX_CALLS];
static unsigned int ncalls[NR_ENTRY];

uint64_t bp_ticks_slow(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void bp_irqoff_record(unsigned int entry, uint64_t ticks)
{
	struct samples *s = &smp[entry < NR_ENTRY ? entry : E_NONE];

	if (ticks > call_max_cur[entry < NR_ENTRY ? entry : E_NONE])
		call_max_cur[entry < NR_ENTRY ? entry : E_NONE] = ticks;
	if (s->n < MAX_SAMPLES)
		s->v[s->n++] = ticks;
	else
		s->dropped++;
}

static uint64_t now_ns(void)
{
	return bp_ticks_slow();
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static bool use_rt;
static struct dwork_tasklet *tasklets;
static unsigned int nnodes = 10000;

static struct {
	unsigned int n;
	double p50, p99, max, call;
} res[NR_ENTRY];
static double cal_ns;

static void print_table(FILE *f, unsigned int reps)
{
	unsigned int e;

	fprintf(f, "dwork-irqoff: IRQs-off sections per entry point, "
		   "N = %u nodes, %u repetitions\n"
		   "(timer cost %.1f ns subtracted; softirq batch %u, "
		   "adoption batch %u%s)\n"
		   "per call: the longest section of one call, median of the "
		   "calls\n\n%-44s %9s %9s %9s %9s %9s\n",
		nnodes, reps, cal_ns, (unsigned int)DWORK_SOFTIRQ_BATCH,
		(unsigned int)ADOPT_BATCH, use_rt ? "; SCHED_FIFO" : "",
		"entry point", "sections", "median", "p99 ns", "per call",
		"max ns");
	for (e = E_SCHED; e < NR_ENTRY; e++)
		fprintf(f, "%-44s %9u %9.0f %9.0f %9.0f %9.0f\n",
			entry_name[e], res[e].n, res[e].p50, res[e].p99,
			res[e].call, res[e].max);
}

static void print_json(FILE *f, unsigned int reps)
{
	unsigned int e;

	fprintf(f, "{\n  \"tool\": \"dwork-irqoff\", \"reps\": %u, "
		   "\"nodes\": %u, \"timer_cost_ns\": %.1f, "
		   "\"sched_fifo\": %s,\n  \"entries\": [", reps, nnodes,
		cal_ns, use_rt ? "true" : "false");
	for (e = E_SCHED; e < NR_ENTRY; e++)
		fprintf(f, "%s\n    {\"entry\": \"%s\", \"sections\": %u, "
			   "\"median_ns\": %.0f, \"p99_ns\": %.0f, "
			   "\"per_call_max_ns\": %.0f, \"max_ns\": %.0f}",
			e == E_SCHED ? "" : ",", entry_name[e], res[e].n,
			res[e].p50, res[e].p99, res[e].call, res[e].max);
	fprintf(f, "\n  ]\n}\n");
}

static void as_cpu(unsigned int cpu)
{
	bp_self = cpu;
}

/* Drop every raised softirq word (the driver calls dwork_softirq itself). */
static void clear_raised(void)
{
	unsigned int i;

	for (i = 0; i < BP_MAX_CPUS; i++)
		bp_cpus[i].softirq_pending = 0;
}

/* Run CPU @cpu's softirq until its lists are empty (not reported). */
static void run_empty(unsigned int cpu)
{
	unsigned int guard = 0;

	as_cpu(cpu);
	bp_irq_entry = E_NONE;
	do {
		bp_cpus[cpu].softirq_pending = 0;
		dwork_softirq();
	} while (bp_cpus[cpu].softirq_pending && ++guard < 1000000);
	clear_raised();
}

static uint64_t nruns;

static void count_fn(void *arg)
{
	(void)arg;
	nruns++;
}


static void init_tasklets(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dwork_tasklet_init(&tasklets[i], count_fn, NULL,
				   DWORK_TASKLET_SOFTIRQ);
}

/* Schedule @n tasklets on @cpu from CPU @from (not reported). */
static void queue_n(unsigned int n, unsigned int from, unsigned int cpu)
{
	unsigned int i;

	as_cpu(from);
	bp_irq_entry = E_NONE;
	for (i = 0; i < n; i++)
		dwork_tasklet_schedule_on(&tasklets[i], cpu);
}

static void scenario(enum entry e, unsigned int reps)
{
	unsigned int r, i;

	for (r = 0; r < reps; r++) {
		switch (e) {
		case E_SCHED:
			init_tasklets(64);
			as_cpu(0);
			bp_irq_entry = E_SCHED;
			for (i = 0; i < 64; i++)
				dwork_tasklet_schedule(&tasklets[i]);
			run_empty(0);
			break;
		case E_SCHED_ON:
			init_tasklets(64);
			as_cpu(1);
			bp_irq_entry = E_SCHED_ON;
			for (i = 0; i < 64; i++)
				dwork_tasklet_schedule_on(&tasklets[i], 0);
			run_empty(0);
			break;
		case E_SOFTIRQ:
			init_tasklets(64);
			queue_n(64, 0, 0);
			as_cpu(0);
			bp_irq_entry = E_SOFTIRQ;
			dwork_softirq();
			run_empty(0);
			break;
		case E_SOFTIRQ_FED:
		case E_SOFTIRQ_FED_BIG: {
			unsigned int n = e == E_SOFTIRQ_FED ? 64 : nnodes;

			init_tasklets(n);
			queue_n(n, 1, 0);
			as_cpu(0);
			bp_irq_entry = e;
			dwork_softirq();
			run_empty(0);
			break;
		}
		case E_REAP:
			/*
			 * N queued here; re-target the last to CPU 2, which
			 * asks this CPU to reap (forward) it.
			 */
			init_tasklets(nnodes);
			queue_n(nnodes, 0, 0);
			as_cpu(0);
			dwork_tasklet_schedule_on(&tasklets[nnodes - 1], 2);
			bp_irq_entry = E_REAP;
			dwork_softirq();
			run_empty(0);
			run_empty(2);
			break;
		case E_KILL:
		case E_KILL_BIG: {
			unsigned int n = e == E_KILL ? 1 : nnodes;

			init_tasklets(n);
			queue_n(n, 0, 0);
			as_cpu(0);
			bp_irq_entry = e;
			dwork_tasklet_kill(&tasklets[n - 1]);
			run_empty(0);
			break;
		}
		case E_DEAD_LIST:
		case E_DEAD_INBOX:
			init_tasklets(nnodes);
			dwork_cpu_init(1);
			if (e == E_DEAD_LIST) {
				/* Local schedules on CPU 1: its list. */
				queue_n(nnodes, 1, 1);
			} else {
				/* Fed from CPU 2, not drained: its inbox. */
				queue_n(nnodes, 2, 1);
			}
			clear_raised();
			as_cpu(0);
			bp_irq_entry = e;
			dwork_cpu_dead(1);
			run_empty(0);
			break;
		default:
			break;
		}
		clear_raised();
	}
}

int main(int argc, char **argv)
{
	unsigned int reps = 20, i, e;
	bool json = false;
	const char *table = NULL;
	uint64_t t0, c0, t1, c1, cal;
	double ns_per_tick;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--reps") && a + 1 < argc)
			reps = (unsigned int)atoi(argv[++a]);
		else if (!strcmp(argv[a], "--nodes") && a + 1 < argc)
			nnodes = (unsigned int)atoi(argv[++a]);
		else if (!strcmp(argv[a], "--json"))
			json = true;
		else if (!strcmp(argv[a], "--rt"))
			use_rt = true;
		else if (!strcmp(argv[a], "--table") && a + 1 < argc)
			table = argv[++a];
		else {
			fprintf(stderr, "usage: dwork-irqoff [--reps N] "
					"[--nodes N] [--rt] [--json [--table FILE]]\n");
			return 2;
		}
	}
	if (!reps || nnodes < 64) {
		fprintf(stderr, "dwork-irqoff: --reps >= 1, --nodes >= 64\n");
		return 2;
	}
	for (e = 0; e < NR_ENTRY; e++)
		smp[e].v = malloc(sizeof(uint64_t) * MAX_SAMPLES);
	tasklets = calloc(nnodes, sizeof(*tasklets));
	if (!tasklets || !smp[NR_ENTRY - 1].v)
		return 2;
	for (i = 0; i < 3; i++)
		dwork_cpu_init(i);
	if (use_rt) {
		/* SCHED_FIFO: other processes cannot preempt a section. */
		struct sched_param sp = { .sched_priority = 1 };

		if (sched_setscheduler(0, SCHED_FIFO, &sp)) {
			fprintf(stderr, "dwork-irqoff: --rt: cannot set "
					"SCHED_FIFO (needs root or "
					"CAP_SYS_NICE)\n");
			return 2;
		}
	}

	/* Ticks per ns, against CLOCK_MONOTONIC over 50 ms. */
	t0 = now_ns();
	c0 = bp_ticks();
	while (now_ns() - t0 < 50000000)
		;
	t1 = now_ns();
	c1 = bp_ticks();
	ns_per_tick = (double)(t1 - t0) / (double)(c1 - c0);

	/* The cost of an empty section: the median of 200,000. */
	as_cpu(0);
	bp_irq_entry = E_CAL;
	for (i = 0; i < 200000; i++)
		dwork_port_irq_restore(dwork_port_irq_save());
	qsort(smp[E_CAL].v, smp[E_CAL].n, sizeof(uint64_t), cmp_u64);
	cal = smp[E_CAL].v[smp[E_CAL].n / 2];

	/* Interleave the scenarios, so host noise spreads over all. */
	for (i = 0; i < reps; i++)
		for (e = E_SCHED; e < NR_ENTRY; e++)
		{
			call_max_cur[e] = 0;
			scenario((enum entry)e, 1);
			if (ncalls[e] < MAX_CALLS)
				call_max[e][ncalls[e]++] = call_max_cur[e];
		}

	for (e = E_SCHED; e < NR_ENTRY; e++) {
		struct samples *s = &smp[e];

		for (i = 0; i < s->n; i++)
			s->v[i] = s->v[i] > cal ? s->v[i] - cal : 0;
		qsort(s->v, s->n, sizeof(uint64_t), cmp_u64);
		res[e].n = s->n;
		res[e].p50 = s->n ? (double)s->v[s->n / 2] * ns_per_tick : 0;
		res[e].p99 = s->n ? (double)s->v[(s->n * 99ull) / 100] *
					    ns_per_tick
				  : 0;
		res[e].max = s->n ? (double)s->v[s->n - 1] * ns_per_tick : 0;
		qsort(call_max[e], ncalls[e], sizeof(uint64_t), cmp_u64);
		res[e].call = ncalls[e] ? (double)(call_max[e][ncalls[e] / 2] > cal
						   ? call_max[e][ncalls[e] / 2] - cal
						   : 0) * ns_per_tick
				       : 0;
	}
	cal_ns = (double)cal * ns_per_tick;
	if (json) {
		print_json(stdout, reps);
		if (table) {
			FILE *f = fopen(table, "w");

			if (!f) {
				perror(table);
				return 2;
			}
			print_table(f, reps);
			fclose(f);
		}
	} else {
		print_table(stdout, reps);
	}
	return 0;
}

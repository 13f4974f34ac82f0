// SPDX-License-Identifier: BSD-2-Clause
/*
 * A cross-CPU pipeline with tasklets.
 *
 *   CPU 0 (task)        CPU 1 (softirq)        CPU 2 (softirq)      CPU 2 (idle)
 *   produce -> ring01 -> [parse tasklet] -> ring12 -> [sum tasklet] -> [report]
 *
 * Each stage writes its output, publishes it, and schedules the next
 * stage's tasklet on the next CPU with dwork_tasklet_schedule_on().  The
 * schedule is lock-free (a push onto the target CPU's inbox) and can be
 * made from any context; a schedule of a tasklet that is already pending
 * coalesces, so a stage runs once for a whole burst.  dwork guarantees
 * that what the scheduling CPU wrote before a schedule that returned 0 is
 * visible to the callback run that follows, coalesced or not; the rings
 * below still use release/acquire so they are correct on their own.
 *
 * The last stage hands off to an idle tasklet, which runs from CPU 2's
 * idle loop, one callback per idle pass (Xen's rule).
 *
 * Checks (exit status): every message went through every stage exactly
 * once, in order, and each callback ran on the CPU it was scheduled on.
 */
#include <stdatomic.h>
#include <stdio.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

#define NR_MSGS		20000
#define BURST		50

/* A single-producer single-consumer ring of message indices. */
struct ring {
	unsigned int buf[NR_MSGS];
	atomic_uint head;		/* producer publishes (release) */
	unsigned int tail;		/* consumer only */
};

static struct ring ring01, ring12;
static unsigned long long sum;		/* stage 3 only */
static unsigned int stage3_seen, out_of_order;
static atomic_uint wrong_cpu, reports;
static atomic_uint last_reported;

static void parse(void *arg);
static void add_up(void *arg);
static void report(void *arg);

static struct dwork_tasklet parse_t = DWORK_SOFTIRQ_TASKLET_INIT(parse, NULL);
static struct dwork_tasklet sum_t = DWORK_SOFTIRQ_TASKLET_INIT(add_up, NULL);
static struct dwork_tasklet report_t = DWORK_TASKLET_INIT(report, NULL);

static void push(struct ring *r, unsigned int v)
{
	unsigned int h = atomic_load_explicit(&r->head, memory_order_relaxed);

	r->buf[h] = v;
	atomic_store_explicit(&r->head, h + 1, memory_order_release);
}

static void check_cpu(int want)
{
	if (dwork_posix_this_cpu() != want)
		atomic_fetch_add(&wrong_cpu, 1);
}

/* Stage 1, task context on CPU 0 (through dwork_posix_run_on). */
static void produce(void *arg)
{
	unsigned int *next = arg;

	for (int i = 0; i < BURST && *next < NR_MSGS; i++)
		push(&ring01, (*next)++);
	/* Returns 0 whether it queued a run or joined a pending one. */
	if (dwork_tasklet_schedule_on(&parse_t, 1) != 0)
		atomic_fetch_add(&wrong_cpu, 1000);
}

/* Stage 2, softirq context on CPU 1. */
static void parse(void *arg)
{
	unsigned int h = atomic_load_explicit(&ring01.head,
					      memory_order_acquire);

	(void)arg;
	check_cpu(1);
	while (ring01.tail != h)
		push(&ring12, ring01.buf[ring01.tail++] * 2u);
	dwork_tasklet_schedule_on(&sum_t, 2);
}

/* Stage 3, softirq context on CPU 2. */
static void add_up(void *arg)
{
	unsigned int h = atomic_load_explicit(&ring12.head,
					      memory_order_acquire);

	(void)arg;
	check_cpu(2);
	while (ring12.tail != h) {
		unsigned int v = ring12.buf[ring12.tail++];

		if (v != 2u * stage3_seen)
			out_of_order++;
		stage3_seen++;
		sum += v;
	}
	/* The slow part goes to the idle loop. */
	dwork_tasklet_schedule(&report_t);
}

/* Stage 4, idle context on CPU 2: one call per idle pass. */
static void report(void *arg)
{
	(void)arg;
	check_cpu(2);
	atomic_fetch_add(&reports, 1);
	atomic_store(&last_reported, stage3_seen);
}

/* Teardown, task context: after kill, schedules are refused. */
static void kill_all(void *arg)
{
	(void)arg;
	dwork_tasklet_kill(&parse_t);
	dwork_tasklet_kill(&sum_t);
	dwork_tasklet_kill(&report_t);
	if (dwork_tasklet_schedule_on(&parse_t, 1) != DWORK_ESHUTDOWN)
		atomic_fetch_add(&wrong_cpu, 1000);
}

int main(void)
{
	unsigned int next = 0;
	unsigned long long want = 0;
	struct dwork_stats st;
	int bad = 0;

	switch (dwork_posix_start(3)) {
	case 0:
		break;
	case DWORK_EINVAL:
		return 77;	/* skip: built with fewer CPUs */
	default:
		return 1;
	}
	while (next < NR_MSGS)
		dwork_posix_run_on(0, produce, &next);
	dwork_posix_quiesce();

	for (unsigned int i = 0; i < NR_MSGS; i++)
		want += 2ull * i;
	for (unsigned int c = 0; c < 3; c++) {
		dwork_cpu_stats(c, &st);
		printf("cpu%u: raised %lu coalesced %lu run %lu fed %lu\n", c,
		       st.raised, st.coalesced, st.run, st.fed);
	}
	dwork_posix_run_on(0, kill_all, NULL);
	dwork_posix_stop();

	printf("pipeline: %u messages, %u bursts, %u idle reports, last "
	       "report saw %u\n", stage3_seen, (NR_MSGS + BURST - 1u) / BURST,
	       atomic_load(&reports), atomic_load(&last_reported));
	if (stage3_seen != NR_MSGS || sum != want || out_of_order) {
		printf("FAIL: messages lost, duplicated or reordered\n");
		bad = 1;
	}
	if (atomic_load(&wrong_cpu)) {
		printf("FAIL: a stage ran on the wrong CPU\n");
		bad = 1;
	}
	if (atomic_load(&last_reported) != NR_MSGS) {
		printf("FAIL: the idle stage did not see the end\n");
		bad = 1;
	}
	return bad;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The FIFO oracle of the storms (tests/stress, tests/posix), on the POSIX
 * runtime.
 *
 * A lane is a run_on task on one CPU that raises items only it touches,
 * all idle (dwork_item_busy() 0, so every raise queues a run and that run
 * serves it), in one of these patterns (run order in brackets):
 *   plain         raise(A); raise(B)                           (A, B)
 *   nmi_only      raise_nmi(A); raise_nmi(B)                   (A, B)
 *   cancel        raise(A); cancel(A); raise(B); raise(A)      (B, A)
 *   nmi_task      raise_nmi(A); raise(B)                       (A, B)
 *   nmi_self      an NMI on this CPU raises A; raise(B)        (A, B)
 *   nmi_cancel    raise(A); cancel(A); raise(B); raise_nmi(A)  (B, A)
 * Every raise there queues a run from the lane's CPU for that CPU, and
 * each queued run has a position; each callback checks that it starts in
 * position order.  The runs of one task are on one CPU's lists, or on its
 * adopter's if the CPU goes down (adoption keeps their order), so they
 * start one after the other.  The documented carve-outs of FIFO are in
 * fifo_carved_out(), the one place that says which pairs are not ordered.
 *
 * Use: fifo_lanes_init(seed) before dwork_posix_start(); fifo_lane_run(l,
 * cpu) from a host thread (skips if the lane is busy); after
 * dwork_posix_quiesce(), fifo_lanes_check() prints what failed and
 * returns the number of failures.
 */
#ifndef DWORK_FIFO_ORACLE_H
#define DWORK_FIFO_ORACLE_H

#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <dwork/dwork.h>
#include <dwork/posix.h>

#include "stress_common.h"

#define NR_LANES 3
#define LANE_ITEMS 4
#define LANE_RECS 16

enum pattern { P_PLAIN, P_NMI_ONLY, P_CANCEL, P_NMI_TASK, P_NMI_SELF,
	       P_NMI_CANCEL, NR_PATTERNS };
static const char *const pattern_name[NR_PATTERNS] = {
	"plain", "nmi_only", "cancel", "nmi_task", "nmi_self", "nmi_cancel",
};

/*
 * One lane task: its queued runs must start in position order.  The
 * record is free for another task once all @total runs have started
 * (@started), not once @next reached @total: in a carved-out pattern the
 * run in the last position may start first (nmi_task: the ordinary raise
 * of B is on the list before the NMI-safe raise of A leaves the inbox),
 * and A's run, still pending, must not be judged against the next task
 * that takes this record (its item still points here: it was busy, so no
 * task tagged it again).
 */
struct rec {
	atomic_uint next;    /* position of the next run to start */
	atomic_uint started; /* runs that started, in any order */
	unsigned int total;
	enum pattern pat;
	unsigned int cpu;
};

struct litem {
	struct dwork_item it;
	struct rec *_Atomic rec; /* written before the raise that queues */
	atomic_uint pos;
};

struct lane {
	atomic_uint taken;       /* one lane task at a time */
	struct litem items[LANE_ITEMS];
	struct rec recs[LANE_RECS];
	unsigned int seq;
	unsigned int seed;
};

static struct lane lanes[NR_LANES];
static atomic_ulong fifo_bad, fifo_bad_pat[NR_PATTERNS], lane_bad, lane_tasks;
static char fifo_msg[256];
static atomic_int fifo_msg_taken;

/*
 * The documented carve-outs of FIFO (README's FIFO row, docs/design.md
 * section 8, item.h and tasklet.h), in one place.  NMI-safe and ordinary
 * raises from one CPU are not ordered against each other, so a lane task
 * that mixes them checks that every run starts, not their order.  The
 * others cannot apply to a lane: a rerun owed to a running callback (lane
 * items are idle when raised), a re-targeted pending run (lanes raise on
 * their own CPU only), and a raise after a cancel that another CPU moves
 * at its next pass (lanes cancel their own local items, and the NMI-safe
 * one of them, in nmi_cancel, mixes kinds anyway).
 */
static bool fifo_carved_out(enum pattern pat)
{
	return pat == P_NMI_TASK || pat == P_NMI_SELF || pat == P_NMI_CANCEL;
}

static void fifo_fail(const char *fmt, struct rec *r, unsigned int want,
		      unsigned int got)
{
	atomic_fetch_add(&fifo_bad, 1);
	atomic_fetch_add(&fifo_bad_pat[r->pat], 1);
	if (!atomic_exchange(&fifo_msg_taken, 1))
		snprintf(fifo_msg, sizeof(fifo_msg), fmt,
			 pattern_name[r->pat], r->cpu, want, got);
}

static void litem_cb(struct dwork_item *it)
{
	struct litem *li = (struct litem *)(void *)it;
	struct rec *r = atomic_load(&li->rec);
	unsigned int pos = atomic_load(&li->pos);
	unsigned int want = atomic_load(&r->next);

	if (pos != want && !fifo_carved_out(r->pat))
		fifo_fail("FIFO: lane task '%s' on CPU %u: the run in position %u was due, position %u ran\n",
			  r, want, pos);
	if (pos >= want)
		atomic_store(&r->next, pos + 1);
	/* Last: once all runs counted themselves, nothing reads @r. */
	atomic_fetch_add(&r->started, 1);
}

/* Tag @li with its place in @r, then it must queue a run. */
static void tag(struct litem *li, struct rec *r, unsigned int pos)
{
	atomic_store(&li->rec, r);
	atomic_store(&li->pos, pos);
}

static void expect_queued(int rc)
{
	if (rc != DWORK_QUEUED)
		atomic_fetch_add(&lane_bad, 1);
}

static void lane_nmi(void *arg)
{
	expect_queued(dwork_item_raise_nmi(arg));
}

/* Task context on the lane's CPU: softirqs run only after it returns. */
static void lane_task(void *arg)
{
	struct lane *l = arg;
	struct rec *r = &l->recs[l->seq % LANE_RECS];
	unsigned int self = (unsigned int)dwork_posix_this_cpu();
	unsigned int a = rnd(&l->seed) % LANE_ITEMS;
	unsigned int b = (a + 1 + rnd(&l->seed) % (LANE_ITEMS - 1)) % LANE_ITEMS;
	struct litem *A = &l->items[a], *B = &l->items[b];
	enum pattern pat = (enum pattern)(rnd(&l->seed) % NR_PATTERNS);

	/* Idle items only (so each raise queues its own run), a free record. */
	if (dwork_item_busy(&A->it) || dwork_item_busy(&B->it) ||
	    (r->total && atomic_load(&r->started) != r->total))
		return;
	l->seq++;
	r->pat = pat;
	r->cpu = self;
	atomic_store(&r->next, 0);
	atomic_store(&r->started, 0);
	r->total = 2;
	atomic_fetch_add(&lane_tasks, 1);
	switch (pat) {
	case P_PLAIN:
		tag(A, r, 0);
		expect_queued(dwork_item_raise(&A->it));
		tag(B, r, 1);
		expect_queued(dwork_item_raise(&B->it));
		break;
	case P_NMI_ONLY:
		tag(A, r, 0);
		expect_queued(dwork_item_raise_nmi(&A->it));
		tag(B, r, 1);
		expect_queued(dwork_item_raise_nmi(&B->it));
		break;
	case P_CANCEL:
	case P_NMI_CANCEL:
		tag(A, r, 1);
		expect_queued(dwork_item_raise(&A->it));
		dwork_item_cancel(&A->it);
		tag(B, r, 0);
		expect_queued(dwork_item_raise(&B->it));
		expect_queued(pat == P_NMI_CANCEL ? dwork_item_raise_nmi(&A->it)
						  : dwork_item_raise(&A->it));
		break;
	case P_NMI_TASK:
		tag(A, r, 0);
		expect_queued(dwork_item_raise_nmi(&A->it));
		tag(B, r, 1);
		expect_queued(dwork_item_raise(&B->it));
		break;
	case P_NMI_SELF:
		tag(A, r, 0);
		while (dwork_posix_nmi_on(self, lane_nmi, &A->it) != 0)
			sched_yield(); /* another NMI is still running here */
		while (dwork_posix_nmi_pending(self))
			sched_yield();
		tag(B, r, 1);
		expect_queued(dwork_item_raise(&B->it));
		break;
	default:
		abort();
	}
}

static inline void fifo_lanes_init(unsigned int seed)
{
	unsigned int i, j;

	for (i = 0; i < NR_LANES; i++) {
		lanes[i].seed = seed * 31 + i;
		for (j = 0; j < LANE_ITEMS; j++) {
			dwork_item_init(&lanes[i].items[j].it, litem_cb);
			atomic_store(&lanes[i].items[j].rec, &lanes[i].recs[0]);
		}
	}
}

/* Run a task of lane @k on @cpu unless another thread runs one. */
static inline void fifo_lane_run(unsigned int k, unsigned int cpu)
{
	struct lane *l = &lanes[k % NR_LANES];

	if (!atomic_exchange(&l->taken, 1)) {
		dwork_posix_run_on(cpu, lane_task, l);
		atomic_store(&l->taken, 0);
	}
}

/* After dwork_posix_quiesce(): the number of failures, each printed. */
static inline unsigned int fifo_lanes_check(void)
{
	unsigned long missing = 0;
	unsigned int i, j, fails = 0;

	for (i = 0; i < NR_LANES; i++)
		for (j = 0; j < LANE_RECS; j++) {
			struct rec *r = &lanes[i].recs[j];

			if (r->total && atomic_load(&r->started) != r->total)
				missing++;
		}
	if (missing) {
		fprintf(stderr, "LOST: %lu lane tasks whose runs did not all start\n",
			missing);
		fails++;
	}
	if (atomic_load(&lane_bad)) {
		fprintf(stderr, "LANE: %lu raises of idle items did not queue a run\n",
			atomic_load(&lane_bad));
		fails++;
	}
	if (atomic_load(&fifo_bad)) {
		fprintf(stderr, "%lu FIFO violations; first: %s",
			atomic_load(&fifo_bad), fifo_msg);
		for (i = 0; i < NR_PATTERNS; i++)
			fprintf(stderr, "  lane pattern '%s': %lu\n",
				pattern_name[i], atomic_load(&fifo_bad_pat[i]));
		fails++;
	}
	return fails;
}

#endif /* DWORK_FIFO_ORACLE_H */

// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: deterministic random walks over the whole API on the test port.
 *
 * Each walk (fixed seed) performs a few hundred operations chosen at
 * random: schedules and raises from task or IRQ context on random CPUs
 * (re-targeting pending and running work), cancels, kills and re-inits,
 * softirq passes and idle runs, CPUs going down and coming back; callbacks
 * themselves schedule, raise and cancel, and kill (and re-init) their own
 * tasklet.  After every operation the
 * lists must be sound; at the end, after quiescing, every accepted
 * schedule must have been answered by a later run, no object may have run
 * more often than it was accepted or concurrently with itself, no debug
 * assertion may have fired, and runs that answer exactly one schedule
 * must be FIFO per source CPU, target CPU and kind.  A failure names the
 * seed and step, so it replays exactly.
 *
 * This is the single-threaded complement of the stress suite: no timing,
 * many more sequences per second, and exact replay.
 */
#include "unit.h"

#define NOBJ 12
#define NCPU 4
#define WALKS 2000
#define STEPS 400

static struct uobj o[NOBJ];
static uint64_t rng;
static unsigned int seed_now, step_now;

static unsigned int rnd(unsigned int n)
{
	/* xorshift64* */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (unsigned int)((rng * 2685821657736338717ull) >> 33) % n;
}

static bool up(unsigned int cpu)
{
	return tp.cpus[cpu].online;
}

static unsigned int nr_up(void)
{
	unsigned int c, k = 0;

	for (c = 0; c < NCPU; c++)
		k += up(c);
	return k;
}

static bool is_tasklet(unsigned int i)
{
	return i >= 4; /* 0..3 items, 4..7 softirq, 8..11 idle tasklets */
}

static bool dead_tl[NOBJ];

/*
 * FIFO bookkeeping.  A "fresh" schedule is one that found its object idle
 * and queued it.  If nothing else touches the object until its run starts
 * (no coalesced or re-targeting schedule, cancel or kill), the run answers
 * exactly that schedule.  Two such runs scheduled from the same source CPU
 * for the same target CPU (same life of it: epoch) and the same list kind
 * must run in schedule order -- whether the work ran there or on the CPU
 * that adopted it.
 */
#define MAXREC 4096
struct fifo_rec {
	unsigned int src, tgt, epoch, idle, obj;
	unsigned long sched_seq, run_seq;
};
static struct fifo_rec rec[MAXREC];
static unsigned int nrec;
static int open_rec[NOBJ];             /* index into rec, or -1 */
static unsigned int epoch[NCPU];
static unsigned long seq;

static void touched(unsigned int i)
{
	open_rec[i] = -1; /* the next run no longer answers one schedule */
}

static void fresh(unsigned int i, unsigned int tgt)
{
	if (nrec >= MAXREC)
		return;
	rec[nrec] = (struct fifo_rec){ .src = tp.cpu, .tgt = tgt,
				       .epoch = epoch[tgt], .idle = i >= 8,
				       .obj = i, .sched_seq = ++seq };
	open_rec[i] = (int)nrec++;
}

static void rw_sched(unsigned int i, unsigned int cpu)
{
	bool idle = !dwork_tasklet_is_scheduled(&o[i].tl) && !o[i].active &&
		    open_rec[i] < 0;

	touched(i);
	if (u_sched(&o[i], cpu) == 0 && idle && !dead_tl[i])
		fresh(i, cpu);
}

static void rw_raise(unsigned int i, unsigned int cpu)
{
	bool idle = dwork_item_busy(&o[i].item) == 0 && !o[i].active;

	touched(i);
	if (u_raise(&o[i], cpu) && idle)
		fresh(i, cpu);
}

static void run_started(struct uobj *x)
{
	int r = open_rec[x->id];

	if (r >= 0)
		rec[r].run_seq = ++seq;
	open_rec[x->id] = -1;
}

static void check_fifo(unsigned int seed)
{
	unsigned int a, b;

	for (a = 0; a < nrec; a++) {
		if (!rec[a].run_seq)
			continue;
		for (b = 0; b < nrec; b++) {
			if (!rec[b].run_seq || rec[a].src != rec[b].src ||
			    rec[a].tgt != rec[b].tgt ||
			    rec[a].epoch != rec[b].epoch ||
			    rec[a].idle != rec[b].idle)
				continue;
			if (rec[a].sched_seq < rec[b].sched_seq &&
			    rec[a].run_seq > rec[b].run_seq)
				fail_msg("seed %u: FIFO broken: object %u then %u "
					 "scheduled from CPU %u for CPU %u, run "
					 "in the other order", seed, rec[a].obj,
					 rec[b].obj, rec[a].src, rec[a].tgt);
		}
	}
}

static void some_action(unsigned int depth);

/* Inside callbacks: random work, sometimes on the object itself. */
static void during(struct uobj *x)
{
	unsigned int i = x->id;

	run_started(x);
	if (x->runs > 50) /* keep self re-scheduling bounded */
		return;
	if (rnd(3) == 0)
		some_action(1);
	if (is_tasklet(i) && rnd(8) == 0) {
		/* Self-kill; sometimes re-init and re-schedule at once. */
		touched(i);
		if (u_kill(x) != 0)
			fail_msg("seed %u step %u: self-kill failed", seed_now,
				 step_now);
		dead_tl[i] = true;
		if (rnd(2)) {
			dwork_tasklet_init(&x->tl, u_tasklet_fn, x,
					   i < 8 ? DWORK_TASKLET_SOFTIRQ
						 : DWORK_TASKLET_IDLE);
			dead_tl[i] = false;
			if (rnd(2))
				rw_sched(i, rnd(NCPU));
		}
	}
}

static void relax_plays_everyone(unsigned int nth)
{
	unsigned int c;

	(void)nth;
	for (c = 0; c < NCPU; c++) {
		if (!up(c))
			continue;
		tp_softirq(c);
		while (tp_idle(c))
			;
	}
}

static void some_action(unsigned int depth)
{
	unsigned int i = rnd(NOBJ), cpu = rnd(NCPU + 1), r = rnd(10);
	bool irq = rnd(4) == 0 && !tp.c[tp.cpu].in_irq;

	if (cpu == NCPU)
		cpu = tp.cpu; /* "this CPU" */
	if (irq)
		tp_irq_enter();
	if (r < 5) {
		if (is_tasklet(i))
			rw_sched(i, cpu);
		else
			rw_raise(i, cpu);
	} else if (r < 7) {
		if (!is_tasklet(i)) {
			touched(i);
			u_cancel(&o[i]);
		}
	} else if (r < 8 && depth == 0 && !irq && is_tasklet(i)) {
		/* Kill from task context; others progress while it waits. */
		u_relax_step = relax_plays_everyone;
		touched(i);
		if (u_kill(&o[i]) != 0)
			fail_msg("seed %u step %u: kill failed", seed_now,
				 step_now);
		u_relax_step = NULL;
		dead_tl[i] = true;
	} else if (r < 9 && !irq && depth == 0 && is_tasklet(i) &&
		   dead_tl[i]) {
		dwork_tasklet_init(&o[i].tl, u_tasklet_fn, &o[i],
				   i < 8 ? DWORK_TASKLET_SOFTIRQ
					 : DWORK_TASKLET_IDLE);
		dead_tl[i] = false;
	}
	if (irq)
		tp_irq_exit();
}

static void top_level_step(void)
{
	unsigned int r = rnd(20), cpu = rnd(NCPU);
	unsigned int old = tp_switch(cpu);

	if (!up(cpu) && r < 18)
		r = 18; /* a down CPU can only come back */
	if (r < 8) {
		some_action(0);
	} else if (r < 13) {
		if (tp.c[cpu].softirq_pending)
			tp_softirq_once(cpu);
	} else if (r < 16) {
		tp_idle(cpu);
	} else if (r < 18) {
		unsigned int victim = rnd(NCPU);

		if (victim != cpu && up(victim) && nr_up() > 2) {
			tp_cpu_dead(victim, cpu);
			epoch[victim]++;
		}
	} else if (!up(cpu)) {
		tp_switch(old);
		tp.c[cpu].online = true;
		dwork_cpu_init(cpu);
		return;
	}
	tp_switch(old);
}

static void one_walk(void **state, unsigned int seed)
{
	unsigned int i;
	const char *why;

	u_setup(state);
	rng = 0x9e3779b97f4a7c15ull * (seed + 1);
	seed_now = seed;
	for (i = 0; i < NOBJ; i++) {
		u_obj_init(&o[i], i, i < 8 ? DWORK_TASKLET_SOFTIRQ
					  : DWORK_TASKLET_IDLE);
		o[i].during = during;
		dead_tl[i] = false;
		open_rec[i] = -1;
	}
	for (i = 0; i < NCPU; i++)
		epoch[i] = 0;
	nrec = 0;
	seq = 0;
	for (step_now = 0; step_now < STEPS; step_now++) {
		top_level_step();
		why = u_lists_check();
		if (why)
			fail_msg("seed %u step %u: %s", seed, step_now, why);
	}
	u_quiesce();
	for (i = 0; i < NOBJ; i++) {
		if (o[i].overlaps)
			fail_msg("seed %u: object %u ran concurrently", seed, i);
		if (o[i].bad_ctx)
			fail_msg("seed %u: object %u ran in a bad context",
				 seed, i);
		if (o[i].owed)
			fail_msg("seed %u: object %u lost an accepted run",
				 seed, i);
		if (o[i].runs > o[i].accepted)
			fail_msg("seed %u: object %u ran %u times for %u "
				 "accepted", seed, i, o[i].runs,
				 o[i].accepted);
	}
	if (tp.asserts)
		fail_msg("seed %u: %u debug assertions", seed, tp.asserts);
	check_fifo(seed);
}

static void test_random_walks_keep_every_rule(void **state)
{
	unsigned int seed;
	unsigned long runs = 0, fifo = 0;

	for (seed = 0; seed < WALKS; seed++) {
		one_walk(state, seed);
		for (unsigned int i = 0; i < NOBJ; i++)
			runs += o[i].runs;
		for (unsigned int r = 0; r < nrec; r++)
			fifo += rec[r].run_seq != 0;
	}
	print_message("%u walks x %u steps, %lu callbacks, %lu of them "
		      "checked for FIFO\n", WALKS, STEPS, runs, fifo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_random_walks_keep_every_rule,
					  u_teardown),
	};

	return cmocka_run_group_tests_name("random_walk", tests, NULL, NULL);
}

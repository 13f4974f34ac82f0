// SPDX-License-Identifier: BSD-2-Clause
/*
 * Unit: deterministic random walks over the whole API on the test port.
 *
 * Each walk (fixed seed) performs a few hundred operations chosen at
 * random: schedules and raises from task or IRQ context on random CPUs
 * (re-targeting pending and running work), cancels, kills and re-inits,
 * softirq passes and idle runs, CPUs going down and coming back; callbacks
 * themselves schedule, raise, cancel and kill.  After every operation the
 * lists must be sound; at the end, after quiescing, every accepted
 * schedule must have been answered by a later run, no object may have run
 * more often than it was accepted or concurrently with itself, and no
 * debug assertion may have fired.  A failure names the seed and step, so
 * it replays exactly.
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

static void some_action(unsigned int depth);

/* Inside callbacks: random work, sometimes on the object itself. */
static void during(struct uobj *x)
{
	if (x->runs > 50) /* keep self re-scheduling bounded */
		return;
	if (rnd(3) == 0)
		some_action(1);
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
			u_sched(&o[i], cpu);
		else
			u_raise(&o[i], cpu);
	} else if (r < 7) {
		if (!is_tasklet(i))
			u_cancel(&o[i]);
	} else if (r < 8 && depth == 0 && !irq && is_tasklet(i)) {
		/* Kill from task context; others progress while it waits. */
		u_relax_step = relax_plays_everyone;
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

		if (victim != cpu && up(victim) && nr_up() > 2)
			tp_cpu_dead(victim, cpu);
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
	}
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
}

static void test_random_walks_keep_every_rule(void **state)
{
	unsigned int seed;
	unsigned long runs = 0;

	for (seed = 0; seed < WALKS; seed++) {
		one_walk(state, seed);
		for (unsigned int i = 0; i < NOBJ; i++)
			runs += o[i].runs;
	}
	print_message("%u walks x %u steps, %lu callbacks\n", WALKS, STEPS,
		      runs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_random_walks_keep_every_rule,
					  u_teardown),
	};

	return cmocka_run_group_tests_name("random_walk", tests, NULL, NULL);
}

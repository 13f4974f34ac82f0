/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the stress programs (tests/stress) and the storms' FIFO oracle
 * share: a small deterministic random generator, an atomic maximum, the
 * command line, picking online CPUs, and a watchdog that turns a hang at the end of a run into
 * a failure with a message (the run's pass or fail never depends on it:
 * it only ends a run that would never end).
 */
#ifndef DWORK_STRESS_COMMON_H
#define DWORK_STRESS_COMMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <dwork/dwork.h>

/* A linear congruential generator: the same seed, the same run. */
static inline unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

/* *@p = max(*@p, @v), atomically. */
static inline void atomic_max(atomic_ulong *p, unsigned long v)
{
	unsigned long cur = atomic_load(p);

	while (cur < v && !atomic_compare_exchange_weak(p, &cur, v))
		;
}

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * usage: PROGRAM [seconds] [cpus] [seed]; DWORK_STRESS_SECONDS overrides
 * the seconds; cpus outside 2 .. DWORK_NR_CPUS become @def_cpus.
 */
static inline void stress_args(int argc, char **argv, double *secs,
			       unsigned int *cpus, unsigned int *seed,
			       unsigned int def_cpus)
{
	const char *env = getenv("DWORK_STRESS_SECONDS");

	*cpus = def_cpus;
	if (argc > 1)
		*secs = atof(argv[1]);
	if (env)
		*secs = atof(env);
	if (argc > 2)
		*cpus = (unsigned int)atoi(argv[2]);
	if (argc > 3)
		*seed = (unsigned int)strtoul(argv[3], NULL, 0);
	if (*cpus < 2 || *cpus > DWORK_NR_CPUS)
		*cpus = def_cpus;
}

/* A random CPU that @up (of @n) says is online, else 0. */
static inline unsigned int stress_online_cpu(atomic_uint *up, unsigned int n,
					     unsigned int *seed)
{
	unsigned int i, c = rnd(seed) % n;

	for (i = 0; i < n; i++, c = (c + 1) % n)
		if (atomic_load(&up[c]))
			return c;
	return 0;
}

/* How many of the @n CPUs @up says are online. */
static inline unsigned int stress_nr_up(atomic_uint *up, unsigned int n)
{
	unsigned int c, k = 0;

	for (c = 0; c < n; c++)
		k += atomic_load(&up[c]);
	return k;
}

struct stress_watchdog {
	pthread_t thread;
	double limit;        /* seconds from the start */
	atomic_int finished;
};

static inline void *stress_watchdog_main(void *arg)
{
	struct stress_watchdog *w = arg;
	double t0 = now();

	while (!atomic_load(&w->finished)) {
		if (now() - t0 > w->limit) {
			fprintf(stderr,
				"DEADLOCK: the run did not wind down within %.0f s\n",
				w->limit);
			_exit(2);
		}
		usleep(100000);
	}
	return NULL;
}

/* Fail the run (exit 2) unless stress_watchdog_stop() comes first. */
static inline void stress_watchdog_start(struct stress_watchdog *w,
					 double limit)
{
	w->limit = limit;
	atomic_store(&w->finished, 0);
	if (pthread_create(&w->thread, NULL, stress_watchdog_main, w))
		abort();
}

static inline void stress_watchdog_stop(struct stress_watchdog *w)
{
	atomic_store(&w->finished, 1);
	pthread_join(w->thread, NULL);
}

#endif /* DWORK_STRESS_COMMON_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The real-thread driver shared by xen_threads and xen_dpci_threads: one
 * host thread per simulated CPU, each running a test's operations and then
 * its own softirqs and idle loop until the test has seen everything quiet.
 */
#ifndef XEN_THREADS_H
#define XEN_THREADS_H

#include <stdbool.h>

/* Consecutive quiet looks that count as "everything is quiet". */
#define XT_QUIET_LOOKS 1000u
/*
 * Looks taken after every CPU finished its operations before the wait
 * gives up: a bound on the wait (something stayed active), not a timing.
 */
#define XT_MAX_LOOKS 5000000u

/* The tests' pseudo-random generator (an LCG; deterministic per seed). */
unsigned int xt_rnd(unsigned int *seed);

/**
 * xt_run_cpus() - run @ops operations on each of @ncpu CPUs, then wait
 * @ncpu:  CPUs 0 .. @ncpu - 1, one host thread each, started together
 * @ops:   operations per CPU
 * @op:    one operation on @cpu (a thread already sim_on(@cpu)); @seed is
 *         the CPU's generator state.  The CPU's softirqs and idle loop run
 *         after each operation.
 * @quiet: true when none of the test's objects is pending, running or
 *         owed (the driver itself checks that no CPU has a softirq pending)
 *
 * Sets the simulation's relax hook to a yield (the other CPUs really
 * run).  After all CPUs are done, @quiet must hold, with no softirq
 * pending on any CPU, on XT_QUIET_LOOKS consecutive looks; the threads
 * keep running their softirqs and idle loops meanwhile, then are stopped
 * and joined.
 *
 * Return: true if @quiet held on XT_QUIET_LOOKS consecutive looks within
 * XT_MAX_LOOKS looks, false if something stayed active.
 */
bool xt_run_cpus(unsigned int ncpu, unsigned int ops,
		 void (*op)(unsigned int cpu, unsigned int *seed),
		 bool (*quiet)(void));

#endif

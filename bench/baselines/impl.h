/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interface dwork-bench and dwork-demo drive every implementation
 * through: dwork itself and the designs it is compared against.
 *
 * An object is a deferred-work unit (a tasklet, or an item for the storm
 * scenario) of obj_size bytes that the harness allocates, cache-line
 * aligned.  Its callback runs in the implementation's softirq handler on
 * the CPU it was scheduled for, at most once per schedule (a schedule of a
 * pending object coalesces), never on two CPUs at once, and again after
 * the callback if it was scheduled while running.
 *
 * Every call is made on a CPU thread (the port's this_cpu is valid).
 */
#ifndef BENCH_IMPL_H
#define BENCH_IMPL_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*bench_fn)(void *arg);

enum bench_kind {
	BENCH_TASKLET, /* a softirq tasklet */
	BENCH_ITEM,    /* a dpci-style item (same as a tasklet for baselines) */
};

struct bench_impl {
	const char *name;
	const char *what;        /* one line for the docs/table legend */
	size_t obj_size;
	bool remote;             /* supports schedule_on another CPU */
	/* Once, before any CPU runs, from the main thread. */
	void (*setup)(unsigned int ncpus);
	/* On each CPU thread before it schedules anything. */
	void (*cpu_start)(unsigned int cpu);
	void (*obj_init)(void *obj, enum bench_kind kind, bench_fn fn,
			 void *arg);
	/* Returns true if this call queued a run (false: coalesced). */
	bool (*schedule)(void *obj);
	bool (*schedule_on)(void *obj, unsigned int cpu);
	/* The softirq handler: run (a batch of) what is pending here. */
	void (*softirq)(void);
	/* Once, after all CPUs stopped, from the main thread. */
	void (*teardown)(void);
};

extern const struct bench_impl bench_impl_floor;
extern const struct bench_impl bench_impl_dwork;
extern const struct bench_impl bench_impl_global_lock;
extern const struct bench_impl bench_impl_feeder_lock;
extern const struct bench_impl bench_impl_feeder_nowait;
extern const struct bench_impl bench_impl_wfcqueue;
extern const struct bench_impl bench_impl_ck;

/* Counters the baselines keep per CPU for the demo's summary. */
struct bl_stats {
	unsigned long raised, coalesced, run, fed;
};
void bl_global_lock_stats(unsigned int cpu, struct bl_stats *out);

#endif /* BENCH_IMPL_H */

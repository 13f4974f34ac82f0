/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers for the 'posix' suite: tests of the POSIX runtime with real
 * threads and asynchronous signal IRQs.
 *
 * Pass/fail never depends on timing: tests wait for conditions (WAIT_UNTIL,
 * dwork_posix_quiesce()) and then check counters and flags.  A broken
 * runtime that never reaches a condition hangs, and meson's per-test
 * timeout turns the hang into a failure.  Callbacks running on vCPUs never
 * call CMocka asserts (they would longjmp across threads): they record,
 * and the test thread asserts.
 */
#ifndef DWORK_POSIX_TEST_H
#define DWORK_POSIX_TEST_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include <dwork/posix.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(p, type, member)                                      \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Atomic helpers for counters shared between vCPUs and the test thread. */
#define LD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define ST(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define INC(p) __atomic_fetch_add((p), 1, __ATOMIC_ACQ_REL)
#define XCHG(p, v) __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)

/*
 * Wait for a condition, sleeping a little between looks.  The sleep is no
 * assertion: it only lets other threads (and, under TSan, signal delivery)
 * make progress.
 */
#define WAIT_UNTIL(cond)                                                   \
	do {                                                               \
		while (!(cond))                                            \
			usleep(20);                                        \
	} while (0)

/* A host (non-vCPU) thread running fn(arg). */
struct host_thread {
	pthread_t t;
	void (*fn)(void *);
	void *arg;
};

static inline void *host_thread_main(void *p)
{
	struct host_thread *h = p;

	h->fn(h->arg);
	return NULL;
}

static inline void host_start(struct host_thread *h, void (*fn)(void *),
			      void *arg)
{
	h->fn = fn;
	h->arg = arg;
	if (pthread_create(&h->t, NULL, host_thread_main, h))
		abort();
}

static inline void host_join(struct host_thread *h)
{
	pthread_join(h->t, NULL);
}

/* A run_on request executed by a host thread (so the test can go on). */
struct async_run {
	struct host_thread h;
	unsigned int cpu;
	void (*fn)(void *);
	void *arg;
	int ret;
};

static inline void async_run_main(void *p)
{
	struct async_run *a = p;

	a->ret = dwork_posix_run_on(a->cpu, a->fn, a->arg);
}

static inline void async_run_on(struct async_run *a, unsigned int cpu,
				void (*fn)(void *), void *arg)
{
	a->cpu = cpu;
	a->fn = fn;
	a->arg = arg;
	a->ret = 1;
	host_start(&a->h, async_run_main, a);
}

static inline int async_run_join(struct async_run *a)
{
	host_join(&a->h);
	return a->ret;
}

/* Sum of one counter over all CPUs. */
#define STAT_SUM(field)                                                    \
	({                                                                 \
		unsigned long s_ = 0;                                      \
		for (unsigned int c_ = 0; c_ < DWORK_NR_CPUS; c_++) {      \
			struct dwork_stats st_;                            \
			dwork_cpu_stats(c_, &st_);                         \
			s_ += st_.field;                                   \
		}                                                          \
		s_;                                                        \
	})

/* Start @n vCPUs, or skip the test if dwork was built with fewer. */
#define START(n)                                                           \
	do {                                                               \
		if ((n) > DWORK_NR_CPUS)                                   \
			skip();                                            \
		assert_int_equal(dwork_posix_start(n), 0);                 \
	} while (0)

/* Every test starts its own runtime; stop it even when a check failed. */
static inline int posix_teardown(void **state)
{
	(void)state;
	dwork_posix_stop();
	return 0;
}

#define POSIX_TEST(f) cmocka_unit_test_teardown(f, posix_teardown)

#endif /* DWORK_POSIX_TEST_H */

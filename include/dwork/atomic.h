/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork internal atomics: the only place where src/ reaches the compiler's
 * __atomic builtins.  Every call site names its memory order explicitly and
 * comments the access it pairs with.
 *
 * A port may define any of these macros before this header is included
 * (from its <dwork_port.h>) to replace them, for instance with versions that
 * yield to a model checker's scheduler first.
 *
 * Reminder: a failed compare-and-swap publishes nothing; only the order
 * given for failure applies to its load.
 */
#ifndef DWORK_ATOMIC_H
#define DWORK_ATOMIC_H

#define DWORK_RELAXED __ATOMIC_RELAXED /* memory order: relaxed */
#define DWORK_ACQUIRE __ATOMIC_ACQUIRE /* memory order: acquire */
#define DWORK_RELEASE __ATOMIC_RELEASE /* memory order: release */
#define DWORK_ACQ_REL __ATOMIC_ACQ_REL /* memory order: acquire-release */
#define DWORK_SEQ_CST __ATOMIC_SEQ_CST /* memory order: sequentially consistent */

/* Atomic load of *@p with memory order @mo. */
#ifndef dwork_atomic_load
#define dwork_atomic_load(p, mo) __atomic_load_n((p), (mo))
#endif

/* Atomic store of @v to *@p with memory order @mo. */
#ifndef dwork_atomic_store
#define dwork_atomic_store(p, v, mo) __atomic_store_n((p), (v), (mo))
#endif

/* Atomic exchange: stores @v to *@p, returns the old value. */
#ifndef dwork_atomic_xchg
#define dwork_atomic_xchg(p, v, mo) __atomic_exchange_n((p), (v), (mo))
#endif

/*
 * Strong compare-and-swap of *@p from *@expp to @v; true on success,
 * else *@expp is updated with the current value.
 */
#ifndef dwork_atomic_cas
#define dwork_atomic_cas(p, expp, v, mo_ok, mo_fail)                      \
	__atomic_compare_exchange_n((p), (expp), (v), false, (mo_ok), (mo_fail))
#endif

/* Atomic *@p |= @v, returns the old value. */
#ifndef dwork_atomic_fetch_or
#define dwork_atomic_fetch_or(p, v, mo) __atomic_fetch_or((p), (v), (mo))
#endif

/*
 * A memory fence of order @mo.  ThreadSanitizer does not model fences
 * (gcc refuses them with -Werror=tsan): in such a build a seq_cst
 * read-modify-write of one word that every fence shares stands in for
 * it.  It orders any two fences (stronger than a fence, so the code stays
 * correct), and the sanitizer sees that order.
 */
#ifndef dwork_atomic_fence
#if defined(__SANITIZE_THREAD__)
#define DWORK__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define DWORK__TSAN 1
#endif
#endif
#ifdef DWORK__TSAN
__attribute__((__weak__)) unsigned int dwork__tsan_fence_word;
#define dwork_atomic_fence(mo)                                            \
	((void)(mo), (void)__atomic_fetch_add(&dwork__tsan_fence_word, 0u,  \
					      __ATOMIC_SEQ_CST))
#else
#define dwork_atomic_fence(mo) __atomic_thread_fence(mo)
#endif
#endif

/*
 * A fence of order @mo right after an atomic read-modify-write, as Linux's
 * smp_mb__after_atomic(): where every RMW is already a full barrier (the
 * locked instructions of x86) only the compiler is held back, elsewhere it
 * is dwork_atomic_fence(@mo).  Use it only directly after an RMW whose own
 * order is at least acquire, so that the compiler cannot hoist the later
 * accesses above the RMW either.
 */
#ifndef dwork_atomic_fence_after_rmw
#if defined(__x86_64__) || defined(__i386__)
#define dwork_atomic_fence_after_rmw(mo)                                  \
	((void)(mo), __atomic_signal_fence(__ATOMIC_SEQ_CST))
#else
#define dwork_atomic_fence_after_rmw(mo) dwork_atomic_fence(mo)
#endif
#endif

/* Compiler-only barrier (same CPU, e.g. against an interrupt handler). */
#ifndef dwork_barrier
#define dwork_barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#endif

#endif /* DWORK_ATOMIC_H */

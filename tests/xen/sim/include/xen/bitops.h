/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_BITOPS_H
#define SIM_XEN_BITOPS_H
#include <xen/types.h>

/* Locked read-modify-writes, full barriers, as on x86. */
static inline bool test_and_set_bit(int nr, volatile unsigned long *addr)
{
	return (__atomic_fetch_or(addr, 1UL << nr, __ATOMIC_SEQ_CST) >> nr) & 1;
}

static inline bool test_and_clear_bit(int nr, volatile unsigned long *addr)
{
	return (__atomic_fetch_and(addr, ~(1UL << nr), __ATOMIC_SEQ_CST) >> nr) & 1;
}

static inline void set_bit(int nr, volatile unsigned long *addr)
{
	__atomic_fetch_or(addr, 1UL << nr, __ATOMIC_SEQ_CST);
}

static inline void clear_bit(int nr, volatile unsigned long *addr)
{
	__atomic_fetch_and(addr, ~(1UL << nr), __ATOMIC_SEQ_CST);
}

static inline bool test_bit(int nr, const volatile unsigned long *addr)
{
	return (__atomic_load_n(addr, __ATOMIC_SEQ_CST) >> nr) & 1;
}
#endif

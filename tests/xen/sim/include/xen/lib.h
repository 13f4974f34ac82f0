/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef SIM_XEN_LIB_H
#define SIM_XEN_LIB_H
#include <xen/types.h>

void sim_bug(const char *what, const char *file, int line)
	__attribute__((noreturn));

#define BUG() sim_bug("BUG", __FILE__, __LINE__)
#define BUG_ON(p) do { if (unlikely(p)) sim_bug(#p, __FILE__, __LINE__); } while (0)
#define ASSERT(p) do { if (unlikely(!(p))) sim_bug("ASSERT " #p, __FILE__, __LINE__); } while (0)
#define XENLOG_ERR "<0>"
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define ASSERT_UNREACHABLE() sim_bug("ASSERT_UNREACHABLE", __FILE__, __LINE__)
#define ACCESS_ONCE(x) (*(volatile __typeof__(x) *)&(x))
#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define barrier() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#endif

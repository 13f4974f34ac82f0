/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small pieces the baselines share: a circular doubly-linked list, a
 * ticket spinlock, per-CPU counters.  Written for the benchmark; nothing
 * here is dwork API.
 */
#ifndef BL_COMMON_H
#define BL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dwork/port.h>
#include "bl_hooks.h"
#include "impl.h"

#define BL_MAX_CPUS 64
#define BL_CACHELINE 64
#define bl_container_of(p, type, member)                                   \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Circular list with a self-linked head; an unlinked node points to itself. */
struct bl_list {
	struct bl_list *next, *prev;
};

static inline void bl_list_init(struct bl_list *l)
{
	l->next = l;
	l->prev = l;
}

static inline bool bl_list_empty(const struct bl_list *l)
{
	return l->next == l;
}

static inline void bl_list_add_tail(struct bl_list *n, struct bl_list *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void bl_list_del_init(struct bl_list *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	bl_list_init(n);
}

/* Move all of @src to the tail of @dst, leaving @src empty. */
static inline void bl_list_splice_tail_init(struct bl_list *src,
					    struct bl_list *dst)
{
	if (bl_list_empty(src))
		return;
	src->next->prev = dst->prev;
	dst->prev->next = src->next;
	src->prev->next = dst;
	dst->prev = src->prev;
	bl_list_init(src);
}

/*
 * Ticket spinlock (Xen's spinlocks are ticket locks): one fetch_add to take
 * a ticket, spin until it is served, a release store to hand over.
 */
struct bl_ticketlock {
	uint32_t head; /* ticket being served; written by the holder */
	uint32_t tail; /* next ticket; fetch_add by lockers */
} __attribute__((aligned(BL_CACHELINE)));

static inline void bl_lock(struct bl_ticketlock *l)
{
	uint32_t t = __atomic_fetch_add(&l->tail, 1, __ATOMIC_RELAXED);

	/* Acquire: pairs with bl_unlock()'s release store. */
	while (__atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != t)
		dwork_port_cpu_relax();
}

static inline void bl_unlock(struct bl_ticketlock *l)
{
	__atomic_store_n(&l->head, l->head + 1, __ATOMIC_RELEASE);
}

/* Per-CPU counters (own CPU writes, anyone reads roughly). */
struct bl_pcpu_stats {
	struct bl_stats s;
} __attribute__((aligned(BL_CACHELINE)));

static inline void bl_inc(unsigned long *c)
{
	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

#endif /* BL_COMMON_H */

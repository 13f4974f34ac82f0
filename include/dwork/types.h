/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork object layouts.
 *
 * Everything here is intrusive: the caller owns the memory and dwork never
 * allocates.  The fields are private to dwork: read and write them only
 * through the API.  They are in a public header because the caller must be
 * able to embed the objects.
 *
 * The port header (<dwork_port.h>) is included after these definitions, so a
 * port may define its per-CPU storage of struct dwork_cpu in line.
 */
#ifndef DWORK_TYPES_H
#define DWORK_TYPES_H

/*
 * Standard types.  dwork needs bool/true/false, NULL, size_t, offsetof,
 * uint8_t, uint16_t, uint32_t, int32_t and uintptr_t, which <stdbool.h>,
 * <stddef.h> and <stdint.h> provide.  A kernel built with -nostdinc names one header of
 * its own that provides them instead:
 *	-DDWORK_TYPES_HEADER='<mykernel/types.h>'
 * Xen is that case with <xen/types.h>, chosen here when __XEN__ is defined.
 */
#if !defined(DWORK_TYPES_HEADER) && defined(__XEN__)
#define DWORK_TYPES_HEADER <xen/types.h>
#endif
#ifdef DWORK_TYPES_HEADER
#include DWORK_TYPES_HEADER
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

/*
 * Build configuration.  An installed dwork, or a build tree, has the
 * generated <dwork/config.h> with the values the library was built with
 * (it refuses other values).  Without it (the sources copied into a
 * kernel tree), the -D flags or the defaults below apply.
 */
#if defined(__has_include)
#if __has_include(<dwork/config.h>)
#include <dwork/config.h>
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Size of a cache line: dwork_cpu keeps remotely written fields apart. */
#ifndef DWORK_CACHELINE_BYTES
#define DWORK_CACHELINE_BYTES 64
#endif

/* Compile-time maximum number of CPUs (meson option nr_cpus). */
#ifndef DWORK_NR_CPUS
#define DWORK_NR_CPUS 64
#endif

/*
 * Per-CPU counters (meson option stats): 1 keeps them, 0 compiles every
 * update out of the fast paths, like Xen's perf counters without
 * CONFIG_PERF_COUNTERS; dwork_cpu_stats() then returns DWORK_EOPNOTSUPP.
 * struct dwork_cpu keeps its layout either way.
 */
#ifndef DWORK_STATS
#define DWORK_STATS 1
#endif

/* Most softirq callbacks run by one dwork_softirq() pass. */
#ifndef DWORK_SOFTIRQ_BATCH
#define DWORK_SOFTIRQ_BATCH 64
#endif

/* "No CPU": returned by dwork_port_this_cpu() on a thread that is no CPU. */
#define DWORK_CPU_NONE 0xffffffffu

/* Kinds of queued object; the kind decides which list and which context. */
enum dwork_kind {
	DWORK_KIND_ITEM = 0,    /* struct dwork_item, softirq context */
	DWORK_KIND_SOFTIRQ = 1, /* struct dwork_tasklet, softirq context */
	DWORK_KIND_IDLE = 2,    /* struct dwork_tasklet, idle context */
};

/**
 * struct dwork_node - the intrusive queue node shared by items and tasklets
 * @next:  next node in an inbox or a per-CPU list
 * @prev:  previous node in a per-CPU list (not used in an inbox)
 * @state: the state word; only the queue protocol in src/ touches it, and
 *         always atomically (see the state table in src/engine.c)
 * @kind:  enum dwork_kind
 * @rsvd:  0 (so that @kind, @rsvd and @magic are checked as one word)
 * @magic: DWORK_NODE_MAGIC once initialised, so that garbage is refused
 */
struct dwork_node {
	struct dwork_node *next;
	struct dwork_node *prev;
	uint32_t state;
	uint8_t kind;
	uint8_t rsvd;
	uint16_t magic;
};

/* State word bits; internal, here only for the static initialisers. */
#define DWORK_ST_INIT 0x01u

/*
 * @magic of an initialised node: tells a node that init (or the static
 * initialiser) wrote from stale or uninitialised memory, so that
 * schedule and kill refuse garbage with DWORK_EINVAL instead of hanging
 * on it, and init refuses to wipe a node that is still queued.  It lives
 * in what was padding: the node is no bigger.
 */
#define DWORK_NODE_MAGIC 0xd5c3u

#define DWORK_NODE_INIT(kind_)                                            \
	{ .next = NULL, .prev = NULL, .state = DWORK_ST_INIT,              \
	  .kind = (kind_), .rsvd = 0, .magic = DWORK_NODE_MAGIC }

/* A per-CPU FIFO list, touched only by its CPU with IRQs off. */
struct dwork_list {
	struct dwork_node *head;    /* oldest node, or NULL */
	struct dwork_node *tail;    /* newest node, or NULL */
};

/**
 * struct dwork_stats - per-CPU counters, readable with dwork_cpu_stats()
 * @raised:    items raised and tasklets scheduled from this CPU that
 *             queued a new run
 * @coalesced: raises/schedules from this CPU that found a run pending
 * @run:       callbacks run on this CPU
 * @fed:       nodes this CPU pushed into another CPU's inbox
 * @migrated:  nodes this CPU adopted from a dead CPU
 * @requeued:  runs re-queued because of a schedule during the callback
 * @forwarded: pending nodes this CPU forwarded to their newer target
 * @dropped:   cancelled or killed nodes this CPU unlinked without a run
 *
 * Each counter is written by its own CPU only and read with relaxed loads,
 * so a reader on another CPU sees a recent, not an exact, value.
 */
struct dwork_stats {
	unsigned long raised;
	unsigned long coalesced;
	unsigned long run;
	unsigned long fed;
	unsigned long migrated;
	unsigned long requeued;
	unsigned long forwarded;
	unsigned long dropped;
};

/* Nesting levels at which callbacks run on one CPU. */
enum { DWORK_LVL_IDLE = 0, DWORK_LVL_SOFTIRQ = 1, DWORK_NR_LVL = 2 };

/**
 * struct dwork_cpu - one CPU's dwork state; storage supplied by the port
 * @online:     accepting work: set by dwork_cpu_init(), cleared by
 *              dwork_cpu_dead()
 * @adopter:    where work goes once the inbox is closed
 * @inbox:      MPSC LIFO stack of nodes other CPUs fed to this one, or
 *              DWORK_INBOX_CLOSED once the CPU is dead
 * @reap:       another CPU wants a scan of the lists (kill, cancel, move)
 * @nmi:        NMI-safe raises in progress on this CPU
 * @sirq:       FIFO list of items and softirq tasklets
 * @idle:       FIFO list of idle tasklets
 * @running:    the node whose callback runs, per nesting level: compared,
 *              never followed; read by other CPUs' kill
 * @killed:     per nesting level, the running tasklet killed itself
 * @in_softirq: a dwork_softirq() pass is running
 * @adopting:   @adopt or @adopt_lifo still holds nodes
 * @adopt:      a dead CPU's lists still to adopt, oldest first
 *              (dwork_cpu_dead())
 * @adopt_lifo: that CPU's inbox still to adopt, newest first
 * @adopt_rev:  the part of that inbox already reversed
 * @pass:       what a softirq pass over several nodes took from @sirq
 *              and has not run yet
 * @stats:      the counters dwork_cpu_stats() reads
 * @fed_raised: schedules from this CPU that queued a new run on another
 *              CPU's inbox: dwork_cpu_stats() adds them to both @raised
 *              and @fed of @stats (one counter on that path, not two)
 *
 * The first cache line is read-mostly (online, adopter: written only at
 * hotplug, read by every schedule); the second is written by other CPUs
 * (inbox pushes, reap requests); the rest only by the CPU itself with IRQs
 * off, or by dwork_cpu_dead() once the CPU is dead.  Do not touch the
 * fields.
 */
struct dwork_cpu {
	/* Read-mostly: written only at hotplug, read by every schedule. */
	uint32_t online;
	uint32_t adopter;

	/* Shared: written by remote CPUs, atomically; its own cache line. */
	struct dwork_node *inbox
		__attribute__((aligned(DWORK_CACHELINE_BYTES)));
	uint32_t reap;
	uint32_t nmi;

	/* Owner only. */
	struct dwork_list sirq
		__attribute__((aligned(DWORK_CACHELINE_BYTES)));
	struct dwork_list idle;
	struct dwork_node *running[DWORK_NR_LVL];
	bool killed[DWORK_NR_LVL];
	bool in_softirq;
	bool adopting;
	/* A dead CPU's work still to adopt (dwork_cpu_dead), see engine.c. */
	struct dwork_node *adopt;
	struct dwork_node *adopt_lifo;
	struct dwork_node *adopt_rev;
	struct dwork_list pass;
	struct dwork_stats stats;
	unsigned long fed_raised;
} __attribute__((aligned(DWORK_CACHELINE_BYTES)));

#ifdef __cplusplus
}
#endif

#endif /* DWORK_TYPES_H */

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * dwork internal interfaces between engine.c, item.c and tasklet.c.
 * Nothing here is API.
 */
#ifndef DWORK_INTERNAL_H
#define DWORK_INTERNAL_H

#include <dwork/dwork.h>
#include <dwork/atomic.h>

/*
 * The state word of struct dwork_node (see the state table in engine.c).
 *
 *   bit 0      INIT    initialised (zeroed memory is refused)
 *   bit 1      PEND    a run is owed
 *   bit 2      QUEUED  the node is linked on some list or inbox
 *   bit 3      RUN     the callback is executing
 *   bit 4      DEAD    killed (tasklets only)
 *   bit 5      MOVE    a run is owed, but the node still sits where it was
 *                      linked before a cancel: its holder must queue it
 *                      again at the back (never with PEND)
 *   bits 8-19  TARGET  CPU the owed run must happen on (newest target)
 *   bits 20-31 QCPU    CPU whose inbox or list holds the node (if QUEUED)
 */
#define DWORK_ST_PEND   0x02u
#define DWORK_ST_QUEUED 0x04u
#define DWORK_ST_RUN    0x08u
#define DWORK_ST_DEAD   0x10u
#define DWORK_ST_MOVE   0x20u
#define DWORK_ST_RSVD   0xc0u   /* never set: a state with them is garbage */
#define DWORK_ST_FLAGS  0xffu   /* the flag byte: INIT..MOVE and RSVD */

#define DWORK_ST_TGT_SHIFT  8
#define DWORK_ST_QCPU_SHIFT 20
#define DWORK_ST_CPU_MASK   0xfffu

#define DWORK_ST_TGT(s)  (((s) >> DWORK_ST_TGT_SHIFT) & DWORK_ST_CPU_MASK)
#define DWORK_ST_QCPU(s) (((s) >> DWORK_ST_QCPU_SHIFT) & DWORK_ST_CPU_MASK)

/* The state word with TARGET / QCPU replaced by @cpu. */
static inline uint32_t st_set_tgt(uint32_t s, unsigned int cpu)
{
	return (s & ~(DWORK_ST_CPU_MASK << DWORK_ST_TGT_SHIFT)) |
	       ((uint32_t)cpu << DWORK_ST_TGT_SHIFT);
}

static inline uint32_t st_set_qcpu(uint32_t s, unsigned int cpu)
{
	return (s & ~(DWORK_ST_CPU_MASK << DWORK_ST_QCPU_SHIFT)) |
	       ((uint32_t)cpu << DWORK_ST_QCPU_SHIFT);
}

/*
 * TARGET and QCPU both @cpu (< DWORK_NR_CPUS), nothing else set.  One
 * multiplication: the two fields do not overlap.
 */
static inline uint32_t st_cpus(unsigned int cpu)
{
	return (uint32_t)cpu * ((1u << DWORK_ST_TGT_SHIFT) |
				(1u << DWORK_ST_QCPU_SHIFT));
}

_Static_assert(DWORK_NR_CPUS >= 1 && DWORK_NR_CPUS <= 4095,
	       "the state word holds CPU numbers in 12 bits");

/*
 * Most of a dead CPU's nodes dwork_cpu_dead() adopts in one IRQs-off
 * section (engine.c, adopt_step_irqoff()); IRQs are on between two.
 */
#ifndef DWORK_ADOPT_BATCH
#define DWORK_ADOPT_BATCH 32
#endif
_Static_assert(DWORK_ADOPT_BATCH >= 1, "DWORK_ADOPT_BATCH must be >= 1");

/*
 * The kind byte of a tasklet initialised with a bad kind: no object has
 * it, so every schedule and kill refuses the tasklet (DWORK_EINVAL).
 */
#define DWORK_KIND_NONE 0xffu

/* The inbox of a dead CPU: pushes see it and go to the adopter. */
#define DWORK_INBOX_CLOSED ((struct dwork_node *)(uintptr_t)1)

/*
 * DWORK_CHECK(cond, msg): with debug_checks, stop through the port's
 * DWORK_PORT_ASSERT if @cond is false.  @msg says which function was
 * misused and which rule it broke ("dwork_x: what is wrong; what to do"),
 * so a user understands it without reading dwork's source.  Without
 * debug_checks @cond is not evaluated.
 */
#if defined(DWORK_DEBUG_CHECKS) && DWORK_DEBUG_CHECKS
#define DWORK_DEBUG 1
#define DWORK_CHECK(cond, msg) DWORK_PORT_ASSERT(cond, "dwork: " msg)
#else
#define DWORK_DEBUG 0
#define DWORK_CHECK(cond, msg) ((void)0)
#endif

/*
 * A point in the middle of an owner-only list operation.  A test port may
 * define it (tests/testport injects an NMI there, to show that the
 * NMI-safe raises never touch the lists); otherwise it is nothing.
 */
#ifndef dwork_port_list_point
#define dwork_port_list_point() ((void)0)
#endif

/* Does the port define dwork_port_trace()?  (port.h says 0 if not.) */
#ifndef DWORK_PORT_TRACES
#define DWORK_PORT_TRACES 1
#endif

/* For the few helpers of the per-callback path.  __always_inline__, not
 * always_inline: Xen and Linux define always_inline as a macro. */
#define DWORK_ALWAYS_INLINE inline __attribute__((__always_inline__))

/*
 * A function the compiler must not clone with other arguments (gcc's
 * constant propagation may; clang has no such attribute, nor does it).
 */
#if defined(__GNUC__) && !defined(__clang__)
#define DWORK_NOCLONE __attribute__((__noclone__))
#else
#define DWORK_NOCLONE
#endif

/*
 * Make the compiler forget what it knows about @var (Linux's
 * OPTIMIZER_HIDE_VAR): it then keeps a per-CPU pointer in one register
 * instead of rebuilding it from the CPU number at every use, which costs
 * the hot paths several instructions (callgrind).  Emits no instruction.
 */
#define DWORK_HIDE(var) __asm__("" : "+r"(var))

#define dwork_container_of(ptr, type, member)                             \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

/*
 * Could dwork have written this node and state word?  Init's magic, the
 * INIT bit, no reserved bit, CPU fields in range, never QUEUED and RUN at
 * once.  For the slow paths (init, kill) and debug_checks (every
 * schedule, the NMI-safe ones included).  NMI-safe: it only reads.
 */
static inline bool dwork_node_sane(const struct dwork_node *n, uint32_t s)
{
	return n->magic == DWORK_NODE_MAGIC &&
	       (s & (DWORK_ST_INIT | DWORK_ST_RSVD)) == DWORK_ST_INIT &&
	       DWORK_ST_TGT(s) < DWORK_NR_CPUS &&
	       DWORK_ST_QCPU(s) < DWORK_NR_CPUS &&
	       (s & (DWORK_ST_QUEUED | DWORK_ST_RUN)) !=
		       (DWORK_ST_QUEUED | DWORK_ST_RUN) &&
	       (!(s & DWORK_ST_MOVE) ||
		(s & (DWORK_ST_PEND | DWORK_ST_QUEUED)) == DWORK_ST_QUEUED);
}

/*
 * A node's kind, rsvd and magic bytes as one value: what init writes for
 * @kind is DWORK_NODE_TAG(@kind), so that one compare checks both the
 * kind and that init wrote the node (the compiler loads it as one word).
 */
#define DWORK_NODE_TAG(kind) \
	((uint32_t)(kind) | ((uint32_t)DWORK_NODE_MAGIC << 16))

static inline uint32_t dwork_node_tag(const struct dwork_node *n)
{
	return (uint32_t)n->kind | ((uint32_t)n->rsvd << 8) |
	       ((uint32_t)n->magic << 16);
}

/* A usable item: initialised as one (kind and magic), with a callback. */
static inline bool dwork_item_ok(const struct dwork_item *it)
{
	return it && it->fn &&
	       dwork_node_tag(&it->node) == DWORK_NODE_TAG(DWORK_KIND_ITEM);
}

/* engine.c */
/*
 * Raise the item whose node is @n (not NULL): DWORK_QUEUED if a new run
 * was queued, 0 if one was pending, or DWORK_E* (dwork_item_ok() fails:
 * DWORK_EINVAL).
 */
int dwork_node_schedule(struct dwork_node *n, unsigned int cpu);
/*
 * The same for a tasklet of kind softirq or idle, but 0 whether or not a
 * new run was queued (the caller checked the node's kind and magic: the
 * local append goes to that kind's list without reading it again).
 */
int dwork_node_schedule_softirq(struct dwork_node *n, unsigned int cpu);
int dwork_node_schedule_idle(struct dwork_node *n, unsigned int cpu);
/* Each of them for this CPU (dwork_port_this_cpu()), read once. */
int dwork_node_schedule_here(struct dwork_node *n);
int dwork_node_schedule_softirq_here(struct dwork_node *n);
int dwork_node_schedule_idle_here(struct dwork_node *n);
void dwork_node_cancel(struct dwork_node *n);
int dwork_node_kill(struct dwork_node *n);
/*
 * Init in two steps, so that the caller writes its own fields (callback,
 * argument) only when init is allowed, and before the node is published:
 * dwork_node_init_begin() returns the state word to publish, or 0 when
 * init is refused (debug_checks asserts) and nothing may be written; then
 * the caller writes its fields and calls dwork_node_init_end().
 */
uint32_t dwork_node_init_begin(struct dwork_node *n);
void dwork_node_init_end(struct dwork_node *n, enum dwork_kind kind,
			 uint32_t nw);

#endif /* DWORK_INTERNAL_H */

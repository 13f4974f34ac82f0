// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork tasklets on the per-CPU engine.
 *
 * A tasklet is a node of kind DWORK_KIND_SOFTIRQ or DWORK_KIND_IDLE; the
 * state machine, the feed protocol and kill live in engine.c.
 */
#include "internal.h"

int dwork_tasklet_init(struct dwork_tasklet *t, void (*fn)(void *), void *data,
		       enum dwork_tasklet_kind kind)
{
	uint32_t nw;

	if (!t)
		return DWORK_EINVAL;
	nw = dwork_node_init_begin(&t->node);
	if (!nw)
		return DWORK_EBUSY; /* live: the old callback and data stay */
	t->fn = fn;
	t->data = data;
	/*
	 * The kind byte holds a good kind or one no tasklet has: a bad kind
	 * whose low byte is a good one (0x101) must not become that kind.
	 */
	dwork_node_init_end(&t->node,
			    kind == DWORK_TASKLET_SOFTIRQ ||
					    kind == DWORK_TASKLET_IDLE
				    ? (enum dwork_kind)kind
				    : (enum dwork_kind)DWORK_KIND_NONE,
			    nw);
	return 0;
}

/*
 * A usable tasklet: initialised (magic) as a softirq or idle tasklet, with
 * a callback.  One compare for kind and magic: the two tasklet kinds are
 * consecutive.
 */
static bool tasklet_ok(const struct dwork_tasklet *t)
{
	_Static_assert(DWORK_KIND_IDLE == DWORK_KIND_SOFTIRQ + 1,
		       "the tasklet kinds are consecutive");
	return t && t->fn &&
	       dwork_node_tag(&t->node) - DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ) <= 1;
}

/*
 * The schedules check what tasklet_ok() checks, and tell the engine the
 * kind they found: one compare each for kind and magic.
 */
int dwork_tasklet_schedule_on(struct dwork_tasklet *t, unsigned int cpu)
{
	uint32_t tag;

	if (!t || !t->fn)
		return DWORK_EINVAL;
	tag = dwork_node_tag(&t->node);
	if (tag == DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ))
		return dwork_node_schedule_softirq(&t->node, cpu);
	if (tag == DWORK_NODE_TAG(DWORK_KIND_IDLE))
		return dwork_node_schedule_idle(&t->node, cpu);
	return DWORK_EINVAL;
}

int dwork_tasklet_schedule(struct dwork_tasklet *t)
{
	uint32_t tag;

	if (!t || !t->fn)
		return DWORK_EINVAL;
	tag = dwork_node_tag(&t->node);
	if (tag == DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ))
		return dwork_node_schedule_softirq_here(&t->node);
	if (tag == DWORK_NODE_TAG(DWORK_KIND_IDLE))
		return dwork_node_schedule_idle_here(&t->node);
	return DWORK_EINVAL;
}

bool dwork_tasklet_is_scheduled(const struct dwork_tasklet *t)
{
	uint32_t s;

	if (!t)
		return false;
	/*
	 * Relaxed: a snapshot that orders nothing.  dwork reads nothing after
	 * it, and the API promises no visibility of the callback's writes
	 * here (dwork_item_busy() and dwork_tasklet_kill() do, with acquire).
	 */
	s = dwork_atomic_load(&t->node.state, DWORK_RELAXED);
	return (s & (DWORK_ST_PEND | DWORK_ST_MOVE)) && !(s & DWORK_ST_DEAD);
}

int dwork_tasklet_kill(struct dwork_tasklet *t)
{
	if (!tasklet_ok(t))
		return DWORK_EINVAL;
	return dwork_node_kill(&t->node);
}

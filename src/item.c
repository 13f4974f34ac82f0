// SPDX-License-Identifier: BSD-2-Clause
/*
 * dwork items (the dpci pattern) on the per-CPU engine.
 *
 * An item is a node of kind DWORK_KIND_ITEM; all of its concurrency lives
 * in the node's state word (see the state table in engine.c).  Items never
 * die, so the DEAD bit is never set on them.
 */
#include "internal.h"

int dwork_item_init(struct dwork_item *it, void (*fn)(struct dwork_item *it))
{
	uint32_t nw;

	if (!it)
		return DWORK_EINVAL;
	nw = dwork_node_init_begin(&it->node);
	if (!nw)
		return DWORK_EBUSY; /* live: the old callback stays */
	it->fn = fn;
	dwork_node_init_end(&it->node, DWORK_KIND_ITEM, nw);
	return 0;
}

/*
 * The rest of the item checks (dwork_item_ok()) come in
 * dwork_node_schedule(), after the test for a raise that coalesces here.
 */
int dwork_item_raise_on(struct dwork_item *it, unsigned int cpu)
{
	if (!it)
		return DWORK_EINVAL;
	return dwork_node_schedule(&it->node, cpu);
}

int dwork_item_raise(struct dwork_item *it)
{
	if (!it)
		return DWORK_EINVAL;
	return dwork_node_schedule_here(&it->node);
}

int dwork_item_busy(const struct dwork_item *it)
{
	uint32_t s;

	if (!it)
		return DWORK_EINVAL;
	/* Acquire: pairs with the release that clears Q or R (engine.c (3)). */
	s = dwork_atomic_load(&it->node.state, DWORK_ACQUIRE);
	return (s & (DWORK_ST_PEND | DWORK_ST_QUEUED | DWORK_ST_RUN))
		       ? DWORK_EAGAIN
		       : 0;
}

void dwork_item_cancel(struct dwork_item *it)
{
	if (!it)
		return;
	dwork_node_cancel(&it->node);
}

# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash
# The mutation campaign, sourced by tests/unit/mutate.sh --all.
#   mutant NAME FILE SED-EXPRESSION DESCRIPTION
# Every mutant must make at least one unit test fail (docs/testing.md).
# In sed replacements '&' must be written '\&'.

# Queue-state protocol: no double insertion (Xen 104072fc1c).
mutant M01-link-when-queued src/engine.c \
	's/link = !(s & (Q | R));/link = !(s \& (P | R));/' \
	'schedule links a node that is still QUEUED (cancelled, not yet unlinked)'
mutant M02-cancel-resets-queued src/engine.c \
	'/^void dwork_node_cancel/,/^}/ s/s & ~(P | M), DWORK_RELAXED,/s \& ~(P | M | Q), DWORK_RELAXED,/' \
	'cancel clears QUEUED as well as PEND (Xen reset-while-linked bug)'
mutant M03-cancel-keeps-pend src/engine.c \
	'/^void dwork_node_cancel/,/^}/ s/s & ~(P | M), DWORK_RELAXED,/s, DWORK_RELAXED,/' \
	'cancel does not clear PEND'

# Running + schedule.
mutant M04-requeue-lost src/engine.c \
	's/requeue = (s & P) \&\& !(s & D);/requeue = false;/' \
	'a schedule during the callback is not re-queued after it'
mutant M05-link-while-running src/engine.c \
	's/link = !(s & (Q | R));/link = !(s \& Q);/' \
	'schedule links a RUNNING node (concurrent run on another CPU, Xen a2a935bc5e)'
mutant M06-requeue-on-runner src/engine.c \
	'/^static void finish_irqoff/,/^}/ { s/st_set_qcpu((s \& ~R) | Q,$/st_set_qcpu(st_set_tgt((s \& ~R) | Q, self),/; s/^\([\t ]*\)DWORK_ST_TGT(s))$/\1self)/; s/enqueue_irqoff(n, DWORK_ST_TGT(s), self);/enqueue_irqoff(n, self, self);/; }' \
	're-run after the callback goes to the CPU that ran it, not the newest target'

# Re-targeting a pending node.
mutant M07-retarget-ignored src/engine.c \
	's/nw = st_set_tgt(s | P, cpu);/nw = (s \& P) ? (s | P) : st_set_tgt(s | P, cpu);/' \
	'a schedule of a pending node keeps the old target'
mutant M08-no-forward src/engine.c \
	's/if (!(s & P) || (tgt != self \&\& cpu_accepting(tgt))) {/if (!(s \& P)) {/' \
	'the CPU holding a re-targeted node runs it instead of forwarding it'

# Hooks "only when needed".
mutant M09-raise-always src/engine.c \
	's/if (was_empty \&\& !me->in_softirq)/if (!me->in_softirq)/' \
	'local append raises the softirq even on a non-empty list'
mutant M10-remote-raise-always src/engine.c \
	's/^\tif (!old)$/\tif (1)/' \
	'inbox push raises the target softirq even when the inbox was non-empty'
mutant M11-no-idle-kick src/engine.c \
	's/^\t\tif (was_empty)$/\t\tif (0)/' \
	'queuing idle work never kicks the idle loop'
mutant M12-no-kick-from-softirq src/engine.c \
	's/^\t\tif (was_empty)$/\t\tif (was_empty \&\& !me->in_softirq)/' \
	'idle work that arrives in a softirq drain (mixed-kind feed) is not kicked (RFC bug)'

# The softirq pass and the idle loop.
mutant M13-batch-unbounded src/engine.c \
	's/if (--left == 0)$/if (0)/' \
	'one softirq pass runs everything, no batch bound'
mutant M14-pass-unlimited src/engine.c \
	's/^\twhile ((n = me->pass.head) != NULL) {$/\twhile ((n = me->pass.head) != NULL || ((me->pass = me->sirq), list_reset(\&me->sirq), (n = me->pass.head)) != NULL) {/' \
	'work queued during a pass of several nodes runs in the same pass'
mutant M15-no-reraise src/engine.c \
	'/^void dwork_softirq/,/^}/ s/^\t\tdwork_port_raise_softirq();/\t\t(void)0;/' \
	'a pass that leaves work does not raise the softirq again'
mutant M16-idle-runs-all src/engine.c \
	'/^void dwork_idle_run/,/^}/ s/^\t\t\tbreak;$/\t\t\tcontinue;/' \
	'dwork_idle_run runs every idle tasklet, not one per call'
mutant M17-idle-no-rekick src/engine.c \
	'/^void dwork_idle_run/,/^}/ s/dwork_port_kick_idle(self);/(void)0;/' \
	'dwork_idle_run does not kick again when idle work remains'

# Inbox.
mutant M18-drain-lifo src/engine.c \
	's/if (dwork_atomic_load(\&head->state, DWORK_RELAXED) != here ||/if (1 ||/; s/arrive_chain_irqoff(me, self, chain_reverse(n, head));/arrive_chain_irqoff(me, self, 0 ? chain_reverse(n, head) : (head->next = n, head));/' \
	'inbox drained in LIFO order (not reversed)'

# Kill.
mutant M19-kill-keeps-pend src/engine.c \
	'/^int dwork_node_kill/,/^}/ s/(s & ~(P | M)) | D/s | D/' \
	'kill marks dead but does not cancel the pending run'
mutant M20-kill-no-wait-run src/engine.c \
	'/^int dwork_node_kill/,/^}/ s/if (!(s & (Q | R)) && !running_on(DWORK_ST_TGT(s), n))/if (!(s \& Q))/' \
	'kill does not wait for a callback running on another CPU'
mutant M21-kill-no-wait-unlink src/engine.c \
	'/^int dwork_node_kill/,/^}/ s/if (!(s & (Q | R)) && !running_on(/if (!(s \& R) \&\& !running_on(/' \
	'kill returns while the node is still linked on another CPU'
mutant M22-kill-no-service src/engine.c \
	'/^int dwork_node_kill/,/^}/ s/service_irqoff(me, self);/(void)0;/' \
	'a spinning kill does not service its own CPU (mutual kill deadlock)'
mutant M23-self-kill-touches src/engine.c \
	's/if (me->killed\[lvl\]) {/if (0) {/' \
	'the runner touches the node after a self-kill (Linux tasklet UAF)'
mutant M24-no-edeadlk src/engine.c \
	'/^static int own_level/,/^}/ s/^\t\t\treturn lvl;$/\t\t\treturn (*own = true), lvl;/' \
	'kill from an outer context on the running CPU is treated as a self-kill'
mutant M25-edeadlk-ignores-irq src/engine.c \
	's/^\t\t\*own = !dwork_port_in_irq();$/\t\t*own = true;/' \
	'kill from an IRQ that interrupted the callback is treated as a self-kill'
mutant M26-schedule-after-kill src/engine.c \
	'/^node_schedule_slow(/,/^}/ s/if (s & D) {/if (0) {/' \
	'schedule accepts a dead tasklet'

# Hotplug.
mutant M27-dead-drops-inbox src/engine.c \
	's/me->adopt_lifo = chain;/me->adopt_lifo = NULL;/' \
	'cpu_dead drops the dead CPU inbox (Xen 29555668b5 leak)'
mutant M28-dead-inbox-lifo src/engine.c \
	's/me->adopt_lifo = chain;/me->adopt_lifo = chain_reverse(chain, NULL);/' \
	'cpu_dead adopts the inbox in LIFO order'
mutant M29-dead-keeps-inbox-open src/engine.c \
	's/chain = dwork_atomic_xchg(&dead->inbox, DWORK_INBOX_CLOSED,/chain = dwork_atomic_xchg(\&dead->inbox, NULL,/' \
	'cpu_dead leaves the inbox open: later pushes (re-run owed to it) are stranded'
mutant M30-push-drops-on-closed src/engine.c \
	's/cpu = dwork_atomic_load(&c->adopter, DWORK_RELAXED);/return;/' \
	'a push that finds the inbox closed drops the node instead of following the adopter'
mutant M31-online-check-removed src/engine.c \
	's/dwork_atomic_load(&cpu_of(cpu)->online, DWORK_RELAXED);/1;/' \
	'schedule/raise accept a CPU that is offline or not initialised'
mutant M32-reinit-wipes src/engine.c \
	'/^void dwork_cpu_init/,/^}/ s/if (dwork_atomic_load(&c->online, DWORK_RELAXED))/if (0)/' \
	'a second dwork_cpu_init on an online CPU resets its lists'

# Items.
mutant M33-busy-ignores-queued src/item.c \
	's/(DWORK_ST_PEND | DWORK_ST_QUEUED | DWORK_ST_RUN)/(DWORK_ST_PEND | DWORK_ST_RUN)/' \
	'busy returns 0 while a cancelled node is still linked'
mutant M34-raise-true-when-absorbed src/engine.c \
	's/return (s \& (P | M)) ? 0 : queued;/return queued;/' \
	'raise returns DWORK_QUEUED for an absorbed (already pending) raise'
mutant M34b-raise-error-as-absorbed src/engine.c \
	'/^static DWORK_ALWAYS_INLINE int node_schedule/,/^}/ s/return DWORK_E[A-Z]*;/return 0;/; /^node_schedule_slow(/,/^}/ s/return DWORK_E[A-Z]*;/return 0;/' \
	'raise reports a refused raise (offline CPU, uninitialised) as absorbed (0)'
mutant M35-no-cancel-reap src/engine.c \
	'/^void dwork_node_cancel/,/^}/ s/request_reap(DWORK_ST_QCPU(s), self);/(void)0;/' \
	'cancel does not ask the queueing CPU to unlink the node'

# Misuse.
mutant M36-no-init-check src/tasklet.c \
	's/dwork_node_tag(\&t->node) - DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ) <= 1;/(uint8_t)(t->node.kind - DWORK_KIND_SOFTIRQ) <= 1;/; s/if (tag == DWORK_NODE_TAG(\(DWORK_KIND_[A-Z]*\)))/if ((uint8_t)tag == \1)/' \
	'a tasklet schedule accepts a node init never wrote (the kind is checked, the magic is not)'
mutant M36b-no-init-check-debug src/engine.c \
	's/(DWORK_DEBUG \&\& !node_sane(n, s))/0/; s/(!DWORK_DEBUG || node_sane(n, s))/1/' \
	'with debug_checks a schedule accepts a state word dwork never writes'
mutant M37-no-kind-check src/tasklet.c \
	's/dwork_node_tag(\&t->node) - DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ) <= 1;/t->node.magic == DWORK_NODE_MAGIC;/; s/if (tag == DWORK_NODE_TAG(DWORK_KIND_SOFTIRQ))/if ((tag >> 16) == DWORK_NODE_MAGIC)/' \
	'a tasklet of a bad kind is accepted'

# Added after the first campaign (gaps found by mutants that survived).
mutant M38-reap-ignores-target src/engine.c \
	's/if (!(s & P) || DWORK_ST_TGT(s) != self) {/if (!(s \& P)) {/' \
	'the reap scan unlinks cancelled nodes but leaves re-targeted ones for the pass to reach'
mutant M39-kill-no-reap-request src/engine.c \
	's/request_reap(requested, self);/(void)0;/' \
	'kill does not ask the CPU holding the node to unlink it'
mutant M40-self-kill-not-dead src/engine.c \
	's/(s & ~(P | R)) | D,/(s \& ~(P | R)),/' \
	'a self-kill does not mark the tasklet dead'

# IRQ safety: an interrupt landing just before an IRQs-off section
# (tests/unit/test_irq_injection.c).
mutant_patch M41-end-of-pass-check-irqs-on /dev/stdin \
	'the end of a softirq pass decides "work left?" with IRQs on (lost wakeup)' <<'PATCH'
--- a/src/engine.c
+++ b/src/engine.c
@@ -1,8 +1,13 @@
 	 * nested call.
 	 */
-	me->in_softirq = false;
-	if ((uintptr_t)me->sirq.head |
-	    (uintptr_t)dwork_atomic_load(&me->inbox, DWORK_RELAXED) |
-	    dwork_atomic_load(&me->reap, DWORK_RELAXED))
-		dwork_port_raise_softirq();
+	dwork_port_irq_restore(flags);
+	{
+	bool more = (uintptr_t)me->sirq.head |
+	    (uintptr_t)dwork_atomic_load(&me->inbox, DWORK_RELAXED) |
+	    dwork_atomic_load(&me->reap, DWORK_RELAXED);
+	flags = dwork_port_irq_save();
+	me->in_softirq = false;
+	if (more)
+		dwork_port_raise_softirq();
+	}
 	dwork_port_irq_restore(flags);
 }
PATCH

# Kill after self-kill, and re-init from the callback after it.
mutant M42-reinit-in-callback-not-running src/engine.c \
	's/nw = st_set_qcpu(st_set_tgt(INIT | R, self), self);/nw = INIT;/' \
	'a re-init from the callback after its self-kill starts the new life idle (a schedule there runs it concurrently)'

# Regression: an IRQ window inside cpu_dead (a kill from IRQ there waited forever).
mutant M43-cpu-dead-irqs-on-window src/engine.c \
	'/^void dwork_cpu_dead/,/^}/ { /^\tflags = dwork_port_irq_save();$/,/^\tadopt_all_irqoff(me, self, &flags);$/d; s/^\tme->adopt = lists;$/\tflags = dwork_port_irq_save();\n\tme->adopt = lists;/ }' \
	'cpu_dead closes the dead inbox before disabling IRQs (an IRQ kill there waits forever)'

# Adoption in bounded steps: an IRQ's kill in a window of cpu_dead must
# continue the adoption itself.
mutant M44-service-does-not-adopt src/engine.c \
	's/^\t\tadopt_step_irqoff(me, self);$/\t\t;/' \
	'a kill spinning in an IRQ that interrupted cpu_dead does not continue the adoption (waits forever)'

# Silent misuse made loud, and kill after a self-kill.
mutant M45-kill-ignores-self-killed-callback src/engine.c \
	's/if (!(s & (Q | R)) \&\& !running_on(DWORK_ST_TGT(s), n))/if (!(s \& (Q | R)))/' \
	'an outside kill of a self-killed tasklet returns while its callback still runs'
mutant M46-irq-kill-after-self-kill-returns-0 src/engine.c \
	's/^\t\t\tif (!own)$/\t\t\tif (!own \&\& !me->killed[lvl])/' \
	'a kill from an IRQ above a self-killed callback returns 0 (memory "may be freed")'
mutant M47-self-kill-keeps-target src/engine.c \
	's/st_set_tgt((s & ~(P | R)) | D,$/st_set_tgt((s \& ~(P | R)) | D, DWORK_ST_TGT(s)) + 0 * (/' \
	'a self-kill does not record the runner CPU, so an outside kill watches the wrong CPU'
mutant M48-init-wipes-live-node src/engine.c \
	's/} else if (node_sane(n, s) \&\& (s \& (P | Q | R))) {/} else if (0) {/' \
	'init wipes a node that is pending, linked or running (corrupts the list it is on)'
mutant M49-init-from-other-context-of-runner src/engine.c \
	'/^uint32_t dwork_node_init_begin/,/^}/ s/} else if (lvl < DWORK_NR_LVL \&\& !me->killed\[lvl\]) {/} else if (0) {/' \
	'init from an IRQ above (or nested in) the running callback is not refused'
mutant M50-kill-accepts-garbage src/engine.c \
	's/if (!node_sane(n, s))$/if (!(s \& INIT))/' \
	'kill of a node with a garbage state word spins forever instead of DWORK_EINVAL'
mutant M51-no-cpu-dead-online-check src/engine.c \
	's/^\t\t    !dwork_port_cpu_online(cpu),$/\t\t    1,/' \
	'dwork_cpu_dead of a CPU the port reports online is not asserted'

# NMI-safe raises (src/nmi.c; tests/unit/test_nmi.c).
mutant M52-nmi-takes-ordinary-path src/nmi.c \
	's/^\tif (self >= DWORK_NR_CPUS)$/\tif (self < DWORK_NR_CPUS) { int r = dwork_node_schedule(n, self); *queued = r > 0; return r < 0 ? r : 0; }\n\tif (self >= DWORK_NR_CPUS)/' \
	'the NMI raise links into the lists like dwork_item_raise() (corrupts a list an NMI interrupted)'
mutant M53-nmi-no-raise src/nmi.c \
	's/^\t\tdwork_port_raise_softirq_nmi();$/\t\t;/' \
	'the NMI raise pushes onto an empty inbox without raising the softirq (run lost)'
mutant M54-nmi-link-while-running src/nmi.c \
	's/link = !(s \& (Q | R));/link = !(s \& Q);/' \
	'the NMI raise links a running node (double run, two holders)'
mutant M55-nmi-moves-node-queued-elsewhere src/nmi.c \
	's/if ((s \& Q) \&\& DWORK_ST_QCPU(s) != self) {/if (0) {/' \
	'the NMI raise re-targets a node queued on another CPU (its run moves, with no reap request)'

# The schedule that writes nothing (engine.c ordering (11)).
mutant M56-coalesce-for-another-cpu src/engine.c \
	's/^\t((cpu) == (self) \&\&/\t(1 \&\&/' \
	'a schedule for another CPU of a node pending here is absorbed (its re-target is lost)'
mutant M57-coalesce-cancelled src/engine.c \
	's/if ((s \& P) \&\& coalesces_here/if (coalesces_here/; s/(s) == (INIT | P | Q |  /(s) == (INIT | Q |  /' \
	'a schedule of a cancelled node still linked here is absorbed (no run follows)'

# The item raise's own checks come after its coalescing test (engine.c).
mutant M58-item-raise-skips-item-checks src/engine.c \
	's/if (!dwork_item_ok(dwork_container_of(n, struct dwork_item,/if (0 \&\& !dwork_item_ok(dwork_container_of(n, struct dwork_item,/' \
	'an item raise skips the item checks (NULL callback, a tasklet raised as an item)'

# Init writes the caller's fields only once the object is known not live.
mutant M59-tasklet-init-writes-before-check src/tasklet.c \
	's/^\tnw = dwork_node_init_begin(\&t->node);$/\tt->fn = fn;\n\tt->data = data;\n\tnw = dwork_node_init_begin(\&t->node);/' \
	'a refused re-init of a pending tasklet still replaces its callback and data (the pending run calls NULL or the wrong function)'
mutant M60-item-init-writes-before-check src/item.c \
	's/^\tnw = dwork_node_init_begin(\&it->node);$/\tit->fn = fn;\n\tnw = dwork_node_init_begin(\&it->node);/' \
	'a refused re-init of a pending item still replaces its callback'

# Misuse that was silent or slipped past a check.
mutant M61-tasklet-kind-truncated src/tasklet.c \
	's/: (enum dwork_kind)DWORK_KIND_NONE,/: (enum dwork_kind)kind,/' \
	'init stores a bad kind truncated to its low byte (0x101 becomes a working softirq tasklet)'
mutant M62-cpu-dead-from-offline-cpu-silent src/engine.c \
	's/DWORK_CHECK(!me || dwork_atomic_load(\&me->online, DWORK_RELAXED),/DWORK_CHECK(1,/' \
	'dwork_cpu_dead on a CPU not online in dwork is ignored silently (the dead CPU work is stranded)'
mutant M63-idle-run-irqs-off-silent src/engine.c \
	'/^void dwork_idle_run/,/^}/ s/DWORK_CHECK(!dwork_port_in_irq() \&\& !dwork_port_irqs_disabled(),/DWORK_CHECK(!dwork_port_in_irq(),/' \
	'dwork_idle_run with IRQs off runs the callback with IRQs off, silently'
mutant M64-cpu-init-out-of-range-silent src/engine.c \
	'/^void dwork_cpu_init/,/^}/ s/^\tDWORK_CHECK(cpu < DWORK_NR_CPUS,$/\tDWORK_CHECK(1,/' \
	'dwork_cpu_init of a CPU number out of range is ignored silently'
mutant M65-nmi-accepts-garbage-state src/nmi.c \
	's/(DWORK_DEBUG \&\& !dwork_node_sane(n, s))/0/' \
	'with debug_checks the NMI raise still accepts a state word dwork never writes (answers 0, nothing runs)'
mutant M66-idle-run-nested-in-softirq src/engine.c \
	'/^void dwork_idle_run/,/^}/ s/if (!dwork_atomic_load(\&me->online, DWORK_RELAXED) || me->in_softirq) {/if (!dwork_atomic_load(\&me->online, DWORK_RELAXED)) {/' \
	'dwork_idle_run from a softirq callback runs an idle callback nested in it (its self-kill gets EDEADLK)'
mutant M67-idle-run-in-softirq-silent src/engine.c \
	's/^\tDWORK_CHECK(!me->in_softirq,$/\tDWORK_CHECK(1,/' \
	'dwork_idle_run from a softirq callback is not asserted'

# Without debug_checks, garbage that reads "pending here" from no CPU
# (test_without_debug_checks, the core built without them).
mutant M68-no-cpu-coalesce-counts-out-of-bounds src/engine.c \
	's/^\t\t\tif (self < DWORK_NR_CPUS)$/\t\t\tif (1)/' \
	'an item raise from no CPU of garbage reading "pending here" counts it in the state of CPU DWORK_CPU_NONE (a write far out of bounds)'

# An NMI on a CPU going down (issue 20, finding 1): dwork_cpu_dead() waits
# for an NMI-safe raise in progress there and raises for what it pushed.
mutant M69-cpu-dead-ignores-nmi-in-progress src/engine.c \
	's/while (dwork_atomic_load(\&dead->nmi, DWORK_ACQUIRE))/while (0)/' \
	'dwork_cpu_dead does not wait for an NMI-safe raise in progress on the dead CPU (its push to the adopter is stranded)'
mutant M70-cpu-dead-no-raise-for-nmi-push src/engine.c \
	'/^void dwork_cpu_dead/,/^}/ s/^\t\tdwork_port_raise_softirq();$/\t\t(void)0;/' \
	'dwork_cpu_dead does not raise the softirq for what an NMI-safe raise pushed to its inbox'
mutant M71-nmi-raise-not-counted src/nmi.c \
	's/\&v, v + 1, DWORK_RELAXED,/\&v, v, DWORK_RELAXED,/; s/\&v, v - 1, DWORK_RELEASE,/\&v, v, DWORK_RELEASE,/' \
	'the NMI-safe raise does not count itself in, so dwork_cpu_dead does not wait for it'

# Memory of a self-killed tasklet reused at once (issue 20, finding 2).
mutant M72-reuse-refused-while-old-callback-runs src/engine.c \
	's/} else if (node_sane(n, s) \&\& (s \& (P | Q | R))) {/} else if (node_sane(n, s) \&\& ((s \& (P | Q | R)) || running_on(DWORK_ST_TGT(s), n))) {/' \
	'init refuses the memory of a self-killed tasklet while its old callback still runs on another CPU (DWORK_EBUSY, the new object never runs)'
mutant M73-reuse-refused-from-irq-on-runner src/engine.c \
	's/} else if (lvl < DWORK_NR_LVL \&\& !me->killed\[lvl\]) {/} else if (lvl < DWORK_NR_LVL) {/' \
	'init from an IRQ on the CPU still finishing a self-killed callback refuses its memory'
mutant M74-own-level-outer-first src/engine.c \
	's/^\tif (me->running\[inner\] == n) {$/\tif (0) {/' \
	'a callback nested in the self-killed callback whose memory it reuses is taken for an interrupted one (its self-kill gets EDEADLK)'

# The item raise's storm path checks every misuse with debug_checks
# (issue 20, finding 7).
mutant M75-storm-path-takes-a-tasklet-as-an-item src/engine.c \
	's/^\t\t      dwork_item_ok(dwork_container_of(n, struct dwork_item,$/\t\t      (1 || dwork_item_ok(dwork_container_of(n, struct dwork_item,/; s/^\t\t\t\t\t\t       node))))) {$/\t\t\t\t\t\t       node)))))) {/' \
	'with debug_checks a tasklet passed as an item while pending here is answered 0 (already pending), not DWORK_EINVAL'

# A raise after a cancel while the node is still linked queues behind
# what was raised after the cancel (issue 20, finding 4).
mutant M76-reraise-keeps-stale-place src/engine.c \
	's/^\t\t\tnw = (nw \& ~P) | M;$/\t\t\t(void)0;/' \
	'a raise of an item cancelled while still linked sets PEND and keeps its old place (runs before what was raised after the cancel)'
mutant M77-reraise-moved-only-at-next-pass src/engine.c \
	's/if (DWORK_ST_QCPU(s) != self || (s \& P)) {/if (1) {/' \
	'the CPU holding a cancelled node that it raises again moves it only at its next pass (a raise in between overtakes it)'
mutant M78-cancel-keeps-move src/engine.c \
	'/^void dwork_node_cancel/,/^}/ s/s & ~(P | M), DWORK_RELAXED,/s \& ~P, DWORK_RELAXED,/' \
	'a cancel after a raise of a cancelled, still linked item does not cancel that run'
mutant M79-nmi-reraise-keeps-stale-place src/nmi.c \
	's/^\t\t\t\tnw = (nw \& ~P) | M;$/\t\t\t\t(void)0;/' \
	'an NMI raise of an item cancelled while still linked here sets PEND and keeps its old place'
mutant M80-rerun-overtakes-fed src/engine.c \
	's/if (DWORK_ST_TGT(s) == self \&\& !me->adopting \&\&$/if (0 \&\&/' \
	'a re-run is appended to the runner CPU list before what was fed to it earlier (still in its inbox)'

# The lean fed path: the drain joins a fed batch of common
# nodes to sirq in one step; one test of the per-CPU attention words; the
# tasklet schedules route by kind; one counter for a schedule that feeds.
mutant M81-drain-joins-idle src/engine.c \
	's/^\t\t    head->kind == DWORK_KIND_IDLE) {$/\t\t    0) {/' \
	'the drain joins a fed batch to the softirq list with an idle tasklet in it (it runs in softirq context)'
mutant M82-drain-join-no-prev src/engine.c \
	's/^\t\thead->prev = n;$/\t\t(void)0;/' \
	'the drain joins a fed batch without linking prev (unlinking a node from the middle of it corrupts the list)'
mutant M83-drain-join-no-raise src/engine.c \
	's/if (me->sirq.head == head \&\& !me->in_softirq)/if (0)/' \
	'a drain outside a softirq pass (the idle loop, a kill spinning) joins fed work to an empty softirq list without raising the softirq'
mutant M84-attention-ignores-reap src/engine.c \
	's/^\t    dwork_atomic_load(\&me->reap, DWORK_RELAXED) | me->adopting)$/\t    me->adopting)/' \
	'the owner looks at its reap word only when its inbox is non-empty or it adopts'
mutant M85-attention-ignores-adopting src/engine.c \
	's/^\t    dwork_atomic_load(\&me->reap, DWORK_RELAXED) | me->adopting)$/\t    dwork_atomic_load(\&me->reap, DWORK_RELAXED))/' \
	'the owner continues an adoption only when its inbox or reap word is non-empty'
mutant M86-softirq-tasklet-on-idle-list src/tasklet.c \
	's/return dwork_node_schedule_softirq_here(/return dwork_node_schedule_idle_here(/' \
	'a softirq tasklet scheduled on this CPU is queued on the idle list'
mutant M87-fed-raised-not-raised src/engine.c \
	's/^\t\t      fed_raised;$/\t\t      0;/' \
	'dwork_cpu_stats() leaves the schedules that fed another CPU out of raised'

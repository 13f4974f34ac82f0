/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host simulation of a Xen machine for the xen suite: CPUs, softirqs with
 * Xen's pending-bit/IPI rules, the scheduler's tasklet handshake, the idle
 * loop, CPU notifiers and hotplug, interrupt context.
 *
 * Deterministic: nothing runs by itself.  The test chooses which CPU acts
 * (sim_on), and plays a CPU's softirqs (sim_softirq), one idle-loop
 * iteration (sim_idle), or an interrupt (sim_irq).
 */
#ifndef SIM_H
#define SIM_H

#include <setjmp.h>
#include <xen/errno.h>
#include <xen/types.h>
#include <xen/softirq.h>
#include <xen/cpu.h>
#include <xen/sched.h>
#include <xen/tasklet.h>
#include <xen/keyhandler.h>

struct sim_cpu {
	bool online;
	bool irq_off;
	unsigned int in_irq;
	unsigned int active;               /* on the host stack right now */
	unsigned long pending;             /* softirq bits */
	unsigned int raised[NR_SOFTIRQS];  /* times a bit went 0 -> 1 */
	unsigned int ipis;                 /* IPIs sent to this CPU */
	unsigned int sched_runs;           /* SCHEDULE_SOFTIRQ handler runs */
	bool idle_picked;                  /* last scheduling decision */
	unsigned int execstate_syncs;      /* sync_local_execstate() calls */
	unsigned int notified[16];         /* notifier actions seen (low bits) */
};

extern struct sim_cpu sim_cpus[NR_CPUS];
extern unsigned int sim_relax_calls;
extern void (*sim_relax_hook)(void *arg);
/*
 * An interrupt that is due (NULL: none): run as an IRQ on the current CPU
 * at a moment its IRQs are enabled (a local_irq_save() that finds them
 * on, or a restore that turns them on), after skipping sim_due_irq_skip
 * such moments; then cleared.
 */
extern void (*sim_due_irq)(void *arg);
extern unsigned int sim_due_irq_skip;
extern void *sim_relax_arg;
/* printk()'s text since the last reset of sim_printk_len (tests read it). */
extern char sim_printk_buf[4096];
extern size_t sim_printk_len;
/* Debug key handlers, by key (register_keyhandler()). */
extern keyhandler_fn_t *sim_keyhandler[256];
/* Called at the end of every put_domain(), to act at that point. */
extern void (*sim_put_domain_hook)(struct domain *d);

/* A BUG()/ASSERT() longjmps here when armed (see SIM_EXPECT_BUG). */
extern jmp_buf *sim_bug_jmp;
extern unsigned int sim_bugs;

#define SIM_EXPECT_BUG(stmt)                                               \
	({                                                                 \
		jmp_buf jb_;                                               \
		bool bugged_ = false;                                      \
		sim_bug_jmp = &jb_;                                        \
		if (setjmp(jb_) == 0) {                                    \
			stmt;                                              \
		} else {                                                   \
			bugged_ = true;                                    \
		}                                                          \
		sim_bug_jmp = NULL;                                        \
		bugged_;                                                   \
	})

/* Power on: CPU 0 online, SCHEDULE_SOFTIRQ handled by the sim scheduler. */
void sim_power_on(void);
/* Bring CPUs 1..n-1 up through the notifier chain (as smp boot does). */
void sim_smp_boot(unsigned int n);

unsigned int sim_on(unsigned int cpu);  /* returns the previous CPU */

int sim_cpu_up(unsigned int cpu);
/* CPU_UP_PREPARE succeeds, then the bring-up fails: CPU_UP_CANCELED. */
void sim_cpu_up_cancel(unsigned int cpu);
/* Take @cpu down; CPU_DEAD runs on the current CPU. */
int sim_cpu_down(unsigned int cpu);

/* Run @cpu's pending softirqs as Xen's do_softirq does. */
void sim_softirq(unsigned int cpu);
/* One iteration of the x86 idle loop on @cpu; true if it did anything. */
bool sim_idle(unsigned int cpu);
/* Idle every online CPU until nothing is pending anywhere. */
void sim_settle(void);
/* Run fn(arg) as a hard interrupt handler on @cpu. */
void sim_irq(unsigned int cpu, void (*fn)(void *), void *arg);

/* The scheduler's handshake, as common/sched/core.c behaves (own code). */
bool sim_sched_tasklet_check_cpu(unsigned int cpu);

static inline unsigned long sim_work(unsigned int cpu)
{
	return per_cpu(tasklet_work_to_do, cpu);
}

#endif

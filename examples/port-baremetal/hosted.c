// SPDX-License-Identifier: BSD-2-Clause
/*
 * The bare-metal port, run as an ordinary program (BM_HOSTED): a simulated
 * UART delivers bytes in bursts of interrupts; its handler (hard IRQ)
 * copies them into a ring and raises an item; the item's callback
 * (softirq) assembles lines and hands each finished line to an idle
 * tasklet, which "logs" it (idle context).  Exits 0 if every byte and line
 * arrived and the per-CPU counters and the trace hook agree with what the
 * driver saw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

/* ---- the simulated machine (arch.h BM_HOSTED) ---- */

unsigned long bm_sim_irq_off;

/* Each string is one burst; '|' separates the interrupts of a burst. */
static const char *const bursts[] = {
	"hello|\n",
	"dwork on |bare |metal\n",		/* 3 IRQs before the softirq */
	"deferred|,\nwork\n",
};
static unsigned int next_burst;
static const char *uart_fifo;		/* bytes the UART holds right now */
static size_t uart_len;

static void uart_isr(void *arg);

/* Called while the CPU waits with IRQs enabled: the next burst arrives. */
void bm_sim_deliver(void)
{
	const char *p;

	if (next_burst >= sizeof(bursts) / sizeof(bursts[0]))
		return;
	p = bursts[next_burst++];
	while (*p) {
		size_t n = strcspn(p, "|");

		uart_fifo = p;
		uart_len = n;
		bm_irq(uart_isr, NULL);		/* one interrupt */
		p += n;
		if (*p == '|')
			p++;
	}
}

void bm_panic(const char *what, const char *file, int line)
{
	fprintf(stderr, "panic: %s at %s:%d\n", what, file, line);
	abort();
}

/* ---- the trace hook (BM_TRACE): count events by type ---- */

static unsigned long trace_count[DWORK_TRACE_MIGRATE + 1];

void bm_trace(enum dwork_trace_event ev, unsigned int cpu, const void *obj)
{
	(void)cpu;
	(void)obj;
	if ((unsigned int)ev <= DWORK_TRACE_MIGRATE)
		trace_count[ev]++;
}

/* ---- the driver ---- */

#define RING 64
static char ring[RING];
static unsigned int ring_head, ring_tail;	/* IRQ writes head */
static unsigned long irqs, raised, absorbed;

static char line[64], logged[4][64];
static size_t line_len;
static unsigned int lines_done, lines_logged;
static unsigned long bytes_in, bytes_out, schedules, coalesced_schedules;

static void log_line(void *arg);
static struct dwork_tasklet log_tasklet = DWORK_TASKLET_INIT(log_line, NULL);

static void rx_work(struct dwork_item *it);
static struct dwork_item rx_item = DWORK_ITEM_INIT(rx_work);

/* Hard IRQ: drain the UART into the ring, defer the rest. */
static void uart_isr(void *arg)
{
	(void)arg;
	irqs++;
	for (size_t i = 0; i < uart_len; i++) {
		ring[ring_head % RING] = uart_fifo[i];
		ring_head++;
		bytes_in++;
	}
	if (dwork_item_raise(&rx_item) == DWORK_QUEUED)
		raised++;
	else
		absorbed++;		/* already pending: masked */
}

/* Softirq: take what the IRQ left, build lines. */
static void rx_work(struct dwork_item *it)
{
	(void)it;
	for (;;) {
		unsigned long f = dwork_port_irq_save();
		char c;

		if (ring_tail == ring_head) {
			dwork_port_irq_restore(f);
			break;
		}
		c = ring[ring_tail % RING];
		ring_tail++;
		dwork_port_irq_restore(f);
		bytes_out++;
		if (c != '\n' && line_len < sizeof(line) - 1) {
			line[line_len++] = c;
			continue;
		}
		line[line_len] = '\0';
		if (lines_done < 4)
			memcpy(logged[lines_done], line, line_len + 1);
		lines_done++;
		line_len = 0;
		/* One log pass in idle context covers every finished line. */
		schedules++;
		if (dwork_tasklet_is_scheduled(&log_tasklet))
			coalesced_schedules++;
		if (dwork_tasklet_schedule(&log_tasklet) != 0)
			bm_panic("schedule refused", __FILE__, __LINE__);
	}
}

/* Idle: the slow part (a real driver would write to a console here). */
static void log_line(void *arg)
{
	(void)arg;
	while (lines_logged < lines_done && lines_logged < 4) {
		printf("idle: line %u: \"%s\"\n", lines_logged,
		       logged[lines_logged]);
		lines_logged++;
	}
}

static size_t sent_bytes(void)
{
	size_t n = 0;

	for (size_t b = 0; b < sizeof(bursts) / sizeof(bursts[0]); b++)
		for (const char *p = bursts[b]; *p; p++)
			n += *p != '|';
	return n;
}

static bool all_delivered(void)
{
	return next_burst >= sizeof(bursts) / sizeof(bursts[0]);
}

int main(void)
{
	struct dwork_stats st;
	int bad = 0;

	bm_boot();
	bm_run(all_delivered);

	dwork_cpu_stats(0, &st);
	printf("irqs %lu: raise queued %lu, absorbed %lu; bytes %lu/%lu; "
	       "lines %u, logged %u\n", irqs, raised, absorbed, bytes_in,
	       bytes_out, lines_done, lines_logged);
	printf("cpu0 stats: raised %lu coalesced %lu run %lu fed %lu "
	       "migrated %lu requeued %lu forwarded %lu dropped %lu\n",
	       st.raised, st.coalesced, st.run, st.fed, st.migrated,
	       st.requeued, st.forwarded, st.dropped);
	printf("trace: queue %lu feed %lu run %lu done %lu drop %lu "
	       "migrate %lu\n", trace_count[DWORK_TRACE_QUEUE],
	       trace_count[DWORK_TRACE_FEED], trace_count[DWORK_TRACE_RUN],
	       trace_count[DWORK_TRACE_DONE], trace_count[DWORK_TRACE_DROP],
	       trace_count[DWORK_TRACE_MIGRATE]);

#define CHECK(c)                                                           \
	do {                                                               \
		if (!(c)) {                                                \
			printf("FAIL: %s\n", #c);                          \
			bad = 1;                                           \
		}                                                          \
	} while (0)
	CHECK(irqs == 7);
	CHECK(bytes_in == bytes_out && bytes_in == sent_bytes());
	CHECK(lines_done == 4 && lines_logged == 4);
	CHECK(strcmp(logged[1], "dwork on bare metal") == 0);
	/* A burst of n IRQs before the softirq: 1 raise queues, n-1 absorbed. */
	CHECK(raised == 3 && absorbed == 4);
	CHECK(st.raised == raised + schedules - coalesced_schedules);
	CHECK(st.coalesced == absorbed + coalesced_schedules);
	CHECK(st.run == st.raised);	/* nothing cancelled, all ran */
	CHECK(st.fed == 0 && st.migrated == 0 && st.dropped == 0);
	CHECK(trace_count[DWORK_TRACE_RUN] == st.run);
	CHECK(trace_count[DWORK_TRACE_DONE] == st.run);
	printf("%s\n", bad ? "port-baremetal: FAIL" : "port-baremetal: ok");
	return bad;
}

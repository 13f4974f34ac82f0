// SPDX-License-Identifier: BSD-2-Clause
/*
 * Weak-memory litmus tests of dwork's cross-CPU protocol (suite 'model').
 *
 * The explorer (sim.c) is sequentially consistent: it cannot see a
 * missing release or acquire.  This program runs small litmus tests that
 * mirror the engine's synchronising accesses under a C11-style
 * release/acquire/relaxed model, and enumerates every interleaving AND
 * every value each load may read.
 *
 * The memory orders are not copied by hand: they are read from the source
 * (src/engine.c, src/item.c, or a mutant of them) at start-up.  Each site
 * is found by a key text that must occur exactly once (whitespace is
 * normalised); the orders are the first DWORK_* tokens after it.  So
 * weakening an order in engine.c makes the matching litmus test fail, and
 * a site that cannot be found fails loudly instead of testing nothing.
 *
 * The model is an operational version of RC11 (Lahav et al., PLDI 2017)
 * restricted to relaxed, release, acquire and acq_rel accesses, in the
 * style of the promise-free promising machine (Kang et al., POPL 2017):
 *  - per location a modification order (mo) of messages; per thread a
 *    view (for each location, the mo position it has seen);
 *  - a store is placed ANYWHERE in mo after the thread's view of that
 *    location (write coherence), except between an RMW and the message it
 *    read; a release store's message carries the thread's view, a relaxed
 *    one only itself;
 *  - a load reads any message not older than the thread's view (read
 *    coherence); an acquire load joins the message's view into the
 *    thread's;
 *  - a read-modify-write reads any such message that no other RMW read,
 *    and its message goes right after it in mo (atomicity); its message
 *    carries the view of the message it read (release sequences continue
 *    through RMWs, relaxed or not, as in C++20/RC11); a failed CAS is a
 *    load with the failure order; a strong CAS that reads the expected
 *    value always writes;
 *  - a load reads only messages already in mo, so po u rf is acyclic: no
 *    load buffering, which is RC11's no-thin-air axiom;
 *  - seq_cst accesses are treated as acq_rel: that allows MORE outcomes
 *    than C11 (it drops the SC order), so a test that passes is still
 *    correct, but a protocol that needs seq_cst accesses would be reported
 *    as broken; src/ has no seq_cst access and no fence;
 *  - a seq_cst fence, as in the promising machine, joins a global SC view
 *    into the thread's view and then makes the thread's view the global
 *    one: fences are totally ordered, and of two seq_cst fences the later
 *    sees everything the earlier's thread had seen (RC11's psc on fences:
 *    store buffering with a seq_cst fence on both sides is forbidden, with
 *    one side's fence only it is allowed).  Weaker fences are not
 *    modelled (no-ops: more outcomes, so still sound).  Only the dpci
 *    helper of port/xen (--dpci) has fences;
 *  - plain (non-atomic) accesses are relaxed accesses: a plain read that
 *    may return a stale value is reported as the bug it would be (in C11,
 *    a data race).
 * wmm --selftest checks the model against classic litmus tests (MP, SB,
 * 2+2W, LB, RMW atomicity, release sequence) whose RC11 outcomes are
 * known: it must produce exactly the allowed ones.
 *
 * What it is not: a checker of the engine's code.  Each litmus test is a
 * hand-written skeleton of one synchronisation argument of src/engine.c
 * (only the orders come from the source), and it runs 2-3 threads over a
 * few locations.  GenMC checks whole C programs under RC11 (and IMM, LKMM)
 * with full executions; CDSChecker checks C/C++11 programs; herd7 checks
 * litmus tests against any cat model (with SC, fences, LKMM).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

enum mo { RLX, ACQ, REL, ACQREL, SC };
static const char *const mo_name[] = { "RELAXED", "ACQUIRE", "RELEASE",
				       "ACQ_REL", "SEQ_CST" };

static bool has_acq(enum mo m)
{
	return m == ACQ || m == ACQREL || m == SC;
}

static bool has_rel(enum mo m)
{
	return m == REL || m == ACQREL || m == SC;
}

/* ------------------------------------------------------------------
 * Orders read from the source.
 */

struct site {
	const char *id;
	const char *file;
	const char *key;
	enum mo mo[2];
};

static struct site sites[] = {
	{ "push_cas", "engine.c",
	  "} while (!dwork_atomic_cas(&c->inbox, &old, n,", { 0 } },
	{ "push_load", "engine.c", "old = dwork_atomic_load(&c->inbox,", { 0 } },
	{ "adopter_load", "engine.c",
	  "cpu = dwork_atomic_load(&c->adopter,", { 0 } },
	{ "drain_xchg", "engine.c",
	  "chain = dwork_atomic_xchg(&me->inbox, NULL,", { 0 } },
	{ "sched_cas", "engine.c",
	  "} while (!dwork_atomic_cas(&n->state, &s, nw,", { 0 } },
	{ "sched_fast_cas", "engine.c",
	  "if (dwork_atomic_cas(&n->state, &s, INIT | P | Q | st_cpus(cpu),",
	  { 0 } },
	{ "claim_cas", "engine.c", "if (dwork_atomic_cas(&n->state, &s, nw,",
	  { 0 } },
	{ "clear_run_cas", "engine.c", ": s & ~R,", { 0 } },
	{ "clear_run_fast_cas", "engine.c",
	  "if (!dwork_atomic_cas(&n->state, &s, s & ~R,", { 0 } },
	{ "kill_wait_load", "engine.c",
	  "for (;;) { /* Acquire: pairs with the release clearing Q or R (3). */ s = dwork_atomic_load(&n->state,",
	  { 0 } },
	{ "busy_load", "item.c", "s = dwork_atomic_load(&it->node.state,",
	  { 0 } },
	{ "cancel_cas", "engine.c",
	  "!dwork_atomic_cas(&n->state, &s, s & ~(P | M),",
	  { 0 } },
	{ "reap_fetch_or", "engine.c",
	  "if (!dwork_atomic_fetch_or(&cpu_of(cpu)->reap, 1,", { 0 } },
	{ "reap_xchg", "engine.c", "dwork_atomic_xchg(&me->reap, 0,", { 0 } },
	{ "dead_xchg", "engine.c",
	  "chain = dwork_atomic_xchg(&dead->inbox, DWORK_INBOX_CLOSED,",
	  { 0 } },
	{ "online_store", "engine.c", "dwork_atomic_store(&c->online, 1,",
	  { 0 } },
	{ "drop_cas", "engine.c",
	  "if (dwork_atomic_cas(&n->state, &s, s & ~Q,", { 0 } },
	{ "init_store", "engine.c", "dwork_atomic_store(&n->state, nw,",
	  { 0 } },
	{ "selfkill_cas", "engine.c", "(s & ~(P | R)) | D,", { 0 } },
	{ "dead_online_load", "engine.c",
	  "if (!dwork_atomic_load(&dead->online,", { 0 } },
	{ "inbox_reopen", "engine.c", "dwork_atomic_store(&c->inbox, NULL,",
	  { 0 } },
	{ "running_set", "engine.c", "dwork_atomic_store(&me->running[lvl], n,",
	  { 0 } },
	{ "running_clear", "engine.c",
	  "dwork_atomic_store(&me->running[lvl], NULL,", { 0 } },
	{ "running_load", "engine.c",
	  "if (dwork_atomic_load(&c->running[lvl],", { 0 } },
	{ "nmi_push_load", "nmi.c",
	  "struct dwork_node *old = dwork_atomic_load(&c->inbox,", { 0 } },
	{ "nmi_push_reload", "nmi.c",
	  "c = dwork_port_cpu(to); old = dwork_atomic_load(&c->inbox,", { 0 } },
	{ "nmi_push_cas", "nmi.c", "if (dwork_atomic_cas(&c->inbox, &old, n,",
	  { 0 } },
	{ "nmi_count_in", "nmi.c",
	  "while (!dwork_atomic_cas(&me->nmi, &v, v + 1,", { 0 } },
	{ "nmi_count_fence", "nmi.c", "dwork_atomic_fence(", { 0 } },
	{ "nmi_count_out", "nmi.c",
	  "while (!dwork_atomic_cas(&me->nmi, &v, v - 1,", { 0 } },
	{ "dead_nmi_fence", "engine.c", "dwork_atomic_fence(", { 0 } },
	{ "dead_nmi_load", "engine.c",
	  "while (dwork_atomic_load(&dead->nmi,", { 0 } },
	{ "nmi_sched_cas", "nmi.c",
	  "} while (!dwork_atomic_cas(&n->state, &s, nw,", { 0 } },
	/* port/xen's dpci helper (--dpci), read only when given. */
	{ "dpci_raise_fence", "dwork_xen_dpci.c",
	  "locked test_and_set_bit(). */ dwork_atomic_fence(", { 0 } },
	{ "dpci_raise_load", "dwork_xen_dpci.c",
	  "if (dwork_atomic_load(&p->owner,", { 0 } },
	{ "dpci_run_xchg", "dwork_xen_dpci.c",
	  "struct domain *d = dwork_atomic_xchg(&p->owner, NULL,", { 0 } },
	{ "dpci_run_fence", "dwork_xen_dpci.c",
	  "dwork_atomic_fence_after_rmw(",
	  { 0 } },
};
#define NSITES (sizeof(sites) / sizeof(sites[0]))

static char *slurp_normalised(const char *path)
{
	FILE *f = fopen(path, "r");
	char *out;
	size_t n = 0, cap = 1 << 16;
	int c, sp = 0;

	if (!f) {
		perror(path);
		exit(2);
	}
	out = malloc(cap);
	while ((c = fgetc(f)) != EOF) {
		if (n + 2 >= cap)
			out = realloc(out, cap *= 2);
		if (isspace(c)) {
			sp = 1;
			continue;
		}
		if (sp && n)
			out[n++] = ' ';
		sp = 0;
		out[n++] = (char)c;
	}
	out[n] = 0;
	fclose(f);
	return out;
}

static char *normalise(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t n = 0;
	int sp = 0;

	for (; *s; s++) {
		if (isspace((unsigned char)*s)) {
			sp = 1;
			continue;
		}
		if (sp && n)
			out[n++] = ' ';
		sp = 0;
		out[n++] = *s;
	}
	out[n] = 0;
	return out;
}

static void load_sites(const char *engine, const char *item, const char *nmi,
		       const char *dpci)
{
	char *src[4] = { slurp_normalised(engine), slurp_normalised(item),
			 slurp_normalised(nmi),
			 dpci ? slurp_normalised(dpci) : NULL };
	size_t i;

	for (i = 0; i < NSITES; i++) {
		char *text = src[!strcmp(sites[i].file, "engine.c") ? 0
				 : !strcmp(sites[i].file, "item.c") ? 1
				 : !strcmp(sites[i].file, "nmi.c") ? 2 : 3];
		char *key, *p, *q;
		int k;

		if (!text)
			continue; /* the dpci helper's, without --dpci */
		key = normalise(sites[i].key);
		p = strstr(text, key);

		if (!p || strstr(p + 1, key)) {
			fprintf(stderr,
				"wmm: site %s: key %s in %s: %s; update tests/model/wmm.c\n",
				sites[i].id, p ? "occurs twice" : "not found",
				sites[i].file, key);
			exit(2);
		}
		q = p + strlen(key);
		for (k = 0; k < (strstr(sites[i].id, "cas") ? 2 : 1); k++) {
			int m, found = -1;
			char *best = NULL;

			for (m = 0; m <= SC; m++) {
				char tok[32];
				char *r;

				snprintf(tok, sizeof(tok), "DWORK_%s", mo_name[m]);
				r = strstr(q, tok);
				if (r && (!best || r < best)) {
					best = r;
					found = m;
				}
			}
			if (found < 0 || best - q > 200) {
				fprintf(stderr, "wmm: site %s: no order after key\n",
					sites[i].id);
				exit(2);
			}
			sites[i].mo[k] = (enum mo)found;
			q = best + 7;
		}
		free(key);
	}
	free(src[0]);
	free(src[1]);
	free(src[2]);
	free(src[3]);
}

static enum mo O(const char *id, int k)
{
	size_t i;

	for (i = 0; i < NSITES; i++)
		if (!strcmp(sites[i].id, id))
			return sites[i].mo[k];
	fprintf(stderr, "wmm: unknown site %s\n", id);
	exit(2);
}

/* ------------------------------------------------------------------
 * Memory and threads.
 */

#define MAXLOC 12
#define MAXMSG 24
#define MAXT 3
#define MAXDEPTH 4096

/*
 * A message: a store in its location's modification order (mo).  Views
 * are indices into each location's mo; inserting a message shifts every
 * index at or after its position (shift()).  @taken: an RMW's message
 * follows this one in mo and read it, so nothing may be inserted between
 * them and no other RMW may read it (RMW atomicity).
 */
struct msg {
	long val;
	int id;
	bool taken;
	int view[MAXLOC];
};

struct loc {
	struct msg m[MAXMSG];
	int n;
};

static struct loc mem[MAXLOC];
static int nlocs, next_id;
static int view[MAXT][MAXLOC];
static int scview[MAXLOC]; /* the view of the last seq_cst fence */

static ucontext_t main_ctx, tctx[MAXT];
static char tstack[MAXT][128 * 1024] __attribute__((aligned(16)));
static int cur, nthreads;
static bool tdone[MAXT];
static bool failed;
static char fail_msg[256];

static unsigned short choices[MAXDEPTH], nopts_at[MAXDEPTH];
static int depth, prefix_len;

static int decide(int n)
{
	int c;

	if (n <= 1)
		return 0;
	if (depth >= MAXDEPTH) {
		fprintf(stderr, "wmm: too deep\n");
		exit(2);
	}
	c = depth < prefix_len ? choices[depth] : 0;
	choices[depth] = (unsigned short)c;
	nopts_at[depth++] = (unsigned short)n;
	return c;
}

static void yield(void)
{
	swapcontext(&tctx[cur], &main_ctx);
}

static void wm_fail(const char *fmt, ...)
{
	va_list ap;

	if (!failed) {
		va_start(ap, fmt);
		vsnprintf(fail_msg, sizeof(fail_msg), fmt, ap);
		va_end(ap);
		failed = true;
	}
	for (;;)
		yield();
}

static int new_loc(long init)
{
	int l = nlocs++;

	memset(&mem[l], 0, sizeof(mem[l]));
	mem[l].m[0].val = init;
	mem[l].m[0].id = next_id++;
	mem[l].n = 1;
	return l;
}

static void join(int *v, const int *w)
{
	int i;

	for (i = 0; i < MAXLOC; i++)
		if (w[i] > v[i])
			v[i] = w[i];
}

/* Make room at mo position @pos of @l: every view index >= @pos moves up. */
static void shift(int l, int pos)
{
	int t, k, i;

	if (mem[l].n >= MAXMSG) {
		fprintf(stderr, "wmm: too many messages\n");
		exit(2);
	}
	for (t = 0; t < nthreads; t++)
		if (view[t][l] >= pos)
			view[t][l]++;
	if (scview[l] >= pos)
		scview[l]++;
	for (k = 0; k < nlocs; k++)
		for (i = 0; i < mem[k].n; i++)
			if (mem[k].m[i].view[l] >= pos)
				mem[k].m[i].view[l]++;
	memmove(&mem[l].m[pos + 1], &mem[l].m[pos],
		(size_t)(mem[l].n - pos) * sizeof(struct msg));
	mem[l].n++;
	memset(&mem[l].m[pos], 0, sizeof(struct msg));
	mem[l].m[pos].id = next_id++;
}

/* Position of message @id in @l's mo, or -1. */
static int mo_index(int l, int id)
{
	int i;

	for (i = 0; i < mem[l].n; i++)
		if (mem[l].m[i].id == id)
			return i;
	return -1;
}

static int last_id; /* id of the message the last store/RMW wrote */

/* A load reads any message not older than the thread's view (coherence). */
static long ld(int l, enum mo mo)
{
	int *v = view[cur];
	int i;

	yield();
	i = v[l] + decide(mem[l].n - v[l]);
	v[l] = i;
	if (has_acq(mo))
		join(v, mem[l].m[i].view);
	return mem[l].m[i].val;
}

/*
 * A store goes anywhere in mo after the thread's view of the location
 * (write coherence), except between an RMW and the message it read.
 */
static void st(int l, long val, enum mo mo)
{
	int *v = view[cur];
	int pos[MAXMSG], np = 0, p, i;
	struct msg *m;

	yield();
	for (i = v[l]; i < mem[l].n; i++)
		if (!mem[l].m[i].taken)
			pos[np++] = i + 1;
	p = pos[decide(np)];
	shift(l, p);
	m = &mem[l].m[p];
	v[l] = p;
	m->val = val;
	if (has_rel(mo))
		memcpy(m->view, v, sizeof(m->view));
	else
		m->view[l] = p;
	last_id = m->id;
}

enum rmw_op { RMW_XCHG, RMW_CAS, RMW_OR };

/*
 * Returns the old value; for CAS, *ok tells whether it stored.  The RMW
 * reads any message not older than the view; if it writes, its message
 * goes right after the one it read, which no other RMW may have read.
 * A strong CAS that reads the expected value must write, so it cannot
 * read a taken message with that value.
 */
static long rmw(int l, enum rmw_op op, long arg, long expect, enum mo mo,
		enum mo mo_fail, bool *ok)
{
	int *v = view[cur];
	int cand[MAXMSG], nc = 0, i, r;
	struct msg *m, *prev;
	long old, nv;

	yield();
	for (i = v[l]; i < mem[l].n; i++) {
		bool writes = op != RMW_CAS || mem[l].m[i].val == expect;

		if (!(writes && mem[l].m[i].taken))
			cand[nc++] = i;
	}
	r = cand[decide(nc)];
	prev = &mem[l].m[r];
	old = prev->val;
	if (op == RMW_CAS && old != expect) {
		v[l] = r;
		if (has_acq(mo_fail))
			join(v, prev->view);
		*ok = false;
		return old;
	}
	if (ok)
		*ok = true;
	nv = op == RMW_XCHG ? arg : op == RMW_OR ? (old | arg) : arg;
	if (has_acq(mo))
		join(v, prev->view);
	shift(l, r + 1);
	prev = &mem[l].m[r];
	prev->taken = true;
	m = &mem[l].m[r + 1];
	v[l] = r + 1;
	m->val = nv;
	/* Release sequence: the RMW's message carries its predecessor's. */
	memcpy(m->view, prev->view, sizeof(m->view));
	if (has_rel(mo))
		join(m->view, v);
	m->view[l] = r + 1;
	last_id = m->id;
	return old;
}

static long xchg(int l, long val, enum mo mo)
{
	return rmw(l, RMW_XCHG, val, 0, mo, mo, NULL);
}

static bool cas(int l, long *expp, long val, enum mo mo, enum mo mo_fail)
{
	bool ok;
	long old = rmw(l, RMW_CAS, val, *expp, mo, mo_fail, &ok);

	*expp = old;
	return ok;
}

static long fetch_or(int l, long val, enum mo mo)
{
	return rmw(l, RMW_OR, val, 0, mo, mo, NULL);
}

/*
 * A seq_cst fence: the global SC view joins the thread's, which becomes
 * the new global SC view.  Other fences are no-ops (not modelled).
 */
static void fence(enum mo mo)
{
	yield();
	if (mo != SC)
		return;
	join(view[cur], scview);
	memcpy(scview, view[cur], sizeof(scview));
}

#define CHECK(cond, ...)                                                   \
	do {                                                               \
		if (!(cond))                                               \
			wm_fail(__VA_ARGS__);                              \
	} while (0)

/* ------------------------------------------------------------------
 * Litmus tests.  Locations are ints from new_loc(); "plain" data uses RLX.
 */

struct litmus {
	const char *name;
	const char *what;
	int nthreads;
	void (*setup)(void);
	void (*thread[MAXT])(void);
	/* After all threads: a message if the final state is a violation. */
	const char *(*final)(void);
};

static int L_inbox, L_next1, L_next2, L_data1, L_data2, L_state, L_reap,
	L_adopter, L_online, L_sirq;
static int sched1, sched2; /* id of the schedule's CAS message, or 0 */
static int L_inbox2, L_adopter2;

/*
 * Which sites the pushers and schedulers take their orders from: the
 * engine's (inbox_push, dwork_node_schedule) or the NMI-safe copies in
 * src/nmi.c.  Set by each test's setup.
 */
static const char *S_PUSH_LOAD, *S_PUSH_RELOAD, *S_PUSH_CAS, *S_SCHED;

static void use_engine(void)
{
	S_PUSH_LOAD = "push_load";
	S_PUSH_RELOAD = "push_load"; /* the adopter path reuses inbox_push() */
	S_PUSH_CAS = "push_cas";
	S_SCHED = "sched_cas";
}

static void use_nmi(void)
{
	S_PUSH_LOAD = "nmi_push_load";
	S_PUSH_RELOAD = "nmi_push_reload";
	S_PUSH_CAS = "nmi_push_cas";
	S_SCHED = "nmi_sched_cas";
}

#define NODE1 1
#define NODE2 2
#define CLOSED 99
#define STALE (-1)

/* (2) inbox push (CAS release after writing next) vs drain (xchg acquire). */
static void mp_setup(void)
{
	if (!S_SCHED)
		use_engine();
	L_inbox = new_loc(0);
	L_next1 = new_loc(STALE);
	L_next2 = new_loc(STALE);
	L_data1 = new_loc(0);
	L_data2 = new_loc(0);
}

static void push(int node, int l_next, int l_data)
{
	long old;

	st(l_data, 1, RLX);  /* the work the callback will read */
	old = ld(L_inbox, O(S_PUSH_LOAD, 0));
	do {
		st(l_next, old, RLX);  /* n->next = old (plain) */
	} while (!cas(L_inbox, &old, node, O(S_PUSH_CAS, 0), O(S_PUSH_CAS, 1)));
}

static void mp_t1(void)
{
	push(NODE1, L_next1, L_data1);
}

static void mp_t2(void)
{
	push(NODE2, L_next2, L_data2);
}

static void mp_drain(void)
{
	long n = xchg(L_inbox, 0, O("drain_xchg", 0));
	int hops = 0;

	while (n && hops++ < 3) {
		int l_next = n == NODE1 ? L_next1 : L_next2;
		int l_data = n == NODE1 ? L_data1 : L_data2;
		long next = ld(l_next, RLX);

		CHECK(next != STALE, "drain read node %ld's next before the push wrote it", n);
		CHECK(ld(l_data, RLX) == 1,
		      "drain took node %ld but not the data written before its push", n);
		n = next;
	}
}

/*
 * The engine's schedule makes one of two CASes: the one that queues an
 * idle node (its common path) or the general one.  Both must be strong
 * enough, so the tests take the weaker (as clear_run_mo() does).
 */
static enum mo sched_mo(int k)
{
	enum mo a, b;

	if (strcmp(S_SCHED, "sched_cas"))
		return O(S_SCHED, k);
	a = O("sched_cas", k);
	b = O("sched_fast_cas", k);
	return a < b ? a : b;
}

/* (1) schedule CAS release (also coalesced) vs claim CAS acquire. */
static void pub_setup(void)
{
	if (!S_SCHED)
		use_engine();
	L_state = new_loc(0);
	L_data1 = new_loc(0);
	L_data2 = new_loc(0);
}

static void sched(int l_data, int *done)
{
	long s;

	st(l_data, 1, RLX);
	s = ld(L_state, RLX);
	while (!cas(L_state, &s, s | 2 /* P */, sched_mo(0), sched_mo(1)))
		;
	*done = last_id;  /* no yield before this: the CAS is in mo now */
}

static void pub_t1(void)
{
	sched(L_data1, &sched1);
}

static void pub_t2(void)
{
	sched(L_data2, &sched2);
}

static bool mo_before_claim(int sched_id, int claim_id)
{
	return sched_id &&
	       mo_index(L_state, sched_id) < mo_index(L_state, claim_id);
}

static void pub_claim(void)
{
	long s = ld(L_state, RLX);
	int me;

	if (!(s & 2))
		return;
	if (!cas(L_state, &s, (s & ~2L) | 8 /* R */, O("claim_cas", 0),
		 O("claim_cas", 1)))
		return;
	/*
	 * Every schedule before the claim in modification order is owed to
	 * this run (the state word is written by RMWs only, so a schedule
	 * that has not run yet cannot come before it); later ones are owed
	 * to the next run.
	 */
	me = last_id;
	if (mo_before_claim(sched1, me))
		CHECK(ld(L_data1, RLX) == 1, "callback misses data written before schedule 1");
	if (mo_before_claim(sched2, me))
		CHECK(ld(L_data2, RLX) == 1, "callback misses data written before schedule 2");
}

/* (3) runner clears R with release; kill and busy load with acquire. */
static void done_setup(void)
{
	L_state = new_loc(8 /* R */);
	L_data1 = new_loc(0);
}

/* RUN is cleared by one of two CASes (fast path, or with a re-queue). */
static enum mo clear_run_mo(int k)
{
	enum mo a = O("clear_run_cas", k), b = O("clear_run_fast_cas", k);

	return a < b ? a : b; /* the weaker: both must be strong enough */
}

static void done_runner(void)
{
	long s;

	st(L_data1, 1, RLX);  /* the callback's last write */
	s = ld(L_state, RLX);
	while (!cas(L_state, &s, s & ~8L, clear_run_mo(0), clear_run_mo(1)))
		;
}

static void done_kill(void)
{
	long s = ld(L_state, O("kill_wait_load", 0));

	if (!(s & 8))
		CHECK(ld(L_data1, RLX) == 1,
		      "kill returned before the callback's writes were visible");
}

static void done_busy(void)
{
	long s = ld(L_state, O("busy_load", 0));

	if (!(s & 8))
		CHECK(ld(L_data1, RLX) == 1,
		      "busy() said idle before the callback's writes were visible");
}

/* (4) cancel CAS, then reap request fetch_or release; owner xchg acquire. */
static void reap_setup(void)
{
	L_state = new_loc(2 | 4 /* P|Q */);
	L_reap = new_loc(0);
}

static void reap_cancel(void)
{
	long s = ld(L_state, RLX);

	while ((s & 2) && !cas(L_state, &s, s & ~2L, O("cancel_cas", 0),
			       O("cancel_cas", 1)))
		;
	fetch_or(L_reap, 1, O("reap_fetch_or", 0));
}

static void reap_owner(void)
{
	if (!ld(L_reap, RLX))
		return;
	if (!xchg(L_reap, 0, O("reap_xchg", 0)))
		return;
	CHECK(!(ld(L_state, RLX) & 2),
	      "reap scan saw the node still pending after the request");
}

/* (6) cpu_dead: adopter store, then close the inbox; a pusher sees CLOSED. */
static void dead_setup(void)
{
	if (!S_SCHED)
		use_engine();
	L_inbox = new_loc(0);
	L_adopter = new_loc(1 /* itself */);
	L_next1 = new_loc(STALE);
}

static void dead_cpu(void)
{
	long chain;

	st(L_adopter, 0, RLX);
	chain = xchg(L_inbox, CLOSED, O("dead_xchg", 0));
	if (chain == NODE1)
		CHECK(ld(L_next1, RLX) != STALE,
		      "cpu_dead adopted node 1 before the push wrote its next");
}

static void dead_pusher(void)
{
	long old = ld(L_inbox, O(S_PUSH_LOAD, 0));

	for (;;) {
		if (old == CLOSED)
			break;
		st(L_next1, old, RLX);
		if (cas(L_inbox, &old, NODE1, O(S_PUSH_CAS, 0), O(S_PUSH_CAS, 1)))
			return;
	}
	CHECK(ld(L_adopter, O("adopter_load", 0)) == 0,
	      "pusher saw the inbox closed but not the adopter");
}

/*
 * (5) cpu_init: reset the lists, online=1 (release), reopen the inbox; a
 * dwork_cpu_dead() on another CPU reads online with acquire before it
 * adopts the lists.  A pusher that sees online=1 may find the inbox still
 * closed (it then follows the adopter, (8)) or open: both are fine.
 */
static void online_setup(void)
{
	L_inbox = new_loc(CLOSED);  /* left over from the last cpu_dead */
	L_sirq = new_loc(STALE);    /* the list head, ditto */
	L_online = new_loc(0);
}

static void online_init(void)
{
	st(L_sirq, 0, RLX);
	st(L_online, 1, O("online_store", 0));
	st(L_inbox, 0, O("inbox_reopen", 0));
}

static void online_dead(void)
{
	if (ld(L_online, O("dead_online_load", 0)))
		CHECK(ld(L_sirq, RLX) != STALE,
		      "cpu_dead saw the CPU online but not cpu_init's reset of its lists");
}

/*
 * (3)+(7) hand-off of the link fields: the owner unlinks a cancelled node
 * (writes next) and drops it (CAS clearing Q, release); a killer that
 * sees Q clear, and a scheduler whose CAS sets Q again, must both come
 * after that write (the killer may free the node; the scheduler writes
 * next itself: a stale read here is a data race in C11).
 */
#define LINKED 5
#define UNLINKED 6
static void handoff_setup(void)
{
	if (!S_SCHED)
		use_engine();
	L_state = new_loc(1 | 4 /* INIT|Q: cancelled, still linked */);
	L_next1 = new_loc(LINKED);
}

static void handoff_owner(void)
{
	long s;

	st(L_next1, UNLINKED, RLX);  /* list_unlink: n->next = NULL */
	s = ld(L_state, RLX);
	while (!cas(L_state, &s, s & ~4L, O("drop_cas", 0), O("drop_cas", 1)))
		;
}

static void handoff_kill(void)
{
	long s = ld(L_state, O("kill_wait_load", 0));

	if (!(s & 4))
		CHECK(ld(L_next1, RLX) == UNLINKED,
		      "kill saw QUEUED clear before the owner's last write to the node");
}

static void handoff_sched(void)
{
	long s = ld(L_state, RLX);

	if ((s & 4) || !cas(L_state, &s, s | 2 | 4, sched_mo(0), sched_mo(1)))
		return;
	CHECK(ld(L_next1, RLX) == UNLINKED,
	      "a schedule took the link fields before the previous holder's last write");
}

/* dwork_node_init: fields, then state=INIT (release); a schedule's CAS reads it. */
static void init_setup(void)
{
	if (!S_SCHED)
		use_engine();
	L_state = new_loc(0);  /* zeroed memory: schedule refuses it */
	L_next1 = new_loc(STALE);
}

static void init_init(void)
{
	st(L_next1, 0, RLX);  /* n->next = NULL, kind, the callback, ... */
	st(L_state, 1, O("init_store", 0));
}

static void init_sched(void)
{
	long s = ld(L_state, RLX);

	if (!(s & 1) || !cas(L_state, &s, s | 2 | 4, sched_mo(0), sched_mo(1)))
		return;
	CHECK(ld(L_next1, RLX) != STALE,
	      "a schedule accepted the node before its initialisation was visible");
}

/*
 * (3)+(9) self-kill: the runner stores its running[] slot, the callback
 * writes, kills itself (CAS clearing R, setting D, release), writes again
 * (it may, it owns the object now) and returns; the runner clears the
 * slot (release).  A kill from another CPU returns once it sees R clear
 * (acquire) and the slot no longer holding the node (acquire): it may
 * free the object, so every write of the callback must be visible.
 */
#define SLOT_NODE 7
static void selfkill_setup(void)
{
	use_engine();
	L_state = new_loc(1 | 8 /* INIT|R */);
	L_data1 = new_loc(0);
	L_data2 = new_loc(0);
	L_adopter = new_loc(0); /* the running[] slot: NULL */
}

static void selfkill_cb(void)
{
	long s;

	st(L_adopter, SLOT_NODE, O("running_set", 0));
	st(L_data1, 1, RLX);
	s = ld(L_state, RLX);
	while (!cas(L_state, &s, (s & ~(2L | 8)) | 16, O("selfkill_cas", 0),
		    O("selfkill_cas", 1)))
		;
	st(L_data2, 1, RLX);
	st(L_adopter, 0, O("running_clear", 0));
}

static void selfkill_other(void)
{
	long s = ld(L_state, O("kill_wait_load", 0));

	if ((s & (4 | 8)) || !(s & 16))
		return;
	if (ld(L_adopter, O("running_load", 0)) == SLOT_NODE)
		return;
	CHECK(ld(L_data1, RLX) == 1 && ld(L_data2, RLX) == 1,
	      "kill after a self-kill returned before the callback's writes were visible");
}

/*
 * (6) along an adopter chain: CPU A died (adopter B), then B died (adopter
 * C).  A pusher that finds A's inbox closed goes to B; if B's is closed
 * too it must see B's adopter.
 */
static void chain_setup(void)
{
	L_inbox = new_loc(0);
	L_adopter = new_loc(0);  /* A's: itself (0) until cpu_dead */
	L_inbox2 = new_loc(0);
	L_adopter2 = new_loc(1); /* B's: itself (1) */
}

static void chain_dead_a(void)
{
	st(L_adopter, 1, RLX);
	xchg(L_inbox, CLOSED, O("dead_xchg", 0));
}

static void chain_dead_b(void)
{
	st(L_adopter2, 2, RLX);
	xchg(L_inbox2, CLOSED, O("dead_xchg", 0));
}

static void chain_pusher(void)
{
	if (ld(L_inbox, O(S_PUSH_LOAD, 0)) != CLOSED)
		return;
	CHECK(ld(L_adopter, O("adopter_load", 0)) == 1,
	      "pusher saw A's inbox closed but not A's adopter");
	if (ld(L_inbox2, O(S_PUSH_RELOAD, 0)) != CLOSED)
		return;
	CHECK(ld(L_adopter2, O("adopter_load", 0)) == 2,
	      "pusher saw B's inbox closed but not B's adopter");
}

/*
 * The dpci helper (port/xen/dwork_xen_dpci.c): a raise absorbed because a
 * run is owed must have what it wrote before ("masked = 1") seen by that
 * run's assist.  Store buffering: the raise stores masked, then loads
 * owner; the run exchanges owner, then the assist loads masked.  A run is
 * owed at the start (owner = 1, set by an earlier raise).
 */
static int L_owner, L_masked;
static long dpci_absorbed, dpci_took, dpci_seen;

static void dpci_setup(void)
{
	L_owner = new_loc(1);
	L_masked = new_loc(0);
	dpci_absorbed = dpci_took = dpci_seen = 0;
}

static void dpci_raiser(void)
{
	st(L_masked, 1, RLX); /* Xen: pirq_dpci->masked = 1 (plain) */
	fence(O("dpci_raise_fence", 0));
	dpci_absorbed = ld(L_owner, O("dpci_raise_load", 0)) != 0;
}

static void dpci_runner(void)
{
	dpci_took = xchg(L_owner, 0, O("dpci_run_xchg", 0));
	if (!dpci_took)
		return;
	fence(O("dpci_run_fence", 0));
	dpci_seen = ld(L_masked, RLX); /* the assist reads masked */
}

static const char *dpci_final(void)
{
	return dpci_absorbed && dpci_took && !dpci_seen
		       ? "an absorbed raise's write (masked = 1) was not seen by the owed run's assist"
		       : NULL;
}

/*
 * (12) An NMI-safe raise on a CPU going down vs dwork_cpu_dead() of it on
 * another CPU.  The raise counts itself in, fences, and refuses if the
 * CPU is not online or its inbox is closed; otherwise it pushes (to the
 * adopter if the inbox closed meanwhile) and counts itself out (release).
 * dwork_cpu_dead: online = 0, close the inbox, fence, load the count
 * (acquire); if it reads 0 it stops waiting and looks at its own inbox
 * to raise for what the NMI pushed there.  Store buffering with a seq_cst
 * fence on each side, then message passing through the count: the node
 * is refused, adopted with the dead CPU's inbox, or seen in the adopter's.
 */
static int L_nmi, L_ainbox;
static long ndw_refused, ndw_took, ndw_seen, ndw_stopped;

static void ndw_setup(void)
{
	use_nmi();
	L_nmi = new_loc(0);
	L_online = new_loc(1);
	L_inbox = new_loc(0);
	L_ainbox = new_loc(0);
	L_adopter = new_loc(0);
	ndw_refused = ndw_took = ndw_seen = ndw_stopped = 0;
}

static void ndw_nmi(void)
{
	long v = 0, old;
	int l = L_inbox;

	cas(L_nmi, &v, 1, O("nmi_count_in", 0), O("nmi_count_in", 1));
	fence(O("nmi_count_fence", 0));
	if (!ld(L_online, RLX) || ld(L_inbox, RLX) == CLOSED) {
		ndw_refused = 1;
	} else {
		old = ld(l, O(S_PUSH_LOAD, 0));
		for (;;) {
			if (old == CLOSED) {
				(void)ld(L_adopter, RLX);
				l = L_ainbox;
				old = ld(l, O(S_PUSH_RELOAD, 0));
				continue;
			}
			if (cas(l, &old, NODE1, O(S_PUSH_CAS, 0),
				O(S_PUSH_CAS, 1)))
				break;
		}
	}
	v = 1;
	cas(L_nmi, &v, 0, O("nmi_count_out", 0), O("nmi_count_out", 1));
}

static void ndw_dead(void)
{
	st(L_online, 0, RLX);
	ndw_took = xchg(L_inbox, CLOSED, O("dead_xchg", 0)) == NODE1;
	fence(O("dead_nmi_fence", 0));
	if (ld(L_nmi, O("dead_nmi_load", 0)))
		return; /* it waits: this execution ends here */
	ndw_stopped = 1;
	ndw_seen = ld(L_ainbox, RLX) == NODE1;
}

static const char *ndw_final(void)
{
	return ndw_stopped && !ndw_refused && !ndw_took && !ndw_seen
		       ? "cpu_dead stopped waiting but did not see the NMI raise's push (stranded)"
		       : NULL;
}

static void chain_setup_engine(void) { use_engine(); chain_setup(); }
static void chain_setup_nmi(void) { use_nmi(); chain_setup(); }
static void mp_setup_nmi(void) { use_nmi(); mp_setup(); }
static void dead_setup_nmi(void) { use_nmi(); dead_setup(); }
static void pub_setup_nmi(void) { use_nmi(); pub_setup(); }
static void handoff_setup_nmi(void) { use_nmi(); handoff_setup(); }

static const struct litmus tests[] = {
	{ "inbox_mp", "(2) push release / drain acquire, two pushers", 3,
	  mp_setup, { mp_t1, mp_t2, mp_drain }, NULL },
	{ "state_publish", "(1) schedule release / claim acquire, coalesced", 3,
	  pub_setup, { pub_t1, pub_t2, pub_claim }, NULL },
	{ "run_done", "(3) clear RUN release / kill and busy acquire", 3,
	  done_setup, { done_runner, done_kill, done_busy }, NULL },
	{ "reap_request", "(4) reap fetch_or release / xchg acquire", 2,
	  reap_setup, { reap_cancel, reap_owner }, NULL },
	{ "dead_adopter", "(6) adopter before closing / pusher sees CLOSED", 2,
	  dead_setup, { dead_cpu, dead_pusher }, NULL },
	{ "online_publish", "(5) cpu_init reset / cpu_dead's acquire of online", 2,
	  online_setup, { online_init, online_dead }, NULL },
	{ "link_handoff", "(3)+(7) unlink+drop release / kill, schedule acquire", 3,
	  handoff_setup, { handoff_owner, handoff_kill, handoff_sched }, NULL },
	{ "init_publish", "(10) node init release / schedule acquire", 2,
	  init_setup, { init_init, init_sched }, NULL },
	{ "self_kill", "(3)+(9) self-kill and slot release / other killer's acquires", 2,
	  selfkill_setup, { selfkill_cb, selfkill_other }, NULL },
	{ "adopter_chain", "(6) two cpu_deads / pusher follows the chain", 3,
	  chain_setup_engine, { chain_dead_a, chain_dead_b, chain_pusher }, NULL },
	{ "nmi_inbox_mp", "(2) as inbox_mp, NMI-safe push", 3,
	  mp_setup_nmi, { mp_t1, mp_t2, mp_drain }, NULL },
	{ "nmi_dead_adopter", "(6) as dead_adopter, NMI-safe push", 2,
	  dead_setup_nmi, { dead_cpu, dead_pusher }, NULL },
	{ "nmi_adopter_chain", "(6) as adopter_chain, NMI-safe push", 3,
	  chain_setup_nmi, { chain_dead_a, chain_dead_b, chain_pusher }, NULL },
	{ "nmi_state_publish", "(1) as state_publish, NMI-safe schedule", 3,
	  pub_setup_nmi, { pub_t1, pub_t2, pub_claim }, NULL },
	{ "nmi_link_handoff", "(7) as link_handoff, NMI-safe schedule", 3,
	  handoff_setup_nmi, { handoff_owner, handoff_kill, handoff_sched }, NULL },
	{ "nmi_dead_wait", "(12) NMI raise counted in, fence / cpu_dead fence, waits", 2,
	  ndw_setup, { ndw_nmi, ndw_dead }, ndw_final },
	/* Run only with --dpci (the name starts with "dpci_"). */
	{ "dpci_absorb", "dpci helper: absorbed raise / owed run's assist (fences)", 2,
	  dpci_setup, { dpci_raiser, dpci_runner }, dpci_final },
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

/*
 * Self-test (wmm --selftest): classic litmus tests whose outcome under
 * RC11 is known.  "Seen" means the model produced the outcome: it must be
 * seen exactly when RC11 allows it.  Without this, a model that is too
 * strong (the failure mode of the previous one: stores always at the end
 * of modification order) would pass every protocol test silently.
 */
static int L_x, L_y;
static long r1, r2;
static enum mo st_mo, ld_mo;

static void two_setup(void)
{
	L_x = new_loc(0);
	L_y = new_loc(0);
	r1 = r2 = -1;
}

/* MP: x=1; y=1 || r1=y; r2=x.  r1=1,r2=0 allowed iff not rel/acq. */
static void mp_w(void) { st(L_x, 1, RLX); st(L_y, 1, st_mo); }
static void mp_r(void)
{
	r1 = ld(L_y, ld_mo);
	r2 = ld(L_x, RLX);
	CHECK(!(r1 == 1 && r2 == 0), "MP: r1=1 r2=0");
}

/* SB: x=1; r1=y || y=1; r2=x.  r1=r2=0 allowed under release/acquire. */
static void sb_0(void) { st(L_x, 1, REL); r1 = ld(L_y, ACQ); }
static void sb_1(void) { st(L_y, 1, REL); r2 = ld(L_x, ACQ); }
static const char *sb_final(void)
{
	return r1 == 0 && r2 == 0 ? "SB: r1=0 r2=0" : NULL;
}

/* SB with a seq_cst fence between store and load: on both sides forbidden, on one side allowed. */
static void sbf_0(void) { st(L_x, 1, RLX); fence(SC); r1 = ld(L_y, RLX); }
static void sbf_1(void) { st(L_y, 1, RLX); fence(st_mo); r2 = ld(L_x, RLX); }

/* 2+2W: x=1; y=2 || y=1; x=2.  Final x=1,y=1 allowed under rel/acq. */
static void w22_0(void) { st(L_x, 1, REL); st(L_y, 2, REL); }
static void w22_1(void) { st(L_y, 1, REL); st(L_x, 2, REL); }
static const char *w22_final(void)
{
	return mem[L_x].m[mem[L_x].n - 1].val == 1 &&
		       mem[L_y].m[mem[L_y].n - 1].val == 1
		       ? "2+2W: x=1 y=1"
		       : NULL;
}

/* LB: r1=x; y=1 || r2=y; x=1.  r1=r2=1 forbidden by RC11 (po u rf acyclic). */
static void lb_0(void) { r1 = ld(L_x, RLX); st(L_y, 1, RLX); }
static void lb_1(void) { r2 = ld(L_y, RLX); st(L_x, 1, RLX); }
static const char *lb_final(void)
{
	return r1 == 1 && r2 == 1 ? "LB: r1=1 r2=1" : NULL;
}

/* Atomicity: two fetch_or on x never both read 0. */
static void at_0(void) { r1 = fetch_or(L_x, 1, RLX); }
static void at_1(void) { r2 = fetch_or(L_x, 2, RLX); }
static const char *at_final(void)
{
	return r1 == 0 && r2 == 0 ? "RMW atomicity broken" : NULL;
}

/* Release sequence through a relaxed RMW: x=1; y=1(rel) || fetch_or(y,2) || r1=y(acq); r2=x. */
static void rs_w(void) { st(L_x, 1, RLX); st(L_y, 1, REL); }
static void rs_rmw(void) { fetch_or(L_y, 2, RLX); }
static void rs_r(void)
{
	r1 = ld(L_y, ACQ);
	r2 = ld(L_x, RLX);
	CHECK(!(r1 == 3 && r2 == 0), "release sequence broken");
}

struct selftest {
	struct litmus t;
	enum mo st_mo, ld_mo;
	bool allowed;
};

static const struct selftest selftests[] = {
	{ { "MP+rlx", "", 2, two_setup, { mp_w, mp_r }, NULL }, RLX, RLX, true },
	{ { "MP+rel+rlx", "", 2, two_setup, { mp_w, mp_r }, NULL }, REL, RLX, true },
	{ { "MP+rel+acq", "", 2, two_setup, { mp_w, mp_r }, NULL }, REL, ACQ, false },
	{ { "SB+rel+acq", "", 2, two_setup, { sb_0, sb_1 }, sb_final }, RLX, RLX, true },
	{ { "SB+fence+fence", "", 2, two_setup, { sbf_0, sbf_1 }, sb_final }, SC, RLX, false },
	{ { "SB+fence+rlx", "", 2, two_setup, { sbf_0, sbf_1 }, sb_final }, RLX, RLX, true },
	{ { "2+2W+rel", "", 2, two_setup, { w22_0, w22_1 }, w22_final }, RLX, RLX, true },
	{ { "LB+rlx", "", 2, two_setup, { lb_0, lb_1 }, lb_final }, RLX, RLX, false },
	{ { "RMW-atomicity", "", 2, two_setup, { at_0, at_1 }, at_final }, RLX, RLX, false },
	{ { "release-seq", "", 3, two_setup, { rs_w, rs_rmw, rs_r }, NULL }, RLX, RLX, false },
};
#define NSELF (sizeof(selftests) / sizeof(selftests[0]))

static const struct litmus *cur_test;

static void thread_entry(void)
{
	cur_test->thread[cur]();
	tdone[cur] = true;
	for (;;)
		yield();
}

static int execute(void)
{
	int i;

	nlocs = 0;
	memset(view, 0, sizeof(view));
	memset(scview, 0, sizeof(scview));
	memset(tdone, 0, sizeof(tdone));
	failed = false;
	depth = 0;
	sched1 = sched2 = 0;
	next_id = 1;
	nthreads = cur_test->nthreads;
	S_SCHED = NULL;
	cur_test->setup();
	for (i = 0; i < nthreads; i++) {
		getcontext(&tctx[i]);
		tctx[i].uc_stack.ss_sp = tstack[i];
		tctx[i].uc_stack.ss_size = sizeof(tstack[i]);
		tctx[i].uc_link = NULL;
		makecontext(&tctx[i], thread_entry, 0);
	}
	for (;;) {
		int run[MAXT], n = 0;

		for (i = 0; i < nthreads; i++)
			if (!tdone[i])
				run[n++] = i;
		if (!n) {
			const char *m = cur_test->final ? cur_test->final() : NULL;

			if (m) {
				snprintf(fail_msg, sizeof(fail_msg), "%s", m);
				return -1;
			}
			return 0;
		}
		cur = run[decide(n)];
		swapcontext(&main_ctx, &tctx[cur]);
		if (failed)
			return -1;
	}
}

static int run_test(const struct litmus *t, bool expect)
{
	unsigned long count = 0;
	int d;

	cur_test = t;
	prefix_len = 0;
	for (;;) {
		int r = execute();

		count++;
		if (r) {
			printf("wmm: %-15s %lu executions, VIOLATION: %s\n",
			       t->name, count, fail_msg);
			return expect ? 0 : 1;
		}
		for (d = depth - 1; d >= 0 && choices[d] + 1 >= nopts_at[d]; d--)
			;
		if (d < 0)
			break;
		choices[d]++;
		prefix_len = d + 1;
	}
	printf("wmm: %-15s %lu executions, all allowed outcomes correct (%s)\n",
	       t->name, count, t->what);
	return expect ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool expect = false, stop = false;
	const char *nmi = NULL, *dpci = NULL;
	char *nmi_buf = NULL;
	size_t i;
	int fails = 0, ran = 0;

	if (argc == 2 && !strcmp(argv[1], "--selftest")) {
		for (i = 0; i < NSELF; i++) {
			const struct selftest *s = &selftests[i];
			int seen;

			st_mo = s->st_mo;
			ld_mo = s->ld_mo;
			seen = !run_test(&s->t, true);
			printf("wmm: selftest %-14s outcome %s under RC11, %s by the model%s\n",
			       s->t.name, s->allowed ? "allowed" : "forbidden",
			       seen ? "produced" : "never produced",
			       seen == s->allowed ? "" : ": WRONG");
			fails += seen != s->allowed;
		}
		return fails ? 1 : 0;
	}
	if (argc < 3) {
		fprintf(stderr,
			"usage: wmm ENGINE.c ITEM.c [--nmi NMI.c] [--dpci DWORK_XEN_DPCI.c] [TEST]\n"
			"           [--expect-violation] [--stop]\n"
			"       wmm --selftest\n");
		return 2;
	}
	for (i = 3; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--nmi") && i + 1 < (size_t)argc)
			nmi = argv[i + 1];
		if (!strcmp(argv[i], "--dpci") && i + 1 < (size_t)argc)
			dpci = argv[i + 1];
	}
	if (!nmi) {
		/* Default: nmi.c next to ENGINE.c. */
		const char *slash = strrchr(argv[1], '/');
		size_t dir = slash ? (size_t)(slash - argv[1] + 1) : 0;

		nmi_buf = malloc(dir + sizeof("nmi.c"));
		memcpy(nmi_buf, argv[1], dir);
		strcpy(nmi_buf + dir, "nmi.c");
		nmi = nmi_buf;
	}
	load_sites(argv[1], argv[2], nmi, dpci);
	for (i = 3; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--nmi") || !strcmp(argv[i], "--dpci"))
			i++;
		else if (!strcmp(argv[i], "--expect-violation"))
			expect = true;
		else if (!strcmp(argv[i], "--stop"))
			stop = true; /* at the first violation */
		else
			only = argv[i];
	}
	for (i = 0; i < NSITES; i++)
		if (dpci || strncmp(sites[i].id, "dpci_", 5))
			printf("wmm: order %-16s %s%s%s\n", sites[i].id,
			       mo_name[sites[i].mo[0]],
			       strstr(sites[i].id, "cas") ? " / fail " : "",
			       strstr(sites[i].id, "cas") ? mo_name[sites[i].mo[1]] : "");
	for (i = 0; i < NTESTS; i++) {
		if (only && strcmp(only, tests[i].name))
			continue;
		if (!dpci && !strncmp(tests[i].name, "dpci_", 5))
			continue; /* needs --dpci */
		ran++;
		fails += run_test(&tests[i], expect);
		if (stop && fails)
			break;
	}
	if (!ran) {
		fprintf(stderr, "wmm: no test %s\n", only);
		return 2;
	}
	return fails ? 1 : 0;
}

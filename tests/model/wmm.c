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
 * The model (per location, a modification order of messages; per thread a
 * view; see docs/verification.md):
 *  - a store appends a message to its location's modification order; a
 *    release store carries the thread's view, a relaxed one only itself;
 *  - a load may read any message not older than the thread's view of that
 *    location; an acquire load joins the message's view into the thread's;
 *  - a read-modify-write reads the newest message (atomicity) and appends
 *    after it; its message also carries the view of the message it read
 *    (release sequences continue through RMWs, relaxed or not);
 *  - a failed CAS is a load of the newest message with the failure order;
 *  - seq_cst is treated as acq_rel (the engine's single seq_cst store is
 *    not part of these tests);
 *  - plain (non-atomic) accesses are relaxed accesses: a plain read that
 *    may return a stale value is reported as the bug it would be.
 * Stores are appended at the end of the modification order (no store is
 * placed before one it could not see); that excludes some exotic C11
 * executions but keeps every message-passing failure, which is what a
 * missing release/acquire produces.
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
	{ "claim_cas", "engine.c", "st_set_tgt((s & ~(P | Q)) | R, self),",
	  { 0 } },
	{ "clear_run_cas", "engine.c", ": s & ~R,", { 0 } },
	{ "kill_wait_load", "engine.c",
	  "for (;;) { /* Acquire: pairs with the release clearing Q or R (3). */ s = dwork_atomic_load(&n->state,",
	  { 0 } },
	{ "busy_load", "item.c", "s = dwork_atomic_load(&it->node.state,",
	  { 0 } },
	{ "cancel_cas", "engine.c",
	  "while ((s & P) && !dwork_atomic_cas(&n->state, &s, s & ~P,",
	  { 0 } },
	{ "reap_fetch_or", "engine.c",
	  "if (!dwork_atomic_fetch_or(&cpu_of(cpu)->reap, 1,", { 0 } },
	{ "reap_xchg", "engine.c", "dwork_atomic_xchg(&me->reap, 0,", { 0 } },
	{ "dead_xchg", "engine.c",
	  "chain = dwork_atomic_xchg(&dead->inbox, DWORK_INBOX_CLOSED,",
	  { 0 } },
	{ "online_store", "engine.c", "dwork_atomic_store(&c->online, 1,",
	  { 0 } },
	{ "online_load", "engine.c",
	  "dwork_atomic_load(&cpu_of(cpu)->online,", { 0 } },
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

static void load_sites(const char *engine, const char *item)
{
	char *src[2] = { slurp_normalised(engine), slurp_normalised(item) };
	size_t i;

	for (i = 0; i < NSITES; i++) {
		char *text = src[strcmp(sites[i].file, "engine.c") ? 1 : 0];
		char *key = normalise(sites[i].key);
		char *p = strstr(text, key), *q;
		int k;

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

struct msg {
	long val;
	int view[MAXLOC];
};

struct loc {
	struct msg m[MAXMSG];
	int n;
};

static struct loc mem[MAXLOC];
static int nlocs;
static int view[MAXT][MAXLOC];

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

static struct msg *append(int l)
{
	struct msg *m;

	if (mem[l].n >= MAXMSG) {
		fprintf(stderr, "wmm: too many messages\n");
		exit(2);
	}
	m = &mem[l].m[mem[l].n++];
	memset(m, 0, sizeof(*m));
	return m;
}

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

static void st(int l, long val, enum mo mo)
{
	int *v = view[cur];
	struct msg *m;

	yield();
	m = append(l);
	v[l] = mem[l].n - 1;
	m->val = val;
	if (has_rel(mo))
		memcpy(m->view, v, sizeof(m->view));
	else
		m->view[l] = v[l];
}

enum rmw_op { RMW_XCHG, RMW_CAS, RMW_OR };

/* Returns the old value; for CAS, *ok tells whether it stored. */
static long rmw(int l, enum rmw_op op, long arg, long expect, enum mo mo,
		enum mo mo_fail, bool *ok)
{
	int *v = view[cur];
	int last;
	struct msg *m, *prev;
	long old, nv;

	yield();
	last = mem[l].n - 1;
	prev = &mem[l].m[last];
	old = prev->val;
	if (op == RMW_CAS && old != expect) {
		v[l] = last;
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
	m = append(l);
	prev = &mem[l].m[last];
	v[l] = mem[l].n - 1;
	m->val = nv;
	/* Release sequence: the RMW's message carries its predecessor's. */
	memcpy(m->view, prev->view, sizeof(m->view));
	if (has_rel(mo))
		join(m->view, v);
	m->view[l] = v[l];
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
};

static int L_inbox, L_next1, L_next2, L_data1, L_data2, L_state, L_reap,
	L_adopter, L_online;
static bool pushed1, pushed2, sched1, sched2;

#define NODE1 1
#define NODE2 2
#define CLOSED 99
#define STALE (-1)

/* (2) inbox push (CAS release after writing next) vs drain (xchg acquire). */
static void mp_setup(void)
{
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
	old = ld(L_inbox, O("push_load", 0));
	do {
		st(l_next, old, RLX);  /* n->next = old (plain) */
	} while (!cas(L_inbox, &old, node, O("push_cas", 0), O("push_cas", 1)));
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

/* (1) schedule CAS release (also coalesced) vs claim CAS acquire. */
static void pub_setup(void)
{
	L_state = new_loc(0);
	L_data1 = new_loc(0);
	L_data2 = new_loc(0);
}

static void sched(int l_data, bool *done)
{
	long s;

	st(l_data, 1, RLX);
	s = ld(L_state, RLX);
	while (!cas(L_state, &s, s | 2 /* P */, O("sched_cas", 0),
		    O("sched_cas", 1)))
		;
	*done = true;  /* no yield before this: the CAS is in mo now */
}

static void pub_t1(void)
{
	sched(L_data1, &sched1);
}

static void pub_t2(void)
{
	sched(L_data2, &sched2);
}

static void pub_claim(void)
{
	long s = ld(L_state, RLX);

	if (!(s & 2))
		return;
	bool s1, s2;

	if (!cas(L_state, &s, (s & ~2L) | 8 /* R */, O("claim_cas", 0),
		 O("claim_cas", 1)))
		return;
	/*
	 * The claim read the newest state, so the schedules finished by now
	 * (no yield since the CAS) precede it in modification order; later
	 * ones are owed to the next run.
	 */
	s1 = sched1;
	s2 = sched2;
	if (s1)
		CHECK(ld(L_data1, RLX) == 1, "callback misses data written before schedule 1");
	if (s2)
		CHECK(ld(L_data2, RLX) == 1, "callback misses data written before schedule 2");
}

/* (3) runner clears R with release; kill and busy load with acquire. */
static void done_setup(void)
{
	L_state = new_loc(8 /* R */);
	L_data1 = new_loc(0);
}

static void done_runner(void)
{
	long s;

	st(L_data1, 1, RLX);  /* the callback's last write */
	s = ld(L_state, RLX);
	while (!cas(L_state, &s, s & ~8L, O("clear_run_cas", 0),
		    O("clear_run_cas", 1)))
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
	L_inbox = new_loc(0);
	L_adopter = new_loc(1 /* itself */);
	L_next1 = new_loc(STALE);
}

static void dead_cpu(void)
{
	st(L_adopter, 0, RLX);
	xchg(L_inbox, CLOSED, O("dead_xchg", 0));
}

static void dead_pusher(void)
{
	long old = ld(L_inbox, O("push_load", 0));

	for (;;) {
		if (old == CLOSED)
			break;
		st(L_next1, old, RLX);
		if (cas(L_inbox, &old, NODE1, O("push_cas", 0), O("push_cas", 1)))
			return;
	}
	CHECK(ld(L_adopter, O("adopter_load", 0)) == 0,
	      "pusher saw the inbox closed but not the adopter");
}

/* (5) cpu_init: reset, then online=1 release; schedulers load acquire. */
static void online_setup(void)
{
	L_inbox = new_loc(CLOSED);  /* left over from the last cpu_dead */
	L_online = new_loc(0);
}

static void online_init(void)
{
	st(L_inbox, 0, RLX);
	st(L_online, 1, O("online_store", 0));
}

static void online_sched(void)
{
	if (ld(L_online, O("online_load", 0)))
		CHECK(ld(L_inbox, RLX) != CLOSED,
		      "a scheduler saw the CPU online but its inbox still closed");
}

static const struct litmus tests[] = {
	{ "inbox_mp", "(2) push release / drain acquire, two pushers", 3,
	  mp_setup, { mp_t1, mp_t2, mp_drain } },
	{ "state_publish", "(1) schedule release / claim acquire, coalesced", 3,
	  pub_setup, { pub_t1, pub_t2, pub_claim } },
	{ "run_done", "(3) clear RUN release / kill and busy acquire", 3,
	  done_setup, { done_runner, done_kill, done_busy } },
	{ "reap_request", "(4) reap fetch_or release / xchg acquire", 2,
	  reap_setup, { reap_cancel, reap_owner } },
	{ "dead_adopter", "(6) adopter before closing / pusher sees CLOSED", 2,
	  dead_setup, { dead_cpu, dead_pusher } },
	{ "online_publish", "(5) cpu_init reset / online release-acquire", 2,
	  online_setup, { online_init, online_sched } },
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

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
	memset(tdone, 0, sizeof(tdone));
	failed = false;
	depth = 0;
	pushed1 = pushed2 = sched1 = sched2 = false;
	cur_test->setup();
	nthreads = cur_test->nthreads;
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
		if (!n)
			return 0;
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
	bool expect = false;
	size_t i;
	int fails = 0, ran = 0;

	if (argc < 3) {
		fprintf(stderr,
			"usage: wmm ENGINE.c ITEM.c [TEST] [--expect-violation]\n");
		return 2;
	}
	load_sites(argv[1], argv[2]);
	for (i = 3; i < (size_t)argc; i++) {
		if (!strcmp(argv[i], "--expect-violation"))
			expect = true;
		else
			only = argv[i];
	}
	for (i = 0; i < NSITES; i++)
		printf("wmm: order %-15s %s%s%s\n", sites[i].id,
		       mo_name[sites[i].mo[0]],
		       strstr(sites[i].id, "cas") ? " / fail " : "",
		       strstr(sites[i].id, "cas") ? mo_name[sites[i].mo[1]] : "");
	for (i = 0; i < NTESTS; i++) {
		if (only && strcmp(only, tests[i].name))
			continue;
		ran++;
		fails += run_test(&tests[i], expect);
	}
	if (!ran) {
		fprintf(stderr, "wmm: no test %s\n", only);
		return 2;
	}
	return fails ? 1 : 0;
}

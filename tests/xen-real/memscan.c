// SPDX-License-Identifier: BSD-2-Clause
/*
 * tests/xen-real/memscan.c - a dom0 memory-corruption detector for
 * make xen-check (tests/xen-real/run.sh builds it statically with the
 * host's gcc and puts it into the dom0 initramfs as /bin/memscan).
 *
 *   memscan MIB CHURN_KIB SLEEP_MS
 *
 * It fills memory with words that encode their own address and checks
 * them again and again; a word that changed was written by someone else
 * (the kernel, Xen, or a device on a frame it no longer owns).  Two kinds
 * of memory, because a stale writer may aim at any frame or only at one
 * that was freed recently:
 *
 * - a fixed region of MIB MiB, mlock'd, filled once and checked on every
 *   pass;
 * - a churn ring of 16 regions of CHURN_KIB KiB each: every pass checks
 *   one of them, unmaps it, and maps and fills a new one, so that the
 *   ring keeps taking pages the kernel has just freed (its free lists
 *   hand out the most recently freed pages first).
 *
 * Word i of a region at address va holds va ^ MEMSCAN_KEY (va is the word's
 * own virtual address).  On a mismatch it prints one line per word:
 *
 *   XC MEMSCAN-FAIL va=V pgoff=O want=W got=G xor=X pfn=P mfn=M pass=N
 *
 * pfn is the page's frame in /proc/self/pagemap (in a PV dom0 the
 * pseudo-physical frame), mfn the machine frame from the kernel's own
 * p2m array (xen_p2m_addr, read through /proc/kcore; "?" when that is
 * not available).  The word is then rewritten, so each corruption is
 * reported once.  SIGTERM or SIGINT ends it with
 *
 *   XC MEMSCAN passes=N words=W fail=F
 *
 * (exit status 0 if F is 0, 1 otherwise).  It runs at nice 19 and sleeps
 * SLEEP_MS milliseconds between passes, so that it slows the workload
 * beside it little.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MEMSCAN_KEY 0x5ca9000000000000ULL
#define RING 16
#define PAGE 4096UL

static volatile sig_atomic_t stop;
static unsigned long long passes, words, fails;
static int kcore = -1;
static uint64_t p2m_va;	/* value of the kernel's xen_p2m_addr, or 0 */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	/* One write per line: the console interleaves whole lines only. */
	if (write(1, buf, (size_t)n) < 0)
		return;
}

/* Kernel virtual address -> /proc/kcore file offset (its PT_LOAD map). */
static off_t kcore_off(uint64_t va)
{
	static Elf64_Phdr ph[64];
	static int nph = -1;
	int i;

	if (nph < 0) {
		Elf64_Ehdr eh;

		nph = 0;
		if (pread(kcore, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
		    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
		    eh.e_phentsize != sizeof(Elf64_Phdr))
			return -1;
		nph = eh.e_phnum < 64 ? eh.e_phnum : 64;
		if (pread(kcore, ph, sizeof(ph[0]) * (size_t)nph, (off_t)eh.e_phoff) !=
		    (ssize_t)(sizeof(ph[0]) * (size_t)nph))
			nph = 0;
	}
	for (i = 0; i < nph; i++)
		if (ph[i].p_type == PT_LOAD && va >= ph[i].p_vaddr &&
		    va - ph[i].p_vaddr < ph[i].p_memsz)
			return (off_t)(ph[i].p_offset + (va - ph[i].p_vaddr));
	return -1;
}

static int kread(uint64_t va, uint64_t *v)
{
	off_t o = kcore_off(va);

	return o >= 0 && pread(kcore, v, sizeof(*v), o) == (ssize_t)sizeof(*v) ? 0 : -1;
}

/* Find xen_p2m_addr in /proc/kallsyms and read it: best effort. */
static void p2m_init(void)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[256], name[128], type;
	unsigned long long a = 0, sym = 0;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %127s", &a, &type, name) == 3 &&
		    strcmp(name, "xen_p2m_addr") == 0) {
			sym = a;
			break;
		}
	fclose(f);
	kcore = open("/proc/kcore", O_RDONLY);
	if (!sym || kcore < 0 || kread(sym, &p2m_va) != 0)
		p2m_va = 0;
}

static void frames(uintptr_t va, char *pfn, char *mfn, size_t n)
{
	static int pm = -2;
	uint64_t e, m;

	snprintf(pfn, n, "?");
	snprintf(mfn, n, "?");
	if (pm == -2)
		pm = open("/proc/self/pagemap", O_RDONLY);
	if (pm < 0 || pread(pm, &e, sizeof(e), (off_t)(va / PAGE * 8)) != (ssize_t)sizeof(e) ||
	    !(e >> 63))
		return;
	e &= (1ULL << 55) - 1;
	snprintf(pfn, n, "0x%" PRIx64, e);
	if (p2m_va && kread(p2m_va + e * 8, &m) == 0)
		snprintf(mfn, n, "0x%" PRIx64, m);
}

static void fill(uint64_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint64_t)(uintptr_t)&p[i] ^ MEMSCAN_KEY;
}

static void check(uint64_t *p, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint64_t want = (uint64_t)(uintptr_t)&p[i] ^ MEMSCAN_KEY;
		uint64_t got = ((volatile uint64_t *)p)[i];
		char pfn[32], mfn[32];

		if (got == want)
			continue;
		fails++;
		frames((uintptr_t)&p[i], pfn, mfn, sizeof(pfn));
		say("XC MEMSCAN-FAIL va=%p pgoff=0x%03lx want=0x%016" PRIx64
		    " got=0x%016" PRIx64 " xor=0x%016" PRIx64 " pfn=%s mfn=%s"
		    " %s pass=%llu\n", (void *)&p[i],
		    (unsigned long)((uintptr_t)&p[i] % PAGE), want, got,
		    want ^ got, pfn, mfn, what, passes);
		p[i] = want;
	}
	words += n;
}

static uint64_t *map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		say("XC MEMSCAN cannot map %zu bytes: %s\n", bytes, strerror(errno));
		exit(2);
	}
	mlock(p, bytes);	/* best effort: it keeps the frames in place */
	return p;
}

int main(int argc, char **argv)
{
	size_t big, churn, i;
	uint64_t *fixed, *ring[RING];
	struct timespec nap;
	struct sigaction sa;
	long ms;

	if (argc != 4) {
		fprintf(stderr, "usage: memscan MIB CHURN_KIB SLEEP_MS\n");
		return 2;
	}
	big = strtoul(argv[1], NULL, 0) << 20;
	churn = strtoul(argv[2], NULL, 0) << 10;
	ms = strtol(argv[3], NULL, 0);
	nap.tv_sec = ms / 1000;
	nap.tv_nsec = ms % 1000 * 1000000L;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	errno = 0;
	if (nice(19) == -1 && errno != 0)
		say("XC MEMSCAN nice(19): %s\n", strerror(errno));
	p2m_init();
	fixed = big ? map(big) : NULL;
	if (fixed)
		fill(fixed, big / 8);
	for (i = 0; i < RING && churn; i++) {
		ring[i] = map(churn);
		fill(ring[i], churn / 8);
	}
	{
		char pfn[32] = "-", mfn[32] = "-";

		if (fixed)
			frames((uintptr_t)fixed, pfn, mfn, sizeof(pfn));
		say("XC MEMSCAN start fixed=%zuMiB churn=%dx%zuKiB p2m=%s"
		    " first-page pfn=%s mfn=%s\n", big >> 20, churn ? RING : 0,
		    churn >> 10, p2m_va ? "yes" : "no", pfn, mfn);
	}
	while (!stop) {
		if (fixed)
			check(fixed, big / 8, "fixed");
		if (churn) {
			i = passes % RING;
			check(ring[i], churn / 8, "churn");
			munmap(ring[i], churn);
			ring[i] = map(churn);
			fill(ring[i], churn / 8);
		}
		passes++;
		if (ms)
			nanosleep(&nap, NULL);
	}
	/* A last look at everything, so that a late write is not missed. */
	if (fixed)
		check(fixed, big / 8, "fixed");
	for (i = 0; i < RING && churn; i++)
		check(ring[i], churn / 8, "churn");
	say("XC MEMSCAN passes=%llu words=%llu fail=%llu\n", passes, words, fails);
	return fails != 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hp: CPU offline/online loops and debug keys from a Linux PV dom0, through
 * /dev/xen/privcmd hypercalls (no libxc: dom0's tools may be for another
 * Xen version).  The sysctl interface version is probed with
 * XEN_SYSCTL_physinfo.  Used by tests/xen-upstream/run.sh.
 *
 *   hp LOOPS
 *
 * Offlines and onlines each CPU from 1 up until one cannot be offlined,
 * then runs LOOPS rounds of "offline every such CPU, online them again"
 * (each operation is XEN_SYSCTL_cpu_hotplug: continue_hypercall_on_cpu()
 * -> an idle tasklet on CPU 0 -> stop_machine_run() -> CPU_DEAD), with
 * debug keys 'r' and 't' every fifth round, 'h' first and 'q' last.
 * Prints "HP PASS ops=N ..." and exits 0, or "HP FAIL ..." and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct privcmd_hypercall { uint64_t op, arg[5]; };
#define IOCTL_PRIVCMD_HYPERCALL _IOC(_IOC_NONE, 'P', 0, sizeof(struct privcmd_hypercall))
#define HYPERVISOR_sysctl 35
#define SYSCTL_debug_keys 7
#define SYSCTL_cpu_hotplug 11
#define SYSCTL_physinfo 3

struct sysctl {
	uint32_t cmd, iface;
	union { uint64_t align; uint8_t pad[128]; } u;
};

static int fd;
static struct sysctl *op;	/* locked page */
static char *keybuf;
static uint32_t iface;

static int sysctl(uint32_t cmd)
{
	struct privcmd_hypercall h = { .op = HYPERVISOR_sysctl, .arg = { (uintptr_t)op } };
	op->cmd = cmd;
	op->iface = iface;
	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0 ? -errno : 0;
}

static int hotplug(uint32_t cpu, uint32_t what)
{
	int rc, tries = 0;
	do {
		memset(&op->u, 0, sizeof(op->u));
		memcpy(op->u.pad, &cpu, 4);
		memcpy(op->u.pad + 4, &what, 4);
		rc = sysctl(SYSCTL_cpu_hotplug);
	} while (rc == -EBUSY && ++tries < 1000 && usleep(10000) == 0);
	return rc;
}

static int keys(const char *k)
{
	uint64_t p = (uintptr_t)keybuf;
	uint32_t n = strlen(k);
	memcpy(keybuf, k, n);
	memset(&op->u, 0, sizeof(op->u));
	memcpy(op->u.pad, &p, 8);
	memcpy(op->u.pad + 8, &n, 4);
	return sysctl(SYSCTL_debug_keys);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned loops = argc > 1 ? atoi(argv[1]) : 10, l, cpu, ncpus = 0, ops = 0;
	double t, max = 0, t0 = now();
	int rc;

	fd = open("/dev/xen/privcmd", O_RDWR);
	if (fd < 0) { perror("HP FAIL open /dev/xen/privcmd"); return 1; }
	op = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (op == MAP_FAILED) { perror("HP FAIL mmap"); return 1; }
	memset(op, 0, 8192);
	keybuf = (char *)op + 4096;
	for (iface = 0; iface < 0x100; iface++) {
		memset(&op->u, 0, sizeof(op->u));
		if (sysctl(SYSCTL_physinfo) == 0)
			break;
	}
	if (iface == 0x100) { printf("HP FAIL no sysctl interface version works\n"); return 1; }
	printf("HP sysctl interface version 0x%x\n", iface);
	if ((rc = keys("h")))
		{ printf("HP FAIL debug key h -> %d\n", rc); return 1; }
	for (cpu = 1; cpu < 64; cpu++) {
		if (hotplug(cpu, 1)) break;
		if ((rc = hotplug(cpu, 0))) { printf("HP FAIL cpu%u online -> %d\n", cpu, rc); return 1; }
		ncpus++; ops += 2;
	}
	if (!ncpus) { printf("HP FAIL no CPU can be offlined\n"); return 1; }
	printf("HP %u CPUs can be offlined\n", ncpus);
	for (l = 0; l < loops; l++) {
		for (cpu = 1; cpu <= ncpus * 2; cpu++) {
			unsigned c = cpu <= ncpus ? cpu : 2 * ncpus + 1 - cpu;
			t = now();
			rc = hotplug(c, cpu <= ncpus);
			t = now() - t;
			if (t > max) max = t;
			if (rc) { printf("HP FAIL loop %u cpu%u %s -> %d\n", l, c, cpu <= ncpus ? "offline" : "online", rc); return 1; }
			ops++;
		}
		if (l % 5 == 0 && (rc = keys("rt")))
			{ printf("HP FAIL debug keys rt -> %d\n", rc); return 1; }
	}
	if ((rc = keys("q")))
		{ printf("HP FAIL debug key q -> %d\n", rc); return 1; }
	printf("HP PASS ops=%u hotplug, max %.2f s, total %.1f s\n", ops, max, now() - t0);
	return 0;
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * hp: CPU offline/online, vCPU pinning and debug keys from a Linux dom0 (PV
 * or PVH), through /dev/xen/privcmd hypercalls (no libxc: dom0's tools may
 * be for another Xen version).  The sysctl interface version is probed
 * with XEN_SYSCTL_physinfo, the domctl one with XEN_DOMCTL_getvcpuaffinity
 * of dom0's vCPU 0.  Used by tests/xen-upstream/run.sh (its PV boots) and,
 * built into make xen-check's initramfs, by tests/xen-real/init.sh
 * (xctools=hp).
 *
 *   hp LOOPS
 *   hp cpu-offline CPU | cpu-online CPU	  as xen-hptool: prints "CPU N
 *					  offlined successfully" (onlined)
 *   hp vcpu-pin DOM VCPU|all CPU|all	  as xl: the hard affinity only;
 *					  VCPU "all" only for dom0 (its
 *					  own vCPUs)
 *   hp debug-keys KEYS			  as xl (XEN_SYSCTL_debug_keys)
 *   hp info				  "nr_cpus : N" (online CPUs), as xl
 *
 * The subcommands exit 0 on success, else print "hp: ..." and exit 1;
 * tests/xen-real/init.sh calls them in place of xen-utils-4.17's tools
 * (xctools=hp).  With LOOPS:
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
#define HYPERVISOR_domctl 36
#define DOMCTL_setvcpuaffinity 9
#define DOMCTL_getvcpuaffinity 25
#define VCPUAFF_HARD 1u
#define SYSCTL_debug_keys 7
#define SYSCTL_cpu_hotplug 11
#define SYSCTL_physinfo 3

struct sysctl {
	uint32_t cmd, iface;
	union { uint64_t align; uint8_t pad[128]; } u;
};

struct domctl {
	uint32_t cmd, iface;
	uint16_t domain, pad[3];
	union { uint64_t align; uint8_t pad[128]; } u;
};
struct bitmap { uint64_t bits; uint32_t nr_bits, pad; };	/* xenctl_bitmap */
struct vcpuaff { uint32_t vcpu, flags; struct bitmap hard, soft; };

static int fd;
static struct sysctl *op;	/* locked page */
static struct domctl *dop;	/* in the same page */
static char *keybuf;
static uint8_t *cpumaps;	/* hard [0..7], soft [8..15] */
static uint32_t iface, diface;

static int hypercall(uint64_t nr, void *arg)
{
	struct privcmd_hypercall h = { .op = nr, .arg = { (uintptr_t)arg } };
	return ioctl(fd, IOCTL_PRIVCMD_HYPERCALL, &h) < 0 ? -errno : 0;
}

static int sysctl(uint32_t cmd)
{
	op->cmd = cmd;
	op->iface = iface;
	return hypercall(HYPERVISOR_sysctl, op);
}

/*
 * XEN_DOMCTL_{set,get}vcpuaffinity of DOM's VCPU, the hard affinity only
 * (as xl vcpu-pin without a soft one); CPU < 0: every CPU.
 */
static int vcpuaff(uint32_t cmd, unsigned int dom, unsigned int vcpu, int cpu)
{
	struct vcpuaff a = { .vcpu = vcpu, .flags = VCPUAFF_HARD };

	memset(dop, 0, sizeof(*dop));
	memset(cpumaps, 0, 16);
	if (cpu < 0)
		memset(cpumaps, 0xff, 8);
	else if (cpu < 64)
		cpumaps[cpu / 8] = 1u << (cpu % 8);
	else
		return -EINVAL;
	a.hard = (struct bitmap){ .bits = (uintptr_t)cpumaps, .nr_bits = 64 };
	a.soft = (struct bitmap){ .bits = (uintptr_t)(cpumaps + 8), .nr_bits = 64 };
	dop->cmd = cmd;
	dop->iface = diface;
	dop->domain = dom;
	memcpy(dop->u.pad, &a, sizeof(a));
	return hypercall(HYPERVISOR_domctl, dop);
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

/* The subcommands: one operation each, as xen-hptool and xl do it. */
static int command(int argc, char **argv)
{
	const char *c = argv[1];
	unsigned int v, n;
	int rc = 0, cpu;

	if ((!strcmp(c, "cpu-offline") || !strcmp(c, "cpu-online")) && argc == 3) {
		cpu = atoi(argv[2]);
		if ((rc = hotplug(cpu, c[5] == 'f')) == 0) {
			printf("CPU %d %s successfully\n", cpu, c[5] == 'f' ? "offlined" : "onlined");
			return 0;
		}
	} else if (!strcmp(c, "vcpu-pin") && argc == 5) {
		cpu = strcmp(argv[4], "all") ? atoi(argv[4]) : -1;
		if (strcmp(argv[3], "all")) {
			rc = vcpuaff(DOMCTL_setvcpuaffinity, atoi(argv[2]), atoi(argv[3]), cpu);
		} else if (atoi(argv[2]) != 0) {
			rc = -EINVAL;	/* "all" vCPUs: only dom0's own, counted here */
		} else {
			n = sysconf(_SC_NPROCESSORS_CONF);
			for (v = 0; v < n && !rc; v++)
				rc = vcpuaff(DOMCTL_setvcpuaffinity, 0, v, cpu);
		}
		if (!rc)
			return 0;
	} else if (!strcmp(c, "debug-keys") && argc == 3) {
		if ((rc = keys(argv[2])) == 0)
			return 0;
	} else if (!strcmp(c, "info") && argc == 2) {
		memset(&op->u, 0, sizeof(op->u));
		if ((rc = sysctl(SYSCTL_physinfo)) == 0) {
			memcpy(&v, op->u.pad + 8, 4);	/* physinfo.nr_cpus */
			printf("nr_cpus                : %u\n", v);
			return 0;
		}
	} else {
		printf("hp: usage: hp LOOPS | cpu-offline CPU | cpu-online CPU | "
		       "vcpu-pin DOM VCPU|all CPU|all | debug-keys KEYS | info\n");
		return 1;
	}
	printf("hp: %s: %s (%d)\n", c, strerror(-rc), rc);
	return 1;
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
	dop = (struct domctl *)((char *)op + 1024);
	cpumaps = (uint8_t *)op + 2048;
	keybuf = (char *)op + 4096;
	for (iface = 0; iface < 0x100; iface++) {
		memset(&op->u, 0, sizeof(op->u));
		if (sysctl(SYSCTL_physinfo) == 0)
			break;
	}
	if (iface == 0x100) { printf("HP FAIL no sysctl interface version works\n"); return 1; }
	if (argc > 1 && (argv[1][0] < '0' || argv[1][0] > '9')) {
		if (!strcmp(argv[1], "vcpu-pin")) {
			for (diface = 0; diface < 0x100; diface++)
				if (vcpuaff(DOMCTL_getvcpuaffinity, 0, 0, -1) == 0)
					break;
			if (diface == 0x100) { printf("hp: no domctl interface version works\n"); return 1; }
		}
		return command(argc, argv);
	}
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark: merge 256 MiB of duplicate pages (64 distinct contents,
 * 1024 copies each) with upstream KSM (anonymous memory, MADV_MERGEABLE,
 * /sys/kernel/mm/ksm) and with kvmx_ksm (/dev/kvmx-ksm memory,
 * /sys/kernel/mm/kvmx_ksm; once with upstream's checksum rule, once with
 * first_pass_merge=1), same pages_to_scan, sleep_millisecs=0.
 * Prints seconds to full merge, MiB/s, CPU seconds of the scanner thread
 * (ksmd / kvmx_ksmd, from /proc/<pid>/schedstat), memory saved, ratios.
 * Not a test: numbers, no verdict.
 *
 * usage: merge [MiB] [pages_to_scan]   (defaults 256, 4096)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvmx_test.h"

#define PG		4096UL
#define CONTENTS	64

struct result {
	double secs, cpu, saved_mib, memfree_mib;
	long long shared, sharing, scans;
	int complete;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static long long knob(const char *dir, const char *name)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return kvmx_read_ull(path);
}

static int set(const char *dir, const char *name, long long v)
{
	char path[160], buf[32];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(buf, sizeof(buf), "%lld", v);
	return kvmx_write_file(path, buf);
}

static pid_t find_thread(const char *comm)
{
	char path[300], buf[64];
	struct dirent *d;
	pid_t pid = -1;
	DIR *dir = opendir("/proc");

	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", d->d_name);
		if (kvmx_read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		buf[strcspn(buf, "\n")] = 0;
		if (!strcmp(buf, comm)) {
			pid = atoi(d->d_name);
			break;
		}
	}
	if (dir)
		closedir(dir);
	return pid;
}

/* On-CPU seconds of @pid: schedstat (ns), else stat utime+stime. */
static double cpu_secs(pid_t pid)
{
	unsigned long long ns, ut, st;
	char path[64], buf[1024], *p;
	int i;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	if (kvmx_read_file(path, buf, sizeof(buf)) > 0 &&
	    sscanf(buf, "%llu", &ns) == 1)
		return ns / 1e9;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (kvmx_read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	p = strrchr(buf, ')');
	for (i = 0; p && i < 12; i++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	return (ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void fill(char *p, size_t npages)
{
	size_t i;

	for (i = 0; i < npages; i++)
		memset(p + i * PG, 'a' + i % CONTENTS, PG);
}

static void measure(const char *dir, pid_t thread, size_t npages,
		    struct result *r)
{
	long long free0 = kvmx_mem_free_kb(), scans0 = knob(dir, "full_scans");
	double t0, cpu0, end;

	cpu0 = cpu_secs(thread);
	t0 = now();
	end = t0 + 600;
	set(dir, "run", 1);
	for (;;) {
		r->shared = knob(dir, "pages_shared");
		r->sharing = knob(dir, "pages_sharing");
		if (r->shared + r->sharing >= (long long)npages) {
			r->complete = 1;
			break;
		}
		if (now() > end)
			break;
		usleep(2000);
	}
	r->secs = now() - t0;
	r->cpu = cpu_secs(thread) - cpu0;
	r->scans = knob(dir, "full_scans") - scans0;
	set(dir, "run", 0);
	r->saved_mib = r->sharing * PG / 1048576.0;
	r->memfree_mib = (kvmx_mem_free_kb() - free0) / 1024.0;
}

static void print(const char *name, size_t mib, struct result *r)
{
	printf("%s: %s: %.3f s, %.1f MiB/s, scanner CPU %.3f s, saved %.1f MiB (MemFree +%.1f MiB), shared %lld sharing %lld, full_scans %lld\n",
	       name, r->complete ? "merged" : "INCOMPLETE", r->secs,
	       mib / r->secs, r->cpu, r->saved_mib, r->memfree_mib,
	       r->shared, r->sharing, r->scans);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	long pts = argc > 2 ? strtol(argv[2], NULL, 0) : 4096;
	size_t npages = mib * 1048576 / PG;
	const char *up = "/sys/kernel/mm/ksm", *kx = "/sys/kernel/mm/kvmx_ksm";
	struct result ru = { 0 }, rk[2] = { 0 };
	pid_t ksmd, kxd;
	char *p;
	int fd, pass;

	printf("ksm merge bench: %zu MiB, %zu pages, %d contents, pages_to_scan %ld, sleep_millisecs 0\n",
	       mib, npages, CONTENTS, pts);

	/* Upstream KSM on anonymous memory. */
	ksmd = find_thread("ksmd");
	if (ksmd < 0 || access("/sys/kernel/mm/ksm/run", F_OK)) {
		printf("upstream KSM not available\n");
		return 0;
	}
	set(up, "run", 2);
	set(up, "pages_to_scan", pts);
	set(up, "sleep_millisecs", 0);
	p = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap anon");
		return 1;
	}
	fill(p, npages);
	if (madvise(p, npages * PG, MADV_MERGEABLE))
		perror("madvise");
	measure(up, ksmd, npages, &ru);
	set(up, "run", 2);
	munmap(p, npages * PG);
	print("upstream", mib, &ru);

	/* kvmx_ksm on its own memory: upstream's rule, then first pass. */
	if (kvmx_modprobe("kvmx_ksm", NULL)) {
		printf("kvmx_ksm not available\n");
		return 0;
	}
	kxd = find_thread("kvmx_ksmd");
	set(kx, "pages_to_scan", pts);
	set(kx, "sleep_millisecs", 0);
	for (pass = 0; pass < 2; pass++) {
		kvmx_write_file("/sys/module/kvmx_ksm/parameters/first_pass_merge",
				pass ? "1" : "0");
		fd = open("/dev/kvmx-ksm", O_RDWR);
		p = fd < 0 ? MAP_FAILED : mmap(NULL, npages * PG,
					       PROT_READ | PROT_WRITE,
					       MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			perror("kvmx-ksm mmap");
			return 1;
		}
		fill(p, npages);
		measure(kx, kxd, npages, &rk[pass]);
		set(kx, "run", 2);
		munmap(p, npages * PG);
		close(fd);
		print(pass ? "kvmx_ksm first_pass_merge=1" :
			     "kvmx_ksm", mib, &rk[pass]);
	}
	kvmx_rmmod("kvmx_ksm");

	for (pass = 0; pass < 2; pass++)
		if (ru.secs > 0 && rk[pass].secs > 0 && ru.cpu > 0)
			printf("ratio kvmx_ksm%s/upstream: merge speed %.2fx, scanner CPU %.2fx, memory saved %.2fx\n",
			       pass ? " first_pass_merge=1" : "",
			       ru.secs / rk[pass].secs, rk[pass].cpu / ru.cpu,
			       ru.saved_mib > 0 ?
			       rk[pass].saved_mib / ru.saved_mib : 0);
	return 0;
}

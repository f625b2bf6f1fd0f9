/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the kvmx_ksm selftests: knobs, counters, regions.
 */
#ifndef KVMX_KSM_UTIL_H
#define KVMX_KSM_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kvmx_test.h"

#define KSM_DIR		"/sys/kernel/mm/kvmx_ksm/"
#define KSM_DEBUG	"/sys/kernel/debug/kvmx_ksm/"
#define KSM_DEV		"/dev/kvmx-ksm"
#define PG		4096UL

static inline long long ksm_get(const char *knob)
{
	char path[128];

	snprintf(path, sizeof(path), KSM_DIR "%s", knob);
	return kvmx_read_ull(path);
}

static inline int ksm_set(const char *knob, long long val)
{
	char path[128], buf[32];

	snprintf(path, sizeof(path), KSM_DIR "%s", knob);
	snprintf(buf, sizeof(buf), "%lld", val);
	return kvmx_write_file(path, buf);
}

static inline int ksm_set_str(const char *knob, const char *val)
{
	char path[128];

	snprintf(path, sizeof(path), KSM_DIR "%s", knob);
	return kvmx_write_file(path, val);
}

/* A line "name value" of debugfs trees. */
static inline long long ksm_debug(const char *name)
{
	char buf[1024], *p;
	size_t n = strlen(name);

	if (kvmx_read_file(KSM_DEBUG "trees", buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ' ')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

static inline double ksm_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Load the module and make the scanner fast (TCG is slow). */
static inline int ksm_load_fast(void)
{
	if (kvmx_modprobe("kvmx_ksm", NULL))
		return -1;
	if (ksm_set("sleep_millisecs", 1) || ksm_set("pages_to_scan", 20000))
		return -1;
	return 0;
}

static inline void ksm_unload(void)
{
	ksm_set("run", 2);
	kvmx_rmmod("kvmx_ksm");
}

/* mmap @npages of a new region; *fdp gets its fd. */
static inline char *ksm_region(size_t npages, int *fdp)
{
	int fd = open(KSM_DEV, O_RDWR | O_CLOEXEC);
	char *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, npages * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	if (p == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	*fdp = fd;
	return p;
}

/* shared + sharing >= @want within @secs; returns it (or the last value). */
static inline long long ksm_wait_merged(long long want, double secs)
{
	double end = ksm_now() + secs;
	long long got;

	for (;;) {
		got = ksm_get("pages_shared") + ksm_get("pages_sharing");
		if (got >= want || ksm_now() > end)
			return got;
		usleep(10000);
	}
}

/* Wait for @n more completed full scans. */
static inline int ksm_wait_scans(int n, double secs)
{
	long long start = ksm_get("full_scans");
	double end = ksm_now() + secs;

	while (ksm_get("full_scans") < start + n) {
		if (ksm_now() > end)
			return -1;
		usleep(5000);
	}
	return 0;
}

#endif

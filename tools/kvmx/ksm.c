// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx ksm: the page merger's figures, from kvmx_ksm
 * (/sys/kernel/mm/kvmx_ksm and /sys/kernel/debug/kvmx_ksm/trees) and
 * from upstream KSM (/sys/kernel/mm/ksm), whichever are present.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kvmx.h"

static const char *const knobs[] = {
	"run", "pages_to_scan", "sleep_millisecs", "max_page_sharing",
	"use_zero_pages", "pages_shared", "pages_sharing", "pages_unshared",
	"pages_volatile", "full_scans", "pages_scanned", "general_profit",
};

static long long read_ll(const char *dir, const char *name)
{
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void show(const char *title, const char *dir)
{
	long long sharing;
	size_t i;

	printf("%s (%s)\n", title, dir);
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		long long v = read_ll(dir, knobs[i]);

		if (v >= 0)
			printf("  %-18s %lld\n", knobs[i], v);
	}
	sharing = read_ll(dir, "pages_sharing");
	if (sharing >= 0)
		printf("  %-18s %.1f MiB\n", "saved", sharing * 4096.0 / 1048576);
}

static void show_file(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	printf("  %s:\n", path);
	while (fgets(line, sizeof(line), f))
		printf("    %s", line);
	fclose(f);
}

/**
 * ksm__main() - `kvmx ksm`
 * @argc: argument count (argv[0] is "ksm")
 * @argv: arguments
 *
 * Return: exit status: 1 if neither merger is present.
 */
int ksm__main(int argc, char **argv)
{
	bool ours = !access("/sys/kernel/mm/kvmx_ksm", F_OK);
	bool up = !access("/sys/kernel/mm/ksm/run", F_OK);

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		puts("usage: kvmx ksm\nPage merging figures of kvmx_ksm (/sys/kernel/mm/kvmx_ksm)\nand of upstream KSM (/sys/kernel/mm/ksm).");
		return 0;
	}
	if (!ours && !up)
		die("ksm: neither /sys/kernel/mm/kvmx_ksm (modprobe kvmx_ksm) nor /sys/kernel/mm/ksm (CONFIG_KSM) exists");
	if (ours) {
		show("kvmx_ksm", "/sys/kernel/mm/kvmx_ksm");
		show_file("/sys/kernel/debug/kvmx_ksm/trees");
	}
	if (up)
		show("upstream KSM", "/sys/kernel/mm/ksm");
	return 0;
}

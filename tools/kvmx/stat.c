// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx stat: live exit counts per VM and reason, in the manner of
 * kvm_stat, from kvmx's debugfs (/sys/kernel/debug/kvmx), or with
 * --upstream from KVM's (/sys/kernel/debug/kvm).
 *
 * The reader does not hard-code file names: every directory under the
 * root is a VM; every regular file in it holding one number, or "name
 * value" lines, is a counter; vCPU subdirectories add only the counters
 * the VM directory does not already sum (kvmx: <pid>-<vm>/exits with
 * vcpuN/exits below; KVM: one file per statistic).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvmx.h"

#define STAT_MAX	256
#define STAT_VMS	32

struct stat_vm {
	char name[64];
	int n;
	char key[STAT_MAX][48];
	unsigned long long val[STAT_MAX], prev[STAT_MAX];
	bool top[STAT_MAX];
};

static struct stat_vm vms[STAT_VMS];
static int nr_vms;

/*
 * @sub: the counter comes from a subdirectory (a vCPU): it is only taken
 * if the VM directory itself does not give the same name, since kvmx and
 * KVM both put VM-wide sums at the top.
 */
static void add_counter(struct stat_vm *vm, const char *key,
			unsigned long long v, bool sub)
{
	/* KVM's debugfs also holds values that are not event counts. */
	static const char *const not_counters[] = {
		"pid", "tsc-offset", "tsc-scaling-ratio",
		"tsc-scaling-ratio-frac-bits", "lapic_timer_advance_ns",
	};
	size_t j;
	int i;

	for (j = 0; j < ARRAY_SIZE(not_counters); j++)
		if (!strcmp(key, not_counters[j]))
			return;

	for (i = 0; i < vm->n; i++) {
		if (!strcmp(vm->key[i], key)) {
			if (sub && vm->top[i])
				return;
			vm->val[i] += v;
			return;
		}
	}
	if (vm->n == STAT_MAX)
		return;
	snprintf(vm->key[vm->n], sizeof(vm->key[0]), "%s", key);
	vm->top[vm->n] = !sub;
	vm->val[vm->n++] = v;
}

static void read_counters(struct stat_vm *vm, const char *path,
			  const char *name, bool sub)
{
	char line[256], key[48];
	unsigned long long v;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llu", &v) == 1 && !strchr(line, ' ')) {
			add_counter(vm, name, v, sub);
		} else if (sscanf(line, "%47[^:= \t]%*[:= \t]%llu", key,
				  &v) == 2) {
			add_counter(vm, key, v, sub);
		}
	}
	fclose(f);
}

/* Files of @dir first, then its subdirectories (@depth levels). */
static void walk(struct stat_vm *vm, const char *dir, int depth)
{
	char path[512];
	struct dirent *de;
	struct stat st;
	int pass;
	DIR *d;

	for (pass = 0; pass < 2; pass++) {
		d = opendir(dir);
		if (!d)
			return;
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir,
				 de->d_name);
			if (stat(path, &st))
				continue;
			if (pass == 0 && S_ISREG(st.st_mode))
				read_counters(vm, path, de->d_name,
					      depth > 0);
			else if (pass == 1 && S_ISDIR(st.st_mode) &&
				 depth < 2)
				walk(vm, path, depth + 1);
		}
		closedir(d);
	}
}

static struct stat_vm *find_vm(const char *name)
{
	int i;

	for (i = 0; i < nr_vms; i++)
		if (!strcmp(vms[i].name, name))
			return &vms[i];
	if (nr_vms == STAT_VMS)
		return NULL;
	snprintf(vms[nr_vms].name, sizeof(vms[0].name), "%.63s", name);
	return &vms[nr_vms++];
}

static int sample(const char *root)
{
	char path[512];
	struct dirent *de;
	struct stat st;
	int found = 0, i;
	DIR *d = opendir(root);

	if (!d)
		return -errno;
	for (i = 0; i < nr_vms; i++) {
		memcpy(vms[i].prev, vms[i].val, sizeof(vms[i].val));
		memset(vms[i].val, 0, sizeof(vms[i].val));
	}
	while ((de = readdir(d))) {
		struct stat_vm *vm;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		vm = find_vm(de->d_name);
		if (!vm)
			break;
		walk(vm, path, 0);
		found++;
	}
	closedir(d);
	return found;
}

static void print(bool rates, double secs)
{
	int i, j;

	for (i = 0; i < nr_vms; i++) {
		struct stat_vm *vm = &vms[i];

		printf("VM %s\n", vm->name);
		printf("  %-28s %14s %12s\n", "event", "total",
		       rates ? "per second" : "");
		for (j = 0; j < vm->n; j++) {
			if (!vm->val[j] && !rates)
				continue;
			if (rates)
				printf("  %-28s %14llu %12.0f\n", vm->key[j],
				       vm->val[j],
				       (vm->val[j] - vm->prev[j]) / secs);
			else
				printf("  %-28s %14llu\n", vm->key[j],
				       vm->val[j]);
		}
	}
	fflush(stdout);
}

/**
 * stat__main() - `kvmx stat [-1] [-d SECS] [-n COUNT] [--upstream]`
 * @argc: argument count (argv[0] is "stat")
 * @argv: arguments
 *
 * Return: exit status.
 */
int stat__main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "once", no_argument, NULL, '1' },
		{ "delay", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'n' },
		{ "upstream", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *root = "/sys/kernel/debug/kvmx";
	bool once = false;
	double delay = 1;
	long count = -1, iter = 0;
	int c, n;

	while ((c = getopt_long(argc, argv, "1d:n:uh", lopts, NULL)) != -1) {
		switch (c) {
		case '1':
			once = true;
			break;
		case 'd':
			delay = atof(optarg);
			if (delay <= 0)
				die("stat -d %s: give a positive number of seconds",
				    optarg);
			break;
		case 'n':
			count = atol(optarg);
			break;
		case 'u':
			root = "/sys/kernel/debug/kvm";
			break;
		case 'h':
			puts("usage: kvmx stat [-1|--once] [-d SECS] [-n COUNT] [--upstream]\n"
			     "Exit counts per VM and reason from /sys/kernel/debug/kvmx\n"
			     "(--upstream: /sys/kernel/debug/kvm), refreshed every SECS.");
			return 0;
		default:
			return KVMX_EXIT_ERROR;
		}
	}
	n = sample(root);
	if (n == -ENOENT) {
		die("stat: %s not found: is the %s module loaded and debugfs mounted (mount -t debugfs none /sys/kernel/debug)?",
		    root, strstr(root, "kvmx") ? "kvmx" : "kvm");
	}
	if (n < 0)
		die("stat: %s: %s", root, strerror(-n));
	if (!n) {
		printf("no VMs under %s\n", root);
		return 0;
	}
	if (once) {
		print(false, 1);
		return 0;
	}
	for (;;) {
		usleep(delay * 1e6);
		sample(root);
		if (isatty(STDOUT_FILENO))
			fputs("\033[H\033[2J", stdout);
		print(true, delay);
		if (count > 0 && ++iter >= count)
			return 0;
	}
}

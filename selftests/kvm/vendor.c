// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx picks the backend for the CPU it finds, and otherwise refuses to
 * load with a line in dmesg saying why (never a splat, never a half-made
 * /dev/kvmx): on a CPU with SVM it loads; on one it has no backend for
 * (VMX until the VMX backend lands) it refuses; while upstream KVM holds
 * the CPU's virtualization extensions it refuses.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"

static bool cpu_flag(const char *flag)
{
	char line[8192], word[64];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	snprintf(word, sizeof(word), " %s ", flag);
	while (!found && fgets(line, sizeof(line), f)) {
		char *nl = strchr(line, '\n');

		if (strncmp(line, "flags", 5))
			continue;
		if (nl)
			strcpy(nl, " ");
		found = strstr(line, word);
	}
	fclose(f);
	return found;
}

/* Does the kernel log since @mark contain a "kvmx: " line? */
static bool dmesg_kvmx_line_since(int mark, char *out, size_t len)
{
	static char log[1 << 17];
	int n = klogctl(3, log, sizeof(log) - 1);
	char *p;

	if (n < 0)
		return false;
	log[n] = 0;
	p = log + (mark < n ? mark : n);
	p = strstr(p, "kvmx: ");
	if (!p)
		return false;
	snprintf(out, len, "%.*s", (int)strcspn(p, "\n"), p);
	return true;
}

static int dmesg_mark(void)
{
	static char log[1 << 17];

	return klogctl(3, log, sizeof(log) - 1);
}

TEST(backend_for_this_cpu)
{
	char why[256];
	struct stat st;
	int mark = dmesg_mark();

	if (cpu_flag("svm")) {
		ASSERT_EQ(0, kvmx_modprobe("kvmx", NULL));
		EXPECT_EQ(0, stat("/dev/kvmx", &st));
		EXPECT_EQ(0, kvmx_rmmod("kvmx"));
		return;
	}
	/* No backend for this CPU: a clean refusal that says why. */
	EXPECT_NE(0, kvmx_modprobe("kvmx", NULL));
	EXPECT_FALSE(kvmx_module_loaded("kvmx"));
	EXPECT_EQ(-1, stat("/dev/kvmx", &st));
	ASSERT_TRUE(dmesg_kvmx_line_since(mark, why, sizeof(why)));
	TH_LOG("refused: %s", why);
}

TEST(refuses_while_upstream_kvm_holds_the_cpu)
{
	const char *upstream = cpu_flag("svm") ? "kvm_amd" : "kvm_intel";
	char why[256];
	int mark;

	ASSERT_EQ(0, kvmx_modprobe(upstream, NULL));
	mark = dmesg_mark();
	EXPECT_NE(0, kvmx_modprobe("kvmx", NULL));
	EXPECT_FALSE(kvmx_module_loaded("kvmx"));
	EXPECT_TRUE(dmesg_kvmx_line_since(mark, why, sizeof(why)));
	TH_LOG("refused: %s", why);
	EXPECT_EQ(0, kvmx_rmmod(upstream));
	EXPECT_EQ(0, kvmx_rmmod("kvm"));
	if (cpu_flag("svm")) {
		/* And it loads once upstream has let go. */
		EXPECT_EQ(0, kvmx_modprobe("kvmx", NULL));
		EXPECT_EQ(0, kvmx_rmmod("kvmx"));
	}
}

TEST_HARNESS_MAIN

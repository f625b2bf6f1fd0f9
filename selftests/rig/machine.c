// SPDX-License-Identifier: GPL-2.0
/*
 * The test machine is what it claims to be: the CPU offers SVM with
 * nested paging or VMX with EPT, and the matching upstream module
 * (kvm_amd or kvm_intel) loads and gives /dev/kvm, so A/B runs against
 * upstream are possible in this machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"

static bool cpu_has(const char *flag)
{
	char line[8192], word[64];
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	if (!f)
		return false;
	snprintf(word, sizeof(word), " %s", flag);
	while (!found && fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "flags", 5))
			continue;
		for (p = strstr(line, word); p; p = strstr(p + 1, word)) {
			char end = p[strlen(word)];

			if (end == ' ' || end == '\n' || end == 0) {
				found = true;
				break;
			}
		}
	}
	fclose(f);
	return found;
}

TEST(cpu_has_hardware_virtualization)
{
	bool svm = cpu_has("svm"), vmx = cpu_has("vmx");

	ASSERT_TRUE(svm || vmx);
	if (svm)
		EXPECT_TRUE(cpu_has("npt"));
	if (vmx)
		EXPECT_TRUE(cpu_has("ept"));
}

TEST(upstream_kvm_loads)
{
	const char *mod = cpu_has("svm") ? "kvm_amd" : "kvm_intel";
	struct stat st;

	if (kvmx_module_loaded("kvmx"))
		SKIP(return, "kvmx holds the CPU's virtualization extensions");
	ASSERT_EQ(0, kvmx_modprobe(mod, NULL));
	EXPECT_EQ(0, stat("/dev/kvm", &st));
	EXPECT_EQ(0, kvmx_rmmod(mod));
	EXPECT_EQ(0, kvmx_rmmod("kvm"));
	EXPECT_FALSE(kvmx_module_loaded(mod));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm.ko loads, creates /sys/kernel/mm/kvmx_ksm/run (0644, root
 * writable only), validates what is written there, and unloads leaving
 * nothing behind.
 */
#include <errno.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"

#define KSM_SYSFS "/sys/kernel/mm/kvmx_ksm"

FIXTURE(ksm_module) {
	int unused;
};

FIXTURE_SETUP(ksm_module)
{
	ASSERT_EQ(0, kvmx_modprobe("kvmx_ksm", NULL));
}

FIXTURE_TEARDOWN(ksm_module)
{
	kvmx_rmmod("kvmx_ksm");
}

TEST_F(ksm_module, run_knob)
{
	struct stat st;

	ASSERT_EQ(0, stat(KSM_SYSFS "/run", &st));
	EXPECT_EQ(0, st.st_mode & (S_IWOTH | S_IWGRP));
	EXPECT_EQ(0, kvmx_read_ull(KSM_SYSFS "/run"));
	EXPECT_EQ(-EINVAL, kvmx_write_file(KSM_SYSFS "/run", "3"));
	EXPECT_EQ(-EINVAL, kvmx_write_file(KSM_SYSFS "/run", "x"));
	EXPECT_EQ(0, kvmx_read_ull(KSM_SYSFS "/run"));
}

TEST(ksm_unload_leaves_nothing)
{
	struct stat st;

	ASSERT_EQ(0, kvmx_modprobe("kvmx_ksm", NULL));
	ASSERT_EQ(0, kvmx_rmmod("kvmx_ksm"));
	EXPECT_FALSE(kvmx_module_loaded("kvmx_ksm"));
	EXPECT_EQ(-1, stat(KSM_SYSFS, &st));
}

TEST_HARNESS_MAIN

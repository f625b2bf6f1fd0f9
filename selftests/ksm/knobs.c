// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mm/kvmx_ksm knobs: upstream's defaults, modes and value
 * rules; bad values get -EINVAL and change nothing.
 */
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "ksm_util.h"

FIXTURE(knobs) {
	int unused;
};

FIXTURE_SETUP(knobs)
{
	ASSERT_EQ(0, kvmx_modprobe("kvmx_ksm", NULL));
}

FIXTURE_TEARDOWN(knobs)
{
	ksm_unload();
}

TEST_F(knobs, defaults_and_modes)
{
	static const char *const rw[] = {
		"run", "pages_to_scan", "sleep_millisecs", "max_page_sharing",
		"use_zero_pages", "merge_across_nodes",
		"stable_node_chains_prune_millisecs",
	};
	static const char *const ro[] = {
		"pages_shared", "pages_sharing", "pages_unshared",
		"pages_volatile", "full_scans", "pages_scanned",
		"general_profit", "ksm_zero_pages", "stable_node_chains",
		"stable_node_dups",
	};
	char path[128];
	struct stat st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(rw); i++) {
		snprintf(path, sizeof(path), KSM_DIR "%s", rw[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", rw[i]);
		EXPECT_EQ(0644, st.st_mode & 0777) TH_LOG("%s", rw[i]);
	}
	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		snprintf(path, sizeof(path), KSM_DIR "%s", ro[i]);
		ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", ro[i]);
		EXPECT_EQ(0444, st.st_mode & 0777) TH_LOG("%s", ro[i]);
		EXPECT_EQ(0, ksm_get(ro[i])) TH_LOG("%s", ro[i]);
		EXPECT_NE(0, kvmx_write_file(path, "1")) TH_LOG("%s", ro[i]);
	}
	EXPECT_EQ(0, ksm_get("run"));
	EXPECT_EQ(100, ksm_get("pages_to_scan"));
	EXPECT_EQ(20, ksm_get("sleep_millisecs"));
	EXPECT_EQ(256, ksm_get("max_page_sharing"));
	EXPECT_EQ(0, ksm_get("use_zero_pages"));
	EXPECT_EQ(1, ksm_get("merge_across_nodes"));
	EXPECT_EQ(2000, ksm_get("stable_node_chains_prune_millisecs"));
}

TEST_F(knobs, merge_across_nodes_and_prune_values)
{
	EXPECT_EQ(-EINVAL, ksm_set_str("merge_across_nodes", "2"));
	EXPECT_EQ(-EINVAL, ksm_set_str("merge_across_nodes", "-1"));
	EXPECT_EQ(-EINVAL, ksm_set_str("merge_across_nodes", "yes"));
	EXPECT_EQ(1, ksm_get("merge_across_nodes"));
	/* No KSM pages yet: either value is accepted. */
	EXPECT_EQ(0, ksm_set("merge_across_nodes", 0));
	EXPECT_EQ(0, ksm_get("merge_across_nodes"));
	EXPECT_EQ(0, ksm_set("merge_across_nodes", 1));
	EXPECT_EQ(1, ksm_get("merge_across_nodes"));

	EXPECT_EQ(-EINVAL,
		  ksm_set_str("stable_node_chains_prune_millisecs", "x"));
	EXPECT_EQ(-EINVAL,
		  ksm_set_str("stable_node_chains_prune_millisecs", "-1"));
	EXPECT_EQ(0, ksm_set("stable_node_chains_prune_millisecs", 500));
	EXPECT_EQ(500, ksm_get("stable_node_chains_prune_millisecs"));
}

TEST_F(knobs, run_values)
{
	EXPECT_EQ(-EINVAL, ksm_set_str("run", "3"));
	EXPECT_EQ(-EINVAL, ksm_set_str("run", "-1"));
	EXPECT_EQ(-EINVAL, ksm_set_str("run", "one"));
	EXPECT_EQ(0, ksm_get("run"));
	EXPECT_EQ(0, ksm_set("run", 1));
	EXPECT_EQ(1, ksm_get("run"));
	EXPECT_EQ(0, ksm_set("run", 2));
	EXPECT_EQ(2, ksm_get("run"));
	EXPECT_EQ(0, ksm_set("run", 0));
	EXPECT_EQ(0, ksm_get("run"));
}

TEST_F(knobs, numbers)
{
	EXPECT_EQ(-EINVAL, ksm_set_str("pages_to_scan", "x"));
	EXPECT_EQ(-EINVAL, ksm_set_str("pages_to_scan", "-5"));
	EXPECT_EQ(-EINVAL, ksm_set_str("pages_to_scan", "4294967296"));
	EXPECT_EQ(100, ksm_get("pages_to_scan"));
	EXPECT_EQ(0, ksm_set("pages_to_scan", 5000));
	EXPECT_EQ(5000, ksm_get("pages_to_scan"));

	EXPECT_EQ(-EINVAL, ksm_set_str("sleep_millisecs", "1.5"));
	EXPECT_EQ(-EINVAL, ksm_set_str("sleep_millisecs", "-1"));
	EXPECT_EQ(20, ksm_get("sleep_millisecs"));
	EXPECT_EQ(0, ksm_set("sleep_millisecs", 0));
	EXPECT_EQ(0, ksm_get("sleep_millisecs"));

	EXPECT_EQ(-EINVAL, ksm_set_str("use_zero_pages", "2"));
	EXPECT_EQ(-EINVAL, ksm_set_str("use_zero_pages", "maybe"));
	EXPECT_EQ(0, ksm_get("use_zero_pages"));
	EXPECT_EQ(0, ksm_set_str("use_zero_pages", "1"));
	EXPECT_EQ(1, ksm_get("use_zero_pages"));
	EXPECT_EQ(0, ksm_set_str("use_zero_pages", "0"));
	EXPECT_EQ(0, ksm_get("use_zero_pages"));
}

TEST_F(knobs, max_page_sharing_rules)
{
	EXPECT_EQ(-EINVAL, ksm_set_str("max_page_sharing", "1"));
	EXPECT_EQ(-EINVAL, ksm_set_str("max_page_sharing", "0"));
	EXPECT_EQ(-EINVAL, ksm_set_str("max_page_sharing", "-3"));
	EXPECT_EQ(-EINVAL, ksm_set_str("max_page_sharing", "many"));
	EXPECT_EQ(256, ksm_get("max_page_sharing"));
	EXPECT_EQ(0, ksm_set("max_page_sharing", 2));
	EXPECT_EQ(2, ksm_get("max_page_sharing"));
	EXPECT_EQ(0, ksm_set("max_page_sharing", 1024));
	EXPECT_EQ(1024, ksm_get("max_page_sharing"));
}

/* With nothing mapped, run=1 neither counts rounds nor burns the CPU. */
TEST_F(knobs, idle_scanner)
{
	EXPECT_EQ(0, ksm_set("sleep_millisecs", 0));
	EXPECT_EQ(0, ksm_set("run", 1));
	usleep(300000);
	EXPECT_EQ(0, ksm_get("full_scans"));
	EXPECT_EQ(0, ksm_get("pages_scanned"));
	EXPECT_EQ(0, ksm_set("run", 0));
}

TEST_HARNESS_MAIN

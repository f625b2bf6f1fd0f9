// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/kvmx_ksm: tree sizes and per-region figures.
 *
 *   trees    stable nodes (live, total), unstable items, scan round, pages
 *            the module holds
 *   regions  one line per region: id, private, merged, zero slots, items
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "ksm.h"

static struct dentry *kvmx_ksm_debugfs;

static int kvmx_ksm_trees_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "stable_nodes_live %ld\n",
		   atomic_long_read(&kvmx_ksm.stable_nodes));
	seq_printf(m, "stable_nodes_total %ld\n",
		   atomic_long_read(&kvmx_ksm.stable_total));
	seq_printf(m, "merged_slots %ld\n",
		   atomic_long_read(&kvmx_ksm.merged_slots));
	seq_printf(m, "unstable_items %ld\n",
		   atomic_long_read(&kvmx_ksm.unstable_items));
	seq_printf(m, "items %ld\n", atomic_long_read(&kvmx_ksm.items));
	seq_printf(m, "zero_slots %ld\n",
		   atomic_long_read(&kvmx_ksm.zero_slots));
	seq_printf(m, "scan_round %lu\n", READ_ONCE(kvmx_ksm.seq));
	seq_printf(m, "pages_allocated %ld\n",
		   atomic_long_read(&kvmx_ksm.pages_allocated));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kvmx_ksm_trees);

static int kvmx_ksm_regions_show(struct seq_file *m, void *unused)
{
	struct kvmx_ksm_region *r;

	seq_puts(m, "id private merged zero\n");
	mutex_lock(&kvmx_ksm.lock);
	list_for_each_entry(r, &kvmx_ksm.regions, link)
		seq_printf(m, "%llu %ld %ld %ld\n", r->id,
			   atomic_long_read(&r->nr_private),
			   atomic_long_read(&r->nr_merged),
			   atomic_long_read(&r->nr_zero));
	mutex_unlock(&kvmx_ksm.lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kvmx_ksm_regions);

/**
 * kvmx_ksm_debugfs_init() - create the debugfs files (best effort)
 */
void kvmx_ksm_debugfs_init(void)
{
	kvmx_ksm_debugfs = debugfs_create_dir("kvmx_ksm", NULL);
	debugfs_create_file("trees", 0444, kvmx_ksm_debugfs, NULL,
			    &kvmx_ksm_trees_fops);
	debugfs_create_file("regions", 0444, kvmx_ksm_debugfs, NULL,
			    &kvmx_ksm_regions_fops);
}

/**
 * kvmx_ksm_debugfs_exit() - remove them
 */
void kvmx_ksm_debugfs_exit(void)
{
	debugfs_remove_recursive(kvmx_ksm_debugfs);
}

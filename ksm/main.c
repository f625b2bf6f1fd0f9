// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm: a KSM-style page merger for memory the module owns.
 * /dev/kvmx-ksm gives mergeable memory (region.c), a kthread merges it
 * (scan.c, stable.c, tree.c), /sys/kernel/mm/kvmx_ksm has the knobs
 * (sysfs.c).  See Documentation/ksm.rst.
 */
#include <linux/module.h>
#include <linux/wait.h>

#include "ksm.h"

struct kvmx_ksm_state kvmx_ksm = {
	.lock = __MUTEX_INITIALIZER(kvmx_ksm.lock),
	.regions = LIST_HEAD_INIT(kvmx_ksm.regions),
	.stable = RB_ROOT,
	.stable_sums = RB_ROOT,
	.unstable = RB_ROOT,
	.seq = 1,
	.run = KVMX_KSM_RUN_STOP,
	.pages_to_scan = 100,
	.sleep_millisecs = 20,
	.max_page_sharing = 256,
	.merge_across_nodes = true,
	.prune_millisecs = 2000,
	.wait = __WAIT_QUEUE_HEAD_INITIALIZER(kvmx_ksm.wait),
};

static int __init kvmx_ksm_init(void)
{
	int err;

	err = kvmx_ksm_stable_init();
	if (err)
		return err;
	err = kvmx_ksm_scan_init();
	if (err)
		goto err_stable;
	err = kvmx_ksm_sysfs_init();
	if (err)
		goto err_scan;
	kvmx_ksm_debugfs_init();
	err = kvmx_ksm_dev_register();
	if (err)
		goto err_debugfs;
	return 0;

err_debugfs:
	kvmx_ksm_debugfs_exit();
	kvmx_ksm_sysfs_exit();
err_scan:
	kvmx_ksm_scan_exit();
err_stable:
	kvmx_ksm_stable_exit();
	return err;
}

static void __exit kvmx_ksm_exit(void)
{
	/* Every region is gone: each open file pins the module. */
	kvmx_ksm_dev_unregister();
	kvmx_ksm_debugfs_exit();
	kvmx_ksm_sysfs_exit();
	kvmx_ksm_scan_exit();
	kvmx_ksm_stable_exit();
}

module_init(kvmx_ksm_init);
module_exit(kvmx_ksm_exit);
MODULE_DESCRIPTION("kvmx: KSM-style page merger for module-owned memory");
MODULE_LICENSE("GPL");

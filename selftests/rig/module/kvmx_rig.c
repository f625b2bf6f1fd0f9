// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_rig: misbehaves on purpose, for the test runner's self-test.
 *   warn=1  WARN()s once at load
 *   hang=1  spins forever with preemption off (a soft lockup)
 */
#include <linux/module.h>
#include <linux/preempt.h>

static bool warn;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "WARN once at load (runner self-test)");
static bool hang;
module_param(hang, bool, 0444);
MODULE_PARM_DESC(hang, "hang the CPU at load (runner self-test)");

static int __init kvmx_rig_init(void)
{
	WARN(warn, "kvmx_rig: deliberate warning for the runner self-test\n");
	if (hang) {
		preempt_disable();
		for (;;)
			cpu_relax();
	}
	return 0;
}

static void __exit kvmx_rig_exit(void)
{
}

module_init(kvmx_rig_init);
module_exit(kvmx_rig_exit);
MODULE_DESCRIPTION("kvmx test-runner self-test helper (not part of kvmx)");
MODULE_LICENSE("GPL");

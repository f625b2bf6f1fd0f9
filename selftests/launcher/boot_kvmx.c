// SPDX-License-Identifier: GPL-2.0
/*
 * Boot to init and kvmx stat on kvmx (/dev/kvmx); skipped when the module
 * does not load.  See boot_guests.h.
 */
#include "boot_guests.h"

FIXTURE_VARIANT_ADD(boot, kvmx) {
	.module = "kvmx", .other = "kvm_amd", .dev = "/dev/kvmx",
};

TEST_HARNESS_MAIN

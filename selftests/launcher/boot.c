// SPDX-License-Identifier: GPL-2.0
/*
 * Boot to init and kvmx stat on upstream kvm_amd (/dev/kvm); see
 * boot_guests.h.
 */
#include "boot_guests.h"

FIXTURE_VARIANT_ADD(boot, kvm_amd) {
	.module = "kvm_amd", .other = "kvmx", .dev = "/dev/kvm",
};

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Two --ksm guests whose RAM comes from /dev/kvmx-ksm stay correct while
 * kvmx_ksm merges it; see ksm_guests.h.
 */
#include "ksm_guests.h"

FIXTURE_VARIANT_ADD(ksm, kvmx_ksm) { .ours = true };

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Two --ksm guests on upstream KSM (guest RAM advised MADV_MERGEABLE) stay
 * correct while merged; see ksm_guests.h.
 */
#include "ksm_guests.h"

FIXTURE_VARIANT_ADD(ksm, upstream) { .ours = false };

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * A test that fails on purpose: the runner self-test runs it (only when
 * asked to, with kvmx_rig_fail=test) to prove a failure turns the run red.
 */
#include "kselftest_harness.h"

TEST(deliberate_failure)
{
	ASSERT_EQ(1, 2);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx run boots Debian's bzImage with the built-in initramfs on whatever
 * KVM device is present (upstream kvm_amd here until kvmx lands): the
 * guest's init prints its marker and the output of a command we gave it,
 * then powers off, and kvmx exits 0.
 */
#include "kselftest_harness.h"
#include "launcher.h"

FIXTURE(boot) {
	const char *kernel;
};

FIXTURE_SETUP(boot)
{
	self->kernel = launcher_kernel();
	if (!self->kernel)
		SKIP(return, "no guest kernel in /boot");
	if (!launcher_have_kvm())
		SKIP(return, "no /dev/kvmx or /dev/kvm");
}

FIXTURE_TEARDOWN(boot)
{
}

TEST_F_TIMEOUT(boot, init_marker, 500)
{
	struct kvmx_result r;
	const char *argv[] = { "run", "-k", self->kernel, "-m", "128", "-p",
		"quiet", "--guest-cmd", "echo BOOT-MARKER-$((6 * 7))",
		"--timeout", "400", NULL };

	r = launcher_run(argv, NULL, NULL, 450);
	launcher_dump(&r);
	printf("# boot-to-poweroff %.1f s, exit status %d\n", r.secs, r.status);
	EXPECT_NE(NULL, strstr(r.out, "kvmx-guest: init reached"));
	EXPECT_NE(NULL, strstr(r.out, "BOOT-MARKER-42"));
	EXPECT_EQ(0, r.status);
	free(r.out);
}

TEST_HARNESS_MAIN

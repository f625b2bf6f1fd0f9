// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx run boots Debian's bzImage with the built-in initramfs, on upstream
 * kvm_amd (/dev/kvm) and on kvmx (/dev/kvmx; skipped if the module does not
 * load): the guest's init prints its marker and the output of a command we
 * gave it, then powers off, and kvmx exits 0.
 */
#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "launcher.h"

FIXTURE(boot) {
	const char *kernel;
};

FIXTURE_VARIANT(boot) {
	const char *module;
	const char *other;	/* the module that must not hold SVM */
	const char *dev;
};

FIXTURE_VARIANT_ADD(boot, kvm_amd) {
	.module = "kvm_amd", .other = "kvmx", .dev = "/dev/kvm",
};

FIXTURE_VARIANT_ADD(boot, kvmx) {
	.module = "kvmx", .other = "kvm_amd", .dev = "/dev/kvmx",
};

FIXTURE_SETUP(boot)
{
	self->kernel = launcher_kernel();
	if (!self->kernel)
		SKIP(return, "no guest kernel in /boot");
	if (kvmx_module_loaded(variant->other))
		kvmx_rmmod(variant->other);
	if (!strcmp(variant->other, "kvm_amd") && kvmx_module_loaded("kvm"))
		kvmx_rmmod("kvm");
	if (kvmx_modprobe(variant->module, NULL) ||
	    access(variant->dev, F_OK))
		SKIP(return, "%s did not load", variant->module);
}

FIXTURE_TEARDOWN(boot)
{
	if (!strcmp(variant->module, "kvmx"))
		kvmx_rmmod("kvmx");
}

TEST_F_TIMEOUT(boot, init_marker, 500)
{
	struct kvmx_result r;
	const char *argv[] = { "run", "-k", self->kernel, "--dev",
		variant->dev, "-m", "128", "-p", "quiet", "--guest-cmd",
		"echo BOOT-MARKER-$((6 * 7))", "--timeout", "400", NULL };

	r = launcher_run(argv, NULL, NULL, 450);
	launcher_dump(&r);
	printf("# %s: boot-to-poweroff %.1f s, exit status %d\n", variant->dev,
	       r.secs, r.status);
	EXPECT_NE(NULL, strstr(r.out, "kvmx-guest: init reached"));
	EXPECT_NE(NULL, strstr(r.out, "BOOT-MARKER-42"));
	EXPECT_EQ(0, r.status);
	free(r.out);
}

TEST_HARNESS_MAIN

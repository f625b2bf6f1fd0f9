/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmx run boots Debian's bzImage with the built-in initramfs: the guest's
 * init prints its marker and the output of a command we gave it, then
 * powers off, and kvmx exits 0; kvmx stat -1 shows a running VM.
 * Included by boot.c (upstream kvm_amd) and boot_kvmx.c (kvmx), one
 * hypervisor per binary.
 */
#ifndef BOOT_GUESTS_H
#define BOOT_GUESTS_H

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

/* A failing --guest-cmd: its status reaches kvmx, which exits with 5. */
TEST_F_TIMEOUT(boot, guest_cmd_failure_status, 500)
{
	struct kvmx_result r;
	const char *argv[] = { "run", "-k", self->kernel, "--dev",
		variant->dev, "-m", "128", "-p", "quiet", "--guest-cmd",
		"echo FAILING; exit 7", "--timeout", "400", NULL };

	r = launcher_run(argv, NULL, NULL, 450);
	launcher_dump(&r);
	EXPECT_NE(NULL, strstr(r.out, "kvmx-guest: command exit status 7"));
	EXPECT_NE(NULL, strstr(r.out,
			       "kvmx: the guest command exited with status 7"));
	EXPECT_EQ(5, r.status);
	free(r.out);
}

/*
 * kvmx stat -1 while a guest runs: kvmx's debugfs (or KVM's, with
 * --upstream) shows the VM with a non-zero exit count.
 */
TEST_F_TIMEOUT(boot, stat_shows_running_vm, 500)
{
	bool upstream = !strcmp(variant->module, "kvm_amd");
	const char *argv[] = { KVMX_BIN, "run", "-k", self->kernel, "--dev",
		variant->dev, "-m", "128", "-p", "quiet", "--guest-cmd",
		"echo GUEST-WAITING; sleep 20", "--timeout", "400", NULL };
	char buf[1 << 16] = "", cmd[128], line[256], stat[8192] = "";
	size_t len = 0, slen = 0;
	int p[2], st;
	FILE *f;
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execv(KVMX_BIN, (char **)argv);
		_exit(127);
	}
	close(p[1]);
	while (!strstr(buf, "GUEST-WAITING")) {
		ssize_t n = read(p[0], buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
	}
	snprintf(cmd, sizeof(cmd), "%s stat -1%s 2>&1", KVMX_BIN,
		 upstream ? " --upstream" : "");
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f) && slen + strlen(line) < sizeof(stat)) {
		strcpy(stat + slen, line);
		slen += strlen(line);
	}
	pclose(f);
	while (read(p[0], buf, sizeof(buf) - 1) > 0)
		;
	close(p[0]);
	waitpid(pid, &st, 0);
	printf("# kvmx stat -1:\n%s", stat);
	EXPECT_NE(NULL, strstr(stat, "VM "));
	/* kvmx names its counters by reason; KVM sums them in "exits". */
	EXPECT_NE(NULL, strstr(stat, upstream ? "exits" : "io"));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

#endif

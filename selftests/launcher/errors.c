// SPDX-License-Identifier: GPL-2.0
/*
 * Every error a user can cause gives one clear line and exit status 1,
 * before any guest runs: missing or wrong kernel, missing device, a
 * device that is not KVM, no permission, too much memory, a busy tap, SMP,
 * bad options.  --help prints the usage and exits 0.
 */
#include <linux/if_tun.h>
#include <net/if.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "launcher.h"

/* Run kvmx; expect @status and @msg in its output, in one line. */
static void expect_error(struct __test_metadata *_metadata,
			 const char *const *argv, int status, const char *msg)
{
	struct kvmx_result r = launcher_run(argv, NULL, NULL, 60);
	char *line;

	if (r.status != status || !strstr(r.out, msg))
		launcher_dump(&r);
	EXPECT_EQ(status, r.status);
	line = strstr(r.out, msg);
	ASSERT_NE(NULL, line);
	/* The message is the whole of the output: one line. */
	EXPECT_EQ(NULL, strchr(strchr(r.out, '\n') + 1, '\n'));
	free(r.out);
}

static const char *kernel_or_dummy(void)
{
	const char *k = launcher_kernel();

	return k ? k : "/bin/busybox";
}

TEST(help)
{
	const char *argv[] = { "run", "--help", NULL };
	struct kvmx_result r = launcher_run(argv, NULL, NULL, 20);

	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "usage: kvmx run"));
	EXPECT_NE(NULL, strstr(r.out, "--net"));
	free(r.out);
}

TEST(unknown_command)
{
	const char *argv[] = { "frobnicate", NULL };

	expect_error(_metadata, argv, 1, "kvmx: unknown command 'frobnicate'");
}

TEST(missing_kernel)
{
	const char *argv[] = { "run", "-k", "/nonexistent/bzImage", NULL };

	expect_error(_metadata, argv, 1,
		     "kvmx: cannot open kernel '/nonexistent/bzImage': No such file or directory");
}

TEST(wrong_kernel)
{
	const char *argv[] = { "run", "-k", "/bin/busybox", NULL };

	if (!launcher_have_kvm())
		SKIP(return, "no KVM device");
	expect_error(_metadata, argv, 1,
		     "kvmx: kernel '/bin/busybox' is not a Linux bzImage");
}

TEST(missing_device)
{
	const char *argv[] = { "run", "-k", kernel_or_dummy(), "--dev",
			       "/dev/nonexistent-kvm", NULL };

	expect_error(_metadata, argv, 1,
		     "kvmx: /dev/nonexistent-kvm: no such device file");
}

TEST(kvmx_module_not_loaded)
{
	const char *argv[] = { "run", "-k", kernel_or_dummy(), "--dev",
			       "/dev/kvmx", NULL };

	if (!access("/dev/kvmx", F_OK))
		SKIP(return, "kvmx is loaded");
	expect_error(_metadata, argv, 1,
		     "kvmx: /dev/kvmx: no such device: the kvmx module is not loaded (modprobe kvmx)");
}

TEST(not_a_kvm_device)
{
	const char *argv[] = { "run", "-k", kernel_or_dummy(), "--dev",
			       "/dev/null", NULL };

	expect_error(_metadata, argv, 1, "kvmx: /dev/null: not a KVM device");
}

/*
 * A device node owned by nobody, mode 0600, opened by root without
 * CAP_DAC_OVERRIDE (dropped from the bounding set before exec, so kvmx
 * runs without it): the same EACCES a user outside the kvm group gets.
 * (Changing to uid 65534 is no use in the test machine: its / is 0700.)
 */
TEST(no_permission)
{
	const char *node = "/tmp/kvmx-test-kvm-node";
	const char *argv[] = { "run", "-k", kernel_or_dummy(), "--dev", node,
			       NULL };
	struct kvmx_result r;
	pid_t pid;
	int st;

	if (!launcher_have_kvm() || access("/dev/kvm", F_OK))
		SKIP(return, "no /dev/kvm to copy");
	unlink(node);
	ASSERT_EQ(0, mknod(node, S_IFCHR | 0600, makedev(10, 232)));
	ASSERT_EQ(0, chown(node, 65534, 65534));
	pid = fork();
	if (!pid) {
		if (prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE) ||
		    prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH))
			_exit(99);
		r = launcher_run(argv, NULL, NULL, 30);
		if (r.status == 1 &&
		    strstr(r.out, "kvmx: /tmp/kvmx-test-kvm-node: permission denied"))
			_exit(0);
		printf("# without CAP_DAC_OVERRIDE: status %d\n", r.status);
		launcher_dump(&r);
		fflush(stdout);
		_exit(1);
	}
	waitpid(pid, &st, 0);
	unlink(node);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST(memory_too_large)
{
	const char *argv[] = { "run", "-k", kernel_or_dummy(), "-m", "3072",
			       NULL };

	if (kvmx_mem_free_kb() > 3072 * 1024)
		SKIP(return, "this machine has more than 3 GiB");
	expect_error(_metadata, argv, 1,
		     "kvmx: -m 3072: more than the host's memory");
}

TEST(memory_out_of_range)
{
	const char *argv[] = { "run", "-m", "99999", NULL };

	expect_error(_metadata, argv, 1,
		     "kvmx: -m 99999: out of range (32..3072)");
}

TEST(smp_refused)
{
	const char *argv[] = { "run", "-c", "2", NULL };

	expect_error(_metadata, argv, 1,
		     "kvmx: -c 2: SMP guests need the in-kernel interrupt controller");
}

TEST(bad_net_spec)
{
	const char *argv[] = { "run", "--net", "tap,vhost=maybe", NULL };

	expect_error(_metadata, argv, 1,
		     "kvmx: --net vhost=maybe: use kvmx, upstream or off");
}

TEST(tap_busy)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	const char *argv[] = { "run", "-k", kernel_or_dummy(), "--net",
			       "tap,ifname=kvmxbusy0", NULL };
	int fd;

	if (!launcher_have_kvm())
		SKIP(return, "no KVM device");
	system("modprobe tun 2>/dev/null");
	fd = open("/dev/net/tun", O_RDWR);
	if (fd < 0)
		SKIP(return, "no /dev/net/tun");
	strcpy(ifr.ifr_name, "kvmxbusy0");
	ASSERT_EQ(0, ioctl(fd, TUNSETIFF, &ifr));
	expect_error(_metadata, argv, 1,
		     "kvmx: --net: tap kvmxbusy0 is busy (another process has it open)");
	close(fd);
}

TEST_HARNESS_MAIN

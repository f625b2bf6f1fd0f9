// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx.ko loads, creates /dev/kvmx (0660, a char device), answers
 * KVM_GET_API_VERSION with 12, rejects unknown ioctls with ENOTTY and
 * unloads leaving no node behind.  With devkvm=1 it also answers on
 * /dev/kvm (misc minor 232); it refuses to load, saying why in dmesg,
 * while kvm_amd owns SVM.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"

FIXTURE(kvmx_module) {
	int fd;
};

FIXTURE_SETUP(kvmx_module)
{
	ASSERT_EQ(0, kvmx_modprobe("kvmx", NULL));
	self->fd = open("/dev/kvmx", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open /dev/kvmx: %s", strerror(errno));
}

FIXTURE_TEARDOWN(kvmx_module)
{
	if (self->fd >= 0)
		close(self->fd);
	kvmx_rmmod("kvmx");
}

TEST_F(kvmx_module, node_permissions)
{
	struct stat st;

	ASSERT_EQ(0, stat("/dev/kvmx", &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660, st.st_mode & 07777);
	EXPECT_EQ(0, st.st_mode & S_IWOTH);
}

TEST_F(kvmx_module, api_version)
{
	EXPECT_EQ(KVM_API_VERSION, ioctl(self->fd, KVM_GET_API_VERSION, 0));
}

TEST_F(kvmx_module, unknown_ioctl_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(0x55, 0x7f), 0));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(self->fd, _IO(KVMIO, 0xfe), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST(kvmx_unload_leaves_nothing)
{
	struct stat st;

	ASSERT_EQ(0, kvmx_modprobe("kvmx", NULL));
	ASSERT_EQ(0, stat("/dev/kvmx", &st));
	ASSERT_EQ(0, kvmx_rmmod("kvmx"));
	EXPECT_FALSE(kvmx_module_loaded("kvmx"));
	EXPECT_EQ(-1, stat("/dev/kvmx", &st));
	EXPECT_EQ(-1, stat("/sys/module/kvmx", &st));
}

/* Does the kernel log contain @needle?  (Reads /dev/kmsg to its end.) */
static bool kmsg_contains(const char *needle)
{
	char rec[2048];
	bool found = false;
	ssize_t n;
	int fd;

	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		if (strstr(rec, needle))
			found = true;
	}
	close(fd);
	return found;
}

TEST(kvmx_devkvm_param)
{
	struct stat st;
	char buf[16];
	int fd;

	if (stat("/dev/kvm", &st) == 0)
		SKIP(return, "/dev/kvm already exists");
	ASSERT_EQ(0, kvmx_modprobe("kvmx", "devkvm=1"));
	ASSERT_LT(0, kvmx_read_file("/sys/module/kvmx/parameters/devkvm",
				    buf, sizeof(buf)));
	EXPECT_EQ('Y', buf[0]);
	ASSERT_EQ(0, stat("/dev/kvm", &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(10, major(st.st_rdev));
	EXPECT_EQ(232, minor(st.st_rdev));
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(KVM_API_VERSION, ioctl(fd, KVM_GET_API_VERSION, 0));
	close(fd);
	EXPECT_EQ(0, kvmx_rmmod("kvmx"));
	EXPECT_EQ(-1, stat("/dev/kvm", &st));
}

TEST(kvmx_refuses_while_kvm_amd_loaded)
{
	if (kvmx_modprobe("kvm_amd", NULL))
		SKIP(return, "kvm_amd not available");
	EXPECT_NE(0, kvmx_modprobe("kvmx", NULL));
	EXPECT_FALSE(kvmx_module_loaded("kvmx"));
	EXPECT_TRUE(kmsg_contains("kvmx: another hypervisor"));
	kvmx_rmmod("kvmx");
	EXPECT_EQ(0, kvmx_rmmod("kvm_amd"));
	kvmx_rmmod("kvm");
	/* And loads again once SVM is free. */
	ASSERT_EQ(0, kvmx_modprobe("kvmx", NULL));
	EXPECT_EQ(0, kvmx_rmmod("kvmx"));
}

TEST_HARNESS_MAIN

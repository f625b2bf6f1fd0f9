// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx.ko loads, creates /dev/kvmx (0660, a char device), answers
 * KVM_GET_API_VERSION with 12, rejects unknown ioctls with ENOTTY and
 * unloads leaving no node behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
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

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_vhost_net.ko loads, creates /dev/kvmx-vhost-net (0660), answers
 * VHOST_GET_FEATURES, rejects unknown ioctls with ENOTTY and unloads
 * leaving no node behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"

#define VHOST_NODE "/dev/kvmx-vhost-net"

FIXTURE(vhost_module) {
	int fd;
};

FIXTURE_SETUP(vhost_module)
{
	ASSERT_EQ(0, kvmx_modprobe("kvmx_vhost_net", NULL));
	self->fd = open(VHOST_NODE, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(vhost_module)
{
	if (self->fd >= 0)
		close(self->fd);
	kvmx_rmmod("kvmx_vhost_net");
}

TEST_F(vhost_module, node_permissions)
{
	struct stat st;

	ASSERT_EQ(0, stat(VHOST_NODE, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660, st.st_mode & 07777);
}

TEST_F(vhost_module, get_features)
{
	__u64 features = ~0ULL;

	ASSERT_EQ(0, ioctl(self->fd, VHOST_GET_FEATURES, &features));
	EXPECT_NE(~0ULL, features);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_GET_FEATURES, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(vhost_module, unknown_ioctl_enotty)
{
	EXPECT_EQ(-1, ioctl(self->fd, _IO(VHOST_VIRTIO, 0xfe), 0));
	EXPECT_EQ(ENOTTY, errno);
}

TEST(vhost_unload_leaves_nothing)
{
	struct stat st;

	ASSERT_EQ(0, kvmx_modprobe("kvmx_vhost_net", NULL));
	ASSERT_EQ(0, kvmx_rmmod("kvmx_vhost_net"));
	EXPECT_FALSE(kvmx_module_loaded("kvmx_vhost_net"));
	EXPECT_EQ(-1, stat(VHOST_NODE, &st));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_vhost_net.ko loads, creates /dev/kvmx-vhost-net (0660), answers
 * VHOST_GET_FEATURES, rejects unknown ioctls with ENOTTY and unloads
 * leaving no node behind; full sessions leave no debugfs entries, fds or
 * module references.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glob.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "vnet_driver.h"

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

static size_t debugfs_dirs_of_this_process(void)
{
	char pattern[96];
	glob_t g;
	size_t n;

	snprintf(pattern, sizeof(pattern),
		 "/sys/kernel/debug/kvmx_vhost_net/%d-*", getpid());
	if (glob(pattern, 0, NULL, &g))
		return 0;
	n = g.gl_pathc;
	globfree(&g);
	return n;
}

/*
 * Whole sessions (owner, rings, tap backend, traffic, RESET_OWNER on
 * some) leave no debugfs entries, no fds and no module references.
 */
TEST(vhost_sessions_leave_nothing)
{
	uint8_t frame[VNET_MAX_FRAME];
	int fds, i, k;

	ASSERT_EQ(0, kvmx_modprobe("kvmx_vhost_net", NULL));
	setenv("KVMX_VHOST_DEV", VHOST_NODE, 1);
	fds = kvmx_count_fds();
	for (i = 0; i < 20; i++) {
		struct vnet v;

		ASSERT_EQ(0, vnet_open(&v, 1ULL << VIRTIO_F_VERSION_1, 64,
				       VNET_BUF_SIZE, true));
		EXPECT_EQ(1, debugfs_dirs_of_this_process());
		for (k = 0; k < 32; k++) {
			vnet_make_frame(frame, 1200, k);
			vnet_tx_add(&v, frame, 1200);
			vnet_rx_add(&v, VNET_BUF_SIZE);
		}
		vnet_publish(&v.tx);
		vnet_publish(&v.rx);
		vnet_kick(&v.tx);
		vnet_kick(&v.rx);
		if (i % 2)
			EXPECT_EQ(0, ioctl(v.dev, VHOST_RESET_OWNER));
		vnet_close(&v);
		EXPECT_EQ(0, debugfs_dirs_of_this_process());
	}
	EXPECT_EQ(fds, kvmx_count_fds());
	EXPECT_EQ(0, kvmx_rmmod("kvmx_vhost_net"));
	EXPECT_FALSE(kvmx_module_loaded("kvmx_vhost_net"));
}

TEST_HARNESS_MAIN

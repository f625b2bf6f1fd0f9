// SPDX-License-Identifier: GPL-2.0
/*
 * The vhost-net ioctl ABI: ownership, argument validation and error
 * codes, backend rules, reset, dirty logging.  Each case runs against our
 * device and upstream vhost_net so the two must agree.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "vnet_driver.h"

#define F(bit) (1ULL << (bit))

FIXTURE(abi) {
	int fd;
	struct vnet v;
};

FIXTURE_VARIANT(abi) {
	const char *path;
	const char *module;
};

FIXTURE_VARIANT_ADD(abi, kvmx) {
	.path = "/dev/kvmx-vhost-net",
	.module = "kvmx_vhost_net",
};

FIXTURE_VARIANT_ADD(abi, upstream) {
	.path = "/dev/vhost-net",
	.module = "vhost_net",
};

FIXTURE_SETUP(abi)
{
	const char *want = getenv("KVMX_VHOST_DEV");

	self->fd = -1;
	self->v.dev = -1;
	if (want && *want && strcmp(want, variant->path))
		SKIP(return, "KVMX_VHOST_DEV=%s", want);
	ASSERT_EQ(0, kvmx_modprobe(variant->module, NULL));
	setenv("KVMX_VHOST_DEV", variant->path, 1);
	self->fd = open(variant->path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(abi)
{
	if (self->fd >= 0)
		close(self->fd);
	vnet_close(&self->v);
	if (!strcmp(variant->module, "kvmx_vhost_net"))
		EXPECT_EQ(0, kvmx_rmmod("kvmx_vhost_net"));
	unsetenv("KVMX_VHOST_DEV");
}

TEST_F(abi, everything_needs_owner_first)
{
	struct vhost_memory m = { 0 };
	struct vhost_vring_state s = { .index = 0, .num = 64 };
	struct vhost_vring_file f = { .index = 0, .fd = -1 };
	uint64_t feat;

	ASSERT_EQ(0, ioctl(self->fd, VHOST_GET_FEATURES, &feat));
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_MEM_TABLE, &m));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_NUM, &s));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_KICK, &f));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_NET_SET_BACKEND, &f));
	EXPECT_EQ(EPERM, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_RESET_OWNER));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(0, ioctl(self->fd, VHOST_SET_OWNER));
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_OWNER));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_MEM_TABLE, &m));
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_VRING_NUM, &s));
}

TEST_F(abi, other_process_is_not_owner)
{
	struct vhost_vring_state s = { .index = 0, .num = 64 };
	pid_t pid;
	int status;

	ASSERT_EQ(0, ioctl(self->fd, VHOST_SET_OWNER));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* A forked child has another mm: not the owner. */
		if (ioctl(self->fd, VHOST_SET_VRING_NUM, &s) != -1 ||
		    errno != EPERM)
			_exit(1);
		if (ioctl(self->fd, VHOST_SET_OWNER) != -1 || errno != EBUSY)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(abi, features)
{
	uint64_t feat, bad = F(50);
	uint64_t want = F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_EVENT_IDX) |
		F(VIRTIO_RING_F_INDIRECT_DESC) | F(VIRTIO_NET_F_MRG_RXBUF) |
		F(VHOST_NET_F_VIRTIO_NET_HDR) | F(VHOST_F_LOG_ALL);

	ASSERT_EQ(0, ioctl(self->fd, VHOST_GET_FEATURES, &feat));
	EXPECT_EQ(want, feat & want);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_FEATURES, &bad));
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_EQ(0, ioctl(self->fd, VHOST_SET_OWNER));
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_FEATURES, &want));
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_FEATURES, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(abi, vring_argument_checks)
{
	struct vhost_vring_state s = { .index = 0 };
	struct vhost_vring_addr a = { .index = 0 };
	struct vhost_vring_file f = { .index = 0 };
	unsigned int bad_num[] = { 0, 3, 100, 65536, 0x80000000 };
	unsigned int i;
	int nullfd;

	ASSERT_EQ(0, ioctl(self->fd, VHOST_SET_OWNER));
	for (i = 0; i < sizeof(bad_num) / sizeof(bad_num[0]); i++) {
		s.num = bad_num[i];
		EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_NUM, &s));
		EXPECT_EQ(EINVAL, errno);
	}
	s.num = 32768;
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_VRING_NUM, &s));
	s.index = 2;
	s.num = 64;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_NUM, &s));
	EXPECT_EQ(ENOBUFS, errno);
	s.index = 1;
	s.num = 0x10000;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_BASE, &s));
	EXPECT_EQ(EINVAL, errno);
	s.num = 1234;
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_VRING_BASE, &s));
	s.num = 0;
	EXPECT_EQ(0, ioctl(self->fd, VHOST_GET_VRING_BASE, &s));
	EXPECT_EQ(1234, s.num);
	EXPECT_EQ(1, s.index);

	a.flags = 2;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_ADDR, &a));
	EXPECT_EQ(EOPNOTSUPP, errno);
	a.flags = 0;
	a.avail_user_addr = 0x1001;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_ADDR, &a));
	EXPECT_EQ(EINVAL, errno);
	a.avail_user_addr = 0x1000;
	a.used_user_addr = 0x2002;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_ADDR, &a));
	EXPECT_EQ(EINVAL, errno);
	a.used_user_addr = 0x2000;
	a.desc_user_addr = 0x3000;
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_VRING_ADDR, &a));

	f.fd = 9999;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_KICK, &f));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_CALL, &f));
	EXPECT_EQ(EBADF, errno);
	nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, nullfd);
	f.fd = nullfd;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_KICK, &f));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_VRING_ERR, &f));
	EXPECT_EQ(EINVAL, errno);
	close(nullfd);
	f.fd = -1;
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_VRING_KICK, &f));
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_VRING_CALL, &f));
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_VRING_ERR, &f));
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_GET_VRING_BASE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(abi, mem_table_checks)
{
	struct {
		struct vhost_memory m;
		struct vhost_memory_region r[2];
	} mt = { 0 };
	struct vhost_memory big = { .nregions = 65 };

	ASSERT_EQ(0, ioctl(self->fd, VHOST_SET_OWNER));
	mt.m.padding = 1;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_MEM_TABLE, &mt));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_MEM_TABLE, &big));
	EXPECT_EQ(E2BIG, errno);
	mt.m.padding = 0;
	mt.m.nregions = 1;
	mt.r[0].guest_phys_addr = 0;
	mt.r[0].memory_size = 1 << 20;
	mt.r[0].userspace_addr = 0x100000;
	EXPECT_EQ(0, ioctl(self->fd, VHOST_SET_MEM_TABLE, &mt));
	/*
	 * Owner range wrapping the address space: upstream accepts the
	 * table and faults later; we refuse it up front.
	 */
	mt.r[0].userspace_addr = ~0ULL - 4095;
	if (!strcmp(variant->module, "kvmx_vhost_net")) {
		EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_MEM_TABLE, &mt));
		EXPECT_EQ(EFAULT, errno);
	}
	/* Guest range wrapping. */
	mt.r[0].userspace_addr = 0x100000;
	mt.r[0].guest_phys_addr = ~0ULL - 4095;
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_MEM_TABLE, &mt));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, VHOST_SET_MEM_TABLE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(abi, backend_rules)
{
	struct vnet *v = &self->v;
	struct vhost_vring_state s = { .index = 1, .num = 64 };
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_EQ(0, vnet_open(v, F(VIRTIO_F_VERSION_1), 64, VNET_BUF_SIZE,
			       false));
	EXPECT_EQ(-1, vnet_set_backend(v, 2, v->tap));
	EXPECT_EQ(ENOBUFS, errno);
	EXPECT_EQ(-1, vnet_set_backend(v, 1, efd));
	EXPECT_EQ(ENOTSOCK, errno);
	EXPECT_EQ(-1, vnet_set_backend(v, 1, 9999));
	EXPECT_EQ(ENOTSOCK, errno);
	ASSERT_EQ(0, vnet_set_backend(v, 1, v->tap));
	EXPECT_EQ(-1, ioctl(v->dev, VHOST_SET_VRING_NUM, &s));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, ioctl(v->dev, VHOST_SET_VRING_BASE, &s));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, vnet_set_backend(v, 1, -1));
	EXPECT_EQ(0, ioctl(v->dev, VHOST_SET_VRING_NUM, &s));
	/* Detaching an unattached queue is fine. */
	EXPECT_EQ(0, vnet_set_backend(v, 0, -1));
	close(efd);
}

TEST_F(abi, backend_needs_readable_used_ring)
{
	struct vnet *v = &self->v;
	struct vhost_vring_addr a = { .index = 1 };

	ASSERT_EQ(0, vnet_open(v, F(VIRTIO_F_VERSION_1), 64, VNET_BUF_SIZE,
			       false));
	/* A used ring in unmapped memory: attaching fails with EFAULT. */
	a.desc_user_addr = (uintptr_t)v->tx.desc;
	a.avail_user_addr = (uintptr_t)v->tx.avail;
	a.used_user_addr = 0x10000;
	ASSERT_EQ(0, ioctl(v->dev, VHOST_SET_VRING_ADDR, &a));
	EXPECT_EQ(-1, vnet_set_backend(v, 1, v->tap));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(abi, reset_owner_then_reuse)
{
	struct vnet *v = &self->v;
	uint8_t frame[200], got[2048];

	ASSERT_EQ(0, vnet_open(v, F(VIRTIO_F_VERSION_1), 64, VNET_BUF_SIZE,
			       true));
	ASSERT_EQ(0, ioctl(v->dev, VHOST_RESET_OWNER));
	/* Back to the unowned state. */
	{
		struct vhost_memory m = { 0 };

		EXPECT_EQ(-1, ioctl(v->dev, VHOST_SET_MEM_TABLE, &m));
		EXPECT_EQ(EPERM, errno);
	}
	ASSERT_EQ(0, ioctl(v->dev, VHOST_SET_OWNER));
	ASSERT_EQ(0, ioctl(v->dev, VHOST_SET_FEATURES, &v->features));
	ASSERT_EQ(0, vnet_set_mem(v));
	ASSERT_EQ(0, vnet_setup_ring(v, 0, &v->rx));
	ASSERT_EQ(0, vnet_setup_ring(v, 1, &v->tx));
	ASSERT_EQ(0, vnet_set_backend(v, 1, v->tap));
	vnet_make_frame(frame, 200, 5);
	vnet_tx_add(v, frame, 200);
	vnet_publish(&v->tx);
	vnet_kick(&v->tx);
	ASSERT_TRUE(vnet_wait_used(&v->tx, 1, 2000));
	ASSERT_EQ(200, vnet_pkt_recv(v, got, sizeof(got), 1000));
	EXPECT_EQ(0, memcmp(frame, got, 200));
}

static bool log_bit(const uint8_t *log, uint64_t gpa)
{
	uint64_t pfn = gpa >> 12;

	return log[pfn / 8] & (1 << (pfn % 8));
}

TEST_F(abi, dirty_log_rx_writes)
{
	struct vnet *v = &self->v;
	uint64_t feat = F(VIRTIO_F_VERSION_1) | F(VHOST_F_LOG_ALL);
	uint64_t log_size, base;
	struct vhost_vring_addr a = { .index = 0 };
	uint8_t frame[1000], *log;
	int logfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	uintptr_t buf, used;

	ASSERT_EQ(0, vnet_open(v, feat, 64, VNET_BUF_SIZE, false));
	/* Bitmap covering guest addresses up to the end of our mapping. */
	log_size = (((uintptr_t)v->mem + VNET_MEM_SIZE) >> 12) / 8 + 1;
	log = mmap(NULL, log_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, log);
	base = (uintptr_t)log;
	ASSERT_EQ(0, ioctl(v->dev, VHOST_SET_LOG_BASE, &base));
	ASSERT_EQ(0, ioctl(v->dev, VHOST_SET_LOG_FD, &logfd));
	a.desc_user_addr = (uintptr_t)v->rx.desc;
	a.avail_user_addr = (uintptr_t)v->rx.avail;
	a.used_user_addr = (uintptr_t)v->rx.used;
	a.log_guest_addr = (uintptr_t)v->rx.used;	/* identity */
	a.flags = 1 << VHOST_VRING_F_LOG;
	ASSERT_EQ(0, ioctl(v->dev, VHOST_SET_VRING_ADDR, &a));
	ASSERT_EQ(0, vnet_set_backend(v, 0, v->tap));
	vnet_rx_add(v, VNET_BUF_SIZE);
	vnet_rx_add(v, VNET_BUF_SIZE);
	vnet_publish(&v->rx);
	vnet_kick(&v->rx);
	vnet_make_frame(frame, 1000, 3);
	ASSERT_EQ(1000, vnet_pkt_send(v, frame, 1000));
	ASSERT_TRUE(vnet_wait_used(&v->rx, 1, 2000));
	EXPECT_LE(1, vnet_eventfd_wait(logfd, 1000));
	buf = (uintptr_t)v->rx.bufs + v->rx.used->ring[0].id * VNET_BUF_SIZE;
	used = (uintptr_t)v->rx.used;
	/* The written buffer and the used ring are dirty ... */
	EXPECT_TRUE(log_bit(log, buf));
	EXPECT_TRUE(log_bit(log, buf + 1011));
	EXPECT_TRUE(log_bit(log, used));
	/* ... memory nobody wrote is not. */
	EXPECT_FALSE(log_bit(log, (uintptr_t)v->tx.bufs + 40 * VNET_BUF_SIZE));
	munmap(log, log_size);
	close(logfd);
}

TEST_HARNESS_MAIN

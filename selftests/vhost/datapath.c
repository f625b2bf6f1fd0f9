// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-net data path through a real tap, driven by a userspace virtio-net
 * driver (vnet_driver.h).  Every test runs against our device and against
 * upstream vhost_net (variants "kvmx" and "upstream"); KVMX_VHOST_DEV
 * selects one device path only.
 *
 * TX: frames queued in the TX ring must come out of the tap, seen by an
 * AF_PACKET socket, intact and in order.  RX: frames sent into the tap
 * interface must land in the RX buffers behind a virtio-net header.
 */
#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "vnet_driver.h"

#define F(bit) (1ULL << (bit))
#define BASE_FEATURES F(VIRTIO_F_VERSION_1)

FIXTURE(dp) {
	struct vnet v;
	bool opened;
};

FIXTURE_VARIANT(dp) {
	const char *path;
	const char *module;
};

FIXTURE_VARIANT_ADD(dp, kvmx) {
	.path = "/dev/kvmx-vhost-net",
	.module = "kvmx_vhost_net",
};

FIXTURE_VARIANT_ADD(dp, upstream) {
	.path = "/dev/vhost-net",
	.module = "vhost_net",
};

static bool dp_is_kvmx(const FIXTURE_VARIANT(dp) *variant)
{
	return !strcmp(variant->module, "kvmx_vhost_net");
}

FIXTURE_SETUP(dp)
{
	const char *want = getenv("KVMX_VHOST_DEV");

	self->opened = false;
	self->v.dev = -1;
	if (want && *want && strcmp(want, variant->path))
		SKIP(return, "KVMX_VHOST_DEV=%s", want);
	ASSERT_EQ(0, kvmx_modprobe(variant->module, NULL));
	setenv("KVMX_VHOST_DEV", variant->path, 1);
}

FIXTURE_TEARDOWN(dp)
{
	vnet_close(&self->v);
	if (dp_is_kvmx(variant))
		kvmx_rmmod("kvmx_vhost_net");
	if (!getenv("KVMX_KEEP_ENV"))
		unsetenv("KVMX_VHOST_DEV");
}

static void dp_open(struct __test_metadata *_metadata, FIXTURE_DATA(dp) *self,
		    uint64_t features, unsigned int num, unsigned int rx_buf)
{
	ASSERT_EQ(0, vnet_open(&self->v, features, num, rx_buf, true))
		TH_LOG("vnet_open: %s", strerror(errno));
	self->opened = true;
}

/* Log files matching @pattern: diagnostics for a failure. */
static void dp_dump(const char *pattern)
{
	char buf[2048];
	glob_t g;
	size_t i;

	if (glob(pattern, 0, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		char *line, *save;

		if (kvmx_read_file(g.gl_pathv[i], buf, sizeof(buf)) < 0)
			continue;
		for (line = strtok_r(buf, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			printf("# %s: %s\n", g.gl_pathv[i], line);
	}
	globfree(&g);
}

/* Send @count frames of @len bytes in batches; check each on AF_PACKET. */
static void do_tx(struct __test_metadata *_metadata, struct vnet *v,
			 unsigned int count, size_t len, unsigned int batch)
{
	uint8_t frame[VNET_MAX_FRAME], got[VNET_MAX_FRAME + 64];
	unsigned int sent = 0, seen = 0, i;
	uint16_t start = v->tx.avail_idx;

	while (sent < count) {
		unsigned int n = count - sent < batch ? count - sent : batch;

		for (i = 0; i < n; i++) {
			vnet_make_frame(frame, len, sent + i);
			vnet_tx_add(v, frame, len);
		}
		vnet_publish(&v->tx);
		vnet_kick(&v->tx);
		sent += n;
		ASSERT_TRUE(vnet_wait_used(&v->tx, start + sent, 5000))
			TH_LOG("used %u of %u", (uint16_t)(vnet_used_idx(&v->tx) - start), sent);
		while (seen < sent) {
			ssize_t r = vnet_pkt_recv(v, got, sizeof(got), 2000);

			if (r < 0)
				dp_dump("/sys/kernel/debug/kvmx_vhost_net/*/tx");

			ASSERT_LT(0, r) TH_LOG("frame %u missing", seen);
			ASSERT_TRUE(vnet_check_frame(got, r, len, seen))
				TH_LOG("frame %u: len %zd", seen, r);
			seen++;
		}
	}
	/* Used entries for TX carry length 0 and name our descriptors. */
	for (i = 0; i < 4 && i < count; i++) {
		struct vring_used_elem *e =
			&v->tx.used->ring[(uint16_t)(start + i) & (v->tx.num - 1)];

		EXPECT_EQ(0, e->len);
		EXPECT_EQ((uint16_t)(start + i) & (v->tx.num - 1), e->id);
	}
}

TEST_F(dp, tx_single_frame)
{
	dp_open(_metadata, self, BASE_FEATURES, 64, VNET_BUF_SIZE);
	do_tx(_metadata, &self->v, 1, 60, 1);
	EXPECT_LE(1, vnet_eventfd_wait(self->v.tx.call, 1000));
	EXPECT_EQ(0, vnet_eventfd_wait(self->v.tx.err, 0));
}

TEST_F(dp, tx_many_sizes_wrap)
{
	static const size_t sizes[] = { 60, 64, 128, 255, 256, 1000, 1514 };
	unsigned int i;

	dp_open(_metadata, self, BASE_FEATURES, 32, VNET_BUF_SIZE);
	/* 7 x 40 frames through a 32-entry ring: the ring wraps many times. */
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		do_tx(_metadata, &self->v, 40, sizes[i], 16);
	EXPECT_EQ(0, vnet_eventfd_wait(self->v.tx.err, 0));
}

TEST_F(dp, tx_index_wraps_16bit)
{
	struct vhost_vring_state s = { .index = 1, .num = 65530 };

	/* Start near the 16-bit wrap of the ring indices. */
	dp_open(_metadata, self, BASE_FEATURES, 16, VNET_BUF_SIZE);
	ASSERT_EQ(0, vnet_set_backend(&self->v, 1, -1));
	ASSERT_EQ(0, ioctl(self->v.dev, VHOST_SET_VRING_BASE, &s));
	self->v.tx.avail_idx = 65530;
	self->v.tx.avail->idx = 65530;
	self->v.tx.used->idx = 65530;
	ASSERT_EQ(0, vnet_set_backend(&self->v, 1, self->v.tap));
	do_tx(_metadata, &self->v, 20, 100, 8);
	s.num = 0;
	ASSERT_EQ(0, vnet_set_backend(&self->v, 1, -1));
	ASSERT_EQ(0, ioctl(self->v.dev, VHOST_GET_VRING_BASE, &s));
	EXPECT_EQ((uint16_t)(65530 + 20), s.num);
}

/* Receive @count frames of @len into single buffers and check them. */
static void do_rx(struct __test_metadata *_metadata, struct vnet *v,
			 unsigned int count, size_t len, unsigned int batch,
			 uint32_t seq0)
{
	uint8_t frame[VNET_MAX_FRAME];
	unsigned int done = 0, i;

	while (done < count) {
		unsigned int n = count - done < batch ? count - done : batch;
		uint16_t first = v->rx.avail_idx;

		for (i = 0; i < n; i++)
			vnet_rx_add(v, v->rx.buf_size);
		vnet_publish(&v->rx);
		vnet_kick(&v->rx);
		for (i = 0; i < n; i++) {
			vnet_make_frame(frame, len, seq0 + done + i);
			ASSERT_EQ((ssize_t)len, vnet_pkt_send(v, frame, len));
		}
		ASSERT_TRUE(vnet_wait_used(&v->rx, first + n, 5000))
			TH_LOG("rx used %u of %u",
			       (uint16_t)(vnet_used_idx(&v->rx) - first), n);
		for (i = 0; i < n; i++) {
			uint16_t u = (uint16_t)(v->rx.last_used + i);
			struct vring_used_elem *e =
				&v->rx.used->ring[u & (v->rx.num - 1)];
			uint8_t *buf = v->rx.bufs +
				(size_t)e->id * v->rx.buf_size;
			struct virtio_net_hdr_mrg_rxbuf *h = (void *)buf;

			ASSERT_EQ(v->hdr_len + len, e->len);
			ASSERT_TRUE(vnet_check_frame(buf + v->hdr_len,
						     e->len - v->hdr_len, len,
						     seq0 + done + i))
				TH_LOG("rx frame %u bad", done + i);
			EXPECT_EQ(0, h->hdr.gso_type);
			if (v->hdr_len == sizeof(*h) &&
			    (v->features & F(VIRTIO_NET_F_MRG_RXBUF)))
				EXPECT_EQ(1, h->num_buffers);
		}
		v->rx.last_used += n;
		done += n;
	}
}

TEST_F(dp, rx_frames)
{
	dp_open(_metadata, self, BASE_FEATURES, 64, VNET_BUF_SIZE);
	do_rx(_metadata, &self->v, 1, 60, 1, 0);
	EXPECT_LE(1, vnet_eventfd_wait(self->v.rx.call, 1000));
	do_rx(_metadata, &self->v, 100, 1514, 20, 1);
	do_rx(_metadata, &self->v, 100, 64, 30, 101);
	EXPECT_EQ(0, vnet_eventfd_wait(self->v.rx.err, 0));
}

TEST_F(dp, rx_legacy_header)
{
	/* No VERSION_1, no MRG_RXBUF: 10-byte header. */
	dp_open(_metadata, self, 0, 64, VNET_BUF_SIZE);
	ASSERT_EQ(10, self->v.hdr_len);
	do_rx(_metadata, &self->v, 10, 300, 5, 0);
	do_tx(_metadata, &self->v, 10, 300, 5);
}

TEST_F(dp, device_provides_header)
{
	/* VHOST_NET_F_VIRTIO_NET_HDR: a plain tap, the device adds/strips. */
	dp_open(_metadata, self, BASE_FEATURES | F(VHOST_NET_F_VIRTIO_NET_HDR),
		64, VNET_BUF_SIZE);
	do_tx(_metadata, &self->v, 20, 200, 10);
	do_rx(_metadata, &self->v, 20, 200, 10, 0);
	vnet_close(&self->v);
	dp_open(_metadata, self, F(VHOST_NET_F_VIRTIO_NET_HDR) |
		F(VIRTIO_NET_F_MRG_RXBUF), 64, VNET_BUF_SIZE);
	do_tx(_metadata, &self->v, 20, 1400, 10);
	do_rx(_metadata, &self->v, 20, 1400, 10, 0);
}

TEST_F(dp, raw_packet_socket_backend)
{
	struct vnet *v = &self->v;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint8_t frame[VNET_MAX_FRAME], got[VNET_MAX_FRAME + 64];
	int raw, one = 1, i;
	ssize_t r;

	/* An AF_PACKET socket on the tap interface as the backend. */
	ASSERT_EQ(0, vnet_open(v, BASE_FEATURES | F(VHOST_NET_F_VIRTIO_NET_HDR),
			       64, VNET_BUF_SIZE, false));
	raw = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	ASSERT_LE(0, raw);
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = v->ifindex;
	ASSERT_EQ(0, bind(raw, (struct sockaddr *)&sll, sizeof(sll)));
	/* Not our own transmissions back as receptions. */
	ASSERT_EQ(0, setsockopt(raw, SOL_PACKET, PACKET_IGNORE_OUTGOING,
				&one, sizeof(one)));
	ASSERT_EQ(0, vnet_set_backend(v, 0, raw));
	ASSERT_EQ(0, vnet_set_backend(v, 1, raw));
	fcntl(v->tap, F_SETFL, O_NONBLOCK);

	/* TX: out of the interface, read at the tap fd (no header). */
	for (i = 0; i < 5; i++) {
		vnet_make_frame(frame, 300, i);
		vnet_tx_add(v, frame, 300);
	}
	vnet_publish(&v->tx);
	vnet_kick(&v->tx);
	ASSERT_TRUE(vnet_wait_used(&v->tx, 5, 2000));
	for (i = 0; i < 5; i++) {
		struct pollfd p = { .fd = v->tap, .events = POLLIN };

		ASSERT_EQ(1, poll(&p, 1, 1000));
		r = read(v->tap, got, sizeof(got));
		ASSERT_TRUE(vnet_check_frame(got, r, 300, i))
			TH_LOG("tx frame %d: %zd bytes", i, r);
	}
	/* RX: written at the tap fd, received on the interface. */
	for (i = 0; i < 4; i++)
		vnet_rx_add(v, VNET_BUF_SIZE);
	vnet_publish(&v->rx);
	vnet_kick(&v->rx);
	for (i = 0; i < 4; i++) {
		vnet_make_frame(frame, 200, 10 + i);
		ASSERT_EQ(200, write(v->tap, frame, 200));
	}
	ASSERT_TRUE(vnet_wait_used(&v->rx, 4, 2000));
	for (i = 0; i < 4; i++) {
		struct vring_used_elem *e = &v->rx.used->ring[i];

		ASSERT_EQ(12 + 200, e->len);
		EXPECT_TRUE(vnet_check_frame(v->rx.bufs +
					     e->id * VNET_BUF_SIZE + 12,
					     200, 200, 10 + i));
	}
	ASSERT_EQ(0, vnet_set_backend(v, 0, -1));
	ASSERT_EQ(0, vnet_set_backend(v, 1, -1));
	close(raw);
}

TEST_F(dp, rx_mergeable_buffers)
{
	uint8_t frame[VNET_MAX_FRAME], got[VNET_MAX_FRAME + 64];
	struct vnet *v = &self->v;
	const unsigned int bsz = 256;
	unsigned int i, k, nbufs;
	size_t off = 0;
	struct virtio_net_hdr_mrg_rxbuf *h;

	dp_open(_metadata, self,
		BASE_FEATURES | F(VIRTIO_NET_F_MRG_RXBUF), 64, bsz);
	for (i = 0; i < 16; i++)
		vnet_rx_add(v, bsz);
	vnet_publish(&v->rx);
	vnet_kick(&v->rx);
	vnet_make_frame(frame, 1500, 42);
	ASSERT_EQ(1500, vnet_pkt_send(v, frame, 1500));
	nbufs = (1500 + 12 + bsz - 1) / bsz;	/* 6 */
	ASSERT_TRUE(vnet_wait_used(&v->rx, nbufs, 5000))
		TH_LOG("used %u", vnet_used_idx(&v->rx));
	/* Give the device a moment: no more entries than needed. */
	usleep(20000);
	ASSERT_EQ(nbufs, vnet_used_idx(&v->rx));
	h = (void *)(v->rx.bufs + (size_t)v->rx.used->ring[0].id * bsz);
	EXPECT_EQ(nbufs, h->num_buffers);
	for (k = 0; k < nbufs; k++) {
		struct vring_used_elem *e = &v->rx.used->ring[k];
		uint8_t *b = v->rx.bufs + (size_t)e->id * bsz;

		ASSERT_LE(e->len, bsz);
		if (k < nbufs - 1)
			EXPECT_EQ(bsz, e->len);
		memcpy(got + off, b, e->len);
		off += e->len;
	}
	ASSERT_EQ(1512, off);
	EXPECT_TRUE(vnet_check_frame(got + 12, off - 12, 1500, 42));
	v->rx.last_used = nbufs;
	/* Small frames still take one buffer each. */
	vnet_make_frame(frame, 100, 43);
	ASSERT_EQ(100, vnet_pkt_send(v, frame, 100));
	ASSERT_TRUE(vnet_wait_used(&v->rx, nbufs + 1, 5000));
	h = (void *)(v->rx.bufs + (size_t)v->rx.used->ring[nbufs].id * bsz);
	EXPECT_EQ(1, h->num_buffers);
	EXPECT_EQ(112, v->rx.used->ring[nbufs].len);
}

TEST_F(dp, rx_too_small_buffer_drops_frame)
{
	uint8_t frame[VNET_MAX_FRAME];
	struct vnet *v = &self->v;

	/* Without MRG_RXBUF a frame larger than the buffer is dropped. */
	dp_open(_metadata, self, BASE_FEATURES, 64, VNET_BUF_SIZE);
	vnet_rx_add(v, 200);
	vnet_publish(&v->rx);
	vnet_kick(&v->rx);
	vnet_make_frame(frame, 1000, 1);
	ASSERT_EQ(1000, vnet_pkt_send(v, frame, 1000));
	usleep(100000);
	EXPECT_EQ(0, vnet_used_idx(&v->rx));
	vnet_make_frame(frame, 150, 2);
	ASSERT_EQ(150, vnet_pkt_send(v, frame, 150));
	ASSERT_TRUE(vnet_wait_used(&v->rx, 1, 5000));
	EXPECT_EQ(162, v->rx.used->ring[0].len);
	EXPECT_TRUE(vnet_check_frame(v->rx.bufs + 12, 150, 150, 2));
}

TEST_F(dp, rx_waits_for_buffers)
{
	uint8_t frame[VNET_MAX_FRAME];
	struct vnet *v = &self->v;
	int i;

	/* Frames that arrive before buffers wait in the tap queue. */
	dp_open(_metadata, self, BASE_FEATURES, 64, VNET_BUF_SIZE);
	for (i = 0; i < 8; i++) {
		vnet_make_frame(frame, 80, i);
		ASSERT_EQ(80, vnet_pkt_send(v, frame, 80));
	}
	usleep(50000);
	for (i = 0; i < 8; i++)
		vnet_rx_add(v, VNET_BUF_SIZE);
	vnet_publish(&v->rx);
	vnet_kick(&v->rx);
	ASSERT_TRUE(vnet_wait_used(&v->rx, 8, 5000));
	for (i = 0; i < 8; i++)
		EXPECT_TRUE(vnet_check_frame(v->rx.bufs +
			v->rx.used->ring[i].id * VNET_BUF_SIZE + 12,
			80, 80, i));
}

TEST_F(dp, event_idx_suppresses_calls)
{
	uint8_t frame[VNET_MAX_FRAME];
	struct vnet *v = &self->v;
	uint16_t *used_event;
	int i;

	dp_open(_metadata, self, BASE_FEATURES | F(VIRTIO_RING_F_EVENT_IDX),
		64, VNET_BUF_SIZE);
	used_event = &v->tx.avail->ring[v->tx.num];
	/* First batch: the device always signals once. */
	do_tx(_metadata, v, 1, 100, 1);
	EXPECT_LE(1, vnet_eventfd_wait(v->tx.call, 1000));
	/* Ask to be told only when used->idx passes 30. */
	*used_event = 30;
	for (i = 0; i < 10; i++) {
		vnet_make_frame(frame, 100, i);
		vnet_tx_add(v, frame, 100);
		vnet_publish(&v->tx);
		vnet_kick(&v->tx);
		ASSERT_TRUE(vnet_wait_used(&v->tx, 2 + i, 2000));
	}
	EXPECT_EQ(0, vnet_eventfd_wait(v->tx.call, 100));
	/* Crossing used_event (idx 30 -> 31) must signal. */
	for (i = 0; i < 20; i++) {
		vnet_make_frame(frame, 100, i);
		vnet_tx_add(v, frame, 100);
	}
	vnet_publish(&v->tx);
	vnet_kick(&v->tx);
	ASSERT_TRUE(vnet_wait_used(&v->tx, 31, 2000));
	EXPECT_LE(1, vnet_eventfd_wait(v->tx.call, 1000));
	/* The device publishes avail_event: where it wants the next kick. */
	usleep(20000);
	EXPECT_EQ(31, __atomic_load_n((uint16_t *)((uint8_t *)v->tx.used + 4 +
						   8 * v->tx.num),
				      __ATOMIC_ACQUIRE));
}

TEST_F(dp, no_interrupt_flag_suppresses_calls)
{
	uint8_t frame[VNET_MAX_FRAME];
	struct vnet *v = &self->v;

	dp_open(_metadata, self, BASE_FEATURES, 64, VNET_BUF_SIZE);
	v->tx.avail->flags = VRING_AVAIL_F_NO_INTERRUPT;
	vnet_make_frame(frame, 100, 0);
	vnet_tx_add(v, frame, 100);
	vnet_publish(&v->tx);
	vnet_kick(&v->tx);
	ASSERT_TRUE(vnet_wait_used(&v->tx, 1, 2000));
	EXPECT_EQ(0, vnet_eventfd_wait(v->tx.call, 100));
	v->tx.avail->flags = 0;
	vnet_tx_add(v, frame, 100);
	vnet_publish(&v->tx);
	vnet_kick(&v->tx);
	ASSERT_TRUE(vnet_wait_used(&v->tx, 2, 2000));
	EXPECT_LE(1, vnet_eventfd_wait(v->tx.call, 1000));
}

TEST_F(dp, indirect_tx)
{
	uint8_t frame[VNET_MAX_FRAME], got[VNET_MAX_FRAME + 64];
	struct vnet *v = &self->v;
	struct vring_desc *table;
	uint8_t *buf;

	dp_open(_metadata, self, BASE_FEATURES | F(VIRTIO_RING_F_INDIRECT_DESC),
		64, VNET_BUF_SIZE);
	/* Header and frame in three pieces, through an indirect table. */
	table = (void *)(v->tx.bufs + 10 * VNET_BUF_SIZE);
	buf = v->tx.bufs + 11 * VNET_BUF_SIZE;
	memset(buf, 0, 12);
	vnet_make_frame(buf + 12, 500, 9);
	table[0] = (struct vring_desc){ (uintptr_t)buf, 12, VRING_DESC_F_NEXT, 1 };
	table[1] = (struct vring_desc){ (uintptr_t)buf + 12, 100, VRING_DESC_F_NEXT, 2 };
	table[2] = (struct vring_desc){ (uintptr_t)buf + 112, 400, 0, 0 };
	v->tx.desc[0] = (struct vring_desc){ (uintptr_t)table, 48,
					     VRING_DESC_F_INDIRECT, 0 };
	v->tx.avail->ring[0] = 0;
	v->tx.avail_idx = 1;
	vnet_publish(&v->tx);
	vnet_kick(&v->tx);
	ASSERT_TRUE(vnet_wait_used(&v->tx, 1, 2000));
	ASSERT_EQ(500, vnet_pkt_recv(v, got, sizeof(got), 2000));
	vnet_make_frame(frame, 500, 9);
	EXPECT_EQ(0, memcmp(frame, got, 500));
}

static void dp_set_zcopy(bool on)
{
	kvmx_write_file("/sys/module/kvmx_vhost_net/parameters/zerocopy_tx",
			on ? "1" : "0");
}

static long long dp_debugfs_counter(const char *queue, const char *name)
{
	char cmd[256], line[128];
	long long val = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "cat /sys/kernel/debug/kvmx_vhost_net/%d-*/%s 2>/dev/null",
		 getpid(), queue);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p)) {
		size_t l = strlen(name);

		if (!strncmp(line, name, l) && line[l] == ' ')
			val = atoll(line + l + 1);
	}
	pclose(p);
	return val;
}

/*
 * One kick, sizes mixed: small frames are batched, large ones go on
 * their own (and by reference with zero-copy on).  Order and content
 * must hold across those paths.
 */
TEST_F(dp, tx_mixed_sizes_keep_order)
{
	static const size_t sizes[] = {
		60, 1514, 64, 64, 300, 1514, 1025, 1024, 60, 256, 255,
	};
	const unsigned int nsizes = sizeof(sizes) / sizeof(sizes[0]);
	uint8_t frame[VNET_MAX_FRAME], got[VNET_MAX_FRAME + 64];
	unsigned int i, pass, passes = dp_is_kvmx(variant) ? 2 : 1;

	for (pass = 0; pass < passes; pass++) {
		uint16_t start;

		if (dp_is_kvmx(variant))
			dp_set_zcopy(pass == 0);
		dp_open(_metadata, self, BASE_FEATURES, 256, VNET_BUF_SIZE);
		start = self->v.tx.avail_idx;
		for (i = 0; i < 200; i++) {
			vnet_make_frame(frame, sizes[i % nsizes], i);
			vnet_tx_add(&self->v, frame, sizes[i % nsizes]);
		}
		vnet_publish(&self->v.tx);
		vnet_kick(&self->v.tx);
		ASSERT_TRUE(vnet_wait_used(&self->v.tx, start + 200, 5000));
		for (i = 0; i < 200; i++) {
			ssize_t r = vnet_pkt_recv(&self->v, got, sizeof(got),
						  2000);

			ASSERT_LT(0, r) TH_LOG("pass %u: frame %u missing",
					       pass, i);
			ASSERT_TRUE(vnet_check_frame(got, r, sizes[i % nsizes],
						     i))
				TH_LOG("pass %u: frame %u (len %zu) got len %zd",
				       pass, i, sizes[i % nsizes], r);
		}
		EXPECT_EQ(0, vnet_eventfd_wait(self->v.tx.err, 0));
		vnet_close(&self->v);
	}
	if (dp_is_kvmx(variant))
		dp_set_zcopy(true);
}

TEST_F(dp, zerocopy_on_off_identical)
{
	int pass;

	if (!dp_is_kvmx(variant))
		SKIP(return, "module parameter is ours");
	for (pass = 0; pass < 2; pass++) {
		dp_set_zcopy(pass == 0);
		dp_open(_metadata, self, BASE_FEATURES, 256, VNET_BUF_SIZE);
		do_tx(_metadata, &self->v, 200, 1514, 50);
		do_tx(_metadata, &self->v, 50, 100, 50);
		if (pass == 0) {
			EXPECT_LT(0, dp_debugfs_counter("tx", "zerocopy"));
		} else {
			EXPECT_EQ(0, dp_debugfs_counter("tx", "zerocopy"));
		}
		EXPECT_LT(0, dp_debugfs_counter("tx", "copied"));
		EXPECT_EQ(250, dp_debugfs_counter("tx", "packets"));
		vnet_close(&self->v);
	}
	dp_set_zcopy(true);
}

TEST_F(dp, backend_detach_reattach)
{
	struct vhost_vring_state s = { .index = 1 };
	struct vnet *v = &self->v;

	dp_open(_metadata, self, BASE_FEATURES, 64, VNET_BUF_SIZE);
	do_tx(_metadata, v, 10, 200, 10);
	do_rx(_metadata, v, 10, 200, 10, 0);
	ASSERT_EQ(0, vnet_set_backend(v, 1, -1));
	ASSERT_EQ(0, vnet_set_backend(v, 0, -1));
	ASSERT_EQ(0, ioctl(v->dev, VHOST_GET_VRING_BASE, &s));
	EXPECT_EQ(10, s.num);
	/* Detached: kicks do nothing. */
	{
		uint8_t frame[VNET_MAX_FRAME];

		vnet_make_frame(frame, 200, 10);
		vnet_tx_add(v, frame, 200);
		vnet_publish(&v->tx);
		vnet_kick(&v->tx);
		usleep(50000);
		EXPECT_EQ(10, vnet_used_idx(&v->tx));
		v->tx.avail_idx--;
		vnet_publish(&v->tx);
	}
	ASSERT_EQ(0, vnet_set_backend(v, 1, v->tap));
	ASSERT_EQ(0, vnet_set_backend(v, 0, v->tap));
	do_tx(_metadata, v, 10, 200, 5);
	do_rx(_metadata, v, 10, 200, 5, 10);
	/* Setting the same backend twice is a no-op. */
	EXPECT_EQ(0, vnet_set_backend(v, 1, v->tap));
	do_tx(_metadata, v, 5, 200, 5);
}

struct pump {
	struct vnet *v;
	volatile bool stop;
	unsigned int queued;
};

/* Keep the TX ring full of 1000-byte frames until told to stop. */
static void *pump_tx(void *arg)
{
	struct pump *p = arg;
	struct vnet *v = p->v;
	uint8_t frame[VNET_MAX_FRAME];

	vnet_make_frame(frame, 1000, 0);
	while (!p->stop) {
		uint16_t used = vnet_used_idx(&v->tx);

		while ((uint16_t)(v->tx.avail_idx - used) < v->tx.num) {
			vnet_tx_add(v, frame, 1000);
			p->queued++;
		}
		vnet_publish(&v->tx);
		vnet_kick(&v->tx);
		usleep(200);
	}
	return NULL;
}

TEST_F(dp, switch_backend_under_traffic)
{
	struct vnet *v = &self->v;
	struct pump p = { .v = v };
	int taps[3], pkts[2], i;
	pthread_t t;

	dp_open(_metadata, self, BASE_FEATURES, 128, VNET_BUF_SIZE);
	taps[0] = v->tap;
	pkts[0] = v->pkt;
	ASSERT_EQ(0, vnet_tap_open(v));		/* a second tap */
	taps[1] = v->tap;
	pkts[1] = v->pkt;
	taps[2] = -1;
	ASSERT_EQ(0, pthread_create(&t, NULL, pump_tx, &p));
	for (i = 0; i < 60; i++) {
		ASSERT_EQ(0, vnet_set_backend(v, 1, taps[i % 3]));
		ASSERT_EQ(0, vnet_set_backend(v, 0, taps[(i + 1) % 3]));
		usleep(5000);
	}
	ASSERT_EQ(0, vnet_set_backend(v, 1, taps[0]));
	p.stop = true;
	pthread_join(t, NULL);
	vnet_kick(&v->tx);
	EXPECT_TRUE(vnet_wait_used(&v->tx, v->tx.avail_idx, 5000))
		TH_LOG("used %u avail %u", vnet_used_idx(&v->tx),
		       v->tx.avail_idx);
	EXPECT_LT(128, p.queued);
	EXPECT_EQ(0, vnet_eventfd_wait(v->tx.err, 0));
	EXPECT_EQ(0, vnet_eventfd_wait(v->rx.err, 0));
	close(taps[1]);
	close(pkts[1]);
	v->tap = taps[0];
	v->pkt = pkts[0];
}

TEST_F(dp, close_with_frames_in_flight)
{
	uint8_t frame[VNET_MAX_FRAME];
	char ifname[IFNAMSIZ];
	int round, i, fds = kvmx_count_fds();

	for (round = 0; round < 5; round++) {
		dp_open(_metadata, self, BASE_FEATURES, 256, VNET_BUF_SIZE);
		for (i = 0; i < 200; i++) {
			vnet_make_frame(frame, 1500, i);
			vnet_tx_add(&self->v, frame, 1500);
			if (i < 100)
				vnet_rx_add(&self->v, VNET_BUF_SIZE);
		}
		vnet_publish(&self->v.tx);
		vnet_publish(&self->v.rx);
		vnet_kick(&self->v.tx);
		vnet_kick(&self->v.rx);
		for (i = 0; i < 50; i++)
			vnet_pkt_send(&self->v, frame, 1500);
		strcpy(ifname, self->v.ifname);
		vnet_close(&self->v);
		/* The device let go of the tap: its interface goes away. */
		for (i = 0; i < 200 && if_nametoindex(ifname); i++)
			usleep(10000);
		EXPECT_EQ(0, if_nametoindex(ifname))
			TH_LOG("%s still exists: tap reference leaked", ifname);
	}
	EXPECT_EQ(fds, kvmx_count_fds());
}

TEST_F(dp, budget_bounds_one_run)
{
	if (!dp_is_kvmx(variant))
		SKIP(return, "debugfs counters are ours");
	/* 600 frames behind one kick: more than one run's budget (256). */
	dp_open(_metadata, self, BASE_FEATURES, 1024, VNET_BUF_SIZE);
	do_tx(_metadata, &self->v, 600, 60, 600);
	EXPECT_LE(2, dp_debugfs_counter("tx", "budget_yields"));
	EXPECT_EQ(600, dp_debugfs_counter("tx", "packets"));
	do_rx(_metadata, &self->v, 600, 60, 300, 0);
	EXPECT_EQ(600, dp_debugfs_counter("rx", "packets"));
}

TEST_F(dp, busyloop_timeout)
{
	struct vhost_vring_state s = { .index = 1, .num = 50 };

	dp_open(_metadata, self, BASE_FEATURES, 64, VNET_BUF_SIZE);
	ASSERT_EQ(0, ioctl(self->v.dev, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &s));
	s.num = 0;
	ASSERT_EQ(0, ioctl(self->v.dev, VHOST_GET_VRING_BUSYLOOP_TIMEOUT, &s));
	EXPECT_EQ(50, s.num);
	s.index = 0;
	s.num = 50;
	ASSERT_EQ(0, ioctl(self->v.dev, VHOST_SET_VRING_BUSYLOOP_TIMEOUT, &s));
	do_tx(_metadata, &self->v, 40, 300, 10);
	do_rx(_metadata, &self->v, 40, 300, 10, 0);
}

TEST_HARNESS_MAIN

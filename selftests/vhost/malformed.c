// SPDX-License-Identifier: GPL-2.0
/*
 * Malformed rings: each case hands the device one bad chain (or a bad
 * avail index) and expects the queue's error eventfd to fire, no frame to
 * leave through the tap, no used entry, and a clean close.  Splats and
 * hung workers are caught by the runner (dmesg scan, timeouts).  Runs
 * against our device and against upstream vhost_net (cases that are
 * stricter than upstream are ours only).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "vnet_driver.h"

#define F(bit) (1ULL << (bit))

enum bad_case {
	BAD_HEAD_RANGE,
	BAD_ADDR_OUTSIDE,
	BAD_SELF_LOOP,
	BAD_RING_CYCLE,
	BAD_NEXT_RANGE,
	BAD_NESTED_INDIRECT,
	BAD_INDIRECT_LEN,
	BAD_INDIRECT_OUTSIDE,
	BAD_LEN_WRAPS,
	BAD_LEN_PAST_REGION,
	BAD_AVAIL_JUMP,
	BAD_TX_WRITABLE,
	BAD_RX_READABLE,
	BAD_DESC_UNMAPPED,
	BAD_INDIRECT_UNNEGOTIATED,
	BAD_INDIRECT_WITH_NEXT,
};

FIXTURE(bad) {
	struct vnet v;
};

FIXTURE_VARIANT(bad) {
	const char *path;
	const char *module;
};

FIXTURE_VARIANT_ADD(bad, kvmx) {
	.path = "/dev/kvmx-vhost-net",
	.module = "kvmx_vhost_net",
};

FIXTURE_VARIANT_ADD(bad, upstream) {
	.path = "/dev/vhost-net",
	.module = "vhost_net",
};

FIXTURE_SETUP(bad)
{
	const char *want = getenv("KVMX_VHOST_DEV");

	self->v.dev = -1;
	if (want && *want && strcmp(want, variant->path))
		SKIP(return, "KVMX_VHOST_DEV=%s", want);
	ASSERT_EQ(0, kvmx_modprobe(variant->module, NULL));
	setenv("KVMX_VHOST_DEV", variant->path, 1);
}

FIXTURE_TEARDOWN(bad)
{
	vnet_close(&self->v);
	if (!strcmp(variant->module, "kvmx_vhost_net"))
		EXPECT_EQ(0, kvmx_rmmod("kvmx_vhost_net"));
	unsetenv("KVMX_VHOST_DEV");
}

static bool is_kvmx(const FIXTURE_VARIANT(bad) *variant)
{
	return !strcmp(variant->module, "kvmx_vhost_net");
}

/* Build the bad case in the TX (or RX) ring, publish and kick. */
static void bad_run(struct __test_metadata *_metadata, struct vnet *v,
		    enum bad_case c)
{
	bool indirect = c != BAD_INDIRECT_UNNEGOTIATED;
	struct vnet_ring *r = c == BAD_RX_READABLE ? &v->rx : &v->tx;
	struct vring_desc *table;
	uint8_t frame[128];
	uint8_t *buf;
	unsigned int i;

	ASSERT_EQ(0, vnet_open(v, F(VIRTIO_F_VERSION_1) |
			       (indirect ? F(VIRTIO_RING_F_INDIRECT_DESC) : 0),
			       16, VNET_BUF_SIZE, true))
		TH_LOG("open: %s", strerror(errno));
	buf = v->tx.bufs;
	table = (void *)(v->tx.bufs + 8 * VNET_BUF_SIZE);
	memset(buf, 0, 12);
	vnet_make_frame(buf + 12, 100, 0);
	r->desc[0] = (struct vring_desc){ (uintptr_t)buf, 112, 0, 0 };
	r->avail->ring[0] = 0;
	r->avail_idx = 1;

	switch (c) {
	case BAD_HEAD_RANGE:
		r->avail->ring[0] = r->num + 3;
		break;
	case BAD_ADDR_OUTSIDE:
		r->desc[0].addr = 0x1000;
		break;
	case BAD_SELF_LOOP:
		r->desc[0].flags = VRING_DESC_F_NEXT;
		r->desc[0].next = 0;
		r->desc[0].len = 12;
		break;
	case BAD_RING_CYCLE:
		for (i = 0; i < r->num; i++)
			r->desc[i] = (struct vring_desc){ (uintptr_t)buf, 12,
				VRING_DESC_F_NEXT, (i + 1) % r->num };
		break;
	case BAD_NEXT_RANGE:
		r->desc[0].flags = VRING_DESC_F_NEXT;
		r->desc[0].next = r->num + 1;
		break;
	case BAD_NESTED_INDIRECT:
		table[0] = (struct vring_desc){ (uintptr_t)buf, 12,
						VRING_DESC_F_NEXT, 1 };
		table[1] = (struct vring_desc){ (uintptr_t)(table + 4), 32,
						VRING_DESC_F_INDIRECT, 0 };
		table[4] = (struct vring_desc){ (uintptr_t)buf, 112, 0, 0 };
		r->desc[0] = (struct vring_desc){ (uintptr_t)table, 32,
						  VRING_DESC_F_INDIRECT, 0 };
		break;
	case BAD_INDIRECT_LEN:
		table[0] = (struct vring_desc){ (uintptr_t)buf, 112, 0, 0 };
		r->desc[0] = (struct vring_desc){ (uintptr_t)table, 20,
						  VRING_DESC_F_INDIRECT, 0 };
		break;
	case BAD_INDIRECT_OUTSIDE:
		r->desc[0] = (struct vring_desc){ 0x2000, 32,
						  VRING_DESC_F_INDIRECT, 0 };
		break;
	case BAD_LEN_WRAPS:
		r->desc[0].addr = ~0ULL - 15;
		r->desc[0].len = 0x100;
		break;
	case BAD_LEN_PAST_REGION:
		r->desc[0].addr = (uintptr_t)v->mem + VNET_MEM_SIZE - 64;
		r->desc[0].len = 0xffffffff;
		break;
	case BAD_AVAIL_JUMP:
		r->avail_idx = r->num + 5;
		break;
	case BAD_TX_WRITABLE:
		r->desc[0].flags = VRING_DESC_F_WRITE;
		break;
	case BAD_RX_READABLE:
		r->desc[0].len = 2048;
		break;
	case BAD_DESC_UNMAPPED:
		break;
	case BAD_INDIRECT_UNNEGOTIATED:
		table[0] = (struct vring_desc){ (uintptr_t)buf, 112, 0, 0 };
		r->desc[0] = (struct vring_desc){ (uintptr_t)table, 16,
						  VRING_DESC_F_INDIRECT, 0 };
		break;
	case BAD_INDIRECT_WITH_NEXT:
		table[0] = (struct vring_desc){ (uintptr_t)buf, 112, 0, 0 };
		r->desc[0] = (struct vring_desc){ (uintptr_t)table, 16,
			VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1 };
		r->desc[1] = (struct vring_desc){ (uintptr_t)buf, 12, 0, 0 };
		break;
	}
	vnet_publish(r);
	if (c == BAD_DESC_UNMAPPED) {
		/* Take away the page holding the descriptor table. */
		void *page = (void *)((uintptr_t)r->desc & ~4095UL);

		ASSERT_EQ(0, vnet_set_backend(v, 1, -1));
		ASSERT_EQ(0, munmap(page, 4096));
		ASSERT_EQ(0, vnet_set_backend(v, 1, v->tap));
	}
	vnet_kick(r);
	if (c == BAD_RX_READABLE) {
		vnet_make_frame(frame, 100, 0);
		ASSERT_EQ(100, vnet_pkt_send(v, frame, 100));
	}
	ASSERT_LE(1, vnet_eventfd_wait(r->err, 3000))
		TH_LOG("no error eventfd for case %d", c);
	if (c != BAD_DESC_UNMAPPED)
		EXPECT_EQ(0, vnet_used_idx(r));
	if (r == &v->tx) {
		uint8_t got[2048];

		EXPECT_GT(0, vnet_pkt_recv(v, got, sizeof(got), 100));
	}
	if (c == BAD_DESC_UNMAPPED) {
		/* Put a page back so that vnet_close() can unmap it all. */
		void *page = (void *)((uintptr_t)r->desc & ~4095UL);

		mmap(page, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	}
}

#define BAD_TEST(name, c, ours_only)					\
TEST_F(bad, name)							\
{									\
	if ((ours_only) && !is_kvmx(variant))				\
		SKIP(return, "stricter than upstream");			\
	bad_run(_metadata, &self->v, c);				\
}

BAD_TEST(head_out_of_range, BAD_HEAD_RANGE, false)
BAD_TEST(addr_outside_mem_table, BAD_ADDR_OUTSIDE, false)
BAD_TEST(descriptor_self_loop, BAD_SELF_LOOP, false)
BAD_TEST(chain_longer_than_ring, BAD_RING_CYCLE, false)
BAD_TEST(next_out_of_range, BAD_NEXT_RANGE, false)
BAD_TEST(nested_indirect, BAD_NESTED_INDIRECT, false)
BAD_TEST(indirect_len_not_multiple, BAD_INDIRECT_LEN, false)
BAD_TEST(indirect_table_outside, BAD_INDIRECT_OUTSIDE, false)
BAD_TEST(length_wraps_address_space, BAD_LEN_WRAPS, false)
BAD_TEST(length_past_region, BAD_LEN_PAST_REGION, false)
BAD_TEST(avail_index_jump, BAD_AVAIL_JUMP, false)
BAD_TEST(tx_writable_descriptor, BAD_TX_WRITABLE, false)
BAD_TEST(rx_readable_descriptor, BAD_RX_READABLE, false)
BAD_TEST(descriptor_table_unmapped, BAD_DESC_UNMAPPED, false)
BAD_TEST(indirect_not_negotiated, BAD_INDIRECT_UNNEGOTIATED, true)
BAD_TEST(indirect_with_next, BAD_INDIRECT_WITH_NEXT, true)

/* A stopped queue stays stopped until it is reconfigured. */
TEST_F(bad, stopped_queue_restarts_after_reset)
{
	struct vnet *v = &self->v;
	struct vhost_vring_state s = { .index = 1, .num = 0 };
	uint8_t frame[256], got[2048];

	if (!is_kvmx(variant))
		SKIP(return, "kvmx stop semantics");
	bad_run(_metadata, v, BAD_HEAD_RANGE);
	/* Fix the ring: a kick alone does not restart the queue. */
	v->tx.avail->ring[0] = 0;
	vnet_kick(&v->tx);
	usleep(50000);
	EXPECT_EQ(0, vnet_used_idx(&v->tx));
	/* Detach, rewind, reattach: it runs again. */
	ASSERT_EQ(0, vnet_set_backend(v, 1, -1));
	ASSERT_EQ(0, ioctl(v->dev, VHOST_SET_VRING_BASE, &s));
	ASSERT_EQ(0, vnet_set_backend(v, 1, v->tap));
	vnet_kick(&v->tx);
	ASSERT_TRUE(vnet_wait_used(&v->tx, 1, 2000));
	vnet_make_frame(frame, 100, 0);
	ASSERT_EQ(100, vnet_pkt_recv(v, got, sizeof(got), 1000));
	EXPECT_EQ(0, memcmp(frame, got, 100));
}

TEST_HARNESS_MAIN

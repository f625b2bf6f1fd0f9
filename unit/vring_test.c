// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for vhost/vring.c: memory-table translation, chain
 * walking and every validation failure, avail counting, event-index math.
 * "Guest memory" is a buffer in this process with gpa = offset + GPA0.
 */
#include <stdlib.h>
#include <string.h>

#include "../vhost/vring.c"
#include "kselftest_harness.h"

#define GPA0	0x100000ULL
#define MEMSZ	(1 << 20)
#define NUM	8

struct guest {
	uint8_t *mem;
	struct kvmx_vring_mem *table;
	struct kvmx_vring_desc *desc;	/* ring descriptor table */
	struct iovec iov[16];
	u64 gpa[16];
	struct kvmx_vring_chain c;
	struct kvmx_vring_walk w;
	int reads;
};

static int read_mem(void *ctx, void *dst, u64 uva, size_t len)
{
	struct guest *g = ctx;

	g->reads++;
	if (uva < (uintptr_t)g->mem || uva + len > (uintptr_t)g->mem + MEMSZ)
		return -1;
	memcpy(dst, (void *)(uintptr_t)uva, len);
	return 0;
}

static u64 gpa_of(struct guest *g, void *p)
{
	return GPA0 + ((uint8_t *)p - g->mem);
}

FIXTURE(vr) {
	struct guest g;
};

FIXTURE_SETUP(vr)
{
	struct guest *g = &self->g;

	g->mem = calloc(1, MEMSZ);
	ASSERT_NE(NULL, g->mem);
	/* Two regions, contiguous in guest space, split at 512 KiB. */
	g->table = calloc(1, sizeof(*g->table) + 2 * sizeof(g->table->regions[0]));
	g->table->nregions = 2;
	g->table->regions[0] = (struct kvmx_vring_region){
		GPA0, MEMSZ / 2, (uintptr_t)g->mem };
	g->table->regions[1] = (struct kvmx_vring_region){
		GPA0 + MEMSZ / 2, MEMSZ / 2, (uintptr_t)g->mem + MEMSZ / 2 };
	g->desc = (void *)g->mem;
	g->w = (struct kvmx_vring_walk){
		.mem = g->table, .read = read_mem, .ctx = g,
		.desc_uva = (uintptr_t)g->desc, .num = NUM, .indirect_ok = true,
	};
	g->c.iov = g->iov;
	g->c.gpa = g->gpa;
	g->c.max_segs = 16;
}

FIXTURE_TEARDOWN(vr)
{
	free(self->g.mem);
	free(self->g.table);
}

static void set(struct kvmx_vring_desc *d, u64 addr, u32 len, u16 flags,
		u16 next)
{
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

TEST_F(vr, simple_chain_out_then_in)
{
	struct guest *g = &self->g;

	set(&g->desc[0], GPA0 + 0x1000, 100, KVMX_VRING_F_NEXT, 3);
	set(&g->desc[3], GPA0 + 0x2000, 200, KVMX_VRING_F_NEXT, 5);
	set(&g->desc[5], GPA0 + 0x3000, 300, KVMX_VRING_F_WRITE, 0);
	ASSERT_EQ(0, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(2, g->c.nout);
	EXPECT_EQ(1, g->c.nin);
	EXPECT_EQ(300, g->c.out_bytes);
	EXPECT_EQ(300, g->c.in_bytes);
	EXPECT_EQ((uintptr_t)g->mem + 0x2000, (uintptr_t)g->iov[1].iov_base);
	EXPECT_EQ(GPA0 + 0x3000, g->gpa[2]);
}

TEST_F(vr, buffer_split_across_regions)
{
	struct guest *g = &self->g;

	set(&g->desc[1], GPA0 + MEMSZ / 2 - 10, 30, 0, 0);
	ASSERT_EQ(0, kvmx_vring_walk_chain(&g->w, 1, &g->c));
	ASSERT_EQ(2, g->c.nout);
	EXPECT_EQ(10, g->iov[0].iov_len);
	EXPECT_EQ(20, g->iov[1].iov_len);
	EXPECT_EQ(GPA0 + MEMSZ / 2, g->gpa[1]);
}

TEST_F(vr, zero_length_descriptor_adds_nothing)
{
	struct guest *g = &self->g;

	set(&g->desc[0], 0, 0, KVMX_VRING_F_NEXT, 1);
	set(&g->desc[1], GPA0, 10, 0, 0);
	ASSERT_EQ(0, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(1, g->c.nout);
}

TEST_F(vr, head_out_of_range)
{
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&self->g.w, NUM, &self->g.c));
	EXPECT_EQ(KVMX_VRING_HEAD_RANGE, self->g.c.fault);
}

TEST_F(vr, next_out_of_range)
{
	struct guest *g = &self->g;

	set(&g->desc[0], GPA0, 10, KVMX_VRING_F_NEXT, NUM);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_NEXT_RANGE, g->c.fault);
}

TEST_F(vr, loop_detected_and_bounded)
{
	struct guest *g = &self->g;
	int i;

	for (i = 0; i < NUM; i++)
		set(&g->desc[i], GPA0, 1, KVMX_VRING_F_NEXT, (i + 1) % NUM);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 2, &g->c));
	EXPECT_EQ(KVMX_VRING_LOOP, g->c.fault);
	EXPECT_EQ(NUM, g->reads);	/* never more reads than the ring */
	set(&g->desc[4], GPA0, 1, KVMX_VRING_F_NEXT, 4);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 4, &g->c));
	EXPECT_EQ(KVMX_VRING_LOOP, g->c.fault);
}

TEST_F(vr, full_ring_chain_is_fine)
{
	struct guest *g = &self->g;
	int i;

	for (i = 0; i < NUM; i++)
		set(&g->desc[i], GPA0 + i * 64, 64,
		    i < NUM - 1 ? KVMX_VRING_F_NEXT : 0, i + 1);
	ASSERT_EQ(0, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(NUM, g->c.nout);
	EXPECT_EQ(NUM * 64, g->c.out_bytes);
}

TEST_F(vr, out_after_in)
{
	struct guest *g = &self->g;

	set(&g->desc[0], GPA0, 10, KVMX_VRING_F_WRITE | KVMX_VRING_F_NEXT, 1);
	set(&g->desc[1], GPA0, 10, 0, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_OUT_AFTER_IN, g->c.fault);
}

TEST_F(vr, address_outside_table)
{
	struct guest *g = &self->g;

	set(&g->desc[0], GPA0 - 1, 2, 0, 0);
	EXPECT_EQ(-EFAULT, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_BAD_ADDR, g->c.fault);
	set(&g->desc[0], GPA0 + MEMSZ - 1, 2, 0, 0);
	EXPECT_EQ(-EFAULT, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_BAD_ADDR, g->c.fault);
	set(&g->desc[0], GPA0 + MEMSZ - 1, 1, 0, 0);
	EXPECT_EQ(0, kvmx_vring_walk_chain(&g->w, 0, &g->c));
}

TEST_F(vr, length_overflow)
{
	struct guest *g = &self->g;

	set(&g->desc[0], ~0ULL - 4, 16, 0, 0);
	EXPECT_EQ(-EFAULT, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_OVERFLOW, g->c.fault);
}

TEST_F(vr, too_many_segments)
{
	struct guest *g = &self->g;

	g->c.max_segs = 2;
	set(&g->desc[0], GPA0, 1, KVMX_VRING_F_NEXT, 1);
	set(&g->desc[1], GPA0, 1, KVMX_VRING_F_NEXT, 2);
	set(&g->desc[2], GPA0, 1, 0, 0);
	EXPECT_EQ(-ENOBUFS, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_TOO_MANY_SEGS, g->c.fault);
}

TEST_F(vr, indirect_table)
{
	struct guest *g = &self->g;
	struct kvmx_vring_desc *t = (void *)(g->mem + 0x8000);

	set(&t[0], GPA0 + 0x100, 10, KVMX_VRING_F_NEXT, 1);
	set(&t[1], GPA0 + 0x200, 20, KVMX_VRING_F_WRITE, 0);
	set(&g->desc[2], gpa_of(g, t), 32, KVMX_VRING_F_INDIRECT, 0);
	ASSERT_EQ(0, kvmx_vring_walk_chain(&g->w, 2, &g->c));
	EXPECT_EQ(1, g->c.nout);
	EXPECT_EQ(1, g->c.nin);
	EXPECT_EQ(2, g->c.head);
}

TEST_F(vr, indirect_faults)
{
	struct guest *g = &self->g;
	struct kvmx_vring_desc *t = (void *)(g->mem + 0x8000);

	set(&t[0], GPA0, 10, KVMX_VRING_F_NEXT, 1);
	set(&t[1], gpa_of(g, t), 16, KVMX_VRING_F_INDIRECT, 0);
	set(&g->desc[0], gpa_of(g, t), 32, KVMX_VRING_F_INDIRECT, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_NESTED_INDIRECT, g->c.fault);

	set(&g->desc[0], gpa_of(g, t), 20, KVMX_VRING_F_INDIRECT, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_INDIRECT_LEN, g->c.fault);

	set(&g->desc[0], gpa_of(g, t), 0, KVMX_VRING_F_INDIRECT, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_INDIRECT_LEN, g->c.fault);

	set(&t[1], GPA0, 10, KVMX_VRING_F_NEXT, 2);
	set(&g->desc[0], gpa_of(g, t), 32, KVMX_VRING_F_INDIRECT, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_NEXT_RANGE, g->c.fault);

	set(&t[1], GPA0, 10, KVMX_VRING_F_NEXT, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_LOOP, g->c.fault);

	set(&g->desc[0], 0x10, 32, KVMX_VRING_F_INDIRECT, 0);
	EXPECT_EQ(-EFAULT, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_BAD_ADDR, g->c.fault);

	set(&g->desc[0], gpa_of(g, t), 32,
	    KVMX_VRING_F_INDIRECT | KVMX_VRING_F_NEXT, 1);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_INDIRECT_NEXT, g->c.fault);

	g->w.indirect_ok = false;
	set(&g->desc[0], gpa_of(g, t), 32, KVMX_VRING_F_INDIRECT, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_INDIRECT_FEATURE, g->c.fault);
}

TEST_F(vr, unreadable_ring)
{
	struct guest *g = &self->g;

	g->w.desc_uva = 16;
	EXPECT_EQ(-EFAULT, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_FAULT, g->c.fault);
}

TEST_F(vr, chain_total_overflow)
{
	struct guest *g = &self->g;
	struct kvmx_vring_mem *big;

	/* A huge region so that lengths, not addresses, overflow. */
	big = calloc(1, sizeof(*big) + sizeof(big->regions[0]));
	big->nregions = 1;
	big->regions[0] = (struct kvmx_vring_region){ 0, 1ULL << 40, 0 };
	g->w.mem = big;
	set(&g->desc[0], 0, 0x7fffffff, KVMX_VRING_F_NEXT, 1);
	set(&g->desc[1], 0, 0x10, 0, 0);
	EXPECT_EQ(-EINVAL, kvmx_vring_walk_chain(&g->w, 0, &g->c));
	EXPECT_EQ(KVMX_VRING_OVERFLOW, g->c.fault);
	free(big);
}

TEST_F(vr, region_of_whole_range_only)
{
	const struct kvmx_vring_mem *m = self->g.table;

	/* Inside the first region, up to its last byte. */
	EXPECT_EQ(&m->regions[0], kvmx_vring_region_of(m, GPA0, 64));
	EXPECT_EQ(&m->regions[0],
		  kvmx_vring_region_of(m, GPA0 + MEMSZ / 2 - 8, 8));
	/* Crossing into the second region: needs splitting. */
	EXPECT_EQ(NULL, kvmx_vring_region_of(m, GPA0 + MEMSZ / 2 - 8, 9));
	EXPECT_EQ(&m->regions[1],
		  kvmx_vring_region_of(m, GPA0 + MEMSZ / 2, MEMSZ / 2));
	/* Past the end, before the start, or wrapping. */
	EXPECT_EQ(NULL, kvmx_vring_region_of(m, GPA0 + MEMSZ - 1, 2));
	EXPECT_EQ(NULL, kvmx_vring_region_of(m, GPA0 - 1, 1));
	EXPECT_EQ(NULL, kvmx_vring_region_of(m, GPA0 + 16, ~0ULL));
}

TEST(mem_check)
{
	struct kvmx_vring_region r = { 0, 4096, 0x10000 };

	EXPECT_EQ(0, kvmx_vring_mem_check(&r, 1, 1ULL << 47));
	r.size = 0;
	EXPECT_EQ(-EFAULT, kvmx_vring_mem_check(&r, 1, 1ULL << 47));
	r.size = 4096;
	r.gpa = ~0ULL - 100;
	EXPECT_EQ(-EFAULT, kvmx_vring_mem_check(&r, 1, 1ULL << 47));
	r.gpa = 0;
	r.uva = (1ULL << 47) - 2048;
	EXPECT_EQ(-EFAULT, kvmx_vring_mem_check(&r, 1, 1ULL << 47));
	r.uva = ~0ULL - 100;
	EXPECT_EQ(-EFAULT, kvmx_vring_mem_check(&r, 1, ~0ULL));
}

TEST(avail_count)
{
	u16 n;

	EXPECT_EQ(0, kvmx_vring_avail_count(5, 5, 8, &n));
	EXPECT_EQ(0, n);
	EXPECT_EQ(0, kvmx_vring_avail_count(3, 65531, 8, &n));
	EXPECT_EQ(8, n);
	EXPECT_EQ(-EINVAL, kvmx_vring_avail_count(4, 65531, 8, &n));
	EXPECT_EQ(-EINVAL, kvmx_vring_avail_count(4, 5, 8, &n));
}

TEST(need_event)
{
	/* Notify iff event lies in [old, new). */
	EXPECT_TRUE(kvmx_vring_need_event(0, 1, 0));
	EXPECT_FALSE(kvmx_vring_need_event(1, 1, 0));
	EXPECT_TRUE(kvmx_vring_need_event(5, 10, 0));
	EXPECT_FALSE(kvmx_vring_need_event(10, 10, 0));
	EXPECT_FALSE(kvmx_vring_need_event(30, 10, 1));
	/* Across the 16-bit wrap. */
	EXPECT_TRUE(kvmx_vring_need_event(65535, 2, 65534));
	EXPECT_FALSE(kvmx_vring_need_event(65533, 2, 65534));
	EXPECT_TRUE(kvmx_vring_need_event(1, 2, 65534));
}

TEST(layout)
{
	EXPECT_EQ(256 * 16, kvmx_vring_desc_bytes(256));
	EXPECT_EQ(6 + 2 * 256, kvmx_vring_avail_bytes(256));
	EXPECT_EQ(6 + 8 * 256, kvmx_vring_used_bytes(256));
	EXPECT_EQ(4 + 2 * 256, kvmx_vring_avail_entry_off(256));
	EXPECT_EQ(4 + 8 * 256, kvmx_vring_used_entry_off(256));
	EXPECT_STREQ("nested indirect descriptor",
		     kvmx_vring_fault_name(KVMX_VRING_NESTED_INDIRECT));
	EXPECT_STREQ("unknown", kvmx_vring_fault_name(999));
}

TEST_HARNESS_MAIN

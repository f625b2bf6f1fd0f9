// SPDX-License-Identifier: GPL-2.0
/*
 * Memory slots (KVM_SET_USER_MEMORY_REGION): slots added, moved (same
 * slot, new guest_phys_addr), deleted (memory_size 0) and read-only
 * (KVM_MEM_READONLY: reads hit memory, writes become KVM_EXIT_MMIO); the
 * guest and the host see one memory; many slots up to the advertised
 * count; and the invalid layouts the API rejects.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "kvm_test.h"
#include "mailbox.h"

KVMT_VM_FIXTURE(memslot);

#define SLOT_GPA	0x40000000ULL
#define SLOT_SIZE	0x10000ULL
#define MOVED_GPA	0x50000000ULL

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

TEST_F(memslot, add_move_delete)
{
	uint64_t *mem = map_anon(SLOT_SIZE);
	struct access_result r;

	ASSERT_NE(NULL, mem);
	mem[0x100] = 0x1111222233334444ULL;
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(slot_rw)));

	/* Before the slot exists the range is MMIO. */
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x800,
				  1, &r));
	EXPECT_TRUE(r.read_mmio);
	EXPECT_TRUE(r.write_mmio);
	EXPECT_EQ(MMIO_FILL, r.read);

	/* Added: guest reads what the host wrote, host sees its write. */
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 1, 0, SLOT_GPA, SLOT_SIZE, mem));
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x800,
				  0xaaaabbbbccccddddULL, &r));
	EXPECT_FALSE(r.read_mmio);
	EXPECT_FALSE(r.write_mmio);
	EXPECT_EQ(0x1111222233334444ULL, r.read);
	EXPECT_EQ(0xaaaabbbbccccddddULL, mem[0x100]);

	/* Host writes while the guest is stopped are seen next run. */
	mem[0x100] = 0x5555;
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x800,
				  0x6666, &r));
	EXPECT_EQ(0x5555, r.read);
	EXPECT_EQ(0x6666, mem[0x100]);

	/* Moved: same slot id, same memory, new guest address. */
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 1, 0, MOVED_GPA, SLOT_SIZE,
				   mem));
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, MOVED_GPA + 0x800,
				  0x7777, &r));
	EXPECT_FALSE(r.read_mmio);
	EXPECT_EQ(0x6666, r.read);
	EXPECT_EQ(0x7777, mem[0x100]);
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x800,
				  0x8888, &r));
	EXPECT_TRUE(r.read_mmio);
	EXPECT_TRUE(r.write_mmio);
	EXPECT_EQ(0x8888, r.write_data);
	EXPECT_EQ(0x7777, mem[0x100]);

	/* Deleted: MMIO again, the memory is untouched. */
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 1, 0, MOVED_GPA, 0, mem));
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, MOVED_GPA + 0x800,
				  0x9999, &r));
	EXPECT_TRUE(r.read_mmio);
	EXPECT_TRUE(r.write_mmio);
	EXPECT_EQ(0x7777, mem[0x100]);

	/* Re-added with a different size (delete + add is a resize). */
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 1, 0, SLOT_GPA, SLOT_SIZE / 2,
				   mem));
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x800,
				  0xabab, &r));
	EXPECT_FALSE(r.read_mmio);
	EXPECT_EQ(0x7777, r.read);
	EXPECT_EQ(0xabab, mem[0x100]);
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu,
				  SLOT_GPA + SLOT_SIZE / 2, 1, &r));
	EXPECT_TRUE(r.read_mmio);
	munmap(mem, SLOT_SIZE);
}

TEST_F(memslot, read_only)
{
	uint64_t *mem = map_anon(SLOT_SIZE);
	struct access_result r;

	ASSERT_NE(NULL, mem);
	mem[0x10] = 0xfeedfacecafebeefULL;
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(slot_rw)));
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 2, KVM_MEM_READONLY, SLOT_GPA,
				   SLOT_SIZE, mem));
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x80,
				  0x0102030405060708ULL, &r));
	EXPECT_FALSE(r.read_mmio);
	EXPECT_EQ(0xfeedfacecafebeefULL, r.read);
	EXPECT_TRUE(r.write_mmio);
	EXPECT_EQ(0x0102030405060708ULL, r.write_data);
	EXPECT_EQ(0xfeedfacecafebeefULL, mem[0x10]);
	/* Host updates still show through. */
	mem[0x10] = 42;
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x80,
				  43, &r));
	EXPECT_EQ(42, r.read);
	EXPECT_TRUE(r.write_mmio);
	/* A read-only slot's flags cannot change in place. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 0, SLOT_GPA, SLOT_SIZE,
					 mem));
	munmap(mem, SLOT_SIZE);
}

TEST_F(memslot, many_slots)
{
	int nr = ioctl(self->vm->sys_fd, KVM_CHECK_EXTENSION,
		       KVM_CAP_NR_MEMSLOTS);
	uint64_t *mem;
	struct access_result r;
	int i, n;

	ASSERT_LE(2, nr);
	n = nr > 64 ? 64 : nr;		/* plenty, and quick */
	mem = map_anon((size_t)n * 0x1000);
	ASSERT_NE(NULL, mem);
	for (i = 1; i < n; i++) {
		mem[i * 512] = 0xc0de0000 + i;
		ASSERT_EQ(0, kvmt_set_slot(self->vm, i, 0,
					   SLOT_GPA + i * 0x2000ULL, 0x1000,
					   mem + i * 512))
			TH_LOG("slot %d of %d", i, nr);
	}
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(slot_rw)));
	for (i = 1; i < n; i += 7) {
		ASSERT_EQ(0, guest_access(_metadata, self->vcpu,
					  SLOT_GPA + i * 0x2000ULL, i, &r));
		EXPECT_EQ(0xc0de0000 + i, r.read);
		EXPECT_EQ(i, mem[i * 512]);
		/* the gaps between slots are MMIO */
		ASSERT_EQ(0, guest_access(_metadata, self->vcpu,
					  SLOT_GPA + i * 0x2000ULL + 0x1000,
					  i, &r));
		EXPECT_TRUE(r.read_mmio);
	}
	if (nr <= 4096) {
		/* Slot ids stop at the advertised count. */
		EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, nr, 0, 0x80000000,
						 0x1000, mem));
	}
	munmap(mem, (size_t)n * 0x1000);
}

TEST_F(memslot, invalid_layouts)
{
	uint8_t *mem = map_anon(0x10000);

	ASSERT_NE(NULL, mem);
	/* Overlapping an existing slot (slot 0 is RAM at 0..2 MiB). */
	EXPECT_EQ(-EEXIST, kvmt_set_slot(self->vm, 1, 0, 0x100000, 0x10000,
					 mem));
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 1, 0, SLOT_GPA, 0x10000, mem));
	EXPECT_EQ(-EEXIST, kvmt_set_slot(self->vm, 2, 0, SLOT_GPA + 0xf000,
					 0x10000, mem));
	EXPECT_EQ(-EEXIST, kvmt_set_slot(self->vm, 2, 0, SLOT_GPA - 0x1000,
					 0x2000, mem));
	/* Unaligned address, size or host address. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 0, 0x80000800, 0x1000,
					 mem));
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 0, 0x80000000, 0x1800,
					 mem));
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 0, 0x80000000, 0x1000,
					 mem + 0x10));
	/* Unknown flags. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 1u << 15, 0x80000000,
					 0x1000, mem));
	/* Absurd sizes, wrapping ranges and non-canonical host addresses. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 0, 0x80000000,
					 1ULL << 62, mem));
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 0,
					 0xfffffffffffff000ULL, 0x2000, mem));
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 2, 0, 0x80000000, 0x1000,
					 (void *)0x8000000000000000ULL));
	/* Resizing a live slot in place is refused. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 1, 0, SLOT_GPA, 0x8000,
					 mem));
	/* Slot ids far out of range. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 0x7fff, 0, 0x80000000,
					 0x1000, mem));
	/* Deleting a slot that does not exist is refused. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 5, 0, 0, 0, NULL));
	EXPECT_EQ(-1, ioctl(self->vm->fd, KVM_SET_USER_MEMORY_REGION,
			    (void *)8));
	EXPECT_EQ(EFAULT, errno);
	munmap(mem, 0x10000);
}

TEST_HARNESS_MAIN

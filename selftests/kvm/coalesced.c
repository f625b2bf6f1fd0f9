// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced MMIO and PIO (api.rst: KVM_REGISTER_COALESCED_MMIO,
 * KVM_UNREGISTER_COALESCED_MMIO, the ring at KVM_COALESCED_MMIO_PAGE_OFFSET
 * of the vCPU mmap): writes into a zone land in the ring with address,
 * length and data instead of exiting; reads and writes outside still
 * exit; a full ring falls back to exits; unregistering restores exits;
 * PIO zones; bad zones.
 */
#include <sys/mman.h>

#include "kvm_test.h"

/* KVM_COALESCED_MMIO_MAX is written in terms of the page size. */
#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif

KVMT_VM_FIXTURE(coalesced);

#define ZONE	KVMT_MMIO_GPA

/* Three stores into the zone, one just past it, a load, then OUT 0x10. */
KVMT_GUEST_CODE(co_stores, ".code64",
	"movl $0xc0000000, %edi\n\t"
	"movl $0x11223344, (%rdi)\n\t"
	"movq $0x5566778899aabbcc, %rax\n\t"
	"movq %rax, 8(%rdi)\n\t"
	"movb $0x7f, 0xfff(%rdi)\n\t"
	"movw $0x4242, 0x1000(%rdi)\n\t"
	"movl 4(%rdi), %ebx\n\t"
	"outb %al, $0x10\n\t"
	"hlt");

/* 200 stores of the counter, then OUT 0x10. */
KVMT_GUEST_CODE(co_many, ".code64",
	"movl $0xc0000000, %edi\n\t"
	"movl $200, %ecx\n"
	"1:\n\t"
	"movl %ecx, (%rdi)\n\t"
	"loop 1b\n\t"
	"outb %al, $0x10\n\t"
	"hlt");

/* Two OUTs to port 0x70, one to 0x72, then OUT 0x10. */
KVMT_GUEST_CODE(co_pio, ".code64",
	"movb $0x0a, %al\n\t"
	"outb %al, $0x70\n\t"
	"movb $0x0b, %al\n\t"
	"outb %al, $0x71\n\t"
	"outb %al, $0x72\n\t"
	"outb %al, $0x10\n\t"
	"hlt");

static struct kvm_coalesced_mmio_ring *map_ring(struct kvmt_vcpu *vcpu)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		       vcpu->fd, KVM_COALESCED_MMIO_PAGE_OFFSET * 4096);

	return p == MAP_FAILED ? NULL : p;
}

static int zone(int vm_fd, unsigned long req, uint64_t addr, uint32_t size,
		uint32_t pio)
{
	struct kvm_coalesced_mmio_zone z = {
		.addr = addr, .size = size, .pio = pio,
	};

	return ioctl(vm_fd, req, &z) ? -errno : 0;
}

TEST_F(coalesced, caps_and_mmap_size)
{
	int sys = self->vm->sys_fd;

	EXPECT_EQ(KVM_COALESCED_MMIO_PAGE_OFFSET,
		  ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_MMIO));
	EXPECT_EQ(1, ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_COALESCED_PIO));
	EXPECT_LE((KVM_COALESCED_MMIO_PAGE_OFFSET + 1) * 4096,
		  ioctl(sys, KVM_GET_VCPU_MMAP_SIZE, 0));
	/* Bad zone kinds; unregistering nothing is fine. */
	EXPECT_EQ(-EINVAL, zone(self->vm->fd, KVM_REGISTER_COALESCED_MMIO,
				ZONE, 4096, 2));
	EXPECT_EQ(0, zone(self->vm->fd, KVM_UNREGISTER_COALESCED_MMIO,
			  ZONE, 4096, 0));
	EXPECT_EQ(-1, ioctl(self->vm->fd, KVM_REGISTER_COALESCED_MMIO,
			    (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(coalesced, writes_go_to_the_ring)
{
	struct kvm_coalesced_mmio_ring *ring = map_ring(self->vcpu);
	struct kvm_run *run = self->vcpu->run;
	struct kvm_coalesced_mmio *e;
	uint64_t v;

	ASSERT_NE(NULL, ring);
	ASSERT_EQ(0, zone(self->vm->fd, KVM_REGISTER_COALESCED_MMIO,
			  ZONE, 4096, 0));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(co_stores)));
	EXPECT_EQ(ring->first, ring->last);

	/* The store past the zone exits, and so does the load. */
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(ZONE + 0x1000, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(2, run->mmio.len);
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(ZONE + 4, run->mmio.phys_addr);
	EXPECT_EQ(0, run->mmio.is_write);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);

	/* The three stores into the zone, in order. */
	ASSERT_EQ(3, (ring->last - ring->first + KVM_COALESCED_MMIO_MAX) %
		     KVM_COALESCED_MMIO_MAX);
	e = &ring->coalesced_mmio[ring->first];
	EXPECT_EQ(ZONE, e[0].phys_addr);
	EXPECT_EQ(4, e[0].len);
	EXPECT_EQ(0, e[0].pio);
	EXPECT_EQ(0, memcmp(e[0].data, "\x44\x33\x22\x11", 4));
	EXPECT_EQ(ZONE + 8, e[1].phys_addr);
	EXPECT_EQ(8, e[1].len);
	memcpy(&v, e[1].data, 8);
	EXPECT_EQ(0x5566778899aabbccULL, v);
	EXPECT_EQ(ZONE + 0xfff, e[2].phys_addr);
	EXPECT_EQ(1, e[2].len);
	EXPECT_EQ(0x7f, e[2].data[0]);
	ring->first = ring->last;

	/* Unregistered (by a range inside it): the stores exit again. */
	ASSERT_EQ(0, zone(self->vm->fd, KVM_UNREGISTER_COALESCED_MMIO,
			  ZONE + 8, 8, 0));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(co_stores)));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(ZONE, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(ring->first, ring->last);
	munmap(ring, 4096);
}

TEST_F(coalesced, full_ring_falls_back_to_exits)
{
	struct kvm_coalesced_mmio_ring *ring = map_ring(self->vcpu);
	struct kvm_run *run = self->vcpu->run;
	unsigned int logged = 0, exited = 0, n;
	uint32_t expect = 200, got;
	int guard = 0;

	ASSERT_NE(NULL, ring);
	ASSERT_EQ(0, zone(self->vm->fd, KVM_REGISTER_COALESCED_MMIO,
			  ZONE, 16, 0));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(co_many)));
	/* Userspace has consumed up to entry 10 already. */
	ring->first = ring->last = 10;
	for (;;) {
		ASSERT_EQ(0, kvmt_run(self->vcpu));
		/* Drain in order, checking the values count down. */
		while (ring->first != ring->last) {
			memcpy(&got, ring->coalesced_mmio[ring->first].data, 4);
			EXPECT_EQ(expect, got);
			expect--;
			logged++;
			ring->first = (ring->first + 1) %
				      KVM_COALESCED_MMIO_MAX;
		}
		if (run->exit_reason == KVM_EXIT_IO)
			break;
		ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason);
		memcpy(&got, run->mmio.data, 4);
		EXPECT_EQ(expect, got);
		expect--;
		exited++;
		ASSERT_GT(50, ++guard);
	}
	n = logged + exited;
	EXPECT_EQ(200, n);
	/* The ring holds MAX - 1 entries; the next store had to exit. */
	EXPECT_LE(1, exited);
	EXPECT_LE(KVM_COALESCED_MMIO_MAX - 1, logged);
	munmap(ring, 4096);
}

TEST_F(coalesced, pio_zone)
{
	struct kvm_coalesced_mmio_ring *ring = map_ring(self->vcpu);
	struct kvm_coalesced_mmio *e;

	ASSERT_NE(NULL, ring);
	ASSERT_EQ(0, zone(self->vm->fd, KVM_REGISTER_COALESCED_MMIO,
			  0x70, 2, 1));
	/* An MMIO zone at the same numbers does not take port writes. */
	ASSERT_EQ(0, zone(self->vm->fd, KVM_REGISTER_COALESCED_MMIO,
			  0x72, 1, 0));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(co_pio)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x72, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	ASSERT_EQ(2, (ring->last - ring->first + KVM_COALESCED_MMIO_MAX) %
		     KVM_COALESCED_MMIO_MAX);
	e = &ring->coalesced_mmio[ring->first];
	EXPECT_EQ(0x70, e[0].phys_addr);
	EXPECT_EQ(1, e[0].len);
	EXPECT_EQ(1, e[0].pio);
	EXPECT_EQ(0x0a, e[0].data[0]);
	EXPECT_EQ(0x71, e[1].phys_addr);
	EXPECT_EQ(0x0b, e[1].data[0]);
	munmap(ring, 4096);
}

TEST_HARNESS_MAIN

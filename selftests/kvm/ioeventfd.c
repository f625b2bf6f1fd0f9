// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IOEVENTFD: guest writes to a registered PIO port or MMIO address
 * signal the eventfd and complete in the kernel (no exit to userspace);
 * with KVM_IOEVENTFD_FLAG_DATAMATCH only the matching value does, other
 * values exit as usual; deassign restores exits; bad registrations fail.
 */
#include <sys/eventfd.h>
#include <unistd.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(ioeventfd);

static int assign(struct kvmt_vm *vm, int fd, uint64_t addr, uint32_t len,
		  uint32_t flags, uint64_t match)
{
	struct kvm_ioeventfd io = {
		.datamatch = match,
		.addr = addr,
		.len = len,
		.fd = fd,
		.flags = flags,
	};

	return ioctl(vm->fd, KVM_IOEVENTFD, &io) ? -errno : 0;
}

/* Count of an eventfd (0 if it never fired), resetting it. */
static uint64_t efd_count(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/*
 * PIO: outb 0x50; outl 0x1234 and 0x9999 to 0x52; 20 x outw 0x54; then
 * MMIO: movl to 0xc0001000; movq 7 then 8 to 0xc0002000; then OUT 0x5f.
 */
KVMT_GUEST_CODE(ioev_guest, ".code64",
	"movb $1, %al\n\t"
	"outb %al, $0x50\n\t"
	"movl $0x1234, %eax\n\t"
	"outl %eax, $0x52\n\t"
	"movl $0x9999, %eax\n\t"
	"outl %eax, $0x52\n\t"
	"movl $20, %ecx\n"
	"1:\n\t"
	"outw %ax, $0x54\n\t"
	"loop 1b\n\t"
	"movl $0xc0001000, %ebx\n\t"
	"movl $0xabcdef, (%rbx)\n\t"
	"movq $7, 0x1000(%rbx)\n\t"
	"movq $8, 0x1000(%rbx)\n\t"
	"outb %al, $0x5f\n\t"
	"hlt");

TEST_F(ioeventfd, fires_without_exit)
{
	struct kvm_run *run = self->vcpu->run;
	int e_pio = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int e_match = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int e_loop = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int e_mmio = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int e_mmio_match = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_LE(0, e_pio);
	ASSERT_LE(0, e_mmio_match);
	ASSERT_EQ(0, assign(self->vm, e_pio, 0x50, 1, KVM_IOEVENTFD_FLAG_PIO,
			    0));
	ASSERT_EQ(0, assign(self->vm, e_match, 0x52, 4,
			    KVM_IOEVENTFD_FLAG_PIO |
			    KVM_IOEVENTFD_FLAG_DATAMATCH, 0x1234));
	ASSERT_EQ(0, assign(self->vm, e_loop, 0x54, 2, KVM_IOEVENTFD_FLAG_PIO,
			    0));
	ASSERT_EQ(0, assign(self->vm, e_mmio, KVMT_MMIO_GPA + 0x1000, 4, 0,
			    0));
	ASSERT_EQ(0, assign(self->vm, e_mmio_match, KVMT_MMIO_GPA + 0x2000, 8,
			    KVM_IOEVENTFD_FLAG_DATAMATCH, 7));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(ioev_guest)));

	/* The first userspace exit is the unmatched 0x9999. */
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x52, KVM_EXIT_IO_OUT, 4);
	EXPECT_EQ(0x9999, *(uint32_t *)kvmt_io_data(self->vcpu));
	EXPECT_EQ(1, efd_count(e_pio));
	EXPECT_EQ(1, efd_count(e_match));
	/* Then the unmatched MMIO write of 8. */
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(KVMT_MMIO_GPA + 0x2000, run->mmio.phys_addr);
	EXPECT_EQ(8, run->mmio.len);
	EXPECT_EQ(8, *(uint64_t *)run->mmio.data);
	EXPECT_EQ(20, efd_count(e_loop));
	EXPECT_EQ(1, efd_count(e_mmio));
	EXPECT_EQ(1, efd_count(e_mmio_match));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x5f, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(0, efd_count(e_pio));
	close(e_pio);
	close(e_match);
	close(e_loop);
	close(e_mmio);
	close(e_mmio_match);
}

TEST_F(ioeventfd, deassign)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, assign(self->vm, efd, 0x50, 1, KVM_IOEVENTFD_FLAG_PIO,
			    0));
	ASSERT_EQ(0, assign(self->vm, efd, 0x50, 1,
			    KVM_IOEVENTFD_FLAG_PIO |
			    KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(ioev_guest)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x50, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0, efd_count(efd));
	/* Deassigning what is not there fails. */
	EXPECT_EQ(-ENOENT, assign(self->vm, efd, 0x50, 1,
				  KVM_IOEVENTFD_FLAG_PIO |
				  KVM_IOEVENTFD_FLAG_DEASSIGN, 0));
	close(efd);
}

TEST_F(ioeventfd, bad_registrations)
{
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int notefd = dup(self->vm->sys_fd);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, assign(self->vm, efd, 0x60, 2, KVM_IOEVENTFD_FLAG_PIO,
			    0));
	/* The same registration twice. */
	EXPECT_EQ(-EEXIST, assign(self->vm, efd, 0x60, 2,
				  KVM_IOEVENTFD_FLAG_PIO, 0));
	/* Lengths other than 0, 1, 2, 4, 8. */
	EXPECT_EQ(-EINVAL, assign(self->vm, efd, 0x62, 3,
				  KVM_IOEVENTFD_FLAG_PIO, 0));
	EXPECT_EQ(-EINVAL, assign(self->vm, efd, KVMT_MMIO_GPA, 16, 0, 0));
	/* Unknown flags. */
	EXPECT_EQ(-EINVAL, assign(self->vm, efd, 0x64, 1, 1u << 20, 0));
	/* Address range wrapping around. */
	EXPECT_EQ(-EINVAL, assign(self->vm, efd, ~0ULL, 8, 0, 0));
	/* Datamatch needs a length. */
	EXPECT_EQ(-EINVAL, assign(self->vm, efd, KVMT_MMIO_GPA, 0,
				  KVM_IOEVENTFD_FLAG_DATAMATCH, 1));
	/* Not an eventfd / not a file at all. */
	EXPECT_NE(0, assign(self->vm, notefd, 0x66, 1,
			    KVM_IOEVENTFD_FLAG_PIO, 0));
	EXPECT_EQ(-EBADF, assign(self->vm, 12345, 0x66, 1,
				 KVM_IOEVENTFD_FLAG_PIO, 0));
	EXPECT_EQ(-1, ioctl(self->vm->fd, KVM_IOEVENTFD, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	close(notefd);
	close(efd);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_CAP_SYNC_REGS (api.rst, kvm_run's kvm_valid_regs, kvm_dirty_regs
 * and s.regs): unknown fields make KVM_RUN fail with EINVAL; valid fields
 * are stored at every exit; dirty fields are loaded before the run and
 * their bits cleared; without the bits, s.regs is left alone both ways.
 */
#include "kvm_test.h"

KVMT_VM_FIXTURE(sync_regs);

/* RBX counts exits. */
KVMT_GUEST_CODE(sync_loop, ".code64",
	"1:\n\t"
	"addq $1, %rbx\n\t"
	"outb %al, $0x10\n\t"
	"jmp 1b");

#define ALL_SYNC (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | KVM_SYNC_X86_EVENTS)

TEST_F(sync_regs, cap_and_bad_fields)
{
	struct kvm_run *run = self->vcpu->run;

	EXPECT_EQ(ALL_SYNC, ioctl(self->vm->sys_fd, KVM_CHECK_EXTENSION,
				  KVM_CAP_SYNC_REGS) & ALL_SYNC);
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(sync_loop)));
	run->kvm_valid_regs = 1ULL << 20;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_RUN, 0));
	EXPECT_EQ(EINVAL, errno);
	run->kvm_valid_regs = ALL_SYNC | 1ULL << 20;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_RUN, 0));
	EXPECT_EQ(EINVAL, errno);
	run->kvm_valid_regs = 0;
	run->kvm_dirty_regs = 1ULL << 20;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_RUN, 0));
	EXPECT_EQ(EINVAL, errno);
	run->kvm_dirty_regs = 0;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
}

TEST_F(sync_regs, store_and_load)
{
	struct kvm_run *run = self->vcpu->run;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	struct kvm_vcpu_events ev;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(sync_loop)));
	/* Valid: s.regs matches the GET ioctls after the exit. */
	run->kvm_valid_regs = ALL_SYNC;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &sregs));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(0, memcmp(&regs, &run->s.regs.regs, sizeof(regs)));
	EXPECT_EQ(sregs.cr0, run->s.regs.sregs.cr0);
	EXPECT_EQ(sregs.cr3, run->s.regs.sregs.cr3);
	EXPECT_EQ(sregs.efer, run->s.regs.sregs.efer);
	EXPECT_EQ(sregs.cs.selector, run->s.regs.sregs.cs.selector);
	EXPECT_EQ(ev.nmi.masked, run->s.regs.events.nmi.masked);

	/* Dirty: loaded before the run, bits cleared, result stored. */
	run->s.regs.regs.rbx = 0xbad1dea;
	run->s.regs.sregs.apic_base = 1 << 11;
	run->kvm_dirty_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0xbad1dea + 1, run->s.regs.regs.rbx);
	EXPECT_EQ(1 << 11, run->s.regs.sregs.apic_base);
	EXPECT_EQ(0, run->kvm_dirty_regs);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_EQ(0xbad1dea + 1, regs.rbx);
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &sregs));
	EXPECT_EQ(1 << 11, sregs.apic_base);

	/* Not dirty: a changed s.regs is ignored and overwritten. */
	run->s.regs.regs.rbx = 0xdeadbeef;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0xbad1dea + 2, run->s.regs.regs.rbx);

	/* Neither valid nor dirty: s.regs untouched, the guest unaffected. */
	run->kvm_valid_regs = 0;
	run->s.regs.regs.rbx = 0xaaaa;
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	regs.rbx = 0xbac0;
	ASSERT_EQ(0, kvmt_set_regs(self->vcpu, &regs));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0xaaaa, run->s.regs.regs.rbx);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_EQ(0xbac0 + 1, regs.rbx);

	/* Dirty but not valid: loaded, and s.regs not written back. */
	run->s.regs.regs.rbx = 0xbbbb;
	run->s.regs.regs.rip = regs.rip;
	run->s.regs.regs.rsp = regs.rsp;
	run->s.regs.regs.rflags = regs.rflags;
	run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0xbbbb, run->s.regs.regs.rbx);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_EQ(0xbbbb + 1, regs.rbx);
}

TEST_HARNESS_MAIN

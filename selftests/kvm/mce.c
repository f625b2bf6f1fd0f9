// SPDX-License-Identifier: GPL-2.0
/*
 * Machine-check injection (api.rst: KVM_CAP_MCE, KVM_X86_GET_MCE_CAP_
 * SUPPORTED, KVM_X86_SETUP_MCE, KVM_X86_SET_MCE): bank set-up and its
 * limits, a corrected error logged into the bank MSRs without an
 * exception, an uncorrected one delivered as #MC to the guest's handler
 * with CR4.MCE set, and a shutdown when the guest cannot take it.
 */
#include <stdlib.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(mce);

#define MCG_CTL_P	(1ULL << 8)
#define MCI_VAL		(1ULL << 63)
#define MCI_UC		(1ULL << 61)
#define MCI_EN		(1ULL << 60)
#define MCI_PCC		(1ULL << 57)
#define MCI_OVER	(1ULL << 62)
#define MCG_STATUS_MCIP	(1ULL << 2)
#define MSR_MC(bank, reg)	(0x400 + 4 * (bank) + (reg))

/* OUT 0x10 forever; the #MC handler exits on 0x18. */
KVMT_GUEST_CODE(mce_loop, ".code64",
	"1: outb %al, $0x10\n\t"
	"jmp 1b\n"
	".globl kvmt_mce_handler\n"
	"kvmt_mce_handler:\n\t"
	"outb %al, $0x18\n\t"
	"hlt");
KVMT_GUEST_LABEL(kvmt_mce_handler);

static int setup(struct kvmt_vcpu *vcpu, uint64_t cap)
{
	return ioctl(vcpu->fd, KVM_X86_SETUP_MCE, &cap) ? -errno : 0;
}

static int inject(struct kvmt_vcpu *vcpu, int bank, uint64_t status,
		  uint64_t mcg_status, uint64_t addr)
{
	struct kvm_x86_mce m = {
		.status = status, .addr = addr, .misc = 0x86,
		.mcg_status = mcg_status, .bank = bank,
	};

	return ioctl(vcpu->fd, KVM_X86_SET_MCE, &m) ? -errno : 0;
}

static uint64_t msr(struct kvmt_vcpu *vcpu, uint32_t index)
{
	uint64_t v = 0xdead;

	kvmt_get_msr(vcpu, index, &v);
	return v;
}

TEST_F(mce, caps_and_setup)
{
	uint64_t sup = 0;

	EXPECT_LE(5, ioctl(self->vm->sys_fd, KVM_CHECK_EXTENSION,
			   KVM_CAP_MCE));
	ASSERT_EQ(0, ioctl(self->vm->sys_fd, KVM_X86_GET_MCE_CAP_SUPPORTED,
			   &sup));
	EXPECT_EQ(MCG_CTL_P, sup & MCG_CTL_P);
	EXPECT_EQ(-EINVAL, setup(self->vcpu, MCG_CTL_P | 0));
	EXPECT_EQ(-EINVAL, setup(self->vcpu, MCG_CTL_P | 33));
	EXPECT_EQ(-EINVAL, setup(self->vcpu, 1ULL << 30 | 5));
	ASSERT_EQ(0, setup(self->vcpu, MCG_CTL_P | 5));
	EXPECT_EQ(MCG_CTL_P | 5, msr(self->vcpu, 0x179));	/* MCG_CAP */
	EXPECT_EQ(~0ULL, msr(self->vcpu, 0x17b));		/* MCG_CTL */
	EXPECT_EQ(~0ULL, msr(self->vcpu, MSR_MC(4, 0)));
	/* Bad banks and statuses. */
	EXPECT_EQ(-EINVAL, inject(self->vcpu, 5, MCI_VAL, 0, 0));
	EXPECT_EQ(-EINVAL, inject(self->vcpu, 1, MCI_EN, 0, 0));
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_X86_SET_MCE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(mce, corrected_error_is_logged_only)
{
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(mce_loop)));
	ASSERT_EQ(0, setup(self->vcpu, MCG_CTL_P | 5));
	ASSERT_EQ(0, inject(self->vcpu, 1, MCI_VAL | MCI_EN | 0x11, 0,
			    0x1234000));
	EXPECT_EQ(MCI_VAL | MCI_EN | 0x11, msr(self->vcpu, MSR_MC(1, 1)));
	EXPECT_EQ(0x1234000, msr(self->vcpu, MSR_MC(1, 2)));
	EXPECT_EQ(0x86, msr(self->vcpu, MSR_MC(1, 3)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	/* A second one overflows the bank. */
	ASSERT_EQ(0, inject(self->vcpu, 1, MCI_VAL | MCI_EN | 0x22, 0, 0));
	EXPECT_EQ(MCI_VAL | MCI_EN | MCI_OVER | 0x22,
		  msr(self->vcpu, MSR_MC(1, 1)));
}

TEST_F(mce, uncorrected_error_raises_mc)
{
	struct kvm_sregs s;

	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(mce_loop)));
	kvmt_set_idt_gate(self->vcpu, KVMT_MODE_LONG64, 18,
			  kvmt_guest_addr(kvmt_guest_mce_loop_start,
					  kvmt_mce_handler));
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &s));
	s.cr4 |= 1 << 6;	/* MCE */
	ASSERT_EQ(0, kvmt_set_sregs(self->vcpu, &s));
	ASSERT_EQ(0, setup(self->vcpu, MCG_CTL_P | 5));
	ASSERT_EQ(0, inject(self->vcpu, 2, MCI_VAL | MCI_UC | MCI_EN | MCI_PCC,
			    MCG_STATUS_MCIP, 0x5000));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x18, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(MCI_VAL | MCI_UC | MCI_EN | MCI_PCC,
		  msr(self->vcpu, MSR_MC(2, 1)));
	EXPECT_EQ(MCG_STATUS_MCIP, msr(self->vcpu, 0x17a));
	/* Another while MCIP is set: the guest shuts down. */
	ASSERT_EQ(0, inject(self->vcpu, 3, MCI_VAL | MCI_UC | MCI_EN | MCI_PCC,
			    MCG_STATUS_MCIP, 0x6000));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_SHUTDOWN);
}

TEST_F(mce, uncorrected_without_cr4_mce_shuts_down)
{
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(mce_loop)));
	ASSERT_EQ(0, setup(self->vcpu, MCG_CTL_P | 5));
	ASSERT_EQ(0, inject(self->vcpu, 0, MCI_VAL | MCI_UC | MCI_EN | MCI_PCC,
			    MCG_STATUS_MCIP, 0));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_SHUTDOWN);
}

TEST_HARNESS_MAIN

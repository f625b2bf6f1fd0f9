// SPDX-License-Identifier: GPL-2.0
/*
 * Guests entered directly in real mode, 32-bit protected mode and 64-bit
 * long mode (SREGS written by the host, no BIOS) run their code, write
 * memory the host sees, read memory the host wrote, report through an
 * OUT and stop with KVM_EXIT_HLT, RIP just past the HLT.
 */
#include "kvm_test.h"

/* Each guest: copy [0x9010] to [0x9000], store 0x5a to [0x9008], out, hlt */
KVMT_GUEST_CODE(real, ".code16",
	"movl (0x9010), %eax\n\t"
	"movl %eax, (0x9000)\n\t"
	"movb $0x5a, (0x9008)\n\t"
	"movw %cs, %ax\n\t"		/* 0x1000 proves real-mode segments */
	"outw %ax, $0x10\n\t"
	"hlt\n\t"
	"kvmt_guest_real_after_hlt:");
KVMT_GUEST_LABEL(kvmt_guest_real_after_hlt);

KVMT_GUEST_CODE(prot, ".code32",
	"movl (0x9010), %eax\n\t"
	"movl %eax, (0x9000)\n\t"
	"movb $0x5a, (0x9008)\n\t"
	"movw %cs, %ax\n\t"
	"outw %ax, $0x10\n\t"
	"hlt\n\t"
	"kvmt_guest_prot_after_hlt:");
KVMT_GUEST_LABEL(kvmt_guest_prot_after_hlt);

KVMT_GUEST_CODE(long, ".code64",
	"movq (0x9010), %rax\n\t"
	"movq %rax, (0x9000)\n\t"
	"movb $0x5a, (0x9008)\n\t"
	"movw %cs, %ax\n\t"
	"outw %ax, $0x10\n\t"
	"movabsq $0x123456789abcdef0, %rbx\n\t"	/* needs 64-bit mode */
	"hlt\n\t"
	"kvmt_guest_long_after_hlt:");
KVMT_GUEST_LABEL(kvmt_guest_long_after_hlt);

KVMT_VM_FIXTURE(modes);

FIXTURE_VARIANT(modes) {
	enum kvmt_mode mode;
	const unsigned char *start, *end, *after_hlt;
	uint16_t cs;
	uint64_t value;
};

FIXTURE_VARIANT_ADD(modes, real) {
	.mode = KVMT_MODE_REAL,
	.start = kvmt_guest_real_start,
	.end = kvmt_guest_real_end,
	.after_hlt = kvmt_guest_real_after_hlt,
	.cs = KVMT_CODE_GPA >> 4,
	.value = 0xcafef00d,
};

FIXTURE_VARIANT_ADD(modes, protected) {
	.mode = KVMT_MODE_PROT32,
	.start = kvmt_guest_prot_start,
	.end = kvmt_guest_prot_end,
	.after_hlt = kvmt_guest_prot_after_hlt,
	.cs = KVMT_SEL_CODE32,
	.value = 0xcafef00d,
};

FIXTURE_VARIANT_ADD(modes, long) {
	.mode = KVMT_MODE_LONG64,
	.start = kvmt_guest_long_start,
	.end = kvmt_guest_long_end,
	.after_hlt = kvmt_guest_long_after_hlt,
	.cs = KVMT_SEL_CODE64,
	.value = 0x1122334455667788ULL,
};

TEST_F(modes, run_to_hlt)
{
	uint64_t *src = kvmt_gpa(self->vm, 0x9010);
	uint64_t *dst = kvmt_gpa(self->vm, 0x9000);
	uint8_t *flag = kvmt_gpa(self->vm, 0x9008);
	struct kvm_regs regs;
	uint64_t want_rip;

	*src = variant->value;
	ASSERT_EQ(0, kvmt_setup(self->vcpu, variant->mode, variant->start,
				variant->end));

	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 2);
	EXPECT_EQ(1, self->vcpu->run->io.count);
	EXPECT_EQ(variant->cs, *(uint16_t *)kvmt_io_data(self->vcpu));
	/* The guest's stores happened before the exit and are visible. */
	EXPECT_EQ(variant->value, *dst);
	EXPECT_EQ(0x5a, *flag);

	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	want_rip = kvmt_guest_addr(variant->start, variant->after_hlt);
	if (variant->mode == KVMT_MODE_REAL)
		want_rip -= KVMT_CODE_GPA;
	EXPECT_EQ(want_rip, regs.rip);
	if (variant->mode == KVMT_MODE_LONG64)
		EXPECT_EQ(0x123456789abcdef0ULL, regs.rbx);
}

TEST_F(modes, sregs_readback)
{
	struct kvm_sregs sregs;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, variant->mode, variant->start,
				variant->end));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_IO);
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &sregs));
	EXPECT_EQ(variant->cs, sregs.cs.selector);
	EXPECT_EQ(variant->mode != KVMT_MODE_REAL, sregs.cr0 & 1);
	EXPECT_EQ(variant->mode == KVMT_MODE_LONG64,
		  !!(sregs.efer & (1 << 10)));
	EXPECT_EQ(variant->mode == KVMT_MODE_LONG64, sregs.cs.l);
}

TEST_HARNESS_MAIN

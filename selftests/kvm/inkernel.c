// SPDX-License-Identifier: GPL-2.0
/*
 * Exits the kernel must handle without bothering userspace: WBINVD,
 * INVD, PAUSE, RDTSC, and RDMSR/WRMSR of the MSRs every
 * Linux guest touches (EFER, APIC_BASE, MISC_ENABLE, MTRRs, PAT).  The
 * next userspace exit after them must be the guest's own OUT.  An MSR
 * that does not exist raises #GP in the guest.  (XSETBV: xsetbv.c.)
 */
#include "kvm_test.h"

KVMT_VM_FIXTURE(inkernel);

KVMT_GUEST_CODE(inkernel_guest, ".code64",
	"wbinvd\n\t"
	"invd\n\t"
	"movl $100, %ecx\n"
	"1:\n\t"
	"pause\n\t"
	"loop 1b\n\t"
	"rdtsc\n\t"
	"movl %eax, (0x9008)\n\t"
	"movl %edx, (0x900c)\n\t"
	/* EFER: read, set SCE, read again */
	"movl $0xc0000080, %ecx\n\t"
	"rdmsr\n\t"
	"movl %eax, (0x9010)\n\t"
	"orl $1, %eax\n\t"
	"wrmsr\n\t"
	"rdmsr\n\t"
	"movl %eax, (0x9014)\n\t"
	"movl $0x1b, %ecx\n\t"		/* APIC_BASE */
	"rdmsr\n\t"
	"movl %eax, (0x9018)\n\t"
	"movl $0x1a0, %ecx\n\t"		/* MISC_ENABLE */
	"rdmsr\n\t"
	"movl $0xfe, %ecx\n\t"		/* MTRRcap */
	"rdmsr\n\t"
	"movl $0x2ff, %ecx\n\t"		/* MTRRdefType: write back */
	"rdmsr\n\t"
	"wrmsr\n\t"
	"movl $0x277, %ecx\n\t"		/* PAT */
	"rdmsr\n\t"
	"movl %eax, (0x9020)\n\t"
	"movl %edx, (0x9024)\n\t"
	"outb %al, $0x10\n\t"
	"hlt");

TEST_F(inkernel, no_userspace_exits)
{
	uint8_t *mem = kvmt_gpa(self->vm, 0x9000);
	uint64_t tsc;
	uint32_t apic_base;

	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(inkernel_guest)));
	ASSERT_EQ(0, kvmt_set_msr(self->vcpu, 0x10, 1ULL << 36));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	tsc = *(uint64_t *)(mem + 8);
	EXPECT_LE(1ULL << 36, tsc);
	EXPECT_GT((1ULL << 36) + (1ULL << 40), tsc);
	EXPECT_EQ(0x500, *(uint32_t *)(mem + 0x10));	/* LME|LMA */
	EXPECT_EQ(0x501, *(uint32_t *)(mem + 0x14));	/* + SCE */
	apic_base = *(uint32_t *)(mem + 0x18);
	EXPECT_EQ(0xfee00000, apic_base & 0xfffff000);
	EXPECT_NE(0, apic_base & 0x100);		/* BSP */
	EXPECT_EQ(0x00070406, *(uint32_t *)(mem + 0x20));	/* PAT reset */
	EXPECT_EQ(0x00070406, *(uint32_t *)(mem + 0x24));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
}

/* RDMSR of a non-existent MSR: #GP(0) to the handler at vector 13. */
KVMT_GUEST_CODE(gp_guest, ".code64",
	"movl $0xdeadbeef, %ecx\n\t"
	"rdmsr\n\t"
	"outb %al, $0x10\n\t"
	"hlt\n"
	"kvmt_guest_gp_handler:\n\t"
	"popq %rax\n\t"			/* error code */
	"movq %rax, (0x9000)\n\t"
	"popq %rax\n\t"			/* faulting RIP */
	"movq %rax, (0x9008)\n\t"
	"outb %al, $0x13\n\t"
	"hlt");
KVMT_GUEST_LABEL(kvmt_guest_gp_handler);

TEST_F(inkernel, unknown_msr_raises_gp)
{
	uint64_t *mem = kvmt_gpa(self->vm, 0x9000);

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(gp_guest)));
	kvmt_set_idt_gate(self->vcpu, KVMT_MODE_LONG64, 13,
			  kvmt_guest_addr(kvmt_guest_gp_guest_start,
					  kvmt_guest_gp_handler));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x13, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0, mem[0]);
	EXPECT_EQ(KVMT_CODE_GPA + 5, mem[1]);	/* the RDMSR itself */
}

TEST_HARNESS_MAIN

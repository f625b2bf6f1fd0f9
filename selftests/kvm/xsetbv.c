// SPDX-License-Identifier: GPL-2.0
/*
 * XSETBV/XGETBV: the guest's XCR0 is the guest's.  A guest sets XCR0 to
 * x87|SSE (no AVX) and reads it back, with no exit to userspace; the
 * host's XCR0 must be untouched afterwards, so this process (and every
 * other) can still execute AVX instructions.  An XCR0 without x87 is
 * refused with #GP in the guest.
 *
 * A hypervisor that lets the guest's XSETBV reach the real XCR0 breaks
 * the host: processes die of #UD on their next AVX instruction (in the
 * test machine, /init panics).  That is why this check lives alone.
 */
#include <cpuid.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(xsetbv);

KVMT_GUEST_CODE(xsetbv_guest, ".code64",
	"movq %cr4, %rax\n\t"
	"orq $0x40000, %rax\n\t"	/* CR4.OSXSAVE */
	"movq %rax, %cr4\n\t"
	"xorl %ecx, %ecx\n\t"
	"xorl %edx, %edx\n\t"
	"movl $3, %eax\n\t"
	"xsetbv\n\t"
	"xorl %ecx, %ecx\n\t"
	"xgetbv\n\t"
	"movl %eax, (0x9000)\n\t"
	"outb %al, $0x10\n\t"
	/* XCR0 = SSE only (no x87): #GP to vector 13 */
	"xorl %ecx, %ecx\n\t"
	"xorl %edx, %edx\n\t"
	"movl $2, %eax\n\t"
	"xsetbv\n\t"
	"outb %al, $0x11\n\t"
	"hlt\n"
	"kvmt_guest_xsetbv_gp:\n\t"
	"outb %al, $0x13\n\t"
	"hlt");
KVMT_GUEST_LABEL(kvmt_guest_xsetbv_gp);

static uint64_t host_xcr0(void)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

TEST_F(xsetbv, guest_xcr0_is_private)
{
	unsigned int a, b, c, d;
	uint64_t before;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
		SKIP(return, "no XSAVE in the test machine");
	before = host_xcr0();
	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(xsetbv_guest)));
	kvmt_set_idt_gate(self->vcpu, KVMT_MODE_LONG64, 13,
			  kvmt_guest_addr(kvmt_guest_xsetbv_guest_start,
					  kvmt_guest_xsetbv_gp));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(3, *(uint32_t *)kvmt_gpa(self->vm, 0x9000));
	EXPECT_EQ(before, host_xcr0());
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x13, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(before, host_xcr0());
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's own paging on top of nested paging: a long-mode guest
 * remaps a 2 MiB page in its page tables, flushes with INVLPG and then
 * with a CR3 reload, and must read through the new mapping each time.
 */
#include "kvm_test.h"

/* PD[1] (GVA 2 MiB..4 MiB) lives at 0x5008 in kvm_util's tables. */
KVMT_GUEST_CODE(remap_guest, ".code64",
	"movq (0x200000), %rax\n\t"
	"movq %rax, (0x9100)\n\t"
	"movq $0x83, %rax\n\t"			/* -> GPA 0, P|RW|PS */
	"movq %rax, (0x5008)\n\t"
	"invlpg (0x200000)\n\t"
	"movq (0x209000), %rax\n\t"		/* GPA 0x9000 */
	"movq %rax, (0x9108)\n\t"
	"movq $0x200083, %rax\n\t"		/* identity again */
	"movq %rax, (0x5008)\n\t"
	"movq %cr3, %rbx\n\t"
	"movq %rbx, %cr3\n\t"
	"movq (0x200000), %rax\n\t"
	"movq %rax, (0x9110)\n\t"
	"hlt");

TEST(remap_and_flush)
{
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;
	uint64_t *res;

	ASSERT_EQ(0, kvmt_load_module());
	vm = kvmt_vm_create(2 * KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	vcpu = kvmt_vcpu_add(vm, 0);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, kvmt_setup(vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(remap_guest)));
	*(uint64_t *)kvmt_gpa(vm, 0x200000) = 0xb0b0b0b0b0b0b0b0ULL;
	*(uint64_t *)kvmt_gpa(vm, 0x9000) = 0xc0c0c0c0c0c0c0c0ULL;
	KVMT_RUN_EXPECT(vcpu, KVM_EXIT_HLT);
	res = kvmt_gpa(vm, 0x9100);
	EXPECT_EQ(0xb0b0b0b0b0b0b0b0ULL, res[0]);
	EXPECT_EQ(0xc0c0c0c0c0c0c0c0ULL, res[1]);	/* after INVLPG */
	EXPECT_EQ(0xb0b0b0b0b0b0b0b0ULL, res[2]);	/* after CR3 load */
	kvmt_vcpu_free(vcpu);
	kvmt_vm_free(vm);
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST_HARNESS_MAIN

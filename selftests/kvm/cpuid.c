// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: KVM_GET_SUPPORTED_CPUID sizing (E2BIG and nent), and a guest's
 * CPUID instruction answered in the kernel from the table userspace gave
 * KVM_SET_CPUID2, including KVM_CPUID_FLAG_SIGNIFCANT_INDEX subleaves,
 * with no exit to userspace; leaf 0xd XSAVE sizes for the guest's XCR0.
 */
#include <stdlib.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(cpuid);

TEST_F(cpuid, supported_sizing)
{
	struct kvm_cpuid2 *c;
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[1];
	} small = { .hdr.nent = 1 };
	int i, have_leaf0 = 0, have_ext = 0;

	EXPECT_EQ(-1, ioctl(self->vm->sys_fd, KVM_GET_SUPPORTED_CPUID,
			    &small));
	EXPECT_EQ(E2BIG, errno);

	c = kvmt_get_supported_cpuid(self->vm->sys_fd);
	ASSERT_NE(NULL, c);
	ASSERT_LT(1, c->nent);
	for (i = 0; i < (int)c->nent; i++) {
		if (c->entries[i].function == 0) {
			have_leaf0 = 1;
			EXPECT_LE(1, c->entries[i].eax);
		}
		if (c->entries[i].function == 0x80000000)
			have_ext = 1;
	}
	EXPECT_TRUE(have_leaf0);
	EXPECT_TRUE(have_ext);
	free(c);
}

/* For each (EAX, ECX) in the table at 0x9100, CPUID into 0x9000+16*i. */
KVMT_GUEST_CODE(cpuid_guest, ".code64",
	"movq $0x9100, %rsi\n\t"
	"movq $0x9000, %rdi\n\t"
	"movq $6, %r8\n"
	"1:\n\t"
	"movl (%rsi), %eax\n\t"
	"movl 4(%rsi), %ecx\n\t"
	"cpuid\n\t"
	"movl %eax, (%rdi)\n\t"
	"movl %ebx, 4(%rdi)\n\t"
	"movl %ecx, 8(%rdi)\n\t"
	"movl %edx, 12(%rdi)\n\t"
	"addq $8, %rsi\n\t"
	"addq $16, %rdi\n\t"
	"decq %r8\n\t"
	"jnz 1b\n\t"
	"hlt");

static void set_entry(struct kvm_cpuid_entry2 *e, uint32_t fn, uint32_t idx,
		      uint32_t flags, uint32_t eax, uint32_t ebx,
		      uint32_t ecx, uint32_t edx)
{
	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	e->flags = flags;
	e->eax = eax;
	e->ebx = ebx;
	e->ecx = ecx;
	e->edx = edx;
}

TEST_F(cpuid, guest_sees_set_cpuid2)
{
	struct {
		struct kvm_cpuid2 hdr;
		struct kvm_cpuid_entry2 e[8];
	} t = { .hdr.nent = 7 };
	uint32_t *in = kvmt_gpa(self->vm, 0x9100);
	uint32_t *out = kvmt_gpa(self->vm, 0x9000);
	const uint32_t sig = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	/* Expected EAX..EDX per guest query, in query order. */
	static const uint32_t want[6][4] = {
		{ 7, 0x746d766b, 0x746d766b, 0x746d766b },
		{ 1, 0xa0a0a0a0, 0xb0b0b0a0, 0xc0c0c0c0 },
		{ 2, 0xa1a1a1a1, 0xb1b1b1b1, 0xc1c1c1c1 },
		{ 0x80000004, 0, 0, 0 },
		{ 0x6d766b20, 0x6c657320, 0x73657466, 0x00207473 },
		{ 0x11111111, 0x22222222, 0x33333333, 0x44444444 },
	};
	static const uint32_t queries[6][2] = {
		{ 0, 0 }, { 7, 0 }, { 7, 1 }, { 0x80000000, 0 },
		{ 0x80000002, 0 }, { 5, 0x77 },
	};
	int i, j;

	set_entry(&t.e[0], 0, 0, 0, 7, 0x746d766b, 0x746d766b, 0x746d766b);
	/* ECX bit 4 (OSPKE) follows CR4.PKE at run time: keep it clear. */
	set_entry(&t.e[1], 7, 0, sig, 1, 0xa0a0a0a0, 0xb0b0b0a0,
		  0xc0c0c0c0);
	set_entry(&t.e[2], 7, 1, sig, 2, 0xa1a1a1a1, 0xb1b1b1b1,
		  0xc1c1c1c1);
	set_entry(&t.e[3], 0x80000000, 0, 0, 0x80000004, 0, 0, 0);
	set_entry(&t.e[4], 0x80000002, 0, 0, 0x6d766b20, 0x6c657320,
		  0x73657466, 0x00207473);
	/* Not index-significant: ECX is ignored. */
	set_entry(&t.e[5], 5, 0, 0, 0x11111111, 0x22222222, 0x33333333,
		  0x44444444);
	set_entry(&t.e[6], 0x80000001, 0, 0, 0, 0, 0, 1u << 29); /* LM */
	for (i = 0; i < 6; i++) {
		in[2 * i] = queries[i][0];
		in[2 * i + 1] = queries[i][1];
	}
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_SET_CPUID2, &t))
		TH_LOG("KVM_SET_CPUID2: %s", strerror(errno));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(cpuid_guest)));
	/* All CPUIDs are handled in the kernel: the next exit is HLT. */
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	for (i = 0; i < 6; i++)
		for (j = 0; j < 4; j++)
			EXPECT_EQ(want[i][j], out[4 * i + j])
				TH_LOG("query %d reg %d", i, j);
}

/*
 * Leaf 0xd sizes describe what the guest can enable, not the host: ECX
 * covers every supported component, and the guest's EBX covers its XCR0
 * (x87 only after reset: the 576-byte legacy area and header).  A Linux
 * guest warns ("XSAVE consistency problem") when they disagree.
 */
TEST_F(cpuid, xsave_sizes_follow_xcr0)
{
	struct kvm_cpuid2 *c = kvmt_get_supported_cpuid(self->vm->sys_fd);
	uint32_t *in = kvmt_gpa(self->vm, 0x9100);
	uint32_t *out = kvmt_gpa(self->vm, 0x9000);
	uint32_t size = 576, mask = 0, ecx = 0;
	bool have = false;
	int i;

	ASSERT_NE(NULL, c);
	for (i = 0; i < (int)c->nent; i++)
		if (c->entries[i].function == 0xd && c->entries[i].index == 0) {
			have = true;
			mask = c->entries[i].eax;
			ecx = c->entries[i].ecx;
		}
	for (i = 0; i < (int)c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function == 0xd && e->index >= 2 && e->index < 32 &&
		    (mask & (1u << e->index)) && e->ebx + e->eax > size)
			size = e->ebx + e->eax;
	}
	free(c);
	if (!have)
		SKIP(return, "no leaf 0xd");
	EXPECT_EQ(size, ecx);

	for (i = 0; i < 6; i++) {
		in[2 * i] = 0xd;
		in[2 * i + 1] = 0;
	}
	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(cpuid_guest)));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(576, out[1]);
	EXPECT_EQ(size, out[2]);
}

TEST_F(cpuid, set_cpuid2_bad_input)
{
	struct kvm_cpuid2 *c;

	/* Far more entries than any kernel accepts. */
	c = calloc(1, sizeof(*c) + 4096 * sizeof(c->entries[0]));
	ASSERT_NE(NULL, c);
	c->nent = 4096;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_CPUID2, c));
	EXPECT_EQ(E2BIG, errno);
	free(c);
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_CPUID2, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->vm->sys_fd, KVM_GET_SUPPORTED_CPUID,
			    (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN

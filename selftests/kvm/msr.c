// SPDX-License-Identifier: GPL-2.0
/*
 * MSRs: KVM_GET_MSR_INDEX_LIST (E2BIG sizing, contents), KVM_SET_MSRS /
 * KVM_GET_MSRS round trips for the MSRs a Linux guest uses, partial
 * success counts, and guest RDMSR/WRMSR handled in the kernel seeing the
 * same values the host set and got, and the canonical width of base MSRs
 * following CR4.LA57; guest RDPMC of a legacy AMD counter.
 */
#include <stdlib.h>

#include "kvm_test.h"

#define MSR_IA32_TSC		0x10
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_SYSENTER_ESP	0x175
#define MSR_IA32_SYSENTER_EIP	0x176
#define MSR_IA32_CR_PAT		0x277
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_BOGUS		0xdeadbeef
#define CR4_LA57		(1ULL << 12)
#define CPUID_7_ECX_LA57	(1U << 16)
/* A 5-level direct-map address, where Linux puts its per-CPU areas. */
#define LA57_BASE		0xff11000012340000ULL

KVMT_VM_FIXTURE(msr);

TEST_F(msr, index_list)
{
	struct kvm_msr_list probe = { .nmsrs = 0 };
	struct kvm_msr_list *list;
	int i, found = 0;
	const uint32_t must[] = {
		MSR_IA32_SYSENTER_CS, MSR_STAR, MSR_LSTAR, MSR_IA32_TSC,
	};

	EXPECT_EQ(-1, ioctl(self->vm->sys_fd, KVM_GET_MSR_INDEX_LIST,
			    &probe));
	EXPECT_EQ(E2BIG, errno);
	ASSERT_LT(4, probe.nmsrs);
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(uint32_t));
	ASSERT_NE(NULL, list);
	list->nmsrs = probe.nmsrs;
	ASSERT_EQ(0, ioctl(self->vm->sys_fd, KVM_GET_MSR_INDEX_LIST, list));
	EXPECT_EQ(probe.nmsrs, list->nmsrs);
	for (i = 0; i < (int)list->nmsrs; i++) {
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(must); j++)
			if (list->indices[i] == must[j])
				found++;
	}
	EXPECT_EQ(4, found);
	free(list);
	EXPECT_EQ(-1, ioctl(self->vm->sys_fd, KVM_GET_MSR_INDEX_LIST,
			    (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(msr, round_trip)
{
	static const struct { uint32_t index; uint64_t val; } t[] = {
		{ MSR_IA32_SYSENTER_CS, 0x10 },
		/* 32 bits wide on AMD (upstream keeps 64 only for Intel
		 * guest vendor strings): use values that fit.
		 */
		{ MSR_IA32_SYSENTER_ESP, 0x81234560 },
		{ MSR_IA32_SYSENTER_EIP, 0x81234000 },
		{ MSR_STAR, 0x0023001000000000ULL },
		{ MSR_LSTAR, 0xffffffff81a00000ULL },
		{ MSR_CSTAR, 0xffffffff81a00100ULL },
		{ MSR_SYSCALL_MASK, 0x47700 },
		{ MSR_KERNEL_GS_BASE, 0xffff888012340000ULL },
		{ MSR_IA32_CR_PAT, 0x0007040600070406ULL },
	};
	unsigned int i;
	uint64_t v;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		ASSERT_EQ(0, kvmt_set_msr(self->vcpu, t[i].index, t[i].val))
			TH_LOG("set msr 0x%x", t[i].index);
		ASSERT_EQ(0, kvmt_get_msr(self->vcpu, t[i].index, &v));
		EXPECT_EQ(t[i].val, v) TH_LOG("msr 0x%x", t[i].index);
	}
	/* The TSC moves on, but from where it was put. */
	ASSERT_EQ(0, kvmt_set_msr(self->vcpu, MSR_IA32_TSC, 1ULL << 40));
	ASSERT_EQ(0, kvmt_get_msr(self->vcpu, MSR_IA32_TSC, &v));
	EXPECT_LE(1ULL << 40, v);
	EXPECT_GT((1ULL << 40) + (1ULL << 36), v);
}

TEST_F(msr, partial_and_bad)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[3];
	} m = { .hdr.nmsrs = 3 };

	m.e[0].index = MSR_LSTAR;
	m.e[0].data = 0xffffffff80001000ULL;
	m.e[1].index = MSR_BOGUS;
	m.e[2].index = MSR_CSTAR;
	m.e[2].data = 0x1234;
	/* Processing stops at the first MSR that cannot be set. */
	EXPECT_EQ(1, ioctl(self->vcpu->fd, KVM_SET_MSRS, &m));
	EXPECT_EQ(1, ioctl(self->vcpu->fd, KVM_GET_MSRS, &m));
	EXPECT_EQ(0xffffffff80001000ULL, m.e[0].data);
	/* Non-canonical LSTAR is refused. */
	EXPECT_NE(0, kvmt_set_msr(self->vcpu, MSR_LSTAR,
				  0x8000000000000000ULL));
	m.hdr.nmsrs = 100000;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_GET_MSRS, &m));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_MSRS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/* Guest: RDMSR LSTAR -> [0x9000], WRMSR SYSENTER_EIP/KERNEL_GS_BASE. */
KVMT_GUEST_CODE(msr_guest, ".code64",
	"movl $0xc0000082, %ecx\n\t"
	"rdmsr\n\t"
	"movl %eax, (0x9000)\n\t"
	"movl %edx, (0x9004)\n\t"
	"movl $0x176, %ecx\n\t"
	"movl $0x89abcdef, %eax\n\t"
	"xorl %edx, %edx\n\t"
	"wrmsr\n\t"
	"movl $0xc0000102, %ecx\n\t"
	"movl $0x11110000, %eax\n\t"
	"movl $0xffff8880, %edx\n\t"
	"wrmsr\n\t"
	"hlt");

TEST_F(msr, guest_rdmsr_wrmsr)
{
	uint64_t v;

	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(msr_guest)));
	ASSERT_EQ(0, kvmt_set_msr(self->vcpu, MSR_LSTAR,
				  0xffffffff81c00040ULL));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(0xffffffff81c00040ULL,
		  *(uint64_t *)kvmt_gpa(self->vm, 0x9000));
	ASSERT_EQ(0, kvmt_get_msr(self->vcpu, MSR_IA32_SYSENTER_EIP, &v));
	EXPECT_EQ(0x89abcdefULL, v);
	ASSERT_EQ(0, kvmt_get_msr(self->vcpu, MSR_KERNEL_GS_BASE, &v));
	EXPECT_EQ(0xffff888011110000ULL, v);
}

/* Guest: PERFCTR2 = 0x123456789a, RDPMC 2 -> [0x9000]. */
KVMT_GUEST_CODE(rdpmc_guest, ".code64",
	"movl $0xc0010006, %ecx\n\t"
	"movl $0x3456789a, %eax\n\t"
	"movl $0x12, %edx\n\t"
	"wrmsr\n\t"
	"xorl %eax, %eax\n\t"
	"xorl %edx, %edx\n\t"
	"movl $2, %ecx\n\t"
	"rdpmc\n\t"
	"movl %eax, (0x9000)\n\t"
	"movl %edx, (0x9004)\n\t"
	"hlt");

/* RDPMC at CPL 0 reads the legacy AMD counter the guest wrote. */
TEST_F(msr, guest_rdpmc)
{
	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(rdpmc_guest)));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(0x123456789aULL, *(uint64_t *)kvmt_gpa(self->vm, 0x9000));
}

static bool msr_la57_supported(int sys_fd)
{
	struct kvm_cpuid2 *c = kvmt_get_supported_cpuid(sys_fd);
	bool la57 = false;
	unsigned int i;

	for (i = 0; c && i < c->nent; i++)
		if (c->entries[i].function == 7 && c->entries[i].index == 0)
			la57 = c->entries[i].ecx & CPUID_7_ECX_LA57;
	free(c);
	return la57;
}

/*
 * Segment-base and syscall MSRs must be canonical for the guest's linear
 * address width: 48 bits, or 57 under CR4.LA57.  A 5-level Linux guest
 * writes GS_BASE with a 0xff11... per-CPU address right after
 * setup_per_cpu_areas(); refusing it (#GP) made it triple fault.
 */
TEST_F(msr, la57_widens_canonical)
{
	static const uint32_t idx[] = {
		MSR_GS_BASE, MSR_KERNEL_GS_BASE, MSR_LSTAR,
	};
	struct kvm_sregs s;
	unsigned int i;
	uint64_t v;

	if (!msr_la57_supported(self->vm->sys_fd))
		SKIP(return, "no LA57 in KVM_GET_SUPPORTED_CPUID");
	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup_mode(self->vcpu, KVMT_MODE_LONG64));
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &s));
	ASSERT_EQ(0, s.cr4 & CR4_LA57);
	for (i = 0; i < ARRAY_SIZE(idx); i++)
		EXPECT_NE(0, kvmt_set_msr(self->vcpu, idx[i], LA57_BASE))
			TH_LOG("4-level, msr 0x%x", idx[i]);

	s.cr4 |= CR4_LA57;
	ASSERT_EQ(0, kvmt_set_sregs(self->vcpu, &s));
	for (i = 0; i < ARRAY_SIZE(idx); i++) {
		ASSERT_EQ(0, kvmt_set_msr(self->vcpu, idx[i], LA57_BASE))
			TH_LOG("5-level, msr 0x%x", idx[i]);
		ASSERT_EQ(0, kvmt_get_msr(self->vcpu, idx[i], &v));
		EXPECT_EQ(LA57_BASE, v) TH_LOG("msr 0x%x", idx[i]);
		/* Bits 63:57 must still copy bit 56. */
		EXPECT_NE(0, kvmt_set_msr(self->vcpu, idx[i],
					  0x0100000000000000ULL))
			TH_LOG("5-level non-canonical, msr 0x%x", idx[i]);
	}
}

TEST_HARNESS_MAIN

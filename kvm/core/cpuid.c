// SPDX-License-Identifier: GPL-2.0
/*
 * CPUID: what the hypervisor can offer (KVM_GET_SUPPORTED_CPUID), the
 * table userspace gives each vCPU (KVM_SET_CPUID2) and guest CPUID
 * lookups in it.
 *
 * The supported set is the host's, minus what a guest cannot use under
 * kvmx: virtualization extensions, monitoring and power features, XSAVE
 * components beyond AVX, TSC_AUX readers (RDTSCP, RDPID), protection keys.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/processor.h>

#include "../kvmx.h"

#define KVMX_CPUID_HYPERVISOR	BIT(31)
#define KVMX_CPUID_OSXSAVE	BIT(27)
#define KVMX_CPUID_APIC		BIT(9)

/*
 * Leaf 1 ECX: SSE3, PCLMUL, SSSE3, FMA, CX16, SSE4.1/4.2, MOVBE, POPCNT,
 * AES, XSAVE, AVX, F16C, RDRAND.
 */
#define KVMX_L1_ECX	(BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | \
			 BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | \
			 BIT(26) | BIT(28) | BIT(29) | BIT(30))
/* Leaf 1 EDX: everything but DS, ACPI, TM, PBE. */
#define KVMX_L1_EDX	(~(BIT(21) | BIT(22) | BIT(29) | BIT(31)))
/*
 * Leaf 7 EBX: FSGSBASE, BMI1, AVX2, SMEP, BMI2, ERMS, INVPCID, ADX, SMAP,
 * CLFLUSHOPT, CLWB, SHA.
 */
#define KVMX_L7_EBX	(BIT(0) | BIT(3) | BIT(5) | BIT(7) | BIT(8) | \
			 BIT(9) | BIT(10) | BIT(19) | BIT(20) | BIT(23) | \
			 BIT(24) | BIT(29))
/* Leaf 7 ECX: UMIP, LA57. */
#define KVMX_L7_ECX	(BIT(2) | BIT(16))
/* 0x80000001 ECX: LAHF, CMP_LEGACY, ABM, SSE4A, MISALIGNSSE, PREFETCHW. */
#define KVMX_E1_ECX	(BIT(0) | BIT(1) | BIT(5) | BIT(6) | BIT(7) | BIT(8))
/* 0x80000001 EDX: all but RDTSCP. */
#define KVMX_E1_EDX	(~BIT(27))

/**
 * kvmx_supported_xcr0() - XCR0 bits a guest may enable
 *
 * Return: x87, SSE and AVX as far as the host has them enabled.
 */
u64 kvmx_supported_xcr0(void)
{
	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return 0;
	return xgetbv(XCR_XFEATURE_ENABLED_MASK) &
	       (XFEATURE_MASK_FPSSE | XFEATURE_MASK_YMM);
}

/**
 * kvmx_xsave_size() - size of a standard-format XSAVE area
 * @xcr0: the components it holds
 *
 * Return: the legacy area and header, then each component at its CPUID
 * offset.
 */
u32 kvmx_xsave_size(u64 xcr0)
{
	u32 size = 512 + 64, eax, ebx, ecx, edx;
	int i;

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, ebx + eax);
	}
	return size;
}

static void kvmx_fixup_entry(struct kvm_cpuid_entry2 *e)
{
	u64 xcr0 = kvmx_supported_xcr0();

	switch (e->function) {
	case 1:
		e->ebx &= 0x00ffffff;
		e->ecx &= KVMX_L1_ECX;
		e->ecx |= KVMX_CPUID_HYPERVISOR;
		e->edx &= KVMX_L1_EDX;
		break;
	case 7:
		if (e->index == 0) {
			e->eax = 0;
			e->ebx &= KVMX_L7_EBX;
			e->ecx &= KVMX_L7_ECX;
			e->edx = 0;
		} else {
			e->eax = 0;
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
		}
		break;
	case 0xd:
		if (e->index == 0) {
			/* Sizes for what the guest can enable, not the host. */
			e->eax = (u32)xcr0;
			e->ebx = kvmx_xsave_size(xcr0);
			e->ecx = e->ebx;
			e->edx = xcr0 >> 32;
		} else if (e->index == 1) {
			e->eax &= BIT(0) | BIT(2);
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
		}
		break;
	case 0x80000001:
		e->ecx &= KVMX_E1_ECX;
		e->edx &= KVMX_E1_EDX;
		break;
	}
}

static int kvmx_add_entry(struct kvm_cpuid_entry2 *ents, int *n, int max,
			  u32 function, u32 index, bool indexed)
{
	struct kvm_cpuid_entry2 *e;

	if (*n >= max)
		return -E2BIG;
	e = &ents[(*n)++];
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	if (indexed)
		e->flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	kvmx_fixup_entry(e);
	return 0;
}

static int kvmx_build_supported(struct kvm_cpuid_entry2 *ents, int max)
{
	u32 max_basic = min_t(u32, cpuid_eax(0), 0xd);
	u32 max_ext = min_t(u32, cpuid_eax(0x80000000), 0x80000008);
	u64 xcr0 = kvmx_supported_xcr0();
	int n = 0, r = 0;
	u32 f, i;

	for (f = 0; f <= max_basic && !r; f++) {
		switch (f) {
		case 4:
			for (i = 0; i < 8 && !r; i++) {
				r = kvmx_add_entry(ents, &n, max, f, i, true);
				if (!r && !(ents[n - 1].eax & 0x1f))
					break;
			}
			break;
		case 7:
			r = kvmx_add_entry(ents, &n, max, f, 0, true);
			break;
		case 0xd:
			for (i = 0; i < 3 && !r; i++)
				if (i < 2 || (xcr0 & BIT_ULL(i)))
					r = kvmx_add_entry(ents, &n, max, f, i,
							   true);
			break;
		case 0xb:
			break;
		default:
			r = kvmx_add_entry(ents, &n, max, f, 0, false);
		}
	}
	if (!r)
		ents[0].eax = max_basic;
	for (f = 0x80000000; f <= max_ext && !r; f++) {
		if (f == 0x8000000a)
			continue;
		r = kvmx_add_entry(ents, &n, max, f, 0, false);
		if (!r && f == 0x80000000)
			ents[n - 1].eax = max_ext;
	}
	return r ? r : n;
}

/**
 * kvmx_get_supported_cpuid() - KVM_GET_SUPPORTED_CPUID
 * @argp: struct kvm_cpuid2 from userspace
 *
 * Return: 0, -E2BIG if nent is too small, -EFAULT.
 */
int kvmx_get_supported_cpuid(struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *ents;
	struct kvm_cpuid2 c;
	int n, r = 0;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.nent < 1)
		return -E2BIG;
	c.nent = min_t(u32, c.nent, KVMX_MAX_CPUID_ENTRIES);
	ents = kvcalloc(c.nent, sizeof(*ents), GFP_KERNEL);
	if (!ents)
		return -ENOMEM;
	n = kvmx_build_supported(ents, c.nent);
	if (n < 0) {
		r = n;
		goto out;
	}
	c.nent = n;
	if (copy_to_user(argp, &c, sizeof(c)) ||
	    copy_to_user(argp->entries, ents, n * sizeof(*ents)))
		r = -EFAULT;
out:
	kvfree(ents);
	return r;
}

/**
 * kvmx_get_emulated_cpuid() - KVM_GET_EMULATED_CPUID
 * @argp: struct kvm_cpuid2 from userspace
 *
 * kvmx emulates no CPUID feature the hardware lacks, so the list is
 * empty; the size rule is the one of KVM_GET_SUPPORTED_CPUID.
 *
 * Return: 0 (nent set to 0), -E2BIG for nent 0, -EFAULT.
 */
int kvmx_get_emulated_cpuid(struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid2 c;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.nent < 1)
		return -E2BIG;
	c.nent = 0;
	return copy_to_user(argp, &c, sizeof(c)) ? -EFAULT : 0;
}

/**
 * kvmx_set_cpuid2() - KVM_SET_CPUID2
 * @vcpu: the vCPU
 * @argp: struct kvm_cpuid2 from userspace
 *
 * Return: 0, -E2BIG beyond KVMX_MAX_CPUID_ENTRIES entries, -EFAULT.
 */
int kvmx_set_cpuid2(struct kvmx_vcpu *vcpu, struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid_entry2 *ents = NULL;
	struct kvm_cpuid2 c;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.nent > KVMX_MAX_CPUID_ENTRIES)
		return -E2BIG;
	if (c.nent) {
		ents = memdup_user(argp->entries, c.nent * sizeof(*ents));
		if (IS_ERR(ents))
			return PTR_ERR(ents);
	}
	kfree(vcpu->cpuid);
	vcpu->cpuid = ents;
	vcpu->cpuid_nent = c.nent;
	return 0;
}

/**
 * kvmx_get_cpuid2() - KVM_GET_CPUID2
 * @vcpu: the vCPU
 * @argp: struct kvm_cpuid2 from userspace
 *
 * Return: 0, -E2BIG if nent is smaller than the table, -EFAULT.
 */
int kvmx_get_cpuid2(struct kvmx_vcpu *vcpu, struct kvm_cpuid2 __user *argp)
{
	struct kvm_cpuid2 c;

	if (copy_from_user(&c, argp, sizeof(c)))
		return -EFAULT;
	if (c.nent < vcpu->cpuid_nent)
		return -E2BIG;
	if (copy_to_user(argp->entries, vcpu->cpuid,
			 vcpu->cpuid_nent * sizeof(*vcpu->cpuid)))
		return -EFAULT;
	c.nent = vcpu->cpuid_nent;
	if (copy_to_user(argp, &c, sizeof(c)))
		return -EFAULT;
	return 0;
}

/**
 * kvmx_cpuid_lookup() - what guest CPUID(@function, @index) returns
 * @vcpu: the vCPU
 * @function: EAX input
 * @index: ECX input
 * @eax: output
 * @ebx: output
 * @ecx: output
 * @edx: output
 *
 * Leaves missing from the table read as zeros.  OSXSAVE and APIC follow
 * CR4.OSXSAVE and the APIC base enable bit, and leaf 0xd EBX the guest's
 * XCR0, as on hardware.
 */
void kvmx_cpuid_lookup(struct kvmx_vcpu *vcpu, u32 function, u32 index,
		       u32 *eax, u32 *ebx, u32 *ecx, u32 *edx)
{
	int i;

	*eax = 0;
	*ebx = 0;
	*ecx = 0;
	*edx = 0;
	for (i = 0; i < vcpu->cpuid_nent; i++) {
		const struct kvm_cpuid_entry2 *e = &vcpu->cpuid[i];

		if (e->function != function)
			continue;
		if ((e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) &&
		    e->index != index)
			continue;
		*eax = e->eax;
		*ebx = e->ebx;
		*ecx = e->ecx;
		*edx = e->edx;
		break;
	}
	if (function == 1 && i < vcpu->cpuid_nent) {
		struct kvm_sregs s;

		memset(&s, 0, sizeof(s));
		kvmx_ops->get_sregs(vcpu, &s);
		*ecx &= ~KVMX_CPUID_OSXSAVE;
		if (s.cr4 & X86_CR4_OSXSAVE)
			*ecx |= KVMX_CPUID_OSXSAVE;
		if (!(vcpu->msr.apic_base & BIT(11)))
			*edx &= ~KVMX_CPUID_APIC;
	}
	/* As on hardware, EBX is the XSAVE size for the current XCR0. */
	if (function == 0xd && index == 0 && i < vcpu->cpuid_nent)
		*ebx = kvmx_xsave_size(vcpu->xcr0);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * VMCB contents: power-on state, intercepts, and the conversions between
 * the VMCB save area and the KVM ABI (segments, control registers, the
 * MSRs whose state the VMCB holds).
 */
#include <linux/kvm.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/tsc.h>

#include "svm.h"

#define KVMX_SEG_ATTR_CODE16	0x9b	/* present, S, exec/read, accessed */
#define KVMX_SEG_ATTR_DATA16	0x93	/* present, S, read/write, accessed */
#define KVMX_SEG_ATTR_LDT	0x82
#define KVMX_SEG_ATTR_TSS	0x8b	/* busy 32-bit TSS */
#define KVMX_PAT_DEFAULT	0x0007040600070406ULL
#define KVMX_EFER_VALID		(EFER_SCE | EFER_LME | EFER_LMA | EFER_NX | \
				 EFER_FFXSR)

static void kvmx_seg_reset(struct vmcb_seg *s, u16 sel, u64 base, u16 attr)
{
	s->selector = sel;
	s->base = base;
	s->limit = 0xffff;
	s->attrib = attr;
}

static void kvmx_svm_init_intercepts(struct vmcb *vmcb)
{
	static const int bits[] = {
		INTERCEPT_INTR, INTERCEPT_NMI, INTERCEPT_SMI, INTERCEPT_CPUID,
		INTERCEPT_INVD, INTERCEPT_HLT, INTERCEPT_INVLPGA,
		INTERCEPT_IOIO_PROT, INTERCEPT_MSR_PROT, INTERCEPT_SHUTDOWN,
		INTERCEPT_VMRUN, INTERCEPT_VMMCALL, INTERCEPT_VMLOAD,
		INTERCEPT_VMSAVE, INTERCEPT_STGI, INTERCEPT_CLGI,
		INTERCEPT_SKINIT, INTERCEPT_WBINVD, INTERCEPT_MONITOR,
		INTERCEPT_MWAIT, INTERCEPT_XSETBV, INTERCEPT_RDPRU,
		INTERCEPT_RDPMC,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(bits); i++)
		kvmx_svm_set_intercept(vmcb, bits[i]);
}

/**
 * kvmx_svm_vmcb_reset() - put a VMCB in the x86 power-on state
 * @svm: the vCPU
 *
 * Also used after a SHUTDOWN intercept, which leaves the VMCB undefined.
 */
void kvmx_svm_vmcb_reset(struct kvmx_svm_vcpu *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_control_area *c = &vmcb->control;
	struct vmcb_save_area *s = &vmcb->save;

	memset(vmcb, 0, PAGE_SIZE);
	kvmx_svm_init_intercepts(vmcb);
	kvmx_svm_dr_intercepts_on(svm);
	kvmx_svm_set_guest_debug(svm->vcpu);
	c->iopm_base_pa = kvmx_svm_iopm_pa;
	c->msrpm_base_pa = kvmx_svm_msrpm_pa;
	c->tsc_offset = -rdtsc();
	c->int_ctl = V_INTR_MASKING_MASK;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = kvmx_mmu_root_pa(svm->vcpu->vm);
	c->asid = svm->asid;

	kvmx_seg_reset(&s->cs, 0xf000, 0xffff0000, KVMX_SEG_ATTR_CODE16);
	kvmx_seg_reset(&s->ds, 0, 0, KVMX_SEG_ATTR_DATA16);
	kvmx_seg_reset(&s->es, 0, 0, KVMX_SEG_ATTR_DATA16);
	kvmx_seg_reset(&s->ss, 0, 0, KVMX_SEG_ATTR_DATA16);
	kvmx_seg_reset(&s->fs, 0, 0, KVMX_SEG_ATTR_DATA16);
	kvmx_seg_reset(&s->gs, 0, 0, KVMX_SEG_ATTR_DATA16);
	kvmx_seg_reset(&s->ldtr, 0, 0, KVMX_SEG_ATTR_LDT);
	kvmx_seg_reset(&s->tr, 0, 0, KVMX_SEG_ATTR_TSS);
	s->gdtr.limit = 0xffff;
	s->idtr.limit = 0xffff;
	s->efer = EFER_SVME;
	s->cr0 = X86_CR0_NW | X86_CR0_CD | X86_CR0_ET;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->rflags = X86_EFLAGS_FIXED;
	s->rip = 0xfff0;
	s->g_pat = KVMX_PAT_DEFAULT;
	svm->flush_pending = true;
	svm->nmi_masked = false;
}

static void kvmx_seg_get(const struct vmcb_seg *s, struct kvm_segment *k)
{
	k->base = s->base;
	k->limit = s->limit;
	k->selector = s->selector;
	k->type = s->attrib & SVM_SELECTOR_TYPE_MASK;
	k->s = (s->attrib >> SVM_SELECTOR_S_SHIFT) & 1;
	k->dpl = (s->attrib >> SVM_SELECTOR_DPL_SHIFT) & 3;
	k->present = (s->attrib >> SVM_SELECTOR_P_SHIFT) & 1;
	k->avl = (s->attrib >> SVM_SELECTOR_AVL_SHIFT) & 1;
	k->l = (s->attrib >> SVM_SELECTOR_L_SHIFT) & 1;
	k->db = (s->attrib >> SVM_SELECTOR_DB_SHIFT) & 1;
	k->g = (s->attrib >> SVM_SELECTOR_G_SHIFT) & 1;
	k->unusable = !k->present;
	k->padding = 0;
}

static void kvmx_seg_set(struct vmcb_seg *s, const struct kvm_segment *k)
{
	s->base = k->base;
	s->limit = k->limit;
	s->selector = k->selector;
	s->attrib = (k->type & SVM_SELECTOR_TYPE_MASK) |
		    (k->s & 1) << SVM_SELECTOR_S_SHIFT |
		    (k->dpl & 3) << SVM_SELECTOR_DPL_SHIFT |
		    ((k->present & 1) && !k->unusable) << SVM_SELECTOR_P_SHIFT |
		    (k->avl & 1) << SVM_SELECTOR_AVL_SHIFT |
		    (k->l & 1) << SVM_SELECTOR_L_SHIFT |
		    (k->db & 1) << SVM_SELECTOR_DB_SHIFT |
		    (k->g & 1) << SVM_SELECTOR_G_SHIFT;
}

/**
 * kvmx_svm_get_sregs() - KVM_GET_SREGS from the VMCB
 * @vcpu: the vCPU
 * @k: filled in (apic_base and interrupt_bitmap are the core's)
 */
void kvmx_svm_get_sregs(struct kvmx_vcpu *vcpu, struct kvm_sregs *k)
{
	const struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;

	kvmx_seg_get(&s->cs, &k->cs);
	kvmx_seg_get(&s->ds, &k->ds);
	kvmx_seg_get(&s->es, &k->es);
	kvmx_seg_get(&s->fs, &k->fs);
	kvmx_seg_get(&s->gs, &k->gs);
	kvmx_seg_get(&s->ss, &k->ss);
	kvmx_seg_get(&s->tr, &k->tr);
	kvmx_seg_get(&s->ldtr, &k->ldt);
	/* A loaded TR is always usable; report its busy type. */
	k->tr.unusable = 0;
	k->gdt.base = s->gdtr.base;
	k->gdt.limit = s->gdtr.limit;
	k->idt.base = s->idtr.base;
	k->idt.limit = s->idtr.limit;
	k->cr0 = s->cr0;
	k->cr2 = s->cr2;
	k->cr3 = s->cr3;
	k->cr4 = s->cr4;
	k->cr8 = kvmx_svm_get_cr8(vcpu);
	k->efer = s->efer & ~EFER_SVME;
}

/**
 * kvmx_svm_set_sregs() - KVM_SET_SREGS into the VMCB
 * @vcpu: the vCPU
 * @k: new values
 *
 * Return: 0, or -EINVAL for inconsistent control registers.
 */
int kvmx_svm_set_sregs(struct kvmx_vcpu *vcpu, const struct kvm_sregs *k)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *s = &svm->vmcb->save;

	if (k->efer & ~KVMX_EFER_VALID)
		return -EINVAL;
	if ((k->cr0 & X86_CR0_PG) && !(k->cr0 & X86_CR0_PE))
		return -EINVAL;
	if ((k->cr0 & X86_CR0_NW) && !(k->cr0 & X86_CR0_CD))
		return -EINVAL;
	if (k->cr0 >> 32 || k->cr4 & ~0x7fffffULL)
		return -EINVAL;
	if ((k->efer & EFER_LME) && (k->cr0 & X86_CR0_PG)) {
		if (!(k->cr4 & X86_CR4_PAE) || !(k->efer & EFER_LMA))
			return -EINVAL;
	} else if (k->efer & EFER_LMA) {
		return -EINVAL;
	}

	kvmx_seg_set(&s->cs, &k->cs);
	kvmx_seg_set(&s->ds, &k->ds);
	kvmx_seg_set(&s->es, &k->es);
	kvmx_seg_set(&s->fs, &k->fs);
	kvmx_seg_set(&s->gs, &k->gs);
	kvmx_seg_set(&s->ss, &k->ss);
	kvmx_seg_set(&s->tr, &k->tr);
	kvmx_seg_set(&s->ldtr, &k->ldt);
	s->gdtr.base = k->gdt.base;
	s->gdtr.limit = k->gdt.limit;
	s->idtr.base = k->idt.base;
	s->idtr.limit = k->idt.limit;
	s->cr0 = k->cr0;
	s->cr2 = k->cr2;
	s->cr3 = k->cr3;
	s->cr4 = k->cr4;
	s->efer = k->efer | EFER_SVME;
	s->cpl = (k->cr0 & X86_CR0_PE) ? k->ss.dpl & 3 : 0;
	kvmx_svm_set_cr8(vcpu, k->cr8);
	svm->flush_pending = true;
	return 0;
}

static bool kvmx_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/**
 * kvmx_svm_get_msr() - MSRs whose value lives in the VMCB
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: the value
 *
 * Return: 0, or 1 if the MSR is not kept in the VMCB.
 */
int kvmx_svm_get_msr(struct kvmx_vcpu *vcpu, u32 index, u64 *data)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	struct vmcb_save_area *s = &vmcb->save;

	switch (index) {
	case MSR_EFER:
		*data = s->efer & ~EFER_SVME;
		break;
	case MSR_STAR:
		*data = s->star;
		break;
	case MSR_LSTAR:
		*data = s->lstar;
		break;
	case MSR_CSTAR:
		*data = s->cstar;
		break;
	case MSR_SYSCALL_MASK:
		*data = s->sfmask;
		break;
	case MSR_KERNEL_GS_BASE:
		*data = s->kernel_gs_base;
		break;
	case MSR_FS_BASE:
		*data = s->fs.base;
		break;
	case MSR_GS_BASE:
		*data = s->gs.base;
		break;
	case MSR_IA32_SYSENTER_CS:
		*data = s->sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = s->sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = s->sysenter_eip;
		break;
	case MSR_IA32_CR_PAT:
		*data = s->g_pat;
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcb->control.tsc_offset;
		break;
	default:
		return 1;
	}
	return 0;
}

/* Linear address width of the guest: 57 bits under CR4.LA57, else 48. */
static u8 kvmx_svm_va_bits(const struct vmcb_save_area *s)
{
	return (s->cr4 & X86_CR4_LA57) ? 57 : 48;
}

/**
 * kvmx_svm_set_msr() - write an MSR whose value lives in the VMCB
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: the value
 * @host: written by userspace rather than the guest
 *
 * Return: 0, -EINVAL for an invalid value, 1 if not kept in the VMCB.
 */
int kvmx_svm_set_msr(struct kvmx_vcpu *vcpu, u32 index, u64 data, bool host)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *s = &svm->vmcb->save;

	switch (index) {
	case MSR_EFER:
		if (data & ~KVMX_EFER_VALID)
			return -EINVAL;
		if (!host) {
			/* LMA is read-only; LME cannot change under paging. */
			data = (data & ~EFER_LMA) | (s->efer & EFER_LMA);
			if ((s->cr0 & X86_CR0_PG) &&
			    ((data ^ s->efer) & EFER_LME))
				return -EINVAL;
		}
		s->efer = data | EFER_SVME;
		break;
	case MSR_STAR:
		s->star = data;
		break;
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_KERNEL_GS_BASE:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/* With CR4.LA57 (5-level paging) addresses have 57 bits. */
		if (!__is_canonical_address(data, kvmx_svm_va_bits(s)))
			return -EINVAL;
		if (index == MSR_LSTAR)
			s->lstar = data;
		else if (index == MSR_CSTAR)
			s->cstar = data;
		else if (index == MSR_KERNEL_GS_BASE)
			s->kernel_gs_base = data;
		else if (index == MSR_FS_BASE)
			s->fs.base = data;
		else if (index == MSR_GS_BASE)
			s->gs.base = data;
		else if (index == MSR_IA32_SYSENTER_ESP)
			s->sysenter_esp = data;
		else
			s->sysenter_eip = data;
		break;
	case MSR_SYSCALL_MASK:
		s->sfmask = data;
		break;
	case MSR_IA32_SYSENTER_CS:
		s->sysenter_cs = data;
		break;
	case MSR_IA32_CR_PAT:
		if (!kvmx_pat_valid(data))
			return -EINVAL;
		s->g_pat = data;
		break;
	case MSR_IA32_TSC:
		svm->vmcb->control.tsc_offset = data - rdtsc();
		break;
	default:
		return 1;
	}
	return 0;
}

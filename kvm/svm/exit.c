// SPDX-License-Identifier: GPL-2.0
/*
 * #VMEXIT dispatch: turn the VMCB's exit code and exit information into
 * calls of the core's exit handlers.
 *
 * Without the NRIP-save feature the VMCB does not say where the next
 * instruction starts; for IOIO EXITINFO2 does, and the other intercepted
 * instructions have fixed encodings (CPUID 0F A2, RDMSR 0F 32, WRMSR
 * 0F 30, RDPMC 0F 33, HLT F4, XSETBV 0F 01 D1, INVD 0F 08, WBINVD 0F 09).
 */
#include <linux/kvm.h>

#include "svm.h"

#define KVMX_UD_VECTOR	6

static u64 kvmx_svm_next_rip(struct kvmx_vcpu *vcpu, unsigned int len)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	if (kvmx_svm_caps.nrips && vmcb->control.next_rip)
		return vmcb->control.next_rip;
	return vcpu->rip + len;
}

static int kvmx_svm_ioio(struct kvmx_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u64 info = vmcb->control.exit_info_1;
	u8 size = (info & SVM_IOIO_SIZE_MASK) >> SVM_IOIO_SIZE_SHIFT;
	u8 asize = (info & SVM_IOIO_ASIZE_MASK) >> SVM_IOIO_ASIZE_SHIFT;
	int seg = KVMX_SEG_DS;

	if (kvmx_svm_caps.decode_assists)
		seg = (info >> 10) & 7;
	/* SZ8/SZ16/SZ32 and A16/A32/A64 are one-hot. */
	return kvmx_handle_pio(vcpu, info >> 16, size,
			       info & SVM_IOIO_TYPE_MASK,
			       info & SVM_IOIO_STR_MASK,
			       info & SVM_IOIO_REP_MASK,
			       asize == 4 ? 8 : asize == 2 ? 4 : 2, seg,
			       vmcb->control.exit_info_2);
}

static int kvmx_svm_shutdown(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);

	/* The VMCB is undefined after SHUTDOWN: back to power-on state. */
	kvmx_svm_vmcb_reset(svm);
	vcpu->rip = svm->vmcb->save.rip;
	vcpu->rflags = svm->vmcb->save.rflags;
	return kvmx_handle_shutdown(vcpu);
}

/**
 * kvmx_svm_handle_exit() - dispatch the last #VMEXIT
 * @vcpu: the vCPU
 *
 * Return: KVMX_EXIT_CONTINUE, KVMX_EXIT_USER or -errno.
 */
int kvmx_svm_handle_exit(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 code = c->exit_code;

	kvmx_svm_disable_irq_window(svm);

	switch (code) {
	case SVM_EXIT_INTR:
		vcpu->stats[KVMX_STAT_INTR]++;
		return KVMX_EXIT_CONTINUE;
	case SVM_EXIT_NMI:
		vcpu->stats[KVMX_STAT_NMI]++;
		return KVMX_EXIT_CONTINUE;
	case SVM_EXIT_SMI:
	case SVM_EXIT_VINTR:
		vcpu->stats[KVMX_STAT_OTHER]++;
		return KVMX_EXIT_CONTINUE;
	case SVM_EXIT_IOIO:
		return kvmx_svm_ioio(vcpu);
	case SVM_EXIT_NPF:
		return kvmx_mmu_page_fault(vcpu, c->exit_info_2,
					   c->exit_info_1 & BIT(1),
					   c->exit_info_1 & BIT(4));
	case SVM_EXIT_HLT:
		return kvmx_handle_hlt(vcpu, kvmx_svm_next_rip(vcpu, 1));
	case SVM_EXIT_CPUID:
		return kvmx_handle_cpuid(vcpu, kvmx_svm_next_rip(vcpu, 2));
	case SVM_EXIT_MSR:
		if (c->exit_info_1)
			return kvmx_handle_wrmsr(vcpu,
						 kvmx_svm_next_rip(vcpu, 2));
		return kvmx_handle_rdmsr(vcpu, kvmx_svm_next_rip(vcpu, 2));
	case SVM_EXIT_RDPMC:
		return kvmx_handle_rdpmc(vcpu, kvmx_svm_next_rip(vcpu, 2));
	case SVM_EXIT_XSETBV:
		return kvmx_handle_xsetbv(vcpu, kvmx_svm_next_rip(vcpu, 3));
	case SVM_EXIT_INVD:
	case SVM_EXIT_WBINVD:
		vcpu->stats[KVMX_STAT_INVD]++;
		vcpu->rip = kvmx_svm_next_rip(vcpu, 2);
		return KVMX_EXIT_CONTINUE;
	case SVM_EXIT_IRET:
		vcpu->stats[KVMX_STAT_IRET]++;
		kvmx_svm_set_nmi_mask(vcpu, false);
		return KVMX_EXIT_CONTINUE;
	case SVM_EXIT_READ_DR0 ... SVM_EXIT_READ_DR7:
	case SVM_EXIT_WRITE_DR0 ... SVM_EXIT_WRITE_DR7:
		return kvmx_svm_dr_access(vcpu);
	case SVM_EXIT_EXCP_BASE + 1:
		return kvmx_svm_debug_exit(vcpu, 1);
	case SVM_EXIT_EXCP_BASE + 3:
		return kvmx_svm_debug_exit(vcpu, 3);
	case SVM_EXIT_SWINT:
		return kvmx_svm_swint(vcpu);
	case SVM_EXIT_SHUTDOWN:
		return kvmx_svm_shutdown(vcpu);
	case SVM_EXIT_VMRUN:
	case SVM_EXIT_VMMCALL:
	case SVM_EXIT_VMLOAD:
	case SVM_EXIT_VMSAVE:
	case SVM_EXIT_STGI:
	case SVM_EXIT_CLGI:
	case SVM_EXIT_SKINIT:
	case SVM_EXIT_INVLPGA:
	case SVM_EXIT_MONITOR:
	case SVM_EXIT_MWAIT:
	case SVM_EXIT_RDPRU:
		vcpu->stats[KVMX_STAT_UD]++;
		kvmx_queue_exception(vcpu, KVMX_UD_VECTOR, false, 0);
		return KVMX_EXIT_CONTINUE;
	case SVM_EXIT_ERR:
		return kvmx_handle_fail_entry(vcpu, c->exit_code);
	default:
		return kvmx_internal_error(vcpu,
				KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				code, raw_smp_processor_id());
	}
}

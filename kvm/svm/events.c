// SPDX-License-Identifier: GPL-2.0
/*
 * Event injection on SVM: EVENTINJ for interrupts, NMIs and exceptions,
 * a virtual interrupt (V_IRQ) with the VINTR intercept as the interrupt
 * window, the IRET intercept to learn when an NMI handler has finished,
 * and re-injection of events whose delivery an exit interrupted.
 */
#include <asm/processor-flags.h>

#include "svm.h"

/**
 * kvmx_svm_get_cpl() - the guest's current privilege level
 * @vcpu: the vCPU
 *
 * Return: 0..3.
 */
int kvmx_svm_get_cpl(struct kvmx_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cpl;
}

static bool kvmx_svm_blocked(struct kvmx_svm_vcpu *svm)
{
	const struct vmcb_control_area *c = &svm->vmcb->control;

	return (c->int_state & SVM_INTERRUPT_SHADOW_MASK) ||
	       (c->event_inj & SVM_EVTINJ_VALID);
}

/**
 * kvmx_svm_interrupt_allowed() - can an external interrupt be injected now
 * @vcpu: the vCPU
 *
 * Return: RFLAGS.IF set, no STI/MOV SS shadow, nothing else being injected.
 */
bool kvmx_svm_interrupt_allowed(struct kvmx_vcpu *vcpu)
{
	return (vcpu->rflags & X86_EFLAGS_IF) &&
	       !kvmx_svm_blocked(to_svm(vcpu));
}

/**
 * kvmx_svm_nmi_allowed() - can an NMI be injected now
 * @vcpu: the vCPU
 *
 * Return: not inside an NMI handler, no shadow, nothing being injected.
 */
bool kvmx_svm_nmi_allowed(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);

	return !svm->nmi_masked && !kvmx_svm_blocked(svm);
}

/**
 * kvmx_svm_enable_irq_window() - exit when the guest can take an interrupt
 * @vcpu: the vCPU
 *
 * A virtual interrupt of the highest priority, ignoring the TPR, is
 * taken as soon as RFLAGS.IF=1 and no shadow; the VINTR intercept turns
 * that moment into an exit before anything is delivered.
 */
void kvmx_svm_enable_irq_window(struct kvmx_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;

	vmcb->control.int_ctl |= V_IRQ_MASK | V_IGN_TPR_MASK |
				 (0xf << V_INTR_PRIO_SHIFT);
	vmcb->control.int_vector = 0;
	kvmx_svm_set_intercept(vmcb, INTERCEPT_VINTR);
}

/**
 * kvmx_svm_disable_irq_window() - withdraw the virtual interrupt
 * @svm: the vCPU
 */
void kvmx_svm_disable_irq_window(struct kvmx_svm_vcpu *svm)
{
	struct vmcb *vmcb = svm->vmcb;

	vmcb->control.int_ctl &= ~(V_IRQ_MASK | V_IGN_TPR_MASK |
				   V_INTR_PRIO_MASK);
	kvmx_svm_clr_intercept(vmcb, INTERCEPT_VINTR);
}

/**
 * kvmx_svm_inject_irq() - deliver external interrupt @vector at next entry
 * @vcpu: the vCPU
 * @vector: the vector
 */
void kvmx_svm_inject_irq(struct kvmx_vcpu *vcpu, u8 vector)
{
	to_svm(vcpu)->vmcb->control.event_inj = vector | SVM_EVTINJ_VALID |
						 SVM_EVTINJ_TYPE_INTR;
}

/**
 * kvmx_svm_inject_nmi() - deliver an NMI at the next entry
 * @vcpu: the vCPU
 *
 * NMIs stay blocked until the guest's IRET, which is intercepted.
 */
void kvmx_svm_inject_nmi(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);

	svm->vmcb->control.event_inj = SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_NMI |
				       2;
	kvmx_svm_set_nmi_mask(vcpu, true);
}

/**
 * kvmx_svm_inject_exception() - deliver an exception at the next entry
 * @vcpu: the vCPU
 * @vector: exception vector
 * @has_error: push @error_code
 * @error_code: the error code
 */
void kvmx_svm_inject_exception(struct kvmx_vcpu *vcpu, u8 vector,
			       bool has_error, u32 error_code)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->event_inj = vector | SVM_EVTINJ_VALID | SVM_EVTINJ_TYPE_EXEPT |
		       (has_error ? SVM_EVTINJ_VALID_ERR : 0);
	c->event_inj_err = error_code;
	/* Event injection does not write CR2; a #PF needs its address. */
	if (vector == 14)
		to_svm(vcpu)->vmcb->save.cr2 = vcpu->exc_cr2;
}

/**
 * kvmx_svm_get_interrupt_shadow() - STI or MOV SS shadow active
 * @vcpu: the vCPU
 *
 * Return: the shadow state.
 */
bool kvmx_svm_get_interrupt_shadow(struct kvmx_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.int_state &
	       SVM_INTERRUPT_SHADOW_MASK;
}

/**
 * kvmx_svm_set_interrupt_shadow() - set or clear the interrupt shadow
 * @vcpu: the vCPU
 * @on: new state
 */
void kvmx_svm_set_interrupt_shadow(struct kvmx_vcpu *vcpu, bool on)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	if (on)
		c->int_state |= SVM_INTERRUPT_SHADOW_MASK;
	else
		c->int_state &= ~SVM_INTERRUPT_SHADOW_MASK;
}

/**
 * kvmx_svm_get_nmi_mask() - NMIs blocked by a running NMI handler
 * @vcpu: the vCPU
 *
 * Return: the mask.
 */
bool kvmx_svm_get_nmi_mask(struct kvmx_vcpu *vcpu)
{
	return to_svm(vcpu)->nmi_masked;
}

/**
 * kvmx_svm_set_nmi_mask() - block or unblock NMIs
 * @vcpu: the vCPU
 * @masked: new state; while masked, IRET is intercepted
 */
void kvmx_svm_set_nmi_mask(struct kvmx_vcpu *vcpu, bool masked)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);

	svm->nmi_masked = masked;
	if (masked)
		kvmx_svm_set_intercept(svm->vmcb, INTERCEPT_IRET);
	else
		kvmx_svm_clr_intercept(svm->vmcb, INTERCEPT_IRET);
}

/**
 * kvmx_svm_set_cr8() - set the guest TPR
 * @vcpu: the vCPU
 * @cr8: new CR8 (bits 3:0)
 */
void kvmx_svm_set_cr8(struct kvmx_vcpu *vcpu, u64 cr8)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl = (c->int_ctl & ~V_TPR_MASK) | (cr8 & V_TPR_MASK);
}

/**
 * kvmx_svm_get_cr8() - the guest TPR
 * @vcpu: the vCPU
 *
 * Return: CR8.
 */
u64 kvmx_svm_get_cr8(struct kvmx_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.int_ctl & V_TPR_MASK;
}

/**
 * kvmx_svm_complete_interrupts() - after an exit, requeue undelivered events
 * @svm: the vCPU
 *
 * EVENTINJ was consumed by the entry.  If the exit interrupted delivery of
 * an interrupt, NMI or hardware exception, EXITINTINFO has it; inject it
 * again.  Software interrupts restart with their instruction.
 */
void kvmx_svm_complete_interrupts(struct kvmx_svm_vcpu *svm)
{
	struct vmcb_control_area *c = &svm->vmcb->control;
	u32 info = c->exit_int_info;
	u32 type = info & SVM_EXITINTINFO_TYPE_MASK;

	c->event_inj = 0;
	if (!(info & SVM_EXITINTINFO_VALID))
		return;
	if (type == SVM_EXITINTINFO_TYPE_SOFT)
		return;
	if (type == SVM_EXITINTINFO_TYPE_EXEPT) {
		u8 vector = info & SVM_EXITINTINFO_VEC_MASK;

		/* #BP and #OF come from INT3/INTO: re-executed. */
		if (vector == 3 || vector == 4)
			return;
	}
	c->event_inj = info;
	c->event_inj_err = c->exit_int_info_err;
}

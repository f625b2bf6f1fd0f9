// SPDX-License-Identifier: GPL-2.0
/*
 * Debug registers and host-side guest debugging on SVM.
 *
 * The guest's DR6 and DR7 live in the VMCB, which VMRUN loads and #VMEXIT
 * saves.  DR0-DR3 are not in the VMCB: their guest values are the core's
 * vcpu->db[].  A guest that never touches them costs nothing: accesses to
 * DR0-DR3 are intercepted until the first one, which turns the intercepts
 * off and from then on every entry loads vcpu->db[] into the hardware and
 * every exit reads it back.  The intercepted instruction then runs again,
 * this time on the guest's values.
 *
 * KVM_SET_GUEST_DEBUG: single-stepping sets RFLAGS.TF for the guest
 * (hidden from KVM_GET_REGS) and intercepts #DB; software breakpoints
 * intercept #BP.  Either exit becomes KVM_EXIT_DEBUG.
 */
#include <linux/kvm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>

#include "svm.h"

#define KVMX_DR6_INIT		0xffff0ff0ULL
#define KVMX_DB_VECTOR		1
#define KVMX_BP_VECTOR		3

static const int kvmx_svm_dr_bits[] = {
	INTERCEPT_DR0_READ, INTERCEPT_DR1_READ, INTERCEPT_DR2_READ,
	INTERCEPT_DR3_READ, INTERCEPT_DR0_WRITE, INTERCEPT_DR1_WRITE,
	INTERCEPT_DR2_WRITE, INTERCEPT_DR3_WRITE,
};

/**
 * kvmx_svm_dr_intercepts_on() - intercept guest accesses to DR0-DR3
 * @svm: the vCPU (its VMCB is being reset)
 */
void kvmx_svm_dr_intercepts_on(struct kvmx_svm_vcpu *svm)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kvmx_svm_dr_bits); i++)
		kvmx_svm_set_intercept(svm->vmcb, kvmx_svm_dr_bits[i]);
	svm->dr_guest = false;
}

/**
 * kvmx_svm_dr_access() - the guest's first MOV to or from DR0-DR3
 * @vcpu: the vCPU
 *
 * Return: KVMX_EXIT_CONTINUE: the instruction runs again unintercepted.
 */
int kvmx_svm_dr_access(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	int i;

	for (i = 0; i < ARRAY_SIZE(kvmx_svm_dr_bits); i++)
		kvmx_svm_clr_intercept(svm->vmcb, kvmx_svm_dr_bits[i]);
	svm->dr_guest = true;
	return KVMX_EXIT_CONTINUE;
}

/**
 * kvmx_svm_load_guest_drs() - put the guest's DR0-DR3 in the hardware
 * @vcpu: the vCPU, about to enter with interrupts off
 */
void kvmx_svm_load_guest_drs(struct kvmx_vcpu *vcpu)
{
	/* Host breakpoints must not fire on guest addresses meanwhile. */
	if (hw_breakpoint_active())
		set_debugreg(0, 7);
	set_debugreg(vcpu->db[0], 0);
	set_debugreg(vcpu->db[1], 1);
	set_debugreg(vcpu->db[2], 2);
	set_debugreg(vcpu->db[3], 3);
}

/**
 * kvmx_svm_save_guest_drs() - read the guest's DR0-DR3 back after #VMEXIT
 * @vcpu: the vCPU, interrupts still off
 */
void kvmx_svm_save_guest_drs(struct kvmx_vcpu *vcpu)
{
	get_debugreg(vcpu->db[0], 0);
	get_debugreg(vcpu->db[1], 1);
	get_debugreg(vcpu->db[2], 2);
	get_debugreg(vcpu->db[3], 3);
}

/**
 * kvmx_svm_get_dr() - the guest's DR6 or DR7
 * @vcpu: the vCPU
 * @n: 6 or 7
 *
 * Return: the value.
 */
u64 kvmx_svm_get_dr(struct kvmx_vcpu *vcpu, int n)
{
	const struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;

	return n == 6 ? s->dr6 : s->dr7;
}

/**
 * kvmx_svm_set_dr() - set the guest's DR6 or DR7
 * @vcpu: the vCPU
 * @n: 6 or 7
 * @val: the value (upper half zero, checked by the caller)
 */
void kvmx_svm_set_dr(struct kvmx_vcpu *vcpu, int n, u64 val)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;

	if (n == 6)
		s->dr6 = val;
	else
		s->dr7 = val;
}

/**
 * kvmx_svm_set_guest_debug() - apply vcpu->guest_debug to the VMCB
 * @vcpu: the vCPU
 */
void kvmx_svm_set_guest_debug(struct kvmx_vcpu *vcpu)
{
	struct vmcb *vmcb = to_svm(vcpu)->vmcb;
	u32 dbg = vcpu->guest_debug;

	if (dbg & KVM_GUESTDBG_SINGLESTEP)
		kvmx_svm_set_intercept(vmcb, INTERCEPT_EXCEPTION_OFFSET +
					     KVMX_DB_VECTOR);
	else
		kvmx_svm_clr_intercept(vmcb, INTERCEPT_EXCEPTION_OFFSET +
					     KVMX_DB_VECTOR);
	if (dbg & KVM_GUESTDBG_USE_SW_BP) {
		kvmx_svm_set_intercept(vmcb, INTERCEPT_EXCEPTION_OFFSET +
					     KVMX_BP_VECTOR);
		kvmx_svm_set_intercept(vmcb, INTERCEPT_INTn);
	} else {
		kvmx_svm_clr_intercept(vmcb, INTERCEPT_EXCEPTION_OFFSET +
					     KVMX_BP_VECTOR);
		kvmx_svm_clr_intercept(vmcb, INTERCEPT_INTn);
	}
}

/**
 * kvmx_svm_swint() - the INTn intercept, on while USE_SW_BP is
 * @vcpu: the vCPU
 *
 * Hardware reports INT3 as a #BP exception, but some CPUs (QEMU's
 * emulated SVM) take it through the software interrupt check instead, so
 * INTn is intercepted too.  INT3 becomes KVM_EXIT_DEBUG; INT n is passed
 * on to the guest as the software interrupt it is, returning after it.
 *
 * Return: KVMX_EXIT_USER or KVMX_EXIT_CONTINUE.
 */
int kvmx_svm_swint(struct kvmx_vcpu *vcpu)
{
	struct vmcb_control_area *c = &to_svm(vcpu)->vmcb->control;
	u8 insn[KVMX_INSN_MAX_LEN];
	unsigned int n = kvmx_fetch_guest_insn(vcpu, insn);

	if (n >= 1 && insn[0] == 0xcc)
		return kvmx_svm_debug_exit(vcpu, KVMX_BP_VECTOR);
	if (n >= 2 && insn[0] == 0xcd) {
		/* The software interrupt, returning after the INT. */
		vcpu->rip += 2;
		c->event_inj = insn[1] | SVM_EVTINJ_VALID |
			       SVM_EVTINJ_TYPE_SOFT;
		return KVMX_EXIT_CONTINUE;
	}
	return kvmx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
				   vcpu->rip, n ? insn[0] : 0);
}

/**
 * kvmx_svm_debug_exit() - an intercepted #DB or #BP: KVM_EXIT_DEBUG
 * @vcpu: the vCPU
 * @vector: 1 or 3
 *
 * Only intercepted while KVM_SET_GUEST_DEBUG asked for it, so the exit
 * belongs to userspace.  @pc is the linear address of the next
 * instruction (#DB after a single step) or of the INT3 (#BP).
 *
 * Return: KVMX_EXIT_USER.
 */
int kvmx_svm_debug_exit(struct kvmx_vcpu *vcpu, int vector)
{
	struct vmcb_save_area *s = &to_svm(vcpu)->vmcb->save;
	struct kvm_debug_exit_arch *d = &vcpu->run->debug.arch;

	vcpu->run->exit_reason = KVM_EXIT_DEBUG;
	d->exception = vector;
	d->pc = s->cs.base + vcpu->rip;
	d->dr6 = s->dr6;
	d->dr7 = s->dr7;
	/* The step's status bits are the debugger's, not the guest's. */
	if (vector == KVMX_DB_VECTOR)
		s->dr6 = KVMX_DR6_INIT;
	return KVMX_EXIT_USER;
}

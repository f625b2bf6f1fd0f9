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
 * intercept #BP.  Either exit becomes KVM_EXIT_DEBUG.  Hardware
 * breakpoints (USE_HW_BP) put the debugger's DR0-3 and DR7 in the
 * hardware and the VMCB; the guest's own DR6/DR7 move to shadows and its
 * debug register accesses are intercepted and emulated on them, so that
 * neither side sees the other's values.  A #DB the debugger did not ask
 * for goes to the guest.
 */
#include <linux/kvm.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <asm/debugreg.h>
#include <asm/processor-flags.h>

#include "svm.h"

#define KVMX_DR6_INIT		0xffff0ff0ULL
#define KVMX_DR6_BP_HITS	0xfULL
#define KVMX_DB_VECTOR		1
#define KVMX_BP_VECTOR		3

static const int kvmx_svm_dr_bits[] = {
	INTERCEPT_DR0_READ, INTERCEPT_DR1_READ, INTERCEPT_DR2_READ,
	INTERCEPT_DR3_READ, INTERCEPT_DR0_WRITE, INTERCEPT_DR1_WRITE,
	INTERCEPT_DR2_WRITE, INTERCEPT_DR3_WRITE,
};

/* DR4-7 too while the debugger owns DR6/DR7 (DR4/5 alias 6/7). */
static const int kvmx_svm_dr67_bits[] = {
	INTERCEPT_DR4_READ, INTERCEPT_DR5_READ, INTERCEPT_DR6_READ,
	INTERCEPT_DR7_READ, INTERCEPT_DR4_WRITE, INTERCEPT_DR5_WRITE,
	INTERCEPT_DR6_WRITE, INTERCEPT_DR7_WRITE,
};

/**
 * kvmx_svm_dr_intercepts_on() - intercept guest accesses to DR0-DR3
 * @svm: the vCPU (its VMCB is being reset)
 */
void kvmx_svm_dr_intercepts_on(struct kvmx_svm_vcpu *svm)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kvmx_svm_dr_bits); i++) {
		kvmx_svm_set_intercept(svm->vmcb, kvmx_svm_dr_bits[i]);
		kvmx_svm_clr_intercept(svm->vmcb, kvmx_svm_dr67_bits[i]);
	}
	svm->dr_guest = false;
	svm->hw_bp = false;
}

static void kvmx_svm_dr_intercepts_off(struct kvmx_svm_vcpu *svm)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(kvmx_svm_dr_bits); i++)
		kvmx_svm_clr_intercept(svm->vmcb, kvmx_svm_dr_bits[i]);
}

/* The guest's MOV to or from a debug register, while the debugger owns them. */
static int kvmx_svm_emulate_mov_dr(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	u8 insn[KVMX_INSN_MAX_LEN];
	unsigned int n = kvmx_fetch_guest_insn(vcpu, insn), i = 0;
	bool mode64 = (svm->vmcb->save.efer & EFER_LMA) &&
		      (svm->vmcb->save.cs.attrib & SVM_SELECTOR_L_MASK);
	u8 rex = 0, modrm, dr, gpr;
	u64 *reg, val;

	while (i < n && (insn[i] == 0x66 || insn[i] == 0x67 ||
			 insn[i] == 0xf2 || insn[i] == 0xf3 ||
			 (mode64 && (insn[i] & 0xf0) == 0x40))) {
		if ((insn[i] & 0xf0) == 0x40)
			rex = insn[i];
		i++;
	}
	if (i + 3 > n || insn[i] != 0x0f ||
	    (insn[i + 1] != 0x21 && insn[i + 1] != 0x23))
		return kvmx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
					   vcpu->rip, n);
	modrm = insn[i + 2];
	dr = (modrm >> 3) & 7;
	gpr = (modrm & 7) | (rex & 1 ? 8 : 0);
	reg = &vcpu->regs[gpr];
	if (insn[i + 1] == 0x21) {
		val = dr < 4 ? vcpu->db[dr] :
		      (dr & 1) ? svm->guest_dr7 : svm->guest_dr6;
		*reg = mode64 ? val : (u32)val;
	} else {
		val = mode64 ? *reg : (u32)*reg;
		if (dr < 4)
			vcpu->db[dr] = val;
		else if (dr & 1)
			svm->guest_dr7 = (u32)val;
		else
			svm->guest_dr6 = (u32)val;
	}
	vcpu->rip += i + 3;
	return KVMX_EXIT_CONTINUE;
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

	if (svm->hw_bp)
		return kvmx_svm_emulate_mov_dr(vcpu);
	kvmx_svm_dr_intercepts_off(svm);
	svm->dr_guest = true;
	return KVMX_EXIT_CONTINUE;
}

/**
 * kvmx_svm_load_drs() - put DR0-DR3 values for the guest in the hardware
 * @db: the guest's own, or the debugger's
 *
 * Called about to enter, interrupts off.
 */
void kvmx_svm_load_drs(const u64 *db)
{
	/* Host breakpoints must not fire on guest addresses meanwhile. */
	if (hw_breakpoint_active())
		set_debugreg(0, 7);
	set_debugreg(db[0], 0);
	set_debugreg(db[1], 1);
	set_debugreg(db[2], 2);
	set_debugreg(db[3], 3);
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
	const struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	const struct vmcb_save_area *s = &svm->vmcb->save;

	if (svm->hw_bp)
		return n == 6 ? svm->guest_dr6 : svm->guest_dr7;
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
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *s = &svm->vmcb->save;

	if (svm->hw_bp) {
		if (n == 6)
			svm->guest_dr6 = val;
		else
			svm->guest_dr7 = val;
		return;
	}
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
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	u32 dbg = vcpu->guest_debug;
	bool hw = dbg & KVM_GUESTDBG_USE_HW_BP;
	int i;

	if (hw && !svm->hw_bp) {
		/* The guest's DR6/DR7 step aside for the debugger's. */
		svm->guest_dr6 = vmcb->save.dr6;
		svm->guest_dr7 = vmcb->save.dr7;
		svm->hw_bp = true;
		for (i = 0; i < ARRAY_SIZE(kvmx_svm_dr_bits); i++) {
			kvmx_svm_set_intercept(vmcb, kvmx_svm_dr_bits[i]);
			kvmx_svm_set_intercept(vmcb, kvmx_svm_dr67_bits[i]);
		}
	} else if (!hw && svm->hw_bp) {
		vmcb->save.dr6 = svm->guest_dr6;
		vmcb->save.dr7 = svm->guest_dr7;
		svm->hw_bp = false;
		for (i = 0; i < ARRAY_SIZE(kvmx_svm_dr67_bits); i++)
			kvmx_svm_clr_intercept(vmcb, kvmx_svm_dr67_bits[i]);
		if (svm->dr_guest)
			kvmx_svm_dr_intercepts_off(svm);
	}
	if (hw) {
		vmcb->save.dr7 = vcpu->dbg_dr7;
		vmcb->save.dr6 = KVMX_DR6_INIT;
	}

	if (dbg & (KVM_GUESTDBG_SINGLESTEP | KVM_GUESTDBG_USE_HW_BP))
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
 * Only intercepted while KVM_SET_GUEST_DEBUG asked for it.  @pc is the
 * linear address of the next instruction (#DB after a single step or a
 * data breakpoint), of the instruction (instruction breakpoint) or of
 * the INT3 (#BP).
 *
 * Return: KVMX_EXIT_USER.
 */
int kvmx_svm_debug_exit(struct kvmx_vcpu *vcpu, int vector)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save_area *s = &svm->vmcb->save;
	struct kvm_debug_exit_arch *d = &vcpu->run->debug.arch;

	/* A #DB from none of the debugger's breakpoints is the guest's. */
	if (vector == KVMX_DB_VECTOR &&
	    !(vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP) &&
	    !(s->dr6 & KVMX_DR6_BP_HITS)) {
		svm->guest_dr6 |= s->dr6 & ~KVMX_DR6_INIT;
		s->dr6 = KVMX_DR6_INIT;
		kvmx_queue_exception(vcpu, KVMX_DB_VECTOR, false, 0);
		return KVMX_EXIT_CONTINUE;
	}

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

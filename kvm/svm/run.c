// SPDX-License-Identifier: GPL-2.0
/*
 * Entering an SVM guest: ASID and TLB bookkeeping, guest XCR0, then
 * VMRUN with host interrupts and NMIs held off by GIF until the host
 * state is back.
 *
 * The vCPU thread can be preempted or migrated between entries; nothing
 * here survives that except the VMCB itself (clean bits are never set,
 * so any CPU reloads all of it) and the ASID, which is re-allocated when
 * the vCPU lands on another CPU.
 */
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/processor-flags.h>

#include "svm.h"

static inline void kvmx_clgi(void)
{
	asm volatile("clgi" ::: "memory");
}

static inline void kvmx_stgi(void)
{
	asm volatile("stgi" ::: "memory");
}

/*
 * ASIDs are handed out per CPU in generations; when a CPU runs out it
 * starts a new generation with a full TLB flush, so an ASID is never
 * shared by two vCPUs on one CPU within a generation and needs no flush
 * when (re)assigned.
 */
static void kvmx_svm_new_asid(struct kvmx_svm_vcpu *svm,
			      struct kvmx_svm_cpu *sd)
{
	struct vmcb_control_area *c = &svm->vmcb->control;

	if (sd->next_asid > kvmx_svm_caps.max_asid) {
		sd->asid_gen++;
		sd->next_asid = 1;
		c->tlb_ctl = TLB_CONTROL_FLUSH_ALL_ASID;
	}
	svm->asid = sd->next_asid++;
	svm->asid_gen = sd->asid_gen;
	c->asid = svm->asid;
}

/**
 * kvmx_svm_run() - enter the guest once
 * @vcpu: the vCPU
 *
 * Return: 1 after a #VMEXIT (exit information in the VMCB), 0 without
 * entering because the thread must reschedule or handle a signal.
 */
int kvmx_svm_run(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct kvmx_svm_cpu *sd;
	u64 host_xcr0 = 0, guest_xcr0, tlb_gen;
	bool has_xsave;
	int cpu;

	preempt_disable();
	local_irq_disable();
	sd = this_cpu_ptr(&kvmx_svm_cpu);
	/* A CPU on its way offline has SVM off already: wait to migrate. */
	if (need_resched() || signal_pending(current) || !sd->enabled) {
		bool cpu_off = !sd->enabled;

		local_irq_enable();
		preempt_enable();
		if (cpu_off)
			schedule_timeout_interruptible(1);
		return 0;
	}
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	cpu = smp_processor_id();
	if (svm->last_cpu != cpu || svm->asid_gen != sd->asid_gen) {
		kvmx_svm_new_asid(svm, sd);
		svm->last_cpu = cpu;
	}
	tlb_gen = atomic64_read(&vcpu->vm->tlb_gen);
	if (tlb_gen != svm->tlb_gen || svm->flush_pending) {
		if (vmcb->control.tlb_ctl != TLB_CONTROL_FLUSH_ALL_ASID)
			vmcb->control.tlb_ctl = kvmx_svm_caps.flush_by_asid ?
						TLB_CONTROL_FLUSH_ASID :
						TLB_CONTROL_FLUSH_ALL_ASID;
		svm->tlb_gen = tlb_gen;
		svm->flush_pending = false;
	}

	vmcb->save.rax = vcpu->regs[KVMX_RAX];
	vmcb->save.rsp = vcpu->regs[KVMX_RSP];
	vmcb->save.rip = vcpu->rip;
	vmcb->save.rflags = vcpu->rflags;
	if (unlikely(vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP))
		vmcb->save.rflags |= X86_EFLAGS_TF;
	if (unlikely(svm->hw_bp))
		kvmx_svm_load_drs(vcpu->dbg_db);
	else if (svm->dr_guest)
		kvmx_svm_load_drs(vcpu->db);

	kvmx_clgi();
	has_xsave = boot_cpu_has(X86_FEATURE_XSAVE);
	if (has_xsave) {
		host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		if ((vmcb->save.cr4 & X86_CR4_OSXSAVE) &&
		    host_xcr0 != vcpu->xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->xcr0);
	}

	/* GIF=0: IF=1 only decides that interrupts end the guest's turn. */
	raw_local_irq_enable();
	kvmx_svm_vmrun(svm->vmcb_pa, vcpu->regs, sd->host_save_pa);
	raw_local_irq_disable();

	/*
	 * Whatever the hardware XCR0 is now belongs to the guest: the one we
	 * loaded, or one a CPU without the XSETBV intercept let it write.
	 */
	if (has_xsave) {
		guest_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		if (guest_xcr0 != host_xcr0) {
			if (vmcb->save.cr4 & X86_CR4_OSXSAVE)
				vcpu->xcr0 = guest_xcr0;
			xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
		}
	}
	if (svm->dr_guest && !svm->hw_bp)
		kvmx_svm_save_guest_drs(vcpu);
	kvmx_stgi();
	/* #VMEXIT disables all breakpoints; give the host its own back. */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();

	vmcb->control.tlb_ctl = TLB_CONTROL_DO_NOTHING;
	local_irq_enable();
	preempt_enable();

	vcpu->regs[KVMX_RAX] = vmcb->save.rax;
	vcpu->regs[KVMX_RSP] = vmcb->save.rsp;
	vcpu->rip = vmcb->save.rip;
	vcpu->rflags = vmcb->save.rflags;
	/* The single-step TF is the debugger's (upstream hides it too). */
	if (unlikely(vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP))
		vcpu->rflags &= ~X86_EFLAGS_TF;
	kvmx_svm_complete_interrupts(svm);
	return 1;
}

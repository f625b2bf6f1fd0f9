/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AMD SVM backend: private state and the functions its files share.
 */
#ifndef KVMX_SVM_H
#define KVMX_SVM_H

#include <asm/svm.h>

#include "../kvmx.h"

/**
 * struct kvmx_svm_cpu - per physical CPU SVM state
 * @hsave: VM_HSAVE_PA page (host state VMRUN saves)
 * @host_save: VMSAVE area for host FS/GS/TR/LDTR and syscall MSRs
 * @host_save_pa: its physical address
 * @asid_gen: ASID generation; bumping it makes every vCPU take a new ASID
 * @next_asid: next free ASID in this generation
 * @enabled: EFER.SVME set by us on this CPU
 */
struct kvmx_svm_cpu {
	struct page *hsave;
	struct page *host_save;
	u64 host_save_pa;
	u64 asid_gen;
	u32 next_asid;
	bool enabled;
};

/**
 * struct kvmx_svm_vcpu - per vCPU SVM state
 * @vcpu: the core vCPU
 * @vmcb: the VMCB (one page)
 * @vmcb_pa: its physical address
 * @asid: current ASID
 * @asid_gen: generation @asid belongs to
 * @last_cpu: CPU of the last entry (-1: none)
 * @tlb_gen: VM TLB generation this vCPU has flushed up to
 * @flush_pending: flush guest TLB entries at the next entry
 * @nmi_masked: an injected NMI's handler has not executed IRET yet
 * @dr_guest: the guest uses DR0-DR3: they are loaded and saved around
 *	each entry instead of intercepted
 * @hw_bp: the debugger's breakpoints are in DR0-3/DR7 (USE_HW_BP); the
 *	guest's own DR accesses are intercepted and emulated on shadows
 * @guest_dr6: the guest's DR6 while @hw_bp
 * @guest_dr7: the guest's DR7 while @hw_bp
 */
struct kvmx_svm_vcpu {
	struct kvmx_vcpu *vcpu;
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 asid;
	u64 asid_gen;
	int last_cpu;
	u64 tlb_gen;
	bool flush_pending;
	bool nmi_masked;
	bool dr_guest;
	bool hw_bp;
	u64 guest_dr6;
	u64 guest_dr7;
};

/* Optional SVM features (CPUID 0x8000000A EDX). */
struct kvmx_svm_caps {
	u32 max_asid;
	bool nrips;
	bool flush_by_asid;
	bool decode_assists;
};

extern struct kvmx_svm_caps kvmx_svm_caps;
extern u64 kvmx_svm_iopm_pa;
extern u64 kvmx_svm_msrpm_pa;
DECLARE_PER_CPU(struct kvmx_svm_cpu, kvmx_svm_cpu);

static inline struct kvmx_svm_vcpu *to_svm(struct kvmx_vcpu *vcpu)
{
	return vcpu->arch;
}

static inline void kvmx_svm_set_intercept(struct vmcb *vmcb, int bit)
{
	vmcb->control.intercepts[bit / 32] |= BIT(bit % 32);
}

static inline void kvmx_svm_clr_intercept(struct vmcb *vmcb, int bit)
{
	vmcb->control.intercepts[bit / 32] &= ~BIT(bit % 32);
}

/* vmenter.S */
void kvmx_svm_vmrun(u64 vmcb_pa, u64 *regs, u64 host_save_pa);

/* vmcb.c */
void kvmx_svm_vmcb_reset(struct kvmx_svm_vcpu *svm);
void kvmx_svm_get_sregs(struct kvmx_vcpu *vcpu, struct kvm_sregs *s);
int kvmx_svm_set_sregs(struct kvmx_vcpu *vcpu, const struct kvm_sregs *s);
int kvmx_svm_get_msr(struct kvmx_vcpu *vcpu, u32 index, u64 *data);
int kvmx_svm_set_msr(struct kvmx_vcpu *vcpu, u32 index, u64 data, bool host);

/* events.c */
int kvmx_svm_get_cpl(struct kvmx_vcpu *vcpu);
bool kvmx_svm_interrupt_allowed(struct kvmx_vcpu *vcpu);
bool kvmx_svm_nmi_allowed(struct kvmx_vcpu *vcpu);
void kvmx_svm_enable_irq_window(struct kvmx_vcpu *vcpu);
void kvmx_svm_disable_irq_window(struct kvmx_svm_vcpu *svm);
void kvmx_svm_inject_irq(struct kvmx_vcpu *vcpu, u8 vector);
void kvmx_svm_inject_nmi(struct kvmx_vcpu *vcpu);
void kvmx_svm_inject_exception(struct kvmx_vcpu *vcpu, u8 vector,
			       bool has_error, u32 error_code);
bool kvmx_svm_get_interrupt_shadow(struct kvmx_vcpu *vcpu);
void kvmx_svm_set_interrupt_shadow(struct kvmx_vcpu *vcpu, bool on);
bool kvmx_svm_get_nmi_mask(struct kvmx_vcpu *vcpu);
void kvmx_svm_set_nmi_mask(struct kvmx_vcpu *vcpu, bool masked);
void kvmx_svm_set_cr8(struct kvmx_vcpu *vcpu, u64 cr8);
u64 kvmx_svm_get_cr8(struct kvmx_vcpu *vcpu);
void kvmx_svm_complete_interrupts(struct kvmx_svm_vcpu *svm);

/* debug.c */
void kvmx_svm_dr_intercepts_on(struct kvmx_svm_vcpu *svm);
int kvmx_svm_dr_access(struct kvmx_vcpu *vcpu);
void kvmx_svm_load_drs(const u64 *db);
void kvmx_svm_save_guest_drs(struct kvmx_vcpu *vcpu);
u64 kvmx_svm_get_dr(struct kvmx_vcpu *vcpu, int n);
void kvmx_svm_set_dr(struct kvmx_vcpu *vcpu, int n, u64 val);
void kvmx_svm_set_guest_debug(struct kvmx_vcpu *vcpu);
int kvmx_svm_debug_exit(struct kvmx_vcpu *vcpu, int vector);
int kvmx_svm_swint(struct kvmx_vcpu *vcpu);

/* run.c */
int kvmx_svm_run(struct kvmx_vcpu *vcpu);

/* exit.c */
int kvmx_svm_handle_exit(struct kvmx_vcpu *vcpu);

#endif /* KVMX_SVM_H */

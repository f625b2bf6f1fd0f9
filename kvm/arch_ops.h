/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vendor contract: everything the vendor-neutral core needs from a
 * hardware virtualization backend (AMD SVM today, Intel VMX next).  The
 * core never names a vendor; it calls through kvmx_ops, which the backend
 * chosen at module load fills in.
 */
#ifndef KVMX_ARCH_OPS_H
#define KVMX_ARCH_OPS_H

#include <linux/kvm.h>
#include <linux/types.h>

struct kvmx_vm;
struct kvmx_vcpu;

/*
 * Return values of ->handle_exit() and of the core exit helpers:
 * KVMX_EXIT_CONTINUE re-enters the guest, KVMX_EXIT_USER returns to
 * userspace with kvm_run filled in; negative values are errnos for
 * KVM_RUN.
 */
#define KVMX_EXIT_USER		0
#define KVMX_EXIT_CONTINUE	1

/**
 * struct kvmx_arch_ops - operations a hardware backend provides
 * @name: backend name for messages ("svm")
 * @hardware_setup: probe the CPU, allocate global state; 0 or -errno
 * @hardware_unsetup: undo @hardware_setup
 * @cpu_enable: enable virtualization on the calling CPU (cpuhp online)
 * @cpu_disable: disable it on the calling CPU (cpuhp offline, unload)
 * @vm_init: per-VM backend state; 0 or -errno
 * @vm_destroy: free it
 * @vcpu_create: allocate backend vCPU state and reset it to power-on state
 * @vcpu_free: free it
 * @run: enter the guest once; returns after a #VMEXIT (1), or without
 *	entering when a signal or reschedule is pending (0)
 * @handle_exit: dispatch the last exit; KVMX_EXIT_* or -errno
 * @get_sregs: read segment and control registers
 * @set_sregs: write them; 0 or -EINVAL
 * @get_msr: read a backend-owned MSR; 0, 1 if not a backend MSR, <0 error
 * @set_msr: write one; same return values
 * @get_cpl: current privilege level
 * @interrupt_allowed: guest can take an external interrupt now
 * @nmi_allowed: guest can take an NMI now
 * @enable_irq_window: exit as soon as interrupts become allowed
 * @inject_irq: inject external interrupt @vector at the next entry
 * @inject_nmi: inject an NMI at the next entry
 * @inject_exception: inject exception @vector (with @error_code if
 *	@has_error) at the next entry
 * @get_interrupt_shadow: STI/MOV SS shadow active
 * @set_interrupt_shadow: set or clear it
 * @get_nmi_mask: NMIs blocked (inside an NMI handler)
 * @set_nmi_mask: set or clear that
 * @set_cr8: the TPR for the guest (KVM_RUN's run->cr8)
 * @get_cr8: read it back
 * @get_dr: read DR6 or DR7 (@n is 6 or 7); DR0-3 live in the core's
 *	vcpu->db[], which the backend loads for the guest and saves back
 * @set_dr: write DR6 or DR7
 * @set_guest_debug: apply vcpu->guest_debug (KVM_GUESTDBG_SINGLESTEP,
 *	USE_SW_BP, USE_HW_BP with vcpu->dbg_db/dbg_dr7: exit with
 *	KVM_EXIT_DEBUG after each guest instruction, on each INT3, on each
 *	hit of the debugger's breakpoints)
 */
struct kvmx_arch_ops {
	const char *name;
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	int (*vm_init)(struct kvmx_vm *vm);
	void (*vm_destroy)(struct kvmx_vm *vm);
	int (*vcpu_create)(struct kvmx_vcpu *vcpu);
	void (*vcpu_free)(struct kvmx_vcpu *vcpu);
	int (*run)(struct kvmx_vcpu *vcpu);
	int (*handle_exit)(struct kvmx_vcpu *vcpu);
	void (*get_sregs)(struct kvmx_vcpu *vcpu, struct kvm_sregs *sregs);
	int (*set_sregs)(struct kvmx_vcpu *vcpu, const struct kvm_sregs *sregs);
	int (*get_msr)(struct kvmx_vcpu *vcpu, u32 index, u64 *data);
	int (*set_msr)(struct kvmx_vcpu *vcpu, u32 index, u64 data,
		       bool host);
	int (*get_cpl)(struct kvmx_vcpu *vcpu);
	bool (*interrupt_allowed)(struct kvmx_vcpu *vcpu);
	bool (*nmi_allowed)(struct kvmx_vcpu *vcpu);
	void (*enable_irq_window)(struct kvmx_vcpu *vcpu);
	void (*inject_irq)(struct kvmx_vcpu *vcpu, u8 vector);
	void (*inject_nmi)(struct kvmx_vcpu *vcpu);
	void (*inject_exception)(struct kvmx_vcpu *vcpu, u8 vector,
				 bool has_error, u32 error_code);
	bool (*get_interrupt_shadow)(struct kvmx_vcpu *vcpu);
	void (*set_interrupt_shadow)(struct kvmx_vcpu *vcpu, bool on);
	bool (*get_nmi_mask)(struct kvmx_vcpu *vcpu);
	void (*set_nmi_mask)(struct kvmx_vcpu *vcpu, bool masked);
	void (*set_cr8)(struct kvmx_vcpu *vcpu, u64 cr8);
	u64 (*get_cr8)(struct kvmx_vcpu *vcpu);
	u64 (*get_dr)(struct kvmx_vcpu *vcpu, int n);
	void (*set_dr)(struct kvmx_vcpu *vcpu, int n, u64 val);
	void (*set_guest_debug)(struct kvmx_vcpu *vcpu);
};

extern const struct kvmx_arch_ops *kvmx_ops;

/* Backends; the module init picks the one the CPU supports. */
extern const struct kvmx_arch_ops kvmx_svm_ops;

#endif /* KVMX_ARCH_OPS_H */

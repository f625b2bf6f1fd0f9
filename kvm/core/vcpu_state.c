// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state a VMM saves and restores beyond the registers: XSAVE area,
 * XCRs, debug registers; and the smaller vCPU ioctls around them
 * (KVM_SET_SIGNAL_MASK, KVM_TRANSLATE, KVM_GET_TSC_KHZ), plus the VM's
 * KVM_GET_CLOCK/KVM_SET_CLOCK.
 *
 * All run under the vCPU mutex (the VM ioctls under nothing: the clock
 * offset is one word), so the guest FPU state is in memory, not in the
 * registers.
 */
#include <linux/kvm.h>
#include <linux/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/tsc.h>

#include "../kvmx.h"
#include "../mmu/walk.h"

#define KVMX_CR0_PG		BIT_ULL(31)
#define KVMX_INVALID_GPA	(~0ULL)
#define KVMX_DB_VECTOR		1
#define KVMX_BP_VECTOR		3
#define KVMX_CLOCK_FLAGS	(KVM_CLOCK_TSC_STABLE | KVM_CLOCK_REALTIME | \
				 KVM_CLOCK_HOST_TSC)

/**
 * kvmx_xcr0_valid() - may the guest's XCR0 hold @xcr0
 * @xcr0: the value
 *
 * Return: x87 on, AVX only with SSE, nothing the host does not offer.
 */
bool kvmx_xcr0_valid(u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	return !(xcr0 & ~(kvmx_supported_xcr0() | XFEATURE_MASK_FP));
}

/**
 * kvmx_xsave2_size() - KVM_CAP_XSAVE2: bytes KVM_GET_XSAVE2 writes
 *
 * Return: the standard-format size of the components a guest may use,
 * and never less than struct kvm_xsave.
 */
u32 kvmx_xsave2_size(void)
{
	return max_t(u32, sizeof(struct kvm_xsave),
		     kvmx_xsave_size(kvmx_supported_xcr0()));
}

static int kvmx_get_xsave(struct kvmx_vcpu *vcpu, void __user *argp,
			  unsigned int size)
{
	void *buf = kzalloc(size, GFP_KERNEL_ACCOUNT);
	int r = 0;

	if (!buf)
		return -ENOMEM;
	/* x87 and SSE always; the rest as far as a guest may enable them. */
	fpu_copy_guest_fpstate_to_uabi(&vcpu->guest_fpu, buf, size,
				       kvmx_supported_xcr0() |
				       XFEATURE_MASK_FPSSE, vcpu->pkru);
	if (copy_to_user(argp, buf, size))
		r = -EFAULT;
	kfree(buf);
	return r;
}

static int kvmx_set_xsave(struct kvmx_vcpu *vcpu, void __user *argp)
{
	unsigned int size = max_t(unsigned int, vcpu->guest_fpu.uabi_size,
				  sizeof(struct kvm_xsave));
	void *buf;
	int r;

	buf = memdup_user(argp, size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* Bad headers, reserved bits and bad MXCSR give -EINVAL. */
	r = fpu_copy_uabi_to_guest_fpstate(&vcpu->guest_fpu, buf,
					   kvmx_supported_xcr0() |
					   XFEATURE_MASK_FPSSE, &vcpu->pkru);
	kfree(buf);
	return r;
}

static int kvmx_get_xcrs(struct kvmx_vcpu *vcpu, void __user *argp)
{
	struct kvm_xcrs *x = kzalloc(sizeof(*x), GFP_KERNEL_ACCOUNT);
	int r = 0;

	if (!x)
		return -ENOMEM;
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		x->nr_xcrs = 1;
		x->xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
		x->xcrs[0].value = vcpu->xcr0;
	}
	if (copy_to_user(argp, x, sizeof(*x)))
		r = -EFAULT;
	kfree(x);
	return r;
}

static int kvmx_set_xcrs(struct kvmx_vcpu *vcpu, void __user *argp)
{
	struct kvm_xcrs *x;
	int r = 0;
	u32 i;

	if (!boot_cpu_has(X86_FEATURE_XSAVE))
		return -EINVAL;
	x = memdup_user(argp, sizeof(*x));
	if (IS_ERR(x))
		return PTR_ERR(x);
	if (x->nr_xcrs > KVM_MAX_XCRS || x->flags) {
		r = -EINVAL;
		goto out;
	}
	/* XCR0 is the only XCR; entries for others are ignored. */
	for (i = 0; i < x->nr_xcrs; i++) {
		if (x->xcrs[i].xcr != XCR_XFEATURE_ENABLED_MASK)
			continue;
		if (kvmx_xcr0_valid(x->xcrs[i].value))
			vcpu->xcr0 = x->xcrs[i].value;
		else
			r = -EINVAL;
		break;
	}
out:
	kfree(x);
	return r;
}

static int kvmx_get_debugregs(struct kvmx_vcpu *vcpu, void __user *argp)
{
	struct kvm_debugregs d;

	memset(&d, 0, sizeof(d));
	memcpy(d.db, vcpu->db, sizeof(d.db));
	d.dr6 = kvmx_ops->get_dr(vcpu, 6);
	d.dr7 = kvmx_ops->get_dr(vcpu, 7);
	return copy_to_user(argp, &d, sizeof(d)) ? -EFAULT : 0;
}

static int kvmx_set_debugregs(struct kvmx_vcpu *vcpu, void __user *argp)
{
	struct kvm_debugregs d;

	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	/* DR6 and DR7 are 32-bit registers: the upper halves must be 0. */
	if (d.flags || d.dr6 >> 32 || d.dr7 >> 32)
		return -EINVAL;
	memcpy(vcpu->db, d.db, sizeof(vcpu->db));
	kvmx_ops->set_dr(vcpu, 6, d.dr6);
	kvmx_ops->set_dr(vcpu, 7, d.dr7);
	return 0;
}

static int kvmx_set_signal_mask(struct kvmx_vcpu *vcpu, void __user *argp)
{
	struct kvm_signal_mask __user *um = argp;
	struct kvm_signal_mask m;
	sigset_t set;

	if (!argp) {
		vcpu->sigset_active = false;
		return 0;
	}
	if (copy_from_user(&m, um, sizeof(m)))
		return -EFAULT;
	if (m.len != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, um->sigset, sizeof(set)))
		return -EFAULT;
	/* SIGKILL and SIGSTOP cannot be blocked. */
	sigdelsetmask(&set, sigmask(SIGKILL) | sigmask(SIGSTOP));
	vcpu->sigset = set;
	vcpu->sigset_active = true;
	return 0;
}

static int kvmx_walk_read_guest(void *opaque, u64 gpa, void *buf,
				unsigned int len)
{
	return kvmx_read_guest(opaque, gpa, buf, len);
}

static int kvmx_translate(struct kvmx_vcpu *vcpu, void __user *argp)
{
	struct kvm_translation tr;
	struct kvm_sregs s;
	u64 gpa = KVMX_INVALID_GPA;
	u32 err;

	if (copy_from_user(&tr, argp, sizeof(tr)))
		return -EFAULT;
	memset(&s, 0, sizeof(s));
	kvmx_ops->get_sregs(vcpu, &s);
	/*
	 * A supervisor read; without paging the address is the address.
	 * As in upstream's walk, the bits above the paging width are not
	 * checked: sign-extend them so the walker does not refuse.
	 */
	if (!(s.cr0 & KVMX_CR0_PG)) {
		gpa = tr.linear_address;
	} else {
		int bits = (s.cr4 & X86_CR4_LA57) ? 57 : 48;
		u64 gla = (s64)(tr.linear_address << (64 - bits)) >>
			  (64 - bits);

		if (kvmx_walk_gva(gla, s.cr0, s.cr3, s.cr4, s.efer, 0,
				  kvmx_walk_read_guest, vcpu->vm, &gpa, &err))
			gpa = KVMX_INVALID_GPA;
	}
	tr.physical_address = gpa;
	tr.valid = gpa != KVMX_INVALID_GPA;
	tr.writeable = 1;
	tr.usermode = 0;
	return copy_to_user(argp, &tr, sizeof(tr)) ? -EFAULT : 0;
}

static int kvmx_set_guest_debug(struct kvmx_vcpu *vcpu, void __user *argp)
{
	struct kvm_guest_debug dbg;

	if (copy_from_user(&dbg, argp, sizeof(dbg)))
		return -EFAULT;
	if (dbg.control & ~KVMX_GUESTDBG_SUPPORTED)
		return -EINVAL;
	if (dbg.control & (KVM_GUESTDBG_INJECT_DB | KVM_GUESTDBG_INJECT_BP)) {
		if (vcpu->exc)
			return -EBUSY;
		kvmx_queue_exception(vcpu, dbg.control & KVM_GUESTDBG_INJECT_DB ?
				     KVMX_DB_VECTOR : KVMX_BP_VECTOR, false, 0);
	}
	if (dbg.control & KVM_GUESTDBG_USE_HW_BP) {
		/* DR6/DR7 are 32-bit registers, as in KVM_SET_DEBUGREGS. */
		if (dbg.arch.debugreg[7] >> 32)
			return -EINVAL;
		memcpy(vcpu->dbg_db, dbg.arch.debugreg, sizeof(vcpu->dbg_db));
		vcpu->dbg_dr7 = dbg.arch.debugreg[7];
	}
	vcpu->guest_debug = dbg.control & KVM_GUESTDBG_ENABLE ?
			    dbg.control & ~(KVM_GUESTDBG_INJECT_DB |
					    KVM_GUESTDBG_INJECT_BP) : 0;
	kvmx_ops->set_guest_debug(vcpu);
	return 0;
}

/**
 * kvmx_vcpu_state_ioctl() - the vCPU ioctls of this file
 * @vcpu: the vCPU; caller holds its mutex
 * @ioctl: the request
 * @argp: its argument
 *
 * Return: the ioctl's result, or -ENOTTY if it is not one of them.
 */
long kvmx_vcpu_state_ioctl(struct kvmx_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp)
{
	switch (ioctl) {
	case KVM_GET_XSAVE:
		return kvmx_get_xsave(vcpu, argp, sizeof(struct kvm_xsave));
	case KVM_GET_XSAVE2:
		return kvmx_get_xsave(vcpu, argp,
				      max_t(unsigned int,
					    vcpu->guest_fpu.uabi_size,
					    sizeof(struct kvm_xsave)));
	case KVM_SET_XSAVE:
		return kvmx_set_xsave(vcpu, argp);
	case KVM_GET_XCRS:
		return kvmx_get_xcrs(vcpu, argp);
	case KVM_SET_XCRS:
		return kvmx_set_xcrs(vcpu, argp);
	case KVM_GET_DEBUGREGS:
		return kvmx_get_debugregs(vcpu, argp);
	case KVM_SET_DEBUGREGS:
		return kvmx_set_debugregs(vcpu, argp);
	case KVM_SET_SIGNAL_MASK:
		return kvmx_set_signal_mask(vcpu, argp);
	case KVM_TRANSLATE:
		return kvmx_translate(vcpu, argp);
	case KVM_SET_GUEST_DEBUG:
		return kvmx_set_guest_debug(vcpu, argp);
	case KVM_GET_TSC_KHZ:
		/* The guest's TSC runs at the host's rate. */
		return tsc_khz ? tsc_khz : -EIO;
	default:
		return -ENOTTY;
	}
}

/**
 * kvmx_vm_clock_ioctl() - KVM_GET_CLOCK and KVM_SET_CLOCK
 * @vm: the VM
 * @ioctl: the request
 * @argp: a struct kvm_clock_data
 *
 * The VM clock is the host's boot-time clock plus an offset that
 * KVM_SET_CLOCK moves.  GET also reports the host's real time and TSC
 * read next to it (KVM_CLOCK_REALTIME, KVM_CLOCK_HOST_TSC); SET with
 * KVM_CLOCK_REALTIME advances the clock by the real time elapsed since
 * @realtime, so a saved clock resumes where it would be.
 *
 * Return: 0, -EINVAL for unknown flags, -EFAULT.
 */
long kvmx_vm_clock_ioctl(struct kvmx_vm *vm, unsigned int ioctl,
			 void __user *argp)
{
	struct kvm_clock_data d;
	unsigned long flags;
	u64 now;

	if (ioctl == KVM_GET_CLOCK) {
		memset(&d, 0, sizeof(d));
		local_irq_save(flags);
		d.host_tsc = rdtsc();
		now = ktime_get_boottime_ns();
		d.realtime = ktime_get_real_ns();
		local_irq_restore(flags);
		d.clock = now + READ_ONCE(vm->clock_offset);
		d.flags = KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC;
		return copy_to_user(argp, &d, sizeof(d)) ? -EFAULT : 0;
	}
	if (copy_from_user(&d, argp, sizeof(d)))
		return -EFAULT;
	if (d.flags & ~KVMX_CLOCK_FLAGS)
		return -EINVAL;
	now = ktime_get_boottime_ns();
	if (d.flags & KVM_CLOCK_REALTIME) {
		u64 real = ktime_get_real_ns();

		if (real > d.realtime)
			d.clock += real - d.realtime;
	}
	WRITE_ONCE(vm->clock_offset, d.clock - now);
	return 0;
}

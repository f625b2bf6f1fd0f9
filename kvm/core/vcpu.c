// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU file descriptors: creation, the mmap'ed struct kvm_run, register
 * ioctls and the run loop.
 *
 * The run loop is vendor neutral: it injects queued events, asks the
 * backend to enter the guest once, lets the backend dispatch the exit and
 * repeats until an exit needs userspace, a signal arrives or an error
 * happens.  A vCPU runs in whichever thread calls KVM_RUN.
 */
#include <linux/anon_inodes.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>

#include "../kvmx.h"

#define KVMX_RFLAGS_IF	BIT(9)
#define KVMX_DB_VECTOR	1
#define KVMX_DR6_INIT	0xffff0ff0ULL
#define KVMX_DR6_BS	BIT_ULL(14)

/**
 * kvmx_queue_exception() - queue an exception for the next guest entry
 * @vcpu: the vCPU
 * @vector: exception vector
 * @has_error: push @error_code
 * @error_code: the error code
 */
void kvmx_queue_exception(struct kvmx_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code)
{
	vcpu->exc = true;
	vcpu->exc_vector = vector;
	vcpu->exc_has_error = has_error;
	vcpu->exc_error = error_code;
}

/**
 * kvmx_internal_error() - report KVM_EXIT_INTERNAL_ERROR
 * @vcpu: the vCPU
 * @suberror: KVM_INTERNAL_ERROR_*
 * @data0: first data word (e.g. the hardware exit reason)
 * @data1: second data word
 *
 * Return: KVMX_EXIT_USER.
 */
int kvmx_internal_error(struct kvmx_vcpu *vcpu, u32 suberror, u64 data0,
			u64 data1)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = 2;
	run->internal.data[0] = data0;
	run->internal.data[1] = data1;
	vcpu->stats[KVMX_STAT_OTHER]++;
	return KVMX_EXIT_USER;
}

static bool kvmx_ready_for_interrupt(struct kvmx_vcpu *vcpu)
{
	return !vcpu->irq_pending && kvmx_ops->interrupt_allowed(vcpu);
}

static void kvmx_inject_events(struct kvmx_vcpu *vcpu)
{
	if (vcpu->exc) {
		kvmx_ops->inject_exception(vcpu, vcpu->exc_vector,
					   vcpu->exc_has_error,
					   vcpu->exc_error);
		vcpu->exc = false;
	} else if (vcpu->nmi_pending && kvmx_ops->nmi_allowed(vcpu) &&
		   !(vcpu->guest_debug & KVM_GUESTDBG_BLOCKIRQ)) {
		/*
		 * BLOCKIRQ holds NMIs back.  A KVM_INTERRUPT vector is the
		 * VMM's own injection and goes in regardless, as upstream.
		 */
		kvmx_ops->inject_nmi(vcpu);
		vcpu->nmi_pending = false;
	} else if (vcpu->irq_pending && kvmx_ops->interrupt_allowed(vcpu)) {
		kvmx_ops->inject_irq(vcpu, vcpu->irq_vector);
		vcpu->irq_pending = false;
	}
	if (vcpu->irq_pending || vcpu->run->request_interrupt_window)
		kvmx_ops->enable_irq_window(vcpu);
}

/*
 * KVM_GUESTDBG_SINGLESTEP and an instruction the kernel completed itself
 * (the guest never ran it, so no #DB came): report the step here.
 */
static int kvmx_singlestep_done(struct kvmx_vcpu *vcpu)
{
	struct kvm_debug_exit_arch *d = &vcpu->run->debug.arch;
	struct kvm_sregs s;

	memset(&s, 0, sizeof(s));
	kvmx_ops->get_sregs(vcpu, &s);
	vcpu->run->exit_reason = KVM_EXIT_DEBUG;
	d->exception = KVMX_DB_VECTOR;
	d->pc = s.cs.base + vcpu->rip;
	d->dr6 = KVMX_DR6_INIT | KVMX_DR6_BS;
	d->dr7 = kvmx_ops->get_dr(vcpu, 7);
	return KVMX_EXIT_USER;
}

static bool kvmx_stepping(struct kvmx_vcpu *vcpu)
{
	return unlikely(vcpu->guest_debug & KVM_GUESTDBG_SINGLESTEP);
}

static void kvmx_post_run_save(struct kvmx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	run->if_flag = !!(vcpu->rflags & KVMX_RFLAGS_IF);
	run->cr8 = kvmx_ops->get_cr8(vcpu);
	run->apic_base = vcpu->msr.apic_base;
	run->ready_for_interrupt_injection = kvmx_ready_for_interrupt(vcpu);
}

static int kvmx_sync_regs_in(struct kvmx_vcpu *vcpu);
static void kvmx_sync_regs_out(struct kvmx_vcpu *vcpu);

static int kvmx_vcpu_run(struct kvmx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	u64 exit_rip;
	int r;

	/* KVM_CAP_SYNC_REGS: only the fields it announces. */
	if ((READ_ONCE(run->kvm_valid_regs) | READ_ONCE(run->kvm_dirty_regs)) &
	    ~(u64)KVMX_SYNC_FIELDS)
		return -EINVAL;
	run->flags = 0;
	/* KVM_SET_SIGNAL_MASK: its set is the thread's mask while we run. */
	if (vcpu->sigset_active)
		sigprocmask(SIG_SETMASK, &vcpu->sigset, &current->real_blocked);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, true);
	if (run->kvm_dirty_regs) {
		r = kvmx_sync_regs_in(vcpu);
		if (r)
			goto out;
	}
	kvmx_ops->set_cr8(vcpu, run->cr8);

	if (vcpu->pending_user != KVMX_USER_NONE) {
		u64 rip = vcpu->rip;

		r = kvmx_complete_user_exit(vcpu);
		if (r <= 0)
			goto out;
		if (kvmx_stepping(vcpu) && vcpu->rip != rip) {
			r = kvmx_singlestep_done(vcpu);
			goto out;
		}
	}
	if (READ_ONCE(run->immediate_exit)) {
		run->exit_reason = KVM_EXIT_INTR;
		r = -EINTR;
		goto out;
	}

	for (;;) {
		if (unlikely(vcpu->triple_fault)) {
			/* KVM_X86_SET_MCE: the guest could not take #MC. */
			vcpu->triple_fault = false;
			run->exit_reason = KVM_EXIT_SHUTDOWN;
			vcpu->stats[KVMX_STAT_SHUTDOWN]++;
			r = 0;
			break;
		}
		if (signal_pending(current)) {
			run->exit_reason = KVM_EXIT_INTR;
			vcpu->stats[KVMX_STAT_SIGNAL]++;
			r = -EINTR;
			break;
		}
		cond_resched();
		kvmx_inject_events(vcpu);
		r = kvmx_ops->run(vcpu);
		if (!r)
			continue;
		exit_rip = vcpu->rip;
		r = kvmx_ops->handle_exit(vcpu);
		if (r <= 0)
			break;
		if (kvmx_stepping(vcpu) && vcpu->rip != exit_rip) {
			r = kvmx_singlestep_done(vcpu);
			break;
		}
		if (run->request_interrupt_window &&
		    kvmx_ready_for_interrupt(vcpu)) {
			run->exit_reason = KVM_EXIT_IRQ_WINDOW_OPEN;
			vcpu->stats[KVMX_STAT_IRQ_WINDOW]++;
			r = 0;
			break;
		}
	}
out:
	kvmx_post_run_save(vcpu);
	if (run->kvm_valid_regs)
		kvmx_sync_regs_out(vcpu);
	fpu_swap_kvm_fpstate(&vcpu->guest_fpu, false);
	if (vcpu->sigset_active) {
		sigprocmask(SIG_SETMASK, &current->real_blocked, NULL);
		sigemptyset(&current->real_blocked);
	}
	return r;
}

static void kvmx_get_regs(struct kvmx_vcpu *vcpu, struct kvm_regs *r)
{
	r->rax = vcpu->regs[KVMX_RAX];
	r->rbx = vcpu->regs[KVMX_RBX];
	r->rcx = vcpu->regs[KVMX_RCX];
	r->rdx = vcpu->regs[KVMX_RDX];
	r->rsi = vcpu->regs[KVMX_RSI];
	r->rdi = vcpu->regs[KVMX_RDI];
	r->rsp = vcpu->regs[KVMX_RSP];
	r->rbp = vcpu->regs[KVMX_RBP];
	r->r8 = vcpu->regs[KVMX_R8];
	r->r9 = vcpu->regs[KVMX_R9];
	r->r10 = vcpu->regs[KVMX_R10];
	r->r11 = vcpu->regs[KVMX_R11];
	r->r12 = vcpu->regs[KVMX_R12];
	r->r13 = vcpu->regs[KVMX_R13];
	r->r14 = vcpu->regs[KVMX_R14];
	r->r15 = vcpu->regs[KVMX_R15];
	r->rip = vcpu->rip;
	r->rflags = vcpu->rflags;
}

static void kvmx_set_regs(struct kvmx_vcpu *vcpu, const struct kvm_regs *r)
{
	vcpu->regs[KVMX_RAX] = r->rax;
	vcpu->regs[KVMX_RBX] = r->rbx;
	vcpu->regs[KVMX_RCX] = r->rcx;
	vcpu->regs[KVMX_RDX] = r->rdx;
	vcpu->regs[KVMX_RSI] = r->rsi;
	vcpu->regs[KVMX_RDI] = r->rdi;
	vcpu->regs[KVMX_RSP] = r->rsp;
	vcpu->regs[KVMX_RBP] = r->rbp;
	vcpu->regs[KVMX_R8] = r->r8;
	vcpu->regs[KVMX_R9] = r->r9;
	vcpu->regs[KVMX_R10] = r->r10;
	vcpu->regs[KVMX_R11] = r->r11;
	vcpu->regs[KVMX_R12] = r->r12;
	vcpu->regs[KVMX_R13] = r->r13;
	vcpu->regs[KVMX_R14] = r->r14;
	vcpu->regs[KVMX_R15] = r->r15;
	vcpu->rip = r->rip;
	/* Bit 1 is always set; reserved bits read as zero. */
	vcpu->rflags = (r->rflags & 0x3f7fd7ULL) | 2;
}

static void kvmx_get_sregs(struct kvmx_vcpu *vcpu, struct kvm_sregs *s)
{
	memset(s, 0, sizeof(*s));
	kvmx_ops->get_sregs(vcpu, s);
	s->apic_base = vcpu->msr.apic_base;
	if (vcpu->irq_pending)
		set_bit(vcpu->irq_vector,
			(unsigned long *)s->interrupt_bitmap);
}

static int kvmx_set_sregs(struct kvmx_vcpu *vcpu, const struct kvm_sregs *s)
{
	int vector, r;

	r = kvmx_ops->set_sregs(vcpu, s);
	if (r)
		return r;
	vcpu->msr.apic_base = s->apic_base;
	vector = find_first_bit((const unsigned long *)s->interrupt_bitmap,
				KVM_NR_INTERRUPTS);
	if (vector < KVM_NR_INTERRUPTS) {
		vcpu->irq_pending = true;
		vcpu->irq_vector = vector;
	}
	return 0;
}

static void kvmx_get_fpu(struct kvmx_vcpu *vcpu, struct kvm_fpu *fpu)
{
	struct fxregs_state *fx = &vcpu->guest_fpu.fpstate->regs.fxsave;

	memset(fpu, 0, sizeof(*fpu));
	memcpy(fpu->fpr, fx->st_space, 128);
	fpu->fcw = fx->cwd;
	fpu->fsw = fx->swd;
	fpu->ftwx = fx->twd;
	fpu->last_opcode = fx->fop;
	fpu->last_ip = fx->rip;
	fpu->last_dp = fx->rdp;
	memcpy(fpu->xmm, fx->xmm_space, sizeof(fpu->xmm));
	fpu->mxcsr = fx->mxcsr;
}

static int kvmx_set_fpu(struct kvmx_vcpu *vcpu, const struct kvm_fpu *fpu)
{
	struct fpstate *fps = vcpu->guest_fpu.fpstate;
	struct fxregs_state *fx = &fps->regs.fxsave;

	if (fpu->mxcsr & ~fx->mxcsr_mask && fx->mxcsr_mask)
		return -EINVAL;
	memcpy(fx->st_space, fpu->fpr, 128);
	fx->cwd = fpu->fcw;
	fx->swd = fpu->fsw;
	fx->twd = fpu->ftwx;
	fx->fop = fpu->last_opcode;
	fx->rip = fpu->last_ip;
	fx->rdp = fpu->last_dp;
	memcpy(fx->xmm_space, fpu->xmm, sizeof(fpu->xmm));
	fx->mxcsr = fpu->mxcsr;
	/* Make XRSTOR take x87 and SSE from the legacy area. */
	if (boot_cpu_has(X86_FEATURE_XSAVE))
		fps->regs.xsave.header.xfeatures |= XFEATURE_MASK_FPSSE;
	return 0;
}

static void kvmx_get_events(struct kvmx_vcpu *vcpu,
			    struct kvm_vcpu_events *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->exception.injected = vcpu->exc;
	ev->exception.nr = vcpu->exc_vector;
	ev->exception.has_error_code = vcpu->exc_has_error;
	ev->exception.error_code = vcpu->exc_error;
	ev->interrupt.injected = vcpu->irq_pending;
	ev->interrupt.nr = vcpu->irq_vector;
	ev->interrupt.shadow = kvmx_ops->get_interrupt_shadow(vcpu) ?
			       KVM_X86_SHADOW_INT_MOV_SS : 0;
	ev->nmi.pending = vcpu->nmi_pending;
	ev->nmi.masked = kvmx_ops->get_nmi_mask(vcpu);
	ev->sipi_vector = 0;
	/* As upstream: NMI pending, shadow and SMM (never in SMM) are valid. */
	ev->flags = KVM_VCPUEVENT_VALID_NMI_PENDING |
		    KVM_VCPUEVENT_VALID_SHADOW | KVM_VCPUEVENT_VALID_SMM;
}

static int kvmx_set_events(struct kvmx_vcpu *vcpu,
			   const struct kvm_vcpu_events *ev)
{
	if (ev->flags & ~(KVM_VCPUEVENT_VALID_NMI_PENDING |
			  KVM_VCPUEVENT_VALID_SIPI_VECTOR |
			  KVM_VCPUEVENT_VALID_SHADOW |
			  KVM_VCPUEVENT_VALID_SMM))
		return -EINVAL;
	if ((ev->flags & KVM_VCPUEVENT_VALID_SMM) && ev->smi.smm)
		return -EINVAL;
	if (ev->exception.injected &&
	    (ev->exception.nr > 31 || ev->exception.nr == 2))
		return -EINVAL;

	/*
	 * Without KVM_CAP_EXCEPTION_PAYLOAD (not offered) "pending" is not
	 * part of the ABI: only an injected exception counts, as upstream.
	 */
	vcpu->exc = ev->exception.injected;
	vcpu->exc_vector = ev->exception.nr;
	vcpu->exc_has_error = ev->exception.has_error_code;
	vcpu->exc_error = ev->exception.error_code;
	if (vcpu->exc && vcpu->exc_vector == 14) {
		struct kvm_sregs s;

		/* No payload: a #PF from userspace keeps the current CR2. */
		memset(&s, 0, sizeof(s));
		kvmx_ops->get_sregs(vcpu, &s);
		vcpu->exc_cr2 = s.cr2;
	}
	vcpu->irq_pending = ev->interrupt.injected;
	vcpu->irq_vector = ev->interrupt.nr;
	if (ev->flags & KVM_VCPUEVENT_VALID_SHADOW)
		kvmx_ops->set_interrupt_shadow(vcpu, !!ev->interrupt.shadow);
	if (ev->flags & KVM_VCPUEVENT_VALID_NMI_PENDING)
		vcpu->nmi_pending = ev->nmi.pending;
	kvmx_ops->set_nmi_mask(vcpu, ev->nmi.masked);
	return 0;
}

/*
 * KVM_CAP_SYNC_REGS: state userspace marked dirty in kvm_run->s.regs is
 * loaded before the run (each field as its SET ioctl would), and the
 * fields it marked valid are stored back at every return.
 */
static int kvmx_sync_regs_in(struct kvmx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct kvm_sync_regs *s = &run->s.regs;

	if (run->kvm_dirty_regs & KVM_SYNC_X86_REGS) {
		kvmx_set_regs(vcpu, &s->regs);
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_REGS;
	}
	if (run->kvm_dirty_regs & KVM_SYNC_X86_SREGS) {
		if (kvmx_set_sregs(vcpu, &s->sregs))
			return -EINVAL;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_SREGS;
	}
	if (run->kvm_dirty_regs & KVM_SYNC_X86_EVENTS) {
		if (kvmx_set_events(vcpu, &s->events))
			return -EINVAL;
		run->kvm_dirty_regs &= ~KVM_SYNC_X86_EVENTS;
	}
	return 0;
}

static void kvmx_sync_regs_out(struct kvmx_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	struct kvm_sync_regs *s = &run->s.regs;

	if (run->kvm_valid_regs & KVM_SYNC_X86_REGS)
		kvmx_get_regs(vcpu, &s->regs);
	if (run->kvm_valid_regs & KVM_SYNC_X86_SREGS)
		kvmx_get_sregs(vcpu, &s->sregs);
	if (run->kvm_valid_regs & KVM_SYNC_X86_EVENTS)
		kvmx_get_events(vcpu, &s->events);
}

static long kvmx_vcpu_ioctl_locked(struct kvmx_vcpu *vcpu, unsigned int ioctl,
				   void __user *argp, unsigned long arg)
{
	union {
		struct kvm_regs regs;
		struct kvm_sregs sregs;
		struct kvm_fpu fpu;
		struct kvm_vcpu_events events;
		struct kvm_mp_state mp;
		struct kvm_interrupt irq;
	} *u;
	long r;

	switch (ioctl) {
	case KVM_RUN:
		if (arg)
			return -EINVAL;
		return kvmx_vcpu_run(vcpu);
	case KVM_NMI:
		vcpu->nmi_pending = true;
		return 0;
	case KVM_INTERRUPT: {
		struct kvm_interrupt irq;

		if (copy_from_user(&irq, argp, sizeof(irq)))
			return -EFAULT;
		if (irq.irq >= KVM_NR_INTERRUPTS)
			return -EINVAL;
		vcpu->irq_pending = true;
		vcpu->irq_vector = irq.irq;
		return 0;
	}
	case KVM_GET_STATS_FD:
		return kvmx_stats_fd(vcpu->vm, vcpu);
	case KVM_X86_SETUP_MCE:
	case KVM_X86_SET_MCE:
		return kvmx_mce_ioctl(vcpu, ioctl, argp);
	case KVM_ENABLE_CAP: {
		struct kvm_enable_cap cap;

		/* No capability can be enabled on a kvmx vCPU (yet). */
		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		return -EINVAL;
	}
	case KVM_GET_MSRS:
		return kvmx_vcpu_msrs_ioctl(vcpu, argp, false);
	case KVM_SET_MSRS:
		return kvmx_vcpu_msrs_ioctl(vcpu, argp, true);
	case KVM_SET_CPUID2:
		return kvmx_set_cpuid2(vcpu, argp);
	case KVM_GET_CPUID2:
		return kvmx_get_cpuid2(vcpu, argp);
	default:
		r = kvmx_vcpu_state_ioctl(vcpu, ioctl, argp);
		if (r != -ENOTTY)
			return r;
	}

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	r = 0;
	switch (ioctl) {
	case KVM_GET_REGS:
		kvmx_get_regs(vcpu, &u->regs);
		if (copy_to_user(argp, &u->regs, sizeof(u->regs)))
			r = -EFAULT;
		break;
	case KVM_SET_REGS:
		if (copy_from_user(&u->regs, argp, sizeof(u->regs)))
			r = -EFAULT;
		else
			kvmx_set_regs(vcpu, &u->regs);
		break;
	case KVM_GET_SREGS:
		kvmx_get_sregs(vcpu, &u->sregs);
		if (copy_to_user(argp, &u->sregs, sizeof(u->sregs)))
			r = -EFAULT;
		break;
	case KVM_SET_SREGS:
		if (copy_from_user(&u->sregs, argp, sizeof(u->sregs)))
			r = -EFAULT;
		else
			r = kvmx_set_sregs(vcpu, &u->sregs);
		break;
	case KVM_GET_FPU:
		kvmx_get_fpu(vcpu, &u->fpu);
		if (copy_to_user(argp, &u->fpu, sizeof(u->fpu)))
			r = -EFAULT;
		break;
	case KVM_SET_FPU:
		if (copy_from_user(&u->fpu, argp, sizeof(u->fpu)))
			r = -EFAULT;
		else
			r = kvmx_set_fpu(vcpu, &u->fpu);
		break;
	case KVM_GET_VCPU_EVENTS:
		kvmx_get_events(vcpu, &u->events);
		if (copy_to_user(argp, &u->events, sizeof(u->events)))
			r = -EFAULT;
		break;
	case KVM_SET_VCPU_EVENTS:
		if (copy_from_user(&u->events, argp, sizeof(u->events)))
			r = -EFAULT;
		else
			r = kvmx_set_events(vcpu, &u->events);
		break;
	case KVM_GET_MP_STATE:
		/* Without an in-kernel LAPIC a vCPU is always runnable. */
		u->mp.mp_state = KVM_MP_STATE_RUNNABLE;
		if (copy_to_user(argp, &u->mp, sizeof(u->mp)))
			r = -EFAULT;
		break;
	case KVM_SET_MP_STATE:
		if (copy_from_user(&u->mp, argp, sizeof(u->mp)))
			r = -EFAULT;
		else if (u->mp.mp_state != KVM_MP_STATE_RUNNABLE)
			r = -EINVAL;
		break;
	default:
		r = -ENOTTY;
	}
	kfree(u);
	return r;
}

static long kvmx_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			    unsigned long arg)
{
	struct kvmx_vcpu *vcpu = filp->private_data;
	long r;

	if (vcpu->vm->mm != current->mm)
		return -EIO;
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	r = kvmx_vcpu_ioctl_locked(vcpu, ioctl, (void __user *)arg, arg);
	mutex_unlock(&vcpu->mutex);
	return r;
}

static vm_fault_t kvmx_vcpu_fault(struct vm_fault *vmf)
{
	struct kvmx_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff == 0)
		page = virt_to_page(vcpu->run);
	else if (vmf->pgoff == KVM_PIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->pio_data);
	else if (vmf->pgoff == KVM_COALESCED_MMIO_PAGE_OFFSET)
		page = virt_to_page(vcpu->vm->coalesced_ring);
	else
		return VM_FAULT_SIGBUS;
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct kvmx_vcpu_vm_ops = {
	.fault = kvmx_vcpu_fault,
};

static int kvmx_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &kvmx_vcpu_vm_ops;
	return 0;
}

static int kvmx_vcpu_release(struct inode *inode, struct file *filp)
{
	struct kvmx_vcpu *vcpu = filp->private_data;

	kvmx_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations kvmx_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= kvmx_vcpu_release,
	.unlocked_ioctl	= kvmx_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= kvmx_vcpu_mmap,
	.llseek		= noop_llseek,
};

static void kvmx_vcpu_reset(struct kvmx_vcpu *vcpu)
{
	memset(vcpu->regs, 0, sizeof(vcpu->regs));
	/* Family 6 processor signature in EDX, as after RESET. */
	vcpu->regs[KVMX_RDX] = 0x600;
	vcpu->rip = 0xfff0;
	vcpu->rflags = 2;
	vcpu->xcr0 = XFEATURE_MASK_FP;
	kvmx_msr_reset(vcpu);
}

/**
 * kvmx_vcpu_create_fd() - KVM_CREATE_VCPU
 * @vm: the VM
 * @id: vCPU id
 *
 * Return: the vCPU fd or -errno.
 */
int kvmx_vcpu_create_fd(struct kvmx_vm *vm, unsigned long id)
{
	struct kvmx_vcpu *vcpu;
	int i, r;

	if (id >= KVMX_MAX_VCPUS)
		return -EINVAL;

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->id = id;
	mutex_init(&vcpu->mutex);
	r = -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run)
		goto err_free;
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->pio_data)
		goto err_run;
	if (!fpu_alloc_guest_fpstate(&vcpu->guest_fpu))
		goto err_pio;
	kvmx_vcpu_reset(vcpu);
	r = kvmx_ops->vcpu_create(vcpu);
	if (r)
		goto err_fpu;

	mutex_lock(&vm->lock);
	r = -EEXIST;
	for (i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i]->id == id)
			goto err_unlock;
	r = -EINVAL;
	if (vm->nr_vcpus >= KVMX_MAX_VCPUS)
		goto err_unlock;
	/* KVM_SET_BOOT_CPU_ID is refused from now on: settle BSP here. */
	if (vcpu->id == vm->bsp_vcpu_id)
		vcpu->msr.apic_base |= MSR_IA32_APICBASE_BSP;
	else
		vcpu->msr.apic_base &= ~MSR_IA32_APICBASE_BSP;
	kref_get(&vm->kref);
	vm->vcpus[vm->nr_vcpus++] = vcpu;
	kvmx_debugfs_vcpu_add(vcpu);
	r = anon_inode_getfd("kvmx-vcpu", &kvmx_vcpu_fops, vcpu,
			     O_RDWR | O_CLOEXEC);
	if (r < 0) {
		vm->vcpus[--vm->nr_vcpus] = NULL;
		debugfs_remove_recursive(vcpu->debugfs);
		kvmx_vm_put(vm);
		goto err_unlock;
	}
	mutex_unlock(&vm->lock);
	return r;

err_unlock:
	mutex_unlock(&vm->lock);
	kvmx_ops->vcpu_free(vcpu);
err_fpu:
	fpu_free_guest_fpstate(&vcpu->guest_fpu);
err_pio:
	free_page((unsigned long)vcpu->pio_data);
err_run:
	free_page((unsigned long)vcpu->run);
err_free:
	kfree(vcpu);
	return r;
}

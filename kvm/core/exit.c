// SPDX-License-Identifier: GPL-2.0
/*
 * Vendor-neutral exit handlers: the backend decodes its exit information
 * into these calls (port I/O, HLT, CPUID, MSRs, XSETBV, SHUTDOWN, failed
 * entry) and they either finish the exit in the kernel or fill kvm_run
 * for userspace.  Also the completion, on the next KVM_RUN, of exits that
 * needed data from userspace.
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/smp.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>

#include "../kvmx.h"
#include "../mmu/walk.h"

#define KVMX_CR4_OSXSAVE	BIT(18)
#define KVMX_UD_VECTOR	6
#define KVMX_GP_VECTOR	13
#define KVMX_PF_VECTOR	14

static u64 kvmx_addr_mask(u8 addr_bytes)
{
	return addr_bytes == 8 ? ~0ULL : (1ULL << (addr_bytes * 8)) - 1;
}

/* Write @val to a GPR used as an address/count of width @addr_bytes. */
static void kvmx_write_addr_reg(struct kvmx_vcpu *vcpu, int reg, u64 val,
				u8 addr_bytes)
{
	if (addr_bytes == 2)
		vcpu->regs[reg] = (vcpu->regs[reg] & ~0xffffULL) |
				  (val & 0xffff);
	else
		vcpu->regs[reg] = val & kvmx_addr_mask(addr_bytes);
}

static int kvmx_walk_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	return kvmx_read_guest(opaque, gpa, buf, len);
}

/**
 * kvmx_gla_to_gpa() - translate a guest linear address with guest paging
 * @vcpu: the vCPU
 * @gla: linear address
 * @access: KVMX_WALK_WRITE / KVMX_WALK_FETCH of an explicit access (the
 *	user bit, and SMAP_OK for a supervisor data access with RFLAGS.AC
 *	set, are added here from the guest's CPL and RFLAGS)
 * @gpa: the guest physical address on success
 *
 * On a guest page fault a #PF is queued for the guest.
 *
 * Return: 0, -EFAULT (#PF queued) or another negative errno.
 */
int kvmx_gla_to_gpa(struct kvmx_vcpu *vcpu, u64 gla, unsigned int access,
		    u64 *gpa)
{
	struct kvm_sregs s;
	u32 err = 0;
	int r;

	memset(&s, 0, sizeof(s));
	kvmx_ops->get_sregs(vcpu, &s);
	if (!(s.cr0 & KVMX_CR0_PG)) {
		*gpa = gla & 0xffffffffULL;
		return 0;
	}
	/* Every caller makes explicit accesses: RFLAGS.AC lifts SMAP. */
	access = kvmx_walk_cpl_access(access, kvmx_ops->get_cpl(vcpu),
				      vcpu->rflags);
	r = kvmx_walk_gva(gla, s.cr0, s.cr3, s.cr4, s.efer, access,
			  kvmx_walk_read, vcpu->vm, gpa, &err);
	if (r == -EFAULT) {
		kvmx_queue_exception(vcpu, KVMX_PF_VECTOR, true, err);
		vcpu->exc_cr2 = gla;
	} else if (r == -EINVAL) {
		kvmx_queue_exception(vcpu, KVMX_GP_VECTOR, true, 0);
	}
	return r;
}

static u64 kvmx_seg_base(struct kvm_sregs *s, int seg)
{
	static const size_t off[] = {
		offsetof(struct kvm_sregs, es), offsetof(struct kvm_sregs, cs),
		offsetof(struct kvm_sregs, ss), offsetof(struct kvm_sregs, ds),
		offsetof(struct kvm_sregs, fs), offsetof(struct kvm_sregs, gs),
	};
	struct kvm_segment *sg = (void *)s + off[seg];

	if ((s->efer & KVMX_EFER_LMA) && s->cs.l && seg != KVMX_SEG_FS &&
	    seg != KVMX_SEG_GS)
		return 0;
	return sg->base;
}

static void kvmx_reverse_elements(u8 *buf, u32 count, u8 size)
{
	u32 i, j;
	u8 tmp[8];

	for (i = 0, j = count - 1; i < j; i++, j--) {
		memcpy(tmp, buf + i * size, size);
		memcpy(buf + i * size, buf + j * size, size);
		memcpy(buf + j * size, tmp, size);
	}
}

/* Advance RSI/RDI and RCX past @count string elements; RIP if done. */
static void kvmx_pio_string_advance(struct kvmx_vcpu *vcpu, int reg)
{
	struct kvmx_pio_state *p = &vcpu->pio;
	u64 delta = (u64)p->count * p->size;
	u64 v = vcpu->regs[reg];

	v = p->down ? v - delta : v + delta;
	kvmx_write_addr_reg(vcpu, reg, v, p->addr_bytes);
	if (p->rep) {
		u64 rcx = (vcpu->regs[KVMX_RCX] & kvmx_addr_mask(p->addr_bytes))
			  - p->count;

		kvmx_write_addr_reg(vcpu, KVMX_RCX, rcx, p->addr_bytes);
		if (rcx)
			return;
	}
	vcpu->rip = p->next_rip;
}

static int kvmx_pio_string(struct kvmx_vcpu *vcpu, int seg)
{
	struct kvmx_pio_state *p = &vcpu->pio;
	struct kvm_sregs s;
	u64 count = 1, lin, lo, gpa, off, mask;
	int reg = p->in ? KVMX_RDI : KVMX_RSI;
	u32 room;
	int r;

	kvmx_insn_prefixes(vcpu, &p->addr_bytes, &seg);
	mask = kvmx_addr_mask(p->addr_bytes);

	if (p->rep) {
		count = vcpu->regs[KVMX_RCX] & mask;
		if (!count) {
			vcpu->rip = p->next_rip;
			return KVMX_EXIT_CONTINUE;
		}
	}
	memset(&s, 0, sizeof(s));
	kvmx_ops->get_sregs(vcpu, &s);
	p->down = !!(vcpu->rflags & KVMX_RFLAGS_DF);
	lin = kvmx_seg_base(&s, p->in ? KVMX_SEG_ES : seg) +
	      (vcpu->regs[reg] & mask);
	if (!((s.efer & KVMX_EFER_LMA) && s.cs.l))
		lin &= 0xffffffffULL;

	/* One exit covers the elements that lie in one guest page. */
	off = offset_in_page(lin);
	room = p->down ? off / p->size + 1 : (PAGE_SIZE - off) / p->size;
	if (!room)
		room = 1;
	count = min_t(u64, count, room);
	count = min_t(u64, count, PAGE_SIZE / p->size);
	p->count = count;
	lo = p->down ? lin - (count - 1) * p->size : lin;

	r = kvmx_gla_to_gpa(vcpu, lo, p->in ? KVMX_WALK_WRITE : 0, &gpa);
	if (r == -EFAULT || r == -EINVAL)
		return KVMX_EXIT_CONTINUE;
	if (r)
		return kvmx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
					   lo, r);
	p->gpa = gpa;

	vcpu->run->io.count = count;
	if (p->in) {
		vcpu->pending_user = KVMX_USER_PIO_STRING;
		return KVMX_EXIT_USER;
	}
	if (kvmx_read_guest(vcpu->vm, gpa, vcpu->pio_data, count * p->size))
		return kvmx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
					   gpa, -EFAULT);
	if (p->down)
		kvmx_reverse_elements(vcpu->pio_data, count, p->size);
	/* Registers move on the next KVM_RUN, as upstream does. */
	vcpu->pending_user = KVMX_USER_PIO_STRING;
	return KVMX_EXIT_USER;
}

/**
 * kvmx_handle_pio() - an IN, OUT, INS or OUTS exit
 * @vcpu: the vCPU
 * @port: I/O port
 * @size: 1, 2 or 4
 * @in: IN/INS
 * @string: INS/OUTS
 * @rep: REP prefix
 * @addr_bytes: address size of a string form (2, 4, 8)
 * @seg: segment of the OUTS source (enum kvmx_seg)
 * @next_rip: RIP of the next instruction
 *
 * Return: KVMX_EXIT_* (KVM_EXIT_IO for userspace unless an ioeventfd
 * took an OUT).
 */
int kvmx_handle_pio(struct kvmx_vcpu *vcpu, u16 port, u8 size, bool in,
		    bool string, bool rep, u8 addr_bytes, int seg,
		    u64 next_rip)
{
	struct kvm_run *run = vcpu->run;
	struct kvmx_pio_state *p = &vcpu->pio;

	vcpu->stats[KVMX_STAT_IO]++;
	if (!in && !string &&
	    kvmx_ioeventfd_write(vcpu->vm, true, port, size,
				 vcpu->regs[KVMX_RAX])) {
		vcpu->stats[KVMX_STAT_IOEVENTFD]++;
		vcpu->rip = next_rip;
		return KVMX_EXIT_CONTINUE;
	}
	if (!in && !string &&
	    kvmx_coalesced_write(vcpu->vm, true, port, size,
				 vcpu->regs[KVMX_RAX])) {
		vcpu->rip = next_rip;
		return KVMX_EXIT_CONTINUE;
	}

	p->size = size;
	p->in = in;
	p->string = string;
	p->rep = rep;
	p->addr_bytes = addr_bytes;
	p->next_rip = next_rip;
	p->rip = vcpu->rip;
	p->count = 1;

	run->exit_reason = KVM_EXIT_IO;
	run->io.direction = in ? KVM_EXIT_IO_IN : KVM_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = port;
	run->io.count = 1;
	run->io.data_offset = KVM_PIO_PAGE_OFFSET * PAGE_SIZE;

	if (string)
		return kvmx_pio_string(vcpu, seg);
	/* RIP moves past the instruction when the next KVM_RUN completes it. */
	vcpu->pending_user = KVMX_USER_PIO;
	if (!in)
		memcpy(vcpu->pio_data, &vcpu->regs[KVMX_RAX], size);
	return KVMX_EXIT_USER;
}

static int kvmx_complete_pio(struct kvmx_vcpu *vcpu)
{
	u64 val = vcpu->pio.size < 4 ? vcpu->regs[KVMX_RAX] : 0;

	if (vcpu->pio.in) {
		memcpy(&val, vcpu->pio_data, vcpu->pio.size);
		vcpu->regs[KVMX_RAX] = val;
	}
	vcpu->rip = vcpu->pio.next_rip;
	return KVMX_EXIT_CONTINUE;
}

static int kvmx_complete_pio_string(struct kvmx_vcpu *vcpu)
{
	struct kvmx_pio_state *p = &vcpu->pio;

	if (!p->in) {
		kvmx_pio_string_advance(vcpu, KVMX_RSI);
		return KVMX_EXIT_CONTINUE;
	}
	if (p->down)
		kvmx_reverse_elements(vcpu->pio_data, p->count, p->size);
	if (kvmx_write_guest(vcpu->vm, p->gpa, vcpu->pio_data,
			     p->count * p->size))
		return kvmx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
					   p->gpa, -EFAULT);
	kvmx_pio_string_advance(vcpu, KVMX_RDI);
	return KVMX_EXIT_CONTINUE;
}

/**
 * kvmx_complete_user_exit() - finish an exit that needed userspace
 * @vcpu: the vCPU, at the start of KVM_RUN
 *
 * Return: KVMX_EXIT_CONTINUE to enter the guest, else a KVM_RUN result.
 */
int kvmx_complete_user_exit(struct kvmx_vcpu *vcpu)
{
	enum kvmx_pending_user what = vcpu->pending_user;

	vcpu->pending_user = KVMX_USER_NONE;
	/* KVM_SET_REGS moved the vCPU elsewhere: forget the port access. */
	if ((what == KVMX_USER_PIO || what == KVMX_USER_PIO_STRING) &&
	    vcpu->rip != vcpu->pio.rip)
		return KVMX_EXIT_CONTINUE;
	switch (what) {
	case KVMX_USER_PIO:
		return kvmx_complete_pio(vcpu);
	case KVMX_USER_PIO_STRING:
		return kvmx_complete_pio_string(vcpu);
	case KVMX_USER_MMIO:
		return kvmx_complete_mmio(vcpu);
	default:
		return KVMX_EXIT_CONTINUE;
	}
}

/**
 * kvmx_handle_hlt() - HLT: exit to userspace (no in-kernel local APIC)
 * @vcpu: the vCPU
 * @next_rip: RIP after the HLT
 *
 * Return: KVMX_EXIT_USER.
 */
int kvmx_handle_hlt(struct kvmx_vcpu *vcpu, u64 next_rip)
{
	vcpu->stats[KVMX_STAT_HLT]++;
	vcpu->rip = next_rip;
	vcpu->run->exit_reason = KVM_EXIT_HLT;
	return KVMX_EXIT_USER;
}

/**
 * kvmx_handle_cpuid() - CPUID from the KVM_SET_CPUID2 table
 * @vcpu: the vCPU
 * @next_rip: RIP after the CPUID
 *
 * Return: KVMX_EXIT_CONTINUE.
 */
int kvmx_handle_cpuid(struct kvmx_vcpu *vcpu, u64 next_rip)
{
	u32 eax, ebx, ecx, edx;

	vcpu->stats[KVMX_STAT_CPUID]++;
	kvmx_cpuid_lookup(vcpu, vcpu->regs[KVMX_RAX], vcpu->regs[KVMX_RCX],
			  &eax, &ebx, &ecx, &edx);
	vcpu->regs[KVMX_RAX] = eax;
	vcpu->regs[KVMX_RBX] = ebx;
	vcpu->regs[KVMX_RCX] = ecx;
	vcpu->regs[KVMX_RDX] = edx;
	vcpu->rip = next_rip;
	return KVMX_EXIT_CONTINUE;
}

/**
 * kvmx_handle_rdmsr() - RDMSR; #GP for MSRs the vCPU does not have
 * @vcpu: the vCPU
 * @next_rip: RIP after the RDMSR
 *
 * Return: KVMX_EXIT_CONTINUE.
 */
int kvmx_handle_rdmsr(struct kvmx_vcpu *vcpu, u64 next_rip)
{
	u64 data;

	vcpu->stats[KVMX_STAT_MSR_READ]++;
	if (kvmx_get_msr(vcpu, (u32)vcpu->regs[KVMX_RCX], &data, false)) {
		kvmx_queue_exception(vcpu, KVMX_GP_VECTOR, true, 0);
		return KVMX_EXIT_CONTINUE;
	}
	vcpu->regs[KVMX_RAX] = (u32)data;
	vcpu->regs[KVMX_RDX] = data >> 32;
	vcpu->rip = next_rip;
	return KVMX_EXIT_CONTINUE;
}

/**
 * kvmx_handle_wrmsr() - WRMSR; #GP for bad MSRs or values
 * @vcpu: the vCPU
 * @next_rip: RIP after the WRMSR
 *
 * Return: KVMX_EXIT_CONTINUE.
 */
int kvmx_handle_wrmsr(struct kvmx_vcpu *vcpu, u64 next_rip)
{
	u64 data = (u32)vcpu->regs[KVMX_RAX] |
		   (vcpu->regs[KVMX_RDX] << 32);

	vcpu->stats[KVMX_STAT_MSR_WRITE]++;
	if (kvmx_set_msr(vcpu, (u32)vcpu->regs[KVMX_RCX], data, false)) {
		kvmx_queue_exception(vcpu, KVMX_GP_VECTOR, true, 0);
		return KVMX_EXIT_CONTINUE;
	}
	vcpu->rip = next_rip;
	return KVMX_EXIT_CONTINUE;
}

/**
 * kvmx_handle_xsetbv() - XSETBV: validate and record the guest's XCR0
 * @vcpu: the vCPU
 * @next_rip: RIP after the XSETBV
 *
 * Return: KVMX_EXIT_CONTINUE.
 */
int kvmx_handle_xsetbv(struct kvmx_vcpu *vcpu, u64 next_rip)
{
	u64 val = (u32)vcpu->regs[KVMX_RAX] | (vcpu->regs[KVMX_RDX] << 32);

	vcpu->stats[KVMX_STAT_XSETBV]++;
	if ((u32)vcpu->regs[KVMX_RCX] != 0 || kvmx_ops->get_cpl(vcpu) ||
	    !kvmx_xcr0_valid(val)) {
		kvmx_queue_exception(vcpu, KVMX_GP_VECTOR, true, 0);
		return KVMX_EXIT_CONTINUE;
	}
	vcpu->xcr0 = val;
	vcpu->rip = next_rip;
	return KVMX_EXIT_CONTINUE;
}

/**
 * kvmx_handle_shutdown() - the guest triple faulted
 * @vcpu: the vCPU
 *
 * Return: KVMX_EXIT_USER with KVM_EXIT_SHUTDOWN.
 */
int kvmx_handle_shutdown(struct kvmx_vcpu *vcpu)
{
	vcpu->stats[KVMX_STAT_SHUTDOWN]++;
	vcpu->run->exit_reason = KVM_EXIT_SHUTDOWN;
	return KVMX_EXIT_USER;
}

/**
 * kvmx_handle_fail_entry() - the hardware refused the guest state
 * @vcpu: the vCPU
 * @reason: hardware failure code
 *
 * Return: KVMX_EXIT_USER with KVM_EXIT_FAIL_ENTRY.
 */
int kvmx_handle_fail_entry(struct kvmx_vcpu *vcpu, u64 reason)
{
	vcpu->stats[KVMX_STAT_FAIL_ENTRY]++;
	vcpu->run->exit_reason = KVM_EXIT_FAIL_ENTRY;
	vcpu->run->fail_entry.hardware_entry_failure_reason = reason;
	vcpu->run->fail_entry.cpu = raw_smp_processor_id();
	return KVMX_EXIT_USER;
}

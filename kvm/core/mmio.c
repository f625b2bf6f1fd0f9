// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO: a guest access outside every memory slot.  The instruction at the
 * guest's RIP is fetched through the guest's page tables, decoded and run
 * by the emulator (x86/decode.c, x86/emulate.c) up to its memory access,
 * which goes to an ioeventfd or to userspace as KVM_EXIT_MMIO.  A read is
 * completed on the next KVM_RUN with the data userspace left in kvm_run;
 * a write completes before the exit.  Forms the decoder does not know end
 * in KVM_EXIT_INTERNAL_ERROR carrying the instruction bytes.
 */
#include <linux/kvm.h>
#include <linux/mm.h>

#include "../kvmx.h"
#include "../mmu/walk.h"

static int kvmx_mmio_gla_to_gpa(void *opaque, u64 gla, unsigned int access,
				u64 *gpa)
{
	struct kvmx_vcpu *vcpu = opaque;
	int r = kvmx_gla_to_gpa(vcpu, gla, access, gpa);

	/* The emulator fails cleanly; do not leave a #PF queued behind it. */
	if (r)
		vcpu->exc = false;
	return r;
}

static int kvmx_mmio_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	struct kvmx_vcpu *vcpu = opaque;

	return kvmx_read_guest(vcpu->vm, gpa, buf, len);
}

static int kvmx_mmio_write(void *opaque, u64 gpa, const void *buf,
			   unsigned int len)
{
	struct kvmx_vcpu *vcpu = opaque;

	return kvmx_write_guest(vcpu->vm, gpa, buf, len);
}

/* MMIO for the emulator: no memory slot, or a store to a read-only one. */
static bool kvmx_mmio_is_mmio(void *opaque, u64 gpa, bool write)
{
	struct kvmx_vcpu *vcpu = opaque;
	const struct kvmx_memslot *slot;
	bool mmio;

	spin_lock(&vcpu->vm->mmu_lock);
	slot = kvmx_gfn_to_slot(vcpu->vm, gpa >> PAGE_SHIFT);
	mmio = !slot || (write && (slot->flags & KVM_MEM_READONLY));
	spin_unlock(&vcpu->vm->mmu_lock);
	return mmio;
}

static void kvmx_mmio_get_regs(struct kvmx_vcpu *vcpu,
			       struct kvmx_emu_regs *r, struct kvm_sregs *s)
{
	memset(s, 0, sizeof(*s));
	kvmx_ops->get_sregs(vcpu, s);
	memcpy(r->gpr, vcpu->regs, sizeof(r->gpr));
	r->rip = vcpu->rip;
	r->rflags = vcpu->rflags;
	r->seg_base[KVMX_SEG_ES] = s->es.base;
	r->seg_base[KVMX_SEG_CS] = s->cs.base;
	r->seg_base[KVMX_SEG_SS] = s->ss.base;
	r->seg_base[KVMX_SEG_DS] = s->ds.base;
	r->seg_base[KVMX_SEG_FS] = s->fs.base;
	r->seg_base[KVMX_SEG_GS] = s->gs.base;
	if ((s->efer & KVMX_EFER_LMA) && s->cs.l)
		r->mode = 64;
	else if ((s->cr0 & 1) && s->cs.db)
		r->mode = 32;
	else
		r->mode = 16;
}

static void kvmx_mmio_put_regs(struct kvmx_vcpu *vcpu,
			       const struct kvmx_emu_regs *r)
{
	memcpy(vcpu->regs, r->gpr, sizeof(vcpu->regs));
	vcpu->rip = r->rip;
	vcpu->rflags = r->rflags;
}

static int kvmx_emulation_failure(struct kvmx_vcpu *vcpu, const u8 *bytes,
				  unsigned int len)
{
	struct kvm_run *run = vcpu->run;

	run->exit_reason = KVM_EXIT_INTERNAL_ERROR;
	run->emulation_failure.suberror = KVM_INTERNAL_ERROR_EMULATION;
	run->emulation_failure.ndata = 3;
	run->emulation_failure.flags =
		KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES;
	run->emulation_failure.insn_size = len;
	memset(run->emulation_failure.insn_bytes, 0,
	       sizeof(run->emulation_failure.insn_bytes));
	memcpy(run->emulation_failure.insn_bytes, bytes, len);
	vcpu->stats[KVMX_STAT_OTHER]++;
	return KVMX_EXIT_USER;
}

/* Fetch up to 15 instruction bytes at the guest's RIP; returns the count. */
static unsigned int kvmx_fetch_insn(struct kvmx_vcpu *vcpu,
				    const struct kvmx_emu_regs *r, u8 *bytes)
{
	u64 lin = r->rip, gpa;
	unsigned int n = 0;

	if (r->mode != 64)
		lin = (r->seg_base[KVMX_SEG_CS] + r->rip) & 0xffffffffULL;
	while (n < KVMX_INSN_MAX_LEN) {
		unsigned int chunk = min_t(unsigned int, KVMX_INSN_MAX_LEN - n,
					   PAGE_SIZE - offset_in_page(lin + n));

		if (kvmx_mmio_gla_to_gpa(vcpu, lin + n, KVMX_WALK_FETCH, &gpa) ||
		    kvmx_read_guest(vcpu->vm, gpa, bytes + n, chunk))
			break;
		n += chunk;
	}
	return n;
}

/**
 * kvmx_fetch_guest_insn() - the bytes of the instruction at the guest's RIP
 * @vcpu: the vCPU
 * @bytes: KVMX_INSN_MAX_LEN bytes of room
 *
 * Return: how many bytes could be read (0: RIP is not readable memory).
 */
unsigned int kvmx_fetch_guest_insn(struct kvmx_vcpu *vcpu, u8 *bytes)
{
	struct kvmx_emu_regs r;
	struct kvm_sregs s;

	kvmx_mmio_get_regs(vcpu, &r, &s);
	return kvmx_fetch_insn(vcpu, &r, bytes);
}

/**
 * kvmx_insn_prefixes() - address size and segment of the instruction at RIP
 * @vcpu: the vCPU
 * @addr_bytes: in: the backend's idea (kept if the bytes cannot be read);
 *	out: the mode's address size, flipped by a 0x67 prefix
 * @seg: in: the backend's idea; out: a segment override prefix if any
 *
 * The string I/O exit information of some CPUs (and of emulated ones) is
 * not reliable about these, so the instruction's own prefixes decide.
 */
void kvmx_insn_prefixes(struct kvmx_vcpu *vcpu, u8 *addr_bytes, int *seg)
{
	static const s8 seg_prefix[4] = {
		[0] = KVMX_SEG_ES, [1] = KVMX_SEG_CS, [2] = KVMX_SEG_SS,
		[3] = KVMX_SEG_DS,
	};
	u8 bytes[KVMX_INSN_MAX_LEN];
	struct kvmx_emu_regs r;
	struct kvm_sregs s;
	bool a67 = false;
	unsigned int i, n;

	kvmx_mmio_get_regs(vcpu, &r, &s);
	n = kvmx_fetch_insn(vcpu, &r, bytes);
	if (!n)
		return;
	for (i = 0; i < n; i++) {
		u8 b = bytes[i];

		if (b == 0x67)
			a67 = true;
		else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e)
			*seg = seg_prefix[(b >> 3) & 3];
		else if (b == 0x64 || b == 0x65)
			*seg = b == 0x64 ? KVMX_SEG_FS : KVMX_SEG_GS;
		else if (b != 0x66 && b != 0xf0 && b != 0xf2 && b != 0xf3 &&
			 !(r.mode == 64 && (b & 0xf0) == 0x40))
			break;
	}
	if (r.mode == 64)
		*addr_bytes = a67 ? 4 : 8;
	else if (r.mode == 32)
		*addr_bytes = a67 ? 2 : 4;
	else
		*addr_bytes = a67 ? 4 : 2;
}

/* An access the emulator asked for: ioeventfd, or exit to userspace. */
static int kvmx_mmio_access(struct kvmx_vcpu *vcpu, struct kvmx_emu_regs *r,
			    const struct kvmx_emu_mem *mem)
{
	struct kvmx_mmio_state *m = &vcpu->mmio;
	struct kvm_run *run = vcpu->run;
	bool to_user = true;
	int res;

	if (m->acc.is_write) {
		if (kvmx_ioeventfd_write(vcpu->vm, false, m->acc.gpa, m->acc.size,
					 m->acc.data)) {
			vcpu->stats[KVMX_STAT_IOEVENTFD]++;
			to_user = false;
		} else if (kvmx_coalesced_write(vcpu->vm, false, m->acc.gpa,
						m->acc.size, m->acc.data)) {
			to_user = false;
		} else {
			run->exit_reason = KVM_EXIT_MMIO;
			run->mmio.phys_addr = m->acc.gpa;
			run->mmio.len = m->acc.size;
			run->mmio.is_write = 1;
			memset(run->mmio.data, 0, sizeof(run->mmio.data));
			memcpy(run->mmio.data, &m->acc.data, m->acc.size);
		}
		/* Stores complete now; the guest sees the write as done. */
		res = kvmx_emu_mmio_finish(&m->insn, r, mem, &m->acc);
		if (res < 0)
			return kvmx_internal_error(vcpu,
					KVM_INTERNAL_ERROR_EMULATION,
					m->acc.gpa, res);
		kvmx_mmio_put_regs(vcpu, r);
		return to_user ? KVMX_EXIT_USER : KVMX_EXIT_CONTINUE;
	}
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = m->acc.gpa;
	run->mmio.len = m->acc.size;
	run->mmio.is_write = 0;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	vcpu->pending_user = KVMX_USER_MMIO;
	return KVMX_EXIT_USER;
}

/**
 * kvmx_handle_mmio() - a guest access to @gpa outside guest RAM
 * @vcpu: the vCPU
 * @gpa: guest physical address of the access
 * @write: the fault was a write
 *
 * Return: KVMX_EXIT_* or -errno.
 */
int kvmx_handle_mmio(struct kvmx_vcpu *vcpu, u64 gpa, bool write)
{
	struct kvmx_emu_mem mem = {
		.gla_to_gpa = kvmx_mmio_gla_to_gpa,
		.read = kvmx_mmio_read,
		.write = kvmx_mmio_write,
		.is_mmio = kvmx_mmio_is_mmio,
		.opaque = vcpu,
	};
	struct kvmx_mmio_state *m = &vcpu->mmio;
	struct kvmx_emu_regs r;
	struct kvm_sregs s;
	u8 bytes[KVMX_INSN_MAX_LEN];
	unsigned int n;
	int res;

	vcpu->stats[KVMX_STAT_MMIO]++;
	kvmx_mmio_get_regs(vcpu, &r, &s);
	n = kvmx_fetch_insn(vcpu, &r, bytes);
	if (!n)
		return kvmx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
					   r.rip, gpa);
	if (kvmx_decode(bytes, n, r.mode, &m->insn))
		return kvmx_emulation_failure(vcpu, bytes, n);
	m->gpa = gpa;
	res = kvmx_emu_mmio_start(&m->insn, &r, &mem, gpa, &m->acc);
	if (res < 0)
		return kvmx_emulation_failure(vcpu, bytes, m->insn.len);
	if (res == KVMX_EMU_DONE) {
		kvmx_mmio_put_regs(vcpu, &r);
		return KVMX_EXIT_CONTINUE;
	}
	return kvmx_mmio_access(vcpu, &r, &mem);
}

/**
 * kvmx_complete_mmio() - finish an MMIO read with userspace's data
 * @vcpu: the vCPU, at the start of KVM_RUN
 *
 * Read-modify-write forms continue with their write, which may exit
 * again.
 *
 * Return: KVMX_EXIT_*.
 */
int kvmx_complete_mmio(struct kvmx_vcpu *vcpu)
{
	struct kvmx_emu_mem mem = {
		.gla_to_gpa = kvmx_mmio_gla_to_gpa,
		.read = kvmx_mmio_read,
		.write = kvmx_mmio_write,
		.is_mmio = kvmx_mmio_is_mmio,
		.opaque = vcpu,
	};
	struct kvmx_mmio_state *m = &vcpu->mmio;
	struct kvmx_emu_regs r;
	struct kvm_sregs s;
	u64 data = 0;
	int res;

	kvmx_mmio_get_regs(vcpu, &r, &s);
	memcpy(&data, vcpu->run->mmio.data, m->acc.size);
	m->acc.data = data;
	res = kvmx_emu_mmio_finish(&m->insn, &r, &mem, &m->acc);
	if (res < 0)
		return kvmx_internal_error(vcpu, KVM_INTERNAL_ERROR_EMULATION,
					   m->gpa, res);
	if (res == KVMX_EMU_WRITE) {
		struct kvm_run *run = vcpu->run;

		kvmx_mmio_put_regs(vcpu, &r);
		/* acc.gpa: a MOVS from MMIO to MMIO writes elsewhere. */
		if (kvmx_ioeventfd_write(vcpu->vm, false, m->acc.gpa,
					 m->acc.size, m->acc.data))
			return KVMX_EXIT_CONTINUE;
		run->exit_reason = KVM_EXIT_MMIO;
		run->mmio.phys_addr = m->acc.gpa;
		run->mmio.len = m->acc.size;
		run->mmio.is_write = 1;
		memset(run->mmio.data, 0, sizeof(run->mmio.data));
		memcpy(run->mmio.data, &m->acc.data, m->acc.size);
		return KVMX_EXIT_USER;
	}
	kvmx_mmio_put_regs(vcpu, &r);
	return KVMX_EXIT_CONTINUE;
}

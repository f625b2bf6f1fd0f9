/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MMIO emulation of one decoded instruction (see decode.h).
 *
 * The protocol splits an instruction at the point where the MMIO access
 * happens, because that access may need a trip to userspace
 * (KVM_EXIT_MMIO) before the instruction can complete:
 *
 *	kvmx_decode(bytes, n, mode, &insn);
 *	kvmx_emu_mmio_start(&insn, &regs, mem, fault_gpa, &acc);
 *	    -> KVMX_EMU_ACCESS: make access @acc at fault_gpa (for a read,
 *	       put the value read in acc.data), then:
 *	kvmx_emu_mmio_finish(&insn, &regs, mem, &acc);
 *	    -> KVMX_EMU_DONE:  instruction complete, RIP advanced
 *	    -> KVMX_EMU_WRITE: read-modify-write (ALU, NOT/NEG/INC/DEC,
 *	       BTS/BTR/BTC), XCHG, XADD or CMPXCHG: registers are final (RIP
 *	       advanced); also perform the MMIO write now in @acc, at the
 *	       same address.  MOVS from MMIO to MMIO: the write of the
 *	       element just read, at the destination's @acc.gpa; registers
 *	       are stepped as for DONE or AGAIN (RIP advanced only after the
 *	       last element), so resume the guest after the write
 *	    -> KVMX_EMU_AGAIN: REP string op: one iteration done, RSI/RDI/RCX
 *	       updated, RIP NOT advanced; resume the guest, which re-executes
 *	       the instruction for the next element
 *
 * Neither function changes @regs when it returns an error, so the guest
 * state stays as it was at the fault.
 *
 * Pure logic: builds in the kernel and in host unit tests.
 */
#ifndef KVMX_X86_EMULATE_H
#define KVMX_X86_EMULATE_H

#include "decode.h"

/* RFLAGS bits the emulator reads or writes */
#define KVMX_RFLAGS_CF		BIT_ULL(0)
#define KVMX_RFLAGS_PF		BIT_ULL(2)
#define KVMX_RFLAGS_AF		BIT_ULL(4)
#define KVMX_RFLAGS_ZF		BIT_ULL(6)
#define KVMX_RFLAGS_SF		BIT_ULL(7)
#define KVMX_RFLAGS_DF		BIT_ULL(10)
#define KVMX_RFLAGS_OF		BIT_ULL(11)
#define KVMX_RFLAGS_ARITH	(KVMX_RFLAGS_CF | KVMX_RFLAGS_PF | \
				 KVMX_RFLAGS_AF | KVMX_RFLAGS_ZF | \
				 KVMX_RFLAGS_SF | KVMX_RFLAGS_OF)

/**
 * struct kvmx_emu_regs - guest state the MMIO emulator reads and writes
 * @gpr: RAX..R15 in hardware order (enum kvmx_gpr)
 * @rip: address of the instruction being emulated
 * @rflags: RFLAGS (arithmetic flags updated, DF read)
 * @seg_base: segment bases, ES, CS, SS, DS, FS, GS (enum kvmx_seg); in
 *	64-bit mode only FS and GS are used, the others count as zero
 * @mode: 16, 32 or 64, the same value given to kvmx_decode()
 */
struct kvmx_emu_regs {
	u64 gpr[KVMX_NR_GPRS];
	u64 rip;
	u64 rflags;
	u64 seg_base[KVMX_NR_SEGS];
	unsigned int mode;
};

/* kvmx_mmio_access.flags (private to the emulator; keep them intact) */
#define KVMX_MMIO_F_STRING_SRC	0x01	/* MOVS: MMIO is the source side */
#define KVMX_MMIO_F_STRING_DST	0x02	/* MOVS: MMIO is the destination */
/* Both set: MOVS from MMIO to MMIO (a read, then a write elsewhere). */

/**
 * struct kvmx_mmio_access - one MMIO access an instruction makes
 * @is_write: store to the device (else load)
 * @size: access size in bytes: 1, 2, 4 or 8
 * @flags: KVMX_MMIO_F_*, emulator private state between start and finish
 * @data: for writes, the value to store (low @size bytes, little-endian
 *	order when copied to KVM_EXIT_MMIO's data[]); for reads, the caller
 *	puts the loaded value here before kvmx_emu_mmio_finish()
 * @gla: guest linear address of the MMIO operand as the instruction
 *	computes it (seg base + effective address), for checks and tracing
 * @gpa: guest physical address to access: the faulting GPA, except for
 *	MOVS, where it is the translated address of the MMIO side (the
 *	source for the read of an MMIO-to-MMIO move, the destination for
 *	its follow-up write)
 */
struct kvmx_mmio_access {
	bool is_write;
	u8 size;
	u8 flags;
	u64 data;
	u64 gla;
	u64 gpa;
};

/*
 * Access bit for kvmx_emu_mem.gla_to_gpa (same value as KVMX_WALK_WRITE);
 * the callback adds the user bit itself from the guest's CPL.
 */
#define KVMX_EMU_ACC_WRITE	0x02

/**
 * struct kvmx_emu_mem - guest RAM access for the non-MMIO side of MOVS
 * @gla_to_gpa: translate a guest linear address for an access of type
 *	@access (KVMX_EMU_ACC_*); 0 or a negative errno
 * @read: read @len bytes of guest RAM at @gpa; 0 or a negative errno
 * @write: write @len bytes of guest RAM at @gpa; 0 or a negative errno
 * @is_mmio: optional: whether an access (a store if @write) at @gpa is
 *	MMIO rather than guest RAM
 * @opaque: passed to every callback
 *
 * Only MOVS needs it: the emulator translates both rSI and rDI; a side is
 * MMIO if it lies in the faulting GPA's page or @is_mmio says so.  One
 * MMIO side is copied through RAM on the other side; two MMIO sides make
 * a read at the source and then a write at the destination.  Accesses
 * that cross a page are refused (-EINVAL).
 */
struct kvmx_emu_mem {
	int (*gla_to_gpa)(void *opaque, u64 gla, unsigned int access,
			  u64 *gpa);
	int (*read)(void *opaque, u64 gpa, void *buf, unsigned int len);
	int (*write)(void *opaque, u64 gpa, const void *buf, unsigned int len);
	bool (*is_mmio)(void *opaque, u64 gpa, bool write);
	void *opaque;
};

/* Results of kvmx_emu_mmio_start() and kvmx_emu_mmio_finish() */
enum kvmx_emu_result {
	KVMX_EMU_ACCESS = 0,
	KVMX_EMU_DONE = 1,
	KVMX_EMU_WRITE = 2,
	KVMX_EMU_AGAIN = 3,
};

/**
 * kvmx_emu_mmio_start() - describe the MMIO access an instruction makes
 * @insn: decoded instruction (kvmx_decode())
 * @regs: guest registers at the fault; changed only for KVMX_EMU_DONE
 * @mem: guest RAM accessors, needed for MOVS only (may be NULL otherwise)
 * @fault_gpa: guest physical address that faulted (used to pick the MMIO
 *	side of MOVS)
 * @acc: filled in with the access to make
 *
 * A store's data is taken from the register or immediate now.  Loads,
 * read-modify-write forms, XCHG, TEST/CMP/BT and the MMIO-source side of
 * MOVS and LODS start with a read.
 *
 * Return: KVMX_EMU_ACCESS; KVMX_EMU_DONE if a REP prefixed instruction has
 * a zero count (RIP advanced, no access); -EINVAL for a form or state the
 * emulator does not handle (register operand, neither MOVS side MMIO,
 * missing @mem, ...); a negative errno from a @mem callback.
 */
int kvmx_emu_mmio_start(const struct kvmx_insn *insn,
			struct kvmx_emu_regs *regs,
			const struct kvmx_emu_mem *mem, u64 fault_gpa,
			struct kvmx_mmio_access *acc);

/**
 * kvmx_emu_mmio_finish() - complete an instruction after its MMIO access
 * @insn: the instruction given to kvmx_emu_mmio_start()
 * @regs: guest registers, updated
 * @mem: guest RAM accessors (MOVS only)
 * @acc: the access from kvmx_emu_mmio_start(), with @acc->data holding the
 *	loaded value for reads; rewritten to the follow-up write (data, and
 *	for MOVS the destination's gpa and gla) when the result is
 *	KVMX_EMU_WRITE
 *
 * Register writes follow hardware rules: 32-bit destinations are zero
 * extended to 64 bits in 64-bit mode, 8- and 16-bit destinations merge
 * into the old value.  Arithmetic forms set CF/PF/AF/ZF/SF/OF as the CPU
 * does (AF cleared by logic ops, where the CPU leaves it undefined).
 *
 * Return: KVMX_EMU_DONE, KVMX_EMU_WRITE or KVMX_EMU_AGAIN (see the top of
 * this file), or a negative errno with @regs unchanged.
 */
int kvmx_emu_mmio_finish(const struct kvmx_insn *insn,
			 struct kvmx_emu_regs *regs,
			 const struct kvmx_emu_mem *mem,
			 struct kvmx_mmio_access *acc);

/**
 * kvmx_emu_linear_addr() - guest linear address of the memory operand
 * @insn: decoded instruction
 * @regs: guest registers
 *
 * Segment base plus effective address, truncated to the address size and,
 * outside 64-bit mode, to 32 bits.  For string instructions: the rSI side
 * for LODS and MOVS, the ES:rDI side for STOS.  No limit or canonical
 * checks are made.
 *
 * Return: the linear address.
 */
u64 kvmx_emu_linear_addr(const struct kvmx_insn *insn,
			 const struct kvmx_emu_regs *regs);

#endif /* KVMX_X86_EMULATE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86 instruction decoder for MMIO emulation.
 *
 * Decodes only the instruction forms that can touch memory and that a
 * guest plausibly uses on device memory (see Documentation/kvm-emulate.rst
 * for the list).  Anything else is refused with -EINVAL: the caller then
 * reports KVM_EXIT_INTERNAL_ERROR with the instruction bytes instead of
 * guessing.  Register-only encodings (ModRM.mod == 3) are refused too: they
 * cannot cause an MMIO fault.
 *
 * Pure logic: builds in the kernel and in host unit tests.
 */
#ifndef KVMX_X86_DECODE_H
#define KVMX_X86_DECODE_H

#include "emu_types.h"

/* Longest legal x86 instruction, in bytes. */
#define KVMX_INSN_MAX_LEN	15

/**
 * enum kvmx_op - what a decoded instruction does with its memory operand
 * @KVMX_OP_INVALID: never returned by a successful decode
 * @KVMX_OP_MOV_STORE: register or immediate to memory (88, 89, C6, C7, A2, A3)
 * @KVMX_OP_MOV_LOAD: memory to register (8A, 8B, A0, A1)
 * @KVMX_OP_MOVZX: zero-extending load (0F B6, 0F B7)
 * @KVMX_OP_MOVSX: sign-extending load (0F BE, 0F BF, 63 MOVSXD)
 * @KVMX_OP_STOS: store string (AA, AB), destination ES:rDI
 * @KVMX_OP_LODS: load string (AC, AD), source seg:rSI
 * @KVMX_OP_MOVS: move string (A4, A5), seg:rSI to ES:rDI
 * @KVMX_OP_ADD: ADD (00-03, 80/81/83 /0)
 * @KVMX_OP_OR: OR (08-0B, /1)
 * @KVMX_OP_ADC: ADC (10-13, /2)
 * @KVMX_OP_SBB: SBB (18-1B, /3)
 * @KVMX_OP_AND: AND (20-23, /4)
 * @KVMX_OP_SUB: SUB (28-2B, /5)
 * @KVMX_OP_XOR: XOR (30-33, /6)
 * @KVMX_OP_CMP: CMP (38-3B, /7), flags only
 * @KVMX_OP_TEST: TEST (84, 85, F6/F7 /0), flags only
 * @KVMX_OP_XCHG: XCHG (86, 87), memory and register swap
 * @KVMX_OP_NOT: NOT (F6/F7 /2)
 * @KVMX_OP_NEG: NEG (F6/F7 /3)
 * @KVMX_OP_INC: INC (FE/FF /0)
 * @KVMX_OP_DEC: DEC (FE/FF /1)
 * @KVMX_OP_BT: bit test (0F A3, 0F BA /4), CF only
 * @KVMX_OP_BTS: bit test and set (0F AB, 0F BA /5)
 * @KVMX_OP_BTR: bit test and reset (0F B3, 0F BA /6)
 * @KVMX_OP_BTC: bit test and complement (0F BB, 0F BA /7)
 * @KVMX_OP_XADD: exchange and add (0F C0, 0F C1)
 * @KVMX_OP_CMPXCHG: compare with the accumulator and exchange (0F B0, 0F B1)
 * @KVMX_OP_SETCC: store 1 or 0 by condition @opcode & 15 (0F 90-9F)
 * @KVMX_OP_CMOVCC: load if condition @opcode & 15 holds (0F 40-4F)
 * @KVMX_OP_COUNT: number of operations
 *
 * MOVNTI (0F C3) decodes as KVMX_OP_MOV_STORE: the non-temporal hint means
 * nothing to a device.
 */
enum kvmx_op {
	KVMX_OP_INVALID = 0,
	KVMX_OP_MOV_STORE,
	KVMX_OP_MOV_LOAD,
	KVMX_OP_MOVZX,
	KVMX_OP_MOVSX,
	KVMX_OP_STOS,
	KVMX_OP_LODS,
	KVMX_OP_MOVS,
	KVMX_OP_ADD,
	KVMX_OP_OR,
	KVMX_OP_ADC,
	KVMX_OP_SBB,
	KVMX_OP_AND,
	KVMX_OP_SUB,
	KVMX_OP_XOR,
	KVMX_OP_CMP,
	KVMX_OP_TEST,
	KVMX_OP_XCHG,
	KVMX_OP_NOT,
	KVMX_OP_NEG,
	KVMX_OP_INC,
	KVMX_OP_DEC,
	KVMX_OP_BT,
	KVMX_OP_BTS,
	KVMX_OP_BTR,
	KVMX_OP_BTC,
	KVMX_OP_XADD,
	KVMX_OP_CMPXCHG,
	KVMX_OP_SETCC,
	KVMX_OP_CMOVCC,
	KVMX_OP_COUNT,
};

/* Segment registers, in hardware (Sreg field) order. */
enum kvmx_seg {
	KVMX_SEG_ES = 0,
	KVMX_SEG_CS,
	KVMX_SEG_SS,
	KVMX_SEG_DS,
	KVMX_SEG_FS,
	KVMX_SEG_GS,
	KVMX_NR_SEGS,
};

/* General purpose registers, in hardware (ModRM/REX) order. */
enum kvmx_gpr {
	KVMX_RAX = 0, KVMX_RCX, KVMX_RDX, KVMX_RBX,
	KVMX_RSP, KVMX_RBP, KVMX_RSI, KVMX_RDI,
	KVMX_R8, KVMX_R9, KVMX_R10, KVMX_R11,
	KVMX_R12, KVMX_R13, KVMX_R14, KVMX_R15,
	KVMX_NR_GPRS,
};

/* kvmx_insn.prefixes bits */
#define KVMX_PFX_LOCK		0x01	/* F0 */
#define KVMX_PFX_REP		0x02	/* F3 (REP/REPE) */
#define KVMX_PFX_REPNE		0x04	/* F2 */
#define KVMX_PFX_OPSIZE		0x08	/* 66 */
#define KVMX_PFX_ADSIZE		0x10	/* 67 */
#define KVMX_PFX_SEG		0x20	/* a segment override is present */

/* kvmx_insn.src: where the value that goes to memory (or is combined with it) comes from */
#define KVMX_SRC_NONE		0	/* loads, unary ops, string ops */
#define KVMX_SRC_REG		1	/* kvmx_insn.reg */
#define KVMX_SRC_IMM		2	/* kvmx_insn.imm */

/* kvmx_insn.dst: what the instruction writes */
#define KVMX_DST_NONE		0	/* flags only: CMP, TEST, BT */
#define KVMX_DST_MEM		1	/* the memory operand */
#define KVMX_DST_REG		2	/* kvmx_insn.reg */
#define KVMX_DST_BOTH		3	/* XCHG, XADD, CMPXCHG */

/* kvmx_insn.mem_base / mem_index when absent */
#define KVMX_NO_REG		0xff

/**
 * struct kvmx_insn - one decoded memory-touching instruction
 * @len: total length in bytes, prefixes included (1..15)
 * @mode: decode mode, 16, 32 or 64 (code segment default size)
 * @op: enum kvmx_op
 * @opcode: final opcode byte (after 0F for two-byte opcodes)
 * @two_byte: the opcode was 0F xx
 * @prefixes: KVMX_PFX_* bits seen
 * @rex: the REX byte (0x40..0x4F) or 0; only in 64-bit mode
 * @mem_bytes: size of the memory access in bytes (1, 2, 4 or 8)
 * @reg_bytes: size of the register operand in bytes; differs from
 *	@mem_bytes only for MOVZX/MOVSX/MOVSXD (destination size)
 * @addr_bytes: address size in bytes (2, 4 or 8); rSI/rDI/rCX width for
 *	string ops
 * @seg: effective segment of the memory operand (override, else DS, or SS
 *	for rBP/rSP based addressing); for STOS and the MOVS destination the
 *	segment is always ES and @seg names the source segment
 * @src: KVMX_SRC_* for the value combined with or stored to memory
 * @dst: KVMX_DST_*, which operand receives the result
 * @reg_is_lhs: ALU forms 02/03, 0A/0B, ... 3A/3B: the register is the left
 *	operand, the result is reg OP mem (for CMP: flags of reg - mem);
 *	otherwise mem OP src
 * @reg: GPR index 0..15 of the register operand (REX.R applied), or of the
 *	implicit accumulator (RAX) for moffs and string forms
 * @reg_high8: the register operand is AH, CH, DH or BH: bits 15:8 of
 *	GPR @reg (then @reg is 0..3); only for 1-byte operands without REX
 * @mem_base: base GPR of the memory operand (REX.B applied) or KVMX_NO_REG
 * @mem_index: index GPR (REX.X applied) or KVMX_NO_REG
 * @mem_scale: index scale, 1, 2, 4 or 8
 * @rip_relative: 64-bit RIP-relative operand: EA = next RIP + @disp
 * @disp: displacement, sign-extended (moffs forms: the full moffs, zero-
 *	extended, with no base or index)
 * @imm: immediate, sign-extended to 64 bits as the instruction uses it
 *	(for 8-bit BT/BTS/BTR/BTC immediates: the raw bit offset, 0..255)
 * @imm_bytes: size of the immediate in the encoding (0 if none)
 * @modrm: the ModRM byte (0 if the form has none)
 * @has_modrm: @modrm is valid
 */
struct kvmx_insn {
	u8 len;
	u8 mode;
	u8 op;
	u8 opcode;
	bool two_byte;
	u8 prefixes;
	u8 rex;
	u8 mem_bytes;
	u8 reg_bytes;
	u8 addr_bytes;
	u8 seg;
	u8 src;
	u8 dst;
	bool reg_is_lhs;
	u8 reg;
	bool reg_high8;
	u8 mem_base;
	u8 mem_index;
	u8 mem_scale;
	bool rip_relative;
	u8 imm_bytes;
	u8 modrm;
	bool has_modrm;
	s64 disp;
	s64 imm;
};

/**
 * kvmx_decode() - decode one instruction for MMIO emulation
 * @bytes: instruction bytes fetched at the guest's RIP
 * @avail: number of valid bytes at @bytes (only the first 15 are used)
 * @mode: 16, 32 or 64: 64 for a 64-bit code segment (EFER.LMA and CS.L),
 *	32 for CS.D=1, 16 for real mode, vm86 and CS.D=0
 * @insn: filled in on success; contents undefined on failure
 *
 * Never reads past @bytes[@avail - 1] nor past 15 bytes.
 *
 * Return: 0 on success; -EAGAIN if @avail is shorter than the instruction
 * (fetch more bytes and retry); -EINVAL if the bytes are not one of the
 * emulated forms, are longer than 15 bytes, or @mode is not 16/32/64.
 */
int kvmx_decode(const u8 *bytes, unsigned int avail, unsigned int mode,
		struct kvmx_insn *insn);

/**
 * kvmx_op_name() - printable name of an enum kvmx_op, for debug output
 * @op: the operation
 *
 * Return: a static string, "invalid" for unknown values.
 */
const char *kvmx_op_name(unsigned int op);

#endif /* KVMX_X86_DECODE_H */

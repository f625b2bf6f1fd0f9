// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO emulation of the instructions kvmx_decode() accepts: the data of a
 * store, register write-back of loads with the CPU's extension and merge
 * rules, RFLAGS of the arithmetic forms, read-modify-write and XCHG, and
 * one iteration at a time of REP string instructions.
 */
#include "emulate.h"

#define KVMX_PAGE_SIZE	4096ULL

static u64 kvmx_mask(unsigned int bytes)
{
	return bytes >= 8 ? ~0ULL : (1ULL << (8 * bytes)) - 1;
}

static u64 kvmx_sext(u64 val, unsigned int bytes)
{
	switch (bytes) {
	case 1:
		return (u64)(s64)(s8)val;
	case 2:
		return (u64)(s64)(s16)val;
	case 4:
		return (u64)(s64)(s32)val;
	default:
		return val;
	}
}

static bool kvmx_size_ok(unsigned int bytes)
{
	return bytes == 1 || bytes == 2 || bytes == 4 || bytes == 8;
}

/*
 * Write @bytes of @val to a GPR with the CPU's rules: 8- and 16-bit writes
 * merge, 32-bit writes zero the upper half, 64-bit writes replace.
 */
static void kvmx_gpr_write(u64 *gpr, bool high8, unsigned int bytes, u64 val)
{
	switch (bytes) {
	case 1:
		if (high8)
			*gpr = (*gpr & ~0xff00ULL) | ((val & 0xff) << 8);
		else
			*gpr = (*gpr & ~0xffULL) | (val & 0xff);
		break;
	case 2:
		*gpr = (*gpr & ~0xffffULL) | (val & 0xffff);
		break;
	case 4:
		*gpr = (u32)val;
		break;
	default:
		*gpr = val;
		break;
	}
}

static u64 kvmx_reg_read(const struct kvmx_insn *insn,
			 const struct kvmx_emu_regs *regs, unsigned int bytes)
{
	u64 v = regs->gpr[insn->reg & 15];

	if (insn->reg_high8)
		v >>= 8;
	return v & kvmx_mask(bytes);
}

static void kvmx_reg_write(const struct kvmx_insn *insn,
			   struct kvmx_emu_regs *regs, unsigned int bytes,
			   u64 val)
{
	kvmx_gpr_write(&regs->gpr[insn->reg & 15], insn->reg_high8, bytes,
		       val);
}

static u64 kvmx_seg_base(const struct kvmx_emu_regs *regs, unsigned int seg)
{
	if (seg >= KVMX_NR_SEGS)
		return 0;
	if (regs->mode == 64 && seg != KVMX_SEG_FS && seg != KVMX_SEG_GS)
		return 0;
	return regs->seg_base[seg];
}

static u64 kvmx_linear(const struct kvmx_emu_regs *regs, unsigned int seg,
		       u64 ea, unsigned int addr_bytes)
{
	u64 la = kvmx_seg_base(regs, seg) + (ea & kvmx_mask(addr_bytes));

	return regs->mode == 64 ? la : (u32)la;
}

static bool kvmx_is_bt(unsigned int op)
{
	return op >= KVMX_OP_BT && op <= KVMX_OP_BTC;
}

static unsigned int kvmx_log2_bits(unsigned int bytes)
{
	return bytes == 8 ? 6 : bytes == 4 ? 5 : bytes == 2 ? 4 : 3;
}

u64 kvmx_emu_linear_addr(const struct kvmx_insn *insn,
			 const struct kvmx_emu_regs *regs)
{
	u64 ea = (u64)insn->disp;

	if (insn->mem_base < KVMX_NR_GPRS)
		ea += regs->gpr[insn->mem_base];
	if (insn->mem_index < KVMX_NR_GPRS)
		ea += regs->gpr[insn->mem_index] * insn->mem_scale;
	if (insn->rip_relative)
		ea += regs->rip + insn->len;
	/* BT with a register offset addresses the word holding that bit. */
	if (kvmx_is_bt(insn->op) && insn->src == KVMX_SRC_REG) {
		s64 off = (s64)kvmx_sext(kvmx_reg_read(insn, regs,
						       insn->reg_bytes),
					 insn->reg_bytes);

		ea += (u64)((off >> kvmx_log2_bits(insn->mem_bytes)) *
			    insn->mem_bytes);
	}
	return kvmx_linear(regs, insn->seg, ea, insn->addr_bytes);
}

static u64 kvmx_movs_dst_addr(const struct kvmx_insn *insn,
			      const struct kvmx_emu_regs *regs)
{
	return kvmx_linear(regs, KVMX_SEG_ES, regs->gpr[KVMX_RDI],
			   insn->addr_bytes);
}

static bool kvmx_emu_is_string(unsigned int op)
{
	return op == KVMX_OP_MOVS || op == KVMX_OP_STOS || op == KVMX_OP_LODS;
}

static bool kvmx_has_rep(const struct kvmx_insn *insn)
{
	return insn->prefixes & (KVMX_PFX_REP | KVMX_PFX_REPNE);
}

static void kvmx_advance_rip(const struct kvmx_insn *insn,
			     struct kvmx_emu_regs *regs)
{
	regs->rip = (regs->rip + insn->len) & kvmx_mask(regs->mode / 8);
}

/* Value a store or an ALU op takes from its register or immediate. */
static u64 kvmx_src_value(const struct kvmx_insn *insn,
			  const struct kvmx_emu_regs *regs)
{
	if (insn->src == KVMX_SRC_IMM)
		return (u64)insn->imm & kvmx_mask(insn->mem_bytes);
	return kvmx_reg_read(insn, regs, insn->mem_bytes);
}

static bool kvmx_same_page(u64 a, u64 b)
{
	return (a & ~(KVMX_PAGE_SIZE - 1)) == (b & ~(KVMX_PAGE_SIZE - 1));
}

static bool kvmx_crosses_page(u64 gpa, unsigned int len)
{
	return (gpa & (KVMX_PAGE_SIZE - 1)) + len > KVMX_PAGE_SIZE;
}

static u64 kvmx_le_load(const u8 *buf, unsigned int len)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (u64)buf[i] << (8 * i);
	return v;
}

static void kvmx_le_store(u8 *buf, u64 v, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = v >> (8 * i);
}

static bool kvmx_movs_side_mmio(const struct kvmx_emu_mem *mem, u64 gpa,
				bool write, u64 fault_gpa)
{
	if (kvmx_same_page(gpa, fault_gpa))
		return true;
	return mem->is_mmio && mem->is_mmio(mem->opaque, gpa, write);
}

/*
 * MOVS: find the MMIO side(s).  An MMIO source is read first (for a RAM
 * destination the store follows in finish, for an MMIO destination a
 * follow-up write); for a RAM source and an MMIO destination, read the
 * source now and write the destination.
 */
static int kvmx_movs_start(const struct kvmx_insn *insn,
			   struct kvmx_emu_regs *regs,
			   const struct kvmx_emu_mem *mem, u64 fault_gpa,
			   struct kvmx_mmio_access *acc)
{
	u64 src_la = kvmx_emu_linear_addr(insn, regs);
	u64 dst_la = kvmx_movs_dst_addr(insn, regs);
	u64 src_gpa, dst_gpa;
	bool src_mmio, dst_mmio;
	u8 buf[8];
	int ret;

	if (!mem || !mem->gla_to_gpa || !mem->read || !mem->write)
		return -EINVAL;
	ret = mem->gla_to_gpa(mem->opaque, src_la, 0, &src_gpa);
	if (ret)
		return ret;
	ret = mem->gla_to_gpa(mem->opaque, dst_la, KVMX_EMU_ACC_WRITE,
			      &dst_gpa);
	if (ret)
		return ret;
	if (kvmx_crosses_page(src_gpa, acc->size) ||
	    kvmx_crosses_page(dst_gpa, acc->size))
		return -EINVAL;
	src_mmio = kvmx_movs_side_mmio(mem, src_gpa, false, fault_gpa);
	dst_mmio = kvmx_movs_side_mmio(mem, dst_gpa, true, fault_gpa);
	if (!src_mmio && !dst_mmio)
		return -EINVAL;
	if (src_mmio) {
		acc->flags = KVMX_MMIO_F_STRING_SRC;
		if (dst_mmio)
			acc->flags |= KVMX_MMIO_F_STRING_DST;
		acc->gla = src_la;
		acc->gpa = src_gpa;
		return KVMX_EMU_ACCESS;
	}
	ret = mem->read(mem->opaque, src_gpa, buf, acc->size);
	if (ret)
		return ret;
	acc->flags = KVMX_MMIO_F_STRING_DST;
	acc->is_write = true;
	acc->data = kvmx_le_load(buf, acc->size);
	acc->gla = dst_la;
	acc->gpa = dst_gpa;
	return KVMX_EMU_ACCESS;
}

static bool kvmx_insn_ok(const struct kvmx_insn *insn,
			 const struct kvmx_emu_regs *regs)
{
	if (insn->op == KVMX_OP_INVALID || insn->op >= KVMX_OP_COUNT)
		return false;
	if (insn->mode != regs->mode || insn->reg >= KVMX_NR_GPRS)
		return false;
	if (!kvmx_size_ok(insn->mem_bytes) || !kvmx_size_ok(insn->reg_bytes))
		return false;
	return insn->addr_bytes == 2 || insn->addr_bytes == 4 ||
	       insn->addr_bytes == 8;
}

/* Condition code @cc (low 4 bits of a Jcc/SETcc/CMOVcc opcode). */
static bool kvmx_cond(unsigned int cc, u64 rflags)
{
	bool cf = rflags & KVMX_RFLAGS_CF, zf = rflags & KVMX_RFLAGS_ZF;
	bool sf = rflags & KVMX_RFLAGS_SF, of = rflags & KVMX_RFLAGS_OF;
	bool pf = rflags & KVMX_RFLAGS_PF;
	bool res;

	switch ((cc >> 1) & 7) {
	case 0:
		res = of;
		break;
	case 1:
		res = cf;
		break;
	case 2:
		res = zf;
		break;
	case 3:
		res = cf || zf;
		break;
	case 4:
		res = sf;
		break;
	case 5:
		res = pf;
		break;
	case 6:
		res = sf != of;
		break;
	default:
		res = zf || sf != of;
		break;
	}
	return (cc & 1) ? !res : res;
}

int kvmx_emu_mmio_start(const struct kvmx_insn *insn,
			struct kvmx_emu_regs *regs,
			const struct kvmx_emu_mem *mem, u64 fault_gpa,
			struct kvmx_mmio_access *acc)
{
	if (!kvmx_insn_ok(insn, regs))
		return -EINVAL;
	memset(acc, 0, sizeof(*acc));
	acc->size = insn->mem_bytes;
	acc->gpa = fault_gpa;

	if (kvmx_emu_is_string(insn->op) && kvmx_has_rep(insn) &&
	    !(regs->gpr[KVMX_RCX] & kvmx_mask(insn->addr_bytes))) {
		kvmx_advance_rip(insn, regs);
		return KVMX_EMU_DONE;
	}

	switch (insn->op) {
	case KVMX_OP_MOVS:
		return kvmx_movs_start(insn, regs, mem, fault_gpa, acc);
	case KVMX_OP_MOV_STORE:
		acc->is_write = true;
		acc->data = kvmx_src_value(insn, regs);
		break;
	case KVMX_OP_STOS:
		acc->is_write = true;
		acc->data = regs->gpr[KVMX_RAX] & kvmx_mask(acc->size);
		break;
	case KVMX_OP_SETCC:
		acc->is_write = true;
		acc->data = kvmx_cond(insn->opcode, regs->rflags);
		break;
	default:
		/* Loads, ALU, TEST/CMP, XCHG, BT*: read first. */
		break;
	}
	acc->gla = kvmx_emu_linear_addr(insn, regs);
	return KVMX_EMU_ACCESS;
}

static bool kvmx_parity_even(u64 v)
{
	unsigned int b = v & 0xff;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

/* SF, ZF, PF of a result of @bytes size. */
static u64 kvmx_flags_szp(u64 res, unsigned int bytes)
{
	u64 f = 0;

	res &= kvmx_mask(bytes);
	if (!res)
		f |= KVMX_RFLAGS_ZF;
	if (res >> (8 * bytes - 1))
		f |= KVMX_RFLAGS_SF;
	if (kvmx_parity_even(res))
		f |= KVMX_RFLAGS_PF;
	return f;
}

/* @a + @b + @cin (or @a - @b - @cin with @sub): result and flags. */
static u64 kvmx_addsub(u64 a, u64 b, unsigned int cin, bool sub,
		       unsigned int bytes, u64 *flags)
{
	unsigned int msb = 8 * bytes - 1;
	u64 res, cf, of;

	a &= kvmx_mask(bytes);
	b &= kvmx_mask(bytes);
	if (sub) {
		res = (a - b - cin) & kvmx_mask(bytes);
		cf = ((~a & b) | ((~a | b) & res)) >> msb;
		of = ((a ^ b) & (a ^ res)) >> msb;
	} else {
		res = (a + b + cin) & kvmx_mask(bytes);
		cf = ((a & b) | ((a | b) & ~res)) >> msb;
		of = (~(a ^ b) & (a ^ res)) >> msb;
	}
	*flags = kvmx_flags_szp(res, bytes);
	if (cf & 1)
		*flags |= KVMX_RFLAGS_CF;
	if (of & 1)
		*flags |= KVMX_RFLAGS_OF;
	if ((a ^ b ^ res) & 0x10)
		*flags |= KVMX_RFLAGS_AF;
	return res;
}

/*
 * Compute @op on @a (left) and @b (right): the result and the new
 * arithmetic flags in @flags (INC and DEC keep CF, NOT keeps all flags).
 */
static u64 kvmx_alu(unsigned int op, u64 a, u64 b, u64 rflags,
		    unsigned int bytes, u64 *flags)
{
	unsigned int cin = !!(rflags & KVMX_RFLAGS_CF);
	u64 res;

	switch (op) {
	case KVMX_OP_ADD:
		return kvmx_addsub(a, b, 0, false, bytes, flags);
	case KVMX_OP_ADC:
		return kvmx_addsub(a, b, cin, false, bytes, flags);
	case KVMX_OP_SUB:
	case KVMX_OP_CMP:
		return kvmx_addsub(a, b, 0, true, bytes, flags);
	case KVMX_OP_SBB:
		return kvmx_addsub(a, b, cin, true, bytes, flags);
	case KVMX_OP_NEG:
		return kvmx_addsub(0, a, 0, true, bytes, flags);
	case KVMX_OP_INC:
	case KVMX_OP_DEC:
		res = kvmx_addsub(a, 1, 0, op == KVMX_OP_DEC, bytes, flags);
		*flags = (*flags & ~KVMX_RFLAGS_CF) | (rflags & KVMX_RFLAGS_CF);
		return res;
	case KVMX_OP_OR:
		res = a | b;
		break;
	case KVMX_OP_XOR:
		res = a ^ b;
		break;
	case KVMX_OP_NOT:
		*flags = rflags & KVMX_RFLAGS_ARITH;
		return ~a & kvmx_mask(bytes);
	default:	/* AND, TEST */
		res = a & b;
		break;
	}
	res &= kvmx_mask(bytes);
	*flags = kvmx_flags_szp(res, bytes);
	return res;
}

/* BT/BTS/BTR/BTC on the loaded word: the new word; CF in @flags. */
static u64 kvmx_bitop(const struct kvmx_insn *insn,
		      const struct kvmx_emu_regs *regs, u64 val, u64 *flags)
{
	unsigned int bits = 8 * insn->mem_bytes;
	u64 off, bit;

	if (insn->src == KVMX_SRC_IMM)
		off = (u64)insn->imm;
	else
		off = kvmx_reg_read(insn, regs, insn->reg_bytes);
	bit = 1ULL << (off & (bits - 1));
	*flags = regs->rflags & KVMX_RFLAGS_ARITH & ~KVMX_RFLAGS_CF;
	if (val & bit)
		*flags |= KVMX_RFLAGS_CF;
	switch (insn->op) {
	case KVMX_OP_BTS:
		return val | bit;
	case KVMX_OP_BTR:
		return val & ~bit;
	case KVMX_OP_BTC:
		return val ^ bit;
	default:
		return val;
	}
}

/* One string iteration: step rSI/rDI by the element size, count rCX. */
static bool kvmx_string_step(const struct kvmx_insn *insn,
			     struct kvmx_emu_regs *regs)
{
	unsigned int ab = insn->addr_bytes;
	u64 step = insn->mem_bytes;
	u64 *rcx = &regs->gpr[KVMX_RCX];

	if (regs->rflags & KVMX_RFLAGS_DF)
		step = -step;
	if (insn->op != KVMX_OP_STOS)
		kvmx_gpr_write(&regs->gpr[KVMX_RSI], false, ab,
			       regs->gpr[KVMX_RSI] + step);
	if (insn->op != KVMX_OP_LODS)
		kvmx_gpr_write(&regs->gpr[KVMX_RDI], false, ab,
			       regs->gpr[KVMX_RDI] + step);
	if (!kvmx_has_rep(insn))
		return false;
	kvmx_gpr_write(rcx, false, ab, *rcx - 1);
	return (*rcx & kvmx_mask(ab)) != 0;
}

/*
 * MOVS with an MMIO source: store the loaded value to RAM at ES:rDI, or
 * for an MMIO destination turn @acc into the write of that value there.
 */
static int kvmx_movs_finish(const struct kvmx_insn *insn,
			    const struct kvmx_emu_regs *regs,
			    const struct kvmx_emu_mem *mem, u64 val,
			    struct kvmx_mmio_access *acc)
{
	u64 dst_la = kvmx_movs_dst_addr(insn, regs);
	u64 dst_gpa;
	u8 buf[8];
	int ret;

	if (!mem || !mem->gla_to_gpa || !mem->write)
		return -EINVAL;
	ret = mem->gla_to_gpa(mem->opaque, dst_la, KVMX_EMU_ACC_WRITE,
			      &dst_gpa);
	if (ret)
		return ret;
	if (kvmx_crosses_page(dst_gpa, insn->mem_bytes))
		return -EINVAL;
	if (acc->flags & KVMX_MMIO_F_STRING_DST) {
		acc->data = val;
		acc->gla = dst_la;
		acc->gpa = dst_gpa;
		return 0;
	}
	kvmx_le_store(buf, val, insn->mem_bytes);
	return mem->write(mem->opaque, dst_gpa, buf, insn->mem_bytes);
}

int kvmx_emu_mmio_finish(const struct kvmx_insn *insn,
			 struct kvmx_emu_regs *regs,
			 const struct kvmx_emu_mem *mem,
			 struct kvmx_mmio_access *acc)
{
	struct kvmx_emu_regs r;
	unsigned int size = insn->mem_bytes;
	u64 val, res, flags, a, b;
	bool write_back = false;
	int ret;

	if (!kvmx_insn_ok(insn, regs) || acc->size != size)
		return -EINVAL;
	r = *regs;
	val = acc->data & kvmx_mask(size);

	switch (insn->op) {
	case KVMX_OP_MOV_STORE:
		break;
	case KVMX_OP_MOV_LOAD:
	case KVMX_OP_MOVZX:
		kvmx_reg_write(insn, &r, insn->reg_bytes, val);
		break;
	case KVMX_OP_MOVSX:
		kvmx_reg_write(insn, &r, insn->reg_bytes,
			       kvmx_sext(val, size));
		break;
	case KVMX_OP_LODS:
		kvmx_gpr_write(&r.gpr[KVMX_RAX], false, size, val);
		fallthrough;
	case KVMX_OP_STOS:
	case KVMX_OP_MOVS:
		if (insn->op == KVMX_OP_MOVS &&
		    (acc->flags & KVMX_MMIO_F_STRING_SRC)) {
			struct kvmx_mmio_access wr = *acc;

			ret = kvmx_movs_finish(insn, &r, mem, val, &wr);
			if (ret)
				return ret;
			/* MMIO to MMIO: the write goes out after the read. */
			if (wr.flags & KVMX_MMIO_F_STRING_DST) {
				*acc = wr;
				write_back = true;
			}
		}
		if (kvmx_string_step(insn, &r)) {
			*regs = r;
			if (!write_back)
				return KVMX_EMU_AGAIN;
			acc->is_write = true;
			acc->flags = 0;
			return KVMX_EMU_WRITE;
		}
		break;
	case KVMX_OP_XCHG:
		acc->data = kvmx_reg_read(insn, &r, size);
		kvmx_reg_write(insn, &r, size, val);
		write_back = true;
		break;
	case KVMX_OP_SETCC:
		break;
	case KVMX_OP_CMOVCC:
		/* A 32-bit CMOV zero-extends even when it does not move. */
		if (kvmx_cond(insn->opcode, r.rflags))
			kvmx_reg_write(insn, &r, size, val);
		else
			kvmx_reg_write(insn, &r, size,
				       kvmx_reg_read(insn, &r, size));
		break;
	case KVMX_OP_XADD:
		res = kvmx_addsub(val, kvmx_reg_read(insn, &r, size), 0,
				  false, size, &flags);
		r.rflags = (r.rflags & ~KVMX_RFLAGS_ARITH) | flags;
		kvmx_reg_write(insn, &r, size, val);
		acc->data = res;
		write_back = true;
		break;
	case KVMX_OP_CMPXCHG:
		a = r.gpr[KVMX_RAX] & kvmx_mask(size);
		kvmx_addsub(a, val, 0, true, size, &flags);
		r.rflags = (r.rflags & ~KVMX_RFLAGS_ARITH) | flags;
		/*
		 * Like the CPU (and upstream KVM), a failed compare still
		 * writes the old value back: the locked cycle is a write.
		 */
		if (a == val) {
			acc->data = kvmx_reg_read(insn, &r, size);
		} else {
			kvmx_gpr_write(&r.gpr[KVMX_RAX], false, size, val);
			acc->data = val;
		}
		write_back = true;
		break;
	case KVMX_OP_BT:
	case KVMX_OP_BTS:
	case KVMX_OP_BTR:
	case KVMX_OP_BTC:
		acc->data = kvmx_bitop(insn, &r, val, &flags);
		r.rflags = (r.rflags & ~KVMX_RFLAGS_ARITH) | flags;
		write_back = insn->dst == KVMX_DST_MEM;
		break;
	default:	/* ALU, TEST, NOT/NEG/INC/DEC */
		if (insn->reg_is_lhs) {
			a = kvmx_reg_read(insn, &r, size);
			b = val;
		} else {
			a = val;
			b = kvmx_src_value(insn, &r);
		}
		res = kvmx_alu(insn->op, a, b, r.rflags, size, &flags);
		r.rflags = (r.rflags & ~KVMX_RFLAGS_ARITH) | flags;
		if (insn->dst == KVMX_DST_REG) {
			kvmx_reg_write(insn, &r, size, res);
		} else if (insn->dst == KVMX_DST_MEM) {
			acc->data = res;
			write_back = true;
		}
		break;
	}

	kvmx_advance_rip(insn, &r);
	*regs = r;
	if (!write_back)
		return KVMX_EMU_DONE;
	acc->is_write = true;
	acc->flags = 0;
	return KVMX_EMU_WRITE;
}

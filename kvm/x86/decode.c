// SPDX-License-Identifier: GPL-2.0
/*
 * x86 instruction decoder for MMIO emulation: prefixes, REX, one- and
 * two-byte opcodes of the memory forms in decode.h, ModRM/SIB with 16-,
 * 32- and 64-bit addressing, displacements and immediates.
 *
 * The decoder is strict: any byte sequence it does not fully understand is
 * -EINVAL, so the caller reports it rather than emulating a guess.
 */
#include "decode.h"

/* Reading position in the instruction bytes. */
struct kvmx_dec {
	const u8 *bytes;
	unsigned int avail;
	unsigned int pos;
};

/*
 * Make sure @n more bytes exist.  Past 15 bytes the instruction is illegal
 * whatever follows; short of that, a short buffer only means "fetch more".
 */
static int kvmx_dec_need(const struct kvmx_dec *d, unsigned int n)
{
	if (d->pos + n > KVMX_INSN_MAX_LEN)
		return -EINVAL;
	if (d->pos + n > d->avail)
		return -EAGAIN;
	return 0;
}

static int kvmx_dec_u8(struct kvmx_dec *d, u8 *out)
{
	int ret = kvmx_dec_need(d, 1);

	if (ret)
		return ret;
	*out = d->bytes[d->pos++];
	return 0;
}

/* Little-endian signed fetch of 1, 2, 4 bytes, or 8 (then raw). */
static int kvmx_dec_signed(struct kvmx_dec *d, unsigned int n, s64 *out)
{
	u64 v = 0;
	unsigned int i;
	int ret = kvmx_dec_need(d, n);

	if (ret)
		return ret;
	for (i = 0; i < n; i++)
		v |= (u64)d->bytes[d->pos + i] << (8 * i);
	d->pos += n;
	switch (n) {
	case 1:
		*out = (s8)v;
		break;
	case 2:
		*out = (s16)v;
		break;
	case 4:
		*out = (s32)v;
		break;
	default:
		*out = (s64)v;
		break;
	}
	return 0;
}

static int kvmx_dec_unsigned(struct kvmx_dec *d, unsigned int n, s64 *out)
{
	int ret = kvmx_dec_signed(d, n, out);

	if (!ret && n < 8)
		*out &= (1LL << (8 * n)) - 1;
	return ret;
}

/* 16-bit ModRM r/m encodings: base, index (KVMX_NO_REG if none). */
static const u8 kvmx_rm16_base[8] = {
	KVMX_RBX, KVMX_RBX, KVMX_RBP, KVMX_RBP,
	KVMX_RSI, KVMX_RDI, KVMX_RBP, KVMX_RBX,
};

static const u8 kvmx_rm16_index[8] = {
	KVMX_RSI, KVMX_RDI, KVMX_RSI, KVMX_RDI,
	KVMX_NO_REG, KVMX_NO_REG, KVMX_NO_REG, KVMX_NO_REG,
};

static int kvmx_dec_modrm16(struct kvmx_dec *d, struct kvmx_insn *insn)
{
	unsigned int mod = insn->modrm >> 6, rm = insn->modrm & 7;

	insn->mem_base = kvmx_rm16_base[rm];
	insn->mem_index = kvmx_rm16_index[rm];
	if (mod == 0 && rm == 6) {
		insn->mem_base = KVMX_NO_REG;
		return kvmx_dec_signed(d, 2, &insn->disp);
	}
	if (mod == 1)
		return kvmx_dec_signed(d, 1, &insn->disp);
	if (mod == 2)
		return kvmx_dec_signed(d, 2, &insn->disp);
	return 0;
}

static int kvmx_dec_modrm32(struct kvmx_dec *d, struct kvmx_insn *insn)
{
	unsigned int mod = insn->modrm >> 6, rm = insn->modrm & 7;
	unsigned int rex_b = (insn->rex & 1) << 3;
	unsigned int rex_x = (insn->rex & 2) << 2;
	u8 sib;
	int ret;

	if (rm == 5 && mod == 0) {
		/* disp32 alone; RIP-relative in 64-bit mode */
		insn->rip_relative = insn->mode == 64;
		return kvmx_dec_signed(d, 4, &insn->disp);
	}
	if (rm == 4) {
		ret = kvmx_dec_u8(d, &sib);
		if (ret)
			return ret;
		insn->mem_scale = 1 << (sib >> 6);
		if (((sib >> 3) & 7) != 4 || rex_x)
			insn->mem_index = ((sib >> 3) & 7) | rex_x;
		if ((sib & 7) == 5 && mod == 0) {
			/* No base: disp32 only. */
			return kvmx_dec_signed(d, 4, &insn->disp);
		}
		insn->mem_base = (sib & 7) | rex_b;
	} else {
		insn->mem_base = rm | rex_b;
	}
	if (mod == 1)
		return kvmx_dec_signed(d, 1, &insn->disp);
	if (mod == 2)
		return kvmx_dec_signed(d, 4, &insn->disp);
	return 0;
}

/*
 * Decode ModRM (and SIB, displacement).  Only memory operands are accepted:
 * a register-only form cannot be the cause of an MMIO exit.
 */
static int kvmx_dec_modrm(struct kvmx_dec *d, struct kvmx_insn *insn)
{
	int ret;

	ret = kvmx_dec_u8(d, &insn->modrm);
	if (ret)
		return ret;
	insn->has_modrm = true;
	if ((insn->modrm >> 6) == 3)
		return -EINVAL;
	if (insn->addr_bytes == 2)
		ret = kvmx_dec_modrm16(d, insn);
	else
		ret = kvmx_dec_modrm32(d, insn);
	if (ret)
		return ret;
	/* rBP/rSP based addressing defaults to SS (not R12/R13). */
	if (!(insn->prefixes & KVMX_PFX_SEG) &&
	    (insn->mem_base == KVMX_RBP || insn->mem_base == KVMX_RSP))
		insn->seg = KVMX_SEG_SS;
	return 0;
}

/* ModRM reg field as a register operand of @bytes size. */
static void kvmx_dec_reg(struct kvmx_insn *insn, unsigned int bytes)
{
	unsigned int reg = ((insn->modrm >> 3) & 7) | ((insn->rex & 4) << 1);

	insn->reg_bytes = bytes;
	if (bytes == 1 && !insn->rex && reg >= 4 && reg < 8) {
		insn->reg = reg - 4;
		insn->reg_high8 = true;
	} else {
		insn->reg = reg;
	}
}

static int kvmx_dec_imm(struct kvmx_dec *d, struct kvmx_insn *insn,
			unsigned int bytes)
{
	insn->imm_bytes = bytes;
	return kvmx_dec_signed(d, bytes, &insn->imm);
}

/* Size of an Iz immediate: 2 with 16-bit operands, else 4. */
static unsigned int kvmx_iz(const struct kvmx_insn *insn)
{
	return insn->mem_bytes == 2 ? 2 : 4;
}

/* ALU operations by opcode bits 5:3 (00-3F) or /digit of 80-83. */
static const u8 kvmx_alu_ops[8] = {
	KVMX_OP_ADD, KVMX_OP_OR, KVMX_OP_ADC, KVMX_OP_SBB,
	KVMX_OP_AND, KVMX_OP_SUB, KVMX_OP_XOR, KVMX_OP_CMP,
};

/* 00-3B: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev */
static int kvmx_dec_alu(struct kvmx_dec *d, struct kvmx_insn *insn,
			unsigned int vsize)
{
	unsigned int form = insn->opcode & 7;
	unsigned int size = (form & 1) ? vsize : 1;
	int ret;

	if (form > 3)
		return -EINVAL;
	insn->op = kvmx_alu_ops[insn->opcode >> 3];
	insn->mem_bytes = size;
	ret = kvmx_dec_modrm(d, insn);
	if (ret)
		return ret;
	kvmx_dec_reg(insn, size);
	insn->src = KVMX_SRC_REG;
	insn->reg_is_lhs = form >= 2;
	if (insn->op == KVMX_OP_CMP)
		insn->dst = KVMX_DST_NONE;
	else
		insn->dst = insn->reg_is_lhs ? KVMX_DST_REG : KVMX_DST_MEM;
	return 0;
}

/* 80-83: op Eb/Ev with an immediate */
static int kvmx_dec_alu_imm(struct kvmx_dec *d, struct kvmx_insn *insn,
			    unsigned int vsize)
{
	unsigned int size = (insn->opcode & 1) ? vsize : 1;
	unsigned int imm;
	int ret;

	insn->mem_bytes = size;
	ret = kvmx_dec_modrm(d, insn);
	if (ret)
		return ret;
	insn->op = kvmx_alu_ops[(insn->modrm >> 3) & 7];
	insn->src = KVMX_SRC_IMM;
	insn->dst = insn->op == KVMX_OP_CMP ? KVMX_DST_NONE : KVMX_DST_MEM;
	imm = insn->opcode == 0x81 ? kvmx_iz(insn) : 1;
	return kvmx_dec_imm(d, insn, imm);
}

/* F6/F7 (TEST, NOT, NEG) and FE/FF (INC, DEC) */
static int kvmx_dec_unary(struct kvmx_dec *d, struct kvmx_insn *insn,
			  unsigned int vsize)
{
	unsigned int digit;
	int ret;

	insn->mem_bytes = (insn->opcode & 1) ? vsize : 1;
	ret = kvmx_dec_modrm(d, insn);
	if (ret)
		return ret;
	digit = (insn->modrm >> 3) & 7;
	insn->dst = KVMX_DST_MEM;
	if (insn->opcode >= 0xfe) {
		if (digit > 1)
			return -EINVAL;
		insn->op = digit ? KVMX_OP_DEC : KVMX_OP_INC;
		return 0;
	}
	switch (digit) {
	case 0:
		insn->op = KVMX_OP_TEST;
		insn->src = KVMX_SRC_IMM;
		insn->dst = KVMX_DST_NONE;
		return kvmx_dec_imm(d, insn,
				    insn->opcode == 0xf7 ? kvmx_iz(insn) : 1);
	case 2:
		insn->op = KVMX_OP_NOT;
		return 0;
	case 3:
		insn->op = KVMX_OP_NEG;
		return 0;
	default:
		return -EINVAL;
	}
}

/* A0-A3: MOV between the accumulator and a moffs address */
static int kvmx_dec_moffs(struct kvmx_dec *d, struct kvmx_insn *insn,
			  unsigned int vsize)
{
	unsigned int size = (insn->opcode & 1) ? vsize : 1;

	insn->mem_bytes = size;
	insn->reg_bytes = size;
	insn->reg = KVMX_RAX;
	if (insn->opcode & 2) {
		insn->op = KVMX_OP_MOV_STORE;
		insn->src = KVMX_SRC_REG;
		insn->dst = KVMX_DST_MEM;
	} else {
		insn->op = KVMX_OP_MOV_LOAD;
		insn->dst = KVMX_DST_REG;
	}
	return kvmx_dec_unsigned(d, insn->addr_bytes, &insn->disp);
}

/* A4/A5 MOVS, AA/AB STOS, AC/AD LODS */
static int kvmx_dec_string(struct kvmx_insn *insn, unsigned int vsize)
{
	unsigned int size = (insn->opcode & 1) ? vsize : 1;

	insn->mem_bytes = size;
	insn->reg_bytes = size;
	insn->reg = KVMX_RAX;
	insn->mem_base = KVMX_RSI;
	switch (insn->opcode & ~1) {
	case 0xa4:
		insn->op = KVMX_OP_MOVS;
		insn->dst = KVMX_DST_MEM;
		break;
	case 0xaa:
		insn->op = KVMX_OP_STOS;
		insn->src = KVMX_SRC_REG;
		insn->dst = KVMX_DST_MEM;
		insn->mem_base = KVMX_RDI;
		insn->seg = KVMX_SEG_ES;
		break;
	default:
		insn->op = KVMX_OP_LODS;
		insn->dst = KVMX_DST_REG;
		break;
	}
	return 0;
}

static int kvmx_dec_one_byte(struct kvmx_dec *d, struct kvmx_insn *insn,
			     unsigned int vsize)
{
	u8 op = insn->opcode;
	int ret;

	if (op < 0x40)
		return kvmx_dec_alu(d, insn, vsize);

	switch (op) {
	case 0x63:	/* MOVSXD Gv, Ed (ARPL outside 64-bit mode) */
		if (insn->mode != 64)
			return -EINVAL;
		insn->op = KVMX_OP_MOVSX;
		insn->mem_bytes = vsize == 2 ? 2 : 4;
		insn->dst = KVMX_DST_REG;
		ret = kvmx_dec_modrm(d, insn);
		if (!ret)
			kvmx_dec_reg(insn, vsize);
		return ret;
	case 0x82:	/* alias of 80, invalid in 64-bit mode */
		if (insn->mode == 64)
			return -EINVAL;
		fallthrough;
	case 0x80:
	case 0x81:
	case 0x83:
		return kvmx_dec_alu_imm(d, insn, vsize);
	case 0x84:
	case 0x85:
	case 0x86:
	case 0x87:
	case 0x88:
	case 0x89:
	case 0x8a:
	case 0x8b:
		insn->mem_bytes = (op & 1) ? vsize : 1;
		ret = kvmx_dec_modrm(d, insn);
		if (ret)
			return ret;
		kvmx_dec_reg(insn, insn->mem_bytes);
		if (op <= 0x85) {
			insn->op = KVMX_OP_TEST;
			insn->src = KVMX_SRC_REG;
			insn->dst = KVMX_DST_NONE;
		} else if (op <= 0x87) {
			insn->op = KVMX_OP_XCHG;
			insn->src = KVMX_SRC_REG;
			insn->dst = KVMX_DST_BOTH;
		} else if (op <= 0x89) {
			insn->op = KVMX_OP_MOV_STORE;
			insn->src = KVMX_SRC_REG;
			insn->dst = KVMX_DST_MEM;
		} else {
			insn->op = KVMX_OP_MOV_LOAD;
			insn->dst = KVMX_DST_REG;
		}
		return 0;
	case 0xa0:
	case 0xa1:
	case 0xa2:
	case 0xa3:
		return kvmx_dec_moffs(d, insn, vsize);
	case 0xa4:
	case 0xa5:
	case 0xaa:
	case 0xab:
	case 0xac:
	case 0xad:
		return kvmx_dec_string(insn, vsize);
	case 0xc6:
	case 0xc7:
		insn->mem_bytes = (op & 1) ? vsize : 1;
		ret = kvmx_dec_modrm(d, insn);
		if (ret)
			return ret;
		if ((insn->modrm >> 3) & 7)
			return -EINVAL;
		insn->op = KVMX_OP_MOV_STORE;
		insn->src = KVMX_SRC_IMM;
		insn->dst = KVMX_DST_MEM;
		return kvmx_dec_imm(d, insn, (op & 1) ? kvmx_iz(insn) : 1);
	case 0xf6:
	case 0xf7:
	case 0xfe:
	case 0xff:
		return kvmx_dec_unary(d, insn, vsize);
	default:
		return -EINVAL;
	}
}

static int kvmx_dec_two_byte(struct kvmx_dec *d, struct kvmx_insn *insn,
			     unsigned int vsize)
{
	u8 op = insn->opcode;
	int ret;

	switch (op) {
	case 0xb6:	/* MOVZX Gv, Eb */
	case 0xb7:	/* MOVZX Gv, Ew */
	case 0xbe:	/* MOVSX Gv, Eb */
	case 0xbf:	/* MOVSX Gv, Ew */
		insn->op = (op & 8) ? KVMX_OP_MOVSX : KVMX_OP_MOVZX;
		insn->mem_bytes = (op & 1) ? 2 : 1;
		insn->dst = KVMX_DST_REG;
		ret = kvmx_dec_modrm(d, insn);
		if (!ret)
			kvmx_dec_reg(insn, vsize);
		return ret;
	case 0xa3:	/* BT Ev, Gv */
	case 0xab:	/* BTS */
	case 0xb3:	/* BTR */
	case 0xbb:	/* BTC */
		insn->op = KVMX_OP_BT + ((op >> 3) & 3);
		insn->mem_bytes = vsize;
		insn->src = KVMX_SRC_REG;
		insn->dst = op == 0xa3 ? KVMX_DST_NONE : KVMX_DST_MEM;
		ret = kvmx_dec_modrm(d, insn);
		if (!ret)
			kvmx_dec_reg(insn, vsize);
		return ret;
	case 0xba:	/* BT/BTS/BTR/BTC Ev, Ib */
		insn->mem_bytes = vsize;
		ret = kvmx_dec_modrm(d, insn);
		if (ret)
			return ret;
		if (((insn->modrm >> 3) & 7) < 4)
			return -EINVAL;
		insn->op = KVMX_OP_BT + (((insn->modrm >> 3) & 7) - 4);
		insn->src = KVMX_SRC_IMM;
		insn->dst = insn->op == KVMX_OP_BT ? KVMX_DST_NONE :
			    KVMX_DST_MEM;
		ret = kvmx_dec_imm(d, insn, 1);
		insn->imm &= 0xff;
		return ret;
	case 0xb0:	/* CMPXCHG Eb, Gb */
	case 0xb1:	/* CMPXCHG Ev, Gv */
	case 0xc0:	/* XADD Eb, Gb */
	case 0xc1:	/* XADD Ev, Gv */
		insn->op = op >= 0xc0 ? KVMX_OP_XADD : KVMX_OP_CMPXCHG;
		insn->mem_bytes = (op & 1) ? vsize : 1;
		insn->src = KVMX_SRC_REG;
		insn->dst = KVMX_DST_BOTH;
		ret = kvmx_dec_modrm(d, insn);
		if (!ret)
			kvmx_dec_reg(insn, insn->mem_bytes);
		return ret;
	case 0xc3:	/* MOVNTI My, Gy: 32 or 64 bits only */
		if (vsize == 2)
			return -EINVAL;
		insn->op = KVMX_OP_MOV_STORE;
		insn->mem_bytes = vsize;
		insn->src = KVMX_SRC_REG;
		insn->dst = KVMX_DST_MEM;
		ret = kvmx_dec_modrm(d, insn);
		if (!ret)
			kvmx_dec_reg(insn, vsize);
		return ret;
	default:
		break;
	}

	if ((op & 0xf0) == 0x90) {	/* SETcc Eb; ModRM.reg ignored */
		insn->op = KVMX_OP_SETCC;
		insn->mem_bytes = 1;
		insn->dst = KVMX_DST_MEM;
		return kvmx_dec_modrm(d, insn);
	}
	if ((op & 0xf0) == 0x40) {	/* CMOVcc Gv, Ev */
		insn->op = KVMX_OP_CMOVCC;
		insn->mem_bytes = vsize;
		insn->dst = KVMX_DST_REG;
		ret = kvmx_dec_modrm(d, insn);
		if (!ret)
			kvmx_dec_reg(insn, vsize);
		return ret;
	}
	return -EINVAL;
}

/* Legacy prefixes (and REX in 64-bit mode); leaves d->pos at the opcode. */
static int kvmx_dec_prefixes(struct kvmx_dec *d, struct kvmx_insn *insn)
{
	static const u8 seg_of[8] = {
		[0] = KVMX_SEG_ES, [1] = KVMX_SEG_CS,
		[2] = KVMX_SEG_SS, [3] = KVMX_SEG_DS,
	};
	u8 b;
	int ret;

	for (;;) {
		ret = kvmx_dec_need(d, 1);
		if (ret)
			return ret;
		b = d->bytes[d->pos];
		switch (b) {
		case 0xf0:
			insn->prefixes |= KVMX_PFX_LOCK;
			break;
		case 0xf2:
			insn->prefixes |= KVMX_PFX_REPNE;
			break;
		case 0xf3:
			insn->prefixes |= KVMX_PFX_REP;
			break;
		case 0x66:
			insn->prefixes |= KVMX_PFX_OPSIZE;
			break;
		case 0x67:
			insn->prefixes |= KVMX_PFX_ADSIZE;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			/* ES/CS/SS/DS overrides are ignored in 64-bit mode. */
			if (insn->mode != 64) {
				insn->prefixes |= KVMX_PFX_SEG;
				insn->seg = seg_of[(b >> 3) & 3];
			}
			break;
		case 0x64:
		case 0x65:
			insn->prefixes |= KVMX_PFX_SEG;
			insn->seg = b == 0x64 ? KVMX_SEG_FS : KVMX_SEG_GS;
			break;
		default:
			if (insn->mode == 64 && (b & 0xf0) == 0x40) {
				insn->rex = b;
				d->pos++;
				/* REX counts only right before the opcode. */
				ret = kvmx_dec_need(d, 1);
				if (ret)
					return ret;
				b = d->bytes[d->pos];
				if (b == 0xf0 || b == 0xf2 || b == 0xf3 ||
				    b == 0x66 || b == 0x67 || b == 0x26 ||
				    b == 0x2e || b == 0x36 || b == 0x3e ||
				    b == 0x64 || b == 0x65) {
					insn->rex = 0;
					continue;
				}
				if ((b & 0xf0) == 0x40)
					continue;
			}
			return 0;
		}
		d->pos++;
	}
}

/* Which forms take LOCK: read-modify-write of the memory operand. */
static bool kvmx_lock_ok(const struct kvmx_insn *insn)
{
	switch (insn->op) {
	case KVMX_OP_ADD:
	case KVMX_OP_OR:
	case KVMX_OP_ADC:
	case KVMX_OP_SBB:
	case KVMX_OP_AND:
	case KVMX_OP_SUB:
	case KVMX_OP_XOR:
	case KVMX_OP_NOT:
	case KVMX_OP_NEG:
	case KVMX_OP_INC:
	case KVMX_OP_DEC:
	case KVMX_OP_BTS:
	case KVMX_OP_BTR:
	case KVMX_OP_BTC:
		return insn->dst == KVMX_DST_MEM;
	case KVMX_OP_XCHG:
	case KVMX_OP_XADD:
	case KVMX_OP_CMPXCHG:
		return true;
	default:
		return false;
	}
}

static bool kvmx_is_string(const struct kvmx_insn *insn)
{
	return insn->op == KVMX_OP_MOVS || insn->op == KVMX_OP_STOS ||
	       insn->op == KVMX_OP_LODS;
}

int kvmx_decode(const u8 *bytes, unsigned int avail, unsigned int mode,
		struct kvmx_insn *insn)
{
	struct kvmx_dec d = { .bytes = bytes, .avail = avail };
	unsigned int vsize;
	int ret;

	if (mode != 16 && mode != 32 && mode != 64)
		return -EINVAL;
	memset(insn, 0, sizeof(*insn));
	insn->mode = mode;
	insn->seg = KVMX_SEG_DS;
	insn->mem_base = KVMX_NO_REG;
	insn->mem_index = KVMX_NO_REG;
	insn->mem_scale = 1;

	ret = kvmx_dec_prefixes(&d, insn);
	if (ret)
		return ret;

	if (mode == 64)
		vsize = (insn->rex & 8) ? 8 :
			(insn->prefixes & KVMX_PFX_OPSIZE) ? 2 : 4;
	else if (mode == 32)
		vsize = (insn->prefixes & KVMX_PFX_OPSIZE) ? 2 : 4;
	else
		vsize = (insn->prefixes & KVMX_PFX_OPSIZE) ? 4 : 2;
	if (mode == 64)
		insn->addr_bytes = (insn->prefixes & KVMX_PFX_ADSIZE) ? 4 : 8;
	else if (mode == 32)
		insn->addr_bytes = (insn->prefixes & KVMX_PFX_ADSIZE) ? 2 : 4;
	else
		insn->addr_bytes = (insn->prefixes & KVMX_PFX_ADSIZE) ? 4 : 2;

	ret = kvmx_dec_u8(&d, &insn->opcode);
	if (ret)
		return ret;
	if (insn->opcode == 0x0f) {
		insn->two_byte = true;
		ret = kvmx_dec_u8(&d, &insn->opcode);
		if (ret)
			return ret;
		ret = kvmx_dec_two_byte(&d, insn, vsize);
	} else {
		ret = kvmx_dec_one_byte(&d, insn, vsize);
	}
	if (ret)
		return ret;

	/* A register operand's size follows the memory operand's by default. */
	if (!insn->reg_bytes)
		insn->reg_bytes = insn->mem_bytes;
	if ((insn->prefixes & KVMX_PFX_LOCK) && !kvmx_lock_ok(insn))
		return -EINVAL;
	if (insn->prefixes & (KVMX_PFX_REP | KVMX_PFX_REPNE)) {
		/* F2/F3 change the meaning of other opcodes: refuse them. */
		if (!kvmx_is_string(insn))
			return -EINVAL;
		if ((insn->prefixes & KVMX_PFX_REP) &&
		    (insn->prefixes & KVMX_PFX_REPNE))
			return -EINVAL;
	}
	insn->len = d.pos;
	return 0;
}

const char *kvmx_op_name(unsigned int op)
{
	static const char * const names[KVMX_OP_COUNT] = {
		[KVMX_OP_INVALID] = "invalid",
		[KVMX_OP_MOV_STORE] = "mov-store",
		[KVMX_OP_MOV_LOAD] = "mov-load",
		[KVMX_OP_MOVZX] = "movzx",
		[KVMX_OP_MOVSX] = "movsx",
		[KVMX_OP_STOS] = "stos",
		[KVMX_OP_LODS] = "lods",
		[KVMX_OP_MOVS] = "movs",
		[KVMX_OP_ADD] = "add",
		[KVMX_OP_OR] = "or",
		[KVMX_OP_ADC] = "adc",
		[KVMX_OP_SBB] = "sbb",
		[KVMX_OP_AND] = "and",
		[KVMX_OP_SUB] = "sub",
		[KVMX_OP_XOR] = "xor",
		[KVMX_OP_CMP] = "cmp",
		[KVMX_OP_TEST] = "test",
		[KVMX_OP_XCHG] = "xchg",
		[KVMX_OP_NOT] = "not",
		[KVMX_OP_NEG] = "neg",
		[KVMX_OP_INC] = "inc",
		[KVMX_OP_DEC] = "dec",
		[KVMX_OP_BT] = "bt",
		[KVMX_OP_BTS] = "bts",
		[KVMX_OP_BTR] = "btr",
		[KVMX_OP_BTC] = "btc",
		[KVMX_OP_XADD] = "xadd",
		[KVMX_OP_CMPXCHG] = "cmpxchg",
		[KVMX_OP_SETCC] = "setcc",
		[KVMX_OP_CMOVCC] = "cmovcc",
	};

	if (op >= KVMX_OP_COUNT || !names[op])
		return "invalid";
	return names[op];
}

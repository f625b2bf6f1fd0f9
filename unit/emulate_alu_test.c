// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kvm/x86/emulate.c, arithmetic part: results and
 * RFLAGS of every ALU, unary, XCHG, BT*, XADD, CMPXCHG, SETcc and CMOVcc
 * form and size, checked against the host CPU executing the same
 * instruction (unit/emulate_test_host.h).
 */
#include "../kvm/x86/decode.c"
#include "../kvm/x86/emulate.c"

#include <stdio.h>
#include <stdlib.h>
#include "kselftest_harness.h"

#include "emulate_test_util.h"
#include "emulate_test_host.h"

typedef u64 (*host_fn)(u64 a, u64 b, int cin, u64 *flags);

/*
 * One operation: opcodes for Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev (0 if none),
 * a /digit form (F6/F7, FE/FF, 0F BA), the host functions by size, which
 * flags are defined, and whether memory is written.
 */
struct alu_op {
	const char *name;
	u8 op_ebgb, op_evgv, op_gbeb, op_gvev;
	bool two_byte;
	u64 defined;
	bool writes_mem;
	host_fn host[4];	/* b, w, l, q */
};

#define HOSTS(n)	{ host_##n##b, host_##n##w, host_##n##l, host_##n##q }
#define LOGIC		(FLAGS6 & ~KVMX_RFLAGS_AF)

static const struct alu_op alu_ops[] = {
	{ "add", 0x00, 0x01, 0x02, 0x03, false, FLAGS6, true, HOSTS(add) },
	{ "or", 0x08, 0x09, 0x0a, 0x0b, false, LOGIC, true, HOSTS(or) },
	{ "adc", 0x10, 0x11, 0x12, 0x13, false, FLAGS6, true, HOSTS(adc) },
	{ "sbb", 0x18, 0x19, 0x1a, 0x1b, false, FLAGS6, true, HOSTS(sbb) },
	{ "and", 0x20, 0x21, 0x22, 0x23, false, LOGIC, true, HOSTS(and) },
	{ "sub", 0x28, 0x29, 0x2a, 0x2b, false, FLAGS6, true, HOSTS(sub) },
	{ "xor", 0x30, 0x31, 0x32, 0x33, false, LOGIC, true, HOSTS(xor) },
	{ "cmp", 0x38, 0x39, 0x3a, 0x3b, false, FLAGS6, false, HOSTS(cmp) },
	{ "test", 0x84, 0x85, 0, 0, false, LOGIC, false, HOSTS(test) },
};

/*
 * mem OP reg (Eb,Gb / Ev,Gv): start reads, finish gives the new memory
 * value (or none for CMP/TEST) and flags; reg OP mem (Gb,Eb / Gv,Ev):
 * the result lands in the register.  ModRM 0x0b: reg = RCX, rm = (RBX).
 */
TEST(alu_against_host)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;
	unsigned int o, s, i, n;
	u8 b[8];
	int checked = 0;

	srandom(777);
	for (o = 0; o < ARRAY_SIZE(alu_ops); o++) {
		const struct alu_op *op = &alu_ops[o];

		for (s = 0; s < 4; s++) {
			unsigned int size = sizes[s];
			u64 mask = kvmx_mask(size);

			for (i = 0; i < 3000; i++) {
				u64 mem = pick(i), reg = pick(i + 1);
				int cin = random() & 1;
				u64 want, wflags, noise;
				int lhs, ret;

				for (lhs = 0; lhs < 2; lhs++) {
					u8 opc = lhs ?
						(size == 1 ? op->op_gbeb :
						 op->op_gvev) :
						(size == 1 ? op->op_ebgb :
						 op->op_evgv);

					if (lhs && !op->op_gvev)
						continue;
					n = build(b, size, false, opc, 0x0b);
					ASSERT_EQ(0, kvmx_decode(b, n, 64,
								 &insn));
					regs_init(&r, 64);
					noise = rnd64() & FLAGS6;
					r.rflags = RF_FIXED | noise |
						   (cin ? KVMX_RFLAGS_CF : 0);
					if (!cin)
						r.rflags &= ~KVMX_RFLAGS_CF;
					r.gpr[KVMX_RCX] = reg;
					if (lhs)
						want = op->host[s](reg, mem,
								   cin,
								   &wflags);
					else
						want = op->host[s](mem, reg,
								   cin,
								   &wflags);
					ret = kvmx_emu_mmio_start(&insn, &r,
								  NULL, 0,
								  &acc);
					ASSERT_EQ(KVMX_EMU_ACCESS, ret);
					ASSERT_FALSE(acc.is_write);
					acc.data = mem;
					ret = kvmx_emu_mmio_finish(&insn, &r,
								   NULL,
								   &acc);
					if (!lhs && op->writes_mem) {
						ASSERT_EQ(KVMX_EMU_WRITE, ret);
						ASSERT_TRUE(acc.is_write);
						ASSERT_EQ(size, acc.size);
						ASSERT_EQ(want & mask,
							  acc.data & mask)
							TH_LOG("%s%u %llx %llx",
							       op->name, size,
							       mem, reg);
					} else {
						ASSERT_EQ(KVMX_EMU_DONE, ret);
					}
					if (lhs && op->writes_mem) {
						u64 exp = reg;

						kvmx_gpr_write(&exp, false,
							       size, want);
						ASSERT_EQ(exp,
							  r.gpr[KVMX_RCX]);
					} else {
						ASSERT_EQ(reg,
							  r.gpr[KVMX_RCX]);
					}
					ASSERT_EQ(wflags & op->defined,
						  r.rflags & op->defined)
						TH_LOG("%s%u lhs %d %llx %llx cin %d",
						       op->name, size, lhs,
						       mem, reg, cin);
					ASSERT_EQ(RF_FIXED,
						  r.rflags & RF_FIXED);
					ASSERT_EQ(0x1000 + n, r.rip);
					checked++;
				}
			}
		}
	}
	TH_LOG("%d ALU cases checked against the host", checked);
}

/* 80/81/83 /digit and F6/F7 /0 immediates, checked via the host reg op. */
TEST(alu_immediates_against_host)
{
	static const u8 digit_op[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;
	unsigned int d, s, i, n, k;
	u8 b[16];

	srandom(4242);
	for (d = 0; d < 9; d++) {
		const struct alu_op *op = &alu_ops[d];

		for (s = 0; s < 4; s++) {
			unsigned int size = sizes[s];
			u64 mask = kvmx_mask(size);

			for (i = 0; i < 2000; i++) {
				u64 mem = pick(i), imm = pick(i + 1), src;
				u64 wflags;
				bool imm8 = (i & 1) || size == 1;
				u64 want;
				int ret;

				n = 0;
				if (size == 2)
					b[n++] = 0x66;
				if (size == 8)
					b[n++] = 0x48;
				if (d == 8) {	/* TEST: F6/F7 /0 */
					b[n++] = size == 1 ? 0xf6 : 0xf7;
					b[n++] = 0x03;
					imm8 = size == 1;
				} else {
					b[n++] = size == 1 ? 0x80 :
						 imm8 ? 0x83 : 0x81;
					b[n++] = (digit_op[d] << 3) | 3;
				}
				if (imm8) {
					b[n++] = imm;
					src = kvmx_sext(imm & 0xff, 1);
				} else if (size == 2) {
					for (k = 0; k < 2; k++)
						b[n++] = imm >> (8 * k);
					src = kvmx_sext(imm & 0xffff, 2);
				} else {
					for (k = 0; k < 4; k++)
						b[n++] = imm >> (8 * k);
					src = kvmx_sext(imm & 0xffffffff, 4);
				}
				ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
				ASSERT_EQ(n, insn.len);
				regs_init(&r, 64);
				r.rflags |= (i & 2) ? KVMX_RFLAGS_CF : 0;
				want = op->host[s](mem, src,
						   !!(i & 2), &wflags);
				ASSERT_EQ(KVMX_EMU_ACCESS,
					  kvmx_emu_mmio_start(&insn, &r, NULL,
							      0, &acc));
				acc.data = mem;
				ret = kvmx_emu_mmio_finish(&insn, &r, NULL,
							   &acc);
				if (op->writes_mem) {
					ASSERT_EQ(KVMX_EMU_WRITE, ret);
					ASSERT_EQ(want & mask, acc.data)
						TH_LOG("%s%u", op->name, size);
				} else {
					ASSERT_EQ(KVMX_EMU_DONE, ret);
				}
				ASSERT_EQ(wflags & op->defined,
					  r.rflags & op->defined)
					TH_LOG("%s%u imm %llx", op->name, size,
					       src);
			}
		}
	}
}

/* NOT/NEG/INC/DEC, XCHG, BT* against the host */
TEST(unary_xchg_bt_against_host)
{
	static const struct {
		const char *name;
		u8 op_b, op_v, modrm;
		u64 defined;
		host_fn host[4];
	} un[] = {
		{ "not", 0xf6, 0xf7, 0x13, 0, HOSTS(not) },
		{ "neg", 0xf6, 0xf7, 0x1b, FLAGS6, HOSTS(neg) },
		{ "inc", 0xfe, 0xff, 0x03, FLAGS6, HOSTS(inc) },
		{ "dec", 0xfe, 0xff, 0x0b, FLAGS6, HOSTS(dec) },
	};
	static const struct {
		u8 op_reg, digit;
		host_fn host[3];
	} bt[] = {
		{ 0xa3, 4, { host_btw, host_btl, host_btq } },
		{ 0xab, 5, { host_btsw, host_btsl, host_btsq } },
		{ 0xb3, 6, { host_btrw, host_btrl, host_btrq } },
		{ 0xbb, 7, { host_btcw, host_btcl, host_btcq } },
	};
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;
	unsigned int u, s, i, n;
	u64 want, wflags, mask;
	u8 b[8];
	int ret;

	srandom(99);
	for (u = 0; u < 4; u++) {
		for (s = 0; s < 4; s++) {
			mask = kvmx_mask(sizes[s]);
			for (i = 0; i < 2000; i++) {
				u64 mem = pick(i);
				int cin = i & 1;

				n = build(b, sizes[s], false,
					  s ? un[u].op_v : un[u].op_b,
					  un[u].modrm);
				ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
				regs_init(&r, 64);
				r.rflags |= rnd64() & FLAGS6;
				if (cin)
					r.rflags |= KVMX_RFLAGS_CF;
				else
					r.rflags &= ~KVMX_RFLAGS_CF;
				want = un[u].host[s](mem, 0, cin, &wflags);
				if (!un[u].defined)
					wflags = r.rflags;
				else if (u >= 2)	/* INC/DEC keep CF */
					ASSERT_EQ(cin, wflags & 1);
				ASSERT_EQ(KVMX_EMU_ACCESS,
					  kvmx_emu_mmio_start(&insn, &r, NULL,
							      0, &acc));
				acc.data = mem;
				ret = kvmx_emu_mmio_finish(&insn, &r, NULL,
							   &acc);
				ASSERT_EQ(KVMX_EMU_WRITE, ret);
				ASSERT_EQ(want & mask, acc.data)
					TH_LOG("%s%u %llx", un[u].name,
					       sizes[s], mem);
				ASSERT_EQ(wflags & FLAGS6, r.rflags & FLAGS6)
					TH_LOG("%s%u %llx", un[u].name,
					       sizes[s], mem);
			}
		}
	}

	/* XCHG: memory gets the register, the register the old memory. */
	for (s = 0; s < 4; s++) {
		u64 mem = 0x0123456789abcdefULL, reg = 0xfedcba9876543210ULL;

		n = build(b, sizes[s], false, s ? 0x87 : 0x86, 0x0b);
		ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
		regs_init(&r, 64);
		r.gpr[KVMX_RCX] = reg;
		want = host_xchgq(mem, reg, 0, &wflags);
		ASSERT_EQ(KVMX_EMU_ACCESS,
			  kvmx_emu_mmio_start(&insn, &r, NULL, 0, &acc));
		acc.data = mem;
		ASSERT_EQ(KVMX_EMU_WRITE,
			  kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
		mask = kvmx_mask(sizes[s]);
		EXPECT_EQ(reg & mask, acc.data);
		EXPECT_EQ(want, reg);
		want = reg;
		kvmx_gpr_write(&want, false, sizes[s], mem);
		EXPECT_EQ(want, r.gpr[KVMX_RCX]);
		EXPECT_EQ(RF_FIXED, r.rflags);
	}

	/* BT family, register and immediate offsets within the operand */
	for (u = 0; u < 4; u++) {
		for (s = 1; s < 4; s++) {
			unsigned int bits = 8 * sizes[s];

			mask = kvmx_mask(sizes[s]);
			for (i = 0; i < 1000; i++) {
				u64 mem = pick(i), off = random() % bits;
				bool imm = i & 1;

				if (imm) {
					n = 0;
					if (sizes[s] == 2)
						b[n++] = 0x66;
					if (sizes[s] == 8)
						b[n++] = 0x48;
					b[n++] = 0x0f;
					b[n++] = 0xba;
					b[n++] = (bt[u].digit << 3) | 3;
					/* high bits of imm8 are ignored */
					b[n++] = off | (random() & 0xc0);
				} else {
					n = build(b, sizes[s], true,
						  bt[u].op_reg, 0x0b);
				}
				ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
				regs_init(&r, 64);
				r.gpr[KVMX_RCX] = off;
				want = bt[u].host[s - 1](mem, off, 0, &wflags);
				ASSERT_EQ(r.gpr[KVMX_RBX],
					  kvmx_emu_linear_addr(&insn, &r));
				ASSERT_EQ(KVMX_EMU_ACCESS,
					  kvmx_emu_mmio_start(&insn, &r, NULL,
							      0, &acc));
				acc.data = mem;
				ret = kvmx_emu_mmio_finish(&insn, &r, NULL,
							   &acc);
				if (u == 0) {
					ASSERT_EQ(KVMX_EMU_DONE, ret);
				} else {
					ASSERT_EQ(KVMX_EMU_WRITE, ret);
					ASSERT_EQ(want & mask, acc.data);
				}
				ASSERT_EQ(wflags & KVMX_RFLAGS_CF,
					  r.rflags & KVMX_RFLAGS_CF);
			}
		}
	}
}

/* ---- XADD, CMPXCHG, SETcc, CMOVcc against the host ---- */

TEST(xadd_cmpxchg_against_host)
{
	static u64 (*const xadd[4])(u64, u64 *, u64 *) = {
		host_xaddb, host_xaddw, host_xaddl, host_xaddq,
	};
	static u64 (*const cmpxchg[4])(u64, u64, u64 *, u64 *) = {
		host_cmpxchgb, host_cmpxchgw, host_cmpxchgl, host_cmpxchgq,
	};
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;
	unsigned int s, i, n;
	u8 b[8];
	int ret;

	srandom(5150);
	for (s = 0; s < 4; s++) {
		u64 mask = kvmx_mask(sizes[s]);

		for (i = 0; i < 3000; i++) {
			u64 mem = pick(i), reg = pick(i + 1), rax = rnd64();
			u64 want, wflags, wreg = reg, wrax;

			/* xadd %ecx,(%rbx) */
			n = build(b, sizes[s], true, s ? 0xc1 : 0xc0, 0x0b);
			ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
			regs_init(&r, 64);
			r.gpr[KVMX_RCX] = reg;
			want = xadd[s](mem, &wreg, &wflags);
			ASSERT_EQ(KVMX_EMU_ACCESS,
				  kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						      &acc));
			acc.data = mem & mask;
			ASSERT_EQ(KVMX_EMU_WRITE,
				  kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
			ASSERT_EQ(want & mask, acc.data);
			ASSERT_EQ(wreg, r.gpr[KVMX_RCX]);
			ASSERT_EQ(wflags, r.rflags & FLAGS6);

			/* cmpxchg %ecx,(%rbx); equal half of the time */
			if (i & 1)
				rax = (rax & ~mask) | (mem & mask);
			n = build(b, sizes[s], true, s ? 0xb1 : 0xb0, 0x0b);
			ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
			regs_init(&r, 64);
			r.gpr[KVMX_RCX] = reg;
			r.gpr[KVMX_RAX] = rax;
			wrax = rax;
			want = cmpxchg[s](mem, reg, &wrax, &wflags);
			ASSERT_EQ(KVMX_EMU_ACCESS,
				  kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						      &acc));
			acc.data = mem & mask;
			ret = kvmx_emu_mmio_finish(&insn, &r, NULL, &acc);
			/* a failed compare writes the old value back */
			ASSERT_EQ(KVMX_EMU_WRITE, ret);
			ASSERT_EQ(want & mask, acc.data);
			if ((rax & mask) != (mem & mask))
				ASSERT_EQ(mem & mask, acc.data);
			ASSERT_EQ(wrax, r.gpr[KVMX_RAX])
				TH_LOG("cmpxchg%u rax %llx mem %llx",
				       sizes[s], rax, mem);
			ASSERT_EQ(reg, r.gpr[KVMX_RCX]);
			ASSERT_EQ(wflags, r.rflags & FLAGS6);
		}
	}
}

TEST(setcc_cmovcc_against_host)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;
	unsigned int cc, i, s, n;
	u8 b[8];

	srandom(8086);
	for (cc = 0; cc < 16; cc++) {
		for (i = 0; i < 500; i++) {
			u64 fl = rnd64() & FLAGS6;
			u64 mem = pick(i), reg = pick(i + 1), want;

			/* setcc (%rbx) */
			n = build(b, 1, true, 0x90 | cc, 0x03);
			ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
			regs_init(&r, 64);
			r.rflags |= fl;
			ASSERT_EQ(KVMX_EMU_ACCESS,
				  kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						      &acc));
			ASSERT_TRUE(acc.is_write);
			ASSERT_EQ(1, acc.size);
			ASSERT_EQ(host_cc[cc].set(fl), acc.data)
				TH_LOG("set cc %u flags %llx", cc, fl);
			ASSERT_EQ(KVMX_EMU_DONE,
				  kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
			ASSERT_EQ(RF_FIXED | fl, r.rflags);

			/* cmovcc (%rbx),%ecx */
			for (s = 1; s < 4; s++) {
				n = build(b, sizes[s], true, 0x40 | cc, 0x0b);
				ASSERT_EQ(0, kvmx_decode(b, n, 64, &insn));
				regs_init(&r, 64);
				r.rflags |= fl;
				r.gpr[KVMX_RCX] = reg;
				want = host_cc[cc].cmov[s - 1](fl, mem, reg);
				ASSERT_EQ(KVMX_EMU_ACCESS,
					  kvmx_emu_mmio_start(&insn, &r, NULL,
							      0, &acc));
				ASSERT_FALSE(acc.is_write);
				acc.data = mem & kvmx_mask(sizes[s]);
				ASSERT_EQ(KVMX_EMU_DONE,
					  kvmx_emu_mmio_finish(&insn, &r, NULL,
							       &acc));
				ASSERT_EQ(want, r.gpr[KVMX_RCX])
					TH_LOG("cmov cc %u size %u", cc,
					       sizes[s]);
			}
		}
	}
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by unit/emulate_test.c and unit/emulate_alu_test.c:
 * register set-up, decoding literal bytes, random operands with edge
 * values, and building "op (%rbx), %ecx" style encodings.
 */
#ifndef KVMX_UNIT_EMULATE_TEST_UTIL_H
#define KVMX_UNIT_EMULATE_TEST_UTIL_H

#define FLAGS6	KVMX_RFLAGS_ARITH
#define RF_FIXED	0x202ULL	/* bit 1 and IF: must survive */

static inline void regs_init(struct kvmx_emu_regs *r, unsigned int mode)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->rip = 0x1000;
	r->rflags = RF_FIXED;
	for (i = 0; i < KVMX_NR_GPRS; i++)
		r->gpr[i] = 0x1111111111111111ULL * (i + 1);
}

static inline int decode_hex(struct kvmx_insn *insn, unsigned int mode,
			     const u8 *b, unsigned int n)
{
	return kvmx_decode(b, n, mode, insn);
}

#define DECODE(insn, mode, ...)	({					\
	static const u8 __b[] = { __VA_ARGS__ };			\
	decode_hex(insn, mode, __b, sizeof(__b));			\
})

/* Run start + finish of a load; return finish's result. */
static inline int do_load(struct kvmx_insn *insn, struct kvmx_emu_regs *r,
			  u64 data, struct kvmx_mmio_access *acc)
{
	int ret = kvmx_emu_mmio_start(insn, r, NULL, 0, acc);

	if (ret != KVMX_EMU_ACCESS || acc->is_write)
		return -1000;
	acc->data = data;
	return kvmx_emu_mmio_finish(insn, r, NULL, acc);
}

static const u64 edge[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
	0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, ~0ULL, 0x0f, 0x10, 0x5555555555555555ULL,
};

static inline u64 rnd64(void)
{
	return ((u64)random() << 62) ^ ((u64)random() << 31) ^ random();
}

static inline u64 pick(unsigned int i)
{
	if (i % 3 == 0)
		return edge[random() % (ARRAY_SIZE(edge))];
	return rnd64();
}

static const unsigned int sizes[4] = { 1, 2, 4, 8 };

/* Build "op (%rbx), %ecx"-style bytes: prefix for the size + opcode. */
static inline unsigned int build(u8 *b, unsigned int size, bool two_byte,
				 u8 op, u8 modrm)
{
	unsigned int n = 0;

	if (size == 2)
		b[n++] = 0x66;
	if (size == 8)
		b[n++] = 0x48;
	if (two_byte)
		b[n++] = 0x0f;
	b[n++] = op;
	b[n++] = modrm;
	return n;
}

#endif /* KVMX_UNIT_EMULATE_TEST_UTIL_H */

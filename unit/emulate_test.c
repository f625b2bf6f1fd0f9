// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kvm/x86/emulate.c.  Arithmetic results and flags are
 * checked against the host CPU executing the same instruction; register
 * write-back rules, string iteration, MOVS through a fake guest RAM and
 * the linear address computation against hand-worked values.
 */
#include "../kvm/x86/decode.c"
#include "../kvm/x86/emulate.c"

#include <stdio.h>
#include <stdlib.h>
#include "kselftest_harness.h"

#define RF_FIXED	0x202ULL	/* bit 1 and IF: must survive */

static void regs_init(struct kvmx_emu_regs *r, unsigned int mode)
{
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->mode = mode;
	r->rip = 0x1000;
	r->rflags = RF_FIXED;
	for (i = 0; i < KVMX_NR_GPRS; i++)
		r->gpr[i] = 0x1111111111111111ULL * (i + 1);
}

static int decode_hex(struct kvmx_insn *insn, unsigned int mode,
		      const u8 *b, unsigned int n)
{
	return kvmx_decode(b, n, mode, insn);
}

#define DECODE(insn, mode, ...)	({					\
	static const u8 __b[] = { __VA_ARGS__ };			\
	decode_hex(insn, mode, __b, sizeof(__b));			\
})

/* Run start + finish of a load; return finish's result. */
static int do_load(struct kvmx_insn *insn, struct kvmx_emu_regs *r, u64 data,
		   struct kvmx_mmio_access *acc)
{
	int ret = kvmx_emu_mmio_start(insn, r, NULL, 0, acc);

	if (ret != KVMX_EMU_ACCESS || acc->is_write)
		return -1000;
	acc->data = data;
	return kvmx_emu_mmio_finish(insn, r, NULL, acc);
}

TEST(load_write_back_rules)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;

	/* movl (%rbx),%eax: 32-bit load zero-extends in 64-bit mode */
	regs_init(&r, 64);
	r.gpr[KVMX_RAX] = ~0ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x8b, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0xdeadbeef12345678ULL,
					 &acc));
	EXPECT_EQ(4, acc.size);
	EXPECT_EQ(0x12345678ULL, r.gpr[KVMX_RAX]);
	EXPECT_EQ(0x1002, r.rip);
	EXPECT_EQ(r.gpr[KVMX_RBX], acc.gla);

	/* movw (%rbx),%ax merges */
	r.gpr[KVMX_RAX] = 0x1122334455667788ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x66, 0x8b, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0xabcd, &acc));
	EXPECT_EQ(2, acc.size);
	EXPECT_EQ(0x112233445566abcdULL, r.gpr[KVMX_RAX]);

	/* movb (%rbx),%al and %ah merge into their bytes */
	r.gpr[KVMX_RAX] = 0x1122334455667788ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x8a, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0xfe, &acc));
	EXPECT_EQ(0x11223344556677feULL, r.gpr[KVMX_RAX]);
	ASSERT_EQ(0, DECODE(&insn, 64, 0x8a, 0x23));	/* (%rbx),%ah */
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x1ab, &acc));
	EXPECT_EQ(0x112233445566abfeULL, r.gpr[KVMX_RAX]);

	/* movb (%rbx),%sil with REX: low byte of RSI, not DH */
	r.gpr[KVMX_RSI] = 0x1111111111111111ULL;
	r.gpr[KVMX_RDX] = 0x2222222222222222ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x40, 0x8a, 0x33));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x99, &acc));
	EXPECT_EQ(0x1111111111111199ULL, r.gpr[KVMX_RSI]);
	EXPECT_EQ(0x2222222222222222ULL, r.gpr[KVMX_RDX]);
	/* same ModRM without REX: DH */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x8a, 0x33));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x99, &acc));
	EXPECT_EQ(0x2222222222229922ULL, r.gpr[KVMX_RDX]);

	/* movq (%rbx),%r15 */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x4c, 0x8b, 0x3b));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x8000000000000001ULL,
					 &acc));
	EXPECT_EQ(8, acc.size);
	EXPECT_EQ(0x8000000000000001ULL, r.gpr[KVMX_R15]);

	/* movl (%ebx),%eax in 32-bit mode */
	regs_init(&r, 32);
	ASSERT_EQ(0, DECODE(&insn, 32, 0x8b, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0xcafef00d, &acc));
	EXPECT_EQ(0xcafef00dULL, r.gpr[KVMX_RAX]);

	/* movabs 0x...,%eax (A1) */
	regs_init(&r, 64);
	ASSERT_EQ(0, DECODE(&insn, 64, 0xa1, 0x00, 0x00, 0xe0, 0xfe, 0, 0,
			    0, 0));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x42, &acc));
	EXPECT_EQ(0xfee00000ULL, acc.gla);
	EXPECT_EQ(0x42ULL, r.gpr[KVMX_RAX]);
	EXPECT_EQ(0x1009, r.rip);
}

TEST(extending_loads)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;

	regs_init(&r, 64);
	/* movzbl (%rbx),%eax */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x0f, 0xb6, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0xff80, &acc));
	EXPECT_EQ(1, acc.size);
	EXPECT_EQ(0x80ULL, r.gpr[KVMX_RAX]);
	/* movzbw (%rbx),%ax merges 16 bits */
	r.gpr[KVMX_RAX] = 0x1122334455667788ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x66, 0x0f, 0xb6, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x80, &acc));
	EXPECT_EQ(0x1122334455660080ULL, r.gpr[KVMX_RAX]);
	/* movzwq (%rbx),%rax */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x48, 0x0f, 0xb7, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x8765, &acc));
	EXPECT_EQ(2, acc.size);
	EXPECT_EQ(0x8765ULL, r.gpr[KVMX_RAX]);
	/* movsbl (%rbx),%eax: sign then zero-extend upper half */
	r.gpr[KVMX_RAX] = ~0ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x0f, 0xbe, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x80, &acc));
	EXPECT_EQ(0xffffff80ULL, r.gpr[KVMX_RAX]);
	/* movsbw (%rbx),%ax */
	r.gpr[KVMX_RAX] = 0x1122334455667788ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x66, 0x0f, 0xbe, 0x03));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x80, &acc));
	EXPECT_EQ(0x112233445566ff80ULL, r.gpr[KVMX_RAX]);
	/* movswq (%rbx),%r9 */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x4c, 0x0f, 0xbf, 0x0b));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x8000, &acc));
	EXPECT_EQ(0xffffffffffff8000ULL, r.gpr[KVMX_R9]);
	/* movsbq positive */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x4c, 0x0f, 0xbe, 0x0b));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x7f, &acc));
	EXPECT_EQ(0x7fULL, r.gpr[KVMX_R9]);
	/* movslq (%rbx),%rdx */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x48, 0x63, 0x13));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x80000000, &acc));
	EXPECT_EQ(4, acc.size);
	EXPECT_EQ(0xffffffff80000000ULL, r.gpr[KVMX_RDX]);
	/* movsxd without REX.W is a plain 32-bit load */
	r.gpr[KVMX_RDX] = ~0ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x63, 0x13));
	ASSERT_EQ(KVMX_EMU_DONE, do_load(&insn, &r, 0x80000000, &acc));
	EXPECT_EQ(0x80000000ULL, r.gpr[KVMX_RDX]);
}

TEST(stores)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r, before;
	struct kvmx_insn insn;

	regs_init(&r, 64);
	r.gpr[KVMX_RAX] = 0x8877665544332211ULL;
	/* movl %eax,(%rbx) */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x89, 0x03));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_TRUE(acc.is_write);
	EXPECT_EQ(4, acc.size);
	EXPECT_EQ(0x44332211ULL, acc.data);
	before = r;
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	before.rip += 2;
	EXPECT_EQ(0, memcmp(&before, &r, sizeof(r)));
	/* movb %ah,(%rbx) */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x88, 0x23));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(1, acc.size);
	EXPECT_EQ(0x22ULL, acc.data);
	/* movq %rax,(%rbx) */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x48, 0x89, 0x03));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(0x8877665544332211ULL, acc.data);
	/* movq $-2,(%rdi): imm32 sign-extended to 64 */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff,
			    0xff));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(8, acc.size);
	EXPECT_EQ(0xfffffffffffffffeULL, acc.data);
	EXPECT_EQ(r.gpr[KVMX_RDI], acc.gla);
	/* movw $0xbeef,(%rdi) */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x66, 0xc7, 0x07, 0xef, 0xbe));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(2, acc.size);
	EXPECT_EQ(0xbeefULL, acc.data);
	/* movb $0x80,(%rdi) */
	ASSERT_EQ(0, DECODE(&insn, 64, 0xc6, 0x07, 0x80));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(0x80ULL, acc.data);
	/* movw %ax,0x...(A3 with 66) */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x66, 0xa3, 0x10, 0, 0xe0, 0xfe, 0, 0,
			    0, 0));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(2, acc.size);
	EXPECT_EQ(0x2211ULL, acc.data);
	EXPECT_EQ(0xfee00010ULL, acc.gla);
	/* 16-bit mode, movl %eax,(%bx) with 66 */
	regs_init(&r, 16);
	r.gpr[KVMX_RAX] = 0x8877665544332211ULL;
	ASSERT_EQ(0, DECODE(&insn, 16, 0x66, 0x89, 0x07));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(4, acc.size);
	EXPECT_EQ(0x44332211ULL, acc.data);
}

TEST(rip_wraps_by_mode)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;

	regs_init(&r, 16);
	r.rip = 0xfffe;
	ASSERT_EQ(0, DECODE(&insn, 16, 0x66, 0x89, 0x07));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(1, r.rip);

	regs_init(&r, 32);
	r.rip = 0xffffffff;
	ASSERT_EQ(0, DECODE(&insn, 32, 0x89, 0x03));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(1, r.rip);

	regs_init(&r, 64);
	r.rip = 0xffffffffULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x89, 0x03));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0x100000001ULL, r.rip);
}

TEST(linear_addresses)
{
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;

	/* 32-bit: DS base added, wraps at 4 GiB */
	regs_init(&r, 32);
	r.seg_base[KVMX_SEG_DS] = 0xf0000000;
	r.gpr[KVMX_RBX] = 0x20000010;
	ASSERT_EQ(0, DECODE(&insn, 32, 0x89, 0x43, 0x04)); /* 4(%ebx) */
	EXPECT_EQ(0x10000014ULL, kvmx_emu_linear_addr(&insn, &r));
	/* SS for (%ebp) */
	r.seg_base[KVMX_SEG_SS] = 0x100000;
	r.gpr[KVMX_RBP] = 0x10;
	ASSERT_EQ(0, DECODE(&insn, 32, 0x89, 0x45, 0x00)); /* 0(%ebp) */
	EXPECT_EQ(0x100010ULL, kvmx_emu_linear_addr(&insn, &r));
	/* index * scale; upper GPR bits ignored with 32-bit addresses */
	r.gpr[KVMX_RBX] = 0xffffffff00001000ULL;
	r.gpr[KVMX_RCX] = 0x3;
	/* movl %eax,0x10(%ebx,%ecx,8) */
	ASSERT_EQ(0, DECODE(&insn, 32, 0x89, 0x44, 0xcb, 0x10));
	EXPECT_EQ(0xf0001028ULL, kvmx_emu_linear_addr(&insn, &r));

	/* 16-bit: BX+SI+disp wraps at 64 KiB, then the segment base */
	regs_init(&r, 16);
	r.seg_base[KVMX_SEG_DS] = 0x12340;
	r.gpr[KVMX_RBX] = 0xfff0;
	r.gpr[KVMX_RSI] = 0x20;
	ASSERT_EQ(0, DECODE(&insn, 16, 0x89, 0x40, 0x01)); /* 1(%bx,%si) */
	EXPECT_EQ(0x12351ULL, kvmx_emu_linear_addr(&insn, &r));
	/* es override */
	r.seg_base[KVMX_SEG_ES] = 0xb8000;
	ASSERT_EQ(0, DECODE(&insn, 16, 0x26, 0x89, 0x05)); /* %es:(%di) */
	r.gpr[KVMX_RDI] = 0x10;
	EXPECT_EQ(0xb8010ULL, kvmx_emu_linear_addr(&insn, &r));

	/* 64-bit: DS base ignored, FS/GS used, RIP-relative */
	regs_init(&r, 64);
	r.seg_base[KVMX_SEG_DS] = 0x5000;
	r.seg_base[KVMX_SEG_FS] = 0x7000000000ULL;
	r.gpr[KVMX_RBX] = 0x100;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x89, 0x03));
	EXPECT_EQ(0x100ULL, kvmx_emu_linear_addr(&insn, &r));
	ASSERT_EQ(0, DECODE(&insn, 64, 0x64, 0x89, 0x03));
	EXPECT_EQ(0x7000000100ULL, kvmx_emu_linear_addr(&insn, &r));
	r.rip = 0xffffffff81000000ULL;
	/* movl %eax,-0x10(%rip), 6 bytes */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x89, 0x05, 0xf0, 0xff, 0xff, 0xff));
	EXPECT_EQ(0xffffffff80fffff6ULL, kvmx_emu_linear_addr(&insn, &r));
	/* 67: 32-bit address in 64-bit mode */
	r.gpr[KVMX_RBX] = 0x1234567800000010ULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x67, 0x89, 0x03));
	EXPECT_EQ(0x10ULL, kvmx_emu_linear_addr(&insn, &r));

	/* BT with a register offset addresses the word holding the bit */
	r.gpr[KVMX_RBX] = 0x1000;
	r.gpr[KVMX_RCX] = 100;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x0f, 0xa3, 0x0b)); /* btl %ecx */
	EXPECT_EQ(0x100cULL, kvmx_emu_linear_addr(&insn, &r));
	r.gpr[KVMX_RCX] = 0xffffffffULL;	/* -1 as a 32-bit offset */
	EXPECT_EQ(0xffcULL, kvmx_emu_linear_addr(&insn, &r));
	ASSERT_EQ(0, DECODE(&insn, 64, 0x48, 0x0f, 0xab, 0x0b)); /* btsq */
	r.gpr[KVMX_RCX] = 64 * 3 + 5;
	EXPECT_EQ(0x1018ULL, kvmx_emu_linear_addr(&insn, &r));
}

/* ---- ALU results and flags against the host CPU ---- */

#define FLAGS6	KVMX_RFLAGS_ARITH

#define HOST_BIN(name, insn, sfx, type, mod)				\
static u64 host_##name##sfx(u64 a, u64 b, int cin, u64 *flags)	\
{									\
	type m = a, s = b;						\
	unsigned long cf = cin;						\
	unsigned short ax;						\
									\
	asm volatile("bt $0, %[cf]\n\t"					\
		     insn #sfx " %" mod "[s], %[m]\n\t"			\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), "=&a" (ax)				\
		     : [s] "r" (s), [cf] "r" (cf) : "cc");		\
	*flags = (ax >> 8) & 0xd5;					\
	if (ax & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	return (u64)m;							\
}

#define HOST_BIN4(name, insn)						\
	HOST_BIN(name, insn, b, u8, "b")				\
	HOST_BIN(name, insn, w, u16, "w")				\
	HOST_BIN(name, insn, l, u32, "k")				\
	HOST_BIN(name, insn, q, u64, "q")

HOST_BIN4(add, "add")
HOST_BIN4(or, "or")
HOST_BIN4(adc, "adc")
HOST_BIN4(sbb, "sbb")
HOST_BIN4(and, "and")
HOST_BIN4(sub, "sub")
HOST_BIN4(xor, "xor")
HOST_BIN4(cmp, "cmp")
HOST_BIN4(test, "test")
HOST_BIN(xchg, "xchg", q, u64, "q")

#define HOST_UN(name, insn, sfx, type)					\
static u64 host_##name##sfx(u64 a, u64 b, int cin, u64 *flags)	\
{									\
	type m = a;							\
	unsigned long cf = cin;						\
	unsigned short ax;						\
									\
	asm volatile("bt $0, %[cf]\n\t"					\
		     insn #sfx " %[m]\n\t"				\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), "=&a" (ax)				\
		     : [cf] "r" (cf) : "cc");				\
	*flags = (ax >> 8) & 0xd5;					\
	if (ax & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	return (u64)m;							\
}

#define HOST_UN4(name, insn)						\
	HOST_UN(name, insn, b, u8)					\
	HOST_UN(name, insn, w, u16)					\
	HOST_UN(name, insn, l, u32)					\
	HOST_UN(name, insn, q, u64)

HOST_UN4(not, "not")
HOST_UN4(neg, "neg")
HOST_UN4(inc, "inc")
HOST_UN4(dec, "dec")

#define HOST_BT(name, insn)						\
	HOST_BIN(name, insn, w, u16, "w")				\
	HOST_BIN(name, insn, l, u32, "k")				\
	HOST_BIN(name, insn, q, u64, "q")

HOST_BT(bt, "bt")
HOST_BT(bts, "bts")
HOST_BT(btr, "btr")
HOST_BT(btc, "btc")

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

static const u64 edge[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
	0x80000000, 0xffffffff, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, ~0ULL, 0x0f, 0x10, 0x5555555555555555ULL,
};

static u64 rnd64(void)
{
	return ((u64)random() << 62) ^ ((u64)random() << 31) ^ random();
}

static u64 pick(unsigned int i)
{
	if (i % 3 == 0)
		return edge[random() % (sizeof(edge) / sizeof(edge[0]))];
	return rnd64();
}

static const unsigned int sizes[4] = { 1, 2, 4, 8 };

/* Build "op (%rbx), %ecx"-style bytes: prefix for the size + opcode. */
static unsigned int build(u8 *b, unsigned int size, bool two_byte, u8 op,
			  u8 modrm)
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
	for (o = 0; o < sizeof(alu_ops) / sizeof(alu_ops[0]); o++) {
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

#define HOST_XADD(sfx, type, mod)					\
static u64 host_xadd##sfx(u64 mem, u64 *reg, u64 *flags)		\
{									\
	type m = mem;							\
	u64 r = *reg;							\
	unsigned short ax;						\
									\
	asm volatile("xadd" #sfx " %" mod "[r], %[m]\n\t"		\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), [r] "+r" (r), "=&a" (ax)		\
		     : : "cc");						\
	*flags = (ax >> 8) & 0xd5;					\
	if (ax & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	*reg = r;							\
	return (u64)m;							\
}

HOST_XADD(b, u8, "b")
HOST_XADD(w, u16, "w")
HOST_XADD(l, u32, "k")
HOST_XADD(q, u64, "q")

#define HOST_CMPXCHG(sfx, type, mod)					\
static u64 host_cmpxchg##sfx(u64 mem, u64 reg, u64 *rax, u64 *flags)	\
{									\
	type m = mem;							\
	u64 a = *rax, out;						\
									\
	asm volatile("cmpxchg" #sfx " %" mod "[r], %[m]\n\t"		\
		     "mov %%rax, %[out]\n\t"				\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), "+a" (a), [out] "=&r" (out)	\
		     : [r] "r" (reg) : "cc");				\
	*flags = (a >> 8) & 0xd5;					\
	if (a & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	*rax = out;							\
	return (u64)m;							\
}

HOST_CMPXCHG(b, u8, "b")
HOST_CMPXCHG(w, u16, "w")
HOST_CMPXCHG(l, u32, "k")
HOST_CMPXCHG(q, u64, "q")

/* Load RFLAGS' OF (through an 8-bit overflow) and SF ZF AF PF CF (SAHF). */
#define FLAGS_IN							\
	"movb %[ofv], %%cl\n\t"						\
	"addb $1, %%cl\n\t"						\
	"movb %[fl], %%ah\n\t"						\
	"sahf\n\t"

#define HOST_SET(cc)							\
static u64 host_set##cc(u64 fl)						\
{									\
	u8 m = 0x55;							\
									\
	asm volatile(FLAGS_IN "set" #cc " %[m]"				\
		     : [m] "+m" (m)					\
		     : [ofv] "Q" ((u8)((fl & KVMX_RFLAGS_OF) ? 0x7f : 0)),	\
		       [fl] "Q" ((u8)(fl & 0xd5))			\
		     : "cc", "rax", "rcx");				\
	return m;							\
}

#define HOST_CMOV1(cc, sfx, type, mod)					\
static u64 host_cmov##cc##sfx(u64 fl, u64 mem, u64 reg)		\
{									\
	type m = mem;							\
	u64 r = reg;							\
									\
	asm volatile(FLAGS_IN "cmov" #cc " %[m], %" mod "[r]"		\
		     : [r] "+r" (r)					\
		     : [m] "m" (m),					\
		       [ofv] "Q" ((u8)((fl & KVMX_RFLAGS_OF) ? 0x7f : 0)),	\
		       [fl] "Q" ((u8)(fl & 0xd5))			\
		     : "cc", "rax", "rcx");				\
	return r;							\
}

#define HOST_CC(cc)							\
	HOST_SET(cc)							\
	HOST_CMOV1(cc, w, u16, "w")					\
	HOST_CMOV1(cc, l, u32, "k")					\
	HOST_CMOV1(cc, q, u64, "q")

HOST_CC(o) HOST_CC(no) HOST_CC(b) HOST_CC(ae)
HOST_CC(e) HOST_CC(ne) HOST_CC(be) HOST_CC(a)
HOST_CC(s) HOST_CC(ns) HOST_CC(p) HOST_CC(np)
HOST_CC(l) HOST_CC(ge) HOST_CC(le) HOST_CC(g)

#define CC_ROW(cc)	{ host_set##cc,					\
			  { host_cmov##cc##w, host_cmov##cc##l,		\
			    host_cmov##cc##q } }

static const struct {
	u64 (*set)(u64 fl);
	u64 (*cmov[3])(u64 fl, u64 mem, u64 reg);
} host_cc[16] = {
	CC_ROW(o), CC_ROW(no), CC_ROW(b), CC_ROW(ae),
	CC_ROW(e), CC_ROW(ne), CC_ROW(be), CC_ROW(a),
	CC_ROW(s), CC_ROW(ns), CC_ROW(p), CC_ROW(np),
	CC_ROW(l), CC_ROW(ge), CC_ROW(le), CC_ROW(g),
};

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
			if ((rax & mask) == (mem & mask)) {
				ASSERT_EQ(KVMX_EMU_WRITE, ret);
				ASSERT_EQ(want & mask, acc.data);
			} else {
				/* the host rewrites the old value; we don't */
				ASSERT_EQ(KVMX_EMU_DONE, ret);
				ASSERT_EQ(want & mask, mem & mask);
			}
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

/* ---- string instructions ---- */

TEST(stos_iterations)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;

	/* stosl, DF=0 then DF=1 */
	regs_init(&r, 64);
	r.gpr[KVMX_RAX] = 0xaabbccdd11223344ULL;
	r.gpr[KVMX_RDI] = 0x2000;
	ASSERT_EQ(0, DECODE(&insn, 64, 0xab));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_TRUE(acc.is_write);
	EXPECT_EQ(0x11223344ULL, acc.data);
	EXPECT_EQ(0x2000ULL, acc.gla);
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0x2004ULL, r.gpr[KVMX_RDI]);
	EXPECT_EQ(0x1001ULL, r.rip);
	r.rflags |= KVMX_RFLAGS_DF;
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0x2000ULL, r.gpr[KVMX_RDI]);

	/* rep stosq with RCX = 3: two AGAINs then DONE */
	regs_init(&r, 64);
	r.gpr[KVMX_RCX] = 3;
	r.gpr[KVMX_RDI] = 0x3000;
	ASSERT_EQ(0, DECODE(&insn, 64, 0xf3, 0x48, 0xab));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(8, acc.size);
	ASSERT_EQ(KVMX_EMU_AGAIN, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(2ULL, r.gpr[KVMX_RCX]);
	EXPECT_EQ(0x3008ULL, r.gpr[KVMX_RDI]);
	EXPECT_EQ(0x1000ULL, r.rip);
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(0x3008ULL, acc.gla);
	ASSERT_EQ(KVMX_EMU_AGAIN, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0ULL, r.gpr[KVMX_RCX]);
	EXPECT_EQ(0x3018ULL, r.gpr[KVMX_RDI]);
	EXPECT_EQ(0x1003ULL, r.rip);
	/* RCX = 0: nothing to do, RIP advances */
	r.rip = 0x1000;
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						     &acc));
	EXPECT_EQ(0x1003ULL, r.rip);
	EXPECT_EQ(0x3018ULL, r.gpr[KVMX_RDI]);

	/* addr32 rep stosb: ECX/EDI, upper halves zeroed by the update */
	regs_init(&r, 64);
	r.gpr[KVMX_RCX] = 0x5500000000000002ULL;
	r.gpr[KVMX_RDI] = 0x77000000ffffffffULL;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x67, 0xf3, 0xaa));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(0xffffffffULL, acc.gla);
	ASSERT_EQ(KVMX_EMU_AGAIN, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0ULL, r.gpr[KVMX_RDI]);
	EXPECT_EQ(1ULL, r.gpr[KVMX_RCX]);
	/* upper ECX bits do not count: RCX = 1 << 32 is a zero count */
	r.gpr[KVMX_RCX] = 1ULL << 32;
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						     &acc));

	/* 16-bit rep stosw: DI wraps at 64 KiB, upper RDI bits kept */
	regs_init(&r, 16);
	r.gpr[KVMX_RCX] = 0xabcd0002ULL;
	r.gpr[KVMX_RDI] = 0x1234fffeULL;
	r.seg_base[KVMX_SEG_ES] = 0xa0000;
	r.seg_base[KVMX_SEG_DS] = 0x50000;
	ASSERT_EQ(0, DECODE(&insn, 16, 0xf3, 0xab));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_EQ(0xafffeULL, acc.gla);
	ASSERT_EQ(KVMX_EMU_AGAIN, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0x12340000ULL, r.gpr[KVMX_RDI]);
	EXPECT_EQ(0xabcd0001ULL, r.gpr[KVMX_RCX]);
	/* ES cannot be overridden for STOS */
	ASSERT_EQ(0, DECODE(&insn, 16, 0x2e, 0xab));
	EXPECT_EQ(0xa0000ULL, kvmx_emu_linear_addr(&insn, &r));
}

TEST(lods)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;

	regs_init(&r, 64);
	r.gpr[KVMX_RAX] = 0x1122334455667788ULL;
	r.gpr[KVMX_RSI] = 0x4000;
	r.seg_base[KVMX_SEG_GS] = 0x100000;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x65, 0xac));	/* lodsb %gs: */
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	EXPECT_FALSE(acc.is_write);
	EXPECT_EQ(0x104000ULL, acc.gla);
	acc.data = 0x1ee;
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0x11223344556677eeULL, r.gpr[KVMX_RAX]);
	EXPECT_EQ(0x4001ULL, r.gpr[KVMX_RSI]);
	ASSERT_EQ(0, DECODE(&insn, 64, 0xad));		/* lodsl */
	r.rflags |= KVMX_RFLAGS_DF;
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	acc.data = 0x80000000;
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0x80000000ULL, r.gpr[KVMX_RAX]);
	EXPECT_EQ(0x3ffdULL, r.gpr[KVMX_RSI]);
}

/* A fake guest: 64 KiB of RAM at GPA 0 mapped 1:1, MMIO at 0xfee00000. */
#define RAM_SIZE	0x10000
#define MMIO_BASE	0xfee00000ULL

struct fake_guest {
	u8 ram[RAM_SIZE];
	u64 gla_offset;	/* gla = gpa + offset */
	int reads, writes, translations;
	int fail_translate;
};

static int fake_gla_to_gpa(void *opaque, u64 gla, unsigned int access,
			   u64 *gpa)
{
	struct fake_guest *g = opaque;

	g->translations++;
	if (g->fail_translate)
		return -EFAULT;
	*gpa = gla - g->gla_offset;
	return 0;
}

static int fake_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	struct fake_guest *g = opaque;

	g->reads++;
	if (gpa >= RAM_SIZE || gpa + len > RAM_SIZE)
		return -EFAULT;
	memcpy(buf, g->ram + gpa, len);
	return 0;
}

static int fake_write(void *opaque, u64 gpa, const void *buf,
		      unsigned int len)
{
	struct fake_guest *g = opaque;

	g->writes++;
	if (gpa >= RAM_SIZE || gpa + len > RAM_SIZE)
		return -EFAULT;
	memcpy(g->ram + gpa, buf, len);
	return 0;
}

TEST(movs_one_side_mmio)
{
	static struct fake_guest g;
	struct kvmx_emu_mem mem = {
		.gla_to_gpa = fake_gla_to_gpa,
		.read = fake_read,
		.write = fake_write,
		.opaque = &g,
	};
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r, saved;
	struct kvmx_insn insn;
	unsigned int i;

	for (i = 0; i < RAM_SIZE; i++)
		g.ram[i] = i * 7;
	g.gla_offset = 0x10000000;

	/* RAM -> MMIO: rep movsl with RCX = 2 */
	regs_init(&r, 64);
	r.gpr[KVMX_RSI] = g.gla_offset + 0x100;
	r.gpr[KVMX_RDI] = g.gla_offset + MMIO_BASE + 0x30;
	r.gpr[KVMX_RCX] = 2;
	ASSERT_EQ(0, DECODE(&insn, 64, 0xf3, 0xa5));
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE + 0x30,
				      &acc));
	EXPECT_TRUE(acc.is_write);
	EXPECT_EQ(4, acc.size);
	EXPECT_EQ(kvmx_le_load(g.ram + 0x100, 4), acc.data);
	EXPECT_EQ(r.gpr[KVMX_RDI], acc.gla);
	ASSERT_EQ(KVMX_EMU_AGAIN,
		  kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	EXPECT_EQ(g.gla_offset + 0x104, r.gpr[KVMX_RSI]);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x34, r.gpr[KVMX_RDI]);
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE + 0x34,
				      &acc));
	EXPECT_EQ(kvmx_le_load(g.ram + 0x104, 4), acc.data);
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	EXPECT_EQ(0x1002ULL, r.rip);
	EXPECT_EQ(0, g.writes);

	/* MMIO -> RAM: movsw, DF=1 */
	regs_init(&r, 64);
	r.rflags |= KVMX_RFLAGS_DF;
	r.gpr[KVMX_RSI] = g.gla_offset + MMIO_BASE + 0x10;
	r.gpr[KVMX_RDI] = g.gla_offset + 0x202;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x66, 0xa5));
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE + 0x10,
				      &acc));
	EXPECT_FALSE(acc.is_write);
	EXPECT_EQ(2, acc.size);
	acc.data = 0xbeef;
	ASSERT_EQ(KVMX_EMU_DONE, kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	EXPECT_EQ(0xef, g.ram[0x202]);
	EXPECT_EQ(0xbe, g.ram[0x203]);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x0e, r.gpr[KVMX_RSI]);
	EXPECT_EQ(g.gla_offset + 0x200, r.gpr[KVMX_RDI]);

	/* Both sides in the faulting page: refused, registers untouched */
	regs_init(&r, 64);
	r.gpr[KVMX_RSI] = g.gla_offset + MMIO_BASE;
	r.gpr[KVMX_RDI] = g.gla_offset + MMIO_BASE + 8;
	saved = r;
	ASSERT_EQ(0, DECODE(&insn, 64, 0xa4));
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE,
					       &acc));
	/* Neither side: refused */
	r.gpr[KVMX_RSI] = g.gla_offset + 0x10;
	r.gpr[KVMX_RDI] = g.gla_offset + 0x20;
	saved = r;
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE,
					       &acc));
	EXPECT_EQ(0, memcmp(&saved, &r, sizeof(r)));
	/* No RAM accessors */
	r.gpr[KVMX_RDI] = g.gla_offset + MMIO_BASE;
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, NULL, MMIO_BASE,
					       &acc));
	/* Translation failure is passed up */
	g.fail_translate = 1;
	EXPECT_EQ(-EFAULT, kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE,
					       &acc));
	g.fail_translate = 0;
	/* RAM side crossing a page: refused */
	ASSERT_EQ(0, DECODE(&insn, 64, 0x48, 0xa5));
	r.gpr[KVMX_RSI] = g.gla_offset + 0xffc;
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE,
					       &acc));

	/* MMIO -> RAM where the RAM write fails: regs unchanged */
	regs_init(&r, 64);
	r.gpr[KVMX_RSI] = g.gla_offset + MMIO_BASE;
	r.gpr[KVMX_RDI] = g.gla_offset + RAM_SIZE + 0x1000; /* not RAM */
	ASSERT_EQ(0, DECODE(&insn, 64, 0xa5));
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE, &acc));
	saved = r;
	acc.data = 1;
	EXPECT_EQ(-EFAULT, kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	EXPECT_EQ(0, memcmp(&saved, &r, sizeof(r)));
}

TEST(bad_input_refused)
{
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r, saved;
	struct kvmx_insn insn;

	regs_init(&r, 64);
	saved = r;
	memset(&insn, 0, sizeof(insn));
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, NULL, 0, &acc));
	ASSERT_EQ(0, DECODE(&insn, 64, 0x89, 0x03));
	/* mode mismatch between decode and registers */
	r.mode = 32;
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, NULL, 0, &acc));
	r.mode = 64;
	/* corrupted sizes */
	insn.mem_bytes = 3;
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, NULL, 0, &acc));
	ASSERT_EQ(0, DECODE(&insn, 64, 0x8b, 0x03));
	ASSERT_EQ(KVMX_EMU_ACCESS, kvmx_emu_mmio_start(&insn, &r, NULL, 0,
						       &acc));
	/* finish with an access of another size */
	acc.size = 8;
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_finish(&insn, &r, NULL, &acc));
	EXPECT_EQ(0, memcmp(&saved, &r, sizeof(r)));
}

/* Every decodable random instruction goes through start/finish cleanly. */
TEST(random_instructions_emulate)
{
	static struct fake_guest g;
	struct kvmx_emu_mem mem = {
		.gla_to_gpa = fake_gla_to_gpa,
		.read = fake_read,
		.write = fake_write,
		.opaque = &g,
	};
	static const unsigned int modes[] = { 16, 32, 64 };
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r;
	struct kvmx_insn insn;
	unsigned int i, n, done = 0;
	u8 b[15];
	int ret;

	srandom(2024);
	for (i = 0; i < 300000; i++) {
		unsigned int mode = modes[i % 3];

		for (n = 0; n < sizeof(b); n++)
			b[n] = random();
		if (kvmx_decode(b, sizeof(b), mode, &insn))
			continue;
		regs_init(&r, mode);
		for (n = 0; n < KVMX_NR_GPRS; n++)
			r.gpr[n] = rnd64();
		r.gpr[KVMX_RCX] &= 3;
		r.rflags |= rnd64() & (FLAGS6 | KVMX_RFLAGS_DF);
		ret = kvmx_emu_mmio_start(&insn, &r, &mem, rnd64(), &acc);
		ASSERT_TRUE(ret == KVMX_EMU_ACCESS || ret == KVMX_EMU_DONE ||
			    ret < 0);
		if (ret != KVMX_EMU_ACCESS)
			continue;
		ASSERT_EQ(insn.mem_bytes, acc.size);
		acc.data = rnd64();
		ret = kvmx_emu_mmio_finish(&insn, &r, &mem, &acc);
		ASSERT_TRUE(ret == KVMX_EMU_DONE || ret == KVMX_EMU_WRITE ||
			    ret == KVMX_EMU_AGAIN || ret < 0);
		if (ret == KVMX_EMU_WRITE) {
			ASSERT_TRUE(acc.is_write);
			ASSERT_EQ(0ULL, acc.data & ~kvmx_mask(acc.size));
		}
		if (mode != 64)
			ASSERT_EQ(0ULL, r.rip >> 32);
		done++;
	}
	EXPECT_GT(done, 1000);
	TH_LOG("%u random instructions emulated", done);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kvm/x86/emulate.c: register write-back rules of
 * loads, store data, RIP wrap, linear addresses, REP string iteration,
 * MOVS through a fake guest RAM and from MMIO to MMIO, refusal of bad input, and random
 * instructions.  Arithmetic is in unit/emulate_alu_test.c.
 */
#include "../kvm/x86/decode.c"
#include "../kvm/x86/emulate.c"

#include <stdio.h>
#include <stdlib.h>
#include "kselftest_harness.h"

#include "emulate_test_util.h"

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

	/* Neither side: refused, registers untouched */
	regs_init(&r, 64);
	ASSERT_EQ(0, DECODE(&insn, 64, 0xa4));
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

static bool fake_is_mmio(void *opaque, u64 gpa, bool write)
{
	return gpa >= RAM_SIZE;
}

TEST(movs_mmio_to_mmio)
{
	static struct fake_guest g;
	struct kvmx_emu_mem mem = {
		.gla_to_gpa = fake_gla_to_gpa,
		.read = fake_read,
		.write = fake_write,
		.is_mmio = fake_is_mmio,
		.opaque = &g,
	};
	struct kvmx_mmio_access acc;
	struct kvmx_emu_regs r, saved;
	struct kvmx_insn insn;

	g.gla_offset = 0x10000000;

	/* movsl inside the faulting page: a read, then a write elsewhere */
	regs_init(&r, 64);
	r.gpr[KVMX_RSI] = g.gla_offset + MMIO_BASE + 0x10;
	r.gpr[KVMX_RDI] = g.gla_offset + MMIO_BASE + 0x40;
	ASSERT_EQ(0, DECODE(&insn, 64, 0xa5));
	EXPECT_EQ(-EINVAL, kvmx_emu_mmio_start(&insn, &r, NULL,
					       MMIO_BASE + 0x10, &acc));
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE + 0x10,
				      &acc));
	EXPECT_FALSE(acc.is_write);
	EXPECT_EQ(4, acc.size);
	EXPECT_EQ(MMIO_BASE + 0x10, acc.gpa);
	EXPECT_EQ(r.gpr[KVMX_RSI], acc.gla);
	acc.data = 0xffffffff11223344ULL;	/* bits above size ignored */
	ASSERT_EQ(KVMX_EMU_WRITE,
		  kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	EXPECT_TRUE(acc.is_write);
	EXPECT_EQ(4, acc.size);
	EXPECT_EQ(MMIO_BASE + 0x40, acc.gpa);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x40, acc.gla);
	EXPECT_EQ(0x11223344ULL, acc.data);
	EXPECT_EQ(0x1001ULL, r.rip);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x14, r.gpr[KVMX_RSI]);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x44, r.gpr[KVMX_RDI]);

	/*
	 * rep movsw, DF=1, from another MMIO page to the faulting one: each
	 * element is a read at the source and a write at the destination,
	 * RIP stays until the count runs out.
	 */
	regs_init(&r, 64);
	r.rflags |= KVMX_RFLAGS_DF;
	r.gpr[KVMX_RSI] = g.gla_offset + MMIO_BASE + 0x1012;
	r.gpr[KVMX_RDI] = g.gla_offset + MMIO_BASE + 0x22;
	r.gpr[KVMX_RCX] = 2;
	ASSERT_EQ(0, DECODE(&insn, 64, 0x66, 0xf3, 0xa5));
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE + 0x22,
				      &acc));
	EXPECT_FALSE(acc.is_write);
	EXPECT_EQ(MMIO_BASE + 0x1012, acc.gpa);
	acc.data = 0xabcd;
	ASSERT_EQ(KVMX_EMU_WRITE,
		  kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	EXPECT_TRUE(acc.is_write);
	EXPECT_EQ(MMIO_BASE + 0x22, acc.gpa);
	EXPECT_EQ(0xabcdULL, acc.data);
	EXPECT_EQ(0x1000ULL, r.rip);
	EXPECT_EQ(1ULL, r.gpr[KVMX_RCX]);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x1010, r.gpr[KVMX_RSI]);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x20, r.gpr[KVMX_RDI]);
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE + 0x1010,
				      &acc));
	EXPECT_EQ(MMIO_BASE + 0x1010, acc.gpa);
	acc.data = 0x5678;
	ASSERT_EQ(KVMX_EMU_WRITE,
		  kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	EXPECT_EQ(MMIO_BASE + 0x20, acc.gpa);
	EXPECT_EQ(0x5678ULL, acc.data);
	EXPECT_EQ(0x1003ULL, r.rip);
	EXPECT_EQ(0ULL, r.gpr[KVMX_RCX]);
	EXPECT_EQ(g.gla_offset + MMIO_BASE + 0x1e, r.gpr[KVMX_RDI]);
	EXPECT_EQ(0, g.reads);
	EXPECT_EQ(0, g.writes);

	/* The destination's translation failing: error, regs unchanged */
	regs_init(&r, 64);
	r.gpr[KVMX_RSI] = g.gla_offset + MMIO_BASE;
	r.gpr[KVMX_RDI] = g.gla_offset + MMIO_BASE + 0x2000;
	ASSERT_EQ(0, DECODE(&insn, 64, 0xa4));
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, &mem, MMIO_BASE, &acc));
	EXPECT_EQ(MMIO_BASE, acc.gpa);
	saved = r;
	g.fail_translate = 1;
	EXPECT_EQ(-EFAULT, kvmx_emu_mmio_finish(&insn, &r, &mem, &acc));
	g.fail_translate = 0;
	EXPECT_EQ(0, memcmp(&saved, &r, sizeof(r)));

	/* Other forms access the faulting GPA */
	regs_init(&r, 64);
	ASSERT_EQ(0, DECODE(&insn, 64, 0x8b, 0x03));
	ASSERT_EQ(KVMX_EMU_ACCESS,
		  kvmx_emu_mmio_start(&insn, &r, NULL, MMIO_BASE + 0x88,
				      &acc));
	EXPECT_EQ(MMIO_BASE + 0x88, acc.gpa);
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

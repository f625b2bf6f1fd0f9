// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the decoder and emulator against the host CPU:
 * random byte strings that kvmx_decode() accepts in 64-bit mode are run
 * natively (registers set so the memory operand lands in a buffer) and
 * through kvmx_emu_mmio_start()/finish() with that buffer as the "MMIO"
 * side.  Registers, defined flags, RIP and memory must match exactly, and
 * the emulator must name the same address as the CPU touched.
 *
 * Skipped: forms the host cannot run safely here (RSP operands, FS/GS,
 * RIP-relative and absolute addresses).
 */
#include "../kvm/x86/decode.c"
#include "../kvm/x86/emulate.c"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "kselftest_harness.h"

#include "emulate_test_util.h"

#define BUF_SIZE	4096

struct hw_state {
	u64 gpr[16];
	u64 rflags;
	void *code;
};

void hw_run(struct hw_state *s);

/* Load every GPR but RSP and RFLAGS, call the code, store them back. */
asm(".pushsection .text\n"
	".globl hw_run\n"
	"hw_run:\n\t"
	"push %rbx\n\tpush %rbp\n\tpush %r12\n\t"
	"push %r13\n\tpush %r14\n\tpush %r15\n\t"
	"push %rdi\n\t"
	"mov 136(%rdi), %rax\n\t"
	"mov %rax, hw_code(%rip)\n\t"
	"pushq 128(%rdi)\n\t"
	"popfq\n\t"
	"mov 0(%rdi), %rax\n\tmov 8(%rdi), %rcx\n\t"
	"mov 16(%rdi), %rdx\n\tmov 24(%rdi), %rbx\n\t"
	"mov 40(%rdi), %rbp\n\tmov 48(%rdi), %rsi\n\t"
	"mov 64(%rdi), %r8\n\tmov 72(%rdi), %r9\n\t"
	"mov 80(%rdi), %r10\n\tmov 88(%rdi), %r11\n\t"
	"mov 96(%rdi), %r12\n\tmov 104(%rdi), %r13\n\t"
	"mov 112(%rdi), %r14\n\tmov 120(%rdi), %r15\n\t"
	"mov 56(%rdi), %rdi\n\t"
	"call *hw_code(%rip)\n\t"
	"push %rdi\n\t"
	"mov 8(%rsp), %rdi\n\t"
	"mov %rax, 0(%rdi)\n\tmov %rcx, 8(%rdi)\n\t"
	"mov %rdx, 16(%rdi)\n\tmov %rbx, 24(%rdi)\n\t"
	"mov %rbp, 40(%rdi)\n\tmov %rsi, 48(%rdi)\n\t"
	"mov %r8, 64(%rdi)\n\tmov %r9, 72(%rdi)\n\t"
	"mov %r10, 80(%rdi)\n\tmov %r11, 88(%rdi)\n\t"
	"mov %r12, 96(%rdi)\n\tmov %r13, 104(%rdi)\n\t"
	"mov %r14, 112(%rdi)\n\tmov %r15, 120(%rdi)\n\t"
	"pop %rax\n\t"
	"mov %rax, 56(%rdi)\n\t"
	"pushfq\n\t"
	"pop %rax\n\t"
	"mov %rax, 128(%rdi)\n\t"
	"cld\n\t"
	"pop %rdi\n\t"
	"pop %r15\n\tpop %r14\n\tpop %r13\n\t"
	"pop %r12\n\tpop %rbp\n\tpop %rbx\n\t"
	"ret\n"
	".popsection\n"
	".pushsection .bss\n"
	".balign 8\n"
	"hw_code: .quad 0\n"
	".popsection\n");

/* Guest RAM for the MOVS side that is not MMIO: host memory, 1:1. */
static u8 *bufs[2];

static bool in_bufs(u64 a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (a >= (u64)bufs[i] && a + len <= (u64)bufs[i] + BUF_SIZE)
			return true;
	return false;
}

static int hw_gla_to_gpa(void *opaque, u64 gla, unsigned int access,
			 u64 *gpa)
{
	*gpa = gla;
	return 0;
}

static int hw_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	if (!in_bufs(gpa, len))
		return -EFAULT;
	memcpy(buf, (void *)gpa, len);
	return 0;
}

static int hw_write(void *opaque, u64 gpa, const void *buf,
		    unsigned int len)
{
	if (!in_bufs(gpa, len))
		return -EFAULT;
	memcpy((void *)gpa, buf, len);
	return 0;
}

/* Flags whose value after @op the architecture defines. */
static u64 defined_flags(unsigned int op)
{
	switch (op) {
	case KVMX_OP_OR:
	case KVMX_OP_AND:
	case KVMX_OP_XOR:
	case KVMX_OP_TEST:
		return FLAGS6 & ~KVMX_RFLAGS_AF;
	case KVMX_OP_BT:
	case KVMX_OP_BTS:
	case KVMX_OP_BTR:
	case KVMX_OP_BTC:
		return KVMX_RFLAGS_CF;
	default:
		return FLAGS6;
	}
}

static bool uses(const struct kvmx_insn *insn, unsigned int reg)
{
	return insn->mem_base == reg || insn->mem_index == reg ||
	       ((insn->src == KVMX_SRC_REG || insn->dst == KVMX_DST_REG ||
		 insn->dst == KVMX_DST_BOTH) && insn->reg == reg &&
		!insn->reg_high8);
}

static bool is_string(const struct kvmx_insn *insn)
{
	return insn->op == KVMX_OP_STOS || insn->op == KVMX_OP_LODS ||
	       insn->op == KVMX_OP_MOVS;
}

/*
 * Point the memory operand at @target: choose base (and index) values.
 * Returns false if the addressing form cannot be steered.
 */
static bool steer(const struct kvmx_insn *insn, u64 *gpr, u64 target)
{
	u64 mask = kvmx_mask(insn->addr_bytes), rest;
	u64 hi = rnd64() & ~mask;

	if (insn->mem_base >= KVMX_NR_GPRS)
		return false;
	rest = target - (u64)insn->disp;
	if (insn->mem_index < KVMX_NR_GPRS) {
		if (insn->mem_index == insn->mem_base) {
			u64 f = 1 + insn->mem_scale;

			if ((rest & mask) % f)
				return false;
			gpr[insn->mem_base] = hi | ((rest & mask) / f);
			return true;
		}
		gpr[insn->mem_index] = (rnd64() & ~mask) | (random() % 64);
		rest -= gpr[insn->mem_index] * insn->mem_scale;
	}
	gpr[insn->mem_base] = hi | (rest & mask);
	return true;
}

static bool suitable(const struct kvmx_insn *insn)
{
	if (insn->rip_relative || uses(insn, KVMX_RSP))
		return false;
	if ((insn->prefixes & KVMX_PFX_SEG) &&
	    (insn->seg == KVMX_SEG_FS || insn->seg == KVMX_SEG_GS))
		return false;
	/* BT with a register offset: the offset must be ours to choose. */
	if (kvmx_is_bt(insn->op) && insn->src == KVMX_SRC_REG &&
	    (insn->reg_high8 || insn->reg == insn->mem_base ||
	     insn->reg == insn->mem_index))
		return false;
	return true;
}

/* Emulate with bufs[] as memory; @mmio is the MMIO side's address. */
static int emulate(struct __test_metadata *_metadata,
		   const struct kvmx_insn *insn, struct kvmx_emu_regs *r,
		   u64 mmio)
{
	const struct kvmx_emu_mem mem = {
		.gla_to_gpa = hw_gla_to_gpa,
		.read = hw_read,
		.write = hw_write,
	};
	struct kvmx_mmio_access acc;
	int ret, rounds = 0;

	for (;;) {
		ret = kvmx_emu_mmio_start(insn, r, &mem, mmio, &acc);
		if (ret == KVMX_EMU_DONE)
			return 0;
		if (ret != KVMX_EMU_ACCESS)
			return ret;
		if (!in_bufs(acc.gla, acc.size))
			return -1000;
		if (acc.is_write)
			kvmx_le_store((u8 *)acc.gla, acc.data, acc.size);
		else
			acc.data = kvmx_le_load((u8 *)acc.gla, acc.size);
		ret = kvmx_emu_mmio_finish(insn, r, &mem, &acc);
		if (ret == KVMX_EMU_WRITE) {
			kvmx_le_store((u8 *)acc.gla, acc.data, acc.size);
			return 0;
		}
		if (ret == KVMX_EMU_DONE)
			return 0;
		if (ret != KVMX_EMU_AGAIN)
			return ret;
		/* The next element faults at the next address. */
		if (insn->op == KVMX_OP_MOVS)
			mmio = (acc.flags & KVMX_MMIO_F_STRING_SRC) ?
			       kvmx_emu_linear_addr(insn, r) :
			       kvmx_movs_dst_addr(insn, r);
		if (++rounds > 8)
			return -1001;
	}
}

TEST(random_instructions_match_cpu)
{
	static const u8 hot[] = {
		0x66, 0x67, 0xf0, 0xf3, 0x2e, 0x48, 0x41, 0x44, 0x4c, 0x40,
		0x0f, 0x88, 0x89, 0x8a, 0x8b, 0xc6, 0xc7, 0x80, 0x81, 0x83,
		0x84, 0x85, 0x86, 0x87, 0xf6, 0xf7, 0xfe, 0xff, 0x01, 0x0b,
		0x13, 0x1a, 0x21, 0x2b, 0x31, 0x39, 0x3a, 0xa3, 0xab, 0xb3,
		0xbb, 0xba, 0xb6, 0xb7, 0xbe, 0xbf, 0x63, 0xc0, 0xc1, 0xb0,
		0xb1, 0xc3, 0x94, 0x4f, 0x44, 0x04, 0x03, 0x43, 0x83, 0x14,
		0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad,
	};
	u8 *code, *orig[2], *host_mem[2];
	unsigned int i, n, tried = 0, ran = 0, per_op[KVMX_OP_COUNT] = { 0 };
	int b;

	code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, code);
	for (b = 0; b < 2; b++) {
		bufs[b] = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		ASSERT_NE(MAP_FAILED, bufs[b]);
		orig[b] = malloc(BUF_SIZE);
		host_mem[b] = malloc(BUF_SIZE);
	}

	srandom(6502);
	for (i = 0; ran < 30000 && i < 20000000; i++) {
		struct kvmx_emu_regs r;
		struct kvmx_insn insn;
		struct hw_state hs;
		u64 target, mmio, mask;
		u8 bytes[15];
		int ret;

		for (n = 0; n < sizeof(bytes); n++)
			bytes[n] = (random() % 3) ? hot[random() % sizeof(hot)] :
						    random();
		if (kvmx_decode(bytes, sizeof(bytes), 64, &insn) ||
		    !suitable(&insn))
			continue;
		tried++;

		for (b = 0; b < 2; b++)
			for (n = 0; n < BUF_SIZE; n++)
				orig[b][n] = random();
		regs_init(&r, 64);
		for (n = 0; n < KVMX_NR_GPRS; n++)
			r.gpr[n] = (random() & 1) ? rnd64() : pick(n);
		r.gpr[KVMX_RSP] = 0;
		r.rflags = RF_FIXED | (rnd64() & FLAGS6);
		target = (u64)bufs[0] + 2048 - 64 + random() % 128;
		mmio = target;
		mask = kvmx_mask(insn.addr_bytes);
		if (is_string(&insn)) {
			int src_mmio = random() & 1;

			r.rflags |= (random() & 1) ? KVMX_RFLAGS_DF : 0;
			r.gpr[KVMX_RSI] = (rnd64() & ~mask) |
				((u64)bufs[src_mmio ? 0 : 1] + 2048);
			r.gpr[KVMX_RDI] = (rnd64() & ~mask) |
				((u64)bufs[src_mmio ? 1 : 0] + 2048);
			r.gpr[KVMX_RCX] = (rnd64() & ~mask) | (random() % 4);
			mmio = (u64)bufs[0] + 2048;
			if (insn.op == KVMX_OP_LODS)
				r.gpr[KVMX_RSI] = (r.gpr[KVMX_RSI] & ~mask) |
						  mmio;
			if (insn.op == KVMX_OP_STOS)
				r.gpr[KVMX_RDI] = (r.gpr[KVMX_RDI] & ~mask) |
						  mmio;
		} else {
			if (!steer(&insn, r.gpr, target))
				continue;
			if (kvmx_is_bt(insn.op) && insn.src == KVMX_SRC_REG) {
				u64 m = kvmx_mask(insn.reg_bytes);
				s64 off = (s64)(random() % 512) - 256;

				r.gpr[insn.reg] = (rnd64() & ~m) |
						  ((u64)off & m);
			}
			if (insn.op == KVMX_OP_CMPXCHG && (random() & 1) &&
			    insn.mem_base != KVMX_RAX &&
			    insn.mem_index != KVMX_RAX)
				r.gpr[KVMX_RAX] = kvmx_le_load(
					orig[0] + (target - (u64)bufs[0]), 8);
		}

		/* The CPU */
		for (b = 0; b < 2; b++)
			memcpy(bufs[b], orig[b], BUF_SIZE);
		memcpy(code, bytes, insn.len);
		code[insn.len] = 0xc3;
		memcpy(hs.gpr, r.gpr, sizeof(hs.gpr));
		hs.rflags = r.rflags;
		hs.code = code;
		hw_run(&hs);
		for (b = 0; b < 2; b++) {
			memcpy(host_mem[b], bufs[b], BUF_SIZE);
			memcpy(bufs[b], orig[b], BUF_SIZE);
		}

		/* The emulator */
		ret = emulate(_metadata, &insn, &r, mmio);
		if (ret == -EINVAL && insn.op == KVMX_OP_MOVS)
			continue;	/* e.g. both sides in one page */
		ASSERT_EQ(0, ret) TH_LOG("%s len %u", kvmx_op_name(insn.op),
					 insn.len);
		ran++;
		per_op[insn.op]++;
		for (n = 0; n < KVMX_NR_GPRS; n++) {
			if (n == KVMX_RSP)
				continue;
			ASSERT_EQ(hs.gpr[n], r.gpr[n])
				TH_LOG("%s: gpr %u, bytes %02x %02x %02x %02x %02x",
				       kvmx_op_name(insn.op), n, bytes[0],
				       bytes[1], bytes[2], bytes[3], bytes[4]);
		}
		ASSERT_EQ(hs.rflags & defined_flags(insn.op),
			  r.rflags & defined_flags(insn.op))
			TH_LOG("%s flags, bytes %02x %02x %02x %02x",
			       kvmx_op_name(insn.op), bytes[0], bytes[1],
			       bytes[2], bytes[3]);
		ASSERT_EQ(hs.rflags & KVMX_RFLAGS_DF,
			  r.rflags & KVMX_RFLAGS_DF);
		for (b = 0; b < 2; b++)
			ASSERT_EQ(0, memcmp(host_mem[b], bufs[b], BUF_SIZE))
				TH_LOG("%s memory, bytes %02x %02x %02x %02x",
				       kvmx_op_name(insn.op), bytes[0],
				       bytes[1], bytes[2], bytes[3]);
		ASSERT_EQ(0x1000ULL + insn.len, r.rip);
	}
	TH_LOG("%u instructions run on the CPU and the emulator (%u tried)",
	       ran, tried);
	EXPECT_GT(ran, 10000);
	/* Every operation must have been exercised. */
	for (n = 1; n < KVMX_OP_COUNT; n++) {
		unsigned int count = per_op[n];
		const char *name = kvmx_op_name(n);

		EXPECT_GT(count, 3) TH_LOG("%s ran %u times", name, count);
	}
}

TEST_HARNESS_MAIN

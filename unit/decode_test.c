// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kvm/x86/decode.c: every emulated form, encoded by the
 * GNU assembler (the source text is in each case), in 16-, 32- and 64-bit
 * modes with prefixes and REX; refused forms; truncated buffers; random
 * bytes.
 */
#include "../kvm/x86/decode.c"

#include <stdio.h>
#include <stdlib.h>
#include "kselftest_harness.h"

#define NO	KVMX_NO_REG

struct decode_case {
	unsigned int mode;
	const char *text;
	u8 bytes[KVMX_INSN_MAX_LEN];
	unsigned int len;
	unsigned int op, mem, regb, addr, reg, high8, base, index, scale;
	s64 disp, imm;
	unsigned int immb, rip, lhs, seg, src, dst, pfx;
};

/* Bytes from `as` (.code16/.code32/.code64) for the text of each case. */
static const struct decode_case cases[] = {
	{ .mode = 64, .text = "movl %eax,(%rbx)",
	  .bytes = { 0x89, 0x03 }, .len = 2,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movq %rax,(%rbx)",
	  .bytes = { 0x48, 0x89, 0x03 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movw %ax,(%rbx)",
	  .bytes = { 0x66, 0x89, 0x03 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movb %al,(%rbx)",
	  .bytes = { 0x88, 0x03 }, .len = 2,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movb %ah,(%rbx)",
	  .bytes = { 0x88, 0x23 }, .len = 2,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 0, .high8 = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movb %bh,0x10(%rdi)",
	  .bytes = { 0x88, 0x7f, 0x10 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 3, .high8 = 1, .base = 7, .index = NO,
	  .disp = 0x10LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movb %spl,(%rbx)",
	  .bytes = { 0x40, 0x88, 0x23 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 4, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movb %dil,(%rbx)",
	  .bytes = { 0x40, 0x88, 0x3b }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 7, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movb %r9b,(%r10)",
	  .bytes = { 0x45, 0x88, 0x0a }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 9, .base = 10, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %r15d,0x12345678(%r8,%r11,8)",
	  .bytes = { 0x47, 0x89, 0xbc, 0xd8, 0x78, 0x56, 0x34, 0x12 }, .len = 8,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 15, .base = 8, .index = 11, .scale = 8,
	  .disp = 0x12345678LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,-8(%rbp)",
	  .bytes = { 0x89, 0x45, 0xf8 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 5, .index = NO,
	  .disp = -0x8LL,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,(%rsp)",
	  .bytes = { 0x89, 0x04, 0x24 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 4, .index = NO,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,(%r12)",
	  .bytes = { 0x41, 0x89, 0x04, 0x24 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 12, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,(%r13)",
	  .bytes = { 0x41, 0x89, 0x45, 0x00 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 13, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,(,%r12,2)",
	  .bytes = { 0x42, 0x89, 0x04, 0x65, 0x00, 0x00, 0x00, 0x00 }, .len = 8,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = NO, .index = 12, .scale = 2,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,0x1000(,%rcx,4)",
	  .bytes = { 0x89, 0x04, 0x8d, 0x00, 0x10, 0x00, 0x00 }, .len = 7,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = NO, .index = 1, .scale = 4,
	  .disp = 0x1000LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,0x7fff0000",
	  .bytes = { 0x89, 0x04, 0x25, 0x00, 0x00, 0xff, 0x7f }, .len = 7,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x7fff0000LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,0x100(%rip)",
	  .bytes = { 0x89, 0x05, 0x00, 0x01, 0x00, 0x00 }, .len = 6,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x100LL, .rip = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,%fs:8(%rax)",
	  .bytes = { 0x64, 0x89, 0x40, 0x08 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 0, .index = NO,
	  .disp = 0x8LL,
	  .seg = KVMX_SEG_FS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movq %rdx,%gs:(%r14)",
	  .bytes = { 0x65, 0x49, 0x89, 0x16 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 2, .base = 14, .index = NO,
	  .seg = KVMX_SEG_GS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl %eax,(%ebx)",
	  .bytes = { 0x67, 0x89, 0x03 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl (%rbx),%eax",
	  .bytes = { 0x8b, 0x03 }, .len = 2,
	  .op = KVMX_OP_MOV_LOAD, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movq 0x20(%rsi),%r8",
	  .bytes = { 0x4c, 0x8b, 0x46, 0x20 }, .len = 4,
	  .op = KVMX_OP_MOV_LOAD, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 8, .base = 6, .index = NO,
	  .disp = 0x20LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movw (%rsi),%r8w",
	  .bytes = { 0x66, 0x44, 0x8b, 0x06 }, .len = 4,
	  .op = KVMX_OP_MOV_LOAD, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 8, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movb (%rsi),%ch",
	  .bytes = { 0x8a, 0x2e }, .len = 2,
	  .op = KVMX_OP_MOV_LOAD, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 1, .high8 = 1, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movb (%rsi),%sil",
	  .bytes = { 0x40, 0x8a, 0x36 }, .len = 3,
	  .op = KVMX_OP_MOV_LOAD, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 6, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movb (%rsi),%r12b",
	  .bytes = { 0x44, 0x8a, 0x26 }, .len = 3,
	  .op = KVMX_OP_MOV_LOAD, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 12, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movl $0x12345678,(%rdi)",
	  .bytes = { 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12 }, .len = 6,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .base = 7, .index = NO,
	  .imm = 305419896LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movq $-2,(%rdi)",
	  .bytes = { 0x48, 0xc7, 0x07, 0xfe, 0xff, 0xff, 0xff }, .len = 7,
	  .op = KVMX_OP_MOV_STORE, .mem = 8, .regb = 8, .addr = 8,
	  .base = 7, .index = NO,
	  .imm = -2LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movw $0xbeef,(%rdi)",
	  .bytes = { 0x66, 0xc7, 0x07, 0xef, 0xbe }, .len = 5,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 8,
	  .base = 7, .index = NO,
	  .imm = -16657LL, .immb = 2,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movb $0x80,4(%rdi)",
	  .bytes = { 0xc6, 0x47, 0x04, 0x80 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 8,
	  .base = 7, .index = NO,
	  .disp = 0x4LL, .imm = -128LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movl $1,0x10(%rip)",
	  .bytes = { 0xc7, 0x05, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00 }, .len = 10,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .base = NO, .index = NO,
	  .disp = 0x10LL, .imm = 1LL, .immb = 4, .rip = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movabs 0x1122334455667788,%eax",
	  .bytes = { 0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, .len = 9,
	  .op = KVMX_OP_MOV_LOAD, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x1122334455667788LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movabs 0xfedcba9876543210,%al",
	  .bytes = { 0xa0, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe }, .len = 9,
	  .op = KVMX_OP_MOV_LOAD, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = -0x123456789abcdf0LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movabs %rax,0x1122334455667788",
	  .bytes = { 0x48, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, .len = 10,
	  .op = KVMX_OP_MOV_STORE, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x1122334455667788LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movabs %ax,0x1122334455667788",
	  .bytes = { 0x66, 0xa3, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11 }, .len = 10,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x1122334455667788LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "addr32 movabs %eax,0x80000000",
	  .bytes = { 0x67, 0xa3, 0x00, 0x00, 0x00, 0x80 }, .len = 6,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x80000000LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movzbl (%rbx),%eax",
	  .bytes = { 0x0f, 0xb6, 0x03 }, .len = 3,
	  .op = KVMX_OP_MOVZX, .mem = 1, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movzwl (%rbx),%r10d",
	  .bytes = { 0x44, 0x0f, 0xb7, 0x13 }, .len = 4,
	  .op = KVMX_OP_MOVZX, .mem = 2, .regb = 4, .addr = 8,
	  .reg = 10, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movzbq (%rbx),%rax",
	  .bytes = { 0x48, 0x0f, 0xb6, 0x03 }, .len = 4,
	  .op = KVMX_OP_MOVZX, .mem = 1, .regb = 8, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movzbw (%rbx),%si",
	  .bytes = { 0x66, 0x0f, 0xb6, 0x33 }, .len = 4,
	  .op = KVMX_OP_MOVZX, .mem = 1, .regb = 2, .addr = 8,
	  .reg = 6, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movsbl (%rbx),%edi",
	  .bytes = { 0x0f, 0xbe, 0x3b }, .len = 3,
	  .op = KVMX_OP_MOVSX, .mem = 1, .regb = 4, .addr = 8,
	  .reg = 7, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movswq 2(%rbx),%r9",
	  .bytes = { 0x4c, 0x0f, 0xbf, 0x4b, 0x02 }, .len = 5,
	  .op = KVMX_OP_MOVSX, .mem = 2, .regb = 8, .addr = 8,
	  .reg = 9, .base = 3, .index = NO,
	  .disp = 0x2LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movslq (%rcx),%rdx",
	  .bytes = { 0x48, 0x63, 0x11 }, .len = 3,
	  .op = KVMX_OP_MOVSX, .mem = 4, .regb = 8, .addr = 8,
	  .reg = 2, .base = 1, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "stosl",
	  .bytes = { 0xab }, .len = 1,
	  .op = KVMX_OP_STOS, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "rep stosq",
	  .bytes = { 0xf3, 0x48, 0xab }, .len = 3,
	  .op = KVMX_OP_STOS, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 64, .text = "rep stosb",
	  .bytes = { 0xf3, 0xaa }, .len = 2,
	  .op = KVMX_OP_STOS, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 64, .text = "stosw",
	  .bytes = { 0x66, 0xab }, .len = 2,
	  .op = KVMX_OP_STOS, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_OPSIZE },
	{ .mode = 64, .text = "movsl",
	  .bytes = { 0xa5 }, .len = 1,
	  .op = KVMX_OP_MOVS, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "rep movsb",
	  .bytes = { 0xf3, 0xa4 }, .len = 2,
	  .op = KVMX_OP_MOVS, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 64, .text = "rep movsq %fs:(%rsi),%es:(%rdi)",
	  .bytes = { 0x64, 0xf3, 0x48, 0xa5 }, .len = 4,
	  .op = KVMX_OP_MOVS, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_FS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "addr32 rep movsl",
	  .bytes = { 0x67, 0xf3, 0xa5 }, .len = 3,
	  .op = KVMX_OP_MOVS, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "lodsl",
	  .bytes = { 0xad }, .len = 1,
	  .op = KVMX_OP_LODS, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "lodsb",
	  .bytes = { 0xac }, .len = 1,
	  .op = KVMX_OP_LODS, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "addl %ecx,(%rbx)",
	  .bytes = { 0x01, 0x0b }, .len = 2,
	  .op = KVMX_OP_ADD, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "lock orl %ecx,(%rbx)",
	  .bytes = { 0xf0, 0x09, 0x0b }, .len = 3,
	  .op = KVMX_OP_OR, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 64, .text = "adcb %dh,(%rbx)",
	  .bytes = { 0x10, 0x33 }, .len = 2,
	  .op = KVMX_OP_ADC, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 2, .high8 = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "sbbq %r11,(%rbx)",
	  .bytes = { 0x4c, 0x19, 0x1b }, .len = 3,
	  .op = KVMX_OP_SBB, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 11, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "andl (%rbx),%ecx",
	  .bytes = { 0x23, 0x0b }, .len = 2,
	  .op = KVMX_OP_AND, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .lhs = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "subw (%rbx),%cx",
	  .bytes = { 0x66, 0x2b, 0x0b }, .len = 3,
	  .op = KVMX_OP_SUB, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .lhs = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "xorb (%rbx),%cl",
	  .bytes = { 0x32, 0x0b }, .len = 2,
	  .op = KVMX_OP_XOR, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .lhs = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "cmpl %eax,(%rbx)",
	  .bytes = { 0x39, 0x03 }, .len = 2,
	  .op = KVMX_OP_CMP, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "cmpq (%rbx),%rax",
	  .bytes = { 0x48, 0x3b, 0x03 }, .len = 3,
	  .op = KVMX_OP_CMP, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .lhs = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "andl $0xfffffffe,(%rbx)",
	  .bytes = { 0x83, 0x23, 0xfe }, .len = 3,
	  .op = KVMX_OP_AND, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = -2LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "orl $0x10000,(%rbx)",
	  .bytes = { 0x81, 0x0b, 0x00, 0x00, 0x01, 0x00 }, .len = 6,
	  .op = KVMX_OP_OR, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 65536LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "orw $0x1000,(%rbx)",
	  .bytes = { 0x66, 0x81, 0x0b, 0x00, 0x10 }, .len = 5,
	  .op = KVMX_OP_OR, .mem = 2, .regb = 2, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 4096LL, .immb = 2,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "orb $0x81,(%rbx)",
	  .bytes = { 0x80, 0x0b, 0x81 }, .len = 3,
	  .op = KVMX_OP_OR, .mem = 1, .regb = 1, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = -127LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "lock andq $-16,(%rbx)",
	  .bytes = { 0xf0, 0x48, 0x83, 0x23, 0xf0 }, .len = 5,
	  .op = KVMX_OP_AND, .mem = 8, .regb = 8, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = -16LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 64, .text = "subq $0x7fffffff,(%rbx)",
	  .bytes = { 0x48, 0x81, 0x2b, 0xff, 0xff, 0xff, 0x7f }, .len = 7,
	  .op = KVMX_OP_SUB, .mem = 8, .regb = 8, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 2147483647LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "cmpb $5,(%rbx)",
	  .bytes = { 0x80, 0x3b, 0x05 }, .len = 3,
	  .op = KVMX_OP_CMP, .mem = 1, .regb = 1, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 5LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "cmpl $0x100,(%rbx)",
	  .bytes = { 0x81, 0x3b, 0x00, 0x01, 0x00, 0x00 }, .len = 6,
	  .op = KVMX_OP_CMP, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 256LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "testl %eax,(%rbx)",
	  .bytes = { 0x85, 0x03 }, .len = 2,
	  .op = KVMX_OP_TEST, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "testb %bh,(%rbx)",
	  .bytes = { 0x84, 0x3b }, .len = 2,
	  .op = KVMX_OP_TEST, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 3, .high8 = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "testl $0x80000000,(%rbx)",
	  .bytes = { 0xf7, 0x03, 0x00, 0x00, 0x00, 0x80 }, .len = 6,
	  .op = KVMX_OP_TEST, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = -2147483648LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "testb $0x40,(%rbx)",
	  .bytes = { 0xf6, 0x03, 0x40 }, .len = 3,
	  .op = KVMX_OP_TEST, .mem = 1, .regb = 1, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 64LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "testw $0x8000,(%rbx)",
	  .bytes = { 0x66, 0xf7, 0x03, 0x00, 0x80 }, .len = 5,
	  .op = KVMX_OP_TEST, .mem = 2, .regb = 2, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = -32768LL, .immb = 2,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "xchgl %eax,(%rbx)",
	  .bytes = { 0x87, 0x03 }, .len = 2,
	  .op = KVMX_OP_XCHG, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 64, .text = "xchgb %al,(%rbx)",
	  .bytes = { 0x86, 0x03 }, .len = 2,
	  .op = KVMX_OP_XCHG, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 64, .text = "lock xchgq %r8,(%rbx)",
	  .bytes = { 0xf0, 0x4c, 0x87, 0x03 }, .len = 4,
	  .op = KVMX_OP_XCHG, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 8, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 64, .text = "notl (%rbx)",
	  .bytes = { 0xf7, 0x13 }, .len = 2,
	  .op = KVMX_OP_NOT, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "negb (%rbx)",
	  .bytes = { 0xf6, 0x1b }, .len = 2,
	  .op = KVMX_OP_NEG, .mem = 1, .regb = 1, .addr = 8,
	  .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "incq (%rbx)",
	  .bytes = { 0x48, 0xff, 0x03 }, .len = 3,
	  .op = KVMX_OP_INC, .mem = 8, .regb = 8, .addr = 8,
	  .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "lock decl (%rbx)",
	  .bytes = { 0xf0, 0xff, 0x0b }, .len = 3,
	  .op = KVMX_OP_DEC, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 64, .text = "incb (%rbx)",
	  .bytes = { 0xfe, 0x03 }, .len = 2,
	  .op = KVMX_OP_INC, .mem = 1, .regb = 1, .addr = 8,
	  .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "btl %eax,(%rbx)",
	  .bytes = { 0x0f, 0xa3, 0x03 }, .len = 3,
	  .op = KVMX_OP_BT, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "btsq %rcx,(%rbx)",
	  .bytes = { 0x48, 0x0f, 0xab, 0x0b }, .len = 4,
	  .op = KVMX_OP_BTS, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "lock btrl %ecx,(%rbx)",
	  .bytes = { 0xf0, 0x0f, 0xb3, 0x0b }, .len = 4,
	  .op = KVMX_OP_BTR, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 64, .text = "btcw %cx,(%rbx)",
	  .bytes = { 0x66, 0x0f, 0xbb, 0x0b }, .len = 4,
	  .op = KVMX_OP_BTC, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "btl $31,(%rbx)",
	  .bytes = { 0x0f, 0xba, 0x23, 0x1f }, .len = 4,
	  .op = KVMX_OP_BT, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 31LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "btsq $63,8(%rbx)",
	  .bytes = { 0x48, 0x0f, 0xba, 0x6b, 0x08, 0x3f }, .len = 6,
	  .op = KVMX_OP_BTS, .mem = 8, .regb = 8, .addr = 8,
	  .base = 3, .index = NO,
	  .disp = 0x8LL, .imm = 63LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "btrl $200,(%rbx)",
	  .bytes = { 0x0f, 0xba, 0x33, 0xc8 }, .len = 4,
	  .op = KVMX_OP_BTR, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 200LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "btcl $1,(%rbx)",
	  .bytes = { 0x0f, 0xba, 0x3b, 0x01 }, .len = 4,
	  .op = KVMX_OP_BTC, .mem = 4, .regb = 4, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = 1LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "xaddl %ecx,(%rbx)",
	  .bytes = { 0x0f, 0xc1, 0x0b }, .len = 3,
	  .op = KVMX_OP_XADD, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 64, .text = "lock xaddq %r8,8(%rbx)",
	  .bytes = { 0xf0, 0x4c, 0x0f, 0xc1, 0x43, 0x08 }, .len = 6,
	  .op = KVMX_OP_XADD, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 8, .base = 3, .index = NO,
	  .disp = 0x8LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 64, .text = "xaddb %ch,(%rbx)",
	  .bytes = { 0x0f, 0xc0, 0x2b }, .len = 3,
	  .op = KVMX_OP_XADD, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 1, .high8 = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 64, .text = "lock cmpxchgl %ecx,(%rbx)",
	  .bytes = { 0xf0, 0x0f, 0xb1, 0x0b }, .len = 4,
	  .op = KVMX_OP_CMPXCHG, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 64, .text = "cmpxchgb %sil,(%rbx)",
	  .bytes = { 0x40, 0x0f, 0xb0, 0x33 }, .len = 4,
	  .op = KVMX_OP_CMPXCHG, .mem = 1, .regb = 1, .addr = 8,
	  .reg = 6, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 64, .text = "cmpxchgw %r9w,(%rbx)",
	  .bytes = { 0x66, 0x44, 0x0f, 0xb1, 0x0b }, .len = 5,
	  .op = KVMX_OP_CMPXCHG, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 9, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 64, .text = "movntil %eax,(%rdi)",
	  .bytes = { 0x0f, 0xc3, 0x07 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movntiq %r11,0x40(%rdi)",
	  .bytes = { 0x4c, 0x0f, 0xc3, 0x5f, 0x40 }, .len = 5,
	  .op = KVMX_OP_MOV_STORE, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 11, .base = 7, .index = NO,
	  .disp = 0x40LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "sete (%rbx)",
	  .bytes = { 0x0f, 0x94, 0x03 }, .len = 3,
	  .op = KVMX_OP_SETCC, .mem = 1, .regb = 1, .addr = 8,
	  .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "setg 0x10(%r12)",
	  .bytes = { 0x41, 0x0f, 0x9f, 0x44, 0x24, 0x10 }, .len = 6,
	  .op = KVMX_OP_SETCC, .mem = 1, .regb = 1, .addr = 8,
	  .base = 12, .index = NO,
	  .disp = 0x10LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "cmovzl (%rbx),%eax",
	  .bytes = { 0x0f, 0x44, 0x03 }, .len = 3,
	  .op = KVMX_OP_CMOVCC, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "cmovneq (%rbx),%r10",
	  .bytes = { 0x4c, 0x0f, 0x45, 0x13 }, .len = 4,
	  .op = KVMX_OP_CMOVCC, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 10, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "cmovbw (%rbx),%dx",
	  .bytes = { 0x66, 0x0f, 0x42, 0x13 }, .len = 4,
	  .op = KVMX_OP_CMOVCC, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 2, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "cmpxchgl %ecx,(%ebx)",
	  .bytes = { 0x0f, 0xb1, 0x0b }, .len = 3,
	  .op = KVMX_OP_CMPXCHG, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 32, .text = "seta %es:(%edi)",
	  .bytes = { 0x26, 0x0f, 0x97, 0x07 }, .len = 4,
	  .op = KVMX_OP_SETCC, .mem = 1, .regb = 1, .addr = 4,
	  .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "xaddw %ax,(%bx)",
	  .bytes = { 0x0f, 0xc1, 0x07 }, .len = 3,
	  .op = KVMX_OP_XADD, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 16, .text = "btw $3,(%bx)",
	  .bytes = { 0x0f, 0xba, 0x27, 0x03 }, .len = 4,
	  .op = KVMX_OP_BT, .mem = 2, .regb = 2, .addr = 2,
	  .base = 3, .index = NO,
	  .imm = 3LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 16, .text = "addr32 movw %ax,(%ebx,%ecx,4)",
	  .bytes = { 0x67, 0x89, 0x04, 0x8b }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 4,
	  .reg = 0, .base = 3, .index = 1, .scale = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "addr32 movw 0x12345678,%ax",
	  .bytes = { 0x67, 0xa1, 0x78, 0x56, 0x34, 0x12 }, .len = 6,
	  .op = KVMX_OP_MOV_LOAD, .mem = 2, .regb = 2, .addr = 4,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x12345678LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "movb %ah,%cs:2(%bp)",
	  .bytes = { 0x2e, 0x88, 0x66, 0x02 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 2,
	  .reg = 0, .high8 = 1, .base = 5, .index = NO,
	  .disp = 0x2LL,
	  .seg = KVMX_SEG_CS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "orw $0x100,(%bx,%di)",
	  .bytes = { 0x81, 0x09, 0x00, 0x01 }, .len = 4,
	  .op = KVMX_OP_OR, .mem = 2, .regb = 2, .addr = 2,
	  .base = 3, .index = 7,
	  .imm = 256LL, .immb = 2,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "lock incw (%si)",
	  .bytes = { 0xf0, 0xff, 0x04 }, .len = 3,
	  .op = KVMX_OP_INC, .mem = 2, .regb = 2, .addr = 2,
	  .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_LOCK },
	{ .mode = 16, .text = "movzwl (%bx),%eax",
	  .bytes = { 0x66, 0x0f, 0xb7, 0x07 }, .len = 4,
	  .op = KVMX_OP_MOVZX, .mem = 2, .regb = 4, .addr = 2,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "lodsb",
	  .bytes = { 0xac }, .len = 1,
	  .op = KVMX_OP_LODS, .mem = 1, .regb = 1, .addr = 2,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "testb $1,0x3da",
	  .bytes = { 0xf6, 0x06, 0xda, 0x03, 0x01 }, .len = 5,
	  .op = KVMX_OP_TEST, .mem = 1, .regb = 1, .addr = 2,
	  .base = NO, .index = NO,
	  .disp = 0x3daLL, .imm = 1LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 32, .text = "addr16 movl %eax,(%bp,%si)",
	  .bytes = { 0x67, 0x89, 0x02 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 2,
	  .reg = 0, .base = 5, .index = 6,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "xchgl %eax,0xfee00300",
	  .bytes = { 0x87, 0x05, 0x00, 0x03, 0xe0, 0xfe }, .len = 6,
	  .op = KVMX_OP_XCHG, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = -0x11ffd00LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_BOTH },
	{ .mode = 32, .text = "btsl %edx,(%eax)",
	  .bytes = { 0x0f, 0xab, 0x10 }, .len = 3,
	  .op = KVMX_OP_BTS, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 2, .base = 0, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "negw (%ecx)",
	  .bytes = { 0x66, 0xf7, 0x19 }, .len = 3,
	  .op = KVMX_OP_NEG, .mem = 2, .regb = 2, .addr = 4,
	  .base = 1, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movsbw (%esi),%di",
	  .bytes = { 0x66, 0x0f, 0xbe, 0x3e }, .len = 4,
	  .op = KVMX_OP_MOVSX, .mem = 1, .regb = 2, .addr = 4,
	  .reg = 7, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "rep movsw",
	  .bytes = { 0x66, 0xf3, 0xa5 }, .len = 3,
	  .op = KVMX_OP_MOVS, .mem = 2, .regb = 2, .addr = 4,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 32, .text = "movb 0x80000000,%al",
	  .bytes = { 0xa0, 0x00, 0x00, 0x00, 0x80 }, .len = 5,
	  .op = KVMX_OP_MOV_LOAD, .mem = 1, .regb = 1, .addr = 4,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x80000000LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movl %eax,0x10(%rsp,%rbp,1)",
	  .bytes = { 0x89, 0x44, 0x2c, 0x10 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 8,
	  .reg = 0, .base = 4, .index = 5, .scale = 1,
	  .disp = 0x10LL,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "addr32 movl %eax,0x10(%eip)",
	  .bytes = { 0x67, 0x89, 0x05, 0x10, 0x00, 0x00, 0x00 }, .len = 7,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x10LL, .rip = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "movq %rax,%gs:0x28",
	  .bytes = { 0x65, 0x48, 0x89, 0x04, 0x25, 0x28, 0x00, 0x00, 0x00 }, .len = 9,
	  .op = KVMX_OP_MOV_STORE, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x28LL,
	  .seg = KVMX_SEG_GS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "subb $1,(%r13,%r14,8)",
	  .bytes = { 0x43, 0x80, 0x6c, 0xf5, 0x00, 0x01 }, .len = 6,
	  .op = KVMX_OP_SUB, .mem = 1, .regb = 1, .addr = 8,
	  .base = 13, .index = 14, .scale = 8,
	  .imm = 1LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "adcw $-1,(%rax)",
	  .bytes = { 0x66, 0x83, 0x10, 0xff }, .len = 4,
	  .op = KVMX_OP_ADC, .mem = 2, .regb = 2, .addr = 8,
	  .base = 0, .index = NO,
	  .imm = -1LL, .immb = 1,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "sbbl $0x12345678,-0x80(%rax)",
	  .bytes = { 0x81, 0x58, 0x80, 0x78, 0x56, 0x34, 0x12 }, .len = 7,
	  .op = KVMX_OP_SBB, .mem = 4, .regb = 4, .addr = 8,
	  .base = 0, .index = NO,
	  .disp = -0x80LL, .imm = 305419896LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "xorq $-0x80000000,0x7fffffff(%rax)",
	  .bytes = { 0x48, 0x81, 0xb0, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x00, 0x80 }, .len = 11,
	  .op = KVMX_OP_XOR, .mem = 8, .regb = 8, .addr = 8,
	  .base = 0, .index = NO,
	  .disp = 0x7fffffffLL, .imm = -2147483648LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "notq (%r15)",
	  .bytes = { 0x49, 0xf7, 0x17 }, .len = 3,
	  .op = KVMX_OP_NOT, .mem = 8, .regb = 8, .addr = 8,
	  .base = 15, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "decw (%rbx)",
	  .bytes = { 0x66, 0xff, 0x0b }, .len = 3,
	  .op = KVMX_OP_DEC, .mem = 2, .regb = 2, .addr = 8,
	  .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 64, .text = "testq $-1,(%rbx)",
	  .bytes = { 0x48, 0xf7, 0x03, 0xff, 0xff, 0xff, 0xff }, .len = 7,
	  .op = KVMX_OP_TEST, .mem = 8, .regb = 8, .addr = 8,
	  .base = 3, .index = NO,
	  .imm = -1LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_NONE },
	{ .mode = 64, .text = "rep stosb %al,%es:(%edi)",
	  .bytes = { 0x67, 0xf3, 0xaa }, .len = 3,
	  .op = KVMX_OP_STOS, .mem = 1, .regb = 1, .addr = 4,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 64, .text = "lodsq",
	  .bytes = { 0x48, 0xad }, .len = 2,
	  .op = KVMX_OP_LODS, .mem = 8, .regb = 8, .addr = 8,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 64, .text = "movsw",
	  .bytes = { 0x66, 0xa5 }, .len = 2,
	  .op = KVMX_OP_MOVS, .mem = 2, .regb = 2, .addr = 8,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movl %eax,(%ebx)",
	  .bytes = { 0x89, 0x03 }, .len = 2,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movl %esi,0xfee000b0",
	  .bytes = { 0x89, 0x35, 0xb0, 0x00, 0xe0, 0xfe }, .len = 6,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 6, .base = NO, .index = NO,
	  .disp = -0x11fff50LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movw %ax,(%ebx)",
	  .bytes = { 0x66, 0x89, 0x03 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 4,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movb %dh,(%ebx)",
	  .bytes = { 0x88, 0x33 }, .len = 2,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 4,
	  .reg = 2, .high8 = 1, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movl (%ebp),%eax",
	  .bytes = { 0x8b, 0x45, 0x00 }, .len = 3,
	  .op = KVMX_OP_MOV_LOAD, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 5, .index = NO,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "movl %es:(%ebp),%eax",
	  .bytes = { 0x26, 0x8b, 0x45, 0x00 }, .len = 4,
	  .op = KVMX_OP_MOV_LOAD, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 5, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "movl %cs:4(%eax,%ecx,2),%edx",
	  .bytes = { 0x2e, 0x8b, 0x54, 0x48, 0x04 }, .len = 5,
	  .op = KVMX_OP_MOV_LOAD, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 2, .base = 0, .index = 1, .scale = 2,
	  .disp = 0x4LL,
	  .seg = KVMX_SEG_CS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "movl 0x1000,%eax",
	  .bytes = { 0xa1, 0x00, 0x10, 0x00, 0x00 }, .len = 5,
	  .op = KVMX_OP_MOV_LOAD, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x1000LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "movl %eax,0x80000000",
	  .bytes = { 0xa3, 0x00, 0x00, 0x00, 0x80 }, .len = 5,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0x80000000LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movl $7,(%ebx)",
	  .bytes = { 0xc7, 0x03, 0x07, 0x00, 0x00, 0x00 }, .len = 6,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .base = 3, .index = NO,
	  .imm = 7LL, .immb = 4,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movw $7,(%ebx)",
	  .bytes = { 0x66, 0xc7, 0x03, 0x07, 0x00 }, .len = 5,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 4,
	  .base = 3, .index = NO,
	  .imm = 7LL, .immb = 2,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "movl %eax,(%bx,%si)",
	  .bytes = { 0x67, 0x89, 0x00 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 2,
	  .reg = 0, .base = 3, .index = 6,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 32, .text = "rep stosl",
	  .bytes = { 0xf3, 0xab }, .len = 2,
	  .op = KVMX_OP_STOS, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 32, .text = "movzwl (%ebx),%eax",
	  .bytes = { 0x0f, 0xb7, 0x03 }, .len = 3,
	  .op = KVMX_OP_MOVZX, .mem = 2, .regb = 4, .addr = 4,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "movl 0x10(%esp),%eax",
	  .bytes = { 0x8b, 0x44, 0x24, 0x10 }, .len = 4,
	  .op = KVMX_OP_MOV_LOAD, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 4, .index = NO,
	  .disp = 0x10LL,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 32, .text = "orl $1,%fs:(%ebx)",
	  .bytes = { 0x64, 0x83, 0x0b, 0x01 }, .len = 4,
	  .op = KVMX_OP_OR, .mem = 4, .regb = 4, .addr = 4,
	  .base = 3, .index = NO,
	  .imm = 1LL, .immb = 1,
	  .seg = KVMX_SEG_FS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "movw %ax,(%bx)",
	  .bytes = { 0x89, 0x07 }, .len = 2,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "movl %eax,(%bx)",
	  .bytes = { 0x66, 0x89, 0x07 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 2,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_OPSIZE },
	{ .mode = 16, .text = "movb %al,(%bx,%si)",
	  .bytes = { 0x88, 0x00 }, .len = 2,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 2,
	  .reg = 0, .base = 3, .index = 6,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "movw (%bp,%di),%dx",
	  .bytes = { 0x8b, 0x13 }, .len = 2,
	  .op = KVMX_OP_MOV_LOAD, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 2, .base = 5, .index = 7,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "movw 4(%bp),%dx",
	  .bytes = { 0x8b, 0x56, 0x04 }, .len = 3,
	  .op = KVMX_OP_MOV_LOAD, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 2, .base = 5, .index = NO,
	  .disp = 0x4LL,
	  .seg = KVMX_SEG_SS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "movw 0x1234,%dx",
	  .bytes = { 0x8b, 0x16, 0x34, 0x12 }, .len = 4,
	  .op = KVMX_OP_MOV_LOAD, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 2, .base = NO, .index = NO,
	  .disp = 0x1234LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "movw %ds:-2(%bp,%si),%dx",
	  .bytes = { 0x3e, 0x8b, 0x52, 0xfe }, .len = 4,
	  .op = KVMX_OP_MOV_LOAD, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 2, .base = 5, .index = 6,
	  .disp = -0x2LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "movw 0x8000(%di),%dx",
	  .bytes = { 0x8b, 0x95, 0x00, 0x80 }, .len = 4,
	  .op = KVMX_OP_MOV_LOAD, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 2, .base = 7, .index = NO,
	  .disp = -0x8000LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "movb $0xff,%es:(%di)",
	  .bytes = { 0x26, 0xc6, 0x05, 0xff }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 1, .regb = 1, .addr = 2,
	  .base = 7, .index = NO,
	  .imm = -1LL, .immb = 1,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "movw %ax,0xb800",
	  .bytes = { 0xa3, 0x00, 0xb8 }, .len = 3,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 0, .base = NO, .index = NO,
	  .disp = 0xb800LL,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM },
	{ .mode = 16, .text = "movl %eax,(%ebx)",
	  .bytes = { 0x67, 0x66, 0x89, 0x03 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 4, .regb = 4, .addr = 4,
	  .reg = 0, .base = 3, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_OPSIZE },
	{ .mode = 16, .text = "rep stosw",
	  .bytes = { 0xf3, 0xab }, .len = 2,
	  .op = KVMX_OP_STOS, .mem = 2, .regb = 2, .addr = 2,
	  .reg = 0, .base = 7, .index = NO,
	  .seg = KVMX_SEG_ES, .src = KVMX_SRC_REG, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 16, .text = "rep movsb",
	  .bytes = { 0xf3, 0xa4 }, .len = 2,
	  .op = KVMX_OP_MOVS, .mem = 1, .regb = 1, .addr = 2,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_MEM,
	  .pfx = KVMX_PFX_REP },
	{ .mode = 16, .text = "movzbw (%si),%ax",
	  .bytes = { 0x0f, 0xb6, 0x04 }, .len = 3,
	  .op = KVMX_OP_MOVZX, .mem = 1, .regb = 2, .addr = 2,
	  .reg = 0, .base = 6, .index = NO,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_NONE, .dst = KVMX_DST_REG },
	{ .mode = 16, .text = "movw $0x1234,(%bx)",
	  .bytes = { 0xc7, 0x07, 0x34, 0x12 }, .len = 4,
	  .op = KVMX_OP_MOV_STORE, .mem = 2, .regb = 2, .addr = 2,
	  .base = 3, .index = NO,
	  .imm = 4660LL, .immb = 2,
	  .seg = KVMX_SEG_DS, .src = KVMX_SRC_IMM, .dst = KVMX_DST_MEM },

};

static int check_case(struct __test_metadata *_metadata,
		      const struct decode_case *c)
{
	struct kvmx_insn insn;
	u8 buf[32];
	unsigned int n;
	int ret;

	ret = kvmx_decode(c->bytes, c->len, c->mode, &insn);
	EXPECT_EQ(0, ret) {
		TH_LOG("%d: %s: ret %d", c->mode, c->text, ret);
		return 1;
	}
	EXPECT_EQ(c->len, insn.len) TH_LOG("%s", c->text);
	EXPECT_EQ(c->op, insn.op) TH_LOG("%s: %s", c->text,
					 kvmx_op_name(insn.op));
	EXPECT_EQ(c->mem, insn.mem_bytes) TH_LOG("%s", c->text);
	EXPECT_EQ(c->regb, insn.reg_bytes) TH_LOG("%s", c->text);
	EXPECT_EQ(c->addr, insn.addr_bytes) TH_LOG("%s", c->text);
	if (c->src == KVMX_SRC_REG || c->dst == KVMX_DST_REG)
		EXPECT_EQ(c->reg, insn.reg) TH_LOG("%s", c->text);
	EXPECT_EQ(c->high8, insn.reg_high8) TH_LOG("%s", c->text);
	EXPECT_EQ(c->base, insn.mem_base) TH_LOG("%s", c->text);
	EXPECT_EQ(c->index, insn.mem_index) TH_LOG("%s", c->text);
	if (c->index != NO)
		EXPECT_EQ(c->scale ? c->scale : 1, insn.mem_scale)
			TH_LOG("%s", c->text);
	EXPECT_EQ(c->disp, insn.disp) TH_LOG("%s", c->text);
	EXPECT_EQ(c->immb, insn.imm_bytes) TH_LOG("%s", c->text);
	if (c->immb)
		EXPECT_EQ(c->imm, insn.imm) TH_LOG("%s", c->text);
	EXPECT_EQ(c->rip, insn.rip_relative) TH_LOG("%s", c->text);
	EXPECT_EQ(c->lhs, insn.reg_is_lhs) TH_LOG("%s", c->text);
	EXPECT_EQ(c->seg, insn.seg) TH_LOG("%s", c->text);
	EXPECT_EQ(c->src, insn.src) TH_LOG("%s", c->text);
	EXPECT_EQ(c->dst, insn.dst) TH_LOG("%s", c->text);
	if (c->pfx)
		EXPECT_TRUE(insn.prefixes & c->pfx) TH_LOG("%s", c->text);

	/* Every shorter buffer asks for more bytes. */
	for (n = 0; n < c->len; n++)
		EXPECT_EQ(-EAGAIN, kvmx_decode(c->bytes, n, c->mode, &insn))
			TH_LOG("%s: avail %u", c->text, n);
	/* Trailing bytes are not consumed. */
	memset(buf, 0x90, sizeof(buf));
	memcpy(buf, c->bytes, c->len);
	EXPECT_EQ(0, kvmx_decode(buf, sizeof(buf), c->mode, &insn));
	EXPECT_EQ(c->len, insn.len) TH_LOG("%s", c->text);
	return 0;
}

TEST(assembled_forms)
{
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(_metadata, &cases[i]);
}

struct reject_case {
	unsigned int mode;
	const char *why;
	unsigned int len;
	u8 bytes[20];
};

static const struct reject_case rejects[] = {
	{ 64, "register-only mov", 2, { 0x89, 0xc3 } },
	{ 64, "register-only movzx", 3, { 0x0f, 0xb6, 0xc0 } },
	{ 64, "register-only add imm", 3, { 0x83, 0xc0, 0x01 } },
	{ 64, "VEX2 vmovd", 4, { 0xc5, 0xf9, 0x7e, 0x03 } },
	{ 64, "VEX3", 5, { 0xc4, 0xe1, 0x79, 0x7e, 0x03 } },
	{ 64, "EVEX", 7, { 0x62, 0xf1, 0x7d, 0x08, 0x7e, 0x03, 0x00 } },
	{ 64, "movd to xmm (SSE)", 4, { 0x66, 0x0f, 0x7e, 0x03 } },
	{ 64, "movnti with 66", 4, { 0x66, 0x0f, 0xc3, 0x03 } },
	{ 64, "cmpxchg8b", 3, { 0x0f, 0xc7, 0x0b } },
	{ 64, "lock sete", 4, { 0xf0, 0x0f, 0x94, 0x03 } },
	{ 64, "lock cmove", 4, { 0xf0, 0x0f, 0x44, 0x03 } },
	{ 64, "register-only xadd", 3, { 0x0f, 0xc1, 0xc8 } },
	{ 64, "shl (mem)", 2, { 0xd1, 0x23 } },
	{ 64, "movdqa (SSE)", 4, { 0x66, 0x0f, 0x6f, 0x03 } },
	{ 64, "push (mem) (FF /6)", 2, { 0xff, 0x33 } },
	{ 64, "rep xadd", 4, { 0xf3, 0x0f, 0xc1, 0x0b } },
	{ 64, "82 in 64-bit mode", 3, { 0x82, 0x03, 0x01 } },
	{ 32, "arpl in 32-bit mode", 2, { 0x63, 0x03 } },
	{ 16, "arpl in 16-bit mode", 2, { 0x63, 0x07 } },
	{ 64, "mul (F7 /4)", 2, { 0xf7, 0x23 } },
	{ 64, "idiv (F6 /7)", 2, { 0xf6, 0x3b } },
	{ 64, "test alias F6 /1", 3, { 0xf6, 0x0b, 0x01 } },
	{ 64, "call *(rbx) (FF /2)", 2, { 0xff, 0x13 } },
	{ 64, "push (rbx) (FF /6)", 2, { 0xff, 0x33 } },
	{ 64, "FE /2", 2, { 0xfe, 0x13 } },
	{ 64, "C6 /1", 3, { 0xc6, 0x0b, 0x01 } },
	{ 64, "C7 /7", 6, { 0xc7, 0x3b, 1, 0, 0, 0 } },
	{ 64, "0F BA /0", 4, { 0x0f, 0xba, 0x03, 0x01 } },
	{ 64, "lock mov", 3, { 0xf0, 0x89, 0x03 } },
	{ 64, "lock cmp", 3, { 0xf0, 0x39, 0x03 } },
	{ 64, "lock test", 3, { 0xf0, 0x85, 0x03 } },
	{ 64, "lock bt", 4, { 0xf0, 0x0f, 0xa3, 0x03 } },
	{ 64, "lock add to register", 3, { 0xf0, 0x03, 0x03 } },
	{ 64, "lock stos", 2, { 0xf0, 0xab } },
	{ 64, "rep mov", 3, { 0xf3, 0x89, 0x03 } },
	{ 64, "repne movzx", 4, { 0xf2, 0x0f, 0xb6, 0x03 } },
	{ 64, "rep + repne stos", 3, { 0xf3, 0xf2, 0xab } },
	{ 64, "popcnt (F3 0F B8)", 4, { 0xf3, 0x0f, 0xb8, 0x03 } },
	{ 64, "cmps", 1, { 0xa6 } },
	{ 64, "scas", 1, { 0xaf } },
	{ 64, "ins", 1, { 0x6c } },
	{ 64, "outs", 1, { 0x6f } },
	{ 64, "push imm", 2, { 0x6a, 0x01 } },
	{ 64, "mov to segment register", 2, { 0x8e, 0x03 } },
	{ 64, "lea", 2, { 0x8d, 0x03 } },
	{ 64, "pop (rbx)", 2, { 0x8f, 0x03 } },
	{ 64, "add al, imm (no memory)", 2, { 0x04, 0x01 } },
	{ 64, "16 bytes long", 16, { 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0xc7,
				     0x80, 1, 2, 3, 4, 5, 6, 7, 8 } },
	{ 64, "15 prefixes", 16, { 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				   0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
				   0x66, 0x89 } },
	{ 64, "0F alone then junk", 2, { 0x0f, 0xff } },
	{ 64, "two-byte escape 0F 38", 4, { 0x0f, 0x38, 0xf0, 0x03 } },
};

TEST(refused_forms)
{
	struct kvmx_insn insn;
	unsigned int i;

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct reject_case *r = &rejects[i];

		EXPECT_EQ(-EINVAL, kvmx_decode(r->bytes, r->len, r->mode,
					       &insn))
			TH_LOG("%s", r->why);
	}
}

TEST(bad_mode)
{
	static const u8 b[] = { 0x89, 0x03 };
	struct kvmx_insn insn;

	EXPECT_EQ(-EINVAL, kvmx_decode(b, 2, 0, &insn));
	EXPECT_EQ(-EINVAL, kvmx_decode(b, 2, 8, &insn));
	EXPECT_EQ(-EINVAL, kvmx_decode(b, 2, 63, &insn));
	EXPECT_EQ(0, kvmx_decode(b, 2, 16, &insn));
}

TEST(longest_instruction)
{
	/* 4 ignored CS overrides + REX.W + C7 /0 disp32 imm32 = 15 bytes */
	static const u8 b[] = { 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0xc7, 0x80,
				0x10, 0x00, 0x00, 0x00,
				0x78, 0x56, 0x34, 0x12, 0x90, 0x90 };
	struct kvmx_insn insn;

	ASSERT_EQ(0, kvmx_decode(b, sizeof(b), 64, &insn));
	EXPECT_EQ(15, insn.len);
	EXPECT_EQ(KVMX_OP_MOV_STORE, insn.op);
	EXPECT_EQ(8, insn.mem_bytes);
	EXPECT_EQ(0x12345678, insn.imm);
	EXPECT_EQ(0x10, insn.disp);
	EXPECT_EQ(KVMX_SEG_DS, insn.seg);
	EXPECT_EQ(-EAGAIN, kvmx_decode(b, 14, 64, &insn));
}

TEST(prefix_rules)
{
	struct kvmx_insn insn;

	/* REX followed by a legacy prefix is ignored: 16-bit store. */
	static const u8 rex_then_66[] = { 0x48, 0x66, 0x89, 0x03 };
	/* REX.W beats 66. */
	static const u8 pfx66_then_rex[] = { 0x66, 0x48, 0x89, 0x03 };
	/* Only the last of two REX bytes counts. */
	static const u8 two_rex[] = { 0x4c, 0x41, 0x89, 0x03 };
	/* The last segment override wins. */
	static const u8 two_segs[] = { 0x26, 0x64, 0x89, 0x03 };
	/* 40: REX with no bits still selects SIL instead of DH. */
	static const u8 rex40[] = { 0x40, 0x88, 0x33 };
	/* 40-4F are INC/DEC outside 64-bit mode. */
	static const u8 inc_eax[] = { 0x40, 0x89, 0x03 };

	ASSERT_EQ(0, kvmx_decode(rex_then_66, 4, 64, &insn));
	EXPECT_EQ(2, insn.mem_bytes);
	EXPECT_EQ(0, insn.rex);
	ASSERT_EQ(0, kvmx_decode(pfx66_then_rex, 4, 64, &insn));
	EXPECT_EQ(8, insn.mem_bytes);
	ASSERT_EQ(0, kvmx_decode(two_rex, 4, 64, &insn));
	EXPECT_EQ(4, insn.mem_bytes);
	EXPECT_EQ(KVMX_RAX, insn.reg);
	EXPECT_EQ(KVMX_R11, insn.mem_base);
	ASSERT_EQ(0, kvmx_decode(two_segs, 4, 32, &insn));
	EXPECT_EQ(KVMX_SEG_FS, insn.seg);
	ASSERT_EQ(0, kvmx_decode(two_segs, 4, 64, &insn));
	EXPECT_EQ(KVMX_SEG_FS, insn.seg);
	ASSERT_EQ(0, kvmx_decode(rex40, 3, 64, &insn));
	EXPECT_EQ(KVMX_RSI, insn.reg);
	EXPECT_FALSE(insn.reg_high8);
	ASSERT_EQ(0, kvmx_decode(rex40 + 1, 2, 64, &insn));
	EXPECT_EQ(KVMX_RDX, insn.reg);
	EXPECT_TRUE(insn.reg_high8);
	EXPECT_EQ(-EINVAL, kvmx_decode(inc_eax, 3, 32, &insn));
}

TEST(rex_x_index_r12)
{
	/* movl %eax,(%rbx,%r12,1): SIB index 100 with REX.X is R12. */
	static const u8 b[] = { 0x42, 0x89, 0x04, 0x23 };
	/* movl %eax,(%rbx): SIB index 100 without REX.X is none. */
	static const u8 c[] = { 0x89, 0x04, 0x23 };
	struct kvmx_insn insn;

	ASSERT_EQ(0, kvmx_decode(b, sizeof(b), 64, &insn));
	EXPECT_EQ(KVMX_R12, insn.mem_index);
	EXPECT_EQ(KVMX_RBX, insn.mem_base);
	ASSERT_EQ(0, kvmx_decode(c, sizeof(c), 64, &insn));
	EXPECT_EQ(NO, insn.mem_index);
	EXPECT_EQ(KVMX_RBX, insn.mem_base);
}

TEST(sib_no_base_with_rex_b)
{
	/* movl %eax,0x10(,%rcx,4) with REX.B: base 101, mod 00 = no base */
	static const u8 b[] = { 0x41, 0x89, 0x04, 0x8d, 0x10, 0, 0, 0 };
	struct kvmx_insn insn;

	ASSERT_EQ(0, kvmx_decode(b, sizeof(b), 64, &insn));
	EXPECT_EQ(8, insn.len);
	EXPECT_EQ(NO, insn.mem_base);
	EXPECT_EQ(KVMX_RCX, insn.mem_index);
	EXPECT_EQ(4, insn.mem_scale);
	EXPECT_EQ(0x10, insn.disp);
}

TEST(mode_32_rm5_is_absolute)
{
	/* 32-bit mode: mod 00 rm 101 is disp32, not RIP-relative */
	static const u8 b[] = { 0x89, 0x05, 0x00, 0x10, 0x00, 0x00 };
	struct kvmx_insn insn;

	ASSERT_EQ(0, kvmx_decode(b, sizeof(b), 32, &insn));
	EXPECT_FALSE(insn.rip_relative);
	EXPECT_EQ(0x1000, insn.disp);
	ASSERT_EQ(0, kvmx_decode(b, sizeof(b), 64, &insn));
	EXPECT_TRUE(insn.rip_relative);
}

TEST(op_names)
{
	unsigned int op;

	for (op = 1; op < KVMX_OP_COUNT; op++)
		EXPECT_NE(0, strcmp("invalid", kvmx_op_name(op)));
	EXPECT_STREQ("invalid", kvmx_op_name(KVMX_OP_COUNT));
	EXPECT_STREQ("invalid", kvmx_op_name(~0u));
}

/*
 * Random bytes: never crash (ASan/UBSan watch), report a length within
 * 1..15 and within the buffer, decode the same way from exactly that many
 * bytes, and ask for more bytes from any shorter prefix.
 */
TEST(random_bytes)
{
	static const unsigned int modes[] = { 16, 32, 64 };
	struct kvmx_insn insn, again;
	unsigned int i, n, ok = 0;
	u8 *buf;
	int ret;

	srandom(12345);
	for (i = 0; i < 400000; i++) {
		unsigned int mode = modes[i % 3];
		unsigned int avail = random() % 18;
		/* Bias towards interesting bytes: prefixes and our opcodes. */
		static const u8 hot[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e,
					  0x64, 0x48, 0x41, 0x0f, 0x89, 0x8b,
					  0xc7, 0x81, 0x83, 0xa3, 0xab, 0xba,
					  0xb6, 0xf7, 0xff, 0x04, 0x24, 0x05 };

		/* Exact-size heap buffer so ASan catches any over-read. */
		buf = malloc(avail ? avail : 1);
		ASSERT_NE(NULL, buf);
		for (n = 0; n < avail; n++)
			buf[n] = (random() & 1) ? hot[random() % sizeof(hot)] :
						  random();
		ret = kvmx_decode(buf, avail, mode, &insn);
		ASSERT_TRUE(ret == 0 || ret == -EINVAL || ret == -EAGAIN);
		if (ret == -EAGAIN)
			ASSERT_LT(avail, KVMX_INSN_MAX_LEN);
		if (ret == 0) {
			ok++;
			ASSERT_GE(insn.len, 1);
			ASSERT_LE(insn.len, KVMX_INSN_MAX_LEN);
			ASSERT_LE(insn.len, avail);
			ASSERT_NE(KVMX_OP_INVALID, insn.op);
			ASSERT_TRUE(insn.mem_bytes == 1 ||
				    insn.mem_bytes == 2 ||
				    insn.mem_bytes == 4 ||
				    insn.mem_bytes == 8);
			ASSERT_LT(insn.reg, KVMX_NR_GPRS);
			ASSERT_EQ(0, kvmx_decode(buf, insn.len, mode, &again));
			ASSERT_EQ(0, memcmp(&insn, &again, sizeof(insn)));
			for (n = 0; n < insn.len; n++)
				ASSERT_EQ(-EAGAIN,
					  kvmx_decode(buf, n, mode, &again));
		}
		free(buf);
	}
	/* The generator must actually reach the accepting paths. */
	EXPECT_GT(ok, 1000);
	TH_LOG("%u of %u random buffers decoded", ok, i);
}

TEST_HARNESS_MAIN

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

#include "decode_test_cases.h"

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

	for (i = 0; i < ARRAY_SIZE(cases); i++)
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

	for (i = 0; i < ARRAY_SIZE(rejects); i++) {
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
	/*
	 * Checked on hardware (objdump 2.40 gets these wrong): prefixes
	 * before an ignored REX still count.  67 40 66 A1: 4-byte moffs,
	 * 16-bit load; 66 49 F3 AB: rep stosw.
	 */
	static const u8 adsize_rex_opsize[] = { 0x67, 0x40, 0x66, 0xa1,
						0x00, 0x00, 0x00, 0x10 };
	static const u8 opsize_rex_rep[] = { 0x66, 0x49, 0xf3, 0xab };
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
	ASSERT_EQ(0, kvmx_decode(adsize_rex_opsize, 8, 64, &insn));
	EXPECT_EQ(8, insn.len);
	EXPECT_EQ(2, insn.mem_bytes);
	EXPECT_EQ(4, insn.addr_bytes);
	EXPECT_EQ(0x10000000, insn.disp);
	ASSERT_EQ(0, kvmx_decode(opsize_rex_rep, 4, 64, &insn));
	EXPECT_EQ(KVMX_OP_STOS, insn.op);
	EXPECT_EQ(2, insn.mem_bytes);
	EXPECT_EQ(0, insn.rex);
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

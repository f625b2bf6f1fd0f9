// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits (KVM_EXIT_IO): OUT and IN of 1, 2 and 4 bytes with
 * immediate and DX ports, IN results landing in AL/AX/EAX with x86's
 * merge/zero-extend rules, and the string forms (OUTS/INS, with and
 * without REP) whose data lives at run->io.data_offset, count items of
 * run->io.size bytes per exit.  A kernel may split a REP string over
 * several exits; the tests accept any split and check the total.
 */
#include "kvm_test.h"

KVMT_VM_FIXTURE(pio);

/* Checks every exit's data lies in the mapping, after struct kvm_run. */
static int pio_data_sane(struct kvmt_vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	return run->io.data_offset >= sizeof(struct kvm_run) &&
	       run->io.data_offset + run->io.count * run->io.size <=
	       (uint64_t)vcpu->vm->run_size;
}

KVMT_GUEST_CODE(pio_out, ".code64",
	"movb $0x12, %al\n\t"
	"outb %al, $0x11\n\t"
	"movw $0x3344, %ax\n\t"
	"outw %ax, $0x22\n\t"
	"movl $0x55667788, %eax\n\t"
	"movw $0x1234, %dx\n\t"
	"outl %eax, %dx\n\t"
	"movb $0x9a, %al\n\t"
	"movw $0xfffe, %dx\n\t"
	"outb %al, %dx\n\t"
	"hlt");

TEST_F(pio, out_widths)
{
	struct kvm_run *run = self->vcpu->run;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(pio_out)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(1, run->io.count);
	EXPECT_TRUE(pio_data_sane(self->vcpu));
	EXPECT_EQ(0x12, *(uint8_t *)kvmt_io_data(self->vcpu));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x22, KVM_EXIT_IO_OUT, 2);
	EXPECT_EQ(1, run->io.count);
	EXPECT_EQ(0x3344, *(uint16_t *)kvmt_io_data(self->vcpu));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x1234, KVM_EXIT_IO_OUT, 4);
	EXPECT_EQ(1, run->io.count);
	EXPECT_EQ(0x55667788, *(uint32_t *)kvmt_io_data(self->vcpu));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0xfffe, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0x9a, *(uint8_t *)kvmt_io_data(self->vcpu));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
}

/* Each IN result is stored to 0x9000 + 8*i with RAX preset to all ones. */
KVMT_GUEST_CODE(pio_in, ".code64",
	"movq $-1, %rax\n\t"
	"inb $0x40, %al\n\t"
	"movq %rax, (0x9000)\n\t"
	"movq $-1, %rax\n\t"
	"inw $0x42, %ax\n\t"
	"movq %rax, (0x9008)\n\t"
	"movq $-1, %rax\n\t"
	"movw $0x4321, %dx\n\t"
	"inl %dx, %eax\n\t"
	"movq %rax, (0x9010)\n\t"
	"hlt");

TEST_F(pio, in_widths)
{
	uint64_t *res = kvmt_gpa(self->vm, 0x9000);

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(pio_in)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x40, KVM_EXIT_IO_IN, 1);
	EXPECT_EQ(1, self->vcpu->run->io.count);
	EXPECT_TRUE(pio_data_sane(self->vcpu));
	*(uint8_t *)kvmt_io_data(self->vcpu) = 0xab;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x42, KVM_EXIT_IO_IN, 2);
	*(uint16_t *)kvmt_io_data(self->vcpu) = 0xcdef;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x4321, KVM_EXIT_IO_IN, 4);
	*(uint32_t *)kvmt_io_data(self->vcpu) = 0x87654321;
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(0xffffffffffffffabULL, res[0]);	/* AL merged */
	EXPECT_EQ(0xffffffffffffcdefULL, res[1]);	/* AX merged */
	EXPECT_EQ(0x0000000087654321ULL, res[2]);	/* EAX zero-extends */
}

/* IN in real mode, result to [0x9000], then OUT it back on port 0x81. */
KVMT_GUEST_CODE(pio_real, ".code16",
	"inw $0x80, %ax\n\t"
	"movw %ax, (0x9000)\n\t"
	"incw %ax\n\t"
	"outw %ax, $0x81\n\t"
	"hlt");

TEST_F(pio, real_mode)
{
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_REAL,
				KVMT_CODE(pio_real)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x80, KVM_EXIT_IO_IN, 2);
	*(uint16_t *)kvmt_io_data(self->vcpu) = 0x4444;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x81, KVM_EXIT_IO_OUT, 2);
	EXPECT_EQ(0x4445, *(uint16_t *)kvmt_io_data(self->vcpu));
	EXPECT_EQ(0x4444, *(uint16_t *)kvmt_gpa(self->vm, 0x9000));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
}

/*
 * String OUT: one OUTSB, then REP OUTSB of 7 bytes from 0x9100, then
 * REP OUTSW of 5 words from 0x9200, then REP OUTSL of 3 from 0x9300,
 * then the final RSI/RCX to 0x9000.
 */
KVMT_GUEST_CODE(pio_outs, ".code64",
	"cld\n\t"
	"movw $0x70, %dx\n\t"
	"movq $0x90ff, %rsi\n\t"
	"outsb\n\t"
	"movq $7, %rcx\n\t"
	"rep outsb\n\t"
	"movq %rsi, (0x9000)\n\t"
	"movq %rcx, (0x9008)\n\t"
	"movw $0x72, %dx\n\t"
	"movq $0x9200, %rsi\n\t"
	"movq $5, %rcx\n\t"
	"rep outsw\n\t"
	"movq %rsi, (0x9010)\n\t"
	"movw $0x74, %dx\n\t"
	"movq $0x9300, %rsi\n\t"
	"movq $3, %rcx\n\t"
	"rep outsl\n\t"
	"movq %rsi, (0x9018)\n\t"
	"hlt");

/* Collect @total bytes of OUTS data on @port, of item @size. */
static int collect_outs(struct __test_metadata *_metadata,
			struct kvmt_vcpu *vcpu, uint16_t port, int size,
			uint8_t *buf, int total)
{
	struct kvm_run *run = vcpu->run;
	int got = 0;

	while (got < total) {
		char b[256];

		if (kvmt_run(vcpu) || run->exit_reason != KVM_EXIT_IO) {
			TH_LOG("outs: %s", kvmt_describe_exit(vcpu, b,
							      sizeof(b)));
			return -1;
		}
		if (run->io.port != port || run->io.size != size ||
		    run->io.direction != KVM_EXIT_IO_OUT ||
		    !run->io.count || !pio_data_sane(vcpu) ||
		    got + run->io.count * size > total) {
			TH_LOG("outs: %s", kvmt_describe_exit(vcpu, b,
							      sizeof(b)));
			return -1;
		}
		memcpy(buf + got, kvmt_io_data(vcpu), run->io.count * size);
		got += run->io.count * size;
	}
	return got;
}

TEST_F(pio, outs)
{
	uint8_t *src = kvmt_gpa(self->vm, 0x90ff);
	uint64_t *res = kvmt_gpa(self->vm, 0x9000);
	uint8_t buf[64];
	int i;

	for (i = 0; i < 0x300; i++)
		src[i] = 0x30 + i * 7;
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(pio_outs)));
	/* Plain OUTSB: exactly one exit with count 1. */
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x70, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(1, self->vcpu->run->io.count);
	EXPECT_EQ(src[0], *(uint8_t *)kvmt_io_data(self->vcpu));

	ASSERT_EQ(7, collect_outs(_metadata, self->vcpu, 0x70, 1, buf, 7));
	EXPECT_EQ(0, memcmp(buf, src + 1, 7));
	ASSERT_EQ(10, collect_outs(_metadata, self->vcpu, 0x72, 2, buf, 10));
	EXPECT_EQ(0, memcmp(buf, src + 0x101, 10));
	ASSERT_EQ(12, collect_outs(_metadata, self->vcpu, 0x74, 4, buf, 12));
	EXPECT_EQ(0, memcmp(buf, src + 0x201, 12));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(0x9107, res[0]);	/* RSI advanced past all 8 bytes */
	EXPECT_EQ(0, res[1]);		/* RCX counted down */
	EXPECT_EQ(0x920a, res[2]);
	EXPECT_EQ(0x930c, res[3]);
}

/* REP INSW of 6 words to 0x9100, INSB to 0x9200, then RDI/RCX out. */
KVMT_GUEST_CODE(pio_ins, ".code64",
	"cld\n\t"
	"movw $0x60, %dx\n\t"
	"movq $0x9100, %rdi\n\t"
	"movq $6, %rcx\n\t"
	"rep insw\n\t"
	"movq %rdi, (0x9000)\n\t"
	"movq %rcx, (0x9008)\n\t"
	"movw $0x61, %dx\n\t"
	"movq $0x9200, %rdi\n\t"
	"insb\n\t"
	"movq %rdi, (0x9010)\n\t"
	"hlt");

TEST_F(pio, ins)
{
	struct kvm_run *run = self->vcpu->run;
	uint16_t *dst = kvmt_gpa(self->vm, 0x9100);
	uint64_t *res = kvmt_gpa(self->vm, 0x9000);
	int got = 0, i;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(pio_ins)));
	while (got < 6) {
		KVMT_RUN_EXPECT_IO(self->vcpu, 0x60, KVM_EXIT_IO_IN, 2);
		ASSERT_LT(0, run->io.count);
		ASSERT_GE(6 - got, run->io.count);
		ASSERT_TRUE(pio_data_sane(self->vcpu));
		for (i = 0; i < run->io.count; i++)
			((uint16_t *)kvmt_io_data(self->vcpu))[i] =
				0xa000 + got + i;
		got += run->io.count;
	}
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x61, KVM_EXIT_IO_IN, 1);
	EXPECT_EQ(1, run->io.count);
	*(uint8_t *)kvmt_io_data(self->vcpu) = 0x5c;
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0xa000 + i, dst[i]);
	EXPECT_EQ(0x910c, res[0]);
	EXPECT_EQ(0, res[1]);
	EXPECT_EQ(0x5c, *(uint8_t *)kvmt_gpa(self->vm, 0x9200));
	EXPECT_EQ(0x9201, res[2]);
}

/* With DF=1 REP OUTSB walks down: 6 bytes ending at 0x9105. */
KVMT_GUEST_CODE(pio_outs_down, ".code64",
	"std\n\t"
	"movw $0x76, %dx\n\t"
	"movq $0x9105, %rsi\n\t"
	"movq $6, %rcx\n\t"
	"rep outsb\n\t"
	"cld\n\t"
	"movq %rsi, (0x9000)\n\t"
	"hlt");

TEST_F(pio, outs_backwards)
{
	uint8_t *src = kvmt_gpa(self->vm, 0x9100);
	uint8_t buf[8];
	int i;

	for (i = 0; i < 6; i++)
		src[i] = 0x41 + i;
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(pio_outs_down)));
	ASSERT_EQ(6, collect_outs(_metadata, self->vcpu, 0x76, 1, buf, 6));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0x46 - i, buf[i]) TH_LOG("byte %d", i);
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(0x90ff, *(uint64_t *)kvmt_gpa(self->vm, 0x9000));
}

/* 200 OUT exits in a loop: the round trip is repeatable. */
KVMT_GUEST_CODE(pio_loop, ".code64",
	"xorl %eax, %eax\n"
	"1:\n\t"
	"outl %eax, $0xe9\n\t"
	"incl %eax\n\t"
	"cmpl $200, %eax\n\t"
	"jne 1b\n\t"
	"hlt");

TEST_F(pio, many_exits)
{
	int i;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(pio_loop)));
	for (i = 0; i < 200; i++) {
		KVMT_RUN_EXPECT_IO(self->vcpu, 0xe9, KVM_EXIT_IO_OUT, 4);
		ASSERT_EQ(i, *(uint32_t *)kvmt_io_data(self->vcpu));
	}
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
}

/* OUT 0x10, IN 0x11, OUT 0x12, OUT 0x13. */
KVMT_GUEST_CODE(pio_moved, ".code64",
	"outb %al, $0x10\n\t"		/* +0 */
	"inb $0x11, %al\n\t"		/* +2 */
	"outb %al, $0x12\n\t"		/* +4 */
	"outb %al, $0x13\n\t"		/* +6 */
	"hlt");

/*
 * After a port exit, KVM_SET_REGS to another RIP: the next KVM_RUN starts
 * there instead of completing the old instruction (no RIP advance, no IN
 * data written).
 */
TEST_F(pio, rip_moved_after_exit_drops_the_access)
{
	struct kvm_regs regs;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(pio_moved)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	regs.rip = KVMT_CODE_GPA + 4;
	ASSERT_EQ(0, kvmt_set_regs(self->vcpu, &regs));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x12, KVM_EXIT_IO_OUT, 1);

	/* An IN left behind: its data never reaches RAX. */
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	regs.rip = KVMT_CODE_GPA + 2;
	regs.rax = 0x77;
	ASSERT_EQ(0, kvmt_set_regs(self->vcpu, &regs));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_IN, 1);
	*(uint8_t *)kvmt_io_data(self->vcpu) = 0x55;
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	regs.rip = KVMT_CODE_GPA + 6;
	ASSERT_EQ(0, kvmt_set_regs(self->vcpu, &regs));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x13, KVM_EXIT_IO_OUT, 1);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_EQ(0x77, regs.rax & 0xff);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO exits (KVM_EXIT_MMIO): a long-mode guest touches guest physical
 * addresses outside every memory slot with each width and instruction
 * form Linux guests use on device memory.  Each access must reach
 * userspace with the right phys_addr, len, is_write and (for writes)
 * data; the value userspace puts in mmio.data for a read must land in
 * the destination register (or memory, for MOVS) with the form's zero or
 * sign extension when the vCPU is next run.
 */
#include "kvm_test.h"

KVMT_VM_FIXTURE(mmio);

#define M KVMT_MMIO_GPA

struct mmio_access {
	uint64_t gpa;
	uint32_t len;
	uint8_t is_write;
	uint64_t data;		/* written by the guest / supplied for a read */
};

/* Results of reads are stored at 0x9000 + 8 * i; RBX = 0xc0000000. */
KVMT_GUEST_CODE(mmio_forms, ".code64",
	"movl $0xc0000000, %ebx\n\t"
	/* stores */
	"movb $0x11, (%rbx)\n\t"
	"movw $0x2233, 2(%rbx)\n\t"
	"movl $0x44556677, 4(%rbx)\n\t"
	"movq $-2, 8(%rbx)\n\t"
	"movabsq $0x8877665544332211, %rax\n\t"
	"movq %rax, 16(%rbx)\n\t"
	"movl %eax, 24(%rbx)\n\t"
	"movw %ax, 28(%rbx)\n\t"
	"movb %ah, 30(%rbx)\n\t"
	"movq %rax, %r10\n\t"
	"movq %r10, 0x7ff8(%rbx)\n\t"
	/* loads: plain, zero-extending, sign-extending */
	"movq $-1, %rax\n\t"
	"movb 32(%rbx), %al\n\t"
	"movq %rax, (0x9000)\n\t"
	"movq $-1, %rax\n\t"
	"movw 34(%rbx), %ax\n\t"
	"movq %rax, (0x9008)\n\t"
	"movq $-1, %rax\n\t"
	"movl 36(%rbx), %eax\n\t"
	"movq %rax, (0x9010)\n\t"
	"movq 40(%rbx), %rax\n\t"
	"movq %rax, (0x9018)\n\t"
	"movq $-1, %rax\n\t"
	"movzbl 48(%rbx), %eax\n\t"
	"movq %rax, (0x9020)\n\t"
	"movq $-1, %rax\n\t"
	"movzwq 50(%rbx), %rax\n\t"
	"movq %rax, (0x9028)\n\t"
	"movsbq 52(%rbx), %rax\n\t"
	"movq %rax, (0x9030)\n\t"
	"movq $-1, %rax\n\t"
	"movswl 54(%rbx), %eax\n\t"
	"movq %rax, (0x9038)\n\t"
	"movslq 56(%rbx), %rax\n\t"
	"movq %rax, (0x9040)\n\t"
	"movq 64(%rbx), %r9\n\t"
	"movq %r9, (0x9048)\n\t"
	"movq $-1, %rsi\n\t"
	"movb 66(%rbx), %sil\n\t"
	"movq %rsi, (0x9050)\n\t"
	/* read-modify-write */
	"addl $1, 72(%rbx)\n\t"
	"orb $0x80, 76(%rbx)\n\t"
	/* string stores and moves */
	"cld\n\t"
	"movl $0xabcd1234, %eax\n\t"
	"leaq 80(%rbx), %rdi\n\t"
	"movq $2, %rcx\n\t"
	"rep stosl\n\t"
	"movq %rdi, (0x9058)\n\t"
	"movq $0x9100, %rsi\n\t"
	"leaq 96(%rbx), %rdi\n\t"
	"movsq\n\t"
	"leaq 104(%rbx), %rsi\n\t"
	"movq $0x9200, %rdi\n\t"
	"movsl\n\t"
	/* the first byte past the RAM slot is MMIO too */
	"movl $0x200000, %edx\n\t"
	"movb $0x77, (%rdx)\n\t"
	"hlt");

static const struct mmio_access mmio_forms_seq[] = {
	{ M + 0, 1, 1, 0x11 },
	{ M + 2, 2, 1, 0x2233 },
	{ M + 4, 4, 1, 0x44556677 },
	{ M + 8, 8, 1, 0xfffffffffffffffeULL },
	{ M + 16, 8, 1, 0x8877665544332211ULL },
	{ M + 24, 4, 1, 0x44332211 },
	{ M + 28, 2, 1, 0x2211 },
	{ M + 30, 1, 1, 0x22 },
	{ M + 0x7ff8, 8, 1, 0x8877665544332211ULL },
	{ M + 32, 1, 0, 0x81 },
	{ M + 34, 2, 0, 0x8182 },
	{ M + 36, 4, 0, 0x81828384 },
	{ M + 40, 8, 0, 0x8182838485868788ULL },
	{ M + 48, 1, 0, 0xf0 },
	{ M + 50, 2, 0, 0xf00f },
	{ M + 52, 1, 0, 0x80 },
	{ M + 54, 2, 0, 0x8001 },
	{ M + 56, 4, 0, 0x80000001 },
	{ M + 64, 8, 0, 0x0123456789abcdefULL },
	{ M + 66, 1, 0, 0x3c },
	{ M + 72, 4, 0, 41 },
	{ M + 72, 4, 1, 42 },
	{ M + 76, 1, 0, 0x01 },
	{ M + 76, 1, 1, 0x81 },
	{ M + 80, 4, 1, 0xabcd1234 },
	{ M + 84, 4, 1, 0xabcd1234 },
	{ M + 96, 8, 1, 0x5566778899aabbccULL },
	{ M + 104, 4, 0, 0x13579bdf },
	{ KVMT_MEM_SIZE, 1, 1, 0x77 },
};

static const uint64_t mmio_forms_results[] = {
	0xffffffffffffff81ULL,	/* movb: merges into RAX */
	0xffffffffffff8182ULL,	/* movw: merges */
	0x0000000081828384ULL,	/* movl: zero-extends to 64 */
	0x8182838485868788ULL,
	0xf0,			/* movzbl */
	0xf00f,			/* movzwq */
	0xffffffffffffff80ULL,	/* movsbq */
	0x00000000ffff8001ULL,	/* movswl, then 32-bit zero-extension */
	0xffffffff80000001ULL,	/* movslq */
	0x0123456789abcdefULL,	/* REX.W into r9 */
	0xffffffffffffff3cULL,	/* movb into SIL (REX byte register) */
	M + 88,			/* RDI after rep stosl */
};

TEST_F(mmio, forms)
{
	struct kvm_run *run = self->vcpu->run;
	uint64_t *res = kvmt_gpa(self->vm, 0x9000);
	int i;

	*(uint64_t *)kvmt_gpa(self->vm, 0x9100) = 0x5566778899aabbccULL;
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(mmio_forms)));
	for (i = 0; i < (int)ARRAY_SIZE(mmio_forms_seq); i++) {
		const struct mmio_access *a = &mmio_forms_seq[i];
		uint64_t data = 0;

		KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_MMIO);
		ASSERT_EQ(a->gpa, run->mmio.phys_addr) TH_LOG("access %d", i);
		ASSERT_EQ(a->len, run->mmio.len) TH_LOG("access %d", i);
		ASSERT_EQ(a->is_write, run->mmio.is_write)
			TH_LOG("access %d", i);
		if (a->is_write) {
			memcpy(&data, run->mmio.data, a->len);
			EXPECT_EQ(a->data, data) TH_LOG("access %d", i);
		} else {
			memcpy(run->mmio.data, &a->data, a->len);
		}
	}
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	for (i = 0; i < (int)ARRAY_SIZE(mmio_forms_results); i++)
		EXPECT_EQ(mmio_forms_results[i], res[i]) TH_LOG("result %d", i);
	EXPECT_EQ(0x13579bdf, *(uint32_t *)kvmt_gpa(self->vm, 0x9200));
}

/* 32-bit protected mode: a write and a read at absolute addresses. */
KVMT_GUEST_CODE(mmio_prot, ".code32",
	"movl $0xdeadbeef, (0xd0000010)\n\t"
	"movl (0xd0000020), %eax\n\t"
	"movl %eax, (0x9000)\n\t"
	"hlt");

TEST_F(mmio, protected_mode)
{
	struct kvm_run *run = self->vcpu->run;
	uint32_t v = 0x600df00d;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_PROT32,
				KVMT_CODE(mmio_prot)));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(0xd0000010, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(0xdeadbeef, *(uint32_t *)run->mmio.data);
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(0xd0000020, run->mmio.phys_addr);
	EXPECT_EQ(4, run->mmio.len);
	EXPECT_EQ(0, run->mmio.is_write);
	memcpy(run->mmio.data, &v, 4);
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(v, *(uint32_t *)kvmt_gpa(self->vm, 0x9000));
}

/* Real mode: ES:DI = 0xf000:0 is linear 0xf0000; RAM ends at 2 MiB so use
 * a 1 MiB VM: stos and mov to segment 0xf000.
 */
KVMT_GUEST_CODE(mmio_real, ".code16",
	"movw $0xf000, %ax\n\t"
	"movw %ax, %es\n\t"
	"movw $0x1234, %es:(0x10)\n\t"
	"movb %es:(0x20), %al\n\t"
	"movb %al, (0x9000)\n\t"
	"hlt");

TEST(mmio_real_mode)
{
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;

	ASSERT_EQ(0, kvmt_load_module());
	vm = kvmt_vm_create(0xf0000);
	ASSERT_NE(NULL, vm);
	vcpu = kvmt_vcpu_add(vm, 0);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, kvmt_setup(vcpu, KVMT_MODE_REAL, KVMT_CODE(mmio_real)));
	KVMT_RUN_EXPECT(vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(0xf0010, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(2, vcpu->run->mmio.len);
	EXPECT_EQ(1, vcpu->run->mmio.is_write);
	EXPECT_EQ(0x1234, *(uint16_t *)vcpu->run->mmio.data);
	KVMT_RUN_EXPECT(vcpu, KVM_EXIT_MMIO);
	EXPECT_EQ(0xf0020, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(1, vcpu->run->mmio.len);
	EXPECT_EQ(0, vcpu->run->mmio.is_write);
	vcpu->run->mmio.data[0] = 0xa5;
	KVMT_RUN_EXPECT(vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(0xa5, *(uint8_t *)kvmt_gpa(vm, 0x9000));
	kvmt_vcpu_free(vcpu);
	kvmt_vm_free(vm);
	kvmt_unload_module();
}

/*
 * An MMIO access by an instruction the kernel does not emulate (CRC32
 * with a memory operand) must not be guessed at: the exit is
 * KVM_EXIT_INTERNAL_ERROR with suberror KVM_INTERNAL_ERROR_EMULATION.
 */
KVMT_GUEST_CODE(mmio_unknown, ".code64",
	"movl $0xc0000000, %ebx\n\t"
	"crc32b (%rbx), %eax\n\t"
	"hlt");

TEST_F(mmio, unknown_form_internal_error)
{
	struct kvm_run *run = self->vcpu->run;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(mmio_unknown)));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_INTERNAL_ERROR);
	EXPECT_EQ(KVM_INTERNAL_ERROR_EMULATION, run->internal.suberror);
	EXPECT_GE(ARRAY_SIZE(run->internal.data), run->internal.ndata);
}

TEST_HARNESS_MAIN

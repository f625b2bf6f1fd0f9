// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO instruction forms, A/B against upstream KVM: the same guest
 * programs (real, protected and long mode) run first on /dev/kvm
 * (kvm_amd) and then on /dev/kvmx.  Userspace answers every MMIO read
 * with a value derived from the address, so both runs must see the same
 * sequence of KVM_EXIT_MMIO exits (address, length, direction, data) and
 * end with the same registers and the same guest RAM.  The programs use
 * the forms beyond plain moves: read-modify-write ALU, XCHG, XADD,
 * CMPXCHG, BT*, SETcc/CMOVcc, high-byte registers, REP strings with DF,
 * moffs, operand and address size prefixes, MOVS from MMIO to MMIO.
 *
 * Skips when kvm_amd cannot be loaded.
 */
#include <stdlib.h>

#include "kvm_test.h"

#define MAX_EXITS	256
#define LOG_GPA		0x9000	/* flags log written by the programs */
#define LOG_SIZE	0x400

struct mmio_rec {
	uint64_t addr;
	uint32_t len;
	uint8_t is_write;
	uint64_t data;
};

struct trace {
	struct mmio_rec rec[MAX_EXITS];
	int n;
	uint32_t last_exit;
	struct kvm_regs regs;
	uint8_t log[LOG_SIZE];
};

struct program {
	const char *name;
	enum kvmt_mode mode;
	size_t mem_size;
	const unsigned char *start, *end;
};

/* What the "device" returns for a read at @addr. */
static uint64_t device_value(uint64_t addr)
{
	uint64_t x = (addr + 1) * 0x9e3779b97f4a7c15ULL;

	return x ^ (x >> 29);
}

/* Flags after each logged operation, minus AF (undefined after logic). */
#define LOG64	"pushfq\n\tpopq %rdx\n\tmovq %rdx, (%rdi)\n\taddq $8, %rdi\n\t"

KVMT_GUEST_CODE(forms64, ".code64",
	"movl $0xc0000000, %ebx\n\t"
	"movl $0x9000, %edi\n\t"
	"movq $0x1122334455667788, %rcx\n\t"
	/* read-modify-write ALU with register and immediate sources */
	"addl %ecx, 0x10(%rbx)\n\t" LOG64
	"subw $0x1234, 0x14(%rbx)\n\t" LOG64
	"adcb %ch, 0x16(%rbx)\n\t" LOG64
	"lock sbbq $-3, 0x18(%rbx)\n\t" LOG64
	"orl $0x80000000, 0x20(%rbx)\n\t"
	"andq %rcx, 0x28(%rbx)\n\t"
	"xorb $0x5a, 0x30(%rbx)\n\t"
	/* register destinations and compares */
	"movq $-1, %rax\n\t"
	"addl 0x38(%rbx), %eax\n\t" LOG64
	"movq %rax, %r8\n\t"
	"subb 0x3c(%rbx), %ah\n\t" LOG64
	"movq %rax, %r9\n\t"
	"cmpq 0x40(%rbx), %rcx\n\t" LOG64
	"cmpw $7, 0x48(%rbx)\n\t" LOG64
	"testl $0x10000, 0x4c(%rbx)\n\t"
	"setz %r10b\n\t"
	"sets %r11b\n\t"
	/* unary */
	"notq 0x50(%rbx)\n\t"
	"negl 0x58(%rbx)\n\t" LOG64
	"incw 0x5c(%rbx)\n\t" LOG64
	"lock decb 0x5e(%rbx)\n\t" LOG64
	/* exchanges */
	"movq %rcx, %r12\n\t"
	"xchgq %r12, 0x60(%rbx)\n\t"
	"movl $0x100, %r13d\n\t"
	"lock xaddl %r13d, 0x68(%rbx)\n\t" LOG64
	"movl 0x70(%rbx), %eax\n\t"
	"movl $0xabcdef01, %r14d\n\t"
	"lock cmpxchgl %r14d, 0x70(%rbx)\n\t" LOG64
	"movq $0x55, %rax\n\t"
	"cmpxchgq %r14, 0x78(%rbx)\n\t" LOG64
	"movq %rax, %r15\n\t"
	/* bit tests: CF only */
	"btl $5, 0x80(%rbx)\n\t"
	"setc %dl\n\t"
	"movb %dl, (%rdi)\n\t"
	"btsq $63, 0x88(%rbx)\n\t"
	"setc 1(%rdi)\n\t"
	"movl $70, %esi\n\t"
	"btrl %esi, 0x90(%rbx)\n\t"
	"setc 2(%rdi)\n\t"
	"movq $-9, %rsi\n\t"
	"btcq %rsi, 0xa0(%rbx)\n\t"
	"setc 3(%rdi)\n\t"
	"addq $8, %rdi\n\t"
	/* setcc / cmovcc with MMIO operands */
	"cmpl $1, %ecx\n\t"
	"seta 0xa8(%rbx)\n\t"
	"setle 0xa9(%rbx)\n\t"
	"movq $0x77, %rdx\n\t"
	"cmovnel 0xb0(%rbx), %edx\n\t"
	"movq %rdx, (%rdi)\n\t"
	"movq $0x77, %rdx\n\t"
	"cmovel 0xb4(%rbx), %edx\n\t"
	"movq %rdx, 8(%rdi)\n\t"
	"addq $16, %rdi\n\t"
	/* moffs and address-size forms */
	"movabsl 0xc00000c0, %eax\n\t"
	"movq %rax, (%rdi)\n\t"
	"movabsb %al, 0xc00000c8\n\t"
	"addr32 movw %cx, 0xd0(%ebx)\n\t"
	"movq %rdi, %rbp\n\t"
	/* strings: rep stosw backwards, lodsb, movs both ways */
	"std\n\t"
	"leaq 0xe6(%rbx), %rdi\n\t"
	"movl $3, %ecx\n\t"
	"movw $0xbeef, %ax\n\t"
	"rep stosw\n\t"
	"cld\n\t"
	"leaq 0xf0(%rbx), %rsi\n\t"
	"lodsb\n\t"
	"movq %rsi, 8(%rbp)\n\t"
	"movq $0x9100, %rsi\n\t"
	"leaq 0x100(%rbx), %rdi\n\t"
	"movl $2, %ecx\n\t"
	"rep movsl\n\t"
	"leaq 0x110(%rbx), %rsi\n\t"
	"movq $0x9200, %rdi\n\t"
	"movl $2, %ecx\n\t"
	"rep movsq\n\t"
	"movq %rdi, 16(%rbp)\n\t"
	/* 32-bit addressing for strings, REP LODS, byte RMW on SIL/R9B */
	"movl $0xc0000120, %edi\n\t"
	"movl $2, %ecx\n\t"
	"movb $0x3c, %al\n\t"
	"addr32 rep stosb\n\t"
	"movl $0xc0000130, %esi\n\t"
	"movl $2, %ecx\n\t"
	"rep lodsl\n\t"
	"movb $0x11, %sil\n\t"
	"xorb %sil, 0x140(%rbx)\n\t"
	"movb $0x22, %r9b\n\t"
	"lock andb %r9b, 0x141(%rbx)\n\t"
	"movsbq 0x142(%rbx), %r10\n\t"
	"movzwq 0x144(%rbx), %r11\n\t"
	"hlt");

#define LOG32	"pushfl\n\tpopl %edx\n\tmovl %edx, (%edi)\n\taddl $4, %edi\n\t"

KVMT_GUEST_CODE(forms32, ".code32",
	"movl $0xd0000000, %ebx\n\t"
	"movl $0x9000, %edi\n\t"
	"movl $0x87654321, %ecx\n\t"
	"movw %cx, 0x10(%ebx)\n\t"
	"movb %ch, 0x12(%ebx)\n\t"
	"movw 0x14(%ebx), %ax\n\t"
	"movb 0x16(%ebx), %dh\n\t"
	"movzwl 0x18(%ebx), %esi\n\t"
	"movsbw 0x1a(%ebx), %bp\n\t"
	"movl %esi, (%edi)\n\t"
	"movl %ebp, 4(%edi)\n\t"
	"addl $8, %edi\n\t"
	"addw %cx, 0x20(%ebx)\n\t" LOG32
	"orb $1, %es:0x22(%ebx)\n\t"
	"subl 0x24(%ebx), %ecx\n\t" LOG32
	"xchgw %ax, 0x28(%ebx)\n\t"
	"xaddb %dh, 0x2a(%ebx)\n\t" LOG32
	"btsw $3, 0x2c(%ebx)\n\t"
	"setc (%edi)\n\t"
	"incl %edi\n\t"
	"movl 0xd0000030, %eax\n\t"
	"movw %ax, 0xd0000034\n\t"
	"movl %eax, %esi\n\t"
	"movl $0x9100, %ebp\n\t"
	"movl %edi, (%ebp)\n\t"
	"leal 0x40(%ebx), %edi\n\t"
	"movl $2, %ecx\n\t"
	"movl $0x12345678, %eax\n\t"
	"rep stosl\n\t"
	"leal 0x50(%ebx), %esi\n\t"
	"lodsw\n\t"
	/* condition codes, CMPXCHG, NEG/NOT, 16-bit addressing */
	"movl $0x9180, %edi\n\t"
	"cmpl $5, %eax\n\t"
	"setb 0x60(%ebx)\n\t"
	"setge 0x61(%ebx)\n\t"
	"cmovbl 0x64(%ebx), %ecx\n\t"
	"cmovael 0x68(%ebx), %edx\n\t"
	"movl 0x70(%ebx), %eax\n\t"
	"lock cmpxchgl %ecx, 0x70(%ebx)\n\t" LOG32
	"cmpxchgw %dx, 0x74(%ebx)\n\t" LOG32
	"negb 0x78(%ebx)\n\t" LOG32
	"notl 0x7c(%ebx)\n\t"
	"decw 0x80(%ebx)\n\t" LOG32
	"btcl $33, 0x84(%ebx)\n\t"
	"setc (%edi)\n\t"
	"hlt");

/* Real mode: the device is at segment 0xf000 (RAM ends at 0xf0000). */
#define LOG16	"pushfw\n\tpopw %dx\n\tmovw %dx, (%di)\n\taddw $2, %di\n\t"

KVMT_GUEST_CODE(forms16, ".code16",
	"movw $0xf000, %ax\n\t"
	"movw %ax, %es\n\t"
	"movw $0x9000, %di\n\t"
	"movw $0x10, %bx\n\t"
	"movw $0xa55a, %cx\n\t"
	"movw %cx, %es:(%bx)\n\t"
	"movb %ch, %es:2(%bx)\n\t"
	"movl $0xcafef00d, %es:4(%bx)\n\t"
	"movw %es:8(%bx), %ax\n\t"
	"movl %es:0xc(%bx), %esi\n\t"
	"movzbw %es:0x10(%bx), %bp\n\t"
	"addw %es:0x12(%bx), %cx\n\t" LOG16
	"orb $0x80, %es:0x14(%bx)\n\t"
	"xchgb %ah, %es:0x15(%bx)\n\t"
	"btw $15, %es:0x16(%bx)\n\t"
	"setc (%di)\n\t"
	"incw %di\n\t"
	"addr32 movw %es:0x20(%ebx), %dx\n\t"
	"movw %dx, (%di)\n\t"
	"movw %di, %sp\n\t"
	"movw $0x40, %di\n\t"
	"movw $3, %cx\n\t"
	"rep stosb\n\t"
	"movw $0x9100, %si\n\t"
	"movw $0x50, %di\n\t"
	"movw $2, %cx\n\t"
	"rep movsw\n\t"
	/* 16-bit RMW, XADD/CMPXCHG, sign extension, BP-based with ES */
	"movw $0x9180, %sp\n\t"
	"movw $0x60, %bp\n\t"
	"movw $0x1234, %dx\n\t"
	"xaddw %dx, %es:(%bp)\n\t"
	"movw %es:2(%bp), %ax\n\t"
	"cmpxchgw %dx, %es:2(%bp)\n\t"
	"movsbl %es:4(%bp), %esi\n\t"
	"negw %es:6(%bp)\n\t"
	"subl $7, %es:8(%bp)\n\t"
	"movw $0x70, %di\n\t"
	"std\n\t"
	"movw $2, %cx\n\t"
	"rep stosw\n\t"
	"cld\n\t"
	"hlt");

/*
 * Paged protected mode: the walker fetches the instruction through the
 * guest's tables.  Code and RAM are also mapped at 0x80000000 with 4 KiB
 * pages, the device at linear 0x40000000 (a 4 MiB or 2 MiB page onto
 * GPA 0xd0000000); the program jumps to its high alias and works there.
 */
#define PAGED_BODY							\
	"movl $0x40000000, %ebx\n\t"					\
	"movl $0x80009000, %edi\n\t"					\
	"movl $0x13572468, %ecx\n\t"					\
	"movl %ecx, 0x10(%ebx)\n\t"					\
	"movw 0x14(%ebx), %ax\n\t"					\
	"addl %ecx, 0x18(%ebx)\n\t" LOG32					\
	"xchgb %ch, 0x1c(%ebx)\n\t"					\
	"movl $0x80009100, %esi\n\t"					\
	"leal 0x20(%ebx), %edi\n\t"					\
	"movl $2, %ecx\n\t"						\
	"rep movsl\n\t"							\
	"leal 0x30(%ebx), %esi\n\t"					\
	"movl $0x80009200, %edi\n\t"					\
	"movsw\n\t"							\
	"hlt"

/* Identity-map 0x80000000 + 4 KiB * i -> 4 KiB * i, i < 32, at @pt. */
#define FILL_PT(pt, entry_size)						\
	"movl $" #pt ", %esi\n\t"					\
	"xorl %ecx, %ecx\n"						\
	"1:\n\t"							\
	"movl %ecx, %eax\n\t"						\
	"shll $12, %eax\n\t"						\
	"orl $3, %eax\n\t"						\
	"movl %eax, (%esi,%ecx," #entry_size ")\n\t"			\
	"incl %ecx\n\t"						\
	"cmpl $32, %ecx\n\t"						\
	"jb 1b\n\t"

#define GO_HIGH(name)							\
	"movl %cr0, %eax\n\t"						\
	"orl $0x80000000, %eax\n\t"					\
	"movl %eax, %cr0\n\t"						\
	"movl $(0x80010000 + 2f - kvmt_guest_" #name "_start), %eax\n\t" \
	"jmp *%eax\n"							\
	"2:\n\t"

KVMT_GUEST_CODE(paged32, ".code32",
	/* page directory at 0x20000, page table at 0x21000 */
	"movl $0x20000, %edi\n\t"
	"movl $0x00000083, (%edi)\n\t"	/* 0-4 MiB: one PSE page */
	"movl $0xd0000083, 0x400(%edi)\n\t"	/* 0x40000000: the device */
	"movl $0x21003, 0x800(%edi)\n\t"	/* 0x80000000: page table */
	FILL_PT(0x21000, 4)
	"movl %cr4, %eax\n\t"
	"orl $0x10, %eax\n\t"			/* CR4.PSE */
	"movl %eax, %cr4\n\t"
	"movl %edi, %cr3\n\t"
	GO_HIGH(paged32)
	PAGED_BODY);

KVMT_GUEST_CODE(pae32, ".code32",
	/* PDPT at 0x22000; PDs at 0x23000 (0 GiB), 0x24000 (1 GiB), */
	/* 0x25000 (2 GiB); page table at 0x26000 */
	"movl $0x22000, %edi\n\t"
	"movl $0x23001, (%edi)\n\t"
	"movl $0x24001, 8(%edi)\n\t"
	"movl $0x25001, 16(%edi)\n\t"
	"movl $0x00000083, 0x23000\n\t"	/* 0-2 MiB: one 2 MiB page */
	"movl $0xd0000083, 0x24000\n\t"	/* 0x40000000: the device */
	"movl $0x26003, 0x25000\n\t"		/* 0x80000000: page table */
	FILL_PT(0x26000, 8)
	"movl %cr4, %eax\n\t"
	"orl $0x20, %eax\n\t"			/* CR4.PAE */
	"movl %eax, %cr4\n\t"
	"movl %edi, %cr3\n\t"
	GO_HIGH(pae32)
	PAGED_BODY);

/*
 * Long mode at a high canonical alias: PML4[256] -> 4 KiB pages for code
 * and RAM, a 1 GiB page for the device; FS points into the device.
 */
KVMT_GUEST_CODE(paged64, ".code64",
	"movq %cr3, %rdi\n\t"
	"movq $0x31003, 0x800(%rdi)\n\t"	/* PML4[256] */
	"movq $0x32003, 0x31000\n\t"		/* PDPT[0]: PD */
	"movl $0xc0000083, 0x31008\n\t"	/* PDPT[1]: 1 GiB device */
	"movq $0x33003, 0x32000\n\t"		/* PD[0]: PT */
	"movl $0x33000, %esi\n\t"
	"xorl %ecx, %ecx\n"
	"1:\n\t"
	"movq %rcx, %rax\n\t"
	"shlq $12, %rax\n\t"
	"orq $3, %rax\n\t"
	"movq %rax, (%rsi,%rcx,8)\n\t"
	"incl %ecx\n\t"
	"cmpl $32, %ecx\n\t"
	"jb 1b\n\t"
	"movabsq $(0xffff800000010000 + 2f - kvmt_guest_paged64_start), %rax\n\t"
	"jmp *%rax\n"
	"2:\n\t"
	"movabsq $0xffff800040000000, %rbx\n\t"
	"movabsq $0xffff800000009000, %rdi\n\t"
	"movq $0x0102030405060708, %rcx\n\t"
	"movq %rcx, 0x10(%rbx)\n\t"
	"movl 0x18(%rbx), %r8d\n\t"
	"subq %rcx, 0x20(%rbx)\n\t" LOG64
	"xchgw %cx, 0x28(%rbx)\n\t"
	/* FS base into the device */
	"movl $0xc0000100, %ecx\n\t"
	"movl $0x40000000, %eax\n\t"
	"movl $0xffff8000, %edx\n\t"
	"wrmsr\n\t"
	"movl %fs:0x40, %r9d\n\t"
	"addq $1, %fs:0x48\n\t" LOG64
	"movabsq $0xffff800000009100, %rsi\n\t"
	"leaq 0x60(%rbx), %rdi\n\t"
	"movl $2, %ecx\n\t"
	"rep movsq\n\t"
	"hlt");

/* MOVS with both sides in MMIO: a read exit, then a write exit, per element */
KVMT_GUEST_CODE(movs_mmio64, ".code64",
	"movl $0xc0000000, %ebx\n\t"
	/* movsl inside one MMIO page, forwards */
	"leaq 0x10(%rbx), %rsi\n\t"
	"leaq 0x80(%rbx), %rdi\n\t"
	"movsl\n\t"
	"movq %rsi, %r8\n\t"
	"movq %rdi, %r9\n\t"
	/* rep movsq forwards, 3 elements */
	"leaq 0x100(%rbx), %rsi\n\t"
	"leaq 0x200(%rbx), %rdi\n\t"
	"movl $3, %ecx\n\t"
	"rep movsq\n\t"
	"movq %rsi, %r10\n\t"
	"movq %rdi, %r11\n\t"
	/* rep movsw backwards, from another MMIO page */
	"std\n\t"
	"leaq 0x1306(%rbx), %rsi\n\t"
	"leaq 0x306(%rbx), %rdi\n\t"
	"movl $2, %ecx\n\t"
	"rep movsw\n\t"
	"movq %rsi, %r12\n\t"
	"movq %rdi, %r13\n\t"
	/* movsb backwards, into another MMIO page */
	"leaq 0x41(%rbx), %rsi\n\t"
	"leaq 0x2041(%rbx), %rdi\n\t"
	"movsb\n\t"
	"movq %rsi, %r14\n\t"
	"movq %rdi, %r15\n\t"
	/* 32-bit address size, rep movsl forwards */
	"cld\n\t"
	"movl $0xc0000400, %esi\n\t"
	"movl $0xc0000500, %edi\n\t"
	"movl $2, %ecx\n\t"
	"addr32 rep movsl\n\t"
	"hlt");

static const struct program programs[] = {
	{ "long", KVMT_MODE_LONG64, KVMT_MEM_SIZE, KVMT_CODE(forms64) },
	{ "protected", KVMT_MODE_PROT32, KVMT_MEM_SIZE, KVMT_CODE(forms32) },
	{ "real", KVMT_MODE_REAL, 0xf0000, KVMT_CODE(forms16) },
	{ "paged 2-level", KVMT_MODE_PROT32, KVMT_MEM_SIZE, KVMT_CODE(paged32) },
	{ "paged PAE", KVMT_MODE_PROT32, KVMT_MEM_SIZE, KVMT_CODE(pae32) },
	{ "paged long", KVMT_MODE_LONG64, KVMT_MEM_SIZE, KVMT_CODE(paged64) },
	{ "movs mmio", KVMT_MODE_LONG64, KVMT_MEM_SIZE, KVMT_CODE(movs_mmio64) },
};

/* Run @p on the device in $KVMX_DEV and record what happens. */
static int run_program(struct __test_metadata *_metadata,
		       const struct program *p, struct trace *t)
{
	struct kvmt_vcpu *vcpu;
	struct kvmt_vm *vm;
	int ret, i;

	memset(t, 0, sizeof(*t));
	if (kvmt_load_module())
		return -ENODEV;
	vm = kvmt_vm_create(p->mem_size);
	if (!vm) {
		kvmt_unload_module();
		return -ENODEV;
	}
	vcpu = kvmt_vcpu_add(vm, 0);
	EXPECT_NE(NULL, vcpu);
	if (!vcpu)
		goto out_vm;
	/* RAM the string moves read from */
	for (i = 0; i < 32; i++)
		*(uint8_t *)kvmt_gpa(vm, 0x9100 + i) = 0xa0 + i;
	EXPECT_EQ(0, kvmt_setup(vcpu, p->mode, p->start, p->end));
	while (t->n < MAX_EXITS) {
		struct kvm_run *run = vcpu->run;
		struct mmio_rec *r = &t->rec[t->n];
		uint64_t v;

		ret = kvmt_run(vcpu);
		EXPECT_EQ(0, ret);
		if (ret)
			break;
		t->last_exit = run->exit_reason;
		if (run->exit_reason == KVM_EXIT_INTERNAL_ERROR) {
			char buf[256];

			TH_LOG("%s on %s: %s ndata %u data %llx %llx %llx",
			       p->name, kvmt_dev_path(),
			       kvmt_describe_exit(vcpu, buf, sizeof(buf)),
			       run->internal.ndata,
			       (unsigned long long)run->internal.data[0],
			       (unsigned long long)run->internal.data[1],
			       (unsigned long long)run->internal.data[2]);
		}
		if (run->exit_reason != KVM_EXIT_MMIO)
			break;
		r->addr = run->mmio.phys_addr;
		r->len = run->mmio.len;
		r->is_write = run->mmio.is_write;
		if (r->len > 8)
			break;
		if (r->is_write) {
			memcpy(&r->data, run->mmio.data, r->len);
		} else {
			v = device_value(r->addr);
			memcpy(run->mmio.data, &v, r->len);
			r->data = v;
		}
		t->n++;
	}
	EXPECT_EQ(0, kvmt_get_regs(vcpu, &t->regs));
	memcpy(t->log, kvmt_gpa(vm, LOG_GPA), LOG_SIZE);
	kvmt_vcpu_free(vcpu);
out_vm:
	kvmt_vm_free(vm);
	kvmt_unload_module();
	return 0;
}

static void compare(struct __test_metadata *_metadata, const char *name,
		    const struct trace *a, const struct trace *b)
{
	const uint64_t no_af = ~0x10ULL;
	int i;

	EXPECT_EQ(KVM_EXIT_HLT, a->last_exit) TH_LOG("%s: kvm_amd", name);
	EXPECT_EQ(a->last_exit, b->last_exit) TH_LOG("%s: last exit", name);
	EXPECT_EQ(a->n, b->n) TH_LOG("%s: number of MMIO exits", name);
	for (i = 0; i < a->n && i < b->n; i++) {
		const struct mmio_rec *x = &a->rec[i], *y = &b->rec[i];

		EXPECT_EQ(x->addr, y->addr) TH_LOG("%s: exit %d", name, i);
		EXPECT_EQ(x->len, y->len) TH_LOG("%s: exit %d", name, i);
		EXPECT_EQ(x->is_write, y->is_write)
			TH_LOG("%s: exit %d", name, i);
		EXPECT_EQ(x->data, y->data)
			TH_LOG("%s: exit %d at %llx", name, i,
			       (unsigned long long)x->addr);
		if (x->addr != y->addr || x->is_write != y->is_write)
			break;
	}
	EXPECT_EQ(a->regs.rax, b->regs.rax) TH_LOG("%s rax", name);
	EXPECT_EQ(a->regs.rbx, b->regs.rbx) TH_LOG("%s rbx", name);
	EXPECT_EQ(a->regs.rcx, b->regs.rcx) TH_LOG("%s rcx", name);
	EXPECT_EQ(a->regs.rdx, b->regs.rdx) TH_LOG("%s rdx", name);
	EXPECT_EQ(a->regs.rsi, b->regs.rsi) TH_LOG("%s rsi", name);
	EXPECT_EQ(a->regs.rdi, b->regs.rdi) TH_LOG("%s rdi", name);
	EXPECT_EQ(a->regs.rbp, b->regs.rbp) TH_LOG("%s rbp", name);
	EXPECT_EQ(a->regs.rsp, b->regs.rsp) TH_LOG("%s rsp", name);
	EXPECT_EQ(a->regs.r8, b->regs.r8) TH_LOG("%s r8", name);
	EXPECT_EQ(a->regs.r9, b->regs.r9) TH_LOG("%s r9", name);
	EXPECT_EQ(a->regs.r10, b->regs.r10) TH_LOG("%s r10", name);
	EXPECT_EQ(a->regs.r11, b->regs.r11) TH_LOG("%s r11", name);
	EXPECT_EQ(a->regs.r12, b->regs.r12) TH_LOG("%s r12", name);
	EXPECT_EQ(a->regs.r13, b->regs.r13) TH_LOG("%s r13", name);
	EXPECT_EQ(a->regs.r14, b->regs.r14) TH_LOG("%s r14", name);
	EXPECT_EQ(a->regs.r15, b->regs.r15) TH_LOG("%s r15", name);
	EXPECT_EQ(a->regs.rip, b->regs.rip) TH_LOG("%s rip", name);
	EXPECT_EQ(a->regs.rflags & no_af, b->regs.rflags & no_af)
		TH_LOG("%s rflags", name);
	/* The flags log: entries follow ops whose flags are all defined. */
	EXPECT_EQ(0, memcmp(a->log, b->log, LOG_SIZE))
		TH_LOG("%s: guest log at 0x%x differs", name, LOG_GPA);
}

static void ab(struct __test_metadata *_metadata, const struct program *p)
{
	static struct trace upstream, kvmx;

	setenv("KVMX_DEV", "/dev/kvm", 1);
	if (run_program(_metadata, p, &upstream)) {
		unsetenv("KVMX_DEV");
		SKIP(return, "kvm_amd not available for the A/B reference");
	}
	unsetenv("KVMX_DEV");
	ASSERT_EQ(0, run_program(_metadata, p, &kvmx))
		TH_LOG("kvmx did not load");
	compare(_metadata, p->name, &upstream, &kvmx);
	TH_LOG("%s: %d MMIO exits compared", p->name, upstream.n);
}

TEST(long_mode_forms_match_kvm_amd)
{
	ab(_metadata, &programs[0]);
}

TEST(protected_mode_forms_match_kvm_amd)
{
	ab(_metadata, &programs[1]);
}

TEST(real_mode_forms_match_kvm_amd)
{
	ab(_metadata, &programs[2]);
}

TEST(paged_2level_forms_match_kvm_amd)
{
	ab(_metadata, &programs[3]);
}

TEST(paged_pae_forms_match_kvm_amd)
{
	ab(_metadata, &programs[4]);
}

TEST(paged_long_forms_match_kvm_amd)
{
	ab(_metadata, &programs[5]);
}

TEST(movs_mmio_to_mmio_match_kvm_amd)
{
	ab(_metadata, &programs[6]);
}

TEST_HARNESS_MAIN

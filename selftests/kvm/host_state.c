// SPDX-License-Identifier: GPL-2.0
/*
 * The host state a guest can change must be the host's again when
 * KVM_RUN returns: the guest writes FS/GS bases, KERNEL_GS_BASE (and
 * SWAPGS), the SYSCALL and SYSENTER MSRs and TSC_AUX, and clobbers every
 * XMM register; afterwards this process's TLS, system calls, FS base,
 * RDTSCP and its XMM registers across the KVM_RUN system call are
 * unchanged, while KVM_GET_MSRS shows the guest's values and the guest's
 * XMM registers survive its exits.
 */
#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(host_state);

#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084

/* WRMSR each (index, value) pair of the table at 0x9100 (index 0 ends). */
KVMT_GUEST_CODE(msr_clobber, ".code64",
	"2:\n\t"
	"movq $0x9100, %rsi\n"
	"1:\n\t"
	"movl (%rsi), %ecx\n\t"
	"testl %ecx, %ecx\n\t"
	"jz 3f\n\t"
	"movl 8(%rsi), %eax\n\t"
	"movl 12(%rsi), %edx\n\t"
	"wrmsr\n\t"
	"addq $16, %rsi\n\t"
	"jmp 1b\n"
	"3:\n\t"
	"swapgs\n\t"
	"outb %al, $0x10\n\t"
	"jmp 2b");

static const struct { uint32_t index; uint64_t val; } clobbers[] = {
	{ MSR_FS_BASE, 0xffff888000dead00ULL },
	{ MSR_GS_BASE, 0xffff888000beef00ULL },
	{ MSR_KERNEL_GS_BASE, 0xffff888000cafe00ULL },
	{ MSR_STAR, 0x0023001000000000ULL },
	{ MSR_LSTAR, 0xffffffff8badf000ULL },
	{ MSR_CSTAR, 0xffffffff8badf100ULL },
	{ MSR_SYSCALL_MASK, 0x47700 },
	{ 0x174, 0x10 },			/* SYSENTER_CS */
	{ 0x175, 0x8badf200 },			/* SYSENTER_ESP */
	{ 0x176, 0x8badf300 },			/* SYSENTER_EIP */
	{ MSR_TSC_AUX, 0x5a5 },
};

static __thread volatile int tls_canary = 0x7157;

static uint32_t rdtscp_aux(void)
{
	uint32_t lo, hi, aux;

	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

TEST_F(host_state, msrs_and_segment_bases)
{
	uint64_t *table = kvmt_gpa(self->vm, 0x9100);
	unsigned long fs_before = 0, fs_after = 0;
	uint32_t aux_before;
	pid_t pid = getpid();
	unsigned int i;
	uint64_t v;
	int round;

	for (i = 0; i < ARRAY_SIZE(clobbers); i++) {
		table[2 * i] = clobbers[i].index;
		table[2 * i + 1] = clobbers[i].val;
	}
	table[2 * i] = 0;
	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(msr_clobber)));
	ASSERT_EQ(0, syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_before));
	aux_before = rdtscp_aux();
	for (round = 0; round < 50; round++) {
		KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
		/* TLS, system calls and errno still work. */
		ASSERT_EQ(0x7157, tls_canary);
		ASSERT_EQ(pid, syscall(SYS_getpid));
		errno = 0;
		ASSERT_EQ(-1, close(-1));
		ASSERT_EQ(EBADF, errno);
		ASSERT_EQ(0, syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_after));
		ASSERT_EQ(fs_before, fs_after);
		ASSERT_EQ(aux_before, rdtscp_aux());
	}
	/* The guest's values are the vCPU's, not lost. */
	for (i = 0; i < ARRAY_SIZE(clobbers); i++) {
		uint64_t want = clobbers[i].val;

		/* Each round ends with SWAPGS after writing both. */
		if (clobbers[i].index == MSR_GS_BASE)
			want = 0xffff888000cafe00ULL;
		if (clobbers[i].index == MSR_KERNEL_GS_BASE)
			want = 0xffff888000beef00ULL;
		ASSERT_EQ(0, kvmt_get_msr(self->vcpu, clobbers[i].index, &v))
			TH_LOG("msr 0x%x", clobbers[i].index);
		EXPECT_EQ(want, v) TH_LOG("msr 0x%x", clobbers[i].index);
	}
}

/*
 * The guest fills XMM0-15 with 0x11*(n+1) bytes, exits, and on re-entry
 * checks them: any mismatch is reported as OUT 0x66, success as 0x65.
 */
KVMT_GUEST_CODE(xmm_guest, ".code64",
	"movq $0x9200, %rsi\n\t"
	"movdqu 0x00(%rsi), %xmm0\n\t"
	"movdqu 0x10(%rsi), %xmm1\n\t"
	"movdqu 0x20(%rsi), %xmm2\n\t"
	"movdqu 0x30(%rsi), %xmm3\n\t"
	"movdqu 0x40(%rsi), %xmm4\n\t"
	"movdqu 0x50(%rsi), %xmm5\n\t"
	"movdqu 0x60(%rsi), %xmm6\n\t"
	"movdqu 0x70(%rsi), %xmm7\n\t"
	"movdqu 0x80(%rsi), %xmm8\n\t"
	"movdqu 0x90(%rsi), %xmm9\n\t"
	"movdqu 0xa0(%rsi), %xmm10\n\t"
	"movdqu 0xb0(%rsi), %xmm11\n\t"
	"movdqu 0xc0(%rsi), %xmm12\n\t"
	"movdqu 0xd0(%rsi), %xmm13\n\t"
	"movdqu 0xe0(%rsi), %xmm14\n\t"
	"movdqu 0xf0(%rsi), %xmm15\n"
	"2:\n\t"
	"outb %al, $0x10\n\t"
	"movq $0x9400, %rdi\n\t"
	"movdqu %xmm0, 0x00(%rdi)\n\t"
	"movdqu %xmm1, 0x10(%rdi)\n\t"
	"movdqu %xmm2, 0x20(%rdi)\n\t"
	"movdqu %xmm3, 0x30(%rdi)\n\t"
	"movdqu %xmm4, 0x40(%rdi)\n\t"
	"movdqu %xmm5, 0x50(%rdi)\n\t"
	"movdqu %xmm6, 0x60(%rdi)\n\t"
	"movdqu %xmm7, 0x70(%rdi)\n\t"
	"movdqu %xmm8, 0x80(%rdi)\n\t"
	"movdqu %xmm9, 0x90(%rdi)\n\t"
	"movdqu %xmm10, 0xa0(%rdi)\n\t"
	"movdqu %xmm11, 0xb0(%rdi)\n\t"
	"movdqu %xmm12, 0xc0(%rdi)\n\t"
	"movdqu %xmm13, 0xd0(%rdi)\n\t"
	"movdqu %xmm14, 0xe0(%rdi)\n\t"
	"movdqu %xmm15, 0xf0(%rdi)\n\t"
	"movq $0x9200, %rsi\n\t"
	"movl $64, %ecx\n\t"
	"repe cmpsl\n\t"
	"jne 3f\n\t"
	"outb %al, $0x65\n\t"
	"jmp 2b\n"
	"3:\n\t"
	"outb %al, $0x66\n\t"
	"jmp 2b");

/*
 * KVM_RUN as a raw system call with all 16 host XMM registers loaded
 * from @in before and stored to @out after.
 */
static long run_keeping_xmm(int fd, const uint8_t *in, uint8_t *out)
{
	long ret;

	asm volatile(
		"movdqu 0x00(%[in]), %%xmm0\n\t"
		"movdqu 0x10(%[in]), %%xmm1\n\t"
		"movdqu 0x20(%[in]), %%xmm2\n\t"
		"movdqu 0x30(%[in]), %%xmm3\n\t"
		"movdqu 0x40(%[in]), %%xmm4\n\t"
		"movdqu 0x50(%[in]), %%xmm5\n\t"
		"movdqu 0x60(%[in]), %%xmm6\n\t"
		"movdqu 0x70(%[in]), %%xmm7\n\t"
		"movdqu 0x80(%[in]), %%xmm8\n\t"
		"movdqu 0x90(%[in]), %%xmm9\n\t"
		"movdqu 0xa0(%[in]), %%xmm10\n\t"
		"movdqu 0xb0(%[in]), %%xmm11\n\t"
		"movdqu 0xc0(%[in]), %%xmm12\n\t"
		"movdqu 0xd0(%[in]), %%xmm13\n\t"
		"movdqu 0xe0(%[in]), %%xmm14\n\t"
		"movdqu 0xf0(%[in]), %%xmm15\n\t"
		"syscall\n\t"
		"movdqu %%xmm0, 0x00(%[out])\n\t"
		"movdqu %%xmm1, 0x10(%[out])\n\t"
		"movdqu %%xmm2, 0x20(%[out])\n\t"
		"movdqu %%xmm3, 0x30(%[out])\n\t"
		"movdqu %%xmm4, 0x40(%[out])\n\t"
		"movdqu %%xmm5, 0x50(%[out])\n\t"
		"movdqu %%xmm6, 0x60(%[out])\n\t"
		"movdqu %%xmm7, 0x70(%[out])\n\t"
		"movdqu %%xmm8, 0x80(%[out])\n\t"
		"movdqu %%xmm9, 0x90(%[out])\n\t"
		"movdqu %%xmm10, 0xa0(%[out])\n\t"
		"movdqu %%xmm11, 0xb0(%[out])\n\t"
		"movdqu %%xmm12, 0xc0(%[out])\n\t"
		"movdqu %%xmm13, 0xd0(%[out])\n\t"
		"movdqu %%xmm14, 0xe0(%[out])\n\t"
		"movdqu %%xmm15, 0xf0(%[out])\n\t"
		: "=a"(ret)
		: "a"((long)SYS_ioctl), "D"((long)fd), "S"((long)KVM_RUN),
		  "d"(0L), [in] "r"(in), [out] "r"(out)
		: "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3",
		  "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
		  "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
	return ret;
}

TEST_F(host_state, xmm_registers)
{
	uint8_t *guest_pattern = kvmt_gpa(self->vm, 0x9200);
	uint8_t in[256], out[256];
	int i, round;

	for (i = 0; i < 256; i++) {
		guest_pattern[i] = 0x11 * (i / 16 + 1);
		in[i] = 0x80 | i;
	}
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(xmm_guest)));
	ASSERT_EQ(0, run_keeping_xmm(self->vcpu->fd, in, out));
	KVMT_ASSERT_EXIT(self->vcpu, KVM_EXIT_IO);
	ASSERT_EQ(0x10, self->vcpu->run->io.port);
	EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	for (round = 0; round < 20; round++) {
		/* host SSE work between exits */
		for (i = 0; i < 256; i++)
			in[i] = (uint8_t)(i * 7 + round);
		ASSERT_EQ(0, run_keeping_xmm(self->vcpu->fd, in, out));
		KVMT_ASSERT_EXIT(self->vcpu, KVM_EXIT_IO);
		ASSERT_EQ(0x65, self->vcpu->run->io.port)
			TH_LOG("guest XMM changed across an exit (round %d)",
			       round);
		EXPECT_EQ(0, memcmp(in, out, sizeof(in)))
			TH_LOG("host XMM changed by KVM_RUN (round %d)",
			       round);
		ASSERT_EQ(0, run_keeping_xmm(self->vcpu->fd, in, out));
		ASSERT_EQ(0x10, self->vcpu->run->io.port);
		EXPECT_EQ(0, memcmp(in, out, sizeof(in)));
	}
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmx_svm_vmrun - one trip into an SVM guest and back.
 *
 * Called with GIF=0 (CLGI) and RFLAGS.IF=1: with V_INTR_MASKING the host
 * IF at VMRUN decides whether physical interrupts end the guest's turn,
 * and GIF=0 keeps them from reaching host code until the caller's STGI.
 *
 * VMRUN/#VMEXIT switch RAX, RSP, RIP, RFLAGS, CR0/3/4, EFER, GDTR/IDTR and
 * the CS/SS/DS/ES selectors.  The state VMLOAD/VMSAVE cover (FS, GS, TR,
 * LDTR with their hidden parts, KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK,
 * SYSENTER_*) is saved for the host in a per-CPU area first, and the guest
 * copy lives in the VMCB.  General purpose registers are ours to move.
 *
 * @vmcb_pa (rdi):	physical address of the guest VMCB
 * @regs (rsi):		u64[16] guest GPRs, hardware order (RAX/RSP unused)
 * @host_save_pa (rdx):	physical address of this CPU's host save area
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

#define G_RCX	(1 * 8)
#define G_RDX	(2 * 8)
#define G_RBX	(3 * 8)
#define G_RBP	(5 * 8)
#define G_RSI	(6 * 8)
#define G_RDI	(7 * 8)
#define G_R8	(8 * 8)
#define G_R9	(9 * 8)
#define G_R10	(10 * 8)
#define G_R11	(11 * 8)
#define G_R12	(12 * 8)
#define G_R13	(13 * 8)
#define G_R14	(14 * 8)
#define G_R15	(15 * 8)

.section .text, "ax"

SYM_FUNC_START(kvmx_svm_vmrun)
	push	%rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx

	/* Needed after the exit, popped in this order: regs, vmcb, host. */
	push	%rdx
	push	%rdi
	push	%rsi

	/* Host FS/GS/TR/LDTR and syscall MSRs out, guest ones in. */
	mov	%rdx, %rax
	vmsave	%rax
	mov	%rdi, %rax
	vmload	%rax

	mov	G_RCX(%rsi), %rcx
	mov	G_RDX(%rsi), %rdx
	mov	G_RBX(%rsi), %rbx
	mov	G_RBP(%rsi), %rbp
	mov	G_RDI(%rsi), %rdi
	mov	G_R8(%rsi), %r8
	mov	G_R9(%rsi), %r9
	mov	G_R10(%rsi), %r10
	mov	G_R11(%rsi), %r11
	mov	G_R12(%rsi), %r12
	mov	G_R13(%rsi), %r13
	mov	G_R14(%rsi), %r14
	mov	G_R15(%rsi), %r15
	mov	G_RSI(%rsi), %rsi

	vmrun	%rax

	/* RAX holds the VMCB address again; RSP is the host's. */
	pop	%rax
	mov	%rcx, G_RCX(%rax)
	mov	%rdx, G_RDX(%rax)
	mov	%rbx, G_RBX(%rax)
	mov	%rbp, G_RBP(%rax)
	mov	%rsi, G_RSI(%rax)
	mov	%rdi, G_RDI(%rax)
	mov	%r8, G_R8(%rax)
	mov	%r9, G_R9(%rax)
	mov	%r10, G_R10(%rax)
	mov	%r11, G_R11(%rax)
	mov	%r12, G_R12(%rax)
	mov	%r13, G_R13(%rax)
	mov	%r14, G_R14(%rax)
	mov	%r15, G_R15(%rax)

	pop	%rax
	vmsave	%rax
	/* Host GS base (per-CPU data) and the rest come back here. */
	pop	%rax
	vmload	%rax

	/* Leave no guest values in registers the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET
SYM_FUNC_END(kvmx_svm_vmrun)

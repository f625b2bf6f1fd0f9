// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state round trips: KVM_GET/SET_REGS, SREGS, FPU, MP_STATE and
 * VCPU_EVENTS give back what was set, and what was set is what the guest
 * runs with (and what the guest leaves is what the host reads).
 */
#include "kvm_test.h"

KVMT_VM_FIXTURE(state);

TEST_F(state, regs_round_trip)
{
	struct kvm_regs in, out;
	uint64_t *r = (uint64_t *)&in;
	unsigned int i;

	for (i = 0; i < sizeof(in) / 8; i++)
		r[i] = 0x0101010101010101ULL * (i + 1);
	in.rip = 0x12345;
	in.rflags = 0x2 | 0x1 | 0x40 | 0x800;	/* CF ZF OF */
	ASSERT_EQ(0, kvmt_set_regs(self->vcpu, &in));
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &out));
	EXPECT_EQ(0, memcmp(&in, &out, sizeof(in)));
}

/* Store every GPR the host set to 0x9000.. then halt. */
KVMT_GUEST_CODE(state_regs, ".code64",
	"movq %rax, (0x9000)\n\t"
	"movq %rbx, (0x9008)\n\t"
	"movq %rcx, (0x9010)\n\t"
	"movq %rdx, (0x9018)\n\t"
	"movq %rsi, (0x9020)\n\t"
	"movq %rdi, (0x9028)\n\t"
	"movq %rsp, (0x9030)\n\t"
	"movq %rbp, (0x9038)\n\t"
	"movq %r8, (0x9040)\n\t"
	"movq %r9, (0x9048)\n\t"
	"movq %r10, (0x9050)\n\t"
	"movq %r11, (0x9058)\n\t"
	"movq %r12, (0x9060)\n\t"
	"movq %r13, (0x9068)\n\t"
	"movq %r14, (0x9070)\n\t"
	"movq %r15, (0x9078)\n\t"
	"pushfq\n\t"
	"popq %rax\n\t"
	"movq %rax, (0x9080)\n\t"
	"movq $0x5555aaaa5555aaaa, %r15\n\t"
	"hlt");

TEST_F(state, regs_reach_guest)
{
	uint64_t *mem = kvmt_gpa(self->vm, 0x9000);
	struct kvm_regs regs;
	uint64_t *r = (uint64_t *)&regs;
	int i;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(state_regs)));
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	for (i = 0; i < 16; i++)
		r[i] = 0x1000 * (i + 1) + i;
	regs.rsp = KVMT_STACK_TOP - 0x100;
	regs.rflags = 0x2 | 0x1 | 0x4;		/* CF PF */
	ASSERT_EQ(0, kvmt_set_regs(self->vcpu, &regs));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	for (i = 0; i < 16; i++)
		if (i != 6)
			EXPECT_EQ(0x1000 * (i + 1) + i, mem[i])
				TH_LOG("reg %d", i);
	EXPECT_EQ(KVMT_STACK_TOP - 0x100, mem[6]);
	EXPECT_EQ(0x7, mem[16] & 0xff);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_EQ(0x5555aaaa5555aaaaULL, regs.r15);
}

TEST_F(state, sregs_round_trip)
{
	struct kvm_sregs in, out;

	ASSERT_EQ(0, kvmt_setup_mode(self->vcpu, KVMT_MODE_LONG64));
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &in));
	in.cr2 = 0xffff888000123000ULL;
	in.gdt.base = 0x1000;
	in.gdt.limit = 0x7f;
	in.idt.base = 0x2000;
	in.idt.limit = 0xfff;
	in.fs.base = 0x7fff00001000ULL;
	in.gs.base = 0xffff888077770000ULL;
	ASSERT_EQ(0, kvmt_set_sregs(self->vcpu, &in));
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &out));
	EXPECT_EQ(in.cr0, out.cr0);
	EXPECT_EQ(in.cr2, out.cr2);
	EXPECT_EQ(in.cr3, out.cr3);
	EXPECT_EQ(in.cr4, out.cr4);
	EXPECT_EQ(in.efer, out.efer);
	EXPECT_EQ(in.gdt.base, out.gdt.base);
	EXPECT_EQ(in.gdt.limit, out.gdt.limit);
	EXPECT_EQ(in.idt.base, out.idt.base);
	EXPECT_EQ(in.idt.limit, out.idt.limit);
	EXPECT_EQ(in.cs.selector, out.cs.selector);
	EXPECT_EQ(in.cs.l, out.cs.l);
	EXPECT_EQ(in.cs.type, out.cs.type);
	EXPECT_EQ(in.ds.selector, out.ds.selector);
	EXPECT_EQ(in.ss.db, out.ss.db);
	EXPECT_EQ(in.fs.base, out.fs.base);
	EXPECT_EQ(in.gs.base, out.gs.base);
	EXPECT_EQ(in.tr.selector, out.tr.selector);
	EXPECT_EQ(in.tr.limit, out.tr.limit);
}

TEST_F(state, sregs_invalid)
{
	struct kvm_sregs s;

	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &s));
	/* Long mode active without paging is not a valid state. */
	s.efer = (1 << 8) | (1 << 10);
	s.cr0 = 0x11;
	EXPECT_EQ(-EINVAL, kvmt_set_sregs(self->vcpu, &s));
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_SREGS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_GET_SREGS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * Phase 1: the guest loads XMM1 and the x87 control word from memory and
 * exits; the host must read them with KVM_GET_FPU.  Phase 2: the host
 * sets XMM0 and FCW with KVM_SET_FPU; the guest stores them.
 *
 * Upstream quirks this test steps around (not promised by api.rst, so
 * not asserted): KVM_GET/SET_FPU ignore the mxcsr field, and on a vCPU
 * whose guest never used x87/SSE, KVM_SET_FPU writes only the legacy
 * area of an XSAVE image whose XSTATE_BV still says "init", so the
 * values do not reach the guest.  Phase 1 makes the state in use first.
 */
KVMT_GUEST_CODE(state_fpu, ".code64",
	"movdqu (0x9100), %xmm1\n\t"
	"fldcw (0x9110)\n\t"
	"outb %al, $0x80\n\t"
	"movdqu %xmm0, (0x9000)\n\t"
	"fnstcw (0x9014)\n\t"
	"hlt");

TEST_F(state, fpu)
{
	struct kvm_fpu in, out;
	uint8_t *mem = kvmt_gpa(self->vm, 0x9000);
	int i;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(state_fpu)));
	memset(mem + 0x100, 0xee, 16);
	*(uint16_t *)(mem + 0x110) = 0x007f;	/* 24-bit precision */
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x80, KVM_EXIT_IO_OUT, 1);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_FPU, &out));
	for (i = 0; i < 16; i++)
		EXPECT_EQ(0xee, out.xmm[1][i]);
	EXPECT_EQ(0x007f, out.fcw);

	in = out;
	for (i = 0; i < 16; i++)
		if (i != 1)
			memset(in.xmm[i], 0x10 + i, 16);
	in.fcw = 0x027f;			/* 53-bit precision */
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_SET_FPU, &in));
	memset(&out, 0, sizeof(out));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_FPU, &out));
	EXPECT_EQ(0, memcmp(in.xmm, out.xmm, sizeof(in.xmm)));
	EXPECT_EQ(in.fcw, out.fcw);

	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	for (i = 0; i < 16; i++)
		EXPECT_EQ(0x10, mem[i]);
	EXPECT_EQ(0x027f, *(uint16_t *)(mem + 0x14));
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_FPU, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(state, mp_state)
{
	struct kvm_mp_state mp = { .mp_state = 0xff };

	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_MP_STATE, &mp));
	EXPECT_EQ(KVM_MP_STATE_RUNNABLE, mp.mp_state);
	mp.mp_state = KVM_MP_STATE_RUNNABLE;
	EXPECT_EQ(0, ioctl(self->vcpu->fd, KVM_SET_MP_STATE, &mp));
	mp.mp_state = 1000;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_MP_STATE, &mp));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_GET_MP_STATE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(state, vcpu_events)
{
	struct kvm_vcpu_events ev, out;

	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(0, ev.exception.injected);
	EXPECT_EQ(0, ev.interrupt.injected);
	EXPECT_EQ(0, ev.nmi.pending);
	EXPECT_EQ(0, ev.nmi.masked);

	ev.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
	ev.interrupt.injected = 1;
	ev.interrupt.nr = 0x41;
	ev.interrupt.soft = 0;
	ev.nmi.pending = 1;
	ev.nmi.masked = 1;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	memset(&out, 0, sizeof(out));
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_VCPU_EVENTS, &out));
	EXPECT_EQ(1, out.interrupt.injected);
	EXPECT_EQ(0x41, out.interrupt.nr);
	EXPECT_EQ(1, out.nmi.pending);
	EXPECT_EQ(1, out.nmi.masked);

	ev.flags = 1u << 31;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_VCPU_EVENTS, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN

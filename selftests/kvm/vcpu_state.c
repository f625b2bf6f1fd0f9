// SPDX-License-Identifier: GPL-2.0
/*
 * vCPU state for save/restore (api.rst): KVM_GET/SET_XSAVE and
 * KVM_GET_XSAVE2, KVM_GET/SET_XCRS, KVM_GET/SET_DEBUGREGS, each round
 * tripped and seen by (and from) the guest, with their EINVAL cases;
 * KVM_SET_SIGNAL_MASK; KVM_TRANSLATE; KVM_GET_TSC_KHZ; KVM_GET/SET_CLOCK;
 * a queued NMI does not override immediate_exit.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(vcpu_state);

#define XMM_OFF(n)	(160 + 16 * (n))	/* legacy area */
#define MXCSR_OFF	24
#define XSTATE_BV_OFF	512
#define XCOMP_BV_OFF	520

/* Stores XMM0 at 0x9000, loads XMM1 from 0x9100, then exits. */
KVMT_GUEST_CODE(xmm_swap, ".code64",
	"movdqu %xmm0, (0x9000)\n\t"
	"movdqu (0x9100), %xmm1\n\t"
	"outb %al, $0x10\n\t"
	"hlt");

/* XGETBV into 0x9000, then exits. */
KVMT_GUEST_CODE(xgetbv, ".code64",
	"xorl %ecx, %ecx\n\t"
	"xgetbv\n\t"
	"movl %eax, (0x9000)\n\t"
	"movl %edx, (0x9004)\n\t"
	"outb %al, $0x10\n\t"
	"hlt");

/* Reads DR0, DR3, DR7; writes 0x5555 to DR1. */
KVMT_GUEST_CODE(drs, ".code64",
	"movq %dr0, %rax\n\t"
	"movq %rax, (0x9000)\n\t"
	"movq %dr3, %rax\n\t"
	"movq %rax, (0x9008)\n\t"
	"movq %dr7, %rax\n\t"
	"movq %rax, (0x9010)\n\t"
	"movq $0x5555, %rax\n\t"
	"movq %rax, %dr1\n\t"
	"outb %al, $0x10\n\t"
	"hlt");

/* Exits on port 0x10 forever; the NMI handler exits on 0x12. */
KVMT_GUEST_CODE(nmi_wait, ".code64",
	"1: outb %al, $0x10\n\t"
	"jmp 1b\n"
	".globl kvmt_nmi_wait_handler\n"
	"kvmt_nmi_wait_handler:\n\t"
	"outb %al, $0x12\n\t"
	"iretq");
KVMT_GUEST_LABEL(kvmt_nmi_wait_handler);

TEST_F(vcpu_state, caps)
{
	int fd = self->vm->sys_fd;

	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE));
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XCRS));
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_DEBUGREGS));
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ));
	EXPECT_LE(4096, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_XSAVE2));
	EXPECT_NE(0, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ADJUST_CLOCK));
	EXPECT_NE(0, ioctl(self->vm->fd, KVM_CHECK_EXTENSION,
			   KVM_CAP_XSAVE2));
}

TEST_F(vcpu_state, xsave_round_trip_and_guest_view)
{
	int vfd = self->vcpu->fd;
	int size = ioctl(self->vm->sys_fd, KVM_CHECK_EXTENSION,
			 KVM_CAP_XSAVE2);
	uint8_t *xs = calloc(1, 4096), *xs2 = calloc(1, size);
	uint8_t pat0[16], pat1[16];
	struct kvm_fpu fpu;
	uint64_t bv;
	int i;

	ASSERT_NE(NULL, xs);
	ASSERT_NE(NULL, xs2);
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(xmm_swap)));
	for (i = 0; i < 16; i++) {
		pat0[i] = 0xa0 + i;
		pat1[i] = 0x30 + i;
	}
	memcpy(kvmt_gpa(self->vm, 0x9100), pat1, 16);

	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XSAVE, xs));
	memcpy(xs + XMM_OFF(0), pat0, 16);
	memcpy(&bv, xs + XSTATE_BV_OFF, 8);
	bv |= 3;
	memcpy(xs + XSTATE_BV_OFF, &bv, 8);
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_XSAVE, xs));

	/* The guest sees XMM0 from SET_XSAVE... */
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0, memcmp(pat0, kvmt_gpa(self->vm, 0x9000), 16));

	/* ...and GET_XSAVE, GET_XSAVE2, GET_FPU see its XMM1. */
	memset(xs, 0, 4096);
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XSAVE, xs));
	EXPECT_EQ(0, memcmp(pat1, xs + XMM_OFF(1), 16));
	EXPECT_EQ(0, memcmp(pat0, xs + XMM_OFF(0), 16));
	memcpy(&bv, xs + XSTATE_BV_OFF, 8);
	EXPECT_EQ(3, bv & 3);
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XSAVE2, xs2));
	EXPECT_EQ(0, memcmp(xs, xs2, 4096));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_FPU, &fpu));
	EXPECT_EQ(0, memcmp(pat1, fpu.xmm[1], 16));

	/* Restoring the saved image gives the same image back. */
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_XSAVE, xs));
	memset(xs2, 0, size);
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XSAVE, xs2));
	EXPECT_EQ(0, memcmp(xs, xs2, 4096));
	free(xs);
	free(xs2);
}

TEST_F(vcpu_state, xsave_bad_images)
{
	int vfd = self->vcpu->fd;
	uint8_t *good = calloc(1, 4096), *xs = calloc(1, 4096);
	uint64_t v;
	uint32_t mx;

	ASSERT_NE(NULL, good);
	ASSERT_NE(NULL, xs);
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XSAVE, good));
	/* A feature nobody has. */
	memcpy(xs, good, 4096);
	memcpy(&v, xs + XSTATE_BV_OFF, 8);
	v |= 1ULL << 62;
	memcpy(xs + XSTATE_BV_OFF, &v, 8);
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XSAVE, xs));
	EXPECT_EQ(EINVAL, errno);
	/* The compacted format is not the ABI. */
	memcpy(xs, good, 4096);
	v = 1ULL << 63 | 3;
	memcpy(xs + XCOMP_BV_OFF, &v, 8);
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XSAVE, xs));
	EXPECT_EQ(EINVAL, errno);
	/* Reserved MXCSR bits. */
	memcpy(xs, good, 4096);
	mx = 0xffffffff;
	memcpy(xs + MXCSR_OFF, &mx, 4);
	v = 3;
	memcpy(xs + XSTATE_BV_OFF, &v, 8);
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XSAVE, xs));
	EXPECT_EQ(EINVAL, errno);
	/* Unreadable / unwritable buffers. */
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XSAVE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(vfd, KVM_GET_XSAVE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	/* The good one still goes in. */
	EXPECT_EQ(0, ioctl(vfd, KVM_SET_XSAVE, good));
	free(good);
	free(xs);
}

TEST_F(vcpu_state, xcrs)
{
	int vfd = self->vcpu->fd;
	struct kvm_xcrs x;
	struct kvm_sregs s;
	uint32_t *lo = kvmt_gpa(self->vm, 0x9000);

	ASSERT_EQ(0, kvmt_set_supported_cpuid(self->vcpu));
	memset(&x, 0xff, sizeof(x));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XCRS, &x));
	EXPECT_EQ(1, x.nr_xcrs);
	EXPECT_EQ(0, x.flags);
	EXPECT_EQ(0, x.xcrs[0].xcr);
	EXPECT_EQ(1, x.xcrs[0].value);	/* x87 only after reset */

	x.xcrs[0].value = 3;
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_XCRS, &x));
	memset(&x, 0, sizeof(x));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XCRS, &x));
	EXPECT_EQ(3, x.xcrs[0].value);

	/* The guest's XGETBV returns it. */
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(xgetbv)));
	ASSERT_EQ(0, kvmt_get_sregs(self->vcpu, &s));
	s.cr4 |= 1ULL << 18;	/* OSXSAVE */
	ASSERT_EQ(0, kvmt_set_sregs(self->vcpu, &s));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(3, lo[0]);
	EXPECT_EQ(0, lo[1]);

	/* Invalid values and headers. */
	memset(&x, 0, sizeof(x));
	x.nr_xcrs = 1;
	x.xcrs[0].value = 0;			/* no x87 */
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	x.xcrs[0].value = 5;			/* AVX without SSE */
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	x.xcrs[0].value = 1ULL << 62 | 3;	/* unsupported */
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	x.xcrs[0].value = 3;
	x.flags = 1;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	x.flags = 0;
	x.nr_xcrs = KVM_MAX_XCRS + 1;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_XCRS, &x));
	EXPECT_EQ(EINVAL, errno);
	/* Entries for other XCRs are ignored. */
	x.nr_xcrs = 1;
	x.xcrs[0].xcr = 1;
	x.xcrs[0].value = 0;
	EXPECT_EQ(0, ioctl(vfd, KVM_SET_XCRS, &x));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_XCRS, &x));
	EXPECT_EQ(3, x.xcrs[0].value);
}

TEST_F(vcpu_state, debugregs)
{
	int vfd = self->vcpu->fd;
	struct kvm_debugregs d;
	uint64_t *box = kvmt_gpa(self->vm, 0x9000);

	memset(&d, 0xff, sizeof(d));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0, d.db[0]);
	EXPECT_EQ(0, d.db[3]);
	EXPECT_EQ(0xffff0ff0, d.dr6);
	EXPECT_EQ(0x400, d.dr7);
	EXPECT_EQ(0, d.flags);

	d.db[0] = 0x1000;
	d.db[1] = 0x2000;
	d.db[2] = 0x3000;
	d.db[3] = 0x4000;
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_DEBUGREGS, &d));
	memset(&d, 0, sizeof(d));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0x1000, d.db[0]);
	EXPECT_EQ(0x4000, d.db[3]);
	EXPECT_EQ(0xffff0ff0, d.dr6);
	EXPECT_EQ(0x400, d.dr7);

	/* The guest reads what was set; the host reads what it wrote. */
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(drs)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0x1000, box[0]);
	EXPECT_EQ(0x4000, box[1]);
	EXPECT_EQ(0x400, box[2]);
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_DEBUGREGS, &d));
	EXPECT_EQ(0x5555, d.db[1]);
	EXPECT_EQ(0x1000, d.db[0]);

	/* Bad input. */
	d.flags = 1;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_DEBUGREGS, &d));
	EXPECT_EQ(EINVAL, errno);
	d.flags = 0;
	d.dr6 = 1ULL << 32;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_DEBUGREGS, &d));
	EXPECT_EQ(EINVAL, errno);
	d.dr6 = 0xffff0ff0;
	d.dr7 = 1ULL << 40;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_DEBUGREGS, &d));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vcpu_state, translate)
{
	struct kvm_translation t;
	int vfd = self->vcpu->fd;

	/* Power-on state: no paging, the address is the address. */
	memset(&t, 0, sizeof(t));
	t.linear_address = 0x12345;
	ASSERT_EQ(0, ioctl(vfd, KVM_TRANSLATE, &t));
	EXPECT_EQ(1, t.valid);
	EXPECT_EQ(0x12345, t.physical_address);

	/* Long mode with the identity map of the low 4 GiB. */
	ASSERT_EQ(0, kvmt_setup_mode(self->vcpu, KVMT_MODE_LONG64));
	memset(&t, 0, sizeof(t));
	t.linear_address = 0x40001234;
	ASSERT_EQ(0, ioctl(vfd, KVM_TRANSLATE, &t));
	EXPECT_EQ(1, t.valid);
	EXPECT_EQ(0x40001234, t.physical_address);
	EXPECT_EQ(1, t.writeable);
	EXPECT_EQ(0, t.usermode);

	/* Not mapped (above 4 GiB), and not canonical. */
	t.linear_address = 0x100000000ULL + 0x5000;
	ASSERT_EQ(0, ioctl(vfd, KVM_TRANSLATE, &t));
	EXPECT_EQ(0, t.valid);
	/* Like the page walk, the translation ignores bits 63:48. */
	t.linear_address = 0x8000000000001234ULL;
	ASSERT_EQ(0, ioctl(vfd, KVM_TRANSLATE, &t));
	EXPECT_EQ(1, t.valid);
	EXPECT_EQ(0x1234, t.physical_address);
	EXPECT_EQ(-1, ioctl(vfd, KVM_TRANSLATE, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(vcpu_state, tsc_khz_and_clock)
{
	struct kvm_clock_data c, c2;
	int fd = self->vm->fd;

	EXPECT_LT(0, ioctl(self->vcpu->fd, KVM_GET_TSC_KHZ));

	memset(&c, 0, sizeof(c));
	ASSERT_EQ(0, ioctl(fd, KVM_GET_CLOCK, &c));
	memset(&c2, 0, sizeof(c2));
	c2.clock = 1000000000000ULL;
	ASSERT_EQ(0, ioctl(fd, KVM_SET_CLOCK, &c2));
	ASSERT_EQ(0, ioctl(fd, KVM_GET_CLOCK, &c));
	EXPECT_LE(1000000000000ULL, c.clock);
	EXPECT_GT(1000000000000ULL + 2000000000ULL, c.clock);
	/* It runs. */
	usleep(20000);
	ASSERT_EQ(0, ioctl(fd, KVM_GET_CLOCK, &c2));
	EXPECT_LE(c.clock + 20000000ULL, c2.clock);

	/* With REALTIME, a restore accounts for the time in between. */
	if (c.flags & KVM_CLOCK_REALTIME) {
		usleep(50000);
		ASSERT_EQ(0, ioctl(fd, KVM_SET_CLOCK, &c));
		ASSERT_EQ(0, ioctl(fd, KVM_GET_CLOCK, &c2));
		EXPECT_LE(c.clock + 50000000ULL, c2.clock);
	}
	c.flags = 1;	/* not a clock flag */
	EXPECT_EQ(-1, ioctl(fd, KVM_SET_CLOCK, &c));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vcpu_state, signal_mask)
{
	struct {
		struct kvm_signal_mask h;
		uint8_t set[8];
	} m;
	sigset_t usr1, old, now, pend;
	struct timespec zero = { 0, 0 };
	int vfd = self->vcpu->fd;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(nmi_wait)));
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, &usr1, &old));
	ASSERT_EQ(0, pthread_kill(pthread_self(), SIGUSR1));

	/* Blocked in the thread: KVM_RUN does not see it. */
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);

	/* Unblocked during KVM_RUN only: the run is interrupted. */
	memset(&m, 0, sizeof(m));
	m.h.len = 8;
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_SIGNAL_MASK, &m));
	EXPECT_EQ(-1, ioctl(vfd, KVM_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(KVM_EXIT_INTR, self->vcpu->run->exit_reason);
	/* The thread's own mask is back, the signal still pending. */
	ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, NULL, &now));
	EXPECT_TRUE(sigismember(&now, SIGUSR1));
	ASSERT_EQ(0, sigpending(&pend));
	EXPECT_TRUE(sigismember(&pend, SIGUSR1));

	/* A mask that blocks it again: runs normally. */
	m.set[(SIGUSR1 - 1) / 8] = 1 << ((SIGUSR1 - 1) % 8);
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_SIGNAL_MASK, &m));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	/* No mask: the thread's mask applies (blocked). */
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_SIGNAL_MASK, NULL));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);

	/* Bad sizes. */
	m.h.len = 4;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_SIGNAL_MASK, &m));
	EXPECT_EQ(EINVAL, errno);
	m.h.len = 128;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_SIGNAL_MASK, &m));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(SIGUSR1, sigtimedwait(&usr1, NULL, &zero));
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

TEST_F(vcpu_state, nmi_honours_immediate_exit)
{
	struct kvm_vcpu_events ev;
	int vfd = self->vcpu->fd;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(nmi_wait)));
	kvmt_set_idt_gate(self->vcpu, KVMT_MODE_LONG64, 2,
			  kvmt_guest_addr(kvmt_guest_nmi_wait_start,
					  kvmt_nmi_wait_handler));
	ASSERT_EQ(0, ioctl(vfd, KVM_NMI));
	self->vcpu->run->immediate_exit = 1;
	EXPECT_EQ(-1, ioctl(vfd, KVM_RUN, 0));
	EXPECT_EQ(EINTR, errno);
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(1, ev.nmi.pending);
	/* Delivered on the next real run. */
	self->vcpu->run->immediate_exit = 0;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x12, KVM_EXIT_IO_OUT, 1);
}

TEST_F(vcpu_state, boot_cpu_id_and_vcpu_enable_cap)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_HALT_POLL };
	uint64_t base;
	int vm;

	EXPECT_EQ(1, ioctl(self->vm->sys_fd, KVM_CHECK_EXTENSION,
			   KVM_CAP_SET_BOOT_CPU_ID));
	/* vCPU 0 exists: too late for this VM; it is the BSP. */
	EXPECT_EQ(-1, ioctl(self->vm->fd, KVM_SET_BOOT_CPU_ID, 1));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, kvmt_get_msr(self->vcpu, 0x1b, &base));
	EXPECT_EQ(0x100, base & 0x100);

	/* A fresh VM with vCPU 1 as the BSP. */
	vm = ioctl(self->vm->sys_fd, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	EXPECT_EQ(0, ioctl(vm, KVM_SET_BOOT_CPU_ID, 1));
	{
		struct kvm_msrs *m = calloc(1, sizeof(*m) +
					    sizeof(struct kvm_msr_entry));
		int v0 = ioctl(vm, KVM_CREATE_VCPU, 0);
		int v1 = ioctl(vm, KVM_CREATE_VCPU, 1);

		ASSERT_LE(0, v0);
		ASSERT_LE(0, v1);
		m->nmsrs = 1;
		m->entries[0].index = 0x1b;
		ASSERT_EQ(1, ioctl(v0, KVM_GET_MSRS, m));
		EXPECT_EQ(0, m->entries[0].data & 0x100);
		ASSERT_EQ(1, ioctl(v1, KVM_GET_MSRS, m));
		EXPECT_EQ(0x100, m->entries[0].data & 0x100);
		EXPECT_EQ(-1, ioctl(vm, KVM_SET_BOOT_CPU_ID, 0));
		EXPECT_EQ(EBUSY, errno);
		close(v0);
		close(v1);
		free(m);
	}
	close(vm);

	/* Nothing to enable on this vCPU; flags are refused too. */
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_ENABLE_CAP, &cap));
	EXPECT_EQ(EINVAL, errno);
	cap.flags = 1;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_ENABLE_CAP, &cap));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vcpu_state, vcpu_events_flags_round_trip)
{
	struct kvm_vcpu_events ev, ev2;
	int vfd = self->vcpu->fd;

	memset(&ev, 0xff, sizeof(ev));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_VCPU_EVENTS, &ev));
	EXPECT_EQ(KVM_VCPUEVENT_VALID_NMI_PENDING | KVM_VCPUEVENT_VALID_SHADOW |
		  KVM_VCPUEVENT_VALID_SMM,
		  ev.flags & (KVM_VCPUEVENT_VALID_NMI_PENDING |
			      KVM_VCPUEVENT_VALID_SHADOW |
			      KVM_VCPUEVENT_VALID_SMM));
	EXPECT_EQ(0, ev.smi.smm);
	EXPECT_EQ(0, ev.sipi_vector);
	/* What GET gives, SET takes, and nothing changes. */
	ev.nmi.pending = 1;
	ASSERT_EQ(0, ioctl(vfd, KVM_SET_VCPU_EVENTS, &ev));
	ASSERT_EQ(0, ioctl(vfd, KVM_GET_VCPU_EVENTS, &ev2));
	EXPECT_EQ(1, ev2.nmi.pending);
	EXPECT_EQ(ev.exception.injected, ev2.exception.injected);
	EXPECT_EQ(ev.interrupt.injected, ev2.interrupt.injected);
	/* Payloads were not enabled. */
	ev.flags |= KVM_VCPUEVENT_VALID_PAYLOAD;
	EXPECT_EQ(-1, ioctl(vfd, KVM_SET_VCPU_EVENTS, &ev));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(vcpu_state, emulated_cpuid)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) +
				      64 * sizeof(struct kvm_cpuid_entry2));
	int sys = self->vm->sys_fd;
	unsigned int i;

	ASSERT_NE(NULL, c);
	EXPECT_EQ(1, ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_EXT_EMUL_CPUID));
	c->nent = 0;
	EXPECT_EQ(-1, ioctl(sys, KVM_GET_EMULATED_CPUID, c));
	EXPECT_EQ(E2BIG, errno);
	c->nent = 64;
	ASSERT_EQ(0, ioctl(sys, KVM_GET_EMULATED_CPUID, c));
	EXPECT_GE(64, c->nent);
	/* Whatever is listed is a real leaf with some feature bits. */
	for (i = 0; i < c->nent; i++)
		EXPECT_NE(0, c->entries[i].eax | c->entries[i].ebx |
			     c->entries[i].ecx | c->entries[i].edx);
	free(c);
}

TEST_F(vcpu_state, feature_msrs)
{
	int sys = self->vm->sys_fd;
	struct kvm_msr_list *l = calloc(1, sizeof(*l) + 64 * 4);
	struct kvm_msrs *m = calloc(1, sizeof(*m) +
				    65 * sizeof(struct kvm_msr_entry));
	unsigned int i, n;

	ASSERT_NE(NULL, l);
	ASSERT_NE(NULL, m);
	EXPECT_EQ(1, ioctl(sys, KVM_CHECK_EXTENSION, KVM_CAP_GET_MSR_FEATURES));
	l->nmsrs = 0;
	EXPECT_EQ(-1, ioctl(sys, KVM_GET_MSR_FEATURE_INDEX_LIST, l));
	EXPECT_EQ(E2BIG, errno);
	n = l->nmsrs;
	ASSERT_LT(0, n);
	ASSERT_GE(64, n);
	ASSERT_EQ(0, ioctl(sys, KVM_GET_MSR_FEATURE_INDEX_LIST, l));
	EXPECT_EQ(n, l->nmsrs);
	/* Every listed MSR reads on the system fd. */
	m->nmsrs = n;
	for (i = 0; i < n; i++)
		m->entries[i].index = l->indices[i];
	EXPECT_EQ((int)n, ioctl(sys, KVM_GET_MSRS, m));
	/* A non-feature MSR stops the read there. */
	m->entries[n].index = 0xc0000080;	/* EFER */
	m->entries[0].index = 0xc0000080;
	m->nmsrs = 1;
	EXPECT_EQ(0, ioctl(sys, KVM_GET_MSRS, m));
	free(l);
	free(m);
}

TEST_HARNESS_MAIN

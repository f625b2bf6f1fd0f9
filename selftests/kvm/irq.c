// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts with a userspace interrupt controller: KVM_INTERRUPT into a
 * guest IDT handler, the request_interrupt_window /
 * ready_for_interrupt_injection / if_flag protocol with
 * KVM_EXIT_IRQ_WINDOW_OPEN, run->cr8 both ways, KVM_NMI (delivered with
 * IF=0, blocked until IRET), and an interrupt injected through
 * KVM_SET_VCPU_EVENTS.
 */
#include "kvm_test.h"

KVMT_VM_FIXTURE(irq);

#define VEC	0x30

/*
 * Main: OUT 0x10 (IF as set by the host), STI, then loop on OUT 0x11.
 * The interrupt handler counts at [0x9000] and OUTs 0x30; the NMI
 * handler OUTs 0x32 then 0x33 and IRETs.
 */
KVMT_GUEST_CODE(irq_guest, ".code64",
	"outb %al, $0x10\n\t"
	"nop\n\t"
	"nop\n\t"
	"sti\n\t"
	"nop\n"
	"1:\n\t"
	"outb %al, $0x11\n\t"
	"jmp 1b\n"
	"kvmt_guest_irq_handler:\n\t"
	"incl (0x9000)\n\t"
	"outb %al, $0x30\n\t"
	"iretq\n"
	"kvmt_guest_nmi_handler:\n\t"
	"outb %al, $0x32\n\t"
	"outb %al, $0x33\n\t"
	"iretq");
KVMT_GUEST_LABEL(kvmt_guest_irq_handler);
KVMT_GUEST_LABEL(kvmt_guest_nmi_handler);

static int irq_guest_setup(struct kvmt_vcpu *vcpu, int if_on)
{
	struct kvm_regs regs;
	int ret = kvmt_setup(vcpu, KVMT_MODE_LONG64, KVMT_CODE(irq_guest));

	if (ret)
		return ret;
	kvmt_set_idt_gate(vcpu, KVMT_MODE_LONG64, VEC,
			  kvmt_guest_addr(kvmt_guest_irq_guest_start,
					  kvmt_guest_irq_handler));
	kvmt_set_idt_gate(vcpu, KVMT_MODE_LONG64, 2,
			  kvmt_guest_addr(kvmt_guest_irq_guest_start,
					  kvmt_guest_nmi_handler));
	ret = kvmt_get_regs(vcpu, &regs);
	if (ret)
		return ret;
	if (if_on)
		regs.rflags |= 0x200;
	return kvmt_set_regs(vcpu, &regs);
}

TEST_F(irq, inject_when_ready)
{
	struct kvm_run *run = self->vcpu->run;
	struct kvm_interrupt irq = { .irq = VEC };

	ASSERT_EQ(0, irq_guest_setup(self->vcpu, 1));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(1, run->if_flag);
	EXPECT_EQ(1, run->ready_for_interrupt_injection);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_INTERRUPT, &irq));
	/*
	 * Without an in-kernel irqchip upstream lets a second KVM_INTERRUPT
	 * replace the queued one (api.rst's -EEXIST is for the in-kernel
	 * LAPIC case), so that is not asserted either way.
	 */
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x30, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0, run->if_flag);	/* interrupt gate cleared IF */
	EXPECT_EQ(1, *(uint32_t *)kvmt_gpa(self->vm, 0x9000));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(1, run->if_flag);	/* restored by IRET */
	/* And again from the loop. */
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_INTERRUPT, &irq));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x30, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(2, *(uint32_t *)kvmt_gpa(self->vm, 0x9000));

	irq.irq = 256;
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_INTERRUPT, &irq));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_INTERRUPT, (void *)8));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(irq, interrupt_window)
{
	struct kvm_run *run = self->vcpu->run;
	struct kvm_interrupt irq = { .irq = VEC };
	struct kvm_regs regs;

	ASSERT_EQ(0, irq_guest_setup(self->vcpu, 0));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0, run->if_flag);
	EXPECT_EQ(0, run->ready_for_interrupt_injection);
	run->request_interrupt_window = 1;
	/* The guest runs until STI opens the window, then exits. */
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, run->if_flag);
	EXPECT_EQ(1, run->ready_for_interrupt_injection);
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_NE(0, regs.rflags & 0x200);
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_INTERRUPT, &irq));
	run->request_interrupt_window = 0;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x30, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(1, *(uint32_t *)kvmt_gpa(self->vm, 0x9000));
	/* Requesting a window that is already open exits at once. */
	run->request_interrupt_window = 1;
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_IRQ_WINDOW_OPEN);
	run->request_interrupt_window = 0;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
}

TEST_F(irq, nmi)
{
	struct kvm_run *run = self->vcpu->run;

	ASSERT_EQ(0, irq_guest_setup(self->vcpu, 0));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0, run->if_flag);
	/* NMIs ignore IF. */
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_NMI));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x32, KVM_EXIT_IO_OUT, 1);
	/* A second NMI waits for the handler's IRET. */
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_NMI));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x33, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x32, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x33, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
}

/* CR8 written by the guest shows in run->cr8; run->cr8 sets it. */
KVMT_GUEST_CODE(cr8_guest, ".code64",
	"movq $5, %rax\n\t"
	"movq %rax, %cr8\n\t"
	"outb %al, $0x10\n\t"
	"movq %cr8, %rax\n\t"
	"movq %rax, (0x9000)\n\t"
	"hlt");

TEST_F(irq, cr8)
{
	struct kvm_run *run = self->vcpu->run;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(cr8_guest)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(5, run->cr8);
	run->cr8 = 9;
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
	EXPECT_EQ(9, *(uint64_t *)kvmt_gpa(self->vm, 0x9000));
	EXPECT_EQ(9, run->cr8);
}

TEST_F(irq, inject_via_vcpu_events)
{
	struct kvm_vcpu_events ev;

	ASSERT_EQ(0, irq_guest_setup(self->vcpu, 1));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	/* Let the OUT complete before changing event state. */
	self->vcpu->run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, kvmt_run(self->vcpu));
	self->vcpu->run->immediate_exit = 0;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_VCPU_EVENTS, &ev));
	ev.flags = 0;
	ev.interrupt.injected = 1;
	ev.interrupt.nr = VEC;
	ev.interrupt.soft = 0;
	ASSERT_EQ(0, ioctl(self->vcpu->fd, KVM_SET_VCPU_EVENTS, &ev));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x30, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(1, *(uint32_t *)kvmt_gpa(self->vm, 0x9000));
}

/*
 * The same protocol in real and 32-bit protected mode: IF on, loop on
 * OUT 0x11; the handler counts at [0x9000], OUTs 0x30 and IRETs.
 */
KVMT_GUEST_CODE(irq_real, ".code16",
	"1:\n\t"
	"outb %al, $0x11\n\t"
	"jmp 1b\n"
	"kvmt_guest_irq_real_handler:\n\t"
	"incw (0x9000)\n\t"
	"outb %al, $0x30\n\t"
	"iret");
KVMT_GUEST_LABEL(kvmt_guest_irq_real_handler);

KVMT_GUEST_CODE(irq_prot, ".code32",
	"1:\n\t"
	"outb %al, $0x11\n\t"
	"jmp 1b\n"
	"kvmt_guest_irq_prot_handler:\n\t"
	"incl (0x9000)\n\t"
	"outb %al, $0x30\n\t"
	"iretl");
KVMT_GUEST_LABEL(kvmt_guest_irq_prot_handler);

static void inject_in_mode(struct __test_metadata *_metadata,
			   struct kvmt_vcpu *vcpu, enum kvmt_mode mode,
			   const unsigned char *start,
			   const unsigned char *end,
			   const unsigned char *handler)
{
	struct kvm_interrupt irq = { .irq = VEC };
	struct kvm_regs regs;
	int i;

	ASSERT_EQ(0, kvmt_setup(vcpu, mode, start, end));
	kvmt_set_idt_gate(vcpu, mode, VEC, kvmt_guest_addr(start, handler));
	ASSERT_EQ(0, kvmt_get_regs(vcpu, &regs));
	regs.rflags |= 0x200;
	ASSERT_EQ(0, kvmt_set_regs(vcpu, &regs));
	for (i = 1; i <= 3; i++) {
		KVMT_RUN_EXPECT_IO(vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
		EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
		ASSERT_EQ(0, ioctl(vcpu->fd, KVM_INTERRUPT, &irq));
		KVMT_RUN_EXPECT_IO(vcpu, 0x30, KVM_EXIT_IO_OUT, 1);
		EXPECT_EQ(0, vcpu->run->if_flag);
		EXPECT_EQ(i, *(uint16_t *)kvmt_gpa(vcpu->vm, 0x9000));
	}
	KVMT_RUN_EXPECT_IO(vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(1, vcpu->run->if_flag);
}

TEST_F(irq, real_mode_ivt)
{
	inject_in_mode(_metadata, self->vcpu, KVMT_MODE_REAL,
		       KVMT_CODE(irq_real), kvmt_guest_irq_real_handler);
}

TEST_F(irq, protected_mode_idt)
{
	inject_in_mode(_metadata, self->vcpu, KVMT_MODE_PROT32,
		       KVMT_CODE(irq_prot), kvmt_guest_irq_prot_handler);
}

TEST_HARNESS_MAIN

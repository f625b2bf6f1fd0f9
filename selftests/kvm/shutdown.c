// SPDX-License-Identifier: GPL-2.0
/*
 * Triple faults end in KVM_EXIT_SHUTDOWN: an exception with no usable
 * IDT in long, protected and real mode.  The vCPU stays usable: set up
 * again it runs a new guest to HLT.
 */
#include "kvm_test.h"

KVMT_VM_FIXTURE(shutdown);

KVMT_GUEST_CODE(tf_long, ".code64", "ud2");
KVMT_GUEST_CODE(tf_prot, ".code32", "int $0x80");
KVMT_GUEST_CODE(tf_real, ".code16", "int $0x21");
KVMT_GUEST_CODE(tf_after, ".code64", "outb %al, $0x42\n\thlt");

static void no_idt(struct kvmt_vcpu *vcpu)
{
	struct kvm_sregs s;

	kvmt_get_sregs(vcpu, &s);
	s.idt.base = 0;
	s.idt.limit = 0;
	kvmt_set_sregs(vcpu, &s);
}

FIXTURE_VARIANT(shutdown) {
	enum kvmt_mode mode;
	const unsigned char *start, *end;
};

FIXTURE_VARIANT_ADD(shutdown, long) {
	KVMT_MODE_LONG64, KVMT_CODE(tf_long),
};

FIXTURE_VARIANT_ADD(shutdown, protected) {
	KVMT_MODE_PROT32, KVMT_CODE(tf_prot),
};

FIXTURE_VARIANT_ADD(shutdown, real) {
	KVMT_MODE_REAL, KVMT_CODE(tf_real),
};

TEST_F(shutdown, triple_fault)
{
	ASSERT_EQ(0, kvmt_setup(self->vcpu, variant->mode, variant->start,
				variant->end));
	no_idt(self->vcpu);
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_SHUTDOWN);

	/* Reusable after a full set-up. */
	memset(kvmt_gpa(self->vm, 0), 0, 0x1000);
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(tf_after)));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x42, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A mailbox guest for memory tests: the host names a guest physical
 * address and a value, the guest reads the qword there and writes the
 * value, and the host learns what was read and whether either access
 * exited as MMIO.
 */
#ifndef KVM_MAILBOX_H
#define KVM_MAILBOX_H

#include "kvm_test.h"

/*
 * Mailbox at 0x9000: [0] address, [1] value.  The guest reads the qword
 * at the address into [2], exits on port 0x10, writes the value there,
 * exits on port 0x11, and starts over.
 */
KVMT_GUEST_CODE(slot_rw, ".code64",
	"1:\n\t"
	"movq (0x9000), %rdi\n\t"
	"movq (0x9008), %rsi\n\t"
	"movq (%rdi), %rax\n\t"
	"movq %rax, (0x9010)\n\t"
	"outb %al, $0x10\n\t"
	"movq %rsi, (%rdi)\n\t"
	"outb %al, $0x11\n\t"
	"jmp 1b");

struct access_result {
	uint64_t read;		/* what the guest read */
	int read_mmio;		/* the read exited as MMIO */
	int write_mmio;		/* the write exited as MMIO */
	uint64_t write_data;	/* data of the MMIO write */
};

#define MMIO_FILL 0x0bad0bad0bad0badULL

/* One mailbox cycle; 0 or -1 after logging. */
static inline int guest_access(struct __test_metadata *_metadata,
			struct kvmt_vcpu *vcpu, uint64_t gpa, uint64_t val,
			struct access_result *r)
{
	uint64_t *box = kvmt_gpa(vcpu->vm, 0x9000);
	struct kvm_run *run = vcpu->run;
	char b[256];

	memset(r, 0, sizeof(*r));
	box[0] = gpa;
	box[1] = val;
	if (kvmt_run(vcpu))
		goto bad;
	if (run->exit_reason == KVM_EXIT_MMIO) {
		if (run->mmio.is_write || run->mmio.phys_addr != gpa ||
		    run->mmio.len != 8)
			goto bad;
		r->read_mmio = 1;
		memcpy(run->mmio.data, &(uint64_t){ MMIO_FILL }, 8);
		if (kvmt_run(vcpu))
			goto bad;
	}
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != 0x10)
		goto bad;
	r->read = box[2];
	if (kvmt_run(vcpu))
		goto bad;
	if (run->exit_reason == KVM_EXIT_MMIO) {
		if (!run->mmio.is_write || run->mmio.phys_addr != gpa ||
		    run->mmio.len != 8)
			goto bad;
		r->write_mmio = 1;
		memcpy(&r->write_data, run->mmio.data, 8);
		if (kvmt_run(vcpu))
			goto bad;
	}
	if (run->exit_reason != KVM_EXIT_IO || run->io.port != 0x11)
		goto bad;
	return 0;
bad:
	TH_LOG("gpa 0x%llx: %s", (unsigned long long)gpa,
	       kvmt_describe_exit(vcpu, b, sizeof(b)));
	return -1;
}

#endif

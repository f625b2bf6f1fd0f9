// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hotplug: kvmx turns SVM off on a CPU going offline and back on when
 * it returns; guests keep running on the remaining CPUs and on the CPU
 * after it is back, and a vCPU that ran on the departed CPU moves on.
 * Needs a machine with two CPUs (tools/vm/run --smp 2); skips otherwise.
 */
#include <sched.h>
#include <stdint.h>
#include <unistd.h>

#include "kvm_test.h"

#define CPU1_ONLINE	"/sys/devices/system/cpu/cpu1/online"

KVMT_GUEST_CODE(count, ".code64",
	"1:\n\t"
	"incl (0x9000)\n\t"
	"movl (0x9000), %eax\n\t"
	"outl %eax, $0x10\n\t"
	"jmp 1b");

KVMT_VM_FIXTURE(hotplug);

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void run_some(struct __test_metadata *_metadata,
		     struct kvmt_vcpu *vcpu, uint32_t *expect)
{
	int i;

	for (i = 0; i < 50; i++) {
		KVMT_RUN_EXPECT_IO(vcpu, 0x10, KVM_EXIT_IO_OUT, 4);
		ASSERT_EQ(++*expect, *(uint32_t *)kvmt_io_data(vcpu));
	}
}

TEST_F(hotplug, offline_online_while_vm_exists)
{
	uint32_t n = 0;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2 ||
	    kvmx_write_file(CPU1_ONLINE, "1"))
		SKIP(return, "needs a second, hot-pluggable CPU");
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(count)));
	pin(1);
	run_some(_metadata, self->vcpu, &n);
	pin(0);
	ASSERT_EQ(0, kvmx_write_file(CPU1_ONLINE, "0"));
	run_some(_metadata, self->vcpu, &n);
	ASSERT_EQ(0, kvmx_write_file(CPU1_ONLINE, "1"));
	pin(1);
	run_some(_metadata, self->vcpu, &n);
	pin(0);
	run_some(_metadata, self->vcpu, &n);
}

TEST_HARNESS_MAIN

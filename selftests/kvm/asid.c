// SPDX-License-Identifier: GPL-2.0
/*
 * More guests than the CPU has address-space ids (QEMU's SVM model has
 * 16): 40 VMs whose guests map the same guest virtual and physical
 * addresses to different host pages are run round robin, and each must
 * always read its own memory, never a TLB entry left by another guest
 * that held the same ASID.  Also eight vCPUs of one VM in threads.
 */
#include <pthread.h>

#include "kvm_test.h"

#define NR_VMS		40
#define NR_ROUNDS	5

/* OUT the qword at 0x9000 (low 32 bits) forever. */
KVMT_GUEST_CODE(own_value, ".code64",
	"1:\n\t"
	"movl (0x9000), %eax\n\t"
	"outl %eax, $0x10\n\t"
	"jmp 1b");

TEST(many_vms_round_robin)
{
	struct kvmt_vm *vm[NR_VMS];
	struct kvmt_vcpu *vcpu[NR_VMS];
	int i, round;

	ASSERT_EQ(0, kvmt_load_module());
	for (i = 0; i < NR_VMS; i++) {
		vm[i] = kvmt_vm_create(KVMT_MEM_SIZE);
		ASSERT_NE(NULL, vm[i]) TH_LOG("VM %d: %s", i, strerror(errno));
		vcpu[i] = kvmt_vcpu_add(vm[i], 0);
		ASSERT_NE(NULL, vcpu[i]);
		ASSERT_EQ(0, kvmt_setup(vcpu[i], KVMT_MODE_LONG64,
					KVMT_CODE(own_value)));
	}
	for (round = 0; round < NR_ROUNDS; round++) {
		for (i = 0; i < NR_VMS; i++)
			*(uint32_t *)kvmt_gpa(vm[i], 0x9000) =
				0x10000 * round + i;
		for (i = 0; i < NR_VMS; i++) {
			int j = round & 1 ? NR_VMS - 1 - i : i;

			KVMT_RUN_EXPECT_IO(vcpu[j], 0x10, KVM_EXIT_IO_OUT, 4);
			ASSERT_EQ(0x10000 * round + j,
				  *(uint32_t *)kvmt_io_data(vcpu[j]))
				TH_LOG("VM %d round %d", j, round);
		}
	}
	for (i = 0; i < NR_VMS; i++) {
		kvmt_vcpu_free(vcpu[i]);
		kvmt_vm_free(vm[i]);
	}
	EXPECT_EQ(0, kvmt_unload_module());
}

struct id_thread {
	struct kvmt_vcpu *vcpu;
	int bad;
};

/* Each vCPU (RBX = id) OUTs [0x9000 + 8*id] forever. */
KVMT_GUEST_CODE(vcpu_value, ".code64",
	"1:\n\t"
	"movl 0x9000(,%rbx,8), %eax\n\t"
	"outl %eax, $0x10\n\t"
	"jmp 1b");

static void *id_thread_fn(void *arg)
{
	struct id_thread *t = arg;
	int i;

	for (i = 0; i < 50; i++)
		if (kvmt_run(t->vcpu) ||
		    t->vcpu->run->exit_reason != KVM_EXIT_IO ||
		    *(uint32_t *)kvmt_io_data(t->vcpu) !=
		    0xabc00 + (uint32_t)t->vcpu->id)
			t->bad++;
	return NULL;
}

TEST(eight_vcpus)
{
	struct id_thread t[8] = {};
	pthread_t th[8];
	struct kvmt_vm *vm;
	int i;

	ASSERT_EQ(0, kvmt_load_module());
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	kvmt_load_code(vm, KVMT_CODE(vcpu_value));
	for (i = 0; i < 8; i++) {
		struct kvm_regs regs;

		((uint64_t *)kvmt_gpa(vm, 0x9000))[i] = 0xabc00 + i;
		t[i].vcpu = kvmt_vcpu_add(vm, i);
		ASSERT_NE(NULL, t[i].vcpu);
		ASSERT_EQ(0, kvmt_setup_mode(t[i].vcpu, KVMT_MODE_LONG64));
		ASSERT_EQ(0, kvmt_get_regs(t[i].vcpu, &regs));
		regs.rbx = i;
		ASSERT_EQ(0, kvmt_set_regs(t[i].vcpu, &regs));
	}
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, id_thread_fn, &t[i]));
	for (i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, t[i].bad) TH_LOG("vCPU %d", i);
		kvmt_vcpu_free(t[i].vcpu);
	}
	kvmt_vm_free(vm);
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST_HARNESS_MAIN

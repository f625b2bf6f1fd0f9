// SPDX-License-Identifier: GPL-2.0
/*
 * Several vCPUs and several VMs: two vCPUs of one VM run in their own
 * threads, share guest memory (one hands a value to the other through
 * RAM) and exit independently; two VMs with the same guest layout run at
 * once without seeing each other's memory; vCPU ids are unique; a vCPU
 * may be run from a different thread each time and from every CPU (run
 * with --smp 2 to make the migration real).
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "kvm_test.h"

#define ROUNDS 100

/*
 * vCPU n (RBX = n): ROUNDS times OUT its id on port 0x10+n while adding
 * to its counter at 0x9000+8n; vCPU 0 then stores a token at 0x9100;
 * vCPU 1 polls for it (exiting on 0x20 between polls) and halts.
 */
KVMT_GUEST_CODE(multi_guest, ".code64",
	"movl $100, %ecx\n\t"
	"leaq 0x9000(,%rbx,8), %rdi\n\t"
	"leal 0x10(%rbx), %edx\n"
	"1:\n\t"
	"incq (%rdi)\n\t"
	"movl %ebx, %eax\n\t"
	"outb %al, %dx\n\t"
	"loop 1b\n\t"
	"testq %rbx, %rbx\n\t"
	"jnz 2f\n\t"
	"movq $0x70c3e, (0x9100)\n\t"
	"hlt\n"
	"2:\n\t"
	"cmpq $0x70c3e, (0x9100)\n\t"
	"je 3f\n\t"
	"pause\n\t"
	"outb %al, $0x20\n\t"
	"jmp 2b\n"
	"3:\n\t"
	"movq (0x9100), %rax\n\t"
	"movq %rax, (0x9108)\n\t"
	"hlt");

struct vcpu_thread {
	struct kvmt_vcpu *vcpu;
	int exits;
	int error;		/* 0 ok, else the step that failed */
};

static void *vcpu_thread_fn(void *arg)
{
	struct vcpu_thread *t = arg;
	struct kvm_run *run = t->vcpu->run;
	int id = t->vcpu->id;

	for (;;) {
		if (kvmt_run(t->vcpu)) {
			t->error = 1;
			break;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason != KVM_EXIT_IO) {
			t->error = 2;
			break;
		}
		if (run->io.port == 0x10 + id) {
			if (*(uint8_t *)kvmt_io_data(t->vcpu) != id) {
				t->error = 3;
				break;
			}
			t->exits++;
		} else if (run->io.port != 0x20 || id != 1) {
			t->error = 4;
			break;
		}
	}
	return NULL;
}

static int setup_vcpu_n(struct kvmt_vcpu *vcpu)
{
	struct kvm_regs regs;
	int ret = kvmt_setup_mode(vcpu, KVMT_MODE_LONG64);

	if (ret)
		return ret;
	ret = kvmt_get_regs(vcpu, &regs);
	if (ret)
		return ret;
	regs.rbx = vcpu->id;
	regs.rsp = KVMT_STACK_TOP - 0x1000 * vcpu->id;
	return kvmt_set_regs(vcpu, &regs);
}

TEST(two_vcpus_one_vm)
{
	struct kvmt_vm *vm;
	struct vcpu_thread t[2] = {};
	pthread_t th[2];
	uint64_t *mem;
	int i;

	ASSERT_EQ(0, kvmt_load_module());
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	mem = kvmt_gpa(vm, 0x9000);
	kvmt_load_code(vm, KVMT_CODE(multi_guest));
	for (i = 0; i < 2; i++) {
		t[i].vcpu = kvmt_vcpu_add(vm, i);
		ASSERT_NE(NULL, t[i].vcpu);
		ASSERT_EQ(0, setup_vcpu_n(t[i].vcpu));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, vcpu_thread_fn,
					    &t[i]));
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++) {
		char b[256];

		EXPECT_EQ(0, t[i].error) TH_LOG("vcpu %d: %s", i,
			kvmt_describe_exit(t[i].vcpu, b, sizeof(b)));
		EXPECT_EQ(ROUNDS, t[i].exits);
		EXPECT_EQ(ROUNDS, mem[i]);
	}
	/* vCPU 1 saw vCPU 0's store through guest RAM. */
	EXPECT_EQ(0x70c3e, mem[0x21]);
	for (i = 0; i < 2; i++)
		kvmt_vcpu_free(t[i].vcpu);
	kvmt_vm_free(vm);
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST(vcpu_ids)
{
	struct kvmt_vm *vm;
	struct kvmt_vcpu *v0, *v1;
	int max, fd;

	ASSERT_EQ(0, kvmt_load_module());
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	v0 = kvmt_vcpu_add(vm, 0);
	ASSERT_NE(NULL, v0);
	v1 = kvmt_vcpu_add(vm, 3);	/* ids need not be dense */
	ASSERT_NE(NULL, v1);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_VCPU, 0));
	EXPECT_EQ(EEXIST, errno);
	max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPU_ID);
	if (max <= 0)
		max = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION,
			    KVM_CAP_MAX_VCPUS);
	ASSERT_LT(0, max);
	fd = ioctl(vm->fd, KVM_CREATE_VCPU, max);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(vm->fd, KVM_CREATE_VCPU, -1));
	EXPECT_EQ(EINVAL, errno);
	kvmt_vcpu_free(v1);
	kvmt_vcpu_free(v0);
	kvmt_vm_free(vm);
	EXPECT_EQ(0, kvmt_unload_module());
}

/* Each VM: add its RBX tag to [0x9000] 50 times, OUT, then HLT. */
KVMT_GUEST_CODE(vm_tag_guest, ".code64",
	"movl $50, %ecx\n"
	"1:\n\t"
	"addq %rbx, (0x9000)\n\t"
	"outb %al, $0x10\n\t"
	"loop 1b\n\t"
	"hlt");

struct vm_thread {
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;
	int exits;
	int error;
};

static void *vm_thread_fn(void *arg)
{
	struct vm_thread *t = arg;

	for (;;) {
		if (kvmt_run(t->vcpu)) {
			t->error = 1;
			break;
		}
		if (t->vcpu->run->exit_reason == KVM_EXIT_HLT)
			break;
		if (t->vcpu->run->exit_reason != KVM_EXIT_IO ||
		    t->vcpu->run->io.port != 0x10) {
			t->error = 2;
			break;
		}
		t->exits++;
	}
	return NULL;
}

TEST(two_vms_at_once)
{
	struct vm_thread t[2] = {};
	pthread_t th[2];
	int i;

	ASSERT_EQ(0, kvmt_load_module());
	for (i = 0; i < 2; i++) {
		struct kvm_regs regs;

		t[i].vm = kvmt_vm_create(KVMT_MEM_SIZE);
		ASSERT_NE(NULL, t[i].vm);
		t[i].vcpu = kvmt_vcpu_add(t[i].vm, 0);
		ASSERT_NE(NULL, t[i].vcpu);
		ASSERT_EQ(0, kvmt_setup(t[i].vcpu, KVMT_MODE_LONG64,
					KVMT_CODE(vm_tag_guest)));
		ASSERT_EQ(0, kvmt_get_regs(t[i].vcpu, &regs));
		regs.rbx = i ? 0x10000 : 1;
		ASSERT_EQ(0, kvmt_set_regs(t[i].vcpu, &regs));
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, vm_thread_fn, &t[i]));
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, t[i].error);
		EXPECT_EQ(50, t[i].exits);
	}
	/* Each VM's RAM holds only its own sum. */
	EXPECT_EQ(50, *(uint64_t *)kvmt_gpa(t[0].vm, 0x9000));
	EXPECT_EQ(50 * 0x10000, *(uint64_t *)kvmt_gpa(t[1].vm, 0x9000));
	for (i = 0; i < 2; i++) {
		kvmt_vcpu_free(t[i].vcpu);
		kvmt_vm_free(t[i].vm);
	}
	EXPECT_EQ(0, kvmt_unload_module());
}

/* Count in RAX, OUT it on port 0x10, forever. */
KVMT_GUEST_CODE(count_guest, ".code64",
	"xorl %eax, %eax\n"
	"1:\n\t"
	"incl %eax\n\t"
	"outl %eax, $0x10\n\t"
	"jmp 1b");

struct hop {
	struct kvmt_vcpu *vcpu;
	int from, to;		/* expected counter values */
	int error;
};

static void *hop_fn(void *arg)
{
	struct hop *h = arg;
	int i;

	for (i = h->from; i < h->to; i++) {
		if (kvmt_run(h->vcpu) ||
		    h->vcpu->run->exit_reason != KVM_EXIT_IO ||
		    *(uint32_t *)kvmt_io_data(h->vcpu) != (uint32_t)i) {
			h->error = i;
			break;
		}
	}
	return NULL;
}

TEST(run_from_different_threads)
{
	struct kvmt_vm *vm;
	struct hop h = {};
	int i;

	ASSERT_EQ(0, kvmt_load_module());
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	h.vcpu = kvmt_vcpu_add(vm, 0);
	ASSERT_NE(NULL, h.vcpu);
	ASSERT_EQ(0, kvmt_setup(h.vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(count_guest)));
	for (i = 0; i < 6; i++) {
		pthread_t th;

		h.from = 1 + i * 20;
		h.to = h.from + 20;
		if (i % 3 == 2) {
			hop_fn(&h);	/* and the creating thread */
		} else {
			ASSERT_EQ(0, pthread_create(&th, NULL, hop_fn, &h));
			pthread_join(th, NULL);
		}
		ASSERT_EQ(0, h.error) TH_LOG("hop %d", i);
	}
	kvmt_vcpu_free(h.vcpu);
	kvmt_vm_free(vm);
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST(migrate_between_cpus)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;
	cpu_set_t all, one;
	int i;

	ASSERT_LT(0, ncpu);
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(all), &all));
	ASSERT_EQ(0, kvmt_load_module());
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	vcpu = kvmt_vcpu_add(vm, 0);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, kvmt_setup(vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(count_guest)));
	for (i = 1; i <= 100; i++) {
		CPU_ZERO(&one);
		CPU_SET(i % ncpu, &one);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(one), &one));
		KVMT_RUN_EXPECT_IO(vcpu, 0x10, KVM_EXIT_IO_OUT, 4);
		ASSERT_EQ(i, *(uint32_t *)kvmt_io_data(vcpu));
	}
	sched_setaffinity(0, sizeof(all), &all);
	kvmt_vcpu_free(vcpu);
	kvmt_vm_free(vm);
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST_HARNESS_MAIN

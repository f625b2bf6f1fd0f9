// SPDX-License-Identifier: GPL-2.0
/*
 * Object lifetimes: a process killed while its vCPU thread is inside
 * KVM_RUN, and the system, VM and vCPU fds (and the kvm_run mapping)
 * closed in every order, leave no module reference, no fd and no pinned
 * guest memory behind; a vCPU keeps its VM alive after the VM fd is
 * closed; the module cannot be unloaded while any of them is open, and
 * unloads once they are gone.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm_test.h"

/* Wait up to a second for the module refcount to drop to @want. */
static long long settle_refcnt(long long want)
{
	long long r = kvmt_module_refcnt();
	int i;

	for (i = 0; i < 100 && r != want; i++) {
		usleep(10000);
		r = kvmt_module_refcnt();
	}
	return r;
}

static int unload_refused(void)
{
	int ret = kvmt_is_upstream() ? kvmx_rmmod("kvm_amd") :
				       kvmx_rmmod("kvmx");

	return (ret == -EAGAIN || ret == -EBUSY) &&
	       kvmx_module_loaded(kvmt_module_name());
}

KVMT_GUEST_CODE(forever, ".code64", "1:\n\tpause\n\tjmp 1b");
KVMT_GUEST_CODE(halt, ".code64", "hlt");

static void *run_forever(void *arg)
{
	struct kvmt_vcpu *vcpu = arg;

	for (;;)
		kvmt_run(vcpu);
	return NULL;
}

/* Child: a VM whose vCPU thread spins in the guest; never returns. */
static void child_spin(int ready_fd, int nr_vcpus)
{
	struct kvmt_vm *vm = kvmt_vm_create(KVMT_MEM_SIZE);
	pthread_t th;
	int i;

	if (!vm)
		_exit(2);
	kvmt_load_code(vm, KVMT_CODE(forever));
	for (i = 0; i < nr_vcpus; i++) {
		struct kvmt_vcpu *vcpu = kvmt_vcpu_add(vm, i);

		if (!vcpu || kvmt_setup_mode(vcpu, KVMT_MODE_LONG64))
			_exit(3);
		if (pthread_create(&th, NULL, run_forever, vcpu))
			_exit(4);
	}
	usleep(50000);
	if (write(ready_fd, "r", 1) != 1)
		_exit(5);
	for (;;)
		pause();
}

TEST(killed_mid_run)
{
	long long base;
	int round;

	ASSERT_EQ(0, kvmt_load_module());
	base = kvmt_module_refcnt();
	ASSERT_LE(0, base);
	for (round = 0; round < 4; round++) {
		int p[2], status;
		pid_t pid;
		char c;

		ASSERT_EQ(0, pipe(p));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			close(p[0]);
			child_spin(p[1], 1 + round % 2);
		}
		close(p[1]);
		ASSERT_EQ(1, read(p[0], &c, 1)) TH_LOG("child set-up failed");
		close(p[0]);
		EXPECT_LT(base, kvmt_module_refcnt());
		usleep(20000);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status));
		EXPECT_EQ(base, settle_refcnt(base)) TH_LOG("round %d", round);
	}
	EXPECT_EQ(0, kvmt_unload_module());
	EXPECT_FALSE(kvmx_module_loaded(kvmt_module_name()));
}

static const int orders[6][3] = {
	{ 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
	{ 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 },
};

TEST(close_in_every_order)
{
	long long base;
	int fds_before, o;

	ASSERT_EQ(0, kvmt_load_module());
	base = kvmt_module_refcnt();
	fds_before = kvmx_count_fds();
	for (o = 0; o < 6; o++) {
		struct kvmt_vm *vm = kvmt_vm_create(KVMT_MEM_SIZE);
		struct kvmt_vcpu *vcpu;
		int fd[3], i;

		ASSERT_NE(NULL, vm);
		vcpu = kvmt_vcpu_add(vm, 0);
		ASSERT_NE(NULL, vcpu);
		ASSERT_EQ(0, kvmt_setup(vcpu, KVMT_MODE_LONG64,
					KVMT_CODE(halt)));
		KVMT_RUN_EXPECT(vcpu, KVM_EXIT_HLT);
		fd[0] = vm->sys_fd;
		fd[1] = vm->fd;
		fd[2] = vcpu->fd;
		/* Odd orders drop the kvm_run mapping first, even last. */
		if (o & 1)
			munmap(vcpu->run, vm->run_size);
		for (i = 0; i < 3; i++)
			EXPECT_EQ(0, close(fd[orders[o][i]]));
		if (!(o & 1)) {
			/* The mapping outlives every fd. */
			EXPECT_EQ(KVM_EXIT_HLT, vcpu->run->exit_reason);
			EXPECT_LT(base, kvmt_module_refcnt());
			munmap(vcpu->run, vm->run_size);
		}
		munmap(vm->mem, vm->mem_size);
		free(vcpu);
		free(vm);
		EXPECT_EQ(base, settle_refcnt(base)) TH_LOG("order %d", o);
		EXPECT_EQ(fds_before, kvmx_count_fds());
	}
	EXPECT_EQ(0, kvmt_unload_module());
}

static void on_usr1(int sig)
{
}

struct closing_run {
	struct kvmt_vcpu *vcpu;
	int ret;
};

static void *run_until_signal(void *arg)
{
	struct closing_run *c = arg;

	c->ret = kvmt_run(c->vcpu);
	return NULL;
}

/*
 * Every fd and mapping is closed while the vCPU thread is inside
 * KVM_RUN; the run ends with -EINTR on a signal and only then is the VM
 * torn down.
 */
TEST(close_while_running)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct closing_run c = {};
	struct kvmt_vm *vm;
	long long base;
	pthread_t th;

	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, kvmt_load_module());
	base = kvmt_module_refcnt();
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	c.vcpu = kvmt_vcpu_add(vm, 0);
	ASSERT_NE(NULL, c.vcpu);
	ASSERT_EQ(0, kvmt_setup(c.vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(forever)));
	ASSERT_EQ(0, pthread_create(&th, NULL, run_until_signal, &c));
	usleep(50000);
	close(vm->sys_fd);
	close(vm->fd);
	close(c.vcpu->fd);
	munmap(c.vcpu->run, vm->run_size);
	usleep(20000);
	EXPECT_LT(base, kvmt_module_refcnt());	/* KVM_RUN holds it */
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	EXPECT_EQ(-EINTR, c.ret);
	munmap(vm->mem, vm->mem_size);
	free(c.vcpu);
	free(vm);
	EXPECT_EQ(base, settle_refcnt(base));
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST(vcpu_outlives_vm_fd)
{
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;
	long long base;

	ASSERT_EQ(0, kvmt_load_module());
	base = kvmt_module_refcnt();
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, vm);
	vcpu = kvmt_vcpu_add(vm, 0);
	ASSERT_NE(NULL, vcpu);
	ASSERT_EQ(0, kvmt_setup(vcpu, KVMT_MODE_LONG64, KVMT_CODE(halt)));
	close(vm->fd);
	close(vm->sys_fd);
	vm->fd = vm->sys_fd = -1;
	/* The vCPU still runs its guest in the VM's memory. */
	KVMT_RUN_EXPECT(vcpu, KVM_EXIT_HLT);
	EXPECT_TRUE(unload_refused());
	kvmt_vcpu_free(vcpu);
	kvmt_vm_free(vm);
	EXPECT_EQ(base, settle_refcnt(base));
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST(unload_refused_while_open)
{
	int sys, vm, vcpu;
	void *run;

	ASSERT_EQ(0, kvmt_load_module());
	sys = kvmt_open_dev();
	ASSERT_LE(0, sys);
	EXPECT_TRUE(unload_refused());		/* the system fd */
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	close(sys);
	EXPECT_TRUE(unload_refused());		/* a VM fd alone */
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, vcpu);
	run = mmap(NULL, 4096, PROT_READ, MAP_SHARED, vcpu, 0);
	ASSERT_NE(MAP_FAILED, run);
	close(vm);
	EXPECT_TRUE(unload_refused());		/* a vCPU fd */
	close(vcpu);
	EXPECT_TRUE(unload_refused());		/* only the mapping */
	munmap(run, 4096);
	EXPECT_EQ(0, settle_refcnt(0));
	EXPECT_EQ(0, kvmt_unload_module());
	EXPECT_FALSE(kvmx_module_loaded(kvmt_module_name()));
}

/* Touch 8 MiB of guest RAM from the guest, then halt. */
KVMT_GUEST_CODE(touch, ".code64",
	"movq $0x100000, %rdi\n\t"
	"movq $0xe0000, %rcx\n\t"
	"movq $0x5a5a5a5a5a5a5a5a, %rax\n\t"
	"rep stosq\n\t"
	"hlt");

TEST(guest_memory_released)
{
	long long before = 0, after;
	int i;

	ASSERT_EQ(0, kvmt_load_module());
	/* Warm up once so allocator caches do not count as a leak. */
	for (i = 0; i < 11; i++) {
		struct kvmt_vm *vm = kvmt_vm_create(8 << 20);
		struct kvmt_vcpu *vcpu;

		ASSERT_NE(NULL, vm);
		vcpu = kvmt_vcpu_add(vm, 0);
		ASSERT_NE(NULL, vcpu);
		ASSERT_EQ(0, kvmt_setup(vcpu, KVMT_MODE_LONG64,
					KVMT_CODE(touch)));
		KVMT_RUN_EXPECT(vcpu, KVM_EXIT_HLT);
		EXPECT_EQ(0x5a5a5a5a5a5a5a5aULL,
			  *(uint64_t *)kvmt_gpa(vm, 0x7ffff8));
		kvmt_vcpu_free(vcpu);
		kvmt_vm_free(vm);
		if (!i)
			before = kvmx_mem_free_kb();
	}
	after = kvmx_mem_free_kb();
	/* 10 leaked guests would be 80 MiB; allow 16 MiB of noise. */
	EXPECT_GT(16 * 1024, before - after)
		TH_LOG("MemFree %lld -> %lld kB", before, after);
	EXPECT_EQ(0, kvmt_unload_module());
}

TEST_HARNESS_MAIN

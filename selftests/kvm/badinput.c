// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input gets an errno and nothing else: garbage pointers (EFAULT),
 * garbage contents (EINVAL/E2BIG), ioctls on the wrong kind of fd
 * (ENOTTY or EINVAL), KVM_RUN with an argument, mmap of fds that have no
 * mapping, and a forked child using its parent's VM and vCPU fds (EIO,
 * as upstream: a VM belongs to the mm that created it).  The runner
 * fails the test on any kernel splat.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdlib.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(bad);

#define BADPTR ((void *)8)

static int wrong_fd_errno(int e)
{
	return e == ENOTTY || e == EINVAL;
}

TEST_F(bad, garbage_pointers)
{
	static const unsigned long vcpu_ioctls[] = {
		KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS,
		KVM_GET_FPU, KVM_SET_FPU, KVM_GET_MSRS, KVM_SET_MSRS,
		KVM_SET_CPUID2, KVM_INTERRUPT, KVM_GET_MP_STATE,
		KVM_SET_MP_STATE, KVM_GET_VCPU_EVENTS, KVM_SET_VCPU_EVENTS,
		KVM_GET_XSAVE, KVM_SET_XSAVE, KVM_GET_XSAVE2, KVM_GET_XCRS,
		KVM_SET_XCRS, KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS,
		KVM_SET_SIGNAL_MASK, KVM_TRANSLATE, KVM_SET_GUEST_DEBUG,
		KVM_ENABLE_CAP, KVM_GET_CPUID2,
	};
	static const unsigned long vm_ioctls[] = {
		KVM_SET_USER_MEMORY_REGION, KVM_IOEVENTFD, KVM_GET_DIRTY_LOG,
		KVM_CLEAR_DIRTY_LOG, KVM_ENABLE_CAP,
		KVM_REGISTER_COALESCED_MMIO, KVM_UNREGISTER_COALESCED_MMIO,
		KVM_GET_CLOCK, KVM_SET_CLOCK,
	};
	static const unsigned long sys_ioctls[] = {
		KVM_GET_MSR_INDEX_LIST, KVM_GET_SUPPORTED_CPUID,
		KVM_GET_EMULATED_CPUID, KVM_GET_MSR_FEATURE_INDEX_LIST,
		KVM_GET_MSRS,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcpu_ioctls); i++) {
		EXPECT_EQ(-1, ioctl(self->vcpu->fd, vcpu_ioctls[i], BADPTR))
			TH_LOG("vcpu ioctl 0x%lx", vcpu_ioctls[i]);
		EXPECT_EQ(EFAULT, errno) TH_LOG("vcpu ioctl 0x%lx",
						vcpu_ioctls[i]);
	}
	for (i = 0; i < ARRAY_SIZE(vm_ioctls); i++) {
		EXPECT_EQ(-1, ioctl(self->vm->fd, vm_ioctls[i], BADPTR));
		EXPECT_EQ(EFAULT, errno) TH_LOG("vm ioctl 0x%lx",
						vm_ioctls[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sys_ioctls); i++) {
		EXPECT_EQ(-1, ioctl(self->vm->sys_fd, sys_ioctls[i], BADPTR));
		EXPECT_EQ(EFAULT, errno) TH_LOG("sys ioctl 0x%lx",
						sys_ioctls[i]);
	}
	/* Kernel addresses are not user memory either. */
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_GET_REGS,
			    (void *)0xffffffff81000000ULL));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(bad, garbage_contents)
{
	union {
		struct kvm_sregs sregs;
		struct kvm_msrs msrs;
		struct kvm_cpuid2 cpuid;
		struct kvm_mp_state mp;
		struct kvm_vcpu_events ev;
		struct kvm_interrupt irq;
		struct kvm_ioeventfd ioev;
		struct kvm_userspace_memory_region slot;
		struct kvm_msr_list list;
		unsigned char raw[16384];
	} u;

#define GARBAGE() memset(&u, 0xff, sizeof(u))
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_SREGS, &u.sregs));
	EXPECT_EQ(EINVAL, errno);
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_MSRS, &u.msrs));
	EXPECT_EQ(E2BIG, errno);
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_GET_MSRS, &u.msrs));
	EXPECT_EQ(E2BIG, errno);
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_CPUID2, &u.cpuid));
	EXPECT_EQ(E2BIG, errno);
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_MP_STATE, &u.mp));
	EXPECT_EQ(EINVAL, errno);
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_SET_VCPU_EVENTS, &u.ev));
	EXPECT_EQ(EINVAL, errno);
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_INTERRUPT, &u.irq));
	EXPECT_EQ(EINVAL, errno);
	GARBAGE();
	/* all-ones flags include DEASSIGN of fd -1: EINVAL or EBADF */
	EXPECT_EQ(-1, ioctl(self->vm->fd, KVM_IOEVENTFD, &u.ioev));
	EXPECT_TRUE(errno == EINVAL || errno == EBADF) TH_LOG("%d", errno);
	GARBAGE();
	EXPECT_EQ(-1, ioctl(self->vm->fd, KVM_SET_USER_MEMORY_REGION,
			    &u.slot));
	EXPECT_EQ(EINVAL, errno);
	/* A huge nmsrs is sized, not trusted. */
	GARBAGE();
	u.list.nmsrs = 0xffffffff;
	EXPECT_EQ(0, ioctl(self->vm->sys_fd, KVM_GET_MSR_INDEX_LIST,
			   &u.list));
	EXPECT_GT(0xffffffffu, u.list.nmsrs);
	/* A huge nent is clamped: the kernel writes only what it has. */
	GARBAGE();
	EXPECT_EQ(0, ioctl(self->vm->sys_fd, KVM_GET_SUPPORTED_CPUID,
			   &u.cpuid));
	EXPECT_GT(256u, u.cpuid.nent);
	/* Out-of-range arguments to argument-less or integer ioctls. */
	EXPECT_EQ(-1, ioctl(self->vcpu->fd, KVM_RUN, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm->sys_fd, KVM_GET_API_VERSION, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, ioctl(self->vm->sys_fd, KVM_CREATE_VM, -1));
	EXPECT_EQ(EINVAL, errno);
#undef GARBAGE
}

TEST_F(bad, wrong_fd_type)
{
	struct kvm_regs regs;
	int sys = self->vm->sys_fd, vm = self->vm->fd, vcpu = self->vcpu->fd;

	/* vCPU ioctls on the VM and system fds. */
	EXPECT_EQ(-1, ioctl(vm, KVM_RUN, 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(vm, KVM_GET_REGS, &regs));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(sys, KVM_RUN, 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(sys, KVM_NMI, 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	/* VM ioctls on the vCPU and system fds. */
	EXPECT_EQ(-1, ioctl(vcpu, KVM_CREATE_VCPU, 1));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(sys, KVM_CREATE_VCPU, 1));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(vcpu, KVM_SET_TSS_ADDR, 0xfffbd000));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	/* System ioctls on the VM and vCPU fds. */
	EXPECT_EQ(-1, ioctl(vm, KVM_CREATE_VM, 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(vcpu, KVM_CREATE_VM, 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(vcpu, KVM_GET_API_VERSION, 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	/* Not KVM ioctls at all. */
	EXPECT_EQ(-1, ioctl(vcpu, _IO(0x55, 0x01), 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	EXPECT_EQ(-1, ioctl(vm, _IOW(KVMIO, 0xfe, int), 0));
	EXPECT_TRUE(wrong_fd_errno(errno)) TH_LOG("errno %d", errno);
	/* Only vCPU fds can be mapped. */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, vm, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, sys,
				   0));
	/* The VM still works afterwards. */
	EXPECT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
}

TEST_F(bad, other_process)
{
	int status;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct kvm_userspace_memory_region slot = {
			.slot = 3,
			.guest_phys_addr = 0x80000000,
			.memory_size = 0x1000,
			.userspace_addr = (uint64_t)(uintptr_t)self->vm->mem,
		};
		struct kvm_regs regs;
		int fail = 0, vm2;

		if (ioctl(self->vm->fd, KVM_CREATE_VCPU, 1) != -1 ||
		    errno != EIO)
			fail |= 1;
		if (ioctl(self->vcpu->fd, KVM_GET_REGS, &regs) != -1 ||
		    errno != EIO)
			fail |= 2;
		if (ioctl(self->vcpu->fd, KVM_RUN, 0) != -1 || errno != EIO)
			fail |= 4;
		if (ioctl(self->vm->fd, KVM_SET_USER_MEMORY_REGION, &slot) != -1 ||
		    errno != EIO)
			fail |= 8;
		/* The system fd is not tied to an mm: a new VM is fine. */
		if (ioctl(self->vm->sys_fd, KVM_GET_API_VERSION, 0) != 12)
			fail |= 16;
		vm2 = ioctl(self->vm->sys_fd, KVM_CREATE_VM, 0);
		if (vm2 < 0)
			fail |= 32;
		else
			close(vm2);
		_exit(fail);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("failed checks mask 0x%x", WEXITSTATUS(status));
}

/*
 * Random contents for every state-setting ioctl added with dirty logging,
 * XSAVE/XCRS/DEBUGREGS, guest debug, coalesced MMIO and the clock: any
 * errno or success is fine, a splat or a hang is not.  The vCPU then
 * still answers GET ioctls.
 */
TEST_F(bad, random_contents_for_state_ioctls)
{
	static const struct { int vm; unsigned long req; size_t len; } t[] = {
		{ 0, KVM_SET_XSAVE, sizeof(struct kvm_xsave) },
		{ 0, KVM_SET_XCRS, sizeof(struct kvm_xcrs) },
		{ 0, KVM_SET_DEBUGREGS, sizeof(struct kvm_debugregs) },
		{ 0, KVM_SET_GUEST_DEBUG, sizeof(struct kvm_guest_debug) },
		{ 0, KVM_TRANSLATE, sizeof(struct kvm_translation) },
		{ 0, KVM_ENABLE_CAP, sizeof(struct kvm_enable_cap) },
		{ 1, KVM_ENABLE_CAP, sizeof(struct kvm_enable_cap) },
		{ 1, KVM_REGISTER_COALESCED_MMIO,
		  sizeof(struct kvm_coalesced_mmio_zone) },
		{ 1, KVM_UNREGISTER_COALESCED_MMIO,
		  sizeof(struct kvm_coalesced_mmio_zone) },
		{ 1, KVM_SET_CLOCK, sizeof(struct kvm_clock_data) },
	};
	static uint8_t buf[8192];
	struct kvm_regs regs;
	unsigned int i, j, k;

	srand(1234);
	for (k = 0; k < 50; k++) {
		for (i = 0; i < ARRAY_SIZE(t); i++) {
			for (j = 0; j < t[i].len; j++)
				buf[j] = rand();
			/* Sometimes the flags words are zero. */
			if (k & 1)
				memset(buf, 0, 8);
			ioctl(t[i].vm ? self->vm->fd : self->vcpu->fd,
			      t[i].req, buf);
		}
	}
	/* Off again, so the fixture's teardown has nothing to undo. */
	memset(buf, 0, sizeof(struct kvm_guest_debug));
	EXPECT_EQ(0, ioctl(self->vcpu->fd, KVM_SET_GUEST_DEBUG, buf));
	EXPECT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_EQ(0, ioctl(self->vcpu->fd, KVM_GET_XSAVE, buf));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * System ioctls: KVM_GET_API_VERSION, KVM_CHECK_EXTENSION (on the system
 * fd and, with KVM_CAP_CHECK_EXTENSION_VM, on a VM fd) for every
 * capability a userspace-irqchip VMM needs, KVM_GET_VCPU_MMAP_SIZE,
 * KVM_CREATE_VM types, KVM_SET_TSS_ADDR / KVM_SET_IDENTITY_MAP_ADDR.
 */
#include <unistd.h>

#include "kvm_test.h"

FIXTURE(caps) {
	int fd;
};

FIXTURE_SETUP(caps)
{
	ASSERT_EQ(0, kvmt_load_module());
	self->fd = kvmt_open_dev();
	ASSERT_LE(0, self->fd) TH_LOG("open %s: %s", kvmt_dev_path(),
				      strerror(-self->fd));
}

FIXTURE_TEARDOWN(caps)
{
	if (self->fd >= 0)
		close(self->fd);
	kvmt_unload_module();
}

static const struct { int cap; const char *name; } required_caps[] = {
	{ KVM_CAP_USER_MEMORY, "USER_MEMORY" },
	{ KVM_CAP_DESTROY_MEMORY_REGION_WORKS, "DESTROY_MEMORY_REGION_WORKS" },
	{ KVM_CAP_JOIN_MEMORY_REGIONS_WORKS, "JOIN_MEMORY_REGIONS_WORKS" },
	{ KVM_CAP_INTERNAL_ERROR_DATA, "INTERNAL_ERROR_DATA" },
	{ KVM_CAP_IOEVENTFD, "IOEVENTFD" },
	{ KVM_CAP_SET_TSS_ADDR, "SET_TSS_ADDR" },
	{ KVM_CAP_EXT_CPUID, "EXT_CPUID" },
	{ KVM_CAP_MP_STATE, "MP_STATE" },
	{ KVM_CAP_VCPU_EVENTS, "VCPU_EVENTS" },
	{ KVM_CAP_NR_MEMSLOTS, "NR_MEMSLOTS" },
	{ KVM_CAP_NR_VCPUS, "NR_VCPUS" },
	{ KVM_CAP_MAX_VCPUS, "MAX_VCPUS" },
	{ KVM_CAP_IMMEDIATE_EXIT, "IMMEDIATE_EXIT" },
	{ KVM_CAP_READONLY_MEM, "READONLY_MEM" },
	{ KVM_CAP_SET_IDENTITY_MAP_ADDR, "SET_IDENTITY_MAP_ADDR" },
	{ KVM_CAP_CHECK_EXTENSION_VM, "CHECK_EXTENSION_VM" },
	{ KVM_CAP_GET_MSR_FEATURES, NULL },	/* not required */
};

TEST_F(caps, api_version)
{
	EXPECT_EQ(KVM_API_VERSION, ioctl(self->fd, KVM_GET_API_VERSION, 0));
	EXPECT_EQ(12, ioctl(self->fd, KVM_GET_API_VERSION, 0));
}

TEST_F(caps, required_extensions)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(required_caps);
	     i++) {
		int r = ioctl(self->fd, KVM_CHECK_EXTENSION,
			      required_caps[i].cap);

		EXPECT_LE(0, r);
		if (required_caps[i].name)
			EXPECT_LT(0, r) TH_LOG("KVM_CAP_%s",
					       required_caps[i].name);
	}
	EXPECT_LE(ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS),
		  ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS));
	EXPECT_LE(32, ioctl(self->fd, KVM_CHECK_EXTENSION,
			    KVM_CAP_NR_MEMSLOTS));
	EXPECT_LE(1, ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_NR_VCPUS));
	EXPECT_LE(2, ioctl(self->fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS));
}

TEST_F(caps, unknown_extension_is_zero)
{
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, 100000));
	EXPECT_EQ(0, ioctl(self->fd, KVM_CHECK_EXTENSION, -1));
}

TEST_F(caps, vm_fd_extensions)
{
	int vm = ioctl(self->fd, KVM_CREATE_VM, 0);
	unsigned int i;

	ASSERT_LE(0, vm);
	for (i = 0; i < ARRAY_SIZE(required_caps);
	     i++) {
		int sys = ioctl(self->fd, KVM_CHECK_EXTENSION,
				required_caps[i].cap);

		/* A VM may only narrow what the system fd announced. */
		EXPECT_GE(sys, ioctl(vm, KVM_CHECK_EXTENSION,
				     required_caps[i].cap) ? sys : 0);
		if (required_caps[i].name)
			EXPECT_LT(0, ioctl(vm, KVM_CHECK_EXTENSION,
					   required_caps[i].cap))
				TH_LOG("KVM_CAP_%s", required_caps[i].name);
	}
	close(vm);
}

TEST_F(caps, vcpu_mmap_size)
{
	long page = sysconf(_SC_PAGESIZE);
	int size = ioctl(self->fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	ASSERT_LE((int)sizeof(struct kvm_run), size);
	EXPECT_EQ(0, size % page);
	/* A VM fd does not answer this system ioctl. */
	{
		int vm = ioctl(self->fd, KVM_CREATE_VM, 0);

		ASSERT_LE(0, vm);
		EXPECT_EQ(-1, ioctl(vm, KVM_GET_VCPU_MMAP_SIZE, 0));
		close(vm);
	}
}

TEST_F(caps, create_vm_types)
{
	int vm;

	EXPECT_EQ(-1, ioctl(self->fd, KVM_CREATE_VM, 0x7fff));
	EXPECT_EQ(EINVAL, errno);
	vm = ioctl(self->fd, KVM_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	EXPECT_EQ(0, ioctl(vm, KVM_SET_TSS_ADDR, 0xfffbd000));
	{
		uint64_t addr = 0xfffbc000;

		EXPECT_EQ(0, ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &addr));
	}
	close(vm);
}

TEST_HARNESS_MAIN

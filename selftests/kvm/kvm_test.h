/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared pieces of the KVM-ABI selftests (selftests/kvm/ files): a fixture
 * with the module loaded, one VM of KVMT_MEM_SIZE RAM and vCPU 0, and
 * assertions on exits that print the exit when they fail.
 */
#ifndef KVM_TEST_H
#define KVM_TEST_H

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "kvmx_test.h"

/* Assert the last exit of @vcpu was @reason. */
#define KVMT_ASSERT_EXIT(vcpu, reason) do {				\
	char _kvmt_buf[256];						\
	ASSERT_EQ((reason), (vcpu)->run->exit_reason)			\
		TH_LOG("want %s, got %s", kvmt_exit_name(reason),	\
		       kvmt_describe_exit((vcpu), _kvmt_buf,		\
					  sizeof(_kvmt_buf)));		\
} while (0)

/* KVM_RUN must succeed and exit with @reason. */
#define KVMT_RUN_EXPECT(vcpu, reason) do {				\
	int _kvmt_ret = kvmt_run(vcpu);					\
	ASSERT_EQ(0, _kvmt_ret) TH_LOG("KVM_RUN: %s",			\
				       strerror(-_kvmt_ret));		\
	KVMT_ASSERT_EXIT(vcpu, reason);					\
} while (0)

/* KVM_RUN must exit with KVM_EXIT_IO on @port in direction @dir. */
#define KVMT_RUN_EXPECT_IO(vcpu, _port, _dir, _size) do {		\
	KVMT_RUN_EXPECT(vcpu, KVM_EXIT_IO);				\
	ASSERT_EQ((_port), (vcpu)->run->io.port);			\
	ASSERT_EQ((_dir), (vcpu)->run->io.direction);			\
	ASSERT_EQ((_size), (vcpu)->run->io.size);			\
} while (0)

/* A standard fixture body: module, VM with default RAM, vCPU 0. */
#define KVMT_VM_FIXTURE(name)						\
FIXTURE(name) {								\
	struct kvmt_vm *vm;						\
	struct kvmt_vcpu *vcpu;						\
};									\
FIXTURE_SETUP(name)							\
{									\
	ASSERT_EQ(0, kvmt_load_module())				\
		TH_LOG("modprobe %s", kvmt_module_name());		\
	self->vm = kvmt_vm_create(KVMT_MEM_SIZE);			\
	ASSERT_NE(NULL, self->vm) TH_LOG("VM on %s: %s",		\
					 kvmt_dev_path(),		\
					 strerror(errno));		\
	self->vcpu = kvmt_vcpu_add(self->vm, 0);			\
	ASSERT_NE(NULL, self->vcpu) TH_LOG("vCPU: %s",			\
					   strerror(errno));		\
}									\
FIXTURE_TEARDOWN(name)							\
{									\
	kvmt_vcpu_free(self->vcpu);					\
	kvmt_vm_free(self->vm);						\
	kvmt_unload_module();						\
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics (api.rst: KVM_GET_STATS_FD, KVM_CAP_BINARY_STATS_FD)
 * on a VM and a vCPU fd: the header, id string, descriptors and data
 * follow the documented layout and limits; data read in bulk and one by
 * one agree; cumulative counters move when the guest exits; the fd is
 * read-only and keeps the VM alive.
 */
#include <stdlib.h>
#include <unistd.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(stats);

KVMT_GUEST_CODE(stats_loop, ".code64",
	"1: outb %al, $0x10\n\t"
	"jmp 1b");

struct image {
	struct kvm_stats_header h;
	char *id;
	struct kvm_stats_desc *desc;	/* num_desc entries, stride below */
	size_t stride;
	uint64_t *data;
	size_t ndata;
};

static struct kvm_stats_desc *desc_at(struct image *im, unsigned int i)
{
	return (void *)((char *)im->desc + i * im->stride);
}

/* Read and check the fixed part; 0 or -1 after logging. */
static int load(struct __test_metadata *_metadata, int fd, struct image *im)
{
	unsigned int i, j;

	memset(im, 0, sizeof(*im));
	if (pread(fd, &im->h, sizeof(im->h), 0) != sizeof(im->h))
		return -1;
	EXPECT_EQ(0, im->h.flags);
	EXPECT_LT(0, im->h.num_desc);
	EXPECT_LT(3, im->h.name_size);
	im->id = calloc(1, im->h.name_size);
	if (pread(fd, im->id, im->h.name_size, im->h.id_offset) !=
	    im->h.name_size)
		return -1;
	EXPECT_EQ(0, strncmp(im->id, "kvm", 3)) TH_LOG("id %s", im->id);
	EXPECT_GT(im->h.name_size, strlen(im->id));
	EXPECT_LE(sizeof(im->h), im->h.desc_offset);
	EXPECT_LE(sizeof(im->h), im->h.data_offset);
	im->stride = sizeof(struct kvm_stats_desc) + im->h.name_size;
	EXPECT_TRUE(im->h.desc_offset > im->h.data_offset ||
		    im->h.desc_offset + im->stride * im->h.num_desc <=
		    im->h.data_offset);
	im->desc = calloc(im->h.num_desc, im->stride);
	if (pread(fd, im->desc, im->stride * im->h.num_desc,
		  im->h.desc_offset) != (ssize_t)(im->stride * im->h.num_desc))
		return -1;
	for (i = 0; i < im->h.num_desc; i++) {
		struct kvm_stats_desc *d = desc_at(im, i);
		uint32_t type = d->flags & KVM_STATS_TYPE_MASK;

		EXPECT_GT(im->h.name_size, strlen(d->name));
		EXPECT_LE(type, KVM_STATS_TYPE_MAX);
		EXPECT_LE(d->flags & KVM_STATS_UNIT_MASK, KVM_STATS_UNIT_MAX);
		EXPECT_LE(d->flags & KVM_STATS_BASE_MASK, KVM_STATS_BASE_MAX);
		EXPECT_NE(0, d->size);
		if (type != KVM_STATS_TYPE_LINEAR_HIST)
			EXPECT_EQ(0, d->bucket_size) TH_LOG("%s", d->name);
		im->ndata += d->size;
		for (j = 0; j < i; j++)
			EXPECT_NE(0, strcmp(d->name, desc_at(im, j)->name));
	}
	for (i = 0; i < im->h.num_desc; i++)
		EXPECT_GT(im->ndata * 8, desc_at(im, i)->offset);
	im->data = calloc(im->ndata, 8);
	return 0;
}

static int read_data(int fd, struct image *im)
{
	ssize_t n = im->ndata * 8;

	return pread(fd, im->data, n, im->h.data_offset) == n ? 0 : -1;
}

static void unload(struct image *im)
{
	free(im->id);
	free(im->desc);
	free(im->data);
}

static void check_fd(struct __test_metadata *_metadata, int fd)
{
	struct image im;
	unsigned int i;
	uint64_t one[64];

	ASSERT_EQ(0, load(_metadata, fd, &im));
	ASSERT_EQ(0, read_data(fd, &im));
	/* One by one, the same as in bulk (counters only grow). */
	for (i = 0; i < im.h.num_desc; i++) {
		struct kvm_stats_desc *d = desc_at(&im, i);
		size_t n = d->size * 8;

		if (n > sizeof(one))
			continue;
		ASSERT_EQ((ssize_t)n, pread(fd, one, n,
					    im.h.data_offset + d->offset));
		if ((d->flags & KVM_STATS_TYPE_MASK) ==
		    KVM_STATS_TYPE_CUMULATIVE)
			EXPECT_LE(im.data[d->offset / 8], one[0]);
	}
	/* Read-only. */
	EXPECT_EQ(-1, write(fd, one, 8));
	unload(&im);
}

TEST_F(stats, vm_and_vcpu_layout)
{
	int vmfd, vcpufd;

	EXPECT_EQ(1, ioctl(self->vm->sys_fd, KVM_CHECK_EXTENSION,
			   KVM_CAP_BINARY_STATS_FD));
	vmfd = ioctl(self->vm->fd, KVM_GET_STATS_FD, NULL);
	ASSERT_LE(0, vmfd);
	vcpufd = ioctl(self->vcpu->fd, KVM_GET_STATS_FD, NULL);
	ASSERT_LE(0, vcpufd);
	check_fd(_metadata, vmfd);
	check_fd(_metadata, vcpufd);
	close(vmfd);
	close(vcpufd);
}

TEST_F(stats, vcpu_counters_move)
{
	struct image before, after;
	unsigned int i, moved = 0;
	int fd, k;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(stats_loop)));
	fd = ioctl(self->vcpu->fd, KVM_GET_STATS_FD, NULL);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, load(_metadata, fd, &before));
	ASSERT_EQ(0, read_data(fd, &before));
	for (k = 0; k < 20; k++)
		KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	ASSERT_EQ(0, load(_metadata, fd, &after));
	ASSERT_EQ(0, read_data(fd, &after));
	for (i = 0; i < before.h.num_desc; i++) {
		struct kvm_stats_desc *d = desc_at(&before, i);
		uint64_t b = before.data[d->offset / 8];
		uint64_t a = after.data[d->offset / 8];

		if ((d->flags & KVM_STATS_TYPE_MASK) !=
		    KVM_STATS_TYPE_CUMULATIVE)
			continue;
		EXPECT_LE(b, a) TH_LOG("%s went back", d->name);
		if (a - b >= 20)
			moved++;
	}
	EXPECT_LE(1, moved);
	unload(&before);
	unload(&after);
	close(fd);
}

TEST_F(stats, fd_outlives_the_vm_fds)
{
	struct image im;
	int fd = ioctl(self->vm->fd, KVM_GET_STATS_FD, NULL);

	ASSERT_LE(0, fd);
	kvmt_vcpu_free(self->vcpu);
	self->vcpu = NULL;
	kvmt_vm_free(self->vm);
	self->vm = NULL;
	ASSERT_EQ(0, load(_metadata, fd, &im));
	EXPECT_EQ(0, read_data(fd, &im));
	unload(&im);
	/* The open stats fd pins the module. */
	if (!kvmt_is_upstream())
		EXPECT_NE(0, kvmx_rmmod("kvmx"));
	close(fd);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory stays coherent with the owning process's mm while the
 * host changes it under a VM that has already mapped it: MADV_DONTNEED
 * (the guest then reads zeroes), fork (copy-on-write: the guest's writes
 * after fork land in the parent's pages, never the child's), a MAP_FIXED
 * replacement of the backing, and a memfd seen through two mappings.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm_test.h"
#include "mailbox.h"

#define SLOT_GPA	0x40000000ULL
#define SLOT_SIZE	0x10000ULL

FIXTURE(mmu) {
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;
	uint64_t *mem;
};

FIXTURE_SETUP(mmu)
{
	ASSERT_EQ(0, kvmt_load_module());
	self->vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, self->vm);
	self->vcpu = kvmt_vcpu_add(self->vm, 0);
	ASSERT_NE(NULL, self->vcpu);
	self->mem = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 1, 0, SLOT_GPA, SLOT_SIZE,
				   self->mem));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(slot_rw)));
}

FIXTURE_TEARDOWN(mmu)
{
	kvmt_vcpu_free(self->vcpu);
	kvmt_vm_free(self->vm);
	if (self->mem && self->mem != MAP_FAILED)
		munmap(self->mem, SLOT_SIZE);
	kvmt_unload_module();
}

TEST_F(mmu, madv_dontneed)
{
	struct access_result r;

	self->mem[0] = 0x1234;
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA, 0x5678,
				  &r));
	EXPECT_EQ(0x1234, r.read);
	EXPECT_EQ(0x5678, self->mem[0]);
	ASSERT_EQ(0, madvise(self->mem, 0x1000, MADV_DONTNEED));
	EXPECT_EQ(0, self->mem[0]);
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA, 0x9abc,
				  &r));
	EXPECT_EQ(0, r.read);		/* not the stale page */
	EXPECT_EQ(0x9abc, self->mem[0]);
	/* and the whole range at once, several times */
	for (int i = 0; i < 5; i++) {
		self->mem[0x200] = 100 + i;
		ASSERT_EQ(0, guest_access(_metadata, self->vcpu,
					  SLOT_GPA + 0x1000, 200 + i, &r));
		EXPECT_EQ(100 + i, r.read);
		ASSERT_EQ(0, madvise(self->mem, SLOT_SIZE, MADV_DONTNEED));
		ASSERT_EQ(0, guest_access(_metadata, self->vcpu,
					  SLOT_GPA + 0x1000, 300 + i, &r));
		EXPECT_EQ(0, r.read);
		EXPECT_EQ(300 + i, self->mem[0x200]);
	}
}

TEST_F(mmu, fork_copy_on_write)
{
	struct access_result r;
	int go[2], status;
	pid_t pid;
	char c;

	self->mem[0] = 0xaaaa;
	/* The guest maps the page writable before the fork. */
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA, 0xbbbb,
				  &r));
	EXPECT_EQ(0xaaaa, r.read);
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		/* The child keeps the pre-fork contents. */
		_exit(self->mem[0] == 0xbbbb ? 0 : 1);
	}
	close(go[0]);
	/* A guest write after the fork goes to the parent's copy. */
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA, 0xcccc,
				  &r));
	EXPECT_EQ(0xbbbb, r.read);
	EXPECT_EQ(0xcccc, self->mem[0]);
	/* A host write after the fork is what the guest reads next. */
	self->mem[0] = 0xdddd;
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA, 0xeeee,
				  &r));
	EXPECT_EQ(0xdddd, r.read);
	EXPECT_EQ(0xeeee, self->mem[0]);
	ASSERT_EQ(1, write(go[1], "g", 1));
	close(go[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("child saw the guest write");
}

TEST_F(mmu, map_fixed_replacement)
{
	struct access_result r;
	uint64_t *p;

	self->mem[0x10] = 1;
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x80, 2,
				  &r));
	EXPECT_EQ(1, r.read);
	/* New anonymous memory at the same host address. */
	p = mmap(self->mem, SLOT_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ((void *)self->mem, (void *)p);
	EXPECT_EQ(0, self->mem[0x10]);
	self->mem[0x10] = 3;
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu, SLOT_GPA + 0x80, 4,
				  &r));
	EXPECT_EQ(3, r.read);
	EXPECT_EQ(4, self->mem[0x10]);
}

TEST_F(mmu, memfd_two_mappings)
{
	struct access_result r;
	uint64_t *a, *b;
	int fd = memfd_create("kvmt-ram", MFD_CLOEXEC);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ftruncate(fd, SLOT_SIZE));
	a = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	b = mmap(NULL, SLOT_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_NE(MAP_FAILED, b);
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 2, 0, SLOT_GPA + SLOT_SIZE,
				   SLOT_SIZE, a));
	b[0x20] = 0x600d;
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu,
				  SLOT_GPA + SLOT_SIZE + 0x100, 0xf00d, &r));
	EXPECT_EQ(0x600d, r.read);
	EXPECT_EQ(0xf00d, b[0x20]);
	/* Punch the page out of the file: both views and the guest see 0. */
	ASSERT_EQ(0, fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			       0, 0x1000));
	EXPECT_EQ(0, b[0x20]);
	ASSERT_EQ(0, guest_access(_metadata, self->vcpu,
				  SLOT_GPA + SLOT_SIZE + 0x100, 0x1111, &r));
	EXPECT_EQ(0, r.read);
	EXPECT_EQ(0x1111, b[0x20]);
	EXPECT_EQ(0, kvmt_set_slot(self->vm, 2, 0, SLOT_GPA + SLOT_SIZE, 0,
				   a));
	munmap(a, SLOT_SIZE);
	munmap(b, SLOT_SIZE);
	close(fd);
}

/* Read the qword at 0x40000000 forever. */
KVMT_GUEST_CODE(reader, ".code64",
	"movl $0x40000000, %ebx\n"
	"1:\n\t"
	"movq (%rbx), %rax\n\t"
	"pause\n\t"
	"jmp 1b");

struct reader_run {
	struct kvmt_vcpu *vcpu;
	int ret;
};

static void *reader_fn(void *arg)
{
	struct reader_run *r = arg;

	r->ret = kvmt_run(r->vcpu);
	return NULL;
}

/*
 * The host unmaps a slot's memory while the guest is reading it: the
 * guest loses the pages and KVM_RUN ends with -EFAULT (the slot still
 * exists, its memory does not).
 */
TEST_F(mmu, munmap_under_running_guest)
{
	struct reader_run r = { .vcpu = self->vcpu };
	pthread_t th;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(reader)));
	self->mem[0] = 1;
	ASSERT_EQ(0, pthread_create(&th, NULL, reader_fn, &r));
	usleep(50000);
	ASSERT_EQ(0, munmap(self->mem, SLOT_SIZE));
	self->mem = NULL;
	pthread_join(th, NULL);
	EXPECT_EQ(-EFAULT, r.ret);
}

TEST_HARNESS_MAIN

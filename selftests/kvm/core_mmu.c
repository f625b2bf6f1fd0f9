// SPDX-License-Identifier: GPL-2.0
/*
 * The nested page tables follow the host's view of guest memory while the
 * guest runs: after MADV_DONTNEED the guest sees the fresh zero page and
 * its writes land where the host reads them; after fork() the guest's
 * writes break copy-on-write on the parent's side only; after the host
 * replaces the mapping (mmap MAP_FIXED) the guest sees the new memory;
 * a thread discarding the page over and over while the guest runs in
 * another leaves the guest seeing only values the host could have had.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <stdint.h>
#include <unistd.h>

#include "kvm_test.h"

#define PAGE		0x9000
#define PAGE_BYTES	4096

/* Forever: report [0x9000] on port 0x10, then count in [0x9008]. */
KVMT_GUEST_CODE(reader, ".code64",
	"1:\n\t"
	"movl (0x9000), %eax\n\t"
	"outl %eax, $0x10\n\t"
	"incl (0x9008)\n\t"
	"jmp 1b");

KVMT_VM_FIXTURE(mmu);

static uint32_t run_report(struct __test_metadata *_metadata,
			   struct kvmt_vcpu *vcpu)
{
	KVMT_RUN_EXPECT_IO(vcpu, 0x10, KVM_EXIT_IO_OUT, 4);
	return *(uint32_t *)kvmt_io_data(vcpu);
}

TEST_F(mmu, dontneed_then_host_write)
{
	volatile uint32_t *v = kvmt_gpa(self->vm, PAGE);

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(reader)));
	v[0] = 0x11111111;
	EXPECT_EQ(0x11111111, run_report(_metadata, self->vcpu));
	EXPECT_EQ(0x11111111, run_report(_metadata, self->vcpu));
	EXPECT_EQ(1, v[2]);

	ASSERT_EQ(0, madvise((void *)v, PAGE_BYTES, MADV_DONTNEED));
	EXPECT_EQ(0, run_report(_metadata, self->vcpu));
	EXPECT_EQ(0, run_report(_metadata, self->vcpu));
	/* Each report but the first follows one increment. */
	EXPECT_EQ(2, v[2]);	/* the guest wrote the new page */

	v[0] = 0x22222222;
	EXPECT_EQ(0x22222222, run_report(_metadata, self->vcpu));
}

TEST_F(mmu, fork_copy_on_write)
{
	volatile uint32_t *v = kvmt_gpa(self->vm, PAGE);
	int go[2], status;
	uint32_t count;
	pid_t child;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(reader)));
	v[0] = 5;
	EXPECT_EQ(5, run_report(_metadata, self->vcpu));
	EXPECT_EQ(5, run_report(_metadata, self->vcpu));
	count = v[2];

	ASSERT_EQ(0, pipe(go));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		/* The child's copy kept the values of fork time. */
		_exit(v[0] == 5 && v[2] == count ? 0 : 1);
	}
	close(go[0]);

	EXPECT_EQ(5, run_report(_metadata, self->vcpu));
	EXPECT_EQ(5, run_report(_metadata, self->vcpu));
	EXPECT_EQ(count + 2, v[2]);	/* guest writes reach the parent */
	v[0] = 6;
	EXPECT_EQ(6, run_report(_metadata, self->vcpu));

	ASSERT_EQ(1, write(go[1], "x", 1));
	close(go[1]);
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(mmu, mapping_replaced)
{
	volatile uint32_t *v = kvmt_gpa(self->vm, PAGE);
	void *p;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(reader)));
	v[0] = 7;
	EXPECT_EQ(7, run_report(_metadata, self->vcpu));

	p = mmap((void *)v, PAGE_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ((void *)v, p);
	v[0] = 8;
	EXPECT_EQ(8, run_report(_metadata, self->vcpu));
	EXPECT_EQ(8, run_report(_metadata, self->vcpu));
	EXPECT_EQ(2, v[2]);
}

struct discarder {
	volatile uint32_t *page;
	volatile int stop;
};

static void *discard_loop(void *arg)
{
	struct discarder *d = arg;

	while (!d->stop) {
		madvise((void *)d->page, PAGE_BYTES, MADV_DONTNEED);
		d->page[0] = 0x1234;
		sched_yield();
	}
	return NULL;
}

TEST_F(mmu, discard_while_running)
{
	struct discarder d = { .page = kvmt_gpa(self->vm, PAGE) };
	pthread_t t;
	uint32_t v;
	int i;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(reader)));
	d.page[0] = 0x1234;
	ASSERT_EQ(0, pthread_create(&t, NULL, discard_loop, &d));
	for (i = 0; i < 3000; i++) {
		v = run_report(_metadata, self->vcpu);
		if (v != 0x1234 && v != 0)
			break;
	}
	d.stop = 1;
	pthread_join(t, NULL);
	EXPECT_EQ(3000, i) TH_LOG("guest read %#x", v);
	d.page[0] = 0x4321;
	EXPECT_EQ(0x4321, run_report(_metadata, self->vcpu));
}

TEST_HARNESS_MAIN

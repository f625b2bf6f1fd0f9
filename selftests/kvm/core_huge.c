// SPDX-License-Identifier: GPL-2.0
/*
 * Guest RAM backed by a transparent huge page is mapped with one 2 MiB
 * nested entry: the guest touches 512 pages with a handful of nested
 * page faults (counted in debugfs).  The large mapping stays coherent:
 * host writes show in the guest, and MADV_DONTNEED of one 4 KiB page
 * inside it (the host splits the huge page) gives the guest a zero page
 * there while its neighbour keeps its contents.
 */
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kvm_test.h"

#define MIB		(1ULL << 20)
#define RAM		(8 * MIB)
#define HUGE_GPA	(4 * MIB)

/* Touch each page of [4 MiB, 6 MiB), report, then show two bytes forever. */
KVMT_GUEST_CODE(touch, ".code64",
	"movq $0x400000, %rdi\n\t"
	"1:\n\t"
	"movb $0xaa, (%rdi)\n\t"
	"addq $4096, %rdi\n\t"
	"cmpq $0x600000, %rdi\n\t"
	"jb 1b\n\t"
	"outb %al, $0x10\n\t"
	"2:\n\t"
	"movzbl (0x401000), %eax\n\t"
	"outb %al, $0x11\n\t"
	"movzbl (0x402000), %eax\n\t"
	"outb %al, $0x12\n\t"
	"jmp 2b");

FIXTURE(huge) {
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;
	void *raw;
};

FIXTURE_SETUP(huge)
{
	uintptr_t p;

	ASSERT_EQ(0, kvmt_load_module());
	self->vm = kvmt_vm_create(0);
	ASSERT_NE(NULL, self->vm);
	self->raw = mmap(NULL, RAM + 2 * MIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->raw);
	p = ((uintptr_t)self->raw + 2 * MIB - 1) & ~(uintptr_t)(2 * MIB - 1);
	madvise((void *)p, RAM, MADV_HUGEPAGE);
	self->vm->mem = (void *)p;
	self->vm->mem_size = RAM;
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 0, 0, 0, RAM, (void *)p));
	self->vcpu = kvmt_vcpu_add(self->vm, 0);
	ASSERT_NE(NULL, self->vcpu);
}

FIXTURE_TEARDOWN(huge)
{
	kvmt_vcpu_free(self->vcpu);
	self->vm->mem = NULL;	/* unmapped below, not by kvmt_vm_free */
	self->vm->mem_size = 0;
	kvmt_vm_free(self->vm);
	munmap(self->raw, RAM + 2 * MIB);
	kvmt_unload_module();
}

static long long npf_count(void)
{
	char pat[96], line[64];
	long long n = -1;
	glob_t g;
	FILE *f;

	mount("none", "/sys/kernel/debug", "debugfs", 0, NULL);
	snprintf(pat, sizeof(pat), "/sys/kernel/debug/kvmx/%d-*/vcpu0/exits",
		 getpid());
	if (glob(pat, 0, NULL, &g) || g.gl_pathc != 1)
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "npf %lld", &n) == 1)
			break;
	fclose(f);
	return n;
}

static bool region_is_thp(void *addr)
{
	char line[256];
	bool in = false, thp = false;
	unsigned long lo, hi, kb;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		else if (in && sscanf(line, "AnonHugePages: %lu", &kb) == 1)
			thp = kb >= 2048;
	}
	fclose(f);
	return thp;
}

TEST_F(huge, one_fault_per_2m_and_coherent)
{
	uint8_t *host = (uint8_t *)self->vm->mem + HUGE_GPA;
	long long before, after;

	if (kvmt_is_upstream())
		SKIP(return, "counts come from kvmx's debugfs");
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(touch)));
	before = npf_count();
	ASSERT_LE(0, before);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 1);
	after = npf_count();
	EXPECT_EQ(0xaa, host[0x1000]);
	EXPECT_EQ(0xaa, host[0x1fe000]);
	if (region_is_thp(host)) {
		EXPECT_GT(16, after - before) TH_LOG("%lld faults for 2 MiB",
						    after - before);
	} else {
		TH_LOG("host gave no huge page; fault count not checked");
	}

	host[0x1000] = 0x77;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0x77, *(uint8_t *)kvmt_io_data(self->vcpu));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x12, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0xaa, *(uint8_t *)kvmt_io_data(self->vcpu));

	ASSERT_EQ(0, madvise(host + 0x1000, 4096, MADV_DONTNEED));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0, *(uint8_t *)kvmt_io_data(self->vcpu));
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x12, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0xaa, *(uint8_t *)kvmt_io_data(self->vcpu));
	host[0x2000] = 0x55;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x11, KVM_EXIT_IO_OUT, 1);
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x12, KVM_EXIT_IO_OUT, 1);
	EXPECT_EQ(0x55, *(uint8_t *)kvmt_io_data(self->vcpu));
}

TEST_HARNESS_MAIN

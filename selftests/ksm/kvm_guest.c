// SPDX-License-Identifier: GPL-2.0
/*
 * A guest of upstream kvm_amd (and of kvmx) whose RAM is a /dev/kvmx-ksm
 * region keeps running correctly while its pages are merged, written by
 * the guest
 * (COW through KVM's own faults), written by the host behind its back
 * (COW plus mmu-notifier invalidation of the guest's NPT) and unmerged.
 *
 * The guest (32-bit flat protected mode, no paging) runs three rounds:
 * fill 512 pages with four distinct patterns, report (port 0x10); sum
 * every page into a result table, report (0x11); write a marker into
 * every fifth page, sum again, report (0x12).  The host merges between
 * the steps, writes its own markers into every seventh page, and checks
 * the guest's sums and its own view against a model.
 */
#include <linux/kvm.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "ksm_util.h"

#define MEM_SIZE	(4UL << 20)
#define CODE_GPA	0x1000
#define STACK_GPA	0x7000
#define RESULT_GPA	0x80000
#define DATA_GPA	0x100000
#define NDATA		512
#define ROUNDS		3

extern const unsigned char kvmx_ksm_guest[], kvmx_ksm_guest_end[];

asm(".pushsection .rodata\n"
    ".code32\n"
    "kvmx_ksm_guest:\n"
    "	xor %ebp, %ebp\n"
    "kg_round:\n"
    "	xor %ebx, %ebx\n"
    "kg_fill:\n"
    "	mov %ebx, %eax\n"
    "	and $3, %eax\n"
    "	inc %eax\n"
    "	imul $0x01010101, %eax, %eax\n"
    "	mov %ebp, %edx\n"
    "	shl $4, %edx\n"
    "	add %edx, %eax\n"
    "	mov %ebx, %edi\n"
    "	shl $12, %edi\n"
    "	add $0x100000, %edi\n"
    "	mov $1024, %ecx\n"
    "	cld\n"
    "	rep stosl\n"
    "	inc %ebx\n"
    "	cmp $512, %ebx\n"
    "	jb kg_fill\n"
    "	mov $0x10, %dx\n"
    "	mov %ebp, %eax\n"
    "	out %eax, %dx\n"
    "	call kg_sums\n"
    "	mov $0x11, %dx\n"
    "	out %eax, %dx\n"
    "	xor %ebx, %ebx\n"
    "kg_mark:\n"
    "	mov %ebx, %edi\n"
    "	shl $12, %edi\n"
    "	add $0x100008, %edi\n"
    "	mov %ebx, %eax\n"
    "	add $0xbeef0000, %eax\n"
    "	add %ebp, %eax\n"
    "	mov %eax, (%edi)\n"
    "	add $5, %ebx\n"
    "	cmp $512, %ebx\n"
    "	jb kg_mark\n"
    "	call kg_sums\n"
    "	mov $0x12, %dx\n"
    "	out %eax, %dx\n"
    "	inc %ebp\n"
    "	cmp $3, %ebp\n"
    "	jb kg_round\n"
    "	hlt\n"
    "kg_sums:\n"
    "	xor %ebx, %ebx\n"
    "kg_sum_page:\n"
    "	mov %ebx, %esi\n"
    "	shl $12, %esi\n"
    "	add $0x100000, %esi\n"
    "	xor %eax, %eax\n"
    "	mov $1024, %ecx\n"
    "kg_sum_dword:\n"
    "	add (%esi), %eax\n"
    "	add $4, %esi\n"
    "	dec %ecx\n"
    "	jnz kg_sum_dword\n"
    "	mov %eax, 0x80000(,%ebx,4)\n"
    "	inc %ebx\n"
    "	cmp $512, %ebx\n"
    "	jb kg_sum_page\n"
    "	ret\n"
    "kvmx_ksm_guest_end:\n"
    ".code64\n"
    ".popsection\n");

static uint32_t pattern(unsigned int i, unsigned int r)
{
	return ((i & 3) + 1) * 0x01010101u + r * 16;
}

/* The model: what dword @d of data page @i holds after each step. */
struct model {
	uint32_t page[NDATA][1024];
};

static void model_fill(struct model *m, unsigned int r)
{
	unsigned int i, d;

	for (i = 0; i < NDATA; i++)
		for (d = 0; d < 1024; d++)
			m->page[i][d] = pattern(i, r);
}

static uint32_t model_sum(struct model *m, unsigned int i)
{
	uint32_t s = 0;
	unsigned int d;

	for (d = 0; d < 1024; d++)
		s += m->page[i][d];
	return s;
}

FIXTURE(kvm_guest) {
	bool ready;
	int kvm, vm, vcpu, fd, runsz;
	uint8_t *mem;
	struct kvm_run *run;
	struct model *m;
};

/* The hypervisor under test: upstream kvm_amd, and kvmx. */
FIXTURE_VARIANT(kvm_guest) {
	const char *module;
	const char *dev;
};

FIXTURE_VARIANT_ADD(kvm_guest, kvm_amd) {
	.module = "kvm_amd",
	.dev = "/dev/kvm",
};

FIXTURE_VARIANT_ADD(kvm_guest, kvmx) {
	.module = "kvmx",
	.dev = "/dev/kvmx",
};

FIXTURE_SETUP(kvm_guest)
{
	struct kvm_userspace_memory_region reg = { 0 };
	struct kvm_segment cs = {
		.base = 0, .limit = 0xffffffff, .selector = 8, .type = 11,
		.present = 1, .db = 1, .s = 1, .g = 1,
	};
	struct kvm_segment ds = cs;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };

	self->m = calloc(1, sizeof(*self->m));
	ASSERT_NE(NULL, self->m);
	ASSERT_EQ(0, ksm_load_fast());
	ASSERT_EQ(0, ksm_set("sleep_millisecs", 0));
	if (kvmx_modprobe(variant->module, NULL) ||
	    access(variant->dev, F_OK)) {
		TH_LOG("modprobe %s failed or no %s", variant->module,
		       variant->dev);
		return;
	}
	self->kvm = open(variant->dev, O_RDWR);
	ASSERT_LE(0, self->kvm);
	self->vm = ioctl(self->kvm, KVM_CREATE_VM, 0);
	ASSERT_LE(0, self->vm);
	self->mem = (uint8_t *)ksm_region(MEM_SIZE / PG, &self->fd);
	ASSERT_NE(NULL, self->mem);
	memcpy(self->mem + CODE_GPA, kvmx_ksm_guest,
	       kvmx_ksm_guest_end - kvmx_ksm_guest);
	reg.memory_size = MEM_SIZE;
	reg.userspace_addr = (uintptr_t)self->mem;
	ASSERT_EQ(0, ioctl(self->vm, KVM_SET_USER_MEMORY_REGION, &reg));
	self->vcpu = ioctl(self->vm, KVM_CREATE_VCPU, 0);
	ASSERT_LE(0, self->vcpu);
	self->runsz = ioctl(self->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	ASSERT_GT(self->runsz, 0);
	self->run = mmap(NULL, self->runsz, PROT_READ | PROT_WRITE, MAP_SHARED,
			 self->vcpu, 0);
	ASSERT_NE(MAP_FAILED, self->run);
	ASSERT_EQ(0, ioctl(self->vcpu, KVM_GET_SREGS, &sregs));
	ds.type = 3;
	ds.selector = 16;
	sregs.cs = cs;
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = ds;
	sregs.cr0 = 0x11;	/* PE, ET: flat 32-bit, no paging */
	ASSERT_EQ(0, ioctl(self->vcpu, KVM_SET_SREGS, &sregs));
	regs.rip = CODE_GPA;
	regs.rsp = STACK_GPA;
	regs.rflags = 2;
	ASSERT_EQ(0, ioctl(self->vcpu, KVM_SET_REGS, &regs));
	self->ready = true;
}

FIXTURE_TEARDOWN(kvm_guest)
{
	if (self->run && self->run != MAP_FAILED)
		munmap(self->run, self->runsz);
	if (self->vcpu > 0)
		close(self->vcpu);
	if (self->vm > 0)
		close(self->vm);
	if (self->kvm > 0)
		close(self->kvm);
	if (self->mem) {
		munmap(self->mem, MEM_SIZE);
		close(self->fd);
	}
	free(self->m);
	ksm_unload();
	/* Leave SVM free for the other hypervisor. */
	if (!strcmp(variant->module, "kvmx")) {
		kvmx_rmmod("kvmx");
	} else {
		kvmx_rmmod("kvm_amd");
		kvmx_rmmod("kvm");
	}
}

static uint32_t *data_page(uint8_t *mem, unsigned int i)
{
	return (uint32_t *)(mem + DATA_GPA + (size_t)i * PG);
}

/* Run to the next port write; returns the port, or -1 on HLT. */
static int run_to_port(struct __test_metadata *_metadata, int vcpu,
		       struct kvm_run *run)
{
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0)
			return -2;
		if (run->exit_reason == KVM_EXIT_HLT)
			return -1;
		if (run->exit_reason == KVM_EXIT_IO &&
		    run->io.direction == KVM_EXIT_IO_OUT)
			return run->io.port;
		TH_LOG("unexpected exit %u", run->exit_reason);
		return -3;
	}
}

static long check_sums(FIXTURE_DATA(kvm_guest) *self)
{
	uint32_t *res = (uint32_t *)(self->mem + RESULT_GPA);
	long bad = 0;
	unsigned int i;

	for (i = 0; i < NDATA; i++)
		bad += res[i] != model_sum(self->m, i);
	return bad;
}

static long check_host_view(FIXTURE_DATA(kvm_guest) *self)
{
	long bad = 0;
	unsigned int i;

	for (i = 0; i < NDATA; i++)
		bad += !!memcmp(data_page(self->mem, i), self->m->page[i], PG);
	return bad;
}

TEST_F_TIMEOUT(kvm_guest, guest_ram_merged_and_written, 240)
{
	unsigned int r, i;
	long long merged;

	if (!self->ready)
		SKIP(return, "%s not available", variant->module);
	ASSERT_EQ(0, ksm_set("run", 1));
	for (r = 0; r < ROUNDS; r++) {
		/* Step 1: the guest filled its pages. */
		ASSERT_EQ(0x10, run_to_port(_metadata, self->vcpu, self->run));
		model_fill(self->m, r);
		EXPECT_EQ(0, check_host_view(self)) TH_LOG("round %u fill", r);
		merged = ksm_wait_merged(NDATA, 60);
		EXPECT_GE(merged, NDATA) TH_LOG("round %u merged %lld", r,
						merged);
		/* Host writes behind the guest's back into merged pages. */
		for (i = 0; i < NDATA; i += 7) {
			data_page(self->mem, i)[4] = 0xc0de0000 | i;
			self->m->page[i][4] = 0xc0de0000 | i;
		}

		/* Step 2: the guest summed what it sees. */
		ASSERT_EQ(0x11, run_to_port(_metadata, self->vcpu, self->run));
		EXPECT_EQ(0, check_sums(self)) TH_LOG("round %u sums", r);
		EXPECT_GT(ksm_get("pages_sharing"), NDATA / 2);
		if (r == 1) {
			/* Unmerge under the guest, then merge again. */
			EXPECT_EQ(0, ksm_set("run", 2));
			EXPECT_EQ(0, ksm_set("run", 1));
		}

		/* Step 3: the guest wrote markers and summed again. */
		ASSERT_EQ(0x12, run_to_port(_metadata, self->vcpu, self->run));
		for (i = 0; i < NDATA; i += 5)
			self->m->page[i][2] = 0xbeef0000 + i + r;
		EXPECT_EQ(0, check_sums(self)) TH_LOG("round %u marks", r);
		EXPECT_EQ(0, check_host_view(self)) TH_LOG("round %u host", r);
		ksm_wait_scans(2, 30);
		EXPECT_EQ(0, check_host_view(self));
	}
	EXPECT_EQ(-1, run_to_port(_metadata, self->vcpu, self->run));
	TH_LOG("pages_shared %lld pages_sharing %lld full_scans %lld",
	       ksm_get("pages_shared"), ksm_get("pages_sharing"),
	       ksm_get("full_scans"));
}

TEST_HARNESS_MAIN

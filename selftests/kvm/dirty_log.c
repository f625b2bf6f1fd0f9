// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty page logging (api.rst: KVM_MEM_LOG_DIRTY_PAGES, KVM_GET_DIRTY_LOG,
 * KVM_CLEAR_DIRTY_LOG, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2): the guest
 * writes pages of a logging slot and the host sees exactly those bits;
 * a second KVM_GET_DIRTY_LOG shows nothing; writes after a harvest show
 * again; guest reads and host writes through its own mapping are not
 * logged; logging turned on and off on a slot that is already mapped
 * (also a huge-page backed one); the kernel's own writes for the guest
 * (string IN) are logged; manual protection with KVM_CLEAR_DIRTY_LOG and
 * its range rules.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_test.h"

#define SLOT		1
#define SLOT_GPA	0x40000000ULL
#define NPAGES		100		/* not a multiple of 64 on purpose */
#define PG		4096ULL
#define BITMAP_WORDS	2
#define MAILBOX		0x9000ULL

/*
 * Mailbox at 0x9000: [0] count, [1] 0 to write / 1 to read, [2..] guest
 * physical addresses.  The guest stores each address into its own page
 * (or reads it) and exits on port 0x10, then starts over.
 */
KVMT_GUEST_CODE(dirty_touch, ".code64",
	"1:\n\t"
	"movq (0x9000), %rcx\n\t"
	"movq (0x9008), %rdx\n\t"
	"movl $0x9010, %esi\n\t"
	"testq %rcx, %rcx\n\t"
	"jz 4f\n"
	"2:\n\t"
	"movq (%rsi), %rdi\n\t"
	"testq %rdx, %rdx\n\t"
	"jnz 3f\n\t"
	"movq %rdi, (%rdi)\n\t"
	"jmp 5f\n"
	"3:\n\t"
	"movq (%rdi), %rax\n"
	"5:\n\t"
	"addq $8, %rsi\n\t"
	"decq %rcx\n\t"
	"jnz 2b\n"
	"4:\n\t"
	"outb %al, $0x10\n\t"
	"jmp 1b");

/* rep insb of 8 bytes from port 0x20 to the address in the mailbox. */
KVMT_GUEST_CODE(dirty_ins, ".code64",
	"movq (0x9000), %rdi\n\t"
	"movw $0x20, %dx\n\t"
	"movl $8, %ecx\n\t"
	"cld\n\t"
	"rep insb\n\t"
	"outb %al, $0x11\n\t"
	"hlt");

FIXTURE(dirty_log) {
	struct kvmt_vm *vm;
	struct kvmt_vcpu *vcpu;
	uint64_t *mem;		/* slot SLOT's memory */
};

FIXTURE_SETUP(dirty_log)
{
	ASSERT_EQ(0, kvmt_load_module());
	self->vm = kvmt_vm_create(KVMT_MEM_SIZE);
	ASSERT_NE(NULL, self->vm);
	self->vcpu = kvmt_vcpu_add(self->vm, 0);
	ASSERT_NE(NULL, self->vcpu);
	self->mem = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->mem);
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(dirty_touch)));
}

FIXTURE_TEARDOWN(dirty_log)
{
	kvmt_vcpu_free(self->vcpu);
	kvmt_vm_free(self->vm);
	munmap(self->mem, NPAGES * PG);
	kvmt_unload_module();
}

/* The guest writes (or reads) the pages listed; 0 or -1. */
static int touch(struct __test_metadata *_metadata, struct kvmt_vcpu *vcpu,
		 uint64_t gpa_base, int read, const int *pages, int n)
{
	uint64_t *box = kvmt_gpa(vcpu->vm, MAILBOX);
	char b[256];
	int i;

	box[0] = n;
	box[1] = read;
	for (i = 0; i < n; i++)
		box[2 + i] = gpa_base + pages[i] * PG;
	if (kvmt_run(vcpu) || vcpu->run->exit_reason != KVM_EXIT_IO ||
	    vcpu->run->io.port != 0x10) {
		TH_LOG("%s", kvmt_describe_exit(vcpu, b, sizeof(b)));
		return -1;
	}
	return 0;
}

static int get_log(int vm_fd, uint32_t slot, uint64_t *bm)
{
	struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bm };

	memset(bm, 0xa5, BITMAP_WORDS * 8);
	return ioctl(vm_fd, KVM_GET_DIRTY_LOG, &log) ? -errno : 0;
}

static int clear_log(int vm_fd, uint32_t slot, uint64_t first,
		     uint32_t num, uint64_t *bm)
{
	struct kvm_clear_dirty_log log = {
		.slot = slot, .first_page = first, .num_pages = num,
		.dirty_bitmap = bm,
	};

	return ioctl(vm_fd, KVM_CLEAR_DIRTY_LOG, &log) ? -errno : 0;
}

/* A bitmap with the listed bits. */
static void bits(uint64_t *bm, const int *pages, int n)
{
	memset(bm, 0, BITMAP_WORDS * 8);
	while (n--)
		bm[pages[n] / 64] |= 1ULL << (pages[n] % 64);
}

#define EXPECT_LOG(want0, want1) do {					\
	uint64_t _bm[BITMAP_WORDS];					\
	ASSERT_EQ(0, get_log(self->vm->fd, SLOT, _bm));			\
	EXPECT_EQ((uint64_t)(want0), _bm[0]);				\
	EXPECT_EQ((uint64_t)(want1), _bm[1]);				\
} while (0)

#define TOUCH(read, ...) do {						\
	const int _p[] = { __VA_ARGS__ };				\
	ASSERT_EQ(0, touch(_metadata, self->vcpu, SLOT_GPA, (read), _p,	\
			   sizeof(_p) / sizeof(_p[0])));		\
} while (0)

TEST_F(dirty_log, get_reports_exactly_guest_writes)
{
	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	/* Nothing written yet. */
	EXPECT_LOG(0, 0);

	TOUCH(0, 0, 3, 63, 64, 99);
	EXPECT_LOG(1ULL << 0 | 1ULL << 3 | 1ULL << 63,
		   1ULL << 0 | 1ULL << 35);
	EXPECT_EQ(SLOT_GPA + 3 * PG, self->mem[3 * PG / 8]);
	EXPECT_EQ(SLOT_GPA + 99 * PG, self->mem[99 * PG / 8]);
	/* Harvested: the next call sees nothing. */
	EXPECT_LOG(0, 0);

	/* Pages written again after the harvest show again. */
	TOUCH(0, 3, 50, 3);
	EXPECT_LOG(1ULL << 3 | 1ULL << 50, 0);

	/* Reads do not dirty, mapped or not. */
	TOUCH(1, 3, 1, 2, 98);
	EXPECT_LOG(0, 0);

	/* Host writes through its own mapping are not the guest's. */
	self->mem[7 * PG / 8] = 1;
	self->mem[3 * PG / 8] = 2;
	EXPECT_LOG(0, 0);

	/* A page read first (mapped read-only) then written is logged. */
	TOUCH(0, 2);
	EXPECT_LOG(1ULL << 2, 0);
	EXPECT_EQ(SLOT_GPA + 2 * PG, self->mem[2 * PG / 8]);
}

TEST_F(dirty_log, enable_and_disable_on_mapped_slot)
{
	uint64_t bm[BITMAP_WORDS];

	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, 0, SLOT_GPA, NPAGES * PG,
				   self->mem));
	/* Not logging: no log to get. */
	EXPECT_EQ(-ENOENT, get_log(self->vm->fd, SLOT, bm));
	/* Map everything writable first. */
	TOUCH(0, 0, 1, 2, 5, 64, 99);

	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	EXPECT_LOG(0, 0);
	/* Pages that were writable before logging started are caught. */
	TOUCH(0, 5, 99);
	EXPECT_LOG(1ULL << 5, 1ULL << 35);

	/* Logging off: no log; the guest keeps writing fine. */
	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, 0, SLOT_GPA, NPAGES * PG,
				   self->mem));
	EXPECT_EQ(-ENOENT, get_log(self->vm->fd, SLOT, bm));
	TOUCH(0, 5, 6);
	EXPECT_EQ(SLOT_GPA + 6 * PG, self->mem[6 * PG / 8]);

	/* And on again: a fresh, empty log. */
	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	EXPECT_LOG(0, 0);
	TOUCH(0, 6);
	EXPECT_LOG(1ULL << 6, 0);

	/* Deleting the slot ends its log. */
	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, 0, SLOT_GPA, 0,
				   self->mem));
	EXPECT_EQ(-ENOENT, get_log(self->vm->fd, SLOT, bm));
}

/* A 2 MiB-aligned THP-backed slot mapped before logging starts. */
TEST_F(dirty_log, huge_backed_slot_logs_4k)
{
	size_t sz = 4 << 20;
	uint64_t bm[(4 << 20) / PG / 64];
	char *raw, *mem;
	const int first[] = { 0, 511, 512, 700 };
	const int later[] = { 5 };
	int i, n = 0;

	raw = mmap(NULL, 2 * sz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, raw);
	mem = (char *)(((uintptr_t)raw + sz - 1) & ~(uintptr_t)(sz - 1));
	madvise(mem, sz, MADV_HUGEPAGE);
	memset(mem, 1, sz);
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 2, 0, 0x40400000ULL, sz, mem));
	ASSERT_EQ(0, touch(_metadata, self->vcpu, 0x40400000ULL, 0, first,
			   4));
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 2, KVM_MEM_LOG_DIRTY_PAGES,
				   0x40400000ULL, sz, mem));
	ASSERT_EQ(0, touch(_metadata, self->vcpu, 0x40400000ULL, 0, later,
			   1));
	{
		struct kvm_dirty_log log = { .slot = 2, .dirty_bitmap = bm };

		ASSERT_EQ(0, ioctl(self->vm->fd, KVM_GET_DIRTY_LOG, &log));
	}
	for (i = 0; i < (int)(sizeof(bm) / 8); i++)
		n += __builtin_popcountll(bm[i]);
	EXPECT_EQ(1, n);
	EXPECT_EQ(1ULL << 5, bm[0]);
	munmap(raw, 2 * sz);
}

/* Writes the kernel does for the guest (string IN) are logged too. */
TEST_F(dirty_log, kernel_writes_for_guest_are_logged)
{
	uint64_t *box = kvmt_gpa(self->vm, MAILBOX);
	struct kvm_run *run = self->vcpu->run;
	int guard = 0;

	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(dirty_ins)));
	box[0] = SLOT_GPA + 70 * PG + 16;
	for (;;) {
		ASSERT_EQ(0, kvmt_run(self->vcpu));
		ASSERT_EQ(KVM_EXIT_IO, run->exit_reason);
		if (run->io.port == 0x11)
			break;
		ASSERT_EQ(0x20, run->io.port);
		ASSERT_EQ(KVM_EXIT_IO_IN, run->io.direction);
		memset(kvmt_io_data(self->vcpu), 0x5c,
		       run->io.size * run->io.count);
		ASSERT_GT(10, ++guard);
	}
	EXPECT_EQ(0x5c5c5c5c5c5c5c5cULL, self->mem[(70 * PG + 16) / 8]);
	EXPECT_LOG(0, 1ULL << 6);
}

TEST_F(dirty_log, bad_slots)
{
	uint64_t bm[BITMAP_WORDS];
	struct kvm_dirty_log log = { .slot = SLOT,
				     .dirty_bitmap = (void *)8 };

	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	/* Slot 0 does not log; slot 5 does not exist. */
	EXPECT_EQ(-ENOENT, get_log(self->vm->fd, 0, bm));
	EXPECT_EQ(-ENOENT, get_log(self->vm->fd, 5, bm));
	/* Address space 1 and ids past every implementation's limit. */
	EXPECT_EQ(-EINVAL, get_log(self->vm->fd, 2 << 16 | SLOT, bm));
	EXPECT_EQ(-EINVAL, get_log(self->vm->fd, 0x7fff, bm));
	/* Unwritable buffer. */
	EXPECT_EQ(-1, ioctl(self->vm->fd, KVM_GET_DIRTY_LOG, &log));
	EXPECT_EQ(EFAULT, errno);
	/* Unknown memory region flags. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, 3, 1u << 7,
					 0x50000000ULL, PG, self->mem));
	/* Read-only cannot be toggled alongside logging. */
	EXPECT_EQ(-EINVAL, kvmt_set_slot(self->vm, SLOT,
					 KVM_MEM_LOG_DIRTY_PAGES |
					 KVM_MEM_READONLY, SLOT_GPA,
					 NPAGES * PG, self->mem));
}

static int enable_manual(int vm_fd, uint64_t args0, uint32_t flags)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2,
		.flags = flags,
		.args = { args0 },
	};

	return ioctl(vm_fd, KVM_ENABLE_CAP, &cap) ? -errno : 0;
}

TEST_F(dirty_log, manual_protect_enable_cap)
{
	int fd = self->vm->fd;
	long caps = ioctl(fd, KVM_CHECK_EXTENSION,
			  KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2);

	EXPECT_EQ(KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE,
		  caps & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE);
	EXPECT_EQ(KVM_DIRTY_LOG_INITIALLY_SET,
		  caps & KVM_DIRTY_LOG_INITIALLY_SET);
	EXPECT_EQ(1, ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_ENABLE_CAP_VM));
	/* INITIALLY_SET alone, unknown bits and flags are refused. */
	EXPECT_EQ(-EINVAL, enable_manual(fd, KVM_DIRTY_LOG_INITIALLY_SET, 0));
	EXPECT_EQ(-EINVAL, enable_manual(fd, 1ULL << 5, 0));
	EXPECT_EQ(-EINVAL, enable_manual(fd, 1ULL << 63 | 1, 0));
	EXPECT_EQ(-EINVAL, enable_manual(fd, 1, 1));
	EXPECT_EQ(0, enable_manual(fd, 1, 0));
	EXPECT_EQ(0, enable_manual(fd, 3, 0));
	EXPECT_EQ(0, enable_manual(fd, 0, 0));
	/* Some capability nobody can enable on a VM. */
	{
		struct kvm_enable_cap cap = { .cap = KVM_CAP_USER_MEMORY };

		EXPECT_EQ(-1, ioctl(fd, KVM_ENABLE_CAP, &cap));
		EXPECT_EQ(EINVAL, errno);
	}
}

TEST_F(dirty_log, manual_protect_get_and_clear)
{
	uint64_t bm[BITMAP_WORDS];
	int fd = self->vm->fd;

	ASSERT_EQ(0, enable_manual(fd, KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE,
				   0));
	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	EXPECT_LOG(0, 0);
	TOUCH(0, 1, 2, 70);
	EXPECT_LOG(1ULL << 1 | 1ULL << 2, 1ULL << 6);
	/* GET does not harvest in manual mode. */
	EXPECT_LOG(1ULL << 1 | 1ULL << 2, 1ULL << 6);

	/* CLEAR page 1 only (and bits that were not set: no effect). */
	bits(bm, (const int[]){ 1, 3, 4 }, 3);
	EXPECT_EQ(0, clear_log(fd, SLOT, 0, NPAGES, bm));
	EXPECT_LOG(1ULL << 2, 1ULL << 6);
	/* Written again after its clear: reported again. */
	TOUCH(0, 1);
	EXPECT_LOG(1ULL << 1 | 1ULL << 2, 1ULL << 6);

	/* Clear the tail range only: first_page 64, up to the slot end. */
	bm[0] = ~0ULL;
	EXPECT_EQ(0, clear_log(fd, SLOT, 64, NPAGES - 64, bm));
	EXPECT_LOG(1ULL << 1 | 1ULL << 2, 0);
	TOUCH(0, 70, 71);
	EXPECT_LOG(1ULL << 1 | 1ULL << 2, 1ULL << 6 | 1ULL << 7);

	/* Clear everything; a write after that is the only bit. */
	bm[0] = bm[1] = ~0ULL;
	EXPECT_EQ(0, clear_log(fd, SLOT, 0, NPAGES, bm));
	EXPECT_LOG(0, 0);
	TOUCH(0, 2);
	EXPECT_LOG(1ULL << 2, 0);
	/* A first 64-page chunk alone is a valid range too. */
	bm[0] = ~0ULL;
	EXPECT_EQ(0, clear_log(fd, SLOT, 0, 64, bm));
	EXPECT_LOG(0, 0);
	/* An empty range at either end. */
	EXPECT_EQ(0, clear_log(fd, SLOT, 64, 0, bm));
	EXPECT_EQ(0, clear_log(fd, SLOT, 0, 0, bm));
}

TEST_F(dirty_log, manual_protect_initially_set)
{
	uint64_t bm[BITMAP_WORDS];
	int fd = self->vm->fd;

	ASSERT_EQ(0, enable_manual(fd, KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
				   KVM_DIRTY_LOG_INITIALLY_SET, 0));
	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	/* Every page of the slot, nothing past its end. */
	EXPECT_LOG(~0ULL, (1ULL << (NPAGES - 64)) - 1);
	TOUCH(0, 9);
	bm[0] = bm[1] = ~0ULL;
	EXPECT_EQ(0, clear_log(fd, SLOT, 0, NPAGES, bm));
	EXPECT_LOG(0, 0);
	TOUCH(0, 9, 80);
	EXPECT_LOG(1ULL << 9, 1ULL << 16);
}

TEST_F(dirty_log, clear_range_rules)
{
	uint64_t bm[BITMAP_WORDS] = { ~0ULL, ~0ULL };
	int fd = self->vm->fd;

	ASSERT_EQ(0, enable_manual(fd, 1, 0));
	ASSERT_EQ(0, kvmt_set_slot(self->vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES,
				   SLOT_GPA, NPAGES * PG, self->mem));
	/* first_page must be 64-aligned. */
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 1, 63, bm));
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 32, 64, bm));
	/* num_pages 64-aligned unless it reaches the end of the slot. */
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 0, 65, bm));
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 0, 99, bm));
	EXPECT_EQ(0, clear_log(fd, SLOT, 64, 36, bm));
	/* Past the end of the slot. */
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 0, 101, bm));
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 64, 37, bm));
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 128, 0, bm));
	EXPECT_EQ(-EINVAL, clear_log(fd, SLOT, 1ULL << 40, 64, bm));
	/* Bad slots. */
	EXPECT_EQ(-EINVAL, clear_log(fd, 2 << 16 | SLOT, 0, 64, bm));
	EXPECT_EQ(-EINVAL, clear_log(fd, 0x7fff, 0, 64, bm));
	EXPECT_EQ(-ENOENT, clear_log(fd, 0, 0, 64, bm));
	EXPECT_EQ(-ENOENT, clear_log(fd, 5, 0, 64, bm));
	/* Unreadable bitmap. */
	EXPECT_EQ(-EFAULT, clear_log(fd, SLOT, 0, 64, (void *)8));
}

/*
 * While a vCPU thread keeps writing a rising counter into pseudo-random
 * pages of a 512-page slot, the host harvests again and again.  No write
 * may be lost: a page whose content changed although its bit was clear
 * must have been written after that harvest, so its bit must be set in
 * the next one.
 */
#define RACE_PAGES	512
#define RACE_GPA	0x50000000ULL

KVMT_GUEST_CODE(dirty_race, ".code64",
	"movl $1, %eax\n\t"			/* counter */
	"movq $0x12345, %rdx\n\t"		/* LCG state */
	"movabsq $6364136223846793005, %rbx\n"
	"1:\n\t"
	"imulq %rbx, %rdx\n\t"
	"incq %rdx\n\t"
	"movq %rdx, %rdi\n\t"
	"shrq $33, %rdi\n\t"
	"andl $511, %edi\n\t"
	"shlq $12, %rdi\n\t"
	"addq $0x50000000, %rdi\n\t"
	"movq %rax, (%rdi)\n\t"
	"incq %rax\n\t"
	"jmp 1b");

struct racer {
	struct kvmt_vcpu *vcpu;
	volatile int stop;
	int ret;
};

static void race_signal(int sig)
{
}

static void *race_vcpu(void *arg)
{
	struct racer *r = arg;

	while (!r->stop) {
		r->ret = kvmt_run(r->vcpu);
		if (r->ret && r->ret != -EINTR)
			break;
		if (!r->ret && r->vcpu->run->exit_reason != KVM_EXIT_INTR) {
			r->ret = -1000 - r->vcpu->run->exit_reason;
			break;
		}
	}
	return NULL;
}

TEST_F(dirty_log, no_write_lost_while_the_guest_runs)
{
	struct sigaction sa = { .sa_handler = race_signal };
	uint64_t bm[RACE_PAGES / 64], last[RACE_PAGES] = { 0 };
	uint8_t pending[RACE_PAGES] = { 0 };
	struct racer r = { .vcpu = self->vcpu };
	struct kvm_dirty_log log = { .slot = 3, .dirty_bitmap = bm };
	uint64_t *mem;
	int round, p, seen = 0, lost = 0;
	pthread_t th;

	mem = mmap(NULL, RACE_PAGES * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, kvmt_set_slot(self->vm, 3, KVM_MEM_LOG_DIRTY_PAGES,
				   RACE_GPA, RACE_PAGES * PG, mem));
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(dirty_race)));
	sigaction(SIGUSR1, &sa, NULL);
	ASSERT_EQ(0, pthread_create(&th, NULL, race_vcpu, &r));

	for (round = 0; round < 60; round++) {
		usleep(3000);
		ASSERT_EQ(0, ioctl(self->vm->fd, KVM_GET_DIRTY_LOG, &log));
		for (p = 0; p < RACE_PAGES; p++) {
			uint64_t v = __atomic_load_n(&mem[p * PG / 8],
						     __ATOMIC_ACQUIRE);
			int dirty = bm[p / 64] >> (p % 64) & 1;

			if (dirty) {
				seen++;
				pending[p] = 0;
				last[p] = v;
			} else if (pending[p]) {
				lost++;
				TH_LOG("round %d page %d: changed, never logged",
				       round, p);
				pending[p] = 0;
				last[p] = v;
			} else if (v != last[p]) {
				/* Written after the harvest: next time. */
				pending[p] = 1;
				last[p] = v;
			}
		}
	}
	r.stop = 1;
	self->vcpu->run->immediate_exit = 1;
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	self->vcpu->run->immediate_exit = 0;
	EXPECT_EQ(-EINTR, r.ret);
	EXPECT_EQ(0, lost);
	/* The guest got somewhere: many pages logged over the rounds. */
	EXPECT_LT(RACE_PAGES, seen);
	munmap(mem, RACE_PAGES * PG);
}

TEST_HARNESS_MAIN

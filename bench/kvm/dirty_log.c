// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/dirty_log: the cost of dirty page logging, the same guest program
 * on upstream kvm_amd (/dev/kvm) and then on kvmx (/dev/kvmx), one line
 * per metric with the ratio kvmx/kvm_amd:
 *
 *   logged_write  one write per 4 KiB page over 64 MiB of a logging slot
 *                 whose pages were all written and then harvested: each
 *                 write takes a write-protection fault (ns per page)
 *   harvest       KVM_GET_DIRTY_LOG of that slot with every page dirty:
 *                 copy the bits out and write-protect every page (ns per
 *                 page)
 *
 * Averaged over ROUNDS rounds after one warm-up round.  Times are
 * CLOCK_MONOTONIC in the test machine (under `make bench`, QEMU -icount
 * shift=0: ns ~ instructions).  Not a test: it never fails on a number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>

#include "kvm_util.h"
#include "kvmx_test.h"

#define SLOT		1
#define SLOT_GPA	0x40000000ULL
#define SLOT_BYTES	(64ULL << 20)
#define PAGES		(SLOT_BYTES / 4096)
#define ROUNDS		4

/* One byte per page over the slot, OUT, repeat. */
KVMT_GUEST_CODE(bench_dirty, ".code64",
	"2:\n\t"
	"movq $0x40000000, %rdi\n\t"
	"movq $16384, %rcx\n"
	"1:\n\t"
	"movb $1, (%rdi)\n\t"
	"addq $4096, %rdi\n\t"
	"decq %rcx\n\t"
	"jnz 1b\n\t"
	"outb %al, $0xe9\n\t"
	"jmp 2b");

struct result {
	double write_ns, harvest_ns;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int run_to_out(struct kvmt_vcpu *vcpu)
{
	if (kvmt_run(vcpu))
		return -1;
	return vcpu->run->exit_reason == KVM_EXIT_IO &&
	       vcpu->run->io.port == 0xe9 ? 0 : -1;
}

static int harvest(int vm_fd, uint64_t *bm)
{
	struct kvm_dirty_log log = { .slot = SLOT, .dirty_bitmap = bm };

	return ioctl(vm_fd, KVM_GET_DIRTY_LOG, &log);
}

static int measure(struct result *r, char *why, size_t len)
{
	uint64_t *bm = calloc(PAGES / 64, 8);
	struct kvmt_vcpu *vcpu = NULL;
	struct kvmt_vm *vm;
	double t0, t_write = 0, t_harvest = 0;
	void *mem;
	int i, ret = -1;

	mem = mmap(NULL, SLOT_BYTES, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	vm = kvmt_vm_create(KVMT_MEM_SIZE);
	if (!bm || mem == MAP_FAILED || !vm) {
		snprintf(why, len, "set-up: %s", strerror(errno));
		goto out;
	}
	vcpu = kvmt_vcpu_add(vm, 0);
	if (!vcpu ||
	    kvmt_setup(vcpu, KVMT_MODE_LONG64, KVMT_CODE(bench_dirty)) ||
	    kvmt_set_slot(vm, SLOT, KVM_MEM_LOG_DIRTY_PAGES, SLOT_GPA,
			  SLOT_BYTES, mem)) {
		snprintf(why, len, "guest set-up: %s", strerror(errno));
		goto out;
	}
	/* Warm-up: fault every page in, then harvest. */
	if (run_to_out(vcpu) || harvest(vm->fd, bm)) {
		snprintf(why, len, "warm-up failed");
		goto out;
	}
	for (i = 0; i < ROUNDS; i++) {
		t0 = now_ns();
		if (run_to_out(vcpu)) {
			snprintf(why, len, "guest round failed");
			goto out;
		}
		t_write += now_ns() - t0;
		t0 = now_ns();
		if (harvest(vm->fd, bm)) {
			snprintf(why, len, "KVM_GET_DIRTY_LOG: %s",
				 strerror(errno));
			goto out;
		}
		t_harvest += now_ns() - t0;
		if (bm[0] != ~0ULL || bm[PAGES / 64 - 1] != ~0ULL) {
			snprintf(why, len, "pages missing from the log");
			goto out;
		}
	}
	r->write_ns = t_write / ROUNDS / PAGES;
	r->harvest_ns = t_harvest / ROUNDS / PAGES;
	ret = 0;
out:
	kvmt_vcpu_free(vcpu);
	kvmt_vm_free(vm);
	if (mem != MAP_FAILED)
		munmap(mem, SLOT_BYTES);
	free(bm);
	return ret;
}

static int run_on(const char *dev, struct result *r, char *why, size_t len)
{
	int ret;

	setenv("KVMX_DEV", dev, 1);
	ret = kvmt_load_module();
	if (ret) {
		snprintf(why, len, "modprobe %s failed (%d)",
			 kvmt_module_name(), ret);
		return -1;
	}
	ret = measure(r, why, len);
	kvmt_unload_module();
	return ret;
}

static void line(const char *name, double up, double x, int have_up,
		 int have_x)
{
	printf("kvm/dirty_log %-13s", name);
	if (have_up)
		printf(" kvm_amd %8.0f ns/page", up);
	else
		printf(" kvm_amd      n/a");
	if (have_x)
		printf("  kvmx %8.0f ns/page", x);
	else
		printf("  kvmx      n/a");
	if (have_up && have_x && up > 0)
		printf("  ratio kvmx/kvm_amd %.2f", x / up);
	printf("\n");
}

int main(void)
{
	struct result up = {}, x = {};
	char why_up[256] = "", why_x[256] = "";
	int have_up, have_x;

	setvbuf(stdout, NULL, _IOLBF, 0);
	kvmx_rmmod("kvmx");
	kvmx_rmmod("kvm_amd");
	kvmx_rmmod("kvm");
	printf("kvm/dirty_log: guest-clock ns per 4 KiB page of a 64 MiB logging slot\n");
	have_up = !run_on("/dev/kvm", &up, why_up, sizeof(why_up));
	have_x = !run_on("/dev/kvmx", &x, why_x, sizeof(why_x));
	if (!have_up)
		printf("kvm/dirty_log kvm_amd: not available (%s)\n", why_up);
	if (!have_x)
		printf("kvm/dirty_log kvmx: not available (%s)\n", why_x);
	line("logged_write", up.write_ns, x.write_ns, have_up, have_x);
	line("harvest", up.harvest_ns, x.harvest_ns, have_up, have_x);
	return have_x ? 0 : 1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kvm/exits: the cost of the three basic exit paths, measured with the
 * same guest programs on upstream kvm_amd (/dev/kvm) and then on kvmx
 * (/dev/kvmx), one line per metric with the ratio kvmx/kvm_amd:
 *
 *   pio_exit     OUT in a guest loop, each one a KVM_EXIT_IO round trip
 *                to this program and back (ns per exit)
 *   cpuid_exit   CPUID in a guest loop, handled in the kernel; one exit
 *                at the end (ns per CPUID, the PIO exit subtracted)
 *   first_touch  one write per 4 KiB page over 256 MiB of fresh guest
 *                RAM: a nested page fault each (ns per page)
 *
 * Times are CLOCK_MONOTONIC in the test machine; `make bench` boots it
 * with QEMU -icount shift=0, where the guest clock advances 1 ns per
 * instruction, so the figures repeat and ns ~ instructions executed by
 * the test machine's kernel on the path.  Not a test: it never fails on
 * a number.  Needs --mem 1024 or more (the default).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kvm_util.h"
#include "kvmx_test.h"

#define PIO_WARMUP	100
#define PIO_EXITS	2000
#define CPUID_LOOPS	20000
#define TOUCH_BYTES	(256ULL << 20)
#define TOUCH_BASE	0x200000ULL

/* OUT forever. */
KVMT_GUEST_CODE(bench_pio, ".code64",
	"1:\n\t"
	"outb %al, $0xe9\n\t"
	"jmp 1b");

/* [0x9000] CPUIDs, OUT, repeat. */
KVMT_GUEST_CODE(bench_cpuid, ".code64",
	"2:\n\t"
	"movq (0x9000), %r8\n"
	"1:\n\t"
	"xorl %eax, %eax\n\t"
	"xorl %ecx, %ecx\n\t"
	"cpuid\n\t"
	"decq %r8\n\t"
	"jnz 1b\n\t"
	"outb %al, $0xe9\n\t"
	"jmp 2b");

/* One byte per page from TOUCH_BASE for [0x9000] pages, OUT, HLT. */
KVMT_GUEST_CODE(bench_touch, ".code64",
	"movq $0x200000, %rdi\n\t"
	"movq (0x9000), %rcx\n"
	"1:\n\t"
	"movb $1, (%rdi)\n\t"
	"addq $4096, %rdi\n\t"
	"decq %rcx\n\t"
	"jnz 1b\n\t"
	"outb %al, $0xe9\n\t"
	"hlt");

struct result {
	double pio_ns, cpuid_ns, touch_ns;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int fail(char *why, size_t len, const char *what,
		struct kvmt_vcpu *vcpu)
{
	char b[200] = "";

	if (vcpu)
		kvmt_describe_exit(vcpu, b, sizeof(b));
	snprintf(why, len, "%s%s%s", what, vcpu ? ": " : "", b);
	return -1;
}

/* Run until an exit on port 0xe9; 0 or -1. */
static int run_to_out(struct kvmt_vcpu *vcpu)
{
	if (kvmt_run(vcpu))
		return -1;
	return vcpu->run->exit_reason == KVM_EXIT_IO &&
	       vcpu->run->io.port == 0xe9 ? 0 : -1;
}

static int make_guest(struct kvmt_vm **vmp, struct kvmt_vcpu **vcpup,
		      size_t mem, const unsigned char *start,
		      const unsigned char *end)
{
	*vmp = kvmt_vm_create(mem);
	if (!*vmp)
		return -1;
	*vcpup = kvmt_vcpu_add(*vmp, 0);
	if (!*vcpup)
		return -1;
	return kvmt_setup(*vcpup, KVMT_MODE_LONG64, start, end);
}

static void drop_guest(struct kvmt_vm *vm, struct kvmt_vcpu *vcpu)
{
	kvmt_vcpu_free(vcpu);
	kvmt_vm_free(vm);
}

static int measure(struct result *r, char *why, size_t len)
{
	struct kvmt_vm *vm = NULL;
	struct kvmt_vcpu *vcpu = NULL;
	double t0, t1;
	int i;

	/* PIO exits to userspace. */
	if (make_guest(&vm, &vcpu, KVMT_MEM_SIZE, KVMT_CODE(bench_pio)))
		return fail(why, len, strerror(errno), NULL);
	for (i = 0; i < PIO_WARMUP; i++)
		if (run_to_out(vcpu))
			return fail(why, len, "pio warm-up", vcpu);
	t0 = now_ns();
	for (i = 0; i < PIO_EXITS; i++)
		if (run_to_out(vcpu))
			return fail(why, len, "pio", vcpu);
	t1 = now_ns();
	r->pio_ns = (t1 - t0) / PIO_EXITS;
	drop_guest(vm, vcpu);

	/* CPUID handled in the kernel. */
	if (make_guest(&vm, &vcpu, KVMT_MEM_SIZE, KVMT_CODE(bench_cpuid)) ||
	    kvmt_set_supported_cpuid(vcpu))
		return fail(why, len, "cpuid set-up", NULL);
	*(uint64_t *)kvmt_gpa(vm, 0x9000) = 100;
	if (run_to_out(vcpu))
		return fail(why, len, "cpuid warm-up", vcpu);
	*(uint64_t *)kvmt_gpa(vm, 0x9000) = CPUID_LOOPS;
	t0 = now_ns();
	if (run_to_out(vcpu))
		return fail(why, len, "cpuid", vcpu);
	t1 = now_ns();
	r->cpuid_ns = (t1 - t0 - r->pio_ns) / CPUID_LOOPS;
	drop_guest(vm, vcpu);

	/* First touch of 256 MiB of fresh guest memory. */
	if (make_guest(&vm, &vcpu, TOUCH_BASE + TOUCH_BYTES,
		       KVMT_CODE(bench_touch)))
		return fail(why, len, "touch set-up", NULL);
	*(uint64_t *)kvmt_gpa(vm, 0x9000) = TOUCH_BYTES / 4096;
	t0 = now_ns();
	if (run_to_out(vcpu))
		return fail(why, len, "touch", vcpu);
	t1 = now_ns();
	r->touch_ns = (t1 - t0 - r->pio_ns) / (TOUCH_BYTES / 4096);
	if (*(uint8_t *)kvmt_gpa(vm, TOUCH_BASE + TOUCH_BYTES - 4096) != 1)
		return fail(why, len, "touch: guest writes not visible",
			    NULL);
	drop_guest(vm, vcpu);
	return 0;
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

static void line(const char *name, const char *unit, double up, double x,
		 int have_x)
{
	if (have_x)
		printf("kvm/exits %-12s kvm_amd %10.0f ns/%s  kvmx %10.0f ns/%s  ratio kvmx/kvm_amd %.2f\n",
		       name, up, unit, x, unit, up > 0 ? x / up : 0.0);
	else
		printf("kvm/exits %-12s kvm_amd %10.0f ns/%s  kvmx n/a\n",
		       name, up, unit);
}

int main(void)
{
	struct result up = {}, x = {};
	char why_up[256] = "", why_x[256] = "";
	int have_up, have_x;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* A program before us may have left a hypervisor loaded. */
	kvmx_rmmod("kvmx");
	kvmx_rmmod("kvm_amd");
	kvmx_rmmod("kvm");
	printf("kvm/exits: guest-clock ns per operation (under -icount shift=0, ns = instructions)\n");
	have_up = !run_on("/dev/kvm", &up, why_up, sizeof(why_up));
	have_x = !run_on("/dev/kvmx", &x, why_x, sizeof(why_x));
	if (!have_up)
		printf("kvm/exits kvm_amd: not available (%s)\n", why_up);
	if (!have_x)
		printf("kvm/exits kvmx: not available (%s)\n", why_x);
	if (!have_up && have_x) {
		printf("kvm/exits kvmx pio_exit %.0f ns/exit cpuid_exit %.0f ns/cpuid first_touch %.0f ns/page\n",
		       x.pio_ns, x.cpuid_ns, x.touch_ns);
		return 0;
	}
	if (!have_up)
		return 1;
	line("pio_exit", "exit", up.pio_ns, x.pio_ns, have_x);
	line("cpuid_exit", "cpuid", up.cpuid_ns, x.cpuid_ns, have_x);
	line("first_touch", "page", up.touch_ns, x.touch_ns, have_x);
	return 0;
}

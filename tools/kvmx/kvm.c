// SPDX-License-Identifier: GPL-2.0
/*
 * VM and vCPU setup over the KVM ABI, and the vCPU loop.
 *
 * There is no in-kernel interrupt controller: the PIC is in userspace and
 * interrupts go in with KVM_INTERRUPT when the vCPU can take them
 * (run->ready_for_interrupt_injection and run->if_flag), otherwise the loop
 * sets run->request_interrupt_window and KVM exits with
 * KVM_EXIT_IRQ_WINDOW_OPEN as soon as it can.  Without a local APIC in the
 * kernel, HLT exits to userspace: the loop sleeps until the PIC has an
 * interrupt, or, if the guest halted with interrupts off, ends the run as a
 * power-off (Linux without ACPI halts that way on `poweroff`).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvmx.h"

#define KVM_API_VERSION_EXPECTED	12
#define KVMX_TSS_ADDR			0xfffbd000UL
#define KVMX_KSM_DEV			"/dev/kvmx-ksm"

static bool have_immediate_exit;

static bool module_loaded(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && line[n] == ' ';
	fclose(f);
	return found;
}

static void open_error(const char *path, int err)
{
	bool ours = strstr(path, "kvmx") != NULL;

	switch (err) {
	case ENOENT:
		if (ours && !module_loaded("kvmx"))
			die("%s: no such device: the kvmx module is not loaded (modprobe kvmx)",
			    path);
		die("%s: no such device file", path);
	case ENXIO:
	case ENODEV:
		die("%s: device not present: is its module (%s) loaded?", path,
		    ours ? "kvmx" : "kvm_amd or kvm_intel");
	case EACCES:
	case EPERM:
		die("%s: permission denied: needs read/write access (root, or the kvm group)",
		    path);
	default:
		die("%s: %s", path, strerror(err));
	}
}

/**
 * kvm__open() - open the KVM device and create the VM
 * @dev: device path, or NULL for /dev/kvmx if present, else /dev/kvm
 */
void kvm__open(const char *dev)
{
	int ver;

	if (!dev) {
		if (!access("/dev/kvmx", F_OK))
			dev = "/dev/kvmx";
		else if (!access("/dev/kvm", F_OK))
			dev = "/dev/kvm";
		else
			die("no /dev/kvmx or /dev/kvm: load a hypervisor module (modprobe kvmx, or kvm_amd/kvm_intel)");
	}
	kvm.sys_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (kvm.sys_fd < 0)
		open_error(dev, errno);
	ver = ioctl(kvm.sys_fd, KVM_GET_API_VERSION, 0);
	if (ver < 0 && (errno == ENOTTY || errno == EINVAL))
		die("%s: not a KVM device (KVM_GET_API_VERSION: %s)", dev,
		    strerror(errno));
	if (ver != KVM_API_VERSION_EXPECTED)
		die("%s: KVM API version %d, expected %d", dev, ver,
		    KVM_API_VERSION_EXPECTED);
	kvm.vm_fd = ioctl(kvm.sys_fd, KVM_CREATE_VM, 0);
	if (kvm.vm_fd < 0)
		die("%s: KVM_CREATE_VM: %s", dev, strerror(errno));
	have_immediate_exit = ioctl(kvm.sys_fd, KVM_CHECK_EXTENSION,
				    KVM_CAP_IMMEDIATE_EXIT) > 0;
	if (ioctl(kvm.vm_fd, KVM_SET_TSS_ADDR, KVMX_TSS_ADDR) < 0)
		pr_dbg("KVM_SET_TSS_ADDR: %s (ignored)", strerror(errno));
	pthread_mutex_init(&kvm.lock, NULL);
	pthread_cond_init(&kvm.wake, NULL);
}

static void *map_ksm_region(uint64_t bytes)
{
	void *p;

	kvm.ram_fd = open(KVMX_KSM_DEV, O_RDWR | O_CLOEXEC);
	if (kvm.ram_fd < 0)
		die("%s: %s", KVMX_KSM_DEV, strerror(errno));
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, kvm.ram_fd,
		 0);
	if (p == MAP_FAILED)
		die("--ksm: cannot map %llu MiB from %s: %s",
		    (unsigned long long)bytes >> 20, KVMX_KSM_DEV,
		    strerror(errno));
	return p;
}

/**
 * kvm__init_memory() - allocate guest RAM and map it at guest address 0
 * @bytes: RAM size
 * @ksm: take it from /dev/kvmx-ksm if that exists, else advise upstream KSM
 */
void kvm__init_memory(uint64_t bytes, bool ksm)
{
	struct kvm_userspace_memory_region region = { 0 };
	void *p;

	if (ksm && !access(KVMX_KSM_DEV, F_OK)) {
		p = map_ksm_region(bytes);
	} else {
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			die("-m %llu: cannot allocate guest memory: %s",
			    (unsigned long long)bytes >> 20, strerror(errno));
		if (ksm && madvise(p, bytes, MADV_MERGEABLE))
			die("--ksm: no %s and madvise(MADV_MERGEABLE) failed: %s (kernel without KSM?)",
			    KVMX_KSM_DEV, strerror(errno));
	}
	kvm.ram = p;
	kvm.ram_size = bytes;
	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = bytes;
	region.userspace_addr = (uintptr_t)p;
	if (ioctl(kvm.vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		die("KVM_SET_USER_MEMORY_REGION (%llu MiB): %s",
		    (unsigned long long)bytes >> 20, strerror(errno));
}

/**
 * kvm__gpa() - host pointer to guest physical memory
 * @gpa: guest physical address
 * @len: length that must lie within RAM
 *
 * Return: the pointer, or NULL if [gpa, gpa+len) is not all RAM.
 */
void *kvm__gpa(uint64_t gpa, uint64_t len)
{
	if (gpa > kvm.ram_size || len > kvm.ram_size - gpa)
		return NULL;
	return kvm.ram + gpa;
}

/*
 * The guest sees no local APIC: Linux then drives the i8259 PIC and the
 * i8254 PIT that we emulate.  If the device offers the KVM leaves, the
 * hypervisor bit is set (KVM does not report it; without it Linux never
 * looks at the KVM leaves) so that the
 * guest uses the KVM paravirtual clock and needs no PIT-based TSC
 * calibration; paravirtual features that need an in-kernel APIC go.
 */
static bool has_kvm_leaves(struct kvm_cpuid2 *cpuid)
{
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == 0x40000000)
			return e->ebx == 0x4b4d564b && e->ecx == 0x564b4d56 &&
			       e->edx == 0x4d;	/* "KVMKVMKVM\0\0\0" */
	}
	return false;
}

static void filter_cpuid(struct kvm_cpuid2 *cpuid)
{
	const uint32_t kvm_keep = (1u << 0) | (1u << 1) | (1u << 3) |
				  (1u << 24);
	bool pv = has_kvm_leaves(cpuid);
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++) {
		struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

		switch (e->function) {
		case 1:
			e->edx &= ~(1u << 9);			/* APIC */
			e->ecx &= ~((1u << 21) | (1u << 24));	/* x2APIC, TSC-DL */
			if (pv)		/* hypervisor: look for kvmclock */
				e->ecx |= 1u << 31;
			e->ebx &= 0x0000ffff;			/* APIC ID 0 */
			e->ebx |= 1u << 16;
			break;
		case 0x80000001:
			e->edx &= ~(1u << 9);
			break;
		case 0x40000001:
			e->eax &= kvm_keep;
			break;
		}
	}
}

static void set_cpuid(void)
{
	struct kvm_cpuid2 *cpuid;
	int nent = 64;

	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) +
			       nent * sizeof(struct kvm_cpuid_entry2));
		if (!cpuid)
			die("out of memory");
		cpuid->nent = nent;
		if (!ioctl(kvm.sys_fd, KVM_GET_SUPPORTED_CPUID, cpuid))
			break;
		if (errno != E2BIG || nent >= 1024)
			die("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		free(cpuid);
		nent *= 2;
	}
	filter_cpuid(cpuid);
	if (ioctl(kvm.vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		die("KVM_SET_CPUID2: %s", strerror(errno));
	free(cpuid);
}

static void sigusr1(int sig)
{
	if (kvm.run)
		kvm.run->immediate_exit = 1;
}

/**
 * kvm__init_vcpu() - create vCPU 0, map its kvm_run, give it CPUID
 */
void kvm__init_vcpu(void)
{
	struct sigaction sa = { .sa_handler = sigusr1 };
	int size;

	kvm.vcpu_fd = ioctl(kvm.vm_fd, KVM_CREATE_VCPU, 0);
	if (kvm.vcpu_fd < 0)
		die("KVM_CREATE_VCPU: %s", strerror(errno));
	size = ioctl(kvm.sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		die("KVM_GET_VCPU_MMAP_SIZE: %s", size < 0 ?
		    strerror(errno) : "too small");
	kvm.run_size = size;
	kvm.run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       kvm.vcpu_fd, 0);
	if (kvm.run == MAP_FAILED)
		die("mmap(kvm_run): %s", strerror(errno));
	set_cpuid();
	kvm.vcpu_thread = pthread_self();
	sigaction(SIGUSR1, &sa, NULL);
	boot__setup_vcpu();
}

static void set_seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->dpl = 0;
	s->db = 1;
	s->s = 1;
	s->l = 0;
	s->g = 1;
	s->avl = 0;
	s->unusable = 0;
}

/**
 * kvm__set_boot_regs() - enter the 32-bit boot protocol entry point
 * @entry: code32_start
 * @zero_page: guest address of struct boot_params (goes in ESI)
 * @gdt: guest address of a GDT with flat __BOOT_CS (0x10), __BOOT_DS (0x18)
 */
void kvm__set_boot_regs(uint32_t entry, uint32_t zero_page, uint32_t gdt)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = { 0 };

	if (ioctl(kvm.vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		die("KVM_GET_SREGS: %s", strerror(errno));
	set_seg(&sregs.cs, 0x10, 0xb);
	set_seg(&sregs.ds, 0x18, 0x3);
	sregs.es = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.gdt.base = gdt;
	sregs.gdt.limit = 4 * 8 - 1;
	sregs.cr0 = 0x11;	/* PE, ET; paging off */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(kvm.vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		die("KVM_SET_SREGS: %s", strerror(errno));
	regs.rip = entry;
	regs.rsi = zero_page;
	regs.rflags = 0x2;
	if (ioctl(kvm.vcpu_fd, KVM_SET_REGS, &regs) < 0)
		die("KVM_SET_REGS: %s", strerror(errno));
}

/**
 * kvm__kick() - make the vCPU thread look at the PIC and the exit request
 *
 * Called with kvm.lock held, from any thread.
 */
void kvm__kick(void)
{
	pthread_cond_signal(&kvm.wake);
	if (!pthread_equal(pthread_self(), kvm.vcpu_thread))
		pthread_kill(kvm.vcpu_thread, SIGUSR1);
}

/**
 * kvm__request_exit() - end the run with @code (first request wins)
 * @code: the launcher's exit status
 */
void kvm__request_exit(int code)
{
	pthread_mutex_lock(&kvm.lock);
	if (kvm.exit_code < 0)
		kvm.exit_code = code;
	kvm__kick();
	pthread_mutex_unlock(&kvm.lock);
}

static void dump_regs(void)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(kvm.vcpu_fd, KVM_GET_REGS, &r) ||
	    ioctl(kvm.vcpu_fd, KVM_GET_SREGS, &s))
		return;
	fprintf(stderr,
		"  rip %016llx rsp %016llx rflags %08llx\n"
		"  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n"
		"  rsi %016llx rdi %016llx cr0 %llx cr3 %llx cr4 %llx efer %llx\n"
		"  cs %04x base %llx l %d db %d\n",
		r.rip, r.rsp, r.rflags, r.rax, r.rbx, r.rcx, r.rdx, r.rsi,
		r.rdi, s.cr0, s.cr3, s.cr4, s.efer, s.cs.selector, s.cs.base,
		s.cs.l, s.cs.db);
}

static void handle_io(struct kvm_run *run)
{
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	uint32_t i;

	pthread_mutex_lock(&kvm.lock);
	for (i = 0; i < run->io.count; i++) {
		ioport__dispatch(run->io.port, data, run->io.size,
				 run->io.direction == KVM_EXIT_IO_OUT);
		data += run->io.size;
	}
	pthread_mutex_unlock(&kvm.lock);
}

static void handle_mmio(struct kvm_run *run)
{
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, sizeof(run->mmio.data));
	pr_dbg("unhandled MMIO %s at %#llx, %u bytes",
	       run->mmio.is_write ? "write" : "read",
	       (unsigned long long)run->mmio.phys_addr, run->mmio.len);
}

/* With kvm.lock held: inject or ask for a window.  */
static void inject_interrupts(struct kvm_run *run)
{
	struct kvm_interrupt irq;

	run->request_interrupt_window = 0;
	if (!pic__has_irq())
		return;
	if (run->ready_for_interrupt_injection && run->if_flag) {
		irq.irq = pic__ack();
		if (ioctl(kvm.vcpu_fd, KVM_INTERRUPT, &irq) < 0)
			die("KVM_INTERRUPT: %s", strerror(errno));
		if (pic__has_irq())
			run->request_interrupt_window = 1;
	} else {
		run->request_interrupt_window = 1;
	}
}

/* HLT exited to us: sleep until an interrupt arrives (or power off).  */
static void handle_hlt(struct kvm_run *run)
{
	pthread_mutex_lock(&kvm.lock);
	if (!run->if_flag) {
		if (kvm.exit_code < 0)
			kvm.exit_code = KVMX_EXIT_POWEROFF;
	}
	while (kvm.exit_code < 0 && !pic__has_irq())
		pthread_cond_wait(&kvm.wake, &kvm.lock);
	/* Interrupts are on after HLT: the next entry can take one. */
	run->ready_for_interrupt_injection = 1;
	pthread_mutex_unlock(&kvm.lock);
}

static int guest_failed(const char *what, unsigned long long detail)
{
	term__restore();
	fprintf(stderr, "kvmx: guest stopped: %s (%#llx)\n", what, detail);
	dump_regs();
	return KVMX_EXIT_CRASH;
}

/**
 * kvm__run_vcpu() - the vCPU loop
 *
 * Return: the launcher's exit status (KVMX_EXIT_*).
 */
int kvm__run_vcpu(void)
{
	struct kvm_run *run = kvm.run;
	int ret, code;

	for (;;) {
		pthread_mutex_lock(&kvm.lock);
		code = kvm.exit_code;
		if (code < 0)
			inject_interrupts(run);
		pthread_mutex_unlock(&kvm.lock);
		if (code >= 0)
			return code;

		ret = ioctl(kvm.vcpu_fd, KVM_RUN, 0);
		run->immediate_exit = 0;
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			term__restore();
			fprintf(stderr, "kvmx: KVM_RUN: %s\n", strerror(errno));
			dump_regs();
			return KVMX_EXIT_CRASH;
		}
		switch (run->exit_reason) {
		case KVM_EXIT_IO:
			handle_io(run);
			break;
		case KVM_EXIT_MMIO:
			handle_mmio(run);
			break;
		case KVM_EXIT_HLT:
			handle_hlt(run);
			break;
		case KVM_EXIT_IRQ_WINDOW_OPEN:
		case KVM_EXIT_INTR:
			break;
		case KVM_EXIT_SHUTDOWN:
			if (kvm.opts->debug) {
				warnx_("triple fault: guest reset");
				dump_regs();
			}
			return KVMX_EXIT_RESET;
		case KVM_EXIT_SYSTEM_EVENT:
			if (run->system_event.type == KVM_SYSTEM_EVENT_RESET)
				return KVMX_EXIT_RESET;
			return KVMX_EXIT_POWEROFF;
		case KVM_EXIT_FAIL_ENTRY:
			return guest_failed("VM entry failed",
				run->fail_entry.hardware_entry_failure_reason);
		case KVM_EXIT_INTERNAL_ERROR:
			return guest_failed("KVM internal error",
					    run->internal.suberror);
		default:
			return guest_failed("unexpected exit reason",
					    run->exit_reason);
		}
	}
}

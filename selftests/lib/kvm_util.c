// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_util: VMs, vCPUs and guest mode set-up for the KVM-ABI selftests.
 * See kvm_util.h for the guest physical layout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm_util.h"
#include "kvmx_test.h"

#define KVMT_CR0_PE	(1ULL << 0)
#define KVMT_CR0_MP	(1ULL << 1)
#define KVMT_CR0_ET	(1ULL << 4)
#define KVMT_CR0_NE	(1ULL << 5)
#define KVMT_CR0_WP	(1ULL << 16)
#define KVMT_CR0_PG	(1ULL << 31)
#define KVMT_CR4_PAE	(1ULL << 5)
#define KVMT_CR4_OSFXSR	(1ULL << 9)
#define KVMT_CR4_OSXMMEXCPT (1ULL << 10)
#define KVMT_EFER_LME	(1ULL << 8)
#define KVMT_EFER_LMA	(1ULL << 10)

#define KVMT_PTE_P	(1ULL << 0)
#define KVMT_PTE_RW	(1ULL << 1)
#define KVMT_PTE_PS	(1ULL << 7)

const char *kvmt_dev_path(void)
{
	const char *dev = getenv("KVMX_DEV");

	return dev && *dev ? dev : "/dev/kvmx";
}

bool kvmt_is_upstream(void)
{
	return !strcmp(kvmt_dev_path(), "/dev/kvm");
}

const char *kvmt_module_name(void)
{
	return kvmt_is_upstream() ? "kvm_amd" : "kvmx";
}

int kvmt_load_module(void)
{
	return kvmx_modprobe(kvmt_module_name(), NULL);
}

int kvmt_unload_module(void)
{
	int ret;

	if (!kvmt_is_upstream())
		return kvmx_rmmod("kvmx");
	ret = kvmx_rmmod("kvm_amd");
	if (ret)
		return ret;
	return kvmx_rmmod("kvm");
}

int kvmt_open_dev(void)
{
	int fd = open(kvmt_dev_path(), O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

long long kvmt_module_refcnt(void)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt",
		 kvmt_module_name());
	return kvmx_read_ull(path);
}

int kvmt_set_slot(struct kvmt_vm *vm, uint32_t slot, uint32_t flags,
		  uint64_t gpa, uint64_t size, void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	if (ioctl(vm->fd, KVM_SET_USER_MEMORY_REGION, &r))
		return -errno;
	return 0;
}

struct kvmt_vm *kvmt_vm_create(size_t mem_size)
{
	struct kvmt_vm *vm = calloc(1, sizeof(*vm));

	if (!vm)
		return NULL;
	vm->fd = -1;
	vm->mem = MAP_FAILED;
	vm->sys_fd = kvmt_open_dev();
	if (vm->sys_fd < 0)
		goto err_free;
	vm->run_size = ioctl(vm->sys_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (vm->run_size <= 0)
		goto err_close;
	vm->fd = ioctl(vm->sys_fd, KVM_CREATE_VM, 0);
	if (vm->fd < 0)
		goto err_close;
	vm->mem_size = mem_size;
	if (!mem_size)
		return vm;
	vm->mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED)
		goto err_close;
	if (kvmt_set_slot(vm, 0, 0, 0, mem_size, vm->mem))
		goto err_unmap;
	return vm;

err_unmap:
	munmap(vm->mem, mem_size);
err_close:
	if (vm->fd >= 0)
		close(vm->fd);
	close(vm->sys_fd);
err_free:
	free(vm);
	return NULL;
}

void kvmt_vm_free(struct kvmt_vm *vm)
{
	if (!vm)
		return;
	if (vm->fd >= 0)
		close(vm->fd);
	if (vm->sys_fd >= 0)
		close(vm->sys_fd);
	if (vm->mem != MAP_FAILED && vm->mem_size)
		munmap(vm->mem, vm->mem_size);
	free(vm);
}

void *kvmt_gpa(struct kvmt_vm *vm, uint64_t gpa)
{
	return (char *)vm->mem + gpa;
}

struct kvmt_vcpu *kvmt_vcpu_add(struct kvmt_vm *vm, int id)
{
	struct kvmt_vcpu *vcpu = calloc(1, sizeof(*vcpu));

	if (!vcpu)
		return NULL;
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = ioctl(vm->fd, KVM_CREATE_VCPU, id);
	if (vcpu->fd < 0)
		goto err_free;
	vcpu->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	if (vcpu->run == MAP_FAILED)
		goto err_close;
	return vcpu;

err_close:
	close(vcpu->fd);
err_free:
	free(vcpu);
	return NULL;
}

void kvmt_vcpu_free(struct kvmt_vcpu *vcpu)
{
	if (!vcpu)
		return;
	munmap(vcpu->run, vcpu->vm->run_size);
	close(vcpu->fd);
	free(vcpu);
}

void kvmt_load_code(struct kvmt_vm *vm, const unsigned char *start,
		    const unsigned char *end)
{
	memcpy(kvmt_gpa(vm, KVMT_CODE_GPA), start, end - start);
}

uint64_t kvmt_guest_addr(const unsigned char *start,
			 const unsigned char *sym)
{
	return KVMT_CODE_GPA + (uint64_t)(sym - start);
}

static void kvmt_write_gdt(struct kvmt_vm *vm)
{
	uint64_t *gdt = kvmt_gpa(vm, KVMT_GDT_GPA);

	gdt[0] = 0;
	gdt[KVMT_SEL_CODE64 / 8] = 0x00af9b000000ffffULL; /* L, P, DPL0 */
	gdt[KVMT_SEL_DATA / 8]   = 0x00cf93000000ffffULL; /* 4G RW */
	gdt[KVMT_SEL_CODE32 / 8] = 0x00cf9b000000ffffULL; /* 4G RX, D */
	/* A 64-bit TSS at 0 (two slots), only there for TR to name. */
	gdt[KVMT_SEL_TSS / 8]    = 0x00008b0000000067ULL;
	gdt[KVMT_SEL_TSS / 8 + 1] = 0;
}

static void kvmt_write_page_tables(struct kvmt_vm *vm)
{
	uint64_t *pml4 = kvmt_gpa(vm, KVMT_PML4_GPA);
	uint64_t *pdpt = kvmt_gpa(vm, KVMT_PML4_GPA + 0x1000);
	uint64_t pd_gpa = KVMT_PML4_GPA + 0x2000;
	int i, j;

	memset(pml4, 0, 0x1000);
	memset(pdpt, 0, 0x1000);
	pml4[0] = (KVMT_PML4_GPA + 0x1000) | KVMT_PTE_P | KVMT_PTE_RW;
	for (i = 0; i < 4; i++) {
		uint64_t *pd = kvmt_gpa(vm, pd_gpa + i * 0x1000ULL);

		pdpt[i] = (pd_gpa + i * 0x1000ULL) | KVMT_PTE_P | KVMT_PTE_RW;
		for (j = 0; j < 512; j++)
			pd[j] = ((uint64_t)i << 30) | ((uint64_t)j << 21) |
				KVMT_PTE_P | KVMT_PTE_RW | KVMT_PTE_PS;
	}
}

static void kvmt_seg(struct kvm_segment *s, uint16_t sel, uint64_t base,
		     uint32_t limit, uint8_t type, bool code64, bool db,
		     bool g)
{
	memset(s, 0, sizeof(*s));
	s->selector = sel;
	s->base = base;
	s->limit = limit;
	s->type = type;
	s->present = 1;
	s->s = 1;
	s->l = code64;
	s->db = db;
	s->g = g;
}

int kvmt_setup_mode(struct kvmt_vcpu *vcpu, enum kvmt_mode mode)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_segment data;
	int ret;

	ret = kvmt_get_sregs(vcpu, &sregs);
	if (ret)
		return ret;
	memset(&regs, 0, sizeof(regs));
	regs.rflags = 0x2;
	regs.rsp = KVMT_STACK_TOP;

	if (mode == KVMT_MODE_REAL) {
		kvmt_seg(&sregs.cs, KVMT_CODE_GPA >> 4, KVMT_CODE_GPA, 0xffff,
			 11, false, false, false);
		kvmt_seg(&data, 0, 0, 0xffff, 3, false, false, false);
		sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
		sregs.cr0 = KVMT_CR0_ET | KVMT_CR0_NE;
		sregs.cr4 = 0;
		sregs.efer = 0;
		regs.rip = 0;
		goto out;
	}

	kvmt_write_gdt(vcpu->vm);
	sregs.gdt.base = KVMT_GDT_GPA;
	sregs.gdt.limit = 6 * 8 - 1;
	kvmt_seg(&data, KVMT_SEL_DATA, 0, 0xffffffff, 3, false, true, true);
	sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
	kvmt_seg(&sregs.tr, KVMT_SEL_TSS, 0, 0x67, 11, false, false, false);
	sregs.tr.s = 0;
	regs.rip = KVMT_CODE_GPA;

	if (mode == KVMT_MODE_PROT32) {
		kvmt_seg(&sregs.cs, KVMT_SEL_CODE32, 0, 0xffffffff, 11,
			 false, true, true);
		sregs.cr0 = KVMT_CR0_PE | KVMT_CR0_ET | KVMT_CR0_NE;
		sregs.cr4 = 0;
		sregs.efer = 0;
		goto out;
	}

	kvmt_write_page_tables(vcpu->vm);
	kvmt_seg(&sregs.cs, KVMT_SEL_CODE64, 0, 0xffffffff, 11,
		 true, false, true);
	sregs.cr0 = KVMT_CR0_PE | KVMT_CR0_MP | KVMT_CR0_ET | KVMT_CR0_NE |
		    KVMT_CR0_WP | KVMT_CR0_PG;
	sregs.cr3 = KVMT_PML4_GPA;
	sregs.cr4 = KVMT_CR4_PAE | KVMT_CR4_OSFXSR | KVMT_CR4_OSXMMEXCPT;
	sregs.efer = KVMT_EFER_LME | KVMT_EFER_LMA;
out:
	ret = kvmt_set_sregs(vcpu, &sregs);
	if (ret)
		return ret;
	return kvmt_set_regs(vcpu, &regs);
}

int kvmt_setup(struct kvmt_vcpu *vcpu, enum kvmt_mode mode,
	       const unsigned char *start, const unsigned char *end)
{
	kvmt_load_code(vcpu->vm, start, end);
	return kvmt_setup_mode(vcpu, mode);
}

void kvmt_set_idt_gate(struct kvmt_vcpu *vcpu, enum kvmt_mode mode,
		       int vec, uint64_t handler_gpa)
{
	struct kvm_sregs sregs;

	if (mode == KVMT_MODE_REAL) {
		uint16_t *ivt = kvmt_gpa(vcpu->vm, 0);

		/* offset:segment relative to the real-mode code segment */
		ivt[vec * 2] = handler_gpa - KVMT_CODE_GPA;
		ivt[vec * 2 + 1] = KVMT_CODE_GPA >> 4;
		kvmt_get_sregs(vcpu, &sregs);
		sregs.idt.base = 0;
		sregs.idt.limit = 0x3ff;
		kvmt_set_sregs(vcpu, &sregs);
		return;
	}
	if (mode == KVMT_MODE_PROT32) {
		uint64_t *idt = kvmt_gpa(vcpu->vm, KVMT_IDT_GPA);

		idt[vec] = (handler_gpa & 0xffff) |
			   ((uint64_t)KVMT_SEL_CODE32 << 16) |
			   (0x8eULL << 40) |
			   ((handler_gpa >> 16) << 48);
		kvmt_get_sregs(vcpu, &sregs);
		sregs.idt.base = KVMT_IDT_GPA;
		sregs.idt.limit = 256 * 8 - 1;
		kvmt_set_sregs(vcpu, &sregs);
		return;
	}
	{
		uint64_t *idt = kvmt_gpa(vcpu->vm, KVMT_IDT_GPA);

		idt[vec * 2] = (handler_gpa & 0xffff) |
			       ((uint64_t)KVMT_SEL_CODE64 << 16) |
			       (0x8eULL << 40) |
			       (((handler_gpa >> 16) & 0xffff) << 48);
		idt[vec * 2 + 1] = handler_gpa >> 32;
		kvmt_get_sregs(vcpu, &sregs);
		sregs.idt.base = KVMT_IDT_GPA;
		sregs.idt.limit = 256 * 16 - 1;
		kvmt_set_sregs(vcpu, &sregs);
	}
}

int kvmt_run(struct kvmt_vcpu *vcpu)
{
	if (ioctl(vcpu->fd, KVM_RUN, 0))
		return -errno;
	return 0;
}

void *kvmt_io_data(struct kvmt_vcpu *vcpu)
{
	return (char *)vcpu->run + vcpu->run->io.data_offset;
}

const char *kvmt_exit_name(uint32_t reason)
{
	static const char * const names[] = {
		[KVM_EXIT_UNKNOWN] = "UNKNOWN",
		[KVM_EXIT_EXCEPTION] = "EXCEPTION",
		[KVM_EXIT_IO] = "IO",
		[KVM_EXIT_HYPERCALL] = "HYPERCALL",
		[KVM_EXIT_DEBUG] = "DEBUG",
		[KVM_EXIT_HLT] = "HLT",
		[KVM_EXIT_MMIO] = "MMIO",
		[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
		[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
		[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
		[KVM_EXIT_INTR] = "INTR",
		[KVM_EXIT_SET_TPR] = "SET_TPR",
		[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
		[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	};

	if (reason < sizeof(names) / sizeof(*names) && names[reason])
		return names[reason];
	return "?";
}

const char *kvmt_describe_exit(struct kvmt_vcpu *vcpu, char *buf,
			       size_t len)
{
	struct kvm_run *run = vcpu->run;
	struct kvm_regs regs;
	int n;

	n = snprintf(buf, len, "exit %u (%s)", run->exit_reason,
		     kvmt_exit_name(run->exit_reason));
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		n += snprintf(buf + n, len - n,
			      " port 0x%x dir %u size %u count %u",
			      run->io.port, run->io.direction, run->io.size,
			      run->io.count);
		break;
	case KVM_EXIT_MMIO:
		n += snprintf(buf + n, len - n, " gpa 0x%llx len %u write %u",
			      (unsigned long long)run->mmio.phys_addr,
			      run->mmio.len, run->mmio.is_write);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		n += snprintf(buf + n, len - n, " suberror %u",
			      run->internal.suberror);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		n += snprintf(buf + n, len - n, " hw reason 0x%llx",
			      (unsigned long long)
			      run->fail_entry.hardware_entry_failure_reason);
		break;
	}
	if (!kvmt_get_regs(vcpu, &regs) && n < (int)len)
		snprintf(buf + n, len - n, " rip 0x%llx",
			 (unsigned long long)regs.rip);
	return buf;
}

int kvmt_get_regs(struct kvmt_vcpu *vcpu, struct kvm_regs *regs)
{
	return ioctl(vcpu->fd, KVM_GET_REGS, regs) ? -errno : 0;
}

int kvmt_set_regs(struct kvmt_vcpu *vcpu, struct kvm_regs *regs)
{
	return ioctl(vcpu->fd, KVM_SET_REGS, regs) ? -errno : 0;
}

int kvmt_get_sregs(struct kvmt_vcpu *vcpu, struct kvm_sregs *sregs)
{
	return ioctl(vcpu->fd, KVM_GET_SREGS, sregs) ? -errno : 0;
}

int kvmt_set_sregs(struct kvmt_vcpu *vcpu, struct kvm_sregs *sregs)
{
	return ioctl(vcpu->fd, KVM_SET_SREGS, sregs) ? -errno : 0;
}

struct kvmt_one_msr {
	struct kvm_msrs hdr;
	struct kvm_msr_entry entry;
};

int kvmt_get_msr(struct kvmt_vcpu *vcpu, uint32_t index, uint64_t *val)
{
	struct kvmt_one_msr m = { .hdr.nmsrs = 1, .entry.index = index };
	int ret = ioctl(vcpu->fd, KVM_GET_MSRS, &m);

	if (ret < 0)
		return -errno;
	if (ret != 1)
		return -EINVAL;
	*val = m.entry.data;
	return 0;
}

int kvmt_set_msr(struct kvmt_vcpu *vcpu, uint32_t index, uint64_t val)
{
	struct kvmt_one_msr m = {
		.hdr.nmsrs = 1, .entry.index = index, .entry.data = val,
	};
	int ret = ioctl(vcpu->fd, KVM_SET_MSRS, &m);

	if (ret < 0)
		return -errno;
	return ret == 1 ? 0 : -EINVAL;
}

struct kvm_cpuid2 *kvmt_get_supported_cpuid(int sys_fd)
{
	int n = 64;

	for (;;) {
		struct kvm_cpuid2 *c;

		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = n;
		if (!ioctl(sys_fd, KVM_GET_SUPPORTED_CPUID, c))
			return c;
		free(c);
		if (errno != E2BIG || n >= 4096)
			return NULL;
		n *= 2;
	}
}

int kvmt_set_supported_cpuid(struct kvmt_vcpu *vcpu)
{
	struct kvm_cpuid2 *c = kvmt_get_supported_cpuid(vcpu->vm->sys_fd);
	int ret;

	if (!c)
		return -errno ? -errno : -ENOMEM;
	ret = ioctl(vcpu->fd, KVM_SET_CPUID2, c) ? -errno : 0;
	free(c);
	return ret;
}

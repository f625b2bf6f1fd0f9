/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm_util: a small library for the KVM-ABI selftests.  It opens the
 * device named by $KVMX_DEV (default /dev/kvmx; /dev/kvm selects upstream
 * kvm_amd for A/B runs), loads the matching module, creates VMs with one
 * slot of anonymous guest RAM at GPA 0 and vCPUs, and puts a vCPU straight
 * into real, 32-bit protected or 64-bit long mode by writing its SREGS (no
 * BIOS).  Guest code is written in asm() blocks in the test (see
 * KVMT_GUEST_CODE) and copied to KVMT_CODE_GPA, so it must only use
 * relative references to its own labels.
 *
 * Every symbol is prefixed kvmt_/KVMT_: every selftests/lib .c file is linked into
 * every selftest of every area.
 */
#ifndef KVM_UTIL_H
#define KVM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

/* Guest physical layout used by the mode helpers. */
#define KVMT_GDT_GPA	0x0500ULL	/* flat GDT */
#define KVMT_IDT_GPA	0x2000ULL	/* 256 x 16-byte (or 8-byte) gates */
#define KVMT_PML4_GPA	0x3000ULL	/* then PDPT at 0x4000, PDs 0x5000.. */
#define KVMT_DATA_GPA	0x9000ULL	/* a scratch page the guest writes */
#define KVMT_STACK_TOP	0xf000ULL	/* stack grows down from here */
#define KVMT_CODE_GPA	0x10000ULL	/* guest code; real mode CS=0x1000 */
#define KVMT_MEM_SIZE	0x200000ULL	/* default RAM: 2 MiB at GPA 0 */
/* Outside every slot: accesses there are MMIO (identity mapped <4G). */
#define KVMT_MMIO_GPA	0xc0000000ULL

/* GDT selectors written by the mode helpers. */
#define KVMT_SEL_CODE64	0x08
#define KVMT_SEL_DATA	0x10
#define KVMT_SEL_CODE32	0x18
#define KVMT_SEL_TSS	0x20

enum kvmt_mode {
	KVMT_MODE_REAL,
	KVMT_MODE_PROT32,
	KVMT_MODE_LONG64,
};

struct kvmt_vm {
	int sys_fd;		/* /dev/kvm(x) */
	int fd;			/* the VM */
	void *mem;		/* host view of slot 0 */
	size_t mem_size;
	int run_size;		/* KVM_GET_VCPU_MMAP_SIZE */
};

struct kvmt_vcpu {
	struct kvmt_vm *vm;
	int fd;
	int id;
	struct kvm_run *run;
};

/*
 * Guest code: KVMT_GUEST_CODE(name, ".code64", "hlt") emits the bytes
 * between kvmt_guest_<name>_start and kvmt_guest_<name>_end into a data
 * section of the test binary; kvmt_load_code() copies them to the guest.
 * Labels inside may be referenced only relatively (jmp, call, rip-relative)
 * or through kvmt_guest_addr().
 */
#define KVMT_GUEST_CODE(name, mode, body)				\
	extern const unsigned char kvmt_guest_##name##_start[];		\
	extern const unsigned char kvmt_guest_##name##_end[];		\
	asm(".pushsection .rodata.kvmt_guest, \"a\"\n\t"		\
	    ".globl kvmt_guest_" #name "_start\n\t"			\
	    ".globl kvmt_guest_" #name "_end\n"				\
	    "kvmt_guest_" #name "_start:\n\t"				\
	    mode "\n\t"							\
	    body "\n"							\
	    "kvmt_guest_" #name "_end:\n\t"				\
	    ".code64\n\t"						\
	    ".popsection")

#define KVMT_CODE(name) kvmt_guest_##name##_start, kvmt_guest_##name##_end

/* Declare a label defined inside a KVMT_GUEST_CODE() body. */
#define KVMT_GUEST_LABEL(sym) extern const unsigned char sym[]

/* The device path under test ($KVMX_DEV or /dev/kvmx). */
const char *kvmt_dev_path(void);
/* The module providing it: "kvm_amd" for /dev/kvm, else "kvmx". */
const char *kvmt_module_name(void);
/* True when testing upstream KVM (/dev/kvm). */
bool kvmt_is_upstream(void);
/* Load the module for kvmt_dev_path(); 0 or modprobe's status. */
int kvmt_load_module(void);
/* Unload it again (kvm_amd then kvm, or kvmx); 0 or -errno. */
int kvmt_unload_module(void);
/* open() the device O_RDWR|O_CLOEXEC; fd or -errno. */
int kvmt_open_dev(void);
/* /sys/module/<module>/refcnt, or -1. */
long long kvmt_module_refcnt(void);

/* A VM with @mem_size bytes of RAM at GPA 0 in slot 0; NULL on error. */
struct kvmt_vm *kvmt_vm_create(size_t mem_size);
/* Close everything the VM owns (not its vCPUs). */
void kvmt_vm_free(struct kvmt_vm *vm);
/* KVM_SET_USER_MEMORY_REGION; 0 or -errno. */
int kvmt_set_slot(struct kvmt_vm *vm, uint32_t slot, uint32_t flags,
		  uint64_t gpa, uint64_t size, void *hva);
/* Host pointer for guest physical @gpa in slot 0. */
void *kvmt_gpa(struct kvmt_vm *vm, uint64_t gpa);

/* Create vCPU @id and map its kvm_run; NULL on error. */
struct kvmt_vcpu *kvmt_vcpu_add(struct kvmt_vm *vm, int id);
void kvmt_vcpu_free(struct kvmt_vcpu *vcpu);

/* Copy code [start, end) to KVMT_CODE_GPA. */
void kvmt_load_code(struct kvmt_vm *vm, const unsigned char *start,
		    const unsigned char *end);
/* Guest address of @sym inside code loaded from @start. */
uint64_t kvmt_guest_addr(const unsigned char *start,
			 const unsigned char *sym);
/*
 * Put @vcpu into @mode with RIP at KVMT_CODE_GPA (real mode: CS=0x1000,
 * IP=0), flat data segments, stack at KVMT_STACK_TOP, interrupts off.
 * Writes the GDT and (long mode) identity page tables for 4 GiB in
 * 2 MiB pages.  0 or -errno.
 */
int kvmt_setup_mode(struct kvmt_vcpu *vcpu, enum kvmt_mode mode);
/* kvmt_load_code() + kvmt_setup_mode() for a fresh VM+vCPU. */
int kvmt_setup(struct kvmt_vcpu *vcpu, enum kvmt_mode mode,
	       const unsigned char *start, const unsigned char *end);
/* Point IDT gate @vec at @handler_gpa (interrupt gate, CS flat). */
void kvmt_set_idt_gate(struct kvmt_vcpu *vcpu, enum kvmt_mode mode,
		       int vec, uint64_t handler_gpa);

/* KVM_RUN; 0 or -errno. */
int kvmt_run(struct kvmt_vcpu *vcpu);
/* Name of a KVM_EXIT_* reason for messages. */
const char *kvmt_exit_name(uint32_t reason);
/* Pointer to the PIO data of the current KVM_EXIT_IO. */
void *kvmt_io_data(struct kvmt_vcpu *vcpu);

int kvmt_get_regs(struct kvmt_vcpu *vcpu, struct kvm_regs *regs);
int kvmt_set_regs(struct kvmt_vcpu *vcpu, struct kvm_regs *regs);
int kvmt_get_sregs(struct kvmt_vcpu *vcpu, struct kvm_sregs *sregs);
int kvmt_set_sregs(struct kvmt_vcpu *vcpu, struct kvm_sregs *sregs);
/* One MSR through KVM_GET_MSRS/KVM_SET_MSRS; 0 or -errno. */
int kvmt_get_msr(struct kvmt_vcpu *vcpu, uint32_t index, uint64_t *val);
int kvmt_set_msr(struct kvmt_vcpu *vcpu, uint32_t index, uint64_t val);

/*
 * Install the host's KVM_GET_SUPPORTED_CPUID table with KVM_SET_CPUID2
 * (needed before long mode on upstream KVM).  0 or -errno.
 */
int kvmt_set_supported_cpuid(struct kvmt_vcpu *vcpu);
/* KVM_GET_SUPPORTED_CPUID into a malloc'ed table; NULL on error. */
struct kvm_cpuid2 *kvmt_get_supported_cpuid(int sys_fd);

/* Describe the current exit for a failure message. */
const char *kvmt_describe_exit(struct kvmt_vcpu *vcpu, char *buf,
			       size_t len);

#endif

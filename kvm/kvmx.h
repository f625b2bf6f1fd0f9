/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmx core: the vendor-neutral objects (VMs, vCPUs, memory slots) and
 * the functions core files call in each other.  Vendor code reaches the
 * core through this header too; the core reaches the vendor only through
 * struct kvmx_arch_ops (arch_ops.h).
 */
#ifndef KVMX_H
#define KVMX_H

#include <linux/kref.h>
#include <linux/kvm.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/signal.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <asm/fpu/api.h>

#include "arch_ops.h"
#include "x86/decode.h"
#include "x86/emulate.h"

#define KVMX_MAX_VCPUS		64
#define KVMX_MAX_MEMSLOTS	128
#define KVMX_MAX_CPUID_ENTRIES	256
#define KVMX_MAX_MSR_ENTRIES	256
#define KVMX_MAX_MCE_BANKS	32
/* Largest slot: 2^31 pages (8 TiB) as upstream's KVM_MEM_MAX_NR_PAGES. */
#define KVMX_MEM_MAX_NR_PAGES	((1UL << 31) - 1)
/*
 * Pages of the vCPU mmap: struct kvm_run, the PIO data page, then the
 * VM's coalesced MMIO ring (KVM_COALESCED_MMIO_PAGE_OFFSET).
 */
#define KVMX_VCPU_MMAP_PAGES	3

/* Exit statistics kept per vCPU (debugfs), by what the exit was. */
enum kvmx_exit_stat {
	KVMX_STAT_IO,
	KVMX_STAT_MMIO,
	KVMX_STAT_NPF,
	KVMX_STAT_HLT,
	KVMX_STAT_CPUID,
	KVMX_STAT_MSR_READ,
	KVMX_STAT_MSR_WRITE,
	KVMX_STAT_XSETBV,
	KVMX_STAT_INTR,
	KVMX_STAT_NMI,
	KVMX_STAT_IRQ_WINDOW,
	KVMX_STAT_SHUTDOWN,
	KVMX_STAT_INVD,
	KVMX_STAT_IRET,
	KVMX_STAT_UD,
	KVMX_STAT_FAIL_ENTRY,
	KVMX_STAT_OTHER,
	KVMX_STAT_SIGNAL,
	KVMX_STAT_IOEVENTFD,
	KVMX_NR_EXIT_STATS,
};

/* Register file order: the hardware (ModRM) order, as kvm_vcpu_regs.h. */
#define KVMX_NR_REGS	KVMX_NR_GPRS

/**
 * struct kvmx_memslot - one KVM_SET_USER_MEMORY_REGION slot
 * @base_gfn: first guest frame
 * @npages: size in pages (0: slot unused)
 * @hva: userspace address of the first page
 * @flags: KVM_MEM_* flags
 * @id: slot number
 * @dirty_bitmap: with KVM_MEM_LOG_DIRTY_PAGES, one bit per page written
 *	since it was last harvested, followed by as many bits of scratch
 *	space for KVM_GET_DIRTY_LOG/KVM_CLEAR_DIRTY_LOG; NULL otherwise
 */
struct kvmx_memslot {
	u64 base_gfn;
	u64 npages;
	unsigned long hva;
	u32 flags;
	u16 id;
	unsigned long *dirty_bitmap;
};

/**
 * struct kvmx_mmu - a VM's two-dimensional page table (NPT or EPT)
 * @root: top-level table page
 * @levels: 4 or 5
 * @pages: every table page, for freeing
 * @nr_pages: how many
 */
struct kvmx_mmu {
	struct page *root;
	int levels;
	struct list_head pages;
	unsigned long nr_pages;
};

struct kvmx_ioeventfd;

/* Pages kept ready so that mapping never allocates under mmu_lock. */
#define KVMX_PT_CACHE_PAGES	5

/**
 * struct kvmx_pt_cache - zeroed page-table pages kept by a vCPU
 * @pages: the pages
 * @nr: how many are left
 */
struct kvmx_pt_cache {
	struct page *pages[KVMX_PT_CACHE_PAGES];
	int nr;
};

/**
 * struct kvmx_vm - one virtual machine (a KVM_CREATE_VM fd)
 * @kref: the VM fd and each vCPU fd hold a reference
 * @mm: the creating process' mm; guest memory comes from it
 * @lock: serializes vCPU creation and ioeventfd changes
 * @slots_lock: serializes memory slot changes
 * @mmu_lock: protects @slots, @mmu, @mmu_seq, @mmu_invalidating
 * @slots: memory slots, indexed by slot id
 * @mmu_seq: bumped by every change that may invalidate NPT entries
 * @mmu_invalidating: mmu notifier invalidations in progress
 * @tlb_gen: bumped when NPT entries were removed; vCPUs flush on change
 * @tlb_flushes: kvmx_flush_remote_tlbs() calls (binary stats)
 * @mmu: the nested page table
 * @mn: mmu notifier on @mm
 * @vcpus: created vCPUs by id
 * @nr_vcpus: number of entries used in @vcpus
 * @ioeventfds: registered ioeventfds
 * @tss_addr: KVM_SET_TSS_ADDR value (accepted, unused with NPT)
 * @identity_map_addr: KVM_SET_IDENTITY_MAP_ADDR value (accepted)
 * @manual_dirty_log: KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 flags in force
 * @bsp_vcpu_id: KVM_SET_BOOT_CPU_ID: the vCPU whose APIC base has BSP set
 * @clock_offset: KVM_SET_CLOCK: guest clock minus host boot-time clock, ns
 * @coalesced_ring: the coalesced MMIO ring page
 * @coalesced_lock: protects @coalesced_zones and ring insertion
 * @coalesced_zones: registered coalesced MMIO/PIO zones
 * @nr_coalesced_zones: how many
 * @debugfs: the VM's debugfs directory
 * @id: serial number, for debugfs names
 * @arch: backend private state
 */
struct kvmx_vm {
	struct kref kref;
	struct mm_struct *mm;
	struct mutex lock;		/* vCPUs, ioeventfds */
	struct mutex slots_lock;	/* slot changes */
	spinlock_t mmu_lock;		/* slots, mmu, mmu_seq */
	struct kvmx_memslot slots[KVMX_MAX_MEMSLOTS];
	unsigned long mmu_seq;
	long mmu_invalidating;
	atomic64_t tlb_gen;
	atomic64_t tlb_flushes;
	struct kvmx_mmu mmu;
	struct mmu_notifier mn;
	struct kvmx_vcpu *vcpus[KVMX_MAX_VCPUS];
	int nr_vcpus;
	struct list_head ioeventfds;
	u64 tss_addr;
	u64 identity_map_addr;
	u64 manual_dirty_log;
	u32 bsp_vcpu_id;
	s64 clock_offset;
	struct kvm_coalesced_mmio_ring *coalesced_ring;
	spinlock_t coalesced_lock;	/* zones, ring insertion */
	struct list_head coalesced_zones;
	unsigned int nr_coalesced_zones;
	struct dentry *debugfs;
	unsigned int id;
	void *arch;
};

/* What KVM_RUN must finish before re-entering after an exit to userspace. */
enum kvmx_pending_user {
	KVMX_USER_NONE,
	KVMX_USER_PIO,
	KVMX_USER_PIO_STRING,
	KVMX_USER_MMIO,
};

/**
 * struct kvmx_pio_state - an IN/OUT (or string form) waiting for userspace
 * @size: access width
 * @count: elements in this exit
 * @in: IN/INS (data comes back from userspace)
 * @string: INS/OUTS
 * @rep: REP prefixed
 * @addr_bytes: string address size (2, 4, 8)
 * @gpa: guest physical address of the string buffer (first element)
 * @down: RFLAGS.DF set: the buffer runs downward from @gpa
 * @next_rip: RIP after the instruction
 * @rip: RIP of the instruction; if userspace moves RIP before the next
 *	KVM_RUN, the access is dropped instead of completed (as upstream)
 */
struct kvmx_pio_state {
	u8 size;
	u32 count;
	bool in;
	bool string;
	bool rep;
	u8 addr_bytes;
	u64 gpa;
	bool down;
	u64 next_rip;
	u64 rip;
};

/**
 * struct kvmx_mmio_state - an MMIO instruction waiting for userspace
 * @insn: decoded instruction
 * @acc: the access that went to userspace (at @acc.gpa)
 * @gpa: guest physical address of the fault
 */
struct kvmx_mmio_state {
	struct kvmx_insn insn;
	struct kvmx_mmio_access acc;
	u64 gpa;
};

/**
 * struct kvmx_msrs - MSR values the core keeps for a vCPU
 */
struct kvmx_msrs {
	u64 apic_base;
	u64 misc_enable;
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[16];
	u64 tsc_aux;
	u64 spec_ctrl;
	u64 xss;
	u64 mcg_status;
	u64 mcg_ctl;
	u64 tsc_adjust;
	u64 hwcr;
	u64 ia32_bios_sign_id;
	u64 amd_perf[8];
	u64 mc_banks[4 * KVMX_MAX_MCE_BANKS];
	u64 mcg_cap;
};

/**
 * struct kvmx_vcpu - one virtual CPU (a KVM_CREATE_VCPU fd)
 * @vm: owning VM (a reference is held)
 * @id: vCPU id
 * @run: the mmap'ed struct kvm_run
 * @pio_data: the mmap'ed PIO data page
 * @mutex: one ioctl at a time
 * @regs: GPRs, hardware order; RAX and RSP included
 * @rip: instruction pointer
 * @rflags: flags
 * @xcr0: guest XCR0
 * @pkru: guest PKRU as KVM_SET_XSAVE gave it (no PKU is offered)
 * @db: guest DR0-DR3
 * @sigset: KVM_SET_SIGNAL_MASK: signals blocked during KVM_RUN
 * @sigset_active: @sigset applies
 * @guest_debug: KVM_SET_GUEST_DEBUG control (0 when not enabled)
 * @triple_fault: KVM_X86_SET_MCE asked for a shutdown at the next KVM_RUN
 * @dbg_db: the debugger's DR0-DR3 (KVM_GUESTDBG_USE_HW_BP)
 * @dbg_dr7: the debugger's DR7 (KVM_GUESTDBG_USE_HW_BP)
 * @guest_fpu: guest FPU/XSAVE state, swapped in for KVM_RUN
 * @cpuid: KVM_SET_CPUID2 table
 * @cpuid_nent: entries in it
 * @msr: core-owned MSRs
 * @pending_user: what the next KVM_RUN must complete first
 * @pio: the pending PIO
 * @mmio: the pending MMIO
 * @irq_pending: KVM_INTERRUPT vector waiting for injection
 * @irq_vector: that vector
 * @nmi_pending: KVM_NMI waiting
 * @exc: an exception queued for injection
 * @exc_vector: its vector
 * @exc_has_error: it carries an error code
 * @exc_error: the error code
 * @exc_cr2: faulting address to load into CR2 with a queued #PF
 * @mmu_cache: page-table pages for this vCPU's nested page faults
 * @stats: exit counts, enum kvmx_exit_stat
 * @debugfs: per-vCPU debugfs directory
 * @arch: backend private state
 */
struct kvmx_vcpu {
	struct kvmx_vm *vm;
	int id;
	struct kvm_run *run;
	void *pio_data;
	struct mutex mutex;		/* one vCPU ioctl at a time */
	u64 regs[KVMX_NR_REGS];
	u64 rip;
	u64 rflags;
	u64 xcr0;
	u32 pkru;
	u64 db[4];
	sigset_t sigset;
	bool sigset_active;
	u32 guest_debug;
	bool triple_fault;
	u64 dbg_db[4];
	u64 dbg_dr7;
	struct fpu_guest guest_fpu;
	struct kvm_cpuid_entry2 *cpuid;
	int cpuid_nent;
	struct kvmx_msrs msr;
	enum kvmx_pending_user pending_user;
	struct kvmx_pio_state pio;
	struct kvmx_mmio_state mmio;
	bool irq_pending;
	u8 irq_vector;
	bool nmi_pending;
	bool exc;
	u8 exc_vector;
	bool exc_has_error;
	u32 exc_error;
	u64 exc_cr2;
	struct kvmx_pt_cache mmu_cache;
	u64 stats[KVMX_NR_EXIT_STATS];
	struct dentry *debugfs;
	void *arch;
};

/* core/main.c */
long kvmx_dev_check_extension(unsigned long ext);
extern struct dentry *kvmx_debugfs_root;

/* core/vm.c */
int kvmx_vm_create_fd(void);
void kvmx_vm_put(struct kvmx_vm *vm);
const struct kvmx_memslot *kvmx_gfn_to_slot(struct kvmx_vm *vm, u64 gfn);
int kvmx_read_guest(struct kvmx_vm *vm, u64 gpa, void *buf, unsigned int len);
int kvmx_write_guest(struct kvmx_vm *vm, u64 gpa, const void *buf,
		     unsigned int len);

/* core/dirty_log.c */
int kvmx_dirty_bitmap_alloc(struct kvmx_vm *vm, struct kvmx_memslot *s);
void kvmx_dirty_bitmap_free(unsigned long *bitmap);
void kvmx_mark_page_dirty(const struct kvmx_memslot *s, u64 gfn);
int kvmx_get_dirty_log(struct kvmx_vm *vm, struct kvm_dirty_log *log);
int kvmx_clear_dirty_log(struct kvmx_vm *vm, struct kvm_clear_dirty_log *log);
int kvmx_vm_enable_cap(struct kvmx_vm *vm, const struct kvm_enable_cap *cap);

/* core/vcpu_state.c */
/* KVM_SET_GUEST_DEBUG controls kvmx implements (KVM_CAP_SET_GUEST_DEBUG2) */
#define KVMX_GUESTDBG_SUPPORTED	(KVM_GUESTDBG_ENABLE | \
				 KVM_GUESTDBG_SINGLESTEP | \
				 KVM_GUESTDBG_USE_SW_BP | \
				 KVM_GUESTDBG_USE_HW_BP | \
				 KVM_GUESTDBG_INJECT_DB | \
				 KVM_GUESTDBG_INJECT_BP | \
				 KVM_GUESTDBG_BLOCKIRQ)
long kvmx_vcpu_state_ioctl(struct kvmx_vcpu *vcpu, unsigned int ioctl,
			   void __user *argp);
long kvmx_vm_clock_ioctl(struct kvmx_vm *vm, unsigned int ioctl,
			 void __user *argp);
bool kvmx_xcr0_valid(u64 xcr0);
u32 kvmx_xsave2_size(void);

/* core/vcpu.c */
/* kvm_run->s.regs fields KVM_RUN syncs (KVM_CAP_SYNC_REGS) */
#define KVMX_SYNC_FIELDS	(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS | \
				 KVM_SYNC_X86_EVENTS)
int kvmx_vcpu_create_fd(struct kvmx_vm *vm, unsigned long id);
void kvmx_queue_exception(struct kvmx_vcpu *vcpu, u8 vector, bool has_error,
			  u32 error_code);
int kvmx_internal_error(struct kvmx_vcpu *vcpu, u32 suberror, u64 data0,
			u64 data1);

/* core/exit.c: exits the core handles, called by the backend */
int kvmx_handle_pio(struct kvmx_vcpu *vcpu, u16 port, u8 size, bool in,
		    bool string, bool rep, u8 addr_bytes, int seg,
		    u64 next_rip);
int kvmx_handle_hlt(struct kvmx_vcpu *vcpu, u64 next_rip);
int kvmx_handle_cpuid(struct kvmx_vcpu *vcpu, u64 next_rip);
int kvmx_handle_rdmsr(struct kvmx_vcpu *vcpu, u64 next_rip);
int kvmx_handle_wrmsr(struct kvmx_vcpu *vcpu, u64 next_rip);
int kvmx_handle_rdpmc(struct kvmx_vcpu *vcpu, u64 next_rip);
int kvmx_handle_xsetbv(struct kvmx_vcpu *vcpu, u64 next_rip);
int kvmx_handle_shutdown(struct kvmx_vcpu *vcpu);
int kvmx_handle_fail_entry(struct kvmx_vcpu *vcpu, u64 reason);
int kvmx_handle_irq_window(struct kvmx_vcpu *vcpu);
int kvmx_complete_user_exit(struct kvmx_vcpu *vcpu);
int kvmx_gla_to_gpa(struct kvmx_vcpu *vcpu, u64 gla, unsigned int access,
		    u64 *gpa);

/* core/mmio.c */
int kvmx_handle_mmio(struct kvmx_vcpu *vcpu, u64 gpa, bool write);
int kvmx_complete_mmio(struct kvmx_vcpu *vcpu);
unsigned int kvmx_fetch_guest_insn(struct kvmx_vcpu *vcpu, u8 *bytes);
void kvmx_insn_prefixes(struct kvmx_vcpu *vcpu, u8 *addr_bytes, int *seg);

/* core/cpuid.c */
int kvmx_get_supported_cpuid(struct kvm_cpuid2 __user *argp);
int kvmx_get_emulated_cpuid(struct kvm_cpuid2 __user *argp);
int kvmx_set_cpuid2(struct kvmx_vcpu *vcpu, struct kvm_cpuid2 __user *argp);
int kvmx_get_cpuid2(struct kvmx_vcpu *vcpu, struct kvm_cpuid2 __user *argp);
u64 kvmx_supported_xcr0(void);
u32 kvmx_xsave_size(u64 xcr0);
void kvmx_cpuid_lookup(struct kvmx_vcpu *vcpu, u32 function, u32 index,
		       u32 *eax, u32 *ebx, u32 *ecx, u32 *edx);

/* core/msr.c */
void kvmx_msr_reset(struct kvmx_vcpu *vcpu);
int kvmx_get_msr(struct kvmx_vcpu *vcpu, u32 index, u64 *data, bool host);
int kvmx_set_msr(struct kvmx_vcpu *vcpu, u32 index, u64 data, bool host);
int kvmx_get_msr_index_list(struct kvm_msr_list __user *argp);
int kvmx_get_msr_feature_index_list(struct kvm_msr_list __user *argp);
int kvmx_get_feature_msrs(struct kvm_msrs __user *argp);
int kvmx_vcpu_msrs_ioctl(struct kvmx_vcpu *vcpu, struct kvm_msrs __user *argp,
			 bool set);

/* core/ioeventfd.c */
int kvmx_ioeventfd(struct kvmx_vm *vm, struct kvm_ioeventfd *args);
bool kvmx_ioeventfd_write(struct kvmx_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val);
void kvmx_ioeventfd_release_all(struct kvmx_vm *vm);

/* core/coalesced_mmio.c */
int kvmx_coalesced_init(struct kvmx_vm *vm);
void kvmx_coalesced_destroy(struct kvmx_vm *vm);
int kvmx_coalesced_register(struct kvmx_vm *vm,
			    const struct kvm_coalesced_mmio_zone *zone);
int kvmx_coalesced_unregister(struct kvmx_vm *vm,
			      const struct kvm_coalesced_mmio_zone *zone);
bool kvmx_coalesced_write(struct kvmx_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val);

/* core/mce.c */
int kvmx_mce_cap_supported(u64 __user *argp);
long kvmx_mce_ioctl(struct kvmx_vcpu *vcpu, unsigned int ioctl,
		    void __user *argp);

/* core/stats.c */
int kvmx_stats_fd(struct kvmx_vm *vm, struct kvmx_vcpu *vcpu);

/* core/debugfs.c */
extern const char * const kvmx_stat_names[KVMX_NR_EXIT_STATS];
void kvmx_debugfs_vm_add(struct kvmx_vm *vm);
void kvmx_debugfs_vcpu_add(struct kvmx_vcpu *vcpu);

/* mmu/mmu.c */
int kvmx_mmu_init(struct kvmx_vm *vm);
void kvmx_mmu_destroy(struct kvmx_vm *vm);
int kvmx_mmu_page_fault(struct kvmx_vcpu *vcpu, u64 gpa, bool write,
			bool fetch);
bool kvmx_mmu_zap_gfn_range(struct kvmx_vm *vm, u64 start, u64 end);
bool kvmx_mmu_wrprotect_masked(struct kvmx_vm *vm, u64 gfn,
			       unsigned long mask);
void kvmx_flush_remote_tlbs(struct kvmx_vm *vm);
u64 kvmx_mmu_root_pa(struct kvmx_vm *vm);
int kvmx_pt_cache_topup(struct kvmx_pt_cache *c);
void kvmx_pt_cache_free(struct kvmx_pt_cache *c);

/* mmu/notifier.c */
int kvmx_mmu_notifier_register(struct kvmx_vm *vm);
void kvmx_mmu_notifier_unregister(struct kvmx_vm *vm);

#endif /* KVMX_H */

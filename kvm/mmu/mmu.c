// SPDX-License-Identifier: GPL-2.0
/*
 * The two-dimensional MMU's fault path: a guest-physical access with no
 * mapping finds its memory slot, gets the page from the VM's mm the way
 * the process itself would fault it, and maps it; an access outside every
 * slot (or a write to a read-only slot) is MMIO.
 *
 * No page reference is kept once a frame is mapped: the mmu notifier
 * (notifier.c) removes the mapping before the host frees, migrates,
 * reclaims or merges the page.  A fault that raced with such an
 * invalidation (mmu_seq changed, or one is in progress) retries.
 */
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include "pt.h"

static const struct kvmx_pt_fmt *kvmx_fmt = &kvmx_npt_fmt;

/**
 * kvmx_mmu_init() - allocate the VM's empty nested page table
 * @vm: the VM
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_mmu_init(struct kvmx_vm *vm)
{
	return kvmx_pt_init(&vm->mmu, pgtable_l5_enabled() ? 5 : 4);
}

/**
 * kvmx_mmu_destroy() - free the nested page table
 * @vm: the VM, with no vCPU running
 */
void kvmx_mmu_destroy(struct kvmx_vm *vm)
{
	kvmx_pt_free(&vm->mmu);
}

/**
 * kvmx_mmu_root_pa() - physical address of the table root (nCR3/EPTP)
 * @vm: the VM
 *
 * Return: the address.
 */
u64 kvmx_mmu_root_pa(struct kvmx_vm *vm)
{
	return page_to_phys(vm->mmu.root);
}

/**
 * kvmx_mmu_zap_gfn_range() - unmap guest frames [@start, @end)
 * @vm: the VM; caller holds mmu_lock and flushes TLBs if this returns true
 * @start: first frame
 * @end: frame after the last
 *
 * Return: whether anything was unmapped.
 */
bool kvmx_mmu_zap_gfn_range(struct kvmx_vm *vm, u64 start, u64 end)
{
	return kvmx_pt_zap(&vm->mmu, kvmx_fmt, start, end);
}

static void kvmx_kick_nothing(void *info)
{
}

/**
 * kvmx_flush_remote_tlbs() - make every vCPU drop stale translations
 * @vm: the VM
 *
 * Bumps the VM's TLB generation (each vCPU flushes before its next entry
 * when it sees a new one) and interrupts CPUs that may be in the guest
 * right now, waiting until they have left it.
 */
void kvmx_flush_remote_tlbs(struct kvmx_vm *vm)
{
	atomic64_inc(&vm->tlb_gen);
	/* Order the bump before the IPIs; entries read it with IRQs off. */
	smp_mb__after_atomic();
	if (READ_ONCE(vm->nr_vcpus))
		on_each_cpu(kvmx_kick_nothing, NULL, 1);
}

static struct page *kvmx_get_page(unsigned long hva, bool write,
				  bool writable_slot, bool *writable)
{
	struct page *page;

	/* A read fault still maps writable if the host PTE already is. */
	if (!write && writable_slot &&
	    get_user_pages_fast_only(hva, 1, FOLL_WRITE, &page) == 1) {
		*writable = true;
		return page;
	}
	*writable = write;
	if (get_user_pages_fast(hva, 1, write ? FOLL_WRITE : 0, &page) != 1)
		return NULL;
	return page;
}

/**
 * kvmx_mmu_page_fault() - a nested page fault
 * @vcpu: the vCPU
 * @gpa: faulting guest physical address
 * @write: the access was a write
 * @fetch: the access was an instruction fetch
 *
 * Return: KVMX_EXIT_CONTINUE once mapped, the MMIO handler's result for
 * addresses outside guest RAM, -EFAULT if the slot's memory cannot be
 * faulted in, -ENOMEM.
 */
int kvmx_mmu_page_fault(struct kvmx_vcpu *vcpu, u64 gpa, bool write,
			bool fetch)
{
	struct kvmx_vm *vm = vcpu->vm;
	struct kvmx_pt_cache *cache = &vcpu->mmu_cache;
	const struct kvmx_memslot *s;
	struct kvmx_memslot slot;
	u64 gfn = gpa >> PAGE_SHIFT;
	unsigned long seq, hva;
	struct page *page;
	bool writable;
	int r;

	vcpu->stats[KVMX_STAT_NPF]++;
retry:
	spin_lock(&vm->mmu_lock);
	s = kvmx_gfn_to_slot(vm, gfn);
	if (s)
		slot = *s;
	seq = vm->mmu_seq;
	spin_unlock(&vm->mmu_lock);
	if (!s || (write && (slot.flags & KVM_MEM_READONLY)))
		return kvmx_handle_mmio(vcpu, gpa, write);

	r = kvmx_pt_cache_topup(cache);
	if (r)
		return r;
	hva = slot.hva + ((gfn - slot.base_gfn) << PAGE_SHIFT);
	page = kvmx_get_page(hva, write,
			     !(slot.flags & KVM_MEM_READONLY), &writable);
	if (!page)
		return -EFAULT;

	spin_lock(&vm->mmu_lock);
	if (vm->mmu_invalidating || vm->mmu_seq != seq) {
		spin_unlock(&vm->mmu_lock);
		put_page(page);
		cond_resched();
		goto retry;
	}
	r = kvmx_pt_map(&vm->mmu, kvmx_fmt, gfn, page_to_pfn(page), writable,
			cache);
	spin_unlock(&vm->mmu_lock);
	put_page(page);
	return r ? r : KVMX_EXIT_CONTINUE;
}

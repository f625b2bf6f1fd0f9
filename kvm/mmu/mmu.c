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
#include <linux/pgtable.h>
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

/**
 * kvmx_mmu_wrprotect_masked() - write-protect up to 64 guest frames
 * @vm: the VM; caller holds mmu_lock and flushes TLBs if this returns true
 * @gfn: frame of bit 0 of @mask
 * @mask: which frames from @gfn on
 *
 * Used by dirty logging: the next guest write to each of these frames
 * faults and is logged.
 *
 * Return: whether any entry changed.
 */
bool kvmx_mmu_wrprotect_masked(struct kvmx_vm *vm, u64 gfn,
			       unsigned long mask)
{
	bool changed = false;

	while (mask) {
		unsigned int bit = __ffs(mask);

		changed |= kvmx_pt_wrprotect(&vm->mmu, kvmx_fmt, gfn + bit);
		mask &= mask - 1;
	}
	return changed;
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
	atomic64_inc(&vm->tlb_flushes);
	atomic64_inc(&vm->tlb_gen);
	/* Order the bump before the IPIs; entries read it with IRQs off. */
	smp_mb__after_atomic();
	if (READ_ONCE(vm->nr_vcpus))
		on_each_cpu(kvmx_kick_nothing, NULL, 1);
}

/*
 * Can the guest map @gfn with a 2 MiB entry?  The slot must cover the
 * aligned 2 MiB, guest and host addresses must agree modulo 2 MiB, and the
 * host must map @hva with a huge PMD of that very page (writable if the
 * guest mapping will be).  The host page tables are read locklessly with
 * interrupts off, so table pages cannot be freed under us; a concurrent
 * change is caught by the mmu_seq check before the entry is installed.
 */
static int kvmx_host_level(struct kvmx_vm *vm, const struct kvmx_memslot *s,
			   u64 gfn, unsigned long hva, struct page *page,
			   bool writable)
{
	u64 base = gfn & ~(u64)(PTRS_PER_PMD - 1);
	unsigned long flags;
	int level = KVMX_PT_LEVEL_4K;
	pgd_t pgd;
	p4d_t p4d;
	pud_t pud;
	pmd_t pmd;

	if (!PageTransCompound(page))
		return level;
	if (base < s->base_gfn || base + PTRS_PER_PMD > s->base_gfn + s->npages)
		return level;
	if ((gfn ^ (hva >> PAGE_SHIFT)) & (PTRS_PER_PMD - 1))
		return level;

	local_irq_save(flags);
	pgd = READ_ONCE(*pgd_offset(vm->mm, hva));
	if (pgd_none(pgd) || !pgd_present(pgd))
		goto out;
	p4d = READ_ONCE(*p4d_offset(&pgd, hva));
	if (p4d_none(p4d) || !p4d_present(p4d))
		goto out;
	pud = READ_ONCE(*pud_offset(&p4d, hva));
	if (pud_none(pud) || !pud_present(pud) || pud_large(pud))
		goto out;
	pmd = READ_ONCE(*pmd_offset(&pud, hva));
	if (!pmd_present(pmd) || !pmd_large(pmd))
		goto out;
	if (writable && !pmd_write(pmd))
		goto out;
	if (pmd_pfn(pmd) != (page_to_pfn(page) & ~(PTRS_PER_PMD - 1UL)))
		goto out;
	level = KVMX_PT_LEVEL_2M;
out:
	local_irq_restore(flags);
	return level;
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
	bool writable, logging, replaced = false;
	int level, r;

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
	/*
	 * While a slot logs dirty pages, only a write fault maps a page
	 * writable, and it is logged when mapped.
	 */
	logging = slot.flags & KVM_MEM_LOG_DIRTY_PAGES;
	page = kvmx_get_page(hva, write,
			     !(slot.flags & KVM_MEM_READONLY) && !logging,
			     &writable);
	if (!page)
		return -EFAULT;

	spin_lock(&vm->mmu_lock);
	if (vm->mmu_invalidating || vm->mmu_seq != seq) {
		spin_unlock(&vm->mmu_lock);
		put_page(page);
		cond_resched();
		goto retry;
	}
	if (logging) {
		/* mmu_seq unchanged: vm->slots[] still holds @slot. */
		level = KVMX_PT_LEVEL_4K;
		if (writable)
			kvmx_mark_page_dirty(&vm->slots[slot.id], gfn);
	} else {
		level = kvmx_host_level(vm, &slot, gfn, hva, page, writable);
	}
	if (level == KVMX_PT_LEVEL_2M)
		r = kvmx_pt_map(&vm->mmu, kvmx_fmt,
				gfn & ~(u64)(PTRS_PER_PMD - 1),
				page_to_pfn(page) & ~(PTRS_PER_PMD - 1UL),
				level, writable, cache, &replaced);
	else
		r = kvmx_pt_map(&vm->mmu, kvmx_fmt, gfn, page_to_pfn(page),
				level, writable, cache, &replaced);
	spin_unlock(&vm->mmu_lock);
	put_page(page);
	if (replaced)
		kvmx_flush_remote_tlbs(vm);
	return r ? r : KVMX_EXIT_CONTINUE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping nested page tables coherent with the VM's mm: before the host
 * changes or frees a page table entry of the process (munmap, reclaim,
 * migration, KSM merge, COW break, madvise), the notifier unmaps the
 * guest frames behind that host range and flushes every vCPU's TLB.
 * Faults racing with an invalidation retry (see mmu.c).
 */
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>

#include "../kvmx.h"

static struct kvmx_vm *mn_to_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct kvmx_vm, mn);
}

/* Unmap the guest frames backed by host range [start, end). */
static bool kvmx_zap_hva_range(struct kvmx_vm *vm, unsigned long start,
			       unsigned long end)
{
	bool zapped = false;
	int i;

	for (i = 0; i < KVMX_MAX_MEMSLOTS; i++) {
		const struct kvmx_memslot *s = &vm->slots[i];
		unsigned long s_end = s->hva + (s->npages << PAGE_SHIFT);
		unsigned long lo, hi;

		if (!s->npages || end <= s->hva || start >= s_end)
			continue;
		lo = max(start, s->hva);
		hi = min(end, s_end);
		zapped |= kvmx_mmu_zap_gfn_range(vm,
				s->base_gfn + ((lo - s->hva) >> PAGE_SHIFT),
				s->base_gfn +
				((hi - s->hva + PAGE_SIZE - 1) >> PAGE_SHIFT));
	}
	return zapped;
}

static int
kvmx_mn_invalidate_range_start(struct mmu_notifier *mn,
			       const struct mmu_notifier_range *range)
{
	struct kvmx_vm *vm = mn_to_vm(mn);
	bool zapped;

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidating++;
	vm->mmu_seq++;
	zapped = kvmx_zap_hva_range(vm, range->start, range->end);
	spin_unlock(&vm->mmu_lock);
	if (zapped)
		kvmx_flush_remote_tlbs(vm);
	return 0;
}

static void
kvmx_mn_invalidate_range_end(struct mmu_notifier *mn,
			     const struct mmu_notifier_range *range)
{
	struct kvmx_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	vm->mmu_invalidating--;
	spin_unlock(&vm->mmu_lock);
}

static void kvmx_mn_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct kvmx_vm *vm = mn_to_vm(mn);
	bool zapped;

	spin_lock(&vm->mmu_lock);
	vm->mmu_seq++;
	zapped = kvmx_mmu_zap_gfn_range(vm, 0, ~0ULL >> PAGE_SHIFT);
	spin_unlock(&vm->mmu_lock);
	if (zapped)
		kvmx_flush_remote_tlbs(vm);
}

static const struct mmu_notifier_ops kvmx_mn_ops = {
	.invalidate_range_start	= kvmx_mn_invalidate_range_start,
	.invalidate_range_end	= kvmx_mn_invalidate_range_end,
	.release		= kvmx_mn_release,
};

/**
 * kvmx_mmu_notifier_register() - start following the VM's mm
 * @vm: the VM
 *
 * Return: 0 or -errno.
 */
int kvmx_mmu_notifier_register(struct kvmx_vm *vm)
{
	vm->mn.ops = &kvmx_mn_ops;
	return mmu_notifier_register(&vm->mn, vm->mm);
}

/**
 * kvmx_mmu_notifier_unregister() - stop following it
 * @vm: the VM
 */
void kvmx_mmu_notifier_unregister(struct kvmx_vm *vm)
{
	mmu_notifier_unregister(&vm->mn, vm->mm);
}

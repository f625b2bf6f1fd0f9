// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty page logging: KVM_MEM_LOG_DIRTY_PAGES slots, KVM_GET_DIRTY_LOG,
 * KVM_CLEAR_DIRTY_LOG and KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2.
 *
 * A logging slot has a bitmap with one bit per page.  Its pages are
 * mapped read-only in the nested page table until the guest writes them;
 * the write fault sets the page's bit and maps it writable (mmu.c), and
 * writes the kernel makes on the guest's behalf (string PIO, MMIO
 * emulation) set the bit too.  Harvesting a bit write-protects the page
 * again, so the next write is seen.  Writes through the host's own
 * mapping of the memory are not logged: userspace knows about those.
 *
 * Without manual protection KVM_GET_DIRTY_LOG harvests: it returns the
 * bits and clears them.  With KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE it only
 * returns them, and KVM_CLEAR_DIRTY_LOG harvests the bits userspace names.
 *
 * Bitmaps change only under the VM's slots_lock (these ioctls and slot
 * updates); bits are set under mmu_lock and cleared with atomics under
 * mmu_lock, so no write between a harvest and the write-protect is lost.
 */
#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../kvmx.h"

#define KVMX_DIRTY_LOG_CAPS	(KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE | \
				 KVM_DIRTY_LOG_INITIALLY_SET)

static unsigned long kvmx_dirty_bitmap_longs(u64 npages)
{
	return BITS_TO_LONGS(npages);
}

/**
 * kvmx_dirty_bitmap_alloc() - give a slot its dirty bitmap
 * @vm: the VM (its manual protection mode decides the initial bits)
 * @s: the slot, with @s->npages set
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_dirty_bitmap_alloc(struct kvmx_vm *vm, struct kvmx_memslot *s)
{
	unsigned long n = kvmx_dirty_bitmap_longs(s->npages);

	s->dirty_bitmap = kvcalloc(2 * n, sizeof(long), GFP_KERNEL_ACCOUNT);
	if (!s->dirty_bitmap)
		return -ENOMEM;
	if ((vm->manual_dirty_log & KVMX_DIRTY_LOG_CAPS) == KVMX_DIRTY_LOG_CAPS)
		bitmap_set(s->dirty_bitmap, 0, s->npages);
	return 0;
}

/**
 * kvmx_dirty_bitmap_free() - free a bitmap from kvmx_dirty_bitmap_alloc()
 * @bitmap: the bitmap or NULL
 */
void kvmx_dirty_bitmap_free(unsigned long *bitmap)
{
	kvfree(bitmap);
}

/**
 * kvmx_mark_page_dirty() - log a write to a guest frame
 * @s: the slot holding @gfn; caller holds mmu_lock
 * @gfn: the frame
 */
void kvmx_mark_page_dirty(const struct kvmx_memslot *s, u64 gfn)
{
	if (s->dirty_bitmap)
		set_bit(gfn - s->base_gfn, s->dirty_bitmap);
}

/* The logging slot named by a dirty log ioctl's slot field. */
static int kvmx_dirty_log_slot(struct kvmx_vm *vm, u32 slot,
			       struct kvmx_memslot **s)
{
	u16 as_id = slot >> 16, id = (u16)slot;

	if (as_id || id >= KVMX_MAX_MEMSLOTS)
		return -EINVAL;
	*s = &vm->slots[id];
	if (!(*s)->npages || !(*s)->dirty_bitmap)
		return -ENOENT;
	return 0;
}

/**
 * kvmx_get_dirty_log() - KVM_GET_DIRTY_LOG
 * @vm: the VM; caller holds slots_lock
 * @log: slot and user buffer (one bit per page, rounded up to 64 bits)
 *
 * Return: 0, -EINVAL for a bad slot number, -ENOENT if the slot does not
 * log, -EFAULT.
 */
int kvmx_get_dirty_log(struct kvmx_vm *vm, struct kvm_dirty_log *log)
{
	struct kvmx_memslot *s;
	unsigned long *live, *snap, i, n;
	bool flush = false;
	int r;

	r = kvmx_dirty_log_slot(vm, log->slot, &s);
	if (r)
		return r;
	n = kvmx_dirty_bitmap_longs(s->npages);
	live = s->dirty_bitmap;
	snap = live + n;

	if (vm->manual_dirty_log & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE) {
		/* Report only; KVM_CLEAR_DIRTY_LOG harvests. */
		for (i = 0; i < n; i++)
			snap[i] = READ_ONCE(live[i]);
	} else {
		spin_lock(&vm->mmu_lock);
		for (i = 0; i < n; i++) {
			snap[i] = live[i] ? xchg(&live[i], 0) : 0;
			if (snap[i])
				flush |= kvmx_mmu_wrprotect_masked(vm,
						s->base_gfn + i * BITS_PER_LONG,
						snap[i]);
		}
		spin_unlock(&vm->mmu_lock);
	}
	/* Writes after we return must fault: no stale writable TLB entry. */
	if (flush)
		kvmx_flush_remote_tlbs(vm);
	if (copy_to_user(log->dirty_bitmap, snap, n * sizeof(long)))
		return -EFAULT;
	return 0;
}

/**
 * kvmx_clear_dirty_log() - KVM_CLEAR_DIRTY_LOG
 * @vm: the VM; caller holds slots_lock
 * @log: slot, first page, page count and the bits to clear
 *
 * @log->first_page must be a multiple of 64, and @log->num_pages too
 * unless the range ends at the end of the slot.  Bits set in the user
 * bitmap are cleared in the slot's log and their pages write-protected.
 *
 * Return: 0, -EINVAL for a bad slot number or range, -ENOENT if the slot
 * does not log, -EFAULT.
 */
int kvmx_clear_dirty_log(struct kvmx_vm *vm, struct kvm_clear_dirty_log *log)
{
	struct kvmx_memslot *s;
	unsigned long *live, *want, i, n, first;
	bool flush = false;
	int r;

	if (log->slot >> 16 || (u16)log->slot >= KVMX_MAX_MEMSLOTS)
		return -EINVAL;
	if (log->first_page & 63)
		return -EINVAL;
	r = kvmx_dirty_log_slot(vm, log->slot, &s);
	if (r)
		return r;
	if (log->first_page > s->npages ||
	    log->num_pages > s->npages - log->first_page ||
	    (log->num_pages < s->npages - log->first_page &&
	     (log->num_pages & 63)))
		return -EINVAL;

	n = BITS_TO_LONGS(log->num_pages);
	live = s->dirty_bitmap;
	want = live + kvmx_dirty_bitmap_longs(s->npages);
	if (copy_from_user(want, log->dirty_bitmap, n * sizeof(long)))
		return -EFAULT;

	first = log->first_page / BITS_PER_LONG;
	spin_lock(&vm->mmu_lock);
	for (i = 0; i < n; i++) {
		atomic_long_t *word = (atomic_long_t *)&live[first + i];
		unsigned long mask = want[i];

		if (!mask)
			continue;
		/* Only bits that were set: never past the slot's end. */
		mask &= atomic_long_fetch_andnot(mask, word);
		if (mask)
			flush |= kvmx_mmu_wrprotect_masked(vm,
					s->base_gfn + log->first_page +
					i * BITS_PER_LONG, mask);
	}
	spin_unlock(&vm->mmu_lock);
	if (flush)
		kvmx_flush_remote_tlbs(vm);
	return 0;
}

/**
 * kvmx_vm_enable_cap() - KVM_ENABLE_CAP on a VM fd
 * @vm: the VM
 * @cap: the capability and its arguments
 *
 * Only KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 can be enabled: args[0] holds
 * KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE, optionally with
 * KVM_DIRTY_LOG_INITIALLY_SET (0 turns manual protection off again).
 *
 * Return: 0 or -EINVAL.
 */
int kvmx_vm_enable_cap(struct kvmx_vm *vm, const struct kvm_enable_cap *cap)
{
	u64 allowed = KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE;

	switch (cap->cap) {
	case KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:
		if (cap->args[0] & KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE)
			allowed = KVMX_DIRTY_LOG_CAPS;
		if (cap->flags || (cap->args[0] & ~allowed))
			return -EINVAL;
		mutex_lock(&vm->slots_lock);
		vm->manual_dirty_log = cap->args[0];
		mutex_unlock(&vm->slots_lock);
		return 0;
	default:
		return -EINVAL;
	}
}

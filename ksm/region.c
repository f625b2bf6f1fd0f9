// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm regions: the memory behind /dev/kvmx-ksm.
 *
 * Each open() is a region; mmap(MAP_SHARED) of it gives zero-filled memory
 * whose pages this module allocates and installs from its fault handlers.
 * Owning the pages is what lets a loadable module merge them without the
 * core-mm hooks upstream KSM relies on: to replace the page behind a slot,
 * the module changes the slot's entry and unmaps that slot from every VMA
 * of every mm (unmap_mapping_pages() on the region's own address_space);
 * the next access faults and the handlers below install whatever the slot
 * holds now.  Secondary MMUs (KVM) follow through their mmu notifiers.
 *
 * A slot holds nothing (zero, never written), KVMX_KSM_ZERO_ENTRY (merged
 * with the zero page), a private page, or a KSM page shared with other
 * slots.  Zero slots map the kernel zero page read-only; KSM pages are
 * mapped read-only, and a write breaks sharing for that slot first.  All
 * PTEs are installed under the slot's lock, and every change of a slot is
 * followed by an unmap of that slot under the same lock, so no mm can keep
 * a PTE to what a slot no longer holds.  Private pages are mapped
 * read-only first too (the VMA wants write notification because of
 * page_mkwrite) and made writable through page_mkwrite; the scanner only
 * replaces a private page when, after unmapping it, nobody but the slot
 * holds a reference, which also covers write faults in flight and pins.
 */
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>

#include "ksm.h"

/**
 * kvmx_ksm_slot_lock() - the lock guarding slot @index of @r
 * @r: region
 * @index: slot
 *
 * Return: the mutex (striped; unrelated slots may share one).
 */
struct mutex *kvmx_ksm_slot_lock(struct kvmx_ksm_region *r, pgoff_t index)
{
	return &r->slot_lock[index % KVMX_KSM_SLOT_LOCKS];
}

/**
 * kvmx_ksm_alloc_page() - allocate a page the module owns
 *
 * Return: a page with one reference, or NULL.  Content is undefined.
 */
struct page *kvmx_ksm_alloc_page(void)
{
	struct page *page = alloc_page(GFP_HIGHUSER);

	if (page)
		atomic_long_inc(&kvmx_ksm.pages_allocated);
	return page;
}

/**
 * kvmx_ksm_free_page() - drop the owning reference of a module page
 * @page: from kvmx_ksm_alloc_page()
 */
void kvmx_ksm_free_page(struct page *page)
{
	atomic_long_dec(&kvmx_ksm.pages_allocated);
	put_page(page);
}

/**
 * kvmx_ksm_unmap_slot() - remove every PTE of slot @index of @r
 * @r: region
 * @index: slot
 *
 * Walks the region's VMAs in every mm and zaps the slot's PTE, which
 * also invalidates secondary MMUs.  Called with the slot lock held.
 */
void kvmx_ksm_unmap_slot(struct kvmx_ksm_region *r, pgoff_t index)
{
	unmap_mapping_pages(&r->mapping, index, 1, false);
}

/* Give a zero or never-written slot its own zeroed page. */
static struct page *kvmx_ksm_slot_fill(struct kvmx_ksm_region *r,
				       pgoff_t index, void *old)
{
	struct page *page = kvmx_ksm_alloc_page();
	void *prev;

	if (!page)
		return ERR_PTR(-ENOMEM);
	clear_highpage(page);
	prev = xa_store(&r->pages, index, page, GFP_KERNEL);
	if (xa_is_err(prev)) {
		kvmx_ksm_free_page(page);
		return ERR_PTR(xa_err(prev));
	}
	atomic_long_inc(&r->nr_private);
	if (old == KVMX_KSM_ZERO_ENTRY) {
		atomic_long_dec(&r->nr_zero);
		atomic_long_dec(&kvmx_ksm.zero_slots);
	}
	/* Other mms may map the zero page here. */
	kvmx_ksm_unmap_slot(r, index);
	return page;
}

/* Replace KSM page @ksm in slot @index by a private copy; slot locked. */
static struct page *kvmx_ksm_cow_locked(struct kvmx_ksm_region *r,
					pgoff_t index, struct page *ksm)
{
	struct kvmx_ksm_stable *s = kvmx_ksm_page_stable(ksm);
	struct page *page = kvmx_ksm_alloc_page();
	void *prev;

	if (!page)
		return ERR_PTR(-ENOMEM);
	copy_highpage(page, ksm);
	prev = xa_store(&r->pages, index, page, GFP_KERNEL);
	if (xa_is_err(prev)) {
		kvmx_ksm_free_page(page);
		return ERR_PTR(xa_err(prev));
	}
	kvmx_ksm_unmap_slot(r, index);
	atomic_long_inc(&r->nr_private);
	atomic_long_dec(&r->nr_merged);
	atomic_long_dec(&kvmx_ksm.merged_slots);
	put_page(ksm);
	kvmx_ksm_stable_put(s);
	return page;
}

/**
 * kvmx_ksm_break_cow() - give slot @index of @r a private copy
 * @r: region
 * @index: slot
 *
 * Does nothing unless the slot maps a KSM page.
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_ksm_break_cow(struct kvmx_ksm_region *r, pgoff_t index)
{
	struct mutex *lock = kvmx_ksm_slot_lock(r, index); /* slot's */
	struct page *page;
	void *entry;
	int err = 0;

	mutex_lock(lock);
	entry = xa_load(&r->pages, index);
	if (entry && !xa_is_value(entry) && page_private((struct page *)entry)) {
		page = kvmx_ksm_cow_locked(r, index, entry);
		if (IS_ERR(page))
			err = PTR_ERR(page);
	}
	mutex_unlock(lock);
	return err;
}

static vm_fault_t kvmx_ksm_insert(struct vm_fault *vmf, struct page *page)
{
	int err = vm_insert_page(vmf->vma, vmf->address, page);

	/* -EBUSY: a racing fault on another thread mapped it already. */
	if (err && err != -EBUSY)
		return vmf_error(err);
	return VM_FAULT_NOPAGE;
}

static vm_fault_t kvmx_ksm_fault(struct vm_fault *vmf)
{
	struct kvmx_ksm_region *r = vmf->vma->vm_file->private_data;
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	pgoff_t index = vmf->pgoff;
	struct page *page;
	struct mutex *lock;	/* the slot's */
	vm_fault_t ret;
	void *entry;

	if (index >= KVMX_KSM_MAX_PAGES)
		return VM_FAULT_SIGBUS;
	lock = kvmx_ksm_slot_lock(r, index);
	mutex_lock(lock);
	entry = xa_load(&r->pages, index);
	if (!entry || xa_is_value(entry)) {
		if (!write) {
			ret = vmf_insert_mixed(vmf->vma, vmf->address,
					       pfn_to_pfn_t(page_to_pfn(ZERO_PAGE(0))));
			goto out_unlock;
		}
		page = kvmx_ksm_slot_fill(r, index, entry);
	} else if (write && page_private((struct page *)entry)) {
		page = kvmx_ksm_cow_locked(r, index, entry);
	} else {
		page = entry;
	}
	if (IS_ERR(page))
		ret = vmf_error(PTR_ERR(page));
	else
		ret = kvmx_ksm_insert(vmf, page);
out_unlock:
	mutex_unlock(lock);
	return ret;
}

/* A write to a read-only mapped page: a private page or a KSM page. */
static vm_fault_t kvmx_ksm_page_mkwrite(struct vm_fault *vmf)
{
	struct kvmx_ksm_region *r = vmf->vma->vm_file->private_data;
	struct page *page = vmf->page;
	pgoff_t index = vmf->pgoff;
	struct mutex *lock;	/* the slot's */
	vm_fault_t ret;

	lock = kvmx_ksm_slot_lock(r, index);
	mutex_lock(lock);
	if (xa_load(&r->pages, index) != page) {
		/* The slot changed; our PTE is gone or going.  Refault. */
		mutex_unlock(lock);
		return VM_FAULT_NOPAGE;
	}
	if (page_private(page)) {
		page = kvmx_ksm_cow_locked(r, index, page);
		if (IS_ERR(page))
			ret = vmf_error(PTR_ERR(page));
		else
			ret = kvmx_ksm_insert(vmf, page);
		mutex_unlock(lock);
		return ret;
	}
	mutex_unlock(lock);
	/*
	 * Private: let the write through.  If the scanner unmaps the page
	 * before the PTE is made writable, the core sees the PTE changed and
	 * retries; the reference the core holds on the page meanwhile keeps
	 * the scanner from merging it.
	 */
	lock_page(page);
	return VM_FAULT_LOCKED;
}

/* A write to the zero page mapped read-only in a zero slot. */
static vm_fault_t kvmx_ksm_pfn_mkwrite(struct vm_fault *vmf)
{
	struct kvmx_ksm_region *r = vmf->vma->vm_file->private_data;
	pgoff_t index = vmf->pgoff;
	struct page *page;
	struct mutex *lock;	/* the slot's */
	vm_fault_t ret = VM_FAULT_NOPAGE;
	void *entry;

	lock = kvmx_ksm_slot_lock(r, index);
	mutex_lock(lock);
	entry = xa_load(&r->pages, index);
	if (!entry || xa_is_value(entry)) {
		page = kvmx_ksm_slot_fill(r, index, entry);
		if (IS_ERR(page))
			ret = vmf_error(PTR_ERR(page));
		else
			ret = kvmx_ksm_insert(vmf, page);
	}
	mutex_unlock(lock);
	return ret;
}

static const struct vm_operations_struct kvmx_ksm_vm_ops = {
	.fault = kvmx_ksm_fault,
	.page_mkwrite = kvmx_ksm_page_mkwrite,
	.pfn_mkwrite = kvmx_ksm_pfn_mkwrite,
};

static int kvmx_ksm_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_MAYSHARE)) {
		pr_info_ratelimited("kvmx_ksm: %s[%d]: MAP_PRIVATE refused, map /dev/kvmx-ksm MAP_SHARED\n",
				    current->comm, task_pid_nr(current));
		return -EINVAL;
	}
	if (vma->vm_pgoff >= KVMX_KSM_MAX_PAGES ||
	    vma_pages(vma) > KVMX_KSM_MAX_PAGES - vma->vm_pgoff)
		return -EINVAL;
	/* Normal pages plus the zero page as a special PTE. */
	vma->vm_flags |= VM_MIXEDMAP;
	vma->vm_ops = &kvmx_ksm_vm_ops;
	return 0;
}

static int kvmx_ksm_open(struct inode *inode, struct file *file)
{
	struct kvmx_ksm_region *r;
	int i;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	address_space_init_once(&r->mapping);
	r->mapping.host = inode;
	xa_init(&r->pages);
	xa_init(&r->items);
	for (i = 0; i < KVMX_KSM_SLOT_LOCKS; i++)
		mutex_init(&r->slot_lock[i]);
	/* Per-region VMA tree: unmap_mapping_pages() reaches only us. */
	file->f_mapping = &r->mapping;
	file->private_data = r;

	mutex_lock(&kvmx_ksm.lock);
	r->id = ++kvmx_ksm.next_region_id;
	list_add_tail(&r->link, &kvmx_ksm.regions);
	mutex_unlock(&kvmx_ksm.lock);
	return 0;
}

/* Last fd and last mapping gone: no PTE and no fault can reach @r. */
static int kvmx_ksm_release(struct inode *inode, struct file *file)
{
	struct kvmx_ksm_region *r = file->private_data;
	unsigned long index;
	struct page *page;
	void *entry;

	mutex_lock(&kvmx_ksm.lock);
	if (kvmx_ksm.cursor == r) {
		kvmx_ksm.cursor = list_is_last(&r->link, &kvmx_ksm.regions) ?
				  NULL : list_next_entry(r, link);
		kvmx_ksm.cursor_index = 0;
	}
	list_del(&r->link);
	kvmx_ksm_region_forget(r);
	xa_for_each(&r->pages, index, entry) {
		if (xa_is_value(entry)) {
			atomic_long_dec(&kvmx_ksm.zero_slots);
			continue;
		}
		page = entry;
		if (page_private(page)) {
			atomic_long_dec(&kvmx_ksm.merged_slots);
			kvmx_ksm_stable_put(kvmx_ksm_page_stable(page));
			put_page(page);
		} else {
			kvmx_ksm_free_page(page);
		}
		cond_resched();
	}
	xa_destroy(&r->pages);
	kvmx_ksm_stable_prune();
	mutex_unlock(&kvmx_ksm.lock);
	kfree(r);
	return 0;
}

static const struct file_operations kvmx_ksm_fops = {
	.owner = THIS_MODULE,
	.open = kvmx_ksm_open,
	.release = kvmx_ksm_release,
	.mmap = kvmx_ksm_mmap,
	.llseek = noop_llseek,
	/* No backing store: msync(MS_SYNC)/fsync have nothing to wait for. */
	.fsync = noop_fsync,
};

/*
 * 0660, root only unless udev grants a group (e.g. kvm): merging across
 * users opens the well-known deduplication timing side channel (a write
 * to a merged page is slower), and region pages are not charged to the
 * opener's memory cgroup.
 */
static struct miscdevice kvmx_ksm_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "kvmx-ksm",
	.fops = &kvmx_ksm_fops,
	.mode = 0660,
};

/**
 * kvmx_ksm_dev_register() - create /dev/kvmx-ksm
 *
 * Return: 0 or -errno.
 */
int kvmx_ksm_dev_register(void)
{
	return misc_register(&kvmx_ksm_misc);
}

/**
 * kvmx_ksm_dev_unregister() - remove /dev/kvmx-ksm
 */
void kvmx_ksm_dev_unregister(void)
{
	misc_deregister(&kvmx_ksm_misc);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * VM file descriptors: creation, memory slots, destruction.
 *
 * A VM lives as long as its fd or any of its vCPU fds is open.  Guest
 * memory is the creating process' memory: every VM ioctl must come from
 * that mm (anything else gets -EIO, as upstream).
 */
#include <linux/anon_inodes.h>
#include <linux/debugfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../kvmx.h"

static atomic_t kvmx_vm_serial = ATOMIC_INIT(0);

static void kvmx_vm_destroy(struct kref *kref)
{
	struct kvmx_vm *vm = container_of(kref, struct kvmx_vm, kref);
	int i;

	debugfs_remove_recursive(vm->debugfs);
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct kvmx_vcpu *vcpu = vm->vcpus[i];

		kvmx_ops->vcpu_free(vcpu);
		kvmx_pt_cache_free(&vcpu->mmu_cache);
		fpu_free_guest_fpstate(&vcpu->guest_fpu);
		kfree(vcpu->cpuid);
		free_page((unsigned long)vcpu->run);
		free_page((unsigned long)vcpu->pio_data);
		kfree(vcpu);
	}
	kvmx_ioeventfd_release_all(vm);
	kvmx_coalesced_destroy(vm);
	kvmx_ops->vm_destroy(vm);
	kvmx_mmu_notifier_unregister(vm);
	kvmx_mmu_destroy(vm);
	for (i = 0; i < KVMX_MAX_MEMSLOTS; i++)
		kvmx_dirty_bitmap_free(vm->slots[i].dirty_bitmap);
	mmdrop(vm->mm);
	kfree(vm);
}

/**
 * kvmx_vm_put() - drop a reference to a VM, destroying it on the last one
 * @vm: the VM
 */
void kvmx_vm_put(struct kvmx_vm *vm)
{
	kref_put(&vm->kref, kvmx_vm_destroy);
}

/**
 * kvmx_gfn_to_slot() - the memory slot holding a guest frame
 * @vm: the VM
 * @gfn: guest frame number
 *
 * Caller holds @vm->mmu_lock or @vm->slots_lock.
 *
 * Return: the slot or NULL if @gfn is not guest RAM.
 */
const struct kvmx_memslot *kvmx_gfn_to_slot(struct kvmx_vm *vm, u64 gfn)
{
	int i;

	for (i = 0; i < KVMX_MAX_MEMSLOTS; i++) {
		const struct kvmx_memslot *s = &vm->slots[i];

		if (s->npages && gfn >= s->base_gfn &&
		    gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

static int kvmx_gpa_to_hva(struct kvmx_vm *vm, u64 gpa, bool write,
			   unsigned long *hva)
{
	const struct kvmx_memslot *s;
	int r = -EFAULT;

	spin_lock(&vm->mmu_lock);
	s = kvmx_gfn_to_slot(vm, gpa >> PAGE_SHIFT);
	if (s && !(write && (s->flags & KVM_MEM_READONLY))) {
		*hva = s->hva + (gpa - (s->base_gfn << PAGE_SHIFT));
		/* The kernel writing for the guest dirties the page too. */
		if (write)
			kvmx_mark_page_dirty(s, gpa >> PAGE_SHIFT);
		r = 0;
	}
	spin_unlock(&vm->mmu_lock);
	return r;
}

/**
 * kvmx_read_guest() - copy guest RAM to a kernel buffer
 * @vm: the VM (current->mm must be its mm)
 * @gpa: guest physical address
 * @buf: destination
 * @len: bytes; the range may cross pages and slots
 *
 * Return: 0, or -EFAULT if part of the range is not guest RAM.
 */
int kvmx_read_guest(struct kvmx_vm *vm, u64 gpa, void *buf, unsigned int len)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len,
				       PAGE_SIZE - offset_in_page(gpa));
		unsigned long hva;

		if (kvmx_gpa_to_hva(vm, gpa, false, &hva) ||
		    copy_from_user(buf, (void __user *)hva, n))
			return -EFAULT;
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/**
 * kvmx_write_guest() - copy a kernel buffer to guest RAM
 * @vm: the VM (current->mm must be its mm)
 * @gpa: guest physical address
 * @buf: source
 * @len: bytes
 *
 * Return: 0, or -EFAULT if part of the range is not writable guest RAM.
 */
int kvmx_write_guest(struct kvmx_vm *vm, u64 gpa, const void *buf,
		     unsigned int len)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len,
				       PAGE_SIZE - offset_in_page(gpa));
		unsigned long hva;

		if (kvmx_gpa_to_hva(vm, gpa, true, &hva) ||
		    copy_to_user((void __user *)hva, buf, n))
			return -EFAULT;
		gpa += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static bool kvmx_slot_overlaps(struct kvmx_vm *vm, int id, u64 base_gfn,
			       u64 npages)
{
	int i;

	for (i = 0; i < KVMX_MAX_MEMSLOTS; i++) {
		const struct kvmx_memslot *s = &vm->slots[i];

		if (i == id || !s->npages)
			continue;
		if (base_gfn < s->base_gfn + s->npages &&
		    s->base_gfn < base_gfn + npages)
			return true;
	}
	return false;
}

/*
 * Replace slot @id by @new (npages 0: delete), dropping stale mappings.
 * Dropping them also starts dirty logging right: every page is mapped
 * again, 4 KiB and read-only until written, when @new logs.
 */
static void kvmx_commit_slot(struct kvmx_vm *vm, int id,
			     const struct kvmx_memslot *new)
{
	struct kvmx_memslot old;

	spin_lock(&vm->mmu_lock);
	old = vm->slots[id];
	vm->slots[id] = *new;
	vm->mmu_seq++;
	if (old.npages)
		kvmx_mmu_zap_gfn_range(vm, old.base_gfn,
				       old.base_gfn + old.npages);
	spin_unlock(&vm->mmu_lock);
	if (old.npages)
		kvmx_flush_remote_tlbs(vm);
	if (old.dirty_bitmap != new->dirty_bitmap)
		kvmx_dirty_bitmap_free(old.dirty_bitmap);
}

static int kvmx_set_memory_region(struct kvmx_vm *vm,
				  const struct kvm_userspace_memory_region *m)
{
	const struct kvmx_memslot *old;
	struct kvmx_memslot new = { };
	u16 as_id = m->slot >> 16, id = (u16)m->slot;
	u64 npages = m->memory_size >> PAGE_SHIFT;

	if (m->flags & ~(KVM_MEM_READONLY | KVM_MEM_LOG_DIRTY_PAGES))
		return -EINVAL;
	if (as_id || id >= KVMX_MAX_MEMSLOTS)
		return -EINVAL;
	if ((m->memory_size | m->guest_phys_addr) & (PAGE_SIZE - 1))
		return -EINVAL;
	if ((m->userspace_addr & (PAGE_SIZE - 1)) ||
	    m->userspace_addr != (unsigned long)m->userspace_addr ||
	    !access_ok((void __user *)(unsigned long)m->userspace_addr,
		       m->memory_size))
		return -EINVAL;
	if (m->guest_phys_addr + m->memory_size < m->guest_phys_addr)
		return -EINVAL;
	if (npages > KVMX_MEM_MAX_NR_PAGES)
		return -EINVAL;

	old = &vm->slots[id];
	if (!npages) {
		if (!old->npages)
			return -EINVAL;
		kvmx_commit_slot(vm, id, &new);
		return 0;
	}

	new.base_gfn = m->guest_phys_addr >> PAGE_SHIFT;
	new.npages = npages;
	new.hva = m->userspace_addr;
	new.flags = m->flags;
	new.id = id;
	if (old->npages) {
		/*
		 * Existing slot: only a move or a change of
		 * KVM_MEM_LOG_DIRTY_PAGES is allowed.
		 */
		if (new.hva != old->hva || new.npages != old->npages ||
		    ((new.flags ^ old->flags) & KVM_MEM_READONLY))
			return -EINVAL;
		if (new.base_gfn == old->base_gfn && new.flags == old->flags)
			return 0;
	}
	if (kvmx_slot_overlaps(vm, id, new.base_gfn, new.npages))
		return -EEXIST;
	if (new.flags & KVM_MEM_LOG_DIRTY_PAGES) {
		/* A slot that keeps logging keeps its log, moved or not. */
		if (old->npages && old->dirty_bitmap) {
			new.dirty_bitmap = old->dirty_bitmap;
		} else {
			int r = kvmx_dirty_bitmap_alloc(vm, &new);

			if (r)
				return r;
		}
	}
	kvmx_commit_slot(vm, id, &new);
	return 0;
}

static long kvmx_vm_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	struct kvmx_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;
	long r;

	if (vm->mm != current->mm)
		return -EIO;

	switch (ioctl) {
	case KVM_CREATE_VCPU:
		return kvmx_vcpu_create_fd(vm, arg);
	case KVM_SET_USER_MEMORY_REGION: {
		struct kvm_userspace_memory_region m;

		if (copy_from_user(&m, argp, sizeof(m)))
			return -EFAULT;
		mutex_lock(&vm->slots_lock);
		r = kvmx_set_memory_region(vm, &m);
		mutex_unlock(&vm->slots_lock);
		return r;
	}
	case KVM_SET_TSS_ADDR:
		vm->tss_addr = arg;
		return 0;
	case KVM_SET_IDENTITY_MAP_ADDR: {
		u64 addr;

		if (copy_from_user(&addr, argp, sizeof(addr)))
			return -EFAULT;
		vm->identity_map_addr = addr;
		return 0;
	}
	case KVM_IOEVENTFD: {
		struct kvm_ioeventfd args;

		if (copy_from_user(&args, argp, sizeof(args)))
			return -EFAULT;
		return kvmx_ioeventfd(vm, &args);
	}
	case KVM_GET_DIRTY_LOG: {
		struct kvm_dirty_log log;

		if (copy_from_user(&log, argp, sizeof(log)))
			return -EFAULT;
		mutex_lock(&vm->slots_lock);
		r = kvmx_get_dirty_log(vm, &log);
		mutex_unlock(&vm->slots_lock);
		return r;
	}
	case KVM_CLEAR_DIRTY_LOG: {
		struct kvm_clear_dirty_log log;

		if (copy_from_user(&log, argp, sizeof(log)))
			return -EFAULT;
		mutex_lock(&vm->slots_lock);
		r = kvmx_clear_dirty_log(vm, &log);
		mutex_unlock(&vm->slots_lock);
		return r;
	}
	case KVM_REGISTER_COALESCED_MMIO:
	case KVM_UNREGISTER_COALESCED_MMIO: {
		struct kvm_coalesced_mmio_zone zone;

		if (copy_from_user(&zone, argp, sizeof(zone)))
			return -EFAULT;
		if (ioctl == KVM_REGISTER_COALESCED_MMIO)
			return kvmx_coalesced_register(vm, &zone);
		return kvmx_coalesced_unregister(vm, &zone);
	}
	case KVM_GET_STATS_FD:
		return kvmx_stats_fd(vm, NULL);
	case KVM_SET_BOOT_CPU_ID:
		if (arg >= KVMX_MAX_VCPUS)
			return -EINVAL;
		mutex_lock(&vm->lock);
		r = vm->nr_vcpus ? -EBUSY : 0;
		if (!r)
			vm->bsp_vcpu_id = arg;
		mutex_unlock(&vm->lock);
		return r;
	case KVM_GET_CLOCK:
	case KVM_SET_CLOCK:
		return kvmx_vm_clock_ioctl(vm, ioctl, argp);
	case KVM_ENABLE_CAP: {
		struct kvm_enable_cap cap;

		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		return kvmx_vm_enable_cap(vm, &cap);
	}
	case KVM_CHECK_EXTENSION:
		return kvmx_dev_check_extension(arg);
	default:
		return -ENOTTY;
	}
}

static int kvmx_vm_release(struct inode *inode, struct file *filp)
{
	kvmx_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations kvmx_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= kvmx_vm_release,
	.unlocked_ioctl	= kvmx_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * kvmx_vm_create_fd() - KVM_CREATE_VM
 *
 * Return: the new VM fd or -errno.
 */
int kvmx_vm_create_fd(void)
{
	struct kvmx_vm *vm;
	int r;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	kref_init(&vm->kref);
	mutex_init(&vm->lock);
	mutex_init(&vm->slots_lock);
	spin_lock_init(&vm->mmu_lock);
	INIT_LIST_HEAD(&vm->ioeventfds);
	atomic64_set(&vm->tlb_gen, 1);
	vm->id = atomic_inc_return(&kvmx_vm_serial);
	vm->mm = current->mm;
	mmgrab(vm->mm);

	r = kvmx_mmu_init(vm);
	if (r)
		goto err_mm;
	r = kvmx_coalesced_init(vm);
	if (r)
		goto err_mmu;
	r = kvmx_ops->vm_init(vm);
	if (r)
		goto err_coalesced;
	r = kvmx_mmu_notifier_register(vm);
	if (r)
		goto err_arch;
	kvmx_debugfs_vm_add(vm);

	r = anon_inode_getfd("kvmx-vm", &kvmx_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (r < 0)
		goto err_notifier;
	return r;

err_notifier:
	debugfs_remove_recursive(vm->debugfs);
	kvmx_mmu_notifier_unregister(vm);
err_arch:
	kvmx_ops->vm_destroy(vm);
err_coalesced:
	kvmx_coalesced_destroy(vm);
err_mmu:
	kvmx_mmu_destroy(vm);
err_mm:
	mmdrop(vm->mm);
	kfree(vm);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Coalesced MMIO and PIO (KVM_REGISTER_COALESCED_MMIO): guest writes into
 * a registered zone do not exit to userspace.  They are appended to a
 * ring in one page per VM, mapped by every vCPU at page
 * KVM_COALESCED_MMIO_PAGE_OFFSET of its mmap, which userspace drains on
 * its next exit.  When the ring is full the write exits as usual.
 *
 * The kernel advances ring->last, userspace ring->first; the ring holds
 * at most KVM_COALESCED_MMIO_MAX - 1 entries.
 */
#include <linux/kvm.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "../kvmx.h"

/* Zones per VM, as many as upstream's I/O bus devices. */
#define KVMX_MAX_COALESCED_ZONES	1000

/**
 * struct kvmx_coalesced_zone - one registered zone
 * @list: in the VM's coalesced_zones
 * @zone: what userspace registered
 */
struct kvmx_coalesced_zone {
	struct list_head list;
	struct kvm_coalesced_mmio_zone zone;
};

/**
 * kvmx_coalesced_init() - allocate the VM's ring page
 * @vm: the VM
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_coalesced_init(struct kvmx_vm *vm)
{
	struct page *page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (!page)
		return -ENOMEM;
	vm->coalesced_ring = page_address(page);
	spin_lock_init(&vm->coalesced_lock);
	INIT_LIST_HEAD(&vm->coalesced_zones);
	return 0;
}

/**
 * kvmx_coalesced_destroy() - free the zones and the ring page
 * @vm: the VM
 */
void kvmx_coalesced_destroy(struct kvmx_vm *vm)
{
	struct kvmx_coalesced_zone *z, *tmp;

	list_for_each_entry_safe(z, tmp, &vm->coalesced_zones, list) {
		list_del(&z->list);
		kfree(z);
	}
	free_page((unsigned long)vm->coalesced_ring);
	vm->coalesced_ring = NULL;
}

/* [@addr, @addr + @len) lies inside @z (and does not wrap). */
static bool kvmx_zone_covers(const struct kvm_coalesced_mmio_zone *z,
			     u64 addr, u64 len)
{
	return addr + len >= addr && addr >= z->addr &&
	       addr + len <= z->addr + z->size;
}

/**
 * kvmx_coalesced_register() - KVM_REGISTER_COALESCED_MMIO
 * @vm: the VM
 * @zone: address, size and pio (0 MMIO, 1 port I/O)
 *
 * Return: 0; -EINVAL for pio other than 0 or 1; -ENOSPC past the zone
 * limit; -ENOMEM.
 */
int kvmx_coalesced_register(struct kvmx_vm *vm,
			    const struct kvm_coalesced_mmio_zone *zone)
{
	struct kvmx_coalesced_zone *z;

	if (zone->pio != 0 && zone->pio != 1)
		return -EINVAL;
	z = kzalloc(sizeof(*z), GFP_KERNEL_ACCOUNT);
	if (!z)
		return -ENOMEM;
	z->zone = *zone;
	spin_lock(&vm->coalesced_lock);
	if (vm->nr_coalesced_zones >= KVMX_MAX_COALESCED_ZONES) {
		spin_unlock(&vm->coalesced_lock);
		kfree(z);
		return -ENOSPC;
	}
	list_add_tail(&z->list, &vm->coalesced_zones);
	vm->nr_coalesced_zones++;
	spin_unlock(&vm->coalesced_lock);
	return 0;
}

/**
 * kvmx_coalesced_unregister() - KVM_UNREGISTER_COALESCED_MMIO
 * @vm: the VM
 * @zone: a range; every zone of the same kind containing it goes
 *
 * Return: 0 (also when nothing matched), as upstream.
 */
int kvmx_coalesced_unregister(struct kvmx_vm *vm,
			      const struct kvm_coalesced_mmio_zone *zone)
{
	struct kvmx_coalesced_zone *z, *tmp;
	LIST_HEAD(gone);

	spin_lock(&vm->coalesced_lock);
	list_for_each_entry_safe(z, tmp, &vm->coalesced_zones, list) {
		if (z->zone.pio != zone->pio ||
		    !kvmx_zone_covers(&z->zone, zone->addr, zone->size))
			continue;
		list_move(&z->list, &gone);
		vm->nr_coalesced_zones--;
	}
	spin_unlock(&vm->coalesced_lock);
	list_for_each_entry_safe(z, tmp, &gone, list)
		kfree(z);
	return 0;
}

/**
 * kvmx_coalesced_write() - log a guest write if a zone takes it
 * @vm: the VM
 * @pio: port I/O (else MMIO)
 * @addr: guest physical address or port
 * @len: 1..8 bytes
 * @val: the data, little endian in the low @len bytes
 *
 * Return: true if the write went into the ring (no exit needed).
 */
bool kvmx_coalesced_write(struct kvmx_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val)
{
	struct kvm_coalesced_mmio_ring *ring = vm->coalesced_ring;
	struct kvm_coalesced_mmio *e;
	struct kvmx_coalesced_zone *z;
	bool found = false;
	u32 last;

	if (list_empty_careful(&vm->coalesced_zones) || len > sizeof(e->data))
		return false;
	spin_lock(&vm->coalesced_lock);
	list_for_each_entry(z, &vm->coalesced_zones, list) {
		if (z->zone.pio == pio &&
		    kvmx_zone_covers(&z->zone, addr, len)) {
			found = true;
			break;
		}
	}
	last = READ_ONCE(ring->last);
	/* Full, or userspace scribbled over the indices: exit instead. */
	if (!found || last >= KVM_COALESCED_MMIO_MAX ||
	    (READ_ONCE(ring->first) - last - 1) % KVM_COALESCED_MMIO_MAX == 0) {
		spin_unlock(&vm->coalesced_lock);
		return false;
	}
	e = &ring->coalesced_mmio[last];
	e->phys_addr = addr;
	e->len = len;
	e->pio = pio;
	memset(e->data, 0, sizeof(e->data));
	memcpy(e->data, &val, len);
	/* The entry before the index that publishes it. */
	smp_wmb();
	WRITE_ONCE(ring->last, (last + 1) % KVM_COALESCED_MMIO_MAX);
	spin_unlock(&vm->coalesced_lock);
	return true;
}

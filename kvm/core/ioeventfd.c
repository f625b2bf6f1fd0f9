// SPDX-License-Identifier: GPL-2.0
/*
 * KVM_IOEVENTFD: a guest write to a registered port or MMIO address (of
 * the registered length, with the registered value if datamatch is set)
 * signals an eventfd and the guest continues without an exit to
 * userspace.  A length of 0 (MMIO only, no datamatch) matches writes of
 * any length.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>

#include "../kvmx.h"

struct kvmx_ioeventfd {
	struct list_head list;
	struct eventfd_ctx *ctx;
	u64 addr;
	u64 datamatch;
	u32 len;
	bool pio;
	bool wildcard;
};

static bool kvmx_ioeventfd_same(const struct kvmx_ioeventfd *a,
				const struct kvmx_ioeventfd *b)
{
	return a->pio == b->pio && a->addr == b->addr && a->len == b->len &&
	       (a->wildcard || b->wildcard || a->datamatch == b->datamatch);
}

static int kvmx_ioeventfd_deassign(struct kvmx_vm *vm,
				   const struct kvmx_ioeventfd *key)
{
	struct kvmx_ioeventfd *p;

	list_for_each_entry(p, &vm->ioeventfds, list) {
		if (p->ctx != key->ctx || p->pio != key->pio ||
		    p->addr != key->addr || p->len != key->len ||
		    p->wildcard != key->wildcard ||
		    (!p->wildcard && p->datamatch != key->datamatch))
			continue;
		list_del(&p->list);
		eventfd_ctx_put(p->ctx);
		kfree(p);
		return 0;
	}
	return -ENOENT;
}

/**
 * kvmx_ioeventfd() - KVM_IOEVENTFD: assign or deassign
 * @vm: the VM
 * @args: the request
 *
 * Return: 0, -EINVAL, -EEXIST (already assigned), -ENOENT (deassign of
 * something not assigned), -EBADF.
 */
int kvmx_ioeventfd(struct kvmx_vm *vm, struct kvm_ioeventfd *args)
{
	struct kvmx_ioeventfd key = { }, *p, *new;
	int r;

	if (args->flags & ~(KVM_IOEVENTFD_FLAG_DATAMATCH |
			    KVM_IOEVENTFD_FLAG_PIO |
			    KVM_IOEVENTFD_FLAG_DEASSIGN))
		return -EINVAL;
	switch (args->len) {
	case 0: case 1: case 2: case 4: case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	key.pio = args->flags & KVM_IOEVENTFD_FLAG_PIO;
	key.wildcard = !(args->flags & KVM_IOEVENTFD_FLAG_DATAMATCH);
	if (!args->len && (key.pio || !key.wildcard))
		return -EINVAL;
	if (key.pio && args->addr > 0xffff)
		return -EINVAL;
	key.addr = args->addr;
	key.len = args->len;
	key.datamatch = key.wildcard ? 0 : args->datamatch;

	key.ctx = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(key.ctx))
		return PTR_ERR(key.ctx);

	mutex_lock(&vm->lock);
	if (args->flags & KVM_IOEVENTFD_FLAG_DEASSIGN) {
		r = kvmx_ioeventfd_deassign(vm, &key);
		goto out_put;
	}
	r = -EEXIST;
	list_for_each_entry(p, &vm->ioeventfds, list)
		if (kvmx_ioeventfd_same(p, &key))
			goto out_put;
	r = -ENOMEM;
	new = kmemdup(&key, sizeof(key), GFP_KERNEL_ACCOUNT);
	if (!new)
		goto out_put;
	list_add_tail(&new->list, &vm->ioeventfds);
	mutex_unlock(&vm->lock);
	return 0;

out_put:
	mutex_unlock(&vm->lock);
	eventfd_ctx_put(key.ctx);
	return r;
}

/**
 * kvmx_ioeventfd_write() - signal the ioeventfd matching a guest write
 * @vm: the VM
 * @pio: port I/O (else MMIO)
 * @addr: port or guest physical address
 * @len: write size
 * @val: value written (low @len bytes)
 *
 * Return: true if an eventfd took the write.
 */
bool kvmx_ioeventfd_write(struct kvmx_vm *vm, bool pio, u64 addr,
			  unsigned int len, u64 val)
{
	struct kvmx_ioeventfd *p;
	bool hit = false;

	if (list_empty(&vm->ioeventfds))
		return false;
	if (len < 8)
		val &= (1ULL << (len * 8)) - 1;
	mutex_lock(&vm->lock);
	list_for_each_entry(p, &vm->ioeventfds, list) {
		if (p->pio != pio || p->addr != addr ||
		    (p->len && p->len != len))
			continue;
		if (!p->wildcard && p->datamatch != val)
			continue;
		eventfd_signal(p->ctx, 1);
		hit = true;
		break;
	}
	mutex_unlock(&vm->lock);
	return hit;
}

/**
 * kvmx_ioeventfd_release_all() - drop every ioeventfd of a dying VM
 * @vm: the VM
 */
void kvmx_ioeventfd_release_all(struct kvmx_vm *vm)
{
	struct kvmx_ioeventfd *p, *tmp;

	list_for_each_entry_safe(p, tmp, &vm->ioeventfds, list) {
		list_del(&p->list);
		eventfd_ctx_put(p->ctx);
		kfree(p);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues (legacy layout) for the userspace device backends.
 *
 * Everything the guest wrote is untrusted: descriptor addresses are
 * checked against guest RAM, chains are bounded by the queue size, and a
 * bad chain is completed with length 0 instead of being followed.
 */
#include <string.h>
#include <sys/uio.h>
#include <linux/virtio_ring.h>

#include "kvmx.h"

#define VIRTQ_ALIGN	4096

/**
 * virtq__setup() - place a legacy queue of @num entries at page @pfn
 * @vq: queue
 * @num: entries (a power of two)
 * @pfn: guest page frame of the descriptor table; 0 disables the queue
 *
 * Return: 0, or -1 if the rings do not fit in guest RAM.
 */
int virtq__setup(struct virtq *vq, uint16_t num, uint64_t pfn)
{
	uint64_t desc = pfn << 12;
	uint64_t avail = desc + 16ULL * num;
	uint64_t used = (avail + 6 + 2ULL * num + VIRTQ_ALIGN - 1) &
			~(uint64_t)(VIRTQ_ALIGN - 1);

	memset(vq, 0, sizeof(*vq));
	if (!pfn)
		return 0;
	vq->desc = kvm__gpa(desc, 16ULL * num);
	vq->avail = kvm__gpa(avail, 6 + 2ULL * num);
	vq->used = kvm__gpa(used, 6 + 8ULL * num);
	if (!vq->desc || !vq->avail || !vq->used) {
		memset(vq, 0, sizeof(*vq));
		return -1;
	}
	vq->num = num;
	vq->desc_gpa = desc;
	vq->avail_gpa = avail;
	vq->used_gpa = used;
	return 0;
}

/**
 * virtq__empty() - no buffers waiting in the available ring?
 * @vq: queue
 */
bool virtq__empty(struct virtq *vq)
{
	if (!vq->num)
		return true;
	return __atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE) ==
	       vq->last_avail;
}

/**
 * virtq__pop() - take the next available chain as an iovec
 * @vq: queue
 * @iov: filled with host pointers to the chain's buffers
 * @max: room in @iov
 * @writable: set if the chain's buffers are device-writable
 *
 * Return: the chain's head (for virtq__push) with the iovec count in bits
 * 16 and up, or -1 if the ring is empty.  A malformed chain yields a count
 * of 0.
 */
int virtq__pop(struct virtq *vq, struct iovec *iov, int max, bool *writable)
{
	uint16_t head, i;
	int n = 0, steps = 0;

	if (virtq__empty(vq))
		return -1;
	head = vq->avail->ring[vq->last_avail % vq->num];
	vq->last_avail++;
	if (head >= vq->num)
		return 0 << 16 | 0;
	i = head;
	*writable = false;
	for (;;) {
		struct vring_desc *d = &vq->desc[i];
		void *p;

		if (d->flags & VRING_DESC_F_INDIRECT || n == max ||
		    ++steps > vq->num)
			return head;
		p = kvm__gpa(d->addr, d->len);
		if (!p)
			return head;
		iov[n].iov_base = p;
		iov[n].iov_len = d->len;
		n++;
		if (d->flags & VRING_DESC_F_WRITE)
			*writable = true;
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		i = d->next;
		if (i >= vq->num)
			return head;
	}
	return n << 16 | head;
}

/**
 * virtq__push() - return a chain to the guest
 * @vq: queue
 * @head: the chain's head from virtq__pop()
 * @len: bytes written into it
 */
void virtq__push(struct virtq *vq, uint16_t head, uint32_t len)
{
	uint16_t idx = vq->used->idx;

	vq->used->ring[idx % vq->num].id = head;
	vq->used->ring[idx % vq->num].len = len;
	__atomic_store_n(&vq->used->idx, idx + 1, __ATOMIC_RELEASE);
}

/**
 * virtq__want_irq() - has the guest left interrupts for this queue on?
 * @vq: queue
 */
bool virtq__want_irq(struct virtq *vq)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(vq->avail->flags & VRING_AVAIL_F_NO_INTERRUPT);
}

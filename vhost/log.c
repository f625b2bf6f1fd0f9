// SPDX-License-Identifier: GPL-2.0
/*
 * Dirty logging for live migration (VHOST_F_LOG_ALL): one bit per 4 KiB
 * guest page in a bitmap in the owner's memory at VHOST_SET_LOG_BASE.
 * Bits are set atomically on the pinned bitmap page, so the owner may
 * harvest and clear the bitmap concurrently.  The log eventfd
 * (VHOST_SET_LOG_FD) is signalled after each batch of logged writes.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/virtio_config.h>
#include <linux/vhost.h>

#include "vhost.h"

/**
 * kvmx_log_enabled() - is dirty logging active for @vq?
 * @vq: queue
 *
 * Return: true if VHOST_F_LOG_ALL is acked and a log base is set.
 */
bool kvmx_log_enabled(struct kvmx_vq *vq)
{
	return kvmx_has_feature(vq->net, VHOST_F_LOG_ALL) && vq->net->log_base;
}

static int kvmx_log_set_bit(void __user *base, u64 pfn)
{
	unsigned long addr = (unsigned long)base + pfn / 8;
	unsigned long nr;
	struct page *page;
	void *va;
	int r;

	r = get_user_pages_fast(addr & PAGE_MASK, 1, FOLL_WRITE, &page);
	if (r != 1)
		return -EFAULT;
	nr = (addr & ~PAGE_MASK) * 8 + (pfn & 7);
	va = kmap_local_page(page);
	set_bit(nr, va);
	kunmap_local(va);
	set_page_dirty_lock(page);
	put_page(page);
	return 0;
}

/**
 * kvmx_log_write() - mark guest range [@gpa, @gpa + @len) dirty
 * @vq: queue (mutex held, in the owner's mm)
 * @gpa: guest-physical start
 * @len: length
 *
 * Return: 0 or -EFAULT.
 */
int kvmx_log_write(struct kvmx_vq *vq, u64 gpa, u64 len)
{
	void __user *base = vq->net->log_base;
	u64 pfn, last;

	if (!len || !kvmx_log_enabled(vq))
		return 0;
	pfn = gpa >> KVMX_VRING_PAGE_SHIFT;
	last = (gpa + len - 1) >> KVMX_VRING_PAGE_SHIFT;
	for (; pfn <= last; pfn++)
		if (kvmx_log_set_bit(base, pfn))
			return -EFAULT;
	return 0;
}

/**
 * kvmx_log_iov() - log the first @len bytes written through segments
 * @vq: queue
 * @iov: segments
 * @gpa: guest address of each segment
 * @nseg: number of segments
 * @len: bytes written
 *
 * Return: 0 or -EFAULT.
 */
int kvmx_log_iov(struct kvmx_vq *vq, const struct iovec *iov,
		 const u64 *gpa, u32 nseg, u64 len)
{
	u32 i;
	int r;

	if (!kvmx_log_enabled(vq))
		return 0;
	for (i = 0; i < nseg && len; i++) {
		u64 l = min_t(u64, len, iov[i].iov_len);

		r = kvmx_log_write(vq, gpa[i], l);
		if (r)
			return r;
		len -= l;
	}
	if (vq->net->log_ctx)
		eventfd_signal(vq->net->log_ctx, 1);
	return 0;
}

static bool kvmx_log_range_ok(void __user *base, u64 gpa, u64 size)
{
	u64 first = gpa >> KVMX_VRING_PAGE_SHIFT;
	u64 last = (gpa + size - 1) >> KVMX_VRING_PAGE_SHIFT;
	u64 off = first / 8;

	if (off > ULONG_MAX - (unsigned long)base)
		return false;
	return access_ok(base + off, last / 8 - first / 8 + 1);
}

/**
 * kvmx_log_access_ok() - can the bitmap at @base cover guest memory?
 * @base: log base in the owner's space
 * @mem: memory table (may be NULL)
 * @vqs: queues whose used rings may be logged
 *
 * Return: true if every bit we may set lies in the owner's space.
 */
bool kvmx_log_access_ok(void __user *base, const struct kvmx_vring_mem *mem,
			struct kvmx_vq *vqs)
{
	u32 i;

	if (!base)
		return true;
	for (i = 0; mem && i < mem->nregions; i++)
		if (!kvmx_log_range_ok(base, mem->regions[i].gpa,
				       mem->regions[i].size))
			return false;
	for (i = 0; i < KVMX_NR_VQS; i++)
		if (vqs[i].log_used &&
		    !kvmx_log_range_ok(base, vqs[i].log_gpa,
				       kvmx_vring_used_bytes(vqs[i].num)))
			return false;
	return true;
}

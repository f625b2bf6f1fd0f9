// SPDX-License-Identifier: GPL-2.0
/*
 * Virtqueue configuration ioctls and the kernel side of ring access:
 * reading avail entries, publishing used entries, notification
 * suppression in both directions (flags and event index), faults.
 *
 * Memory ordering (split ring):
 *  - read avail->idx, then smp_rmb(), then ring entries and descriptors;
 *  - write used elements, smp_wmb(), then used->idx;
 *  - publish used->idx (or re-enable kicks), smp_mb(), then read the
 *    driver's suppression state (used_event / avail flags / avail->idx).
 */
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>

#include "vhost.h"

/**
 * kvmx_vq_init() - one-time initialisation at open
 * @vq: queue
 * @n: device
 * @index: KVMX_VQ_RX or KVMX_VQ_TX
 */
void kvmx_vq_init(struct kvmx_vq *vq, struct kvmx_vhost_net *n, int index)
{
	mutex_init(&vq->mutex);
	vq->net = n;
	vq->index = index;
	kvmx_poll_init(&vq->kick_poll, n,
		       index == KVMX_VQ_RX ? KVMX_WORK_RX : KVMX_WORK_TX,
		       EPOLLIN);
	kvmx_poll_init(&vq->sock_poll, n,
		       index == KVMX_VQ_RX ? KVMX_WORK_RX : KVMX_WORK_TX,
		       index == KVMX_VQ_RX ? EPOLLIN : EPOLLOUT);
	kvmx_vq_reset(vq);
}

/**
 * kvmx_vq_reset() - back to the state after open (no backend, no files)
 * @vq: queue with no backend and no active polls
 */
void kvmx_vq_reset(struct kvmx_vq *vq)
{
	kvmx_poll_stop(&vq->kick_poll);
	if (vq->kick)
		fput(vq->kick);
	if (vq->call)
		eventfd_ctx_put(vq->call);
	if (vq->err)
		eventfd_ctx_put(vq->err);
	kfree(vq->heads);
	vq->heads = NULL;
	vq->nheads = 0;
	vq->kick = NULL;
	vq->call = NULL;
	vq->err = NULL;
	vq->num = 1;
	vq->desc_uva = 0;
	vq->avail_uva = 0;
	vq->used_uva = 0;
	vq->log_gpa = 0;
	vq->log_used = false;
	vq->busyloop_timeout = 0;
	vq->last_avail_idx = 0;
	vq->avail_idx = 0;
	vq->last_used_idx = 0;
	vq->signalled_used = 0;
	vq->signalled_used_valid = false;
	vq->used_unsignalled = false;
	vq->broken = false;
	vq->fault = KVMX_VRING_OK;
}

/**
 * kvmx_vq_fail() - stop the queue and tell the owner why
 * @vq: queue (mutex held)
 * @f: the fault
 */
void kvmx_vq_fail(struct kvmx_vq *vq, enum kvmx_vring_fault f)
{
	if (!vq->broken) {
		pr_debug("kvmx_vhost_net: vq %u stopped: %s\n", vq->index,
			 kvmx_vring_fault_name(f));
		vq->broken = true;
		vq->fault = f;
		vq->stats.errors++;
	}
	if (vq->err)
		eventfd_signal(vq->err, 1);
}

/**
 * kvmx_vq_access_ok() - are the ring addresses inside the owner's space?
 * @vq: queue (mutex held)
 *
 * Return: true if all three parts of the ring pass access_ok().
 */
bool kvmx_vq_access_ok(struct kvmx_vq *vq)
{
	return access_ok((void __user *)(unsigned long)vq->desc_uva,
			 kvmx_vring_desc_bytes(vq->num)) &&
	       access_ok((void __user *)(unsigned long)vq->avail_uva,
			 kvmx_vring_avail_bytes(vq->num)) &&
	       access_ok((void __user *)(unsigned long)vq->used_uva,
			 kvmx_vring_used_bytes(vq->num));
}

/**
 * kvmx_vq_init_access() - start serving: pick up used->idx, reset caches
 * @vq: queue (mutex held, caller in the owner's mm)
 *
 * Return: 0 or -EFAULT/-ENOMEM.
 */
int kvmx_vq_init_access(struct kvmx_vq *vq)
{
	u16 __user *used_idx = (u16 __user *)(unsigned long)(vq->used_uva + 2);
	__le16 idx;

	if (get_user(idx, (__le16 __user *)used_idx))
		return -EFAULT;
	kfree(vq->heads);
	vq->heads = kcalloc(vq->num, sizeof(*vq->heads), GFP_KERNEL);
	if (!vq->heads)
		return -ENOMEM;
	vq->nheads = 0;
	vq->last_used_idx = le16_to_cpu(idx);
	vq->signalled_used_valid = false;
	vq->avail_idx = vq->last_avail_idx;
	vq->broken = false;
	vq->fault = KVMX_VRING_OK;
	return 0;
}

static int kvmx_vq_read_avail_idx(struct kvmx_vq *vq, u16 *idx)
{
	__le16 v;

	if (get_user(v, (__le16 __user *)(unsigned long)(vq->avail_uva + 2)))
		return -EFAULT;
	*idx = le16_to_cpu(v);
	return 0;
}

/*
 * The chain nearly every driver posts: one descriptor, neither NEXT nor
 * INDIRECT, its buffer inside one memory region.  Checked and filled in
 * place; anything else (or a fault) returns false and the full walk
 * starts over, so its verdicts are the only ones.
 */
static bool kvmx_vq_fetch_one(struct kvmx_vq *vq,
			      const struct kvmx_vring_mem *mem, u16 head,
			      struct kvmx_vring_chain *c, struct iovec *iov,
			      u64 *gpa, u32 max_segs)
{
	const struct kvmx_vring_desc_le __user *p =
		(const struct kvmx_vring_desc_le __user *)(unsigned long)
		(vq->desc_uva + (u64)head * KVMX_VRING_DESC_SIZE);
	const struct kvmx_vring_region *r;
	__le64 raw_addr;
	__le32 raw_len;
	__le16 raw_flags;
	u64 addr;
	u32 len;
	u16 flags;

	if (!max_segs || !user_access_begin(p, sizeof(*p)))
		return false;
	unsafe_get_user(raw_addr, &p->addr, efault);
	unsafe_get_user(raw_len, &p->len, efault);
	unsafe_get_user(raw_flags, &p->flags, efault);
	user_access_end();
	addr = le64_to_cpu(raw_addr);
	len = le32_to_cpu(raw_len);
	flags = le16_to_cpu(raw_flags);
	if ((flags & (KVMX_VRING_F_NEXT | KVMX_VRING_F_INDIRECT)) || !len ||
	    len > 0x7fffffffU)
		return false;
	r = kvmx_vring_region_of(mem, addr, len);
	if (!r)
		return false;
	iov[0].iov_base = (void __user *)(unsigned long)
			  (r->uva + (addr - r->gpa));
	iov[0].iov_len = len;
	if (gpa)
		gpa[0] = addr;
	c->iov = iov;
	c->gpa = gpa;
	c->max_segs = max_segs;
	c->head = head;
	c->fault = KVMX_VRING_OK;
	if (flags & KVMX_VRING_F_WRITE) {
		c->nout = 0;
		c->out_bytes = 0;
		c->nin = 1;
		c->in_bytes = len;
	} else {
		c->nout = 1;
		c->out_bytes = len;
		c->nin = 0;
		c->in_bytes = 0;
	}
	return true;
efault:
	user_access_end();
	return false;
}

/* Everything but the one-descriptor chain: the full walk. */
static noinline int kvmx_vq_fetch_walk(struct kvmx_vq *vq, u16 head,
				       struct kvmx_vring_chain *c,
				       struct iovec *iov, u64 *gpa,
				       u32 max_segs)
{
	struct kvmx_vhost_net *n = vq->net;
	struct kvmx_vring_walk w = {
		.mem = n->mem,
		.desc_uva = vq->desc_uva,
		.num = vq->num,
		.indirect_ok = kvmx_has_feature(n, VIRTIO_RING_F_INDIRECT_DESC),
	};
	int r;

	if (!w.mem) {
		kvmx_vq_fail(vq, KVMX_VRING_BAD_ADDR);
		return -EFAULT;
	}
	c->iov = iov;
	c->gpa = gpa;
	c->max_segs = max_segs;
	r = kvmx_vring_walk_chain(&w, head, c);
	if (r) {
		kvmx_vq_fail(vq, c->fault);
		return r;
	}
	vq->last_avail_idx++;
	return 1;
}

/**
 * kvmx_vq_fetch() - take the next available chain
 * @vq: queue (mutex held, in the owner's mm)
 * @c: out: the chain
 * @iov: segment array
 * @gpa: guest address per segment
 * @max_segs: capacity of @iov/@gpa
 *
 * Return: 1 with a chain, 0 if the ring is empty, negative on a fault
 * (the queue is then stopped and the error eventfd signalled).
 */
int kvmx_vq_fetch(struct kvmx_vq *vq, struct kvmx_vring_chain *c,
		  struct iovec *iov, u64 *gpa, u32 max_segs)
{
	const struct kvmx_vring_mem *mem = vq->net->mem;
	u16 count, slot, head;
	__le16 __user *ring;
	__le16 raw;

	if (vq->broken)
		return -EIO;
	if (vq->avail_idx == vq->last_avail_idx) {
		if (kvmx_vq_read_avail_idx(vq, &vq->avail_idx)) {
			kvmx_vq_fail(vq, KVMX_VRING_FAULT);
			return -EFAULT;
		}
		if (kvmx_vring_avail_count(vq->avail_idx, vq->last_avail_idx,
					   vq->num, &count)) {
			kvmx_vq_fail(vq, KVMX_VRING_AVAIL_JUMP);
			return -EINVAL;
		}
		if (!count)
			return 0;
		/* Entries and descriptors only after the index. */
		smp_rmb();
	}
	slot = vq->last_avail_idx & (vq->num - 1);
	ring = (__le16 __user *)(unsigned long)
	       (vq->avail_uva + kvmx_vring_avail_entry_off(slot));
	if (!user_access_begin(ring, sizeof(*ring)))
		goto fault;
	unsafe_get_user(raw, ring, fault_end);
	user_access_end();
	head = le16_to_cpu(raw);
	if (likely(mem && head < vq->num) &&
	    kvmx_vq_fetch_one(vq, mem, head, c, iov, gpa, max_segs)) {
		vq->last_avail_idx++;
		return 1;
	}
	return kvmx_vq_fetch_walk(vq, head, c, iov, gpa, max_segs);
fault_end:
	user_access_end();
fault:
	kvmx_vq_fail(vq, KVMX_VRING_FAULT);
	return -EFAULT;
}

/**
 * kvmx_vq_discard() - give back the last @n fetched chains
 * @vq: queue (mutex held)
 * @n: how many
 */
void kvmx_vq_discard(struct kvmx_vq *vq, u16 n)
{
	vq->last_avail_idx -= n;
}

static int kvmx_vq_log_used(struct kvmx_vq *vq, u64 off, u64 len)
{
	if (!vq->log_used || !kvmx_log_enabled(vq))
		return 0;
	return kvmx_log_write(vq, vq->log_gpa + off, len);
}

/*
 * Write @n used entries from heads[@first] on to ring slots from @slot on
 * (no wrap).
 */
static int kvmx_vq_write_used(struct kvmx_vq *vq, u32 first, u32 slot,
			      u32 n)
{
	u64 off = kvmx_vring_used_entry_off(slot);
	void __user *dst = (void __user *)(unsigned long)(vq->used_uva + off);

	struct kvmx_used_le __user *e = dst;
	const struct kvmx_used *h = vq->heads + first;
	u32 i;

	/* One user-access window, two stores per entry. */
	if (!user_access_begin(dst, n * sizeof(*e)))
		return -EFAULT;
	for (i = 0; i < n; i++) {
		unsafe_put_user(cpu_to_le32(h[i].id), &e[i].id, efault);
		unsafe_put_user(cpu_to_le32(h[i].len), &e[i].len, efault);
	}
	user_access_end();
	return kvmx_vq_log_used(vq, off, n * sizeof(*e));
efault:
	user_access_end();
	return -EFAULT;
}

/**
 * kvmx_vq_flush_used() - publish the batched used entries
 * @vq: queue (mutex held, in the owner's mm)
 *
 * Return: 0 or -EFAULT (queue stopped).
 */
int kvmx_vq_flush_used(struct kvmx_vq *vq)
{
	u32 first, part, n = vq->nheads;
	__le16 idx;

	if (!n)
		return 0;
	vq->nheads = 0;
	first = vq->last_used_idx & (vq->num - 1);
	part = min(n, vq->num - first);
	if (kvmx_vq_write_used(vq, 0, first, part))
		goto fault;
	if (part < n && kvmx_vq_write_used(vq, part, 0, n - part))
		goto fault;
	/* Elements before the index that publishes them. */
	smp_wmb();
	vq->last_used_idx += n;
	vq->used_unsignalled = true;
	idx = cpu_to_le16(vq->last_used_idx);
	if (put_user(idx, (__le16 __user *)(unsigned long)(vq->used_uva + 2)))
		goto fault;
	if (kvmx_vq_log_used(vq, 2, sizeof(idx)))
		goto fault;
	if (vq->log_used && kvmx_log_enabled(vq) && vq->net->log_ctx)
		eventfd_signal(vq->net->log_ctx, 1);
	return 0;
fault:
	kvmx_vq_fail(vq, KVMX_VRING_FAULT);
	return -EFAULT;
}

/**
 * kvmx_vq_add_used() - queue one used entry; publishes every batch
 * @vq: queue (mutex held)
 * @head: chain head
 * @len: bytes written into the chain
 *
 * Return: 0 or -EFAULT.
 */
int kvmx_vq_add_used(struct kvmx_vq *vq, u16 head, u32 len)
{
	vq->heads[vq->nheads].id = head;
	vq->heads[vq->nheads].len = len;
	vq->nheads++;
	if (vq->nheads >= KVMX_USED_BATCH || vq->nheads >= vq->num)
		return kvmx_vq_flush_used(vq);
	return 0;
}

static bool kvmx_vq_need_signal(struct kvmx_vq *vq)
{
	struct kvmx_vhost_net *n = vq->net;
	__le16 v;
	u16 old, new;
	bool valid;

	u16 avail;

	old = vq->signalled_used;
	valid = vq->signalled_used_valid;
	new = vq->last_used_idx;
	vq->signalled_used = new;
	vq->signalled_used_valid = true;

	/* used->idx must be visible before we read suppression state. */
	smp_mb();
	if (kvmx_has_feature(n, VIRTIO_F_NOTIFY_ON_EMPTY) &&
	    vq->avail_idx == vq->last_avail_idx &&
	    !kvmx_vq_read_avail_idx(vq, &avail) && avail == vq->last_avail_idx)
		return true;
	if (!kvmx_has_feature(n, VIRTIO_RING_F_EVENT_IDX)) {
		if (get_user(v, (__le16 __user *)(unsigned long)vq->avail_uva))
			return true;
		return !(le16_to_cpu(v) & VRING_AVAIL_F_NO_INTERRUPT);
	}
	if (!valid)
		return true;
	if (get_user(v, (__le16 __user *)(unsigned long)(vq->avail_uva +
			kvmx_vring_avail_entry_off(vq->num))))
		return true;
	return kvmx_vring_need_event(le16_to_cpu(v), new, old);
}

/**
 * kvmx_vq_signal() - publish used entries and notify unless suppressed
 * @vq: queue (mutex held)
 */
void kvmx_vq_signal(struct kvmx_vq *vq)
{
	if (kvmx_vq_flush_used(vq))
		return;
	if (!vq->used_unsignalled)
		return;
	vq->used_unsignalled = false;
	if (!vq->call)
		return;
	if (kvmx_vq_need_signal(vq)) {
		eventfd_signal(vq->call, 1);
		vq->stats.calls++;
	} else {
		vq->stats.suppressed++;
	}
}

static int kvmx_vq_write_used_flags(struct kvmx_vq *vq, u16 flags)
{
	__le16 v = cpu_to_le16(flags);

	if (put_user(v, (__le16 __user *)(unsigned long)vq->used_uva))
		return -EFAULT;
	return kvmx_vq_log_used(vq, 0, sizeof(v));
}

/**
 * kvmx_vq_disable_notify() - ask the driver not to kick while we poll
 * @vq: queue (mutex held)
 *
 * With event index the driver's kicks are already gated by avail_event,
 * which we simply stop advancing.
 */
void kvmx_vq_disable_notify(struct kvmx_vq *vq)
{
	if (kvmx_has_feature(vq->net, VIRTIO_RING_F_EVENT_IDX))
		return;
	if (kvmx_vq_write_used_flags(vq, VRING_USED_F_NO_NOTIFY))
		kvmx_vq_fail(vq, KVMX_VRING_FAULT);
}

/**
 * kvmx_vq_enable_notify() - re-enable kicks before going idle
 * @vq: queue (mutex held)
 *
 * Return: true if buffers arrived meanwhile (caller should keep going).
 */
bool kvmx_vq_enable_notify(struct kvmx_vq *vq)
{
	u16 idx;
	int r;

	if (vq->broken)
		return false;
	if (kvmx_has_feature(vq->net, VIRTIO_RING_F_EVENT_IDX)) {
		__le16 ev = cpu_to_le16(vq->avail_idx);
		u64 off = kvmx_vring_used_entry_off(vq->num);

		r = put_user(ev, (__le16 __user *)(unsigned long)
			     (vq->used_uva + off));
		if (!r)
			r = kvmx_vq_log_used(vq, off, sizeof(ev));
	} else {
		r = kvmx_vq_write_used_flags(vq, 0);
	}
	if (r) {
		kvmx_vq_fail(vq, KVMX_VRING_FAULT);
		return false;
	}
	/* Flag/event store before re-reading avail->idx. */
	smp_mb();
	if (kvmx_vq_read_avail_idx(vq, &idx)) {
		kvmx_vq_fail(vq, KVMX_VRING_FAULT);
		return false;
	}
	return idx != vq->avail_idx;
}

/**
 * kvmx_vq_avail_empty() - nothing new in the avail ring?
 * @vq: queue (mutex held)
 *
 * Return: true if empty or unreadable.
 */
bool kvmx_vq_avail_empty(struct kvmx_vq *vq)
{
	u16 idx;

	if (vq->avail_idx != vq->last_avail_idx)
		return false;
	if (kvmx_vq_read_avail_idx(vq, &idx))
		return true;
	return idx == vq->last_avail_idx;
}

static long kvmx_vq_set_addr(struct kvmx_vq *vq, void __user *argp)
{
	struct vhost_vring_addr a;

	if (copy_from_user(&a, argp, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~(1U << VHOST_VRING_F_LOG))
		return -EOPNOTSUPP;
	if ((u64)(unsigned long)a.desc_user_addr != a.desc_user_addr ||
	    (u64)(unsigned long)a.avail_user_addr != a.avail_user_addr ||
	    (u64)(unsigned long)a.used_user_addr != a.used_user_addr)
		return -EFAULT;
	if ((a.desc_user_addr & 15) || (a.avail_user_addr & 1) ||
	    (a.used_user_addr & 3) || (a.log_guest_addr & 3))
		return -EINVAL;
	if (vq->sock) {
		u32 num = vq->num;

		if (!access_ok((void __user *)(unsigned long)a.desc_user_addr,
			       kvmx_vring_desc_bytes(num)) ||
		    !access_ok((void __user *)(unsigned long)a.avail_user_addr,
			       kvmx_vring_avail_bytes(num)) ||
		    !access_ok((void __user *)(unsigned long)a.used_user_addr,
			       kvmx_vring_used_bytes(num)))
			return -EINVAL;
	}
	vq->desc_uva = a.desc_user_addr;
	vq->avail_uva = a.avail_user_addr;
	vq->used_uva = a.used_user_addr;
	vq->log_gpa = a.log_guest_addr;
	vq->log_used = a.flags & (1U << VHOST_VRING_F_LOG);
	vq->broken = false;
	return 0;
}

/**
 * kvmx_vq_ioctl() - VHOST_{SET,GET}_VRING_* for queue named in the argument
 * @n: device (n->mutex held, caller is the owner)
 * @ioctl: the command
 * @argp: user argument; its first u32 is the queue index
 *
 * Return: 0, a negative errno, or -ENOIOCTLCMD if not a vring ioctl.
 */
long kvmx_vq_ioctl(struct kvmx_vhost_net *n, unsigned int ioctl,
		   void __user *argp)
{
	struct file *kick = NULL, *old_kick = NULL;
	struct eventfd_ctx *ctx = NULL;
	struct vhost_vring_state s;
	struct vhost_vring_file f;
	struct kvmx_vq *vq;
	bool restart_poll = false;
	u32 idx;
	long r = 0;

	switch (ioctl) {
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_ADDR:
	case VHOST_SET_VRING_BASE:
	case VHOST_GET_VRING_BASE:
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
		break;
	default:
		return -ENOIOCTLCMD;
	}
	if (get_user(idx, (u32 __user *)argp))
		return -EFAULT;
	if (idx >= KVMX_NR_VQS)
		return -ENOBUFS;
	vq = &n->vqs[array_index_nospec(idx, KVMX_NR_VQS)];

	mutex_lock(&vq->mutex);
	switch (ioctl) {
	case VHOST_SET_VRING_NUM:
		if (vq->sock) {
			r = -EBUSY;
			break;
		}
		if (copy_from_user(&s, argp, sizeof(s))) {
			r = -EFAULT;
			break;
		}
		if (!s.num || s.num > 0xffff || (s.num & (s.num - 1))) {
			r = -EINVAL;
			break;
		}
		vq->num = s.num;
		break;
	case VHOST_SET_VRING_ADDR:
		r = kvmx_vq_set_addr(vq, argp);
		break;
	case VHOST_SET_VRING_BASE:
		if (vq->sock) {
			r = -EBUSY;
			break;
		}
		if (copy_from_user(&s, argp, sizeof(s))) {
			r = -EFAULT;
			break;
		}
		if (s.num > 0xffff) {
			r = -EINVAL;
			break;
		}
		vq->last_avail_idx = s.num;
		vq->avail_idx = s.num;
		vq->broken = false;
		break;
	case VHOST_GET_VRING_BASE:
		s.index = idx;
		s.num = vq->last_avail_idx;
		if (copy_to_user(argp, &s, sizeof(s)))
			r = -EFAULT;
		break;
	case VHOST_SET_VRING_KICK:
		if (copy_from_user(&f, argp, sizeof(f))) {
			r = -EFAULT;
			break;
		}
		if (f.fd != VHOST_FILE_UNBIND) {
			kick = eventfd_fget(f.fd);
			if (IS_ERR(kick)) {
				r = PTR_ERR(kick);
				break;
			}
		}
		if (kick == vq->kick) {
			old_kick = kick;	/* drop the extra reference */
			break;
		}
		kvmx_poll_stop(&vq->kick_poll);
		old_kick = vq->kick;
		vq->kick = kick;
		restart_poll = !!kick;
		break;
	case VHOST_SET_VRING_CALL:
	case VHOST_SET_VRING_ERR:
		if (copy_from_user(&f, argp, sizeof(f))) {
			r = -EFAULT;
			break;
		}
		if (f.fd != VHOST_FILE_UNBIND) {
			ctx = eventfd_ctx_fdget(f.fd);
			if (IS_ERR(ctx)) {
				r = PTR_ERR(ctx);
				ctx = NULL;
				break;
			}
		}
		if (ioctl == VHOST_SET_VRING_CALL) {
			swap(ctx, vq->call);
			vq->signalled_used_valid = false;
		} else {
			swap(ctx, vq->err);
		}
		break;
	case VHOST_SET_VRING_BUSYLOOP_TIMEOUT:
		if (copy_from_user(&s, argp, sizeof(s))) {
			r = -EFAULT;
			break;
		}
		vq->busyloop_timeout = s.num;
		break;
	case VHOST_GET_VRING_BUSYLOOP_TIMEOUT:
		s.index = idx;
		s.num = vq->busyloop_timeout;
		if (copy_to_user(argp, &s, sizeof(s)))
			r = -EFAULT;
		break;
	}
	if (restart_poll)
		kvmx_poll_start(&vq->kick_poll, vq->kick);
	mutex_unlock(&vq->mutex);

	if (ctx)
		eventfd_ctx_put(ctx);
	if (old_kick) {
		/* The worker may still be inside a wakeup from the old file. */
		kvmx_worker_flush(n);
		fput(old_kick);
	}
	return r;
}

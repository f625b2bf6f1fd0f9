// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: tap -> guest buffers.  The tap's peek_len gives the next
 * frame's length; we gather enough writable chains to hold it (one chain
 * unless VIRTIO_NET_F_MRG_RXBUF, then as many as needed, num_buffers in
 * the header tells the guest how many) and recvmsg straight into them.
 *
 * A frame too big for a non-mergeable buffer is dropped and the buffer
 * kept.  With no buffers the socket hook is left off: the guest's next
 * kick restarts us, and the tap queues (then drops) meanwhile.
 */
#include <linux/if_tap.h>
#include <linux/if_tun.h>
#include <linux/ptr_ring.h>
#include <linux/sched/clock.h>
#include <linux/skb_array.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/vhost.h>

#include "vhost.h"

/* Result of gathering buffers for one frame. */
struct kvmx_rx_bufs {
	u32 nheads;
	u32 nsegs;
	bool truncated;
};

/*
 * Collect chains until @want bytes fit.  Heads go to vq->heads from index
 * vq->nheads on (not yet counted), segments to vq->iov; @c is scratch
 * (one per handler run: a stack struct per frame costs its zeroing).
 * Return 1 if
 * enough (or truncated), 0 if the ring ran dry (everything given back),
 * negative on a ring fault.
 */
static int kvmx_rx_gather(struct kvmx_vq *vq, u64 want, bool mergeable,
			  struct kvmx_rx_bufs *b, struct kvmx_vring_chain *c)
{
	struct kvmx_used *heads = vq->heads + vq->nheads;
	u32 max_heads = vq->num - vq->nheads;
	int r;

	b->nheads = 0;
	b->nsegs = 0;
	b->truncated = false;
	while (want) {
		if (b->nheads >= max_heads) {
			if (!vq->nheads) {
				/* Even the whole ring is too small. */
				b->truncated = true;
				return 1;
			}
			/* Flush the batch so a frame can use the whole ring. */
			kvmx_vq_discard(vq, b->nheads);
			return -EAGAIN;
		}
		r = kvmx_vq_fetch(vq, c, vq->iov + b->nsegs,
				  vq->iov_gpa + b->nsegs,
				  KVMX_MAX_SEGS - b->nsegs);
		if (r <= 0) {
			if (!r)
				kvmx_vq_discard(vq, b->nheads);
			return r;
		}
		if (c->nout) {
			kvmx_vq_fail(vq, KVMX_VRING_DIRECTION);
			return -EINVAL;
		}
		heads[b->nheads].id = c->head;
		heads[b->nheads].len = min_t(u64, c->in_bytes, want);
		want -= heads[b->nheads].len;
		b->nheads++;
		b->nsegs += c->nin;
		if (!mergeable)
			break;
	}
	b->truncated = want != 0;
	return 1;
}

/**
 * kvmx_rx_set_ring() - switch the RX batch to @sock's queue
 * @vq: RX queue (mutex held)
 * @sock: new backend or NULL
 *
 * Frames batched from the old queue are put back where they came from.
 */
void kvmx_rx_set_ring(struct kvmx_vq *vq, struct socket *sock)
{
	struct ptr_ring *ring = NULL;

	if (vq->rx_ring && vq->rxq_tail != vq->rxq_head)
		ptr_ring_unconsume(vq->rx_ring, vq->rxq + vq->rxq_head,
				   vq->rxq_tail - vq->rxq_head, tun_ptr_free);
	vq->rxq_head = 0;
	vq->rxq_tail = 0;
	if (sock) {
		ring = tun_get_tx_ring(sock->file);
		if (IS_ERR(ring))
			ring = tap_get_ptr_ring(sock->file);
		if (IS_ERR(ring))
			ring = NULL;
	}
	vq->rx_ring = ring;
}

/* The next frame from our batch (refilled from the tap queue), or NULL. */
static void *kvmx_rx_next(struct kvmx_vq *vq)
{
	if (vq->rxq_head == vq->rxq_tail) {
		vq->rxq_head = 0;
		vq->rxq_tail = ptr_ring_consume_batched(vq->rx_ring, vq->rxq,
							KVMX_RX_BATCH);
		if (!vq->rxq_tail)
			return NULL;
	}
	return vq->rxq[vq->rxq_head];
}

/* The frame recvmsg() should take (it always consumes it), or NULL. */
static void *kvmx_rx_take(struct kvmx_vq *vq)
{
	if (!vq->rx_ring || vq->rxq_head == vq->rxq_tail)
		return NULL;
	return vq->rxq[vq->rxq_head++];
}

static void kvmx_rx_drop(struct kvmx_vq *vq, struct socket *sock)
{
	struct msghdr msg = { .msg_control = kvmx_rx_take(vq) };
	u8 byte;
	struct kvec kv = { .iov_base = &byte, .iov_len = 1 };

	iov_iter_kvec(&msg.msg_iter, ITER_DEST, &kv, 1, 1);
	sock->ops->recvmsg(sock, &msg, 1, MSG_DONTWAIT | MSG_TRUNC);
}

/* A raw packet socket: the length of the head of its receive queue. */
static int kvmx_rx_peek_queue(struct sock *sk)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct sk_buff *skb;
	unsigned long flags;
	int len = 0;

	spin_lock_irqsave(&q->lock, flags);
	skb = skb_peek(q);
	if (skb)
		len = __skb_array_len_with_tag(skb);
	spin_unlock_irqrestore(&q->lock, flags);
	return len;
}

static int kvmx_rx_peek(struct kvmx_vq *vq, struct socket *sock)
{
	void *ptr;

	if (vq->rx_ring) {
		ptr = kvmx_rx_next(vq);
		if (!ptr)
			return 0;
		if (tun_is_xdp_frame(ptr))
			return tun_ptr_to_xdp(ptr)->len;
		return __skb_array_len_with_tag(ptr);
	}
	if (sock->ops->peek_len)
		return sock->ops->peek_len(sock);
	return kvmx_rx_peek_queue(sock->sk);
}

static int kvmx_rx_busy_poll(struct kvmx_vq *vq, struct socket *sock)
{
	u64 end;
	int len;

	if (!vq->busyloop_timeout)
		return 0;
	vq->stats.busy_polls++;
	end = (local_clock() >> 10) + vq->busyloop_timeout;
	while ((local_clock() >> 10) < end && !need_resched() &&
	       !signal_pending(current)) {
		len = kvmx_rx_peek(vq, sock);
		if (len)
			return len;
		cpu_relax();
	}
	return kvmx_rx_peek(vq, sock);
}

/*
 * Write the header fields we own: our header if any, and num_buffers
 * whenever the header has that field (the tap leaves it alone).  The
 * header nearly always sits in the first segment: store straight into
 * it; otherwise go through an iterator over the segments.
 */
static int kvmx_rx_fixup(struct kvmx_vhost_net *n, struct kvmx_vq *vq,
			 u32 nsegs, u64 want, u16 nbufs)
{
	static const struct virtio_net_hdr hdr = {
		.flags = 0,
		.gso_type = VIRTIO_NET_HDR_GSO_NONE,
	};
	u32 hlen = n->vhost_hlen ? n->vhost_hlen : n->sock_hlen;
	bool num = hlen >= sizeof(struct virtio_net_hdr_mrg_rxbuf);
	__le16 nb = cpu_to_le16(nbufs);
	struct iov_iter fix;

	if (!n->vhost_hlen && !num)
		return 0;
	if (vq->iov[0].iov_len >= hlen) {
		u8 __user *base = vq->iov[0].iov_base;

		if (n->vhost_hlen && copy_to_user(base, &hdr, sizeof(hdr)))
			return -EFAULT;
		if (num && put_user(nb, (__le16 __user *)(base +
			offsetof(struct virtio_net_hdr_mrg_rxbuf,
				 num_buffers))))
			return -EFAULT;
		return 0;
	}
	iov_iter_init(&fix, ITER_DEST, vq->iov, nsegs, want);
	if (n->vhost_hlen) {
		if (copy_to_iter(&hdr, sizeof(hdr), &fix) != sizeof(hdr))
			return -EFAULT;
	} else {
		iov_iter_advance(&fix, sizeof(hdr));
	}
	if (num && copy_to_iter(&nb, sizeof(nb), &fix) != sizeof(nb))
		return -EFAULT;
	return 0;
}

/**
 * kvmx_rx_run() - the RX handler, run by the worker
 * @n: device
 */
void kvmx_rx_run(struct kvmx_vhost_net *n)
{
	struct kvmx_vq *vq = &n->vqs[KVMX_VQ_RX];
	bool mergeable = kvmx_has_feature(n, VIRTIO_NET_F_MRG_RXBUF);
	struct kvmx_rx_bufs b;
	struct socket *sock;
	u64 bytes = 0;
	u32 pkts = 0;
	bool rearm = false;
	struct kvmx_vring_chain c;
	struct msghdr msg = { };
	int r;

	mutex_lock(&vq->mutex);
	sock = vq->sock;
	if (!sock || vq->broken)
		goto out;
	vq->stats.kicks++;
	/*
	 * The tap hook stays on while frames flow: taking it off and on
	 * around every run (as upstream does) costs a wait-queue round trip
	 * and a poll of the tap per run, and runs are one frame long when
	 * the sender shares the CPU.  It goes off only when the guest has
	 * no buffers or the queue stopped; a frame arriving during a run
	 * merely queues the run again.
	 */
	kvmx_vq_disable_notify(vq);

	for (;;) {
		u64 sock_len, want;
		int len, err;

		if (bytes >= KVMX_RUN_BYTES || pkts >= KVMX_RUN_PACKETS) {
			vq->stats.budget_yields++;
			kvmx_work_queue(n, KVMX_WORK_RX);
			break;
		}
		/* The next frame of the batch, else ask the socket. */
		if (vq->rxq_head != vq->rxq_tail &&
		    !tun_is_xdp_frame(vq->rxq[vq->rxq_head]))
			len = __skb_array_len_with_tag(vq->rxq[vq->rxq_head]);
		else
			len = kvmx_rx_peek(vq, sock);
		if (!len)
			len = kvmx_rx_busy_poll(vq, sock);
		if (len <= 0) {
			rearm = true;
			break;
		}
		sock_len = (u64)len + n->sock_hlen;
		want = sock_len + n->vhost_hlen;

		r = kvmx_rx_gather(vq, want, mergeable, &b, &c);
		if (r == -EAGAIN) {
			if (kvmx_vq_flush_used(vq))
				break;
			continue;
		}
		if (r < 0)
			break;
		if (!r) {
			if (kvmx_vq_enable_notify(vq)) {
				kvmx_vq_disable_notify(vq);
				continue;
			}
			/* No buffers: the guest's kick restarts us. */
			kvmx_poll_stop(&vq->sock_poll);
			break;
		}
		if (b.truncated) {
			kvmx_vq_discard(vq, b.nheads);
			kvmx_rx_drop(vq, sock);
			vq->stats.dropped++;
			pkts++;
			continue;
		}

		/* One segment: the cheaper single-buffer iterator. */
		if (b.nsegs == 1)
			iov_iter_ubuf(&msg.msg_iter, ITER_DEST, vq->iov[0].iov_base,
				      min_t(u64, want, vq->iov[0].iov_len));
		else
			iov_iter_init(&msg.msg_iter, ITER_DEST, vq->iov,
				      b.nsegs, want);
		if (n->vhost_hlen)
			iov_iter_advance(&msg.msg_iter, n->vhost_hlen);
		/* recvmsg() may set these; nothing else in msg changes. */
		msg.msg_flags = 0;
		msg.msg_namelen = 0;
		msg.msg_control = kvmx_rx_take(vq);
		err = sock->ops->recvmsg(sock, &msg, sock_len,
					 MSG_DONTWAIT | MSG_TRUNC);
		if (unlikely(err != sock_len)) {
			/* Gone, or changed under us: the buffers stay ours. */
			kvmx_vq_discard(vq, b.nheads);
			vq->stats.dropped++;
			pkts++;
			continue;
		}
		if (kvmx_rx_fixup(n, vq, b.nsegs, want, b.nheads)) {
			kvmx_vq_fail(vq, KVMX_VRING_FAULT);
			break;
		}
		if (unlikely(n->log_base) &&
		    kvmx_log_iov(vq, vq->iov, vq->iov_gpa, b.nsegs, want)) {
			kvmx_vq_fail(vq, KVMX_VRING_FAULT);
			break;
		}
		/* The heads are already in place: account them. */
		vq->nheads += b.nheads;
		if (vq->nheads >= KVMX_USED_BATCH && kvmx_vq_flush_used(vq))
			break;
		vq->stats.packets++;
		vq->stats.bytes += len;
		vq->stats.copied++;
		pkts++;
		bytes += len;
	}
	kvmx_vq_signal(vq);
	if (vq->broken)
		kvmx_poll_stop(&vq->sock_poll);
	else if (rearm)
		kvmx_poll_start(&vq->sock_poll, sock->file);
out:
	mutex_unlock(&vq->mutex);
}

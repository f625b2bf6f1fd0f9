// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: guest buffers -> tap.  Each available chain (readable
 * descriptors only) is one frame, handed to the tap socket's sendmsg with
 * an iov_iter over the owner's addresses.  When the socket handles the
 * virtio-net header (tap with IFF_VNET_HDR) the chain goes as is; when we
 * do (VHOST_NET_F_VIRTIO_NET_HDR) the header bytes are skipped.
 *
 * Zero-copy: with zerocopy_tx set and a socket that supports it, frames of
 * at least KVMX_ZC_MIN_LEN bytes are sent by reference: the tap pins the
 * guest pages and a ubuf_info completion tells us when the stack is done
 * with them.  Only then is the descriptor returned to the guest.  So that
 * used entries stay in submission order, every frame sent while zero-copy
 * is active goes through the slot ring; copied frames complete at once.
 * Too many frames in flight, or completions that had to copy after all
 * (more than one in 64 sends), make us copy instead.
 */
#include <linux/if_tun.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>

#include "vhost.h"

static u64 kvmx_busy_clock(void)
{
	return local_clock() >> 10;	/* ~microseconds */
}

static bool kvmx_zc_ready(struct kvmx_vq *vq)
{
	return vq->zc && kvmx_zcopy_tx &&
	       sock_flag(vq->sock->sk, SOCK_ZEROCOPY);
}

static u32 kvmx_zc_used_slots(struct kvmx_vq *vq)
{
	return vq->zc_upend - vq->zc_done;
}

static void kvmx_zc_complete(struct sk_buff *skb, struct ubuf_info *ubuf,
			     bool success)
{
	struct kvmx_zc_slot *slot = container_of(ubuf, struct kvmx_zc_slot,
						 ubuf);
	struct kvmx_vhost_net *n = slot->net;
	struct kvmx_vq *vq = &n->vqs[KVMX_VQ_TX];

	rcu_read_lock_bh();
	if (success)
		atomic64_inc(&vq->zc_ok);
	else
		atomic64_inc(&vq->zc_errors);
	/* Pairs with the acquire in kvmx_zc_retire(). */
	smp_store_release(&slot->state, success ? KVMX_ZC_DONE :
			  KVMX_ZC_FAILED);
	kvmx_work_queue(n, KVMX_WORK_TX);
	if (atomic_dec_and_test(&n->zc_inflight))
		wake_up(&n->zc_wq);
	rcu_read_unlock_bh();
}

/**
 * kvmx_zc_alloc() - give the TX queue its zero-copy slot ring
 * @vq: TX queue (mutex held)
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_zc_alloc(struct kvmx_vq *vq)
{
	u32 i;

	if (vq->zc)
		return 0;
	vq->zc = kcalloc(KVMX_ZC_SLOTS, sizeof(*vq->zc), GFP_KERNEL);
	if (!vq->zc)
		return -ENOMEM;
	for (i = 0; i < KVMX_ZC_SLOTS; i++)
		vq->zc[i].net = vq->net;
	vq->zc_upend = 0;
	vq->zc_done = 0;
	return 0;
}

/**
 * kvmx_zc_retire() - return completed slots to the guest, in order
 * @vq: TX queue (mutex held, in the owner's mm)
 *
 * Entries are batched; the caller publishes them with kvmx_vq_signal().
 */
void kvmx_zc_retire(struct kvmx_vq *vq)
{
	if (!vq->zc)
		return;
	while (vq->zc_done != vq->zc_upend) {
		struct kvmx_zc_slot *s = &vq->zc[vq->zc_done % KVMX_ZC_SLOTS];
		/* Pairs with the release in kvmx_zc_complete(). */
		u8 state = smp_load_acquire(&s->state);

		if (state != KVMX_ZC_DONE && state != KVMX_ZC_FAILED)
			break;
		s->state = KVMX_ZC_FREE;
		vq->zc_done++;
		if (kvmx_vq_add_used(vq, s->head, 0))
			return;
	}
}

/**
 * kvmx_zc_drain() - wait for every zero-copy completion of the device
 * @n: device (no vq mutex held)
 *
 * Afterwards no completion callback can run or be running.
 */
void kvmx_zc_drain(struct kvmx_vhost_net *n)
{
	atomic_dec(&n->zc_inflight);
	wait_event(n->zc_wq, !atomic_read(&n->zc_inflight));
	synchronize_rcu();
	atomic_inc(&n->zc_inflight);
}

/* Copy mode preferred if completions keep copying anyway (as upstream). */
static bool kvmx_zc_worthwhile(struct kvmx_vq *vq)
{
	return vq->zc_sends / 64 >= (u64)atomic64_read(&vq->zc_errors);
}

static bool kvmx_tx_busy_poll(struct kvmx_vq *vq)
{
	u64 end;

	if (!vq->busyloop_timeout)
		return false;
	vq->stats.busy_polls++;
	end = kvmx_busy_clock() + vq->busyloop_timeout;
	while (kvmx_busy_clock() < end && !need_resched() &&
	       !signal_pending(current)) {
		if (!kvmx_vq_avail_empty(vq))
			return true;
		cpu_relax();
	}
	return !kvmx_vq_avail_empty(vq);
}

static bool kvmx_tx_retryable(int err)
{
	return err == -EAGAIN || err == -ENOMEM || err == -ENOBUFS;
}

/**
 * kvmx_tx_run() - the TX handler, run by the worker
 * @n: device
 */
void kvmx_tx_run(struct kvmx_vhost_net *n)
{
	struct kvmx_vq *vq = &n->vqs[KVMX_VQ_TX];
	struct kvmx_vring_chain c;
	struct msghdr msg = { };
	struct socket *sock;
	u64 bytes = 0;
	u32 pkts = 0;
	bool zc, batch;
	int r;

	mutex_lock(&vq->mutex);
	sock = vq->sock;
	if (!sock || vq->broken)
		goto out;
	vq->stats.kicks++;
	kvmx_poll_stop(&vq->sock_poll);
	kvmx_vq_disable_notify(vq);
	zc = kvmx_zc_ready(vq);
	/* As the socket's own fast path: only with unlimited sndbuf. */
	batch = vq->tx_batch && READ_ONCE(sock->sk->sk_sndbuf) == INT_MAX;
	kvmx_zc_retire(vq);

	for (;;) {
		struct tun_msg_ctl ctl;
		struct kvmx_zc_slot *slot = NULL;
		bool use_zc;
		size_t len;
		int err;

		if (bytes >= KVMX_RUN_BYTES || pkts >= KVMX_RUN_PACKETS) {
			vq->stats.budget_yields++;
			kvmx_work_queue(n, KVMX_WORK_TX);
			break;
		}
		if (vq->zc && kvmx_zc_used_slots(vq) >= KVMX_ZC_SLOTS) {
			/* A completion will queue us again. */
			break;
		}
		r = kvmx_vq_fetch(vq, &c, vq->iov, vq->iov_gpa, KVMX_MAX_SEGS);
		if (r < 0)
			break;
		if (!r) {
			if (kvmx_tx_busy_poll(vq))
				continue;
			if (kvmx_vq_enable_notify(vq)) {
				kvmx_vq_disable_notify(vq);
				continue;
			}
			break;
		}
		if (c.nin) {
			kvmx_vq_fail(vq, KVMX_VRING_DIRECTION);
			break;
		}
		if (c.out_bytes <= n->vhost_hlen) {
			kvmx_vq_fail(vq, KVMX_VRING_EMPTY_TX);
			break;
		}
		/* One segment: the cheaper single-buffer iterator. */
		if (c.nout == 1)
			iov_iter_ubuf(&msg.msg_iter, ITER_SOURCE,
				      vq->iov[0].iov_base, c.out_bytes);
		else
			iov_iter_init(&msg.msg_iter, ITER_SOURCE, vq->iov,
				      c.nout, c.out_bytes);
		iov_iter_advance(&msg.msg_iter, n->vhost_hlen);
		len = iov_iter_count(&msg.msg_iter);
		/* The one msghdr serves every frame: reset what may change. */
		msg.msg_flags = MSG_DONTWAIT;
		msg.msg_control = NULL;
		msg.msg_controllen = 0;

		use_zc = zc && len >= KVMX_ZC_MIN_LEN &&
			atomic_read(&n->zc_inflight) - 1 <
			min_t(u32, KVMX_ZC_MAX_INFLIGHT, vq->num >> 2) &&
			kvmx_zc_worthwhile(vq);
		if (batch && !use_zc && len <= KVMX_TX_BATCH_MAX_LEN &&
		    !(vq->zc && kvmx_zc_used_slots(vq)) &&
		    !kvmx_txb_add(n, vq, &msg.msg_iter)) {
			vq->stats.packets++;
			vq->stats.bytes += len;
			vq->stats.copied++;
			pkts++;
			bytes += len;
			if (vq->nxdp == KVMX_TX_BATCH)
				kvmx_txb_send(vq, sock);
			if (kvmx_vq_add_used(vq, c.head, 0))
				break;
			continue;
		}
		/* Whatever goes on its own goes after the batch. */
		kvmx_txb_send(vq, sock);
		/*
		 * Copied frames bypass the slot ring when nothing is in it:
		 * order is only at stake behind a pending zero-copy frame.
		 */
		if (vq->zc && (use_zc || kvmx_zc_used_slots(vq))) {
			slot = &vq->zc[vq->zc_upend % KVMX_ZC_SLOTS];
			slot->head = c.head;
			slot->zerocopy = use_zc;
			vq->zc_upend++;
			if (slot->zerocopy) {
				slot->ubuf.callback = kvmx_zc_complete;
				refcount_set(&slot->ubuf.refcnt, 1);
				slot->ubuf.flags = SKBFL_ZEROCOPY_FRAG;
				slot->state = KVMX_ZC_PENDING;
				atomic_inc(&n->zc_inflight);
				ctl.type = TUN_MSG_UBUF;
				ctl.num = 0;
				ctl.ptr = &slot->ubuf;
				msg.msg_control = &ctl;
				msg.msg_controllen = sizeof(ctl);
				vq->zc_sends++;
			} else {
				slot->state = KVMX_ZC_DONE;
			}
		}

		err = sock->ops->sendmsg(sock, &msg, len);
		if (unlikely(err < 0)) {
			if (slot && slot->zerocopy &&
			    READ_ONCE(slot->state) == KVMX_ZC_PENDING) {
				/* Never reached the stack: no callback. */
				atomic_dec(&n->zc_inflight);
				slot->state = KVMX_ZC_FAILED;
			}
			if (kvmx_tx_retryable(err)) {
				if (slot) {
					slot->state = KVMX_ZC_FREE;
					vq->zc_upend--;
				}
				kvmx_vq_discard(vq, 1);
				kvmx_poll_start(&vq->sock_poll, sock->file);
				break;
			}
			vq->stats.dropped++;
		} else {
			vq->stats.packets++;
			vq->stats.bytes += len;
			if (slot && slot->zerocopy)
				vq->stats.zc_sent++;
			else
				vq->stats.copied++;
		}
		if (!slot && kvmx_vq_add_used(vq, c.head, 0))
			break;
		pkts++;
		bytes += len;
		if (slot)
			kvmx_zc_retire(vq);
	}
	kvmx_txb_send(vq, sock);
	if (vq->zc)
		kvmx_zc_retire(vq);
	kvmx_vq_signal(vq);
out:
	mutex_unlock(&vq->mutex);
}

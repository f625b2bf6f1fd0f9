// SPDX-License-Identifier: GPL-2.0
/*
 * Batched copy TX for tun and tap backends.
 *
 * Instead of one sendmsg() per frame, a frame that fits in a page is
 * copied into a page fragment laid out the way tun and tap build an skb
 * around it (a struct tun_xdp_hdr with the virtio-net header at the start,
 * headroom, the frame, room for skb_shared_info), described by an
 * xdp_buff, and up to KVMX_TX_BATCH of them go to the socket in one
 * sendmsg() with a TUN_MSG_PTR control message.  The socket then runs one
 * bottom-half/RCU section for the whole batch and builds each skb around
 * our buffer without copying again.
 *
 * Each buffer handed over carries one page reference, which the skb
 * frees.  We take references in bulk (a bias) when a fragment page is
 * allocated, so a frame costs no atomic operation; the page is reused
 * once every skb built on it is gone.
 */
#include <linux/if_tun.h>
#include <linux/mm.h>
#include <linux/skbuff.h>
#include <net/xdp.h>

#include "vhost.h"

/* Page references held per fragment page; far more than frames fit. */
#define KVMX_FRAG_BIAS		0x4000
#define KVMX_FRAG_ORDER		get_order(32768)

/**
 * kvmx_txb_alloc() - give the TX queue its batch array
 * @vq: TX queue (mutex held)
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_txb_alloc(struct kvmx_vq *vq)
{
	if (vq->xdp)
		return 0;
	vq->xdp = kcalloc(KVMX_TX_BATCH, sizeof(*vq->xdp), GFP_KERNEL);
	if (!vq->xdp)
		return -ENOMEM;
	vq->nxdp = 0;
	return 0;
}

/* Drop the references we still hold on the current fragment page. */
static void kvmx_frag_release(struct kvmx_tx_frag *f)
{
	if (f->page)
		__page_frag_cache_drain(f->page, f->bias);
	f->page = NULL;
	f->bias = 0;
}

/**
 * kvmx_txb_free() - release the batch array and the fragment page
 * @vq: TX queue (mutex held, nothing batched)
 */
void kvmx_txb_free(struct kvmx_vq *vq)
{
	WARN_ON_ONCE(vq->nxdp);
	kvmx_frag_release(&vq->frag);
	kfree(vq->xdp);
	vq->xdp = NULL;
	vq->nxdp = 0;
}

/* Make @len bytes available at f->offset (cache-line aligned). */
static bool kvmx_frag_refill(struct kvmx_tx_frag *f, u32 len)
{
	struct page *page;
	u32 order;

	f->offset = ALIGN(f->offset, SMP_CACHE_BYTES);
	if (f->page) {
		if (f->offset + len <= f->size)
			return true;
		/* Every skb built on it is gone: start over on it. */
		if (page_ref_count(f->page) == f->bias) {
			f->offset = 0;
			return true;
		}
		kvmx_frag_release(f);
	}
	order = KVMX_FRAG_ORDER;
	page = alloc_pages(GFP_KERNEL | __GFP_COMP | __GFP_NOWARN |
			   __GFP_NORETRY, order);
	if (!page) {
		order = 0;
		page = alloc_page(GFP_KERNEL);
		if (!page)
			return false;
	}
	page_ref_add(page, KVMX_FRAG_BIAS - 1);
	f->page = page;
	f->bias = KVMX_FRAG_BIAS;
	f->size = PAGE_SIZE << order;
	f->offset = 0;
	return true;
}

/**
 * kvmx_txb_add() - copy one frame into the batch
 * @n: device
 * @vq: TX queue (mutex held, in the owner's mm, vq->xdp allocated and
 *	fewer than KVMX_TX_BATCH frames batched)
 * @from: the frame as the socket would read it (its virtio-net header
 *	first when the socket takes one); consumed only on success
 *
 * Return: 0 if batched; -ENOSPC if the frame is not for the batch path
 * (too big for a page, too short, a header the socket would refuse): the
 * caller sends it with a plain sendmsg(), which gives the socket's own
 * verdict; -ENOMEM or -EFAULT otherwise.
 */
int kvmx_txb_add(struct kvmx_vhost_net *n, struct kvmx_vq *vq,
		 struct iov_iter *from)
{
	struct tun_xdp_hdr *hdr;
	struct kvmx_tx_frag *f = &vq->frag;
	struct iov_iter it = *from;
	size_t len = iov_iter_count(from);
	u32 hlen = n->sock_hlen;
	u32 headroom, pad, buflen;
	void *buf;

	if (len < hlen + ETH_HLEN)
		return -ENOSPC;
	len -= hlen;
	headroom = sock_flag(vq->sock->sk, SOCK_XDP) ? XDP_PACKET_HEADROOM : 0;
	/* Room for the stack and, below the frame, its header as read. */
	pad = SKB_DATA_ALIGN(NET_SKB_PAD + NET_IP_ALIGN + headroom + hlen);
	buflen = SKB_DATA_ALIGN(pad + len) +
		 SKB_DATA_ALIGN(sizeof(struct skb_shared_info));
	if (buflen > PAGE_SIZE)
		return -ENOSPC;
	if (!kvmx_frag_refill(f, buflen))
		return -ENOMEM;

	buf = page_address(f->page) + f->offset;
	hdr = buf;
	/*
	 * One copy for header and frame, the header landing just before
	 * the frame; the socket reads it from the tun_xdp_hdr, so move it
	 * there.
	 */
	if (_copy_from_iter(buf + pad - hlen, hlen + len, &it) != hlen + len)
		return -EFAULT;
	if (hlen) {
		struct virtio_net_hdr *gso = &hdr->gso;
		u16 start, off, hdr_len;

		memcpy(gso, buf + pad - hlen, sizeof(*gso));
		/*
		 * The socket's own path widens hdr_len to cover the checksum
		 * field and refuses a frame shorter than that: let it.
		 */
		start = le16_to_cpu((__force __le16)gso->csum_start);
		off = le16_to_cpu((__force __le16)gso->csum_offset);
		hdr_len = le16_to_cpu((__force __le16)gso->hdr_len);
		if ((gso->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		    start + off + 2 > hdr_len) {
			hdr_len = start + off + 2;
			if (hdr_len > len)
				return -ENOSPC;
			gso->hdr_len = (__force __virtio16)cpu_to_le16(hdr_len);
		}
	} else {
		memset(&hdr->gso, 0, sizeof(hdr->gso));
	}
	hdr->buflen = buflen;

	xdp_init_buff(&vq->xdp[vq->nxdp], buflen, NULL);
	xdp_prepare_buff(&vq->xdp[vq->nxdp], buf, pad, len, true);
	vq->nxdp++;
	/* That buffer's page reference now belongs to the socket. */
	f->bias--;
	f->offset += buflen;
	*from = it;
	return 0;
}

/**
 * kvmx_txb_send() - hand the batched frames to the socket
 * @vq: TX queue (mutex held)
 * @sock: its backend
 *
 * The frames' descriptors were already returned: a failure drops them.
 *
 * Return: 0 or the socket's error.
 */
int kvmx_txb_send(struct kvmx_vq *vq, struct socket *sock)
{
	struct tun_msg_ctl ctl = {
		.type = TUN_MSG_PTR,
		.num = vq->nxdp,
		.ptr = vq->xdp,
	};
	struct msghdr msg = {
		.msg_control = &ctl,
		.msg_controllen = sizeof(ctl),
		.msg_flags = MSG_DONTWAIT,
	};
	u32 i;
	int err;

	if (!vq->nxdp)
		return 0;
	err = sock->ops->sendmsg(sock, &msg, 0);
	if (unlikely(err < 0)) {
		/* Nothing was consumed: the references are still ours. */
		for (i = 0; i < vq->nxdp; i++)
			put_page(virt_to_head_page(vq->xdp[i].data));
		vq->stats.dropped += vq->nxdp;
		vq->stats.packets -= vq->nxdp;
		vq->stats.copied -= vq->nxdp;
	}
	vq->nxdp = 0;
	/*
	 * Frames the stack is done with already gave their references back:
	 * if all did, the page is ours alone and can be filled again (a
	 * fresh page costs an allocation and, with init_on_alloc, zeroing).
	 */
	if (vq->frag.page && page_ref_count(vq->frag.page) == vq->frag.bias)
		vq->frag.offset = 0;
	return err < 0 ? err : 0;
}

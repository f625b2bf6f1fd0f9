// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_vhost_net: /dev/kvmx-vhost-net, virtio-net rings served in the
 * kernel behind the upstream vhost-net ABI (<linux/vhost.h>).
 *
 * This file holds the character device and the device-wide ioctls:
 * ownership, features, the memory table, dirty-log setup and the tap
 * backend.  Ring ioctls are in vq.c, the data path in tx.c and rx.c, the
 * worker in worker.c.  Documentation/vhost-net.rst describes the ABI.
 *
 * Locking: n->mutex serialises configuration and is taken before any
 * vq->mutex.  The worker takes only vq->mutex, one queue at a time.
 * Everything the data path reads (mem table, features, backend, ring
 * addresses) changes only with the relevant vq->mutex held.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/if_tap.h>
#include <linux/if_tun.h>
#include <linux/miscdevice.h>
#include <linux/nospec.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "vhost.h"

bool kvmx_zcopy_tx = true;
module_param_named(zerocopy_tx, kvmx_zcopy_tx, bool, 0644);
MODULE_PARM_DESC(zerocopy_tx,
		 "Send large TX frames by reference to guest pages (default on)");

#define KVMX_VHOST_NET_FEATURES					\
	((1ULL << VIRTIO_F_NOTIFY_ON_EMPTY) |			\
	 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |		\
	 (1ULL << VIRTIO_RING_F_EVENT_IDX) |			\
	 (1ULL << VHOST_F_LOG_ALL) |				\
	 (1ULL << VIRTIO_F_ANY_LAYOUT) |			\
	 (1ULL << VIRTIO_F_VERSION_1) |				\
	 (1ULL << VHOST_NET_F_VIRTIO_NET_HDR) |			\
	 (1ULL << VIRTIO_NET_F_MRG_RXBUF))

static atomic_t kvmx_vhost_ids = ATOMIC_INIT(0);

static int kvmx_vhost_net_open(struct inode *inode, struct file *f)
{
	struct kvmx_vhost_net *n;
	int i;

	n = kvzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return -ENOMEM;
	mutex_init(&n->mutex);
	init_waitqueue_head(&n->flush_wq);
	init_waitqueue_head(&n->zc_wq);
	atomic_set(&n->zc_inflight, 1);
	n->sock_hlen = sizeof(struct virtio_net_hdr);
	n->id = atomic_inc_return(&kvmx_vhost_ids);
	for (i = 0; i < KVMX_NR_VQS; i++)
		kvmx_vq_init(&n->vqs[i], n, i);
	f->private_data = n;
	return 0;
}

/* Detach both backends; return the old sockets for the caller to put. */
static void kvmx_net_detach_all(struct kvmx_vhost_net *n,
				struct socket **old)
{
	int i;

	for (i = 0; i < KVMX_NR_VQS; i++) {
		struct kvmx_vq *vq = &n->vqs[i];

		mutex_lock(&vq->mutex);
		kvmx_poll_stop(&vq->kick_poll);
		kvmx_poll_stop(&vq->sock_poll);
		if (i == KVMX_VQ_RX)
			kvmx_rx_set_ring(vq, NULL);
		old[i] = vq->sock;
		vq->sock = NULL;
		mutex_unlock(&vq->mutex);
	}
}

/* Stop everything the owner set up; leaves the device as after open. */
static void kvmx_net_teardown(struct kvmx_vhost_net *n)
{
	struct socket *old[KVMX_NR_VQS];
	int i;

	kvmx_net_detach_all(n, old);
	kvmx_worker_flush(n);
	if (n->vqs[KVMX_VQ_TX].zc)
		kvmx_zc_drain(n);
	kvmx_worker_stop(n);
	for (i = 0; i < KVMX_NR_VQS; i++) {
		struct kvmx_vq *vq = &n->vqs[i];

		if (old[i])
			sockfd_put(old[i]);
		mutex_lock(&vq->mutex);
		kvmx_vq_reset(vq);
		kfree(vq->zc);
		vq->zc = NULL;
		kvmx_txb_free(vq);
		vq->tx_batch = false;
		mutex_unlock(&vq->mutex);
	}
	kvfree(n->mem);
	n->mem = NULL;
	if (n->log_ctx)
		eventfd_ctx_put(n->log_ctx);
	n->log_ctx = NULL;
	n->log_base = NULL;
	n->features = 0;
	n->vhost_hlen = 0;
	n->sock_hlen = sizeof(struct virtio_net_hdr);
	kvmx_debugfs_remove(n);
	if (n->mm)
		mmput(n->mm);
	n->mm = NULL;
}

static int kvmx_vhost_net_release(struct inode *inode, struct file *f)
{
	struct kvmx_vhost_net *n = f->private_data;

	mutex_lock(&n->mutex);
	kvmx_net_teardown(n);
	mutex_unlock(&n->mutex);
	kvfree(n);
	return 0;
}

static int kvmx_net_check_owner(struct kvmx_vhost_net *n)
{
	return n->mm && n->mm == current->mm ? 0 : -EPERM;
}

static long kvmx_net_set_owner(struct kvmx_vhost_net *n)
{
	long r;

	mutex_lock(&n->mutex);
	if (n->mm) {
		r = -EBUSY;
		goto out;
	}
	n->mm = get_task_mm(current);
	if (!n->mm) {
		r = -EINVAL;
		goto out;
	}
	r = kvmx_worker_start(n);
	if (r) {
		mmput(n->mm);
		n->mm = NULL;
		goto out;
	}
	kvmx_debugfs_add(n);
out:
	mutex_unlock(&n->mutex);
	return r;
}

static long kvmx_net_reset_owner(struct kvmx_vhost_net *n)
{
	long r;

	mutex_lock(&n->mutex);
	r = kvmx_net_check_owner(n);
	if (!r)
		kvmx_net_teardown(n);
	mutex_unlock(&n->mutex);
	return r;
}

static void kvmx_lock_vqs(struct kvmx_vhost_net *n)
{
	mutex_lock(&n->vqs[KVMX_VQ_RX].mutex);
	mutex_lock_nested(&n->vqs[KVMX_VQ_TX].mutex, 1);
}

static void kvmx_unlock_vqs(struct kvmx_vhost_net *n)
{
	mutex_unlock(&n->vqs[KVMX_VQ_TX].mutex);
	mutex_unlock(&n->vqs[KVMX_VQ_RX].mutex);
}

static long kvmx_net_set_features(struct kvmx_vhost_net *n, u64 features)
{
	u32 hlen;
	long r = 0;

	if (features & ~KVMX_VHOST_NET_FEATURES)
		return -EOPNOTSUPP;
	hlen = features & ((1ULL << VIRTIO_NET_F_MRG_RXBUF) |
			   (1ULL << VIRTIO_F_VERSION_1)) ?
		sizeof(struct virtio_net_hdr_mrg_rxbuf) :
		sizeof(struct virtio_net_hdr);

	mutex_lock(&n->mutex);
	if ((features & (1ULL << VHOST_F_LOG_ALL)) &&
	    !kvmx_log_access_ok(n->log_base, n->mem, n->vqs)) {
		r = -EFAULT;
		goto out;
	}
	kvmx_lock_vqs(n);
	n->features = features;
	if (features & (1ULL << VHOST_NET_F_VIRTIO_NET_HDR)) {
		n->vhost_hlen = hlen;
		n->sock_hlen = 0;
	} else {
		n->vhost_hlen = 0;
		n->sock_hlen = hlen;
	}
	kvmx_unlock_vqs(n);
out:
	mutex_unlock(&n->mutex);
	return r;
}

static long kvmx_net_set_mem_table(struct kvmx_vhost_net *n,
				   struct vhost_memory __user *um)
{
	struct vhost_memory hdr;
	struct vhost_memory_region *ur = NULL;
	struct kvmx_vring_mem *mem, *old;
	long r;
	u32 i;

	if (copy_from_user(&hdr, um, sizeof(hdr)))
		return -EFAULT;
	if (hdr.padding)
		return -EOPNOTSUPP;
	if (hdr.nregions > KVMX_VRING_MAX_REGIONS)
		return -E2BIG;
	mem = kvzalloc(struct_size(mem, regions, hdr.nregions),
		       GFP_KERNEL_ACCOUNT);
	if (!mem)
		return -ENOMEM;
	if (hdr.nregions) {
		ur = memdup_user(um->regions, hdr.nregions * sizeof(*ur));
		if (IS_ERR(ur)) {
			r = PTR_ERR(ur);
			goto err_free_mem;
		}
	}
	mem->nregions = hdr.nregions;
	for (i = 0; i < hdr.nregions; i++) {
		mem->regions[i].gpa = ur[i].guest_phys_addr;
		mem->regions[i].size = ur[i].memory_size;
		mem->regions[i].uva = ur[i].userspace_addr;
	}
	kfree(ur);
	r = kvmx_vring_mem_check(mem->regions, mem->nregions, TASK_SIZE_MAX);
	if (r)
		goto err_free_mem;
	if (kvmx_has_feature(n, VHOST_F_LOG_ALL) &&
	    !kvmx_log_access_ok(n->log_base, mem, n->vqs)) {
		r = -EFAULT;
		goto err_free_mem;
	}
	kvmx_lock_vqs(n);
	old = n->mem;
	n->mem = mem;
	kvmx_unlock_vqs(n);
	kvfree(old);
	return 0;

err_free_mem:
	kvfree(mem);
	return r;
}

static long kvmx_net_set_log_base(struct kvmx_vhost_net *n, u64 __user *up)
{
	void __user *base;
	u64 p;

	if (copy_from_user(&p, up, sizeof(p)))
		return -EFAULT;
	if ((u64)(unsigned long)p != p)
		return -EFAULT;
	base = (void __user *)(unsigned long)p;
	if ((n->vqs[0].sock || n->vqs[1].sock) &&
	    !kvmx_log_access_ok(base, n->mem, n->vqs))
		return -EFAULT;
	kvmx_lock_vqs(n);
	n->log_base = base;
	kvmx_unlock_vqs(n);
	return 0;
}

static long kvmx_net_set_log_fd(struct kvmx_vhost_net *n, int __user *up)
{
	struct eventfd_ctx *ctx = NULL;
	int fd;

	if (get_user(fd, up))
		return -EFAULT;
	if (fd != VHOST_FILE_UNBIND) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	kvmx_lock_vqs(n);
	swap(ctx, n->log_ctx);
	kvmx_unlock_vqs(n);
	if (ctx)
		eventfd_ctx_put(ctx);
	return 0;
}

/*
 * A backend is a tun/tap fd or, as upstream allows, a raw AF_PACKET
 * socket (bound to an interface; no zero-copy, no batching).
 */
static struct socket *kvmx_net_get_socket(int fd)
{
	struct socket *sock;
	struct file *file;
	int err;

	if (fd == -1)
		return NULL;
	sock = sockfd_lookup(fd, &err);
	if (sock) {
		if (sock->sk->sk_type == SOCK_RAW &&
		    sock->sk->sk_family == AF_PACKET)
			return sock;
		sockfd_put(sock);
		return ERR_PTR(-ENOTSOCK);
	}
	file = fget(fd);
	if (!file)
		return ERR_PTR(-ENOTSOCK);	/* as upstream */
	sock = tun_get_socket(file);
	if (IS_ERR(sock))
		sock = tap_get_socket(file);
	if (IS_ERR(sock)) {
		fput(file);
		return ERR_PTR(-ENOTSOCK);
	}
	return sock;
}

static long kvmx_net_set_backend(struct kvmx_vhost_net *n,
				 struct vhost_vring_file __user *up)
{
	struct vhost_vring_file b;
	struct socket *sock, *old;
	struct kvmx_vq *vq;
	long r;

	if (copy_from_user(&b, up, sizeof(b)))
		return -EFAULT;
	mutex_lock(&n->mutex);
	r = kvmx_net_check_owner(n);
	if (r)
		goto err_unlock;
	if (b.index >= KVMX_NR_VQS) {
		r = -ENOBUFS;
		goto err_unlock;
	}
	vq = &n->vqs[array_index_nospec(b.index, KVMX_NR_VQS)];
	mutex_lock(&vq->mutex);
	if (!kvmx_vq_access_ok(vq)) {
		r = -EFAULT;
		goto err_unlock_vq;
	}
	sock = kvmx_net_get_socket(b.fd);
	if (IS_ERR(sock)) {
		r = PTR_ERR(sock);
		goto err_unlock_vq;
	}
	old = vq->sock;
	if (sock == old) {
		mutex_unlock(&vq->mutex);
		if (sock)
			sockfd_put(sock);
		mutex_unlock(&n->mutex);
		return 0;
	}
	if (sock) {
		r = kvmx_vq_init_access(vq);
		if (!r && b.index == KVMX_VQ_TX &&
		    sock->sk->sk_family != AF_PACKET &&
		    sock_flag(sock->sk, SOCK_ZEROCOPY))
			r = kvmx_zc_alloc(vq);
		if (!r && b.index == KVMX_VQ_TX &&
		    sock->sk->sk_family != AF_PACKET)
			r = kvmx_txb_alloc(vq);
		if (r)
			goto err_put_sock;
	}
	kvmx_poll_stop(&vq->sock_poll);
	if (b.index == KVMX_VQ_RX)
		kvmx_rx_set_ring(vq, sock);
	/* Raw packet sockets read msg_control as cmsgs: no batches. */
	vq->tx_batch = sock && b.index == KVMX_VQ_TX &&
		       sock->sk->sk_family != AF_PACKET;
	vq->sock = sock;
	vq->broken = false;
	mutex_unlock(&vq->mutex);

	if (sock)
		kvmx_work_queue(n, b.index == KVMX_VQ_RX ? KVMX_WORK_RX :
						       KVMX_WORK_TX);
	if (old) {
		/* The worker must be done with the old socket. */
		kvmx_worker_flush(n);
		if (!sock && b.index == KVMX_VQ_TX) {
			/* Detached: hand back frames still in flight. */
			kvmx_zc_drain(n);
			mutex_lock(&vq->mutex);
			kvmx_zc_retire(vq);
			kvmx_vq_signal(vq);
			mutex_unlock(&vq->mutex);
		}
		sockfd_put(old);
	}
	mutex_unlock(&n->mutex);
	return 0;

err_put_sock:
	sockfd_put(sock);
err_unlock_vq:
	mutex_unlock(&vq->mutex);
err_unlock:
	mutex_unlock(&n->mutex);
	return r;
}

static long kvmx_net_owner_ioctl(struct kvmx_vhost_net *n, unsigned int ioctl,
				 void __user *argp)
{
	long r;

	switch (ioctl) {
	case VHOST_SET_MEM_TABLE:
	case VHOST_SET_LOG_BASE:
	case VHOST_SET_LOG_FD:
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
		return -ENOTTY;
	}
	mutex_lock(&n->mutex);
	r = kvmx_net_check_owner(n);
	if (r)
		goto out;
	switch (ioctl) {
	case VHOST_SET_MEM_TABLE:
		r = kvmx_net_set_mem_table(n, argp);
		break;
	case VHOST_SET_LOG_BASE:
		r = kvmx_net_set_log_base(n, argp);
		break;
	case VHOST_SET_LOG_FD:
		r = kvmx_net_set_log_fd(n, argp);
		break;
	default:
		r = kvmx_vq_ioctl(n, ioctl, argp);
		break;
	}
out:
	mutex_unlock(&n->mutex);
	return r;
}

static long kvmx_vhost_net_ioctl(struct file *f, unsigned int ioctl,
				 unsigned long arg)
{
	struct kvmx_vhost_net *n = f->private_data;
	void __user *argp = (void __user *)arg;
	u64 features;

	switch (ioctl) {
	case VHOST_GET_FEATURES:
		features = KVMX_VHOST_NET_FEATURES;
		if (copy_to_user(argp, &features, sizeof(features)))
			return -EFAULT;
		return 0;
	case VHOST_SET_FEATURES:
		if (copy_from_user(&features, argp, sizeof(features)))
			return -EFAULT;
		return kvmx_net_set_features(n, features);
	case VHOST_GET_BACKEND_FEATURES:
		features = 0;
		if (copy_to_user(argp, &features, sizeof(features)))
			return -EFAULT;
		return 0;
	case VHOST_SET_BACKEND_FEATURES:
		if (copy_from_user(&features, argp, sizeof(features)))
			return -EFAULT;
		return features ? -EOPNOTSUPP : 0;
	case VHOST_SET_OWNER:
		return kvmx_net_set_owner(n);
	case VHOST_RESET_OWNER:
		return kvmx_net_reset_owner(n);
	case VHOST_NET_SET_BACKEND:
		return kvmx_net_set_backend(n, argp);
	default:
		return kvmx_net_owner_ioctl(n, ioctl, argp);
	}
}

static const struct file_operations kvmx_vhost_net_fops = {
	.owner		= THIS_MODULE,
	.open		= kvmx_vhost_net_open,
	.release	= kvmx_vhost_net_release,
	.unlocked_ioctl	= kvmx_vhost_net_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kvmx_vhost_net_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "kvmx-vhost-net",
	.fops	= &kvmx_vhost_net_fops,
	.mode	= 0660,
};

static int __init kvmx_vhost_net_init(void)
{
	int r;

	kvmx_debugfs_init();
	r = misc_register(&kvmx_vhost_net_dev);
	if (r)
		kvmx_debugfs_exit();
	return r;
}

static void __exit kvmx_vhost_net_exit(void)
{
	misc_deregister(&kvmx_vhost_net_dev);
	kvmx_debugfs_exit();
}

module_init(kvmx_vhost_net_init);
module_exit(kvmx_vhost_net_exit);
MODULE_DESCRIPTION("kvmx: in-kernel virtio-net backend (vhost-net ABI)");
MODULE_LICENSE("GPL");

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmx_vhost_net internals: one device per open of /dev/kvmx-vhost-net,
 * two virtqueues (0 = RX, 1 = TX), one worker thread, a tap backend.
 */
#ifndef KVMX_VHOST_H
#define KVMX_VHOST_H

#include <linux/eventfd.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/uio.h>
#include <linux/virtio_ring.h>
#include <linux/wait.h>
#include <net/sock.h>

#include "vring.h"

#define KVMX_VQ_RX		0
#define KVMX_VQ_TX		1
#define KVMX_NR_VQS		2

/* Work bits the worker consumes (dev->pending). */
#define KVMX_WORK_RX		0
#define KVMX_WORK_TX		1

/* Fairness: one handler run moves at most this much before yielding. */
#define KVMX_RUN_BYTES		0x80000
#define KVMX_RUN_PACKETS	256
/* Used entries batched before the used index is published. */
#define KVMX_USED_BATCH		64

/* Zero-copy TX policy. */
#define KVMX_ZC_MIN_LEN		256
#define KVMX_ZC_MAX_INFLIGHT	128
#define KVMX_ZC_SLOTS		256

#define KVMX_MAX_SEGS		UIO_MAXIOV
#define KVMX_RX_BATCH		64
/* Copied TX frames handed to a tun/tap socket per sendmsg(). */
#define KVMX_TX_BATCH		64
/*
 * Larger frames go one sendmsg() each: measured (make bench, -icount) the
 * socket's own single-frame path wins from about 1500 bytes, batching up
 * to 1024.
 */
#define KVMX_TX_BATCH_MAX_LEN	1024

struct kvmx_vhost_net;

/* A wait-queue hook that turns a file's readiness into worker work. */
struct kvmx_poll {
	wait_queue_entry_t wait;
	poll_table table;
	wait_queue_head_t *wqh;
	__poll_t mask;
	struct kvmx_vhost_net *net;
	int work;
};

struct kvmx_vq_stats {
	u64 packets;
	u64 bytes;
	u64 kicks;		/* handler runs */
	u64 calls;		/* call eventfd signals */
	u64 suppressed;		/* signals suppressed by the driver */
	u64 zc_sent;		/* frames sent by reference */
	u64 copied;		/* frames copied */
	u64 dropped;
	u64 errors;		/* ring faults */
	u64 budget_yields;
	u64 busy_polls;
};

/* Zero-copy TX: slots in submission order, completed out of order. */
enum kvmx_zc_state {
	KVMX_ZC_FREE = 0,
	KVMX_ZC_PENDING,
	KVMX_ZC_DONE,
	KVMX_ZC_FAILED,
};

struct kvmx_zc_slot {
	struct ubuf_info ubuf;
	struct kvmx_vhost_net *net;
	u16 head;
	u8 state;
	bool zerocopy;
};

/* The page TX batches copy frames into (tx_batch.c). */
struct kvmx_tx_frag {
	struct page *page;
	u32 offset;
	u32 size;
	u32 bias;		/* page references we still hold */
};

/* A used entry before it is written to the ring (CPU byte order). */
struct kvmx_used {
	u32 id;
	u32 len;
};

/* The same as it sits in the used ring. */
struct kvmx_used_le {
	__le32 id;
	__le32 len;
};

struct kvmx_vq {
	struct mutex mutex;		/* held by the worker while it runs */
	struct kvmx_vhost_net *net;
	unsigned int index;

	u32 num;
	u64 desc_uva;
	u64 avail_uva;
	u64 used_uva;
	u64 log_gpa;
	bool log_used;
	u32 busyloop_timeout;

	u16 last_avail_idx;	/* next avail entry to consume */
	u16 avail_idx;		/* avail->idx as last read */
	u16 last_used_idx;	/* used->idx as we publish it */
	u16 signalled_used;
	bool signalled_used_valid;
	bool used_unsignalled;		/* used entries since last check */
	bool broken;
	enum kvmx_vring_fault fault;

	struct file *kick;
	struct eventfd_ctx *call;
	struct eventfd_ctx *err;
	struct kvmx_poll kick_poll;

	struct socket *sock;		/* backend, NULL when detached */
	struct kvmx_poll sock_poll;

	/*
	 * RX: frames taken from the tap's queue in batches (one lock round
	 * trip per batch instead of one per frame), handed back to
	 * recvmsg() one by one.
	 */
	struct ptr_ring *rx_ring;
	void *rxq[KVMX_RX_BATCH];
	u32 rxq_head;
	u32 rxq_tail;

	/* Scratch for the handler (vq->mutex held). */
	struct iovec iov[KVMX_MAX_SEGS];
	u64 iov_gpa[KVMX_MAX_SEGS];
	struct kvmx_used *heads;	/* num entries */
	u32 nheads;			/* pending in heads[] */

	/* Batched copy TX (TX queue, tun/tap backends only). */
	bool tx_batch;			/* backend takes TUN_MSG_PTR batches */
	struct xdp_buff *xdp;		/* KVMX_TX_BATCH entries */
	u32 nxdp;			/* frames batched, not yet sent */
	struct kvmx_tx_frag frag;

	/* Zero-copy TX ring (TX queue only). */
	struct kvmx_zc_slot *zc;
	u32 zc_upend;			/* next slot to fill */
	u32 zc_done;			/* next slot to retire */
	u64 zc_sends;			/* zero-copy attempts (policy) */
	atomic64_t zc_errors;		/* completions that copied */
	atomic64_t zc_ok;		/* completions done by reference */

	struct kvmx_vq_stats stats;
};

struct kvmx_vhost_net {
	struct mutex mutex;		/* configuration; outer to vq->mutex */
	struct mm_struct *mm;		/* owner, NULL before SET_OWNER */
	struct task_struct *worker;
	unsigned long pending;
	atomic_t flush_req;
	int flush_done;
	wait_queue_head_t flush_wq;

	struct kvmx_vring_mem *mem;
	u64 features;
	u32 vhost_hlen;			/* header we add/strip */
	u32 sock_hlen;			/* header the tap handles */
	void __user *log_base;
	struct eventfd_ctx *log_ctx;

	/* Zero-copy completions still referencing guest pages. */
	atomic_t zc_inflight;		/* biased by 1 while open */
	wait_queue_head_t zc_wq;

	struct kvmx_vq vqs[KVMX_NR_VQS];
	struct dentry *debugfs;
	unsigned int id;
};

static inline bool kvmx_has_feature(struct kvmx_vhost_net *n, int bit)
{
	return n->features & (1ULL << bit);
}

/* worker.c */
int kvmx_worker_start(struct kvmx_vhost_net *n);
void kvmx_worker_stop(struct kvmx_vhost_net *n);
void kvmx_work_queue(struct kvmx_vhost_net *n, int work);
void kvmx_worker_flush(struct kvmx_vhost_net *n);
void kvmx_poll_init(struct kvmx_poll *p, struct kvmx_vhost_net *n,
		    int work, __poll_t mask);
void kvmx_poll_start(struct kvmx_poll *p, struct file *file);
void kvmx_poll_stop(struct kvmx_poll *p);

/* vq.c */
void kvmx_vq_init(struct kvmx_vq *vq, struct kvmx_vhost_net *n, int index);
void kvmx_vq_reset(struct kvmx_vq *vq);
long kvmx_vq_ioctl(struct kvmx_vhost_net *n, unsigned int ioctl,
		   void __user *argp);
bool kvmx_vq_access_ok(struct kvmx_vq *vq);
int kvmx_vq_init_access(struct kvmx_vq *vq);
int kvmx_vq_fetch(struct kvmx_vq *vq, struct kvmx_vring_chain *c,
		  struct iovec *iov, u64 *gpa, u32 max_segs);
void kvmx_vq_discard(struct kvmx_vq *vq, u16 n);
int kvmx_vq_add_used(struct kvmx_vq *vq, u16 head, u32 len);
int kvmx_vq_flush_used(struct kvmx_vq *vq);
void kvmx_vq_signal(struct kvmx_vq *vq);
void kvmx_vq_disable_notify(struct kvmx_vq *vq);
bool kvmx_vq_enable_notify(struct kvmx_vq *vq);
bool kvmx_vq_avail_empty(struct kvmx_vq *vq);
void kvmx_vq_fail(struct kvmx_vq *vq, enum kvmx_vring_fault f);

/* log.c */
bool kvmx_log_enabled(struct kvmx_vq *vq);
int kvmx_log_write(struct kvmx_vq *vq, u64 gpa, u64 len);
int kvmx_log_iov(struct kvmx_vq *vq, const struct iovec *iov,
		 const u64 *gpa, u32 nseg, u64 len);
bool kvmx_log_access_ok(void __user *base, const struct kvmx_vring_mem *mem,
			struct kvmx_vq *vqs);

/* tx.c / rx.c */
void kvmx_tx_run(struct kvmx_vhost_net *n);
void kvmx_rx_run(struct kvmx_vhost_net *n);
void kvmx_rx_set_ring(struct kvmx_vq *vq, struct socket *sock);
int kvmx_zc_alloc(struct kvmx_vq *vq);
void kvmx_zc_drain(struct kvmx_vhost_net *n);
void kvmx_zc_retire(struct kvmx_vq *vq);
extern bool kvmx_zcopy_tx;

/* tx_batch.c */
int kvmx_txb_alloc(struct kvmx_vq *vq);
void kvmx_txb_free(struct kvmx_vq *vq);
int kvmx_txb_add(struct kvmx_vhost_net *n, struct kvmx_vq *vq,
		 struct iov_iter *from);
int kvmx_txb_send(struct kvmx_vq *vq, struct socket *sock);

/* debugfs.c */
void kvmx_debugfs_init(void);
void kvmx_debugfs_exit(void);
void kvmx_debugfs_add(struct kvmx_vhost_net *n);
void kvmx_debugfs_remove(struct kvmx_vhost_net *n);

#endif /* KVMX_VHOST_H */

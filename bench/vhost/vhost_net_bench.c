// SPDX-License-Identifier: GPL-2.0
/*
 * vhost-net throughput: the same userspace virtio-net driver
 * (selftests/vhost/vnet_driver.h) against upstream /dev/vhost-net and
 * our /dev/kvmx-vhost-net, TX and RX, 64- and 1500-byte frames, TX
 * zero-copy off and on.  Prints frames/s (guest clock; run under
 * -icount for repeatable numbers) and the ratio kvmx/upstream.
 *
 * TX: the driver keeps the TX ring full; frames leave through the tap into
 * the host stack (nobody listens, they are dropped there).  RX: frames are
 * sent into the tap interface from an AF_PACKET socket with sendmmsg and
 * the driver keeps the RX ring stocked.  Both honour event-index
 * suppression as a real driver would.  RXQ: the same, but a burst is queued
 * in the tap first and only the device's draining of it is timed.  Not a
 * test: no pass/fail.
 *
 * usage: vhost_net_bench [frames [rows]]
 *   frames: per measurement (default 20000)
 *   rows:   run only rows whose name (tx64off, rxq1500off...) occurs in
 *           this string (default: all)
 * env: VHOST_BENCH_SIZE0/VHOST_BENCH_SIZE1 replace the frame sizes 64 and
 *      1500; VHOST_BENCH_STATS=1 prints the driver's context switches and
 *      our debugfs counters after each run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "kvmx_test.h"
#include "../../selftests/vhost/vnet_driver.h"

#define F(bit) (1ULL << (bit))
#define RING	256
#define FEATURES (F(VIRTIO_F_VERSION_1) | F(VIRTIO_RING_F_EVENT_IDX))

static uint16_t *used_event(struct vnet_ring *r)
{
	return &r->avail->ring[r->num];
}

static uint16_t avail_event(struct vnet_ring *r)
{
	return __atomic_load_n((uint16_t *)&r->used->ring[r->num],
			       __ATOMIC_ACQUIRE);
}

/* Publish and kick only if the device asked for it (event index). */
static void publish_kick(struct vnet_ring *r, uint16_t old)
{
	uint16_t ev;

	vnet_publish(r);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ev = avail_event(r);
	if ((uint16_t)(r->avail_idx - ev - 1) < (uint16_t)(r->avail_idx - old))
		vnet_kick(r);
}

/* Sleep until used->idx moves past @have (or a short timeout). */
static void wait_used(struct vnet_ring *r, uint16_t have)
{
	*used_event(r) = have;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vnet_used_idx(r) != have)
		return;
	vnet_eventfd_wait(r->call, 200);
}

static double run_tx(struct vnet *v, unsigned int frames, size_t len)
{
	uint8_t frame[VNET_MAX_FRAME];
	struct vnet_ring *r = &v->tx;
	unsigned int done = 0, i;
	uint64_t t0;

	/* Pre-fill every buffer once; then only descriptors move. */
	vnet_make_frame(frame, len, 0);
	for (i = 0; i < r->num; i++) {
		vnet_tx_add(v, frame, len);
	}
	r->avail_idx = 0;
	t0 = vnet_now_ns();
	while (done < frames) {
		uint16_t used = vnet_used_idx(r);
		uint16_t old = r->avail_idx;
		unsigned int inflight = (uint16_t)(r->avail_idx - used);

		done += (uint16_t)(used - r->last_used);
		r->last_used = used;
		if (inflight < r->num) {
			for (i = inflight; i < r->num; i++) {
				unsigned int s = r->avail_idx & (r->num - 1);

				r->desc[s].addr = (uintptr_t)(r->bufs +
					(size_t)s * r->buf_size);
				r->desc[s].len = v->hdr_len + len;
				r->desc[s].flags = 0;
				r->avail->ring[s] = s;
				r->avail_idx++;
			}
			publish_kick(r, old);
		}
		wait_used(r, vnet_used_idx(r));
	}
	return done * 1e9 / (vnet_now_ns() - t0);
}

static double run_rx(struct vnet *v, unsigned int frames, size_t len)
{
	enum { BATCH = 64 };
	uint8_t frame[VNET_MAX_FRAME];
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { frame, len };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(VNET_ETHERTYPE),
		.sll_ifindex = v->ifindex,
		.sll_halen = 6,
	};
	struct vnet_ring *r = &v->rx;
	unsigned int got = 0, sent = 0, i;
	uint64_t t0, deadline;
	uint16_t old;

	vnet_make_frame(frame, len, 0);
	memcpy(sll.sll_addr, frame, 6);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	old = r->avail_idx;
	for (i = 0; i < r->num; i++)
		vnet_rx_add(v, r->buf_size);
	publish_kick(r, old);
	t0 = vnet_now_ns();
	deadline = t0 + 60ULL * 1000000000ULL;
	while (got < frames && vnet_now_ns() < deadline) {
		uint16_t used = vnet_used_idx(r);
		unsigned int n = (uint16_t)(used - r->last_used);

		/* Keep about one ring's worth in flight towards the tap. */
		if (sent - got < r->num) {
			int s = sendmmsg(v->pkt, msgs, BATCH, 0);

			if (s > 0)
				sent += s;
		}
		if (n) {
			old = r->avail_idx;
			for (i = 0; i < n; i++)
				vnet_rx_add(v, r->buf_size);
			r->last_used = used;
			got += n;
			publish_kick(r, old);
		} else {
			wait_used(r, used);
		}
	}
	return got * 1e9 / (vnet_now_ns() - t0);
}

/*
 * RX drain: queue a burst in the tap while the guest has no buffers
 * (untimed), then time only how fast the device moves it into buffers
 * that the driver keeps posting.  This isolates the device from the
 * cost of the sender.
 */
static double run_rx_drain(struct vnet *v, unsigned int frames, size_t len)
{
	enum { BATCH = 64, BURST = 768 };
	uint8_t frame[VNET_MAX_FRAME];
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { frame, len };
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(VNET_ETHERTYPE),
		.sll_ifindex = v->ifindex,
		.sll_halen = 6,
	};
	struct vnet_ring *r = &v->rx;
	unsigned int got = 0, i;
	uint64_t busy = 0, deadline = vnet_now_ns() + 60ULL * 1000000000ULL;

	vnet_make_frame(frame, len, 0);
	memcpy(sll.sll_addr, frame, 6);
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	while (got < frames && vnet_now_ns() < deadline) {
		unsigned int queued = 0, round = 0;
		uint16_t old;
		uint64_t t0;

		while (queued < BURST) {
			int s = sendmmsg(v->pkt, msgs, BATCH, 0);

			if (s <= 0)
				break;
			queued += s;
		}
		t0 = vnet_now_ns();
		old = r->avail_idx;
		for (i = 0; i < r->num; i++)
			vnet_rx_add(v, r->buf_size);
		publish_kick(r, old);
		while (round < queued && vnet_now_ns() < deadline) {
			uint16_t used = vnet_used_idx(r);
			unsigned int n = (uint16_t)(used - r->last_used);

			if (!n) {
				wait_used(r, used);
				continue;
			}
			r->last_used = used;
			round += n;
			/* Repost only while more of the burst is due. */
			if (round + r->num - n < queued) {
				old = r->avail_idx;
				for (i = 0; i < n; i++)
					vnet_rx_add(v, r->buf_size);
				publish_kick(r, old);
			}
		}
		busy += vnet_now_ns() - t0;
		got += round;
		/* Take back buffers still posted: the next burst starts dry. */
		while ((uint16_t)(r->avail_idx - vnet_used_idx(r))) {
			vnet_make_frame(frame, len, 0);
			if (sendmmsg(v->pkt, msgs, 1, 0) != 1)
				break;
			wait_used(r, vnet_used_idx(r));
			r->last_used = vnet_used_idx(r);
		}
	}
	return busy ? got * 1e9 / busy : 0;
}

static int load(const char *module, const char *params)
{
	if (!strcmp(module, "vhost_net")) {
		kvmx_rmmod("vhost_net");
		return kvmx_modprobe("vhost_net", params);
	}
	kvmx_write_file("/sys/module/kvmx_vhost_net/parameters/zerocopy_tx",
			params && strstr(params, "=1") ? "1" : "0");
	return 0;
}

enum mode { TX, RX, RX_DRAIN };

static double measure(const char *path, const char *module, bool zc,
		      enum mode mode, size_t len, unsigned int frames)
{
	struct rusage ru0, ru1;
	struct vnet v;
	double r;

	if (load(module, zc ? (strcmp(module, "vhost_net") ?
			       "zerocopy_tx=1" : "experimental_zcopytx=1") :
		 (strcmp(module, "vhost_net") ? "zerocopy_tx=0" :
		  "experimental_zcopytx=0")))
		return -1;
	setenv("KVMX_VHOST_DEV", path, 1);
	if (vnet_open(&v, FEATURES, RING, VNET_BUF_SIZE, true)) {
		fprintf(stderr, "%s: open: %s\n", path, strerror(errno));
		vnet_close(&v);
		return -1;
	}
	getrusage(RUSAGE_SELF, &ru0);
	r = mode == TX ? run_tx(&v, frames, len) :
	    mode == RX ? run_rx(&v, frames, len) :
			 run_rx_drain(&v, frames, len);
	getrusage(RUSAGE_SELF, &ru1);
	if (getenv("VHOST_BENCH_STATS")) {
		printf("# %s: driver switches voluntary %ld involuntary %ld\n",
		       module, ru1.ru_nvcsw - ru0.ru_nvcsw,
		       ru1.ru_nivcsw - ru0.ru_nivcsw);
		if (strcmp(module, "vhost_net")) {
			fflush(stdout);
			if (system("for f in /sys/kernel/debug/kvmx_vhost_net/*/*; "
				   "do echo \"# $f\"; grep -v ' 0$' $f | "
				   "sed 's/^/#   /'; done"))
				printf("# (no debugfs counters)\n");
		}
	}
	vnet_close(&v);
	return r;
}

int main(int argc, char **argv)
{
	static size_t sizes[] = { 64, 1500 };
	unsigned int frames = argc > 1 ? atoi(argv[1]) : 20000;
	const char *rows = argc > 2 && strcmp(argv[2], "all") ? argv[2] : NULL;
	unsigned int s;
	static const char * const names[] = { "tx", "rx", "rxq" };
	int dir, zc;

	for (s = 0; s < 2; s++) {
		const char *e = getenv(s ? "VHOST_BENCH_SIZE1" :
				       "VHOST_BENCH_SIZE0");
		int v = e ? atoi(e) : 0;

		if (v >= 64 && v <= VNET_MAX_FRAME)
			sizes[s] = v;
	}
	if (kvmx_modprobe("kvmx_vhost_net", NULL) ||
	    kvmx_modprobe("vhost_net", NULL)) {
		fprintf(stderr, "cannot load vhost modules\n");
		return 1;
	}
	printf("# vhost-net: frames/s (guest clock), %u frames per run, ring %u\n",
	       frames, RING);
	printf("%-4s %5s %4s %12s %12s %7s\n", "dir", "size", "zc",
	       "upstream", "kvmx", "ratio");
	for (dir = TX; dir <= RX_DRAIN; dir++) {
		for (s = 0; s < 2; s++) {
			for (zc = 0; zc < 2; zc++) {
				double up, ours;
				char row[32];

				if (dir != TX && zc)
					continue;	/* zero-copy is TX only */
				snprintf(row, sizeof(row), "%s%zu%s", names[dir],
					 sizes[s], zc ? "on" : "off");
				if (rows && !strstr(rows, row))
					continue;
				up = measure("/dev/vhost-net", "vhost_net",
					     zc, dir, sizes[s], frames);
				ours = measure("/dev/kvmx-vhost-net",
					       "kvmx_vhost_net", zc, dir,
					       sizes[s], frames);
				printf("%-4s %5zu %4s %12.0f %12.0f %7.2f\n",
				       names[dir], sizes[s],
				       zc ? "on" : "off", up, ours,
				       up > 0 ? ours / up : 0.0);
				fflush(stdout);
			}
		}
	}
	kvmx_write_file("/sys/module/kvmx_vhost_net/parameters/zerocopy_tx",
			"1");
	kvmx_rmmod("kvmx_vhost_net");
	return 0;
}

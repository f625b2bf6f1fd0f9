/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny virtio-net "driver" living in a test process: the rings and
 * buffers sit in one anonymous mapping which is also the guest memory
 * (identity mem table: guest-physical == our virtual address), a tap
 * (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR) is the backend, and an AF_PACKET
 * socket on the tap interface sees what TX produced and injects what RX
 * should receive.  Works against /dev/kvmx-vhost-net and /dev/vhost-net.
 *
 * Shared by the vhost selftests and benchmarks (static functions).
 */
#ifndef KVMX_VNET_DRIVER_H
#define KVMX_VNET_DRIVER_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>
#include <net/if.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define VNET_ETHERTYPE	0x88b5		/* local experimental */
#define VNET_MEM_SIZE	(32UL << 20)
#define VNET_BUF_SIZE	2048
#define VNET_MAX_FRAME	1514

struct vnet_ring {
	unsigned int num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint16_t avail_idx;		/* our shadow of avail->idx */
	uint16_t last_used;		/* next used entry to read */
	uint8_t *bufs;			/* num buffers of buf_size */
	unsigned int buf_size;
	int kick, call, err;
};

struct vnet {
	const char *path;
	int dev;
	int tap;
	int pkt;
	int ifindex;
	char ifname[IFNAMSIZ];
	uint8_t *mem;
	uint64_t features;
	unsigned int hdr_len;
	struct vnet_ring rx, tx;
};

static inline const char *vnet_dev_path(void)
{
	const char *p = getenv("KVMX_VHOST_DEV");

	return p && *p ? p : "/dev/kvmx-vhost-net";
}

static inline bool vnet_is_upstream(const char *path)
{
	return !strcmp(path, "/dev/vhost-net");
}

static inline uint64_t vnet_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Carve the rings and buffers out of v->mem. */
static inline void vnet_layout(struct vnet *v, unsigned int num,
			       unsigned int rx_buf, unsigned int tx_buf)
{
	uint8_t *p = v->mem;
	struct vnet_ring *rings[2] = { &v->rx, &v->tx };
	int i;

	for (i = 0; i < 2; i++) {
		struct vnet_ring *r = rings[i];

		r->num = num;
		r->desc = (void *)p;
		p += 16 * num;
		r->avail = (void *)p;
		p += 6 + 2 * num;
		p = (uint8_t *)(((uintptr_t)p + 4095) & ~4095UL);
		r->used = (void *)p;
		p += 6 + 8 * num;
		p = (uint8_t *)(((uintptr_t)p + 4095) & ~4095UL);
	}
	v->rx.buf_size = rx_buf;
	v->tx.buf_size = tx_buf;
	v->rx.bufs = p;
	p += (size_t)num * rx_buf;
	v->tx.bufs = p;
}

static inline int vnet_set_mem(struct vnet *v)
{
	struct {
		struct vhost_memory m;
		struct vhost_memory_region r[1];
	} mt = { .m.nregions = 1 };

	mt.r[0].guest_phys_addr = (uintptr_t)v->mem;
	mt.r[0].memory_size = VNET_MEM_SIZE;
	mt.r[0].userspace_addr = (uintptr_t)v->mem;
	return ioctl(v->dev, VHOST_SET_MEM_TABLE, &mt);
}

static inline int vnet_setup_ring(struct vnet *v, int idx, struct vnet_ring *r)
{
	struct vhost_vring_state s = { .index = idx };
	struct vhost_vring_addr a = { .index = idx };
	struct vhost_vring_file f = { .index = idx };

	r->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->call = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	r->err = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->kick < 0 || r->call < 0 || r->err < 0)
		return -1;
	s.num = r->num;
	if (ioctl(v->dev, VHOST_SET_VRING_NUM, &s))
		return -1;
	s.num = 0;
	if (ioctl(v->dev, VHOST_SET_VRING_BASE, &s))
		return -1;
	a.desc_user_addr = (uintptr_t)r->desc;
	a.avail_user_addr = (uintptr_t)r->avail;
	a.used_user_addr = (uintptr_t)r->used;
	if (ioctl(v->dev, VHOST_SET_VRING_ADDR, &a))
		return -1;
	f.fd = r->kick;
	if (ioctl(v->dev, VHOST_SET_VRING_KICK, &f))
		return -1;
	f.fd = r->call;
	if (ioctl(v->dev, VHOST_SET_VRING_CALL, &f))
		return -1;
	f.fd = r->err;
	if (ioctl(v->dev, VHOST_SET_VRING_ERR, &f))
		return -1;
	return 0;
}

static inline int vnet_if_flags(const char *name, int set)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int r;

	if (s < 0)
		return -1;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	r = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (!r) {
		ifr.ifr_flags |= set;
		r = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return r;
}

static inline bool vnet_device_hdr(const struct vnet *v)
{
	return v->features & (1ULL << VHOST_NET_F_VIRTIO_NET_HDR);
}

static inline int vnet_tap_open(struct vnet *v)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_ll sll = { 0 };
	char path[128];
	int hdr = v->hdr_len;
	int fd, rcvbuf;

	v->tap = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (v->tap < 0)
		return -1;
	/*
	 * The tap handles the virtio-net header unless the device does
	 * (VHOST_NET_F_VIRTIO_NET_HDR), in which case it sees bare frames.
	 */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (!vnet_device_hdr(v))
		ifr.ifr_flags |= IFF_VNET_HDR;
	strcpy(ifr.ifr_name, "kvmxvh%d");
	if (ioctl(v->tap, TUNSETIFF, &ifr))
		return -1;
	memcpy(v->ifname, ifr.ifr_name, IFNAMSIZ);
	if (!vnet_device_hdr(v) && ioctl(v->tap, TUNSETVNETHDRSZ, &hdr))
		return -1;
	/* No IPv6 chatter (router solicitations, MLD) in our frames. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 v->ifname);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			perror("disable_ipv6");
		close(fd);
	}
	if (vnet_if_flags(v->ifname, IFF_UP | IFF_NOARP))
		return -1;
	v->ifindex = if_nametoindex(v->ifname);
	v->pkt = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC,
			htons(VNET_ETHERTYPE));
	if (v->pkt < 0)
		return -1;
	/* Room for long bursts of small frames (root may exceed rmem_max). */
	rcvbuf = 8 << 20;
	setsockopt(v->pkt, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(VNET_ETHERTYPE);
	sll.sll_ifindex = v->ifindex;
	return bind(v->pkt, (struct sockaddr *)&sll, sizeof(sll));
}

static inline int vnet_set_backend(struct vnet *v, int idx, int fd)
{
	struct vhost_vring_file f = { .index = idx, .fd = fd };

	return ioctl(v->dev, VHOST_NET_SET_BACKEND, &f);
}

/*
 * Open the device and set everything up short of attaching the backend
 * (attach = true does that too).  Returns 0 or -1 with errno set.
 */
static inline int vnet_open(struct vnet *v, uint64_t features, unsigned int num,
			    unsigned int rx_buf, bool attach)
{
	uint64_t have;

	memset(v, 0, sizeof(*v));
	v->tap = v->pkt = -1;
	v->path = vnet_dev_path();
	v->mem = mmap(NULL, VNET_MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (v->mem == MAP_FAILED)
		return -1;
	vnet_layout(v, num, rx_buf, VNET_BUF_SIZE);
	v->dev = open(v->path, O_RDWR | O_CLOEXEC);
	if (v->dev < 0)
		return -1;
	if (ioctl(v->dev, VHOST_SET_OWNER))
		return -1;
	if (ioctl(v->dev, VHOST_GET_FEATURES, &have))
		return -1;
	if ((features & have) != features) {
		errno = EOPNOTSUPP;
		return -1;
	}
	v->features = features;
	if (ioctl(v->dev, VHOST_SET_FEATURES, &features))
		return -1;
	v->hdr_len = features & ((1ULL << VIRTIO_NET_F_MRG_RXBUF) |
				 (1ULL << VIRTIO_F_VERSION_1)) ?
		sizeof(struct virtio_net_hdr_mrg_rxbuf) :
		sizeof(struct virtio_net_hdr);
	if (vnet_set_mem(v))
		return -1;
	if (vnet_setup_ring(v, 0, &v->rx) || vnet_setup_ring(v, 1, &v->tx))
		return -1;
	if (vnet_tap_open(v))
		return -1;
	if (attach && (vnet_set_backend(v, 0, v->tap) ||
		       vnet_set_backend(v, 1, v->tap)))
		return -1;
	return 0;
}

static inline void vnet_close(struct vnet *v)
{
	struct vnet_ring *rings[2] = { &v->rx, &v->tx };
	int i;

	if (v->dev >= 0)
		close(v->dev);
	v->dev = -1;
	for (i = 0; i < 2; i++) {
		if (rings[i]->kick > 0)
			close(rings[i]->kick);
		if (rings[i]->call > 0)
			close(rings[i]->call);
		if (rings[i]->err > 0)
			close(rings[i]->err);
		rings[i]->kick = rings[i]->call = rings[i]->err = -1;
	}
	if (v->pkt >= 0)
		close(v->pkt);
	if (v->tap >= 0)
		close(v->tap);
	v->pkt = v->tap = -1;
	if (v->mem && v->mem != MAP_FAILED)
		munmap(v->mem, VNET_MEM_SIZE);
	v->mem = NULL;
}

/* A test frame: broadcast-free MACs, our ethertype, seq, pattern. */
static inline size_t vnet_make_frame(uint8_t *f, size_t len, uint32_t seq)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	size_t i;

	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = VNET_ETHERTYPE >> 8;
	f[13] = VNET_ETHERTYPE & 0xff;
	memcpy(f + 14, &seq, 4);
	for (i = 18; i < len; i++)
		f[i] = (uint8_t)(seq * 7 + i);
	return len;
}

static inline bool vnet_check_frame(const uint8_t *f, size_t len,
				    size_t want_len, uint32_t seq)
{
	uint8_t ref[VNET_MAX_FRAME + 64];

	if (len != want_len || want_len > sizeof(ref))
		return false;
	vnet_make_frame(ref, want_len, seq);
	return !memcmp(f, ref, len);
}

static inline void vnet_kick(struct vnet_ring *r)
{
	uint64_t one = 1;

	if (write(r->kick, &one, sizeof(one)) != sizeof(one))
		perror("kick");
}

static inline void vnet_publish(struct vnet_ring *r)
{
	__atomic_store_n(&r->avail->idx, r->avail_idx, __ATOMIC_RELEASE);
}

/* Queue one TX frame (header + frame in one descriptor); no kick. */
static inline void vnet_tx_add(struct vnet *v, const uint8_t *frame,
			       size_t len)
{
	struct vnet_ring *r = &v->tx;
	unsigned int slot = r->avail_idx & (r->num - 1);
	uint8_t *buf = r->bufs + (size_t)slot * r->buf_size;

	memset(buf, 0, v->hdr_len);
	memcpy(buf + v->hdr_len, frame, len);
	r->desc[slot].addr = (uintptr_t)buf;
	r->desc[slot].len = v->hdr_len + len;
	r->desc[slot].flags = 0;
	r->desc[slot].next = 0;
	r->avail->ring[slot] = slot;
	r->avail_idx++;
}

/* Post one writable RX buffer of @len bytes at slot's buffer. */
static inline void vnet_rx_add(struct vnet *v, unsigned int len)
{
	struct vnet_ring *r = &v->rx;
	unsigned int slot = r->avail_idx & (r->num - 1);

	r->desc[slot].addr = (uintptr_t)(r->bufs + (size_t)slot * r->buf_size);
	r->desc[slot].len = len;
	r->desc[slot].flags = VRING_DESC_F_WRITE;
	r->desc[slot].next = 0;
	r->avail->ring[slot] = slot;
	r->avail_idx++;
}

static inline uint16_t vnet_used_idx(struct vnet_ring *r)
{
	return __atomic_load_n(&r->used->idx, __ATOMIC_ACQUIRE);
}

/* Wait until used->idx reaches @target; true on success. */
static inline bool vnet_wait_used(struct vnet_ring *r, uint16_t target,
				  int timeout_ms)
{
	uint64_t end = vnet_now_ns() + timeout_ms * 1000000ULL;

	while ((int16_t)(vnet_used_idx(r) - target) < 0) {
		if (vnet_now_ns() > end)
			return false;
		usleep(50);
	}
	return true;
}

/* Wait for an eventfd to become readable and drain it; count or 0. */
static inline uint64_t vnet_eventfd_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, timeout_ms) != 1)
		return 0;
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static inline ssize_t vnet_pkt_recv(struct vnet *v, uint8_t *buf, size_t len,
				    int timeout_ms)
{
	struct pollfd p = { .fd = v->pkt, .events = POLLIN };

	if (poll(&p, 1, timeout_ms) != 1)
		return -1;
	return recv(v->pkt, buf, len, MSG_DONTWAIT);
}

static inline ssize_t vnet_pkt_send(struct vnet *v, const uint8_t *f,
				    size_t len)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(VNET_ETHERTYPE),
		.sll_ifindex = v->ifindex,
		.sll_halen = 6,
	};

	memcpy(sll.sll_addr, f, 6);
	return sendto(v->pkt, f, len, 0, (struct sockaddr *)&sll, sizeof(sll));
}

#endif /* KVMX_VNET_DRIVER_H */

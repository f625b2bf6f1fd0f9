// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net on legacy virtio-pci (device 1af4:1000, I/O BAR 0), with a
 * tap backend served either here in userspace or by a vhost-net device
 * (ours, /dev/kvmx-vhost-net, or upstream's /dev/vhost-net).
 *
 * Legacy virtio-pci is chosen because Debian's kernel has no
 * virtio-mmio command-line discovery and legacy needs no MSI-X: the
 * device interrupts on INTx, IRQ 10 on the PIC, level triggered.
 *
 * With vhost the guest's queue notify port is a KVM_IOEVENTFD wired to the
 * vring kick eventfd, so TX kicks never leave the kernel.  The call eventfd
 * would normally be a KVM_IRQFD, but that needs an in-kernel interrupt
 * controller; instead the event thread waits on it and raises IRQ 10 here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "kvmx.h"

#define NET_IRQ		10
#define NET_BAR_BASE	0xc000
#define NET_BAR_SIZE	0x40
#define NET_QUEUE_SIZE	256
#define NET_NR_QUEUES	2	/* 0 receive, 1 transmit */
#define NET_MAX_IOV	64
#define NET_HDR_LEN	((int)sizeof(struct virtio_net_hdr))

static struct {
	struct pci_dev pci;
	uint16_t bar;
	uint32_t host_features, guest_features;
	uint16_t queue_sel;
	uint32_t pfn[NET_NR_QUEUES];
	uint8_t status, isr;
	uint8_t mac[6];
	struct virtq vq[NET_NR_QUEUES];
	int tap_fd;
	char ifname[16];
	int vhost_fd;
	uint64_t vhost_features;
	int kick_fd[NET_NR_QUEUES], call_fd[NET_NR_QUEUES];
	bool vhost_running;
	bool rx_blocked;
} net;

static void net_raise(void)
{
	net.isr |= 1;
	pic__set_irq(NET_IRQ, 1);
}

/* Userspace backend: guest TX ring -> tap. */
static void net_tx(void)
{
	struct virtq *vq = &net.vq[1];
	struct iovec iov[NET_MAX_IOV];
	bool wr, done = false;
	int r;

	while ((r = virtq__pop(vq, iov, NET_MAX_IOV, &wr)) >= 0) {
		int n = r >> 16;

		if (n && !wr && writev(net.tap_fd, iov, n) < 0)
			pr_dbg("tap write: %s", strerror(errno));
		virtq__push(vq, r & 0xffff, 0);
		done = true;
	}
	if (done && virtq__want_irq(vq))
		net_raise();
}

/* Userspace backend: tap -> guest RX ring.  Called with kvm.lock held. */
static void net_rx(void)
{
	struct virtq *vq = &net.vq[0];
	struct iovec iov[NET_MAX_IOV];
	bool wr, done = false;

	while (!(net.status & VIRTIO_CONFIG_S_DRIVER_OK) ? false : true) {
		ssize_t len;
		int r;

		if (virtq__empty(vq)) {
			/* No buffers: stop reading until the guest kicks. */
			event__set_enabled(net.tap_fd, false);
			net.rx_blocked = true;
			break;
		}
		r = virtq__pop(vq, iov, NET_MAX_IOV, &wr);
		if (!(r >> 16) || !wr) {
			virtq__push(vq, r & 0xffff, 0);
			continue;
		}
		len = readv(net.tap_fd, iov, r >> 16);
		if (len < 0) {
			/* Nothing to read: give the buffer back unused. */
			vq->last_avail--;
			break;
		}
		virtq__push(vq, r & 0xffff, len);
		done = true;
	}
	if (done && virtq__want_irq(vq))
		net_raise();
}

static void tap_ready(int fd, void *opaque)
{
	pthread_mutex_lock(&kvm.lock);
	if (net.status & VIRTIO_CONFIG_S_DRIVER_OK)
		net_rx();
	else
		event__set_enabled(net.tap_fd, false);
	pthread_mutex_unlock(&kvm.lock);
}

static void call_ready(int fd, void *opaque)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	pthread_mutex_lock(&kvm.lock);
	net_raise();
	pthread_mutex_unlock(&kvm.lock);
}

static void vhost_ioctl(unsigned long req, void *arg, const char *what)
{
	if (ioctl(net.vhost_fd, req, arg) < 0)
		die("vhost %s: %s", what, strerror(errno));
}

static void ioeventfd(int q, uint16_t port, bool assign)
{
	struct kvm_ioeventfd ev = {
		.datamatch = q,
		.addr = port,
		.len = 2,
		.fd = net.kick_fd[q],
		.flags = KVM_IOEVENTFD_FLAG_PIO |
			 KVM_IOEVENTFD_FLAG_DATAMATCH |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	if (ioctl(kvm.vm_fd, KVM_IOEVENTFD, &ev) < 0 && assign)
		die("KVM_IOEVENTFD (vhost kick): %s", strerror(errno));
}

static void vhost_start(void)
{
	struct vhost_vring_state state;
	struct vhost_vring_addr addr;
	struct vhost_vring_file file;
	uint64_t features = net.guest_features & net.vhost_features;
	int q;

	vhost_ioctl(VHOST_SET_FEATURES, &features, "SET_FEATURES");
	for (q = 0; q < NET_NR_QUEUES; q++) {
		struct virtq *vq = &net.vq[q];

		if (!vq->num)
			die("vhost: guest started without queue %d", q);
		state = (struct vhost_vring_state){ q, vq->num };
		vhost_ioctl(VHOST_SET_VRING_NUM, &state, "SET_VRING_NUM");
		state = (struct vhost_vring_state){ q, 0 };
		vhost_ioctl(VHOST_SET_VRING_BASE, &state, "SET_VRING_BASE");
		addr = (struct vhost_vring_addr){
			.index = q,
			.desc_user_addr = (uintptr_t)vq->desc,
			.avail_user_addr = (uintptr_t)vq->avail,
			.used_user_addr = (uintptr_t)vq->used,
		};
		vhost_ioctl(VHOST_SET_VRING_ADDR, &addr, "SET_VRING_ADDR");
		file = (struct vhost_vring_file){ q, net.kick_fd[q] };
		vhost_ioctl(VHOST_SET_VRING_KICK, &file, "SET_VRING_KICK");
		file = (struct vhost_vring_file){ q, net.call_fd[q] };
		vhost_ioctl(VHOST_SET_VRING_CALL, &file, "SET_VRING_CALL");
		file = (struct vhost_vring_file){ q, net.tap_fd };
		vhost_ioctl(VHOST_NET_SET_BACKEND, &file, "NET_SET_BACKEND");
	}
	net.vhost_running = true;
}

static void vhost_stop(void)
{
	struct vhost_vring_file file;
	int q;

	for (q = 0; q < NET_NR_QUEUES; q++) {
		file = (struct vhost_vring_file){ q, -1 };
		ioctl(net.vhost_fd, VHOST_NET_SET_BACKEND, &file);
	}
	net.vhost_running = false;
}

static void net_reset(void)
{
	int q;

	if (net.vhost_running)
		vhost_stop();
	for (q = 0; q < NET_NR_QUEUES; q++) {
		virtq__setup(&net.vq[q], 0, 0);
		net.pfn[q] = 0;
	}
	net.guest_features = 0;
	net.isr = 0;
	net.queue_sel = 0;
	pic__set_irq(NET_IRQ, 0);
}

static void net_set_status(uint8_t v)
{
	bool was_ok = net.status & VIRTIO_CONFIG_S_DRIVER_OK;

	net.status = v;
	if (!v) {
		net_reset();
		return;
	}
	if (!was_ok && (v & VIRTIO_CONFIG_S_DRIVER_OK)) {
		if (net.vhost_fd >= 0)
			vhost_start();
		else
			event__set_enabled(net.tap_fd, true);
	}
}

static void net_notify(uint16_t q)
{
	if (q == 1) {
		net_tx();
	} else if (q == 0 && net.rx_blocked) {
		net.rx_blocked = false;
		event__set_enabled(net.tap_fd, true);
	}
}

static uint32_t net_read(int off, int size)
{
	uint32_t v = 0;

	if (off >= VIRTIO_PCI_CONFIG_OFF(false)) {
		uint8_t cfg[8];
		int c = off - VIRTIO_PCI_CONFIG_OFF(false);

		memcpy(cfg, net.mac, 6);
		cfg[6] = VIRTIO_NET_S_LINK_UP;
		cfg[7] = 0;
		if (c + size <= (int)sizeof(cfg))
			memcpy(&v, cfg + c, size);
		return v;
	}
	switch (off) {
	case VIRTIO_PCI_HOST_FEATURES:
		return net.host_features;
	case VIRTIO_PCI_GUEST_FEATURES:
		return net.guest_features;
	case VIRTIO_PCI_QUEUE_PFN:
		return net.queue_sel < NET_NR_QUEUES ?
		       net.pfn[net.queue_sel] : 0;
	case VIRTIO_PCI_QUEUE_NUM:
		return net.queue_sel < NET_NR_QUEUES ? NET_QUEUE_SIZE : 0;
	case VIRTIO_PCI_QUEUE_SEL:
		return net.queue_sel;
	case VIRTIO_PCI_STATUS:
		return net.status;
	case VIRTIO_PCI_ISR:
		v = net.isr;
		net.isr = 0;
		pic__set_irq(NET_IRQ, 0);
		return v;
	}
	return 0;
}

static void net_write(int off, uint32_t v)
{
	switch (off) {
	case VIRTIO_PCI_GUEST_FEATURES:
		net.guest_features = v & net.host_features;
		break;
	case VIRTIO_PCI_QUEUE_PFN:
		if (net.queue_sel >= NET_NR_QUEUES)
			break;
		if (virtq__setup(&net.vq[net.queue_sel], NET_QUEUE_SIZE, v))
			pr_dbg("virtio-net: queue %u outside RAM",
			       net.queue_sel);
		else
			net.pfn[net.queue_sel] = v;
		break;
	case VIRTIO_PCI_QUEUE_SEL:
		net.queue_sel = v;
		break;
	case VIRTIO_PCI_QUEUE_NOTIFY:
		net_notify(v);
		break;
	case VIRTIO_PCI_STATUS:
		net_set_status(v);
		break;
	}
}

static void net_io(uint16_t port, uint8_t *data, int size, bool is_write,
		   void *opaque)
{
	int off = port - net.bar;
	uint32_t v = 0;

	if (is_write) {
		memcpy(&v, data, size);
		net_write(off, v);
	} else {
		v = net_read(off, size);
		memcpy(data, &v, size);
	}
}

static void net_bar_moved(struct pci_dev *d, int bar, uint32_t old,
			  uint32_t new)
{
	int q;

	ioport__unregister(net.bar);
	if (net.vhost_fd >= 0)
		for (q = 0; q < NET_NR_QUEUES; q++)
			ioeventfd(q, net.bar + VIRTIO_PCI_QUEUE_NOTIFY, false);
	net.bar = new & 0xfffc;
	ioport__register(net.bar, NET_BAR_SIZE, net_io, NULL);
	if (net.vhost_fd >= 0)
		for (q = 0; q < NET_NR_QUEUES; q++)
			ioeventfd(q, net.bar + VIRTIO_PCI_QUEUE_NOTIFY, true);
}

static void set16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void parse_mac(const char *s)
{
	unsigned int m[6];
	int i;

	if (!*s) {
		unsigned int pid = getpid();

		/* Locally administered, distinct per launcher process. */
		memcpy(net.mac, (uint8_t[]){ 0x52, 0x54, 0x00, 0, 0, 0 }, 6);
		net.mac[3] = pid >> 16;
		net.mac[4] = pid >> 8;
		net.mac[5] = pid;
		return;
	}
	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5]) != 6)
		die("--net mac=%s: not a MAC address (aa:bb:cc:dd:ee:ff)", s);
	for (i = 0; i < 6; i++)
		net.mac[i] = m[i];
}

/**
 * net__guest_params() - kernel command line words for the guest's network
 * @o: --net options; guest_ip is derived from ip (host + 1) if unset
 * @buf: output, a "kvmx_ip=A.B.C.D/LEN " word for the built-in init
 * @len: size of @buf
 */
void net__guest_params(struct kvmx_net_opts *o, char *buf, size_t len)
{
	unsigned int a, b, c, d, plen;

	if (!o->guest_ip[0] && o->ip[0]) {
		if (sscanf(o->ip, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &plen) != 5 ||
		    a > 255 || b > 255 || c > 255 || d > 254 || plen > 32)
			die("--net ip=%s: not an IPv4 address with prefix length (A.B.C.D/LEN)",
			    o->ip);
		snprintf(o->guest_ip, sizeof(o->guest_ip), "%u.%u.%u.%u/%u",
			 a, b, c, d + 1, plen);
	}
	if (o->guest_ip[0])
		snprintf(buf, len, "kvmx_ip=%s ", o->guest_ip);
}

static int open_vhost(const char *which)
{
	const char *path = strcmp(which, "kvmx") ? "/dev/vhost-net" :
						   "/dev/kvmx-vhost-net";
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			die("--net vhost=%s: no %s (modprobe %s)", which, path,
			    strcmp(which, "kvmx") ? "vhost_net" :
						    "kvmx_vhost_net");
		die("--net vhost=%s: %s: %s", which, path, strerror(errno));
	}
	return fd;
}

static void vhost_init(const char *which)
{
	struct vhost_memory *mem;
	uint64_t features = 0;
	int q;

	net.vhost_fd = open_vhost(which);
	vhost_ioctl(VHOST_SET_OWNER, NULL, "SET_OWNER");
	vhost_ioctl(VHOST_GET_FEATURES, &features, "GET_FEATURES");
	net.vhost_features = features;
	mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]));
	if (!mem)
		die("out of memory");
	mem->nregions = 1;
	mem->regions[0].guest_phys_addr = 0;
	mem->regions[0].memory_size = kvm.ram_size;
	mem->regions[0].userspace_addr = (uintptr_t)kvm.ram;
	vhost_ioctl(VHOST_SET_MEM_TABLE, mem, "SET_MEM_TABLE");
	free(mem);
	for (q = 0; q < NET_NR_QUEUES; q++) {
		net.kick_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		net.call_fd[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (net.kick_fd[q] < 0 || net.call_fd[q] < 0)
			die("eventfd: %s", strerror(errno));
		ioeventfd(q, net.bar + VIRTIO_PCI_QUEUE_NOTIFY, true);
		event__add(net.call_fd[q], call_ready, NULL);
	}
}

/**
 * net__init() - create the tap and plug a virtio-net device into PCI
 * @o: --net options
 */
void net__init(const struct kvmx_net_opts *o)
{
	uint8_t *cfg = net.pci.cfg;

	net.vhost_fd = -1;
	parse_mac(o->mac);
	net.tap_fd = tap__open(o, net.ifname, true);
	net.host_features = 1u << VIRTIO_NET_F_MAC |
			    1u << VIRTIO_NET_F_STATUS;
	net.bar = NET_BAR_BASE;

	set16(&cfg[0x00], 0x1af4);		/* Red Hat / virtio */
	set16(&cfg[0x02], 0x1000);		/* legacy virtio-net */
	set16(&cfg[0x04], 0x0001);		/* I/O decode on */
	cfg[0x08] = 0;				/* revision 0: legacy */
	cfg[0x0a] = 0x00;			/* ethernet */
	cfg[0x0b] = 0x02;			/* network */
	set16(&cfg[0x2c], 0x1af4);
	set16(&cfg[0x2e], 1);			/* virtio device id: net */
	set16(&cfg[0x10], NET_BAR_BASE | 1);	/* BAR0: I/O */
	net.pci.bar_size[0] = NET_BAR_SIZE;
	net.pci.bar_moved = net_bar_moved;
	cfg[0x3c] = NET_IRQ;
	cfg[0x3d] = 1;				/* INTA# */
	pci__add(&net.pci);
	ioport__register(net.bar, NET_BAR_SIZE, net_io, NULL);
	/* PCI INTx is level triggered: tell the PIC's ELCR. */
	{
		uint8_t elcr = 1 << (NET_IRQ - 8);

		ioport__dispatch(0x4d1, &elcr, 1, true);
	}
	if (strcmp(o->vhost, "off")) {
		vhost_init(o->vhost);
	} else {
		event__add(net.tap_fd, tap_ready, NULL);
		event__set_enabled(net.tap_fd, false);
	}
}

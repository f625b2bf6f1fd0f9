/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmx launcher: the state shared by its devices.
 *
 * One vCPU thread runs KVM_RUN and emulates port and MMIO accesses; one
 * event thread waits on the PIT timer, the terminal, the tap and the vhost
 * call eventfds.  Device state is guarded by one mutex, kvm->lock: every
 * device handler runs with it held.
 */
#ifndef KVMX_H
#define KVMX_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <linux/kvm.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define KVMX_EXIT_POWEROFF	0	/* guest powered off or halted */
#define KVMX_EXIT_ERROR		1	/* user error or host failure */
#define KVMX_EXIT_RESET		2	/* guest rebooted (reset, triple fault) */
#define KVMX_EXIT_CRASH		3	/* guest state KVM could not run */
#define KVMX_EXIT_TIMEOUT	4	/* --timeout expired */
#define KVMX_EXIT_GUEST_CMD	5	/* --guest-cmd exited non-zero */

/* Written by the built-in init: the --guest-cmd exit status (one byte). */
#define KVMX_STATUS_PORT	0x501

struct kvmx_net_opts {
	bool enabled;
	char vhost[16];		/* "off", "kvmx", "upstream" */
	char ifname[16];
	char ip[64];		/* host side address, a.b.c.d/len */
	char guest_ip[64];	/* given to the built-in init as kvmx_ip= */
	char bridge[16];
	char mac[18];
};

struct kvmx_opts {
	const char *kernel;
	const char *initrd;
	const char *params;
	const char *dev;
	const char *guest_cmd;
	unsigned long mem_mib;
	unsigned int vcpus;
	unsigned int timeout;
	bool ksm;
	bool debug;
	struct kvmx_net_opts net;
};

struct kvmx_vm {
	int sys_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint8_t *ram;
	uint64_t ram_size;
	int ram_fd;			/* kvmx-ksm region, or -1 */
	pthread_mutex_t lock;		/* all device state */
	pthread_cond_t wake;		/* a halted vCPU waits here */
	pthread_t vcpu_thread;
	volatile int exit_code;		/* -1 while the guest runs */
	int guest_status;		/* -1 until KVMX_STATUS_PORT */
	const struct kvmx_opts *opts;
};

extern struct kvmx_vm kvm;

/* main.c */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define pr_dbg(...) do { if (kvm.opts && kvm.opts->debug) warnx_(__VA_ARGS__); } while (0)

/* kvm.c: VM and vCPU setup, the vCPU loop */
void kvm__open(const char *dev);
void kvm__init_memory(uint64_t bytes, bool ksm);
void kvm__init_vcpu(void);
void kvm__set_boot_regs(uint32_t entry, uint32_t zero_page, uint32_t gdt);
int kvm__run_vcpu(void);
void kvm__kick(void);
void kvm__request_exit(int code);
void *kvm__gpa(uint64_t gpa, uint64_t len);

/* boot.c: Linux x86 boot protocol */
void boot__setup_vcpu(void);
void boot__load_linux(const char *kernel, const char *initrd_path,
		      const char *cmdline, const void *initrd_buf,
		      size_t initrd_len);

/* initramfs.c: the built-in guest initramfs */
void *initramfs__build(const char *guest_cmd, bool net, size_t *len);

/* ioport.c: port I/O dispatch */
typedef void (*ioport_fn)(uint16_t port, uint8_t *data, int size,
			  bool is_write, void *opaque);
void ioport__register(uint16_t base, uint16_t count, ioport_fn fn,
		      void *opaque);
void ioport__unregister(uint16_t base);
void ioport__dispatch(uint16_t port, uint8_t *data, int size, bool is_write);

/* pic.c: two i8259A */
void pic__init(void);
void pic__set_irq(int irq, int level);
bool pic__has_irq(void);
int pic__ack(void);

/* pit.c: i8254 */
void pit__init(void);

/* rtc.c: MC146818 CMOS */
void rtc__init(uint64_t ram_size);

/* serial.c: 8250 UART on COM1 */
void serial__init(void);
void serial__input(const uint8_t *buf, size_t len);
size_t serial__rx_room(void);

/* misc.c: reset ports, port 0x80, the i8042 reset line */
void misc__init(void);

/* pci.c: configuration mechanism #1 and the host bridge */
struct pci_dev {
	uint8_t cfg[256];
	uint32_t bar_size[6];
	void (*bar_moved)(struct pci_dev *dev, int bar, uint32_t old,
			  uint32_t new);
	void *opaque;
};
void pci__init(void);
int pci__add(struct pci_dev *dev);

/* event.c: the event thread */
typedef void (*event_fn)(int fd, void *opaque);
void event__add(int fd, event_fn fn, void *opaque);
void event__set_enabled(int fd, bool enabled);
void event__start(void);

/* term.c: the host terminal */
void term__init(void);
void term__restore(void);
bool term__is_raw(void);
void term__write(const void *buf, size_t len);

/* net.c: virtio-net over legacy virtio-pci */
void net__init(const struct kvmx_net_opts *net);
void net__guest_params(struct kvmx_net_opts *net, char *buf, size_t len);

/* virtio_ring.c: split virtqueues in guest memory */
struct virtq {
	uint16_t num;
	uint16_t last_avail;
	uint64_t desc_gpa, avail_gpa, used_gpa;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};
struct iovec;
int virtq__setup(struct virtq *vq, uint16_t num, uint64_t pfn);
int virtq__pop(struct virtq *vq, struct iovec *iov, int max, bool *writable);
void virtq__push(struct virtq *vq, uint16_t head, uint32_t len);
bool virtq__want_irq(struct virtq *vq);
bool virtq__empty(struct virtq *vq);

/* tap.c: tap device through libnl-route */
int tap__open(const struct kvmx_net_opts *net, char *ifname, bool vnet_hdr);
void tap__cleanup(void);

/* stat.c, ksm.c: subcommands */
int stat__main(int argc, char **argv);
int ksm__main(int argc, char **argv);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration mechanism #1 (0xcf8 address, 0xcfc data) on bus 0,
 * with an i440FX-like host bridge at 00:00.0 so that Linux's sanity check
 * accepts the bus.  Devices supply a 256-byte config space; writes to the
 * command register, the interrupt line and the BARs are honoured (BAR
 * sizing included), the rest is read-only.
 */
#include <string.h>

#include "kvmx.h"

#define PCI_MAX_DEVS	8

static struct pci_dev *devs[PCI_MAX_DEVS];
static struct pci_dev host_bridge;
static uint32_t cfg_addr;

static uint32_t cfg_read32(struct pci_dev *d, int off)
{
	uint32_t v;

	memcpy(&v, &d->cfg[off], 4);
	return v;
}

static void bar_write(struct pci_dev *d, int bar, uint32_t v)
{
	int off = 0x10 + bar * 4;
	uint32_t old = cfg_read32(d, off), size = d->bar_size[bar], flags;

	if (!size)
		return;
	flags = old & (old & 1 ? 0x3 : 0xf);
	v = (v & ~(size - 1) & ~(old & 1 ? 0x3u : 0xfu)) | flags;
	memcpy(&d->cfg[off], &v, 4);
	if (d->bar_moved && (v & ~0xfu) != (old & ~0xfu) &&
	    (v | (size - 1) | 0xf) != 0xffffffff)
		d->bar_moved(d, bar, old & ~0x3u, v & ~0x3u);
}

static void cfg_write(struct pci_dev *d, int off, const uint8_t *data,
		      int size)
{
	uint32_t v = 0;
	int i;

	if (off >= 0x10 && off < 0x28 && size == 4) {
		memcpy(&v, data, 4);
		bar_write(d, (off - 0x10) / 4, v);
		return;
	}
	for (i = 0; i < size; i++) {
		int o = off + i;

		if (o == 0x04 || o == 0x05 || o == 0x0c || o == 0x0d ||
		    o == 0x3c)
			d->cfg[o] = data[i];
	}
}

static void pci_data_io(uint16_t port, uint8_t *data, int size,
			bool is_write, void *opaque)
{
	unsigned int bus = (cfg_addr >> 16) & 0xff;
	unsigned int slot = (cfg_addr >> 11) & 0x1f;
	unsigned int fn = (cfg_addr >> 8) & 7;
	int off = (cfg_addr & 0xfc) + (port - 0xcfc);
	struct pci_dev *d = NULL;

	if ((cfg_addr & 0x80000000) && !bus && !fn && slot < PCI_MAX_DEVS)
		d = devs[slot];
	if (off + size > 256)
		d = NULL;
	if (!d) {
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}
	if (is_write)
		cfg_write(d, off, data, size);
	else
		memcpy(data, &d->cfg[off], size);
}

static void pci_addr_io(uint16_t port, uint8_t *data, int size,
			bool is_write, void *opaque)
{
	if (size != 4) {	/* byte access at 0xcf8..: not ours */
		if (!is_write)
			memset(data, 0xff, size);
		return;
	}
	if (is_write)
		memcpy(&cfg_addr, data, 4);
	else
		memcpy(data, &cfg_addr, 4);
}

static void set16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/**
 * pci__add() - plug @dev into the next free slot of bus 0
 * @dev: device with its config space filled in
 *
 * Return: the slot number.
 */
int pci__add(struct pci_dev *dev)
{
	int slot;

	for (slot = 0; slot < PCI_MAX_DEVS; slot++) {
		if (!devs[slot]) {
			devs[slot] = dev;
			return slot;
		}
	}
	die("no free PCI slot");
}

/**
 * pci__init() - register the config ports and the host bridge
 */
void pci__init(void)
{
	set16(&host_bridge.cfg[0x00], 0x8086);	/* Intel */
	set16(&host_bridge.cfg[0x02], 0x1237);	/* 440FX host bridge */
	host_bridge.cfg[0x0a] = 0x00;		/* host bridge */
	host_bridge.cfg[0x0b] = 0x06;		/* bridge */
	pci__add(&host_bridge);
	ioport__register(0xcf8, 1, pci_addr_io, NULL);
	ioport__register(0xcfc, 4, pci_data_io, NULL);
}

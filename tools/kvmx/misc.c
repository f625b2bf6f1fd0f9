// SPDX-License-Identifier: GPL-2.0
/*
 * The small board details Linux touches: the i8042 reset line (port 0x64
 * command 0xfe), the PCI reset control register (0xcf9), and the POST
 * delay port 0x80.  A reset ends the run with KVMX_EXIT_RESET.  Port
 * KVMX_STATUS_PORT takes the built-in init's --guest-cmd exit status.
 *
 * There is no keyboard controller behind port 0x64: status reads return
 * all ones like an empty ISA bus, which Linux's i8042 probe treats as "no
 * controller" at once.
 */
#include "kvmx.h"

static void i8042_io(uint16_t port, uint8_t *data, int size, bool is_write,
		     void *opaque)
{
	if (!is_write) {
		data[0] = 0xff;
		return;
	}
	if (data[0] == 0xfe) {
		pr_dbg("i8042 reset");
		if (kvm.exit_code < 0)
			kvm.exit_code = KVMX_EXIT_RESET;
		kvm__kick();
	}
}

static void rcr_io(uint16_t port, uint8_t *data, int size, bool is_write,
		   void *opaque)
{
	static uint8_t rcr;

	if (!is_write) {
		data[0] = rcr;
		return;
	}
	/* Bit 2 going 0->1 resets; bit 1 picks hard over soft. */
	if ((data[0] & 4) && !(rcr & 4)) {
		if (kvm.exit_code < 0)
			kvm.exit_code = KVMX_EXIT_RESET;
		kvm__kick();
	}
	rcr = data[0] & 0x0a;
}

static void post_io(uint16_t port, uint8_t *data, int size, bool is_write,
		    void *opaque)
{
	if (!is_write)
		data[0] = 0xff;
}

static void status_io(uint16_t port, uint8_t *data, int size, bool is_write,
		      void *opaque)
{
	if (!is_write)
		data[0] = 0xff;
	else
		kvm.guest_status = data[0];
}

/**
 * misc__init() - register the reset ports, port 0x80 and the status port
 */
void misc__init(void)
{
	ioport__register(KVMX_STATUS_PORT, 1, status_io, NULL);
	ioport__register(0x64, 1, i8042_io, NULL);
	ioport__register(0xcf9, 1, rcr_io, NULL);
	ioport__register(0x80, 1, post_io, NULL);
}

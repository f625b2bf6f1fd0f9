// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O dispatch: a short list of ranges, searched linearly (the guest
 * touches a handful of devices).  Ports nobody claims read as all ones,
 * like an ISA bus with nothing on it, and ignore writes.
 */
#include <stdio.h>
#include <string.h>

#include "kvmx.h"

#define IOPORT_MAX_RANGES	32

struct ioport_range {
	uint16_t base;
	uint16_t count;
	ioport_fn fn;
	void *opaque;
};

static struct ioport_range ranges[IOPORT_MAX_RANGES];
static int nr_ranges;

/**
 * ioport__register() - claim ports [@base, @base + @count)
 * @base: first port
 * @count: number of ports
 * @fn: handler, called with kvm.lock held
 * @opaque: passed to @fn
 */
void ioport__register(uint16_t base, uint16_t count, ioport_fn fn,
		      void *opaque)
{
	if (nr_ranges == IOPORT_MAX_RANGES)
		die("too many port ranges");
	ranges[nr_ranges++] = (struct ioport_range){ base, count, fn, opaque };
}

/**
 * ioport__unregister() - drop the range starting at @base
 * @base: first port of a registered range
 */
void ioport__unregister(uint16_t base)
{
	int i;

	for (i = 0; i < nr_ranges; i++) {
		if (ranges[i].base == base) {
			ranges[i] = ranges[--nr_ranges];
			return;
		}
	}
}

/**
 * ioport__dispatch() - emulate one port access
 * @port: port number
 * @data: value written, or buffer for the value read
 * @size: 1, 2 or 4 bytes
 * @is_write: OUT rather than IN
 */
void ioport__dispatch(uint16_t port, uint8_t *data, int size, bool is_write)
{
	int i;

	for (i = 0; i < nr_ranges; i++) {
		struct ioport_range *r = &ranges[i];

		if (port >= r->base && port - r->base < r->count) {
			r->fn(port, data, size, is_write, r->opaque);
			return;
		}
	}
	if (!is_write)
		memset(data, 0xff, size);
	else if (port != 0x80)
		pr_dbg("unhandled out %#x", port);
}

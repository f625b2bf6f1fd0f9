// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818 real-time clock and CMOS RAM at ports 0x70/0x71.
 *
 * The clock reads the host's UTC time, in BCD and 24-hour mode (register B
 * 0x02), never "update in progress"; writes to the clock are accepted and
 * forgotten.  The memory size bytes are filled in for guests that look.
 */
#include <string.h>
#include <time.h>

#include "kvmx.h"

static uint8_t cmos[128];
static uint8_t cmos_index;

static uint8_t bcd(int v)
{
	return ((v / 10) << 4) | (v % 10);
}

static uint8_t rtc_read(uint8_t reg)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	switch (reg) {
	case 0x00: return bcd(tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case 0x32: return bcd((tm.tm_year + 1900) / 100);
	case 0x0a: return 0x26;		/* 32.768 kHz, 1024 Hz, no UIP */
	case 0x0c: return 0;		/* no interrupt flags */
	case 0x0d: return 0x80;		/* battery good */
	default:   return cmos[reg & 0x7f];
	}
}

static void rtc_io(uint16_t port, uint8_t *data, int size, bool is_write,
		   void *opaque)
{
	if (port == 0x70) {
		if (is_write)
			cmos_index = data[0] & 0x7f;	/* bit 7: NMI mask */
		else
			data[0] = 0xff;
		return;
	}
	if (is_write)
		cmos[cmos_index] = data[0];
	else
		data[0] = rtc_read(cmos_index);
}

/**
 * rtc__init() - register the CMOS ports
 * @ram_size: guest RAM in bytes, reported in the CMOS memory size bytes
 */
void rtc__init(uint64_t ram_size)
{
	uint64_t ext = ram_size > (16 << 20) ? (ram_size - (16 << 20)) >> 16 : 0;
	uint64_t kb = ram_size > (1 << 20) ? (ram_size - (1 << 20)) >> 10 : 0;

	memset(cmos, 0, sizeof(cmos));
	cmos[0x0b] = 0x02;			/* 24 hour, BCD */
	if (kb > 0xffff)
		kb = 0xffff;
	if (ext > 0xffff)
		ext = 0xffff;
	cmos[0x15] = 640 & 0xff;
	cmos[0x16] = 640 >> 8;
	cmos[0x17] = cmos[0x30] = kb & 0xff;
	cmos[0x18] = cmos[0x31] = kb >> 8;
	cmos[0x34] = ext & 0xff;
	cmos[0x35] = ext >> 8;
	ioport__register(0x70, 2, rtc_io, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * i8254 programmable interval timer, channels 0 and 2, and the port 0x61
 * gate/status bits.
 *
 * Channel 0 drives IRQ 0 from a host timerfd in the event thread: modes 2
 * and 3 (rate generator, square wave) are periodic, modes 0, 1, 4 and 5 fire
 * once after the count.  Counters are read back from the host clock.
 * Channel 2 is only modelled as far as its gate and OUT bit in port 0x61
 * (what TSC calibration against the PIT polls).
 */
#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "kvmx.h"

#define PIT_HZ		1193182ULL
#define NSEC_PER_SEC	1000000000ULL

struct pit_channel {
	uint32_t count;		/* reload value, 1..65536 */
	uint16_t latched;
	uint8_t mode;
	uint8_t rw;		/* 1 LSB, 2 MSB, 3 LSB then MSB */
	bool latch_valid;
	bool read_msb;		/* next read of a 16-bit access is the MSB */
	bool write_msb;
	uint8_t write_lsb;
	bool gate;
	uint64_t load_ns;
	bool counting;
};

static struct pit_channel chans[3];
static int timer_fd = -1;
static uint8_t port61;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t elapsed_ticks(struct pit_channel *c)
{
	return (now_ns() - c->load_ns) * PIT_HZ / NSEC_PER_SEC;
}

static uint16_t pit_counter(struct pit_channel *c)
{
	uint64_t t;

	if (!c->counting)
		return c->count & 0xffff;
	t = elapsed_ticks(c);
	switch (c->mode) {
	case 2:
	case 3:
		return c->count - t % c->count;
	default:
		return (c->count - t) & 0xffff;
	}
}

static bool pit_out(struct pit_channel *c)
{
	if (!c->counting)
		return c->mode != 0;
	if (c->mode == 0 || c->mode == 1)
		return elapsed_ticks(c) >= c->count;
	return true;
}

static void arm_channel0(void)
{
	struct pit_channel *c = &chans[0];
	struct itimerspec its = { 0 };
	uint64_t ns;

	if (c->counting) {
		ns = c->count * NSEC_PER_SEC / PIT_HZ;
		if (!ns)
			ns = 1;
		its.it_value.tv_sec = ns / NSEC_PER_SEC;
		its.it_value.tv_nsec = ns % NSEC_PER_SEC;
		if (c->mode == 2 || c->mode == 3)
			its.it_interval = its.it_value;
	}
	timerfd_settime(timer_fd, 0, &its, NULL);
}

static void load_count(int ch, uint32_t v)
{
	struct pit_channel *c = &chans[ch];

	c->count = v ? v : 0x10000;
	c->load_ns = now_ns();
	c->counting = true;
	if (ch == 0)
		arm_channel0();
}

static void pit_write_counter(int ch, uint8_t v)
{
	struct pit_channel *c = &chans[ch];

	switch (c->rw) {
	case 1:
		load_count(ch, v);
		break;
	case 2:
		load_count(ch, v << 8);
		break;
	default:
		if (!c->write_msb) {
			c->write_lsb = v;
			c->write_msb = true;
		} else {
			c->write_msb = false;
			load_count(ch, c->write_lsb | (v << 8));
		}
	}
}

static uint8_t pit_read_counter(int ch)
{
	struct pit_channel *c = &chans[ch];
	uint16_t v = c->latch_valid ? c->latched : pit_counter(c);
	uint8_t r;

	switch (c->rw) {
	case 1:
		c->latch_valid = false;
		return v & 0xff;
	case 2:
		c->latch_valid = false;
		return v >> 8;
	default:
		r = c->read_msb ? v >> 8 : v & 0xff;
		if (c->read_msb)
			c->latch_valid = false;
		c->read_msb = !c->read_msb;
		return r;
	}
}

static void pit_control(uint8_t v)
{
	int ch = v >> 6;
	struct pit_channel *c;

	if (ch == 3)		/* read-back: not used by Linux */
		return;
	c = &chans[ch];
	if (!(v & 0x30)) {	/* counter latch */
		if (!c->latch_valid) {
			c->latched = pit_counter(c);
			c->latch_valid = true;
		}
		return;
	}
	c->rw = (v >> 4) & 3;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4;
	c->write_msb = false;
	c->read_msb = false;
	c->latch_valid = false;
	c->counting = false;
	if (ch == 0)
		arm_channel0();
}

static void pit_io(uint16_t port, uint8_t *data, int size, bool is_write,
		   void *opaque)
{
	int ch = port - 0x40;

	if (ch == 3) {
		if (is_write)
			pit_control(data[0]);
		else
			data[0] = 0xff;
		return;
	}
	if (ch == 1) {
		if (!is_write)
			data[0] = 0xff;
		return;
	}
	if (is_write)
		pit_write_counter(ch, data[0]);
	else
		data[0] = pit_read_counter(ch);
}

static void port61_io(uint16_t port, uint8_t *data, int size, bool is_write,
		      void *opaque)
{
	struct pit_channel *c2 = &chans[2];

	if (is_write) {
		bool gate = data[0] & 1;

		if (gate && !c2->gate && c2->count)
			load_count(2, c2->count & 0xffff);
		c2->gate = gate;
		port61 = data[0] & 0x0f;
		return;
	}
	port61 ^= 0x10;		/* refresh toggles */
	data[0] = (port61 & 0x1f) | (pit_out(c2) && c2->gate ? 0x20 : 0);
}

static void pit_tick(int fd, void *opaque)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return;
	pthread_mutex_lock(&kvm.lock);
	pic__set_irq(0, 1);
	pic__set_irq(0, 0);
	pthread_mutex_unlock(&kvm.lock);
}

/**
 * pit__init() - register the PIT ports and its timer
 */
void pit__init(void)
{
	timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (timer_fd < 0)
		die("timerfd_create: %s", strerror(errno));
	memset(chans, 0, sizeof(chans));
	ioport__register(0x40, 4, pit_io, NULL);
	ioport__register(0x61, 1, port61_io, NULL);
	event__add(timer_fd, pit_tick, NULL);
}

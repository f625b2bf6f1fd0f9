// SPDX-License-Identifier: GPL-2.0
/*
 * Two cascaded i8259A interrupt controllers (master 0x20, slave 0xa0, slave
 * on master input 2) and the edge/level control registers at 0x4d0/0x4d1.
 *
 * Enough of the chip for Linux's i8259 driver: the ICW1-ICW4 sequence,
 * the mask register, specific and non-specific EOI, reading IRR and ISR
 * through OCW3, poll mode, auto-EOI, special mask is not modelled.
 * Priority is fixed (IR0 highest); rotation commands are accepted as EOIs.
 */
#include <string.h>

#include "kvmx.h"

struct i8259 {
	uint8_t irr, isr, imr;
	uint8_t last_level;	/* input levels, for edge detection */
	uint8_t elcr;		/* 1 bits: level triggered */
	uint8_t vector_base;
	uint8_t init_step;	/* next ICW expected: 0 none, 2, 3, 4 */
	bool icw4_needed;
	bool single;
	bool auto_eoi;
	bool read_isr;
	bool poll;
};

static struct i8259 pics[2];

/* Highest-priority bit of @mask, or 8. */
static int prio_bit(uint8_t mask)
{
	int i;

	for (i = 0; i < 8; i++)
		if (mask & (1 << i))
			return i;
	return 8;
}

/* Input the chip would present to its CPU (or master), or -1.  */
static int pic_pending(struct i8259 *p)
{
	int req = prio_bit(p->irr & ~p->imr);
	int serv = prio_bit(p->isr);

	if (req == 8 || req >= serv)
		return -1;
	return req;
}

static void pic_input(struct i8259 *p, int line, int level)
{
	uint8_t bit = 1 << line;

	if (p->elcr & bit) {
		if (level) {
			p->irr |= bit;
			p->last_level |= bit;
		} else {
			p->irr &= ~bit;
			p->last_level &= ~bit;
		}
		return;
	}
	if (level) {
		if (!(p->last_level & bit))
			p->irr |= bit;
		p->last_level |= bit;
	} else {
		p->last_level &= ~bit;
	}
}

/* Propagate the slave's output to master input 2, then poke the vCPU. */
static void pic_update(void)
{
	pic_input(&pics[0], 2, pic_pending(&pics[1]) >= 0);
	if (pic_pending(&pics[0]) >= 0)
		kvm__kick();
}

/**
 * pic__set_irq() - drive ISA interrupt line @irq (0-15) to @level
 * @irq: line
 * @level: 1 asserted, 0 deasserted (an edge-triggered pulse is 1 then 0)
 *
 * Called with kvm.lock held.
 */
void pic__set_irq(int irq, int level)
{
	pic_input(&pics[irq >> 3], irq & 7, level);
	pic_update();
}

/**
 * pic__has_irq() - does the master present an interrupt to the CPU?
 */
bool pic__has_irq(void)
{
	return pic_pending(&pics[0]) >= 0;
}

static int pic_ack_one(struct i8259 *p, int line)
{
	uint8_t bit = 1 << line;

	if (!(p->elcr & bit))
		p->irr &= ~bit;
	if (!p->auto_eoi)
		p->isr |= bit;
	return p->vector_base + line;
}

/**
 * pic__ack() - the CPU's interrupt acknowledge cycle
 *
 * Return: the vector to inject.  Called with kvm.lock held.
 */
int pic__ack(void)
{
	int line = pic_pending(&pics[0]), vec, sline;

	if (line < 0)
		return pics[0].vector_base + 7;		/* spurious */
	if (line == 2) {
		sline = pic_pending(&pics[1]);
		if (sline < 0)
			sline = 7;
		vec = pic_ack_one(&pics[1], sline);
		pic_ack_one(&pics[0], 2);
	} else {
		vec = pic_ack_one(&pics[0], line);
	}
	pic_update();
	return vec;
}

static void pic_eoi(struct i8259 *p, int line)
{
	if (line < 0)
		line = prio_bit(p->isr);
	if (line < 8)
		p->isr &= ~(1 << line);
}

static void pic_write(struct i8259 *p, int a0, uint8_t v)
{
	if (!a0 && (v & 0x10)) {		/* ICW1 */
		p->imr = 0;
		p->isr = 0;
		p->irr = 0;
		p->last_level = 0;
		p->read_isr = false;
		p->auto_eoi = false;
		p->icw4_needed = v & 1;
		p->single = v & 2;
		p->init_step = 2;
	} else if (!a0 && (v & 0x08)) {		/* OCW3 */
		if (v & 0x04)
			p->poll = true;
		if (v & 0x02)
			p->read_isr = v & 1;
	} else if (!a0) {			/* OCW2 */
		switch (v >> 5) {
		case 1:		/* non-specific EOI */
		case 5:		/* rotate on non-specific EOI */
			pic_eoi(p, -1);
			break;
		case 3:		/* specific EOI */
		case 7:		/* rotate on specific EOI */
			pic_eoi(p, v & 7);
			break;
		}
	} else {
		switch (p->init_step) {
		case 2:
			p->vector_base = v & 0xf8;
			p->init_step = p->single ? (p->icw4_needed ? 4 : 0) : 3;
			break;
		case 3:
			p->init_step = p->icw4_needed ? 4 : 0;
			break;
		case 4:
			p->auto_eoi = v & 2;
			p->init_step = 0;
			break;
		default:
			p->imr = v;		/* OCW1 */
		}
	}
	pic_update();
}

static uint8_t pic_read(struct i8259 *p, int a0)
{
	int line;

	if (p->poll) {
		p->poll = false;
		line = pic_pending(p);
		if (line < 0)
			return 0;
		pic_ack_one(p, line);
		pic_update();
		return 0x80 | line;
	}
	if (a0)
		return p->imr;
	return p->read_isr ? p->isr : p->irr;
}

static void pic_io(uint16_t port, uint8_t *data, int size, bool is_write,
		   void *opaque)
{
	struct i8259 *p = opaque;

	if (is_write)
		pic_write(p, port & 1, data[0]);
	else
		data[0] = pic_read(p, port & 1);
}

static void elcr_io(uint16_t port, uint8_t *data, int size, bool is_write,
		    void *opaque)
{
	/* IRQ 0, 1, 2, 8 and 13 are always edge triggered. */
	static const uint8_t writable[2] = { 0xf8, 0xde };
	int i = port & 1;

	if (is_write)
		pics[i].elcr = data[0] & writable[i];
	else
		data[0] = pics[i].elcr;
}

/**
 * pic__init() - register both PICs and the ELCR
 */
void pic__init(void)
{
	memset(pics, 0, sizeof(pics));
	pics[0].vector_base = 0x08;
	pics[1].vector_base = 0x70;
	ioport__register(0x20, 2, pic_io, &pics[0]);
	ioport__register(0xa0, 2, pic_io, &pics[1]);
	ioport__register(0x4d0, 2, elcr_io, NULL);
}

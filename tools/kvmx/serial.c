// SPDX-License-Identifier: GPL-2.0
/*
 * 8250/16550A UART on COM1 (ports 0x3f8-0x3ff, IRQ 4).
 *
 * Transmission is instant: a byte written to THR goes straight to the
 * terminal, so THR is always empty and, with IER.THRI set, the "THR empty"
 * interrupt is pending again after every write until IIR reports it.
 * Received bytes wait in a host-side buffer that stands in for the FIFO;
 * when it is full the event thread stops reading the terminal.  The IRQ
 * line follows the IIR state gated by MCR.OUT2, as on a PC.
 */
#include <string.h>
#include <unistd.h>

#include "kvmx.h"

#define COM1_BASE	0x3f8
#define COM1_IRQ	4
#define RX_BUF		4096

#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IIR_NONE	0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_LCR_DLAB	0x80
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

static struct {
	uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
	bool thr_ipending;
	uint8_t rx[RX_BUF];
	unsigned int rx_head, rx_count;
} uart;

static uint8_t uart_iir(void)
{
	uint8_t fifo = (uart.fcr & 1) ? 0xc0 : 0;

	if ((uart.ier & UART_IER_RDI) && uart.rx_count)
		return fifo | UART_IIR_RDI;
	if ((uart.ier & UART_IER_THRI) && uart.thr_ipending)
		return fifo | UART_IIR_THRI;
	return fifo | UART_IIR_NONE;
}

static void uart_update_irq(void)
{
	bool level = !(uart_iir() & UART_IIR_NONE) &&
		     (uart.mcr & UART_MCR_OUT2);

	pic__set_irq(COM1_IRQ, level);
}

static void rx_push(uint8_t c)
{
	if (uart.rx_count == RX_BUF)
		return;
	uart.rx[(uart.rx_head + uart.rx_count) % RX_BUF] = c;
	uart.rx_count++;
}

static uint8_t rx_pop(void)
{
	uint8_t c;

	if (!uart.rx_count)
		return 0;
	c = uart.rx[uart.rx_head];
	uart.rx_head = (uart.rx_head + 1) % RX_BUF;
	if (--uart.rx_count == RX_BUF / 2)
		event__set_enabled(STDIN_FILENO, true);
	return c;
}

/**
 * serial__rx_room() - bytes the receive buffer can still take
 *
 * Called with kvm.lock held.
 */
size_t serial__rx_room(void)
{
	return RX_BUF - uart.rx_count;
}

/**
 * serial__input() - bytes typed on the terminal reach the guest
 * @buf: bytes
 * @len: count, at most serial__rx_room()
 *
 * Called with kvm.lock held.
 */
void serial__input(const uint8_t *buf, size_t len)
{
	size_t i;

	if (uart.mcr & UART_MCR_LOOP)
		return;
	for (i = 0; i < len; i++)
		rx_push(buf[i]);
	uart_update_irq();
}

static uint8_t uart_msr(void)
{
	uint8_t m = uart.mcr;

	if (!(uart.mcr & UART_MCR_LOOP))
		return 0xb0;	/* DCD, DSR, CTS */
	/* Loopback: DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
	return ((m & 1) << 5) | ((m & 2) << 3) | ((m & 4) << 4) |
	       ((m & 8) << 4);
}

static void uart_write(int reg, uint8_t v)
{
	bool dlab = uart.lcr & UART_LCR_DLAB;

	switch (reg) {
	case 0:
		if (dlab) {
			uart.dll = v;
			break;
		}
		if (uart.mcr & UART_MCR_LOOP)
			rx_push(v);
		else
			term__write(&v, 1);
		uart.thr_ipending = true;
		break;
	case 1:
		if (dlab) {
			uart.dlm = v;
			break;
		}
		if ((v & UART_IER_THRI) && !(uart.ier & UART_IER_THRI))
			uart.thr_ipending = true;
		uart.ier = v & 0x0f;
		break;
	case 2:
		uart.fcr = v & 0xc9;
		if (v & 0x02) {		/* clear receive FIFO */
			uart.rx_count = 0;
			event__set_enabled(STDIN_FILENO, true);
		}
		break;
	case 3:
		uart.lcr = v;
		break;
	case 4:
		uart.mcr = v & 0x1f;
		break;
	case 7:
		uart.scr = v;
		break;
	}
	uart_update_irq();
}

static uint8_t uart_read(int reg)
{
	bool dlab = uart.lcr & UART_LCR_DLAB;
	uint8_t v = 0xff;

	switch (reg) {
	case 0:
		v = dlab ? uart.dll : rx_pop();
		break;
	case 1:
		v = dlab ? uart.dlm : uart.ier;
		break;
	case 2:
		v = uart_iir();
		if ((v & 0x0f) == UART_IIR_THRI)
			uart.thr_ipending = false;
		break;
	case 3:
		v = uart.lcr;
		break;
	case 4:
		v = uart.mcr;
		break;
	case 5:
		v = UART_LSR_THRE | UART_LSR_TEMT |
		    (uart.rx_count ? UART_LSR_DR : 0);
		break;
	case 6:
		v = uart_msr();
		break;
	case 7:
		v = uart.scr;
		break;
	}
	uart_update_irq();
	return v;
}

static void uart_io(uint16_t port, uint8_t *data, int size, bool is_write,
		    void *opaque)
{
	if (is_write)
		uart_write(port - COM1_BASE, data[0]);
	else
		data[0] = uart_read(port - COM1_BASE);
}

/**
 * serial__init() - register COM1
 */
void serial__init(void)
{
	memset(&uart, 0, sizeof(uart));
	uart.dll = 12;		/* 9600 baud until the guest says otherwise */
	ioport__register(COM1_BASE, 8, uart_io, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of the launcher's i8259 pair (tools/kvmx/pic.c): the
 * initialisation Linux performs, edge and level inputs, cascade through
 * IRQ 2, priority, EOI, masking and OCW3 reads.
 */
#include "kselftest_harness.h"
#include "../tools/kvmx/pic.c"

static int kicks;
static ioport_fn pic_fn[3];
static void *pic_opaque[3];

void kvm__kick(void)
{
	kicks++;
}

void ioport__register(uint16_t base, uint16_t count, ioport_fn fn,
		      void *opaque)
{
	int i = base == 0x20 ? 0 : base == 0xa0 ? 1 : 2;

	pic_fn[i] = fn;
	pic_opaque[i] = opaque;
}

static void out(uint16_t port, uint8_t v)
{
	int i = port < 0xa0 ? 0 : port < 0x4d0 ? 1 : 2;

	pic_fn[i](port, &v, 1, true, pic_opaque[i]);
}

static uint8_t in(uint16_t port)
{
	int i = port < 0xa0 ? 0 : port < 0x4d0 ? 1 : 2;
	uint8_t v = 0;

	pic_fn[i](port, &v, 1, false, pic_opaque[i]);
	return v;
}

/* What Linux's init_8259A() writes. */
static void linux_init(void)
{
	pic__init();
	out(0x21, 0xff);
	out(0xa1, 0xff);
	out(0x20, 0x11);
	out(0x21, 0x30);
	out(0x21, 0x04);
	out(0x21, 0x01);
	out(0xa0, 0x11);
	out(0xa1, 0x38);
	out(0xa1, 0x02);
	out(0xa1, 0x01);
	out(0x21, 0x00);
	out(0xa1, 0x00);
}

TEST(mask_reads_back)
{
	linux_init();
	out(0x21, 0xa5);
	EXPECT_EQ(0xa5, in(0x21));
	out(0xa1, 0x5a);
	EXPECT_EQ(0x5a, in(0xa1));
}

TEST(edge_irq0_needs_eoi)
{
	linux_init();
	EXPECT_FALSE(pic__has_irq());
	pic__set_irq(0, 1);
	pic__set_irq(0, 0);
	ASSERT_TRUE(pic__has_irq());
	EXPECT_EQ(0x30, pic__ack());
	EXPECT_FALSE(pic__has_irq());
	/* A second edge waits behind the in-service IRQ 0. */
	pic__set_irq(0, 1);
	pic__set_irq(0, 0);
	EXPECT_FALSE(pic__has_irq());
	out(0x20, 0x0b);		/* OCW3: read ISR */
	EXPECT_EQ(0x01, in(0x20));
	out(0x20, 0x60);		/* specific EOI, IRQ 0 */
	EXPECT_TRUE(pic__has_irq());
	EXPECT_EQ(0x30, pic__ack());
	out(0x20, 0x20);		/* non-specific EOI */
	EXPECT_FALSE(pic__has_irq());
}

TEST(priority_lowest_line_first)
{
	linux_init();
	pic__set_irq(4, 1);
	pic__set_irq(1, 1);
	EXPECT_EQ(0x31, pic__ack());
	out(0x20, 0x20);
	EXPECT_EQ(0x34, pic__ack());
}

TEST(masked_line_waits)
{
	linux_init();
	out(0x21, 0x10);
	pic__set_irq(4, 1);
	EXPECT_FALSE(pic__has_irq());
	out(0x21, 0x00);
	EXPECT_TRUE(pic__has_irq());
	EXPECT_EQ(0x34, pic__ack());
}

TEST(level_irq10_through_slave)
{
	linux_init();
	out(0x4d1, 0x04);		/* IRQ 10 level triggered */
	pic__set_irq(10, 1);
	ASSERT_TRUE(pic__has_irq());
	EXPECT_EQ(0x3a, pic__ack());
	/* Still asserted, but in service: nothing new yet. */
	EXPECT_FALSE(pic__has_irq());
	out(0xa0, 0x20);
	out(0x20, 0x20);
	/* Still asserted after EOI: delivered again. */
	EXPECT_TRUE(pic__has_irq());
	EXPECT_EQ(0x3a, pic__ack());
	pic__set_irq(10, 0);
	out(0xa0, 0x20);
	out(0x20, 0x20);
	EXPECT_FALSE(pic__has_irq());
}

TEST(elcr_fixed_edge_lines)
{
	linux_init();
	out(0x4d0, 0xff);
	out(0x4d1, 0xff);
	EXPECT_EQ(0xf8, in(0x4d0));
	EXPECT_EQ(0xde, in(0x4d1));
}

TEST_HARNESS_MAIN

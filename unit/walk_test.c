// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kvm/mmu/walk.c: page tables built by hand in a fake
 * guest RAM for each paging mode, translations of every page size and the
 * exact #PF error code of each kind of fault.
 */
#include "../kvm/mmu/walk.c"

#include <stdio.h>
#include <stdlib.h>
#include "kselftest_harness.h"

#define RAM_SIZE	0x100000	/* page tables live in the first MiB */

#define P	0x001ULL
#define RW	0x002ULL
#define US	0x004ULL
#define PS	0x080ULL
#define NX	BIT_ULL(63)

#define PG	KVMX_CR0_PG
#define WP	KVMX_CR0_WP
#define PSE	KVMX_CR4_PSE
#define PAE	KVMX_CR4_PAE
#define LA57	KVMX_CR4_LA57
#define SMEP	KVMX_CR4_SMEP
#define SMAP	KVMX_CR4_SMAP
#define LME_LMA	(KVMX_EFER_LME | KVMX_EFER_LMA)
#define NXE	KVMX_EFER_NXE

#define W	KVMX_WALK_WRITE
#define U	KVMX_WALK_USER
#define F	KVMX_WALK_FETCH

static u8 ram[RAM_SIZE];
static int reads;

static int ram_read(void *opaque, u64 gpa, void *buf, unsigned int len)
{
	reads++;
	/* The walker reads aligned 4- or 8-byte entries only. */
	if ((len != 4 && len != 8) || (gpa & (len - 1)))
		abort();
	if (gpa >= RAM_SIZE || gpa + len > RAM_SIZE)
		return -EFAULT;
	memcpy(buf, ram + gpa, len);
	return 0;
}

static void set32(u64 gpa, u32 v)
{
	memcpy(ram + gpa, &v, 4);
}

static void set64(u64 gpa, u64 v)
{
	memcpy(ram + gpa, &v, 8);
}

struct ctx {
	u64 cr0, cr3, cr4, efer;
};

/* Translate; returns the walk result, the GPA or error code in *out. */
static int walk(const struct ctx *c, u64 gva, unsigned int access, u64 *out)
{
	u64 gpa = 0xdeadULL;
	u32 ec = 0xdead;
	int ret;

	ret = kvmx_walk_gva(gva, c->cr0, c->cr3, c->cr4, c->efer, access,
			    ram_read, NULL, &gpa, &ec);
	if (ret == 0) {
		if (ec != 0)
			abort();
		*out = gpa;
	} else if (ret == -EFAULT) {
		*out = ec;
	} else {
		if (ec != 0)
			abort();
		*out = 0;
	}
	return ret;
}

/* Expect success with @gpa */
#define OK(c, gva, acc, gpa) do {					\
	u64 __o;							\
	int __r = walk(c, gva, acc, &__o);				\
	EXPECT_EQ(0, __r) TH_LOG("gva %llx acc %x: ec %llx",		\
				 (u64)(gva), acc, __o);			\
	if (!__r)							\
		EXPECT_EQ((u64)(gpa), __o) TH_LOG("gva %llx",		\
						  (u64)(gva));		\
} while (0)

/* Expect a #PF with error code @ec */
#define PF(c, gva, acc, ec) do {					\
	u64 __o;							\
	int __r = walk(c, gva, acc, &__o);				\
	EXPECT_EQ(-EFAULT, __r) TH_LOG("gva %llx acc %x",		\
				       (u64)(gva), acc);		\
	if (__r == -EFAULT)						\
		EXPECT_EQ((u64)(ec), __o) TH_LOG("gva %llx acc %x",	\
						 (u64)(gva), acc);	\
} while (0)

TEST(paging_off)
{
	struct ctx c = { .cr0 = 0, .cr4 = PAE, .efer = NXE };

	memset(ram, 0, sizeof(ram));
	reads = 0;
	OK(&c, 0x12345678, 0, 0x12345678);
	OK(&c, 0xffffffff12345678ULL, W | U | F, 0x12345678);
	EXPECT_EQ(0, reads);
}

TEST(two_level_32bit)
{
	struct ctx c = { .cr0 = PG, .cr3 = 0x1000 };
	u64 gva = (1ULL << 22) | (5 << 12) | 0xabc;

	memset(ram, 0, sizeof(ram));
	set32(0x1000 + 1 * 4, 0x2000 | P | RW | US);
	set32(0x2000 + 5 * 4, 0x123000 | P | RW | US);
	OK(&c, gva, 0, 0x123abc);
	OK(&c, gva, W | U, 0x123abc);
	/* upper half of a 64-bit gva is ignored */
	OK(&c, gva | 0xffffffff00000000ULL, 0, 0x123abc);
	/* PTE not present; PDE not present */
	PF(&c, gva + 0x1000, 0, 0);
	PF(&c, gva + 0x1000, W | U, W | U);
	PF(&c, 0x00800000, W, W);
	/* no I/D bit without NX paging or SMEP */
	PF(&c, 0x00800000, F, 0);

	/* rights: the PDE and the PTE are combined */
	set32(0x2000 + 6 * 4, 0x124000 | P | US);	/* read-only */
	OK(&c, gva + 0x1000, U, 0x124abc);
	PF(&c, gva + 0x1000, U | W, P | W | U);
	OK(&c, gva + 0x1000, W, 0x124abc);	/* CR0.WP=0 */
	c.cr0 |= WP;
	PF(&c, gva + 0x1000, W, P | W);
	set32(0x2000 + 7 * 4, 0x125000 | P | RW);	/* supervisor */
	PF(&c, gva + 0x2000, U, P | U);
	OK(&c, gva + 0x2000, W, 0x125abc);
	set32(0x1000 + 1 * 4, 0x2000 | P | US);	/* PDE read-only */
	PF(&c, gva, W, P | W);
	PF(&c, gva, W | U, P | W | U);
	set32(0x1000 + 1 * 4, 0x2000 | P | RW);	/* PDE supervisor */
	PF(&c, gva, U, P | U);
	OK(&c, gva, W, 0x123abc);
}

TEST(pse_4m_pages)
{
	struct ctx c = { .cr0 = PG, .cr3 = 0x1000, .cr4 = PSE };
	u64 gva = (3ULL << 22) | 0x12345;

	memset(ram, 0, sizeof(ram));
	set32(0x1000 + 3 * 4, 0x00c00000 | P | RW | US | PS);
	OK(&c, gva, W | U, 0xc12345);
	/* PSE-36: PDE bits 20:13 are physical 39:32 */
	set32(0x1000 + 3 * 4, 0x00c00000 | (0x12 << 13) | P | RW | PS);
	OK(&c, gva, 0, 0x1200c12345ULL);
	/* bit 21 is reserved */
	set32(0x1000 + 3 * 4, 0x00c00000 | (1 << 21) | P | RW | PS);
	PF(&c, gva, W, P | KVMX_PFERR_RSVD | W);
	/* without CR4.PSE the PS bit is ignored: the PDE points to a table */
	c.cr4 = 0;
	set32(0x1000 + 3 * 4, 0x3000 | P | RW | PS);
	set32(0x3000 + 0x12 * 4, 0x77000 | P | RW);
	OK(&c, gva, 0, 0x77345);
}

TEST(smep_smap)
{
	struct ctx c = { .cr0 = PG | WP, .cr3 = 0x1000, .cr4 = SMEP };
	u64 gva = (1ULL << 22) | 0x10;

	memset(ram, 0, sizeof(ram));
	set32(0x1000 + 1 * 4, 0x2000 | P | RW | US);
	set32(0x2000, 0x123000 | P | RW | US);
	set32(0x2000 + 4, 0x124000 | P | RW);
	/* supervisor fetch from a user page: SMEP; I/D reported */
	PF(&c, gva, F, P | KVMX_PFERR_FETCH);
	OK(&c, gva, F | U, 0x123010);
	OK(&c, gva + 0x1000, F, 0x124010);
	PF(&c, gva + 0x2000, F, KVMX_PFERR_FETCH);	/* not present */
	/* supervisor data access to a user page: SMAP unless AC */
	OK(&c, gva, 0, 0x123010);
	c.cr4 = SMAP;
	PF(&c, gva, 0, P);
	PF(&c, gva, W, P | W);
	OK(&c, gva, KVMX_WALK_SMAP_OK, 0x123010);
	OK(&c, gva, W | KVMX_WALK_SMAP_OK, 0x123010);
	OK(&c, gva, U, 0x123010);
	OK(&c, gva, F, 0x123010);	/* fetches are SMEP's business */
	OK(&c, gva + 0x1000, 0, 0x124010);
}

/* The access bits kvmx_gla_to_gpa() derives from CPL and RFLAGS.AC. */
TEST(cpl_access_bits)
{
	const u64 ac = KVMX_WALK_RFLAGS_AC, other = 0x2 | BIT_ULL(10);
	struct ctx c = { .cr0 = PG | WP, .cr3 = 0x1000, .cr4 = SMAP };
	u64 gva = (1ULL << 22) | 0x10;
	unsigned int cpl;

	for (cpl = 0; cpl < 3; cpl++) {
		EXPECT_EQ(0u, kvmx_walk_cpl_access(0, cpl, other));
		EXPECT_EQ(W, kvmx_walk_cpl_access(W, cpl, other));
		EXPECT_EQ(KVMX_WALK_SMAP_OK,
			  kvmx_walk_cpl_access(0, cpl, other | ac));
		EXPECT_EQ(W | KVMX_WALK_SMAP_OK,
			  kvmx_walk_cpl_access(W, cpl, ac));
		/* fetches: SMEP, which AC does not lift */
		EXPECT_EQ(F, kvmx_walk_cpl_access(F, cpl, ac));
	}
	/* CPL 3: user access, AC changes nothing */
	EXPECT_EQ(U, kvmx_walk_cpl_access(0, 3, 0));
	EXPECT_EQ(W | U, kvmx_walk_cpl_access(W, 3, ac));
	EXPECT_EQ(F | U, kvmx_walk_cpl_access(F, 3, ac));

	/* and through the walker: a user page under SMAP at CPL 0 */
	memset(ram, 0, sizeof(ram));
	set32(0x1000 + 1 * 4, 0x2000 | P | RW | US);
	set32(0x2000, 0x123000 | P | RW | US);
	PF(&c, gva, kvmx_walk_cpl_access(0, 0, 0), P);
	PF(&c, gva, kvmx_walk_cpl_access(W, 0, 0), P | W);
	OK(&c, gva, kvmx_walk_cpl_access(0, 0, ac), 0x123010);
	OK(&c, gva, kvmx_walk_cpl_access(W, 0, ac), 0x123010);
	OK(&c, gva, kvmx_walk_cpl_access(W, 3, 0), 0x123010);
}

TEST(pae_three_level)
{
	/* CR3 need only be 32-byte aligned in PAE mode */
	struct ctx c = { .cr0 = PG | WP, .cr3 = 0x3020, .cr4 = PAE };
	u64 gva = (2ULL << 30) | (7 << 21) | (9 << 12) | 0x123;
	u64 big = (2ULL << 30) | (8 << 21) | 0x54321;

	memset(ram, 0, sizeof(ram));
	set64(0x3020 + 2 * 8, 0x4000 | P);
	set64(0x4000 + 7 * 8, 0x5000 | P | RW | US);
	set64(0x5000 + 9 * 8, 0x200000000ULL | P | RW | US);
	set64(0x4000 + 8 * 8, 0x40000000ULL | P | RW | US | PS);
	OK(&c, gva, W | U, 0x200000123ULL);
	OK(&c, big, W | U, 0x40054321ULL);
	/* upper 32 bits of the gva are ignored */
	OK(&c, gva | (1ULL << 40), 0, 0x200000123ULL);
	/* not present at each level */
	PF(&c, 1ULL << 30, W, W);			/* PDPTE */
	PF(&c, (2ULL << 30) | (9 << 21), U, U);		/* PDE */
	PF(&c, gva + 0x1000, 0, 0);			/* PTE */
	/* PDPTE rights bits are reserved in PAE mode */
	set64(0x3020 + 2 * 8, 0x4000 | P | RW);
	PF(&c, gva, 0, P | KVMX_PFERR_RSVD);
	set64(0x3020 + 2 * 8, 0x4000 | P | US);
	PF(&c, gva, 0, P | KVMX_PFERR_RSVD);
	/* ...but the accessed bit an AMD CPU sets in a PDPTE is fine */
	set64(0x3020 + 2 * 8, 0x4000 | P | 0x20);
	OK(&c, gva, W | U, 0x200000123ULL);
	set64(0x3020 + 2 * 8, 0x4000 | P);
	/* NX without EFER.NXE is a reserved bit */
	set64(0x5000 + 9 * 8, 0x200000000ULL | P | RW | US | NX);
	PF(&c, gva, 0, P | KVMX_PFERR_RSVD);
	/* with NXE: data fine, fetch faults, I/D reported */
	c.efer = NXE;
	OK(&c, gva, W, 0x200000123ULL);
	PF(&c, gva, F, P | KVMX_PFERR_FETCH);
	PF(&c, gva + 0x1000, F, KVMX_PFERR_FETCH);
	/* bits 62:52 are reserved in PAE entries */
	set64(0x5000 + 9 * 8, 0x200000000ULL | P | (1ULL << 55));
	PF(&c, gva, 0, P | KVMX_PFERR_RSVD);
	/* 2 MiB page with frame bits 20:13 set is reserved */
	set64(0x4000 + 8 * 8, 0x40002000ULL | P | RW | PS);
	PF(&c, big, 0, P | KVMX_PFERR_RSVD);
	/* PAT bit (12) of a 2 MiB page is fine */
	set64(0x4000 + 8 * 8, 0x40001000ULL | P | RW | PS);
	OK(&c, big, 0, 0x40054321ULL);
	/* a read-only PDE makes the whole 2 MiB region read-only */
	set64(0x4000 + 7 * 8, 0x5000 | P | US);
	set64(0x5000 + 9 * 8, 0x200000000ULL | P | RW | US);
	PF(&c, gva, W, P | W);
}

/* Indices of a 4/5-level address. */
static u64 idx(u64 gva, unsigned int level)
{
	return (gva >> (12 + 9 * (level - 1))) & 511;
}

TEST(long_mode_four_level)
{
	struct ctx c = { .cr0 = PG | WP, .cr3 = 0x6000, .cr4 = PAE,
			 .efer = LME_LMA | NXE };
	u64 gva = 0xffff888012345678ULL;
	u64 g2m = 0xffff888040123456ULL;	/* PDE index 0 of PDPT 1 */
	u64 g1g = 0xffff888080000000ULL | 0x2345678;
	u64 ugva = 0x00007f0000001000ULL;

	memset(ram, 0, sizeof(ram));
	/* kernel: PML4 -> PDPT 0x7000 -> PD 0x8000 -> PT 0x9000 */
	set64(0x6000 + idx(gva, 4) * 8, 0x7000 | P | RW);
	set64(0x7000 + idx(gva, 3) * 8, 0x8000 | P | RW);
	set64(0x8000 + idx(gva, 2) * 8, 0x9000 | P | RW);
	set64(0x9000 + idx(gva, 1) * 8, 0x123456000ULL | P | RW | NX);
	/* 2 MiB and 1 GiB pages */
	set64(0x7000 + idx(g2m, 3) * 8, 0xa000 | P | RW);
	set64(0xa000 + idx(g2m, 2) * 8, 0x3fe00000ULL | P | RW | PS);
	set64(0x7000 + idx(g1g, 3) * 8, 0x1c0000000ULL | P | PS);
	/* user: PML4 entry 0xfe */
	set64(0x6000 + idx(ugva, 4) * 8, 0xb000 | P | RW | US);
	set64(0xb000 + idx(ugva, 3) * 8, 0xc000 | P | RW | US);
	set64(0xc000 + idx(ugva, 2) * 8, 0xd000 | P | RW | US);
	set64(0xd000 + idx(ugva, 1) * 8, 0x55000 | P | US);

	OK(&c, gva, W, 0x123456678ULL);
	PF(&c, gva, F, P | KVMX_PFERR_FETCH);
	PF(&c, gva, U, P | U);
	OK(&c, g2m, W, 0x3ff23456ULL);
	OK(&c, g1g, F, 0x1c2345678ULL);
	PF(&c, g1g, W, P | W);			/* 1 GiB page read-only */
	OK(&c, ugva | 0x10, U, 0x55010);
	PF(&c, ugva, U | W, P | U | W);
	PF(&c, ugva + 0x1000, U | W, U | W);	/* PTE missing */
	PF(&c, 0x1000, 0, 0);			/* PML4E missing */
	PF(&c, 0x1000, F, KVMX_PFERR_FETCH);

	/* non-canonical: #GP, not #PF */
	u64 o;

	EXPECT_EQ(-EINVAL, walk(&c, 0x0000800000000000ULL, 0, &o));
	EXPECT_EQ(-EINVAL, walk(&c, 0xfff0000000000000ULL, 0, &o));

	/* NX at an upper level covers everything below it */
	set64(0x7000 + idx(g2m, 3) * 8, 0xa000 | P | RW | NX);
	PF(&c, g2m, F, P | KVMX_PFERR_FETCH);
	OK(&c, g2m, 0, 0x3ff23456ULL);
	/* bits 58:52 are ignored in 4-level entries */
	set64(0x7000 + idx(g2m, 3) * 8, 0xa000 | P | RW | (0x7fULL << 52));
	OK(&c, g2m, F, 0x3ff23456ULL);
	/* 1 GiB page with low frame bits set: reserved */
	set64(0x7000 + idx(g1g, 3) * 8, 0x1c0200000ULL | P | PS);
	PF(&c, g1g, 0, P | KVMX_PFERR_RSVD);
	/* PS in a PML4E is reserved */
	set64(0x6000 + idx(gva, 4) * 8, 0x7000 | P | RW | PS);
	PF(&c, gva, W, P | W | KVMX_PFERR_RSVD);
	/* NX without NXE: reserved, no I/D bit */
	set64(0x6000 + idx(gva, 4) * 8, 0x7000 | P | RW);
	c.efer = LME_LMA;
	PF(&c, gva, F, P | KVMX_PFERR_RSVD);
	OK(&c, g2m, F, 0x3ff23456ULL);
	/* a supervisor PML4E hides the user tree below it */
	set64(0x6000 + idx(ugva, 4) * 8, 0xb000 | P | RW);
	PF(&c, ugva, U, P | U);
	OK(&c, ugva, 0, 0x55000);
	PF(&c, ugva, W, P | W);		/* read-only PTE, CR0.WP=1 */
}

TEST(long_mode_wp_and_read_only)
{
	struct ctx c = { .cr0 = PG, .cr3 = 0x6000, .cr4 = PAE,
			 .efer = LME_LMA };
	u64 gva = 0x40201000ULL;

	memset(ram, 0, sizeof(ram));
	set64(0x6000 + idx(gva, 4) * 8, 0x7000 | P | RW | US);
	set64(0x7000 + idx(gva, 3) * 8, 0x8000 | P | RW | US);
	set64(0x8000 + idx(gva, 2) * 8, 0x9000 | P | US);	/* RO */
	set64(0x9000 + idx(gva, 1) * 8, 0x42000 | P | RW | US);
	OK(&c, gva, W, 0x42000);	/* WP=0: supervisor may write */
	PF(&c, gva, W | U, P | W | U);
	c.cr0 |= WP;
	PF(&c, gva, W, P | W);
	OK(&c, gva, 0, 0x42000);
}

TEST(five_level)
{
	struct ctx c = { .cr0 = PG, .cr3 = 0x6000, .cr4 = PAE | LA57,
			 .efer = LME_LMA | NXE };
	u64 gva = 0x0012345678901000ULL;	/* bits 56:48 = 0x12 */
	u64 o;

	memset(ram, 0, sizeof(ram));
	set64(0x6000 + idx(gva, 5) * 8, 0x7000 | P | RW);
	set64(0x7000 + idx(gva, 4) * 8, 0x8000 | P | RW);
	set64(0x8000 + idx(gva, 3) * 8, 0x9000 | P | RW);
	set64(0x9000 + idx(gva, 2) * 8, 0xa000 | P | RW);
	set64(0xa000 + idx(gva, 1) * 8, 0x77000 | P | RW);
	OK(&c, gva | 0x321, W, 0x77321);
	/* canonical under 57 bits, not under 48 */
	EXPECT_EQ(-EINVAL, walk(&c, 0x0100000000000000ULL, 0, &o));
	c.cr4 = PAE;
	EXPECT_EQ(-EINVAL, walk(&c, gva, 0, &o));
	c.cr4 = PAE | LA57;
	/* PS in a PML5E is reserved */
	set64(0x6000 + idx(gva, 5) * 8, 0x7000 | P | RW | PS);
	PF(&c, gva, 0, P | KVMX_PFERR_RSVD);
}

TEST(tables_outside_ram)
{
	struct ctx c = { .cr0 = PG, .cr3 = 0x40000000, .cr4 = PAE,
			 .efer = LME_LMA };
	u64 o;

	memset(ram, 0, sizeof(ram));
	EXPECT_EQ(-EIO, walk(&c, 0x1000, 0, &o));
	c.cr3 = 0x1000;
	set64(0x1000, 0x80000000ULL | P | RW);	/* PDPT outside RAM */
	EXPECT_EQ(-EIO, walk(&c, 0x1000, 0, &o));
	c.cr4 = 0;
	c.efer = 0;
	c.cr3 = 0xfffff000;
	EXPECT_EQ(-EIO, walk(&c, 0x1000, 0, &o));
}

/* Random tables and addresses: no crash, only the documented results. */
TEST(random_tables)
{
	static const struct ctx modes[] = {
		{ PG, 0, 0, 0 },
		{ PG | WP, 0, PSE | SMEP | SMAP, 0 },
		{ PG, 0, PAE, NXE },
		{ PG | WP, 0, PAE | SMEP, 0 },
		{ PG, 0, PAE, LME_LMA | NXE },
		{ PG, 0, PAE | LA57 | SMAP, LME_LMA },
	};
	unsigned int i, n, ok = 0, pf = 0;

	srandom(31337);
	for (i = 0; i < 200; i++) {
		/* Entries point back into RAM most of the time. */
		for (n = 0; n < RAM_SIZE / 8; n++) {
			u64 e = ((u64)random() << 32) ^ random();

			if (random() & 3)
				e = (e & 0x8000000000000fffULL) |
				    ((e >> 12) % (RAM_SIZE >> 12)) << 12;
			if (random() & 1)
				e &= ~0x7ff0000000000000ULL;
			set64(n * 8, e);
		}
		for (n = 0; n < 500; n++) {
			struct ctx c = modes[n % 6];
			u64 gva = ((u64)random() << 33) ^ random();
			u64 o, o2;
			int r, r2;

			if (random() & 1)
				gva = (u64)((s64)(gva << 16) >> 16);
			c.cr3 = (random() % (RAM_SIZE >> 12)) << 12;
			r = walk(&c, gva, random() & (W | U | F), &o);
			ASSERT_TRUE(r == 0 || r == -EFAULT || r == -EINVAL ||
				    r == -EIO);
			if (r == -EFAULT) {
				pf++;
				ASSERT_EQ(0ULL, o & ~0x1fULL);
			}
			if (r == 0) {
				ok++;
				if (!(c.efer & KVMX_EFER_LMA) &&
				    !(c.cr4 & PAE))
					ASSERT_EQ(0ULL, o >> 40);
				ASSERT_EQ(0ULL, o >> 52);
			}
			r2 = walk(&c, gva, 0, &o2);
			if (r == 0)
				ASSERT_EQ(0, r2 == -EIO);
		}
	}
	EXPECT_GT(ok, 100);
	EXPECT_GT(pf, 100);
	TH_LOG("%u translations, %u faults", ok, pf);
}

TEST_HARNESS_MAIN

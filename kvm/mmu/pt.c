// SPDX-License-Identifier: GPL-2.0
/*
 * Page-table format code: see pt.h.  Tables are only freed with the VM;
 * zapping clears leaf entries and leaves the (now sparse) tables in place,
 * which keeps the lock-held work bounded and the code simple.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>

#include "pt.h"

#define KVMX_PT_ENTRIES		512
#define KVMX_PT_SHIFT		9

/* NPT: x86-64 entries; guest accesses count as user accesses. */
#define KVMX_NPT_P	BIT_ULL(0)
#define KVMX_NPT_RW	BIT_ULL(1)
#define KVMX_NPT_US	BIT_ULL(2)
#define KVMX_NPT_A	BIT_ULL(5)
#define KVMX_NPT_D	BIT_ULL(6)
#define KVMX_NPT_PS	BIT_ULL(7)

const struct kvmx_pt_fmt kvmx_npt_fmt = {
	.present	= KVMX_NPT_P,
	.table		= KVMX_NPT_P | KVMX_NPT_RW | KVMX_NPT_US | KVMX_NPT_A,
	.leaf		= KVMX_NPT_P | KVMX_NPT_US | KVMX_NPT_A | KVMX_NPT_D,
	.writable	= KVMX_NPT_RW,
	.huge		= KVMX_NPT_PS,
	.addr_mask	= GENMASK_ULL(51, 12),
};

/**
 * kvmx_pt_cache_topup() - fill the page cache before taking mmu_lock
 * @c: the cache
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_pt_cache_topup(struct kvmx_pt_cache *c)
{
	while (c->nr < KVMX_PT_CACHE_PAGES) {
		struct page *p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

		if (!p)
			return -ENOMEM;
		c->pages[c->nr++] = p;
	}
	return 0;
}

/**
 * kvmx_pt_cache_free() - release unused cached pages
 * @c: the cache
 */
void kvmx_pt_cache_free(struct kvmx_pt_cache *c)
{
	while (c->nr)
		__free_page(c->pages[--c->nr]);
}

static struct page *kvmx_pt_alloc(struct kvmx_mmu *mmu,
				  struct kvmx_pt_cache *c)
{
	struct page *p;

	if (c) {
		if (!c->nr)
			return NULL;
		p = c->pages[--c->nr];
	} else {
		p = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!p)
			return NULL;
	}
	list_add(&p->lru, &mmu->pages);
	mmu->nr_pages++;
	return p;
}

/**
 * kvmx_pt_init() - allocate an empty root
 * @mmu: the MMU
 * @levels: 4 or 5
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_pt_init(struct kvmx_mmu *mmu, int levels)
{
	INIT_LIST_HEAD(&mmu->pages);
	mmu->levels = levels;
	mmu->root = kvmx_pt_alloc(mmu, NULL);
	return mmu->root ? 0 : -ENOMEM;
}

/**
 * kvmx_pt_free() - free every table page
 * @mmu: the MMU, no longer in use by any vCPU
 */
void kvmx_pt_free(struct kvmx_mmu *mmu)
{
	struct page *p, *tmp;

	list_for_each_entry_safe(p, tmp, &mmu->pages, lru) {
		list_del(&p->lru);
		__free_page(p);
	}
	mmu->root = NULL;
	mmu->nr_pages = 0;
}

static unsigned int kvmx_pt_index(u64 gfn, int level)
{
	return (gfn >> (KVMX_PT_SHIFT * (level - 1))) & (KVMX_PT_ENTRIES - 1);
}

/**
 * kvmx_pt_map() - map guest frame @gfn to host frame @pfn
 * @mmu: the MMU
 * @fmt: entry format
 * @gfn: guest frame (aligned to the mapping size)
 * @pfn: host frame (aligned likewise)
 * @level: KVMX_PT_LEVEL_4K or KVMX_PT_LEVEL_2M
 * @writable: allow guest writes
 * @c: preallocated pages for missing tables
 * @replaced: set when a mapping of another size was dropped on the way,
 *	so that the caller flushes TLBs
 *
 * Return: 0, or -ENOMEM if @c ran dry.
 */
int kvmx_pt_map(struct kvmx_mmu *mmu, const struct kvmx_pt_fmt *fmt,
		u64 gfn, u64 pfn, int level, bool writable,
		struct kvmx_pt_cache *c, bool *replaced)
{
	u64 *table = page_address(mmu->root);
	u64 *e, leaf;
	int l;

	for (l = mmu->levels; l > level; l--) {
		e = &table[kvmx_pt_index(gfn, l)];
		if (!(*e & fmt->present) || (*e & fmt->huge)) {
			struct page *p = kvmx_pt_alloc(mmu, c);

			if (!p)
				return -ENOMEM;
			if (*e & fmt->present)
				*replaced = true;
			WRITE_ONCE(*e, page_to_phys(p) | fmt->table);
		}
		table = __va(*e & fmt->addr_mask);
	}
	e = &table[kvmx_pt_index(gfn, level)];
	leaf = ((pfn << PAGE_SHIFT) & fmt->addr_mask) | fmt->leaf |
	       (writable ? fmt->writable : 0) |
	       (level > KVMX_PT_LEVEL_4K ? fmt->huge : 0);
	/* A lower table replaced by a large leaf stays allocated. */
	if (level > KVMX_PT_LEVEL_4K && (*e & fmt->present) &&
	    !(*e & fmt->huge))
		*replaced = true;
	WRITE_ONCE(*e, leaf);
	return 0;
}

static bool kvmx_pt_zap_level(const struct kvmx_pt_fmt *fmt, u64 *table,
			      int level, u64 base, u64 start, u64 end)
{
	u64 span = 1ULL << (KVMX_PT_SHIFT * (level - 1));
	bool zapped = false;
	unsigned int i;

	for (i = 0; i < KVMX_PT_ENTRIES; i++) {
		u64 lo = base + i * span, hi = lo + span;

		if (hi <= start || lo >= end || !(table[i] & fmt->present))
			continue;
		if (level == 1 || (table[i] & fmt->huge)) {
			WRITE_ONCE(table[i], 0);
			zapped = true;
		} else {
			zapped |= kvmx_pt_zap_level(fmt,
					__va(table[i] & fmt->addr_mask),
					level - 1, lo, start, end);
		}
	}
	return zapped;
}

/**
 * kvmx_pt_zap() - remove the mappings of guest frames [@start, @end)
 * @mmu: the MMU
 * @fmt: entry format
 * @start: first guest frame
 * @end: frame after the last
 *
 * Return: true if a present entry was removed (TLBs need a flush).
 */
bool kvmx_pt_zap(struct kvmx_mmu *mmu, const struct kvmx_pt_fmt *fmt,
		 u64 start, u64 end)
{
	if (!mmu->root || start >= end)
		return false;
	return kvmx_pt_zap_level(fmt, page_address(mmu->root), mmu->levels,
				 0, start, end);
}

/**
 * kvmx_pt_wrprotect() - take write permission away from one guest frame
 * @mmu: the MMU
 * @fmt: entry format
 * @gfn: the guest frame
 *
 * A 4 KiB leaf loses its writable bit.  A large leaf covering @gfn is
 * removed instead (the next access maps 4 KiB again), so that the rest of
 * its range does not become read-only behind the caller's back.
 *
 * Return: true if an entry changed (TLBs need a flush).
 */
bool kvmx_pt_wrprotect(struct kvmx_mmu *mmu, const struct kvmx_pt_fmt *fmt,
		       u64 gfn)
{
	u64 *table, *e;
	int l;

	if (!mmu->root)
		return false;
	table = page_address(mmu->root);
	for (l = mmu->levels; l >= KVMX_PT_LEVEL_4K; l--) {
		e = &table[kvmx_pt_index(gfn, l)];
		if (!(*e & fmt->present))
			return false;
		if (l > KVMX_PT_LEVEL_4K && (*e & fmt->huge)) {
			WRITE_ONCE(*e, 0);
			return true;
		}
		if (l == KVMX_PT_LEVEL_4K)
			break;
		table = __va(*e & fmt->addr_mask);
	}
	if (!(*e & fmt->writable))
		return false;
	WRITE_ONCE(*e, *e & ~fmt->writable);
	return true;
}

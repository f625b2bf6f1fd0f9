/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmx_ksm internals shared by the module's files.
 *
 * Locking, outermost first:
 *   kvmx_ksm.lock (mutex)        scanner batches, the region list, both
 *                                trees, items, knob changes, unmerge,
 *                                region teardown
 *   mmap_lock (fault path only)  never taken by the scanner
 *   region->slot_lock[]          one slot's state and its page tables:
 *                                every change of a slot's entry and the
 *                                unmap of that slot happen under it, and
 *                                so does every PTE the fault path installs
 *   i_mmap_rwsem, page table locks (inside unmap_mapping_pages())
 * The fault path never takes kvmx_ksm.lock; the scanner never takes
 * mmap_lock.
 */
#ifndef KVMX_KSM_H
#define KVMX_KSM_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/xarray.h>

#include "tree.h"

#define KVMX_KSM_SLOT_LOCKS	16
/* Largest region, in pages (16 TiB with 4 KiB pages). */
#define KVMX_KSM_MAX_PAGES	BIT_ULL(32)
/* Slot entry of a page merged with the kernel zero page. */
#define KVMX_KSM_ZERO_ENTRY	xa_mk_value(1)

/**
 * struct kvmx_ksm_region - the memory behind one open() of /dev/kvmx-ksm
 * @mapping: this region's own address_space (the file's f_mapping), whose
 *           i_mmap tree lists every VMA of every mm mapping the region,
 *           so unmap_mapping_pages() reaches all of them
 * @pages: slot index -> struct page * (private or KSM page), or
 *         KVMX_KSM_ZERO_ENTRY; no entry means never written (zero)
 * @items: slot index -> struct kvmx_ksm_item (scanner state)
 * @slot_lock: striped by slot index; see the locking rules above
 * @link: on kvmx_ksm.regions
 * @id: for debugfs
 * @nr_private: private pages held
 * @nr_merged: slots mapping a KSM page
 * @nr_zero: slots merged with the zero page
 */
struct kvmx_ksm_region {
	struct address_space mapping;
	struct xarray pages;
	struct xarray items;
	struct mutex slot_lock[KVMX_KSM_SLOT_LOCKS];	/* see above */
	struct list_head link;
	u64 id;
	atomic_long_t nr_private;
	atomic_long_t nr_merged;
	atomic_long_t nr_zero;
};

/**
 * struct kvmx_ksm_item - scanner state of one private page
 * @node: in the unstable tree while @tree_seq == kvmx_ksm.seq
 * @region: owner
 * @index: slot
 * @sum: checksum memory for the skip rule
 * @tree_seq: scan round whose unstable tree holds @node; 0 if none
 */
struct kvmx_ksm_item {
	struct rb_node node;
	struct kvmx_ksm_region *region;
	pgoff_t index;
	struct kvmx_ksm_sum sum;
	unsigned long tree_seq;
};

/**
 * struct kvmx_ksm_stable - one write-protected KSM page
 * @node: in kvmx_ksm.stable, ordered by content, if @in_tree
 * @chain: KSM pages with equal content (several once one reaches
 *         max_page_sharing) form a ring; one of them is in the tree
 * @in_tree: this one represents the ring in the tree
 * @sum_node: in kvmx_ksm.stable_sums, ordered by @sum, if @in_tree
 * @sum: checksum of the content
 * @page: the page; page_private(@page) points back here
 * @sharers: slots mapping @page plus the scanner's reservation; at 0 the
 *           node is dead (content still valid) until the scanner prunes
 *           or revives it.  Only the scanner increments it.
 */
struct kvmx_ksm_stable {
	struct rb_node node;
	struct list_head chain;
	bool in_tree;
	struct rb_node sum_node;
	u64 sum;
	struct page *page;
	atomic_t sharers;
};

/**
 * struct kvmx_ksm_state - module-wide state
 * @lock: see the locking rules above
 * @regions: all live regions
 * @stable: stable tree
 * @stable_sums: the stable tree's nodes again, ordered by checksum
 * @unstable: unstable tree of scan round @seq
 * @seq: current scan round (starts at 1)
 * @cursor: region being scanned, NULL to start over
 * @cursor_index: next slot of @cursor
 * @round_visits: slots visited in the current round
 * @run: 0 stop, 1 run, 2 unmerged
 * @pages_to_scan: per batch
 * @sleep_millisecs: between batches
 * @max_page_sharing: sharers per KSM page
 * @use_zero_pages: merge zero-filled pages with ZERO_PAGE(0)
 * @merge_across_nodes: 0 merges only pages on the same NUMA node
 * @prune_millisecs: prune dead stable nodes at least this often
 * @last_prune: jiffies of the last prune
 * @full_scans: completed scan rounds
 * @pages_scanned: slots visited
 * @stable_nodes: live stable nodes
 * @stable_total: stable nodes allocated (live and dead)
 * @merged_slots: slots mapping a KSM page
 * @zero_slots: slots merged with the zero page
 * @items: scanner items
 * @unstable_items: items in an unstable tree
 * @pages_allocated: pages the module holds (private and KSM)
 * @next_region_id: for debugfs
 * @thread: the scanner
 * @wait: the scanner sleeps here
 */
struct kvmx_ksm_state {
	struct mutex lock;		/* see the locking rules */
	struct list_head regions;
	struct rb_root stable;
	struct rb_root stable_sums;
	struct rb_root unstable;
	unsigned long seq;
	struct kvmx_ksm_region *cursor;
	pgoff_t cursor_index;
	unsigned long round_visits;
	unsigned int run;
	unsigned int pages_to_scan;
	unsigned int sleep_millisecs;
	unsigned int max_page_sharing;
	bool use_zero_pages;
	bool merge_across_nodes;
	unsigned int prune_millisecs;
	unsigned long last_prune;
	unsigned long full_scans;
	atomic_long_t pages_scanned;
	atomic_long_t stable_nodes;
	atomic_long_t stable_total;
	atomic_long_t merged_slots;
	atomic_long_t zero_slots;
	atomic_long_t items;
	atomic_long_t unstable_items;
	atomic_long_t pages_allocated;
	u64 next_region_id;
	struct task_struct *thread;
	wait_queue_head_t wait;
};

extern struct kvmx_ksm_state kvmx_ksm;

#define KVMX_KSM_RUN_STOP	0
#define KVMX_KSM_RUN_MERGE	1
#define KVMX_KSM_RUN_UNMERGE	2

/* region.c */
int kvmx_ksm_dev_register(void);
void kvmx_ksm_dev_unregister(void);
struct mutex *kvmx_ksm_slot_lock(struct kvmx_ksm_region *r, pgoff_t index);
struct page *kvmx_ksm_alloc_page(void);
void kvmx_ksm_free_page(struct page *page);
void kvmx_ksm_unmap_slot(struct kvmx_ksm_region *r, pgoff_t index);
int kvmx_ksm_break_cow(struct kvmx_ksm_region *r, pgoff_t index);

/* stable.c */
static inline struct kvmx_ksm_stable *kvmx_ksm_page_stable(struct page *p)
{
	return (struct kvmx_ksm_stable *)page_private(p);
}

void kvmx_ksm_stable_put(struct kvmx_ksm_stable *s);
void kvmx_ksm_stable_prune(void);
void kvmx_ksm_stable_chains(long *chains, long *dups);
struct kvmx_ksm_stable *kvmx_ksm_stable_find(const void *kaddr);
struct kvmx_ksm_stable *kvmx_ksm_stable_find_sum(u64 sum);
u64 kvmx_ksm_checksum(const void *addr);
struct kvmx_ksm_stable *kvmx_ksm_stable_new(struct page *page, int sharers);
void kvmx_ksm_stable_undo(struct kvmx_ksm_stable *s);
int kvmx_ksm_stable_init(void);
void kvmx_ksm_stable_exit(void);

/* scan.c */
int kvmx_ksm_scan_init(void);
void kvmx_ksm_scan_exit(void);
void kvmx_ksm_scan_wake(void);
void kvmx_ksm_region_forget(struct kvmx_ksm_region *r);
void kvmx_ksm_item_free(struct kvmx_ksm_item *item);
int kvmx_ksm_unmerge_all(void);
void kvmx_ksm_figures(struct kvmx_ksm_figures *f);

/* sysfs.c */
int kvmx_ksm_sysfs_init(void);
void kvmx_ksm_sysfs_exit(void);

/* debugfs.c */
void kvmx_ksm_debugfs_init(void);
void kvmx_ksm_debugfs_exit(void);

#endif

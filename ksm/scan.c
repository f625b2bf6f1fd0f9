// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm scanner: the kthread that walks every region's pages, and the
 * merge steps.
 *
 * Per private page, as upstream KSM: try the stable tree first; else, if
 * the page's checksum did not change since the last visit (or, with the
 * first_pass_merge parameter, if this is the first visit), search the
 * unstable tree and insert the page there if nothing equal is found; an
 * equal unstable page becomes a new KSM page and this page merges into it.
 * With use_zero_pages, zero-filled pages are merged with the zero page
 * instead.  The unstable tree is rebuilt every round (items of the old
 * round are dropped from the count when next visited).
 *
 * A merge freezes the page first: under the slot lock it unmaps the slot
 * everywhere, checks that the slot's reference is the only one left (no
 * write fault in flight, no pin), then compares the content for real and
 * swaps the slot's entry.  A write racing in either faults on the slot
 * lock and sees the result, or held a reference and made us back off.
 */
#include <linux/freezer.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/xxhash.h>

#include "ksm.h"

/* Sleep when there is nothing to scan, even with sleep_millisecs 0. */
#define KVMX_KSM_IDLE_MS	20U
/* Pages between drops of kvmx_ksm.lock inside a batch. */
#define KVMX_KSM_LOCK_BATCH	64

static struct kmem_cache *kvmx_ksm_item_cache;

static bool kvmx_ksm_first_pass_merge;
module_param_named(first_pass_merge, kvmx_ksm_first_pass_merge, bool, 0644);
MODULE_PARM_DESC(first_pass_merge,
		 "Let a page seen for the first time into the unstable tree (default N: wait one scan round, as upstream)");
static u64 kvmx_ksm_zero_sum;

/**
 * kvmx_ksm_checksum() - the scanner's page checksum
 * @addr: page content
 *
 * Return: xxhash of the page.
 */
u64 kvmx_ksm_checksum(const void *addr)
{
	return xxhash(addr, PAGE_SIZE, 0);
}

static bool kvmx_ksm_pages_identical(struct page *a, struct page *b)
{
	void *x = kmap_local_page(a), *y = kmap_local_page(b);
	bool same = !kvmx_ksm_content_cmp(x, y, PAGE_SIZE);

	kunmap_local(y);
	kunmap_local(x);
	return same;
}

/* Bytes compared before freezing a page on a checksum hint. */
#define KVMX_KSM_PREFIX	256

static bool kvmx_ksm_prefix_equal(struct page *a, struct page *b)
{
	void *x = kmap_local_page(a), *y = kmap_local_page(b);
	bool same = !kvmx_ksm_content_cmp(x, y, KVMX_KSM_PREFIX);

	kunmap_local(y);
	kunmap_local(x);
	return same;
}

static void kvmx_ksm_item_untree(struct kvmx_ksm_item *item)
{
	if (!item->tree_seq)
		return;
	if (item->tree_seq == kvmx_ksm.seq)
		rb_erase(&item->node, &kvmx_ksm.unstable);
	item->tree_seq = 0;
	atomic_long_dec(&kvmx_ksm.unstable_items);
}

/**
 * kvmx_ksm_item_free() - forget the scanner state of one slot
 * @item: item; its slot no longer holds a private page, or the region goes
 */
void kvmx_ksm_item_free(struct kvmx_ksm_item *item)
{
	kvmx_ksm_item_untree(item);
	xa_erase(&item->region->items, item->index);
	atomic_long_dec(&kvmx_ksm.items);
	kmem_cache_free(kvmx_ksm_item_cache, item);
}

/**
 * kvmx_ksm_region_forget() - free all scanner state of @r
 * @r: region being torn down; kvmx_ksm.lock held
 */
void kvmx_ksm_region_forget(struct kvmx_ksm_region *r)
{
	struct kvmx_ksm_item *item;
	unsigned long index;

	xa_for_each(&r->items, index, item) {
		kvmx_ksm_item_free(item);
		cond_resched();
	}
	xa_destroy(&r->items);
}

/*
 * Freeze private page @page in slot @index: unmap it everywhere and check
 * that only the slot holds it.  Returns with the slot lock held on
 * success.
 */
static struct mutex *kvmx_ksm_freeze(struct kvmx_ksm_region *r,
				     pgoff_t index, struct page *page)
{
	struct mutex *lock = kvmx_ksm_slot_lock(r, index); /* slot's */

	mutex_lock(lock);
	if (xa_load(&r->pages, index) != page)
		goto busy;
	kvmx_ksm_unmap_slot(r, index);
	if (page_count(page) != 1)
		goto busy;
	return lock;
busy:
	mutex_unlock(lock);
	return NULL;
}

/* merge_across_nodes=0 keeps every KSM page's sharers on its node. */
static bool kvmx_ksm_nodes_may_merge(struct page *a, struct page *b)
{
	return READ_ONCE(kvmx_ksm.merge_across_nodes) ||
	       page_to_nid(a) == page_to_nid(b);
}

/* Merge private @page of slot @index into @s (one sharer reserved). */
static int kvmx_ksm_merge_stable(struct kvmx_ksm_region *r, pgoff_t index,
				 struct page *page, struct kvmx_ksm_stable *s)
{
	struct mutex *lock;	/* the slot's */
	void *prev;

	if (!kvmx_ksm_nodes_may_merge(page, s->page))
		return -EAGAIN;
	lock = kvmx_ksm_freeze(r, index, page);
	if (!lock)
		return -EBUSY;
	if (!kvmx_ksm_pages_identical(page, s->page)) {
		mutex_unlock(lock);
		return -EAGAIN;
	}
	get_page(s->page);
	prev = xa_store(&r->pages, index, s->page, GFP_KERNEL);
	WARN_ON_ONCE(prev != page);
	atomic_long_dec(&r->nr_private);
	atomic_long_inc(&r->nr_merged);
	atomic_long_inc(&kvmx_ksm.merged_slots);
	mutex_unlock(lock);
	kvmx_ksm_free_page(page);
	return 0;
}

static void kvmx_ksm_merge_zero(struct kvmx_ksm_item *item, struct page *page)
{
	struct kvmx_ksm_region *r = item->region;
	pgoff_t index = item->index;
	struct mutex *lock = kvmx_ksm_freeze(r, index, page);
	void *addr;
	bool zero;

	if (!lock)
		return;
	addr = kmap_local_page(page);
	zero = !memchr_inv(addr, 0, PAGE_SIZE);
	kunmap_local(addr);
	if (!zero) {
		mutex_unlock(lock);
		return;
	}
	xa_store(&r->pages, index, KVMX_KSM_ZERO_ENTRY, GFP_KERNEL);
	atomic_long_dec(&r->nr_private);
	atomic_long_inc(&r->nr_zero);
	atomic_long_inc(&kvmx_ksm.zero_slots);
	mutex_unlock(lock);
	kvmx_ksm_free_page(page);
	kvmx_ksm_item_free(item);
}

/*
 * @item (page @page) equals @other from the unstable tree: make @other's
 * page a KSM page, then merge @page into it.
 */
static void kvmx_ksm_merge_pair(struct kvmx_ksm_item *item, struct page *page,
				struct kvmx_ksm_item *other)
{
	struct kvmx_ksm_region *r2 = other->region;
	pgoff_t i2 = other->index;
	struct page *page2 = xa_load(&r2->pages, i2);
	struct kvmx_ksm_stable *s;
	struct mutex *lock;	/* the slot's */

	/* @other stays in the tree for a page on its own node. */
	if (page2 && !xa_is_value(page2) &&
	    !kvmx_ksm_nodes_may_merge(page, page2))
		return;
	kvmx_ksm_item_untree(other);
	/* Unstable items always name private pages; be sure anyway. */
	if (WARN_ON_ONCE(!page2 || xa_is_value(page2) || page_private(page2)))
		return;
	lock = kvmx_ksm_freeze(r2, i2, page2);
	if (!lock)
		return;
	if (!kvmx_ksm_pages_identical(page, page2)) {
		mutex_unlock(lock);
		return;
	}
	s = kvmx_ksm_stable_new(page2, 2);
	if (!s) {
		mutex_unlock(lock);
		return;
	}
	atomic_long_dec(&r2->nr_private);
	atomic_long_inc(&r2->nr_merged);
	atomic_long_inc(&kvmx_ksm.merged_slots);
	mutex_unlock(lock);
	kvmx_ksm_item_free(other);

	if (!kvmx_ksm_merge_stable(item->region, item->index, page, s)) {
		kvmx_ksm_item_free(item);
		return;
	}
	/* @page changed or is busy: a one-sharer KSM page helps nobody. */
	mutex_lock(lock);
	if (atomic_read(&s->sharers) == 2 && xa_load(&r2->pages, i2) == page2) {
		atomic_long_inc(&r2->nr_private);
		atomic_long_dec(&r2->nr_merged);
		atomic_long_dec(&kvmx_ksm.merged_slots);
		kvmx_ksm_stable_undo(s);
	} else {
		kvmx_ksm_stable_put(s);
	}
	mutex_unlock(lock);
}

static int kvmx_ksm_unstable_cmp(const void *key, struct rb_node *node,
				 void *ctx)
{
	struct kvmx_ksm_item *item = rb_entry(node, struct kvmx_ksm_item,
					      node);
	struct page *page = xa_load(&item->region->pages, item->index);
	void *addr = kmap_local_page(page);
	int c = kvmx_ksm_content_cmp(key, addr, PAGE_SIZE);

	kunmap_local(addr);
	return c;
}

static struct kvmx_ksm_item *kvmx_ksm_item_get(struct kvmx_ksm_region *r,
					       pgoff_t index)
{
	struct kvmx_ksm_item *item = xa_load(&r->items, index);

	if (item)
		return item;
	item = kmem_cache_zalloc(kvmx_ksm_item_cache, GFP_KERNEL);
	if (!item)
		return NULL;
	item->region = r;
	item->index = index;
	if (xa_err(xa_store(&r->items, index, item, GFP_KERNEL))) {
		kmem_cache_free(kvmx_ksm_item_cache, item);
		return NULL;
	}
	atomic_long_inc(&kvmx_ksm.items);
	return item;
}

/*
 * One private page: the decision chain described at the top.  @item is
 * out of any tree.  Returns true if it went into the unstable tree;
 * otherwise it may have been freed.
 */
static bool kvmx_ksm_scan_item(struct kvmx_ksm_item *item,
			       struct kvmx_ksm_region *r, pgoff_t index,
			       struct page *page)
{
	struct kvmx_ksm_stable *s;
	struct rb_node *hit;
	bool settled;
	void *addr;
	u64 sum;

	/*
	 * A KSM page with the checksum this page had last time: freeze the
	 * page and compare once, instead of comparing during the lookup and
	 * again under the freeze.
	 */
	if (item->sum.valid) {
		s = kvmx_ksm_stable_find_sum(item->sum.value);
		/* A cheap look first: do not unmap a page that changed. */
		if (s && !kvmx_ksm_prefix_equal(page, s->page)) {
			kvmx_ksm_stable_put(s);
			s = NULL;
		}
		if (s) {
			if (!kvmx_ksm_merge_stable(r, index, page, s)) {
				kvmx_ksm_item_free(item);
				return false;
			}
			kvmx_ksm_stable_put(s);
		}
	}

	addr = kmap_local_page(page);
	s = kvmx_ksm_stable_find(addr);
	if (s) {
		kunmap_local(addr);
		if (!kvmx_ksm_merge_stable(r, index, page, s))
			kvmx_ksm_item_free(item);
		else
			kvmx_ksm_stable_put(s);
		return false;
	}

	sum = kvmx_ksm_checksum(addr);
	if (kvmx_ksm.use_zero_pages && sum == kvmx_ksm_zero_sum &&
	    !memchr_inv(addr, 0, PAGE_SIZE)) {
		kunmap_local(addr);
		kvmx_ksm_merge_zero(item, page);
		return false;
	}

	settled = kvmx_ksm_sum_settled(&item->sum, sum,
				       READ_ONCE(kvmx_ksm_first_pass_merge));
	if (!settled) {
		kunmap_local(addr);
		return false;
	}
	hit = kvmx_ksm_tree_search_insert(&kvmx_ksm.unstable, addr,
					  &item->node, kvmx_ksm_unstable_cmp,
					  NULL);
	kunmap_local(addr);
	if (!hit) {
		item->tree_seq = kvmx_ksm.seq;
		return true;
	}
	kvmx_ksm_merge_pair(item, page,
			    rb_entry(hit, struct kvmx_ksm_item, node));
	return false;
}

/*
 * Visit one private page.  An item waiting in last round's tree and going
 * into this round's stays counted throughout, so pages_unshared does not
 * dip while the scanner passes.
 */
static void kvmx_ksm_scan_page(struct kvmx_ksm_region *r, pgoff_t index,
			       struct page *page)
{
	struct kvmx_ksm_item *item = kvmx_ksm_item_get(r, index);
	bool was_counted, counted;

	if (!item)
		return;
	was_counted = item->tree_seq != 0;
	if (item->tree_seq == kvmx_ksm.seq)
		rb_erase(&item->node, &kvmx_ksm.unstable);
	item->tree_seq = 0;
	counted = kvmx_ksm_scan_item(item, r, index, page);
	if (was_counted && !counted)
		atomic_long_dec(&kvmx_ksm.unstable_items);
	else if (!was_counted && counted)
		atomic_long_inc(&kvmx_ksm.unstable_items);
}

static void kvmx_ksm_round_end(void)
{
	kvmx_ksm.full_scans++;
	kvmx_ksm.seq++;
	kvmx_ksm.unstable = RB_ROOT;
	kvmx_ksm_stable_prune();
}

/* Next present slot after the cursor; false at the end of a round. */
static bool kvmx_ksm_next(struct kvmx_ksm_region **rp, pgoff_t *ip,
			  void **ep)
{
	struct kvmx_ksm_region *r;
	unsigned long index;
	void *entry;

	for (;;) {
		r = kvmx_ksm.cursor;
		if (!r) {
			if (list_empty(&kvmx_ksm.regions))
				return false;
			r = list_first_entry(&kvmx_ksm.regions,
					     struct kvmx_ksm_region, link);
			kvmx_ksm.cursor = r;
			kvmx_ksm.cursor_index = 0;
		}
		index = kvmx_ksm.cursor_index;
		entry = xa_find(&r->pages, &index, ULONG_MAX, XA_PRESENT);
		if (entry) {
			kvmx_ksm.cursor_index = index + 1;
			*rp = r;
			*ip = index;
			*ep = entry;
			return true;
		}
		kvmx_ksm.cursor_index = 0;
		if (list_is_last(&r->link, &kvmx_ksm.regions)) {
			kvmx_ksm.cursor = NULL;
			return false;
		}
		kvmx_ksm.cursor = list_next_entry(r, link);
	}
}

/*
 * Scan up to @budget slots; called and returns with kvmx_ksm.lock.
 * A round that found nothing to visit is not counted as a full scan.
 * Returns the slots visited.
 */
static unsigned int kvmx_ksm_scan_batch(unsigned int budget)
{
	struct kvmx_ksm_region *r;
	unsigned int done = 0;
	pgoff_t index;
	void *entry;

	while (done < budget && kvmx_ksm.run == KVMX_KSM_RUN_MERGE) {
		if (!kvmx_ksm_next(&r, &index, &entry)) {
			if (!kvmx_ksm.round_visits)
				break;
			kvmx_ksm_round_end();
			kvmx_ksm.round_visits = 0;
			continue;
		}
		done++;
		kvmx_ksm.round_visits++;
		atomic_long_inc(&kvmx_ksm.pages_scanned);
		if (!xa_is_value(entry) && !page_private((struct page *)entry))
			kvmx_ksm_scan_page(r, index, entry);
		if (time_after(jiffies, kvmx_ksm.last_prune +
			       msecs_to_jiffies(kvmx_ksm.prune_millisecs)))
			kvmx_ksm_stable_prune();
		if (!(done % KVMX_KSM_LOCK_BATCH)) {
			mutex_unlock(&kvmx_ksm.lock);
			cond_resched();
			mutex_lock(&kvmx_ksm.lock);
		}
	}
	return done;
}

static bool kvmx_ksm_should_wake(void)
{
	return kthread_should_stop() ||
	       READ_ONCE(kvmx_ksm.run) == KVMX_KSM_RUN_MERGE;
}

static void kvmx_ksm_sleep(unsigned long timeout)
{
	wait_event_freezable_timeout(kvmx_ksm.wait, kthread_should_stop(),
				     timeout);
}

static int kvmx_ksm_thread(void *unused)
{
	unsigned int ms, done = 0;

	set_freezable();
	set_user_nice(current, 5);
	while (!kthread_should_stop()) {
		mutex_lock(&kvmx_ksm.lock);
		if (kvmx_ksm.run == KVMX_KSM_RUN_MERGE)
			done = kvmx_ksm_scan_batch(kvmx_ksm.pages_to_scan);
		mutex_unlock(&kvmx_ksm.lock);

		if (READ_ONCE(kvmx_ksm.run) == KVMX_KSM_RUN_MERGE) {
			ms = READ_ONCE(kvmx_ksm.sleep_millisecs);
			/* Nothing mapped anywhere: do not spin. */
			if (!done)
				ms = max(ms, KVMX_KSM_IDLE_MS);
			if (ms)
				kvmx_ksm_sleep(msecs_to_jiffies(ms));
			else
				cond_resched();
		} else {
			wait_event_freezable(kvmx_ksm.wait,
					     kvmx_ksm_should_wake());
		}
	}
	return 0;
}

/**
 * kvmx_ksm_unmerge_all() - run=2: give every merged slot its own page
 *
 * Zero-merged slots become plain zero slots; all scanner state goes.
 * Called with kvmx_ksm.lock.
 *
 * Return: 0 or -ENOMEM (some slots then stay merged).
 */
int kvmx_ksm_unmerge_all(void)
{
	struct kvmx_ksm_region *r;
	unsigned long index;
	struct mutex *lock;	/* the slot's */
	void *entry;
	int err = 0;

	list_for_each_entry(r, &kvmx_ksm.regions, link) {
		kvmx_ksm_region_forget(r);
		xa_for_each(&r->pages, index, entry) {
			if (xa_is_value(entry)) {
				lock = kvmx_ksm_slot_lock(r, index);
				mutex_lock(lock);
				if (xa_load(&r->pages, index) ==
				    KVMX_KSM_ZERO_ENTRY) {
					xa_erase(&r->pages, index);
					atomic_long_dec(&r->nr_zero);
					atomic_long_dec(&kvmx_ksm.zero_slots);
				}
				mutex_unlock(lock);
			} else if (page_private((struct page *)entry)) {
				err = kvmx_ksm_break_cow(r, index);
				if (err)
					goto out;
			}
			cond_resched();
		}
	}
out:
	kvmx_ksm.unstable = RB_ROOT;
	kvmx_ksm.seq++;
	kvmx_ksm.cursor = NULL;
	kvmx_ksm.round_visits = 0;
	kvmx_ksm_stable_prune();
	return err;
}

/**
 * kvmx_ksm_figures() - snapshot the raw counters
 * @f: filled in
 */
void kvmx_ksm_figures(struct kvmx_ksm_figures *f)
{
	f->stable_nodes = atomic_long_read(&kvmx_ksm.stable_nodes);
	f->merged_slots = atomic_long_read(&kvmx_ksm.merged_slots);
	f->items = atomic_long_read(&kvmx_ksm.items);
	f->unstable = atomic_long_read(&kvmx_ksm.unstable_items);
	f->zero_slots = atomic_long_read(&kvmx_ksm.zero_slots);
	f->item_bytes = sizeof(struct kvmx_ksm_item);
	f->node_bytes = sizeof(struct kvmx_ksm_stable);
	f->page_bytes = PAGE_SIZE;
}

/**
 * kvmx_ksm_scan_wake() - tell the scanner that run changed
 */
void kvmx_ksm_scan_wake(void)
{
	wake_up_interruptible(&kvmx_ksm.wait);
}

/**
 * kvmx_ksm_scan_init() - item cache and the scanner thread
 *
 * Return: 0 or -errno.
 */
int kvmx_ksm_scan_init(void)
{
	void *zero = kmap_local_page(ZERO_PAGE(0));

	kvmx_ksm_zero_sum = kvmx_ksm_checksum(zero);
	kunmap_local(zero);
	kvmx_ksm_item_cache = KMEM_CACHE(kvmx_ksm_item, 0);
	if (!kvmx_ksm_item_cache)
		return -ENOMEM;
	kvmx_ksm.thread = kthread_run(kvmx_ksm_thread, NULL, "kvmx_ksmd");
	if (IS_ERR(kvmx_ksm.thread)) {
		kmem_cache_destroy(kvmx_ksm_item_cache);
		return PTR_ERR(kvmx_ksm.thread);
	}
	return 0;
}

/**
 * kvmx_ksm_scan_exit() - stop the scanner, free the item cache
 */
void kvmx_ksm_scan_exit(void)
{
	kthread_stop(kvmx_ksm.thread);
	kmem_cache_destroy(kvmx_ksm_item_cache);
}

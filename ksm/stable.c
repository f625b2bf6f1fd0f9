// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm stable tree: write-protected KSM pages ordered by content,
 * kept across scan rounds.
 *
 * A stable node lives while it is in the tree; only the scanner (under
 * kvmx_ksm.lock) links, revives and frees nodes.  The fault path only
 * drops sharers (a write breaking sharing); a node whose sharers reach 0
 * is dead but keeps its page and place until the scanner prunes it at the
 * end of a round, on region teardown or on unmerge, or revives it when an
 * equal page comes along.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "ksm.h"

static struct kmem_cache *kvmx_ksm_stable_cache;

/**
 * kvmx_ksm_stable_put() - drop one sharer (a slot or a reservation)
 * @s: stable node
 */
void kvmx_ksm_stable_put(struct kvmx_ksm_stable *s)
{
	if (atomic_dec_and_test(&s->sharers))
		atomic_long_dec(&kvmx_ksm.stable_nodes);
}

static int kvmx_ksm_stable_cmp(const void *key, struct rb_node *node,
			       void *ctx)
{
	struct kvmx_ksm_stable *s = rb_entry(node, struct kvmx_ksm_stable,
					     node);
	void *addr = kmap_local_page(s->page);
	int c = memcmp(key, addr, PAGE_SIZE);

	kunmap_local(addr);
	return c;
}

static bool kvmx_ksm_stable_usable(struct rb_node *node, void *ctx)
{
	struct kvmx_ksm_stable *s = rb_entry(node, struct kvmx_ksm_stable,
					     node);

	return kvmx_ksm_share_verdict(atomic_read(&s->sharers),
				      kvmx_ksm.max_page_sharing) !=
	       KVMX_KSM_SHARE_FULL;
}

/**
 * kvmx_ksm_stable_find() - find a KSM page with content @kaddr and room
 * @kaddr: content to look for
 *
 * On success one sharer is reserved for the caller, who turns it into a
 * slot or drops it with kvmx_ksm_stable_put().  Called with kvmx_ksm.lock.
 *
 * Return: the node, or NULL.
 */
struct kvmx_ksm_stable *kvmx_ksm_stable_find(const void *kaddr)
{
	struct kvmx_ksm_stable *s;
	struct rb_node *n;

	n = kvmx_ksm_tree_search(&kvmx_ksm.stable, kaddr, kvmx_ksm_stable_cmp,
				 kvmx_ksm_stable_usable, NULL);
	if (!n)
		return NULL;
	s = rb_entry(n, struct kvmx_ksm_stable, node);
	/* Only the scanner increments, so a dead node stays dead until here. */
	if (!atomic_inc_not_zero(&s->sharers)) {
		atomic_set(&s->sharers, 1);
		atomic_long_inc(&kvmx_ksm.stable_nodes);
	}
	return s;
}

/**
 * kvmx_ksm_stable_new() - make frozen private page @page a KSM page
 * @page: unmapped, only referenced by its slot, content final
 * @sharers: initial sharers (its slot, plus a reservation)
 *
 * Return: the linked node or NULL.
 */
struct kvmx_ksm_stable *kvmx_ksm_stable_new(struct page *page, int sharers)
{
	struct kvmx_ksm_stable *s;
	void *addr;

	s = kmem_cache_zalloc(kvmx_ksm_stable_cache, GFP_KERNEL);
	if (!s)
		return NULL;
	s->page = page;
	atomic_set(&s->sharers, sharers);
	get_page(page);
	set_page_private(page, (unsigned long)s);
	addr = kmap_local_page(page);
	kvmx_ksm_tree_insert(&kvmx_ksm.stable, addr, &s->node,
			     kvmx_ksm_stable_cmp, NULL);
	kunmap_local(addr);
	atomic_long_inc(&kvmx_ksm.stable_nodes);
	atomic_long_inc(&kvmx_ksm.stable_total);
	return s;
}

/**
 * kvmx_ksm_stable_undo() - turn a fresh KSM page back into a private one
 * @s: node from kvmx_ksm_stable_new() whose only sharers are its slot
 *     and the caller's reservation; the slot lock is held
 */
void kvmx_ksm_stable_undo(struct kvmx_ksm_stable *s)
{
	rb_erase(&s->node, &kvmx_ksm.stable);
	set_page_private(s->page, 0);
	put_page(s->page);
	atomic_long_dec(&kvmx_ksm.stable_nodes);
	atomic_long_dec(&kvmx_ksm.stable_total);
	kmem_cache_free(kvmx_ksm_stable_cache, s);
}

/**
 * kvmx_ksm_stable_prune() - free dead stable nodes and their pages
 *
 * Called with kvmx_ksm.lock.
 */
void kvmx_ksm_stable_prune(void)
{
	struct rb_node *n = rb_first(&kvmx_ksm.stable), *next;
	struct kvmx_ksm_stable *s;

	for (; n; n = next) {
		next = rb_next(n);
		s = rb_entry(n, struct kvmx_ksm_stable, node);
		if (atomic_read(&s->sharers))
			continue;
		rb_erase(n, &kvmx_ksm.stable);
		set_page_private(s->page, 0);
		kvmx_ksm_free_page(s->page);
		atomic_long_dec(&kvmx_ksm.stable_total);
		kmem_cache_free(kvmx_ksm_stable_cache, s);
	}
}

/**
 * kvmx_ksm_stable_init() - create the node cache
 *
 * Return: 0 or -ENOMEM.
 */
int kvmx_ksm_stable_init(void)
{
	kvmx_ksm_stable_cache = KMEM_CACHE(kvmx_ksm_stable, 0);
	return kvmx_ksm_stable_cache ? 0 : -ENOMEM;
}

/**
 * kvmx_ksm_stable_exit() - free what is left and the node cache
 */
void kvmx_ksm_stable_exit(void)
{
	kvmx_ksm_stable_prune();
	WARN_ON(!RB_EMPTY_ROOT(&kvmx_ksm.stable));
	kmem_cache_destroy(kvmx_ksm_stable_cache);
}

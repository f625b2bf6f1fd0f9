// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm stable tree: write-protected KSM pages ordered by content,
 * kept across scan rounds.
 *
 * The tree holds one node per distinct content; KSM pages with the same
 * content as one that reached max_page_sharing join its chain (a ring),
 * so a lookup compares contents once and then picks a page with room
 * without comparing again (upstream's stable node chains, simplified).
 *
 * A stable node lives while it is in the tree; only the scanner (under
 * kvmx_ksm.lock) links, revives and frees nodes.  The fault path only
 * drops sharers (a write breaking sharing); a node whose sharers reach 0
 * is dead but keeps its page and place until the scanner prunes it at the
 * end of a round, on region teardown or on unmerge, or revives it when an
 * equal page comes along.
 */
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched.h>
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
	int c = kvmx_ksm_content_cmp(key, addr, PAGE_SIZE);

	kunmap_local(addr);
	return c;
}

static bool kvmx_ksm_stable_has_room(struct kvmx_ksm_stable *s)
{
	return kvmx_ksm_share_verdict(atomic_read(&s->sharers),
				      kvmx_ksm.max_page_sharing) !=
	       KVMX_KSM_SHARE_FULL;
}

/* A node of @head's chain with room for one more sharer, or NULL. */
static struct kvmx_ksm_stable *kvmx_ksm_chain_pick(struct kvmx_ksm_stable *h)
{
	struct kvmx_ksm_stable *s;

	if (kvmx_ksm_stable_has_room(h))
		return h;
	list_for_each_entry(s, &h->chain, chain)
		if (kvmx_ksm_stable_has_room(s))
			return s;
	return NULL;
}

/* Reserve one sharer on a node of @head's chain with room. */
static struct kvmx_ksm_stable *kvmx_ksm_stable_reserve(struct kvmx_ksm_stable *h)
{
	struct kvmx_ksm_stable *s = kvmx_ksm_chain_pick(h);

	if (!s)
		return NULL;
	/* Only the scanner increments, so a dead node stays dead until here. */
	if (!atomic_inc_not_zero(&s->sharers)) {
		atomic_set(&s->sharers, 1);
		atomic_long_inc(&kvmx_ksm.stable_nodes);
	}
	return s;
}

static void kvmx_ksm_sums_insert(struct kvmx_ksm_stable *s)
{
	struct rb_node **link = &kvmx_ksm.stable_sums.rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (s->sum < rb_entry(parent, struct kvmx_ksm_stable,
				      sum_node)->sum)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&s->sum_node, parent, link);
	rb_insert_color(&s->sum_node, &kvmx_ksm.stable_sums);
}

/**
 * kvmx_ksm_stable_find_sum() - a KSM page whose checksum is @sum
 * @sum: a page's checksum from the scanner's previous visit
 *
 * A hint, not a match: the caller compares contents (under the freeze)
 * before merging.  One sharer is reserved as for kvmx_ksm_stable_find().
 *
 * Return: the node, or NULL.
 */
struct kvmx_ksm_stable *kvmx_ksm_stable_find_sum(u64 sum)
{
	struct rb_node *n = kvmx_ksm.stable_sums.rb_node;
	struct kvmx_ksm_stable *s;

	while (n) {
		s = rb_entry(n, struct kvmx_ksm_stable, sum_node);
		if (sum < s->sum)
			n = n->rb_left;
		else if (sum > s->sum)
			n = n->rb_right;
		else
			return kvmx_ksm_stable_reserve(s);
	}
	return NULL;
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
	struct rb_node *n;

	n = kvmx_ksm_tree_search(&kvmx_ksm.stable, kaddr, kvmx_ksm_stable_cmp,
				 NULL, NULL);
	if (!n)
		return NULL;
	return kvmx_ksm_stable_reserve(rb_entry(n, struct kvmx_ksm_stable,
						node));
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
	struct kvmx_ksm_stable *s, *head;
	struct rb_node *n;
	void *addr;

	s = kmem_cache_zalloc(kvmx_ksm_stable_cache, GFP_KERNEL);
	if (!s)
		return NULL;
	s->page = page;
	INIT_LIST_HEAD(&s->chain);
	atomic_set(&s->sharers, sharers);
	get_page(page);
	set_page_private(page, (unsigned long)s);
	addr = kmap_local_page(page);
	s->sum = kvmx_ksm_checksum(addr);
	n = kvmx_ksm_tree_search(&kvmx_ksm.stable, addr, kvmx_ksm_stable_cmp,
				 NULL, NULL);
	if (n) {
		head = rb_entry(n, struct kvmx_ksm_stable, node);
		list_add_tail(&s->chain, &head->chain);
	} else {
		kvmx_ksm_tree_insert(&kvmx_ksm.stable, addr, &s->node,
				     kvmx_ksm_stable_cmp, NULL);
		kvmx_ksm_sums_insert(s);
		s->in_tree = true;
	}
	kunmap_local(addr);
	atomic_long_inc(&kvmx_ksm.stable_nodes);
	atomic_long_inc(&kvmx_ksm.stable_total);
	return s;
}

/* Take @s out of its chain and the tree, keeping the chain in the tree. */
static void kvmx_ksm_stable_unlink(struct kvmx_ksm_stable *s)
{
	struct kvmx_ksm_stable *next;

	if (s->in_tree) {
		if (list_empty(&s->chain)) {
			rb_erase(&s->node, &kvmx_ksm.stable);
			rb_erase(&s->sum_node, &kvmx_ksm.stable_sums);
		} else {
			next = list_first_entry(&s->chain,
						struct kvmx_ksm_stable, chain);
			rb_replace_node(&s->node, &next->node,
					&kvmx_ksm.stable);
			rb_replace_node(&s->sum_node, &next->sum_node,
					&kvmx_ksm.stable_sums);
			next->in_tree = true;
		}
		s->in_tree = false;
	}
	list_del_init(&s->chain);
}

/**
 * kvmx_ksm_stable_undo() - turn a fresh KSM page back into a private one
 * @s: node from kvmx_ksm_stable_new() whose only sharers are its slot
 *     and the caller's reservation; the slot lock is held
 */
void kvmx_ksm_stable_undo(struct kvmx_ksm_stable *s)
{
	kvmx_ksm_stable_unlink(s);
	set_page_private(s->page, 0);
	put_page(s->page);
	atomic_long_dec(&kvmx_ksm.stable_nodes);
	atomic_long_dec(&kvmx_ksm.stable_total);
	kmem_cache_free(kvmx_ksm_stable_cache, s);
}

static void kvmx_ksm_stable_free(struct kvmx_ksm_stable *s)
{
	kvmx_ksm_stable_unlink(s);
	set_page_private(s->page, 0);
	kvmx_ksm_free_page(s->page);
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
	struct kvmx_ksm_stable *h, *s, *tmp;
	struct rb_node *n = rb_first(&kvmx_ksm.stable), *next;

	for (; n; n = next) {
		next = rb_next(n);
		h = rb_entry(n, struct kvmx_ksm_stable, node);
		list_for_each_entry_safe(s, tmp, &h->chain, chain)
			if (!atomic_read(&s->sharers))
				kvmx_ksm_stable_free(s);
		if (!atomic_read(&h->sharers))
			kvmx_ksm_stable_free(h);
		cond_resched();
	}
	kvmx_ksm.last_prune = jiffies;
}

/**
 * kvmx_ksm_stable_chains() - count chains and the KSM pages in them
 * @chains: set to the contents held by more than one KSM page (each hit
 *          max_page_sharing), upstream's stable_node_chains
 * @dups: set to the KSM pages in those chains, upstream's stable_node_dups
 *
 * Called with kvmx_ksm.lock.
 */
void kvmx_ksm_stable_chains(long *chains, long *dups)
{
	struct kvmx_ksm_stable *h, *s;
	struct rb_node *n;
	long len;

	*chains = 0;
	*dups = 0;
	for (n = rb_first(&kvmx_ksm.stable); n; n = rb_next(n)) {
		h = rb_entry(n, struct kvmx_ksm_stable, node);
		if (list_empty(&h->chain))
			continue;
		len = 1;
		list_for_each_entry(s, &h->chain, chain)
			len++;
		(*chains)++;
		*dups += len;
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

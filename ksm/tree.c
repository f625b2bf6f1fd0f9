// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm pure logic (see tree.h).  Built into kvmx_ksm.ko and, with
 * -DKVMX_USERSPACE, into the host unit test unit/ksm_tree_test.c.
 *
 * Both trees are ordered by page content.  Equal keys are inserted to the
 * right, so equal nodes form one contiguous run in tree order, and a
 * search can walk that run for a node a callback accepts.  (The module's
 * stable tree keeps equal KSM pages in a chain off one tree node instead,
 * to compare contents once; the run walk serves callers that do not.)
 */
#include "tree.h"

/**
 * kvmx_ksm_content_cmp() - the content order of both trees
 * @a: first page content, 8-byte aligned
 * @b: second page content, 8-byte aligned
 * @bytes: length, a multiple of 32
 *
 * Compares native 64-bit words, four per branch: any total order over
 * contents serves the trees, and this one takes fewer instructions than
 * memcmp()'s byte order (one word per branch on x86-64).
 *
 * Return: <0, 0 or >0 as @a orders before, equal to or after @b.
 */
int kvmx_ksm_content_cmp(const void *a, const void *b, unsigned long bytes)
{
	const u64 *x = a, *y = b;
	unsigned long i, n = bytes / sizeof(u64);

	for (i = 0; i < n; i += 4) {
		if (((x[i] ^ y[i]) | (x[i + 1] ^ y[i + 1]) |
		     (x[i + 2] ^ y[i + 2]) | (x[i + 3] ^ y[i + 3])) == 0)
			continue;
		while (x[i] == y[i])
			i++;
		return x[i] < y[i] ? -1 : 1;
	}
	return 0;
}

static struct rb_node *kvmx_ksm_run_pick(struct rb_node *hit, const void *key,
					 kvmx_ksm_cmp_fn cmp,
					 kvmx_ksm_usable_fn usable, void *ctx)
{
	struct rb_node *n;

	if (!usable || usable(hit, ctx))
		return hit;
	for (n = rb_prev(hit); n && cmp(key, n, ctx) == 0; n = rb_prev(n))
		if (usable(n, ctx))
			return n;
	for (n = rb_next(hit); n && cmp(key, n, ctx) == 0; n = rb_next(n))
		if (usable(n, ctx))
			return n;
	return NULL;
}

/**
 * kvmx_ksm_tree_search() - find a node whose content equals @key
 * @root: content-ordered tree
 * @key: the candidate's content, passed to @cmp
 * @cmp: compares @key with a node's content
 * @usable: optional; among equal nodes, pick one this accepts
 * @ctx: passed to the callbacks
 *
 * Return: an equal (and usable) node, or NULL.
 */
struct rb_node *kvmx_ksm_tree_search(struct rb_root *root, const void *key,
				     kvmx_ksm_cmp_fn cmp,
				     kvmx_ksm_usable_fn usable, void *ctx)
{
	struct rb_node *n = root->rb_node;
	int c;

	while (n) {
		c = cmp(key, n, ctx);
		if (c < 0)
			n = n->rb_left;
		else if (c > 0)
			n = n->rb_right;
		else
			return kvmx_ksm_run_pick(n, key, cmp, usable, ctx);
	}
	return NULL;
}

/**
 * kvmx_ksm_tree_insert() - insert @node, equal content allowed
 * @root: content-ordered tree
 * @key: @node's content, passed to @cmp
 * @node: node to link
 * @cmp: compares @key with a node's content
 * @ctx: passed to @cmp
 *
 * Equal content goes to the right of what is there, keeping equal nodes
 * adjacent in tree order.
 */
void kvmx_ksm_tree_insert(struct rb_root *root, const void *key,
			  struct rb_node *node, kvmx_ksm_cmp_fn cmp, void *ctx)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		if (cmp(key, parent, ctx) < 0)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, root);
}

/**
 * kvmx_ksm_tree_search_insert() - unstable tree step
 * @root: content-ordered tree
 * @key: the candidate's content, passed to @cmp
 * @node: the candidate's node, linked if nothing equal is found
 * @cmp: compares @key with a node's content
 * @ctx: passed to @cmp
 *
 * Return: the equal node already in the tree (and @node is not linked),
 * or NULL after linking @node.
 */
struct rb_node *kvmx_ksm_tree_search_insert(struct rb_root *root,
					    const void *key,
					    struct rb_node *node,
					    kvmx_ksm_cmp_fn cmp, void *ctx)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;
	int c;

	while (*link) {
		parent = *link;
		c = cmp(key, parent, ctx);
		if (c < 0)
			link = &parent->rb_left;
		else if (c > 0)
			link = &parent->rb_right;
		else
			return parent;
	}
	rb_link_node(node, parent, link);
	rb_insert_color(node, root);
	return NULL;
}

/**
 * kvmx_ksm_sum_settled() - the checksum skip rule
 * @sum: the page's remembered checksum
 * @now: its checksum on this visit
 * @trust_first: whether a first sighting counts as settled
 *
 * A page enters the unstable tree only if its content did not change
 * since the scanner's previous visit; a changed page only has its
 * checksum remembered (it is "volatile").  A page seen for the first time
 * is volatile too, as upstream, unless @trust_first: then it may merge in
 * its first round, at the price of some churn for pages that are in fact
 * being written.
 *
 * Return: true if the page may go into the unstable tree.
 */
bool kvmx_ksm_sum_settled(struct kvmx_ksm_sum *sum, u64 now, bool trust_first)
{
	bool settled = sum->valid ? sum->value == now : trust_first;

	sum->value = now;
	sum->valid = true;
	return settled;
}

/**
 * kvmx_ksm_share_verdict() - may a stable node take one more sharer?
 * @sharers: its current sharer count (slots mapping it, plus reservations)
 * @max_sharing: max_page_sharing
 *
 * Return: see enum kvmx_ksm_share.
 */
enum kvmx_ksm_share kvmx_ksm_share_verdict(unsigned int sharers,
					   unsigned int max_sharing)
{
	if (!sharers)
		return KVMX_KSM_SHARE_REVIVE;
	if (sharers >= max_sharing)
		return KVMX_KSM_SHARE_FULL;
	return KVMX_KSM_SHARE_OK;
}

/**
 * kvmx_ksm_check_max_sharing() - upstream's rules for max_page_sharing
 * @knob: the value written
 * @cur: the current value
 * @stable_nodes: KSM pages currently in the stable tree
 *
 * Return: 1 if @knob equals @cur (nothing to do), 0 if it may be applied,
 * -EINVAL below 2 (a KSM page starts with two sharers), -EBUSY while any
 * page is merged.
 */
int kvmx_ksm_check_max_sharing(long long knob, unsigned int cur,
			       unsigned long stable_nodes)
{
	if (knob < 2 || knob > 0x7fffffff)
		return -EINVAL;
	if (knob == cur)
		return 1;
	if (stable_nodes)
		return -EBUSY;
	return 0;
}

/**
 * kvmx_ksm_check_run() - validate a value written to run
 * @val: 0 stop, 1 run, 2 unmerge everything
 *
 * Return: 0 or -EINVAL.
 */
int kvmx_ksm_check_run(unsigned long long val)
{
	return val > 2 ? -EINVAL : 0;
}

/**
 * kvmx_ksm_report() - derive upstream's statistics from raw figures
 * @f: what the module counts
 * @r: what /sys/kernel/mm/kvmx_ksm reports
 *
 * pages_shared counts KSM pages, pages_sharing the further slots mapping
 * them (the pages saved), pages_unshared the items waiting in an unstable
 * tree and pages_volatile the remaining items.  general_profit is memory
 * saved minus the scanner's metadata, as in upstream's admin guide.
 */
void kvmx_ksm_report(const struct kvmx_ksm_figures *f,
		     struct kvmx_ksm_report *r)
{
	long sharing = f->merged_slots - f->stable_nodes;
	long vol = f->items - f->unstable;

	r->pages_shared = f->stable_nodes > 0 ? f->stable_nodes : 0;
	r->pages_sharing = sharing > 0 ? sharing : 0;
	r->pages_unshared = f->unstable > 0 ? f->unstable : 0;
	r->pages_volatile = vol > 0 ? vol : 0;
	r->ksm_zero_pages = f->zero_slots > 0 ? f->zero_slots : 0;
	r->general_profit = (long long)(r->pages_sharing + r->ksm_zero_pages) *
			    f->page_bytes -
			    (long long)f->items * f->item_bytes -
			    (long long)r->pages_shared * f->node_bytes;
}

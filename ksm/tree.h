/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvmx_ksm pure logic: content-ordered trees, the checksum skip rule, the
 * sharing bound, knob rules and the statistics upstream KSM reports.
 * Everything here builds both in the module and as a host unit test
 * (unit/ksm_tree_test.c), so it must not touch pages, locks or memory
 * allocation: callers pass comparison callbacks and plain numbers.
 */
#ifndef KVMX_KSM_TREE_H
#define KVMX_KSM_TREE_H

#ifdef KVMX_USERSPACE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include "rbtree_user.h"
typedef uint64_t u64;
typedef uint32_t u32;
#else
#include <linux/errno.h>
#include <linux/rbtree.h>
#include <linux/types.h>
#endif

int kvmx_ksm_content_cmp(const void *a, const void *b, unsigned long bytes);

/*
 * Compare the content behind @key with the content behind @node
 * (memcmp order).
 */
typedef int (*kvmx_ksm_cmp_fn)(const void *key, struct rb_node *node,
			       void *ctx);
/* May @node take one more sharer? */
typedef bool (*kvmx_ksm_usable_fn)(struct rb_node *node, void *ctx);

struct rb_node *kvmx_ksm_tree_search(struct rb_root *root, const void *key,
				     kvmx_ksm_cmp_fn cmp,
				     kvmx_ksm_usable_fn usable, void *ctx);
void kvmx_ksm_tree_insert(struct rb_root *root, const void *key,
			  struct rb_node *node, kvmx_ksm_cmp_fn cmp, void *ctx);
struct rb_node *kvmx_ksm_tree_search_insert(struct rb_root *root,
					    const void *key,
					    struct rb_node *node,
					    kvmx_ksm_cmp_fn cmp, void *ctx);

/* Per-page checksum memory of the scanner. */
struct kvmx_ksm_sum {
	u64 value;
	bool valid;
};

bool kvmx_ksm_sum_settled(struct kvmx_ksm_sum *sum, u64 now, bool trust_first);

/* What a stable node's sharer count allows. */
enum kvmx_ksm_share {
	KVMX_KSM_SHARE_OK,	/* live, below max_page_sharing */
	KVMX_KSM_SHARE_REVIVE,	/* no sharer left, content still valid */
	KVMX_KSM_SHARE_FULL,	/* max_page_sharing reached */
};

enum kvmx_ksm_share kvmx_ksm_share_verdict(unsigned int sharers,
					   unsigned int max_sharing);

int kvmx_ksm_check_max_sharing(long long knob, unsigned int cur,
			       unsigned long stable_nodes);
int kvmx_ksm_check_run(unsigned long long val);

/* Raw figures the module keeps, and what sysfs reports from them. */
struct kvmx_ksm_figures {
	long stable_nodes;	/* live stable nodes (KSM pages in use) */
	long merged_slots;	/* region slots mapping a KSM page */
	long items;		/* scanner items (private pages seen) */
	long unstable;		/* items in an unstable tree */
	long zero_slots;	/* slots merged with the zero page */
	long item_bytes;	/* sizeof one item */
	long node_bytes;	/* sizeof one stable node */
	long page_bytes;
};

struct kvmx_ksm_report {
	long pages_shared;
	long pages_sharing;
	long pages_unshared;
	long pages_volatile;
	long ksm_zero_pages;
	long long general_profit;
};

void kvmx_ksm_report(const struct kvmx_ksm_figures *f,
		     struct kvmx_ksm_report *r);

#endif

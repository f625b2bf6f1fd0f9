// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests for kvmx_ksm's pure logic (ksm/tree.c): content-ordered
 * trees with duplicate runs, the sharing bound, the checksum skip rule,
 * knob rules and the statistics.
 */
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "../ksm/tree.c"

#define CONTENT 64

struct tnode {
	struct rb_node rb;
	unsigned char data[CONTENT];
	unsigned int sharers;
};

static int tcmp(const void *key, struct rb_node *node, void *ctx)
{
	int *calls = ctx;

	if (calls)
		(*calls)++;
	return memcmp(key, rb_entry(node, struct tnode, rb)->data, CONTENT);
}

static unsigned int tmax = 3;

static bool tusable(struct rb_node *node, void *ctx)
{
	return kvmx_ksm_share_verdict(rb_entry(node, struct tnode, rb)->sharers,
				      tmax) != KVMX_KSM_SHARE_FULL;
}

static struct tnode *mk(int fill, int last)
{
	struct tnode *t = calloc(1, sizeof(*t));

	memset(t->data, fill, CONTENT);
	t->data[CONTENT - 1] = last;
	return t;
}

TEST(stable_insert_keeps_content_order)
{
	struct rb_root root = RB_ROOT;
	struct rb_node *n;
	struct tnode *t;
	int i, prev_ok = 1;
	unsigned char prev[CONTENT] = { 0 };

	srand(7);
	for (i = 0; i < 500; i++) {
		t = mk(rand() % 5, rand() % 256);
		kvmx_ksm_tree_insert(&root, t->data, &t->rb, tcmp, NULL);
	}
	i = 0;
	for (n = rb_first(&root); n; n = rb_next(n), i++) {
		t = rb_entry(n, struct tnode, rb);
		if (memcmp(prev, t->data, CONTENT) > 0)
			prev_ok = 0;
		memcpy(prev, t->data, CONTENT);
	}
	EXPECT_EQ(500, i);
	EXPECT_TRUE(prev_ok);
}

TEST(stable_search_walks_equal_run_for_room)
{
	struct rb_root root = RB_ROOT;
	struct tnode *full1 = mk(9, 0), *full2 = mk(9, 0), *room = mk(9, 0);
	struct tnode *other = mk(8, 0), *key = mk(9, 0), *miss = mk(9, 1);
	struct rb_node *hit;

	full1->sharers = 3;
	full2->sharers = 3;
	room->sharers = 1;
	other->sharers = 1;
	kvmx_ksm_tree_insert(&root, full1->data, &full1->rb, tcmp, NULL);
	kvmx_ksm_tree_insert(&root, other->data, &other->rb, tcmp, NULL);
	kvmx_ksm_tree_insert(&root, full2->data, &full2->rb, tcmp, NULL);
	kvmx_ksm_tree_insert(&root, room->data, &room->rb, tcmp, NULL);

	hit = kvmx_ksm_tree_search(&root, key->data, tcmp, tusable, NULL);
	EXPECT_EQ(&room->rb, hit);
	/* Without a usable filter any equal node does. */
	hit = kvmx_ksm_tree_search(&root, key->data, tcmp, NULL, NULL);
	ASSERT_NE(NULL, hit);
	EXPECT_EQ(0, memcmp(key->data, rb_entry(hit, struct tnode, rb)->data,
			    CONTENT));
	/* All equal nodes full: no candidate. */
	room->sharers = 3;
	EXPECT_EQ(NULL, kvmx_ksm_tree_search(&root, key->data, tcmp, tusable,
					     NULL));
	/* A dead node (no sharer) can be revived. */
	full1->sharers = 0;
	EXPECT_EQ(&full1->rb, kvmx_ksm_tree_search(&root, key->data, tcmp,
						   tusable, NULL));
	EXPECT_EQ(NULL, kvmx_ksm_tree_search(&root, miss->data, tcmp, tusable,
					     NULL));
	free(full1);
	free(full2);
	free(room);
	free(other);
	free(key);
	free(miss);
}

TEST(unstable_search_insert)
{
	struct rb_root root = RB_ROOT;
	struct tnode *a = mk(1, 1), *b = mk(2, 2), *a2 = mk(1, 1);
	int calls = 0;

	EXPECT_EQ(NULL, kvmx_ksm_tree_search_insert(&root, a->data, &a->rb,
						    tcmp, &calls));
	EXPECT_EQ(NULL, kvmx_ksm_tree_search_insert(&root, b->data, &b->rb,
						    tcmp, &calls));
	EXPECT_EQ(&a->rb, kvmx_ksm_tree_search_insert(&root, a2->data, &a2->rb,
						      tcmp, &calls));
	/* a2 was not linked. */
	EXPECT_EQ(&a->rb, rb_first(&root));
	EXPECT_EQ(&b->rb, rb_next(&a->rb));
	EXPECT_EQ(NULL, rb_next(&b->rb));
	EXPECT_GE(calls, 2);
	free(a);
	free(b);
	free(a2);
}

TEST(unstable_tree_is_logarithmic_in_calls_on_balanced_input)
{
	struct rb_root root = RB_ROOT;
	struct tnode *t[255];
	int order[255], i, calls = 0, k = 0;

	/* Insert in BFS order of a perfect tree: depth 8. */
	for (i = 0; i < 255; i++)
		t[i] = mk(0, i);
	for (int level = 128; level >= 1; level /= 2)
		for (i = level - 1; i < 255; i += 2 * level)
			order[k++] = i;
	for (i = 0; i < 255; i++)
		kvmx_ksm_tree_search_insert(&root, t[order[i]]->data,
					    &t[order[i]]->rb, tcmp, NULL);
	EXPECT_EQ(&t[200]->rb, kvmx_ksm_tree_search(&root, t[200]->data, tcmp,
						    NULL, &calls));
	EXPECT_LE(calls, 8);
	for (i = 0; i < 255; i++)
		free(t[i]);
}

TEST(erase_keeps_order)
{
	struct rb_root root = RB_ROOT;
	struct tnode *t[50];
	struct rb_node *n;
	int i, count = 0;

	for (i = 0; i < 50; i++) {
		t[i] = mk(0, (i * 37) % 50);
		kvmx_ksm_tree_insert(&root, t[i]->data, &t[i]->rb, tcmp, NULL);
	}
	for (i = 0; i < 50; i += 3)
		rb_erase(&t[i]->rb, &root);
	for (n = rb_first(&root); n; n = rb_next(n)) {
		if (rb_next(n))
			EXPECT_LT(tcmp(rb_entry(n, struct tnode, rb)->data,
				       rb_next(n), NULL), 0);
		count++;
	}
	EXPECT_EQ(50 - 17, count);
	for (i = 0; i < 50; i++)
		free(t[i]);
}

TEST(content_cmp_is_a_total_order)
{
	uint64_t a[64], b[64], c[64];
	int i, j;

	memset(a, 0x11, sizeof(a));
	memcpy(b, a, sizeof(a));
	EXPECT_EQ(0, kvmx_ksm_content_cmp(a, b, sizeof(a)));
	/* A difference in any word, in any lane of a group of four. */
	for (i = 0; i < 64; i++) {
		memcpy(b, a, sizeof(a));
		b[i]++;
		EXPECT_LT(kvmx_ksm_content_cmp(a, b, sizeof(a)), 0);
		EXPECT_GT(kvmx_ksm_content_cmp(b, a, sizeof(a)), 0);
	}
	/* The first differing word decides. */
	memcpy(b, a, sizeof(a));
	b[3] = 0;
	b[10] = ~0ULL;
	EXPECT_GT(kvmx_ksm_content_cmp(a, b, sizeof(a)), 0);
	/* Transitive on random data. */
	srand(3);
	for (j = 0; j < 1000; j++) {
		for (i = 0; i < 64; i++) {
			a[i] = rand() % 3;
			b[i] = rand() % 3;
			c[i] = rand() % 3;
		}
		if (kvmx_ksm_content_cmp(a, b, sizeof(a)) < 0 &&
		    kvmx_ksm_content_cmp(b, c, sizeof(a)) < 0)
			EXPECT_LT(kvmx_ksm_content_cmp(a, c, sizeof(a)), 0);
	}
}

TEST(checksum_skip_rule)
{
	struct kvmx_ksm_sum s = { 0 };

	/* First sighting: remember, do not trust. */
	EXPECT_FALSE(kvmx_ksm_sum_settled(&s, 0, false));
	EXPECT_TRUE(kvmx_ksm_sum_settled(&s, 0, false));
	EXPECT_TRUE(kvmx_ksm_sum_settled(&s, 0, false));
	EXPECT_FALSE(kvmx_ksm_sum_settled(&s, 42, false));
	EXPECT_TRUE(kvmx_ksm_sum_settled(&s, 42, true));
	EXPECT_FALSE(kvmx_ksm_sum_settled(&s, 43, true));
	EXPECT_FALSE(kvmx_ksm_sum_settled(&s, 42, false));
}

TEST(checksum_first_sighting_trusted)
{
	struct kvmx_ksm_sum s = { 0 };

	EXPECT_TRUE(kvmx_ksm_sum_settled(&s, 7, true));
	EXPECT_TRUE(kvmx_ksm_sum_settled(&s, 7, true));
	/* Only the first sighting is trusted; changes still skip. */
	EXPECT_FALSE(kvmx_ksm_sum_settled(&s, 8, true));
}

TEST(share_verdict)
{
	EXPECT_EQ(KVMX_KSM_SHARE_REVIVE, kvmx_ksm_share_verdict(0, 256));
	EXPECT_EQ(KVMX_KSM_SHARE_OK, kvmx_ksm_share_verdict(1, 2));
	EXPECT_EQ(KVMX_KSM_SHARE_FULL, kvmx_ksm_share_verdict(2, 2));
	EXPECT_EQ(KVMX_KSM_SHARE_OK, kvmx_ksm_share_verdict(255, 256));
	EXPECT_EQ(KVMX_KSM_SHARE_FULL, kvmx_ksm_share_verdict(256, 256));
	EXPECT_EQ(KVMX_KSM_SHARE_FULL, kvmx_ksm_share_verdict(300, 256));
}

TEST(knob_rules)
{
	EXPECT_EQ(-EINVAL, kvmx_ksm_check_max_sharing(1, 256, 0));
	EXPECT_EQ(-EINVAL, kvmx_ksm_check_max_sharing(-1, 256, 0));
	EXPECT_EQ(-EINVAL, kvmx_ksm_check_max_sharing(1LL << 31, 256, 0));
	EXPECT_EQ(1, kvmx_ksm_check_max_sharing(256, 256, 5));
	EXPECT_EQ(-EBUSY, kvmx_ksm_check_max_sharing(2, 256, 5));
	EXPECT_EQ(0, kvmx_ksm_check_max_sharing(2, 256, 0));
	EXPECT_EQ(0, kvmx_ksm_check_run(0));
	EXPECT_EQ(0, kvmx_ksm_check_run(2));
	EXPECT_EQ(-EINVAL, kvmx_ksm_check_run(3));
}

TEST(report)
{
	struct kvmx_ksm_figures f = {
		.stable_nodes = 4, .merged_slots = 1000, .items = 30,
		.unstable = 10, .zero_slots = 5, .item_bytes = 64,
		.node_bytes = 40, .page_bytes = 4096,
	};
	struct kvmx_ksm_report r;

	kvmx_ksm_report(&f, &r);
	EXPECT_EQ(4, r.pages_shared);
	EXPECT_EQ(996, r.pages_sharing);
	EXPECT_EQ(10, r.pages_unshared);
	EXPECT_EQ(20, r.pages_volatile);
	EXPECT_EQ(5, r.ksm_zero_pages);
	EXPECT_EQ((996 + 5) * 4096LL - 30 * 64 - 4 * 40, r.general_profit);
	/* Transient skew between counters never reports negatives. */
	f.stable_nodes = 3;
	f.merged_slots = 2;
	f.unstable = 40;
	kvmx_ksm_report(&f, &r);
	EXPECT_EQ(0, r.pages_sharing);
	EXPECT_EQ(0, r.pages_volatile);
}

TEST_HARNESS_MAIN

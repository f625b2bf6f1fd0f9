/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/rbtree.h>, used only when ksm/tree.c is
 * built as a host unit test.  It keeps the kernel's names and the binary
 * search tree contract (link, next/prev, erase) but does no balancing:
 * balance is lib/rbtree.c's job, the ordering logic under test is ours.
 */
#ifndef KVMX_KSM_RBTREE_USER_H
#define KVMX_KSM_RBTREE_USER_H

#include <stddef.h>

struct rb_node {
	struct rb_node *rb_parent;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
};

struct rb_root {
	struct rb_node *rb_node;
};

#define RB_ROOT ((struct rb_root) { NULL })
#ifndef container_of
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#endif
#define rb_entry(ptr, type, member) container_of(ptr, type, member)

static inline void rb_link_node(struct rb_node *node, struct rb_node *parent,
				struct rb_node **link)
{
	node->rb_parent = parent;
	node->rb_left = NULL;
	node->rb_right = NULL;
	*link = node;
}

static inline void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
}

static inline struct rb_node *rb_first(const struct rb_root *root)
{
	struct rb_node *n = root->rb_node;

	while (n && n->rb_left)
		n = n->rb_left;
	return n;
}

static inline struct rb_node *rb_next(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->rb_right) {
		node = node->rb_right;
		while (node->rb_left)
			node = node->rb_left;
		return (struct rb_node *)node;
	}
	while ((parent = node->rb_parent) && node == parent->rb_right)
		node = parent;
	return parent;
}

static inline struct rb_node *rb_prev(const struct rb_node *node)
{
	struct rb_node *parent;

	if (node->rb_left) {
		node = node->rb_left;
		while (node->rb_right)
			node = node->rb_right;
		return (struct rb_node *)node;
	}
	while ((parent = node->rb_parent) && node == parent->rb_left)
		node = parent;
	return parent;
}

static inline void rb_user_replace(struct rb_node *old, struct rb_node *new,
				   struct rb_root *root)
{
	struct rb_node *parent = old->rb_parent;

	if (!parent)
		root->rb_node = new;
	else if (parent->rb_left == old)
		parent->rb_left = new;
	else
		parent->rb_right = new;
	if (new)
		new->rb_parent = parent;
}

static inline void rb_erase(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *succ;

	if (!node->rb_left) {
		rb_user_replace(node, node->rb_right, root);
	} else if (!node->rb_right) {
		rb_user_replace(node, node->rb_left, root);
	} else {
		succ = node->rb_right;
		while (succ->rb_left)
			succ = succ->rb_left;
		if (succ->rb_parent != node) {
			rb_user_replace(succ, succ->rb_right, root);
			succ->rb_right = node->rb_right;
			succ->rb_right->rb_parent = succ;
		}
		rb_user_replace(node, succ, root);
		succ->rb_left = node->rb_left;
		succ->rb_left->rb_parent = succ;
	}
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/kvmx_vhost_net/<owner pid>-<id>/{rx,tx}, one
 * "name value" line per counter.  Values are read without the queue lock:
 * a snapshot, not a transaction.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vhost.h"

static struct dentry *kvmx_debugfs_root;

static int kvmx_vq_stats_show(struct seq_file *m, void *unused)
{
	struct kvmx_vq *vq = m->private;
	struct kvmx_vq_stats *s = &vq->stats;

	seq_printf(m, "packets %llu\n", READ_ONCE(s->packets));
	seq_printf(m, "bytes %llu\n", READ_ONCE(s->bytes));
	seq_printf(m, "kicks %llu\n", READ_ONCE(s->kicks));
	seq_printf(m, "calls %llu\n", READ_ONCE(s->calls));
	seq_printf(m, "calls_suppressed %llu\n", READ_ONCE(s->suppressed));
	seq_printf(m, "zerocopy %llu\n", READ_ONCE(s->zc_sent));
	seq_printf(m, "zerocopy_done %lld\n",
		   (long long)atomic64_read(&vq->zc_ok));
	seq_printf(m, "zerocopy_copied %lld\n",
		   (long long)atomic64_read(&vq->zc_errors));
	seq_printf(m, "copied %llu\n", READ_ONCE(s->copied));
	seq_printf(m, "dropped %llu\n", READ_ONCE(s->dropped));
	seq_printf(m, "errors %llu\n", READ_ONCE(s->errors));
	seq_printf(m, "budget_yields %llu\n", READ_ONCE(s->budget_yields));
	seq_printf(m, "busy_polls %llu\n", READ_ONCE(s->busy_polls));
	seq_printf(m, "broken %d\n", READ_ONCE(vq->broken));
	seq_printf(m, "fault %s\n", kvmx_vring_fault_name(READ_ONCE(vq->fault)));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kvmx_vq_stats);

/**
 * kvmx_debugfs_add() - create the device's directory
 * @n: device (owner set)
 */
void kvmx_debugfs_add(struct kvmx_vhost_net *n)
{
	char name[32];

	if (IS_ERR_OR_NULL(kvmx_debugfs_root))
		return;
	snprintf(name, sizeof(name), "%d-%u", current->tgid, n->id);
	n->debugfs = debugfs_create_dir(name, kvmx_debugfs_root);
	debugfs_create_file("rx", 0444, n->debugfs, &n->vqs[KVMX_VQ_RX],
			    &kvmx_vq_stats_fops);
	debugfs_create_file("tx", 0444, n->debugfs, &n->vqs[KVMX_VQ_TX],
			    &kvmx_vq_stats_fops);
}

/**
 * kvmx_debugfs_remove() - remove the device's directory
 * @n: device
 */
void kvmx_debugfs_remove(struct kvmx_vhost_net *n)
{
	debugfs_remove_recursive(n->debugfs);
	n->debugfs = NULL;
}

/** kvmx_debugfs_init() - create the module's debugfs root */
void kvmx_debugfs_init(void)
{
	kvmx_debugfs_root = debugfs_create_dir("kvmx_vhost_net", NULL);
}

/** kvmx_debugfs_exit() - remove everything */
void kvmx_debugfs_exit(void)
{
	debugfs_remove_recursive(kvmx_debugfs_root);
}

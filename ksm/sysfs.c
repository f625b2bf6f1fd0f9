// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/mm/kvmx_ksm: the knobs and statistics of upstream's
 * /sys/kernel/mm/ksm, same names, same rules (Documentation/ksm.rst).
 */
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/mm.h>
#include <linux/sysfs.h>

#include "ksm.h"

static struct kobject *kvmx_ksm_kobj;

static ssize_t run_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kvmx_ksm.run));
}

static ssize_t run_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	unsigned int val;
	ssize_t ret = count;
	int err;

	if (kstrtouint(buf, 10, &val) || kvmx_ksm_check_run(val))
		return -EINVAL;
	mutex_lock(&kvmx_ksm.lock);
	if (kvmx_ksm.run != val) {
		WRITE_ONCE(kvmx_ksm.run, val);
		if (val == KVMX_KSM_RUN_UNMERGE) {
			err = kvmx_ksm_unmerge_all();
			if (err) {
				WRITE_ONCE(kvmx_ksm.run, KVMX_KSM_RUN_STOP);
				ret = err;
			}
		}
	}
	mutex_unlock(&kvmx_ksm.lock);
	kvmx_ksm_scan_wake();
	return ret;
}

/* An unsigned int knob: any value parses, nothing else does. */
static ssize_t kvmx_ksm_store_uint(const char *buf, size_t count,
				   unsigned int *knob)
{
	unsigned int val;

	if (kstrtouint(buf, 10, &val))
		return -EINVAL;
	WRITE_ONCE(*knob, val);
	return count;
}

static ssize_t pages_to_scan_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kvmx_ksm.pages_to_scan));
}

static ssize_t pages_to_scan_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	return kvmx_ksm_store_uint(buf, count, &kvmx_ksm.pages_to_scan);
}

static ssize_t sleep_millisecs_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kvmx_ksm.sleep_millisecs));
}

static ssize_t sleep_millisecs_store(struct kobject *kobj,
				     struct kobj_attribute *attr,
				     const char *buf, size_t count)
{
	ssize_t ret = kvmx_ksm_store_uint(buf, count,
					  &kvmx_ksm.sleep_millisecs);

	kvmx_ksm_scan_wake();
	return ret;
}

static ssize_t max_page_sharing_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kvmx_ksm.max_page_sharing));
}

static ssize_t max_page_sharing_store(struct kobject *kobj,
				      struct kobj_attribute *attr,
				      const char *buf, size_t count)
{
	long nodes;
	long long val;
	int err;

	if (kstrtoll(buf, 10, &val))
		return -EINVAL;
	mutex_lock(&kvmx_ksm.lock);
	/* Dead nodes do not count as shared; drop them first. */
	kvmx_ksm_stable_prune();
	nodes = atomic_long_read(&kvmx_ksm.stable_total);
	err = kvmx_ksm_check_max_sharing(val, kvmx_ksm.max_page_sharing, nodes);
	if (!err)
		WRITE_ONCE(kvmx_ksm.max_page_sharing, val);
	mutex_unlock(&kvmx_ksm.lock);
	return err < 0 ? err : count;
}

static ssize_t use_zero_pages_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kvmx_ksm.use_zero_pages));
}

static ssize_t use_zero_pages_store(struct kobject *kobj,
				    struct kobj_attribute *attr,
				    const char *buf, size_t count)
{
	bool val;

	if (kstrtobool(buf, &val))
		return -EINVAL;
	WRITE_ONCE(kvmx_ksm.use_zero_pages, val);
	return count;
}

static ssize_t merge_across_nodes_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kvmx_ksm.merge_across_nodes));
}

/* As upstream: 0 or 1, and no change while KSM pages exist. */
static ssize_t merge_across_nodes_store(struct kobject *kobj,
					struct kobj_attribute *attr,
					const char *buf, size_t count)
{
	unsigned long val;
	int err = 0;

	if (kstrtoul(buf, 10, &val) || val > 1)
		return -EINVAL;
	mutex_lock(&kvmx_ksm.lock);
	if (kvmx_ksm.merge_across_nodes != val) {
		kvmx_ksm_stable_prune();
		if (atomic_long_read(&kvmx_ksm.stable_total))
			err = -EBUSY;
		else
			WRITE_ONCE(kvmx_ksm.merge_across_nodes, val);
	}
	mutex_unlock(&kvmx_ksm.lock);
	return err ? err : count;
}

static ssize_t stable_node_chains_prune_millisecs_show(struct kobject *kobj,
						       struct kobj_attribute *attr,
						       char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(kvmx_ksm.prune_millisecs));
}

static ssize_t stable_node_chains_prune_millisecs_store(struct kobject *kobj,
							struct kobj_attribute *attr,
							const char *buf,
							size_t count)
{
	return kvmx_ksm_store_uint(buf, count, &kvmx_ksm.prune_millisecs);
}

static void kvmx_ksm_chain_figures(long *chains, long *dups)
{
	mutex_lock(&kvmx_ksm.lock);
	kvmx_ksm_stable_chains(chains, dups);
	mutex_unlock(&kvmx_ksm.lock);
}

static ssize_t stable_node_chains_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	long chains, dups;

	kvmx_ksm_chain_figures(&chains, &dups);
	return sysfs_emit(buf, "%ld\n", chains);
}

static ssize_t stable_node_dups_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	long chains, dups;

	kvmx_ksm_chain_figures(&chains, &dups);
	return sysfs_emit(buf, "%ld\n", dups);
}

#define KVMX_KSM_REPORT_ATTR(name, fmt)					\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	struct kvmx_ksm_figures f;					\
	struct kvmx_ksm_report r;					\
									\
	kvmx_ksm_figures(&f);						\
	kvmx_ksm_report(&f, &r);					\
	return sysfs_emit(buf, fmt "\n", r.name);			\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

KVMX_KSM_REPORT_ATTR(pages_shared, "%ld");
KVMX_KSM_REPORT_ATTR(pages_sharing, "%ld");
KVMX_KSM_REPORT_ATTR(pages_unshared, "%ld");
KVMX_KSM_REPORT_ATTR(pages_volatile, "%ld");
KVMX_KSM_REPORT_ATTR(ksm_zero_pages, "%ld");
KVMX_KSM_REPORT_ATTR(general_profit, "%lld");

static ssize_t full_scans_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", READ_ONCE(kvmx_ksm.full_scans));
}

static ssize_t pages_scanned_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n",
			  atomic_long_read(&kvmx_ksm.pages_scanned));
}

static struct kobj_attribute run_attr = __ATTR_RW(run);
static struct kobj_attribute pages_to_scan_attr = __ATTR_RW(pages_to_scan);
static struct kobj_attribute sleep_millisecs_attr =
	__ATTR_RW(sleep_millisecs);
static struct kobj_attribute max_page_sharing_attr =
	__ATTR_RW(max_page_sharing);
static struct kobj_attribute use_zero_pages_attr = __ATTR_RW(use_zero_pages);
static struct kobj_attribute merge_across_nodes_attr =
	__ATTR_RW(merge_across_nodes);
static struct kobj_attribute stable_node_chains_prune_millisecs_attr =
	__ATTR_RW(stable_node_chains_prune_millisecs);
static struct kobj_attribute stable_node_chains_attr =
	__ATTR_RO(stable_node_chains);
static struct kobj_attribute stable_node_dups_attr =
	__ATTR_RO(stable_node_dups);
static struct kobj_attribute full_scans_attr = __ATTR_RO(full_scans);
static struct kobj_attribute pages_scanned_attr = __ATTR_RO(pages_scanned);

static struct attribute *kvmx_ksm_attrs[] = {
	&run_attr.attr,
	&pages_to_scan_attr.attr,
	&sleep_millisecs_attr.attr,
	&max_page_sharing_attr.attr,
	&use_zero_pages_attr.attr,
	&merge_across_nodes_attr.attr,
	&stable_node_chains_prune_millisecs_attr.attr,
	&stable_node_chains_attr.attr,
	&stable_node_dups_attr.attr,
	&pages_shared_attr.attr,
	&pages_sharing_attr.attr,
	&pages_unshared_attr.attr,
	&pages_volatile_attr.attr,
	&ksm_zero_pages_attr.attr,
	&general_profit_attr.attr,
	&full_scans_attr.attr,
	&pages_scanned_attr.attr,
	NULL,
};

static const struct attribute_group kvmx_ksm_group = {
	.attrs = kvmx_ksm_attrs,
};

/**
 * kvmx_ksm_sysfs_init() - create /sys/kernel/mm/kvmx_ksm
 *
 * Return: 0 or -errno.
 */
int kvmx_ksm_sysfs_init(void)
{
	int err;

	kvmx_ksm_kobj = kobject_create_and_add("kvmx_ksm", mm_kobj);
	if (!kvmx_ksm_kobj)
		return -ENOMEM;
	err = sysfs_create_group(kvmx_ksm_kobj, &kvmx_ksm_group);
	if (err)
		kobject_put(kvmx_ksm_kobj);
	return err;
}

/**
 * kvmx_ksm_sysfs_exit() - remove /sys/kernel/mm/kvmx_ksm
 */
void kvmx_ksm_sysfs_exit(void)
{
	sysfs_remove_group(kvmx_ksm_kobj, &kvmx_ksm_group);
	kobject_put(kvmx_ksm_kobj);
}

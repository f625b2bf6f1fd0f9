// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm: a page merger for memory the module owns, with knobs in
 * /sys/kernel/mm/kvmx_ksm named as upstream KSM's.
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/sysfs.h>

static unsigned int ksm_run;

static ssize_t run_show(struct kobject *kobj, struct kobj_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%u\n", ksm_run);
}

static ssize_t run_store(struct kobject *kobj, struct kobj_attribute *attr,
			 const char *buf, size_t count)
{
	unsigned int val;
	int err;

	err = kstrtouint(buf, 10, &val);
	if (err)
		return err;
	if (val > 2)
		return -EINVAL;
	ksm_run = val;
	return count;
}

static struct kobj_attribute run_attr = __ATTR_RW(run);

static struct attribute *kvmx_ksm_attrs[] = {
	&run_attr.attr,
	NULL,
};

static const struct attribute_group kvmx_ksm_group = {
	.attrs = kvmx_ksm_attrs,
};

static struct kobject *kvmx_ksm_kobj;

static int __init kvmx_ksm_init(void)
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

static void __exit kvmx_ksm_exit(void)
{
	sysfs_remove_group(kvmx_ksm_kobj, &kvmx_ksm_group);
	kobject_put(kvmx_ksm_kobj);
}

module_init(kvmx_ksm_init);
module_exit(kvmx_ksm_exit);
MODULE_DESCRIPTION("kvmx: KSM-style page merger for module-owned memory");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx: /dev/kvmx, a hypervisor speaking the upstream KVM ioctl ABI.
 */
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

static long kvmx_dev_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kvmx_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= kvmx_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kvmx_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "kvmx",
	.fops	= &kvmx_dev_fops,
	.mode	= 0660,
};

static int __init kvmx_init(void)
{
	return misc_register(&kvmx_dev);
}

static void __exit kvmx_exit(void)
{
	misc_deregister(&kvmx_dev);
}

module_init(kvmx_init);
module_exit(kvmx_exit);
MODULE_DESCRIPTION("kvmx: a hypervisor with the KVM ioctl ABI");
MODULE_LICENSE("GPL");

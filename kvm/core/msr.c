// SPDX-License-Identifier: GPL-2.0
/*
 * Model-specific registers.  The backend owns the MSRs whose state lives
 * in its control block (EFER, the SYSCALL and SYSENTER MSRs, segment
 * bases, PAT, TSC); the core keeps the rest a Linux guest touches: APIC
 * base, MISC_ENABLE, MTRRs, machine-check banks, TSC_AUX, speculation
 * control and the AMD configuration and performance MSRs.  Anything else
 * gives the guest a #GP and userspace an error.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>

#include "../kvmx.h"

#define KVMX_APIC_BASE_DEFAULT	0xfee00000ULL
#define KVMX_APIC_BASE_BSP	BIT_ULL(8)
#define KVMX_APIC_BASE_ENABLE	BIT_ULL(11)
#define KVMX_APIC_BASE_VALID	(0xffffff000ULL | BIT_ULL(8) | BIT_ULL(10) | \
				 BIT_ULL(11))
#define KVMX_MCG_CAP		10	/* default: 10 banks, no extra features */
#define KVMX_MTRR_CAP		(0x500 | 8)	/* WC, fixed, 8 variable */
#define KVMX_NR_AMD_COUNTERS	4	/* legacy K7 counters, no PERFCTR_CORE */
#define KVMX_CR4_PCE		BIT_ULL(8)
#define KVMX_GP_VECTOR		13

/* MSRs the backend reports through ->get_msr, listed for userspace. */
static const u32 kvmx_msrs_to_save[] = {
	MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_KERNEL_GS_BASE, MSR_FS_BASE, MSR_GS_BASE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_IA32_CR_PAT, MSR_IA32_TSC, MSR_IA32_APICBASE, MSR_IA32_MISC_ENABLE,
	MSR_MTRRcap, MSR_MTRRdefType, MSR_TSC_AUX, MSR_IA32_SPEC_CTRL,
	MSR_IA32_MCG_CAP, MSR_IA32_MCG_STATUS, MSR_IA32_MCG_CTL,
	MSR_IA32_TSC_ADJUST, MSR_K7_HWCR, MSR_IA32_UCODE_REV,
};

static const u32 kvmx_mtrr_fixed[] = {
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d,
	0x26e, 0x26f,
};

static u64 *kvmx_msr_slot(struct kvmx_vcpu *vcpu, u32 index)
{
	struct kvmx_msrs *m = &vcpu->msr;
	int i;

	for (i = 0; i < ARRAY_SIZE(kvmx_mtrr_fixed); i++)
		if (index == kvmx_mtrr_fixed[i])
			return &m->mtrr_fixed[i];
	if (index >= 0x200 && index < 0x210)
		return &m->mtrr_var[index - 0x200];
	if (index >= MSR_IA32_MC0_CTL &&
	    index < MSR_IA32_MC0_CTL + 4 * (m->mcg_cap & 0xff))
		return &m->mc_banks[index - MSR_IA32_MC0_CTL];
	if (index >= MSR_K7_EVNTSEL0 && index <= MSR_K7_PERFCTR3)
		return &m->amd_perf[index - MSR_K7_EVNTSEL0];

	switch (index) {
	case MSR_IA32_APICBASE:
		return &m->apic_base;
	case MSR_IA32_MISC_ENABLE:
		return &m->misc_enable;
	case MSR_MTRRdefType:
		return &m->mtrr_def_type;
	case MSR_TSC_AUX:
		return &m->tsc_aux;
	case MSR_IA32_SPEC_CTRL:
		return &m->spec_ctrl;
	case MSR_IA32_MCG_STATUS:
		return &m->mcg_status;
	case MSR_IA32_MCG_CTL:
		return &m->mcg_ctl;
	case MSR_IA32_TSC_ADJUST:
		return &m->tsc_adjust;
	case MSR_K7_HWCR:
		return &m->hwcr;
	case MSR_IA32_UCODE_REV:
		return &m->ia32_bios_sign_id;
	}
	return NULL;
}

/**
 * kvmx_msr_reset() - power-on values of the core-owned MSRs
 * @vcpu: the vCPU
 */
void kvmx_msr_reset(struct kvmx_vcpu *vcpu)
{
	memset(&vcpu->msr, 0, sizeof(vcpu->msr));
	vcpu->msr.apic_base = KVMX_APIC_BASE_DEFAULT | KVMX_APIC_BASE_ENABLE |
			      (vcpu->id == 0 ? KVMX_APIC_BASE_BSP : 0);
	vcpu->msr.misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
	vcpu->msr.ia32_bios_sign_id = 0x100000000ULL;
	vcpu->msr.mcg_ctl = ~0ULL;
	vcpu->msr.mcg_cap = KVMX_MCG_CAP;
}

/*
 * Model-specific MSRs a Linux guest probes: they read as zero and writes
 * to them are ignored.
 */
static bool kvmx_msr_reads_zero(u32 index)
{
	switch (index) {
	case MSR_IA32_PLATFORM_ID:
	case MSR_IA32_DEBUGCTLMSR:
	case MSR_AMD64_SYSCFG:
	case MSR_AMD64_NB_CFG:
	case MSR_AMD64_DE_CFG:
	case MSR_AMD64_LS_CFG:
	case MSR_AMD64_BU_CFG2:
	case MSR_AMD64_OSVW_ID_LENGTH:
	case MSR_AMD64_OSVW_STATUS:
	case MSR_VM_CR:
	case MSR_K8_INT_PENDING_MSG:
	case MSR_K7_CLK_CTL:
	case MSR_AMD64_PATCH_LEVEL:
	case MSR_IA32_POWER_CTL:
		return true;
	}
	return false;
}

/**
 * kvmx_get_msr() - read an MSR for the guest (RDMSR) or for userspace
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: the value
 * @host: userspace is asking (KVM_GET_MSRS)
 *
 * Return: 0, or -EINVAL if the vCPU has no such MSR.
 */
int kvmx_get_msr(struct kvmx_vcpu *vcpu, u32 index, u64 *data, bool host)
{
	u64 *slot;
	int r;

	r = kvmx_ops->get_msr(vcpu, index, data);
	if (r <= 0)
		return r;

	switch (index) {
	case MSR_MTRRcap:
		*data = KVMX_MTRR_CAP;
		return 0;
	case MSR_IA32_MCG_CAP:
		*data = vcpu->msr.mcg_cap;
		return 0;
	case MSR_IA32_PERF_STATUS:	/* read-only, unlike the list below */
		*data = 0;
		return 0;
	}
	if (kvmx_msr_reads_zero(index)) {
		*data = 0;
		return 0;
	}
	slot = kvmx_msr_slot(vcpu, index);
	if (!slot)
		return -EINVAL;
	*data = *slot;
	return 0;
}

/**
 * kvmx_set_msr() - write an MSR for the guest (WRMSR) or for userspace
 * @vcpu: the vCPU
 * @index: MSR number
 * @data: the value
 * @host: userspace is writing (KVM_SET_MSRS); read-only MSRs accept their
 *	current value only from the guest, any value from userspace
 *
 * Return: 0, or -EINVAL if the MSR does not exist or @data is invalid.
 */
int kvmx_set_msr(struct kvmx_vcpu *vcpu, u32 index, u64 data, bool host)
{
	u64 *slot;
	int r;

	r = kvmx_ops->set_msr(vcpu, index, data, host);
	if (r <= 0)
		return r;

	switch (index) {
	case MSR_IA32_APICBASE:
		if (data & ~KVMX_APIC_BASE_VALID)
			return -EINVAL;
		break;
	case MSR_MTRRcap:
	case MSR_IA32_MCG_CAP:
		return host ? 0 : -EINVAL;
	case MSR_IA32_PRED_CMD:
		return data & ~1ULL ? -EINVAL : 0;
	case MSR_IA32_MCG_CTL:
		if (data && data != ~0ULL)
			return -EINVAL;
		break;
	case MSR_TSC_AUX:
		if (data >> 32)
			return -EINVAL;
		break;
	}
	if (kvmx_msr_reads_zero(index))
		return 0;
	slot = kvmx_msr_slot(vcpu, index);
	if (!slot)
		return -EINVAL;
	*slot = data;
	return 0;
}

/**
 * kvmx_handle_rdpmc() - RDPMC: read one of the guest's counters
 * @vcpu: the vCPU
 * @next_rip: RIP after the RDPMC
 *
 * The guest has the four legacy AMD counters (PERFCTR0-3), which hold
 * what was last written to them.  RDPMC is intercepted because not every
 * SVM implementation executes it for the guest (QEMU's raises #UD).
 * #GP for another counter, or at CPL > 0 with CR4.PCE clear.
 *
 * Return: KVMX_EXIT_CONTINUE.
 */
int kvmx_handle_rdpmc(struct kvmx_vcpu *vcpu, u64 next_rip)
{
	u32 ecx = vcpu->regs[KVMX_RCX];
	struct kvm_sregs s;
	u64 data;

	vcpu->stats[KVMX_STAT_OTHER]++;
	memset(&s, 0, sizeof(s));
	kvmx_ops->get_sregs(vcpu, &s);
	if (ecx >= KVMX_NR_AMD_COUNTERS ||
	    (!(s.cr4 & KVMX_CR4_PCE) && kvmx_ops->get_cpl(vcpu))) {
		kvmx_queue_exception(vcpu, KVMX_GP_VECTOR, true, 0);
		return KVMX_EXIT_CONTINUE;
	}
	data = vcpu->msr.amd_perf[MSR_K7_PERFCTR0 - MSR_K7_EVNTSEL0 + ecx];
	vcpu->regs[KVMX_RAX] = (u32)data;
	vcpu->regs[KVMX_RDX] = (u32)(data >> 32);
	vcpu->rip = next_rip;
	return KVMX_EXIT_CONTINUE;
}

/* Copy @n indices of @list out as a struct kvm_msr_list. */
static int kvmx_put_msr_list(struct kvm_msr_list __user *argp,
			     const u32 *list, u32 n)
{
	struct kvm_msr_list l;

	if (copy_from_user(&l, argp, sizeof(l)))
		return -EFAULT;
	if (put_user(n, &argp->nmsrs))
		return -EFAULT;
	if (l.nmsrs < n)
		return -E2BIG;
	if (copy_to_user(argp->indices, list, n * sizeof(*list)))
		return -EFAULT;
	return 0;
}

/**
 * kvmx_get_msr_index_list() - KVM_GET_MSR_INDEX_LIST
 * @argp: struct kvm_msr_list from userspace
 *
 * Return: 0; -E2BIG (with nmsrs set to the count) if the list is too
 * small; -EFAULT.
 */
int kvmx_get_msr_index_list(struct kvm_msr_list __user *argp)
{
	return kvmx_put_msr_list(argp, kvmx_msrs_to_save,
				 ARRAY_SIZE(kvmx_msrs_to_save));
}

/**
 * kvmx_vcpu_msrs_ioctl() - KVM_GET_MSRS / KVM_SET_MSRS
 * @vcpu: the vCPU
 * @argp: struct kvm_msrs from userspace
 * @set: KVM_SET_MSRS
 *
 * Return: the number of MSRs processed (stops at the first failure), or
 * -E2BIG / -ENOMEM / -EFAULT.
 */
int kvmx_vcpu_msrs_ioctl(struct kvmx_vcpu *vcpu, struct kvm_msrs __user *argp,
			 bool set)
{
	struct kvm_msr_entry *ents;
	struct kvm_msrs m;
	u32 i;
	int r;

	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	if (m.nmsrs >= KVMX_MAX_MSR_ENTRIES)
		return -E2BIG;
	if (!m.nmsrs)
		return 0;
	ents = memdup_user(argp->entries, m.nmsrs * sizeof(*ents));
	if (IS_ERR(ents))
		return PTR_ERR(ents);
	for (i = 0; i < m.nmsrs; i++) {
		if (set)
			r = kvmx_set_msr(vcpu, ents[i].index, ents[i].data,
					 true);
		else
			r = kvmx_get_msr(vcpu, ents[i].index, &ents[i].data,
					 true);
		if (r)
			break;
	}
	r = i;
	if (!set && copy_to_user(argp->entries, ents, i * sizeof(*ents)))
		r = -EFAULT;
	kfree(ents);
	return r;
}

/* MSRs describing what the host offers (KVM_CAP_GET_MSR_FEATURES). */
static const u32 kvmx_feature_msrs[] = {
	MSR_IA32_UCODE_REV, MSR_AMD64_DE_CFG,
};

static int kvmx_get_feature_msr(u32 index, u64 *data)
{
	switch (index) {
	case MSR_IA32_UCODE_REV:
		*data = 0;
		rdmsrl_safe(index, data);
		return 0;
	case MSR_AMD64_DE_CFG:
		*data = boot_cpu_has(X86_FEATURE_LFENCE_RDTSC) ?
			MSR_AMD64_DE_CFG_LFENCE_SERIALIZE : 0;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * kvmx_get_msr_feature_index_list() - KVM_GET_MSR_FEATURE_INDEX_LIST
 * @argp: struct kvm_msr_list from userspace
 *
 * Return: 0; -E2BIG with nmsrs set to the count if it is too small;
 * -EFAULT.
 */
int kvmx_get_msr_feature_index_list(struct kvm_msr_list __user *argp)
{
	return kvmx_put_msr_list(argp, kvmx_feature_msrs,
				 ARRAY_SIZE(kvmx_feature_msrs));
}

/**
 * kvmx_get_feature_msrs() - KVM_GET_MSRS on the system fd
 * @argp: struct kvm_msrs from userspace
 *
 * Return: the number of MSRs read (stops at the first that is not a
 * feature MSR), or -E2BIG / -ENOMEM / -EFAULT.
 */
int kvmx_get_feature_msrs(struct kvm_msrs __user *argp)
{
	struct kvm_msr_entry *ents;
	struct kvm_msrs m;
	u32 i;
	int r;

	if (copy_from_user(&m, argp, sizeof(m)))
		return -EFAULT;
	if (m.nmsrs >= KVMX_MAX_MSR_ENTRIES)
		return -E2BIG;
	if (!m.nmsrs)
		return 0;
	ents = memdup_user(argp->entries, m.nmsrs * sizeof(*ents));
	if (IS_ERR(ents))
		return PTR_ERR(ents);
	for (i = 0; i < m.nmsrs; i++)
		if (kvmx_get_feature_msr(ents[i].index, &ents[i].data))
			break;
	r = i;
	if (copy_to_user(argp->entries, ents, i * sizeof(*ents)))
		r = -EFAULT;
	kfree(ents);
	return r;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM backend: probing, per-CPU enable/disable, global bitmaps and the
 * ops table the core calls.
 *
 * kvmx intercepts every I/O port and every MSR (both permission maps are
 * all ones): the core then sees each access and no guest write can reach
 * a host MSR it would have to restore.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "svm.h"

#define KVMX_IOPM_ORDER		2	/* 12 KiB used */
#define KVMX_MSRPM_ORDER	1	/* 8 KiB */

struct kvmx_svm_caps kvmx_svm_caps;
u64 kvmx_svm_iopm_pa;
u64 kvmx_svm_msrpm_pa;
static struct page *kvmx_iopm_pages, *kvmx_msrpm_pages;
DEFINE_PER_CPU(struct kvmx_svm_cpu, kvmx_svm_cpu);

static void kvmx_svm_free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kvmx_svm_cpu *sd = per_cpu_ptr(&kvmx_svm_cpu, cpu);

		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_save)
			__free_page(sd->host_save);
		sd->hsave = NULL;
		sd->host_save = NULL;
	}
}

static int kvmx_svm_hardware_setup(void)
{
	u32 eax, ebx, ecx, edx;
	u64 vm_cr;
	int cpu;

	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err("kvmx: AMD SVM is not available on this CPU\n");
		return -ENODEV;
	}
	rdmsrl(MSR_VM_CR, vm_cr);
	if (vm_cr & SVM_VM_CR_SVM_DIS_MASK) {
		pr_err("kvmx: SVM is disabled by the firmware (VM_CR.SVMDIS)\n");
		return -ENODEV;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("kvmx: SVM without nested paging is not supported\n");
		return -ENODEV;
	}
	cpuid(0x8000000a, &eax, &ebx, &ecx, &edx);
	kvmx_svm_caps.max_asid = ebx - 1;
	kvmx_svm_caps.nrips = boot_cpu_has(X86_FEATURE_NRIPS);
	kvmx_svm_caps.flush_by_asid = boot_cpu_has(X86_FEATURE_FLUSHBYASID);
	kvmx_svm_caps.decode_assists = boot_cpu_has(X86_FEATURE_DECODEASSISTS);
	if (kvmx_svm_caps.max_asid < 1) {
		pr_err("kvmx: SVM reports no usable ASIDs\n");
		return -ENODEV;
	}

	kvmx_iopm_pages = alloc_pages(GFP_KERNEL, KVMX_IOPM_ORDER);
	kvmx_msrpm_pages = alloc_pages(GFP_KERNEL, KVMX_MSRPM_ORDER);
	if (!kvmx_iopm_pages || !kvmx_msrpm_pages)
		goto err_free;
	memset(page_address(kvmx_iopm_pages), 0xff,
	       PAGE_SIZE << KVMX_IOPM_ORDER);
	memset(page_address(kvmx_msrpm_pages), 0xff,
	       PAGE_SIZE << KVMX_MSRPM_ORDER);
	kvmx_svm_iopm_pa = page_to_phys(kvmx_iopm_pages);
	kvmx_svm_msrpm_pa = page_to_phys(kvmx_msrpm_pages);

	for_each_possible_cpu(cpu) {
		struct kvmx_svm_cpu *sd = per_cpu_ptr(&kvmx_svm_cpu, cpu);

		sd->hsave = alloc_page(GFP_KERNEL | __GFP_ZERO);
		sd->host_save = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!sd->hsave || !sd->host_save)
			goto err_free;
		sd->host_save_pa = page_to_phys(sd->host_save);
	}
	pr_info("kvmx: SVM with NPT, %u ASIDs%s%s%s\n",
		kvmx_svm_caps.max_asid,
		kvmx_svm_caps.nrips ? ", NRIP save" : "",
		kvmx_svm_caps.flush_by_asid ? ", flush by ASID" : "",
		kvmx_svm_caps.decode_assists ? ", decode assists" : "");
	return 0;

err_free:
	kvmx_svm_free_cpu_pages();
	if (kvmx_iopm_pages)
		__free_pages(kvmx_iopm_pages, KVMX_IOPM_ORDER);
	if (kvmx_msrpm_pages)
		__free_pages(kvmx_msrpm_pages, KVMX_MSRPM_ORDER);
	kvmx_iopm_pages = NULL;
	kvmx_msrpm_pages = NULL;
	return -ENOMEM;
}

static void kvmx_svm_hardware_unsetup(void)
{
	kvmx_svm_free_cpu_pages();
	__free_pages(kvmx_iopm_pages, KVMX_IOPM_ORDER);
	__free_pages(kvmx_msrpm_pages, KVMX_MSRPM_ORDER);
}

/* cpuhp online callback: runs on the CPU being enabled. */
static int kvmx_svm_cpu_enable(void)
{
	struct kvmx_svm_cpu *sd = this_cpu_ptr(&kvmx_svm_cpu);
	u64 efer;

	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME) {
		pr_err("kvmx: SVM is already in use on CPU %d (another hypervisor such as kvm_amd?)\n",
		       smp_processor_id());
		return -EBUSY;
	}
	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sd->hsave));
	/* The first vCPU entry on this CPU starts a generation: full flush. */
	sd->asid_gen = 1;
	sd->next_asid = kvmx_svm_caps.max_asid + 1;
	sd->enabled = true;
	return 0;
}

static void kvmx_svm_cpu_disable(void)
{
	struct kvmx_svm_cpu *sd = this_cpu_ptr(&kvmx_svm_cpu);
	u64 efer;

	if (!sd->enabled)
		return;
	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
	sd->enabled = false;
}

static int kvmx_svm_vm_init(struct kvmx_vm *vm)
{
	return 0;
}

static void kvmx_svm_vm_destroy(struct kvmx_vm *vm)
{
}

static int kvmx_svm_vcpu_create(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm;
	struct page *page;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL_ACCOUNT);
	if (!svm)
		return -ENOMEM;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page) {
		kfree(svm);
		return -ENOMEM;
	}
	svm->vcpu = vcpu;
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->last_cpu = -1;
	vcpu->arch = svm;
	kvmx_svm_vmcb_reset(svm);
	return 0;
}

static void kvmx_svm_vcpu_free(struct kvmx_vcpu *vcpu)
{
	struct kvmx_svm_vcpu *svm = to_svm(vcpu);

	if (!svm)
		return;
	free_page((unsigned long)svm->vmcb);
	kfree(svm);
	vcpu->arch = NULL;
}

const struct kvmx_arch_ops kvmx_svm_ops = {
	.name			= "svm",
	.hardware_setup		= kvmx_svm_hardware_setup,
	.hardware_unsetup	= kvmx_svm_hardware_unsetup,
	.cpu_enable		= kvmx_svm_cpu_enable,
	.cpu_disable		= kvmx_svm_cpu_disable,
	.vm_init		= kvmx_svm_vm_init,
	.vm_destroy		= kvmx_svm_vm_destroy,
	.vcpu_create		= kvmx_svm_vcpu_create,
	.vcpu_free		= kvmx_svm_vcpu_free,
	.run			= kvmx_svm_run,
	.handle_exit		= kvmx_svm_handle_exit,
	.get_sregs		= kvmx_svm_get_sregs,
	.set_sregs		= kvmx_svm_set_sregs,
	.get_msr		= kvmx_svm_get_msr,
	.set_msr		= kvmx_svm_set_msr,
	.get_cpl		= kvmx_svm_get_cpl,
	.interrupt_allowed	= kvmx_svm_interrupt_allowed,
	.nmi_allowed		= kvmx_svm_nmi_allowed,
	.enable_irq_window	= kvmx_svm_enable_irq_window,
	.inject_irq		= kvmx_svm_inject_irq,
	.inject_nmi		= kvmx_svm_inject_nmi,
	.inject_exception	= kvmx_svm_inject_exception,
	.get_interrupt_shadow	= kvmx_svm_get_interrupt_shadow,
	.set_interrupt_shadow	= kvmx_svm_set_interrupt_shadow,
	.get_nmi_mask		= kvmx_svm_get_nmi_mask,
	.set_nmi_mask		= kvmx_svm_set_nmi_mask,
	.set_cr8		= kvmx_svm_set_cr8,
	.get_cr8		= kvmx_svm_get_cr8,
	.get_dr			= kvmx_svm_get_dr,
	.set_dr			= kvmx_svm_set_dr,
	.set_guest_debug	= kvmx_svm_set_guest_debug,
};

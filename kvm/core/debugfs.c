// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/kvmx/<pid>-<vm>/exits sums the exits of all
 * vCPUs by reason; .../vcpu<N>/exits has one vCPU's.  One "reason count"
 * pair per line.
 */
#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "../kvmx.h"

/* Exit reasons by enum kvmx_exit_stat; binary stats use them too. */
const char * const kvmx_stat_names[KVMX_NR_EXIT_STATS] = {
	[KVMX_STAT_IO]		= "io",
	[KVMX_STAT_MMIO]	= "mmio",
	[KVMX_STAT_NPF]		= "npf",
	[KVMX_STAT_HLT]		= "hlt",
	[KVMX_STAT_CPUID]	= "cpuid",
	[KVMX_STAT_MSR_READ]	= "msr_read",
	[KVMX_STAT_MSR_WRITE]	= "msr_write",
	[KVMX_STAT_XSETBV]	= "xsetbv",
	[KVMX_STAT_INTR]	= "host_interrupt",
	[KVMX_STAT_NMI]		= "host_nmi",
	[KVMX_STAT_IRQ_WINDOW]	= "irq_window",
	[KVMX_STAT_SHUTDOWN]	= "shutdown",
	[KVMX_STAT_INVD]	= "invd_wbinvd",
	[KVMX_STAT_IRET]	= "iret",
	[KVMX_STAT_UD]		= "invalid_opcode",
	[KVMX_STAT_FAIL_ENTRY]	= "fail_entry",
	[KVMX_STAT_OTHER]	= "other",
	[KVMX_STAT_SIGNAL]	= "signal",
	[KVMX_STAT_IOEVENTFD]	= "ioeventfd",
};

static int kvmx_vcpu_exits_show(struct seq_file *m, void *unused)
{
	struct kvmx_vcpu *vcpu = m->private;
	int i;

	for (i = 0; i < KVMX_NR_EXIT_STATS; i++)
		seq_printf(m, "%s %llu\n", kvmx_stat_names[i],
			   READ_ONCE(vcpu->stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kvmx_vcpu_exits);

static int kvmx_vm_exits_show(struct seq_file *m, void *unused)
{
	struct kvmx_vm *vm = m->private;
	u64 sum[KVMX_NR_EXIT_STATS] = { };
	int i, v;

	mutex_lock(&vm->lock);
	for (v = 0; v < vm->nr_vcpus; v++)
		for (i = 0; i < KVMX_NR_EXIT_STATS; i++)
			sum[i] += READ_ONCE(vm->vcpus[v]->stats[i]);
	mutex_unlock(&vm->lock);
	for (i = 0; i < KVMX_NR_EXIT_STATS; i++)
		seq_printf(m, "%s %llu\n", kvmx_stat_names[i], sum[i]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kvmx_vm_exits);

/**
 * kvmx_debugfs_vm_add() - create a VM's debugfs directory
 * @vm: the VM
 */
void kvmx_debugfs_vm_add(struct kvmx_vm *vm)
{
	char name[32];

	snprintf(name, sizeof(name), "%d-%u", task_pid_nr(current), vm->id);
	vm->debugfs = debugfs_create_dir(name, kvmx_debugfs_root);
	debugfs_create_file("exits", 0444, vm->debugfs, vm,
			    &kvmx_vm_exits_fops);
}

/**
 * kvmx_debugfs_vcpu_add() - create a vCPU's debugfs directory
 * @vcpu: the vCPU
 */
void kvmx_debugfs_vcpu_add(struct kvmx_vcpu *vcpu)
{
	char name[16];

	snprintf(name, sizeof(name), "vcpu%d", vcpu->id);
	vcpu->debugfs = debugfs_create_dir(name, vcpu->vm->debugfs);
	debugfs_create_file("exits", 0444, vcpu->debugfs, vcpu,
			    &kvmx_vcpu_exits_fops);
}

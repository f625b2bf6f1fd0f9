// SPDX-License-Identifier: GPL-2.0
/*
 * Binary statistics (KVM_GET_STATS_FD on a VM or vCPU fd): a read-only
 * file laid out as api.rst describes: struct kvm_stats_header, the id
 * string, one struct kvm_stats_desc (plus name) per statistic, then one
 * u64 per statistic.  Everything but the data is fixed when the fd is
 * made; the data is read at each read().
 *
 * A vCPU has its exit counts by reason (the same ones debugfs shows); a
 * VM has its TLB flush count and its nested page-table size.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kvm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "../kvmx.h"

#define KVMX_STATS_NAME_SIZE	48
#define KVMX_VM_NR_STATS	2

/**
 * struct kvmx_stats_file - one stats fd
 * @vm: the VM (a reference is held)
 * @vcpu: the vCPU, or NULL for the VM's stats
 * @image: header, id, descriptors (the data block follows at @data_off)
 * @nr: number of statistics
 * @data_off: offset of the data block, i.e. the size of @image
 */
struct kvmx_stats_file {
	struct kvmx_vm *vm;
	struct kvmx_vcpu *vcpu;
	void *image;
	u32 nr;
	u32 data_off;
};

static size_t kvmx_stats_desc_size(void)
{
	return sizeof(struct kvm_stats_desc) + KVMX_STATS_NAME_SIZE;
}

static void kvmx_stats_values(const struct kvmx_stats_file *f, u64 *val)
{
	if (f->vcpu) {
		memcpy(val, f->vcpu->stats, sizeof(f->vcpu->stats));
		return;
	}
	val[0] = atomic64_read(&f->vm->tlb_flushes);
	val[1] = READ_ONCE(f->vm->mmu.nr_pages);
}

static ssize_t kvmx_stats_read(struct file *file, char __user *buf,
			       size_t len, loff_t *ppos)
{
	struct kvmx_stats_file *f = file->private_data;
	size_t total = f->data_off + f->nr * sizeof(u64);
	u64 val[KVMX_NR_EXIT_STATS];
	size_t done = 0, n;
	loff_t pos = *ppos;

	if (pos < 0)
		return -EINVAL;
	if (pos >= total || !len)
		return 0;
	len = min_t(size_t, len, total - pos);
	if (pos < f->data_off) {
		n = min_t(size_t, len, f->data_off - pos);
		if (copy_to_user(buf, f->image + pos, n))
			return -EFAULT;
		done = n;
	}
	if (done < len) {
		kvmx_stats_values(f, val);
		n = len - done;
		if (copy_to_user(buf + done,
				 (void *)val + (pos + done - f->data_off), n))
			return -EFAULT;
		done += n;
	}
	*ppos = pos + done;
	return done;
}

static int kvmx_stats_release(struct inode *inode, struct file *file)
{
	struct kvmx_stats_file *f = file->private_data;

	kvmx_vm_put(f->vm);
	kfree(f->image);
	kfree(f);
	return 0;
}

static const struct file_operations kvmx_stats_fops = {
	.owner		= THIS_MODULE,
	.read		= kvmx_stats_read,
	.release	= kvmx_stats_release,
	.llseek		= noop_llseek,
};

static void kvmx_stats_describe(struct kvm_stats_desc *d, u32 flags,
				u32 index, const char *prefix,
				const char *name)
{
	d->flags = flags | KVM_STATS_UNIT_NONE | KVM_STATS_BASE_POW10;
	d->exponent = 0;
	d->size = 1;
	d->offset = index * sizeof(u64);
	d->bucket_size = 0;
	snprintf(d->name, KVMX_STATS_NAME_SIZE, "%s%s", prefix, name);
}

/**
 * kvmx_stats_fd() - KVM_GET_STATS_FD
 * @vm: the VM
 * @vcpu: the vCPU for a vCPU fd, NULL for the VM's
 *
 * Return: the new read-only fd or -errno.
 */
int kvmx_stats_fd(struct kvmx_vm *vm, struct kvmx_vcpu *vcpu)
{
	struct kvmx_stats_file *f;
	struct kvm_stats_header *h;
	u32 i, nr = vcpu ? KVMX_NR_EXIT_STATS : KVMX_VM_NR_STATS;
	struct file *file;
	int fd, r;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return -ENOMEM;
	f->vm = vm;
	f->vcpu = vcpu;
	f->nr = nr;
	f->data_off = sizeof(*h) + KVMX_STATS_NAME_SIZE +
		      nr * kvmx_stats_desc_size();
	f->image = kzalloc(f->data_off, GFP_KERNEL_ACCOUNT);
	if (!f->image) {
		kfree(f);
		return -ENOMEM;
	}
	h = f->image;
	h->name_size = KVMX_STATS_NAME_SIZE;
	h->num_desc = nr;
	h->id_offset = sizeof(*h);
	h->desc_offset = h->id_offset + KVMX_STATS_NAME_SIZE;
	h->data_offset = f->data_off;
	if (vcpu)
		snprintf(f->image + h->id_offset, KVMX_STATS_NAME_SIZE,
			 "kvm-%d/vcpu-%d", task_pid_nr(current), vcpu->id);
	else
		snprintf(f->image + h->id_offset, KVMX_STATS_NAME_SIZE,
			 "kvm-%d", task_pid_nr(current));
	for (i = 0; i < nr; i++) {
		struct kvm_stats_desc *d = f->image + h->desc_offset +
					   i * kvmx_stats_desc_size();

		if (vcpu)
			kvmx_stats_describe(d, KVM_STATS_TYPE_CUMULATIVE, i,
					    "exits_", kvmx_stat_names[i]);
	}
	if (!vcpu) {
		kvmx_stats_describe(f->image + h->desc_offset,
				    KVM_STATS_TYPE_CUMULATIVE, 0, "",
				    "remote_tlb_flush");
		kvmx_stats_describe(f->image + h->desc_offset +
				    kvmx_stats_desc_size(),
				    KVM_STATS_TYPE_INSTANT, 1, "",
				    "mmu_table_pages");
	}

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_image;
	}
	file = anon_inode_getfile(vcpu ? "kvmx-vcpu-stats" : "kvmx-vm-stats",
				  &kvmx_stats_fops, f, O_RDONLY);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto err_fd;
	}
	/* Readers use pread() at the offsets the header gives. */
	file->f_mode |= FMODE_PREAD;
	kref_get(&vm->kref);
	fd_install(fd, file);
	return fd;

err_fd:
	put_unused_fd(fd);
err_image:
	kfree(f->image);
	kfree(f);
	return r;
}

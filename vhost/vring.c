// SPDX-License-Identifier: GPL-2.0
/*
 * Split-virtqueue descriptor chains, checked before anything is trusted.
 *
 * The walker follows a chain from its head through the ring's descriptor
 * table and, at most one level deep, through an indirect table.  Each
 * buffer is translated from guest-physical to owner-virtual addresses via
 * the memory table and split at region boundaries.  Every way a guest can
 * lie is caught here and named (enum kvmx_vring_fault); the caller then
 * stops the queue and signals the error eventfd.
 *
 * Compiled into the module and, with -DKVMX_USERSPACE, into unit tests.
 */
#include "vring.h"

#ifdef KVMX_USERSPACE
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "unit tests assume a little-endian host"
#endif
#define le16_to_cpu(x) (x)
#define le32_to_cpu(x) (x)
#define le64_to_cpu(x) (x)
#else
#include <asm/byteorder.h>
#include <linux/uaccess.h>
#endif

/*
 * Read owner memory.  The module passes no read function and gets a
 * direct copy_from_user() (no indirect call per descriptor); unit tests
 * pass their own.
 */
static int kvmx_vring_read(const struct kvmx_vring_walk *w, void *dst,
			   u64 uva, size_t len)
{
#ifndef KVMX_USERSPACE
	if (!w->read)
		return copy_from_user(dst, (const void __user *)
				      (unsigned long)uva, len) ? -EFAULT : 0;
#endif
	return w->read(w->ctx, dst, uva, len);
}

/*
 * Read one descriptor.  In the kernel a single user-access window with
 * four plain loads: far cheaper per descriptor than copy_from_user(),
 * which for a 16-byte object goes through the generic copy routine.
 */
static int kvmx_vring_read_desc(const struct kvmx_vring_walk *w,
				struct kvmx_vring_desc_le *raw, u64 uva)
{
#ifndef KVMX_USERSPACE
	const struct kvmx_vring_desc_le __user *p =
		(const struct kvmx_vring_desc_le __user *)(unsigned long)uva;

	if (!w->read) {
		if (!user_access_begin(p, sizeof(*p)))
			return -EFAULT;
		unsafe_get_user(raw->addr, &p->addr, efault);
		unsafe_get_user(raw->len, &p->len, efault);
		unsafe_get_user(raw->flags, &p->flags, efault);
		unsafe_get_user(raw->next, &p->next, efault);
		user_access_end();
		return 0;
efault:
		user_access_end();
		return -EFAULT;
	}
#endif
	return w->read(w->ctx, raw, uva, sizeof(*raw));
}

static const char * const kvmx_vring_fault_names[KVMX_VRING_NR_FAULTS] = {
	[KVMX_VRING_OK]			= "ok",
	[KVMX_VRING_AVAIL_JUMP]		= "avail index moved by more than num",
	[KVMX_VRING_HEAD_RANGE]		= "head index out of range",
	[KVMX_VRING_NEXT_RANGE]		= "next index out of range",
	[KVMX_VRING_LOOP]		= "chain longer than its table (loop)",
	[KVMX_VRING_NESTED_INDIRECT]	= "nested indirect descriptor",
	[KVMX_VRING_INDIRECT_LEN]	= "bad indirect table length",
	[KVMX_VRING_INDIRECT_NEXT]	= "indirect descriptor with NEXT",
	[KVMX_VRING_INDIRECT_FEATURE]	= "indirect descriptor not negotiated",
	[KVMX_VRING_BAD_ADDR]		= "address outside the memory table",
	[KVMX_VRING_OVERFLOW]		= "length overflows",
	[KVMX_VRING_OUT_AFTER_IN]	= "readable descriptor after writable",
	[KVMX_VRING_TOO_MANY_SEGS]	= "too many segments",
	[KVMX_VRING_FAULT]		= "ring memory unreadable",
	[KVMX_VRING_DIRECTION]		= "wrong buffer direction",
	[KVMX_VRING_EMPTY_TX]		= "empty transmit buffer",
};

/**
 * kvmx_vring_fault_name() - human-readable name of a ring fault
 * @f: the fault
 *
 * Return: a static string.
 */
const char *kvmx_vring_fault_name(enum kvmx_vring_fault f)
{
	if ((unsigned int)f >= KVMX_VRING_NR_FAULTS)
		return "unknown";
	return kvmx_vring_fault_names[f];
}

/**
 * kvmx_vring_mem_check() - validate regions of a VHOST_SET_MEM_TABLE
 * @r: the regions
 * @n: how many
 * @uva_limit: one past the highest owner address (TASK_SIZE)
 *
 * A region must be non-empty and neither its guest range nor its owner
 * range may wrap or leave the owner's address space.
 *
 * Return: 0 or -EFAULT.
 */
int kvmx_vring_mem_check(const struct kvmx_vring_region *r, u32 n,
			 u64 uva_limit)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (!r[i].size)
			return -EFAULT;
		if (r[i].gpa + r[i].size - 1 < r[i].gpa)
			return -EFAULT;
		if (r[i].uva + r[i].size - 1 < r[i].uva)
			return -EFAULT;
		if (r[i].uva + r[i].size > uva_limit ||
		    r[i].uva + r[i].size < r[i].uva)
			return -EFAULT;
	}
	return 0;
}

static const struct kvmx_vring_region *
kvmx_vring_mem_find(const struct kvmx_vring_mem *mem, u64 gpa)
{
	u32 i;

	for (i = 0; i < mem->nregions; i++) {
		const struct kvmx_vring_region *r = &mem->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return r;
	}
	return NULL;
}

/**
 * kvmx_vring_translate() - append the owner segments backing a guest range
 * @mem: memory table
 * @gpa: guest-physical start
 * @len: length in bytes (may be 0: nothing is appended)
 * @c: chain whose iov/gpa arrays receive segments at index nout + nin
 *
 * The caller accounts the segments (nout or nin) afterwards; this only
 * fills slots starting at nout + nin and returns how many it used.
 *
 * Return: number of segments, or -EFAULT/-ENOBUFS with @c->fault set.
 */
int kvmx_vring_translate(const struct kvmx_vring_mem *mem, u64 gpa, u64 len,
			 struct kvmx_vring_chain *c)
{
	u32 slot = c->nout + c->nin;
	int used = 0;

	if (len && gpa + len - 1 < gpa) {
		c->fault = KVMX_VRING_OVERFLOW;
		return -EFAULT;
	}
	while (len) {
		const struct kvmx_vring_region *r = kvmx_vring_mem_find(mem, gpa);
		u64 off, chunk;

		if (!r) {
			c->fault = KVMX_VRING_BAD_ADDR;
			return -EFAULT;
		}
		if (slot + used >= c->max_segs) {
			c->fault = KVMX_VRING_TOO_MANY_SEGS;
			return -ENOBUFS;
		}
		off = gpa - r->gpa;
		chunk = r->size - off;
		if (chunk > len)
			chunk = len;
		c->iov[slot + used].iov_base =
			(void __user *)(unsigned long)(r->uva + off);
		c->iov[slot + used].iov_len = chunk;
		if (c->gpa)
			c->gpa[slot + used] = gpa;
		used++;
		gpa += chunk;
		len -= chunk;
	}
	return used;
}

/* Read a descriptor from a guest-physical indirect table. */
static int kvmx_vring_read_gpa(const struct kvmx_vring_walk *w, void *dst,
			       u64 gpa, u32 len, struct kvmx_vring_chain *c)
{
	u8 *out = dst;

	while (len) {
		const struct kvmx_vring_region *r;
		u64 off, chunk;

		r = kvmx_vring_mem_find(w->mem, gpa);
		if (!r) {
			c->fault = KVMX_VRING_BAD_ADDR;
			return -EFAULT;
		}
		off = gpa - r->gpa;
		chunk = r->size - off;
		if (chunk > len)
			chunk = len;
		if (chunk == sizeof(struct kvmx_vring_desc_le) ?
		    kvmx_vring_read_desc(w, (struct kvmx_vring_desc_le *)out,
					 r->uva + off) :
		    kvmx_vring_read(w, out, r->uva + off, chunk)) {
			c->fault = KVMX_VRING_FAULT;
			return -EFAULT;
		}
		out += chunk;
		gpa += chunk;
		len -= (u32)chunk;
	}
	return 0;
}

static int kvmx_vring_add_buffer(const struct kvmx_vring_walk *w,
				 const struct kvmx_vring_desc *d,
				 struct kvmx_vring_chain *c)
{
	bool writable = d->flags & KVMX_VRING_F_WRITE;
	const struct kvmx_vring_region *r;
	u32 slot = c->nout + c->nin;
	int n;

	if (!writable && c->nin) {
		c->fault = KVMX_VRING_OUT_AFTER_IN;
		return -EINVAL;
	}
	/* The common case: the whole buffer inside one region. */
	r = d->len ? kvmx_vring_region_of(w->mem, d->addr, d->len) : NULL;
	if (r && slot < c->max_segs) {
		c->iov[slot].iov_base = (void __user *)(unsigned long)
					(r->uva + (d->addr - r->gpa));
		c->iov[slot].iov_len = d->len;
		if (c->gpa)
			c->gpa[slot] = d->addr;
		n = 1;
	} else {
		n = kvmx_vring_translate(w->mem, d->addr, d->len, c);
		if (n < 0)
			return n;
	}
	if (writable) {
		c->nin += n;
		c->in_bytes += d->len;
	} else {
		c->nout += n;
		c->out_bytes += d->len;
	}
	/* A chain's total must stay a valid (int) transfer length. */
	if (c->in_bytes > 0x7fffffffULL || c->out_bytes > 0x7fffffffULL) {
		c->fault = KVMX_VRING_OVERFLOW;
		return -EINVAL;
	}
	return 0;
}

static void kvmx_vring_desc_from_le(struct kvmx_vring_desc *d,
				    const struct kvmx_vring_desc_le *raw)
{
	d->addr = le64_to_cpu(raw->addr);
	d->len = le32_to_cpu(raw->len);
	d->flags = le16_to_cpu(raw->flags);
	d->next = le16_to_cpu(raw->next);
}

/**
 * kvmx_vring_walk_chain() - walk and validate the chain starting at @head
 * @w: ring and memory description
 * @head: head descriptor index (from the avail ring)
 * @c: out: segments (iov, gpa, max_segs set by the caller)
 *
 * Return: 0, or a negative errno with @c->fault naming the problem.
 */
int kvmx_vring_walk_chain(const struct kvmx_vring_walk *w, u16 head,
			  struct kvmx_vring_chain *c)
{
	struct kvmx_vring_desc_le raw;
	struct kvmx_vring_desc d;
	u64 ind_gpa = 0;
	u32 table_size = w->num;
	u32 seen = 0;
	u32 idx = head;
	bool indirect = false;
	int r;

	c->nout = 0;
	c->nin = 0;
	c->out_bytes = 0;
	c->in_bytes = 0;
	c->head = head;
	c->fault = KVMX_VRING_OK;

	if (head >= w->num) {
		c->fault = KVMX_VRING_HEAD_RANGE;
		return -EINVAL;
	}
	for (;;) {
		if (++seen > table_size) {
			c->fault = KVMX_VRING_LOOP;
			return -EINVAL;
		}
		if (indirect) {
			r = kvmx_vring_read_gpa(w, &raw, ind_gpa +
						(u64)idx * KVMX_VRING_DESC_SIZE,
						sizeof(raw), c);
			if (r)
				return r;
		} else if (kvmx_vring_read_desc(w, &raw, w->desc_uva +
					(u64)idx * KVMX_VRING_DESC_SIZE)) {
			c->fault = KVMX_VRING_FAULT;
			return -EFAULT;
		}
		kvmx_vring_desc_from_le(&d, &raw);

		if (d.flags & KVMX_VRING_F_INDIRECT) {
			if (indirect) {
				c->fault = KVMX_VRING_NESTED_INDIRECT;
				return -EINVAL;
			}
			if (!w->indirect_ok) {
				c->fault = KVMX_VRING_INDIRECT_FEATURE;
				return -EINVAL;
			}
			if (d.flags & KVMX_VRING_F_NEXT) {
				c->fault = KVMX_VRING_INDIRECT_NEXT;
				return -EINVAL;
			}
			if (!d.len || d.len % KVMX_VRING_DESC_SIZE ||
			    d.len / KVMX_VRING_DESC_SIZE > KVMX_VRING_MAX_NUM * 2) {
				c->fault = KVMX_VRING_INDIRECT_LEN;
				return -EINVAL;
			}
			if (d.addr + d.len - 1 < d.addr) {
				c->fault = KVMX_VRING_OVERFLOW;
				return -EINVAL;
			}
			indirect = true;
			ind_gpa = d.addr;
			table_size = d.len / KVMX_VRING_DESC_SIZE;
			seen = 0;
			idx = 0;
			continue;
		}

		r = kvmx_vring_add_buffer(w, &d, c);
		if (r)
			return r;
		if (!(d.flags & KVMX_VRING_F_NEXT))
			return 0;
		idx = d.next;
		if (idx >= table_size) {
			c->fault = KVMX_VRING_NEXT_RANGE;
			return -EINVAL;
		}
	}
}

/**
 * kvmx_vring_avail_count() - buffers published but not yet consumed
 * @avail_idx: avail->idx as just read
 * @last_avail_idx: the device's next index to consume
 * @num: ring size
 * @count: out: number of new heads
 *
 * Return: 0, or -EINVAL if the driver claims more than @num new heads.
 */
int kvmx_vring_avail_count(u16 avail_idx, u16 last_avail_idx, u32 num,
			   u16 *count)
{
	u16 n = (u16)(avail_idx - last_avail_idx);

	if (n > num)
		return -EINVAL;
	*count = n;
	return 0;
}

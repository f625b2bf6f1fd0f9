/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure split-virtqueue logic shared by kvmx_vhost_net.ko and the host unit
 * tests: the guest memory table, descriptor-chain walking with full
 * validation, ring layout arithmetic and event-index math.  Nothing here
 * touches memory directly: descriptors are fetched through a caller-supplied
 * read function (copy_from_user in the kernel, memcpy in unit tests).
 */
#ifndef KVMX_VHOST_VRING_H
#define KVMX_VHOST_VRING_H

#ifdef KVMX_USERSPACE
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>
#include <linux/types.h>
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
#define __user
#else
#include <linux/types.h>
#include <linux/uio.h>
#include <linux/errno.h>
#endif

#define KVMX_VRING_DESC_SIZE	16
#define KVMX_VRING_MAX_NUM	32768
#define KVMX_VRING_PAGE_SHIFT	12
#define KVMX_VRING_MAX_REGIONS	64

#define KVMX_VRING_F_NEXT	1
#define KVMX_VRING_F_WRITE	2
#define KVMX_VRING_F_INDIRECT	4

/* One descriptor as laid out in guest memory (little endian). */
struct kvmx_vring_desc_le {
	__le64 addr;
	__le32 len;
	__le16 flags;
	__le16 next;
};

/* The same, in CPU byte order. */
struct kvmx_vring_desc {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

/* One guest-physical range backed by the owner's virtual memory. */
struct kvmx_vring_region {
	u64 gpa;
	u64 size;
	u64 uva;
};

struct kvmx_vring_mem {
	u32 nregions;
	struct kvmx_vring_region regions[];
};

/* Why a ring was declared broken; reported in debugfs and pr_debug. */
enum kvmx_vring_fault {
	KVMX_VRING_OK = 0,
	KVMX_VRING_AVAIL_JUMP,		/* avail->idx moved more than num */
	KVMX_VRING_HEAD_RANGE,		/* head index >= num */
	KVMX_VRING_NEXT_RANGE,		/* next index outside its table */
	KVMX_VRING_LOOP,		/* chain longer than its table */
	KVMX_VRING_NESTED_INDIRECT,	/* indirect inside an indirect table */
	KVMX_VRING_INDIRECT_LEN,	/* bad indirect table length */
	KVMX_VRING_INDIRECT_NEXT,	/* INDIRECT together with NEXT */
	KVMX_VRING_INDIRECT_FEATURE,	/* INDIRECT not negotiated */
	KVMX_VRING_BAD_ADDR,		/* address outside the memory table */
	KVMX_VRING_OVERFLOW,		/* addr + len or chain length wraps */
	KVMX_VRING_OUT_AFTER_IN,	/* readable after writable */
	KVMX_VRING_TOO_MANY_SEGS,	/* more segments than the iov holds */
	KVMX_VRING_FAULT,		/* ring memory unreadable */
	KVMX_VRING_DIRECTION,		/* wrong buffer direction for queue */
	KVMX_VRING_EMPTY_TX,		/* TX chain with no payload */
	KVMX_VRING_NR_FAULTS
};

/**
 * typedef kvmx_vring_read_fn - fetch @len bytes at owner address @uva
 * Return: 0 on success, nonzero if the memory cannot be read.
 */
typedef int (*kvmx_vring_read_fn)(void *ctx, void *dst, u64 uva, size_t len);

/* Where a chain walk reads from and what it may accept. */
struct kvmx_vring_walk {
	const struct kvmx_vring_mem *mem;
	kvmx_vring_read_fn read;	/* NULL in the kernel: copy_from_user */
	void *ctx;
	u64 desc_uva;		/* the descriptor table of the ring */
	u32 num;		/* ring size */
	bool indirect_ok;	/* VIRTIO_RING_F_INDIRECT_DESC negotiated */
};

/* The result of walking one chain: readable segments first. */
struct kvmx_vring_chain {
	struct iovec *iov;	/* owner virtual addresses */
	u64 *gpa;		/* guest address of each segment (logging) */
	u32 max_segs;
	u32 nout;		/* readable (device reads) segments */
	u32 nin;		/* writable (device writes) segments */
	u64 out_bytes;
	u64 in_bytes;
	u16 head;
	enum kvmx_vring_fault fault;
};

const char *kvmx_vring_fault_name(enum kvmx_vring_fault f);

int kvmx_vring_mem_check(const struct kvmx_vring_region *r, u32 n,
			 u64 uva_limit);
int kvmx_vring_translate(const struct kvmx_vring_mem *mem, u64 gpa, u64 len,
			 struct kvmx_vring_chain *c);
int kvmx_vring_walk_chain(const struct kvmx_vring_walk *w, u16 head,
			  struct kvmx_vring_chain *c);
int kvmx_vring_avail_count(u16 avail_idx, u16 last_avail_idx, u32 num,
			   u16 *count);

/* Ring layout (split virtqueue, virtio 1.x section 2.7). */
static inline u64 kvmx_vring_desc_bytes(u32 num)
{
	return (u64)num * KVMX_VRING_DESC_SIZE;
}

/* flags, idx, ring[num], used_event */
static inline u64 kvmx_vring_avail_bytes(u32 num)
{
	return 4 + 2 * (u64)num + 2;
}

/* flags, idx, ring[num] of {id, len}, avail_event */
static inline u64 kvmx_vring_used_bytes(u32 num)
{
	return 4 + 8 * (u64)num + 2;
}

static inline u64 kvmx_vring_avail_entry_off(u32 i)
{
	return 4 + 2 * (u64)i;
}

static inline u64 kvmx_vring_used_entry_off(u32 i)
{
	return 4 + 8 * (u64)i;
}

/*
 * The region holding the guest address @gpa (the first one, as every
 * lookup here), if it also holds the whole of [@gpa, @gpa + @len);
 * otherwise NULL and the range needs splitting or is bad.
 */
static inline const struct kvmx_vring_region *
kvmx_vring_region_of(const struct kvmx_vring_mem *mem, u64 gpa, u64 len)
{
	u32 i;

	for (i = 0; i < mem->nregions; i++) {
		const struct kvmx_vring_region *r = &mem->regions[i];

		if (gpa >= r->gpa && gpa - r->gpa < r->size)
			return len <= r->size - (gpa - r->gpa) ? r : NULL;
	}
	return NULL;
}

/*
 * Should the other side be notified?  @event is the index it asked to be
 * told about, @new_idx the index now published, @old_idx the one published
 * at the previous notification: notify iff @event lies in [old, new).
 */
static inline bool kvmx_vring_need_event(u16 event, u16 new_idx, u16 old_idx)
{
	return (u16)(new_idx - event - 1) < (u16)(new_idx - old_idx);
}

#endif /* KVMX_VHOST_VRING_H */

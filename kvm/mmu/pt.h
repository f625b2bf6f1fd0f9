/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two-dimensional page tables, format side: building and tearing down a
 * radix tree of 512-entry tables mapping guest frames to host frames.
 * The bits an entry carries come from a struct kvmx_pt_fmt, so AMD NPT
 * (ordinary x86-64 page-table entries) and Intel EPT (R/W/X bits, memory
 * type) share this code; the fault path (mmu.c) does not know the format.
 *
 * All functions run under the VM's mmu_lock.
 */
#ifndef KVMX_MMU_PT_H
#define KVMX_MMU_PT_H

#include "../kvmx.h"

/**
 * struct kvmx_pt_fmt - bits of one page-table format
 * @present: an entry maps something (for EPT: the read bit)
 * @table: bits of an entry pointing to a lower table
 * @leaf: bits every leaf (4 KiB) entry carries
 * @writable: bit allowing writes in a leaf
 * @huge: bit marking a leaf above the last level (2 MiB)
 * @addr_mask: physical address bits of an entry
 */
struct kvmx_pt_fmt {
	u64 present;
	u64 table;
	u64 leaf;
	u64 writable;
	u64 huge;
	u64 addr_mask;
};

extern const struct kvmx_pt_fmt kvmx_npt_fmt;

int kvmx_pt_init(struct kvmx_mmu *mmu, int levels);
void kvmx_pt_free(struct kvmx_mmu *mmu);
/* Mapping sizes: level 1 maps 4 KiB, level 2 maps 2 MiB. */
#define KVMX_PT_LEVEL_4K	1
#define KVMX_PT_LEVEL_2M	2

int kvmx_pt_map(struct kvmx_mmu *mmu, const struct kvmx_pt_fmt *fmt,
		u64 gfn, u64 pfn, int level, bool writable,
		struct kvmx_pt_cache *c, bool *replaced);
bool kvmx_pt_zap(struct kvmx_mmu *mmu, const struct kvmx_pt_fmt *fmt,
		 u64 start, u64 end);
bool kvmx_pt_wrprotect(struct kvmx_mmu *mmu, const struct kvmx_pt_fmt *fmt,
		       u64 gfn);

#endif /* KVMX_MMU_PT_H */

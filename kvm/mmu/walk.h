/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest page-table walker: guest linear address -> guest physical address
 * under the guest's own paging mode, as the CPU would translate it, with
 * the #PF error code the CPU would report on failure.
 *
 * Modes: paging off (CR0.PG=0), 32-bit 2-level (4 KiB, and 4 MiB pages
 * with CR4.PSE, PSE-36 high bits), PAE 3-level (4 KiB, 2 MiB), 4-level
 * long mode (4 KiB, 2 MiB, 1 GiB) and 5-level with CR4.LA57.  Checks:
 * present, reserved bits (MAXPHYADDR taken as 52, large-page alignment,
 * NX without EFER.NXE, PS in PML4E/PML5E), U/S, R/W with CR0.WP, XD with
 * EFER.NXE, SMEP and SMAP.
 *
 * Not done: accessed/dirty bit updates (the walk is read-only), protection
 * keys, PAE PDPTE caching at CR3 load (PDPTEs are read from memory on each
 * walk), TLB modelling.
 *
 * Pure logic: builds in the kernel and in host unit tests.
 */
#ifndef KVMX_MMU_WALK_H
#define KVMX_MMU_WALK_H

#include "../x86/emu_types.h"

/*
 * Access type bits for kvmx_walk_gva(); the same bit positions as the
 * #PF error code, so they can be or'ed into it.
 */
#define KVMX_WALK_WRITE		0x02	/* data write */
#define KVMX_WALK_USER		0x04	/* CPL 3 access */
#define KVMX_WALK_FETCH		0x10	/* instruction fetch */
/* Supervisor data access allowed to user pages under SMAP (RFLAGS.AC=1) */
#define KVMX_WALK_SMAP_OK	0x100

/* RFLAGS.AC: alignment check, and the SMAP override at CPL < 3 */
#define KVMX_WALK_RFLAGS_AC	BIT_ULL(18)

/* #PF error code bits */
#define KVMX_PFERR_PRESENT	0x01
#define KVMX_PFERR_WRITE	0x02
#define KVMX_PFERR_USER		0x04
#define KVMX_PFERR_RSVD		0x08
#define KVMX_PFERR_FETCH	0x10

/* Control register bits the walker looks at */
#define KVMX_CR0_WP		BIT_ULL(16)
#define KVMX_CR0_PG		BIT_ULL(31)
#define KVMX_CR4_PSE		BIT_ULL(4)
#define KVMX_CR4_PAE		BIT_ULL(5)
#define KVMX_CR4_LA57		BIT_ULL(12)
#define KVMX_CR4_SMEP		BIT_ULL(20)
#define KVMX_CR4_SMAP		BIT_ULL(21)
#define KVMX_EFER_LME		BIT_ULL(8)
#define KVMX_EFER_LMA		BIT_ULL(10)
#define KVMX_EFER_NXE		BIT_ULL(11)

/**
 * kvmx_walk_gva() - translate a guest linear address
 * @gva: guest linear (virtual) address
 * @cr0: guest CR0 (PG, WP used)
 * @cr3: guest CR3
 * @cr4: guest CR4 (PSE, PAE, LA57, SMEP, SMAP used)
 * @efer: guest EFER (LMA, NXE used; long mode is EFER.LMA)
 * @access: KVMX_WALK_* bits describing the access
 * @read_gpa: reads @len (4 or 8, naturally aligned) bytes of guest physical
 *	memory at @gpa into @buf, for page-table entries; returns 0 or a
 *	negative errno if @gpa is not guest RAM
 * @opaque: passed to @read_gpa
 * @gpa_out: the guest physical address on success
 * @fault_error_code: the #PF error code on -EFAULT (0 otherwise)
 *
 * With paging off the result is @gva truncated to 32 bits.
 *
 * Return: 0 on success; -EFAULT if the CPU would raise #PF (error code in
 * @fault_error_code, CR2 would be @gva); -EINVAL if @gva is not canonical
 * in long mode (the CPU raises #GP/#SS, not #PF); -EIO if @read_gpa
 * fails (a page-table entry outside guest RAM).
 */
int kvmx_walk_gva(u64 gva, u64 cr0, u64 cr3, u64 cr4, u64 efer,
		  unsigned int access,
		  int (*read_gpa)(void *opaque, u64 gpa, void *buf,
				  unsigned int len),
		  void *opaque, u64 *gpa_out, u32 *fault_error_code);

/**
 * kvmx_walk_cpl_access() - access bits of an explicit access by the guest
 * @access: KVMX_WALK_WRITE and/or KVMX_WALK_FETCH
 * @cpl: the guest's current privilege level
 * @rflags: guest RFLAGS (AC used)
 *
 * At CPL 3 the access is a user access.  Below CPL 3 an explicit data
 * access with RFLAGS.AC set may touch user pages under CR4.SMAP, so
 * KVMX_WALK_SMAP_OK is added.  Not for implicit supervisor accesses
 * (descriptor tables, TSS, ...), which SMAP checks whatever AC is: their
 * callers pass neither bit.
 *
 * Return: @access with KVMX_WALK_USER or KVMX_WALK_SMAP_OK added.
 */
unsigned int kvmx_walk_cpl_access(unsigned int access, unsigned int cpl,
				  u64 rflags);

#endif /* KVMX_MMU_WALK_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Guest page-table walker (see walk.h): reads the guest's own tables through
 * a callback and applies the CPU's present, reserved-bit and permission
 * rules, producing a GPA or the #PF error code.
 */
#include "walk.h"

#define KVMX_PTE_P		BIT_ULL(0)
#define KVMX_PTE_RW		BIT_ULL(1)
#define KVMX_PTE_US		BIT_ULL(2)
#define KVMX_PTE_PS		BIT_ULL(7)
#define KVMX_PTE_NX		BIT_ULL(63)

/* Frame address bits of a 64-bit entry (MAXPHYADDR 52). */
#define KVMX_PTE_ADDR		0x000ffffffffff000ULL
/* Bits 62:52: reserved in PAE entries, ignored in 4/5-level entries. */
#define KVMX_PAE_HIGH_RSVD	0x7ff0000000000000ULL
/*
 * PAE PDPTE: bits 2:1 and 63 (no NX there) are reserved.  The SDM also
 * reserves 8:5, but those are checked only when CR3 is loaded; a walk
 * that re-reads the PDPTE must accept the accessed bit (5) that AMD CPUs
 * (and QEMU's model of them) set there.
 */
#define KVMX_PDPTE_RSVD		(0x6ULL | BIT_ULL(63))

/* Rights gathered along the walk. */
struct kvmx_walk_state {
	bool user;	/* every level allows user access */
	bool write;	/* every level allows writes */
	bool nx;	/* some level forbids execution */
};

static int kvmx_walk_read(int (*read_gpa)(void *, u64, void *, unsigned int),
			  void *opaque, u64 gpa, unsigned int len, u64 *val)
{
	u8 buf[8];
	unsigned int i;
	int ret;

	/* Not a guest fault: keep -EFAULT for #PF only. */
	ret = read_gpa(opaque, gpa, buf, len);
	if (ret)
		return -EIO;
	*val = 0;
	for (i = 0; i < len; i++)
		*val |= (u64)buf[i] << (8 * i);
	return 0;
}

/* Error code for a fault: the access type plus what went wrong. */
static u32 kvmx_walk_ec(unsigned int access, u64 cr4, bool nx_paging,
			u32 what)
{
	u32 ec = what | (access & (KVMX_PFERR_WRITE | KVMX_PFERR_USER));

	/* I/D is reported only when NX or SMEP make fetches special. */
	if ((access & KVMX_WALK_FETCH) && (nx_paging || (cr4 & KVMX_CR4_SMEP)))
		ec |= KVMX_PFERR_FETCH;
	return ec;
}

/*
 * Permission check on the combined rights of a translation.  Returns 0 or
 * the error code (present bit set) of a protection fault.
 */
static u32 kvmx_walk_perm(const struct kvmx_walk_state *st,
			  unsigned int access, u64 cr0, u64 cr4,
			  bool nx_paging)
{
	bool user = access & KVMX_WALK_USER;
	bool write = access & KVMX_WALK_WRITE;
	bool fetch = access & KVMX_WALK_FETCH;
	bool bad = false;

	if (user) {
		bad = !st->user || (write && !st->write);
	} else {
		if (write && !st->write && (cr0 & KVMX_CR0_WP))
			bad = true;
		if (fetch && st->user && (cr4 & KVMX_CR4_SMEP))
			bad = true;
		if (!fetch && st->user && (cr4 & KVMX_CR4_SMAP) &&
		    !(access & KVMX_WALK_SMAP_OK))
			bad = true;
	}
	if (fetch && st->nx)
		bad = true;
	if (!bad)
		return 0;
	return kvmx_walk_ec(access, cr4, nx_paging, KVMX_PFERR_PRESENT);
}

/* 32-bit paging: 2 levels of 4-byte entries, 4 MiB pages with PSE. */
static int kvmx_walk_32(u64 gva, u64 cr0, u64 cr3, u64 cr4,
			unsigned int access,
			int (*read_gpa)(void *, u64, void *, unsigned int),
			void *opaque, u64 *gpa_out, u32 *ec)
{
	struct kvmx_walk_state st = { .user = true, .write = true };
	u32 va = (u32)gva;
	u64 pde, pte, gpa;
	int ret;

	ret = kvmx_walk_read(read_gpa, opaque,
			     (cr3 & 0xfffff000) + ((va >> 22) << 2), 4, &pde);
	if (ret)
		return ret;
	if (!(pde & KVMX_PTE_P)) {
		*ec = kvmx_walk_ec(access, cr4, false, 0);
		return -EFAULT;
	}
	st.user = pde & KVMX_PTE_US;
	st.write = pde & KVMX_PTE_RW;
	if ((pde & KVMX_PTE_PS) && (cr4 & KVMX_CR4_PSE)) {
		/* PSE-36: PDE bits 20:13 are physical bits 39:32. */
		if (pde & BIT_ULL(21)) {
			*ec = kvmx_walk_ec(access, cr4, false,
					   KVMX_PFERR_PRESENT |
					   KVMX_PFERR_RSVD);
			return -EFAULT;
		}
		gpa = (pde & 0xffc00000) | (((pde >> 13) & 0xff) << 32) |
		      (va & 0x3fffff);
	} else {
		ret = kvmx_walk_read(read_gpa, opaque,
				     (pde & 0xfffff000) +
				     (((va >> 12) & 0x3ff) << 2), 4, &pte);
		if (ret)
			return ret;
		if (!(pte & KVMX_PTE_P)) {
			*ec = kvmx_walk_ec(access, cr4, false, 0);
			return -EFAULT;
		}
		st.user &= !!(pte & KVMX_PTE_US);
		st.write &= !!(pte & KVMX_PTE_RW);
		gpa = (pte & 0xfffff000) | (va & 0xfff);
	}
	*ec = kvmx_walk_perm(&st, access, cr0, cr4, false);
	if (*ec)
		return -EFAULT;
	*gpa_out = gpa;
	return 0;
}

/*
 * Reserved bits of a present 64-bit entry at @level (1 = PTE) that is a
 * leaf when @leaf; @pae is legacy PAE paging (3 levels).
 */
static bool kvmx_walk_rsvd(u64 e, unsigned int level, bool leaf, bool pae,
			   u64 efer)
{
	if ((e & KVMX_PTE_NX) && !(efer & KVMX_EFER_NXE))
		return true;
	if (pae && level == 3)
		return e & (KVMX_PDPTE_RSVD | KVMX_PAE_HIGH_RSVD);
	if (pae && (e & KVMX_PAE_HIGH_RSVD))
		return true;
	/* PS is reserved in PML4Es and PML5Es. */
	if (level >= 4 && (e & KVMX_PTE_PS))
		return true;
	/* Large pages: the frame's low bits above PAT (bit 12) are zero. */
	if (leaf && level == 2 && (e & 0x1fe000ULL))
		return true;
	if (leaf && level == 3 && (e & 0x3fffe000ULL))
		return true;
	return false;
}

/* PAE (3 levels), 4-level and 5-level paging: 8-byte entries. */
static int kvmx_walk_64(u64 gva, u64 cr0, u64 cr3, u64 cr4, u64 efer,
			unsigned int access,
			int (*read_gpa)(void *, u64, void *, unsigned int),
			void *opaque, u64 *gpa_out, u32 *ec)
{
	struct kvmx_walk_state st = { .user = true, .write = true };
	bool pae = !(efer & KVMX_EFER_LMA);
	bool la57 = !pae && (cr4 & KVMX_CR4_LA57);
	bool nx_paging = efer & KVMX_EFER_NXE;
	unsigned int level = pae ? 3 : la57 ? 5 : 4;
	u64 table, e = 0, index, page_mask;
	bool leaf = false;
	int ret;

	if (pae) {
		gva = (u32)gva;
		table = cr3 & 0xffffffe0;
	} else {
		table = cr3 & KVMX_PTE_ADDR;
	}

	for (; level >= 1; level--) {
		unsigned int shift = 12 + 9 * (level - 1);

		index = (gva >> shift) & (pae && level == 3 ? 3 : 511);
		ret = kvmx_walk_read(read_gpa, opaque, table + index * 8, 8,
				     &e);
		if (ret)
			return ret;
		if (!(e & KVMX_PTE_P)) {
			*ec = kvmx_walk_ec(access, cr4, nx_paging, 0);
			return -EFAULT;
		}
		leaf = level == 1 ||
		       ((e & KVMX_PTE_PS) && (level == 2 ||
					      (level == 3 && !pae)));
		if (kvmx_walk_rsvd(e, level, leaf, pae, efer)) {
			*ec = kvmx_walk_ec(access, cr4, nx_paging,
					   KVMX_PFERR_PRESENT |
					   KVMX_PFERR_RSVD);
			return -EFAULT;
		}
		/* PAE PDPTEs carry no rights. */
		if (!(pae && level == 3)) {
			st.user &= !!(e & KVMX_PTE_US);
			st.write &= !!(e & KVMX_PTE_RW);
		}
		if (nx_paging && (e & KVMX_PTE_NX))
			st.nx = true;
		if (leaf)
			break;
		table = e & KVMX_PTE_ADDR;
	}

	*ec = kvmx_walk_perm(&st, access, cr0, cr4, nx_paging);
	if (*ec)
		return -EFAULT;
	page_mask = (1ULL << (12 + 9 * (level - 1))) - 1;
	*gpa_out = (e & KVMX_PTE_ADDR & ~page_mask) | (gva & page_mask);
	return 0;
}

int kvmx_walk_gva(u64 gva, u64 cr0, u64 cr3, u64 cr4, u64 efer,
		  unsigned int access,
		  int (*read_gpa)(void *opaque, u64 gpa, void *buf,
				  unsigned int len),
		  void *opaque, u64 *gpa_out, u32 *fault_error_code)
{
	u32 ec = 0;
	int ret;

	*fault_error_code = 0;
	if (!(cr0 & KVMX_CR0_PG)) {
		*gpa_out = (u32)gva;
		return 0;
	}
	if (efer & KVMX_EFER_LMA) {
		unsigned int bits = (cr4 & KVMX_CR4_LA57) ? 57 : 48;
		s64 canon = (s64)(gva << (64 - bits)) >> (64 - bits);

		if ((u64)canon != gva)
			return -EINVAL;
		ret = kvmx_walk_64(gva, cr0, cr3, cr4, efer, access, read_gpa,
				   opaque, gpa_out, &ec);
	} else if (cr4 & KVMX_CR4_PAE) {
		ret = kvmx_walk_64(gva, cr0, cr3, cr4, efer, access, read_gpa,
				   opaque, gpa_out, &ec);
	} else {
		ret = kvmx_walk_32(gva, cr0, cr3, cr4, access, read_gpa,
				   opaque, gpa_out, &ec);
	}
	if (ret == -EFAULT)
		*fault_error_code = ec;
	return ret;
}

unsigned int kvmx_walk_cpl_access(unsigned int access, unsigned int cpl,
				  u64 rflags)
{
	if (cpl == 3)
		return access | KVMX_WALK_USER;
	if (!(access & KVMX_WALK_FETCH) && (rflags & KVMX_WALK_RFLAGS_AC))
		return access | KVMX_WALK_SMAP_OK;
	return access;
}

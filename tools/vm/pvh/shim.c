// SPDX-License-Identifier: GPL-2.0
/*
 * PVH boot shim for the VMX test machine.
 *
 * Bochs has no direct kernel loader, and a bzImage decompresses itself
 * at emulated speed (~50 s).  So the image that isolinux's mboot.c32
 * loads is this small multiboot (v1) program followed by the already
 * decompressed vmlinux segments at their physical load addresses.  The
 * shim turns the multiboot information into the hvm_start_info that the
 * kernel's PVH entry point takes (Documentation/x86/boot.rst, xen
 * arch/x86/include/xen/interface/hvm/start_info.h) and jumps there in
 * 32-bit flat protected mode, paging off, as PVH requires.
 *
 * Built -m32 -ffreestanding; PVH_ENTRY is given on the command line.
 */
typedef unsigned int u32;
typedef unsigned long long u64;

#define MB_BOOTLOADER_MAGIC	0x2badb002
#define MB_INFO_CMDLINE		(1u << 2)
#define MB_INFO_MODS		(1u << 3)
#define MB_INFO_MMAP		(1u << 6)
#define HVM_START_MAGIC		0x336ec578
#define MAX_E820		128

struct mb_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
};

struct mb_module {
	u32 start, end, string, reserved;
};

struct mb_mmap_entry {
	u32 size;
	u64 addr, len;
	u32 type;
} __attribute__((packed));

struct hvm_start_info {
	u32 magic, version, flags, nr_modules;
	u64 modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
	u32 memmap_entries, reserved;
};

struct hvm_modlist_entry {
	u64 paddr, size, cmdline_paddr, reserved;
};

struct hvm_memmap_entry {
	u64 addr, size;
	u32 type, reserved;
};

static struct hvm_start_info start_info;
static struct hvm_modlist_entry initrd;
static struct hvm_memmap_entry e820[MAX_E820];
static char cmdline[4096];

static void debug_puts(const char *s)
{
	/* Bochs' port 0xe9 hack echoes to its console log. */
	while (*s)
		__asm__ volatile("outb %0, $0xe9" : : "a"(*s++));
}

static void halt_forever(const char *why)
{
	debug_puts(why);
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* mboot.c32 passes "image-name args...": keep only the args. */
static void copy_cmdline(const char *src)
{
	u32 i = 0;

	while (*src && *src != ' ')
		src++;
	while (*src == ' ')
		src++;
	while (*src && i < sizeof(cmdline) - 1)
		cmdline[i++] = *src++;
	cmdline[i] = 0;
}

static u32 find_rsdp(void)
{
	u32 a;

	/* "RSD PTR " on a 16-byte boundary in the BIOS read-only area. */
	for (a = 0xe0000; a < 0x100000; a += 16)
		if (*(volatile u32 *)a == 0x20445352 &&
		    *(volatile u32 *)(a + 4) == 0x20525450)
			return a;
	return 0;
}

u32 shim_main(u32 magic, const struct mb_info *mbi)
{
	u32 p, end, n = 0;

	if (magic != MB_BOOTLOADER_MAGIC)
		halt_forever("pvh-shim: not started by a multiboot loader\n");
	start_info.magic = HVM_START_MAGIC;
	start_info.version = 1;
	if (mbi->flags & MB_INFO_CMDLINE)
		copy_cmdline((const char *)mbi->cmdline);
	start_info.cmdline_paddr = (u32)cmdline;
	if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count) {
		const struct mb_module *m = (const void *)mbi->mods_addr;

		initrd.paddr = m->start;
		initrd.size = m->end - m->start;
		start_info.nr_modules = 1;
		start_info.modlist_paddr = (u32)&initrd;
	}
	if (!(mbi->flags & MB_INFO_MMAP))
		halt_forever("pvh-shim: loader gave no memory map\n");
	p = mbi->mmap_addr;
	end = p + mbi->mmap_length;
	while (p < end && n < MAX_E820) {
		const struct mb_mmap_entry *e = (const void *)p;

		e820[n].addr = e->addr;
		e820[n].size = e->len;
		e820[n].type = e->type;
		n++;
		p += e->size + sizeof(e->size);
	}
	start_info.memmap_paddr = (u32)e820;
	start_info.memmap_entries = n;
	start_info.rsdp_paddr = find_rsdp();
	return (u32)&start_info;
}

/*
 * Multiboot entry: EAX = magic, EBX = info.  PVH entry: EBX = start info,
 * 32-bit flat segments, interrupts off.  The loader's GDT is flat.
 */
__asm__(".section .text.entry, \"ax\"\n"
	".globl _start\n"
	"_start:\n"
	"	cli\n"
	"	movl	$shim_stack_top, %esp\n"
	"	pushl	%ebx\n"
	"	pushl	%eax\n"
	"	call	shim_main\n"
	"	movl	%eax, %ebx\n"
	"	movl	$" PVH_ENTRY ", %eax\n"
	"	jmp	*%eax\n"
	".section .bss\n"
	".balign 16\n"
	".space 16384\n"
	"shim_stack_top:\n");

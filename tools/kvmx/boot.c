// SPDX-License-Identifier: GPL-2.0
/*
 * Linux x86 boot protocol loader (Documentation/x86/boot.rst).
 *
 * We enter the kernel at its 32-bit protected-mode entry point
 * (code32_start) with a zero page (struct boot_params) we build ourselves:
 * no real-mode setup code runs, so no BIOS services are needed, and no page
 * tables are needed either (the 64-bit entry would want an identity map).
 * The guest physical layout:
 *
 *   0x00500  GDT: null, null, __BOOT_CS (0x10), __BOOT_DS (0x18)
 *   0x07000  zero page
 *   0x20000  kernel command line
 *   0x9fc00  .. 0x100000 reserved (EBDA, VGA, BIOS area)
 *   0x100000 the protected-mode kernel (code32_start)
 *   top      the initrd, below initrd_addr_max
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <asm/bootparam.h>

#include "kvmx.h"

#define BOOT_GDT	0x500
#define BOOT_ZERO_PAGE	0x7000
#define BOOT_CMDLINE	0x20000
#define BOOT_LOW_END	0x9fc00
#define BOOT_HIGH	0x100000
#define E820_RAM	1
#define E820_RESERVED	2

static uint32_t boot_entry;

static void *read_file(const char *what, const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open %s '%s': %s", what, path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		die("%s '%s': not a regular file", what, path);
	buf = malloc(st.st_size ? st.st_size : 1);
	if (!buf)
		die("%s '%s': out of memory", what, path);
	*len = 0;
	while (*len < (size_t)st.st_size) {
		ssize_t n = read(fd, (char *)buf + *len, st.st_size - *len);

		if (n <= 0)
			die("reading %s '%s': %s", what, path,
			    n ? strerror(errno) : "short file");
		*len += n;
	}
	close(fd);
	return buf;
}

static void check_bzimage(const char *path, const uint8_t *img, size_t len)
{
	const struct setup_header *h = (const void *)(img + 0x1f1);

	if (len < 0x1000 || img[0x1fe] != 0x55 || img[0x1ff] != 0xaa)
		die("kernel '%s' is not a Linux bzImage (no boot sector signature)",
		    path);
	if (h->header != 0x53726448)
		die("kernel '%s' is not a Linux bzImage (no HdrS setup header)",
		    path);
	if (h->version < 0x0206)
		die("kernel '%s': boot protocol %u.%02u is too old (need 2.06)",
		    path, h->version >> 8, h->version & 0xff);
	if (!(h->loadflags & LOADED_HIGH))
		die("kernel '%s' is a zImage; only bzImage kernels load high",
		    path);
}

static void build_e820(struct boot_params *bp)
{
	struct boot_e820_entry *e = bp->e820_table;

	e[0] = (struct boot_e820_entry){ 0, BOOT_LOW_END, E820_RAM };
	e[1] = (struct boot_e820_entry){ BOOT_LOW_END,
					 BOOT_HIGH - BOOT_LOW_END,
					 E820_RESERVED };
	e[2] = (struct boot_e820_entry){ BOOT_HIGH, kvm.ram_size - BOOT_HIGH,
					 E820_RAM };
	bp->e820_entries = 3;
}

static void build_gdt(void)
{
	uint64_t *gdt = kvm__gpa(BOOT_GDT, 4 * 8);

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00cf9b000000ffffULL;	/* 0x10: flat 32-bit code */
	gdt[3] = 0x00cf93000000ffffULL;	/* 0x18: flat data */
}

/**
 * boot__load_linux() - place kernel, zero page, command line and initrd
 * @path: bzImage file
 * @initrd_path: initramfs file, or NULL to use @initrd_buf
 * @cmdline: kernel command line
 * @initrd_buf: an initramfs in memory (used if @initrd_path is NULL)
 * @initrd_len: its length
 */
void boot__load_linux(const char *path, const char *initrd_path,
		      const char *cmdline, const void *initrd_buf,
		      size_t initrd_len)
{
	struct boot_params *bp = kvm__gpa(BOOT_ZERO_PAGE, sizeof(*bp));
	struct setup_header *h;
	size_t len, setup_len, hdr_len, kernel_len, cmd_max;
	uint64_t initrd_top, initrd_addr, kernel_end;
	void *initrd_file = NULL;
	uint8_t *img;

	img = read_file("kernel", path, &len);
	check_bzimage(path, img, len);
	h = (void *)(img + 0x1f1);
	setup_len = ((h->setup_sects ? h->setup_sects : 4) + 1) * 512;
	if (setup_len >= len)
		die("kernel '%s': truncated (setup %zu bytes, file %zu)", path,
		    setup_len, len);
	kernel_len = len - setup_len;
	kernel_end = BOOT_HIGH + kernel_len;
	if (h->version >= 0x020a && h->init_size > kernel_len)
		kernel_end = BOOT_HIGH + h->init_size;
	if (kernel_end + (4 << 20) > kvm.ram_size)
		die("-m %llu: too small for kernel '%s' (needs %llu MiB)",
		    (unsigned long long)kvm.ram_size >> 20, path,
		    (unsigned long long)(kernel_end >> 20) + 5);
	memcpy(kvm__gpa(BOOT_HIGH, kernel_len), img + setup_len, kernel_len);

	memset(bp, 0, sizeof(*bp));
	/* The setup header runs from 0x1f1 to 0x202 + the jump's offset. */
	hdr_len = 0x202 + img[0x201] - 0x1f1;
	if (hdr_len > sizeof(bp->hdr))
		hdr_len = sizeof(bp->hdr);
	memcpy(&bp->hdr, h, hdr_len);
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags &= ~(KEEP_SEGMENTS | QUIET_FLAG);
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = 0xfe00;
	bp->hdr.vid_mode = 0xffff;
	bp->hdr.code32_start = h->code32_start ? h->code32_start : BOOT_HIGH;

	cmd_max = h->cmdline_size ? h->cmdline_size : 255;
	if (strlen(cmdline) > cmd_max)
		die("kernel command line is %zu bytes; this kernel takes %zu",
		    strlen(cmdline), cmd_max);
	strcpy(kvm__gpa(BOOT_CMDLINE, cmd_max + 1), cmdline);
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE;

	if (initrd_path)
		initrd_buf = initrd_file = read_file("initrd", initrd_path,
						     &initrd_len);
	if (initrd_len) {
		initrd_top = kvm.ram_size;
		if (initrd_top > (uint64_t)h->initrd_addr_max + 1)
			initrd_top = (uint64_t)h->initrd_addr_max + 1;
		if (initrd_len > initrd_top)
			die("initrd (%zu MiB) does not fit in guest RAM",
			    initrd_len >> 20);
		initrd_addr = (initrd_top - initrd_len) & ~0xfffULL;
		if (initrd_addr < kernel_end)
			die("-m %llu: too small for kernel and a %zu MiB initrd",
			    (unsigned long long)kvm.ram_size >> 20,
			    initrd_len >> 20);
		memcpy(kvm__gpa(initrd_addr, initrd_len), initrd_buf,
		       initrd_len);
		bp->hdr.ramdisk_image = initrd_addr;
		bp->hdr.ramdisk_size = initrd_len;
	}
	build_e820(bp);
	build_gdt();
	boot_entry = bp->hdr.code32_start;
	free(initrd_file);
	free(img);
}

/**
 * boot__setup_vcpu() - point the vCPU at the kernel's 32-bit entry
 */
void boot__setup_vcpu(void)
{
	kvm__set_boot_regs(boot_entry, BOOT_ZERO_PAGE, BOOT_GDT);
}

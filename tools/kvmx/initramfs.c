// SPDX-License-Identifier: GPL-2.0
/*
 * The built-in guest initramfs, packed in memory at start-up as a "newc"
 * cpio archive: the host's static /bin/busybox, a generated /init, and,
 * for --net, the virtio-net driver modules of the guest kernel when they
 * can be found (/lib/modules/$(uname -r) through modules.dep, or a
 * kvmx-guest/ directory next to the kvmx binary).
 *
 * /init mounts the usual file systems, prints "kvmx-guest: init reached",
 * loads the modules, configures eth0 from kvmx_ip= on the command line,
 * then runs the --guest-cmd script and powers off, or starts a shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kvmx.h"

#define BUSYBOX	"/bin/busybox"

struct cpio {
	uint8_t *buf;
	size_t len, cap;
	unsigned int ino;
};

static const char init_script[] =
"#!/bin/busybox sh\n"
"/bin/busybox mkdir -p /proc /sys /dev /tmp /run /sbin /usr/bin /usr/sbin\n"
"/bin/busybox --install -s\n"
"export PATH=/bin:/sbin:/usr/bin:/usr/sbin\n"
"mount -t proc proc /proc\n"
"mount -t sysfs sysfs /sys\n"
"mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
"mount -t tmpfs tmpfs /tmp\n"
"echo \"kvmx-guest: init reached (kernel $(uname -r), up $(cut -d' ' -f1 /proc/uptime) s)\"\n"
"for m in /lib/kvmx/*.ko; do [ -f \"$m\" ] && insmod \"$m\"; done\n"
"ip link set lo up 2>/dev/null\n"
"if [ -n \"$kvmx_ip\" ]; then\n"
"\tip addr add \"$kvmx_ip\" dev eth0 && ip link set eth0 up &&\n"
"\techo \"kvmx-guest: eth0 $kvmx_ip\"\n"
"fi\n"
"if [ -f /etc/kvmx-cmd ]; then\n"
"\tsh /etc/kvmx-cmd\n"
"\trc=$?\n"
"\techo \"kvmx-guest: command exit status $rc\"\n"
"\tprintf \"\\\\$(printf %o $((rc & 255)))\" |\n"
"\t\tdd of=/dev/port bs=1 seek=$((0x501)) count=1 conv=notrunc 2>/dev/null\n"
"\tpoweroff -f\n"
"fi\n"
"echo \"kvmx-guest: shell on the serial console; 'poweroff -f' stops the guest\"\n"
"exec setsid cttyhack sh\n";

/* In dependency order. */
static const char *const net_modules[] = {
	"virtio_ring", "virtio", "virtio_pci_legacy_dev",
	"virtio_pci_modern_dev", "virtio_pci", "failover", "net_failover",
	"virtio_net",
};

static void cpio_put(struct cpio *c, const void *p, size_t n)
{
	if (c->len + n + 4 > c->cap) {
		c->cap = (c->len + n + 4) * 2;
		c->buf = realloc(c->buf, c->cap);
		if (!c->buf)
			die("initramfs: out of memory");
	}
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

static void cpio_pad(struct cpio *c)
{
	static const uint8_t zero[4];

	cpio_put(c, zero, (4 - c->len % 4) % 4);
}

static void cpio_add(struct cpio *c, const char *name, unsigned int mode,
		     const void *data, size_t len, unsigned int rmaj,
		     unsigned int rmin)
{
	char hdr[128];

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 ++c->ino, mode, 0, 0, 1, 0, (unsigned int)len, 0, 0, rmaj,
		 rmin, (unsigned int)strlen(name) + 1, 0);
	cpio_put(c, hdr, 110);
	cpio_put(c, name, strlen(name) + 1);
	cpio_pad(c);
	if (len)
		cpio_put(c, data, len);
	cpio_pad(c);
}

static void *slurp(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	if (buf && read(fd, buf, st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	close(fd);
	*len = st.st_size;
	return buf;
}

/* Path of module @name under /lib/modules/@rel, from modules.dep. */
static bool find_in_depmod(const char *rel, const char *name, char *out,
			   size_t outlen)
{
	char path[PATH_MAX], line[1024], want[64];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", rel);
	snprintf(want, sizeof(want), "/%s.ko:", name);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || colon - line < (long)strlen(want) - 1)
			continue;
		if (strncmp(colon - strlen(want) + 1, want, strlen(want)))
			continue;
		*colon = '\0';
		snprintf(out, outlen, "/lib/modules/%s/%s", rel, line);
		found = true;
	}
	fclose(f);
	return found;
}

static void add_net_modules(struct cpio *c)
{
	char exe[PATH_MAX], path[PATH_MAX], name[64];
	struct utsname u;
	unsigned int i, added = 0;
	ssize_t n;

	uname(&u);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	for (i = 0; i < ARRAY_SIZE(net_modules); i++) {
		size_t len;
		void *ko;

		if (!find_in_depmod(u.release, net_modules[i], path,
				    sizeof(path)))
			snprintf(path, sizeof(path), "%s/kvmx-guest/%s.ko",
				 dirname(strdup(exe)), net_modules[i]);
		ko = slurp(path, &len);
		if (!ko)
			continue;
		snprintf(name, sizeof(name), "lib/kvmx/%02u-%s.ko", i,
			 net_modules[i]);
		cpio_add(c, name, 0100644, ko, len, 0, 0);
		free(ko);
		added++;
	}
	if (!added)
		warnx_("--net: no virtio-net modules for kernel %s found (modules.dep or kvmx-guest/ next to kvmx); the guest may have no eth0",
		       u.release);
}

/**
 * initramfs__build() - pack the built-in guest initramfs
 * @guest_cmd: shell commands for the guest to run before powering off,
 *             or NULL for an interactive shell
 * @net: include the virtio-net driver modules
 * @len: set to the archive length
 *
 * Return: a malloc'ed cpio archive.
 */
void *initramfs__build(const char *guest_cmd, bool net, size_t *len)
{
	static const char *const dirs[] = {
		".", "bin", "sbin", "dev", "etc", "lib", "lib/kvmx", "proc",
		"sys", "tmp", "run", "usr", "usr/bin", "usr/sbin", "root",
	};
	struct cpio c = { 0 };
	size_t bb_len, i;
	void *bb;

	bb = slurp(BUSYBOX, &bb_len);
	if (!bb)
		die("built-in initramfs: cannot read %s: %s (give one with -i)",
		    BUSYBOX, strerror(errno));
	for (i = 0; i < ARRAY_SIZE(dirs); i++)
		cpio_add(&c, dirs[i], 040755, NULL, 0, 0, 0);
	cpio_add(&c, "dev/console", 020600, NULL, 0, 5, 1);
	cpio_add(&c, "bin/busybox", 0100755, bb, bb_len, 0, 0);
	cpio_add(&c, "bin/sh", 0120777, "busybox", 7, 0, 0);
	cpio_add(&c, "init", 0100755, init_script, strlen(init_script), 0, 0);
	cpio_add(&c, "etc/passwd", 0100644, "root:x:0:0:root:/root:/bin/sh\n",
		 30, 0, 0);
	if (guest_cmd)
		cpio_add(&c, "etc/kvmx-cmd", 0100644, guest_cmd,
			 strlen(guest_cmd), 0, 0);
	if (net)
		add_net_modules(&c);
	cpio_add(&c, "TRAILER!!!", 0, NULL, 0, 0, 0);
	free(bb);
	*len = c.len;
	return c.buf;
}

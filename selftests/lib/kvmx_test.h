/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kvmx selftests (they run as root inside the test
 * machine, built static against the kselftest harness).
 */
#ifndef KVMX_TEST_H
#define KVMX_TEST_H

#include <stdbool.h>
#include <stddef.h>

/* modprobe @name with optional @params; 0 or the modprobe exit status. */
int kvmx_modprobe(const char *name, const char *params);
/* Unload @name; 0 or -errno from delete_module(). */
int kvmx_rmmod(const char *name);
/* Is module @name loaded (listed in /proc/modules)? */
bool kvmx_module_loaded(const char *name);
/* Read a whole small file into @buf (NUL-terminated); bytes or -errno. */
int kvmx_read_file(const char *path, char *buf, size_t len);
/* Read an unsigned decimal from a sysfs/proc file; -1 on error. */
long long kvmx_read_ull(const char *path);
/* Write @val to @path; 0 or -errno. */
int kvmx_write_file(const char *path, const char *val);
/* Number of fds the calling process has open. */
int kvmx_count_fds(void);
/* MemFree from /proc/meminfo in KiB. */
long long kvmx_mem_free_kb(void);

#endif

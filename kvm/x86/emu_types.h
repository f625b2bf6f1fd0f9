/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scalar types and error codes for the pure-logic x86 files (decoder,
 * MMIO emulator, guest page-table walker).  Those files build both in
 * kvmx.ko and, with -DKVMX_USERSPACE, in host unit tests; this is the
 * only place that knows the difference.
 */
#ifndef KVMX_X86_EMU_TYPES_H
#define KVMX_X86_EMU_TYPES_H

#ifdef KVMX_USERSPACE
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;

#ifndef fallthrough
#define fallthrough	__attribute__((__fallthrough__))
#endif
#ifndef BIT_ULL
#define BIT_ULL(nr)	(1ULL << (nr))
#endif
#else
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/types.h>
#endif

#endif /* KVMX_X86_EMU_TYPES_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reference results for unit/emulate_test.c: the host CPU runs the same
 * instruction on a memory operand and reports the result and RFLAGS
 * (LAHF for SF/ZF/AF/PF/CF, SETO for OF).  No PUSHF/POPF: the unit tests
 * are built with the red zone in use.
 */
#ifndef KVMX_UNIT_EMULATE_TEST_HOST_H
#define KVMX_UNIT_EMULATE_TEST_HOST_H

#define HOST_BIN(name, insn, sfx, type, mod)				\
static u64 host_##name##sfx(u64 a, u64 b, int cin, u64 *flags)	\
{									\
	type m = a, s = b;						\
	unsigned long cf = cin;						\
	unsigned short ax;						\
									\
	asm volatile("bt $0, %[cf]\n\t"					\
		     insn #sfx " %" mod "[s], %[m]\n\t"			\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), "=&a" (ax)				\
		     : [s] "r" (s), [cf] "r" (cf) : "cc");		\
	*flags = (ax >> 8) & 0xd5;					\
	if (ax & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	return (u64)m;							\
}

#define HOST_BIN4(name, insn)						\
	HOST_BIN(name, insn, b, u8, "b")				\
	HOST_BIN(name, insn, w, u16, "w")				\
	HOST_BIN(name, insn, l, u32, "k")				\
	HOST_BIN(name, insn, q, u64, "q")

HOST_BIN4(add, "add")
HOST_BIN4(or, "or")
HOST_BIN4(adc, "adc")
HOST_BIN4(sbb, "sbb")
HOST_BIN4(and, "and")
HOST_BIN4(sub, "sub")
HOST_BIN4(xor, "xor")
HOST_BIN4(cmp, "cmp")
HOST_BIN4(test, "test")
HOST_BIN(xchg, "xchg", q, u64, "q")

#define HOST_UN(name, insn, sfx, type)					\
static u64 host_##name##sfx(u64 a, u64 b, int cin, u64 *flags)	\
{									\
	type m = a;							\
	unsigned long cf = cin;						\
	unsigned short ax;						\
									\
	asm volatile("bt $0, %[cf]\n\t"					\
		     insn #sfx " %[m]\n\t"				\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), "=&a" (ax)				\
		     : [cf] "r" (cf) : "cc");				\
	*flags = (ax >> 8) & 0xd5;					\
	if (ax & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	return (u64)m;							\
}

#define HOST_UN4(name, insn)						\
	HOST_UN(name, insn, b, u8)					\
	HOST_UN(name, insn, w, u16)					\
	HOST_UN(name, insn, l, u32)					\
	HOST_UN(name, insn, q, u64)

HOST_UN4(not, "not")
HOST_UN4(neg, "neg")
HOST_UN4(inc, "inc")
HOST_UN4(dec, "dec")

#define HOST_BT(name, insn)						\
	HOST_BIN(name, insn, w, u16, "w")				\
	HOST_BIN(name, insn, l, u32, "k")				\
	HOST_BIN(name, insn, q, u64, "q")

HOST_BT(bt, "bt")
HOST_BT(bts, "bts")
HOST_BT(btr, "btr")
HOST_BT(btc, "btc")

#define HOST_XADD(sfx, type, mod)					\
static u64 host_xadd##sfx(u64 mem, u64 *reg, u64 *flags)		\
{									\
	type m = mem;							\
	u64 r = *reg;							\
	unsigned short ax;						\
									\
	asm volatile("xadd" #sfx " %" mod "[r], %[m]\n\t"		\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), [r] "+r" (r), "=&a" (ax)		\
		     : : "cc");						\
	*flags = (ax >> 8) & 0xd5;					\
	if (ax & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	*reg = r;							\
	return (u64)m;							\
}

HOST_XADD(b, u8, "b")
HOST_XADD(w, u16, "w")
HOST_XADD(l, u32, "k")
HOST_XADD(q, u64, "q")

#define HOST_CMPXCHG(sfx, type, mod)					\
static u64 host_cmpxchg##sfx(u64 mem, u64 reg, u64 *rax, u64 *flags)	\
{									\
	type m = mem;							\
	u64 a = *rax, out;						\
									\
	asm volatile("cmpxchg" #sfx " %" mod "[r], %[m]\n\t"		\
		     "mov %%rax, %[out]\n\t"				\
		     "lahf\n\t"						\
		     "seto %%al"					\
		     : [m] "+m" (m), "+a" (a), [out] "=&r" (out)	\
		     : [r] "r" (reg) : "cc");				\
	*flags = (a >> 8) & 0xd5;					\
	if (a & 0xff)							\
		*flags |= KVMX_RFLAGS_OF;				\
	*rax = out;							\
	return (u64)m;							\
}

HOST_CMPXCHG(b, u8, "b")
HOST_CMPXCHG(w, u16, "w")
HOST_CMPXCHG(l, u32, "k")
HOST_CMPXCHG(q, u64, "q")

/* Load RFLAGS' OF (through an 8-bit overflow) and SF ZF AF PF CF (SAHF). */
#define FLAGS_IN							\
	"movb %[ofv], %%cl\n\t"						\
	"addb $1, %%cl\n\t"						\
	"movb %[fl], %%ah\n\t"						\
	"sahf\n\t"

#define HOST_SET(cc)							\
static u64 host_set##cc(u64 fl)						\
{									\
	u8 m = 0x55;							\
									\
	asm volatile(FLAGS_IN "set" #cc " %[m]"				\
		     : [m] "+m" (m)					\
		     : [ofv] "Q" ((u8)((fl & KVMX_RFLAGS_OF) ? 0x7f : 0)),	\
		       [fl] "Q" ((u8)(fl & 0xd5))			\
		     : "cc", "rax", "rcx");				\
	return m;							\
}

#define HOST_CMOV1(cc, sfx, type, mod)					\
static u64 host_cmov##cc##sfx(u64 fl, u64 mem, u64 reg)		\
{									\
	type m = mem;							\
	u64 r = reg;							\
									\
	asm volatile(FLAGS_IN "cmov" #cc " %[m], %" mod "[r]"		\
		     : [r] "+r" (r)					\
		     : [m] "m" (m),					\
		       [ofv] "Q" ((u8)((fl & KVMX_RFLAGS_OF) ? 0x7f : 0)),	\
		       [fl] "Q" ((u8)(fl & 0xd5))			\
		     : "cc", "rax", "rcx");				\
	return r;							\
}

#define HOST_CC(cc)							\
	HOST_SET(cc)							\
	HOST_CMOV1(cc, w, u16, "w")					\
	HOST_CMOV1(cc, l, u32, "k")					\
	HOST_CMOV1(cc, q, u64, "q")

HOST_CC(o) HOST_CC(no) HOST_CC(b) HOST_CC(ae)
HOST_CC(e) HOST_CC(ne) HOST_CC(be) HOST_CC(a)
HOST_CC(s) HOST_CC(ns) HOST_CC(p) HOST_CC(np)
HOST_CC(l) HOST_CC(ge) HOST_CC(le) HOST_CC(g)

#define CC_ROW(cc)	{ host_set##cc,					\
			  { host_cmov##cc##w, host_cmov##cc##l,		\
			    host_cmov##cc##q } }

static const struct {
	u64 (*set)(u64 fl);

	u64 (*cmov[3])(u64 fl, u64 mem, u64 reg);
} host_cc[16] = {
	CC_ROW(o), CC_ROW(no), CC_ROW(b), CC_ROW(ae),
	CC_ROW(e), CC_ROW(ne), CC_ROW(be), CC_ROW(a),
	CC_ROW(s), CC_ROW(ns), CC_ROW(p), CC_ROW(np),
	CC_ROW(l), CC_ROW(ge), CC_ROW(le), CC_ROW(g),
};

#endif /* KVMX_UNIT_EMULATE_TEST_HOST_H */

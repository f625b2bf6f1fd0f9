// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-check of kvmx_decode() against objdump (see run.sh): random byte
 * strings biased towards prefixes and emulated opcodes; every accepted
 * instruction is written to a 16-byte slot padded with NOPs (out.bin) and
 * its decoded length, operation and sizes to out.meta.
 *
 * usage: gen MODE COUNT SEED
 */
#include "../../kvm/x86/decode.c"
#include <stdio.h>
#include <stdlib.h>
/* Emit accepted random instructions at 16-byte slots, padded with NOPs. */
int main(int argc, char **argv)
{
	unsigned int mode = atoi(argv[1]), count = atoi(argv[2]), i, n, k = 0;
	static const u8 hot[] = { 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x26, 0x64,
		0x48, 0x41, 0x44, 0x4c, 0x40, 0x0f, 0x89, 0x8b, 0x88, 0x8a, 0xc6, 0xc7,
		0x81, 0x83, 0x80, 0xa3, 0xab, 0xb3, 0xbb, 0xba, 0xb6, 0xb7, 0xbe, 0xbf,
		0xf6, 0xf7, 0xfe, 0xff, 0x04, 0x24, 0x05, 0x44, 0x84, 0x85, 0x86, 0x87,
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad, 0x63,
		0xc0, 0xc1, 0xb0, 0xb1, 0xc3, 0x94, 0x4f, 0x01, 0x3b, 0x20 };
	FILE *bin = fopen("out.bin", "wb"), *meta = fopen("out.meta", "w");
	srandom(atoi(argv[3]));
	while (k < count) {
		u8 b[16];
		struct kvmx_insn insn;
		for (n = 0; n < 16; n++)
			b[n] = (random() % 3) ? hot[random() % sizeof(hot)] : random();
		if (kvmx_decode(b, 15, mode, &insn))
			continue;
		for (n = insn.len; n < 16; n++)
			b[n] = 0x90;
		fwrite(b, 1, 16, bin);
		fprintf(meta, "%u %u %s %u %u %u\n", k * 16, insn.len, kvmx_op_name(insn.op),
			insn.mem_bytes, insn.reg_bytes, insn.addr_bytes);
		k++;
	}
	fclose(bin); fclose(meta);
	return 0;
}

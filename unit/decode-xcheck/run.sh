#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Decode random instructions with kvmx_decode() and compare them with
# objdump in 64-, 32- and 16-bit modes.  Not part of `make unit`: objdump
# 2.40 mis-sizes instructions whose prefixes come before an ignored REX
# byte (e.g. 66 49 F3 AB is rep stosw on hardware, objdump says stosl),
# so a few "size"/"len" reports with such prefix orders are expected.
# usage: unit/decode-xcheck/run.sh [COUNT] [SEED]
set -e
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -DKVMX_USERSPACE -o "$work/gen" "$here/gen.c"
cd "$work"
for mode in 64 32 16; do
	./gen "$mode" "${1:-20000}" "${2:-1}"
	python3 "$here/check.py" "$mode"
done

# SPDX-License-Identifier: GPL-2.0
#
# kvmx top-level Makefile.  The README names the two commands that matter:
# `make demo` and `make check`.  Both install what they need first.
#
#   make modules     build kvmx.ko, kvmx_vhost_net.ko, kvmx_ksm.ko (kbuild)
#   make selftests   build the static kselftest binaries for the test VMs
#   make unit        build and run the host-side unit tests
#   make vm T=...    boot the SVM test machine and run selected selftests
#   make vm-shell    boot the SVM test machine to an interactive shell
#   make check       unit tests, SVM machine, VMX machine; sums TAP totals
#   make demo        the main job as it stands
#   make bench       benchmarks against the upstream modules (icount)
#   make lint        checkpatch --strict and sparse, reported
#
# Useful variables: KVER (kernel version), T (selftests to run, comma
# separated globs such as kvm/* or ksm/merge), MACHINE (svm, svm-nonpt,
# vmx), SMP, MEM, ICOUNT=1, RIG_FAIL=test|warn|hang (runner self-test).

KVER	?= $(shell tools/vm/kver 2>/dev/null)
KDIR	?= /lib/modules/$(KVER)/build
O	:= build
CACHE	:= $(O)/cache
KSFT	:= $(CACHE)/kselftest
CHECKPATCH := $(CACHE)/checkpatch/scripts/checkpatch.pl
VM	:= tools/vm/run
MACHINE	?= svm
T	?=

CC	?= gcc
SELFTEST_CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -Wno-sign-compare -static -pthread \
	-D_GNU_SOURCE -I$(KSFT) -Iselftests/lib -Iinclude
UNIT_CFLAGS := -O1 -g -Wall -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -Wno-sign-compare \
	-fsanitize=address,undefined -D_GNU_SOURCE -DKVMX_USERSPACE \
	-I$(KSFT) -Iinclude -I.

SELFTEST_SRCS := $(wildcard selftests/*/*.c)
SELFTEST_SRCS := $(filter-out selftests/lib/%,$(SELFTEST_SRCS))
SELFTEST_BINS := $(patsubst selftests/%.c,$(O)/selftests/%,$(SELFTEST_SRCS))
SELFTEST_LIB  := $(wildcard selftests/lib/*.c)
SELFTEST_HDRS := $(wildcard selftests/lib/*.h selftests/*/*.h include/*/*.h)
BENCH_SRCS := $(wildcard bench/*/*.c)
BENCH_BINS := $(patsubst bench/%.c,$(O)/bench/%,$(BENCH_SRCS))
LAUNCHER_SRCS := $(wildcard tools/kvmx/*.c)
LAUNCHER_HDRS := $(wildcard tools/kvmx/*.h)
LAUNCHER_CFLAGS := -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-Wno-missing-field-initializers -D_GNU_SOURCE -static -pthread \
	-I/usr/include/libnl3 -Itools/kvmx
LAUNCHER_LDLIBS := -lnl-route-3 -lnl-3 -lm
UNIT_SRCS := $(wildcard unit/*_test.c)
UNIT_BINS := $(patsubst unit/%.c,$(O)/unit/%,$(UNIT_SRCS))

.PHONY: all deps modules selftests rig-modules unit vm vm-shell check \
	check-svm check-vmx demo bench lint clean rig-selftest

all: modules selftests

deps:
	@tools/vm/deps.sh

modules: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

# A module used only by the runner's self-test (a WARN and a hang on
# demand).  It is not part of kvmx.
rig-modules: deps
	$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/rig/module modules

$(KSFT)/kselftest_harness.h:
	@mkdir -p $(KSFT)
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(KSFT) \
		--strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h

$(CHECKPATCH):
	@mkdir -p $(CACHE)/checkpatch
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C $(CACHE)/checkpatch \
		--strip-components=1 linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch

$(O)/selftests/%: selftests/%.c $(SELFTEST_LIB) $(SELFTEST_HDRS) \
		$(KSFT)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(SELFTEST_LIB) $(SELFTEST_LDLIBS)

selftests: deps $(SELFTEST_BINS) $(BENCH_BINS) $(if $(LAUNCHER_SRCS),$(O)/tools/kvmx)

# Benchmark programs: bench/<area>/<name>.c -> /bench/<area>/<name> in the
# test machine; `make bench` runs them all in one -icount boot.
$(O)/bench/%: bench/%.c $(SELFTEST_LIB) $(SELFTEST_HDRS) \
		$(KSFT)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(SELFTEST_LIB)

# The launcher, static so that it runs in the test machine's initramfs.
$(O)/tools/kvmx: $(LAUNCHER_SRCS) $(LAUNCHER_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LAUNCHER_CFLAGS) -o $@ $(LAUNCHER_SRCS) $(LAUNCHER_LDLIBS)

$(O)/unit/%: unit/%.c $(KSFT)/kselftest_harness.h FORCE
	@mkdir -p $(dir $@)
	$(CC) $(UNIT_CFLAGS) -o $@ $<

FORCE:

# Host-side unit tests: pure logic compiled for userspace, plus the
# runner's own TAP summing.  Output is TAP; the summary line is parsed by
# `make check`.
unit: deps $(UNIT_BINS)
	@tools/vm/unit-run $(UNIT_BINS)

vm: modules selftests rig-modules
	$(VM) --machine $(MACHINE) --tests '$(T)' $(VMFLAGS)

vm-shell: modules selftests rig-modules
	$(VM) --machine $(MACHINE) --shell $(VMFLAGS)

check: deps
	@tools/vm/check

demo: deps modules selftests rig-modules
	@tools/vm/demo

bench: deps modules selftests rig-modules
	@tools/vm/bench

rig-selftest: deps modules selftests rig-modules
	@tools/vm/rig-selftest

lint: $(CHECKPATCH)
	@tools/lint

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean >/dev/null 2>&1
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/selftests/rig/module clean \
		>/dev/null 2>&1
	rm -rf $(O)/selftests $(O)/unit $(O)/vm

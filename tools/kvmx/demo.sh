#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kvmx demo, run inside the SVM test machine (busybox sh, as root):
# load kvmx, kvmx_vhost_net and kvmx_ksm; boot two Linux guests with
# `kvmx run --ksm --net tap,vhost=kvmx`; each pings the host; print the
# boot-to-init time of each guest, the exit statistics and the KSM
# savings between the two guests; shut both down cleanly.
#
# Modules that are missing fall back to their upstream twins (kvm_amd,
# vhost_net, KSM through MADV_MERGEABLE) and the demo says so.
#
# usage: demo.sh [GUEST_MIB]
# env: KVMX (the launcher), KERNEL (guest bzImage), DEV=/dev/kvm to force
# upstream KVM, HOLD (seconds the guests stay up after pinging, 40)
KVMX=${KVMX:-/usr/bin/kvmx}
MEM=${1:-160}
HOLD=${HOLD:-40}
now() { cut -d' ' -f1 /proc/uptime; }
say() { echo "kvmx-demo: $*"; }

modprobe tun 2>/dev/null
if [ "${DEV:-}" = /dev/kvm ]; then
	rmmod kvmx 2>/dev/null
	modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null
elif modprobe kvmx 2>/dev/null && [ -e /dev/kvmx ]; then
	DEV=/dev/kvmx
else
	modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null
	DEV=/dev/kvm
	say "kvmx did not load: using upstream $DEV"
fi
if modprobe kvmx_vhost_net 2>/dev/null && [ -e /dev/kvmx-vhost-net ]; then
	VHOST=kvmx
else
	modprobe vhost_net 2>/dev/null
	VHOST=upstream
	say "kvmx_vhost_net did not load: using upstream vhost-net"
fi
if modprobe kvmx_ksm 2>/dev/null && [ -d /sys/kernel/mm/kvmx_ksm ]; then
	KSM=/sys/kernel/mm/kvmx_ksm
else
	KSM=/sys/kernel/mm/ksm
	say "kvmx_ksm did not load: using upstream KSM"
fi
echo 5000 > $KSM/pages_to_scan
echo 10 > $KSM/sleep_millisecs
echo 1 > $KSM/run
KERNEL_ARG=
[ -n "${KERNEL:-}" ] && KERNEL_ARG="-k $KERNEL"

# A smoke boot first, with --ksm: if kvmx (or kvmx_ksm) cannot boot the
# guest yet, say so and show the rest on the upstream twin rather than
# nothing.
smoke() {
	"$KVMX" run $KERNEL_ARG --dev "$DEV" -m 128 -p quiet --ksm \
		--guest-cmd true --timeout 240 < /dev/null \
		> /tmp/kvmx-demo-smoke.log 2>&1
	st=$?
	[ $st -eq 0 ] && grep -q "init reached" /tmp/kvmx-demo-smoke.log &&
		return 0
	say "smoke boot on $DEV with $KSM failed (status $st); last lines:"
	tail -4 /tmp/kvmx-demo-smoke.log | sed 's/^/  /'
	return 1
}
if ! smoke && [ "$DEV" = /dev/kvmx ]; then
	say "continuing on upstream kvm_amd"
	rmmod kvmx 2>/dev/null
	modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null
	DEV=/dev/kvm
	smoke || KSM_FAILED=1
fi
if [ -n "${KSM_FAILED:-}" ] && [ "$KSM" = /sys/kernel/mm/kvmx_ksm ]; then
	say "continuing with upstream KSM (MADV_MERGEABLE) instead of kvmx_ksm"
	echo 2 > $KSM/run
	rmmod kvmx_ksm 2>/dev/null
	KSM=/sys/kernel/mm/ksm
	echo 5000 > $KSM/pages_to_scan
	echo 10 > $KSM/sleep_millisecs
	echo 1 > $KSM/run
fi
say "device $DEV, vhost=$VHOST, merger $KSM, $MEM MiB per guest"

start_guest() {	# index
	i=$1
	"$KVMX" run $KERNEL_ARG --dev "$DEV" -m "$MEM" -p quiet --ksm \
		--net "tap,vhost=$VHOST,ifname=kvmxdemo$i,ip=192.168.$((60 + i)).1/24" \
		--guest-cmd "ping -c 3 -W 10 192.168.$((60 + i)).1 && echo PING-OK; sleep $HOLD" \
		--timeout 800 > /tmp/kvmx-demo-$i.log 2>&1 < /dev/null &
	echo $! > /tmp/kvmx-demo-$i.pid
	echo "$(now)" > /tmp/kvmx-demo-$i.t0
}

init_time() {	# index: seconds from launch to the guest's init, or ""
	i=$1
	[ -f /tmp/kvmx-demo-$i.t1 ] && { cat /tmp/kvmx-demo-$i.t1; return; }
	if grep -q "kvmx-guest: init reached" /tmp/kvmx-demo-$i.log; then
		echo "$(now) $(cat /tmp/kvmx-demo-$i.t0)" |
			awk '{ printf "%.1f", $1 - $2 }' > /tmp/kvmx-demo-$i.t1
		cat /tmp/kvmx-demo-$i.t1
	fi
}

start_guest 0
start_guest 1
pings=0
waited=0
while [ $waited -lt 700 ]; do
	sleep 2
	waited=$((waited + 2))
	init_time 0 > /dev/null
	init_time 1 > /dev/null
	pings=$(cat /tmp/kvmx-demo-0.log /tmp/kvmx-demo-1.log | grep -c PING-OK)
	[ "$pings" -ge 2 ] && break
	kill -0 "$(cat /tmp/kvmx-demo-0.pid)" 2>/dev/null ||
		kill -0 "$(cat /tmp/kvmx-demo-1.pid)" 2>/dev/null || break
done
say "both guests up and pinged the host; letting the merger work"
sleep $((HOLD / 2))

echo "=== guests ==="
for i in 0 1; do
	echo "guest $i: boot-to-init $(init_time $i) s," \
		"$(grep -c '^64 bytes' /tmp/kvmx-demo-$i.log) ping replies," \
		"$(grep -q PING-OK /tmp/kvmx-demo-$i.log && echo ok || echo FAILED)"
	grep -E "round-trip|packets transmitted" /tmp/kvmx-demo-$i.log |
		sed 's/^/  /'
done
echo "=== exit statistics ==="
"$KVMX" stat -1 $([ "$DEV" = /dev/kvm ] && echo --upstream) 2>&1
echo "=== page merging ==="
"$KVMX" ksm 2>&1

rc=0
for i in 0 1; do
	wait "$(cat /tmp/kvmx-demo-$i.pid)"
	st=$?
	say "guest $i exited with status $st"
	[ $st -eq 0 ] || { rc=1; tail -20 /tmp/kvmx-demo-$i.log; }
	grep -q PING-OK /tmp/kvmx-demo-$i.log || rc=1
done
echo 2 > $KSM/run
[ $rc -eq 0 ] && say "PASS" || say "FAIL"
exit $rc

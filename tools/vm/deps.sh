#!/bin/sh
# Install what kvmx needs from Debian: idempotent, quiet when all is there.
set -e
PKGS="gcc make libc6-dev python3 bc cpio kmod busybox-static xz-utils zstd
qemu-system-x86 linux-image-amd64 linux-headers-amd64 linux-source-6.1
bochs bochsbios vgabios bochs-sdl isolinux syslinux-common xorriso
libnl-3-dev libnl-route-3-dev sparse"
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
# linux-image-amd64 and linux-headers-amd64 must name the same version.
"$(dirname "$0")/kver" >/dev/null

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-net: a guest pings the host over a tap that kvmx creates and
 * addresses through netlink; the tap must be gone once kvmx has exited.
 * Included by net.c (userspace backend, upstream vhost-net) and
 * net_kvmx.c (kvmx's vhost), to stay within the runner's per-binary time
 * limit.
 */
#ifndef NET_GUESTS_H
#define NET_GUESTS_H

#include <net/if.h>

#include "kselftest_harness.h"
#include "launcher.h"

FIXTURE(net) {
	const char *kernel;
};

FIXTURE_VARIANT(net) {
	const char *vhost;
	const char *module;	/* to modprobe first, or NULL */
	const char *dev;	/* needed device node */
};

FIXTURE_SETUP(net)
{
	char cmd[128];

	self->kernel = launcher_kernel();
	if (!self->kernel)
		SKIP(return, "no guest kernel in /boot");
	if (!launcher_have_kvm())
		SKIP(return, "no /dev/kvmx or /dev/kvm");
	system("modprobe tun 2>/dev/null");
	if (variant->module) {
		snprintf(cmd, sizeof(cmd), "modprobe %s 2>/dev/null",
			 variant->module);
		system(cmd);
	}
	if (access(variant->dev, F_OK))
		SKIP(return, "%s not available", variant->dev);
}

FIXTURE_TEARDOWN(net)
{
}

TEST_F_TIMEOUT(net, guest_pings_host, 500)
{
	char spec[128];
	struct kvmx_result r;

	snprintf(spec, sizeof(spec),
		 "tap,vhost=%s,ifname=kvmxt0,ip=192.168.77.1/24",
		 variant->vhost);
	const char *argv[] = { "run", "-k", self->kernel, "-m", "128", "-p",
		"quiet", "--net", spec, "--guest-cmd",
		"ping -c 3 -W 10 192.168.77.1 && echo PING-OK",
		"--timeout", "400", NULL };

	r = launcher_run(argv, NULL, NULL, 450);
	launcher_dump(&r);
	EXPECT_NE(NULL, strstr(r.out, "kvmx-guest: eth0 192.168.77.2/24"));
	EXPECT_NE(NULL, strstr(r.out, "PING-OK"));
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(0, if_nametoindex("kvmxt0"));
	free(r.out);
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * A guest pings the host over the userspace tap backend and over upstream
 * vhost-net; see net_guests.h.
 */
#include "net_guests.h"

FIXTURE_VARIANT_ADD(net, userspace) {
	.vhost = "off", .dev = "/dev/net/tun",
};

FIXTURE_VARIANT_ADD(net, vhost_upstream) {
	.vhost = "upstream", .module = "vhost_net", .dev = "/dev/vhost-net",
};

TEST_HARNESS_MAIN

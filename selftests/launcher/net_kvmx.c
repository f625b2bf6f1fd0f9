// SPDX-License-Identifier: GPL-2.0
/*
 * A guest pings the host over kvmx's vhost-net (/dev/kvmx-vhost-net);
 * skipped when kvmx_vhost_net does not load.  See net_guests.h.
 */
#include "net_guests.h"

FIXTURE_VARIANT_ADD(net, vhost_kvmx) {
	.vhost = "kvmx", .module = "kvmx_vhost_net",
	.dev = "/dev/kvmx-vhost-net",
};

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
#include "kvmx.h"

int tap__open(const struct kvmx_net_opts *net, char *ifname, bool vnet_hdr)
{
	return -1;
}

void tap__cleanup(void)
{
}

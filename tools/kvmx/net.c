// SPDX-License-Identifier: GPL-2.0
#include "kvmx.h"

void net__init(const struct kvmx_net_opts *net)
{
	die("--net: not implemented yet");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The tap device behind virtio-net, created with TUNSETIFF and then
 * addressed, brought up and optionally enslaved to a bridge through
 * libnl-route (netlink), never by running ip(8).
 *
 * The tap is not persistent: it disappears when the launcher's file
 * descriptor closes, however the launcher ends, so a crash cannot leave
 * one behind.  A tap name already held by another process is reported as
 * busy.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "kvmx.h"

static struct nl_sock *nl_connect_route(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (!sk)
		die("netlink: out of memory");
	err = nl_connect(sk, NETLINK_ROUTE);
	if (err)
		die("netlink: %s", nl_geterror(err));
	return sk;
}

static void tap_address(struct nl_sock *sk, int ifindex, const char *ifname,
			const char *ip)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local;
	int err;

	err = nl_addr_parse(ip, AF_INET, &local);
	if (err || !strchr(ip, '/'))
		die("--net ip=%s: not an IPv4 address with prefix length (A.B.C.D/LEN)",
		    ip);
	rtnl_addr_set_ifindex(addr, ifindex);
	rtnl_addr_set_local(addr, local);
	err = rtnl_addr_add(sk, addr, 0);
	if (err && err != -NLE_EXIST)
		die("tap %s: adding address %s: %s", ifname, ip,
		    nl_geterror(err));
	nl_addr_put(local);
	rtnl_addr_put(addr);
}

static void tap_up_and_bridge(const struct kvmx_net_opts *o,
			      const char *ifname)
{
	struct nl_sock *sk = nl_connect_route();
	struct rtnl_link *link, *change, *br;
	int err;

	err = rtnl_link_get_kernel(sk, 0, ifname, &link);
	if (err)
		die("tap %s: %s", ifname, nl_geterror(err));
	if (o->ip[0])
		tap_address(sk, rtnl_link_get_ifindex(link), ifname, o->ip);
	if (o->bridge[0]) {
		err = rtnl_link_get_kernel(sk, 0, o->bridge, &br);
		if (err)
			die("--net bridge=%s: %s", o->bridge, nl_geterror(err));
		err = rtnl_link_enslave(sk, br, link);
		if (err)
			die("tap %s: joining bridge %s: %s", ifname, o->bridge,
			    nl_geterror(err));
		rtnl_link_put(br);
	}
	change = rtnl_link_alloc();
	rtnl_link_set_flags(change, IFF_UP);
	err = rtnl_link_change(sk, link, change, 0);
	if (err)
		die("tap %s: bringing it up: %s", ifname, nl_geterror(err));
	rtnl_link_put(change);
	rtnl_link_put(link);
	nl_socket_free(sk);
}

/**
 * tap__open() - create (or attach to) a tap, configure it, bring it up
 * @o: --net options (ifname, ip, bridge)
 * @ifname: set to the tap's name (IFNAMSIZ bytes)
 * @vnet_hdr: frames carry a struct virtio_net_hdr
 *
 * Return: the tap file descriptor, non-blocking.
 */
int tap__open(const struct kvmx_net_opts *o, char *ifname, bool vnet_hdr)
{
	struct ifreq ifr = { 0 };
	int fd, hdr = sizeof(struct virtio_net_hdr);

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		die("--net: /dev/net/tun: %s%s", strerror(errno),
		    errno == ENOENT ? " (modprobe tun)" : "");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s",
		 o->ifname[0] ? o->ifname : "kvmx%d");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		if (errno == EBUSY)
			die("--net: tap %s is busy (another process has it open)",
			    ifr.ifr_name);
		if (errno == EPERM)
			die("--net: creating tap %s: permission denied (needs CAP_NET_ADMIN)",
			    ifr.ifr_name);
		die("--net: creating tap %s: %s", ifr.ifr_name,
		    strerror(errno));
	}
	if (vnet_hdr && ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0)
		die("--net: TUNSETVNETHDRSZ: %s", strerror(errno));
	snprintf(ifname, IFNAMSIZ, "%s", ifr.ifr_name);
	tap_up_and_bridge(o, ifname);
	return fd;
}

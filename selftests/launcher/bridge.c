// SPDX-License-Identifier: GPL-2.0
/*
 * Two guests at once on one bridge: kvmx enslaves each tap to the bridge
 * through netlink (--net tap,bridge=BR); each guest pings the host's
 * bridge address and the other guest.
 */
#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "launcher.h"

#define PEER_CMD(me, peer) \
	"i=0; until ping -c 1 -W 2 " peer " >/dev/null; do " \
	"i=$((i + 1)); [ $i -ge 90 ] && break; done; " \
	"ping -c 2 -W 5 " peer " && echo PEER-OK-" me "; " \
	"ping -c 2 -W 5 192.168.79.1 && echo HOST-OK-" me "; sleep 8"

FIXTURE(bridge) {
	const char *kernel;
};

FIXTURE_SETUP(bridge)
{
	self->kernel = launcher_kernel();
	if (!self->kernel)
		SKIP(return, "no guest kernel in /boot");
	if (!launcher_have_kvm())
		SKIP(return, "no /dev/kvmx or /dev/kvm");
	system("modprobe tun; modprobe bridge") ;
	if (system("brctl addbr kvmxbr0 && ip addr add 192.168.79.1/24 dev kvmxbr0 && ip link set kvmxbr0 up"))
		SKIP(return, "cannot create a bridge");
}

FIXTURE_TEARDOWN(bridge)
{
	system("ip link set kvmxbr0 down; brctl delbr kvmxbr0");
}

static pid_t start(const char *kernel, const char *ip, const char *cmd,
		   int *out)
{
	char spec[128];
	int p[2];
	pid_t pid;

	snprintf(spec, sizeof(spec), "tap,bridge=kvmxbr0,guest_ip=%s", ip);
	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execl(KVMX_BIN, KVMX_BIN, "run", "-k", kernel, "-m", "128",
		      "-p", "quiet", "--net", spec, "--guest-cmd", cmd,
		      "--timeout", "420", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	*out = p[0];
	return pid;
}

static char *collect(int fd)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = calloc(1, cap + 1);
	ssize_t n;

	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += n;
	close(fd);
	return buf;
}

TEST_F_TIMEOUT(bridge, two_guests_ping_each_other, 500)
{
	int out_a, out_b, st_a, st_b;
	pid_t a, b;
	char *oa, *ob;

	a = start(self->kernel, "192.168.79.11/24",
		  PEER_CMD("A", "192.168.79.12"), &out_a);
	b = start(self->kernel, "192.168.79.12/24",
		  PEER_CMD("B", "192.168.79.11"), &out_b);
	ASSERT_GT(a, 0);
	ASSERT_GT(b, 0);
	oa = collect(out_a);
	ob = collect(out_b);
	waitpid(a, &st_a, 0);
	waitpid(b, &st_b, 0);
	if (!strstr(oa, "PEER-OK-A") || !strstr(oa, "HOST-OK-A"))
		printf("# guest A:\n%s\n", oa);
	if (!strstr(ob, "PEER-OK-B") || !strstr(ob, "HOST-OK-B"))
		printf("# guest B:\n%s\n", ob);
	EXPECT_NE(NULL, strstr(oa, "PEER-OK-A"));
	EXPECT_NE(NULL, strstr(ob, "PEER-OK-B"));
	EXPECT_NE(NULL, strstr(oa, "HOST-OK-A"));
	EXPECT_NE(NULL, strstr(ob, "HOST-OK-B"));
	EXPECT_EQ(0, WEXITSTATUS(st_a));
	EXPECT_EQ(0, WEXITSTATUS(st_b));
	free(oa);
	free(ob);
}

TEST_HARNESS_MAIN

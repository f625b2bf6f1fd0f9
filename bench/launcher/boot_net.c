// SPDX-License-Identifier: GPL-2.0
/*
 * Launcher benchmark (make bench, inside the SVM machine): the same kvmx
 * launcher and guest on upstream kvm_amd and on kvmx,
 *
 *   - boot-to-init: seconds from exec to the guest's "init reached" line,
 *     and to the end of the run (guest `poweroff`);
 *   - network, over userspace tap, upstream vhost-net and kvmx vhost:
 *     guest-to-host ping round trip (busybox ping, 20 x 0.2 s) and TCP
 *     throughput (the median of three 16 MiB transfers from the guest's nc
 *     to a socket here).
 *
 * Prints numbers and ratios, never a verdict.  A hypervisor or backend
 * that is missing or fails is reported and skipped.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>

#include "kvmx_test.h"
#include "../../selftests/launcher/launcher.h"

#define HOST_IP		"192.168.88.1"
#define TCP_PORT	5001
#define TCP_BYTES	(16 << 20)
/* Transfers per guest: one alone scatters by tens of percent. */
#define TCP_RUNS	3

struct boot_result {
	double init_s, total_s;
	bool ok;
};

struct net_result {
	double rtt_ms, mbit_s;
	bool ok;
};

static const char *kernel;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run kvmx, timing the appearance of "init reached" in its output. */
static struct boot_result boot_once(const char *dev)
{
	struct boot_result b = { 0 };
	int p[2], st;
	double t0 = now_s();
	char buf[1 << 16];
	size_t len = 0;
	pid_t pid;

	if (pipe(p))
		return b;
	pid = fork();
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execl(KVMX_BIN, KVMX_BIN, "run", "-k", kernel, "--dev", dev,
		      "-m", "128", "-p", "quiet", "--guest-cmd", "true",
		      "--timeout", "600", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t n = read(p[0], buf + len, sizeof(buf) - 1 - len);

		if (n <= 0)
			break;
		len += n;
		buf[len] = '\0';
		if (!b.init_s && strstr(buf, "kvmx-guest: init reached"))
			b.init_s = now_s() - t0;
		if (len > sizeof(buf) / 2) {
			memmove(buf, buf + len / 2, len - len / 2);
			len -= len / 2;
		}
	}
	close(p[0]);
	waitpid(pid, &st, 0);
	b.total_s = now_s() - t0;
	b.ok = WIFEXITED(st) && !WEXITSTATUS(st) && b.init_s > 0;
	return b;
}

static bool use_hypervisor(const char *which)
{
	if (!strcmp(which, "kvm_amd")) {
		kvmx_rmmod("kvmx");
		return !kvmx_modprobe("kvm_amd", NULL) &&
		       !access("/dev/kvm", F_OK);
	}
	kvmx_rmmod("kvm_amd");
	kvmx_rmmod("kvm");
	return !kvmx_modprobe("kvmx", NULL) && !access("/dev/kvmx", F_OK);
}

/* Accept TCP_RUNS connections, timing each TCP_BYTES transfer. */
static void *tcp_sink(void *arg)
{
	double *mbit = arg;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(TCP_PORT) };
	static char buf[1 << 16];
	int s, c, i, one = 1;

	s = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (void *)&a, sizeof(a)) || listen(s, 1))
		return NULL;
	for (i = 0; i < TCP_RUNS; i++) {
		long long got = 0;
		double t0 = 0;

		c = accept(s, NULL, NULL);
		while (c >= 0 && got < TCP_BYTES) {
			ssize_t n = read(c, buf, sizeof(buf));

			if (n <= 0)
				break;
			if (!t0)
				t0 = now_s();
			got += n;
		}
		if (got >= TCP_BYTES)
			mbit[i] = got * 8 / (now_s() - t0) / 1e6;
		if (c >= 0)
			close(c);
		if (got < TCP_BYTES)
			break;
	}
	close(s);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct net_result net_once(const char *vhost)
{
	struct net_result r = { 0 };
	char spec[128];
	struct kvmx_result k;
	pthread_t t;
	double mbit[TCP_RUNS] = { 0 };
	char *rt;
	int i;

	snprintf(spec, sizeof(spec), "tap,vhost=%s,ifname=kvmxb0,ip=%s/24",
		 vhost, HOST_IP);
	const char *argv[] = { "run", "-k", kernel, "-m", "128", "-p",
		"quiet", "--net", spec, "--guest-cmd",
		"ping -q -c 20 -i 0.2 " HOST_IP "; for i in 1 2 3; do "
		"dd if=/dev/zero bs=65536 count=256 2>/dev/null | nc "
		HOST_IP " 5001; done",
		"--timeout", "600", NULL };

	pthread_create(&t, NULL, tcp_sink, mbit);
	k = launcher_run(argv, NULL, NULL, 650);
	/* Unblock the sink if the guest never connected. */
	{
		int s = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons(TCP_PORT),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		connect(s, (void *)&a, sizeof(a));
		close(s);
	}
	pthread_join(t, NULL);
	rt = strstr(k.out, "round-trip min/avg/max = ");
	if (rt && sscanf(rt, "round-trip min/avg/max = %*f/%lf", &r.rtt_ms) == 1)
		r.ok = true;
	printf("net vhost=%-8s: TCP runs", vhost);
	for (i = 0; i < TCP_RUNS; i++)
		printf(" %.1f", mbit[i]);
	printf(" Mbit/s\n");
	qsort(mbit, TCP_RUNS, sizeof(mbit[0]), cmp_double);
	r.mbit_s = mbit[TCP_RUNS / 2];	/* the median */
	if (!r.ok)
		launcher_dump(&k);
	free(k.out);
	return r;
}

int main(void)
{
	static const char *const hvs[] = { "kvm_amd", "kvmx" };
	static const char *const backends[] = { "off", "upstream", "kvmx" };
	struct boot_result boot[2] = { 0 };
	struct net_result net[3] = { 0 };
	int i;

	kernel = launcher_kernel();
	if (!kernel) {
		printf("launcher bench: no guest kernel; skipped\n");
		return 0;
	}
	for (i = 0; i < 2; i++) {
		if (!use_hypervisor(hvs[i])) {
			printf("boot-to-init %-8s: hypervisor not available\n",
			       hvs[i]);
			continue;
		}
		boot[i] = boot_once(i ? "/dev/kvmx" : "/dev/kvm");
		if (boot[i].ok)
			printf("boot-to-init %-8s: %7.2f s (whole run %.2f s)\n",
			       hvs[i], boot[i].init_s, boot[i].total_s);
		else
			printf("boot-to-init %-8s: guest did not boot\n",
			       hvs[i]);
	}
	if (boot[0].ok && boot[1].ok)
		printf("boot-to-init ratio kvmx/kvm_amd: %.2f\n",
		       boot[1].init_s / boot[0].init_s);

	use_hypervisor("kvm_amd");
	kvmx_modprobe("tun", NULL);
	kvmx_modprobe("vhost_net", NULL);
	kvmx_modprobe("kvmx_vhost_net", NULL);
	for (i = 0; i < 3; i++) {
		net[i] = net_once(backends[i]);
		if (net[i].ok)
			printf("net vhost=%-8s: ping rtt %.3f ms, TCP %.1f Mbit/s (median)\n",
			       backends[i], net[i].rtt_ms, net[i].mbit_s);
		else
			printf("net vhost=%-8s: not available or failed\n",
			       backends[i]);
	}
	/* Ratios as measured/reference: rtt lower is better, TCP higher. */
	for (i = 1; i < 3; i++)
		if (net[0].ok && net[i].ok && net[0].rtt_ms > 0 &&
		    net[0].mbit_s > 0)
			printf("net %s/userspace: ping rtt %.2f (lower is better), TCP %.2f (higher is better)\n",
			       backends[i], net[i].rtt_ms / net[0].rtt_ms,
			       net[i].mbit_s / net[0].mbit_s);
	if (net[1].ok && net[2].ok && net[1].rtt_ms > 0 && net[1].mbit_s > 0)
		printf("net kvmx/upstream vhost: ping rtt %.2f (lower is better), TCP %.2f (higher is better)\n",
		       net[2].rtt_ms / net[1].rtt_ms,
		       net[2].mbit_s / net[1].mbit_s);
	return 0;
}

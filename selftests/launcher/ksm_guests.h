/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two --ksm guests fill tmpfs with identical pages (a 64-byte line
 * repeated, so every page is the same) and checksum them; while they wait,
 * the merger must report sharing; then each guest writes into its merged
 * pages and checks that the copies it changed, and only those, differ:
 * "KSM-CHECK-OK".  Included by ksm.c (upstream KSM through
 * MADV_MERGEABLE) and ksm_kvmx.c (kvmx_ksm through /dev/kvmx-ksm), one
 * merger per binary to stay within the runner's per-binary time limit.
 */
#ifndef KSM_GUESTS_H
#define KSM_GUESTS_H

#include "kselftest_harness.h"
#include "kvmx_test.h"
#include "launcher.h"

#define GUEST_CMD \
	"mkdir -p /t && mount -t tmpfs -o size=48m tmpfs /t && " \
	"yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde" \
	" | head -c 16777216 > /t/a && cp /t/a /t/b && " \
	"A=$(md5sum < /t/a) && echo FILLED && sleep 25 && " \
	"[ \"$(md5sum < /t/b)\" = \"$A\" ] && " \
	"echo X | dd of=/t/b bs=1 seek=8192 conv=notrunc 2>/dev/null && " \
	"[ \"$(md5sum < /t/a)\" = \"$A\" ] && " \
	"[ \"$(md5sum < /t/b)\" != \"$A\" ] && " \
	"[ \"$(md5sum < /t/a)\" = \"$A\" ] && echo KSM-CHECK-OK"

FIXTURE(ksm) {
	const char *kernel;
	const char *sysfs;
};

FIXTURE_VARIANT(ksm) {
	bool ours;
};


FIXTURE_SETUP(ksm)
{
	char path[128];

	self->kernel = launcher_kernel();
	if (!self->kernel)
		SKIP(return, "no guest kernel in /boot");
	if (!launcher_have_kvm())
		SKIP(return, "no /dev/kvmx or /dev/kvm");
	if (variant->ours) {
		if (kvmx_modprobe("kvmx_ksm", NULL) ||
		    access("/dev/kvmx-ksm", F_OK))
			SKIP(return, "kvmx_ksm not available");
		self->sysfs = "/sys/kernel/mm/kvmx_ksm";
	} else {
		if (kvmx_module_loaded("kvmx_ksm"))
			kvmx_rmmod("kvmx_ksm");
		if (!access("/dev/kvmx-ksm", F_OK))
			SKIP(return, "kvmx_ksm is loaded and cannot be removed");
		self->sysfs = "/sys/kernel/mm/ksm";
	}
	snprintf(path, sizeof(path), "%s/run", self->sysfs);
	if (access(path, F_OK))
		SKIP(return, "%s missing", path);
	snprintf(path, sizeof(path), "%s/pages_to_scan", self->sysfs);
	kvmx_write_file(path, "5000");
	snprintf(path, sizeof(path), "%s/sleep_millisecs", self->sysfs);
	kvmx_write_file(path, "10");
	snprintf(path, sizeof(path), "%s/run", self->sysfs);
	kvmx_write_file(path, "1");
}

FIXTURE_TEARDOWN(ksm)
{
	char path[128];

	if (!self->sysfs)
		return;
	snprintf(path, sizeof(path), "%s/run", self->sysfs);
	kvmx_write_file(path, "2");
	if (variant->ours)
		kvmx_rmmod("kvmx_ksm");
}

struct guest {
	pid_t pid;
	int out;
	char buf[1 << 16];
	size_t len;
};

static void guest_start(struct guest *g, const char *kernel)
{
	int p[2];

	if (pipe(p))
		return;
	g->len = 0;
	g->buf[0] = '\0';
	g->pid = fork();
	if (!g->pid) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execl(KVMX_BIN, KVMX_BIN, "run", "-k", kernel, "-m", "160",
		      "-p", "quiet", "--ksm", "--guest-cmd", GUEST_CMD,
		      "--timeout", "420", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	g->out = p[0];
	fcntl(g->out, F_SETFL, O_NONBLOCK);
}

static void guest_drain(struct guest *g)
{
	ssize_t n;

	while ((n = read(g->out, g->buf + g->len,
			 sizeof(g->buf) - 1 - g->len)) > 0)
		g->len += n;
	g->buf[g->len] = '\0';
}

TEST_F_TIMEOUT(ksm, two_guests_merge_and_stay_correct, 500)
{
	struct guest *g = calloc(2, sizeof(*g));
	long long sharing, best = 0;
	char path[128];
	time_t end;
	int i, st;

	guest_start(&g[0], self->kernel);
	guest_start(&g[1], self->kernel);
	snprintf(path, sizeof(path), "%s/pages_sharing", self->sysfs);
	end = time(NULL) + 460;
	while (time(NULL) < end) {
		guest_drain(&g[0]);
		guest_drain(&g[1]);
		sharing = kvmx_read_ull(path);
		if (sharing > best)
			best = sharing;
		for (i = 0; i < 2; i++) {
			/* Never waitpid(0): that reaps the other guest. */
			if (!g[i].pid ||
			    waitpid(g[i].pid, &st, WNOHANG) != g[i].pid)
				continue;
			g[i].pid = 0;
			EXPECT_TRUE(WIFEXITED(st));
			EXPECT_EQ(0, WEXITSTATUS(st));
		}
		if (!g[0].pid && !g[1].pid)
			break;
		sleep(1);
	}
	for (i = 0; i < 2; i++) {
		bool killed = g[i].pid;

		/* A guest that had to be killed did not power off. */
		EXPECT_FALSE(killed);
		if (killed) {
			kill(g[i].pid, SIGKILL);
			waitpid(g[i].pid, &st, 0);
		}
		guest_drain(&g[i]);
		if (killed || !strstr(g[i].buf, "KSM-CHECK-OK"))
			printf("# guest %d output:\n%s\n", i, g[i].buf);
		EXPECT_NE(NULL, strstr(g[i].buf, "KSM-CHECK-OK"));
	}
	printf("# most pages_sharing seen: %lld (%.1f MiB saved)\n", best,
	       best * 4096.0 / 1048576);
	/* 2 x 32 MiB of identical tmpfs pages, plus the kernels' own. */
	EXPECT_GT(best, 4096);
	free(g);
}


#endif

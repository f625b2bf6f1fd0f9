/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the launcher selftests: run /usr/bin/kvmx with arguments,
 * optional stdin text, and collect its output and exit status.
 */
#ifndef LAUNCHER_H
#define LAUNCHER_H

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KVMX_BIN	"/usr/bin/kvmx"
#define KVMX_OUT_MAX	(1 << 20)

struct kvmx_result {
	int status;		/* exit status, or 128 + signal */
	char *out;		/* stdout and stderr, NUL-terminated */
	double secs;
};

/* A guest kernel: /boot first, then the kvmx-guest/ dir next to kvmx. */
static inline const char *launcher_kernel(void)
{
	static char path[256];
	glob_t g;

	if (!access("/boot/vmlinuz", R_OK))
		return "/boot/vmlinuz";
	if (!glob("/boot/vmlinuz-*", 0, NULL, &g) && g.gl_pathc) {
		snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
		globfree(&g);
		return path;
	}
	if (!access("/usr/bin/kvmx-guest/vmlinuz", R_OK))
		return "/usr/bin/kvmx-guest/vmlinuz";
	return NULL;
}

/* Is some KVM device usable?  Loads kvm_amd if nothing is there. */
static inline bool launcher_have_kvm(void)
{
	if (!access("/dev/kvmx", F_OK) || !access("/dev/kvm", F_OK))
		return true;
	if (system("modprobe kvm_amd 2>/dev/null || modprobe kvm_intel 2>/dev/null"))
		return false;
	return !access("/dev/kvm", F_OK);
}

/*
 * Run kvmx with @argv (NULL-terminated, argv[0] not included), feeding
 * @input (may be NULL) on stdin after @input_delay seconds or when
 * @input_after appears in the output; kill it after @timeout seconds.
 */
static inline struct kvmx_result launcher_run(const char *const *argv,
					       const char *input_after,
					       const char *input, int timeout)
{
	struct kvmx_result r = { .status = -1 };
	int out[2], in[2], st, argc = 0;
	const char *args[64];
	struct timespec t0, t1;
	size_t len = 0;
	bool fed = !input;
	pid_t pid;

	args[argc++] = KVMX_BIN;
	while (*argv && argc < 62)
		args[argc++] = *argv++;
	args[argc] = NULL;
	r.out = calloc(1, KVMX_OUT_MAX + 1);
	if (pipe(out) || pipe(in))
		return r;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (!pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		close(in[1]);
		close(out[0]);
		execv(KVMX_BIN, (char **)args);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	if (!input) {
		close(in[1]);
		in[1] = -1;
	}
	for (;;) {
		struct pollfd p = { .fd = out[0], .events = POLLIN };
		ssize_t n;

		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (t1.tv_sec - t0.tv_sec > timeout) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = read(out[0], r.out + len, KVMX_OUT_MAX - len);
		if (n <= 0)
			break;
		len += n;
		if (!fed && strstr(r.out, input_after)) {
			if (write(in[1], input, strlen(input)) < 0)
				break;
			fed = true;
		}
	}
	close(out[0]);
	if (in[1] >= 0)
		close(in[1]);
	waitpid(pid, &st, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r.secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return r;
}

/* Print the output as TAP comments (for failures and the log). */
static inline void launcher_dump(const struct kvmx_result *r)
{
	char *s = r->out, *nl;

	while (s && *s) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		printf("# | %s\n", s);
		if (!nl)
			break;
		*nl = '\n';
		s = nl + 1;
	}
}

#endif

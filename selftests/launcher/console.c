// SPDX-License-Identifier: GPL-2.0
/*
 * The serial console and the guest's way out.
 *
 * serial_input: kvmx runs on a pseudo-terminal; a line typed into it
 * reaches a `read` inside the guest through the 8250's receive interrupt,
 * and the terminal's settings are back as they were once kvmx exits.
 * ctrl_a_x: the escape stops a waiting guest, status 0, terminal restored.
 * reboot: `reboot -f` in the guest ends kvmx with status 2 (reset);
 * poweroff is covered by boot.c (status 0).
 */
#include <pty.h>
#include <termios.h>

#include "kselftest_harness.h"
#include "launcher.h"

FIXTURE(console) {
	const char *kernel;
};

FIXTURE_SETUP(console)
{
	self->kernel = launcher_kernel();
	if (!self->kernel)
		SKIP(return, "no guest kernel in /boot");
	if (!launcher_have_kvm())
		SKIP(return, "no /dev/kvmx or /dev/kvm");
}

FIXTURE_TEARDOWN(console)
{
}

/* Read from @fd into @buf until @want appears or @secs pass. */
static bool wait_for(int fd, char *buf, size_t cap, size_t *len,
		     const char *want, int secs)
{
	time_t end = time(NULL) + secs;

	while (time(NULL) < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (strstr(buf, want))
			return true;
		if (poll(&p, 1, 1000) <= 0)
			continue;
		n = read(fd, buf + *len, cap - 1 - *len);
		if (n <= 0)
			return false;
		*len += n;
		buf[*len] = '\0';
	}
	return strstr(buf, want) != NULL;
}

TEST_F_TIMEOUT(console, serial_input, 500)
{
	struct termios before, after;
	size_t cap = 1 << 20, len = 0;
	char *buf = calloc(1, cap);
	int master, slave, st;
	pid_t pid;

	ASSERT_EQ(0, openpty(&master, &slave, NULL, NULL, NULL));
	ASSERT_EQ(0, tcgetattr(slave, &before));
	pid = fork();
	if (!pid) {
		const char *argv[] = { KVMX_BIN, "run", "-k", self->kernel,
			"-m", "128", "-p", "quiet", "--guest-cmd",
			"echo READY-FOR-INPUT; read line; echo \"GOT:[$line]\"",
			"--timeout", "400", NULL };

		setsid();
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execv(KVMX_BIN, (char **)argv);
		_exit(127);
	}
	EXPECT_TRUE(wait_for(master, buf, cap, &len, "READY-FOR-INPUT", 450));
	ASSERT_EQ(16, write(master, "hello-from-host\r", 16));
	EXPECT_TRUE(wait_for(master, buf, cap, &len, "GOT:[hello-from-host]",
			     60));
	wait_for(master, buf, cap, &len, "System halted", 60);
	waitpid(pid, &st, 0);
	if (!strstr(buf, "GOT:[hello-from-host]"))
		printf("# output:\n%s\n", buf);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, tcgetattr(slave, &after));
	EXPECT_EQ(before.c_lflag, after.c_lflag);
	EXPECT_EQ(before.c_iflag, after.c_iflag);
	EXPECT_EQ(before.c_oflag, after.c_oflag);
	close(master);
	close(slave);
	free(buf);
}

/* Ctrl-A x on the terminal stops a guest that would otherwise wait. */
TEST_F_TIMEOUT(console, ctrl_a_x_stops_guest, 500)
{
	struct termios before, after;
	size_t cap = 1 << 20, len = 0;
	char *buf = calloc(1, cap);
	int master, slave, st;
	pid_t pid;

	ASSERT_EQ(0, openpty(&master, &slave, NULL, NULL, NULL));
	ASSERT_EQ(0, tcgetattr(slave, &before));
	pid = fork();
	if (!pid) {
		const char *argv[] = { KVMX_BIN, "run", "-k", self->kernel,
			"-m", "128", "-p", "quiet", "--guest-cmd",
			"echo WAITING-FOREVER; sleep 100000", "--timeout", "400",
			NULL };

		setsid();
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execv(KVMX_BIN, (char **)argv);
		_exit(127);
	}
	EXPECT_TRUE(wait_for(master, buf, cap, &len, "WAITING-FOREVER", 450));
	ASSERT_EQ(2, write(master, "\001x", 2));
	EXPECT_TRUE(wait_for(master, buf, cap, &len, "stopped by Ctrl-A x",
			     60));
	waitpid(pid, &st, 0);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, tcgetattr(slave, &after));
	EXPECT_EQ(before.c_lflag, after.c_lflag);
	EXPECT_EQ(before.c_iflag, after.c_iflag);
	close(master);
	close(slave);
	free(buf);
}

TEST_F_TIMEOUT(console, reboot_ends_with_status_2, 500)
{
	struct kvmx_result r;
	const char *argv[] = { "run", "-k", self->kernel, "-m", "128", "-p",
		"quiet", "--guest-cmd", "echo REBOOTING; reboot -f",
		"--timeout", "400", NULL };

	r = launcher_run(argv, NULL, NULL, 450);
	if (r.status != 2)
		launcher_dump(&r);
	EXPECT_NE(NULL, strstr(r.out, "REBOOTING"));
	EXPECT_EQ(2, r.status);
	free(r.out);
}

TEST_HARNESS_MAIN

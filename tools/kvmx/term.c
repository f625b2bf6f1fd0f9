// SPDX-License-Identifier: GPL-2.0
/*
 * The host terminal: raw mode while the guest runs, so keys (Ctrl-C too)
 * go to the guest's serial port; restored on every way out (normal exit,
 * die(), SIGTERM, SIGINT, SIGHUP).  Ctrl-A x stops the guest, Ctrl-A Ctrl-A
 * sends one Ctrl-A.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "kvmx.h"

#define TERM_ESCAPE	0x01	/* Ctrl-A */

static struct termios saved;
static volatile sig_atomic_t raw_active;
static bool escape_pending;

/**
 * term__restore() - put the terminal back as we found it (idempotent)
 */
void term__restore(void)
{
	if (raw_active) {
		raw_active = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	}
}

/**
 * term__is_raw() - is the terminal in raw mode now?
 */
bool term__is_raw(void)
{
	return raw_active;
}

static void term_signal(int sig)
{
	term__restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/**
 * term__write() - guest console output
 * @buf: bytes
 * @len: count
 */
void term__write(const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= n;
	}
}

static void stdin_ready(int fd, void *opaque)
{
	uint8_t buf[256], out[256];
	size_t room, len = 0;
	ssize_t n, i;

	pthread_mutex_lock(&kvm.lock);
	room = serial__rx_room();
	pthread_mutex_unlock(&kvm.lock);
	if (!room) {
		event__set_enabled(fd, false);
		return;
	}
	n = read(fd, buf, room < sizeof(buf) ? room : sizeof(buf));
	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		event__set_enabled(fd, false);	/* EOF: no more input */
		return;
	}
	for (i = 0; i < n; i++) {
		if (raw_active && escape_pending) {
			escape_pending = false;
			if (buf[i] == 'x') {
				static const char msg[] =
					"\r\nkvmx: stopped by Ctrl-A x\r\n";

				term__restore();
				term__write(msg, sizeof(msg) - 1);
				kvm__request_exit(KVMX_EXIT_POWEROFF);
				return;
			}
			if (buf[i] != TERM_ESCAPE)
				continue;
		} else if (raw_active && buf[i] == TERM_ESCAPE) {
			escape_pending = true;
			continue;
		}
		out[len++] = buf[i];
	}
	pthread_mutex_lock(&kvm.lock);
	serial__input(out, len);
	pthread_mutex_unlock(&kvm.lock);
}

/**
 * term__init() - raw mode on a terminal stdin, and watch stdin for input
 */
void term__init(void)
{
	struct termios raw;
	int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT };
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		signal(sigs[i], term_signal);
	atexit(term__restore);
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved)) {
		raw = saved;
		cfmakeraw(&raw);
		if (!tcsetattr(STDIN_FILENO, TCSANOW, &raw))
			raw_active = 1;
	}
	event__add(STDIN_FILENO, stdin_ready, NULL);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The event thread: one epoll set holding the PIT timer, the terminal,
 * tap and vhost call eventfds, and the --timeout timer.  Handlers take
 * kvm.lock themselves when they touch device state.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "kvmx.h"

#define EVENT_MAX	16

struct event_src {
	int fd;
	event_fn fn;
	void *opaque;
};

static struct event_src srcs[EVENT_MAX];
static int nr_srcs;
static int epfd = -1;

static void ensure_epoll(void)
{
	if (epfd < 0) {
		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0)
			die("epoll_create1: %s", strerror(errno));
	}
}

/**
 * event__add() - call @fn in the event thread whenever @fd is readable
 * @fd: file descriptor (must support poll)
 * @fn: handler
 * @opaque: passed to @fn
 *
 * Files that cannot be polled (a regular file or /dev/null on stdin) are
 * silently left out.
 */
void event__add(int fd, event_fn fn, void *opaque)
{
	struct epoll_event ev = { .events = EPOLLIN };

	ensure_epoll();
	if (nr_srcs == EVENT_MAX)
		die("too many event sources");
	srcs[nr_srcs] = (struct event_src){ fd, fn, opaque };
	ev.data.ptr = &srcs[nr_srcs];
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		if (errno == EPERM)
			return;
		die("epoll_ctl(%d): %s", fd, strerror(errno));
	}
	nr_srcs++;
}

/**
 * event__set_enabled() - stop or resume watching @fd
 * @fd: a file descriptor given to event__add()
 * @enabled: watch it
 */
void event__set_enabled(int fd, bool enabled)
{
	struct epoll_event ev = { .events = enabled ? EPOLLIN : 0 };
	int i;

	for (i = 0; i < nr_srcs; i++) {
		if (srcs[i].fd == fd) {
			ev.data.ptr = &srcs[i];
			epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
		}
	}
}

static void timeout_fired(int fd, void *opaque)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) == sizeof(n)) {
		warnx_("guest still running after --timeout %u s: stopping it",
		       kvm.opts->timeout);
		kvm__request_exit(KVMX_EXIT_TIMEOUT);
	}
}

static void *event_loop(void *arg)
{
	struct epoll_event evs[EVENT_MAX];
	int n, i;

	for (;;) {
		n = epoll_wait(epfd, evs, EVENT_MAX, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait: %s", strerror(errno));
		}
		for (i = 0; i < n; i++) {
			struct event_src *s = evs[i].data.ptr;

			s->fn(s->fd, s->opaque);
		}
	}
	return NULL;
}

/**
 * event__start() - start the event thread
 *
 * The thread blocks the signals the vCPU thread and the terminal code
 * handle, so that they are delivered where they belong.
 */
void event__start(void)
{
	sigset_t set, old;
	pthread_t t;
	int tfd;

	ensure_epoll();
	if (kvm.opts->timeout) {
		struct itimerspec its = {
			.it_value.tv_sec = kvm.opts->timeout,
		};

		tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		if (tfd < 0 || timerfd_settime(tfd, 0, &its, NULL))
			die("--timeout: timerfd: %s", strerror(errno));
		event__add(tfd, timeout_fired, NULL);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (pthread_create(&t, NULL, event_loop, NULL))
		die("cannot start the event thread");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

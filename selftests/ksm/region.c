// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/kvmx-ksm memory without merging: zero fill, reads and writes,
 * MAP_PRIVATE refused, regions per open(), sharing through fork and fd
 * passing, and every page released on munmap/close/exit.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ksm_util.h"

FIXTURE(region) {
	int unused;
};

FIXTURE_SETUP(region)
{
	ASSERT_EQ(0, ksm_load_fast());
}

FIXTURE_TEARDOWN(region)
{
	ksm_unload();
}

TEST_F(region, device_mode)
{
	struct stat st;

	ASSERT_EQ(0, stat(KSM_DEV, &st));
	EXPECT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(0660, st.st_mode & 0777);
}

TEST_F(region, zero_filled_read_write)
{
	size_t n = 64, i, j;
	char *p;
	int fd;

	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n * PG; i++)
		ASSERT_EQ(0, p[i]);
	for (i = 0; i < n; i++)
		memset(p + i * PG, (int)i + 1, PG);
	for (i = 0; i < n; i++)
		for (j = 0; j < PG; j += 511)
			ASSERT_EQ((char)(i + 1), p[i * PG + j]);
	EXPECT_EQ(n, ksm_debug("pages_allocated"));
	munmap(p, n * PG);
	close(fd);
}

TEST_F(region, map_private_refused)
{
	int fd = open(KSM_DEV, O_RDWR);
	void *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	close(fd);
}

TEST_F(region, one_region_per_open)
{
	int fd1 = open(KSM_DEV, O_RDWR), fd2 = open(KSM_DEV, O_RDWR);
	char *a, *b, *c;

	ASSERT_LE(0, fd1);
	ASSERT_LE(0, fd2);
	/* Two mappings of one fd (one at an offset) alias. */
	a = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd1, 0);
	b = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd1, 2 * PG);
	c = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, a);
	ASSERT_NE(MAP_FAILED, b);
	ASSERT_NE(MAP_FAILED, c);
	a[2 * PG + 7] = 'x';
	EXPECT_EQ('x', b[7]);
	b[PG] = 'y';
	EXPECT_EQ('y', a[3 * PG]);
	EXPECT_EQ(0, c[2 * PG + 7]);
	EXPECT_EQ(0, c[3 * PG]);
	/* A length that is not a page multiple maps whole pages. */
	munmap(c, 4 * PG);
	c = mmap(NULL, PG + 10, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
	ASSERT_NE(MAP_FAILED, c);
	c[PG + 100] = 1;
	EXPECT_EQ(1, c[PG + 100]);
	munmap(a, 4 * PG);
	munmap(b, 2 * PG);
	munmap(c, PG + 10);
	close(fd1);
	close(fd2);
}

TEST_F(region, read_only_fd)
{
	int fd = open(KSM_DEV, O_RDONLY);
	char *p;

	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, PG, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0));
	p = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, p[100]);
	munmap(p, PG);
	close(fd);
}

TEST_F(region, fork_shares_memory)
{
	size_t n = 16;
	pid_t pid;
	int fd, st;
	char *p;

	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	p[0] = 'p';
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* MAP_SHARED: the child sees and writes the same memory. */
		if (p[0] != 'p')
			_exit(1);
		p[PG] = 'c';
		p[0] = 'q';
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ('c', p[PG]);
	EXPECT_EQ('q', p[0]);
	munmap(p, n * PG);
	close(fd);
}

TEST_F(region, fd_passing)
{
	char cbuf[CMSG_SPACE(sizeof(int))], byte = 0, *p;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int sv[2], fd, st;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The child opens the region and hands it over. */
		close(sv[0]);
		fd = open(KSM_DEV, O_RDWR);
		p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (fd < 0 || p == MAP_FAILED)
			_exit(1);
		strcpy(p, "from child");
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		if (sendmsg(sv[1], &msg, 0) != 1)
			_exit(2);
		_exit(0);
	}
	close(sv[1]);
	ASSERT_EQ(1, recvmsg(sv[0], &msg, 0));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, WEXITSTATUS(st));
	cm = CMSG_FIRSTHDR(&msg);
	ASSERT_NE(NULL, cm);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	p = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_STREQ("from child", p);
	munmap(p, PG);
	close(fd);
	close(sv[0]);
	EXPECT_EQ(0, ksm_debug("pages_allocated"));
}

/*
 * 128 MiB in, 128 MiB out: the module's count is exact; MemFree is noisy
 * (per-cpu free lists, page tables), so it gets wide margins.
 */
TEST_F(region, release_on_munmap_close_exit)
{
	size_t n = 32768, i;
	long long free0, free1, free2;
	pid_t pid;
	int fd, st;
	char *p;

	free0 = kvmx_mem_free_kb();
	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		p[i * PG] = 1;
	EXPECT_EQ(n, ksm_debug("pages_allocated"));
	free1 = kvmx_mem_free_kb();
	TH_LOG("MemFree kB: before %lld, mapped %lld", free0, free1);
	EXPECT_GT(free0 - free1, (long long)(n * 4 / 2));
	/* close first: the mapping keeps the region alive. */
	close(fd);
	EXPECT_EQ(1, p[(n - 1) * PG]);
	EXPECT_EQ(n, ksm_debug("pages_allocated"));
	munmap(p, n * PG);
	EXPECT_EQ(0, ksm_debug("pages_allocated"));
	free2 = kvmx_mem_free_kb();
	TH_LOG("MemFree kB: released %lld", free2);
	EXPECT_LT(free0 - free2, (long long)(n * 4 / 4));

	/* A process that exits without cleaning up. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		p = ksm_region(n, &fd);
		if (!p)
			_exit(1);
		for (i = 0; i < n; i++)
			p[i * PG] = 2;
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, ksm_debug("pages_allocated"));
	EXPECT_LT(free0 - kvmx_mem_free_kb(), (long long)(n * 4 / 4));
}

TEST_F(region, madvise_dontneed_keeps_content)
{
	size_t n = 8;
	char *p;
	int fd;

	/* The region, not the mapping, owns the pages (like shmem). */
	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	memset(p, 0x3c, n * PG);
	ASSERT_EQ(0, madvise(p, n * PG, MADV_DONTNEED));
	EXPECT_EQ(0x3c, p[5 * PG + 5]);
	/* Nothing to write back: msync and fsync succeed. */
	EXPECT_EQ(0, msync(p, n * PG, MS_SYNC));
	EXPECT_EQ(0, fsync(fd));
	munmap(p, n * PG);
	close(fd);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kvmx_ksm merging: identical pages merge (bounded by max_page_sharing),
 * different ones do not, a write breaks sharing for that page and that
 * mapper only, run=2 unmerges with contents intact, separate processes
 * share, fork shares the region, zero pages.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ksm_util.h"

FIXTURE(merge) {
	int unused;
};

FIXTURE_SETUP(merge)
{
	ASSERT_EQ(0, ksm_load_fast());
}

FIXTURE_TEARDOWN(merge)
{
	ksm_unload();
}

static void fill(char *p, size_t n, int c)
{
	size_t i;

	for (i = 0; i < n; i++)
		memset(p + i * PG, c, PG);
}

/* Every byte of pages [0, n) is @c. */
static int all_is(const char *p, size_t n, int c)
{
	size_t i;

	for (i = 0; i < n * PG; i++)
		if (p[i] != (char)c)
			return 0;
	return 1;
}

TEST_F(merge, identical_pages_merge)
{
	size_t n = 1000;
	char *p;
	int fd;

	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	fill(p, n, 0x5a);
	ASSERT_EQ(0, ksm_set("run", 1));
	EXPECT_EQ(n, ksm_wait_merged(n, 30));
	/* max_page_sharing 256: four KSM pages for 1000 mappings... */
	EXPECT_EQ(4, ksm_get("pages_shared"));
	EXPECT_EQ(996, ksm_get("pages_sharing"));
	/* ...all of one content: one chain of four duplicates. */
	EXPECT_EQ(1, ksm_get("stable_node_chains"));
	EXPECT_EQ(4, ksm_get("stable_node_dups"));
	EXPECT_TRUE(all_is(p, n, 0x5a));
	EXPECT_EQ(4, ksm_debug("pages_allocated"));
	EXPECT_GT(ksm_get("general_profit"), 900 * 4096LL);
	EXPECT_GT(ksm_get("pages_scanned"), n);
	ASSERT_EQ(0, ksm_set("run", 0));
	munmap(p, n * PG);
	close(fd);
	EXPECT_EQ(0, ksm_get("pages_shared"));
	EXPECT_EQ(0, ksm_get("pages_sharing"));
	EXPECT_EQ(0, ksm_debug("pages_allocated"));
}

TEST_F(merge, different_content_does_not_merge)
{
	size_t n = 256, i;
	char *p;
	int fd;

	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	/* Pages differ in one byte only, at different places. */
	fill(p, n, 0x11);
	for (i = 0; i < n; i++)
		p[i * PG + (i * 13) % PG] = 0x12 + i % 200;
	ASSERT_EQ(0, ksm_set("run", 1));
	ASSERT_EQ(0, ksm_wait_scans(3, 30));
	/* Settled pages stay counted while the scanner passes them. */
	for (i = 0; i < 20; i++) {
		EXPECT_EQ(n, ksm_get("pages_unshared"));
		usleep(5000);
	}
	/* Stopping waits for the scanner: the counters hold still. */
	ASSERT_EQ(0, ksm_set("run", 0));
	EXPECT_EQ(0, ksm_get("pages_shared"));
	EXPECT_EQ(0, ksm_get("pages_sharing"));
	/* Settled unique pages wait in the unstable tree. */
	EXPECT_EQ(n, ksm_get("pages_unshared"));
	EXPECT_EQ(n, ksm_debug("pages_allocated"));
	munmap(p, n * PG);
	close(fd);
}

TEST_F(merge, write_breaks_sharing_for_that_page_and_mapper)
{
	size_t n = 64;
	int fds[2];
	char *a, *b;

	a = ksm_region(n, &fds[0]);
	b = ksm_region(n, &fds[1]);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	fill(a, n, 0x42);
	fill(b, n, 0x42);
	ASSERT_EQ(0, ksm_set("run", 1));
	ASSERT_EQ(2 * n, ksm_wait_merged(2 * n, 30));
	ASSERT_EQ(0, ksm_set("run", 0));
	EXPECT_EQ(1, ksm_get("pages_shared"));
	EXPECT_EQ(2 * n - 1, ksm_get("pages_sharing"));

	a[3 * PG + 100] = 0x43;
	EXPECT_EQ(0x43, a[3 * PG + 100]);
	EXPECT_EQ(0x42, a[3 * PG + 99]);
	EXPECT_EQ(0x42, b[3 * PG + 100]);
	EXPECT_EQ(0x42, a[4 * PG + 100]);
	EXPECT_EQ(0x42, a[2 * PG + 100]);
	EXPECT_EQ(2 * n - 2, ksm_get("pages_sharing"));
	EXPECT_EQ(2, ksm_debug("pages_allocated"));
	/* Reads keep seeing the last write. */
	a[3 * PG + 100] = 0x44;
	EXPECT_EQ(0x44, a[3 * PG + 100]);
	b[PG] = 1;
	EXPECT_EQ(1, b[PG]);
	EXPECT_EQ(0x42, a[PG]);
	EXPECT_EQ(2 * n - 3, ksm_get("pages_sharing"));
	munmap(a, n * PG);
	munmap(b, n * PG);
	close(fds[0]);
	close(fds[1]);
	EXPECT_EQ(0, ksm_debug("pages_allocated"));
}

TEST_F(merge, unmerge_all_keeps_contents)
{
	size_t n = 300, i;
	char *p;
	int fd;

	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	for (i = 0; i < n; i++)
		memset(p + i * PG, 'a' + i % 3, PG);
	ASSERT_EQ(0, ksm_set("run", 1));
	ASSERT_EQ(n, ksm_wait_merged(n, 30));
	EXPECT_EQ(3, ksm_get("pages_shared"));
	ASSERT_EQ(0, ksm_set("run", 2));
	EXPECT_EQ(2, ksm_get("run"));
	EXPECT_EQ(0, ksm_get("pages_shared"));
	EXPECT_EQ(0, ksm_get("pages_sharing"));
	EXPECT_EQ(0, ksm_get("pages_unshared"));
	EXPECT_EQ(0, ksm_get("pages_volatile"));
	EXPECT_EQ(n, ksm_debug("pages_allocated"));
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(all_is(p + i * PG, 1, 'a' + i % 3));
		p[i * PG] = 'z';
	}
	for (i = 0; i < n; i++)
		ASSERT_EQ('z', p[i * PG]);
	EXPECT_EQ('a' + 1 % 3, p[PG + 1]);
	munmap(p, n * PG);
	close(fd);
}

TEST_F(merge, two_processes_share)
{
	size_t n = 128;
	int fd, st, go[2], done[2];
	char c, *p;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		p = ksm_region(n, &fd);
		if (!p)
			_exit(1);
		fill(p, n, 0x77);
		if (write(done[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		/* Merged with the parent's pages: write one, check ours. */
		if (!all_is(p, n, 0x77))
			_exit(3);
		memset(p, 0x78, PG);
		if (!all_is(p, 1, 0x78) || !all_is(p + PG, n - 1, 0x77))
			_exit(4);
		if (write(done[1], "w", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(5);
		_exit(0);
	}
	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	fill(p, n, 0x77);
	ASSERT_EQ(1, read(done[0], &c, 1));
	ASSERT_EQ(0, ksm_set("run", 1));
	EXPECT_EQ(2 * n, ksm_wait_merged(2 * n, 30));
	EXPECT_EQ(1, ksm_get("pages_shared"));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(1, read(done[0], &c, 1));
	EXPECT_TRUE(all_is(p, n, 0x77));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	/* The child's exit released its share. */
	EXPECT_EQ(n - 1, ksm_get("pages_sharing"));
	munmap(p, n * PG);
	close(fd);
}

/*
 * fork() shares the region (MAP_SHARED): parent and child map the same
 * slots, merged or not, and a write by either is seen by both.
 */
TEST_F(merge, fork_shares_merged_region)
{
	size_t n = 32;
	int fd, st;
	pid_t pid;
	char *p;

	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	fill(p, n, 0x31);
	ASSERT_EQ(0, ksm_set("run", 1));
	ASSERT_EQ(n, ksm_wait_merged(n, 30));
	ASSERT_EQ(0, ksm_set("run", 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (!all_is(p, n, 0x31))
			_exit(1);
		p[2 * PG] = 0x32;
		_exit(p[2 * PG] == 0x32 && p[3 * PG] == 0x31 ? 0 : 2);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0x32, p[2 * PG]);
	EXPECT_EQ(0x31, p[2 * PG + 1]);
	EXPECT_EQ(0x31, p[3 * PG]);
	EXPECT_EQ(n - 2, ksm_get("pages_sharing"));
	munmap(p, n * PG);
	close(fd);
}

TEST_F(merge, zero_pages)
{
	size_t n = 200;
	char *p;
	int fd;

	/* use_zero_pages=1: written-then-zeroed pages go to the zero page. */
	ASSERT_EQ(0, ksm_set("use_zero_pages", 1));
	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	fill(p, n, 1);
	fill(p, n, 0);
	EXPECT_EQ(n, ksm_debug("pages_allocated"));
	ASSERT_EQ(0, ksm_set("run", 1));
	ASSERT_EQ(0, ksm_wait_scans(2, 30));
	EXPECT_EQ(n, ksm_get("ksm_zero_pages"));
	EXPECT_EQ(0, ksm_get("pages_shared"));
	EXPECT_EQ(0, ksm_debug("pages_allocated"));
	EXPECT_GE(ksm_get("general_profit"), (long long)(n - 10) * 4096);
	EXPECT_TRUE(all_is(p, n, 0));
	p[7 * PG] = 9;
	EXPECT_EQ(9, p[7 * PG]);
	EXPECT_EQ(0, p[8 * PG]);
	ASSERT_EQ(0, ksm_set("run", 0));
	EXPECT_EQ(n - 1, ksm_get("ksm_zero_pages"));
	ASSERT_EQ(0, ksm_set("run", 2));
	EXPECT_EQ(0, ksm_get("ksm_zero_pages"));
	EXPECT_TRUE(all_is(p, 7, 0));
	EXPECT_EQ(9, p[7 * PG]);
	munmap(p, n * PG);
	close(fd);

	/* use_zero_pages=0: zero pages merge like any other content. */
	ASSERT_EQ(0, ksm_set("use_zero_pages", 0));
	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	fill(p, n, 1);
	fill(p, n, 0);
	ASSERT_EQ(0, ksm_set("run", 1));
	EXPECT_EQ(n, ksm_wait_merged(n, 30));
	EXPECT_EQ(0, ksm_get("ksm_zero_pages"));
	EXPECT_EQ(1, ksm_get("pages_shared"));
	EXPECT_TRUE(all_is(p, n, 0));
	munmap(p, n * PG);
	close(fd);
}

TEST_F(merge, max_page_sharing_bound)
{
	size_t n = 10;
	char *p;
	int fd;

	ASSERT_EQ(0, ksm_set("max_page_sharing", 2));
	p = ksm_region(n, &fd);
	ASSERT_NE(NULL, p);
	fill(p, n, 0x66);
	ASSERT_EQ(0, ksm_set("run", 1));
	EXPECT_EQ(n, ksm_wait_merged(n, 30));
	EXPECT_EQ(5, ksm_get("pages_shared"));
	EXPECT_EQ(5, ksm_get("pages_sharing"));
	/*
	 * Changing it, or merge_across_nodes, while pages are shared is
	 * refused; setting the current value is not a change.
	 */
	EXPECT_EQ(-EBUSY, ksm_set("max_page_sharing", 256));
	EXPECT_EQ(0, ksm_set("max_page_sharing", 2));
	EXPECT_EQ(-EBUSY, ksm_set("merge_across_nodes", 0));
	EXPECT_EQ(0, ksm_set("merge_across_nodes", 1));
	EXPECT_EQ(0, ksm_set("run", 2));
	EXPECT_EQ(0, ksm_set("max_page_sharing", 256));
	EXPECT_EQ(0, ksm_set("merge_across_nodes", 0));
	EXPECT_EQ(0, ksm_set("merge_across_nodes", 1));
	EXPECT_EQ(0, ksm_get("stable_node_chains"));
	EXPECT_EQ(0, ksm_get("stable_node_dups"));
	EXPECT_TRUE(all_is(p, n, 0x66));
	munmap(p, n * PG);
	close(fd);
}

TEST_HARNESS_MAIN

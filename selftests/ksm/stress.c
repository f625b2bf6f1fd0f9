// SPDX-License-Identifier: GPL-2.0
/*
 * Integrity stress: writer threads change random pages of a region (whole
 * page patterns that invite merging, and single bytes that break it)
 * while the scanner merges and run=2 unmerges underneath them.  Every
 * write is mirrored into a private shadow copy; every page read, through
 * a second mapping of the same region, must equal its shadow.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ksm_util.h"

#define NPAGES		2048
#define NTHREADS	3
#define NPATTERNS	6

struct stress {
	char *wmap;		/* writers write here */
	char *rmap;		/* and read back here: same region */
	char *shadow;		/* private copy of what must be there */
	atomic_uint *seq;	/* per page, odd while being written */
	double end;
	atomic_long mismatches;
	atomic_long writes;
	atomic_long checks;
};

struct writer {
	struct stress *s;
	int id;
	unsigned int seed;
};

static int page_ok(struct stress *s, size_t i)
{
	return !memcmp(s->rmap + i * PG, s->shadow + i * PG, PG);
}

static void *writer_fn(void *arg)
{
	struct writer *w = arg;
	struct stress *s = w->s;
	size_t i, off;
	int op, c;

	while (ksm_now() < s->end) {
		/* Each thread owns the pages i % NTHREADS == id. */
		i = rand_r(&w->seed) % (NPAGES / NTHREADS) * NTHREADS + w->id;
		op = rand_r(&w->seed) % 10;
		if (s->seq && op < 6)
			atomic_fetch_add(&s->seq[i], 1);
		if (op < 3) {
			c = 'A' + rand_r(&w->seed) % NPATTERNS;
			memset(s->wmap + i * PG, c, PG);
			memset(s->shadow + i * PG, c, PG);
		} else if (op < 5) {
			off = rand_r(&w->seed) % PG;
			c = rand_r(&w->seed) & 0xff;
			s->wmap[i * PG + off] = c;
			s->shadow[i * PG + off] = c;
		} else if (op < 6) {
			memset(s->wmap + i * PG, 0, PG);
			memset(s->shadow + i * PG, 0, PG);
		}
		if (s->seq && op < 6)
			atomic_fetch_add(&s->seq[i], 1);
		atomic_fetch_add(&s->writes, op < 6);
		if (!page_ok(s, i))
			atomic_fetch_add(&s->mismatches, 1);
		atomic_fetch_add(&s->checks, 1);
	}
	return NULL;
}

FIXTURE(stress) {
	int fd;
	struct stress s;
};

FIXTURE_SETUP(stress)
{
	size_t i;

	ASSERT_EQ(0, ksm_load_fast());
	ASSERT_EQ(0, ksm_set("pages_to_scan", 4096));
	ASSERT_EQ(0, ksm_set("max_page_sharing", 16));
	self->fd = open(KSM_DEV, O_RDWR);
	ASSERT_LE(0, self->fd);
	self->s.wmap = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
			    MAP_SHARED, self->fd, 0);
	self->s.rmap = mmap(NULL, NPAGES * PG, PROT_READ, MAP_SHARED,
			    self->fd, 0);
	self->s.shadow = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->s.wmap);
	ASSERT_NE(MAP_FAILED, self->s.rmap);
	ASSERT_NE(MAP_FAILED, self->s.shadow);
	for (i = 0; i < NPAGES; i++) {
		memset(self->s.wmap + i * PG, 'A' + i % NPATTERNS, PG);
		memset(self->s.shadow + i * PG, 'A' + i % NPATTERNS, PG);
	}
}

FIXTURE_TEARDOWN(stress)
{
	munmap(self->s.wmap, NPAGES * PG);
	munmap(self->s.rmap, NPAGES * PG);
	munmap(self->s.shadow, NPAGES * PG);
	close(self->fd);
	ksm_unload();
}

static void run_writers(struct __test_metadata *_metadata,
			struct stress *s, double secs, int unmerge)
{
	struct writer w[NTHREADS];
	pthread_t t[NTHREADS];
	long long sharing, max_sharing = 0;
	int i, flips = 0;

	s->end = ksm_now() + secs;
	for (i = 0; i < NTHREADS; i++) {
		w[i].s = s;
		w[i].id = i;
		w[i].seed = 1234 + i;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, writer_fn, &w[i]));
	}
	while (ksm_now() < s->end) {
		usleep(100000);
		sharing = ksm_get("pages_sharing");
		if (sharing > max_sharing)
			max_sharing = sharing;
		if (unmerge && ++flips % 5 == 0) {
			EXPECT_EQ(0, ksm_set("run", 2));
			EXPECT_EQ(0, ksm_set("run", 1));
		}
	}
	for (i = 0; i < NTHREADS; i++)
		pthread_join(t[i], NULL);
	TH_LOG("writes %ld checks %ld max pages_sharing %lld full_scans %lld",
	       atomic_load(&s->writes), atomic_load(&s->checks), max_sharing,
	       ksm_get("full_scans"));
	EXPECT_GT(max_sharing, 100);
}

static long final_check(struct stress *s)
{
	long bad = 0;
	size_t i;

	for (i = 0; i < NPAGES; i++)
		bad += !page_ok(s, i);
	return bad;
}

TEST_F_TIMEOUT(stress, writers_vs_scanner, 120)
{
	/* Let most pages merge first, then write into the merged memory. */
	ASSERT_EQ(0, ksm_set("run", 1));
	ksm_wait_merged(NPAGES / 2, 20);
	run_writers(_metadata, &self->s, 4, 0);
	EXPECT_EQ(0, atomic_load(&self->s.mismatches));
	EXPECT_EQ(0, final_check(&self->s));
	/* And after everything settled and merged again. */
	ASSERT_EQ(0, ksm_wait_scans(3, 30));
	EXPECT_EQ(0, final_check(&self->s));
	EXPECT_GT(ksm_get("pages_sharing"), NPAGES / 2);
}

TEST_F_TIMEOUT(stress, writers_vs_scanner_and_unmerge, 120)
{
	ASSERT_EQ(0, ksm_set("use_zero_pages", 1));
	ASSERT_EQ(0, ksm_set("run", 1));
	ksm_wait_merged(NPAGES / 2, 20);
	run_writers(_metadata, &self->s, 4, 1);
	EXPECT_EQ(0, atomic_load(&self->s.mismatches));
	EXPECT_EQ(0, final_check(&self->s));
	ASSERT_EQ(0, ksm_set("run", 2));
	EXPECT_EQ(0, final_check(&self->s));
	EXPECT_EQ(0, ksm_get("pages_sharing"));
}

/*
 * Another process reads through its own page tables (fork shares the
 * region): every page it reads while no writer touches it must equal the
 * shadow, so zaps and COW breaks reach other mms too.
 */
TEST_F_TIMEOUT(stress, reader_in_another_process, 120)
{
	atomic_long *bad;
	unsigned int seed = 99, a, b;
	long reads = 0;
	char *shared;
	double end;
	size_t i;
	pid_t pid;
	int st;

	/* Shadow and sequence counts shared with the reader. */
	shared = mmap(NULL, NPAGES * PG + NPAGES * sizeof(atomic_uint) + PG,
		      PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	ASSERT_NE(MAP_FAILED, shared);
	memcpy(shared, self->s.shadow, NPAGES * PG);
	munmap(self->s.shadow, NPAGES * PG);
	self->s.shadow = shared;
	self->s.seq = (atomic_uint *)(shared + NPAGES * PG);
	bad = (atomic_long *)(shared + NPAGES * PG +
			      NPAGES * sizeof(atomic_uint));

	ASSERT_EQ(0, ksm_set("run", 1));
	ksm_wait_merged(NPAGES / 2, 20);
	end = ksm_now() + 5;
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		while (ksm_now() < end) {
			i = rand_r(&seed) % NPAGES;
			a = atomic_load(&self->s.seq[i]);
			if (a & 1)
				continue;
			if (memcmp(self->s.rmap + i * PG,
				   self->s.shadow + i * PG, PG)) {
				b = atomic_load(&self->s.seq[i]);
				if (a == b)
					atomic_fetch_add(bad, 1);
			}
			reads++;
		}
		_exit(reads > 1000 ? 0 : 3);
	}
	run_writers(_metadata, &self->s, 4, 0);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, atomic_load(&self->s.mismatches));
	EXPECT_EQ(0, atomic_load(bad));
	EXPECT_EQ(0, final_check(&self->s));
	munmap(shared, NPAGES * PG + NPAGES * sizeof(atomic_uint) + PG);
	self->s.shadow = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	self->s.seq = NULL;
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Signals and KVM_RUN: a signal arriving while the guest spins makes
 * KVM_RUN return -EINTR with exit_reason KVM_EXIT_INTR and the guest
 * resumes where it was on the next KVM_RUN; a pending but blocked
 * signal does not interrupt it; run->immediate_exit returns -EINTR
 * without entering the guest, but after completing a pending PIO.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include "kvm_test.h"

KVMT_VM_FIXTURE(sig);

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal++;
}

static void install(int sig)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);	/* no SA_RESTART */
}

/* Spin until [0x9000] is non-zero, then OUT it and halt. */
KVMT_GUEST_CODE(spin_guest, ".code64",
	"1:\n\t"
	"movl (0x9000), %eax\n\t"
	"testl %eax, %eax\n\t"
	"jz 1b\n\t"
	"outl %eax, $0x10\n\t"
	"hlt");

TEST_F(sig, timer_interrupts_run)
{
	struct itimerval it = { .it_value.tv_usec = 50000 };
	struct kvm_regs regs;

	install(SIGALRM);
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(spin_guest)));
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	EXPECT_EQ(-EINTR, kvmt_run(self->vcpu));
	EXPECT_EQ(KVM_EXIT_INTR, self->vcpu->run->exit_reason);
	EXPECT_LE(1, got_signal);
	/* Still in the spin loop. */
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &regs));
	EXPECT_LE(KVMT_CODE_GPA, regs.rip);
	EXPECT_GT(KVMT_CODE_GPA + 12, regs.rip);
	*(uint32_t *)kvmt_gpa(self->vm, 0x9000) = 0x5150;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 4);
	EXPECT_EQ(0x5150, *(uint32_t *)kvmt_io_data(self->vcpu));
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
}

struct kicker {
	pthread_t target;
	int rounds;
};

static void *kick_fn(void *arg)
{
	struct kicker *k = arg;
	int i;

	for (i = 0; i < k->rounds; i++) {
		usleep(20000);
		pthread_kill(k->target, SIGUSR1);
	}
	return NULL;
}

TEST_F(sig, signal_from_another_thread)
{
	struct kicker k = { .target = pthread_self(), .rounds = 3 };
	pthread_t th;
	int i, intr = 0;

	install(SIGUSR1);
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(spin_guest)));
	ASSERT_EQ(0, pthread_create(&th, NULL, kick_fn, &k));
	for (i = 0; i < 3; i++) {
		int ret = kvmt_run(self->vcpu);

		EXPECT_EQ(-EINTR, ret);
		EXPECT_EQ(KVM_EXIT_INTR, self->vcpu->run->exit_reason);
		if (ret == -EINTR)
			intr++;
	}
	pthread_join(th, NULL);
	EXPECT_EQ(3, intr);
	*(uint32_t *)kvmt_gpa(self->vm, 0x9000) = 7;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 4);
}

TEST_F(sig, blocked_signal_does_not_interrupt)
{
	sigset_t set, old;

	install(SIGUSR2);
	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(spin_guest)));
	*(uint32_t *)kvmt_gpa(self->vm, 0x9000) = 1;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, &set, &old));
	raise(SIGUSR2);
	got_signal = 0;
	/* Pending but blocked: the guest runs to its exit. */
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 4);
	EXPECT_EQ(0, got_signal);
	ASSERT_EQ(0, pthread_sigmask(SIG_SETMASK, &old, NULL));
	EXPECT_EQ(1, got_signal);
}

TEST_F(sig, immediate_exit)
{
	struct kvm_run *run = self->vcpu->run;
	struct kvm_regs before, after;

	ASSERT_EQ(0, kvmt_setup(self->vcpu, KVMT_MODE_LONG64,
				KVMT_CODE(spin_guest)));
	*(uint32_t *)kvmt_gpa(self->vm, 0x9000) = 3;
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &before));
	run->immediate_exit = 1;
	/* (api.rst promises -EINTR; exit_reason is not asserted: 6.1 leaves
	 * it alone, later kernels set KVM_EXIT_INTR.)
	 */
	EXPECT_EQ(-EINTR, kvmt_run(self->vcpu));
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &after));
	EXPECT_EQ(before.rip, after.rip);	/* never entered */
	run->immediate_exit = 0;
	KVMT_RUN_EXPECT_IO(self->vcpu, 0x10, KVM_EXIT_IO_OUT, 4);
	/* With an OUT pending, immediate_exit completes it first. */
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &before));
	run->immediate_exit = 1;
	EXPECT_EQ(-EINTR, kvmt_run(self->vcpu));
	ASSERT_EQ(0, kvmt_get_regs(self->vcpu, &after));
	run->immediate_exit = 0;
	EXPECT_EQ(before.rip + 2, after.rip);	/* past the 2-byte OUT */
	KVMT_RUN_EXPECT(self->vcpu, KVM_EXIT_HLT);
}

TEST_HARNESS_MAIN

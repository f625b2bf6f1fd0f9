// SPDX-License-Identifier: GPL-2.0
/*
 * One kernel thread per device.  Work is a bitmask (RX, TX): wait-queue
 * callbacks on the kick eventfds and the tap socket set a bit and wake the
 * thread, which runs the matching handlers with the owner's mm attached so
 * that guest memory is reached with copy_{from,to}_user on the owner's
 * address space and nothing else.
 *
 * Flushing: a flusher bumps flush_req and waits until the worker has
 * finished a pass that began after it read that value.  The worker reads
 * flush_req before it takes the pending bits, so any work queued before
 * the flush is part of that pass.
 */
#include <linux/kthread.h>
#include <linux/sched/mm.h>

#include "vhost.h"

/**
 * kvmx_work_queue() - ask the worker to run a handler
 * @n: device
 * @work: KVMX_WORK_RX or KVMX_WORK_TX
 *
 * Safe from any context, including wait-queue callbacks and zero-copy
 * completions.
 */
void kvmx_work_queue(struct kvmx_vhost_net *n, int work)
{
	struct task_struct *t = READ_ONCE(n->worker);

	if (!test_and_set_bit(work, &n->pending) && t)
		wake_up_process(t);
}

static int kvmx_worker_fn(void *data)
{
	struct kvmx_vhost_net *n = data;
	unsigned long pending;
	int seq;

	kthread_use_mm(n->mm);
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop()) {
			__set_current_state(TASK_RUNNING);
			break;
		}
		seq = atomic_read(&n->flush_req);
		smp_mb();	/* read flush_req before the pending bits */
		pending = xchg(&n->pending, 0);
		if (!pending && seq == READ_ONCE(n->flush_done)) {
			schedule();
			continue;
		}
		__set_current_state(TASK_RUNNING);
		if (pending & BIT(KVMX_WORK_TX))
			kvmx_tx_run(n);
		if (pending & BIT(KVMX_WORK_RX))
			kvmx_rx_run(n);
		if (seq != READ_ONCE(n->flush_done)) {
			/* The pass is done before flushers see it. */
			smp_store_release(&n->flush_done, seq);
			wake_up_all(&n->flush_wq);
		}
		cond_resched();
	}
	kthread_unuse_mm(n->mm);
	return 0;
}

static bool kvmx_flush_passed(struct kvmx_vhost_net *n, int seq)
{
	/* Pairs with the release in the worker loop. */
	int done = smp_load_acquire(&n->flush_done);

	return done - seq >= 0;
}

/**
 * kvmx_worker_flush() - wait until all work queued so far has run
 * @n: device (must have a worker; must not hold any vq mutex)
 */
void kvmx_worker_flush(struct kvmx_vhost_net *n)
{
	int seq;

	if (!n->worker)
		return;
	seq = atomic_inc_return(&n->flush_req);
	wake_up_process(n->worker);
	wait_event(n->flush_wq, kvmx_flush_passed(n, seq));
}

/**
 * kvmx_worker_start() - create the worker for the current owner
 * @n: device with n->mm set
 *
 * Return: 0 or a negative errno.
 */
int kvmx_worker_start(struct kvmx_vhost_net *n)
{
	struct task_struct *t;

	t = kthread_create(kvmx_worker_fn, n, "kvmx-vhost-%d", current->pid);
	if (IS_ERR(t))
		return PTR_ERR(t);
	WRITE_ONCE(n->worker, t);
	wake_up_process(t);
	return 0;
}

/**
 * kvmx_worker_stop() - stop the worker; queued work is dropped
 * @n: device
 */
void kvmx_worker_stop(struct kvmx_vhost_net *n)
{
	struct task_struct *t = n->worker;

	if (!t)
		return;
	kvmx_worker_flush(n);
	WRITE_ONCE(n->worker, NULL);
	kthread_stop(t);
	n->pending = 0;
}

static void kvmx_poll_qproc(struct file *file, wait_queue_head_t *wqh,
			    poll_table *pt)
{
	struct kvmx_poll *p = container_of(pt, struct kvmx_poll, table);

	if (p->wqh)
		return;
	p->wqh = wqh;
	add_wait_queue(wqh, &p->wait);
}

static int kvmx_poll_wake(wait_queue_entry_t *wait, unsigned int mode,
			  int sync, void *key)
{
	struct kvmx_poll *p = container_of(wait, struct kvmx_poll, wait);

	if (key && !(key_to_poll(key) & p->mask))
		return 0;
	kvmx_work_queue(p->net, p->work);
	return 0;
}

/**
 * kvmx_poll_init() - prepare a readiness hook
 * @p: the hook
 * @n: device whose worker it wakes
 * @work: work bit to queue
 * @mask: events that count (EPOLLIN, EPOLLOUT)
 */
void kvmx_poll_init(struct kvmx_poll *p, struct kvmx_vhost_net *n,
		    int work, __poll_t mask)
{
	init_waitqueue_func_entry(&p->wait, kvmx_poll_wake);
	init_poll_funcptr(&p->table, kvmx_poll_qproc);
	p->wqh = NULL;
	p->mask = mask;
	p->net = n;
	p->work = work;
}

/**
 * kvmx_poll_start() - hook @file's wait queue; queue work if already ready
 * @p: the hook (caller serializes start/stop)
 * @file: eventfd or tap file
 */
void kvmx_poll_start(struct kvmx_poll *p, struct file *file)
{
	__poll_t mask;

	if (p->wqh)
		return;
	mask = vfs_poll(file, &p->table);
	if (mask & (p->mask | EPOLLERR))
		kvmx_work_queue(p->net, p->work);
}

/**
 * kvmx_poll_stop() - unhook
 * @p: the hook
 */
void kvmx_poll_stop(struct kvmx_poll *p)
{
	if (p->wqh) {
		remove_wait_queue(p->wqh, &p->wait);
		p->wqh = NULL;
	}
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx queue interrupts (rte_eth_dev_rx_intr_enable/disable, epoll on the
 * queue's event fd). uio_hv_generic has one interrupt count for all channels
 * of a device: EAL's interrupt thread reads it and this file wakes the armed
 * queues whose channel holds data, each through its own eventfd. With a VF
 * carrying the data path (accelerated networking) a control thread waits on
 * the VF's queue interrupts and wakes our queues the same way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>
#include <rte_epoll.h>
#include <rte_interrupts.h>

#include "netvsc.h"
#include "netvsc_vf.h"

#define NETVSC_INTR_VF_RETRY_US	100000u	/* after a failed wait: not a spin */
#define NETVSC_INTR_VF_WAIT_MS	1000	/* the stop flag's bound if the stop write failed */
#define NETVSC_INTR_VF_STOP	((void *)UINTPTR_MAX)	/* the stop eventfd's epoll data */

/*
 * Per process, not in dev_private: eventfds and the interrupt handle only
 * mean something in the process that made them.
 */
struct netvsc_intr {
	struct rte_eth_dev *eth;
	struct rte_intr_handle *handle;		/* eth->intr_handle while started */
	uint16_t nb_rxq;
	bool callback_registered;
	int efd[NETVSC_MAX_QUEUES];
	bool armed[NETVSC_MAX_QUEUES];		/* the queue's lcore sleeps on efd */
	/* The VF's queue interrupts, while a VF is started with ours (netvsc_intr_vf_*). */
	uint16_t vf_port;			/* RTE_MAX_ETHPORTS: none */
	int vf_epfd;
	int vf_stop_fd;				/* written to end the thread's wait */
	bool vf_stop;
	struct rte_epoll_event vf_stop_ev;
	pthread_t vf_thread;
	bool vf_pending[NETVSC_MAX_QUEUES];	/* a VF interrupt came while not armed */
};

static struct netvsc_intr *netvsc_intr_of[RTE_MAX_ETHPORTS];
/* Threads inside netvsc_intr_rx_freed with a port's state: its stop waits for them. */
static struct {
	uint32_t n;
} __rte_cache_aligned netvsc_intr_freers[RTE_MAX_ETHPORTS];
/* The VF's control threads attach while our port starts or stops: one at a time. */
static pthread_mutex_t netvsc_intr_vf_mutex = PTHREAD_MUTEX_INITIALIZER;

static bool
intr_queue_has_work(const struct netvsc_rxq *rxq)
{
	return __atomic_load_n(&rxq->nb_pending, __ATOMIC_RELAXED) > 0 ||
	       __atomic_load_n(&rxq->nb_comp, __ATOMIC_RELAXED) > 0 ||
	       !rte_vmbus_chan_rx_empty(rxq->chan);
}

/* One wake per arming: whoever clears armed writes the eventfd. */
static void
intr_wake(struct netvsc_intr *in, uint16_t q)
{
	uint64_t one = 1;

	if (!__atomic_exchange_n(&in->armed[q], false, __ATOMIC_SEQ_CST))
		return;
	if (write(in->efd[q], &one, sizeof(one)) != (ssize_t)sizeof(one))
		NETVSC_DRV_LOG(NOTICE, (struct netvsc_dev *)in->eth->data->dev_private,
			       "rx queue %u: eventfd write failed: %s", q, strerror(errno));
}

/*
 * EAL's interrupt thread, after it read the uio count. The count does not
 * say which channel interrupted: look at each armed queue's ring. One with
 * nothing for it is unmasked again: kernels before 2025 mask a channel at
 * each of its interrupts, and what interrupted may have been read by a
 * control wait on the primary (on this very thread, in an alarm, before
 * this callback ran); left masked, the sleeping queue would hear nothing
 * more from the host. Data that came meanwhile wakes it.
 */
static void
intr_uio_callback(void *arg)
{
	struct netvsc_intr *in = arg;

	for (uint16_t q = 0; q < in->nb_rxq; q++) {
		struct netvsc_rxq *rxq = in->eth->data->rx_queues[q];

		if (rxq == NULL || !__atomic_load_n(&in->armed[q], __ATOMIC_ACQUIRE))
			continue;
		if (intr_queue_has_work(rxq) || rte_vmbus_chan_rx_intr_enable(rxq->chan))
			intr_wake(in, q);
	}
}

/*
 * After a thread other than queue q's lcore read q's channel (a control
 * wait, a tx reap), its lock held: the frames it read wait in q's pending
 * list, and while its read was unpublished the host signalled nothing new
 * (it signals only a ring it saw empty). A sleeping q hears of neither, so
 * look now. The fence orders our publish and pending list before the load
 * of armed, against the lcore's arm and the host's index store.
 */
void
netvsc_intr_after_read(struct netvsc_rxq *rxq)
{
	struct netvsc_intr *in = __atomic_load_n(&netvsc_intr_of[rxq->port_id],
						 __ATOMIC_ACQUIRE);
	uint16_t q = rxq->queue_id;

	if (likely(in == NULL) || q >= in->nb_rxq)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&in->armed[q], __ATOMIC_RELAXED) && intr_queue_has_work(rxq))
		intr_wake(in, q);
}

/*
 * Zero-copy mbufs of queue q freed, on any thread: only q's own burst gives
 * their transfers back to the host, and asleep it would wait for frames the
 * host may have no slot left for. Wake it. Called after a seq_cst add to the
 * queue's freed count, which the enable reads after arming, seq_cst too
 * (netvsc_rx_queue_intr_enable): one of the two sees the other. A polling
 * port pays one load.
 */
void
netvsc_intr_rx_freed(uint16_t port_id, uint16_t queue_id)
{
	struct netvsc_intr *in;

	if (likely(__atomic_load_n(&netvsc_intr_of[port_id], __ATOMIC_SEQ_CST) == NULL))
		return;
	__atomic_fetch_add(&netvsc_intr_freers[port_id].n, 1, __ATOMIC_SEQ_CST);
	in = __atomic_load_n(&netvsc_intr_of[port_id], __ATOMIC_SEQ_CST);
	if (in != NULL && queue_id < in->nb_rxq)
		intr_wake(in, queue_id);
	__atomic_fetch_sub(&netvsc_intr_freers[port_id].n, 1, __ATOMIC_RELEASE);
}

/*
 * A VF interrupt for queue q wakes it if it sleeps; else the queue's next
 * enable does (netvsc_rx_queue_intr_enable), as the VF's own epoll event
 * would: some VFs (mlx5) acknowledge an event only in their disable, and
 * re-armed without that they may not raise it again.
 */
static void
intr_vf_event(struct netvsc_intr *in, uint16_t q)
{
	__atomic_store_n(&in->vf_pending[q], true, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&in->armed[q], __ATOMIC_SEQ_CST) &&
	    __atomic_exchange_n(&in->vf_pending[q], false, __ATOMIC_SEQ_CST))
		intr_wake(in, q);
}

/* The VF's interrupts, read as EAL's rx interrupt path reads them (rte_epoll_wait). */
static void *
intr_vf_thread(void *arg)
{
	struct netvsc_intr *in = arg;
	struct rte_epoll_event ev[NETVSC_MAX_QUEUES + 1];

	while (!__atomic_load_n(&in->vf_stop, __ATOMIC_ACQUIRE)) {
		int n = rte_epoll_wait(in->vf_epfd, ev, RTE_DIM(ev), NETVSC_INTR_VF_WAIT_MS);

		if (n < 0)
			rte_delay_us_sleep(NETVSC_INTR_VF_RETRY_US);
		for (int i = 0; i < n; i++) {
			uintptr_t q = (uintptr_t)ev[i].epdata.data;

			if (ev[i].epdata.data == NETVSC_INTR_VF_STOP)
				return NULL;
			if (q < in->nb_rxq)
				intr_vf_event(in, (uint16_t)q);
		}
	}
	return NULL;
}

/* The VF's first nb queues (the ones added) and the stop eventfd out of the set, closed. */
static void
intr_vf_unwatch(struct netvsc_intr *in, uint16_t nb)
{
	for (uint16_t q = 0; q < nb; q++)
		rte_eth_dev_rx_intr_ctl_q(in->vf_port, q, in->vf_epfd, RTE_INTR_EVENT_DEL, NULL);
	if (in->vf_stop_fd >= 0) {
		rte_epoll_ctl(in->vf_epfd, EPOLL_CTL_DEL, in->vf_stop_fd, &in->vf_stop_ev);
		close(in->vf_stop_fd);
	}
	close(in->vf_epfd);
	in->vf_stop_fd = -1;
	in->vf_epfd = -1;
	in->vf_port = RTE_MAX_ETHPORTS;
}

/* The thread's way out: an eventfd in its set, so it waits without a timeout. */
static int
intr_vf_stop_watch(struct netvsc_intr *in)
{
	in->vf_stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (in->vf_stop_fd < 0)
		return -errno;
	in->vf_stop_ev = (struct rte_epoll_event){ .epdata = { .event = EPOLLIN,
							       .data = NETVSC_INTR_VF_STOP } };
	if (rte_epoll_ctl(in->vf_epfd, EPOLL_CTL_ADD, in->vf_stop_fd, &in->vf_stop_ev) != 0) {
		close(in->vf_stop_fd);
		in->vf_stop_fd = -1;
		return -EIO;
	}
	return 0;
}

/*
 * The started VF's rx queues wake ours: their interrupts join an epoll set
 * a control thread waits on. Without them (a VF without rx interrupts) the
 * queues poll (netvsc_vf_rx_intr), as the log says.
 */
static int
intr_vf_attach(struct netvsc_dev *dev, struct netvsc_intr *in, uint16_t vf_port)
{
	uint16_t added = 0;
	int ret;

	in->vf_epfd = epoll_create1(EPOLL_CLOEXEC);
	if (in->vf_epfd < 0) {
		ret = -errno;
		NETVSC_DRV_LOG(ERR, dev, "VF rx interrupts: epoll: %s", strerror(-ret));
		return ret;
	}
	in->vf_port = vf_port;
	ret = intr_vf_stop_watch(in);
	/* (A queue event already in another epoll set, -EEXIST, counts as added: ethdev's 0.) */
	while (added < in->nb_rxq && ret == 0) {
		ret = rte_eth_dev_rx_intr_ctl_q(vf_port, added, in->vf_epfd, RTE_INTR_EVENT_ADD,
						(void *)(uintptr_t)added);
		added += ret == 0;
	}
	for (uint16_t q = 0; q < in->nb_rxq; q++)
		__atomic_store_n(&in->vf_pending[q], false, __ATOMIC_RELAXED);
	__atomic_store_n(&in->vf_stop, false, __ATOMIC_RELEASE);
	if (ret == 0)
		ret = rte_ctrl_thread_create(&in->vf_thread, "netvsc-vf-intr", NULL,
					     intr_vf_thread, in);
	if (ret != 0) {
		NETVSC_DRV_LOG(NOTICE, dev, "VF port %u gives no rx interrupts (%d): queues poll "
			       "while it carries the traffic", vf_port, ret);
		intr_vf_unwatch(in, added);
		return ret < 0 ? ret : -ret;
	}
	NETVSC_DRV_LOG(INFO, dev, "rx interrupts of VF port %u wake our %u queues", vf_port,
		       in->nb_rxq);
	return 0;
}

void
netvsc_intr_vf_started(struct netvsc_dev *dev, uint16_t vf_port, bool *intr)
{
	struct netvsc_intr *in;
	bool new_vf = !__atomic_load_n(intr, __ATOMIC_ACQUIRE);

	pthread_mutex_lock(&netvsc_intr_vf_mutex);
	in = netvsc_intr_of[dev->eth->data->port_id];
	if (in != NULL && !new_vf && in->vf_port == RTE_MAX_ETHPORTS) {	/* else attached */
		/* Said before any queue wakes: one that enables then polls. */
		if (intr_vf_attach(dev, in, vf_port) < 0)
			__atomic_store_n(intr, false, __ATOMIC_RELEASE);
		new_vf = true;
	}
	/* Asleep since before this VF: its interrupt not enabled, or none to wait for. */
	for (uint16_t q = 0; in != NULL && new_vf && q < in->nb_rxq; q++)
		intr_wake(in, q);
	pthread_mutex_unlock(&netvsc_intr_vf_mutex);
}

/* The VF's interrupts no longer watched, the thread gone. Mutex held. */
static void
intr_vf_detach(struct netvsc_intr *in)
{
	uint64_t one = 1;

	if (in == NULL || in->vf_port == RTE_MAX_ETHPORTS)
		return;
	__atomic_store_n(&in->vf_stop, true, __ATOMIC_RELEASE);
	if (write(in->vf_stop_fd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		NETVSC_DRV_LOG(NOTICE, (struct netvsc_dev *)in->eth->data->dev_private,
			       "VF interrupt thread not woken (%s): it ends within %d ms",
			       strerror(errno), NETVSC_INTR_VF_WAIT_MS);
	pthread_join(in->vf_thread, NULL);
	intr_vf_unwatch(in, in->nb_rxq);
}

/* Before the VF stops. */
void
netvsc_intr_vf_detach(struct netvsc_dev *dev)
{
	pthread_mutex_lock(&netvsc_intr_vf_mutex);
	intr_vf_detach(netvsc_intr_of[dev->eth->data->port_id]);
	pthread_mutex_unlock(&netvsc_intr_vf_mutex);
}

static void
intr_free(struct netvsc_intr *in)
{
	if (in->handle != NULL) {
		rte_intr_vec_list_free(in->handle);
		rte_intr_instance_free(in->handle);
	}
	for (uint16_t q = 0; q < in->nb_rxq; q++)
		if (in->efd[q] >= 0)
			close(in->efd[q]);
	free(in);
}

/* The handle ethdev's rte_eth_dev_rx_intr_ctl_q reads: queue q is efd q. */
static int
intr_handle_setup(struct netvsc_intr *in)
{
	struct rte_intr_handle *h = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);

	if (h == NULL)
		return -ENOMEM;
	in->handle = h;
	if (rte_intr_type_set(h, RTE_INTR_HANDLE_VDEV) != 0 ||
	    rte_intr_efd_counter_size_set(h, sizeof(uint64_t)) != 0 ||
	    rte_intr_nb_efd_set(h, in->nb_rxq) != 0 ||
	    rte_intr_max_intr_set(h, in->nb_rxq + 1) != 0 ||
	    rte_intr_vec_list_alloc(h, "netvsc_intr_vec", in->nb_rxq) != 0)
		return -ENOMEM;
	for (uint16_t q = 0; q < in->nb_rxq; q++) {
		in->efd[q] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (in->efd[q] < 0)
			return -errno;
		if (rte_intr_efds_index_set(h, q, in->efd[q]) != 0 ||
		    rte_intr_vec_list_index_set(h, q, RTE_INTR_VEC_RXTX_OFFSET + q) != 0)
			return -EINVAL;
	}
	return 0;
}

int
netvsc_intr_start(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	uint16_t port = eth->data->port_id;
	struct netvsc_intr *in;
	int ret;

	netvsc_intr_stop(eth);
	if (!eth->data->dev_conf.intr_conf.rxq)
		return 0;
	if (dev->vmbus->intr_handle == NULL)
		return -ENOTSUP;
	in = calloc(1, sizeof(*in));
	if (in == NULL)
		return -ENOMEM;
	in->eth = eth;
	in->nb_rxq = eth->data->nb_rx_queues;
	in->vf_port = RTE_MAX_ETHPORTS;
	in->vf_epfd = -1;
	in->vf_stop_fd = -1;
	for (uint16_t q = 0; q < RTE_DIM(in->efd); q++)
		in->efd[q] = -1;
	ret = intr_handle_setup(in);
	if (ret < 0)
		goto err_free;
	/* Asleep only when armed: until then the host need not signal. */
	for (uint16_t q = 0; q < in->nb_rxq; q++) {
		struct netvsc_rxq *rxq = eth->data->rx_queues[q];

		rte_vmbus_chan_rx_intr_disable(rxq->chan);
	}
	ret = rte_intr_callback_register(dev->vmbus->intr_handle, intr_uio_callback, in);
	if (ret < 0) {
		NETVSC_DRV_LOG(ERR, dev, "uio interrupt callback refused: %d", ret);
		goto err_free;
	}
	in->callback_registered = true;
	pthread_mutex_lock(&netvsc_intr_vf_mutex);
	__atomic_store_n(&netvsc_intr_of[port], in, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&netvsc_intr_vf_mutex);
	eth->intr_handle = in->handle;
	NETVSC_DRV_LOG(INFO, dev, "rx interrupts on %u queues", in->nb_rxq);
	return 0;

err_free:
	NETVSC_DRV_LOG(ERR, dev, "rx interrupt setup failed: %d", ret);
	intr_free(in);
	return ret;
}

/* Until no free callback uses port's state, 1 s at most (false then). */
static bool
intr_freers_wait(uint16_t port)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();

	while (__atomic_load_n(&netvsc_intr_freers[port].n, __ATOMIC_SEQ_CST) != 0) {
		if (rte_get_timer_cycles() > deadline)
			return false;
		rte_pause();
	}
	return true;
}

void
netvsc_intr_stop(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	struct netvsc_intr *in = netvsc_intr_of[eth->data->port_id];
	bool freers_out;

	if (in == NULL)
		return;
	/* A VF still started (the hook stops it first) lets go, and none attaches from now on. */
	pthread_mutex_lock(&netvsc_intr_vf_mutex);
	intr_vf_detach(in);
	__atomic_store_n(&netvsc_intr_of[eth->data->port_id], NULL, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&netvsc_intr_vf_mutex);
	/* A free callback that saw the state is out of it (one eventfd write). */
	freers_out = intr_freers_wait(eth->data->port_id);
	/* A reader in netvsc_intr_after_read holds its channel's lock: out of it now. */
	if (!netvsc_chan_locks_wait(dev, in->nb_rxq))
		NETVSC_DRV_LOG(ERR, dev, "a channel's lock stays held (a process killed in a "
			       "burst?): rx interrupts stopped without it");
	/* The interrupt thread is out of our callback before its state goes. */
	if (in->callback_registered && dev->vmbus->intr_handle != NULL)
		rte_intr_callback_unregister_sync(dev->vmbus->intr_handle, intr_uio_callback, in);
	if (eth->intr_handle == in->handle)
		eth->intr_handle = NULL;
	if (freers_out)
		intr_free(in);
	else
		NETVSC_DRV_LOG(ERR, dev, "a zero-copy mbuf free stays inside the rx interrupt "
			       "state after 1 s: it is left allocated");
}

/*
 * Arm, then unmask the channel (the 6.1 kernel masked it at its last
 * interrupt), then look: a frame that came while masked raised nothing, so
 * wake the queue ourselves rather than let it sleep on it.
 */
int
netvsc_rx_queue_intr_enable(struct rte_eth_dev *eth, uint16_t queue_id)
{
	struct netvsc_intr *in = netvsc_intr_of[eth->data->port_id];
	struct netvsc_rxq *rxq = eth->data->rx_queues[queue_id];
	bool waiting;

	if (in == NULL || queue_id >= in->nb_rxq || rxq == NULL)
		return -ENOTSUP;
	__atomic_store_n(&in->armed[queue_id], true, __ATOMIC_SEQ_CST);
	waiting = rte_vmbus_chan_rx_intr_enable(rxq->chan);
	waiting |= netvsc_vf_rx_intr(rxq, true);
	waiting |= __atomic_exchange_n(&in->vf_pending[queue_id], false, __ATOMIC_SEQ_CST);
	/* Zero-copy transfers freed (netvsc_intr_rx_freed woke no one if before the arm). */
	if (waiting || __atomic_load_n(&rxq->nb_pending, __ATOMIC_RELAXED) > 0 ||
	    __atomic_load_n(&rxq->nb_comp, __ATOMIC_RELAXED) > 0 ||
	    __atomic_load_n(&rxq->holds_freed, __ATOMIC_SEQ_CST) != rxq->holds_completed)
		intr_wake(in, queue_id);
	return 0;
}

int
netvsc_rx_queue_intr_disable(struct rte_eth_dev *eth, uint16_t queue_id)
{
	struct netvsc_intr *in = netvsc_intr_of[eth->data->port_id];
	struct netvsc_rxq *rxq = eth->data->rx_queues[queue_id];

	if (in == NULL || queue_id >= in->nb_rxq || rxq == NULL)
		return -ENOTSUP;
	__atomic_store_n(&in->armed[queue_id], false, __ATOMIC_RELEASE);
	rte_vmbus_chan_rx_intr_disable(rxq->chan);
	netvsc_vf_rx_intr(rxq, false);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx queue interrupts (rte_eth_dev_rx_intr_enable/disable, epoll on the
 * queue's event fd). uio_hv_generic has one interrupt count for all channels
 * of a device: EAL's interrupt thread reads it and this file wakes the armed
 * queues whose channel holds data, each through its own eventfd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_interrupts.h>

#include "netvsc.h"

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
};

static struct netvsc_intr *netvsc_intr_of[RTE_MAX_ETHPORTS];

static bool
intr_queue_has_work(struct rte_eth_dev *eth, uint16_t q)
{
	struct netvsc_rxq *rxq = eth->data->rx_queues[q];

	return rxq != NULL && (__atomic_load_n(&rxq->nb_pending, __ATOMIC_RELAXED) > 0 ||
			       __atomic_load_n(&rxq->nb_comp, __ATOMIC_RELAXED) > 0 ||
			       !rte_vmbus_chan_rx_empty(rxq->chan));
}

/* One wake per arming: whoever clears armed writes the eventfd. */
static void
intr_wake(struct netvsc_intr *in, uint16_t q)
{
	uint64_t one = 1;

	if (!__atomic_exchange_n(&in->armed[q], false, __ATOMIC_ACQ_REL))
		return;
	if (write(in->efd[q], &one, sizeof(one)) != (ssize_t)sizeof(one))
		NETVSC_DRV_LOG(NOTICE, (struct netvsc_dev *)in->eth->data->dev_private,
			       "rx queue %u: eventfd write failed: %s", q, strerror(errno));
}

/*
 * EAL's interrupt thread, after it read the uio count. The count does not
 * say which channel interrupted: look at each armed queue's ring.
 */
static void
intr_uio_callback(void *arg)
{
	struct netvsc_intr *in = arg;

	for (uint16_t q = 0; q < in->nb_rxq; q++)
		if (__atomic_load_n(&in->armed[q], __ATOMIC_ACQUIRE) &&
		    intr_queue_has_work(in->eth, q))
			intr_wake(in, q);
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
	netvsc_intr_of[port] = in;
	eth->intr_handle = in->handle;
	NETVSC_DRV_LOG(INFO, dev, "rx interrupts on %u queues", in->nb_rxq);
	return 0;

err_free:
	NETVSC_DRV_LOG(ERR, dev, "rx interrupt setup failed: %d", ret);
	intr_free(in);
	return ret;
}

void
netvsc_intr_stop(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	struct netvsc_intr *in = netvsc_intr_of[eth->data->port_id];

	if (in == NULL)
		return;
	/* The interrupt thread is out of our callback before its state goes. */
	if (in->callback_registered && dev->vmbus->intr_handle != NULL)
		rte_intr_callback_unregister_sync(dev->vmbus->intr_handle, intr_uio_callback, in);
	netvsc_intr_of[eth->data->port_id] = NULL;
	if (eth->intr_handle == in->handle)
		eth->intr_handle = NULL;
	intr_free(in);
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
	if (waiting || __atomic_load_n(&rxq->nb_pending, __ATOMIC_RELAXED) > 0 ||
	    __atomic_load_n(&rxq->nb_comp, __ATOMIC_RELAXED) > 0)
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
	return 0;
}

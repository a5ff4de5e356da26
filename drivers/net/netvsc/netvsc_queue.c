/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Queue setup and release, never called from a burst: queue i uses channel i
 * (the primary for 0), its rx and tx queues paired on that channel, and tx
 * queue i owns an equal share of the send-buffer sections.
 */
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>
#include <rte_random.h>

#include "netvsc.h"
#include "nvsp_wire.h"
#include "vmbus_wire.h"

static struct vmbus_channel *
queue_channel(struct netvsc_dev *dev, uint16_t queue_id)
{
	return queue_id < dev->nb_channels ? dev->chan[queue_id] : NULL;
}

static void
queue_pair(struct rte_eth_dev *eth, uint16_t queue_id)
{
	struct netvsc_rxq *rxq = queue_id < eth->data->nb_rx_queues ?
				 eth->data->rx_queues[queue_id] : NULL;
	struct netvsc_txq *txq = queue_id < eth->data->nb_tx_queues ?
				 eth->data->tx_queues[queue_id] : NULL;

	if (rxq != NULL)
		rxq->txq = txq;
	if (txq != NULL)
		txq->rxq = rxq;
}

/* The first 8 bytes from rearm_data on of a new mbuf from the queue's pool. */
static void
rxq_set_mbuf_rearm(struct netvsc_rxq *rxq)
{
	struct rte_mbuf m = {
		.data_off = RTE_PKTMBUF_HEADROOM,
		.nb_segs = 1,
		.port = rxq->port_id,
	};

	rte_mbuf_refcnt_set(&m, 1);
	RTE_BUILD_BUG_ON(sizeof(rxq->mbuf_rearm) != offsetof(struct rte_mbuf, port) +
			 sizeof(m.port) - offsetof(struct rte_mbuf, rearm_data));
	memcpy(&rxq->mbuf_rearm, (const uint8_t *)&m + offsetof(struct rte_mbuf, rearm_data),
	       sizeof(rxq->mbuf_rearm));
}

/* With stripping off, the host's VLAN PPI goes back into the frame: a copied frame. */
void
netvsc_rxq_set_vlan_strip(struct netvsc_rxq *rxq, bool strip)
{
	rxq->vlan_strip = strip;
	if (strip)
		rxq->offloads |= RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	else
		rxq->offloads &= ~RTE_ETH_RX_OFFLOAD_VLAN_STRIP;
	rxq->copy_ppis = NETVSC_RX_PPI_PKT_ID | (strip ? 0 : NETVSC_RX_PPI_VLAN);
}

static void
rxq_free_buffers(struct netvsc_rxq *rxq)
{
	rte_free(rxq->pkt);
	rte_free(rxq->defer.buf);
	rte_free(rxq->comp_wait);
	rxq->pkt = NULL;
	rxq->defer.buf = NULL;
	rxq->comp_wait = NULL;
}

/*
 * Any descriptor count is taken, as DPDK's netvsc takes any (ethdev's limits
 * are left open: an application's --rxd=8192 works on both); the count a
 * queue really holds is said once, and queue info reports it.
 */
static void
queue_desc_said(const struct netvsc_dev *dev, const char *dir, uint16_t queue_id,
		uint16_t asked, uint32_t holds)
{
	if (asked != holds)
		NETVSC_DRV_LOG(INFO, dev, "%s queue %u: %u descriptors asked, %u used", dir,
			       queue_id, asked, holds);
}

/*
 * Queues start and stop with the port only (no queue start/stop ops): a
 * deferred start asked is refused rather than quietly not deferred.
 */
static bool
deferred_refused(const struct netvsc_dev *dev, const char *dir, uint16_t queue_id, bool asked)
{
	if (asked)
		NETVSC_DRV_LOG(ERR, dev, "%s queue %u: deferred start is not supported", dir,
			       queue_id);
	return asked;
}

int
netvsc_rx_queue_setup(struct rte_eth_dev *eth, uint16_t queue_id, uint16_t nb_desc,
		      unsigned int socket_id, const struct rte_eth_rxconf *conf,
		      struct rte_mempool *mp)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	struct netvsc_rxq *rxq;

	netvsc_rx_zc_reap(dev);		/* what a queue released before let go of */
	if (queue_channel(dev, queue_id) == NULL || deferred_refused(dev, "rx", queue_id,
								   conf != NULL && conf->rx_deferred_start))
		return -EINVAL;
	if (rte_pktmbuf_data_room_size(mp) <= RTE_PKTMBUF_HEADROOM) {
		NETVSC_DRV_LOG(ERR, dev, "rx queue %u: pool %s has no room past the headroom",
			       queue_id, mp->name);
		return -EINVAL;
	}
	netvsc_rx_queue_release(eth, queue_id);
	rxq = rte_zmalloc_socket("netvsc_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE,
				 (int)socket_id);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->pkt = rte_malloc_socket("netvsc_rx_pkt", NETVSC_RX_PKT_BYTES, RTE_CACHE_LINE_SIZE,
				     (int)socket_id);
	rxq->defer.buf = rte_malloc_socket("netvsc_rx_defer", NETVSC_RX_DEFER_BYTES,
					   RTE_CACHE_LINE_SIZE, (int)socket_id);
	rxq->comp_cap = rte_align32pow2(RTE_MAX(RTE_MIN(dev->rx_nb_slots, NETVSC_RX_COMP_WAIT_MAX),
						NETVSC_RX_COMP_WAIT_MIN));
	rxq->comp_wait = rte_malloc_socket("netvsc_rx_comp_wait",
					   rxq->comp_cap * sizeof(uint64_t),
					   RTE_CACHE_LINE_SIZE, (int)socket_id);
	if (rxq->pkt == NULL || rxq->defer.buf == NULL || rxq->comp_wait == NULL) {
		rxq_free_buffers(rxq);
		rte_free(rxq);
		return -ENOMEM;
	}
	rxq->dev = dev;
	rxq->chan = queue_channel(dev, queue_id);
	rxq->lock = &dev->chan_lock[queue_id].lock;
	rxq->mp = mp;
	rxq->seg_room = rte_pktmbuf_data_room_size(mp) - RTE_PKTMBUF_HEADROOM;
	rxq->queue_id = queue_id;
	rxq->port_id = eth->data->port_id;
	/* Frames wait for a burst in pending[]: more descriptors could never fill. */
	rxq->nb_desc = (uint16_t)RTE_MIN(nb_desc, NETVSC_RX_DESC_MAX);
	queue_desc_said(dev, "rx", queue_id, nb_desc, rxq->nb_desc);
	rxq->offloads = eth->data->dev_conf.rxmode.offloads | (conf ? conf->offloads : 0);
	rxq_set_mbuf_rearm(rxq);
	netvsc_rxq_set_vlan_strip(rxq, (rxq->offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) != 0);
	rxq->ptypes = !dev->ptypes_off;
	if (netvsc_rx_zc_setup(rxq) < 0) {
		rxq_free_buffers(rxq);
		rte_free(rxq);
		return -ENOMEM;
	}
	eth->data->rx_queues[queue_id] = rxq;
	queue_pair(eth, queue_id);
	return 0;
}

/*
 * Frames received but not taken: freed at stop, so a stopped port holds no
 * mbufs; and what the host sent before its filter went to 0 is read now,
 * dropped and completed, so no transfer of this session is left in a ring
 * for a later one (an MTU change starts a new session, its ids the host's
 * anew). A bounded read: a host that keeps sending is not waited out.
 */
void
netvsc_rxq_drain(struct netvsc_rxq *rxq)
{
	struct netvsc_dev *dev = rxq->dev;
	bool gone = __atomic_load_n(&dev->rescinded, __ATOMIC_ACQUIRE);

	rte_spinlock_lock(rxq->lock);
	while (rxq->nb_pending > 0) {
		rte_pktmbuf_free(rxq->pending[rxq->pending_head]);
		rxq->pending_head = (uint16_t)((rxq->pending_head + 1) % NETVSC_RX_PENDING_MAX);
		rxq->nb_pending--;
	}
	netvsc_rx_undefer(rxq);		/* stopped: their slots go back to the host */
	for (int i = 0; i < 64 && !dev->started && !gone; i++)
		if (netvsc_chan_poll(dev, rxq, rxq->txq, true, NETVSC_POLL_PKTS) == 0)
			break;
	rte_pktmbuf_free(rxq->rsc_head);
	rxq->rsc_head = NULL;
	rxq->rsc_skip = false;
	rte_mempool_put_bulk(rxq->mp, (void **)rxq->spare, rxq->nb_spare);
	rxq->nb_spare = 0;
	netvsc_rx_zc_complete_freed(rxq);
	netvsc_rxq_complete_drain(rxq);
	rte_spinlock_unlock(rxq->lock);
}

void
netvsc_rx_queue_release(struct rte_eth_dev *eth, uint16_t queue_id)
{
	struct netvsc_rxq *rxq = eth->data->rx_queues[queue_id];
	bool held;

	if (rxq == NULL)
		return;
	netvsc_rxq_drain(rxq);
	rte_spinlock_lock(rxq->lock);
	held = netvsc_rx_zc_release(rxq);
	netvsc_rxq_complete_drain(rxq);		/* what the release completed */
	if (rxq->txq != NULL)
		rxq->txq->rxq = NULL;
	eth->data->rx_queues[queue_id] = NULL;	/* under the lock: control reads (ctl_poll) */
	rte_spinlock_unlock(rxq->lock);
	rxq_free_buffers(rxq);
	if (!held) {
		rte_free(rxq);
		return;
	}
	rxq->zc_next = rxq->dev->zc_released;	/* the mbufs' free callback counts into it */
	rxq->dev->zc_released = rxq;
}

static int
txq_sections(struct netvsc_dev *dev, struct netvsc_txq *txq, uint16_t nb_queues)
{
	uint32_t share = dev->nb_sections / RTE_MAX(nb_queues, 1);

	txq->section_first = txq->queue_id * share;
	txq->nb_sections = share;
	txq->free_sections = rte_malloc("netvsc_sections", sizeof(uint32_t) * (share + 1), 0);
	if (txq->free_sections == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < share; i++)
		txq->free_sections[i] = txq->section_first + i;
	txq->free_head = 0;
	txq->nb_free_sections = share;
	return 0;
}

int
netvsc_tx_queue_setup(struct rte_eth_dev *eth, uint16_t queue_id, uint16_t nb_desc,
		      unsigned int socket_id, const struct rte_eth_txconf *conf)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	char name[RTE_MEMZONE_NAMESIZE];
	struct netvsc_txq *txq;

	if (queue_channel(dev, queue_id) == NULL || deferred_refused(dev, "tx", queue_id,
								   conf != NULL && conf->tx_deferred_start))
		return -EINVAL;
	netvsc_tx_queue_release(eth, queue_id);
	txq = rte_zmalloc_socket("netvsc_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE,
				 (int)socket_id);
	if (txq == NULL)
		return -ENOMEM;
	txq->dev = dev;
	txq->chan = queue_channel(dev, queue_id);
	txq->lock = &dev->chan_lock[queue_id].lock;
	txq->pkt = rte_malloc_socket("netvsc_tx_pkt", NETVSC_RX_PKT_BYTES, RTE_CACHE_LINE_SIZE,
				     (int)socket_id);
	txq->queue_id = queue_id;
	txq->port_id = eth->data->port_id;
	txq->offloads = eth->data->dev_conf.txmode.offloads | (conf ? conf->offloads : 0);
	netvsc_tx_header_init(txq);
	txq->nb_desc = RTE_MIN(RTE_MAX((uint32_t)nb_desc, NETVSC_TX_DESC_MIN), NETVSC_TX_DESC_MAX);
	queue_desc_said(dev, "tx", queue_id, nb_desc, txq->nb_desc);
	txq->next_seq = (uint32_t)rte_rand();	/* an earlier queue's late completions miss */
	txq->desc = rte_zmalloc_socket("netvsc_tx_desc", sizeof(*txq->desc) * txq->nb_desc,
				       RTE_CACHE_LINE_SIZE, (int)socket_id);
	snprintf(name, sizeof(name), "netvsc_txh_%u_%u", eth->data->port_id, queue_id);
	txq->hdr_mz = rte_memzone_reserve_aligned(name, (size_t)txq->nb_desc * NETVSC_TX_HDR_BYTES,
						  (int)socket_id, RTE_MEMZONE_IOVA_CONTIG,
						  VMBUS_PAGE_BYTES);
	snprintf(name, sizeof(name), "netvsc_txb_%u_%u", eth->data->port_id, queue_id);
	txq->bounce_mz = rte_memzone_reserve_aligned(name, (size_t)NETVSC_TX_BOUNCE_SLOTS *
						     NETVSC_TX_BOUNCE_BYTES, (int)socket_id,
						     RTE_MEMZONE_IOVA_CONTIG, VMBUS_PAGE_BYTES);
	txq->bounce_free = (1u << NETVSC_TX_BOUNCE_SLOTS) - 1;
	if (txq->desc == NULL || txq->hdr_mz == NULL || txq->bounce_mz == NULL ||
	    txq->pkt == NULL || txq_sections(dev, txq, eth->data->nb_tx_queues) < 0) {
		eth->data->tx_queues[queue_id] = txq;
		netvsc_tx_queue_release(eth, queue_id);
		return -ENOMEM;
	}
	eth->data->tx_queues[queue_id] = txq;
	queue_pair(eth, queue_id);
	return 0;
}

/*
 * The host reads a send until it completes it: a GPA send's mbuf, a bounce
 * slot, a header. Before they are freed, its completions are read, 100 ms
 * at most (stop does not wait for them; a rescinded host sends none).
 */
static void
txq_wait_completions(struct netvsc_txq *txq)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() / 10;
	uint32_t left;

	if (__atomic_load_n(&txq->dev->rescinded, __ATOMIC_ACQUIRE))
		return;
	for (;;) {	/* the lock a poll at a time: control reads of the channel go on */
		rte_spinlock_lock(txq->lock);
		if (txq->nb_in_flight > 0)
			netvsc_chan_poll(txq->dev, txq->rxq, txq, true, NETVSC_POLL_PKTS);
		left = txq->nb_in_flight;
		netvsc_chan_unlock(txq->lock);
		if (left == 0 || rte_get_timer_cycles() >= end)
			break;
		rte_delay_us_sleep(20);
	}
	if (left > 0)
		NETVSC_DRV_LOG(NOTICE, txq->dev, "tx queue %u: %u sends the host did not complete "
			       "in 100 ms, freed", txq->queue_id, left);
}

void
netvsc_tx_queue_release(struct rte_eth_dev *eth, uint16_t queue_id)
{
	struct netvsc_txq *txq = eth->data->tx_queues[queue_id];

	if (txq == NULL)
		return;
	txq_wait_completions(txq);
	rte_spinlock_lock(txq->lock);
	if (txq->rxq != NULL)
		txq->rxq->txq = NULL;
	eth->data->tx_queues[queue_id] = NULL;	/* under the lock: control reads (ctl_poll) */
	rte_spinlock_unlock(txq->lock);
	for (uint32_t i = 0; txq->desc != NULL && i < txq->nb_desc; i++)
		rte_pktmbuf_free(txq->desc[i].mbuf);	/* sends the host never completed */
	rte_memzone_free(txq->hdr_mz);
	rte_memzone_free(txq->bounce_mz);
	rte_free(txq->free_sections);
	rte_free(txq->pkt);
	rte_free(txq->desc);
	rte_free(txq);
}

/*
 * Before a new session (an MTU change, the port stopped), while the old
 * channels still run: the sends in flight waited for (100 ms at most), the
 * completions owed for received transfers sent.
 */
void
netvsc_queues_session_end(struct rte_eth_dev *eth)
{
	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++)
		if (eth->data->tx_queues[i] != NULL)
			txq_wait_completions(eth->data->tx_queues[i]);
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++) {
		struct netvsc_rxq *rxq = eth->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		rte_spinlock_lock(rxq->lock);
		netvsc_rxq_complete_drain(rxq);
		rte_spinlock_unlock(rxq->lock);
	}
}

/*
 * Until no thread is inside the first nb_chan channels' locks: each taken
 * and let go, 1 s in all. A lock held that long is a process's that died
 * holding it (they live in shared memory): false, rather than hang on it.
 */
bool
netvsc_chan_locks_wait(struct netvsc_dev *dev, uint16_t nb_chan)
{
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz();

	for (uint16_t i = 0; i < RTE_MIN(nb_chan, NETVSC_MAX_QUEUES); i++) {
		rte_spinlock_t *lock = &dev->chan_lock[i].lock;

		while (!rte_spinlock_trylock(lock)) {
			if (rte_get_timer_cycles() > deadline)
				return false;
			rte_delay_us_sleep(100);
		}
		netvsc_chan_unlock(lock);
	}
	return true;
}

/*
 * The queues onto the new session's channels (none until its subchannel is
 * open): what the old session left uncompleted is forgotten, as the host
 * forgot it, and no completion of an old transfer goes to the new one.
 */
void
netvsc_queues_rebind(struct rte_eth_dev *eth)
{
	struct netvsc_dev *dev = eth->data->dev_private;
	uint32_t forgotten;

	for (uint16_t i = 0; i < eth->data->nb_tx_queues; i++) {
		struct netvsc_txq *txq = eth->data->tx_queues[i];

		if (txq == NULL)
			continue;
		rte_spinlock_lock(txq->lock);
		forgotten = netvsc_tx_forget(txq);
		txq->chan = queue_channel(dev, i);
		rte_spinlock_unlock(txq->lock);
		if (forgotten > 0)
			NETVSC_DRV_LOG(NOTICE, dev, "tx queue %u: %u sends of the last session never "
				       "completed, freed", i, forgotten);
	}
	for (uint16_t i = 0; i < eth->data->nb_rx_queues; i++) {
		struct netvsc_rxq *rxq = eth->data->rx_queues[i];

		if (rxq == NULL)
			continue;
		rte_spinlock_lock(rxq->lock);
		rxq->nb_comp = 0;
		rxq->comp_head = 0;
		rxq->chan = queue_channel(dev, i);
		rte_spinlock_unlock(rxq->lock);
	}
}

/* Can a frame of the port's MTU, its tags kept (two at most), outgrow one of rxq's mbufs? */
bool
netvsc_rxq_frame_outgrows(const struct rte_eth_dev_data *data, const struct netvsc_rxq *rxq)
{
	return data->mtu + RTE_ETHER_HDR_LEN + 2u * RTE_VLAN_HLEN > rxq->seg_room;
}

void
netvsc_rxq_info_get(struct rte_eth_dev *eth, uint16_t queue_id, struct rte_eth_rxq_info *qinfo)
{
	const struct netvsc_rxq *rxq = eth->data->rx_queues[queue_id];

	qinfo->mp = rxq->mp;
	qinfo->nb_desc = rxq->nb_desc;
	qinfo->rx_buf_size = (uint16_t)RTE_MIN(rxq->seg_room, (uint32_t)UINT16_MAX);
	/* A frame longer than one mbuf always arrives as a chain. */
	qinfo->scattered_rx = netvsc_rxq_frame_outgrows(eth->data, rxq) ||
			      (rxq->offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) != 0;
	qinfo->conf.offloads = rxq->offloads;
	qinfo->conf.rx_drop_en = 0;	/* a full queue holds the host back, nothing dropped */
}

void
netvsc_txq_info_get(struct rte_eth_dev *eth, uint16_t queue_id, struct rte_eth_txq_info *qinfo)
{
	const struct netvsc_txq *txq = eth->data->tx_queues[queue_id];

	qinfo->nb_desc = (uint16_t)txq->nb_desc;
	qinfo->conf.offloads = txq->offloads;
}

/* The burst and queue-query functions, the same in every process. */
void
netvsc_set_fast_path(struct rte_eth_dev *eth)
{
	eth->rx_pkt_burst = netvsc_rx_burst;
	eth->tx_pkt_burst = netvsc_tx_burst;
	eth->rx_queue_count = netvsc_rx_queue_count;
	eth->rx_descriptor_status = netvsc_rx_descriptor_status;
	eth->tx_descriptor_status = netvsc_tx_descriptor_status;
}
